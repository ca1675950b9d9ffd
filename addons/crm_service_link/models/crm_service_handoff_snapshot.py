from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, is_html_empty

from ..tools.integrity import as_system
from ..tools.job_wake import pace_job


class CrmServiceHandoff(models.Model):
    _inherit = "crm.service.handoff"

    @api.model
    def _create_from_leads(self, leads, orders=None):
        """Create the missing handoffs of won opportunities, snapshot included.

        A lead that already has a handoff is skipped: winning it again, or
        confirming another order, never makes a second one.
        """
        # sudo: the handoff is created by the system for the sales owner of the
        # won deal, whoever marked it won or confirmed its order (who may not
        # read the opportunity); existing handoffs are checked for all. The
        # caller's defaults are dropped: a snapshot is never sent by a caller.
        handoffs = as_system(self).with_context(active_test=False)
        leads = as_system(leads)
        orders = as_system(orders or self.env["sale.order"])
        taken, with_files = handoffs._leads_state(leads)
        todo = leads.filtered(lambda lead: lead.id not in taken)
        if not todo:
            return handoffs.browse()
        vals_list = [
            dict(
                handoffs._prepare_snapshot(
                    lead, orders.filtered(lambda o, won=lead: o.opportunity_id == won)
                ),
                name=lead.name,
                lead_id=lead.id,
                company_id=(lead.company_id or self.env.company).id,
            )
            for lead in todo
        ]
        teams = handoffs._default_teams(vals_list)
        for vals in vals_list:
            vals["service_team_id"] = teams.get(vals["company_id"], False)
        # The system's own create, on the win's path: no automatic subscription,
        # creation message nor initial tracking (as_system dropped such keys
        # from the caller's context; these are the system's). The creation is
        # kept by create_date/create_uid and shown in the customer journey;
        # the chatter records what people do with the handoff afterwards.
        created = handoffs.with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
        ).create(vals_list)
        created = created.with_env(handoffs.env)
        created.filtered(lambda handoff: handoff.lead_id.id in with_files)._copy_lead_attachments()
        return created

    @api.model
    def _create_pending(self, lead_ids=None, limit=None):
        """Make the handoffs of these opportunities that are marked as being
        prepared (see ``crm.lead._service_mark_won``), and clear their mark.

        Run by the scheduled job that their win wakes (all marked deals in
        one batch), and when a user opens the handoff before it. The
        marked rows are locked, skipping those another transaction is
        handling, so a handoff is never made twice. The mark is a system
        flag: it is cleared in SQL, without a write of the opportunity that
        would touch its history or its write date.

        :param lead_ids: the leads to look at; all marked leads when None
        :param limit: at most this many (the oldest marks first)
        :return: the handoffs made
        """
        return self._create_marked(lead_ids=lead_ids, limit=limit)[1]

    @api.model
    def _create_marked(self, lead_ids=None, limit=None):
        """``_create_pending``, returning also the ids of the leads whose mark
        it cleared, a handoff made or not (a deal lost or reopened before
        the job makes none): the job counts its progress in those.

        :return: (list of lead ids, handoffs made)
        """
        Lead = self.env["crm.lead"]
        Lead.flush_model(["service_handoff_pending"])
        self.env.cr.execute(
            SQL(
                """SELECT id FROM crm_lead
                    WHERE service_handoff_pending %s
                    ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""",
                SQL("") if lead_ids is None else SQL("AND id = ANY(%s)", list(lead_ids)),
                limit,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        if not ids:
            return ids, self.browse()
        leads = as_system(Lead.browse(ids)).with_context(active_test=False)
        won = leads.filtered(
            lambda lead: (
                lead.active
                and lead.stage_id.is_won
                and (lead.company_id or self.env.company).service_handoff_trigger == "won"
            )
        )
        created = self._create_from_leads(won)
        self.env.cr.execute(
            SQL("UPDATE crm_lead SET service_handoff_pending = FALSE WHERE id = ANY(%s)", ids)
        )
        leads.invalidate_recordset(["service_handoff_pending", "service_handoff_ids"])
        return ids, created

    @api.model
    def _cron_create_pending(self, limit=500):
        """The handoffs of the won deals marked as being prepared, in batches:
        the job runs again at once while marks are left, and at most once in
        ``JOB_SPACING`` seconds under a stream of wins (see ``pace_job``)."""
        pace_job(self.env)
        ids, created = self._create_marked(limit=limit)
        remaining = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search_count([("service_handoff_pending", "=", True)])
        )
        self.env["ir.cron"]._notify_progress(done=len(ids), remaining=remaining)
        return created

    @api.model
    def _leads_state(self, leads):
        """(ids of the leads that have a handoff, ids of those that have files),
        in one query; the ORM's pending writes of both tables are flushed."""
        self.flush_model(["lead_id"])
        self.env["ir.attachment"].flush_model(["res_model", "res_id", "res_field"])
        self.env.cr.execute(
            SQL(
                """SELECT lead.id,
                          EXISTS(SELECT 1 FROM crm_service_handoff h WHERE h.lead_id = lead.id),
                          EXISTS(SELECT 1 FROM ir_attachment a
                                  WHERE a.res_model = 'crm.lead' AND a.res_id = lead.id
                                    AND (a.res_field IS NULL OR a.res_field = ''))
                     FROM unnest(%s::int[]) AS lead(id)""",
                leads.ids,
            )
        )
        rows = self.env.cr.fetchall()
        return {row[0] for row in rows if row[1]}, {row[0] for row in rows if row[2]}

    @api.model
    def _default_teams(self, vals_list):
        """The first service team of each company (one search per company)."""
        return {
            company_id: self.env["crm.service.team"]
            .search([("company_id", "=", company_id)], limit=1)
            .id
            for company_id in {vals["company_id"] for vals in vals_list}
        }

    @api.model
    def _prepare_snapshot(self, lead, orders):
        """Values of the snapshot of ``lead`` (attachments are copied after)."""
        orders = orders or lead.order_ids.filtered(lambda o: o.state == "sale") or lead.order_ids
        order = orders[:1]
        partner = lead.partner_id.commercial_partner_id
        company = lead.company_id or self.env.company
        contacts = lead.partner_id | partner.child_ids.filtered(lambda p: p.type == "contact")
        lines = order.order_line.filtered(lambda line: not line.display_type)
        return {
            "sale_order_id": order.id,
            "partner_id": partner.id,
            "sales_user_id": lead.user_id.id,
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

    def _copy_lead_attachments(self):
        """Copy the files of the opportunities into their handoffs.

        The copies belong to the handoff (res_model/res_id): deleting or
        editing the opportunity's files leaves them intact. Called as system.
        """
        if not self:
            return
        Attachment = self.env["ir.attachment"]
        files = Attachment.search(
            [("res_model", "=", "crm.lead"), ("res_id", "in", self.lead_id.ids)], order="id"
        )
        vals_list, owners = [], []
        for handoff in self:
            for attachment in files.filtered(lambda a, h=handoff: a.res_id == h.lead_id.id):
                vals_list += attachment.copy_data(
                    {"res_model": self._name, "res_id": handoff.id, "res_field": False}
                )
                owners.append(handoff)
        copies = Attachment.create(vals_list)
        for handoff in self:
            mine = copies.browse(
                [copy.id for copy, owner in zip(copies, owners, strict=True) if owner == handoff]
            )
            if mine:
                handoff.attachment_ids = [fields.Command.set(mine.ids)]

    def _take_snapshot(self):
        """Take the snapshot of draft handoffs again from their opportunities."""
        for handoff in self:
            vals = self._prepare_snapshot(handoff.lead_id, handoff.sale_order_id)
            for fname in ("contact_line_ids", "product_line_ids"):
                vals[fname] = [fields.Command.clear(), *vals[fname]]
            old_files = handoff.attachment_ids
            vals["attachment_ids"] = [fields.Command.clear()]
            handoff.write(vals)
            old_files.unlink()
        self._copy_lead_attachments()

    def _has_sales_work(self):
        """Handoffs holding what sales or service entered, or that requests use.

        A draft with nothing entered holds only what its opportunity holds."""
        # sudo: existence check only, the user may not see every request.
        used = self.env["crm.service.request"].sudo().search([("handoff_id", "in", self.ids)])
        return self.filtered(
            lambda handoff: (
                handoff.state != "draft"
                or handoff in used.handoff_id
                or handoff.commitment_ids
                or handoff.checklist_line_ids.filtered("done")
                or handoff.sla_policy_id
                or handoff.service_user_id
                or handoff.competitors
                or not is_html_empty(handoff.handoff_notes)
            )
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sales_work(self):
        # sudo: the check must see every line of the handoffs.
        kept = self.sudo()._has_sales_work()
        if kept:
            raise UserError(
                self.env._(
                    "These handoffs hold what sales or service entered and cannot be "
                    "deleted: %(handoffs)s. Archive their opportunities instead.",
                    handoffs=", ".join(kept.mapped("name")),
                )
            )
