from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.crm_service_sla_policy import PRIORITIES


class CrmServiceSlaReport(models.Model):
    _name = "crm.service.sla.report"
    _description = "Service Level Compliance"
    _auto = False
    _order = "request_date desc"

    request_id = fields.Many2one("crm.service.request", readonly=True)
    request_date = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("crm.service.team", readonly=True)
    commercial_partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned to", readonly=True)
    priority = fields.Selection(PRIORITIES, readonly=True)
    sla_policy_id = fields.Many2one("crm.service.sla.policy", string="SLA Policy", readonly=True)
    request_count = fields.Integer(string="Requests", readonly=True, aggregator="sum")
    response_compliance = fields.Float(
        string="Response Compliance (%)", readonly=True, aggregator="avg"
    )
    resolution_compliance = fields.Float(
        string="Resolution Compliance (%)", readonly=True, aggregator="avg"
    )
    response_working_hours = fields.Float(
        string="First Response Time (working hours)", readonly=True, aggregator="avg"
    )
    resolution_working_hours = fields.Float(
        string="Resolution Time (working hours)", readonly=True, aggregator="avg"
    )
    breached_count = fields.Integer(string="Breached", readonly=True, aggregator="sum")

    def _compliance(self, done, deadline):
        """100 when reached in time, 0 when late or breached, NULL while running."""
        return SQL(
            """CASE
                WHEN %(deadline)s IS NULL THEN NULL
                WHEN %(done)s IS NOT NULL AND %(done)s <= %(deadline)s THEN 100.0
                WHEN %(done)s IS NOT NULL THEN 0.0
                WHEN r.sla_pause_start IS NULL AND %(deadline)s < (now() AT TIME ZONE 'UTC')
                    THEN 0.0
                ELSE NULL END""",
            done=SQL.identifier("r", done),
            deadline=SQL.identifier("r", deadline),
        )

    def _query(self):
        return SQL(
            """
            SELECT r.id AS id, r.id AS request_id, r.request_date, r.company_id, r.team_id,
                   r.commercial_partner_id, r.user_id, r.priority, r.sla_policy_id,
                   1 AS request_count,
                   %(response)s AS response_compliance,
                   %(resolution)s AS resolution_compliance,
                   CASE WHEN r.first_response_date IS NOT NULL
                        THEN r.response_working_hours END AS response_working_hours,
                   CASE WHEN r.resolved_date IS NOT NULL
                        THEN r.resolution_working_hours END AS resolution_working_hours,
                   CASE WHEN r.sla_pause_start IS NULL AND (
                        (r.first_response_date IS NULL
                         AND r.response_deadline < (now() AT TIME ZONE 'UTC'))
                        OR (r.resolved_date IS NULL
                         AND r.resolution_deadline < (now() AT TIME ZONE 'UTC')))
                        THEN 1 ELSE 0 END AS breached_count
              FROM crm_service_request r
            """,
            response=self._compliance("first_response_date", "response_deadline"),
            resolution=self._compliance("resolved_date", "resolution_deadline"),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )
