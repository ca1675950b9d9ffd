from odoo.tests import TransactionCase, new_test_user


class CampaignRoiCommon(TransactionCase):
    """Users of every campaign-ROI group, a campaign and a second company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "Second Company"})
        cls.user_salesman = new_test_user(
            cls.env, login="roi_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.user_roi_user = new_test_user(
            cls.env, login="roi_user", groups="crm_campaign_roi.crm_campaign_roi_group_user"
        )
        cls.user_roi_manager = new_test_user(
            cls.env, login="roi_manager", groups="crm_campaign_roi.crm_campaign_roi_group_manager"
        )
        cls.campaign = cls.env["utm.campaign"].create({"name": "Spring webinar series"})
