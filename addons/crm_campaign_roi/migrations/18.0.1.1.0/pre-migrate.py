"""Make room for the unique attribution line per conversion, model and touch."""

from odoo.tools import SQL


def migrate(cr, version):
    # The unique constraint's index covers the lookups by conversion.
    cr.execute(SQL("DROP INDEX IF EXISTS crm_campaign_attribution_conversion_idx"))
    # Lines are derived data: drop the duplicates that concurrent refreshes
    # may have inserted; post-migrate recomputes every line.
    cr.execute(
        SQL(
            """DELETE FROM crm_campaign_attribution a
                USING crm_campaign_attribution b
               WHERE a.conversion_model = b.conversion_model
                 AND a.conversion_id = b.conversion_id
                 AND a.attribution_model = b.attribution_model
                 AND a.touch_id = b.touch_id
                 AND a.id > b.id"""
        )
    )
