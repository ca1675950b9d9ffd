from freezegun import freeze_time

from .common import ServiceLinkCommon

INCOMING = """Return-Path: <olena@customer.example.com>
From: Olena Customer <olena@customer.example.com>
To: {to}
Subject: Screen is black
Message-ID: <svc-black-screen@customer.example.com>
Date: Fri, 27 Mar 2026 14:30:00 +0000
Content-Type: text/plain; charset="utf-8"

Since this morning the screen stays black.
"""


class TestMailAlias(ServiceLinkCommon):
    def test_email_to_alias_creates_request(self):
        domain = self.env["mail.alias.domain"].create({"name": "svc.example.com"})
        self.team.write({"alias_name": "svc-support", "alias_domain_id": domain.id})
        alias = self.team.alias_id
        self.assertEqual(alias.alias_model_id.model, "crm.service.request")
        self.assertIn(str(self.team.id), alias.alias_defaults)
        with freeze_time("2026-03-27 14:30:00"):
            self.env["mail.thread"].message_process(
                False, INCOMING.format(to="svc-support@svc.example.com")
            )
        request = self.env["crm.service.request"].search([("name", "=", "Screen is black")])
        self.assertEqual(len(request), 1)
        self.assertEqual(request.team_id, self.team)
        self.assertEqual(request.channel, "email")
        self.assertEqual(request.partner_id, self.customer)
        self.assertEqual(request.contact_id, self.customer_contact)
        self.assertTrue(request.response_deadline)
        self.assertIn(self.customer_contact, request.message_partner_ids)
