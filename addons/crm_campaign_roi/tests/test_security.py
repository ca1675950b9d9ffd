from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import T0, CampaignRoiRecordsCommon

PERMS = ("read", "write", "create", "unlink")


class TestSecurity(CampaignRoiRecordsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_manager_2 = new_test_user(
            cls.env,
            login="roi_manager_2",
            groups="crm_campaign_roi.crm_campaign_roi_group_manager",
            company_id=cls.company_2.id,
            company_ids=[(6, 0, cls.company_2.ids)],
        )

    def _check(self, model, record, matrix):
        """matrix: user -> allowed operations; all others must raise AccessError."""
        users = {
            "salesman": self.user_salesman,
            "user": self.user_roi_user,
            "manager": self.user_roi_manager,
            "portal": self.user_portal,
        }
        for name, user in users.items():
            allowed = matrix.get(name, ())
            for perm in PERMS:
                has = self.env[model].with_user(user).has_access(perm)
                self.assertEqual(has, perm in allowed, f"{model} {name} {perm}")
            if "read" in allowed:
                record.with_user(user).read(["company_id"])
            else:
                with self.assertRaises(AccessError):
                    record.with_user(user).read(["company_id"])
        # the second company never sees the first company's record
        with self.assertRaises(AccessError):
            record.with_user(self.user_manager_2).read(["company_id"])

    def test_cost_matrix(self):
        self._check(
            "utm.campaign.cost",
            self.cost,
            {"user": ("read",), "manager": PERMS},
        )
        self.cost.with_user(self.user_roi_manager).write({"amount": 120.0})
        with self.assertRaises(AccessError):
            self.cost.with_user(self.user_roi_user).write({"amount": 1.0})

    def test_touch_matrix(self):
        self._check("crm.campaign.touch", self.touch, {"user": ("read",), "manager": PERMS})

    def test_attribution_matrix(self):
        self.assertTrue(self.line)
        self._check(
            "crm.campaign.attribution",
            self.line,
            {"user": ("read",), "manager": ("read",)},
        )

    def test_report_matrix(self):
        row = self.env["crm.campaign.roi.report"].search(
            [("conversion_id", "=", self.lead.id)], limit=1
        )
        self.assertTrue(row)
        self._check("crm.campaign.roi.report", row, {"user": ("read",), "manager": ("read",)})

    def test_engine_fields_matrix(self):
        """No group writes what the engine computes, even with a forged context."""
        users = (self.user_salesman, self.user_roi_user, self.user_roi_manager, self.user_portal)
        engine_fields = {
            self.cost: {"amount_company": 1.0},
            self.touch: {"res_model": "crm.lead", "res_id": self.lead.id},
            self.line: {"amount": 1.0, "weight": 0.5},
            self.campaign: {"actual_cost": 1.0, "attributed_revenue": 1.0, "won_count": 3},
        }
        for user in users:
            for record, vals in engine_fields.items():
                for name, value in vals.items():
                    forged = record.with_user(user).with_context(campaign_roi_engine=True)
                    with self.assertRaises(AccessError, msg=f"{user.login} {name}"):
                        forged.write({name: value})
        self.assertEqual(self.cost.amount_company, 100.0)
        self.assertFalse(self.touch.res_model)
        self.assertEqual(self.line.amount, 100.0)
        self.assertEqual(self.campaign.actual_cost, 100.0)

    def test_settings_wizard_only_for_managers(self):
        Config = self.env["crm.campaign.roi.config"]
        for user in (self.user_salesman, self.user_roi_user, self.user_portal):
            self.assertFalse(Config.with_user(user).has_access("create"))
        # saving the settings form writes them; the button only closes it
        Config.with_user(self.user_roi_manager).create(
            {"campaign_roi_lookback_days": 90, "campaign_roi_default_model": "u_shaped"}
        )
        self.assertEqual(self.company.campaign_roi_lookback_days, 90)
        self.assertEqual(self.company.campaign_roi_default_model, "u_shaped")

    def test_cost_fields_hidden_from_salespeople(self):
        campaign = self.campaign.with_user(self.user_salesman)
        self.assertEqual(campaign.title, "Spring webinar series")
        self.assertEqual(campaign.lead_count, 0)
        for field in ("budget", "actual_cost", "roi", "cost_per_lead", "attributed_revenue"):
            with self.assertRaises(AccessError, msg=field):
                campaign.read([field])
        self.assertEqual(self.campaign.with_user(self.user_roi_user).actual_cost, 100.0)

    def test_salesman_captures_touches_through_leads(self):
        with freeze_time(T0):
            lead = (
                self.env["crm.lead"]
                .with_user(self.user_salesman)
                .create({"name": "Inbound", "campaign_id": self.campaign_b.id, "type": "lead"})
            )
        touch = self.Touch.search([("lead_id", "=", lead.id)])
        self.assertEqual(touch.touch_type, "lead")
        self.assertEqual(touch.campaign_id, self.campaign_b)
        self.assertEqual((touch.res_model, touch.res_id), ("crm.lead", lead.id))
