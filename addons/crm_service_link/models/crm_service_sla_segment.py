from odoo import api, fields, models
from odoo.exceptions import UserError

TARGET_SELECTION = [("response", "First Response"), ("resolution", "Resolution")]
SEGMENT_KINDS = [
    ("counted", "Counted"),
    ("paused", "Paused"),
    ("outside_hours", "Outside Working Hours"),
    ("holiday", "Holiday"),
]
CLOCK_STATUSES = [("ongoing", "Ongoing"), ("reached", "Reached"), ("breached", "Breached")]


class CrmServiceSlaEngineRecord(models.AbstractModel):
    """Records only the SLA engine writes (it runs with ``self.env.su``)."""

    _name = "crm.service.sla.engine.record"
    _description = "SLA Engine Record"

    def _check_engine(self):
        if not self.env.su:
            raise UserError(
                self.env._(
                    "%(model)s are measured by the service level engine and cannot be "
                    "changed by hand. Repair the request's SLA instead.",
                    model=self.env["ir.model"]._get(self._name).name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_engine()
        return super().create(vals_list)

    def write(self, vals):
        self._check_engine()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_engine(self):
        self._check_engine()


class CrmServiceSlaSegment(models.Model):
    _name = "crm.service.sla.segment"
    _inherit = ["crm.service.sla.engine.record"]
    _description = "SLA Segments"
    _order = "request_id, target, date_start, id"
    _rec_name = "kind"

    request_id = fields.Many2one(
        "crm.service.request", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    target = fields.Selection(TARGET_SELECTION, required=True, readonly=True)
    date_start = fields.Datetime(required=True, readonly=True)
    date_end = fields.Datetime(required=True, readonly=True)
    kind = fields.Selection(SEGMENT_KINDS, required=True, readonly=True)
    working_hours = fields.Float(readonly=True, aggregator="sum")
    team_id = fields.Many2one("crm.service.team", readonly=True, ondelete="set null")

    def _portal_timeline(self):
        """The customer's view of these segments: [{label, state, start, end}],
        touching periods of the same kind merged, without internal names
        (no stage, team or user)."""
        labels = {
            "counted": ("working", self.env._("We were working on it")),
            "paused": ("waiting", self.env._("Waiting for you")),
            "outside_hours": ("outside", self.env._("Outside our hours")),
            "holiday": ("outside", self.env._("Outside our hours")),
        }
        timeline = []
        for segment in self.sorted(lambda s: (s.date_start, s.id)):
            state, label = labels[segment.kind]
            if timeline and timeline[-1]["state"] == state:
                timeline[-1]["end"] = segment.date_end
                continue
            timeline.append(
                {
                    "state": state,
                    "label": label,
                    "start": segment.date_start,
                    "end": segment.date_end,
                }
            )
        return timeline


class CrmServiceSlaTeamClock(models.Model):
    """A team's share (budget) of a request's resolution target."""

    _name = "crm.service.sla.team.clock"
    _inherit = ["crm.service.sla.engine.record"]
    _description = "SLA Team Clocks"
    _order = "request_id, id"
    _rec_name = "team_id"

    request_id = fields.Many2one(
        "crm.service.request", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    budget_id = fields.Many2one(
        "crm.service.sla.team.budget",
        readonly=True,
        ondelete="set null",
        help="Empty: time with a team that has no budget in the policy (unassigned).",
    )
    team_id = fields.Many2one("crm.service.team", readonly=True, ondelete="set null")
    counted_seconds = fields.Integer(readonly=True)
    counted_hours = fields.Float(
        string="Counted (working hours)",
        compute="_compute_counted_hours",
        store=True,
        aggregator="sum",
    )
    budget_hours = fields.Float(string="Budget (working hours)", readonly=True, aggregator="sum")
    deadline = fields.Datetime(readonly=True, help="When the budget runs out if the team keeps it.")
    breach_date = fields.Datetime(readonly=True)
    status = fields.Selection(CLOCK_STATUSES, readonly=True)
    breached = fields.Boolean(compute="_compute_counted_hours", store=True)

    @api.depends("counted_seconds", "breach_date")
    def _compute_counted_hours(self):
        for clock in self:
            clock.counted_hours = clock.counted_seconds / 3600.0
            clock.breached = bool(clock.breach_date)
