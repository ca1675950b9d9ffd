"""Recompute the attribution of the companies whose duplicate touches went."""

from odoo import SUPERUSER_ID, api

PARAM = "crm_campaign_roi.migration_recompute_companies"


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    params = env["ir.config_parameter"]
    value = params.get_param(PARAM)
    if value:
        companies = env["res.company"].browse([int(cid) for cid in value.split(",")]).exists()
        if companies:
            env["crm.campaign.attribution"]._recompute_all(companies)
        params.search([("key", "=", PARAM)]).unlink()
