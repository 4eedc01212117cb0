#!/usr/bin/env bash
# Starts a Command cluster on this machine: N silo processes over one PostgreSQL database, behind an nginx of its own.
#
#   bash infra/cluster/up.sh [--silos N] [--port PORT] [--database CONNECTION-STRING]
#
# Installs what is missing (Debian's nginx; PostgreSQL through infra/postgres/ensure-postgres.sh), creates a fresh
# database for the cluster (or uses the one given, whose data it keeps), publishes the silo once, starts the silos one
# after the other (HTTP 5081…, silo port 11111…, gateway 30001…; same cluster id; demo county and accounts, the demo
# activity on silo 1 only) and an nginx with a private config and pid file under the state directory
# (artifacts/cluster, or COMMAND_CLUSTER_STATE). The system's nginx and its sites are not touched.
# Run again, it starts only what is not running; infra/cluster/down.sh stops what it started.
set -euo pipefail
source "$(dirname "$0")/common.sh"

silos="${COMMAND_CLUSTER_SILOS:-2}"
port="${COMMAND_CLUSTER_PORT:-8080}"
database="${COMMAND_CLUSTER_DATABASE:-}"
environment="${COMMAND_CLUSTER_ENVIRONMENT:-Development}"
cluster_id="${COMMAND_CLUSTER_ID:-command}"
pool="${COMMAND_CLUSTER_POOL:-10}"
http_base=5081
silo_base=11111
gateway_base=30001

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --silos) silos="${2:?}"; shift 2 ;;
    --port) port="${2:?}"; shift 2 ;;
    --database) database="${2:?}"; shift 2 ;;
    -h|--help) usage ;;
    *) log "unknown argument: $1"; usage ;;
  esac
done
[[ "$silos" =~ ^[1-9][0-9]?$ ]] || fail "--silos must be between 1 and 99 (was '$silos')"
[[ "$port" =~ ^[0-9]+$ ]] || fail "--port must be a port number (was '$port')"

mkdir -p "$state"

# What an earlier run chose (its database above all) holds until down.sh --drop forgets it.
settings="$state/cluster.env"
if [ -f "$settings" ]; then
  # shellcheck source=/dev/null
  source "$settings"
  if [ -n "$database" ] && [ "$database" != "$connection" ]; then
    fail "this state directory already runs on another database; run infra/cluster/down.sh --drop first, or set COMMAND_CLUSTER_STATE"
  fi
fi

port_taken() { ss -Hltn "( sport = :$1 )" | grep -q .; }

# --- what is missing ------------------------------------------------------------------------------------------------
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  log "installing nginx (Debian package; its own site is left alone)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >&2
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

# ensure-postgres installs and starts the server when needed; a database given on the command line may live elsewhere.
if [ -z "$database" ] && [ -z "${connection:-}" ]; then
  admin=$(bash "$repo/infra/postgres/ensure-postgres.sh" | tail -n 1)
  name="command_cluster_$(date +%Y%m%d_%H%M%S)"
  log "creating database $name"
  psql_as "$admin" postgres -c "CREATE DATABASE $name"
  connection="${admin%Database=*}Database=$name"
  created="$name"
elif [ -z "${connection:-}" ]; then
  connection="$database"
  created=""
  log "using the database given ($(npgsql_field "$connection" Database || echo '?')); its data is kept"
else
  [ -n "$created" ] && bash "$repo/infra/postgres/ensure-postgres.sh" >/dev/null
  log "using the cluster's database $(npgsql_field "$connection" Database || echo '?')"
fi
# Each silo opens three pools (ours, Orleans' providers, Orleans' reminders), each capped at 16-32 connections by
# default: enough for one silo, but two of them and the tests would take all 100 slots of a default PostgreSQL (a
# silo that finds none fails to start). Unless the connection string sizes its pools, each gets this many.
if ! grep -qiE '(^|;) *(maximum pool size|max pool size|maxpoolsize) *=' <<<"$connection"; then
  connection="$connection;Maximum Pool Size=$pool"
fi
psql_as "$connection" "$(npgsql_field "$connection" Database)" -c "SELECT 1" >/dev/null \
  || fail "cannot reach the database: check the connection string (Host, Port, Username, Password, Database)"
umask 077
{
  printf 'connection=%q\n' "$connection"
  printf 'created=%q\n' "$created"
} >"$settings"
umask 022

# --- the silo, published once -----------------------------------------------------------------------------------------
any_running=false
for pid_file in "$state"/silo-*.pid; do
  [ -e "$pid_file" ] || continue
  if running_pid "$pid_file" "$(silo_marker)" >/dev/null; then any_running=true; fi
done
if [ "$any_running" = true ] && [ -f "$state/app/Command.Silo.dll" ]; then
  log "silos of this cluster are running: keeping the published build in $state/app"
else
  log "publishing src/Command.Silo (Release) to $state/app"
  dotnet publish "$repo/src/Command.Silo" -c Release -o "$state/app" -nologo -v quiet >&2
fi

