"""Who a mailing holds out (no ORM): its own holdout and the global control group."""

from .lift import holdout_split


def held_out(recipients, percent, seed, control_percent=0.0, control_seed=None):
    """``{res_id: reason}`` of the recipients kept out of a mailing.

    ``recipients`` maps each recipient (res_id) to its customer (commercial
    partner id, or None). A recipient whose customer is in the company's
    global control group (``holdout_split`` of the customers with
    ``control_seed``) is held out as ``control_group``, whatever the mailing:
    the same customers miss every mailing. The mailing's own holdout
    (``holdout_split`` of the res_ids with ``seed``) holds out the others as
    ``holdout``.
    """
    held = {}
    if control_percent:
        by_customer = {}
        for res_id, customer in recipients.items():
            if customer:
                by_customer.setdefault(customer, []).append(res_id)
        for customer in holdout_split(list(by_customer), control_percent, control_seed):
            held.update(dict.fromkeys(by_customer[customer], "control_group"))
    if percent:
        for res_id in holdout_split(list(recipients), percent, seed):
            held.setdefault(res_id, "holdout")
    return held
