from odoo import api, models

from ..tools.integrity import check_numbers


class CrmServiceNumberMixin(models.AbstractModel):
    """Configuration whose numbers are refused when NaN, infinite or absurd."""

    _name = "crm.service.number.mixin"
    _description = "Checked Numbers"

    @api.model_create_multi
    def create(self, vals_list):
        check_numbers(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        check_numbers(self, [vals])
        return super().write(vals)
