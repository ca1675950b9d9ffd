"""The figures table becomes an ordinary table of the ORM, with foreign keys
to its partner and company: the rows left by partners or companies removed
before are deleted first, so that the keys apply on a clean table."""


def migrate(cr, version):
    cr.execute(
        """
        DELETE FROM crm_keyaccount_figure figure
         WHERE NOT EXISTS (SELECT FROM res_partner partner WHERE partner.id = figure.partner_id)
            OR NOT EXISTS (SELECT FROM res_company company WHERE company.id = figure.company_id)
        """
    )
