"""Minimal Django settings for producing reference SQL with ``sqlmigrate``.

Only ``tests/django/generate.py`` uses this module. The three database aliases
are the three dialects modelc compiles to; ``generate.py`` only reads from the
PostgreSQL and MySQL servers (``sqlmigrate`` never creates tables).
"""

import os
import tempfile

SECRET_KEY = "modelc-django-reference-not-secret"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"

INSTALLED_APPS = [
    "store.apps.StoreConfig",
    "kitchen.apps.KitchenConfig",
]

# modelc's implicit primary key is `big_auto` unless `[project] default_auto_field`
# says otherwise; both models.toml files use big_auto (kitchen says so explicitly).
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

DATABASES = {
    "sqlite": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get(
            "MODELC_DJANGO_SQLITE",
            os.path.join(tempfile.gettempdir(), "modelc-django-reference.sqlite3"),
        ),
    },
    "postgres": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ.get("MODELC_DJANGO_PG_HOST", "127.0.0.1"),
        "PORT": os.environ.get("MODELC_DJANGO_PG_PORT", "5432"),
        "USER": os.environ.get("MODELC_DJANGO_PG_USER", "postgres"),
        "PASSWORD": os.environ.get("MODELC_DJANGO_PG_PASSWORD", ""),
        "NAME": os.environ.get("MODELC_DJANGO_PG_NAME", "test"),
    },
    "mysql": {
        "ENGINE": "django.db.backends.mysql",
        "HOST": os.environ.get("MODELC_DJANGO_MYSQL_HOST", "127.0.0.1"),
        "PORT": os.environ.get("MODELC_DJANGO_MYSQL_PORT", "3306"),
        "USER": os.environ.get("MODELC_DJANGO_MYSQL_USER", "root"),
        "PASSWORD": os.environ.get("MODELC_DJANGO_MYSQL_PASSWORD", ""),
        "NAME": os.environ.get("MODELC_DJANGO_MYSQL_NAME", "test"),
    },
}
# Django requires a "default" alias; make it the SQLite one.
DATABASES["default"] = DATABASES["sqlite"]

# Migrations are generated into a throw-away directory by generate.py, which
# sets MIGRATION_MODULES before django.setup(); nothing generated lands here.
MIGRATION_MODULES = {}
