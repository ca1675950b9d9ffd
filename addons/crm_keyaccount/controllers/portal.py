from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..tools import keyaccount as ka


class KeyaccountAssessmentPortal(http.Controller):
    def _assessment(self, assessment_id, token):
        """The assessment the link opens, or None for a wrong, expired or used link."""
        # sudo: the visitor is identified by the single-use token only; it is
        # checked (in constant time) before anything of the record is shown.
        assessment = request.env["crm.keyaccount.assessment"].sudo().browse(assessment_id).exists()
        if not assessment or not assessment._check_token(token):
            return None
        return assessment

    @http.route(
        "/keyaccount/assessment/<int:assessment_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def assessment_form(self, assessment_id, token, **kwargs):
        assessment = self._assessment(assessment_id, token)
        if assessment is None:
            return request.render("crm_keyaccount.portal_assessment_invalid", status=403)
        return request.render(
            "crm_keyaccount.portal_assessment_form",
            {
                "assessment": assessment,
                "token": token,
                "scale": range(ka.ANSWER_MIN, ka.ANSWER_MAX + 1),
                "error": kwargs.get("error"),
            },
        )

    @http.route(
        "/keyaccount/assessment/<int:assessment_id>/<string:token>",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def assessment_submit(self, assessment_id, token, **post):
        assessment = self._assessment(assessment_id, token)
        if assessment is None:
            return request.render("crm_keyaccount.portal_assessment_invalid", status=403)
        values = {}
        for answer in assessment.answer_ids:
            raw = post.get(f"question_{answer.question_id.id}", "")
            values[answer.question_id.id] = int(raw) if raw.isdigit() else None
        try:
            assessment._answer_from_portal(token, values)
        except (UserError, ValidationError) as error:
            return request.render(
                "crm_keyaccount.portal_assessment_form",
                {
                    "assessment": assessment,
                    "token": token,
                    "scale": range(ka.ANSWER_MIN, ka.ANSWER_MAX + 1),
                    "error": str(error),
                },
                status=400,
            )
        return request.render("crm_keyaccount.portal_assessment_thanks", {"assessment": assessment})
