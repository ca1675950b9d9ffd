from odoo import api, fields, models
from odoo.exceptions import UserError

from .crm_service_sla_policy import PRIORITIES

SLA_STATUSES = [
    ("ongoing", "Ongoing"),
    ("paused", "Paused"),
    ("reached", "Reached"),
    ("reached_late", "Reached Late"),
    ("breached", "Breached"),
]
CHANNELS = [
    ("backend", "Back Office"),
    ("email", "E-mail"),
    ("portal", "Portal"),
    ("phone", "Phone"),
]
RATINGS = [("1", "Unhappy"), ("2", "Fair"), ("3", "Good"), ("4", "Very Good"), ("5", "Excellent")]


class CrmServiceRequest(models.Model):
    _name = "crm.service.request"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "crm.service.request.escalation",
    ]
    _description = "Service Request"
    _order = "priority desc, request_date desc, id desc"
    _check_company_auto = True
    _mail_post_access = "read"
    _primary_email = "email_from"

    # Description
    name = fields.Char(string="Subject", required=True, tracking=True)
    description = fields.Html()
    channel = fields.Selection(CHANNELS, default="backend", required=True)
    priority = fields.Selection(PRIORITIES, default="1", required=True, tracking=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    # Customer
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index=True, tracking=True, check_company=True
    )
    commercial_partner_id = fields.Many2one(
        "res.partner",
        related="partner_id.commercial_partner_id",
        store=True,
        index=True,
        string="Customer Company",
    )
    contact_id = fields.Many2one("res.partner", check_company=True)
    email_from = fields.Char(string="E-mail")
    handoff_id = fields.Many2one("crm.service.handoff", index="btree_not_null", check_company=True)
    # Assignment
    team_id = fields.Many2one("crm.service.team", index=True, tracking=True, check_company=True)
    user_id = fields.Many2one(
        "res.users",
        string="Assigned to",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
        check_company=True,
    )
    stage_id = fields.Many2one(
        "crm.service.stage",
        index=True,
        tracking=True,
        group_expand="_read_group_expand_stages",
        default=lambda self: self._default_stage(),
        ondelete="restrict",
    )
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True, index=True)
    # Customer rating
    customer_rating = fields.Selection(RATINGS, readonly=True, tracking=True)
    customer_rating_comment = fields.Text(readonly=True)

    def _default_stage(self):
        return self.env["crm.service.stage"].search([("is_closed", "=", False)], limit=1)

    @api.model
    def _read_group_expand_stages(self, stages, domain):
        return stages.search([])

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for request in self:
            request.access_url = f"/my/service-requests/{request.id}"
        return res

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and not self.email_from:
            self.email_from = self.partner_id.email
        if self.partner_id and self.contact_id.commercial_partner_id != (
            self.partner_id.commercial_partner_id
        ):
            self.contact_id = False

    @api.model_create_multi
    def create(self, vals_list):
        if "default_stage_id" not in self.env.context:
            default_stage = self._default_stage()
            for vals in vals_list:
                vals.setdefault("stage_id", default_stage.id)
        for vals in vals_list:
            if vals.get("contact_id") and not vals.get("partner_id"):
                contact = self.env["res.partner"].browse(vals["contact_id"])
                vals["partner_id"] = contact.commercial_partner_id.id
        self._sla_prepare_create_vals(vals_list)
        requests = super().create(vals_list)
        requests._subscribe_customers()
        requests._sla_schedule_job()
        return requests

    def write(self, vals):
        rematch = {"priority", "team_id", "partner_id", "company_id"} & set(vals)
        before = {
            request.id: request.sla_policy_id._get_calendar(request.team_id)
            for request in (self if rematch else self.browse())
            if request.sla_policy_id
        }
        if "stage_id" in vals:
            self._sla_stage_change(self.env["crm.service.stage"].browse(vals["stage_id"]))
        res = super().write(vals)
        if rematch:
            self._sla_rematch(before)
        return res

    def _subscribe_customers(self):
        """Follow every request by its contact (or customer), in one insert."""
        subtype_ids = self.env["mail.message.subtype"]._default_subtypes(self._name)[0]
        # sudo: followers of records the user just created, nothing else.
        Followers = self.env["mail.followers"].sudo()
        existing = {
            (follower.res_id, follower.partner_id.id)
            for follower in Followers.search(
                [("res_model", "=", self._name), ("res_id", "in", self.ids)]
            )
        }
        vals_list = []
        for request in self:
            partner = request.contact_id or request.partner_id
            if partner and (request.id, partner.id) not in existing:
                vals_list.append(
                    {
                        "res_model": self._name,
                        "res_id": request.id,
                        "partner_id": partner.id,
                        "subtype_ids": [fields.Command.set(subtype_ids)],
                    }
                )
        Followers.create(vals_list)

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        customer = self.contact_id or self.partner_id
        if customer and customer.email and customer not in self.message_partner_ids:
            self._message_add_suggested_recipient(
                recipients, partner=customer, reason=self.env._("Customer")
            )
        return recipients

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        values = dict(custom_values or {})

        author = self.env["res.partner"].browse(msg_dict.get("author_id") or [])
        if not author and msg_dict.get("email_from"):
            author = self._mail_find_partner_from_emails([msg_dict["email_from"]])[0]
        values.setdefault("name", msg_dict.get("subject") or self.env._("No Subject"))
        values.setdefault("email_from", msg_dict.get("email_from") or msg_dict.get("from"))
        values.setdefault("description", msg_dict.get("body"))
        values["channel"] = "email"
        if author:
            values.setdefault("contact_id", author.id)
            values.setdefault("partner_id", author.commercial_partner_id.id)
        return super(CrmServiceRequest, self.with_context(default_user_id=False)).message_new(
            msg_dict, custom_values=values
        )

    def _message_post_after_hook(self, message, msg_values):
        res = super()._message_post_after_hook(message, msg_values)
        self._sla_on_message(message)
        return res

    def action_rate(self, rating, comment=False):
        """Rate the resolution (from the portal); only closed requests."""
        self.ensure_one()
        if not self.is_closed:
            raise UserError(self.env._("Only a closed request can be rated."))
        if rating not in dict(RATINGS):
            raise UserError(self.env._("Choose a rating from 1 to 5."))
        self.write({"customer_rating": rating, "customer_rating_comment": comment})
