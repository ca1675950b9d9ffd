from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import keyaccount as ka


class CrmKeyaccountAnswer(models.Model):
    _name = "crm.keyaccount.answer"
    _description = "Key-Account Assessment Answer"
    _order = "assessment_id, sequence, id"

    assessment_id = fields.Many2one(
        "crm.keyaccount.assessment", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="assessment_id.company_id", store=True, index=True)
    question_id = fields.Many2one("crm.keyaccount.question", required=True, ondelete="restrict")
    sequence = fields.Integer(related="question_id.sequence", store=True)
    inverted = fields.Boolean(related="question_id.inverted")
    value = fields.Integer(
        string="Answer", help="From 1 (not at all) to 5 (very much); 0 while unanswered."
    )
    comment = fields.Char()
    evidence = fields.Char(compute="_compute_evidence")

    @api.depends("question_id.evidence", "assessment_id.partner_id")
    def _compute_evidence(self):
        for answer in self:
            answer.evidence = answer.assessment_id._evidence_text(answer.question_id.evidence)

    @api.constrains("value")
    def _check_value(self):
        for answer in self:
            if answer.value and not ka.ANSWER_MIN <= answer.value <= ka.ANSWER_MAX:
                raise ValidationError(
                    self.env._(
                        "The answer to '%(question)s' must lie between %(min)s and %(max)s.",
                        question=answer.question_id.name,
                        min=ka.ANSWER_MIN,
                        max=ka.ANSWER_MAX,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        assessment_ids = {vals.get("assessment_id") for vals in vals_list}
        self.env["crm.keyaccount.assessment"].browse(assessment_ids - {None})._check_not_done()
        return super().create(vals_list)

    def write(self, vals):
        self.assessment_id._check_not_done()
        if vals.get("assessment_id"):
            self.env["crm.keyaccount.assessment"].browse(vals["assessment_id"])._check_not_done()
        return super().write(vals)
