from datetime import timedelta

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import Form

from .common import T0, CampaignRoiCommon

EXPECTED_4_TOUCHES = {
    "first_touch": [1000.0],
    "last_touch": [1000.0],
    "linear": [250.0, 250.0, 250.0, 250.0],
    "u_shaped": [400.0, 100.0, 100.0, 400.0],
    "j_shaped": [200.0, 100.0, 100.0, 600.0],
    "inverse_j": [600.0, 100.0, 100.0, 200.0],
    # milestones: first touch, lead created (2nd), opportunity created (4th)
    "w_shaped": [300.0, 300.0, 100.0, 300.0],
    # 2^-(90/30), 2^-(60/30), 2^-(45/30), 2^-(30/30), normalised, largest remainder
    "time_decay": [101.75, 203.49, 287.78, 406.98],
    # 0.4 / 0.2 / 0.2 / 0.4 normalised to 1/3, 1/6, 1/6, 1/3
    "custom": [333.33, 166.67, 166.67, 333.33],
}


class TestAttributionEngine(CampaignRoiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(T0 - timedelta(days=100)):
            cls.lead = cls._lead(1000.0)
        with freeze_time(T0):
            cls.t1 = cls._touch(cls.campaign_a, 90, partner=cls.contact, touch_type="ad_click")
            cls.t2 = cls._touch(cls.campaign_b, 60, lead=cls.lead, touch_type="lead")
            cls.t3 = cls._touch(cls.campaign_c, 45, partner=cls.customer, touch_type="mail_click")
            cls.t4 = cls._touch(cls.campaign_a, 30, lead=cls.lead, touch_type="opportunity")

    def _win(self, lead):
        with freeze_time(T0):
            lead.action_set_won()
            self.after_commit()

    def test_every_model_with_four_touches(self):
        self._win(self.lead)
        for model, expected in EXPECTED_4_TOUCHES.items():
            lines = self._lines(self.lead, model)
            self.assertEqual(lines.mapped("amount"), expected, model)
            self.assertAlmostEqual(sum(lines.mapped("weight")), 1.0, places=9, msg=model)
        first = self._lines(self.lead, "first_touch")
        self.assertEqual(first.touch_id, self.t1)
        self.assertEqual(first.campaign_id, self.campaign_a)
        self.assertEqual(first.partner_id, self.customer)
        self.assertEqual(first.conversion_date, T0)
        self.assertEqual(first.lag_days, 90.0)
        self.assertEqual(self._lines(self.lead, "last_touch").touch_id, self.t4)
        linear = self._lines(self.lead, "linear")
        self.assertEqual(linear.touch_id, self.t1 | self.t2 | self.t3 | self.t4)
        self.assertEqual(set(linear.mapped("lead_id")), {self.lead})

    def test_three_way_split_of_100(self):
        lead = self._lead(100.0, partner=self.other_customer)
        with freeze_time(T0):
            for days in (3, 2, 1):
                self._touch(self.campaign_a, days, partner=self.other_customer, touch_type="event")
        self._win(lead)
        self.assertEqual(self._amounts(lead, "linear"), [33.34, 33.33, 33.33])

    def test_lookback_boundary_and_future_touches(self):
        other = self.other_customer
        lead = self._lead(500.0, partner=other)
        with freeze_time(T0):
            inside = self._touch(self.campaign_a, 180, partner=other)
            self._touch(self.campaign_b, 180 + 1 / 86400, partner=other)
        self._win(lead)
        self.assertEqual(self._lines(lead, "linear").touch_id, inside)
        # a touch after the conversion, recorded later, is not eligible
        with freeze_time(T0 + timedelta(days=5)):
            self.env["crm.campaign.touch"].create(
                {
                    "campaign_id": self.campaign_c.id,
                    "contact_id": other.id,
                    "touch_date": T0 + timedelta(hours=1),
                }
            )
        self.assertEqual(self._lines(lead, "linear").touch_id, inside)
        self.assertEqual(self._amounts(lead, "linear"), [500.0])

    def test_no_touch_no_line(self):
        lonely = self.env["res.partner"].create({"name": "No Touch Ltd", "is_company": True})
        lead = self._lead(700.0, partner=lonely)
        self._win(lead)
        self.assertFalse(self._lines(lead))
        report = self.env["crm.campaign.roi.report"].search(
            [("conversion_model", "=", "crm.lead"), ("conversion_id", "=", lead.id)]
        )
        self.assertEqual(report.unattributed_count, 1)
        self.assertEqual(report.unattributed_revenue, 700.0)
        self.assertFalse(report.campaign_id)

    def test_rewin_does_not_duplicate(self):
        self._win(self.lead)
        count = len(self._lines(self.lead))
        self.assertEqual(count, 1 + 1 + 4 * 7)
        self.lead.write({"stage_id": self.stage_new.id})
        self.assertFalse(self._lines(self.lead))
        self._win(self.lead)
        self.assertEqual(len(self._lines(self.lead)), count)
        self.lead.action_set_lost()
        self.assertFalse(self._lines(self.lead))
        self._win(self.lead)
        self.assertEqual(len(self._lines(self.lead)), count)
        # a new revenue on the won lead is re-split
        self.lead.expected_revenue = 2000.0
        self.assertEqual(sum(self._lines(self.lead, "u_shaped").mapped("amount")), 2000.0)
        self.assertEqual(len(self._lines(self.lead)), count)

    def test_full_recompute_matches_incremental(self):
        self._win(self.lead)
        lead_2 = self._lead(100.0, partner=self.other_customer)
        with freeze_time(T0):
            for days in (50, 20, 10):
                self._touch(self.campaign_b, days, partner=self.other_customer)
        self._win(lead_2)

        def snapshot():
            return sorted(
                (
                    line.conversion_id,
                    line.touch_id.id,
                    line.attribution_model,
                    line.amount,
                    round(line.weight, 9),
                    round(line.lag_days, 6),
                )
                for line in self.Attribution.search([("company_id", "=", self.company.id)])
            )

        incremental = snapshot()
        self.assertTrue(incremental)
        created = self.Attribution._recompute_all(self.company)
        self.assertEqual(created, len(incremental))
        self.assertEqual(snapshot(), incremental)

    def test_settings_change_recomputes_everything(self):
        self._win(self.lead)
        self.company.campaign_roi_lookback_days = 50
        self.assertEqual(self._lines(self.lead, "linear").touch_id, self.t3 | self.t4)
        self.assertEqual(self._amounts(self.lead, "linear"), [500.0, 500.0])
        self.company.campaign_roi_conversion = "sale_confirmed"
        self.assertFalse(self._lines(self.lead))

    def test_query_count_does_not_grow_with_touches(self):
        few = self._lead(300.0, partner=self.other_customer)
        many_partner = self.env["res.partner"].create({"name": "Many Touches", "is_company": True})
        many = self._lead(300.0, partner=many_partner)
        with freeze_time(T0):
            self.env["crm.campaign.touch"].create(
                [
                    {
                        "campaign_id": self.campaign_a.id,
                        "contact_id": self.other_customer.id,
                        "touch_date": T0 - timedelta(days=day),
                    }
                    for day in (3, 2, 1)
                ]
                + [
                    {
                        "campaign_id": self.campaign_b.id,
                        "contact_id": many_partner.id,
                        "touch_date": T0 - timedelta(days=day),
                    }
                    for day in range(1, 31)
                ]
            )
        self.env.flush_all()
        for lead, touches in ((few, 3), (many, 30)):
            with freeze_time(T0):
                lead.write({"stage_id": self.stage_won.id})
                self.after_commit()
            self.env.flush_all()
            with self.assertQueryCount(2):
                self.Attribution._refresh_conversions("crm.lead", lead.ids)
            with self.assertQueryCount(2):
                self.Attribution._refresh_for(self.company, lead.partner_id, lead)
            self.assertEqual(len(self._lines(lead, "linear")), touches)
        # the whole win runs the same number of queries for 3 and for 30 touches
        counts = []
        for lead in (few, many):
            lead.write({"stage_id": self.stage_new.id})
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            with freeze_time(T0):
                lead.write({"stage_id": self.stage_won.id})
                self.after_commit()
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])

    def test_second_company_is_separate(self):
        company_2 = self.company_2
        company_2.campaign_roi_lookback_days = 10
        lead_2 = self._lead(800.0, company_id=company_2.id, team_id=False, user_id=False)
        with freeze_time(T0):
            own = self._touch(self.campaign_a, 5, partner=self.contact, company_id=company_2.id)
        self._win(lead_2)
        lines = self._lines(lead_2, "linear")
        # company 1 touches of the same customer are not used, nor older than 10 days
        self.assertEqual(lines.touch_id, own)
        self.assertEqual(lines.company_id, company_2)
        self.assertEqual(lines.amount, 800.0)
        self._win(self.lead)
        self.assertNotIn(own, self._lines(self.lead).touch_id)

    def test_sale_confirmed_in_foreign_currency(self):
        eur = self.env.ref("base.EUR")
        if self.company.currency_id == eur:
            eur = self.env.ref("base.USD")
        eur.active = True
        self.env["res.currency.rate"].search([("currency_id", "=", eur.id)]).unlink()
        self.env["res.currency.rate"].create(
            {
                "name": "2026-01-01",
                "rate": 2.0,
                "currency_id": eur.id,
                "company_id": self.company.id,
            }
        )
        self.company.currency_id.rate_ids.filtered(lambda r: r.company_id == self.company).unlink()
        self.company.campaign_roi_conversion = "sale_confirmed"
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": eur.id})
        product = self.env["product.product"].create({"name": "Steel beam", "list_price": 10.0})
        with freeze_time(T0):
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.contact.id,
                    "pricelist_id": pricelist.id,
                    "date_order": T0,
                    "opportunity_id": self.lead.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": 3,
                                "price_unit": 333.33,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            self.assertEqual(order.currency_id, eur)
            order.action_confirm()
        # 999.99 EUR at 2 EUR per company unit = 500.00 (499.995 rounded)
        lines = self._lines(order, "linear")
        self.assertEqual(len(lines), 4)
        self.assertEqual(round(sum(lines.mapped("amount")), 2), 500.0)
        self.assertEqual(lines.currency_id, self.company.currency_id)
        self.assertEqual(lines.sale_order_id, order)
        self.assertEqual(lines.lead_id, self.lead)
        self.assertEqual(lines.mapped("amount"), [125.0] * 4)
        order._action_cancel()
        self.assertFalse(self._lines(order))

    def test_invoice_posted(self):
        self.company.campaign_roi_conversion = "invoice_posted"

        def invoice(move_type, amount):
            return self.env["account.move"].create(
                {
                    "move_type": move_type,
                    "partner_id": self.contact.id,
                    "invoice_date": T0.date(),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Steel",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )

        with freeze_time(T0):
            move = invoice("out_invoice", 300.0)
            move.action_post()
            refund = invoice("out_refund", 100.0)
            refund.action_post()
        # no lead on the invoice: the touches of the customer (the lead's touches
        # carry its customer too)
        self.assertEqual(
            self._lines(move, "linear").touch_id, self.t1 | self.t2 | self.t3 | self.t4
        )
        self.assertEqual(self._amounts(move, "linear"), [75.0] * 4)
        self.assertEqual(
            set(self._lines(move).mapped("conversion_date")),
            {T0.replace(hour=23, minute=59, second=59)},
        )
        self.assertEqual(self._amounts(refund, "u_shaped"), [-40.0, -10.0, -10.0, -40.0])
        refund.button_draft()
        self.assertFalse(self._lines(refund))
        self.assertEqual(len(self._lines(move)), 1 + 1 + 7 * 4)

    def test_settings_form_recomputes(self):
        self._win(self.lead)
        with Form(self.env["res.config.settings"]) as settings:
            settings.campaign_roi_lookback_days = 50
            settings.campaign_roi_default_model = "time_decay"
        settings.save().execute()
        self.assertEqual(self.company.campaign_roi_lookback_days, 50)
        self.assertEqual(self.company.campaign_roi_default_model, "time_decay")
        self.assertEqual(self._lines(self.lead, "linear").touch_id, self.t3 | self.t4)
