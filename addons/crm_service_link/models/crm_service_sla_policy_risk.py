# pylint: disable=consider-merging-classes-inherited
# (one model over several files: each file stays under ~400 lines)
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmServiceSlaPolicy(models.Model):
    _inherit = "crm.service.sla.policy"

    warning_risk = fields.Float(
        string="Warning at Breach Risk",
        default=0.0,
        help="Also warn the team manager when the estimated breach risk of a target reaches "
        "this probability (0 to 1, e.g. 0.7). Empty or 0: warn on the share of the target "
        "only.",
    )

    @api.constrains("warning_risk")
    def _check_warning_risk(self):
        for policy in self:
            if not 0.0 <= policy.warning_risk <= 1.0:
                raise ValidationError(
                    self.env._(
                        "The warning breach risk of the policy %(policy)s must be between "
                        "0 and 1 (0: no warning on the risk).",
                        policy=policy.name,
                    )
                )
