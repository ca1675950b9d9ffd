from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.integrity import (
    HISTORY_KEYS,
    as_system,
    check_numbers,
    field_labels,
    without_defaults,
)
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
# Written only by the SLA engine (self.env.su); users move them through what
# the engine measures: a reply, a stage, priority or team change.
SLA_ENGINE_FIELDS = {
    "sla_policy_id",
    "response_deadline",
    "resolution_deadline",
    "response_warning_date",
    "resolution_warning_date",
    "first_response_date",
    "resolved_date",
    "response_late",
    "resolution_late",
    "response_sla_status",
    "resolution_sla_status",
    "response_working_hours",
    "resolution_working_hours",
    "paused_hours",
    "sla_clock_start",
    "sla_clock_credit",
    "sla_pause_start",
    "sla_pause_return_stage_id",
    "response_warned",
    "response_escalated",
    "resolution_warned",
    "resolution_escalated",
    "sla_last_event_date",
    "sla_calendar_id",
    "sla_segment_ids",
    "sla_team_clock_ids",
}
# Changes the SLA clock measures (tracked: the repair replays them)
SLA_EVENT_FIELDS = {"stage_id", "priority", "team_id", "partner_id", "company_id"}
SLA_REMATCH_FIELDS = SLA_EVENT_FIELDS - {"stage_id"}
# Set only by Odoo's rating flow (rating.mixin): the customer's token, applied
# by the system in the /rate/<token> pages (see crm_service_request_rating.py).
RATING_FIELDS = {
    "rating_ids",
    "rating_last_value",
    "rating_last_feedback",
    "rating_last_image",
    "rating_last_text",
}
# Set when the request is created; the clock counts from it.
CREATE_ONLY_FIELDS = {"request_date"}


class CrmServiceRequest(models.Model):
    _name = "crm.service.request"
    _inherit = [
        "portal.mixin",
        "rating.mixin",
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
        "res.company",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.company,
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

    @api.constrains("request_date")
    def _check_request_date(self):
        now = fields.Datetime.now()
        for request in self:
            if request.request_date > now:
                raise ValidationError(
                    self.env._(
                        "The request %(request)s cannot be received in the future (%(date)s).",
                        request=request.name,
                        date=request.request_date,
                    )
                )

    def _check_user_fields(self, fnames, refused):
        forged = set(fnames) & refused
        if forged and not self.env.su:
            raise UserError(
                self.env._(
                    "These fields of a service request are set by the service level engine "
                    "or by the customer's rating: %(fields)s",
                    fields=field_labels(self, forged),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [dict(vals) for vals in vals_list]  # completed below, not the caller's
        check_numbers(self, vals_list)
        for vals in vals_list:
            self._check_user_fields(vals, SLA_ENGINE_FIELDS | RATING_FIELDS)
        if "default_stage_id" not in self.env.context:
            default_stage = self._default_stage()
            for vals in vals_list:
                vals.setdefault("stage_id", default_stage.id)
        for vals in vals_list:
            if vals.get("contact_id") and not vals.get("partner_id"):
                contact = self.env["res.partner"].browse(vals["contact_id"])
                vals["partner_id"] = contact.commercial_partner_id.id
        self._sla_prepare_create_vals(vals_list)
        # a caller's defaults never set what the engine or the customer set
        clean = without_defaults(self, SLA_ENGINE_FIELDS | RATING_FIELDS)
        requests = super(CrmServiceRequest, clean).create(vals_list).with_env(self.env)
        # mail skips the tracking of records created in the same transaction; the
        # SLA history needs every change, also those made right after the creation
        pending = self.env.cr.precommit.data.get(f"mail.tracking.{self._name}", {})
        for request_id in requests.ids:
            if request_id in pending and pending[request_id] is None:
                del pending[request_id]
        requests._subscribe_customers()
        requests._sla_schedule_job()
        return requests

    def write(self, vals):
        check_numbers(self, [vals])
        self._check_user_fields(vals, SLA_ENGINE_FIELDS | RATING_FIELDS | CREATE_ONLY_FIELDS)
        if not SLA_EVENT_FIELDS & set(vals):
            return super().write(vals)
        now = fields.Datetime.now()
        # the clock's events are history: a caller's context never skips their tracking
        context = {k: v for k, v in self.env.context.items() if k not in HISTORY_KEYS}
        requests = self.with_env(self.env(context=context))
        # sudo: the engine reads the stored clocks before the user's change.
        engine = as_system(requests)
        states = engine._sla_states()
        before = {request.id: (request.stage_id.id, request._sla_key()) for request in engine}
        closing = self.browse()
        if "stage_id" in vals:
            new_stage = self.env["crm.service.stage"].browse(vals["stage_id"])
            closing = self.filtered(lambda request: new_stage.is_closed and not request.is_closed)
        res = super(CrmServiceRequest, requests).write(vals)
        # one tracking message per change, dated like the engine's event
        self.env.cr.precommit.data["crm_service_link.sla_now"] = now
        try:
            requests._track_finalize()
        finally:
            self.env.cr.precommit.data.pop("crm_service_link.sla_now", None)
        rematch = {request for request in engine if request._sla_key() != before[request.id][1]}
        stages = {request_id: stage for request_id, (stage, _key) in before.items()}
        # sudo: the engine measures the stage, priority or team change the user made.
        engine._sla_on_write(states, stages, rematch, now)
        closing._rating_send_request()
        return res

    def _message_create(self, values_list):
        now = self.env.cr.precommit.data.get("crm_service_link.sla_now")
        if now:
            for values in values_list:
                if values.get("tracking_value_ids"):
                    values["date"] = now
        return super()._message_create(values_list)

    def _subscribe_customers(self):
        """Follow every request by its contact (or customer), in one insert.

        Not message_subscribe(): it subscribes the same partners to every
        record, so per-record customers would cost a call (4 queries) per
        customer in a batch create (see test_performance). The followers are
        still created through the ORM, with the default subtypes."""
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
