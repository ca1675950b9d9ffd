# pylint: disable=consider-merging-classes-inherited
# (one model over several files: each file stays under ~400 lines)
"""Breach risk of the open targets, estimated from the company's history.

For each company and target (response, resolution), the working time the
targets took is read in one grouped query: completed targets are events
(late ones included), running ones are censored at the working time elapsed
so far. A Kaplan–Meier curve is fitted per team and priority when that cell
holds at least ``MIN_HISTORY`` completed targets, else over the whole
company; with fewer than ``MIN_HISTORY`` in the company there is no figure.
The risk of a running target is S(target) / S(elapsed) (tools/survival.py).

The curves are fitted again on each refresh rather than stored: one query and
a sort per company cost less than keeping stored curves in step with every
closed request. The refresh runs in a scheduled job (and on demand), never in
the create, write or win flows.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, split_every

from ..tools.integrity import as_system, without_defaults
from ..tools.survival import kaplan_meier
from .crm_service_request_escalation import ESCALATION_CRON, TARGETS

# Completed targets a curve needs, per team and priority or per company.
MIN_HISTORY = 30
USER_GROUP = "crm_service_link.crm_service_link_group_user"
RISK_BASES = [
    ("team", "Team and priority"),
    ("company", "Whole company"),
    ("none", "Not enough history"),
]
# Written only by the breach risk job (self.env.su).
RISK_FIELDS = {
    f"{target}_{suffix}"
    for target in TARGETS
    for suffix in ("breach_risk", "risk_basis", "risk_sample", "risk_alert")
} | {"breach_risk_date"}
RISK_HELP = (
    "Probability that the target is missed, given the working time already used: "
    "estimated from the company's completed requests of the same team and priority "
    "(or of the whole company when they are too few). Refreshed by a scheduled job."
)
SAMPLE_HELP = "Completed targets the estimate stands on."
ALERT_HELP = "The risk reached the warning risk of the policy."


class CrmServiceRequest(models.Model):
    _inherit = "crm.service.request"

    # Breach risk (engine fields, written by the breach risk job)
    response_breach_risk = fields.Float(
        readonly=True, copy=False, aggregator="avg", groups=USER_GROUP, help=RISK_HELP
    )
    resolution_breach_risk = fields.Float(
        readonly=True, copy=False, aggregator="avg", groups=USER_GROUP, help=RISK_HELP
    )
    response_risk_basis = fields.Selection(RISK_BASES, readonly=True, copy=False, groups=USER_GROUP)
    resolution_risk_basis = fields.Selection(
        RISK_BASES, readonly=True, copy=False, groups=USER_GROUP
    )
    response_risk_sample = fields.Integer(
        readonly=True, copy=False, groups=USER_GROUP, help=SAMPLE_HELP
    )
    resolution_risk_sample = fields.Integer(
        readonly=True, copy=False, groups=USER_GROUP, help=SAMPLE_HELP
    )
    response_risk_alert = fields.Boolean(
        readonly=True, copy=False, groups=USER_GROUP, help=ALERT_HELP
    )
    resolution_risk_alert = fields.Boolean(
        readonly=True, copy=False, groups=USER_GROUP, help=ALERT_HELP
    )
    response_risk_note = fields.Char(compute="_compute_risk_note", groups=USER_GROUP)
    resolution_risk_note = fields.Char(compute="_compute_risk_note", groups=USER_GROUP)
    breach_risk_date = fields.Datetime(
        string="Breach Risk Updated", readonly=True, copy=False, groups=USER_GROUP
    )

    @api.depends(*(f"{target}_risk_{part}" for target in TARGETS for part in ("basis", "sample")))
    @api.depends_context("lang")
    def _compute_risk_note(self):
        for request in self:
            for target in TARGETS:
                request[f"{target}_risk_note"] = request._risk_note(
                    request[f"{target}_risk_basis"], request[f"{target}_risk_sample"]
                )

    def _risk_note(self, basis, sample):
        if basis == "none":
            return self.env._(
                "No estimate yet: %(count)s completed requests in the company's "
                "history, %(min)s needed.",
                count=sample,
                min=MIN_HISTORY,
            )
        if basis == "team":
            return self.env._(
                "From %(count)s completed requests of this team and priority.", count=sample
            )
        if basis == "company":
            return self.env._(
                "From %(count)s completed requests of the company (too few for this team "
                "and priority).",
                count=sample,
            )
        return False

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_user_fields(vals, RISK_FIELDS)
        # a caller's defaults never set what the job computes
        clean = without_defaults(self, RISK_FIELDS)
        return super(CrmServiceRequest, clean).create(vals_list).with_env(self.env)

    def write(self, vals):
        self._check_user_fields(vals, RISK_FIELDS)
        return super().write(vals)

    # ------------------------------------------------------------
    # Actions and job
    # ------------------------------------------------------------

    def action_refresh_breach_risk(self):
        """Refresh now the breach risk of the open requests of these requests'
        companies (the same figures the scheduled job would store)."""
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(self.env._("Only service users can refresh the breach risk."))
        self.check_access("read")
        # sudo: the job's own computation over the company's history; the
        # caller may read these requests, and only engine fields are written.
        as_system(self)._breach_risk_refresh(self.company_id.ids)
        return True

    @api.model
    def _cron_breach_risk(self):
        """Refresh the breach risk of every open request, company by company."""
        # sudo: the job reads every company's history and writes engine fields.
        requests = as_system(self)
        # companies with open requests, or closed ones whose figures are to clear
        groups = requests._read_group(
            [
                ("sla_policy_id", "!=", False),
                "|",
                ("is_closed", "=", False),
                "|",
                ("response_risk_basis", "!=", False),
                ("resolution_risk_basis", "!=", False),
            ],
            ["company_id"],
        )
        requests._breach_risk_refresh([company.id for (company,) in groups])

    @api.model
    def _breach_risk_refresh(self, company_ids):
        """Fit the curves of these companies and store the risk of their open
        requests: one query for the history, one schedule per calendar, one
        update per thousand requests."""
        if not company_ids:
            return
        now = fields.Datetime.now()
        requests = self.search(
            [
                ("company_id", "in", company_ids),
                ("is_closed", "=", False),
                ("sla_policy_id", "!=", False),
            ]
        )
        elapsed = requests._breach_risk_elapsed(now)
        samples = self._breach_risk_history(company_ids)
        for request in requests:
            if request.id not in elapsed:
                continue
            for target, (_hours, done) in TARGETS.items():
                if not request[done]:
                    key = (request.company_id.id, target)
                    cell = (request.team_id.id or None, request.priority)
                    samples.setdefault(key, {}).setdefault(cell, []).append(
                        (round(elapsed[request.id], 2), False, 1)
                    )
        curves = self._breach_risk_curves(samples)
        rows = [request._breach_risk_row(curves, elapsed.get(request.id)) for request in requests]
        self._breach_risk_store(rows, company_ids, now)
        # a new alert is a warning to send: the escalation job runs now
        alerts = (
            (row[4] and not request.response_warned) or (row[8] and not request.resolution_warned)
            for request, row in zip(requests, rows, strict=True)
        )
        if any(alerts):
            cron = self.env.ref(ESCALATION_CRON, raise_if_not_found=False)
            if cron:
                # sudo: scheduling the system job is not a user action.
                cron.sudo()._trigger()

    def _breach_risk_elapsed(self, now):
        """{request id: working hours used} for requests with a calendar."""
        by_calendar = {}
        for request in self:
            calendar = request._sla_calendar()
            if calendar and request.sla_clock_start:
                until = request.sla_pause_start or now
                by_calendar.setdefault(calendar, []).append((request, until))
        result = {}
        for calendar, items in by_calendar.items():
            worked = calendar._service_hours_between_batch(
                [(request.sla_clock_start, until) for request, until in items]
            )
            for (request, _until), hours in zip(items, worked, strict=True):
                result[request.id] = max(hours - request.sla_clock_credit, 0.0)
        return result

    @api.model
    def _breach_risk_history(self, company_ids):
        """{(company id, target): {(team id, priority): [(hours, event, count)]}}
        from the completed (and closed, never answered) targets, in one query."""
        self.flush_model(
            [
                "company_id",
                "team_id",
                "priority",
                "sla_policy_id",
                "first_response_date",
                "resolved_date",
                "response_working_hours",
                "resolution_working_hours",
            ]
        )
        table = SQL.identifier(self._table)
        scope = SQL("company_id IN %s AND sla_policy_id IS NOT NULL", tuple(company_ids))
        self.env.cr.execute(
            SQL(
                """
                SELECT company_id, team_id, priority, 'response',
                       ROUND(response_working_hours::numeric, 2)::float8, TRUE, COUNT(*)
                  FROM %(table)s
                 WHERE %(scope)s AND first_response_date IS NOT NULL
                 GROUP BY 1, 2, 3, 5
                 UNION ALL
                SELECT company_id, team_id, priority, 'response',
                       ROUND(resolution_working_hours::numeric, 2)::float8, FALSE, COUNT(*)
                  FROM %(table)s
                 WHERE %(scope)s AND first_response_date IS NULL AND resolved_date IS NOT NULL
                 GROUP BY 1, 2, 3, 5
                 UNION ALL
                SELECT company_id, team_id, priority, 'resolution',
                       ROUND(resolution_working_hours::numeric, 2)::float8, TRUE, COUNT(*)
                  FROM %(table)s
                 WHERE %(scope)s AND resolved_date IS NOT NULL
                 GROUP BY 1, 2, 3, 5
                """,
                table=table,
                scope=scope,
            )
        )
        samples = {}
        for company_id, team_id, priority, target, hours, event, count in self.env.cr.fetchall():
            cells = samples.setdefault((company_id, target), {})
            cells.setdefault((team_id, priority), []).append((hours or 0.0, event, count))
        return samples

    @api.model
    def _breach_risk_curves(self, samples):
        """{(company id, target): (curves per cell, company curve or None, events)}."""
        curves = {}
        for key, cells in samples.items():
            fitted = {}
            for cell, rows in cells.items():
                if sum(count for _h, event, count in rows if event) >= MIN_HISTORY:
                    fitted[cell] = kaplan_meier(*zip(*rows, strict=True))
            pooled = [row for rows in cells.values() for row in rows]
            events = sum(count for _h, event, count in pooled if event)
            company = kaplan_meier(*zip(*pooled, strict=True)) if events >= MIN_HISTORY else None
            curves[key] = (fitted, company, events)
        return curves

    def _breach_risk_row(self, curves, elapsed):
        """(id, then per target: risk, basis, sample, alert) of one request."""
        row = [self.id]
        policy = self.sla_policy_id
        for target, (hours_field, done) in TARGETS.items():
            if self[done] or elapsed is None:
                row += [0.0, None, 0, False]
                continue
            fitted, company, events = curves.get((self.company_id.id, target), ({}, None, 0))
            curve = fitted.get((self.team_id.id or None, self.priority))
            basis = "team" if curve else "company"
            curve = curve or company
            if not curve:
                row += [0.0, "none", events, False]
                continue
            risk = round(curve.breach_risk(policy[hours_field], elapsed), 4)
            alert = bool(policy.warning_risk) and risk >= policy.warning_risk
            row += [risk, basis, curve.events, alert]
        return row

    @api.model
    def _breach_risk_store(self, rows, company_ids, now):
        """Write the rows in batches (one UPDATE per thousand requests, not
        one per request), and clear the figures of closed requests."""
        table = SQL.identifier(self._table)
        columns = ["id"] + [
            f"{target}_{suffix}"
            for target in TARGETS
            for suffix in ("breach_risk", "risk_basis", "risk_sample", "risk_alert")
        ]
        types = ["int4"] + ["float8", "varchar", "int4", "bool"] * len(TARGETS)
        assignments = SQL(", ").join(
            SQL("%s = v.%s", SQL.identifier(column), SQL.identifier(column))
            for column in columns[1:]
        )
        for chunk in split_every(1000, rows):
            values = SQL(", ").join(
                SQL(
                    "(%s)",
                    SQL(", ").join(
                        SQL("%s::%s", value, SQL(kind))
                        for value, kind in zip(row, types, strict=True)
                    ),
                )
                for row in chunk
            )
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE %(table)s AS r
                       SET %(assignments)s, breach_risk_date = %(now)s
                      FROM (VALUES %(values)s) AS v(%(columns)s)
                     WHERE r.id = v.id
                    """,
                    table=table,
                    assignments=assignments,
                    now=now,
                    values=values,
                    columns=SQL(", ").join(SQL.identifier(column) for column in columns),
                )
            )
        self.env.cr.execute(
            SQL(
                """
                UPDATE %(table)s
                   SET response_breach_risk = 0, response_risk_basis = NULL,
                       response_risk_sample = 0, response_risk_alert = FALSE,
                       resolution_breach_risk = 0, resolution_risk_basis = NULL,
                       resolution_risk_sample = 0, resolution_risk_alert = FALSE
                 WHERE company_id IN %(companies)s AND is_closed
                   AND (response_risk_basis IS NOT NULL OR resolution_risk_basis IS NOT NULL)
                """,
                table=table,
                companies=tuple(company_ids),
            )
        )
        self.invalidate_model(list(RISK_FIELDS))
