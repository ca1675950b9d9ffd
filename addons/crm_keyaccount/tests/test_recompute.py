from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import KeyaccountInvoicingCommon

TODAY = "2026-06-30"  # window of 12 months: 2025-07-01 .. 2026-06-30


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestKeyaccountRecompute(KeyaccountInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.title_key = cls.env.ref("crm_keyaccount.crm_keyaccount_title_key")
        cls.title_strategic = cls.env.ref("crm_keyaccount.crm_keyaccount_title_strategic")
        cls.title_development = cls.env.ref("crm_keyaccount.crm_keyaccount_title_development")
        cls.p1 = cls._customer(
            "Alpha",
            keyaccount_manager_id=cls.ka_user.id,
            keyaccount_industry_leader=True,
            keyaccount_influence_rating="3",
        )
        cls.p1_contact = cls.env["res.partner"].create({"name": "Al", "parent_id": cls.p1.id})
        cls.p2 = cls._customer("Beta", keyaccount_manager_id=cls.ka_user.id)
        cls.p3 = cls._customer("Gamma")
        cls.p4 = cls._customer("Delta")
        cls.p5 = cls._customer("Epsilon")
        cls.p6 = cls._customer("Zeta")
        cls.q1 = cls._customer("Company Two Client", company_id=cls.company_2.id)
        # total of company 1 = 600 + 200 + 100 + 100 = 1000
        cls._invoice(cls.p1, 600.0, "2026-01-10")
        cls._invoice(cls.p2, 200.0, "2025-07-01")  # first day of the window
        cls._invoice(cls.p2, 999.0, "2025-06-30")  # one day too old
        cls._invoice(cls.p3, 200.0, "2026-03-01", currency_id=cls.eur.id)  # 200 EUR = 100
        # invoiced to a contact: counted on its commercial partner
        cls.p4_contact = cls.env["res.partner"].create({"name": "Dee", "parent_id": cls.p4.id})
        cls._invoice(cls.p4_contact, 100.0, "2026-06-30")
        cls._invoice(cls.p5, 80.0, "2026-02-01")
        cls._invoice(cls.p5, 130.0, "2026-02-15", move_type="out_refund")  # net -50
        draft = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.p6.id,
                "invoice_date": "2026-05-01",
                "invoice_line_ids": [Command.create({"name": "Draft", "price_unit": 5000.0})],
            }
        )
        cls.assertTrue(cls, draft.state == "draft")
        # company 2 sells to the shared p6 and to its own client
        cls._invoice(cls.p6, 5000.0, "2026-05-01", company=cls.company_2)
        cls._invoice(cls.q1, 3000.0, "2026-05-01", company=cls.company_2)

    def _recompute(self):
        self.env["res.partner"]._keyaccount_recompute()

    def test_invoiced_revenue_classes_and_shares(self):
        self._recompute()
        expected = {
            self.p1: (600.0, "a", 60.0),
            self.p2: (200.0, "a", 20.0),  # 60 % above
            self.p3: (100.0, "b", 10.0),  # exactly 80 % above: not below the A threshold
            self.p4: (100.0, "b", 10.0),  # tie with p3
            self.p5: (-50.0, "c", 0.0),  # refunds exceed the invoice
            self.p6: (0.0, "c", 0.0),  # draft and other-company invoices do not count
        }
        for partner, (revenue, abc_class, share) in expected.items():
            self.assertEqual(partner.keyaccount_revenue, revenue, partner.name)
            self.assertEqual(partner.keyaccount_abc_class, abc_class, partner.name)
            self.assertAlmostEqual(partner.keyaccount_revenue_share, share, msg=partner.name)
        # the figures are shown on the contacts of the commercial partner
        self.assertEqual(self.p4_contact.keyaccount_revenue, 100.0)
        self.assertEqual(self.p1_contact.keyaccount_abc_class, "a")
        # the second company ranks its own customers apart from company 1: 5000
        # to the shared p6 (above q1: 62.5 %) and 3000 to its own client q1
        self.assertEqual((self.q1.keyaccount_revenue, self.q1.keyaccount_abc_class), (3000.0, "a"))
        self.assertAlmostEqual(self.q1.keyaccount_revenue_share, 37.5)

    def test_shared_customer_has_figures_per_company(self):
        self._recompute()
        # p6 is shared: no revenue in company 1, but 5000 (62.5 %, class A) in company 2
        self.assertEqual((self.p6.keyaccount_revenue, self.p6.keyaccount_abc_class), (0.0, "c"))
        in_company_2 = self.p6.with_company(self.company_2)
        self.assertEqual(in_company_2.keyaccount_revenue, 5000.0)
        self.assertEqual(in_company_2.keyaccount_abc_class, "a")
        self.assertAlmostEqual(in_company_2.keyaccount_revenue_share, 62.5)
        # one row per company where the figures are not all default (none in company 1)
        figures = self.env["crm.keyaccount.figure"].search([("partner_id", "=", self.p6.id)])
        self.assertEqual(figures.company_id, self.company_2)
        self.assertEqual(figures.revenue, 5000.0)
        # the managers' report compares the companies side by side
        Figure = self.env["crm.keyaccount.figure"].with_context(
            allowed_company_ids=(self.company_1 | self.company_2).ids
        )
        action = self.env.ref("crm_keyaccount.crm_keyaccount_figure_action")
        views = Figure.get_views([(False, "pivot"), (False, "list"), (False, "search")])
        self.assertEqual(set(views["views"]), {"pivot", "list", "search"})
        self.assertEqual(action.res_model, Figure._name)
        by_company = Figure._read_group(
            [("abc_class", "=", "a")], ["company_id"], ["revenue:sum", "__count"]
        )
        self.assertEqual(
            sorted((company.id, revenue, count) for company, revenue, count in by_company),
            [(self.company_1.id, 800.0, 2), (self.company_2.id, 8000.0, 2)],
        )
        # q1 belongs to company 2: its figures are those of company 2 wherever it is read
        self.assertEqual(self.q1.keyaccount_revenue, 3000.0)
        self.assertEqual(self.q1.keyaccount_currency_id, self.company_2.currency_id)

    def test_recompute_leaves_partner_rows_alone(self):
        """The figures live in their own table: ranking does not rewrite partners."""
        self._recompute()
        self._invoice(self.p3, 300.0, "2026-06-29")
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id, xmin::text FROM res_partner WHERE id = ANY(%s)",
            [[self.p3.id, self.p4.id, self.p5.id, self.p6.id]],
        )
        before = dict(self.env.cr.fetchall())
        self._recompute()
        self.env.cr.execute(
            "SELECT id, xmin::text FROM res_partner WHERE id = ANY(%s)", [list(before)]
        )
        self.assertEqual(dict(self.env.cr.fetchall()), before)
        self.assertEqual((self.p3.keyaccount_revenue, self.p3.keyaccount_abc_class), (400.0, "a"))

    def test_figures_go_with_their_partner(self):
        Figure = self.env["crm.keyaccount.figure"]
        leader = self._customer("Short-Lived Leader", keyaccount_industry_leader=True)
        self._recompute()
        figures = Figure.search([("partner_id", "=", leader.id)])  # shared: both companies
        self.assertEqual(figures.mapped("influence_score"), [40.0, 40.0])
        leader_id = leader.id
        leader.unlink()
        self.assertFalse(Figure.search([("partner_id", "=", leader_id)]))
        # rows left by a partner removed outside the ORM are collected daily
        self.env.cr.execute(
            "INSERT INTO crm_keyaccount_figure (partner_id, company_id, score)"
            " SELECT MAX(id) + 1000, %s, 10.0 FROM res_partner",
            [self.company_1.id],
        )
        figures = Figure.search([])
        kept = figures.filtered(lambda figure: figure.partner_id.exists())
        self.assertEqual(len(kept), len(figures) - 1)
        Figure._gc_orphan_figures()
        self.assertEqual(Figure.search([]), kept)
        self.assertEqual(self.p1.keyaccount_revenue, 600.0)

    def test_figures_search_sort_and_group_in_sql(self):
        self._recompute()
        Partner = self.env["res.partner"]
        customers = self.p1 | self.p2 | self.p3 | self.p4 | self.p5 | self.p6
        scope = [("id", "in", customers.ids)]
        self.assertEqual(
            Partner.search([*scope, ("keyaccount_abc_class", "=", "a")]), self.p1 | self.p2
        )
        # no figure row yet means class C and no revenue
        lonely = self._customer("Never Ranked")
        self.assertIn(lonely, Partner.search([("keyaccount_abc_class", "=", "c")]))
        self.assertIn(lonely, Partner.search([("keyaccount_revenue", "=", 0)]))
        self.assertNotIn(lonely, Partner.search([("keyaccount_abc_class", "!=", "c")]))
        self.assertEqual(
            Partner.search([*scope, ("keyaccount_revenue", ">", 150)]), self.p1 | self.p2
        )
        # contacts are found through their commercial partner
        self.assertIn(self.p1_contact, Partner.search([("keyaccount_abc_class", "=", "a")]))
        self.assertEqual(
            Partner.search(scope, order="keyaccount_revenue desc, id")[:3].ids,
            [self.p1.id, self.p2.id, self.p3.id],
        )
        groups = Partner._read_group(
            scope, ["keyaccount_abc_class"], ["keyaccount_revenue:sum", "__count"]
        )
        self.assertEqual(sorted(groups), [("a", 800.0, 2), ("b", 200.0, 2), ("c", -50.0, 2)])
        # in company 2, the shared p6 is the top customer
        in_company_2 = Partner.with_company(self.company_2)
        self.assertEqual(in_company_2.search([*scope, ("keyaccount_abc_class", "=", "a")]), self.p6)
        self.p3.keyaccount_title_id = self.title_key  # manual, not the suggestion
        self.assertEqual(Partner.search([*scope, ("keyaccount_title_differs", "=", True)]), self.p3)
        self.assertEqual(
            Partner.search([*scope, ("keyaccount_suggested_title_id", "=", False)]),
            customers.filtered(lambda p: not p.keyaccount_suggested_title_id),
        )
        # by title name, including the customers without a suggestion for "not"
        title = customers.keyaccount_suggested_title_id[:1]
        self.assertTrue(title)
        named = customers.filtered(lambda p: p.keyaccount_suggested_title_id == title)
        by_name = [*scope, ("keyaccount_suggested_title_id", "=ilike", title.name)]
        self.assertEqual(Partner.search(by_name), named)
        by_name[-1] = ("keyaccount_suggested_title_id", "not ilike", title.name)
        self.assertEqual(Partner.search(by_name), customers - named)
        fields = Partner.fields_get(["keyaccount_revenue", "keyaccount_abc_class"])
        self.assertTrue(fields["keyaccount_revenue"]["sortable"])
        self.assertTrue(fields["keyaccount_abc_class"]["groupable"])

    def test_thresholds_and_window_settings(self):
        self.company_1.write({"keyaccount_abc_threshold_a": 80.01, "keyaccount_window_months": 13})
        self._recompute()
        # p2's old invoice is back in the 13-month window: total 1999
        self.assertEqual(self.p2.keyaccount_revenue, 1199.0)
        # above p3/p4: 1799 / 1999 = 90 % -> B; p1: above 1199/1999 = 60 % -> A
        self.assertEqual(self.p1.keyaccount_abc_class, "a")
        self.assertEqual(self.p3.keyaccount_abc_class, "b")
        self.company_1.keyaccount_window_months = 12
        self._recompute()
        # above p3/p4: exactly 80 % of 1000, now below the 80.01 % threshold
        self.assertEqual((self.p3.keyaccount_abc_class, self.p4.keyaccount_abc_class), ("a", "a"))

    def test_score_suggestion_and_automatic_title(self):
        self._recompute()
        # p1: profit 100 x 40 + influence 100 x 20 over 100 -> 60 -> Strategic (55)
        self.assertEqual(self.p1.keyaccount_profit_score, 100.0)
        self.assertEqual(self.p1.keyaccount_influence_score, 100.0)
        self.assertEqual(self.p1.keyaccount_score, 60.0)
        self.assertEqual(self.p1.keyaccount_suggested_title_id, self.title_strategic)
        # p1 has a key-account manager and no manual title: the title follows
        self.assertEqual(self.p1.keyaccount_title_id, self.title_strategic)
        self.assertEqual(self.p1.keyaccount_since.isoformat(), TODAY)
        self.assertFalse(self.p1.keyaccount_title_differs)
        history = self.p1.keyaccount_history_ids
        self.assertEqual(len(history), 1)
        self.assertEqual(
            (history.old_title_id, history.new_title_id, history.reason, history.score),
            (self.env["crm.keyaccount.title"], self.title_strategic, "automatic", 60.0),
        )
        self.assertEqual(self.p1_contact.keyaccount_title_id, self.title_strategic)
        self.assertTrue(
            self.p1.message_ids.filtered(
                lambda m: (
                    "Suggested key-account title changed from no title to Strategic"
                    in (m.body or "")
                )
            )
        )
        # p3 (class B, score 24) qualifies for no title; without manager none is set
        self.assertEqual(self.p3.keyaccount_score, 24.0)
        self.assertFalse(self.p3.keyaccount_suggested_title_id)
        self.assertFalse(self.p3.keyaccount_title_id)
        # weights are normalised: only profit counts -> p3 scores 60
        self.company_1.write(
            {
                "keyaccount_weight_opportunity": 0.0,
                "keyaccount_weight_partnership": 0.0,
                "keyaccount_weight_influence": 0.0,
            }
        )
        self._recompute()
        self.assertEqual(self.p3.keyaccount_score, 60.0)
        self.assertEqual(self.p3.keyaccount_suggested_title_id, self.title_strategic)
        self.assertEqual(self.p1.keyaccount_title_id, self.title_key)
        self.assertEqual(len(self.p1.keyaccount_history_ids), 2)

    def test_manual_title_is_kept_and_flagged(self):
        # the "Change Title" button of the form, with the reason of the change
        action = self.p2.with_user(self.ka_manager).action_keyaccount_change_title()
        Wizard = self.env[action["res_model"]].with_user(self.ka_manager)
        with Form(Wizard.with_context(**action["context"])) as wizard:
            wizard.title_id = self.title_key
            wizard.reason = "Framework contract signed"
        wizard.record.action_apply()
        self.assertTrue(self.p2.keyaccount_title_manual)
        line = self.p2.keyaccount_history_ids
        self.assertEqual(
            (line.new_title_id, line.reason, line.user_id, line.note),
            (self.title_key, "manual", self.ka_manager, "Framework contract signed"),
        )
        self._recompute()
        # p2 scores 40 -> Development is suggested, Key is kept and flagged
        self.assertEqual(self.p2.keyaccount_suggested_title_id, self.title_development)
        self.assertEqual(self.p2.keyaccount_title_id, self.title_key)
        self.assertTrue(self.p2.keyaccount_title_differs)
        self.assertEqual(len(self.p2.keyaccount_history_ids), 1)
        with self.assertRaises(AccessError):
            self.p2.with_user(self.ka_user).action_keyaccount_follow_suggestion()
        self.assertEqual(self.p2.keyaccount_title_id, self.title_key)
        self.p2.with_user(self.ka_manager).action_keyaccount_follow_suggestion()
        self.assertEqual(self.p2.keyaccount_title_id, self.title_development)
        self.assertFalse(self.p2.keyaccount_title_differs)
        self.assertFalse(self.p2.keyaccount_title_manual)
        self.assertEqual(len(self.p2.keyaccount_history_ids), 2)

    def test_class_a_entry_and_exit_notified(self):
        def notes(partner, text):
            return partner.message_ids.filtered(lambda m: text in (m.body or ""))

        self.assertFalse(self.company_1.keyaccount_ranked_date)
        self._recompute()
        # the first ranking of the company is not a change: nobody "entered" class A
        self.assertEqual(self.company_1.keyaccount_ranked_date.isoformat(), f"{TODAY}T00:00:00")
        self.assertFalse(notes(self.p1, "entered class A"))
        # p6 now buys 2000: it enters class A and p2 (200) falls to B (2600 of 3000 above)
        self.p6.message_subscribe(partner_ids=self.ka_manager.partner_id.ids)
        self._invoice(self.p6, 2000.0, "2026-06-15")
        self._recompute()
        self.assertEqual(self.p6.keyaccount_abc_class, "a")
        note = notes(self.p6, "entered class A")
        self.assertEqual(len(note), 1)
        # an internal note of the system, logged as any other (nobody notified)
        self.assertEqual(
            (note.message_type, note.subtype_id, note.is_internal, note.author_id),
            ("notification", self.env.ref("mail.mt_note"), True, self.env.ref("base.partner_root")),
        )
        self.assertFalse(note.notification_ids)
        self.assertEqual(self.p2.keyaccount_abc_class, "b")
        self.assertEqual(len(notes(self.p2, "left class A")), 1)
        activity = self.p2.activity_ids.filtered(lambda a: "left class A" in a.summary)
        self.assertEqual(activity.user_id, self.ka_user)
        self.assertFalse(notes(self.p3, "class A"))  # B before and after: no note
        self._recompute()  # nothing changed: no new note
        self.assertEqual(len(notes(self.p6, "entered class A")), 1)
        self.assertEqual(len(notes(self.p2, "left class A")), 1)

    def test_class_a_note_only_where_somebody_reads_it(self):
        self._recompute()
        # p6 enters class A, p2 leaves it; nobody follows p6 nor manages it
        self._invoice(self.p6, 2000.0, "2026-06-15")
        self._recompute()
        self.assertEqual(self.p6.keyaccount_abc_class, "a")
        self.assertEqual(self.p6.keyaccount_class_a_periods & 1, 1)
        self.assertFalse(self.p6.message_ids.filtered(lambda m: "class A" in (m.body or "")))
        # p2 has a key-account manager: noted and reminded
        self.assertTrue(self.p2.message_ids.filtered(lambda m: "left class A" in (m.body or "")))

    def test_class_a_stability_over_months(self):
        self._recompute()
        self._recompute()  # same month: the current month is not counted twice
        self.assertEqual(self.p1.keyaccount_class_a_periods, 0b1)
        with freeze_time("2026-07-15"):
            self._recompute()
        self.assertEqual(self.p1.keyaccount_class_a_periods, 0b11)
        self.assertEqual(self.p1.keyaccount_stability, 16.67)
        # in July p2's first invoice leaves the window: p3 moves from B up to A
        self.assertEqual(self.p3.keyaccount_class_a_periods, 0b01)
        self.assertEqual(self.p3.keyaccount_stability, 8.33)
        self.assertEqual(self.p5.keyaccount_stability, 0.0)

    def test_nightly_cron(self):
        cron = self.env.ref("crm_keyaccount.ir_cron_keyaccount_recompute")
        cron.user_id.write({"company_ids": [Command.unlink(self.company_2.id)]})
        cron.method_direct_trigger()
        # every company is ranked, not only those of the cron user
        self.assertEqual((self.q1.keyaccount_revenue, self.q1.keyaccount_abc_class), (3000.0, "a"))
        self.assertTrue(self.company_1.keyaccount_ranked_date)

    def test_plan_objective_invoiced_actual(self):
        plan = self.env["crm.keyaccount.plan"].create(
            {
                "name": "Epsilon plan",
                "partner_id": self.p5.id,
                "objective_ids": [
                    Command.create(
                        {
                            "name": "Net invoiced in February",
                            "metric": "invoiced",
                            "target": 100.0,
                            "date_from": "2026-02-01",
                            "date_to": "2026-02-28",
                        }
                    ),
                    Command.create(
                        {
                            "name": "Invoiced in January",
                            "metric": "invoiced",
                            "target": 100.0,
                            "date_from": "2026-01-01",
                            "date_to": "2026-01-31",
                        }
                    ),
                ],
            }
        )
        february, january = plan.objective_ids.sorted("id")
        self.assertEqual(february.actual, -50.0)  # 80 invoiced, 130 refunded
        self.assertEqual(february.progress, -50.0)
        self.assertEqual(january.actual, 0.0)

    def test_margin_basis(self):
        self.company_1.keyaccount_revenue_basis = "margin"
        order = self.env["sale.order"].create(
            {
                "partner_id": self.p3.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product_a.id,
                            "product_uom_qty": 2,
                            "price_unit": 1000.0,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        self._recompute()
        # margin = 2 x (1000 - 800); invoices no longer count
        self.assertEqual(self.p3.keyaccount_revenue, 400.0)
        self.assertEqual(self.p3.keyaccount_abc_class, "a")
        self.assertEqual(self.p1.keyaccount_revenue, 0.0)
        self.assertEqual(self.p1.keyaccount_abc_class, "c")

    def test_recompute_query_count_does_not_grow_with_partners(self):
        self._recompute()
        for index in range(30):
            self._invoice(self._customer(f"Extra {index}"), 10.0 + index, "2026-04-01")
        self.env.flush_all()
        # per company: the title rules, the ranking statement (figures computed
        # and written), notes in bulk; the same count for 30 or 30,000 partners
        with self.assertQueryCount(17):
            self._recompute()
