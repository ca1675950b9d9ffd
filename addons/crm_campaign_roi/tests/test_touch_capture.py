from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import Form

from .common import T0, CampaignRoiCommon


class TestTouchCapture(CampaignRoiCommon):
    def _touches(self, record):
        return self.Touch.search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)], order="id"
        )

    def test_lead_life_cycle_records_touches(self):
        with freeze_time(T0 - timedelta(days=30)):
            lead = self.env["crm.lead"].create(
                {
                    "name": "Inbound request",
                    "type": "lead",
                    "partner_id": self.contact.id,
                    "campaign_id": self.campaign_a.id,
                    "company_id": self.company.id,
                }
            )
        with freeze_time(T0 - timedelta(days=20)):
            lead.campaign_id = self.campaign_b
        with freeze_time(T0 - timedelta(days=10)):
            lead.write({"type": "opportunity"})
        touches = self._touches(lead)
        self.assertEqual(touches.mapped("touch_type"), ["lead", "campaign", "opportunity"])
        self.assertEqual(touches.campaign_id, self.campaign_a | self.campaign_b)
        self.assertEqual(touches.partner_id, self.customer)
        self.assertEqual(touches.contact_id, self.contact)
        self.assertEqual(touches.lead_id, lead)
        # the W-shaped model uses those milestones
        lead.expected_revenue = 1000.0
        with freeze_time(T0):
            lead.action_set_won()
            self.after_commit()
        w_shaped = self._lines(lead, "w_shaped")
        # first = lead created (0.3 + 0.3), then 0.1 for the campaign change, 0.3 opportunity
        self.assertEqual(w_shaped.mapped("amount"), [600.0, 100.0, 300.0])
        self.assertEqual(w_shaped.mapped("touch_id"), touches)

    def test_lead_without_campaign_records_nothing(self):
        lead = self._lead(100.0)
        self.assertFalse(self._touches(lead))
        lead = self._lead(100.0, campaign_id=self.campaign_a.id)
        # a copy carries the campaign, hence its own touch (whatever the context)
        self.company.campaign_roi_dedup = "none"
        lead_2 = lead.with_context(campaign_roi_skip_capture=True).copy()
        self.assertEqual(len(self._touches(lead)), 1)
        self.assertEqual(self._touches(lead_2).campaign_id, self.campaign_a)

    def test_sale_order_records_a_touch(self):
        lead = self._lead(100.0)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.contact.id,
                "campaign_id": self.campaign_c.id,
                "opportunity_id": lead.id,
            }
        )
        touch = self._touches(order)
        self.assertEqual(touch.touch_type, "order")
        self.assertEqual(touch.campaign_id, self.campaign_c)
        self.assertEqual(touch.lead_id, lead)
        self.assertEqual(touch.partner_id, self.customer)

    def test_deleting_a_touch_or_a_won_lead_updates_attribution(self):
        with freeze_time(T0):
            first = self._touch(self.campaign_a, 20, partner=self.contact)
            self._touch(self.campaign_b, 10, partner=self.contact)
            lead = self._lead(900.0)
            lead.action_set_won()
            self.after_commit()
        self.assertEqual(self._amounts(lead, "linear"), [450.0, 450.0])
        first.unlink()
        self.assertEqual(self._amounts(lead, "linear"), [900.0])
        lead_id = lead.id
        lead.unlink()
        self.assertFalse(
            self.Attribution.search(
                [("conversion_model", "=", "crm.lead"), ("conversion_id", "=", lead_id)]
            )
        )

    def test_manual_touch_form(self):
        with freeze_time(T0):
            form = Form(self.Touch.with_user(self.user_roi_manager))
            form.campaign_id = self.campaign_c
            form.touch_type = "event"
            form.contact_id = self.contact
            self.assertEqual(form.partner_id, self.customer)
            form.touch_date = T0 - timedelta(days=3)
            touch = form.save()
        self.assertEqual(touch.partner_id, self.customer)
        self.assertEqual(touch.company_id, self.company)
