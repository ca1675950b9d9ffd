"""Static checks over the three addons: layout, manifests, views, security
files, tests wiring and translations. They read files only, so they are fast
and tell exactly which file breaks a convention."""

import ast
import csv
import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ["crm_keyaccount", "crm_campaign_roi", "crm_service_link"]
REQUIRED_KEYS = [
    "name",
    "summary",
    "version",
    "category",
    "website",
    "author",
    "maintainers",
    "license",
    "development_status",
    "depends",
    "data",
    "demo",
    "installable",
]


def manifest(addon):
    return ast.literal_eval((ROOT / "addons" / addon / "__manifest__.py").read_text())


def addon_files(addon, pattern):
    return sorted((ROOT / "addons" / addon).rglob(pattern))


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest_is_complete(addon):
    data = manifest(addon)
    for key in REQUIRED_KEYS:
        assert data.get(key) not in (None, "", [], {}), f"{addon}: manifest key {key!r} is empty"
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", data["version"]), data["version"]
    assert data["license"] in ("LGPL-3", "AGPL-3")
    assert data["installable"] is True
    assert "crm" in data["depends"]
    assert data["data"][0].startswith("security/"), "security files load first"
    for path in data["data"] + data["demo"]:
        assert (ROOT / "addons" / addon / path).is_file(), f"{addon}: missing {path}"


@pytest.mark.parametrize("addon", ADDONS)
def test_layout(addon):
    base = ROOT / "addons" / addon
    for path in (
        "__init__.py",
        "pyproject.toml",
        "README.rst",
        "readme/DESCRIPTION.md",
        "readme/USAGE.md",
        "readme/CONFIGURE.md",
        "readme/CONTRIBUTORS.md",
        "static/description/icon.png",
        "security/ir.model.access.csv",
        f"security/{addon}_security.xml",
        f"i18n/{addon}.pot",
        "i18n/uk.po",
        "tests/__init__.py",
        "tests/common.py",
    ):
        assert (base / path).is_file(), f"{addon}: missing {path}"
    assert "whool" in (base / "pyproject.toml").read_text()


@pytest.mark.parametrize("addon", ADDONS)
def test_views_use_odoo_18_syntax(addon):
    for path in addon_files(addon, "*.xml"):
        text = path.read_text()
        assert not re.search(r"<tree[\s>]", text), f"{path}: use <list>, not <tree>"
        assert not re.search(r"\sattrs=", text), f"{path}: attrs= is gone in Odoo 17+"
        assert not re.search(r"<field [^>]*\sstates=", text), f"{path}: states= is gone"
    for path in addon_files(addon, "*.py"):
        text = path.read_text()
        assert "group_operator=" not in text, f"{path}: use aggregator="
        assert "cr.commit()" not in text, f"{path}: no cr.commit()"


@pytest.mark.parametrize("addon", ADDONS)
def test_every_test_module_is_imported(addon):
    tests = ROOT / "addons" / addon / "tests"
    init = (tests / "__init__.py").read_text()
    for path in tests.glob("test_*.py"):
        assert f"import {path.stem}\n" in init, f"{addon}: tests/__init__.py misses {path.stem}"


def defined_models(addon):
    """The `_name` of every concrete model the addon defines (not extensions)."""
    names = set()
    for path in addon_files(addon, "*.py"):
        if "/tests/" in str(path) or "/migrations/" in str(path):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ClassDef):
                continue
            attrs = {
                t.id: stmt.value
                for stmt in node.body
                if isinstance(stmt, ast.Assign)
                for t in stmt.targets
                if isinstance(t, ast.Name)
            }
            bases = {ast.unparse(base) for base in node.bases}
            if "models.AbstractModel" in bases:
                continue  # mixins have no table and need no access rules
            name = attrs.get("_name")
            if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
                continue
            inherit = attrs.get("_inherit")
            inherited = (
                {inherit.value}
                if isinstance(inherit, ast.Constant)
                else {e.value for e in getattr(inherit, "elts", []) if isinstance(e, ast.Constant)}
            )
            if name.value not in inherited:
                names.add(name.value)
    return names


@pytest.mark.parametrize("addon", ADDONS)
def test_every_model_has_access_rules(addon):
    with open(ROOT / "addons" / addon / "security" / "ir.model.access.csv") as f:
        rows = list(csv.DictReader(f))
    covered = {row["model_id:id"].split(".")[-1] for row in rows}
    for model in defined_models(addon):
        xmlid = "model_" + model.replace(".", "_")
        assert xmlid in covered, f"{addon}: no ir.model.access.csv line for {model}"


@pytest.mark.parametrize("addon", ADDONS)
def test_tours_are_registered(addon):
    tours = addon_files(addon, "static/tests/tours/*.js")
    assert tours, f"{addon}: no tour"
    assets = manifest(addon).get("assets", {}).get("web.assets_tests", [])
    assert any("static/tests/tours" in a for a in assets), f"{addon}: tours not in assets"


@pytest.mark.parametrize("addon", ADDONS)
def test_ukrainian_translation_is_complete(addon):
    i18n = ROOT / "addons" / addon / "i18n"
    pot = polib.pofile(str(i18n / f"{addon}.pot"))
    po = polib.pofile(str(i18n / "uk.po"))
    assert len(pot) > 0
    pot_ids = {(e.msgctxt, e.msgid) for e in pot}
    po_entries = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    missing = sorted(m for _c, m in pot_ids - po_entries.keys())
    assert not missing, f"{addon}: uk.po lacks {missing[:10]}"
    untranslated = sorted(
        e.msgid for key, e in po_entries.items() if key in pot_ids and (not e.msgstr or e.fuzzy)
    )
    assert not untranslated, f"{addon}: untranslated in uk.po: {untranslated[:10]}"
    # Placeholders and the layout are checked by oca-checks-po (./setup/test, step 1).
