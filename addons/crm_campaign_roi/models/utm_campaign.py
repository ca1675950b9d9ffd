from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.currency_sql import convert_sql
from ..tools.integrity import check_numbers, refuse_engine_fields
from .crm_campaign_touch import RESPONSE_TYPES

ROI_GROUP = "crm_campaign_roi.crm_campaign_roi_group_user"
# Plan figures entered by people: never negative, never absurd.
PLAN_LIMITS = {
    "budget": (0.0, 1e12),
    "expected_revenue": (0.0, 1e12),
    "expected_response_rate": (0.0, 100.0),
}


# The tables that _roi_figures reads.
KPI_SOURCE_MODELS = (
    "utm.campaign",
    "utm.campaign.cost",
    "crm.lead",
    "crm.stage",
    "crm.campaign.touch",
    "crm.campaign.attribution",
    "res.currency.rate",
)


class UtmCampaign(models.Model):
    _inherit = "utm.campaign"
    _parent_store = True

    # Hierarchy
    parent_id = fields.Many2one(
        "utm.campaign", string="Parent Campaign", index=True, ondelete="restrict"
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("utm.campaign", "parent_id", string="Sub-campaigns")
    # Plan (currency_id is the campaign company's currency, as in sale)
    # their own prefetch group: a core flow that reads the campaign (a win, a
    # mailing) neither fetches them nor checks their group per record read
    budget = fields.Monetary(groups=ROI_GROUP, prefetch="campaign_roi")
    expected_revenue = fields.Monetary(groups=ROI_GROUP, prefetch="campaign_roi")
    expected_response_rate = fields.Float(string="Expected Response Rate (%)")
    # Costs (the figures below cover the campaign and all its sub-campaigns,
    # over the user's allowed companies, in the reporting currency)
    roi_currency_id = fields.Many2one(
        "res.currency", string="ROI Currency", compute="_compute_roi_currency_id"
    )
    cost_line_ids = fields.One2many(
        "utm.campaign.cost", "campaign_id", string="Cost Lines", groups=ROI_GROUP
    )
    budget_total = fields.Monetary(
        string="Budget with Sub-campaigns", compute="_compute_roi_kpis", groups=ROI_GROUP
    )
    actual_cost = fields.Monetary(
        compute="_compute_roi_kpis", currency_field="roi_currency_id", groups=ROI_GROUP
    )
    # Funnel
    lead_count = fields.Integer(string="Leads", compute="_compute_roi_kpis")
    opportunity_count = fields.Integer(string="Opportunities", compute="_compute_roi_kpis")
    won_count = fields.Integer(string="Won Deals", compute="_compute_roi_kpis")
    touch_count = fields.Integer(string="Touches", compute="_compute_roi_kpis")
    reached_count = fields.Integer(string="Contacts Reached", compute="_compute_roi_kpis")
    response_count = fields.Integer(string="Responses", compute="_compute_roi_kpis")
    response_rate = fields.Float(string="Response Rate (%)", compute="_compute_roi_kpis")
    # Return
    attributed_revenue = fields.Monetary(
        compute="_compute_roi_kpis", currency_field="roi_currency_id", groups=ROI_GROUP
    )
    won_customer_count = fields.Integer(string="Won Customers", compute="_compute_roi_kpis")
    roi = fields.Float(string="ROI (%)", compute="_compute_roi_kpis", groups=ROI_GROUP)
    roas = fields.Float(string="ROAS", compute="_compute_roi_kpis", groups=ROI_GROUP)
    cost_per_lead = fields.Monetary(
        compute="_compute_roi_kpis", currency_field="roi_currency_id", groups=ROI_GROUP
    )
    cost_per_response = fields.Monetary(
        compute="_compute_roi_kpis", currency_field="roi_currency_id", groups=ROI_GROUP
    )
    cost_per_acquisition = fields.Monetary(
        compute="_compute_roi_kpis", currency_field="roi_currency_id", groups=ROI_GROUP
    )
    avg_lag_days = fields.Float(string="Average Lag (days)", compute="_compute_roi_kpis")
    median_lag_days = fields.Float(string="Median Lag (days)", compute="_compute_roi_kpis")

    @api.depends_context("company")
    def _compute_roi_currency_id(self):
        self.roi_currency_id = self.env["res.company"]._campaign_roi_reporting_currency()

    @api.depends_context("company", "allowed_company_ids", "roi_date_from", "roi_date_to")
    @api.depends("budget", "parent_id", "cost_line_ids.amount_company")
    def _compute_roi_kpis(self):
        companies = self.env.companies
        campaigns = self.filtered("id")
        (self - campaigns).update(dict.fromkeys(self._roi_kpi_fields(), 0))
        if not campaigns:
            return
        # Aggregates over raw tables of the user's allowed companies only
        # (as their record rules); the money figures are exposed through
        # fields restricted to the ROI groups. Flush only the tables read.
        for model in KPI_SOURCE_MODELS:
            self.env[model].flush_model()
        currency = self.env["res.company"]._campaign_roi_reporting_currency()
        figures = self._roi_figures(campaigns, companies, currency)
        for campaign in campaigns:
            values = figures.get(campaign.id, {})
            cost = currency.round(values.get("cost") or 0.0)
            revenue = currency.round(values.get("revenue") or 0.0)
            leads = values.get("leads") or 0
            reached = values.get("reached") or 0
            responses = values.get("responses") or 0
            customers = values.get("customers") or 0
            campaign.update(
                {
                    "budget_total": values.get("budget") or 0.0,
                    "actual_cost": cost,
                    "lead_count": leads,
                    "opportunity_count": values.get("opportunities") or 0,
                    "won_count": values.get("won") or 0,
                    "touch_count": values.get("touches") or 0,
                    "reached_count": reached,
                    "response_count": responses,
                    "response_rate": responses / reached * 100.0 if reached else 0.0,
                    "attributed_revenue": revenue,
                    "won_customer_count": customers,
                    "roi": (revenue - cost) / cost * 100.0 if cost else 0.0,
                    "roas": revenue / cost if cost else 0.0,
                    "cost_per_lead": cost / leads if leads else 0.0,
                    "cost_per_response": cost / responses if responses else 0.0,
                    "cost_per_acquisition": cost / customers if customers else 0.0,
                    "avg_lag_days": values.get("avg_lag") or 0.0,
                    "median_lag_days": values.get("median_lag") or 0.0,
                }
            )

    @api.constrains(*PLAN_LIMITS)
    def _check_plan(self):
        # sudo: the budget fields are restricted to the ROI groups; a salesman
        # editing another plan field must still meet the same rule.
        for campaign in self.sudo():
            check_numbers(campaign, {name: campaign[name] for name in PLAN_LIMITS}, PLAN_LIMITS)

    @api.model_create_multi
    def create(self, vals_list):
        refuse_engine_fields(self, vals_list, self._roi_engine_fields())
        for vals in vals_list:
            check_numbers(self, vals, PLAN_LIMITS)
        return super().create(vals_list)

    def write(self, vals):
        refuse_engine_fields(self, [vals], self._roi_engine_fields())
        check_numbers(self, vals, PLAN_LIMITS)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_roi_history(self):
        # sudo: only to know whether cost lines or touches (possibly of other
        # companies, or hidden from the user) would be destroyed.
        campaigns = self.sudo()
        costs = campaigns.env["utm.campaign.cost"].search_count(
            [("campaign_id", "in", self.ids)], limit=1
        )
        touches = campaigns.env["crm.campaign.touch"].search_count(
            [("campaign_id", "in", self.ids)], limit=1
        )
        if costs or touches:
            raise UserError(
                self.env._(
                    "Campaigns with cost lines or touchpoints cannot be deleted, so that no "
                    "cost or attribution is lost. Archive them instead."
                )
            )

    @api.model
    def _roi_engine_fields(self):
        return [*self._roi_kpi_fields(), "roi_currency_id"]

    @api.model
    def _roi_kpi_fields(self):
        return [
            name for name, field in self._fields.items() if field.compute == "_compute_roi_kpis"
        ]

    @api.model
    def _roi_tree(self, campaigns):
        """(root id, campaign id) pairs: each campaign with all its descendants."""
        return SQL(
            """SELECT root.id AS root_id, member.id AS campaign_id
                 FROM utm_campaign root
                 JOIN utm_campaign member ON member.parent_path LIKE root.parent_path || %s
                WHERE root.id = ANY(%s)""",
            "%",
            campaigns.ids,
        )

    @api.model
    def _roi_period(self, column):
        """SQL filter of ``column`` on the optional period of the context.

        ``roi_date_from``/``roi_date_to`` (dates, both included) restrict costs
        by date, leads by creation, touches by date and revenue by conversion.
        """
        try:
            date_from = fields.Date.to_date(self.env.context.get("roi_date_from") or None)
            date_to = fields.Date.to_date(self.env.context.get("roi_date_to") or None)
        except (TypeError, ValueError) as error:
            raise UserError(
                self.env._("The period of the campaign figures is not a valid date.")
            ) from error
        if date_from and date_to and date_from > date_to:
            raise UserError(
                self.env._(
                    "The period of the campaign figures starts on %(date_from)s, after its "
                    "end on %(date_to)s.",
                    date_from=date_from,
                    date_to=date_to,
                )
            )
        return SQL(
            "(%(from)s::date IS NULL OR %(column)s >= %(from)s::date) "
            "AND (%(to)s::date IS NULL OR %(column)s < %(to)s::date + 1)",
            column=column,
            **{"from": date_from or None, "to": date_to or None},
        )

    @api.model
    def _roi_figures(self, campaigns, companies, currency):
        """Figures of ``campaigns`` over ``companies``, money in ``currency``
        (each amount converted at its document's date, with the rates of
        its company)."""
        tree = self._roi_tree(campaigns)
        cr = self.env.cr
        figures = {campaign.id: {} for campaign in campaigns}
        queries = [
            SQL(
                """SELECT tree.root_id, SUM(c.budget) AS budget FROM (%s) tree
                   JOIN utm_campaign c ON c.id = tree.campaign_id GROUP BY tree.root_id""",
                tree,
            ),
            SQL(
                """SELECT g.root_id, SUM(%s) AS cost FROM (
                     SELECT tree.root_id, cost.company_id, cost.currency_id, cost.date,
                            SUM(cost.amount) AS amount
                       FROM (%s) tree
                       JOIN utm_campaign_cost cost ON cost.campaign_id = tree.campaign_id
                      WHERE cost.company_id = ANY(%s) AND %s GROUP BY 1, 2, 3, 4
                   ) g GROUP BY g.root_id""",
                convert_sql(
                    SQL("g.amount"),
                    SQL("g.currency_id"),
                    currency.id,
                    SQL("g.company_id"),
                    SQL("g.date"),
                ),
                tree,
                companies.ids,
                self._roi_period(SQL("cost.date")),
            ),
            SQL(
                """SELECT tree.root_id, count(*) AS leads,
                          count(*) FILTER (WHERE l.type = 'opportunity') AS opportunities,
                          count(*) FILTER (WHERE l.active AND s.is_won) AS won
                     FROM (%s) tree JOIN crm_lead l ON l.campaign_id = tree.campaign_id
                     LEFT JOIN crm_stage s ON s.id = l.stage_id
                    WHERE (l.company_id = ANY(%s) OR l.company_id IS NULL) AND %s
                    GROUP BY tree.root_id""",
                tree,
                companies.ids,
                self._roi_period(SQL("l.create_date")),
            ),
            SQL(
                """SELECT tree.root_id, count(*) AS touches,
                          count(DISTINCT COALESCE(t.partner_id, -t.lead_id, -1000000000 - t.id))
                              AS reached,
                          count(DISTINCT COALESCE(t.partner_id, -t.lead_id, -1000000000 - t.id))
                              FILTER (WHERE t.touch_type IN %s) AS responses
                     FROM (%s) tree JOIN crm_campaign_touch t ON t.campaign_id = tree.campaign_id
                    WHERE t.company_id = ANY(%s) AND %s GROUP BY tree.root_id""",
                RESPONSE_TYPES,
                tree,
                companies.ids,
                self._roi_period(SQL("t.touch_date")),
            ),
            SQL(
                """SELECT root_id,
                          SUM(%s) AS revenue,
                          count(DISTINCT partner_id) FILTER (WHERE revenue > 0) AS customers,
                          AVG(lag) AS avg_lag,
                          percentile_cont(0.5) WITHIN GROUP (ORDER BY lag) AS median_lag
                     FROM (
                        SELECT tree.root_id, a.conversion_model, a.conversion_id, a.partner_id,
                               a.company_id, c.currency_id,
                               MAX(a.conversion_date)::date AS conversion_day,
                               SUM(a.amount) FILTER (
                                   WHERE a.attribution_model = c.campaign_roi_default_model
                               ) AS revenue,
                               MAX(a.lag_days) AS lag
                          FROM (%s) tree
                          JOIN crm_campaign_attribution a ON a.campaign_id = tree.campaign_id
                          JOIN res_company c ON c.id = a.company_id
                         WHERE a.company_id = ANY(%s) AND %s
                         GROUP BY 1, 2, 3, 4, 5, 6
                     ) per_conversion
                    GROUP BY root_id""",
                convert_sql(
                    SQL("per_conversion.revenue"),
                    SQL("per_conversion.currency_id"),
                    currency.id,
                    SQL("per_conversion.company_id"),
                    SQL("per_conversion.conversion_day"),
                ),
                tree,
                companies.ids,
                self._roi_period(SQL("a.conversion_date")),
            ),
        ]
        for query in queries:
            cr.execute(query)
            for row in cr.dictfetchall():
                figures[row.pop("root_id")].update(row)
        for values in figures.values():
            for key, value in values.items():
                if value is not None and not isinstance(value, int):
                    values[key] = float(value)
        return figures

    def _roi_action(self, xmlid, domain, context=None):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = domain
        action["context"] = dict(context or {})
        return action

    def action_view_cost_lines(self):
        return self._roi_action(
            "crm_campaign_roi.utm_campaign_cost_action",
            [("campaign_id", "child_of", self.ids)],
            {"default_campaign_id": self.id},
        )

    def action_view_touches(self):
        return self._roi_action(
            "crm_campaign_roi.crm_campaign_touch_action",
            [("campaign_id", "child_of", self.ids)],
            {"default_campaign_id": self.id},
        )

    def action_view_attribution(self):
        return self._roi_action(
            "crm_campaign_roi.crm_campaign_attribution_action",
            [("campaign_id", "child_of", self.ids)],
            {"search_default_attribution_model": self.env.company.campaign_roi_default_model},
        )

    def action_view_leads(self):
        return self._roi_action(
            "crm.crm_lead_all_leads",
            [("campaign_id", "child_of", self.ids)],
            {"active_test": False},
        )
