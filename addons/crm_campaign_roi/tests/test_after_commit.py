import os
import select
from datetime import datetime, timedelta
from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo import sql_db
from odoo.exceptions import UserError

from ..tools import job_wake
from .common import T0, CampaignRoiCommon


class TestAttributionAfterCommit(CampaignRoiCommon):
    """The attribution of a win is computed by the scheduled job that the win
    wakes; other changes of a won deal stay immediate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(T0):
            cls._touch(cls.campaign_a, 10, partner=cls.contact)

    def _won(self):
        with freeze_time(T0):
            lead = self._lead(1000.0)
            lead.action_set_won()
        return lead

    def test_win_marks_and_wakes_the_job_that_computes(self):
        job = self.env.ref("crm_campaign_roi.ir_cron_attribution_pending")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search([("cron_id", "=", job.id)])
        lead = self._won()
        self.assertTrue(lead.campaign_roi_pending)
        self.assertFalse(self._lines(lead), "nothing computed inside the win")
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
        self.assertEqual(self._amounts(lead, "linear"), [1000.0])
        self.assertFalse(lead.campaign_roi_pending)

    def test_job_computes_what_is_left_once(self):
        lead, other = self._won(), self._won()
        Attribution = self.env["crm.campaign.attribution"]
        # in batches of the job's size, the oldest marks first
        self.assertEqual(Attribution._cron_refresh_pending(limit=1), lead.ids)
        self.assertEqual(Attribution._cron_refresh_pending(), other.ids)
        self.assertEqual(Attribution._cron_refresh_pending(), [], "a second run does nothing")
        self.assertEqual(self._amounts(lead, "linear"), [1000.0])

    def test_job_counts_the_marks_it_cleared_as_its_progress(self):
        """A batch of deals lost before the job computes no line, but it is
        progress: the job must say so, or Odoo stops running it while marks
        are left."""
        lead, other = self._won(), self._won()
        lead.action_set_lost()
        job = self.env.ref("crm_campaign_roi.ir_cron_attribution_pending")
        progress = job._add_progress()[1]
        Attribution = self.env["crm.campaign.attribution"].with_context(
            ir_cron_progress_id=progress.id
        )
        self.assertEqual(Attribution._cron_refresh_pending(limit=1), lead.ids)
        self.assertFalse(self._lines(lead))
        self.assertEqual((progress.done, progress.remaining), (1, 1))
        self.assertEqual(Attribution._cron_refresh_pending(limit=1), other.ids)
        self.assertEqual((progress.done, progress.remaining), (1, 0))

    def test_revenue_change_of_a_won_deal_is_immediate(self):
        lead = self._won()
        self.after_commit()
        lead.expected_revenue = 2000.0
        self.assertFalse(lead.campaign_roi_pending)
        self.assertEqual(self._amounts(lead, "linear"), [2000.0])

    def test_lost_before_the_job_keeps_no_line(self):
        lead = self._won()
        lead.action_set_lost()
        self.after_commit()
        self.assertFalse(self._lines(lead))
        self.assertFalse(lead.campaign_roi_pending)

    def test_salesman_cannot_forge_the_mark(self):
        lead = self._lead(1000.0).with_user(self.user_salesman)
        forged = lead.with_context(default_campaign_roi_pending=True)
        for vals in ({"campaign_roi_pending": True}, {"campaign_roi_pending": False}):
            with self.assertRaises(UserError):
                forged.write(vals)
        with self.assertRaises(UserError):
            forged.create({"name": "Forged", "campaign_roi_pending": True})
        with self.assertRaises(UserError):
            forged.create({"name": "Forged by default"})
        self.assertFalse(lead.sudo().campaign_roi_pending)

    def test_wake_notifies_the_cron_workers(self):
        """The wake's notification reaches a listener of the cron workers'
        channel, on the connection that the process keeps."""
        listener = psycopg2.connect(**sql_db.connection_info_for("postgres")[1])
        listener.autocommit = True
        try:
            listener.cursor().execute("LISTEN cron_trigger")
            job_wake.notify_cron_workers(self.env.cr.dbname)
            kept = job_wake._channel.get(os.getpid())
            job_wake.notify_cron_workers(self.env.cr.dbname)
            self.assertIs(job_wake._channel.get(os.getpid()), kept, "kept")
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
        waits for the rest of its spacing, then computes; a direct call or a
        run after a pause does not wait."""
        lead = self._won()
        job = self.env.ref("crm_campaign_roi.ir_cron_attribution_pending")
        Attribution = self.env["crm.campaign.attribution"]
        cases = [
            ({"cron_id": job.id, "lastcall": datetime.utcnow() - timedelta(seconds=0.5)}, True),
            ({"cron_id": job.id, "lastcall": datetime.utcnow() - timedelta(seconds=30)}, False),
            ({"lastcall": datetime.utcnow()}, False),
        ]
        for context, waits in cases:
            with patch.object(job_wake.time, "sleep") as sleep:
                Attribution.with_context(**context)._cron_refresh_pending()
            if waits:
                (wait,), _kw = sleep.call_args
                self.assertTrue(1.0 < wait <= job_wake.JOB_SPACING - 0.5 + 0.01, wait)
            else:
                sleep.assert_not_called()
        self.assertEqual(self._amounts(lead, "linear"), [1000.0])
