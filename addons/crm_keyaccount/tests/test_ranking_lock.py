from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.crm_keyaccount_ranking import RANKING_LOCK
from .common import KeyaccountCommon


@tagged("post_install", "-at_install")
class TestKeyaccountRankingLock(KeyaccountCommon):
    """A ranking colliding with another one of the same company is not lost."""

    def test_busy_company_is_ranked_again_later(self):
        cron = self.env.ref("crm_keyaccount.ir_cron_keyaccount_recompute")
        Trigger = self.env["ir.cron.trigger"]
        triggers = Trigger.search([("cron_id", "=", cron.id)])
        self.assertFalse(self.company.keyaccount_ranked_date)
        # another transaction ranks the first company right now
        other = self.registry.cursor()
        try:
            other.execute("SELECT pg_advisory_xact_lock(%s, %s)", (RANKING_LOCK, self.company.id))
            Partner = self.env["res.partner"].with_user(self.user_ka_manager)
            with self.assertRaises(UserError):
                Partner.action_keyaccount_recompute()
            self.assertFalse(self.company.keyaccount_ranked_date)
            # the nightly job ranks the other companies and comes back for this one
            self.env["res.partner"]._cron_keyaccount_recompute()
            self.env.invalidate_all()
            self.assertFalse(self.company.keyaccount_ranked_date)
            self.assertTrue(self.company_2.keyaccount_ranked_date)
            self.assertFalse(
                self.env["crm.keyaccount.figure"].search([("company_id", "=", self.company.id)])
            )
            self.assertTrue(Trigger.search([("cron_id", "=", cron.id)]) - triggers)
        finally:
            other.rollback()
            other.close()
        # once the other ranking is over, the job's next run ranks the company
        self.env["res.partner"]._cron_keyaccount_recompute()
        self.env.invalidate_all()
        self.assertTrue(self.company.keyaccount_ranked_date)
