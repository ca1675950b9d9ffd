from odoo.tests import tagged, users, warmup

from ..models.res_partner import SENSITIVE_GROUPS
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
        search + count, partner columns, their other key-account columns (a prefetch group
        of their own, see KA_PREFETCH), their key-account figures, the title rules of
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
        with self.assertQueryCount(ka_manager=17):
            result = Partner.web_search_read([("id", "in", self.partners.ids)], spec, limit=80)
        self.assertEqual(result["length"], 80)
        self.assertEqual(len(result["records"]), 80)


# Queries of core flows on a ranked key account (with its title, manager and
# figures), with this addon alone installed: exactly those of core Odoo, the
# addon adds none. With the other addons of the repository installed, which
# add their own, each budget is the same flow on a customer without any
# key-account data.
CREATE_QUERIES = {"ka_user": 27, "ka_salesman": 27}
WIN_QUERIES = {"ka_user": 22, "ka_salesman": 20}
OTHER_ADDONS = ("crm_campaign_roi", "crm_service_link")


@tagged("post_install", "-at_install")
class TestKeyaccountCoreFlowQueries(KeyaccountCommon):
    """The addon stays off Odoo's own flows: creating and winning an
    opportunity of a ranked key account costs what it costs in core Odoo."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        title = cls.env["crm.keyaccount.title"].search([], limit=1)
        cls.account.write({"keyaccount_title_id": title.id, "customer_rank": 1})
        cls.env["res.partner"]._keyaccount_recompute()
        cls.campaign = cls.env["utm.campaign"].create({"name": "Key-account fair"})
        cls.customer = cls.env["res.partner"].create({"name": "Plain Corp", "is_company": True})
        cls.alone = not cls.env["ir.module.module"].search_count(
            [("name", "in", OTHER_ADDONS), ("state", "=", "installed")]
        )

    def _opportunity(self, partner):
        return self.env["crm.lead"].create(
            {
                "name": "Framework renewal",
                "type": "opportunity",
                "partner_id": partner.id,
                "campaign_id": self.campaign.id,
                "expected_revenue": 1000.0,
            }
        )

    def _count(self, func):
        """Queries of ``func()`` with what it leaves to flush, as
        assertQueryCount counts them."""
        self.env.flush_all()
        self.env.cr.flush()
        before = self.cr.sql_log_count
        func()
        self.env.flush_all()
        self.env.cr.flush()
        return self.cr.sql_log_count - before

    def _budget(self, budgets, flow):
        """The budget of the user alone, else the queries of the flow on the
        plain customer, counted once caches are warm: ``flow(partner)``
        prepares a record and returns what to count on it."""
        if self.alone:
            return budgets[self.env.user.login]
        self._count(flow(self.account))  # the account's own data in cache too
        return [self._count(flow(self.customer)) for _run in range(3)][-1]

    @users("ka_user", "ka_salesman")
    @warmup
    def test_create_opportunity_query_count(self):
        budget = self._budget(CREATE_QUERIES, lambda partner: lambda: self._opportunity(partner))
        with self.assertQueryCount(budget):
            lead = self._opportunity(self.account)
        self.assertEqual(lead.partner_id, self.account)

    @users("ka_user", "ka_salesman")
    @warmup
    def test_win_opportunity_query_count(self):
        budget = self._budget(
            WIN_QUERIES, lambda partner: self._opportunity(partner).action_set_won
        )
        lead = self._opportunity(self.account)
        self.env.flush_all()
        with self.assertQueryCount(budget):
            lead.action_set_won()
        self.assertTrue(lead.stage_id.is_won)

    @users("ka_user")
    def test_core_reads_leave_the_keyaccount_fields_alone(self):
        """Reading a partner or a company as a core flow does (its name, its
        currency) fetches none of their key-account columns, whose groups are
        then not checked per record read; reading one of them fetches them
        together. Every key-account column is in the group: one added
        without it fails here."""
        partner = self.env["res.partner"].browse(self.account.id)
        company = self.env.company
        columns = {
            record: [
                name
                for name, field in record._fields.items()
                if field.groups == SENSITIVE_GROUPS and field.store and field.column_type
            ]
            for record in (partner, company)
        }
        self.assertEqual((len(columns[partner]), len(columns[company])), (6, 11))
        self.env.invalidate_all()
        self.assertTrue(partner.name and company.currency_id)
        cache = self.env.cache
        for record, names in columns.items():
            for name in names:
                self.assertFalse(cache.contains(record, record._fields[name]), name)
        self.assertTrue(partner.keyaccount_title_id)
        self.assertTrue(company.keyaccount_weight_profit)
        for record, names in columns.items():
            for name in names:
                self.assertTrue(cache.contains(record, record._fields[name]), name)
