from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools import keyaccount as ka
from .crm_keyaccount_assessment import HEALTH_TRENDS

# Every key-account field: key-account users and managers, and sales managers.
SENSITIVE_GROUPS = "crm_keyaccount.crm_keyaccount_group_user,sales_team.group_sale_manager"
KA_MANAGER = "crm_keyaccount.crm_keyaccount_group_manager"

# The prefetch group of the stored key-account fields of partners and
# companies: reading a partner or a company in a core flow (a win, an order,
# an invoice) neither fetches them nor checks their groups for each record
# read; they are read together when one of them is.
KA_PREFETCH = "keyaccount"

# Set by key-account managers only, with the value of a partner where nobody
# set them (the team: see crm_keyaccount_team_member.py). A duplicate of a
# partner is a new account: they are not copied.
MANAGER_FIELDS = {
    "keyaccount_title_id": False,
    "keyaccount_since": False,
    "keyaccount_title_manual": False,
    "keyaccount_manager_id": False,
    "keyaccount_industry_leader": False,
    "keyaccount_influence_rating": "0",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Title
    keyaccount_title_id = fields.Many2one(
        "crm.keyaccount.title",
        string="Key-Account Title",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        copy=False,
        groups=SENSITIVE_GROUPS,
        prefetch=KA_PREFETCH,
    )
    keyaccount_since = fields.Date(
        string="Title Since",
        copy=False,
        groups=SENSITIVE_GROUPS,
        prefetch=KA_PREFETCH,
    )
    keyaccount_title_manual = fields.Boolean(
        string="Manual Title",
        readonly=True,
        help="Set when the title was chosen by hand: the suggestion no longer replaces it.",
        copy=False,
        groups=SENSITIVE_GROUPS,
        prefetch=KA_PREFETCH,
    )
    keyaccount_manager_id = fields.Many2one(
        "res.users",
        string="Key-Account Manager",
        index="btree_not_null",
        tracking=True,
        help="The ambassador of the customer inside the company.",
        copy=False,
        groups=SENSITIVE_GROUPS,
        prefetch=KA_PREFETCH,
    )
    keyaccount_industry_leader = fields.Boolean(
        string="Industry Leader",
        copy=False,
        groups=SENSITIVE_GROUPS,
        prefetch=KA_PREFETCH,
    )
    keyaccount_influence_rating = fields.Selection(
        [("0", "None"), ("1", "Low"), ("2", "Medium"), ("3", "High")],
        string="Market Influence",
        default="0",
        copy=False,
        groups=SENSITIVE_GROUPS,
        prefetch=KA_PREFETCH,
    )
    # Account management
    keyaccount_team_ids = fields.One2many(
        "crm.keyaccount.team.member", "partner_id", string="Account Team", groups=SENSITIVE_GROUPS
    )
    keyaccount_contact_ids = fields.One2many(
        "crm.keyaccount.contact", "partner_id", string="Relationship Map", groups=SENSITIVE_GROUPS
    )
    keyaccount_competitor_ids = fields.One2many(
        "crm.keyaccount.competitor", "partner_id", string="Competitors", groups=SENSITIVE_GROUPS
    )
    keyaccount_plan_ids = fields.One2many(
        "crm.keyaccount.plan", "partner_id", string="Plans", groups=SENSITIVE_GROUPS
    )
    keyaccount_assessment_ids = fields.One2many(
        "crm.keyaccount.assessment", "partner_id", string="Assessments", groups=SENSITIVE_GROUPS
    )
    keyaccount_history_ids = fields.One2many(
        "crm.keyaccount.title.history",
        "partner_id",
        string="Title History",
        groups=SENSITIVE_GROUPS,
    )
    keyaccount_single_threaded = fields.Boolean(
        compute="_compute_keyaccount_coverage",
        string="Single-Threaded Risk",
        help="Only one person or one organisational level carries the relationship.",
        groups=SENSITIVE_GROUPS,
    )
    keyaccount_coverage_executive = fields.Integer(
        compute="_compute_keyaccount_coverage",
        string="Executives on the Map",
        groups=SENSITIVE_GROUPS,
    )
    keyaccount_coverage_management = fields.Integer(
        compute="_compute_keyaccount_coverage",
        string="Managers on the Map",
        groups=SENSITIVE_GROUPS,
    )
    keyaccount_coverage_operational = fields.Integer(
        compute="_compute_keyaccount_coverage",
        string="Operational Staff on the Map",
        groups=SENSITIVE_GROUPS,
    )
    keyaccount_health_score = fields.Float(
        compute="_compute_keyaccount_health", string="Health Score", groups=SENSITIVE_GROUPS
    )
    keyaccount_health_trend = fields.Selection(
        HEALTH_TRENDS,
        compute="_compute_keyaccount_health",
        string="Health Trend",
        groups=SENSITIVE_GROUPS,
    )
    keyaccount_can_manage = fields.Boolean(
        compute="_compute_keyaccount_can_manage",
        string="Can Manage the Key Account",
        groups=SENSITIVE_GROUPS,
    )
    keyaccount_plan_count = fields.Integer(
        compute="_compute_keyaccount_plan_count",
        string="Account Plan Count",
        groups=SENSITIVE_GROUPS,
    )

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

    @api.depends_context("uid")
    def _compute_keyaccount_can_manage(self):
        can_manage = self.env.user.has_group(KA_MANAGER)
        for partner in self:
            partner.keyaccount_can_manage = can_manage

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
            "keyaccount_manager_id",
            "keyaccount_industry_leader",
            "keyaccount_influence_rating",
        ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._keyaccount_check_manager_fields(
                {
                    name: value
                    for name, value in vals.items()
                    if name in MANAGER_FIELDS and value and value != MANAGER_FIELDS[name]
                }
            )
        return super().create(vals_list)

    def write(self, vals):
        self._keyaccount_check_manager_fields(vals)
        if "keyaccount_title_id" not in vals:
            return super().write(vals)
        return self._keyaccount_write(vals, "manual")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_keyaccount_records(self):
        """What users entered on an account stays: archive the partner instead."""
        for model in (
            "crm.keyaccount.plan",
            "crm.keyaccount.assessment",
            "crm.keyaccount.title.history",
        ):
            # sudo: the records count whether or not the user may read them
            records = self.env[model].sudo().with_context(active_test=False)
            found = records.search([("partner_id", "in", self.ids)], limit=1)
            if found:
                raise UserError(
                    self.env._(
                        "%(partner)s has %(records)s: archive the contact instead of deleting it.",
                        partner=found.partner_id.display_name,
                        records=records._description,
                    )
                )

    def unlink(self):
        partner_ids = self.ids
        result = super().unlink()
        # the figures have no foreign key to cascade (see crm_keyaccount_figure.py)
        self.env.cr.execute(
            SQL("DELETE FROM crm_keyaccount_figure WHERE partner_id = ANY(%s)", partner_ids)
        )
        self.env["crm.keyaccount.figure"].invalidate_model()
        return result

    def _keyaccount_check_manager_fields(self, vals):
        """Only key-account managers set the title, the manager and the market
        influence; internal code (the commercial-field sync, the ranking) does
        it under sudo."""
        fields_set = vals.keys() & MANAGER_FIELDS.keys()
        if fields_set and not self.env.su and not self.env.user.has_group(KA_MANAGER):
            raise AccessError(
                self.env._(
                    "Only key-account managers can set %(fields)s.",
                    fields=", ".join(self._fields[name].string for name in sorted(fields_set)),
                )
            )

    def _keyaccount_write(self, vals, reason, note=False):
        """``write()`` with one title history line per account whose title
        changes, of the given ``reason`` (and ``note``).

        The reason is an argument, not a context key, so that a caller over
        RPC cannot skip or forge the line: ``write()`` always gives
        ``manual``, and only internal code calls this method with
        ``automatic``.
        """
        if "keyaccount_title_id" not in vals:
            return super().write(vals)
        new_title = self.env["crm.keyaccount.title"].browse(vals["keyaccount_title_id"])
        automatic = reason == "automatic"
        changed = self.filtered(
            lambda p: p.commercial_partner_id == p and p.keyaccount_title_id != new_title
        )
        old_titles = {partner.id: partner.keyaccount_title_id.id for partner in changed}
        extra = {}
        if "keyaccount_since" not in vals:
            extra["keyaccount_since"] = new_title and fields.Date.context_today(self)
        if not automatic and "keyaccount_title_manual" not in vals:
            extra["keyaccount_title_manual"] = bool(new_title)
        # super() of this class: the write of the models below, as in write()
        result = super().write(vals | extra)
        if changed:
            changed._keyaccount_log_title_change(old_titles, reason, note)
        return result

    def _keyaccount_log_title_change(self, old_titles, reason, note=False):
        """Write one history line per partner whose title just changed."""
        # sudo: the history is written for any user allowed to change the title;
        # its lines are read-only for users.
        self.env["crm.keyaccount.title.history"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": partner._keyaccount_company().id,
                    "old_title_id": old_titles[partner.id],
                    "new_title_id": partner.keyaccount_title_id.id,
                    "user_id": self.env.user.id,
                    "reason": reason,
                    "note": note,
                    "score": partner.sudo().keyaccount_score,
                }
                for partner in self
            ]
        )

    @api.model
    def _keyaccount_recompute(self):
        """Recompute revenue, classes, scores and suggestions for the companies
        of the environment (scheduled nightly)."""
        self.env["crm.keyaccount.ranking"]._keyaccount_recompute()

    @api.model
    def _cron_keyaccount_recompute(self):
        """Nightly: rank every company, again later those being ranked meanwhile."""
        companies = self.env["res.company"].search([])
        self.env["crm.keyaccount.ranking"].with_context(
            allowed_company_ids=companies.ids
        )._keyaccount_recompute(nightly=True)

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
        self._keyaccount_check_manager_fields({"keyaccount_title_id": True})
        self.check_access("write")
        for partner in self:
            partner._keyaccount_write(
                {
                    "keyaccount_title_id": partner.keyaccount_suggested_title_id.id,
                    "keyaccount_title_manual": False,
                },
                "automatic",
            )

    def action_keyaccount_change_title(self):
        """Open the wizard changing the title with a reason kept in the history."""
        self._keyaccount_check_manager_fields({"keyaccount_title_id": True})
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_keyaccount.crm_keyaccount_title_change_action"
        )
        action["context"] = {
            "default_partner_ids": self.commercial_partner_id.ids,
            "default_title_id": self[:1].commercial_partner_id.keyaccount_title_id.id,
        }
        return action

    def action_keyaccount_open_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_keyaccount.crm_keyaccount_plan_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
