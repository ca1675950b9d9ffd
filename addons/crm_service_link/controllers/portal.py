from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class ServiceRequestPortal(CustomerPortal):
    def _service_request_domain(self):
        partner = request.env.user.partner_id
        return [("commercial_partner_id", "=", partner.commercial_partner_id.id)]

    def _service_request_rating_token(self, request_sudo):
        """The customer's token of Odoo's rating pages (/rate/<token>/<score>),
        while a closed request is not rated; the page is the customer's own."""
        if not request_sudo.is_closed or request_sudo.rating_last_value:
            return False
        return request_sudo._rating_get_access_token()

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "service_request_count" in counters:
            requests = request.env["crm.service.request"]
            values["service_request_count"] = (
                requests.search_count(self._service_request_domain())
                if requests.has_access("read")
                else 0
            )
        return values

    @http.route(["/my/service-requests"], type="http", auth="user", website=True)
    def portal_my_service_requests(self, **kw):
        requests = request.env["crm.service.request"].search(self._service_request_domain())
        values = self._prepare_portal_layout_values()
        values.update({"service_requests": requests, "page_name": "service_request"})
        return request.render("crm_service_link.portal_my_service_requests", values)

    @http.route(["/my/service-requests/new"], type="http", auth="user", website=True)
    def portal_new_service_request(self, **post):
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "service_request", "error": {}, "post": post})
        if request.httprequest.method == "POST":
            subject = (post.get("name") or "").strip()
            if not subject:
                values["error"] = {"name": True}
            else:
                partner = request.env.user.partner_id
                # sudo: a portal user has no create right on requests; the customer
                # and contact are forced to the user's own partner here.
                service_request = (
                    request.env["crm.service.request"]
                    .sudo()
                    .create(
                        {
                            "name": subject,
                            "description": post.get("description") or False,
                            "partner_id": partner.commercial_partner_id.id,
                            "contact_id": partner.id,
                            "email_from": partner.email,
                            "channel": "portal",
                            "company_id": partner.company_id.id or request.env.company.id,
                        }
                    )
                )
                return request.redirect(service_request.access_url)
        return request.render("crm_service_link.portal_new_service_request", values)

    @http.route(["/my/service-requests/<int:request_id>"], type="http", auth="public", website=True)
    def portal_my_service_request(self, request_id, access_token=None, **kw):
        try:
            request_sudo = self._document_check_access(
                "crm.service.request", request_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            request_sudo,
            access_token,
            {
                "service_request": request_sudo,
                "page_name": "service_request",
                "rating_token": self._service_request_rating_token(request_sudo),
                "sla_timeline": request_sudo.sla_segment_ids.filtered(
                    lambda segment: segment.target == "resolution"
                )._portal_timeline(),
            },
            "my_service_requests_history",
            False,
            **kw,
        )
        return request.render("crm_service_link.portal_my_service_request", values)
