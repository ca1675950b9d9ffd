import secrets
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import consteq

from ..tools import keyaccount as ka

TOKEN_VALIDITY_DAYS = 14

# Set by the system only (the link, the state machine and the result).
SYSTEM_FIELDS = {
    "access_token",
    "token_expiry",
    "state",
    "date_done",
    "health_score",
    "previous_score",
    "trend",
}
# Frozen once the assessment is done.
DONE_FIELDS = {
    "partner_id",
    "contact_id",
    "mode",
    "answer_ids",
    "date_done",
    "health_score",
    "previous_score",
    "trend",
    "state",
}

# Trend of a health score against the previous assessment (see ``ka.trend``).
HEALTH_TRENDS = [
    ("new", "First"),
    ("up", "Improving"),
    ("stable", "Stable"),
    ("down", "Worsening"),
]


class CrmKeyaccountAssessment(models.Model):
    _name = "crm.keyaccount.assessment"
    _description = "Key-Account Relationship Assessment"
    _inherit = ["crm.keyaccount.account.mixin", "mail.thread"]
    _order = "date_done desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one("res.users", string="Responsible", default=lambda self: self.env.user)
    mode = fields.Selection(
        [("internal", "Internal"), ("client", "By the Client")],
        required=True,
        default="internal",
        tracking=True,
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Client Contact",
        domain="[('commercial_partner_id', '=', partner_id)]",
        help="The person of the client who answers through the portal link.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent to Client"), ("done", "Done")],
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
    )
    date_done = fields.Datetime(string="Answered On", readonly=True)
    answer_ids = fields.One2many("crm.keyaccount.answer", "assessment_id", string="Answers")
    health_score = fields.Float(readonly=True, aggregator="avg")
    previous_score = fields.Float(readonly=True)
    trend = fields.Selection(
        HEALTH_TRENDS,
        readonly=True,
    )
    access_token = fields.Char(copy=False, groups="base.group_system")
    token_expiry = fields.Datetime(string="Link Valid Until", copy=False, readonly=True)

    @api.depends("partner_id", "date_done")
    def _compute_name(self):
        for assessment in self:
            assessment.name = self.env._(
                "%(account)s assessment", account=assessment.partner_id.display_name or ""
            )

    @api.constrains("partner_id", "contact_id")
    def _check_contact_id(self):
        for assessment in self:
            contact = assessment.contact_id
            if (
                contact
                and contact.commercial_partner_id != assessment.partner_id.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "The client contact %(contact)s does not belong to %(account)s.",
                        contact=contact.display_name,
                        account=assessment.partner_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # the link, the state and the result come from the system only
            vals_list = [
                {name: value for name, value in vals.items() if name not in SYSTEM_FIELDS}
                for vals in vals_list
            ]
        assessments = super().create(vals_list)
        for assessment in assessments.filtered(lambda a: not a.answer_ids):
            questions = self.env["crm.keyaccount.question"].search(
                [("company_id", "in", (False, assessment.company_id.id))]
            )
            assessment.answer_ids = [
                fields.Command.create({"question_id": question.id}) for question in questions
            ]
        return assessments

    def write(self, vals):
        if not self.env.su and vals.keys() & SYSTEM_FIELDS:
            raise AccessError(
                self.env._(
                    "The link, the state and the result of an assessment are set by the "
                    "system only: use its buttons."
                )
            )
        if vals.keys() & DONE_FIELDS:
            self._check_not_done()
        relinked = self.filtered(
            lambda a: (
                a.state == "sent" and "contact_id" in vals and a.contact_id.id != vals["contact_id"]
            )
        )
        result = super().write(vals)
        if relinked:
            # sudo: a link sent to another person no longer opens the questionnaire
            relinked.sudo().write({"access_token": False, "token_expiry": False, "state": "draft"})
        return result

    def action_send_to_client(self):
        """E-mail the client contact a single-use link to the portal questionnaire."""
        self.check_access("write")
        template = self.env.ref("crm_keyaccount.mail_template_keyaccount_assessment")
        for assessment in self:
            if assessment.state == "done":
                raise UserError(self.env._("This assessment is already answered."))
            if not assessment.contact_id.email:
                raise UserError(self.env._("Choose a client contact with an e-mail address first."))
            assessment.mode = "client"
            token = secrets.token_urlsafe(32)
            # sudo: the system sets the link and the state; the token is in a
            # field only administrators read.
            assessment.sudo().write(
                {
                    "access_token": token,
                    "state": "sent",
                    "token_expiry": fields.Datetime.now() + timedelta(days=TOKEN_VALIDITY_DAYS),
                }
            )
            mail_id = template.send_mail(
                assessment.id, email_layout_xmlid="mail.mail_notification_light"
            )
            # Only the contact receives the link: the e-mail (readable by
            # administrators only) is deleted once sent, and the copy of its
            # body kept as a message, which staff may read, has no token.
            # sudo: the message of an outgoing e-mail is written by the system.
            message = self.env["mail.mail"].sudo().browse(mail_id).mail_message_id
            message.body = Markup(str(message.body or "").replace(token, "..."))
            # written at once: no statement of the transaction sees the token stored
            message.flush_recordset(["body"])
            assessment.message_post(
                body=self.env._(
                    "Questionnaire sent to %(contact)s.", contact=assessment.contact_id.name
                )
            )

    def action_done(self):
        """Close an internal assessment once every question is answered."""
        self.check_access("write")
        for assessment in self:
            if assessment.state == "done":
                raise UserError(self.env._("This assessment is already done."))
            assessment._complete()

    def _complete(self):
        self.ensure_one()
        if not self.answer_ids or any(not answer.value for answer in self.answer_ids):
            raise ValidationError(self.env._("Answer every question before closing."))
        score = ka.health_score((a.value, a.question_id.inverted) for a in self.answer_ids)
        previous = self.search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("state", "=", "done"),
                ("id", "!=", self.id),
            ],
            order="date_done desc, id desc",
            limit=1,
        )
        # sudo: the system closes the assessment with its result, and clears
        # the single-use token as soon as it served.
        self.sudo().write(
            {
                "state": "done",
                "date_done": fields.Datetime.now(),
                "health_score": score,
                "previous_score": previous.health_score,
                "trend": ka.trend(score, previous.health_score if previous else None),
                "token_expiry": False,
                "access_token": False,
            }
        )

    def _check_not_done(self):
        """The answers of a done assessment are its record: they stay as they are."""
        if any(assessment.state == "done" for assessment in self):
            raise UserError(self.env._("A done assessment cannot be changed."))

    def _portal_url(self):
        self.ensure_one()
        return f"/keyaccount/assessment/{self.id}/{self.sudo().access_token}"

    def _check_token(self, token):
        """True when ``token`` opens this assessment now: right, unexpired, unused."""
        self.ensure_one()
        stored = self.sudo().access_token
        return bool(
            token
            and stored
            and self.state == "sent"
            and self.token_expiry
            and self.token_expiry > fields.Datetime.now()
            and consteq(stored, token)
        )

    def _answer_from_portal(self, token, values):
        """Record the client's answers given through the portal link, once.

        :param values: ``{question id: answer value}``
        """
        self.ensure_one()
        if not self._check_token(token):
            raise UserError(self.env._("This link is invalid, expired or already used."))
        for answer in self.answer_ids:
            value = values.get(answer.question_id.id)
            if not isinstance(value, int) or not ka.ANSWER_MIN <= value <= ka.ANSWER_MAX:
                raise ValidationError(
                    self.env._(
                        "Answer '%(question)s' with a value between %(min)s and %(max)s.",
                        question=answer.question_id.client_question or answer.question_id.name,
                        min=ka.ANSWER_MIN,
                        max=ka.ANSWER_MAX,
                    )
                )
        for answer in self.answer_ids:
            answer.value = values[answer.question_id.id]
        self._complete()
        self.message_post(
            body=self.env._("Answered by %(contact)s on the portal.", contact=self.contact_id.name)
        )

    def _evidence_text(self, evidence):
        """Short text of what Odoo knows about the account for one question."""
        partner = self.partner_id.commercial_partner_id
        if not evidence or not partner:
            return False
        today = fields.Date.context_today(self)
        # sudo: only counts are shown, to users who can see the assessment.
        if evidence == "overdue_invoices":
            count = (
                self.env["account.move"]
                .sudo()
                .search_count(
                    [
                        ("commercial_partner_id", "=", partner.id),
                        ("company_id", "=", self.company_id.id),
                        ("move_type", "=", "out_invoice"),
                        ("state", "=", "posted"),
                        ("payment_state", "in", ("not_paid", "partial")),
                        ("invoice_date_due", "<", today),
                    ]
                )
            )
            return self.env._("%(count)s overdue invoice(s)", count=count)
        if evidence == "lost_deals":
            count = (
                self.env["crm.lead"]
                .sudo()
                .with_context(active_test=False)
                .search_count(
                    [
                        ("partner_id", "child_of", partner.id),
                        ("active", "=", False),
                        ("probability", "=", 0),
                    ]
                )
            )
            return self.env._("%(count)s lost deal(s)", count=count)
        if evidence == "complaints":
            company = self.company_id
            # sudo: the window of the company, to count as the ranking does
            months = company.sudo().keyaccount_window_months
            figures = self.env["crm.keyaccount.ranking"]._keyaccount_service_figures(
                company, ka.window_start(today, months), today, [partner.id]
            )
            if figures is None:
                return False  # no service addon: nothing known
            count = figures.get(partner.id, (0, 0, 0))[2]
            return self.env._("%(count)s complaint(s)", count=count)
        count = (
            self.env["mail.activity"]
            .sudo()
            .search_count(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", partner.id),
                    ("date_deadline", "<", today),
                ]
            )
        )
        return self.env._("%(count)s overdue activity(ies)", count=count)
