from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools.safe_eval import safe_eval

PRIORITIES = [("0", "Low"), ("1", "Normal"), ("2", "High"), ("3", "Urgent")]
# About a year of full-time working hours: a longer target is a typing error.
MAX_TARGET_HOURS = 2000


class CrmServiceSlaPolicy(models.Model):
    _name = "crm.service.sla.policy"
    _inherit = ["crm.service.number.mixin"]
    _description = "Service Level Policy"
    _order = "sequence, id"
    _check_company_auto = True

    # Identity
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="The first matching policy wins.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    # Matching
    team_ids = fields.Many2many(
        "crm.service.team",
        string="Teams",
        check_company=True,
        help="Empty: every team.",
    )
    priority = fields.Selection(PRIORITIES, help="Empty: every priority.")
    partner_domain = fields.Char(
        string="Customers",
        default="[]",
        help="Only requests of customers matching this domain use the policy.",
    )
    # Targets
    response_hours = fields.Float(
        string="First Response (working hours)", required=True, default=4.0
    )
    resolution_hours = fields.Float(
        string="Resolution (working hours)", required=True, default=40.0
    )
    warning_percent = fields.Integer(
        string="Warning at (%)",
        default=80,
        help="Warn the team manager when this share of a target is used.",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        check_company=True,
        help="Empty: the working hours of the request's team.",
    )
    pause_stage_ids = fields.Many2many(
        "crm.service.stage",
        string="Pause Stages",
        help="Time spent in these stages (e.g. waiting on the customer) does not count.",
    )

    @api.constrains("response_hours", "resolution_hours")
    def _check_hours(self):
        for policy in self:
            hours = (policy.response_hours, policy.resolution_hours)
            if not all(0 < value <= MAX_TARGET_HOURS for value in hours):
                raise ValidationError(
                    self.env._(
                        "The targets of the policy %(policy)s must be more than 0 and at most "
                        "%(max)s working hours.",
                        policy=policy.name,
                        max=MAX_TARGET_HOURS,
                    )
                )
            if policy.resolution_hours < policy.response_hours:
                raise ValidationError(
                    self.env._(
                        "The resolution target of the policy %(policy)s cannot be shorter than "
                        "its first response target.",
                        policy=policy.name,
                    )
                )

    @api.constrains("warning_percent")
    def _check_warning_percent(self):
        for policy in self:
            if not 1 <= policy.warning_percent <= 99:
                raise ValidationError(
                    self.env._(
                        "The warning threshold of the policy %(policy)s must be between "
                        "1 and 99 percent.",
                        policy=policy.name,
                    )
                )

    @api.constrains("partner_domain")
    def _check_partner_domain(self):
        for policy in self:
            try:
                policy._get_partner_domain()
            except (ValueError, SyntaxError, TypeError, KeyError, NameError, AssertionError):
                raise ValidationError(
                    self.env._(
                        "The customer domain of the policy %(policy)s is not valid: %(domain)s",
                        policy=policy.name,
                        domain=policy.partner_domain,
                    )
                ) from None

    @api.constrains("resource_calendar_id", "team_ids")
    def _check_calendar(self):
        for policy in self:
            calendars = policy.resource_calendar_id or policy.team_ids.resource_calendar_id
            try:
                calendars._service_check_working_time()
            except UserError as error:
                raise ValidationError(error.args[0]) from None

    def _get_partner_domain(self):
        """The partner domain as a list, validated against res.partner."""
        self.ensure_one()
        domain = safe_eval(self.partner_domain or "[]")
        if not isinstance(domain, list | tuple):
            raise ValueError(self.partner_domain)
        domain = expression.normalize_domain(domain)
        # sudo: the domain is configuration and may name fields the current
        # user cannot read (e.g. key-account titles); only its validity is
        # checked here.
        self.env["res.partner"].sudo()._where_calc(domain)
        return domain

    def _get_calendar(self, team):
        return (
            self.resource_calendar_id
            or team.resource_calendar_id
            or self.company_id.resource_calendar_id
        )

    @api.model
    def _match_batch(self, keys):
        """Matching policy for many (company_id, team_id, priority, partner_id) keys.

        One search for the policies, and one partner search per policy with a
        customer domain, whatever the number of keys.
        """
        company_ids = {key[0] for key in keys}
        policies = self.search([("company_id", "in", list(company_ids))])
        partner_ids = list({key[3] for key in keys if key[3]})
        allowed = {}
        for policy in policies:
            domain = policy._get_partner_domain()
            if domain and domain != [(1, "=", 1)]:
                # sudo: the consultant's domain may name fields the requester
                # cannot read (key-account titles); the search only decides
                # which policy applies and returns no partner data to anyone.
                partners = (
                    self.env["res.partner"]
                    .sudo()
                    .search(expression.AND([domain, [("id", "in", partner_ids)]]))
                )
                allowed[policy.id] = set(partners.ids)
        result = {}
        for key in set(keys):
            company_id, team_id, priority, partner_id = key
            result[key] = next(
                (
                    policy
                    for policy in policies
                    if policy.company_id.id == company_id
                    and (not policy.team_ids or team_id in policy.team_ids.ids)
                    and (not policy.priority or policy.priority == priority)
                    and (policy.id not in allowed or partner_id in allowed[policy.id])
                ),
                self.browse(),
            )
        return result

    @api.model
    def _match_agreed_batch(self, keys):
        """The service level agreed with each customer, for many
        (company_id, team_id, priority, partner_id) keys: {key: handoff}.

        A customer's (commercial partner's) ACCEPTED handoffs with an agreed
        policy govern its requests when that policy fits the request: same
        company and, if the policy names teams, the request's team. Among those
        that fit, the latest accepted wins (then the newest handoff). Keys
        without one are absent. Two queries whatever the number of keys.
        """
        partners = self.env["res.partner"].browse({key[3] for key in keys if key[3]})
        commercial = {partner.id: partner.commercial_partner_id.id for partner in partners}
        if not commercial:
            return {}
        # sudo: which handoff governs a request is decided for every requester,
        # also when the handoff belongs to a sales owner they cannot read.
        handoffs = (
            self.env["crm.service.handoff"]
            .sudo()
            .search(
                [
                    ("state", "=", "accepted"),
                    ("sla_policy_id", "!=", False),
                    ("partner_id", "in", list(set(commercial.values()))),
                ],
                order="accepted_date desc, id desc",
            )
        )
        result = {}
        for key in set(keys):
            company_id, team_id, _priority, partner_id = key
            found = next(
                (
                    handoff
                    for handoff in handoffs
                    if handoff.partner_id.id == commercial.get(partner_id)
                    and handoff.sla_policy_id.active
                    and handoff.sla_policy_id.company_id.id == company_id
                    and (
                        not handoff.sla_policy_id.team_ids
                        or team_id in handoff.sla_policy_id.team_ids.ids
                    )
                ),
                None,
            )
            if found:
                result[key] = found.with_env(self.env)
        return result
