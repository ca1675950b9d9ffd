from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.integrity import check_numbers, refuse_engine_fields

AMOUNT_LIMITS = {"amount": (0.0, 1e12)}
# Computed from the amount, its currency and date: never set by hand.
ENGINE_FIELDS = ("amount_company",)


class UtmCampaignCost(models.Model):
    _name = "utm.campaign.cost"
    _description = "Campaign Cost Line"
    _order = "date desc, id desc"
    _check_company_auto = True

    # Identity
    name = fields.Char(
        string="Description",
        compute="_compute_name",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="Defaults to the vendor bill, else to the category and date.",
    )
    campaign_id = fields.Many2one("utm.campaign", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    # Amount
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    amount = fields.Monetary(currency_field="currency_id", required=True)
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    amount_company = fields.Monetary(
        string="Amount in Company Currency",
        currency_field="company_currency_id",
        compute="_compute_amount_company",
        store=True,
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    category = fields.Selection(
        [
            ("media", "Media and advertising"),
            ("event", "Events"),
            ("content", "Content and creative"),
            ("tools", "Tools and services"),
            ("staff", "Staff time"),
            ("other", "Other"),
        ],
        default="media",
        required=True,
    )
    move_id = fields.Many2one(
        "account.move",
        string="Vendor Bill",
        index="btree_not_null",
        check_company=True,
        ondelete="set null",
        domain="[('move_type', 'in', ('in_invoice', 'in_refund'))]",
    )

    @api.depends("category", "date", "move_id")
    def _compute_name(self):
        categories = dict(self._fields["category"]._description_selection(self.env))
        for line in self:
            if line.name:
                continue
            if line.move_id:
                # sudo: the bill's reference only names the line; cost managers
                # may not read invoices.
                move = line.move_id.sudo()
                line.name = move.ref or move.name or move.display_name
            else:
                line.name = self.env._(
                    "%(category)s of %(date)s",
                    category=categories.get(line.category) or self.env._("Cost"),
                    date=line.date or fields.Date.context_today(line),
                )

    @api.depends("amount", "currency_id", "date", "company_id")
    def _compute_amount_company(self):
        for line in self:
            company = line.company_id or self.env.company
            line.amount_company = (line.currency_id or company.currency_id)._convert(
                line.amount, company.currency_id, company, line.date or fields.Date.today()
            )

    @api.constrains("amount")
    def _check_amount(self):
        for line in self:
            if line.currency_id.compare_amounts(line.amount, 0.0) < 0:
                raise ValidationError(
                    self.env._(
                        "The cost %(name)s cannot be negative (%(amount)s).",
                        name=line.name,
                        amount=line.amount,
                    )
                )

    @api.constrains("company_id", "date")
    def _check_company_open(self):
        allowed = (
            self.env.companies
            if not self.env.su
            else self.env["res.company"].with_context(active_test=False).search([])
        )
        for line in self:
            # sudo: read the name and lock dates of a company the user may not
            # see, only to refuse the line with a clear message.
            company = line.company_id.sudo()
            if company not in allowed:
                raise ValidationError(
                    self.env._(
                        "The cost %(name)s belongs to %(company)s, which is not one of your "
                        "companies.",
                        name=line.name,
                        company=company.name,
                    )
                )
            lock_dates = [
                lock for lock in (company.fiscalyear_lock_date, company.hard_lock_date) if lock
            ]
            if not company.active or (lock_dates and line.date <= max(lock_dates)):
                raise ValidationError(
                    self.env._(
                        "The cost %(name)s of %(date)s falls in a closed period of %(company)s.",
                        name=line.name,
                        date=line.date,
                        company=company.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        refuse_engine_fields(self, vals_list, ENGINE_FIELDS)
        for vals in vals_list:
            check_numbers(self, vals, AMOUNT_LIMITS)
        return super().create(vals_list)

    def write(self, vals):
        refuse_engine_fields(self, [vals], ENGINE_FIELDS)
        check_numbers(self, vals, AMOUNT_LIMITS)
        return super().write(vals)
