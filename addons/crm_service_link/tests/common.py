from datetime import datetime, timedelta

from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user


class ServiceLinkCommon(TransactionCase):
    """Users of every group, a Kyiv calendar, two teams, policies, a second company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "Second Company"})
        cls.user_employee = new_test_user(cls.env, login="svc_employee", groups="base.group_user")
        cls.user_service = new_test_user(
            cls.env,
            login="svc_user",
            groups="crm_service_link.crm_service_link_group_user",
            email="svc_user@example.com",
        )
        cls.user_service_other = new_test_user(
            cls.env, login="svc_other", groups="crm_service_link.crm_service_link_group_user"
        )
        cls.user_service_manager = new_test_user(
            cls.env,
            login="svc_manager",
            groups="crm_service_link.crm_service_link_group_manager",
            email="svc_manager@example.com",
        )
        cls.user_salesman = new_test_user(
            cls.env, login="svc_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.user_salesman_2 = new_test_user(
            cls.env, login="svc_salesman2", groups="sales_team.group_sale_salesman"
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Customer Co", "is_company": True, "email": "info@customer.example.com"}
        )
        cls.customer_contact = cls.env["res.partner"].create(
            {
                "name": "Olena Customer",
                "parent_id": cls.customer.id,
                "email": "olena@customer.example.com",
                "function": "IT lead",
            }
        )
        cls.user_portal = new_test_user(
            cls.env,
            login="svc_portal",
            groups="base.group_portal",
            partner_id=cls.customer_contact.id,
            email="olena@customer.example.com",
        )
        cls.everyone = {
            "employee": cls.user_employee,
            "service": cls.user_service,
            "service_other": cls.user_service_other,
            "manager": cls.user_service_manager,
            "salesman": cls.user_salesman,
            "salesman_2": cls.user_salesman_2,
            "portal": cls.user_portal,
        }
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Other Customer", "is_company": True}
        )
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Kyiv office",
                "tz": "Europe/Kyiv",
                "company_id": False,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day} {period}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": end,
                            "day_period": period,
                        }
                    )
                    for day in range(5)
                    for start, end, period in ((9, 12, "morning"), (13, 17, "afternoon"))
                ],
            }
        )
        cls.stage_new = cls.env.ref("crm_service_link.crm_service_stage_new")
        cls.stage_progress = cls.env.ref("crm_service_link.crm_service_stage_in_progress")
        cls.stage_waiting = cls.env.ref("crm_service_link.crm_service_stage_waiting")
        cls.stage_solved = cls.env.ref("crm_service_link.crm_service_stage_solved")
        cls.team = cls.env["crm.service.team"].create(
            {
                "name": "Support",
                "sequence": 0,
                "resource_calendar_id": cls.calendar.id,
                "manager_id": cls.user_service_manager.id,
                "member_ids": [Command.link(cls.user_service.id)],
                "checklist_item_ids": [
                    Command.create({"name": "Access credentials", "required": True}),
                    Command.create({"name": "Kick-off call planned", "required": True}),
                    Command.create({"name": "Nice to have", "required": False}),
                ],
            }
        )
        cls.team_other = cls.env["crm.service.team"].create(
            {
                "name": "Field",
                "sequence": 2,
                "resource_calendar_id": cls.calendar.id,
                "member_ids": [Command.link(cls.user_service_other.id)],
            }
        )
        cls.env["crm.service.sla.policy"].search([]).active = False
        cls.policy = cls.env["crm.service.sla.policy"].create(
            {
                "name": "Standard",
                "sequence": 20,
                "response_hours": 4,
                "resolution_hours": 16,
                "warning_percent": 50,
                "pause_stage_ids": [Command.link(cls.stage_waiting.id)],
            }
        )

    @classmethod
    def create_utc_calendar(cls):
        """Monday to Friday 08:00-16:00 UTC."""
        return cls.env["resource.calendar"].create(
            {
                "name": "UTC days",
                "tz": "UTC",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"D{day}",
                            "dayofweek": str(day),
                            "hour_from": 8,
                            "hour_to": 16,
                            "day_period": "morning",
                        }
                    )
                    for day in range(5)
                ],
            }
        )

    @staticmethod
    def utc(*args):
        """A naive UTC datetime, as stored."""
        return datetime(*args)

    def create_request(self, **vals):
        values = {
            "name": "Printer down",
            "partner_id": self.customer.id,
            "contact_id": self.customer_contact.id,
            "team_id": self.team.id,
            # Friday 27 March 2026 16:30 in Kyiv (UTC+2)
            "request_date": self.utc(2026, 3, 27, 14, 30),
        }
        values.update(vals)
        return self.env["crm.service.request"].create(values)


class HandoffCommon(ServiceLinkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.won_stage = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        cls.product = cls.env["product.product"].create({"name": "Service contract"})
        cls.policy_gold = cls.env["crm.service.sla.policy"].create({"name": "Gold", "sequence": 30})

    def make_lead(self, user=None, **vals):
        values = {
            "name": "Big deal",
            "type": "opportunity",
            "partner_id": self.customer_contact.id,
            "user_id": (user or self.user_salesman).id,
            "description": "<p>Needs 24/7 support</p>",
            "expected_revenue": 12000,
        }
        values.update(vals)
        return self.env["crm.lead"].create(values)

    def fill(self, handoff):
        due = handoff.won_date.date() + timedelta(days=44)
        handoff.write(
            {
                "sla_policy_id": self.policy_gold.id,
                "commitment_ids": [Command.create({"name": "Install on site", "due_date": due})],
            }
        )
        handoff.checklist_line_ids.filtered("required").write({"done": True})

    def won_handoff(self, **lead_vals):
        """A won opportunity's handoff, as the system made it."""
        lead = self.make_lead(**lead_vals)
        lead.action_set_won()
        self.after_commit()
        return lead.service_handoff_ids

    @classmethod
    def after_commit(cls):
        """What follows a request's commit: the job it woke makes the
        handoffs of the deals it won (test cursors do not run jobs)."""
        cls.env["crm.service.handoff"]._cron_create_pending()

    def submitted_handoff(self, **lead_vals):
        handoff = self.won_handoff(**lead_vals)
        as_sales = handoff.with_user(self.user_salesman)
        self.fill(as_sales)
        as_sales.action_submit()
        return handoff
