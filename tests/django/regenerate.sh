#!/usr/bin/env bash
# Regenerate tests/django/expected/: Django's own `sqlmigrate` SQL for the
# storefront (models.toml, app `store`) and the all-types fixture
# (tests/fixtures/all_types/models.toml, app `kitchen`), on PostgreSQL, MySQL
# and SQLite. See README.md.
#
#   tests/django/regenerate.sh           rewrite expected/ in place
#   tests/django/regenerate.sh --check   write to a temp dir and diff against expected/
#
# Needs: python3 (3.10-3.13; Django 5.2), PyPI, a PostgreSQL server and a
# MySQL/MariaDB server (only read from; see the MODELC_DJANGO_* variables in
# project/settings.py for hosts, ports, users and database names).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

tmp="$(mktemp -d "${TMPDIR:-/tmp}/modelc-djenv.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

"$python" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  --no-cache-dir -r "$here/requirements.txt"
"$tmp/venv/bin/python" -m pip freeze --all --disable-pip-version-check >&2

if [ "$check" = 1 ]; then
  "$tmp/venv/bin/python" "$here/generate.py" --out "$tmp/expected"
  diff -ru "$here/expected" "$tmp/expected"
  echo "expected/ is up to date" >&2
else
  "$tmp/venv/bin/python" "$here/generate.py" --out "$here/expected"
fi
