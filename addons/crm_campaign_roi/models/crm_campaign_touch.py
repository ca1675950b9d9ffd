from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.integrity import refuse_engine_fields

# Set by the capture only (the document a touch was captured from).
ORIGIN_FIELDS = ("res_model", "res_id")

# Touch types that show the contact responded (used for the response rate).
RESPONSE_TYPES = ("lead", "opportunity", "order", "mail_click", "mail_reply", "ad_click", "event")


class CrmCampaignTouch(models.Model):
    _name = "crm.campaign.touch"
    _description = "Campaign Touchpoint"
    _order = "touch_date desc, id desc"
    _rec_name = "campaign_id"
    _check_company_auto = True

    # Who
    contact_id = fields.Many2one("res.partner", index="btree_not_null")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        help="Commercial partner (the company) of the contact.",
    )
    lead_id = fields.Many2one(
        "crm.lead",
        string="Lead/Opportunity",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    # What
    campaign_id = fields.Many2one("utm.campaign", required=True, index=True, ondelete="cascade")
    source_id = fields.Many2one("utm.source", ondelete="set null")
    medium_id = fields.Many2one("utm.medium", ondelete="set null")
    touch_date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    touch_type = fields.Selection(
        [
            ("lead", "Lead created"),
            ("opportunity", "Opportunity created"),
            ("campaign", "Campaign set on lead"),
            ("order", "Sale order"),
            ("mail_sent", "E-mail sent"),
            ("mail_open", "E-mail opened"),
            ("mail_click", "E-mail clicked"),
            ("mail_reply", "E-mail replied"),
            ("ad_click", "Ad click"),
            ("event", "Event attended"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
    )
    # Origin
    res_model = fields.Char(string="Origin Model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Origin Record", model_field="res_model", readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    def init(self):
        res = super().init()
        # one touch per mailing trace and event, whatever runs the capture
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS crm_campaign_touch_trace_event_uniq "
                "ON crm_campaign_touch (res_id, touch_type) WHERE res_model = 'mailing.trace'"
            )
        )
        return res

    @api.depends("contact_id", "lead_id")
    def _compute_partner_id(self):
        for touch in self:
            contact = touch.contact_id or touch.lead_id.partner_id
            touch.partner_id = contact.commercial_partner_id or touch.partner_id

    @api.constrains("touch_date")
    def _check_touch_date(self):
        now = fields.Datetime.now()
        for touch in self:
            if touch.touch_date > now:
                raise ValidationError(
                    self.env._(
                        "The touch of campaign %(campaign)s is dated in the future (%(date)s).",
                        campaign=touch.campaign_id.display_name,
                        date=touch.touch_date,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        refuse_engine_fields(self, vals_list, ORIGIN_FIELDS)
        vals_list = self._deduplicate(vals_list)
        touches = super().create(vals_list)
        # Back-dated touches (manual entry, import) may change past conversions.
        recent = fields.Datetime.subtract(fields.Datetime.now(), minutes=5)
        backdated = touches.filtered(lambda touch: touch.touch_date < recent)
        if backdated:
            self.env["crm.campaign.attribution"]._refresh_for(
                backdated.company_id, backdated.partner_id, backdated.lead_id
            )
        return touches

    def write(self, vals):
        refuse_engine_fields(self, [vals], ORIGIN_FIELDS)
        tracked = {"touch_date", "partner_id", "contact_id", "lead_id", "campaign_id", "company_id"}
        if tracked.isdisjoint(vals):
            return super().write(vals)
        old = (self.company_id, self.partner_id, self.lead_id)
        res = super().write(vals)
        self.env["crm.campaign.attribution"]._refresh_for(
            old[0] | self.company_id, old[1] | self.partner_id, old[2] | self.lead_id
        )
        return res

    def unlink(self):
        old = (self.company_id, self.partner_id, self.lead_id)
        res = super().unlink()
        self.env["crm.campaign.attribution"]._refresh_for(*old)
        return res

    @api.model
    def load(self, fields, data):
        """Refuse an import whose campaign does not exist, naming the row."""
        column = next(
            (i for i, name in enumerate(fields) if name in ("campaign_id", "campaign_id/name")),
            None,
        )
        if column is not None:
            names = {row[column] for row in data if row[column]}
            Campaign = self.env["utm.campaign"].with_context(active_test=False)
            known = {
                value
                for campaign in Campaign.search(
                    ["|", ("name", "in", list(names)), ("title", "in", list(names))]
                )
                for value in (campaign.name, campaign.title)
            }
            for index, row in enumerate(data):
                if row[column] not in known:
                    message = self.env._(
                        "Row %(row)s: the campaign %(campaign)s does not exist.",
                        row=index + 1,
                        campaign=row[column] or "-",
                    )
                    return {
                        "ids": False,
                        "messages": [
                            {
                                "type": "error",
                                "message": message,
                                "record": index,
                                "rows": {"from": index, "to": index},
                                "field": "campaign_id",
                            }
                        ],
                    }
        return super().load(fields, data)

    # ------------------------------------------------------------------
    # Capture
    # ------------------------------------------------------------------
    @api.model
    def _identity(self, vals):
        """Who a touch is about: its commercial partner, else its lead."""
        partner = self.env["res.partner"].browse(vals.get("partner_id"))
        if not partner:
            lead = self.env["crm.lead"].browse(vals.get("lead_id"))
            contact = self.env["res.partner"].browse(vals.get("contact_id")) or lead.partner_id
            partner = contact.commercial_partner_id
        if partner:
            return ("partner", partner.id)
        if vals.get("lead_id"):
            return ("lead", vals["lead_id"])
        return None

    @api.model
    def _dedup_key(self, rule, company_id, identity, vals):
        if rule == "none" or not identity:
            return None
        key = (company_id, vals.get("campaign_id"), identity)
        if rule == "day":
            date = fields.Datetime.to_datetime(vals.get("touch_date")) or fields.Datetime.now()
            key += (vals.get("touch_type") or "other", date.date())
        return key

    @api.model
    def _deduplicate(self, vals_list):
        """Drop the touches that the company's de-duplication rule rejects."""
        # the partners of every touch at once, rather than one by one below
        leads = self.env["crm.lead"].browse(
            {vals["lead_id"] for vals in vals_list if vals.get("lead_id")}
        )
        contacts = self.env["res.partner"].browse(
            {
                vals[name]
                for vals in vals_list
                for name in ("partner_id", "contact_id")
                if vals.get(name)
            }
        )
        (contacts | leads.partner_id).fetch(["commercial_partner_id"])
        keyed = []
        for vals in vals_list:
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            identity = self._identity(vals)
            keyed.append((company.campaign_roi_dedup, company.id, identity, vals))
        campaign_ids = {vals.get("campaign_id") for rule, _c, ident, vals in keyed if ident}
        if not any(rule != "none" for rule, *_rest in keyed) or not campaign_ids:
            return vals_list
        identities = [ident for _rule, _company, ident, _vals in keyed if ident]
        partner_ids = [ident[1] for ident in identities if ident[0] == "partner"]
        lead_ids = [ident[1] for ident in identities if ident[0] == "lead"]
        existing = self.search_fetch(
            [
                ("campaign_id", "in", list(campaign_ids)),
                ("company_id", "in", list({company_id for _r, company_id, *_x in keyed})),
                "|",
                ("partner_id", "in", partner_ids),
                "&",
                ("partner_id", "=", False),
                ("lead_id", "in", lead_ids),
            ],
            ["partner_id", "lead_id", "campaign_id", "touch_type", "touch_date", "company_id"],
        )
        seen = set()
        for touch in existing:
            identity = (
                ("partner", touch.partner_id.id) if touch.partner_id else ("lead", touch.lead_id.id)
            )
            values = {
                "campaign_id": touch.campaign_id.id,
                "touch_type": touch.touch_type,
                "touch_date": touch.touch_date,
            }
            for rule in ("day", "campaign"):
                seen.add(self._dedup_key(rule, touch.company_id.id, identity, values))
        kept = []
        for rule, company_id, identity, vals in keyed:
            key = self._dedup_key(rule, company_id, identity, vals)
            if key is not None and key in seen:
                continue
            seen.add(key)
            kept.append(vals)
        return kept

    @api.model
    def _capture(self, records, touch_type, lead_field=None, new=False, touch_date=None):
        """Record a touch for each record carrying a campaign (leads, orders).

        Idempotent: a record gets at most one touch of each type per campaign,
        so capturing the same event twice (e.g. a second write of the same
        campaign) records nothing new. No context key turns the capture off.
        ``new`` records (just created) have no touch yet: nothing to look up.
        ``touch_date`` (a function of the record) dates the touches, else now.
        """
        vals_list = []
        records = records.filtered("campaign_id")
        for record in records:
            lead = record if lead_field == "self" else (record[lead_field] if lead_field else None)
            vals_list.append(
                {
                    "campaign_id": record.campaign_id.id,
                    "source_id": record.source_id.id,
                    "medium_id": record.medium_id.id,
                    "contact_id": record.partner_id.id,
                    "lead_id": lead.id if lead else False,
                    "touch_type": touch_type(record) if callable(touch_type) else touch_type,
                    "res_model": record._name,
                    "res_id": record.id,
                    "company_id": (record.company_id or self.env.company).id,
                }
            )
            if touch_date:
                vals_list[-1]["touch_date"] = touch_date(record)
        if not vals_list:
            return
        # Touches are derived data of records the user may edit; salespeople
        # have no direct access to the touch model (nor always to the lead of
        # an order), hence sudo. Only the values built above are written.
        Touch = self.sudo()
        known = set()
        if not new:
            known = {
                (touch.res_id, touch.touch_type, touch.campaign_id.id)
                for touch in Touch.search_fetch(
                    [("res_model", "=", records._name), ("res_id", "in", records.ids)],
                    ["res_id", "touch_type", "campaign_id"],
                )
            }
        missing = []
        for vals in vals_list:
            key = (vals["res_id"], vals["touch_type"], vals["campaign_id"])
            if key not in known:
                known.add(key)
                missing.append(vals)
        if missing:
            Touch.create(missing)
