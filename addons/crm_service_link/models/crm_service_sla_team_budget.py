from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmServiceSlaTeamBudget(models.Model):
    """A team's ordered share of a policy's resolution target (OLA)."""

    _name = "crm.service.sla.team.budget"
    _description = "SLA Team Budget"
    _order = "policy_id, sequence, id"
    _rec_name = "team_id"

    policy_id = fields.Many2one(
        "crm.service.sla.policy", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    team_id = fields.Many2one("crm.service.team", required=True, ondelete="restrict")
    hours = fields.Float(string="Budget (working hours)", required=True)

    _sql_constraints = [
        ("team_unique", "UNIQUE(policy_id, team_id)", "A team has one budget per policy."),
    ]

    @api.constrains("hours", "policy_id")
    def _check_hours(self):
        for policy in self.policy_id:
            budgets = policy.team_budget_ids
            if any(budget.hours <= 0 for budget in budgets):
                raise ValidationError(
                    self.env._(
                        "The team budgets of the policy %(policy)s must be more than 0 hours.",
                        policy=policy.name,
                    )
                )
            total = sum(budgets.mapped("hours"))
            if total > policy.resolution_hours:
                raise ValidationError(
                    self.env._(
                        "The team budgets of the policy %(policy)s add up to %(total)s hours, "
                        "more than its resolution target (%(target)s hours).",
                        policy=policy.name,
                        total=total,
                        target=policy.resolution_hours,
                    )
                )


class CrmServiceSlaPolicy(models.Model):
    _inherit = "crm.service.sla.policy"

    team_budget_ids = fields.One2many(
        "crm.service.sla.team.budget",
        "policy_id",
        string="Team Budgets",
        copy=True,
        help="Split the resolution target into ordered team shares. Time with a team "
        "without a budget counts on an unassigned clock.",
    )

    @api.constrains("resolution_hours")
    def _check_team_budgets(self):
        self.team_budget_ids._check_hours()

    def action_sla_repair_open(self):
        """Repair the SLA of the open requests under these policies."""
        return self.env["crm.service.request"]._sla_repair_open(policies=self)
