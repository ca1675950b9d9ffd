from odoo import api, models
from odoo.exceptions import UserError

HANDOFF = "crm.service.handoff"


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _service_check_snapshot_files(self):
        """The files copied into a handoff's snapshot change only by the system."""
        if self.env.su:
            return
        # sudo: only reads which model the files belong to, to tell the snapshot apart.
        candidates = self.sudo().filtered(lambda attachment: attachment.res_model == HANDOFF)
        if candidates and (
            self.env[HANDOFF].sudo().search_count([("attachment_ids", "in", candidates.ids)])
        ):
            raise UserError(
                self.env._("The files of a handoff's snapshot cannot be changed or deleted.")
            )

    def write(self, vals):
        if set(vals) - {"access_token"}:
            self._service_check_snapshot_files()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_handoff_snapshot(self):
        self._service_check_snapshot_files()
