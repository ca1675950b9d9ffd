import os
import select
from datetime import datetime, timedelta
from unittest.mock import patch

import psycopg2

from odoo import sql_db
from odoo.exceptions import UserError

from ..tools import job_wake
from .common import HandoffCommon


class TestHandoffAfterCommit(HandoffCommon):
    """The handoff of a won deal is made by the scheduled job that the win
    wakes, or when a user opens it first."""

    def test_win_marks_and_wakes_the_job_that_makes_the_handoff(self):
        job = self.env.ref("crm_service_link.ir_cron_service_handoff_pending")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search([("cron_id", "=", job.id)])
        lead = self.make_lead()
        lead.with_user(self.user_salesman).action_set_won()
        self.assertTrue(lead.service_handoff_pending)
        self.assertFalse(lead.service_handoff_ids, "nothing made inside the win")
        self.assertFalse(Trigger.search([("cron_id", "=", job.id)]) - before, "not in the win")
        self.env.flush_all()
        # the post-commit step, as after a real commit, in a cursor of its
        # own (test mode: the same transaction)
        self.registry.enter_test_mode(self.env.cr)
        try:
            self.env.cr.postcommit.run()
        finally:
            self.registry.leave_test_mode()
        self.assertTrue(Trigger.search([("cron_id", "=", job.id)]) - before, "job woken")
        job.method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(len(lead.service_handoff_ids), 1)
        self.assertEqual(lead.service_handoff_ids.partner_id, self.customer)
        self.assertEqual(lead.service_handoff_ids.sales_user_id, self.user_salesman)
        self.assertFalse(lead.service_handoff_pending)

    def test_job_makes_what_is_left_once(self):
        leads = self.make_lead() | self.make_lead()
        leads.action_set_won()
        Handoff = self.env["crm.service.handoff"]
        # in batches of the job's size, the oldest marks first
        self.assertEqual(Handoff._cron_create_pending(limit=1).lead_id, leads[0])
        self.assertEqual(Handoff._cron_create_pending().lead_id, leads[1])
        self.assertFalse(Handoff._cron_create_pending(), "a second run makes nothing")
        self.assertEqual(len(leads.service_handoff_ids), 2)
        self.assertFalse(any(leads.mapped("service_handoff_pending")))
        # won again (after a reopening): still its one handoff
        leads[0].action_set_lost()
        leads[0].toggle_active()
        leads[0].action_set_won()
        self.after_commit()
        self.assertEqual(len(leads[0].service_handoff_ids), 1)

    def test_job_counts_the_marks_it_cleared_as_its_progress(self):
        """A batch of deals reopened before the job makes no handoff, but it
        is progress: the job must say so, or Odoo stops running it while
        marks are left."""
        leads = self.make_lead() | self.make_lead()
        leads.action_set_won()
        leads[0].stage_id = self.env["crm.stage"].search([("is_won", "=", False)], limit=1)
        job = self.env.ref("crm_service_link.ir_cron_service_handoff_pending")
        progress = job._add_progress()[1]
        Handoff = self.env["crm.service.handoff"].with_context(ir_cron_progress_id=progress.id)
        self.assertFalse(Handoff._cron_create_pending(limit=1), "the reopened deal: none")
        self.assertEqual((progress.done, progress.remaining), (1, 1))
        self.assertEqual(Handoff._cron_create_pending(limit=1).lead_id, leads[1])
        self.assertEqual((progress.done, progress.remaining), (1, 0))

    def test_opening_the_handoff_before_the_job_makes_it(self):
        lead = self.make_lead()
        lead.with_user(self.user_salesman).action_set_won()
        action = lead.with_user(self.user_salesman).action_open_service_handoff()
        handoff = lead.service_handoff_ids
        self.assertEqual(len(handoff), 1)
        self.assertEqual(action["res_id"], handoff.id)
        self.assertFalse(lead.service_handoff_pending)

    def test_lead_reopened_before_the_job_gets_none(self):
        lead = self.make_lead()
        lead.action_set_won()
        lead.stage_id = self.env["crm.stage"].search([("is_won", "=", False)], limit=1)
        self.after_commit()
        self.assertFalse(lead.service_handoff_ids)
        self.assertFalse(lead.service_handoff_pending)

    def test_salesman_cannot_forge_the_mark(self):
        lead = self.make_lead()
        forged = lead.with_user(self.user_salesman).with_context(
            default_service_handoff_pending=True
        )
        for vals in ({"service_handoff_pending": True}, {"service_handoff_pending": False}):
            with self.assertRaises(UserError):
                forged.write(vals)
        with self.assertRaises(UserError):
            self.env["crm.lead"].with_user(self.user_salesman).create(
                {"name": "Forged", "service_handoff_pending": True}
            )
        with self.assertRaises(UserError):
            forged.create({"name": "Forged by default"})
        self.assertFalse(lead.service_handoff_pending)
        # the mark of a won deal cannot be cleared to skip its handoff
        lead.with_user(self.user_salesman).action_set_won()
        with self.assertRaises(UserError):
            lead.with_user(self.user_salesman).write({"service_handoff_pending": False})
        self.after_commit()
        self.assertEqual(len(lead.service_handoff_ids), 1)

    def test_wake_notifies_the_cron_workers(self):
        """The wake's notification reaches a listener of the cron workers'
        channel, twice on the one connection that the process keeps."""
        listener = psycopg2.connect(**sql_db.connection_info_for("postgres")[1])
        listener.autocommit = True
        try:
            listener.cursor().execute("LISTEN cron_trigger")
            job_wake.notify_cron_workers(self.env.cr.dbname)
            kept = job_wake._channel.get(os.getpid())
            job_wake.notify_cron_workers(self.env.cr.dbname)
            self.assertIs(job_wake._channel.get(os.getpid()), kept)
            payloads = []
            for _attempt in range(50):
                select.select([listener], [], [], 0.1)
                listener.poll()
                payloads += [note.payload for note in listener.notifies]
                listener.notifies.clear()
                if len(payloads) >= 2:
                    break
            self.assertEqual(payloads, [self.env.cr.dbname] * 2)
        finally:
            listener.close()

    def test_job_runs_at_most_once_in_its_spacing(self):
        """Run by the cron worker again soon after its previous run, the job
        waits for the rest of its spacing, then makes the handoffs; a direct
        call or a run after a pause does not wait."""
        lead = self.make_lead()
        lead.action_set_won()
        job = self.env.ref("crm_service_link.ir_cron_service_handoff_pending")
        Handoff = self.env["crm.service.handoff"]
        cases = [
            ({"cron_id": job.id, "lastcall": datetime.utcnow() - timedelta(seconds=0.5)}, True),
            ({"cron_id": job.id, "lastcall": datetime.utcnow() - timedelta(seconds=30)}, False),
            ({"lastcall": datetime.utcnow()}, False),
        ]
        for context, waits in cases:
            with patch.object(job_wake.time, "sleep") as sleep:
                Handoff.with_context(**context)._cron_create_pending()
            if waits:
                (wait,), _kw = sleep.call_args
                self.assertTrue(1.0 < wait <= job_wake.JOB_SPACING - 0.5 + 0.01, wait)
            else:
                sleep.assert_not_called()
        self.assertEqual(len(lead.service_handoff_ids), 1)
