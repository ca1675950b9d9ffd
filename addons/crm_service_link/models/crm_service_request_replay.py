# pylint: disable=consider-merging-classes-inherited
# (one model over several files: each file stays under ~400 lines)
from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..tools import sla_replay
from ..tools.integrity import as_system

MANAGER_GROUP = "crm_service_link.crm_service_link_group_manager"
# fields whose tracked changes make the SLA history
HISTORY_FIELDS = ("stage_id", "team_id", "priority", "partner_id", "company_id")
# request columns the repair rewrites in one UPDATE, with their SQL type
BULK_COLUMNS = {
    "sla_policy_id": "int4",
    "sla_clock_start": "timestamp",
    "sla_clock_credit": "float8",
    "sla_pause_start": "timestamp",
    "sla_pause_return_stage_id": "int4",
    "sla_calendar_id": "int4",
    "paused_hours": "float8",
    "first_response_date": "timestamp",
    "response_working_hours": "float8",
    "resolved_date": "timestamp",
    "resolution_working_hours": "float8",
    "sla_last_event_date": "timestamp",
    "response_deadline": "timestamp",
    "response_warning_date": "timestamp",
    "resolution_deadline": "timestamp",
    "resolution_warning_date": "timestamp",
    "response_warned": "bool",
    "response_escalated": "bool",
    "resolution_warned": "bool",
    "resolution_escalated": "bool",
}


