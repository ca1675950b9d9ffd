from odoo import api, fields, models


class CrmServiceHandoff(models.Model):
    _inherit = "crm.service.handoff"

    @api.model
    def _create_from_leads(self, leads, orders=None):
        """Create the missing handoffs of won opportunities, snapshot included.

        A lead that already has a handoff is skipped: winning it again, or
        confirming another order, never makes a second one.
        """
        orders = orders or self.env["sale.order"]
        # sudo: the handoff is created by the system for the sales owner of the
        # won deal, whoever marked it won; existing handoffs are checked for all.
        handoffs = self.sudo().with_context(active_test=False)
        taken = handoffs.search([("lead_id", "in", leads.ids)]).lead_id
        vals_list = [
            self._prepare_snapshot(
                lead, orders.filtered(lambda o, won=lead: o.opportunity_id == won)
            )
            for lead in (leads - taken)
        ]
        return handoffs.with_context(service_handoff_snapshot=True).create(vals_list)

    @api.model
    def _prepare_snapshot(self, lead, orders):
        orders = orders or lead.order_ids.filtered(lambda o: o.state == "sale") or lead.order_ids
        order = orders[:1]
        partner = lead.partner_id.commercial_partner_id
        company = lead.company_id or self.env.company
        team = self.env["crm.service.team"].search([("company_id", "=", company.id)], limit=1)
        contacts = lead.partner_id | partner.child_ids.filtered(lambda p: p.type == "contact")
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
        )
        lines = order.order_line.filtered(lambda line: not line.display_type)
        return {
            "name": lead.name,
            "lead_id": lead.id,
            "sale_order_id": order.id,
            "company_id": company.id,
            "partner_id": partner.id,
            "sales_user_id": lead.user_id.id,
            "service_team_id": team.id,
            "won_date": lead.date_closed or fields.Datetime.now(),
            "snapshot_customer": "\n".join(
                filter(
                    None,
                    [
                        partner.display_name,
                        partner._display_address() if partner else False,
                        partner.email,
                        partner.phone,
                    ],
                )
            ),
            "snapshot_notes": lead.description,
            "currency_id": lead.company_currency.id or company.currency_id.id,
            "snapshot_expected_revenue": order.amount_untaxed or lead.expected_revenue,
            "attachment_ids": [fields.Command.set(attachments.ids)],
            "contact_line_ids": [
                fields.Command.create(
                    {
                        "partner_id": contact.id,
                        "role": contact.function
                        or (self.env._("Main contact") if contact == lead.partner_id else False),
                    }
                )
                for contact in contacts
                if contact
            ],
            "product_line_ids": [
                fields.Command.create(
                    {
                        "product_id": line.product_id.id,
                        "name": line.name,
                        "quantity": line.product_uom_qty,
                        "uom_id": line.product_uom.id,
                    }
                )
                for line in lines
            ],
        }
