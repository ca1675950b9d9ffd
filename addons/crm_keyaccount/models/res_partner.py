from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools import keyaccount as ka
from .crm_keyaccount_assessment import HEALTH_TRENDS

# Revenue, share and score: key-account users and managers, and sales managers.
SENSITIVE_GROUPS = "crm_keyaccount.crm_keyaccount_group_user,sales_team.group_sale_manager"

ABC_CLASSES = [(ka.CLASS_A, "A"), (ka.CLASS_B, "B"), (ka.CLASS_C, "C")]


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Title
    keyaccount_title_id = fields.Many2one(
        "crm.keyaccount.title",
        string="Key-Account Title",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
    )
    keyaccount_since = fields.Date(string="Title Since")
    keyaccount_title_manual = fields.Boolean(
        string="Manual Title",
        readonly=True,
        help="Set when the title was chosen by hand: the suggestion no longer replaces it.",
    )
    keyaccount_suggested_title_id = fields.Many2one(
        "crm.keyaccount.title", string="Suggested Title", readonly=True, ondelete="set null"
    )
    keyaccount_title_differs = fields.Boolean(
        string="Title Differs from Suggestion",
        readonly=True,
        help="The manual title is kept although the score suggests another one.",
    )
    keyaccount_manager_id = fields.Many2one(
        "res.users",
        string="Key-Account Manager",
        index="btree_not_null",
        tracking=True,
        help="The ambassador of the customer inside the company.",
    )
    # Pareto (profit)
    keyaccount_abc_class = fields.Selection(
        ABC_CLASSES, string="ABC Class", default=ka.CLASS_C, readonly=True
    )
    keyaccount_class_a_periods = fields.Integer(
        string="Class A Months",
        readonly=True,
        help="Bit mask of the last 12 months, bit 0 the current one, set when in class A.",
    )
    keyaccount_stability = fields.Float(
        compute="_compute_keyaccount_stability",
        string="Class A Stability (%)",
        help="Share of the last 12 months in which the customer was class A.",
    )
    keyaccount_currency_id = fields.Many2one(
        "res.currency", compute="_compute_keyaccount_currency_id", string="Key-Account Currency"
    )
    keyaccount_revenue = fields.Monetary(
        string="Key-Account Revenue",
        currency_field="keyaccount_currency_id",
        readonly=True,
        groups=SENSITIVE_GROUPS,
        aggregator="sum",
        help="Revenue (or margin) over the rolling window, in company currency.",
    )
    keyaccount_revenue_share = fields.Float(
        string="Revenue Share (%)", readonly=True, groups=SENSITIVE_GROUPS, aggregator="sum"
    )
    # Score
    keyaccount_score = fields.Float(
        string="Key-Account Score", readonly=True, groups=SENSITIVE_GROUPS, aggregator="avg"
    )
    keyaccount_profit_score = fields.Float(
        string="Profit Score", readonly=True, groups=SENSITIVE_GROUPS, aggregator="avg"
    )
    keyaccount_opportunity_score = fields.Float(
        string="Opportunity Score", readonly=True, groups=SENSITIVE_GROUPS, aggregator="avg"
    )
    keyaccount_partnership_score = fields.Float(
        string="Partnership Score", readonly=True, groups=SENSITIVE_GROUPS, aggregator="avg"
    )
    keyaccount_influence_score = fields.Float(
        string="Market Influence Score", readonly=True, groups=SENSITIVE_GROUPS, aggregator="avg"
    )
    keyaccount_industry_leader = fields.Boolean(string="Industry Leader")
    keyaccount_influence_rating = fields.Selection(
        [("0", "None"), ("1", "Low"), ("2", "Medium"), ("3", "High")],
        string="Market Influence",
        default="0",
    )
    # Account management
    keyaccount_team_ids = fields.One2many(
        "crm.keyaccount.team.member", "partner_id", string="Account Team"
    )
    keyaccount_contact_ids = fields.One2many(
        "crm.keyaccount.contact", "partner_id", string="Relationship Map"
    )
    keyaccount_competitor_ids = fields.One2many(
        "crm.keyaccount.competitor", "partner_id", string="Competitors"
    )
    keyaccount_plan_ids = fields.One2many("crm.keyaccount.plan", "partner_id", string="Plans")
    keyaccount_assessment_ids = fields.One2many(
        "crm.keyaccount.assessment", "partner_id", string="Assessments"
    )
    keyaccount_history_ids = fields.One2many(
        "crm.keyaccount.title.history", "partner_id", string="Title History"
    )
    keyaccount_single_threaded = fields.Boolean(
        compute="_compute_keyaccount_coverage",
        string="Single-Threaded Risk",
        help="Only one person or one organisational level carries the relationship.",
    )
    keyaccount_coverage_executive = fields.Integer(
        compute="_compute_keyaccount_coverage", string="Executives on the Map"
    )
    keyaccount_coverage_management = fields.Integer(
        compute="_compute_keyaccount_coverage", string="Managers on the Map"
    )
    keyaccount_coverage_operational = fields.Integer(
        compute="_compute_keyaccount_coverage", string="Operational Staff on the Map"
    )
    keyaccount_health_score = fields.Float(
        compute="_compute_keyaccount_health", string="Health Score"
    )
    keyaccount_health_trend = fields.Selection(
        HEALTH_TRENDS,
        compute="_compute_keyaccount_health",
        string="Health Trend",
    )
    keyaccount_plan_count = fields.Integer(
        compute="_compute_keyaccount_plan_count", string="Account Plan Count"
    )

    @api.depends("company_id")
    @api.depends_context("company")
    def _compute_keyaccount_currency_id(self):
        for partner in self:
            company = partner.company_id or self.env.company
            partner.keyaccount_currency_id = company.currency_id

    @api.depends("keyaccount_class_a_periods")
    def _compute_keyaccount_stability(self):
        for partner in self:
            partner.keyaccount_stability = ka.stability(partner.keyaccount_class_a_periods)

    @api.depends("keyaccount_contact_ids.org_level")
    def _compute_keyaccount_coverage(self):
        for partner in self:
            counts, single = ka.coverage(partner.keyaccount_contact_ids.mapped("org_level"))
            partner.keyaccount_single_threaded = single
            partner.keyaccount_coverage_executive = counts.get("executive", 0)
            partner.keyaccount_coverage_management = counts.get("management", 0)
            partner.keyaccount_coverage_operational = counts.get("operational", 0)

    @api.depends("keyaccount_assessment_ids.state", "keyaccount_assessment_ids.health_score")
    def _compute_keyaccount_health(self):
        for partner in self:
            done = partner.keyaccount_assessment_ids.filtered(lambda a: a.state == "done")
            latest = done.sorted(lambda a: (a.date_done or fields.Datetime.now(), a.id))[-1:]
            partner.keyaccount_health_score = latest.health_score
            partner.keyaccount_health_trend = latest.trend or False

    @api.depends("keyaccount_plan_ids")
    def _compute_keyaccount_plan_count(self):
        for partner in self:
            partner.keyaccount_plan_count = len(partner.keyaccount_plan_ids)

    @api.model
    def _commercial_fields(self):
        return [
            *super()._commercial_fields(),
            "keyaccount_title_id",
            "keyaccount_since",
            "keyaccount_title_manual",
            "keyaccount_suggested_title_id",
            "keyaccount_title_differs",
            "keyaccount_manager_id",
            "keyaccount_industry_leader",
            "keyaccount_influence_rating",
        ]

    def write(self, vals):
        if "keyaccount_title_id" not in vals or self.env.context.get("keyaccount_no_history"):
            return super().write(vals)
        new_title = self.env["crm.keyaccount.title"].browse(vals["keyaccount_title_id"])
        automatic = self.env.context.get("keyaccount_title_reason") == "automatic"
        changed = self.filtered(
            lambda p: p.commercial_partner_id == p and p.keyaccount_title_id != new_title
        )
        old_titles = {partner.id: partner.keyaccount_title_id.id for partner in changed}
        extra = {}
        if "keyaccount_since" not in vals:
            extra["keyaccount_since"] = new_title and fields.Date.context_today(self)
        if not automatic and "keyaccount_title_manual" not in vals:
            extra["keyaccount_title_manual"] = bool(new_title)
        result = super().write(vals | extra)
        if changed:
            changed._keyaccount_log_title_change(old_titles, automatic)
        return result

    def _keyaccount_log_title_change(self, old_titles, automatic):
        """Write one history line per partner whose title just changed."""
        note = self.env.context.get("keyaccount_title_note")
        # sudo: the history is written for any user allowed to change the title;
        # its lines are read-only for users.
        self.env["crm.keyaccount.title.history"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": (partner.company_id or self.env.company).id,
                    "old_title_id": old_titles[partner.id],
                    "new_title_id": partner.keyaccount_title_id.id,
                    "user_id": self.env.user.id,
                    "reason": "automatic" if automatic else "manual",
                    "note": note,
                    "score": partner.sudo().keyaccount_score,
                }
                for partner in self
            ]
        )
        self._keyaccount_update_differs()

    def _keyaccount_update_differs(self):
        for partner in self:
            differs = bool(
                partner.keyaccount_title_manual
                and partner.keyaccount_title_id != partner.keyaccount_suggested_title_id
            )
            if partner.keyaccount_title_differs != differs:
                partner.with_context(keyaccount_no_history=True).keyaccount_title_differs = differs

    @api.model
    def _keyaccount_recompute(self):
        """Recompute revenue, classes, scores and suggestions for the companies
        of the environment (scheduled nightly)."""
        self.env["crm.keyaccount.ranking"]._keyaccount_recompute()

    @api.model
    def _cron_keyaccount_recompute(self):
        """Nightly: rank every company, the cron user's own company first (it gives
        its figures to the partners shared between companies)."""
        companies = self.env["res.company"].search([])
        main = self.env.user.company_id & companies
        self.with_context(allowed_company_ids=(main | companies).ids)._keyaccount_recompute()

    def action_keyaccount_recompute(self):
        """Button: recompute every key-account figure of the current companies."""
        if not self.env.user.has_group("crm_keyaccount.crm_keyaccount_group_manager"):
            raise AccessError(self.env._("Only key-account managers can recompute the ranking."))
        self.env["res.partner"]._keyaccount_recompute()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("Key-account classes and scores recomputed."),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_keyaccount_follow_suggestion(self):
        """Replace the title by the suggestion and go back to automatic titles."""
        for partner in self:
            partner.with_context(keyaccount_title_reason="automatic").write(
                {
                    "keyaccount_title_id": partner.keyaccount_suggested_title_id.id,
                    "keyaccount_title_manual": False,
                }
            )
        self._keyaccount_update_differs()

    def action_keyaccount_open_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_keyaccount.crm_keyaccount_plan_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
