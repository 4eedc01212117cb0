# Shared by up.sh and down.sh (sourced, not run): where the local cluster keeps its state, and how a process it
# started is recognised again. Everything up.sh starts has a pid file under the state directory; nothing else is
# ever stopped.

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
state="${COMMAND_CLUSTER_STATE:-$repo/artifacts/cluster}"

log() { echo "cluster: $*" >&2; }
fail() { log "$*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo -n "$@"; else
    log "need root to run: $*"; return 1; fi
}

# The pid in a pid file when that process is alive and its command line contains the given text (the silo's dll
# or our nginx.conf, both under the state directory), so a pid reused by another process is never signalled.
running_pid() {
  local file="$1" marker="$2" pid
  [ -f "$file" ] || return 1
  pid=$(cat "$file")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker" || return 1
  echo "$pid"
}

# One field of an Npgsql connection string ("Host=…;Port=…;Username=…;Password=…;Database=…").
npgsql_field() {
  local connection="$1" key="$2" part
  IFS=';' read -ra parts <<<"$connection"
  for part in "${parts[@]}"; do
    if [ "${part%%=*}" = "$key" ] || [ "${part%%=*}" = "${key,,}" ]; then echo "${part#*=}"; return 0; fi
  done
  return 1
}

# psql on the server of a connection string, as its user, in the given database.
psql_as() {
  local connection="$1" database="$2"; shift 2
  PGPASSWORD="$(npgsql_field "$connection" Password || true)" psql -X -q -v ON_ERROR_STOP=1 \
    -h "$(npgsql_field "$connection" Host || echo 127.0.0.1)" -p "$(npgsql_field "$connection" Port || echo 5432)" \
    -U "$(npgsql_field "$connection" Username)" -d "$database" "$@"
}

silo_pid_file() { echo "$state/silo-$1.pid"; }
silo_marker() { echo "$state/app/Command.Silo.dll"; }
nginx_conf() { echo "$state/nginx/nginx.conf"; }
nginx_pid_file() { echo "$state/nginx/nginx.pid"; }
