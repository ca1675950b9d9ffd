from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmKeyaccountPlan(models.Model):
    _name = "crm.keyaccount.plan"
    _description = "Key-Account Plan"
    _inherit = ["crm.keyaccount.account.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_review, id desc"

    name = fields.Char(required=True, tracking=True)
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True
    )
    active = fields.Boolean(default=True)
    date_start = fields.Date(string="Start", default=fields.Date.context_today)
    date_end = fields.Date(string="End")
    date_review = fields.Date(
        string="Next Review", tracking=True, help="A reminder is scheduled for this date."
    )
    strategy = fields.Html()
    objective_ids = fields.One2many("crm.keyaccount.plan.objective", "plan_id", string="Objectives")
    need_ids = fields.One2many("crm.keyaccount.need", "plan_id", string="Needs Log")
    progress = fields.Float(compute="_compute_progress", string="Progress (%)")

    @api.depends("objective_ids.progress")
    def _compute_progress(self):
        for plan in self:
            objectives = plan.objective_ids
            plan.progress = (
                sum(objectives.mapped("progress")) / len(objectives) if objectives else 0.0
            )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for plan in self:
            if plan.date_start and plan.date_end and plan.date_end < plan.date_start:
                raise ValidationError(
                    self.env._("The account plan %(plan)s ends before it starts.", plan=plan.name)
                )

    @api.model_create_multi
    def create(self, vals_list):
        plans = super().create(vals_list)
        plans.filtered("date_review")._schedule_review_activity()
        return plans

    def write(self, vals):
        result = super().write(vals)
        if "date_review" in vals or "user_id" in vals:
            self._schedule_review_activity()
        return result

    def action_mark_reviewed(self):
        """Close the review: log it and plan the next one from the title's interval."""
        today = fields.Date.context_today(self)
        for plan in self:
            months = plan.partner_id.keyaccount_title_id.review_interval_months or 6
            plan.message_post(body=self.env._("Account plan reviewed."))
            plan.date_review = today + relativedelta(months=months)

    def _schedule_review_activity(self):
        """Keep exactly one open review activity per plan, due on the review date."""
        activity_type = self.env.ref("crm_keyaccount.mail_activity_type_keyaccount_review")
        self.activity_unlink(["crm_keyaccount.mail_activity_type_keyaccount_review"])
        for plan in self.filtered("date_review"):
            plan.activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=plan.date_review,
                user_id=(plan.user_id or self.env.user).id,
                summary=self.env._("Review the account plan %(plan)s", plan=plan.name),
            )
