"""Checks of the addons' lifecycle for ./setup/test.

    lifecycle.py HOST PORT USER schema DB OUT
        write the tables and columns of database DB to the JSON file OUT
    lifecycle.py HOST PORT USER owned DB OUT ADDON[,ADDON...]
        write what the addons own in DB (models, fields, XML ids) to OUT
    lifecycle.py HOST PORT USER leftovers DB SCHEMA OWNED ADDON[,ADDON...]
        after an uninstall: fail when DB has a table or column that the
        SCHEMA file (a database without the addons) lacks, or still holds a
        model, field or XML id of the OWNED file
    lifecycle.py wheels DIR ADDONS_DIR ADDON[,ADDON...]
        check the wheels built in DIR: one per addon, with the name, version
        and dependencies its manifest declares

The password, if any, comes from PGPASSWORD as for every libpq client.
"""

import ast
import email.parser
import json
import pathlib
import sys
import zipfile

import psycopg2


def connect(host, port, user, dbname):
    return psycopg2.connect(host=host, port=int(port), user=user, dbname=dbname)


def read_schema(cr):
    cr.execute(
        """
        SELECT c.relname, c.relkind
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm')
        """
    )
    tables = dict(cr.fetchall())
    cr.execute(
        """
        SELECT table_name, column_name FROM information_schema.columns
         WHERE table_schema = 'public'
        """
    )
    columns = {}
    for table, column in cr.fetchall():
        columns.setdefault(table, []).append(column)
    return {"tables": tables, "columns": {t: sorted(c) for t, c in columns.items()}}


def read_owned(cr, addons):
    """Models and fields that only these addons define (not also another module)."""
    owned = {}
    for model, query in (
        ("ir.model", "SELECT model FROM ir_model WHERE id = ANY(%s)"),
        ("ir.model.fields", "SELECT model || '.' || name FROM ir_model_fields WHERE id = ANY(%s)"),
    ):
        cr.execute(
            """
            SELECT res_id FROM ir_model_data WHERE model = %s
             GROUP BY res_id HAVING bool_and(module = ANY(%s))
            """,
            [model, addons],
        )
        cr.execute(query, [[row[0] for row in cr.fetchall()]])
        owned[model] = sorted(row[0] for row in cr.fetchall())
    return {"models": owned["ir.model"], "fields": owned["ir.model.fields"]}


def leftovers(cr, schema, owned, addons):
    now = read_schema(cr)
    problems = []
    for table in sorted(set(now["tables"]) - set(schema["tables"])):
        problems.append(f"table {table} is left behind")
    for table, columns in sorted(now["columns"].items()):
        if table not in schema["columns"]:
            continue
        for column in sorted(set(columns) - set(schema["columns"][table])):
            problems.append(f"column {table}.{column} is left behind")
    cr.execute("SELECT model FROM ir_model WHERE model = ANY(%s)", [owned["models"]])
    problems += [f"ir.model {row[0]} is left behind" for row in cr.fetchall()]
    cr.execute(
        "SELECT model || '.' || name FROM ir_model_fields WHERE model || '.' || name = ANY(%s)",
        [owned["fields"]],
    )
    problems += [f"ir.model.fields {row[0]} is left behind" for row in cr.fetchall()]
    cr.execute(
        "SELECT module, name, model FROM ir_model_data WHERE module = ANY(%s) ORDER BY 1, 2",
        [addons],
    )
    problems += [f"XML id {m}.{n} ({model}) is left behind" for m, n, model in cr.fetchall()]
    cr.execute(
        "SELECT name, state FROM ir_module_module WHERE name = ANY(%s) AND state != 'uninstalled'",
        [addons],
    )
    problems += [f"module {name} is {state}" for name, state in cr.fetchall()]
    return problems


def wheel_problems(wheel_dir, addons_dir, addons):
    problems = []
    wheels = sorted(pathlib.Path(wheel_dir).glob("*.whl"))
    for addon in addons:
        manifest_file = pathlib.Path(addons_dir) / addon / "__manifest__.py"
        manifest = ast.literal_eval(manifest_file.read_text())
        found = [w for w in wheels if w.name.startswith(f"odoo_addon_{addon}-")]
        if len(found) != 1:
            problems.append(f"{addon}: expected one wheel odoo_addon_{addon}-*.whl, got {found}")
            continue
        with zipfile.ZipFile(found[0]) as archive:
            meta_name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
            meta = email.parser.Parser().parsestr(archive.read(meta_name).decode())
            names = archive.namelist()
        if meta["Name"].replace("_", "-") != f"odoo-addon-{addon}".replace("_", "-"):
            problems.append(f"{addon}: wheel name is {meta['Name']}")
        version = meta["Version"]
        if version != manifest["version"] and not version.startswith(manifest["version"] + "."):
            problems.append(f"{addon}: version {meta['Version']} is not {manifest['version']}")
        requires = set(meta.get_all("Requires-Dist") or [])
        expected = {"odoo==18.0.*"} | set(
            manifest.get("external_dependencies", {}).get("python", [])
        )
        if requires != expected:
            problems.append(
                f"{addon}: dependencies {sorted(requires)}, expected {sorted(expected)}"
            )
        if f"odoo/addons/{addon}/__manifest__.py" not in names:
            problems.append(f"{addon}: the wheel has no odoo/addons/{addon}/__manifest__.py")
        for data_file in manifest.get("data", []):
            if f"odoo/addons/{addon}/{data_file}" not in names:
                problems.append(f"{addon}: the wheel lacks {data_file}")
        print(f"wheel {found[0].name}: {meta['Name']} {version}, requires {sorted(requires)}")
    return problems


def main(argv):
    if argv[0] == "wheels":
        problems = wheel_problems(argv[1], argv[2], argv[3].split(","))
    else:
        host, port, user, command, dbname, *rest = argv
        with connect(host, port, user, dbname) as cnx, cnx.cursor() as cr:
            if command == "schema":
                pathlib.Path(rest[0]).write_text(json.dumps(read_schema(cr)))
                return 0
            if command == "owned":
                owned = read_owned(cr, rest[1].split(","))
                pathlib.Path(rest[0]).write_text(json.dumps(owned))
                print(
                    f"the addons own {len(owned['models'])} models "
                    f"and {len(owned['fields'])} fields"
                )
                return 0
            schema = json.loads(pathlib.Path(rest[0]).read_text())
            owned = json.loads(pathlib.Path(rest[1]).read_text())
            problems = leftovers(cr, schema, owned, rest[2].split(","))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
