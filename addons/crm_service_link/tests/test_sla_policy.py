from odoo.exceptions import ValidationError

from .common import ServiceLinkCommon


class TestSlaPolicyInput(ServiceLinkCommon):
    def assert_refused(self, vals):
        Policy = self.env["crm.service.sla.policy"]
        count = Policy.search_count([])
        with self.assertRaises(ValidationError):
            Policy.create(dict({"name": "Bad"}, **vals))
        self.assertEqual(Policy.search_count([]), count)

    def test_hours_must_be_positive(self):
        self.assert_refused({"response_hours": 0})
        self.assert_refused({"resolution_hours": -2})
        with self.assertRaises(ValidationError):
            self.policy.response_hours = -1
        self.assertEqual(self.policy.response_hours, 4)

    def test_warning_percent_range(self):
        self.assert_refused({"warning_percent": 0})
        self.assert_refused({"warning_percent": 100})
        self.env["crm.service.sla.policy"].create({"name": "Edge", "warning_percent": 99})

    def test_invalid_partner_domain(self):
        self.assert_refused({"partner_domain": "[('no_such_field', '=', 1)]"})
        self.assert_refused({"partner_domain": "not a domain"})
        self.assert_refused({"partner_domain": "42"})
        policy = self.env["crm.service.sla.policy"].create(
            {"name": "Companies", "partner_domain": "[('is_company', '=', True)]"}
        )
        self.assertEqual(policy._get_partner_domain(), [("is_company", "=", True)])

    def test_error_is_translated(self):
        self.env["res.lang"]._activate_lang("uk_UA")
        self.env["ir.module.module"]._load_module_terms(["crm_service_link"], ["uk_UA"])
        Policy = self.env["crm.service.sla.policy"].with_context(lang="uk_UA")
        with self.assertRaises(ValidationError) as error:
            Policy.create({"name": "Bad", "warning_percent": 0})
        self.assertIn("Поріг попередження політики Bad", str(error.exception))
