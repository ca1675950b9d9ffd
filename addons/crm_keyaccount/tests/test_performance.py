from odoo.tests import tagged, users

from .common import KeyaccountCommon

LIST_FIELDS = [
    "display_name",
    "keyaccount_title_id",
    "keyaccount_suggested_title_id",
    "keyaccount_title_differs",
    "keyaccount_manager_id",
    "keyaccount_abc_class",
    "keyaccount_revenue",
    "keyaccount_revenue_share",
    "keyaccount_score",
    "keyaccount_currency_id",
]


@tagged("post_install", "-at_install")
class TestKeyaccountPerformance(KeyaccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        titles = cls.env["crm.keyaccount.title"].search([])
        cls.partners = cls.env["res.partner"].create(
            [
                {
                    "name": f"Customer {index:02d}",
                    "is_company": True,
                    "customer_rank": 1,
                    "keyaccount_title_id": titles[index % len(titles)].id,
                    "keyaccount_manager_id": cls.user_ka_user.id,
                }
                for index in range(80)
            ]
        )
        cls.env["res.partner"]._keyaccount_recompute()

    @users("ka_manager")
    def test_list_view_read_query_count(self):
        """Reading the key-account list for 80 partners takes a fixed number of queries:
        search + count, partner columns, their key-account figures, the title rules of
        the suggestion, titles, managers (users and their partners), currencies, and the
        access checks on those models."""
        spec = {name: {} for name in LIST_FIELDS}
        spec["keyaccount_title_id"] = spec["keyaccount_suggested_title_id"] = {
            "fields": {"display_name": {}}
        }
        spec["keyaccount_manager_id"] = {"fields": {"display_name": {}}}
        spec["keyaccount_currency_id"] = {"fields": {"display_name": {}}}
        Partner = self.env["res.partner"]
        self.env.invalidate_all()
        with self.assertQueryCount(ka_manager=16):
            result = Partner.web_search_read([("id", "in", self.partners.ids)], spec, limit=80)
        self.assertEqual(result["length"], 80)
        self.assertEqual(len(result["records"]), 80)
