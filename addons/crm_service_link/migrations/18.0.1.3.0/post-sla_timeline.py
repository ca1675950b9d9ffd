"""Requests made before 18.0.1.3.0 have no clock timeline, team clocks nor
clock calendar: they are rebuilt from each request's history by the repair."""

from odoo import SUPERUSER_ID, api

BATCH = 1000


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    Request = env["crm.service.request"].with_context(active_test=False)
    ids = Request.search([], order="id").ids
    for start in range(0, len(ids), BATCH):
        requests = Request.browse(ids[start : start + BATCH])
        requests._sla_repair()
        env.flush_all()
        env.invalidate_all()
