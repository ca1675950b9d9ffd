from datetime import timedelta

from freezegun import freeze_time

from .common import T0, CampaignRoiCommon


class TestCampaignKpis(CampaignRoiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.parent = cls.env["utm.campaign"].create({"name": "ROI Spring programme"})
        cls.campaign_a.write({"parent_id": cls.parent.id, "budget": 300.0})
        cls.parent.budget = 100.0
        Cost = cls.env["utm.campaign.cost"]
        Cost.create({"name": "Ads", "campaign_id": cls.campaign_a.id, "amount": 150.0})
        Cost.create({"name": "Ads 2", "campaign_id": cls.campaign_a.id, "amount": 50.0})
        Cost.create({"name": "Agency", "campaign_id": cls.parent.id, "amount": 100.0})
        Cost.create(
            {
                "name": "Other company",
                "campaign_id": cls.campaign_a.id,
                "amount": 9999.0,
                "company_id": cls.company_2.id,
                "currency_id": cls.company_2.currency_id.id,
            }
        )
        with freeze_time(T0 - timedelta(days=40)):
            # two leads carry campaign A: each records a touch at creation
            cls.lead = cls._lead(1000.0, campaign_id=cls.campaign_a.id)
            cls._lead(0.0, partner=cls.other_customer, campaign_id=cls.campaign_a.id, type="lead")
        with freeze_time(T0):
            cls._touch(cls.campaign_b, 20, partner=cls.contact, touch_type="mail_sent")
            cls.lead.action_set_won()
            cls.after_commit()

    def test_kpis(self):
        a = self.campaign_a.with_user(self.user_roi_user)
        # linear: the lead's touch on A and the e-mail of B share 1000
        self.assertEqual(a.attributed_revenue, 500.0)
        self.assertEqual(a.actual_cost, 200.0)
        self.assertEqual(a.roi, 150.0)
        self.assertEqual(a.roas, 2.5)
        self.assertEqual(a.lead_count, 2)
        self.assertEqual(a.opportunity_count, 1)
        self.assertEqual(a.won_count, 1)
        self.assertEqual(a.cost_per_lead, 100.0)
        self.assertEqual(a.won_customer_count, 1)
        self.assertEqual(a.cost_per_acquisition, 200.0)
        self.assertEqual(a.reached_count, 2)
        self.assertEqual(a.response_count, 2)
        self.assertEqual(a.response_rate, 100.0)
        self.assertEqual(a.avg_lag_days, 40.0)
        self.assertEqual(a.median_lag_days, 40.0)
        b = self.campaign_b.with_user(self.user_roi_user)
        self.assertEqual(b.attributed_revenue, 500.0)
        self.assertEqual(b.actual_cost, 0.0)
        self.assertEqual(b.roi, 0.0)
        self.assertEqual(b.response_count, 0)
        self.assertEqual(b.response_rate, 0.0)

    def test_parent_rolls_up_children(self):
        parent = self.parent.with_user(self.user_roi_user)
        self.assertEqual(parent.actual_cost, 300.0)
        self.assertEqual(parent.budget_total, 400.0)
        self.assertEqual(parent.attributed_revenue, 500.0)
        self.assertEqual(parent.lead_count, 2)
        self.assertAlmostEqual(parent.roi, (500.0 - 300.0) / 300.0 * 100.0)

    def test_default_model_drives_the_kpis(self):
        self.company.campaign_roi_default_model = "last_touch"
        self.assertEqual(self.campaign_b.attributed_revenue, 1000.0)
        self.assertEqual(self.campaign_a.attributed_revenue, 0.0)
        self.assertEqual(self.campaign_a.cost_per_acquisition, 0.0)

    def test_second_company_kpis(self):
        a = self.campaign_a.with_company(self.company_2)
        self.assertEqual(a.actual_cost, 9999.0)
        self.assertEqual(a.attributed_revenue, 0.0)

    def test_model_comparison_and_cohort_report(self):
        Report = self.env["crm.campaign.roi.report"].with_user(self.user_roi_user)
        rows = Report.search([("campaign_id", "in", (self.campaign_a | self.campaign_b).ids)])
        self.assertEqual(len(rows), 2)
        row_a = rows.filtered(lambda r: r.campaign_id == self.campaign_a)
        self.assertEqual(row_a.revenue_first_touch, 1000.0)
        self.assertEqual(row_a.revenue_last_touch, 0.0)
        self.assertEqual(row_a.revenue_linear, 500.0)
        self.assertEqual(row_a.revenue, 500.0)
        self.assertEqual(row_a.lag_days, 40.0)
        # first touch of A on May 21, conversion on June 30: one month later
        self.assertEqual(row_a.months_after_first_touch, 1)
        groups = Report._read_group(
            [("campaign_id", "=", self.campaign_a.id)],
            ["months_after_first_touch"],
            ["revenue:sum"],
        )
        self.assertEqual(groups, [(1, 500.0)])

    def test_kpi_queries_do_not_grow_with_campaigns(self):
        few = self.campaign_a | self.campaign_b
        many = few | self.env["utm.campaign"].create(
            [{"name": f"ROI bulk {i}", "parent_id": self.parent.id} for i in range(8)]
        )
        counts = []
        # the first read warms the access-rule caches up
        for campaigns in (few, few, many):
            self.env.invalidate_all()
            campaigns = campaigns.with_user(self.user_roi_user)
            before = self.env.cr.sql_log_count
            campaigns.read(["actual_cost", "attributed_revenue", "roi", "lead_count"])
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[1], counts[2])
        self.assertLessEqual(counts[2], 12)

    def test_kpis_of_a_period(self):
        self.env["utm.campaign.cost"].create(
            {
                "name": "Last year",
                "campaign_id": self.campaign_a.id,
                "amount": 800.0,
                "date": "2025-06-30",
            }
        )
        all_time = self.campaign_a.with_user(self.user_roi_user)
        self.assertEqual(all_time.actual_cost, 1000.0)
        # the conversion (June 30) and the touches (May 21) fall in the first half
        first_half = all_time.with_context(roi_date_from="2026-01-01", roi_date_to="2026-06-30")
        self.assertEqual(first_half.attributed_revenue, 500.0)
        self.assertEqual(first_half.touch_count, 2)
        # leads count by creation date
        created = self.lead.create_date.date()
        self.assertEqual(
            all_time.with_context(roi_date_from=created, roi_date_to=created).lead_count, 2
        )
        before = created - timedelta(days=1)
        self.assertEqual(all_time.with_context(roi_date_to=before).lead_count, 0)
        later = all_time.with_context(roi_date_from="2026-07-01")
        self.assertEqual(later.attributed_revenue, 0.0)
        self.assertEqual(later.touch_count, 0)
        last_year = all_time.with_context(roi_date_to="2025-12-31")
        self.assertEqual(last_year.actual_cost, 800.0)
        self.assertEqual(last_year.attributed_revenue, 0.0)
