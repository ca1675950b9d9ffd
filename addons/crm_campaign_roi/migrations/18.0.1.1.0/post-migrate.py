"""Recompute the attribution lines once refreshes are serialised."""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute(SQL("SELECT DISTINCT company_id FROM crm_campaign_attribution"))
    companies = env["res.company"].browse([row[0] for row in cr.fetchall()])
    if companies:
        env["crm.campaign.attribution"]._recompute_all(companies)
