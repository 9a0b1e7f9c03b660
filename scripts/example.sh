#!/usr/bin/env bash
# Runs the storefront example (examples/storefront) on each database it supports:
#
#   SQLite      its default, storefront.sqlite3 in a scratch directory;
#   PostgreSQL  a fresh database `modelc_example` at 127.0.0.1:5432, user postgres (trust);
#   MariaDB     a fresh database `modelc_example` at 127.0.0.1:3306, root without a password.
#
# Each database gets two runs: the second starts from what the first left (the SQLite file
# deleted; on a server, the first run's migrations undone), and must print the same as the
# first but for the timestamps. The server databases are dropped at the end, also on failure.
# Exits non-zero when a run fails or the two runs differ. scripts/services.sh starts the
# servers when they are down.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

DB=modelc_example
PG_HOST=127.0.0.1
PG_PORT=5432
MY_HOST=127.0.0.1
MY_PORT=3306

step() { printf '\n== example: %s\n' "$*"; }
die() {
  printf 'example: error: %s\n' "$*" >&2
  exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }

# psql as postgres over TCP, on the maintenance database; extra arguments are psql's.
pg_admin() {
  PGCONNECT_TIMEOUT=5 psql -X -w -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U postgres \
    -d postgres "$@"
}
# The MariaDB (or MySQL) client as root over TCP; extra arguments are the client's.
my_admin() {
  "$MY_CLIENT" --no-defaults --protocol=tcp -h "$MY_HOST" -P "$MY_PORT" -uroot \
    --connect-timeout=5 "$@"
}

have psql || die "psql is not installed"
if have mariadb; then MY_CLIENT=mariadb; elif have mysql; then MY_CLIENT=mysql; else
  die "neither the mariadb nor the mysql client is installed"
fi

WORK="$(mktemp -d)"
cleanup() {
  local status=$?
  # Only the databases this script created, by their name.
  pg_admin -c "DROP DATABASE IF EXISTS $DB" 2>/dev/null || true
  my_admin -e "DROP DATABASE IF EXISTS \`$DB\`" 2>/dev/null || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

# Runs the example twice with DATABASE_URL="$1" (empty: unset, the SQLite default) in the
# scratch directory, printing the first run; fails unless both succeed and agree.
run_twice() {
  local url="$1" name="$2" run
  for run in first second; do
    if ! (
      cd "$WORK"
      if [ -n "$url" ]; then export DATABASE_URL="$url"; else unset DATABASE_URL; fi
      cargo run -q --manifest-path "$ROOT/Cargo.toml" -p storefront-example
    ) >"$WORK/$run.out"; then
      cat "$WORK/$run.out"
      die "the example failed on $name ($run run)"
    fi
  done
  cat "$WORK/first.out"
  local times='s/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)? UTC/<time>/g'
  if ! diff -u <(sed -E "$times" "$WORK/first.out") <(sed -E "$times" "$WORK/second.out"); then
    die "on $name, a second run printed something else than the first (diff above)"
  fi
  printf '(a second run on %s, from what the first left, printed the same)\n' "$name"
}

scripts/services.sh

step "build"
cargo build -q -p storefront-example

step "SQLite (default DATABASE_URL: storefront.sqlite3 in the current directory)"
run_twice "" SQLite
[ -f "$WORK/storefront.sqlite3" ] || die "the example left no storefront.sqlite3"
rm -f "$WORK"/storefront.sqlite3*

step "PostgreSQL: database $DB"
pg_admin -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
run_twice "postgres://postgres@$PG_HOST:$PG_PORT/$DB" PostgreSQL
pg_admin -c "DROP DATABASE $DB"

step "MariaDB: database $DB"
my_admin -e "DROP DATABASE IF EXISTS \`$DB\`; CREATE DATABASE \`$DB\`"
run_twice "mysql://root@$MY_HOST:$MY_PORT/$DB" MariaDB
my_admin -e "DROP DATABASE \`$DB\`"

step "the example ran on SQLite, PostgreSQL and MariaDB"
