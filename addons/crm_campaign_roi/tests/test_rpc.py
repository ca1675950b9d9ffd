import math

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestCampaignRoiRpc(HttpCase):
    """The guarantees hold for an integration calling /web/dataset/call_kw."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.campaign = cls.env["utm.campaign"].create({"name": "RPC webinar"})
        groups = {
            "roi_rpc_salesman": "sales_team.group_sale_salesman",
            "roi_rpc_manager": "crm_campaign_roi.crm_campaign_roi_group_manager",
            "roi_rpc_admin": "base.group_system,crm_campaign_roi.crm_campaign_roi_group_manager",
        }
        for login, group in groups.items():
            new_test_user(
                cls.env, login=login, password=login, groups=group, company_id=cls.company.id
            )

    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_forged_skip_capture_over_rpc(self):
        self.authenticate("roi_rpc_salesman", "roi_rpc_salesman")
        lead_id = self._call(
            "crm.lead",
            "create",
            [{"name": "RPC lead", "type": "lead", "campaign_id": self.campaign.id}],
            {"context": {"campaign_roi_skip_capture": True}},
        )
        touch = self.env["crm.campaign.touch"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", lead_id)]
        )
        self.assertEqual(touch.campaign_id, self.campaign)
        self.assertEqual(touch.touch_type, "lead")

    @mute_logger("odoo.http")
    def test_nan_half_life_over_rpc(self):
        before = self.company.campaign_roi_half_life_days
        self.authenticate("roi_rpc_admin", "roi_rpc_admin")
        for value in (math.nan, math.inf):
            with self.assertRaises(JsonRpcException) as caught:
                self._call(
                    "res.company",
                    "write",
                    [self.company.ids, {"campaign_roi_half_life_days": value}],
                )
            self.assertEqual(caught.exception.args[0], "odoo.exceptions.ValidationError")
        self.company.invalidate_recordset()
        self.assertEqual(self.company.campaign_roi_half_life_days, before)

    @mute_logger("odoo.http")
    def test_engine_fields_over_rpc(self):
        cost_id = (
            self.env["utm.campaign.cost"]
            .create({"name": "Banner", "campaign_id": self.campaign.id, "amount": 40.0})
            .id
        )
        self.authenticate("roi_rpc_manager", "roi_rpc_manager")
        with self.assertRaises(JsonRpcException) as caught:
            self._call(
                "utm.campaign.cost",
                "write",
                [[cost_id], {"amount_company": 1e9}],
                {"context": {"campaign_roi_engine": True}},
            )
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")
        # the public API creates a cost line from its public fields only
        new_id = self._call(
            "utm.campaign.cost",
            "create",
            [{"campaign_id": self.campaign.id, "amount": 60.0, "category": "media"}],
        )
        costs = self.env["utm.campaign.cost"].browse([cost_id, new_id])
        self.assertEqual(costs.mapped("amount_company"), [40.0, 60.0])
        self.assertTrue(costs[1].name)
