"""crm_campaign_roi with the other addons and mass_mailing installed: mailing
traces become touches, deals born won, journey events."""

from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.tests import TransactionCase
from odoo.tools import SQL, mute_logger

from odoo.addons.mail.tests.common import MockEmail

from odoo_case import after_commit, repository_case

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


@repository_case
class TestCampaignChain(MockEmail, TransactionCase):
    """Deals born won and the customer journey with the three addons."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({"campaign_roi_conversion": "lead_won", "campaign_roi_dedup": "none"})
        cls.campaign = cls.env["utm.campaign"].create({"name": "Chain born-won campaign"})
        cls.stage_won = cls.env["crm.stage"].create(
            {"name": "Chain won", "sequence": 90, "is_won": True}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Chain Born Won", "is_company": True, "email": "born@won.example"}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Petro Born", "parent_id": cls.customer.id, "email": "petro@won.example"}
        )

    def _lines(self, lead):
        return self.env["crm.campaign.attribution"].search(
            [("conversion_model", "=", "crm.lead"), ("conversion_id", "=", lead.id)]
        )

    def _handoff(self, lead):
        return self.env["crm.service.handoff"].search([("lead_id", "=", lead.id)])

    def test_born_won_gets_handoff_and_conversion(self):
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": f"Chain born won {index}",
                    "type": "opportunity",
                    "partner_id": self.contact.id,
                    "campaign_id": self.campaign.id,
                    "expected_revenue": 1200.0,
                    "stage_id": self.stage_won.id,
                }
                for index in range(2)
            ]
        )
        after_commit(self.env)
        for lead in leads:
            self.assertEqual(len(self._handoff(lead)), 1)
            lines = self._lines(lead).filtered(lambda line: line.attribution_model == "linear")
            self.assertTrue(lines)
            self.assertEqual(sum(lines.mapped("amount")), 1200.0)
            self.assertEqual(set(lines.mapped("conversion_date")), {lead.date_closed})
        # imported as won (probability 100 and a won stage)
        result = self.env["crm.lead"].load(
            [
                "name",
                "type",
                "partner_id/.id",
                "campaign_id/.id",
                "expected_revenue",
                "probability",
                "stage_id/.id",
            ],
            [
                [
                    "Chain imported",
                    "opportunity",
                    str(self.contact.id),
                    str(self.campaign.id),
                    "900",
                    "100",
                    str(self.stage_won.id),
                ]
            ],
        )
        self.assertFalse(result["messages"])
        imported = self.env["crm.lead"].browse(result["ids"])
        after_commit(self.env)
        self.assertEqual(len(self._handoff(imported)), 1)
        self.assertEqual(
            sum(
                self._lines(imported)
                .filtered(lambda line: line.attribution_model == "linear")
                .mapped("amount")
            ),
            900.0,
        )

    def test_mailing_touches_in_the_journey(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Chain journey deal",
                "type": "opportunity",
                "partner_id": self.contact.id,
                "expected_revenue": 500.0,
            }
        )
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "Chain journey offer",
                "body_html": "<p>Hello</p>",
                "email_from": "marketing@example.com",
                "mailing_model_id": self.env["ir.model"]._get_id("crm.lead"),
                "mailing_domain": repr([("id", "=", lead.id)]),
                "campaign_id": self.campaign.id,
            }
        )
        with self.mock_mail_gateway(mail_unlink_sent=False):
            mailing.action_send_mail()
        mailing.mailing_trace_ids.set_opened()
        Touch = self.env["crm.campaign.touch"]
        self.assertEqual(Touch._cron_capture_mailing_traces(), 2)
        lead.write({"stage_id": self.stage_won.id})
        after_commit(self.env)
        self.assertEqual(len(self._handoff(lead)), 1)
        touches = Touch.search([("res_model", "=", "mailing.trace")]).filtered(
            lambda touch: touch.lead_id == lead
        )
        self.assertEqual(sorted(touches.mapped("touch_type")), ["mail_open", "mail_sent"])
        self.assertEqual(self._lines(lead).touch_id, touches)

        events = self.customer._customer_journey_events()
        keys = {event["key"] for event in events}
        for touch in touches:
            self.assertIn(("crm.campaign.touch", touch.id, "touch"), keys)
        self.assertIn(("crm.lead", lead.id, "created"), keys)
        self.assertIn(("crm.lead", lead.id, "won"), keys)
        self.assertTrue(any(key[0] == "crm.service.handoff" for key in keys))
        html = str(self.customer.customer_journey_html)
        self.assertEqual(html.count(f'href="/odoo/crm.lead/{lead.id}"'), 2)
        arch = self.customer.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertEqual(arch.count('name="customer_journey"'), 1)