class CrmServiceRequest(models.Model):
    """Repair: every SLA figure recomputed from the request's history by the
    same clock as the live engine (tools/sla_replay)."""

    _inherit = "crm.service.request"

    def _sla_check_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only service managers may repair the service level of requests.")
            )

    def action_sla_repair(self):
        """Recompute the SLA of these requests from their history."""
        self._sla_check_manager()
        self.check_access("read")
        # sudo: a service manager rebuilds what the engine measures.
        as_system(self)._sla_repair()
        return True

    @api.model
    def _sla_repair_open(self, calendars=None, policies=None):
        """Repair the open requests counted in ``calendars`` or under ``policies``
        (after a change to a calendar, its holidays or a policy)."""
        self._sla_check_manager()
        # sudo: the manager repairs every open request the change affects.
        Request = as_system(self)
        requests = Request.search([("is_closed", "=", False)])
        if policies is not None:
            requests = requests.filtered(lambda r: r.sla_policy_id in policies)
        if calendars is not None:
            requests = requests.filtered(lambda r: r._sla_calendar() in calendars)
        requests._sla_repair()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%(count)s open requests repaired.", count=len(requests)),
            },
        }

    def _sla_repair(self, now=None):
        """Replay the history of the requests and rewrite every figure (system)."""
        if not self:
            return
        now = now or fields.Datetime.now()
        histories = self._sla_histories()
        keys = {key for events in histories.values() for key in events["keys"]}
        policies = self._sla_match(list(keys))
        data = self._sla_policy_data(self.env["crm.service.sla.policy"].union(*policies.values()))
        Team = self.env["crm.service.team"]
        Company = self.env["res.company"]
        stages = self.env["crm.service.stage"].with_context(active_test=False).search([])
        closed = {stage.id: stage.is_closed for stage in stages}

        def calendar_of(key, policy):
            team = Team.browse(key[1])
            if policy:
                return policy._get_calendar(team).id
            return (team.resource_calendar_id or Company.browse(key[0]).resource_calendar_id).id

        all_events = {}
        windows = {}
        for request in self:
            history = histories[request.id]
            events = []
            for kind, date, payload in history["events"]:
                if kind == "start":
                    stage, key = payload
                    policy = policies[key]
                    events.append(
                        (
                            "start",
                            date,
                            stage,
                            closed.get(stage, False),
                            key[1],
                            data.get(policy.id),
                            calendar_of(key, policy),
                        )
                    )
                elif kind == "stage":
                    events.append(("stage", date, payload, closed.get(payload, False)))
                elif kind == "rematch":
                    policy = policies[payload]
                    events.append(
                        (
                            "rematch",
                            date,
                            payload[1],
                            data.get(policy.id),
                            calendar_of(payload, policy),
                        )
                    )
                else:
                    events.append(("reply", date))
            all_events[request] = events
            for event in events:
                calendar = event[-1] if event[0] in ("start", "rematch") else None
                if calendar:
                    begin, end = windows.get(calendar, (request.request_date, now))
                    windows[calendar] = (min(begin, request.request_date), max(end, now))
        schedules = self._sla_schedules(windows)
        states = {
            request: sla_replay.replay(events, schedules) for request, events in all_events.items()
        }
        self._sla_save(states, now, replace=True)
        self._sla_schedule_job()

    def _sla_histories(self):
        """{request id: {"events": [(kind, date, payload)], "keys": {key}}} from
        the request date, the tracked changes and the public replies."""
        self.env["mail.message"].flush_model()
        self.env["mail.tracking.value"].flush_model()
        self.flush_recordset([*HISTORY_FIELDS, "request_date"])
        cr = self.env.cr
        cr.execute(
            SQL(
                """SELECT m.res_id, m.id, m.date, m.message_type, m.subtype_id,
                          COALESCE(u.internal, FALSE)
                     FROM mail_message m
                LEFT JOIN (SELECT partner_id, NOT bool_and(share) AS internal
                             FROM res_users GROUP BY partner_id) u
                       ON u.partner_id = m.author_id
                    WHERE m.model = %s AND m.res_id = ANY(%s)
                 ORDER BY m.res_id, m.date, m.id""",
                self._name,
                self.ids,
            )
        )
        messages = cr.fetchall()
        cr.execute(
            SQL(
                """SELECT v.mail_message_id, f.name, v.old_value_integer, v.new_value_integer,
                          v.old_value_char, v.new_value_char
                     FROM mail_tracking_value v
                     JOIN ir_model_fields f ON f.id = v.field_id
                     JOIN mail_message m ON m.id = v.mail_message_id
                    WHERE m.model = %s AND m.res_id = ANY(%s) AND f.model = %s
                      AND f.name IN %s
                 ORDER BY v.id""",
                self._name,
                self.ids,
                self._name,
                HISTORY_FIELDS,
            )
        )
        changes = {}
        for message_id, fname, old_int, new_int, old_char, new_char in cr.fetchall():
            changes.setdefault(message_id, []).append((fname, old_int, new_int, old_char, new_char))
        priorities = self._sla_priority_labels()
        comment = self.env.ref("mail.mt_comment").id
        by_request = {}
        for res_id, message_id, date, message_type, subtype_id, internal in messages:
            by_request.setdefault(res_id, []).append(
                (message_id, date, message_type == "comment" and subtype_id == comment and internal)
            )
        histories = {}
        for request in self:
            rows = by_request.get(request.id, [])
            current = {
                "stage_id": request.stage_id.id,
                "team_id": request.team_id.id,
                "priority": request.priority,
                "partner_id": request.partner_id.id,
                "company_id": request.company_id.id,
            }
            initial = dict(current)
            seen = set()
            for message_id, _date, _reply in rows:
                for fname, old_int, _new_int, old_char, _new_char in changes.get(message_id, []):
                    if fname in seen:
                        continue
                    seen.add(fname)
                    initial[fname] = (
                        priorities.get(old_char, request.priority)
                        if fname == "priority"
                        else old_int or False
                    )
            values = dict(initial)

            def key_of(vals):
                return (vals["company_id"], vals["team_id"], vals["priority"], vals["partner_id"])

            keys = {key_of(values)}
            events = [("start", request.request_date, (values["stage_id"], key_of(values)))]
            replied = False
            for message_id, date, reply in rows:
                tracked = changes.get(message_id, [])
                new = {
                    fname: priorities.get(new_char, values["priority"])
                    if fname == "priority"
                    else new_int or False
                    for fname, _old, new_int, _old_char, new_char in tracked
                }
                if "stage_id" in new and new["stage_id"] != values["stage_id"]:
                    values["stage_id"] = new["stage_id"]
                    events.append(("stage", date, new["stage_id"]))
                moved = {f: v for f, v in new.items() if f != "stage_id" and values[f] != v}
                if moved:
                    values.update(moved)
                    keys.add(key_of(values))
                    events.append(("rematch", date, key_of(values)))
                if reply and not replied:
                    replied = True
                    events.append(("reply", date, None))
            histories[request.id] = {"events": events, "keys": keys}
        return histories

    @api.model
    def _sla_priority_labels(self):
        """{label: priority} in every active language (tracking keeps labels)."""
        labels = {}
        field = self._fields["priority"]
        for lang, _name in self.env["res.lang"].get_installed():
            env = self.with_context(lang=lang).env
            for value, label in field._description_selection(env):
                labels[label] = value
        return labels

    def _sla_bulk_value(self, column, vals):
        value = vals[column] if column in vals else self._sla_stored(column)
        kind = BULK_COLUMNS[column]
        if kind == "bool":
            value = bool(value)
        elif kind == "float8":
            value = value or 0.0
        else:
            value = value or None
        return SQL("%s::%s", value, SQL(kind))

    def _sla_write_bulk(self, values):
        """Write the repaired figures of many requests in one UPDATE."""
        columns = list(BULK_COLUMNS)
        rows = [
            SQL(
                "(%s)",
                SQL(", ").join(
                    [SQL("%s", request.id)]
                    + [request._sla_bulk_value(col, vals) for col in columns]
                ),
            )
            for request, vals in values.items()
        ]
        if not rows:
            return
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE crm_service_request AS r SET %s FROM (VALUES %s) AS v(id, %s) "
                "WHERE r.id = v.id",
                SQL(", ").join(
                    SQL("%s = v.%s", SQL.identifier(c), SQL.identifier(c)) for c in columns
                ),
                SQL(", ").join(rows),
                SQL(", ").join(SQL.identifier(c) for c in columns),
            )
        )
        requests = self.browse([request.id for request in values])
        requests.invalidate_recordset(columns)
        requests.modified(columns)
