# pylint: disable=consider-merging-classes-inherited
# (one model over several files: each file stays under ~400 lines)
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.integrity import as_system

RATING_TEMPLATE = "crm_service_link.mail_template_service_request_rating"


class CrmServiceRequest(models.Model):
    _inherit = "crm.service.request"

    is_complaint = fields.Boolean(
        string="Complaint",
        tracking=True,
        copy=False,
        help="The customer complained about this request (set by the service team).",
    )

    # ------------------------------------------------------------
    # Rating configuration (rating.mixin)
    # ------------------------------------------------------------

    def _rating_get_partner(self):
        """The customer rates: the request's contact, else its customer."""
        return self.contact_id or self.partner_id or super()._rating_get_partner()

    def _rating_send_request(self):
        """E-mail the rating request of closed requests to their customer, once
        per request (a request closed again is not asked again).

        Sent by the system from the consultant's template. The e-mail is not
        kept on the request's chatter: its links hold the customer's token,
        which staff must not be able to use to rate in the customer's name.
        """
        template = self.env.ref(RATING_TEMPLATE, raise_if_not_found=False)
        if not template:
            return
        # sudo: the token is created and the mail queued by the system; the
        # mail is detached from the request so that staff cannot read it.
        requests = as_system(self).filtered(
            lambda request: request._rating_get_partner().email and not request.rating_ids
        )
        for request in requests:
            template.sudo().send_mail(
                request.id,
                email_layout_xmlid="mail.mail_notification_light",
                email_values={
                    "model": False,
                    "res_id": False,
                    "author_id": request.company_id.partner_id.id,
                },
            )

    # ------------------------------------------------------------
    # Integrity: a rating is given once, by the customer's token
    # ------------------------------------------------------------

    def rating_apply(
        self,
        rate,
        token=None,
        rating=None,
        feedback=None,
        subtype_xmlid=None,
        notify_delay_send=False,
    ):
        """Only Odoo's rating pages apply a rating (as the system, after
        checking the customer's token), and only once per request."""
        if not self.env.su:
            raise AccessError(self.env._("Only the customer rates the resolution of a request."))
        if token:
            rating = self.env["rating.rating"].search([("access_token", "=", token)], limit=1)
        rated = self.rating_ids.filtered("consumed")
        if rated or (rating and rating.consumed):
            raise UserError(self.env._("This request was already rated."))
        if rating and (rating.res_model != self._name or rating.res_id not in self.ids):
            raise AccessError(self.env._("This rating belongs to another document."))
        return super().rating_apply(
            rate,
            token=None,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )

    def message_post(self, **kwargs):
        if (kwargs.get("rating_value") or kwargs.get("rating_id")) and not self.env.su:
            raise AccessError(self.env._("Only the customer rates the resolution of a request."))
        return super().message_post(**kwargs)

    def _message_update_content(self, message, body, *args, rating_value=None, **kwargs):
        if rating_value is not None and not self.env.su:
            raise AccessError(self.env._("Only the customer rates the resolution of a request."))
        return super()._message_update_content(
            message, body, *args, rating_value=rating_value, **kwargs
        )


class RatingRating(models.Model):
    _inherit = "rating.rating"

    @api.model
    def _service_request_model_id(self):
        return self.env["ir.model"]._get_id("crm.service.request")

    def _check_service_rating_writer(self, vals_list=()):
        """Ratings of service requests are written by the system only."""
        if self.env.su:
            return
        model_id = self._service_request_model_id()
        targeted = any(
            vals.get("res_model_id") == model_id or vals.get("res_model") == "crm.service.request"
            for vals in vals_list
        )
        if targeted or any(rating.res_model == "crm.service.request" for rating in self.sudo()):
            raise AccessError(
                self.env._(
                    "Ratings of service requests are given by the customer only, through "
                    "the rating e-mail."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_service_rating_writer(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_service_rating_writer([vals])
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_service_rating(self):
        self._check_service_rating_writer()
