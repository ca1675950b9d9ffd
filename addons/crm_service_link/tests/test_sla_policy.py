from odoo.exceptions import ValidationError
from odoo.fields import Command

from .common import HandoffCommon, ServiceLinkCommon


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


class TestBadNumbers(ServiceLinkCommon):
    """NaN, infinite, absurd or non-numeric numbers: a clear error, nothing written."""

    BAD = (float("nan"), float("inf"), float("-inf"), 1e20, "many")

    def test_policy_numbers(self):
        manager = self.user_service_manager
        Policy = self.env["crm.service.sla.policy"].with_user(manager)
        count = Policy.search_count([])
        for fname in ("response_hours", "resolution_hours", "warning_percent", "sequence"):
            for value in self.BAD:
                with self.subTest(field=fname, value=value):
                    with self.assertRaises(ValidationError):
                        Policy.create({"name": "Bad", fname: value})
                    with self.assertRaises(ValidationError):
                        self.policy.with_user(manager).write({fname: value})
        self.assertEqual(Policy.search_count([]), count)
        self.policy.invalidate_recordset()
        self.assertEqual((self.policy.response_hours, self.policy.resolution_hours), (4.0, 16.0))
        self.assertEqual(self.policy.warning_percent, 50)

    def test_absurd_targets(self):
        self.assert_refused({"response_hours": 4, "resolution_hours": 1_000_000})
        self.assert_refused({"response_hours": 8, "resolution_hours": 4})
        with self.assertRaises(ValidationError):
            self.policy.with_user(self.user_service_manager).resolution_hours = 2
        self.assertEqual(self.policy.resolution_hours, 16)
        self.env["crm.service.sla.policy"].create(
            {"name": "Same", "response_hours": 8, "resolution_hours": 8}
        )

    def assert_refused(self, vals):
        Policy = self.env["crm.service.sla.policy"].with_user(self.user_service_manager)
        count = Policy.search_count([])
        with self.assertRaises(ValidationError):
            Policy.create(dict({"name": "Bad"}, **vals))
        self.assertEqual(Policy.search_count([]), count)

    def test_configuration_numbers(self):
        manager = self.user_service_manager
        for record in (self.team, self.stage_new, self.team.checklist_item_ids[0]):
            sequence = record.sequence
            for value in self.BAD:
                with self.subTest(model=record._name, value=value):
                    with self.assertRaises(ValidationError):
                        record.with_user(manager).write({"sequence": value})
            self.assertEqual(record.sequence, sequence)
        request = self.create_request()
        with self.assertRaises(ValidationError):
            request.with_user(self.user_service).write({"color": float("nan")})
        self.assertEqual(request.color, 0)

    def test_used_calendar_keeps_working_time(self):
        with self.assertRaises(ValidationError):
            self.calendar.write({"attendance_ids": [Command.clear()]})
        self.assertTrue(self.calendar.attendance_ids)
        unused = self.env["resource.calendar"].create({"name": "Unused"})
        unused.write({"attendance_ids": [Command.clear()]})
        self.assertFalse(unused.attendance_ids)


class TestDatesInOrder(HandoffCommon):
    def test_commitment_not_due_before_the_win(self):
        handoff = self.won_handoff()
        Commitment = self.env["crm.service.handoff.commitment"].with_user(self.user_salesman)
        with self.assertRaises(ValidationError):
            Commitment.create(
                {"handoff_id": handoff.id, "name": "Yesterday", "due_date": "2000-01-01"}
            )
        self.assertFalse(handoff.commitment_ids)

    def test_handoff_dates_in_order(self):
        handoff = self.won_handoff()
        with self.assertRaises(ValidationError):
            handoff.write({"submitted_date": "2000-01-01 00:00:00"})
        self.assertFalse(handoff.submitted_date)
