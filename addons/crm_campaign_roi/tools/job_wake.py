"""Waking and pacing the scheduled job that the wins wake.

A win marks its deal and, after its commit, wakes the job that takes every
marked deal in one batch. Under a stream of wins (many per second on a
server with several workers) this must cost little: all the jobs that one
transaction wakes are woken together (see ``wake_after_commit``), the wake
keeps its connection to the cron workers' channel, and the job runs at most
once in ``JOB_SPACING`` seconds.

``crm_service_link`` has the same module for its own job: each addon works alone.
"""

import logging
import os
import time
from datetime import datetime
from functools import partial

import psycopg2

from odoo import SUPERUSER_ID, sql_db
from odoo.tools import SQL

from odoo.addons.base.models.ir_cron import ODOO_NOTIFY_FUNCTION

_logger = logging.getLogger(__name__)

# Under a stream of wins, the job runs about once in this many seconds (Odoo
# keeps the previous run's ``lastcall`` to the second: runs are 1 to 2 s apart).
JOB_SPACING = 2.0

# This process's connection to the "postgres" database, where the cron
# workers listen: {pid: connection}.
_channel = {}


# The jobs to wake after the commit of a transaction: a set of XML ids in the
# cursor's post-commit data, under this key. The addons of this suite that
# wake a job after a win share the key, so that a win wakes all their jobs
# in one statement and one notification. Each addon has its own copy of this
# module, and whichever copy is asked first runs the wake.
WAKES_KEY = "crm_suite.jobs_to_wake"


def wake_after_commit(env, xmlid):
    """Wake the job ``xmlid`` after the commit of ``env``'s transaction, with
    the other jobs that the transaction wakes (once each)."""
    postcommit = env.cr.postcommit
    xmlids = postcommit.data.get(WAKES_KEY)
    if xmlids is None:
        xmlids = postcommit.data[WAKES_KEY] = set()
        postcommit.add(partial(wake_jobs, env.registry, xmlids))
    xmlids.add(xmlid)


def wake_jobs(registry, xmlids):
    """Wake the jobs ``xmlids`` in a transaction of their own, after the
    win's commit, as ``ir.cron._trigger`` does: a trigger row per job, then
    one notification to the cron workers.

    The triggers are not written in the win's transaction, where their
    reference to the job's row would conflict with the job's own updates of
    that row and have the win retried. They are written in one statement,
    without an environment: this runs after every win, in the worker that
    serves it. The notification is sent on a connection that this process
    keeps (see ``notify_cron_workers``)."""
    modules, names = zip(*(xmlid.split(".", 1) for xmlid in sorted(xmlids)), strict=True)
    try:
        with registry.cursor() as cr:
            cr.execute(
                SQL(
                    """INSERT INTO ir_cron_trigger
                              (cron_id, call_at, create_uid, create_date, write_uid, write_date)
                       SELECT job.id, now() AT TIME ZONE 'UTC', %(uid)s,
                              now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                         FROM unnest(%(modules)s::varchar[], %(names)s::varchar[])
                              AS wanted(module, name)
                         JOIN ir_model_data xid
                              ON xid.module = wanted.module AND xid.name = wanted.name
                         JOIN ir_cron job ON job.id = xid.res_id
                        WHERE xid.model = 'ir.cron' AND job.active""",
                    uid=SUPERUSER_ID,
                    modules=list(modules),
                    names=list(names),
                )
            )
            woken = cr.rowcount
            dbname = cr.dbname
    except psycopg2.Error:
        # the jobs also run at their interval: the deals wait for them a little
        _logger.info("Jobs %s not woken now; they run at their next interval", sorted(xmlids))
        return
    if woken:
        notify_cron_workers(dbname)


def notify_cron_workers(dbname):
    """Tell the cron workers that a job of ``dbname`` is due, as
    ``ir.cron._notifydb``, on a connection that this process keeps.

    ``_notifydb`` opens a new connection to the "postgres" database each time
    (Odoo's pool does not keep those): two per win, as measured under load,
    cost more than the win itself. One notification wakes every due job of
    the database. A failed notification only delays the job
    to the cron workers' next poll (a minute at most)."""
    pid = os.getpid()
    try:
        connection = _channel.get(pid)
        if connection is None or connection.closed:
            _channel.clear()  # a forked worker does not use its parent's
            connection = psycopg2.connect(**sql_db.connection_info_for("postgres")[1])
            connection.autocommit = True
            _channel[pid] = connection
        with connection.cursor() as cr:
            cr.execute(
                f"SELECT {psycopg2.extensions.quote_ident(ODOO_NOTIFY_FUNCTION, cr)}"
                "('cron_trigger', %s)",
                [dbname],
            )
    except psycopg2.Error:
        _channel.pop(pid, None)
        _logger.info("Cron workers not notified now; they run the job at their next poll")


def pace_job(env):
    """Called by the job before it takes the marked deals: when the cron
    worker runs it again less than ``JOB_SPACING`` seconds after its previous
    run, wait for the rest of that time.

    Every win wakes the job; under a stream of wins, a run per win would do
    the job's fixed work (the cron's own bookkeeping, the batch's queries)
    for one or two deals each time, and take from the workers that serve the
    wins as much time as the wins themselves. Waiting costs no processor time
    and lets one run take the deals of those seconds; on a quiet server the
    job runs at once. The deals won while it waits are taken by the next run,
    which their own wakes ask for. Only runs of the cron worker wait (its
    context has ``cron_id`` and ``lastcall``), never a direct call.
    """
    lastcall = env.context.get("lastcall")
    if not env.context.get("cron_id") or not isinstance(lastcall, datetime):
        return
    wait = JOB_SPACING - (datetime.utcnow() - lastcall).total_seconds()
    if 0 < wait <= JOB_SPACING:
        time.sleep(wait)
