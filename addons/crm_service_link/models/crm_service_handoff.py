from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.integrity import as_system, field_labels

# Origin and snapshot: what sales knew at the win, taken from the opportunity
# by the system (at creation, or by action_refresh_snapshot on a draft).
SNAPSHOT_FIELDS = {
    "name",
    "lead_id",
    "sale_order_id",
    "company_id",
    "partner_id",
    "sales_user_id",
    "won_date",
    "snapshot_customer",
    "snapshot_notes",
    "snapshot_expected_revenue",
    "currency_id",
    "attachment_ids",
    "product_line_ids",
    "contact_line_ids",
}
# Moved only by action_submit, action_accept and action_return, or computed.
WORKFLOW_FIELDS = {
    "state",
    "submitted_date",
    "accepted_date",
    "return_reason",
    "returned_date",
    "lead_time_days",
    "completeness",
}
# What sales add for service: editable by sales while draft or returned.
SALES_FIELDS = {
    "commitment_ids",
    "sla_policy_id",
    "checklist_line_ids",
    "handoff_notes",
    "competitors",
}
# Who serves the customer: service at any time; sales pick the team while preparing.
SERVICE_FIELDS = {"service_team_id", "service_user_id"}
SALES_PICKS = {"service_team_id"}
# Filled by sales before submission; the label is shown when it is missing.
REQUIRED_FIELDS = ("partner_id", "service_team_id", "sla_policy_id", "contact_line_ids")
EDITABLE_STATES = ("draft", "returned")
SALES_GROUP = "sales_team.group_sale_salesman"
SERVICE_GROUP = "crm_service_link.crm_service_link_group_user"


