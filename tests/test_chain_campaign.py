"""crm_campaign_roi with the other addons and mass_mailing installed: mailing
traces become touches, deals born won, journey events."""

from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.tests import TransactionCase
from odoo.tools import SQL, mute_logger

from odoo.addons.mail.tests.common import MockEmail

from odoo_case import repository_case

MAILING_EVENTS = ["mail_sent", "mail_open", "mail_click", "mail_reply"]


@repository_case
class TestMailingTouches(MockEmail, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.campaign_roi_dedup = "none"
        cls.campaign = cls.env["utm.campaign"].create({"name": "Chain spring newsletter"})
        cls.customer = cls.env["res.partner"].create(
            {"name": "Chain Mail Works", "is_company": True, "email": "office@mailworks.example"}
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Olena Mail",
                "parent_id": cls.customer.id,
                "email": "Olena Mail <Olena.Mail@MailWorks.example>",
            }
        )
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Chain mail deal",
                "type": "opportunity",
                "partner_id": cls.contact.id,
                "email_from": "olena.mail@mailworks.example",
            }
        )
        cls.mailing_list = cls.env["mailing.list"].create(
            {
                "name": "Chain prospects",
                "contact_ids": [
                    (0, 0, {"name": "Olena (list)", "email": "OLENA.MAIL@mailworks.example"}),
                    (0, 0, {"name": "Nobody known", "email": "stranger@elsewhere.example"}),
                ],
            }
        )

    def _mailing(self, model, **vals):
        return self.env["mailing.mailing"].create(
            {
                "subject": "Chain offer",
                "body_html": '<p>Hello, see <a href="https://www.example.com/offer">it</a></p>',
                "email_from": "marketing@example.com",
                "mailing_model_id": self.env["ir.model"]._get_id(model),
                "campaign_id": self.campaign.id,
                **vals,
            }
        )

    def _send(self, mailing):
        with self.mock_mail_gateway(mail_unlink_sent=False):
            mailing.action_send_mail()
        traces = mailing.mailing_trace_ids
        self.assertTrue(traces)
        self.assertTrue(all(traces.mapped("sent_datetime")))
        return traces

    def _capture(self):
        return self.env["crm.campaign.touch"]._cron_capture_mailing_traces()

    def _touches(self, traces):
        return self.env["crm.campaign.touch"].search(
            [("res_model", "=", "mailing.trace"), ("res_id", "in", traces.ids)],
            order="res_id, id",
        )

    def test_mailing_events_become_touches(self):
        lead_mailing = self._mailing("crm.lead", mailing_domain=repr([("id", "=", self.lead.id)]))
        list_mailing = self._mailing(
            "mailing.list", contact_list_ids=[(6, 0, self.mailing_list.ids)]
        )
        traces = self._send(lead_mailing) | self._send(list_mailing)
        self.assertEqual(len(traces), 3)
        self._capture()
        touches = self._touches(traces)
        self.assertEqual(touches.mapped("touch_type"), ["mail_sent"] * 3)
        lead_touch = touches.filtered(
            lambda touch: touch.res_id == lead_mailing.mailing_trace_ids.id
        )
        self.assertEqual((lead_touch.lead_id, lead_touch.contact_id), (self.lead, self.contact))
        self.assertEqual(lead_touch.partner_id, self.customer)
        by_email = {trace.email: self._touches(trace) for trace in list_mailing.mailing_trace_ids}
        # the list contact is the partner with the same normalized e-mail
        self.assertEqual(by_email["olena.mail@mailworks.example"].contact_id, self.contact)
        self.assertFalse(by_email["stranger@elsewhere.example"].contact_id)
        self.assertEqual(self._capture(), 0)

        # opened, clicked and replied later: each event once
        for trace in traces:
            trace.set_opened()
            trace.set_clicked()
            trace.set_replied()
        self.assertEqual(self._capture(), 9)
        for trace in traces:
            touches = self._touches(trace)
            self.assertEqual(sorted(touches.mapped("touch_type")), sorted(MAILING_EVENTS))
            self.assertEqual(touches.campaign_id, self.campaign)
            self.assertEqual(
                touches.filtered(lambda t: t.touch_type == "mail_reply").touch_date,
                trace.reply_datetime,
            )
        self.assertEqual(self._capture(), 0)
        self.assertEqual(self.campaign.with_context(active_test=False).touch_count, 12)

    def test_deleted_lead_or_partner_does_not_stop_the_job(self):
        stranger = self.env["res.partner"].create(
            {"name": "Chain leaver", "email": "leaver@gone.example"}
        )
        lead = self.env["crm.lead"].create(
            {"name": "Chain gone deal", "email_from": "olena.mail@mailworks.example"}
        )
        traces = self._send(
            self._mailing("crm.lead", mailing_domain=repr([("id", "=", lead.id)]))
        ) | self._send(
            self._mailing("res.partner", mailing_domain=repr([("id", "=", stranger.id)]))
        )
        lead.unlink()
        stranger.unlink()
        self.assertEqual(self._capture(), 2)
        touches = self._touches(traces)
        self.assertEqual(len(touches), 2)
        self.assertFalse(touches.lead_id)
        # the deleted lead's recipient is still known by e-mail
        self.assertEqual(touches.contact_id, self.contact)

    def test_traces_committed_late_are_not_skipped(self):
        traces = self._send(
            self._mailing("crm.lead", mailing_domain=repr([("id", "=", self.lead.id)]))
        )
        self._capture()
        params = self.env["ir.config_parameter"].sudo()
        cursor = fields.Datetime.to_datetime(
            params.get_param("crm_campaign_roi.mailing_trace_sync")
        )
        # opened in a transaction that began before the last run and was
        # committed after it: its write date is older than the cursor
        traces.set_opened()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE mailing_trace SET write_date = %s WHERE id = ANY(%s)",
                cursor - timedelta(minutes=20),
                traces.ids,
            )
        )
        self.assertEqual(self._capture(), 1)
        self.assertEqual(
            sorted(self._touches(traces).mapped("touch_type")), ["mail_open", "mail_sent"]
        )
        # the database holds one touch per trace and event
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["crm.campaign.touch"].create(
                {
                    "campaign_id": self.campaign.id,
                    "touch_type": "mail_open",
                    "res_model": "mailing.trace",
                    "res_id": traces.id,
                    "lead_id": self.lead.id,
                }
            )
            self.env.flush_all()
        self.assertEqual(len(self._touches(traces)), 2)
