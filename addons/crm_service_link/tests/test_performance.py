from odoo.tests import tagged, users

from .common import ServiceLinkCommon


@tagged("is_query_count")
class TestRequestPerformance(ServiceLinkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm.service.sla.policy"].create(
            {
                "name": "Key accounts",
                "sequence": 1,
                "partner_domain": "[('is_company', '=', True), ('name', 'ilike', 'key')]",
            }
        )
        cls.partners = cls.env["res.partner"].create(
            [{"name": f"Customer {i}", "is_company": True} for i in range(100)]
        )

    def vals_list(self, count):
        return [
            {
                "name": f"Request {i}",
                "partner_id": self.partners[i % 100].id,
                "team_id": self.team.id if i % 2 else False,
                "priority": str(i % 4),
                "request_date": self.utc(2026, 3, 2 + i % 20, 6 + i % 10, i % 60),
            }
            for i in range(count)
        ]

    def count_queries(self, count):
        Request = self.env["crm.service.request"]
        vals_list = self.vals_list(count)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        requests = Request.create(vals_list)
        self.env.flush_all()
        self.assertEqual(len(requests), count)
        self.assertTrue(all(requests.mapped("response_deadline")))
        return self.cr.sql_log_count - before

    @users("svc_user")
    def test_batch_create_does_not_grow_per_record(self):
        self.count_queries(5)  # warm the caches (models, subtypes, rules)
        self.assertEqual(self.count_queries(20), self.count_queries(100))

    @users("svc_user")
    def test_batch_create_query_budget(self):
        """1,000 requests, deadlines included: the ORM inserts by chunks of 100.

        88 queries with this addon alone, 93 with the other CRM addons installed.
        """
        Request = self.env["crm.service.request"]
        self.count_queries(5)
        vals_list = self.vals_list(1000)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(svc_user=100):
            Request.create(vals_list)
            self.env.flush_all()

    @users("svc_user")
    def test_list_view_queries_do_not_grow_with_rows(self):
        Request = self.env["crm.service.request"]
        Request.create(self.vals_list(60))
        spec = {
            fname: {}
            for fname in (
                "name",
                "partner_id",
                "team_id",
                "user_id",
                "stage_id",
                "response_deadline",
                "response_sla_status",
                "resolution_deadline",
                "resolution_sla_status",
            )
        }

        def count(limit):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            result = Request.web_search_read([], spec, limit=limit)
            self.assertEqual(len(result["records"]), limit)
            return self.cr.sql_log_count - before

        count(5)
        self.assertEqual(count(10), count(50))
