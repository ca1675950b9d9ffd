from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCampaignRoiUi(HttpCase):
    def test_cost_win_roi_tour(self):
        """A marketer adds a cost, wins a lead and reads the campaign's ROI."""
        company = self.env.ref("base.main_company")
        company.write(
            {"campaign_roi_conversion": "lead_won", "campaign_roi_default_model": "linear"}
        )
        campaign = self.env["utm.campaign"].create({"name": "Tour webinar"})
        customer = self.env["res.partner"].create({"name": "Tour Customer", "is_company": True})
        lead = self.env["crm.lead"].create(
            {
                "name": "Tour deal",
                "type": "opportunity",
                "partner_id": customer.id,
                "campaign_id": campaign.id,
                "expected_revenue": 5000.0,
                "company_id": company.id,
            }
        )
        self.start_tour("/odoo", "crm_campaign_roi_tour", login="admin")
        campaign = campaign.with_company(company)
        self.assertEqual(campaign.cost_line_ids.mapped("amount"), [1000.0])
        self.assertTrue(lead.stage_id.is_won)
        self.assertTrue(lead.campaign_roi_pending)
        Attribution = self.env["crm.campaign.attribution"]
        domain = [("conversion_model", "=", "crm.lead"), ("conversion_id", "=", lead.id)]
        self.assertFalse(Attribution.search(domain), "computed by the job the win woke")
        # the job that the win's commit wakes (test servers run no job)
        Attribution._cron_refresh_pending()
        self.start_tour("/odoo", "crm_campaign_roi_report_tour", login="admin")
        lines = Attribution.search(domain)
        self.assertEqual(len(lines), 9)
        self.assertEqual(set(lines.mapped("amount")), {5000.0})
        self.assertEqual(campaign.attributed_revenue, 5000.0)
        self.assertEqual(campaign.actual_cost, 1000.0)
        self.assertEqual(campaign.roi, 400.0)
