"""Each addon's .pot must match a live export of its terms from the installed
code and data, so that translators always work on current strings."""

from pathlib import Path

import polib

from odoo.tests import TransactionCase
from odoo.tools.translate import TranslationModuleReader

from odoo_case import repository_case

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ["crm_keyaccount", "crm_campaign_roi", "crm_service_link"]


@repository_case
class TestPotIsFresh(TransactionCase):
    def test_pot_matches_live_export(self):
        for addon in ADDONS:
            with self.subTest(addon=addon):
                live = {
                    row[4]
                    for row in TranslationModuleReader(self.env.cr, modules=[addon])
                    if row[0] == addon
                }
                pot = polib.pofile(str(ROOT / "addons" / addon / "i18n" / f"{addon}.pot"))
                in_file = {entry.msgid for entry in pot}
                self.assertEqual(
                    sorted(live - in_file),
                    [],
                    f"{addon}: terms missing from the .pot (run ./setup/i18n {addon})",
                )
                self.assertEqual(
                    sorted(in_file - live),
                    [],
                    f"{addon}: stale terms in the .pot (run ./setup/i18n {addon})",
                )
