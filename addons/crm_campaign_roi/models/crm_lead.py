from odoo import api, fields, models

# Writing one of these on a won (or newly won) lead recomputes its attribution.
CONVERSION_FIELDS = {
    "stage_id",
    "probability",
    "active",
    "expected_revenue",
    "partner_id",
    "company_id",
    "date_closed",
}


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.campaign.roi.mixin"]

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        self._campaign_roi_close_born_won(vals_list, now)
        leads = super().create(vals_list)
        won = leads.filtered(lambda lead: lead._campaign_roi_is_won())
        won_ids = set(won.ids)
        self.env["crm.campaign.touch"]._capture(
            leads,
            lambda lead: "opportunity" if lead.type == "opportunity" else "lead",
            "self",
            new=True,
            touch_date=lambda lead: (
                min(lead.date_closed or now, now) if lead.id in won_ids else now
            ),
        )
        self.env["crm.campaign.attribution"]._refresh_leads(won)
        return leads

    def write(self, vals):
        campaign_changed = self.browse()
        if vals.get("campaign_id"):
            campaign_changed = self.filtered(
                lambda lead: lead.campaign_id.id != vals["campaign_id"]
            )
        converted = self.browse()
        if vals.get("type") == "opportunity":
            converted = self.filtered(lambda lead: lead.type == "lead")
        Attribution = self.env["crm.campaign.attribution"]
        old_companies = self.env["res.company"]
        was_won = self.browse()
        check_conversion = not CONVERSION_FIELDS.isdisjoint(vals)
        if check_conversion:
            # the lines of a lead moved to another company are replaced too
            old_companies = self.sudo().company_id
            companies = old_companies | self.env["res.company"].browse(vals.get("company_id"))
            check_conversion = self._name in Attribution._conversion_models(companies)
        deferred = False
        if check_conversion:
            was_won = self.filtered(lambda lead: lead._campaign_roi_is_won())
            # a win: its attribution by the job, marked in the same UPDATE
            deferred = not was_won and self._campaign_roi_deferred_win(vals)
            if deferred:
                vals = dict(vals, campaign_roi_pending=True)
        res = super().write(vals)
        self.env["crm.campaign.touch"]._capture(
            campaign_changed | converted,
            lambda lead: "opportunity" if lead in converted else "campaign",
            "self",
        )
        if deferred:
            self._campaign_roi_wake_job()
        elif check_conversion:
            now_won = self.filtered(lambda lead: lead._campaign_roi_is_won())
            Attribution._refresh_leads(was_won | now_won, old_companies | self.company_id)
        return res

    def unlink(self):
        leads = self.sudo()
        companies = leads.company_id
        res = super().unlink()
        self.env["crm.campaign.attribution"]._refresh_records(leads, companies)
        return res

    def _update_revenues_from_so(self, order):
        # sudo: confirming an order raises the expected revenue of its
        # opportunity (sale_crm). A salesman may confirm his own order linked
        # to an opportunity he cannot edit; only that revenue is written, and
        # the attribution of the conversion is refreshed by write().
        return super(CrmLead, self.sudo())._update_revenues_from_so(order)

    @api.model
    def _campaign_roi_close_born_won(self, vals_list, now):
        """Date the closing of leads created in a won stage, as winning does.

        A lead won later gets its ``date_closed`` from ``write``; one created
        (or imported) won keeps the closing date it was given, else now, so
        that its conversion date does not follow its later edits. The stages
        of the whole batch are read at once.
        """
        stages = self.env["crm.stage"].browse(
            {vals["stage_id"] for vals in vals_list if vals.get("stage_id")}
        )
        won_ids = set(stages.filtered("is_won").ids)
        for vals in vals_list:
            if vals.get("stage_id") in won_ids and not vals.get("date_closed"):
                vals["date_closed"] = now

    def _campaign_roi_field(self):
        return "lead_id"

    def _campaign_roi_key(self):
        return self.id

    def _campaign_roi_touch_domain(self):
        # the touches the attribution of this opportunity considers: its own
        # and those of its customer
        partner = self.partner_id.commercial_partner_id
        if not partner:
            return [("lead_id", "=", self.id)]
        return ["|", ("lead_id", "=", self.id), ("partner_id", "=", partner.id)]

    def _campaign_roi_touch_counts(self):
        partners = {lead.id: lead.partner_id.commercial_partner_id.id for lead in self}
        groups = self.env["crm.campaign.touch"]._read_group(
            [
                "|",
                ("lead_id", "in", self.ids),
                ("partner_id", "in", [p for p in partners.values() if p]),
            ],
            ["lead_id", "partner_id"],
            ["__count"],
        )
        return {
            lead_id: sum(
                count
                for lead, partner, count in groups
                if lead.id == lead_id or (partner_id and partner.id == partner_id)
            )
            for lead_id, partner_id in partners.items()
        }

    def _campaign_roi_is_won(self):
        self.ensure_one()
        return self.active and self.stage_id.is_won
