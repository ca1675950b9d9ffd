from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.fields import Command
from odoo.tests import new_test_user
from odoo.tools import SQL, mute_logger

from .common import T0, CampaignRoiCommon


class TestConcurrency(CampaignRoiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(T0):
            cls.touch = cls._touch(cls.campaign_a, 10, partner=cls.contact)
            cls._touch(cls.campaign_b, 5, partner=cls.contact)
            cls.lead = cls._lead(100.0)
            cls.lead.action_set_won()
            cls.after_commit()

    def _row_version(self, record):
        self.env.flush_all()
        self.env.cr.execute(
            SQL("SELECT ctid::text FROM %s WHERE id = %s", SQL.identifier(record._table), record.id)
        )
        return self.env.cr.fetchone()[0]

    def test_one_line_per_conversion_model_and_touch(self):
        line = self._lines(self.lead, "linear")[0]
        self.env.cr.execute(
            SQL(
                "SELECT conversion_model, conversion_id, campaign_id, touch_id, attribution_model, "
                "weight, amount, company_id FROM crm_campaign_attribution WHERE id = %s",
                line.id,
            )
        )
        row = self.env.cr.fetchone()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env.cr.execute(
                SQL(
                    "INSERT INTO crm_campaign_attribution (conversion_model, conversion_id, "
                    "campaign_id, touch_id, attribution_model, weight, amount, company_id) "
                    "VALUES %s",
                    row,
                )
            )
        self.assertEqual(self._amounts(self.lead, "linear"), [50.0, 50.0])

    def test_refresh_updates_the_conversion_row(self):
        """The refresh rewrites the source row, so that a concurrent refresh
        of the same conversion waits for it and then fails with a
        serialization error (retried by Odoo) instead of counting twice."""
        before = self._row_version(self.lead)
        self.Attribution._refresh_conversions("crm.lead", self.lead.ids)
        self.assertNotEqual(self._row_version(self.lead), before)
        self.assertEqual(self._amounts(self.lead, "linear"), [50.0, 50.0])
        # a refresh through a new touch rewrites it again
        before = self._row_version(self.lead)
        with freeze_time(T0):
            self._touch(self.campaign_c, 20, partner=self.contact)
        self.assertNotEqual(self._row_version(self.lead), before)
        self.assertEqual(self._amounts(self.lead, "linear"), [33.34, 33.33, 33.33])

    def test_salesman_confirms_order_of_another_salesmans_opportunity(self):
        other = new_test_user(
            self.env, login="roi_salesman_other", groups="sales_team.group_sale_salesman"
        )
        self.company.campaign_roi_conversion = "sale_confirmed"
        lead = self._lead(0.0, user_id=other.id)
        self.assertFalse(lead.with_user(self.user_salesman).has_access("read"))
        product = self.env["product.product"].create({"name": "Rebar", "list_price": 300.0})
        with freeze_time(T0):
            order = (
                self.env["sale.order"]
                .with_user(self.user_salesman)
                .create(
                    {
                        "partner_id": self.contact.id,
                        "opportunity_id": lead.id,
                        "campaign_id": self.campaign_c.id,
                        "order_line": [
                            Command.create({"product_id": product.id, "tax_id": [Command.clear()]})
                        ],
                    }
                )
            )
            order.action_confirm()
        self.assertEqual(order.state, "sale")
        # sale_crm raises the opportunity's expected revenue to the order's
        self.assertEqual(lead.expected_revenue, 300.0)
        touch = self.Touch.search([("res_model", "=", "sale.order"), ("res_id", "=", order.id)])
        self.assertEqual(touch.lead_id, lead)
        self.assertEqual(touch.campaign_id, self.campaign_c)
        lines = self._lines(order, "linear")
        self.assertEqual(lines.lead_id, lead)
        self.assertEqual(lines.campaign_id, self.campaign_a | self.campaign_b | self.campaign_c)
        self.assertEqual(round(sum(lines.mapped("amount")), 2), 300.0)
