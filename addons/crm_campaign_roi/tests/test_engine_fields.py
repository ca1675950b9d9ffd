from freezegun import freeze_time

from odoo.exceptions import AccessError

from .common import T0, CampaignRoiRecordsCommon


class TestEngineFields(CampaignRoiRecordsCommon):
    """Touches are always captured; what the engine computes only it writes."""

    def _touches(self, record):
        return self.Touch.search([("res_model", "=", record._name), ("res_id", "=", record.id)])

    def test_forged_context_does_not_skip_the_capture(self):
        Lead = (
            self.env["crm.lead"]
            .with_user(self.user_salesman)
            .with_context(campaign_roi_skip_capture=True)
        )
        with freeze_time(T0):
            lead = Lead.create(
                {"name": "Inbound", "type": "lead", "campaign_id": self.campaign_b.id}
            )
            lead.write({"campaign_id": self.campaign_c.id})
        touches = self._touches(lead)
        self.assertEqual(touches.mapped("touch_type"), ["campaign", "lead"])
        self.assertEqual(touches.campaign_id, self.campaign_b | self.campaign_c)

    def test_capture_is_idempotent(self):
        self.company.campaign_roi_dedup = "none"
        with freeze_time(T0):
            lead = self._lead(100.0, campaign_id=self.campaign_b.id)
            self.Touch._capture(lead, "opportunity", "self")
            self.Touch._capture(lead | lead, "opportunity", "self")
        touch = self._touches(lead)
        self.assertEqual(len(touch), 1)
        self.assertEqual(touch.touch_type, "opportunity")

    def test_attribution_lines_only_by_the_engine(self):
        # even if an integration grants write access on the lines, the engine
        # alone writes them
        self.env["ir.model.access"].create(
            {
                "name": "integration access to lines",
                "model_id": self.env["ir.model"]._get_id("crm.campaign.attribution"),
                "group_id": self.env.ref("crm_campaign_roi.crm_campaign_roi_group_manager").id,
                "perm_read": True,
                "perm_write": True,
                "perm_create": True,
                "perm_unlink": True,
            }
        )
        amount = self.line.amount
        Line = self.Attribution.with_user(self.user_roi_manager).with_context(
            campaign_roi_engine=True
        )
        line = Line.browse(self.line.id)
        with self.assertRaises(AccessError):
            line.write({"amount": 1e9})
        with self.assertRaises(AccessError):
            line.unlink()
        with self.assertRaises(AccessError):
            Line.create(
                {
                    "conversion_model": "crm.lead",
                    "conversion_id": self.lead.id,
                    "campaign_id": self.campaign_b.id,
                    "attribution_model": "linear",
                    "amount": 1e9,
                    "company_id": self.company.id,
                }
            )
        self.assertEqual(self.line.amount, amount)
        self.assertEqual(len(self._lines(self.lead)), 9)

    def test_cost_roll_up_only_computed(self):
        Cost = self.env["utm.campaign.cost"].with_user(self.user_roi_manager)
        with self.assertRaises(AccessError):
            Cost.browse(self.cost.id).write({"amount_company": 1e9})
        with self.assertRaises(AccessError):
            Cost.create({"campaign_id": self.campaign.id, "amount": 1.0, "amount_company": 1e9})
        self.assertEqual(self.cost.amount_company, 100.0)
        self.assertEqual(Cost.search_count([("campaign_id", "=", self.campaign.id)]), 1)
        self.assertEqual(self.campaign.with_user(self.user_roi_user).actual_cost, 100.0)

    def test_campaign_figures_only_computed(self):
        campaign = self.campaign.with_user(self.user_roi_manager)
        for field, value in (("actual_cost", 0.0), ("attributed_revenue", 1e9), ("roi", 1e6)):
            with self.assertRaises(AccessError, msg=field):
                campaign.write({field: value})
        with self.assertRaises(AccessError):
            self.env["utm.campaign"].with_user(self.user_roi_manager).create(
                {"name": "Forged figures", "won_count": 1000}
            )
        self.assertFalse(self.env["utm.campaign"].search([("name", "=", "Forged figures")]))
        self.assertEqual(self.campaign.actual_cost, 100.0)

    def test_touch_origin_only_by_the_capture(self):
        touch = self.touch.with_user(self.user_roi_manager)
        with self.assertRaises(AccessError):
            touch.write({"res_model": "crm.lead", "res_id": self.lead.id})
        with freeze_time(T0), self.assertRaises(AccessError):
            self.Touch.with_user(self.user_roi_manager).create(
                {
                    "campaign_id": self.campaign_c.id,
                    "contact_id": self.contact.id,
                    "res_model": "sale.order",
                    "res_id": 1,
                }
            )
        self.assertFalse(self.touch.res_model)
        self.assertFalse(self.Touch.search([("campaign_id", "=", self.campaign_c.id)]))
        # the touch itself stays editable by managers
        touch.write({"touch_type": "event"})
        self.assertEqual(self.touch.touch_type, "event")
