"""One record rule for the figures, following the visibility policy of
``crm.keyaccount.figure``: the two rules it replaces are removed (they were
loaded without update, so the upgrade keeps them otherwise)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in (
        "crm_keyaccount.crm_keyaccount_figure_rule_user",
        "crm_keyaccount.crm_keyaccount_figure_rule_manager",
    ):
        rule = env.ref(xmlid, raise_if_not_found=False)
        if rule:
            rule.unlink()
    # administrators, who may delete title history lines, see all of them
    history_rule = env.ref(
        "crm_keyaccount.crm_keyaccount_title_history_rule_manager", raise_if_not_found=False
    )
    if history_rule:
        history_rule.groups |= env.ref("base.group_system")
