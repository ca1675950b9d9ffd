"""Make room for the unique touch per mailing trace and event."""

from odoo.tools import SQL


def migrate(cr, version):
    # Touches are derived data: drop the duplicates that overlapping captures
    # may have inserted (their attribution lines go with them, and
    # post-migrate recomputes the attribution of the companies concerned).
    cr.execute(
        SQL(
            """DELETE FROM crm_campaign_touch a
                USING crm_campaign_touch b
               WHERE a.res_model = 'mailing.trace' AND b.res_model = 'mailing.trace'
                 AND a.res_id = b.res_id AND a.touch_type = b.touch_type
                 AND a.id > b.id
           RETURNING a.company_id"""
        )
    )
    companies = sorted({row[0] for row in cr.fetchall()})
    if companies:
        cr.execute(
            SQL(
                "INSERT INTO ir_config_parameter (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                "crm_campaign_roi.migration_recompute_companies",
                ",".join(map(str, companies)),
            )
        )
