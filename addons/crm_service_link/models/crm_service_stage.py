from odoo import fields, models


class CrmServiceStage(models.Model):
    _name = "crm.service.stage"
    _inherit = ["crm.service.number.mixin"]
    _description = "Service Request Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(
        string="Folded in Kanban", help="Folded in the kanban view when the stage is empty."
    )
    is_closed = fields.Boolean(
        string="Closing Stage",
        help="Requests in this stage are resolved: the resolution target is reached.",
    )
