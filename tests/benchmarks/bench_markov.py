"""Benchmark of the exact Markov-chain attribution (``tools/markov.py``).

Pure Python, no database: loads ``addons/crm_campaign_roi/tools/markov.py``
by path and ChannelAttribution's sample (10,000 paths, 12 channels, 19,785
conversions, kept as the addon's test data), then

1. times removal effects and credits for orders 1 to 3 (best of
   ``--repeat`` runs; target: order 3 in a few seconds);
2. runs ChannelAttribution's ``markov_model`` (a seeded simulation, one
   round of ``--nsim`` journeys, timed too) for the same orders and prints
   the removal effects and credits channel by channel: ours, theirs, and the
   difference.

Run it from the repository root::

    .venv/bin/python tests/benchmarks/bench_markov.py [--orders 1 2 3] [--nsim 1000000]

``--no-compare`` skips ChannelAttribution (a test-only package).
"""

import argparse
import contextlib
import csv
import importlib.util
import io
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADDON = ROOT / "addons" / "crm_campaign_roi"
SAMPLE = ADDON / "tests" / "data" / "channelattribution_sample.csv"


def load_markov():
    spec = importlib.util.spec_from_file_location("markov", ADDON / "tools" / "markov.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_sample():
    with open(SAMPLE, newline="") as handle:
        return [
            (
                tuple(channel.strip() for channel in row["path"].split(">")),
                int(row["total_conversions"]),
                int(row["total_null"]),
            )
            for row in csv.DictReader(handle, delimiter=";")
        ]


def time_ours(markov, paths, order, repeat):
    best = float("inf")
    for _run in range(repeat):
        start = time.perf_counter()
        effects = markov.removal_effects(paths, order)
        credits = markov.credits_from_effects(effects, sum(c for _p, c, _n in paths))
        best = min(best, time.perf_counter() - start)
    return best, effects, credits


def run_theirs(order, nsim):
    with contextlib.redirect_stdout(io.StringIO()):
        import ChannelAttribution
        import pandas

        data = pandas.read_csv(SAMPLE, sep=";")
        start = time.perf_counter()
        result = ChannelAttribution.markov_model(
            data,
            "path",
            "total_conversions",
            var_null="total_null",
            order=order,
            out_more=True,
            seed=0,
            nsim_start=nsim,
            conv_par=1.0,
            verbose=False,
            flg_pro=False,
        )
        elapsed = time.perf_counter() - start
    effects = result["removal_effects"]
    credits = result["result"]
    return (
        elapsed,
        dict(zip(effects["channel_name"], effects["removal_effect"], strict=True)),
        dict(zip(credits["channel_name"], credits["total_conversions"], strict=True)),
    )


def print_table(order, ours, theirs):
    our_effects, our_credits = ours
    their_effects, their_credits = theirs
    print(f"\norder {order}")
    print(
        f"{'channel':<10} {'RE ours':>9} {'RE theirs':>9} {'diff':>8}"
        f" {'credit ours':>12} {'credit theirs':>13} {'diff %':>7}"
    )
    worst = 0.0
    for channel in sorted(our_effects, key=our_effects.get, reverse=True):
        mine, other = our_effects[channel], their_effects.get(channel, 0.0)
        credit, their_credit = our_credits[channel], their_credits.get(channel, 0.0)
        share = (credit - their_credit) / their_credit * 100 if their_credit else float("nan")
        worst = max(worst, abs(mine - other))
        print(
            f"{channel:<10} {mine:>9.4f} {other:>9.4f} {mine - other:>+8.4f}"
            f" {credit:>12.1f} {their_credit:>13.1f} {share:>+7.2f}"
        )
    print(f"largest removal-effect difference: {worst:.4f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--orders", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--nsim", type=float, default=1e6)
    parser.add_argument("--no-compare", action="store_true")
    args = parser.parse_args()
    markov = load_markov()
    paths = read_sample()
    print(f"{len(paths)} paths, {sum(c for _p, c, _n in paths)} conversions")
    results = {}
    for order in args.orders:
        elapsed, effects, credits = time_ours(markov, paths, order, args.repeat)
        results[order] = (effects, credits)
        print(f"order {order}: exact solve {elapsed:.3f} s (best of {args.repeat})")
    if args.no_compare:
        return
    for order in args.orders:
        elapsed, effects, credits = run_theirs(order, args.nsim)
        print(f"\nChannelAttribution order {order}: {elapsed:.2f} s for {args.nsim:.0f} journeys")
        print_table(order, results[order], (effects, credits))


if __name__ == "__main__":
    main()
