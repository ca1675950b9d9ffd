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
    def _foreign_source(self, row, closure):
        """Whether this term comes from a field that a module outside the addon's
        dependencies adds to the addon's models: e.g. `rating` gives every model
        with a chatter a `rating_ids` field once another addon needs `rating`.
        Such terms are not the addon's own: its .pot is made without them."""
        name, xmlid = row[2], row[3]
        if not name.startswith("ir.model.fields,") or not isinstance(xmlid, str):
            return False
        record = self.env.ref(xmlid, raise_if_not_found=False)
        if not record or record._name != "ir.model.fields" or record.model not in self.env:
            return False
        field = self.env[record.model]._fields.get(record.name)
        return bool(field) and field._module not in closure

    def _live_terms(self, addon):
        module = self.env["ir.module.module"].search([("name", "=", addon)])
        closure = {addon} | set(module.upstream_dependencies().mapped("name"))
        own, foreign = set(), set()
        for row in TranslationModuleReader(self.env.cr, modules=[addon]):
            if row[0] == addon:
                (foreign if self._foreign_source(row, closure) else own).add(row[4])
        return own, foreign - own

    def test_pot_matches_live_export(self):
        for addon in ADDONS:
            with self.subTest(addon=addon):
                live, foreign = self._live_terms(addon)
                pot = polib.pofile(str(ROOT / "addons" / addon / "i18n" / f"{addon}.pot"))
                in_file = {entry.msgid for entry in pot} - foreign
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
