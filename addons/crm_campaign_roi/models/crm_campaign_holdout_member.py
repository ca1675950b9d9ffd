from odoo import api, fields, models
from odoo.tools import email_normalize

from ..tools.holdout import held_out

MEMBER_REASON_SELECTION = [
    ("holdout", "Mailing holdout"),
    ("control_group", "Global control group"),
]


class CrmCampaignHoldoutMember(models.Model):
    """A recipient held out of a mailing, as it was when the mailing was sent.

    Written by the send only (as sudo): the customer (commercial partner) and
    the e-mail are kept, so that the lift does not follow later edits of the
    recipient.
    """

    _name = "crm.campaign.holdout.member"
    _inherit = "crm.campaign.engine.mixin"
    _description = "Held-out Mailing Recipient"
    _order = "holdout_id, id"
    _check_company_auto = True

    holdout_id = fields.Many2one(
        "crm.campaign.holdout", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        related="holdout_id.company_id", store=True, index=True, readonly=True
    )
    res_model = fields.Char(string="Recipient Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Recipient", model_field="res_model", required=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
    email = fields.Char(readonly=True)
    reason = fields.Selection(MEMBER_REASON_SELECTION, required=True, readonly=True)

    _sql_constraints = [
        (
            "holdout_recipient_uniq",
            "UNIQUE(holdout_id, res_model, res_id)",
            "A recipient is held out of a mailing once.",
        ),
    ]

    def _engine_only_message(self):
        return self.env._(
            "Held-out recipients are chosen when the mailing is sent; they cannot be "
            "created, changed or deleted by hand."
        )

    # ------------------------------------------------------------------
    # The split, applied when a mailing is sent
    # ------------------------------------------------------------------
    @api.model
    def _holdout_apply(self, mailing, res_ids):
        """``res_ids`` of ``mailing`` minus its held-out recipients.

        The held out are the recipients chosen by the mailing's holdout and
        the customers in its company's global control group; they are recorded
        (once) as members of the holdout, created for the control group if the
        mailing has none. The first send freezes the holdout.
        """
        # sudo: the send reads and records the holdout of the mailing whoever
        # sends it; the recipients kept out are chosen by the seeds only.
        Holdout = self.env["crm.campaign.holdout"].sudo().with_context(active_test=False)
        holdout = Holdout.search(
            [("mailing_model", "=", mailing._name), ("mailing_id", "=", mailing.id)], limit=1
        )
        company = (holdout.company_id or mailing.user_id.company_id or self.env.company).sudo()
        control_percent = company.campaign_roi_control_percent
        if not res_ids or not (holdout.holdout_percent or control_percent):
            return res_ids
        model = mailing.mailing_model_real
        recipients = self._holdout_recipients(model, res_ids)
        held = held_out(
            {res_id: customer for res_id, (customer, _email) in recipients.items()},
            holdout.holdout_percent,
            holdout.seed,
            control_percent,
            company._campaign_roi_control_seed() if control_percent else None,
        )
        if not holdout:
            holdout = Holdout.create(
                {"mailing_id": mailing.id, "holdout_percent": 0.0, "company_id": company.id}
            )
        if holdout.state != "sent":
            holdout.write(
                {
                    "state": "sent",
                    "sent_date": fields.Datetime.now(),
                    "campaign_id": mailing.campaign_id.id,
                    "control_percent": control_percent,
                }
            )
        known = set(
            self.sudo()
            .search_fetch([("holdout_id", "=", holdout.id), ("res_model", "=", model)], ["res_id"])
            .mapped("res_id")
        )
        self.sudo().create(
            [
                {
                    "holdout_id": holdout.id,
                    "res_model": model,
                    "res_id": res_id,
                    "partner_id": recipients[res_id][0],
                    "email": recipients[res_id][1],
                    "reason": reason,
                }
                for res_id, reason in held.items()
                if res_id not in known
            ]
        )
        return [res_id for res_id in res_ids if res_id not in held]

    @api.model
    def _holdout_recipients(self, model, res_ids, emails=None):
        """{res_id: (customer id or None, e-mail)} of mailing recipients.

        The customer is the commercial partner of the partner mailed, of the
        document's ``partner_id``, else of the first partner with the
        recipient's normalized e-mail (mailing-list contacts, documents
        deleted since: then ``emails`` gives the e-mail of each res_id).
        """
        # sudo: the recipients' customers are read to split and measure the
        # mailing, whoever may read them.
        Partner = self.env["res.partner"].sudo()
        Model = self.env[model].sudo() if model in self.env else None
        records = Model.browse(res_ids).exists() if Model is not None else []
        email_field = next(
            (
                name
                for name in ("email_normalized", "email_from", "email")
                if Model is not None and name in Model._fields
            ),
            None,
        )
        partner_field = Model is not None and Model._fields.get("partner_id")
        result = {}
        for record in records:
            if model == "res.partner":
                partner = record.commercial_partner_id
            elif partner_field and partner_field.comodel_name == "res.partner":
                partner = record.partner_id.commercial_partner_id
            else:
                partner = Partner
            email = email_normalize(record[email_field]) if email_field else False
            result[record.id] = (partner.id or None, email or False)
        for res_id in res_ids:
            result.setdefault(res_id, (None, email_normalize((emails or {}).get(res_id))))
        missing = {email for partner_id, email in result.values() if not partner_id and email}
        if missing:
            by_email = {}
            for partner in Partner.search_fetch(
                [("email_normalized", "in", list(missing))],
                ["email_normalized", "commercial_partner_id"],
                order="id",
            ):
                by_email.setdefault(partner.email_normalized, partner.commercial_partner_id.id)
            for res_id, (partner_id, email) in result.items():
                if not partner_id and email:
                    result[res_id] = (by_email.get(email), email)
        return result
