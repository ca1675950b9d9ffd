from datetime import date

from freezegun import freeze_time

from odoo.tests import Form

from .common import T0, CampaignRoiCommon

D1 = date(2026, 3, 1)
D2 = date(2026, 6, 1)
D3 = date(2026, 7, 15)  # after the conversions: must not be used


class TestReportingCurrency(CampaignRoiCommon):
    """Campaign figures of several companies in one reporting currency."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd = cls.company.currency_id
        cls.eur = cls.env.ref("base.EUR") if cls.usd.name != "EUR" else cls.env.ref("base.USD")
        cls.eur.active = True
        cls.company_eu = cls.env["res.company"].create(
            {"name": "ROI Europe", "currency_id": cls.eur.id, "campaign_roi_conversion": "lead_won"}
        )
        Rate = cls.env["res.currency.rate"]
        # rates of the European company: 1 EUR = 1.25, then 2, then 4 USD
        for day, rate in ((D1, 1.25), (D2, 2.0), (D3, 4.0)):
            Rate.create(
                {
                    "name": day,
                    "rate": rate,
                    "currency_id": cls.usd.id,
                    "company_id": cls.company_eu.id,
                }
            )
        Rate.create(
            {"name": D1, "rate": 1.0, "currency_id": cls.eur.id, "company_id": cls.company_eu.id}
        )
        # rates of the main company: 1 USD = 0.5 EUR on D1, 0.8 EUR from D2
        for day, rate in ((D1, 0.5), (D2, 0.8), (D3, 0.1)):
            Rate.create(
                {"name": day, "rate": rate, "currency_id": cls.eur.id, "company_id": cls.company.id}
            )
        Cost = cls.env["utm.campaign.cost"]
        Cost.create({"campaign_id": cls.campaign.id, "amount": 100.0, "date": D1})
        for day in (D1, D2):
            Cost.create(
                {
                    "campaign_id": cls.campaign.id,
                    "amount": 100.0,
                    "date": day,
                    "company_id": cls.company_eu.id,
                    "currency_id": cls.eur.id,
                }
            )
        with freeze_time(T0):
            cls._touch(cls.campaign, 10, partner=cls.contact)
            cls._touch(cls.campaign, 10, partner=cls.contact, company_id=cls.company_eu.id)
            cls.lead_us = cls._lead(500.0, campaign_id=cls.campaign.id, user_id=False)
            cls.lead_us.action_set_won()
            cls.after_commit()
            cls.lead_eu = cls._lead(
                1000.0, company_id=cls.company_eu.id, campaign_id=cls.campaign.id, user_id=False
            )
            cls.lead_eu.action_set_won()
            cls.after_commit()
        cls.user_roi_user.company_ids |= cls.company_eu
        cls.both = (cls.company | cls.company_eu).ids

    def _campaign(self, companies):
        return self.campaign.with_user(self.user_roi_user).with_context(
            allowed_company_ids=companies
        )

    def _report_total(self, companies):
        Report = (
            self.env["crm.campaign.roi.report"]
            .with_user(self.user_roi_user)
            .with_context(allowed_company_ids=companies)
        )
        groups = Report._read_group(
            [("campaign_id", "=", self.campaign.id)], ["currency_id"], ["revenue:sum"]
        )
        return [(currency, amount) for currency, amount in groups]

    def test_kpis_consolidate_allowed_companies(self):
        campaign = self._campaign(self.both)
        self.assertEqual(campaign.roi_currency_id, self.usd)
        # 100 USD + 100 EUR at 1.25 (D1) + 100 EUR at 2 (D2)
        self.assertEqual(campaign.actual_cost, 425.0)
        # 500 USD + 1000 EUR at the rate of the conversion's date (2, not 4)
        self.assertEqual(campaign.attributed_revenue, 2500.0)
        self.assertEqual(campaign.lead_count, 2)
        self.assertEqual(campaign.touch_count, 4)
        self.assertAlmostEqual(campaign.roi, (2500.0 - 425.0) / 425.0 * 100.0)
        # only the companies the user works in
        campaign = self._campaign(self.company.ids)
        self.assertEqual((campaign.actual_cost, campaign.attributed_revenue), (100.0, 500.0))
        campaign = self._campaign(self.company_eu.ids)
        self.assertEqual((campaign.actual_cost, campaign.attributed_revenue), (325.0, 2000.0))

    def test_report_in_one_currency(self):
        self.assertEqual(self._report_total(self.both), [(self.usd, 2500.0)])
        self.assertEqual(self._report_total(self.company_eu.ids), [(self.usd, 2000.0)])

    def test_reporting_currency_setting(self):
        self.assertEqual(self.env["res.company"]._campaign_roi_reporting_currency(), self.usd)
        with Form(self.env["res.config.settings"]) as form:
            self.assertEqual(form.campaign_roi_reporting_currency_id, self.usd)
            form.campaign_roi_reporting_currency_id = self.eur
        form.record.execute()
        main = self.env.ref("base.main_company")
        self.assertEqual(main.campaign_roi_reporting_currency_id, self.eur)
        campaign = self._campaign(self.both)
        self.assertEqual(campaign.roi_currency_id, self.eur)
        # 100 USD at 0.5 (D1) + 200 EUR; 500 USD at 0.8 (T0) + 1000 EUR
        self.assertEqual(campaign.actual_cost, 250.0)
        self.assertEqual(campaign.attributed_revenue, 1400.0)
        self.assertEqual(self._report_total(self.both), [(self.eur, 1400.0)])
        lead = self.lead_eu.with_user(self.user_roi_user).with_context(
            allowed_company_ids=self.both
        )
        self.assertEqual(lead.campaign_attributed_revenue, 1000.0)
        partner = self.customer.with_user(self.user_roi_user).with_context(
            allowed_company_ids=self.both
        )
        self.assertEqual(partner.campaign_attributed_revenue, 1400.0)
        self.assertEqual(partner.campaign_roi_currency_id, self.eur)