# --- the silos, all at once -----------------------------------------------------------------------------------------
# Start-up is safe to run together (the demo import and the first sign-in key are made under database locks, accounts
# are grains), so every silo starts at once; then each is awaited on /healthz (active in the cluster, database answering).
start_silo() {
  local i="$1" http=$((http_base + $1 - 1)) silo_port=$((silo_base + $1 - 1)) gateway=$((gateway_base + $1 - 1))
  local pid_file data pid
  pid_file=$(silo_pid_file "$i")
  data="$state/silo-$i"
  if pid=$(running_pid "$pid_file" "$(silo_marker)"); then
    log "silo $i already runs (pid $pid, http://127.0.0.1:$http)"
    return
  fi

  for p in "$http" "$silo_port" "$gateway"; do
    port_taken "$p" && fail "port $p (silo $i) is taken by another process; stop it or set COMMAND_CLUSTER_STATE to another cluster"
  done

  mkdir -p "$data"
  # Every silo may simulate: one holds the database's simulation lock, another takes over if it dies.
  local simulate="${COMMAND_CLUSTER_SIMULATE:-true}"
  log "starting silo $i: http $http, silo port $silo_port, gateway $gateway (log: $data/console.log)"
  (
    cd "$state/app"
    exec env \
      ASPNETCORE_ENVIRONMENT="$environment" \
      ASPNETCORE_URLS="http://127.0.0.1:$http" \
      Storage__Provider=Postgres \
      Storage__ConnectionString="$connection" \
      Storage__DataDirectory="$data" \
      Silo__ClusterId="$cluster_id" \
      Silo__ServiceId=command \
      Silo__AdvertisedAddress=127.0.0.1 \
      Silo__SiloPort="$silo_port" \
      Silo__GatewayPort="$gateway" \
      Demo__Enabled=true \
      Demo__Simulate="$simulate" \
      setsid dotnet "$(silo_marker)" >"$data/console.log" 2>&1 </dev/null
  ) &
  pid=$!
  echo "$pid" >"$pid_file"
}

await_silo() {
  local i="$1" http=$((http_base + $1 - 1))
  local pid_file data pid
  pid_file=$(silo_pid_file "$i")
  data="$state/silo-$i"
  pid=$(cat "$pid_file" 2>/dev/null) || fail "silo $i has no pid file"
  for _ in $(seq 1 180); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pid_file"
      tail -n 30 "$data/console.log" >&2 || true
      fail "silo $i exited during start (above: the end of its log)"
    fi
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$http/healthz" || true)" = 200 ]; then
      log "silo $i is up (pid $pid)"
      return
    fi
    sleep 1
  done
  tail -n 30 "$data/console.log" >&2 || true
  fail "silo $i did not answer /healthz within 180 s (pid $pid still runs; infra/cluster/down.sh stops it)"
}

for i in $(seq 1 "$silos"); do start_silo "$i"; done
for i in $(seq 1 "$silos"); do await_silo "$i"; done
for pid_file in "$state"/silo-*.pid; do
  i=${pid_file##*/silo-}; i=${i%.pid}
  if [ "$i" -gt "$silos" ] && running_pid "$pid_file" "$(silo_marker)" >/dev/null; then
    log "silo $i still runs from an earlier start but is not behind nginx now; infra/cluster/down.sh stops it"
  fi
done

# --- nginx, private ----------------------------------------------------------------------------------------------------
# The proxying itself is infra/nginx/command-proxy.conf, the same file a host's nginx includes; the upstream policy
# (hash by client address, max_fails/fail_timeout) is the one of infra/nginx/command.conf.
mkdir -p "$state/nginx/temp"
worker_user=""
if [ "$(id -u)" -eq 0 ]; then
  worker_user="user nobody nogroup;"
  chown nobody:nogroup "$state/nginx/temp"
fi
servers=""
for i in $(seq 1 "$silos"); do
  servers+="        server 127.0.0.1:$((http_base + i - 1)) max_fails=1 fail_timeout=10s;"$'\n'
done
cat >"$(nginx_conf)" <<EOF
# Written by infra/cluster/up.sh: the local cluster's own nginx. Do not edit; run up.sh again.
$worker_user
worker_processes 1;
pid $(nginx_pid_file);
error_log $state/nginx/error.log warn;
events { worker_connections 1024; }

http {
    # Which silo answered each request (\$upstream_addr lists every one tried).
    log_format cluster '\$remote_addr [\$time_local] "\$request" \$status \$upstream_addr \$request_time';
    access_log $state/nginx/access.log cluster;
    client_body_temp_path $state/nginx/temp/body;
    proxy_temp_path $state/nginx/temp/proxy;
    fastcgi_temp_path $state/nginx/temp/fastcgi;
    uwsgi_temp_path $state/nginx/temp/uwsgi;
    scgi_temp_path $state/nginx/temp/scgi;
    client_max_body_size 20m;

    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        ''      close;
    }

    upstream command_silos {
        hash \$binary_remote_addr consistent;
$servers    }

    server {
        listen 127.0.0.1:$port;
        location / {
            include $repo/infra/nginx/command-proxy.conf;
        }
    }
}
EOF
nginx_args=(-p "$state/nginx" -e "$state/nginx/error.log" -c "$(nginx_conf)")
"$nginx_bin" -t -q "${nginx_args[@]}" || fail "nginx refused $(nginx_conf) (above)"
if pid=$(running_pid "$(nginx_pid_file)" "$(nginx_conf)"); then
  log "nginx already runs (pid $pid): reloading its config"
  "$nginx_bin" "${nginx_args[@]}" -s reload
else
  port_taken "$port" && fail "port $port is taken by another process; choose another with --port"
  "$nginx_bin" "${nginx_args[@]}"
fi

for _ in $(seq 1 20); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/healthz" || true)" = 200 ]; then
    log "$silos silos behind nginx; sign in as duty / demo. Stop with: bash infra/cluster/down.sh"
    echo "http://127.0.0.1:$port"
    exit 0
  fi
  sleep 0.5
done
fail "nginx does not answer /healthz on port $port (see $state/nginx/error.log)"
