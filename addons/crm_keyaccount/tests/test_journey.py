from datetime import datetime

from lxml import etree

from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import KeyaccountCommon


@tagged("post_install", "-at_install")
class TestKeyaccountJourney(KeyaccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_salesman_2 = new_test_user(
            cls.env, login="ka_journey_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.user_ka_user.groups_id += cls.env.ref("sales_team.group_sale_salesman_all_leads")
        Lead = cls.env["crm.lead"]
        cls.lead_won = Lead.create(
            {"name": "Big Deal", "type": "opportunity", "partner_id": cls.account_contact.id}
        )
        cls.lead_lost = Lead.create(
            {"name": "Lost Deal", "type": "opportunity", "partner_id": cls.account.id}
        )
        cls.lead_other = Lead.create(
            {"name": "Other Deal", "type": "opportunity", "partner_id": cls.other_account.id}
        )
        cls.lead_won.action_set_won()
        cls.lead_lost.action_set_lost()
        assessment = cls.env["crm.keyaccount.assessment"].create({"partner_id": cls.account.id})
        for answer in assessment.answer_ids:
            answer.value = 1 if answer.question_id.inverted else 5
        assessment.action_done()
        cls.assessment = assessment
        cls._set_dates(cls.lead_won, "create_date", datetime(2026, 1, 1, 9))
        cls._set_dates(cls.lead_lost, "create_date", datetime(2026, 2, 1, 9))
        cls._set_dates(cls.lead_won, "date_closed", datetime(2026, 3, 1, 9))
        cls._set_dates(cls.lead_lost, "date_closed", datetime(2026, 4, 1, 9))
        cls._set_dates(assessment, "date_done", datetime(2026, 5, 1, 9))

    @classmethod
    def _set_dates(cls, records, fname, value):
        records.flush_recordset()
        cls.env.cr.execute(
            SQL(
                "UPDATE %s SET %s = %s WHERE id IN %s",
                SQL.identifier(records._table),
                SQL.identifier(fname),
                value,
                tuple(records.ids),
            )
        )
        records.invalidate_recordset([fname])

    def _keys(self, partner):
        return [event["key"] for event in partner._customer_journey_events()]

    def test_events_once_newest_first(self):
        partner = self.account.with_user(self.user_ka_user)
        keys = self._keys(partner)
        expected = [
            ("crm.keyaccount.assessment", self.assessment.id, "done"),
            ("crm.lead", self.lead_lost.id, "lost"),
            ("crm.lead", self.lead_won.id, "won"),
            ("crm.lead", self.lead_lost.id, "created"),
            ("crm.lead", self.lead_won.id, "created"),
        ]
        self.assertCountEqual(keys, expected)
        html = partner.customer_journey_html
        table = etree.fromstring(str(html))
        self.assertEqual(table.get("class"), "table table-sm o_customer_journey")
        rows = table.xpath("//tbody/tr")
        self.assertEqual(len(rows), 5)
        links = [row.xpath("td[3]/a/@href")[0] for row in rows]
        self.assertEqual(
            links,
            [
                f"/odoo/crm.keyaccount.assessment/{self.assessment.id}",
                f"/odoo/crm.lead/{self.lead_lost.id}",
                f"/odoo/crm.lead/{self.lead_won.id}",
                f"/odoo/crm.lead/{self.lead_lost.id}",
                f"/odoo/crm.lead/{self.lead_won.id}",
            ],
        )
        self.assertIn("Health score 100", rows[0].xpath("string(td[4])"))
        self.assertEqual(rows[1].xpath("string(td[2])"), "Opportunity lost")
        self.assertEqual(rows[2].xpath("string(td[2])"), "Opportunity won")
        # a contact shows the journey of its company
        contact = self.account_contact.with_user(self.user_ka_user)
        self.assertEqual(contact.customer_journey_html, html)

    def test_events_escaped_and_empty_state(self):
        self.lead_won.name = "<script>alert(1)</script>"
        html = str(self.account.customer_journey_html)
        self.assertNotIn("<script>", html)
        self.assertIn("&lt;script&gt;", html)
        empty = self.env["res.partner"].create({"name": "Quiet Corp", "is_company": True})
        self.assertIn("No event in the customer journey yet.", str(empty.customer_journey_html))

    def test_access_rights_respected(self):
        # a salesman of his own leads only, without key-account rights
        self.lead_won.user_id = self.user_salesman_2
        self.lead_lost.user_id = self.user_ka_user
        partner = self.account.with_user(self.user_salesman_2).with_context(active_test=False)
        self.assertCountEqual(
            self._keys(partner),
            [("crm.lead", self.lead_won.id, "created"), ("crm.lead", self.lead_won.id, "won")],
        )
        self.assertNotIn("Lost Deal", str(partner.customer_journey_html))
        # an employee without CRM rights sees the tab, empty
        employee = new_test_user(self.env, login="ka_journey_employee", groups="base.group_user")
        self.assertEqual(self._keys(self.account.with_user(employee)), [])
        # assessments of another company are not listed
        self.assessment.company_id = self.company_2
        self.assertNotIn(
            ("crm.keyaccount.assessment", self.assessment.id, "done"),
            self._keys(self.account.with_user(self.user_ka_user)),
        )

    def test_tab_once_in_form(self):
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        pages = etree.fromstring(arch).xpath("//page[@name='customer_journey']")
        self.assertEqual(len(pages), 1)
        self.assertEqual(pages[0].get("invisible"), "not is_company")

    def test_query_count_constant(self):
        Lead = self.env["crm.lead"]
        partner = self.account.with_user(self.user_ka_user)

        def render():
            partner.invalidate_model(["customer_journey_html"])
            self.env.invalidate_all()
            return partner.customer_journey_html

        render()
        with self.assertQueryCount(7):
            render()
        Lead.create(
            [
                {"name": f"Deal {i}", "type": "opportunity", "partner_id": self.account.id}
                for i in range(40)
            ]
        )
        with self.assertQueryCount(7):
            html = render()
        self.assertEqual(str(html).count("<tr>"), 1 + 45)
