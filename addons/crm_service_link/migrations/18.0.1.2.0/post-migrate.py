"""Ratings given before 18.0.1.2.0 were two columns of the request: they become
Odoo ratings (rating.rating, given and consumed), then the columns go."""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not column_exists(cr, "crm_service_request", "customer_rating"):
        return
    cr.execute(
        SQL(
            """SELECT id, customer_rating, customer_rating_comment,
                      COALESCE(contact_id, partner_id), write_date
                 FROM crm_service_request
                WHERE customer_rating IS NOT NULL"""
        )
    )
    rows = cr.fetchall()
    env = api.Environment(cr, SUPERUSER_ID, {})
    model_id = env["ir.model"]._get_id("crm.service.request")
    ratings = env["rating.rating"].create(
        [
            {
                "res_model_id": model_id,
                "res_id": request_id,
                "partner_id": partner_id,
                "rating": float(value),
                "feedback": comment or False,
                "consumed": True,
            }
            for request_id, value, comment, partner_id, _date in rows
        ]
    )
    env.flush_all()
    env["crm.service.request"].browse([row[0] for row in rows])._compute_rating_last_value()
    env.flush_all()
    # the ratings keep the date they were given
    for rating, row in zip(ratings, rows, strict=True):
        cr.execute(SQL("UPDATE rating_rating SET write_date = %s WHERE id = %s", row[4], rating.id))
    cr.execute(
        SQL(
            "ALTER TABLE crm_service_request DROP COLUMN customer_rating, "
            "DROP COLUMN customer_rating_comment"
        )
    )
