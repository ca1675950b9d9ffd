from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import TransactionCase, new_test_user

# Conversions in the tests happen at this moment (pinned with freeze_time).
T0 = datetime(2026, 6, 30, 12, 0, 0)


class CampaignRoiCommon(TransactionCase):
    """Users of every campaign-ROI group, campaigns, stages and a second company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "campaign_roi_conversion": "lead_won",
                "campaign_roi_lookback_days": 180,
                "campaign_roi_half_life_days": 30.0,
                "campaign_roi_default_model": "linear",
                "campaign_roi_dedup": "day",
            }
        )
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
        cls.user_portal = new_test_user(cls.env, login="roi_portal", groups="base.group_portal")
        Campaign = cls.env["utm.campaign"]
        cls.campaign = Campaign.create({"name": "Spring webinar series"})
        cls.campaign_a = Campaign.create({"name": "ROI Search ads"})
        cls.campaign_b = Campaign.create({"name": "ROI Trade fair"})
        cls.campaign_c = Campaign.create({"name": "ROI Newsletter"})
        cls.stage_new = cls.env["crm.stage"].create({"name": "ROI New", "sequence": 1})
        cls.stage_won = cls.env["crm.stage"].create(
            {"name": "ROI Won", "sequence": 70, "is_won": True}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Kyiv Steel", "is_company": True})
        cls.contact = cls.env["res.partner"].create(
            {"name": "Olena Kovalenko", "parent_id": cls.customer.id}
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Lviv Glass", "is_company": True}
        )
        cls.Attribution = cls.env["crm.campaign.attribution"]
        cls.Touch = cls.env["crm.campaign.touch"]

    @classmethod
    def after_commit(cls):
        """What follows a request's commit: the job it woke computes the
        attribution of the deals it won (test cursors do not run jobs)."""
        cls.env["crm.campaign.attribution"]._cron_refresh_pending()

    @classmethod
    def _touch(cls, campaign, days_before, partner=None, lead=None, touch_type="other", **vals):
        """A touch ``days_before`` days before T0 (call under freeze_time)."""
        return cls.env["crm.campaign.touch"].create(
            {
                "campaign_id": campaign.id,
                "touch_date": T0 - timedelta(days=days_before),
                "contact_id": partner.id if partner else False,
                "lead_id": lead.id if lead else False,
                "touch_type": touch_type,
                **vals,
            }
        )

    @classmethod
    def _lead(cls, revenue=1000.0, partner=None, **vals):
        return cls.env["crm.lead"].create(
            {
                "name": "Steel supply contract",
                "type": "opportunity",
                "partner_id": (partner or cls.contact).id,
                "expected_revenue": revenue,
                "stage_id": cls.stage_new.id,
                "company_id": cls.company.id,
                **vals,
            }
        )

    def _lines(self, conversion, model=None):
        domain = [
            ("conversion_model", "=", conversion._name),
            ("conversion_id", "=", conversion.id),
        ]
        if model:
            domain.append(("attribution_model", "=", model))
        return self.Attribution.search(domain, order="touch_date, touch_id")

    def _amounts(self, conversion, model):
        return [line.amount for line in self._lines(conversion, model)]


class CampaignRoiRecordsCommon(CampaignRoiCommon):
    """Plus a touch, a won lead with its attribution lines and a cost line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(T0):
            cls.touch = cls._touch(cls.campaign_a, 10, partner=cls.contact)
            cls.lead = cls._lead(100.0)
            cls.lead.action_set_won()
            cls.after_commit()
        cls.cost = cls.env["utm.campaign.cost"].create(
            {"name": "Ads", "campaign_id": cls.campaign.id, "amount": 100.0}
        )
        cls.line = cls.Attribution.search([("conversion_id", "=", cls.lead.id)], limit=1)
