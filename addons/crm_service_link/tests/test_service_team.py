from odoo.exceptions import AccessError

from .common import ServiceLinkCommon


class TestServiceTeam(ServiceLinkCommon):
    def test_manager_creates_team_with_company_calendar(self):
        team = (
            self.env["crm.service.team"]
            .with_user(self.user_service_manager)
            .create({"name": "Field Service", "member_ids": [(4, self.user_service.id)]})
        )
        self.assertEqual(team.company_id, self.company)
        self.assertEqual(team.resource_calendar_id, self.company.resource_calendar_id)
        self.assertEqual(team.member_ids, self.user_service)

    def test_user_cannot_configure_teams(self):
        with self.assertRaises(AccessError):
            self.env["crm.service.team"].with_user(self.user_service).create({"name": "Nope"})

    def test_company_rule(self):
        team = self.env["crm.service.team"].create(
            {"name": "Abroad", "company_id": self.company_2.id, "resource_calendar_id": False}
        )
        visible = self.env["crm.service.team"].with_user(self.user_service_manager).search([])
        self.assertNotIn(team, visible)
