from odoo.exceptions import AccessError, ValidationError

from .common import KeyaccountCommon


class TestKeyaccountTitle(KeyaccountCommon):
    def test_default_titles_seeded_by_rank(self):
        titles = self.env["crm.keyaccount.title"].search([("company_id", "=", False)])
        names = titles.mapped("name")
        for name in ("Key", "Strategic", "Development"):
            self.assertIn(name, names)
        ranked = titles.filtered(lambda t: t.name in ("Key", "Strategic", "Development"))
        self.assertEqual(ranked.mapped("name"), ["Key", "Strategic", "Development"])

    def test_min_score_out_of_range_writes_nothing(self):
        Title = self.env["crm.keyaccount.title"].with_user(self.user_ka_manager)
        for bad in (-1.0, 100.5):
            with self.assertRaises(ValidationError):
                Title.create({"name": f"Bad {bad}", "min_score": bad})
        self.assertFalse(Title.search([("name", "like", "Bad ")]))

    def test_only_managers_configure_titles(self):
        Title = self.env["crm.keyaccount.title"]
        self.assertTrue(Title.with_user(self.user_salesman).search([]))
        with self.assertRaises(AccessError):
            Title.with_user(self.user_ka_user).create({"name": "Nope"})
        title = Title.with_user(self.user_ka_manager).create({"name": "Platinum", "min_score": 90})
        self.assertEqual(title.company_id, self.company)

    def test_company_rule(self):
        Title = self.env["crm.keyaccount.title"]
        other = Title.create({"name": "Elsewhere", "company_id": self.company_2.id})
        visible = Title.with_user(self.user_ka_manager).search([])
        self.assertNotIn(other, visible)
