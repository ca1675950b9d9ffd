from odoo import api, fields, models

from .res_company_markov import MARKOV_CHANNEL_SELECTION, MARKOV_MIN_CHANNEL_JOURNEYS


class CrmCampaignMarkovEffect(models.Model):
    """The removal effect of one channel of a company, from the last full
    recompute, with the data sufficiency verdict of the company's Markov
    model. Conversions refreshed between two full recomputes are split with
    these effects."""

    _name = "crm.campaign.markov.effect"
    _inherit = ["crm.campaign.engine.mixin"]
    _description = "Markov Removal Effect"
    _order = "company_id, removal_effect desc, id"
    _rec_name = "channel_name"
    _check_company_auto = True
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    channel_type = fields.Selection(MARKOV_CHANNEL_SELECTION, required=True, readonly=True)
    channel_key = fields.Integer(
        required=True, readonly=True, help="Id of the campaign, medium or source (0: none)."
    )
    channel_name = fields.Char(string="Channel", readonly=True)
    removal_effect = fields.Float(readonly=True)
    journey_count = fields.Integer(string="Journeys", readonly=True)
    converting_journeys = fields.Integer(string="Converting Journeys (Company)", readonly=True)
    markov_order = fields.Integer(string="Order", readonly=True)
    sufficient = fields.Boolean(string="Enough Data", readonly=True)
    date_computed = fields.Datetime(string="Computed On", readonly=True)

    _sql_constraints = [
        (
            "company_channel_uniq",
            "UNIQUE(company_id, channel_type, channel_key)",
            "A channel has one removal effect per company.",
        ),
    ]

    def _engine_only_message(self):
        """Removal effects are written by the attribution engine only (as sudo)."""
        return self.env._(
            "Markov removal effects are computed from the customer journeys; "
            "they cannot be created, changed or deleted by hand."
        )

    @api.model
    def _markov_verdicts(self, companies):
        """``{company id: message}``: why the Markov model of each company is
        not computed, or an empty string when it is (translated)."""
        # sudo: reads the effects of these companies only, to explain them.
        effects = self.sudo().search([("company_id", "in", companies.ids)])
        by_company = dict(effects.grouped("company_id"))
        by_company = {company.id: rows for company, rows in by_company.items()}
        verdicts = {}
        for company in companies.sudo():
            rows = by_company.get(company.id, self.browse())
            if not rows:
                verdicts[company.id] = self.env._(
                    "The Markov model is not computed yet: no full recompute has found a "
                    "customer journey."
                )
                continue
            converting = rows[0].converting_journeys
            minimum = company.campaign_roi_markov_min_conversions
            thin = rows.filtered(lambda row: row.journey_count < MARKOV_MIN_CHANNEL_JOURNEYS)
            if rows[0].sufficient:
                verdicts[company.id] = ""
            elif converting < minimum:
                verdicts[company.id] = self.env._(
                    "The Markov model is not computed: %(count)s converting journeys, "
                    "fewer than the minimum of %(minimum)s.",
                    count=converting,
                    minimum=minimum,
                )
            else:
                verdicts[company.id] = self.env._(
                    "The Markov model is not computed: these channels have fewer than "
                    "%(minimum)s journeys: %(channels)s.",
                    minimum=MARKOV_MIN_CHANNEL_JOURNEYS,
                    channels=", ".join(thin.mapped("channel_name")),
                )
        return verdicts
