"""Small PostgreSQL helper for setup/bootstrap.sh.

    pg.py HOST PORT USER ping          exit 0 when a session can be opened
    pg.py HOST PORT USER exists NAME   exit 0 when the database exists
    pg.py HOST PORT USER drop NAME     drop the database (sessions included)
    pg.py HOST PORT USER clone SRC NAME
                                       create NAME as a copy of database SRC

The password, if any, comes from PGPASSWORD as for every libpq client.
"""

import sys

import psycopg2
from psycopg2 import sql


def main(host, port, user, command, name=None, new_name=None):
    try:
        cnx = psycopg2.connect(
            host=host, port=int(port), user=user, dbname="postgres", connect_timeout=3
        )
    except psycopg2.OperationalError:
        return 1
    cnx.autocommit = True  # DROP DATABASE cannot run in a transaction
    try:
        with cnx.cursor() as cr:
            if command == "exists":
                cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                return 0 if cr.fetchone() else 1
            if command == "drop":
                cr.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            if command == "clone":
                cr.execute(
                    sql.SQL("CREATE DATABASE {} WITH TEMPLATE {}").format(
                        sql.Identifier(new_name), sql.Identifier(name)
                    )
                )
    finally:
        cnx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
