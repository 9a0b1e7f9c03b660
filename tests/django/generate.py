#!/usr/bin/env python3
"""Write Django's own `sqlmigrate` output for the `store` and `kitchen` apps.

Run it with a Python that has the pinned Django, psycopg and PyMySQL (see
regenerate.sh, which makes such a virtualenv and calls this script):

    python tests/django/generate.py [--out tests/django/expected]

For each app it runs `makemigrations` into a throw-away directory (nothing
generated lands in the repository but the SQL) and then
`sqlmigrate <app> 0001` against three databases:

    sqlite    django.db.backends.sqlite3   (a temp file)
    postgres  django.db.backends.postgresql 127.0.0.1:5432 user postgres, db test
    mysql     django.db.backends.mysql      127.0.0.1:3306 user root, db test

writing `<out>/<app>/<alias>.sql`, the exact text `manage.py sqlmigrate`
prints (uncoloured). `sqlmigrate` only reads from the servers: it never creates
a table, not even django_migrations.

MySQL 8 override: the MySQL server on the development machines is MariaDB
10.11, but the reference wanted is Django's *MySQL* flavour (modelc's `mysql`
dialect emits one output for MySQL 8 and MariaDB, with MySQL's `char(32)`
UUID). Django picks its flavour from the server's VERSION() string, cached on
the connection wrapper (`mysql_server_info`, `mysql_version`,
`mysql_is_mariadb`, all cached_property). Right after django.setup(), before
anything reads them, this script sets them to a MySQL 8.0.36 server's values,
so Django renders SQL as for MySQL 8.0.36 (UUIDField `char(32)` instead of
MariaDB's native `uuid`, CHECK constraints, expression defaults, descending
index columns). Everything else (sql_mode, storage engine) still comes from
the real server.
"""

import argparse
import io
import os
import shutil
import sys
import tempfile

# Leave no __pycache__ in the repository's project/ folder.
sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.join(HERE, "project")

APPS = ["store", "kitchen"]
ALIASES = ["postgres", "mysql", "sqlite"]

# Django system-check errors that are expected and tolerated, as (id, object).
# None: the storefront names both reverse accessors (Customer.address ->
# residents, Address.customer -> addresses), so it passes Django's checks.
KNOWN_ERRORS = set()

# What Django is made to believe about the MySQL server (see the docstring).
MYSQL_SERVER_INFO = "8.0.36"
MYSQL_VERSION = (8, 0, 36)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(HERE, "expected"))
    args = parser.parse_args()
    out_dir = os.path.abspath(args.out)

    # The MySQL driver: PyMySQL standing in for mysqlclient (which needs C
    # headers to build). Django 5.2 asks for mysqlclient >= 1.4.3; PyMySQL's
    # install_as_MySQLdb() advertises a compatible version_info already, so
    # it is only raised here if an older PyMySQL says less.
    import pymysql

    if pymysql.version_info < (1, 4, 3):
        pymysql.version_info = (1, 4, 6, "final", 0)
    pymysql.install_as_MySQLdb()

    work = tempfile.mkdtemp(prefix="modelc-django-")
    try:
        generate(out_dir, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def generate(out_dir, work):
    migrations_pkg = "modelc_django_migrations"
    for pkg in [migrations_pkg] + [f"{migrations_pkg}/{app}" for app in APPS]:
        os.makedirs(os.path.join(work, pkg))
        open(os.path.join(work, pkg, "__init__.py"), "w").close()

    sys.path.insert(0, PROJECT)
    sys.path.insert(0, work)
    os.environ["DJANGO_SETTINGS_MODULE"] = "settings"
    os.environ.setdefault("MODELC_DJANGO_SQLITE", os.path.join(work, "db.sqlite3"))

    import django
    from django.conf import settings

    settings.MIGRATION_MODULES = {app: f"{migrations_pkg}.{app}" for app in APPS}
    django.setup()

    from django.core.management import call_command
    from django.db import connections

    # --- MySQL 8 override (see the module docstring) ----------------------
    mysql = connections["mysql"]
    for cached in ("mysql_server_info", "mysql_version", "mysql_is_mariadb",
                   "data_types", "display_name", "data_type_check_constraints"):
        assert cached not in mysql.__dict__, f"{cached} was read before the override"
    mysql.mysql_server_info = MYSQL_SERVER_INFO
    mysql.mysql_version = MYSQL_VERSION
    mysql.mysql_is_mariadb = False
    # -----------------------------------------------------------------------

    print(f"Django {django.get_version()}", file=sys.stderr)

    # System checks, with every database's own checks. Warnings are printed;
    # any error stops here (KNOWN_ERRORS lists none).
    from django.core import checks

    problems = checks.run_checks(databases=ALIASES + ["default"])
    for problem in problems:
        print(f"check: {problem}", file=sys.stderr)
    errors = [
        p for p in problems
        if p.is_serious() and (p.id, str(p.obj)) not in KNOWN_ERRORS
    ]
    if errors:
        sys.exit("system check errors (see above); fix the Django translation")

    call_command("makemigrations", *APPS, verbosity=1, no_color=True,
                 stdout=sys.stderr)
    for app in APPS:
        names = sorted(
            f for f in os.listdir(os.path.join(work, migrations_pkg, app))
            if f.endswith(".py") and f != "__init__.py"
        )
        if names != ["0001_initial.py"]:
            sys.exit(f"expected one migration 0001_initial.py for {app}, got {names}")

    for app in APPS:
        os.makedirs(os.path.join(out_dir, app), exist_ok=True)
        for alias in ALIASES:
            buf = io.StringIO()
            call_command("sqlmigrate", app, "0001", database=alias,
                         no_color=True, stdout=buf)
            path = os.path.join(out_dir, app, f"{alias}.sql")
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(buf.getvalue())
            print(f"wrote {os.path.relpath(path)}", file=sys.stderr)

    # The override held: Django rendered MySQL's, not MariaDB's, SQL.
    assert mysql.mysql_is_mariadb is False and mysql.display_name == "MySQL"
    assert mysql.data_types["UUIDField"] == "char(32)", mysql.data_types["UUIDField"]
    assert mysql.data_types["JSONField"] == "json", mysql.data_types["JSONField"]

    connections.close_all()


if __name__ == "__main__":
    main()
