"""Export the .pot of each addon and merge it into its uk.po (see setup/i18n)."""

import io
import os
import sys

import polib

import odoo
from odoo.tools.translate import trans_export

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(conf, db, addons):
    odoo.tools.config.parse_config(["-c", conf, "-d", db])
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        for addon in addons:
            buf = io.BytesIO()
            trans_export(False, [addon], buf, "po", cr)
            i18n = os.path.join(REPO, "addons", addon, "i18n")
            os.makedirs(i18n, exist_ok=True)
            pot_path = os.path.join(i18n, f"{addon}.pot")
            with open(pot_path, "wb") as f:
                f.write(buf.getvalue())
            pot = polib.pofile(pot_path)
            po_path = os.path.join(i18n, "uk.po")
            po = polib.pofile(po_path) if os.path.exists(po_path) else polib.POFile()
            po.merge(pot)
            po.metadata.update(
                {
                    "Project-Id-Version": "Odoo Server 18.0",
                    "Language": "uk",
                    "MIME-Version": "1.0",
                    "Content-Type": "text/plain; charset=UTF-8",
                    "Content-Transfer-Encoding": "",
                    "Plural-Forms": "nplurals=4; plural=(n % 1 == 0 && n % 10 == 1 && "
                    "n % 100 != 11 ? 0 : n % 1 == 0 && n % 10 >= 2 && n % 10 <= 4 && "
                    "(n % 100 < 12 || n % 100 > 14) ? 1 : n % 1 == 0 && (n % 10 ==0 || "
                    "(n % 10 >=5 && n % 10 <=9) || (n % 100 >=11 && n % 100 <=14 )) ? 2: 3);",
                }
            )
            # The layout oca-checks-po expects (po-pretty-format): entries
            # sorted by msgid, lines wrapped at 78 columns as Odoo does.
            po.sort(key=lambda entry: entry.msgid)
            po.save(po_path)
            missing = [
                e.msgid
                for e in po
                if not e.obsolete and (not e.msgstr or e.fuzzy or e.msgstr == e.msgid)
            ]
            print(f"{addon}: {len(pot)} terms, {len(missing)} untranslated in uk.po")
            for msgid in missing:
                print(f"    {msgid!r}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
