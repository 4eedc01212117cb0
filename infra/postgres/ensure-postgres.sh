#!/usr/bin/env bash
# Makes sure a local PostgreSQL server runs and has a role for Command's tests and benchmarks.
# Installs Debian's postgresql package if it is missing, creates and starts a cluster, and creates (or resets)
# the role command_test with CREATEDB. Prints the admin connection string on stdout as its last line.
# Needs root (or passwordless sudo) only for the install and the first start.
set -euo pipefail

role="${COMMAND_PG_ROLE:-command_test}"
password="${COMMAND_PG_PASSWORD:-command_test}"

log() { echo "ensure-postgres: $*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo -n "$@"; else
    log "need root to run: $*"; return 1; fi
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -n -u postgres "$@"; fi
}

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  log "installing postgresql (Debian package)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

cluster=$(pg_lsclusters --no-header | head -n 1 || true)
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  log "creating cluster $version/main"
  as_root pg_createcluster "$version" main >&2
  cluster=$(pg_lsclusters --no-header | head -n 1)
fi

read -r version name port status _ <<<"$cluster"
if [ "$status" != "online" ]; then
  log "starting cluster $version/$name on port $port"
  as_root pg_ctlcluster "$version" "$name" start >&2
fi

for _ in $(seq 1 30); do
  if as_postgres psql -p "$port" -qtAc "SELECT 1" >/dev/null 2>&1; then break; fi
  sleep 1
done

as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -q >&2 <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
    CREATE ROLE $role LOGIN CREATEDB PASSWORD '$password';
  ELSE
    ALTER ROLE $role LOGIN CREATEDB PASSWORD '$password';
  END IF;
END
\$\$;
SQL

log "PostgreSQL $version/$name is up on port $port with role $role"
echo "Host=127.0.0.1;Port=$port;Username=$role;Password=$password;Database=postgres"
