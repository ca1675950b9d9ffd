from odoo import api, models
from odoo.exceptions import AccessError


class CrmCampaignEngineMixin(models.AbstractModel):
    """Records that only the attribution engine writes (in SQL or as sudo):
    create, write and delete are refused to every caller without ``env.su``,
    whatever the context. A model says why in ``_engine_only_message``."""

    _name = "crm.campaign.engine.mixin"
    _description = "Written by the Attribution Engine Only"

    @api.model_create_multi
    def create(self, vals_list):
        self._check_engine()
        return super().create(vals_list)

    def write(self, vals):
        self._check_engine()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_by_engine(self):
        self._check_engine()

    def _engine_only_message(self):
        raise NotImplementedError

    def _check_engine(self):
        if not self.env.su:
            raise AccessError(self._engine_only_message())
