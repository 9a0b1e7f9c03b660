#!/usr/bin/env bash
# Make PostgreSQL and MariaDB reachable for the test suite on a Debian machine, whether or not
# they are installed or running:
#
#   PostgreSQL at 127.0.0.1:5432, user postgres without a password (trust), database `test`;
#   MariaDB    at 127.0.0.1:3306, user root with an empty password over TCP, database `test`.
#
# If both servers already answer with that access, it only says what it found. Otherwise it
# installs the missing servers (apt-get), starts them without systemd (pg_ctlcluster,
# start-stop-daemon), waits for them, and sets up the access above. Running it again is
# harmless. It exits non-zero with a message when a server still can't be reached.
#
# Needs root, or sudo, for anything beyond the checks. SERVICES_WAIT_SECONDS (default 60) is how
# long to wait for each server to accept connections after starting it.
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT=5432
MY_HOST=127.0.0.1
MY_PORT=3306
WAIT_SECONDS="${SERVICES_WAIT_SECONDS:-60}"
HBA_MARKER="# modelc scripts/services.sh: the test suite connects without a password"

step() { printf 'services: %s\n' "$*"; }
die() {
  printf 'services: error: %s\n' "$*" >&2
  exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }

# Runs a command as root: directly, or through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif have sudo; then
    sudo "$@"
  else
    die "this step needs root and sudo is not installed: $*"
  fi
}

# Runs a command as the postgres system user (peer authentication on the local socket).
as_postgres() {
  if [ "$(id -un)" = postgres ]; then
    "$@"
  elif [ "$(id -u)" -eq 0 ] && have runuser; then
    runuser -u postgres -- "$@"
  elif [ "$(id -u)" -eq 0 ]; then
    su -s /bin/sh postgres -c "$(printf '%q ' "$@")"
  elif have sudo; then
    sudo -u postgres "$@"
  else
    die "this step needs to run as the postgres user and sudo is not installed: $*"
  fi
}

mysql_client() {
  if have mariadb; then mariadb "$@"; elif have mysql; then mysql "$@"; else return 127; fi
}
mysql_admin() {
  if have mariadb-admin; then
    mariadb-admin "$@"
  elif have mysqladmin; then
    mysqladmin "$@"
  else
    return 127
  fi
}

# --- checks (read only) ----------------------------------------------------------------------

pg_up() { have pg_isready && pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 5; }

# psql as postgres over TCP without a password; extra arguments are psql's.
pg_tcp() {
  PGCONNECT_TIMEOUT=5 psql -X -w -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U postgres "$@"
}
pg_access() { have psql && pg_tcp -d test -Atc 'SELECT 1' >/dev/null 2>&1; }

# Whether a server answers on the port, even if it refuses root: `ping` succeeds when root is
# merely denied, but fails when the host is not allowed (1130), which still means "running".
my_up() {
  local out
  out="$(mysql_admin --no-defaults --protocol=tcp -h "$MY_HOST" -P "$MY_PORT" -uroot \
    --connect-timeout=5 ping 2>&1)" && return 0
  case "$out" in
    *"Can't connect"* | *"Lost connection"* | *"(2002)"* | *"(2003)"* | *"(2013)"*) return 1 ;;
  esac
  [[ "$out" =~ 1130|1045|1044|1698|"Access denied"|"not allowed to connect" ]]
}
# The client as root over TCP with an empty password; extra arguments are the client's.
my_tcp() {
  mysql_client --no-defaults --protocol=tcp -h "$MY_HOST" -P "$MY_PORT" -uroot \
    --connect-timeout=5 "$@"
}
my_access() { my_tcp -D test -e 'SELECT 1' >/dev/null 2>&1; }

# Waits up to WAIT_SECONDS for check "$1" to succeed.
wait_for() {
  local check="$1" what="$2" i
  for ((i = 0; i < WAIT_SECONDS; i++)); do
    if "$check"; then
      step "$what accepts connections (after ${i}s)"
      return 0
    fi
    sleep 1
  done
  return 1
}

# --- PostgreSQL ------------------------------------------------------------------------------

pg_installed() {
  have pg_ctlcluster && compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null
}

# The newest PostgreSQL with a cluster configured, else the newest installed.
pg_version() {
  # Version directories are plain numbers ("15"), so ls is fine here.
  local v=""
  if [ -d /etc/postgresql ]; then
    # shellcheck disable=SC2012
    v="$(ls /etc/postgresql | sort -V | tail -1)"
  fi
  if [ -z "$v" ] && [ -d /usr/lib/postgresql ]; then
    # shellcheck disable=SC2012
    v="$(ls /usr/lib/postgresql | sort -V | tail -1)"
  fi
  printf '%s' "$v"
}

