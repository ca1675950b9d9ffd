"""The key-account dashboard of managers (client action ``crm_keyaccount.dashboard``).

One call, :meth:`get_dashboard_data`, gives every figure and the Pareto curve
in a constant number of queries; :meth:`get_dashboard_action` opens the list
behind a figure. Both read with the manager's own access rights.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..tools import keyaccount as ka

# Points of the Pareto curve sent to the browser, whatever the number of customers.
PARETO_POINTS = 200


class CrmKeyaccountDashboard(models.AbstractModel):
    _name = "crm.keyaccount.dashboard"
    _description = "Key-Account Dashboard"

    @api.model
    def _check_dashboard_access(self):
        user = self.env.user
        if not (
            user.has_group("crm_keyaccount.crm_keyaccount_group_manager")
            or user.has_group("sales_team.group_sale_manager")
        ):
            raise AccessError(self.env._("Only managers open the key-account dashboard."))

    @api.model
    def _key_accounts(self):
        """The key accounts of the current company: companies with a title."""
        company = self.env.company
        return self.env["res.partner"].search(
            [
                ("keyaccount_title_id", "!=", False),
                ("parent_id", "=", False),
                ("company_id", "in", (False, company.id)),
            ]
        )

    @api.model
    def _single_threaded(self, accounts):
        """The ``accounts`` carried by one person or one level of their map."""
        groups = self.env["crm.keyaccount.contact"]._read_group(
            [("partner_id", "in", accounts.ids)], ["partner_id", "org_level"], ["__count"]
        )
        levels = {}
        for partner, level, count in groups:
            levels.setdefault(partner.id, []).extend([level] * count)
        return accounts.filtered(lambda p: ka.coverage(levels.get(p.id, []))[1])

    @api.model
    def _health_down(self, accounts):
        """The ``accounts`` whose latest completed assessment worsened."""
        assessments = self.env["crm.keyaccount.assessment"].search_fetch(
            [("state", "=", "done"), ("partner_id", "in", accounts.ids)],
            ["partner_id", "trend"],
            order="date_done desc, id desc",
        )
        latest = {}
        for assessment in assessments:
            latest.setdefault(assessment.partner_id.id, assessment.trend)
        return accounts.filtered(lambda p: latest.get(p.id) == "down")

    @api.model
    def _overdue_reviews_domain(self):
        return [("date_review", "<", fields.Date.context_today(self))]

    @api.model
    def _pareto_points(self, company):
        """``[(customers %, cumulative revenue %)]`` of the customers of
        ``company`` ranked by revenue, at most ``PARETO_POINTS`` of them."""
        query = self.env["crm.keyaccount.figure"]._search(
            [("company_id", "=", company.id), ("revenue", ">", 0)]
        )
        rows = self.env.execute_query(
            SQL(
                """
                WITH ranked AS (
                    SELECT row_number() OVER (ORDER BY revenue DESC) AS n,
                           COUNT(*) OVER () AS customers,
                           SUM(revenue) OVER (ORDER BY revenue DESC ROWS UNBOUNDED PRECEDING)
                             AS running,
                           SUM(revenue) OVER () AS total
                      FROM (%(figures)s) AS figure
                )
                SELECT n * 100.0 / customers, running * 100.0 / total
                  FROM ranked
                 WHERE n = customers OR mod(n, GREATEST(customers / %(points)s, 1)) = 0
                 ORDER BY n
                """,
                figures=query.select(SQL.identifier(query.table, "revenue")),
                points=PARETO_POINTS,
            )
        )
        return [(0.0, 0.0)] + [(round(float(x), 2), round(float(y), 2)) for x, y in rows]

    @api.model
    def get_dashboard_data(self):
        """Every figure of the dashboard and the Pareto curve."""
        self._check_dashboard_access()
        company = self.env.company
        accounts = self._key_accounts()
        # sudo: the base of the shares, the company's last ranked total
        total = company.sudo().keyaccount_revenue_total
        [(class_a,)] = self.env["crm.keyaccount.figure"]._read_group(
            [("company_id", "=", company.id), ("abc_class", "=", ka.CLASS_A)], [], ["revenue:sum"]
        )
        share = (class_a or 0.0) * 100.0 / total if total else 0.0
        overdue = self.env["crm.keyaccount.plan"].search_count(self._overdue_reviews_domain())
        figures = [
            ("key_accounts", self.env._("Key Accounts"), str(len(accounts))),
            ("class_a", self.env._("Class-A Share of Revenue"), f"{share:.1f} %"),
            (
                "single_threaded",
                self.env._("Single-Threaded Risk"),
                str(len(self._single_threaded(accounts))),
            ),
            ("overdue_reviews", self.env._("Overdue Account Reviews"), str(overdue)),
            (
                "health_down",
                self.env._("Health Trending Down"),
                str(len(self._health_down(accounts))),
            ),
        ]
        if "crm.service.request" in self.env:
            # the service figures of the ranking (see _keyaccount_service_figures)
            rows = self.env["crm.keyaccount.figure"].search_fetch(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", accounts.ids),
                    ("sla_targets", ">", 0),
                ],
                ["sla_targets", "sla_compliance"],
            )
            decided = sum(rows.mapped("sla_targets"))
            on_time = sum(row.sla_targets * row.sla_compliance / 100.0 for row in rows)
            compliance = f"{on_time * 100.0 / decided:.1f} %" if decided else "-"
            figures.append(("sla", self.env._("Key Accounts' SLA Compliance"), compliance))
        return {
            "figures": [
                {"key": key, "label": label, "value": value} for key, label, value in figures
            ],
            "pareto": {
                "points": self._pareto_points(company),
                # sudo: the thresholds of the classes drawn on the curve
                "threshold_a": company.sudo().keyaccount_abc_threshold_a,
                "threshold_b": company.sudo().keyaccount_abc_threshold_b,
            },
        }

    @api.model
    def get_dashboard_action(self, key):
        """The list behind the figure ``key`` of the dashboard."""
        self._check_dashboard_access()
        if key == "overdue_reviews":
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "crm_keyaccount.crm_keyaccount_plan_action"
            )
            action["domain"] = self._overdue_reviews_domain()
            action["name"] = self.env._("Overdue Account Reviews")
            return action
        accounts = self._key_accounts()
        domains = {
            "key_accounts": lambda: [("id", "in", accounts.ids)],
            "class_a": lambda: [
                ("parent_id", "=", False),
                ("keyaccount_abc_class", "=", ka.CLASS_A),
            ],
            "single_threaded": lambda: [("id", "in", self._single_threaded(accounts).ids)],
            "health_down": lambda: [("id", "in", self._health_down(accounts).ids)],
            "sla": lambda: [("id", "in", accounts.ids), ("keyaccount_sla_targets", ">", 0)],
        }
        if key not in domains:
            raise ValueError(f"Unknown dashboard figure {key!r}")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_keyaccount.res_partner_action_keyaccount"
        )
        action["domain"] = domains[key]()
        action["context"] = {}
        return action