class CrmServiceHandoff(models.Model):
    _name = "crm.service.handoff"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Sales to Service Handoff"
    _order = "id desc"
    _check_company_auto = True

    # Origin
    name = fields.Char(required=True, readonly=True)
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        required=True,
        readonly=True,
        index=True,
        # the database deletes the handoff with its opportunity (also when the
        # addon is uninstalled); users are refused by crm.lead's ondelete hook
        ondelete="cascade",
        check_company=True,
    )
    sale_order_id = fields.Many2one("sale.order", readonly=True, index="btree_not_null")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("accepted", "Accepted"),
            ("returned", "Returned"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    # People
    sales_user_id = fields.Many2one(
        "res.users", string="Sales Owner", readonly=True, index=True, tracking=True
    )
    service_team_id = fields.Many2one(
        "crm.service.team", index=True, tracking=True, check_company=True
    )
    service_user_id = fields.Many2one(
        "res.users",
        string="Service Owner",
        tracking=True,
        domain="[('share', '=', False)]",
        check_company=True,
    )
    # Snapshot (immutable)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, index=True, check_company=True
    )
    won_date = fields.Datetime(readonly=True)
    snapshot_customer = fields.Text(string="Customer Details", readonly=True)
    snapshot_notes = fields.Html(string="Opportunity Notes", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    snapshot_expected_revenue = fields.Monetary(
        string="Expected Revenue",
        readonly=True,
        groups="sales_team.group_sale_salesman,crm_service_link.crm_service_link_group_manager",
    )
    attachment_ids = fields.Many2many("ir.attachment", string="Attachments", readonly=True)
    product_line_ids = fields.One2many(
        "crm.service.handoff.product", "handoff_id", string="Products", readonly=True
    )
    # Filled by sales
    contact_line_ids = fields.One2many(
        "crm.service.handoff.contact", "handoff_id", string="Contacts and Roles"
    )
    commitment_ids = fields.One2many(
        "crm.service.handoff.commitment", "handoff_id", string="Commitments"
    )
    sla_policy_id = fields.Many2one(
        "crm.service.sla.policy", string="Agreed Service Level", check_company=True
    )
    competitors = fields.Text()
    handoff_notes = fields.Html(string="Notes for Service")
    checklist_line_ids = fields.One2many(
        "crm.service.handoff.checklist.line", "handoff_id", string="Checklist"
    )
    completeness = fields.Float(
        compute="_compute_completeness",
        store=True,
        precompute=True,
        aggregator="avg",
        help="Percent.",
    )
    # Workflow
    submitted_date = fields.Datetime(readonly=True, copy=False)
    accepted_date = fields.Datetime(readonly=True, copy=False)
    return_reason = fields.Text(readonly=True, copy=False)
    returned_date = fields.Datetime(readonly=True, copy=False)
    lead_time_days = fields.Float(
        string="Won to Accepted (days)",
        compute="_compute_lead_time_days",
        store=True,
        precompute=True,
        aggregator="avg",
    )
    request_ids = fields.One2many("crm.service.request", "handoff_id", string="Requests")

    _sql_constraints = [
        ("lead_uniq", "unique(lead_id)", "An opportunity has only one handoff."),
    ]

    @api.depends("checklist_line_ids.done", "checklist_line_ids.required")
    def _compute_completeness(self):
        for handoff in self:
            required = handoff.checklist_line_ids.filtered("required")
            done = required.filtered("done")
            handoff.completeness = 100.0 * len(done) / len(required) if required else 100.0

    @api.depends("won_date", "accepted_date")
    def _compute_lead_time_days(self):
        for handoff in self:
            if handoff.won_date and handoff.accepted_date:
                delta = handoff.accepted_date - handoff.won_date
                handoff.lead_time_days = round(delta.total_seconds() / 86400.0, 2)
            else:
                handoff.lead_time_days = 0.0

    @api.constrains("won_date", "submitted_date", "accepted_date")
    def _check_dates(self):
        for handoff in self:
            dates = [handoff.won_date, handoff.submitted_date, handoff.accepted_date]
            known = [date for date in dates if date]
            if known != sorted(known):
                raise ValidationError(
                    self.env._(
                        "The dates of the handoff %(handoff)s are in the wrong order: it is "
                        "won, then submitted, then accepted.",
                        handoff=handoff.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        # Only the system creates handoffs (no create right for users): the
        # snapshot is taken from the opportunity, never sent by a caller.
        lead_ids = [vals.get("lead_id") for vals in vals_list if vals.get("lead_id")]
        # sudo: existence check across every user, so a second handoff is refused
        # even when the first one is not visible to the current user.
        taken = self.sudo().with_context(active_test=False).search([("lead_id", "in", lead_ids)])
        if taken or len(set(lead_ids)) != len(lead_ids):
            raise ValidationError(
                self.env._(
                    "The opportunity %(lead)s already has a handoff.",
                    lead=taken.lead_id[:1].display_name or "",
                )
            )
        # sudo: the checklist comes from the team's items, not from the caller;
        # it is created with the handoff (no second write).
        teams = (
            self.env["crm.service.team"]
            .sudo()
            .browse({vals["service_team_id"] for vals in vals_list if vals.get("service_team_id")})
        )
        items = {team.id: team.checklist_item_ids for team in teams}
        for vals in vals_list:
            vals["checklist_line_ids"] = self._checklist_commands(
                items.get(vals.get("service_team_id"))
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_user_write(set(vals))
        res = super().write(vals)
        if "service_team_id" in vals:
            # sudo: the checklist of a handoff never submitted follows its team;
            # once submitted, it stays what sales ticked.
            as_system(self.filtered(lambda handoff: handoff.state == "draft"))._reset_checklist()
        return res

    def _check_user_write(self, fnames):
        """What a user may change: see SNAPSHOT/WORKFLOW/SALES/SERVICE_FIELDS."""
        frozen = fnames & (SNAPSHOT_FIELDS | WORKFLOW_FIELDS)
        if frozen:
            raise UserError(
                self.env._(
                    "The snapshot of what sales knew at the handoff and its workflow "
                    "cannot be changed: %(fields)s",
                    fields=field_labels(self, frozen),
                )
            )
        user = self.env.user
        is_sales = user.has_group(SALES_GROUP)
        is_service = user.has_group(SERVICE_GROUP)
        refused = set() if is_sales else fnames & SALES_FIELDS
        if not is_service:
            refused |= fnames & (SERVICE_FIELDS - (SALES_PICKS if is_sales else set()))
        if refused:
            raise AccessError(
                self.env._(
                    "You cannot change these fields of a handoff: %(fields)s",
                    fields=field_labels(self, refused),
                )
            )
        preparing = fnames & (SALES_FIELDS | (set() if is_service else SALES_PICKS))
        closed = self.filtered(lambda handoff: handoff.state not in EDITABLE_STATES)
        if preparing and closed:
            raise UserError(
                self.env._(
                    "The handoff %(handoff)s was submitted: what sales prepared for "
                    "service is closed (%(fields)s).",
                    handoff=closed[0].name,
                    fields=field_labels(self, preparing),
                )
            )

    @api.model
    def _checklist_commands(self, items):
        """Commands creating a checklist line per item of a team."""
        # name and requirement as the line's create sets them, so that the
        # precomputed completeness of a new handoff counts them
        return [
            fields.Command.create(
                {"item_id": item.id, "name": item.name, "required": item.required, "done": False}
            )
            for item in items or ()
        ]

    def _reset_checklist(self):
        for handoff in self:
            handoff.checklist_line_ids = [
                fields.Command.clear(),
                *self._checklist_commands(handoff.service_team_id.checklist_item_ids),
            ]

    def _get_missing(self):
        """Labels of what is missing before submission."""
        self.ensure_one()
        missing = [
            self._fields[fname].get_description(self.env)["string"]
            for fname in REQUIRED_FIELDS
            if not self[fname]
        ]
        missing += self.checklist_line_ids.filtered(
            lambda line: line.required and not line.done
        ).mapped("name")
        return missing

    def _check_caller(self, group, message):
        """The caller is in ``group`` and may write these handoffs."""
        if not self.env.su and not self.env.user.has_group(group):
            raise AccessError(message)
        self.check_access("write")

    def action_submit(self):
        self._check_caller(SALES_GROUP, self.env._("Only sales submit a handoff."))
        for handoff in self:
            if handoff.state not in EDITABLE_STATES:
                raise UserError(self.env._("Only a draft or returned handoff can be submitted."))
            missing = handoff._get_missing()
            if missing and not (handoff.partner_id and handoff.contact_line_ids):
                raise UserError(
                    self.env._(
                        "The handoff %(handoff)s cannot be submitted; missing: %(missing)s. "
                        "Set the customer on the opportunity, then use Refresh from the "
                        "opportunity.",
                        handoff=handoff.name,
                        missing=", ".join(missing),
                    )
                )
            if missing:
                raise UserError(
                    self.env._(
                        "The handoff %(handoff)s cannot be submitted; missing: %(missing)s.",
                        handoff=handoff.name,
                        missing=", ".join(missing),
                    )
                )
        # sudo: the state moves here only, after the checks above.
        as_system(self).write({"state": "submitted", "submitted_date": fields.Datetime.now()})
        return True

    def _check_service_user(self):
        self._check_caller(
            SERVICE_GROUP, self.env._("Only the service team accepts or returns handoffs.")
        )

    def action_accept(self):
        self._check_service_user()
        if any(handoff.state != "submitted" for handoff in self):
            raise UserError(self.env._("Only a submitted handoff can be accepted."))
        now = fields.Datetime.now()
        # sudo: the state moves here only, after the checks above.
        system = as_system(self)
        for handoff in system:
            handoff.write(
                {
                    "state": "accepted",
                    "accepted_date": now,
                    "service_user_id": handoff.service_user_id.id or self.env.user.id,
                }
            )
        system.commitment_ids._schedule_activities()
        return True

    def action_return(self, reason):
        self._check_service_user()
        if any(handoff.state != "submitted" for handoff in self):
            raise UserError(self.env._("Only a submitted handoff can be returned."))
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the handoff is returned."))
        # sudo: the state moves here only, after the checks above.
        as_system(self).write(
            {"state": "returned", "return_reason": reason, "returned_date": fields.Datetime.now()}
        )
        for handoff in self:
            handoff.message_post(
                body=self.env._("Returned to sales: %(reason)s", reason=reason),
                partner_ids=handoff.sales_user_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_refresh_snapshot(self):
        """Take the snapshot again from the opportunity (draft handoffs only).

        For a deal won before its customer was set: the snapshot is still
        only what the opportunity holds, taken by the system."""
        self._check_caller(
            SALES_GROUP, self.env._("Only sales refresh a handoff from its opportunity.")
        )
        if any(handoff.state != "draft" for handoff in self):
            raise UserError(self.env._("Only a draft handoff is refreshed from its opportunity."))
        # sudo: the snapshot is written by the system from the opportunity.
        as_system(self)._take_snapshot()
        return True

    def action_open_return_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return to Sales"),
            "res_model": "crm.service.handoff.return",
            "view_mode": "form",
            "target": "new",
            "context": {"default_handoff_id": self.id},
        }

    def action_open_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_service_link.crm_service_request_action"
        )
        action["domain"] = [("handoff_id", "=", self.id)]
        action["context"] = {
            "default_handoff_id": self.id,
            "default_partner_id": self.partner_id.id,
            "default_team_id": self.service_team_id.id,
        }
        return action
