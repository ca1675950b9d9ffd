from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# Copied from the opportunity when the handoff is created; never written after.
SNAPSHOT_FIELDS = {
    "lead_id",
    "partner_id",
    "sales_user_id",
    "won_date",
    "snapshot_customer",
    "snapshot_notes",
    "snapshot_expected_revenue",
    "currency_id",
    "attachment_ids",
    "product_line_ids",
}
# Filled by sales before submission; the label is shown when it is missing.
REQUIRED_FIELDS = ("partner_id", "service_team_id", "sla_policy_id", "contact_line_ids")
EDITABLE_STATES = ("draft", "returned")


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
        ondelete="restrict",
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
        compute="_compute_completeness", store=True, aggregator="avg", help="Percent."
    )
    # Workflow
    submitted_date = fields.Datetime(readonly=True, copy=False)
    accepted_date = fields.Datetime(readonly=True, copy=False)
    return_reason = fields.Text(readonly=True, copy=False)
    lead_time_days = fields.Float(
        string="Won to Accepted (days)",
        compute="_compute_lead_time_days",
        store=True,
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

    @api.model_create_multi
    def create(self, vals_list):
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
        handoffs = super().create(vals_list)
        handoffs.filtered("service_team_id")._reset_checklist()
        return handoffs

    def write(self, vals):
        if SNAPSHOT_FIELDS & set(vals) and not self.env.context.get("service_handoff_snapshot"):
            raise UserError(
                self.env._("The snapshot of what sales knew at the handoff cannot be changed.")
            )
        res = super().write(vals)
        if "service_team_id" in vals:
            self._reset_checklist()
        return res

    def _reset_checklist(self):
        for handoff in self:
            items = handoff.service_team_id.checklist_item_ids
            handoff.checklist_line_ids = [fields.Command.clear()] + [
                fields.Command.create(
                    {"item_id": item.id, "name": item.name, "required": item.required}
                )
                for item in items
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

    def action_submit(self):
        for handoff in self:
            if handoff.state not in EDITABLE_STATES:
                raise UserError(self.env._("Only a draft or returned handoff can be submitted."))
            missing = handoff._get_missing()
            if missing:
                raise UserError(
                    self.env._(
                        "The handoff %(handoff)s cannot be submitted; missing: %(missing)s",
                        handoff=handoff.name,
                        missing=", ".join(missing),
                    )
                )
        self.write({"state": "submitted", "submitted_date": fields.Datetime.now()})
        return True

    def _check_service_user(self):
        if not self.env.user.has_group("crm_service_link.crm_service_link_group_user"):
            raise AccessError(self.env._("Only the service team accepts or returns handoffs."))

    def action_accept(self):
        self._check_service_user()
        if any(handoff.state != "submitted" for handoff in self):
            raise UserError(self.env._("Only a submitted handoff can be accepted."))
        now = fields.Datetime.now()
        for handoff in self:
            handoff.write(
                {
                    "state": "accepted",
                    "accepted_date": now,
                    "service_user_id": handoff.service_user_id.id or self.env.user.id,
                }
            )
        self.commitment_ids._schedule_activities()
        return True

    def action_return(self, reason):
        self._check_service_user()
        if any(handoff.state != "submitted" for handoff in self):
            raise UserError(self.env._("Only a submitted handoff can be returned."))
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the handoff is returned."))
        self.write({"state": "returned", "return_reason": reason})
        for handoff in self:
            handoff.message_post(
                body=self.env._("Returned to sales: %(reason)s", reason=reason),
                partner_ids=handoff.sales_user_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
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
