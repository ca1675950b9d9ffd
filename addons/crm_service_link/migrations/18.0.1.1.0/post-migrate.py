"""Handoffs made before 18.0.1.1.0 linked the opportunity's own files: give
them copies of their own, so that the snapshot no longer changes with the
opportunity's files."""

from odoo import SUPERUSER_ID, api
from odoo.fields import Command


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    handoffs = env["crm.service.handoff"].search(
        [("attachment_ids.res_model", "!=", "crm.service.handoff")]
    )
    for handoff in handoffs:
        shared = handoff.attachment_ids.filtered(
            lambda attachment: attachment.res_model != "crm.service.handoff"
        )
        copies = env["ir.attachment"].create(
            shared.copy_data(
                {"res_model": "crm.service.handoff", "res_id": handoff.id, "res_field": False}
            )
        )
        handoff.attachment_ids = [Command.unlink(a.id) for a in shared] + [
            Command.link(c.id) for c in copies
        ]
