import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.integrity import check_numbers, refuse_engine_fields

MAILING_MODEL = "mailing.mailing"
HOLDOUT_LIMITS = {"holdout_percent": (0.0, 50.0)}
# Set by the send (the split is applied), never by hand.
HOLDOUT_ENGINE_FIELDS = (
    "name",
    "mailing_model",
    "campaign_id",
    "state",
    "sent_date",
    "control_percent",
)
# What makes the split: frozen once the mailing has been sent.
HOLDOUT_SPLIT_FIELDS = ("mailing_id", "holdout_percent", "seed")


def new_seed():
    return secrets.token_hex(16)


class CrmCampaignHoldout(models.Model):
    """The holdout of one mass mailing: who was kept out, and the lift measured.

    ``mass_mailing`` is a soft dependency: the mailing is a reference by id,
    and ``crm_campaign_holdout_mailing`` keeps the held-out recipients out of
    the send when the module is installed.
    """

    _name = "crm.campaign.holdout"
    _inherit = "crm.campaign.lift.mixin"
    _description = "Mailing Holdout"
    _order = "sent_date desc, id desc"
    _check_company_auto = True

    # Mailing
    name = fields.Char(string="Mailing", readonly=True)
    active = fields.Boolean(default=True)
    mailing_model = fields.Char(default=MAILING_MODEL, required=True, readonly=True)
    mailing_id = fields.Many2oneReference(
        string="Mass Mailing", model_field="mailing_model", required=True, index=True
    )
    campaign_id = fields.Many2one(
        "utm.campaign", readonly=True, index="btree_not_null", ondelete="set null"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    # Split
    holdout_percent = fields.Float(
        string="Holdout (%)",
        default=10.0,
        help="Share of the recipients that does not receive the mailing (0 to 50).",
    )
    seed = fields.Char(
        default=lambda self: new_seed(),
        required=True,
        copy=False,
        help="Chooses who is held out: the same seed holds out the same recipients.",
    )
    control_percent = fields.Float(
        string="Global Control Group (%)",
        readonly=True,
        help="The company's global control group when the mailing was sent.",
    )
    state = fields.Selection(
        [("draft", "Not Sent"), ("sent", "Sent")], default="draft", required=True, readonly=True
    )
    sent_date = fields.Datetime(readonly=True)
    member_ids = fields.One2many("crm.campaign.holdout.member", "holdout_id", string="Held Out")
    member_count = fields.Integer(string="Held-out Recipients", compute="_compute_member_count")

    _sql_constraints = [
        (
            "mailing_uniq",
            "UNIQUE(mailing_model, mailing_id)",
            "A mailing has one holdout.",
        ),
    ]

    def _compute_member_count(self):
        counts = dict(
            self.env["crm.campaign.holdout.member"]._read_group(
                [("holdout_id", "in", self.ids)], ["holdout_id"], ["__count"]
            )
        )
        for holdout in self:
            holdout.member_count = counts.get(holdout._origin, 0)

    @api.depends_context("company", "allowed_company_ids")
    def _compute_lift(self):
        # one pass for all the holdouts shown
        figures = self._lift_arms(self.filtered("id"))
        for holdout in self:
            holdout._set_lift(figures.get(holdout.id))

    @api.constrains(*HOLDOUT_LIMITS)
    def _check_holdout_percent(self):
        for holdout in self:
            check_numbers(holdout, {"holdout_percent": holdout.holdout_percent}, HOLDOUT_LIMITS)

    @api.constrains("seed")
    def _check_seed(self):
        for holdout in self:
            if not (holdout.seed or "").strip():
                raise ValidationError(self.env._("A holdout needs a seed."))

    @api.model_create_multi
    def create(self, vals_list):
        # the rights first: the checks below read the mailings as sudo
        self.check_access("create")
        refuse_engine_fields(self, vals_list, HOLDOUT_ENGINE_FIELDS)
        for vals in vals_list:
            check_numbers(self, vals, HOLDOUT_LIMITS)
        mailings = self._holdout_mailings([vals.get("mailing_id") for vals in vals_list])
        # sudo, archived too: a mailing has one holdout, whoever may see it
        taken = set(
            self.sudo()
            .with_context(active_test=False)
            .search_fetch(
                [("mailing_model", "=", MAILING_MODEL), ("mailing_id", "in", list(mailings))],
                ["mailing_id"],
            )
            .mapped("mailing_id")
        )
        for vals in vals_list:
            mailing = mailings.get(vals.get("mailing_id"))
            if mailing is None:
                raise ValidationError(
                    self.env._("Choose an existing mass mailing for the holdout.")
                )
            if mailing.state in ("sending", "done") and not self.env.su:
                raise UserError(
                    self.env._(
                        "The mailing %(mailing)s has already been sent: a holdout must be "
                        "set before the send.",
                        mailing=mailing.subject,
                    )
                )
            if mailing.id in taken:
                raise ValidationError(
                    self.env._(
                        "The mailing %(mailing)s already has a holdout.", mailing=mailing.subject
                    )
                )
            taken.add(mailing.id)
            vals["name"] = mailing.subject
            vals["campaign_id"] = mailing.campaign_id.id
        return super().create(vals_list)

    def write(self, vals):
        refuse_engine_fields(self, [vals], HOLDOUT_ENGINE_FIELDS)
        check_numbers(self, vals, HOLDOUT_LIMITS)
        if not self.env.su and "mailing_id" in vals and self.filtered("id"):
            raise UserError(
                self.env._("A holdout stays on its mailing: create one for the other mailing.")
            )
        if not self.env.su and any(name in vals for name in HOLDOUT_SPLIT_FIELDS):
            sent = self.filtered(lambda holdout: holdout.state == "sent")
            if sent:
                raise UserError(
                    self.env._(
                        "The holdout of %(mailing)s is frozen since the mailing was sent: its "
                        "share and seed can no longer change.",
                        mailing=sent[0].name,
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        if not self.env.su and any(holdout.state == "sent" for holdout in self):
            raise UserError(
                self.env._("A sent holdout holds the measure of its mailing: archive it instead.")
            )

    def _holdout_mailings(self, mailing_ids):
        """{id: mailing} of the existing mass mailings among ``mailing_ids``."""
        if MAILING_MODEL not in self.env:
            return {}
        ids = [mailing_id for mailing_id in mailing_ids if isinstance(mailing_id, int)]
        # sudo: reads the subject, campaign and state of the mailings only,
        # whoever may read the mailings themselves.
        mailings = self.env[MAILING_MODEL].sudo().browse(ids).exists()
        return {mailing.id: mailing for mailing in mailings}

    def action_view_members(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Held-out Recipients"),
            "res_model": "crm.campaign.holdout.member",
            "view_mode": "list",
            "domain": [("holdout_id", "=", self.id)],
        }
