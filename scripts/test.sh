#!/usr/bin/env bash
# The test suite: every crate's tests, database tests against the local PostgreSQL and
# MariaDB (scripts/services.sh starts them) and the embedded SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services.sh
cargo test --workspace --all-targets