pg_start() {
  local v
  v="$(pg_version)"
  [ -n "$v" ] || die "no PostgreSQL version found under /etc/postgresql or /usr/lib/postgresql"
  if [ ! -f "/etc/postgresql/$v/main/postgresql.conf" ]; then
    step "PostgreSQL $v: creating cluster main"
    as_root pg_createcluster "$v" main
  fi
  as_root install -d -o postgres -g postgres -m 2775 /var/run/postgresql
  step "PostgreSQL $v: starting cluster main (pg_ctlcluster)"
  # Exit status 2 means "already running"; the wait below decides either way.
  as_root pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
  wait_for pg_up "PostgreSQL on $PG_HOST:$PG_PORT" ||
    die "PostgreSQL $v did not accept connections on $PG_HOST:$PG_PORT within ${WAIT_SECONDS}s \
(see /var/log/postgresql/postgresql-$v-main.log; is the cluster on port $PG_PORT?)"
}

# Trust for postgres over TCP from 127.0.0.1 and ::1, added first in pg_hba.conf, then reload.
pg_trust_tcp() {
  local hba tmp
  hba="$(as_postgres psql -X -Atc 'SHOW hba_file')" ||
    die "cannot ask PostgreSQL for its pg_hba.conf over the local socket as user postgres"
  if as_root grep -qF "$HBA_MARKER" "$hba"; then
    step "PostgreSQL: $hba already has the trust rules; reloading"
  else
    step "PostgreSQL: adding trust for 127.0.0.1/32 and ::1/128 at the top of $hba"
    tmp="$(mktemp)"
    {
      printf '%s\n' "$HBA_MARKER"
      printf 'host    all    all    127.0.0.1/32    trust\n'
      printf 'host    all    all    ::1/128         trust\n'
      as_root cat "$hba"
    } >"$tmp"
    # Write into the existing file, keeping its owner and mode.
    # shellcheck disable=SC2016 # $1 and $2 are the inner shell's
    as_root sh -c 'cat "$1" > "$2"' sh "$tmp" "$hba"
    rm -f "$tmp"
  fi
  as_postgres psql -X -Atqc 'SELECT pg_reload_conf()' >/dev/null
  sleep 1
}

pg_setup_access() {
  if ! pg_tcp -d postgres -Atc 'SELECT 1' >/dev/null 2>&1; then
    pg_trust_tcp
    pg_tcp -d postgres -Atc 'SELECT 1' >/dev/null 2>&1 ||
      die "PostgreSQL still refuses user postgres without a password on $PG_HOST:$PG_PORT: \
$(pg_tcp -d postgres -Atc 'SELECT 1' 2>&1 | head -1)"
  fi
  step "PostgreSQL: user postgres connects over TCP without a password"
  if [ "$(pg_tcp -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = 'test'")" = 1 ]; then
    step "PostgreSQL: database test exists"
  else
    step "PostgreSQL: creating database test"
    pg_tcp -d postgres -c 'CREATE DATABASE test' >/dev/null
  fi
}

# --- MariaDB ---------------------------------------------------------------------------------

my_server_bin() {
  local b
  for b in /usr/sbin/mariadbd /usr/sbin/mysqld; do
    if [ -x "$b" ]; then
      printf '%s' "$b"
      return 0
    fi
  done
  return 1
}

# Whether a server process runs (whatever it listens on).
my_running() {
  if have start-stop-daemon; then
    start-stop-daemon --status --exec "$1"
  else
    pgrep -x "$(basename "$1")" >/dev/null
  fi
}

my_start() {
  local bin
  bin="$(my_server_bin)" || die "no MariaDB server binary (/usr/sbin/mariadbd) after installing"
  as_root install -d -o mysql -g mysql -m 0755 /run/mysqld
  if [ ! -d /var/lib/mysql/mysql ]; then
    step "MariaDB: initializing the data directory /var/lib/mysql"
    as_root mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  fi
  # Never start a second server on the same data directory: wait while one runs (it may be
  # starting, or still shutting down after `mysqladmin shutdown`).
  local i
  for ((i = 0; i < WAIT_SECONDS; i++)); do
    my_running "$bin" || break
    if my_up; then
      step "MariaDB on $MY_HOST:$MY_PORT accepts connections (after ${i}s)"
      return 0
    fi
    [ "$i" -gt 0 ] || step "MariaDB: $bin runs but does not answer on $MY_HOST:$MY_PORT; waiting"
    sleep 1
  done
  if my_running "$bin"; then
    die "MariaDB ($bin) runs but does not answer on $MY_HOST:$MY_PORT within ${WAIT_SECONDS}s \
(see /var/log/mysql/error.log; skip-networking, bind-address or port in /etc/mysql?)"
  fi
  local started=0
  if have start-stop-daemon; then
    step "MariaDB: starting $bin (start-stop-daemon)"
    if as_root start-stop-daemon --start --oknodo --background --exec "$bin" -- --user=mysql; then
      started=1
    else
      step "MariaDB: start-stop-daemon failed"
    fi
  fi
  if [ "$started" = 1 ] && wait_for my_up "MariaDB on $MY_HOST:$MY_PORT"; then
    return 0
  fi
  if my_running "$bin"; then
    die "MariaDB ($bin) runs but does not answer on $MY_HOST:$MY_PORT within ${WAIT_SECONDS}s \
(see /var/log/mysql/error.log; skip-networking, bind-address or port in /etc/mysql?)"
  fi
  if have mysqld_safe; then
    step "MariaDB: starting mysqld_safe in the background"
    # In a session of its own, so that nothing that ends this script's group ends the server.
    # shellcheck disable=SC2016 # $s is the inner shell's
    as_root sh -c 'if command -v setsid >/dev/null; then s=setsid; else s=; fi
      $s nohup mysqld_safe --user=mysql </dev/null >/dev/null 2>&1 &'
  elif have service; then
    step "MariaDB: service mariadb start"
    as_root service mariadb start || true
  else
    die "cannot start MariaDB: no start-stop-daemon, mysqld_safe or service"
  fi
  wait_for my_up "MariaDB on $MY_HOST:$MY_PORT" ||
    die "MariaDB did not accept connections on $MY_HOST:$MY_PORT within ${WAIT_SECONDS}s \
(see /var/log/mysql/error.log; are bind-address and port set to $MY_HOST:$MY_PORT?)"
}

# The client as root over the local socket (unix_socket authentication of the OS user root).
my_socket() { as_root "$(if have mariadb; then echo mariadb; else echo mysql; fi)" -uroot "$@"; }

my_setup_access() {
  if ! my_tcp -e 'SELECT 1' >/dev/null 2>&1; then
    step "MariaDB: creating root@127.0.0.1 (all privileges, empty password) over the socket"
    my_socket -e "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
      ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '';
      GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
      FLUSH PRIVILEGES;" ||
      die "cannot log in to MariaDB as root over the local socket to grant TCP access"
  fi
  if ! my_tcp -e 'SELECT 1' >/dev/null 2>&1; then
    # Without skip-name-resolve, 127.0.0.1 is `localhost`, whose root only has unix_socket.
    step "MariaDB: letting root@localhost log in with an empty password or unix_socket"
    my_socket -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password \
USING PASSWORD('') OR unix_socket; FLUSH PRIVILEGES;" ||
      die "cannot change root@localhost over the local socket"
  fi
  my_tcp -e 'SELECT 1' >/dev/null 2>&1 ||
    die "MariaDB still refuses root with an empty password on $MY_HOST:$MY_PORT: \
$(my_tcp -e 'SELECT 1' 2>&1 | head -1)"
  step "MariaDB: root connects over TCP with an empty password"
  if [ -n "$(my_tcp -N -e "SHOW DATABASES LIKE 'test'")" ]; then
    step "MariaDB: database test exists"
  else
    step "MariaDB: creating database test"
    my_tcp -e 'CREATE DATABASE IF NOT EXISTS test'
  fi
}

# --- main ------------------------------------------------------------------------------------

apt_install() {
  step "installing $* (apt-get)"
  as_root apt-get update || die "apt-get update failed; cannot install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" ||
    die "apt-get install $* failed"
}

report() {
  local name="$1" up="$2" access="$3" where="$4" who="$5"
  if "$up"; then
    if "$access"; then
      step "$name on $where: running, $who and database test usable"
      return 0
    fi
    step "$name on $where: running, but $who or database test not usable"
  else
    step "$name on $where: not reachable"
  fi
  return 1
}

# The checks need the clients: pg_isready and psql, mariadb (or mysql) and mariadb-admin.
clients=()
if ! have psql || ! have pg_isready; then clients+=(postgresql-client); fi
if ! { have mariadb || have mysql; } || ! { have mariadb-admin || have mysqladmin; }; then
  clients+=(mariadb-client)
fi
if [ "${#clients[@]}" -gt 0 ]; then
  apt_install "${clients[@]}"
fi

pg_ok=0
my_ok=0
report PostgreSQL pg_up pg_access "$PG_HOST:$PG_PORT" "user postgres (no password)" && pg_ok=1
report MariaDB my_up my_access "$MY_HOST:$MY_PORT" "root (empty password)" && my_ok=1
if [ "$pg_ok" = 1 ] && [ "$my_ok" = 1 ]; then
  step "nothing to do"
  exit 0
fi

missing=()
if [ "$pg_ok" = 0 ] && ! pg_up && ! pg_installed; then missing+=(postgresql); fi
if [ "$my_ok" = 0 ] && ! my_up && ! my_server_bin >/dev/null; then missing+=(mariadb-server); fi
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}"
fi

if [ "$pg_ok" = 0 ]; then
  if pg_up; then
    step "PostgreSQL already running"
  else
    pg_start
  fi
  pg_setup_access
fi

if [ "$my_ok" = 0 ]; then
  if my_up; then
    step "MariaDB already running"
  else
    my_start
  fi
  my_setup_access
fi

pg_access || die "PostgreSQL: user postgres cannot use database test on $PG_HOST:$PG_PORT"
my_access || die "MariaDB: root cannot use database test on $MY_HOST:$MY_PORT"
step "ready: PostgreSQL on $PG_HOST:$PG_PORT and MariaDB on $MY_HOST:$MY_PORT"
