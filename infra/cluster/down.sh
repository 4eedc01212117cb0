#!/usr/bin/env bash
# Stops what infra/cluster/up.sh started, found by its pid files: nginx first (no new requests), then each silo
# gracefully (SIGTERM: turns finish, grains deactivate, queued writes commit; SIGKILL after 60 s).
#
#   bash infra/cluster/down.sh [--drop]
#
# The database and the state directory are kept, so up.sh starts the same cluster again; --drop also drops the
# database if up.sh created it (never one given with --database) and removes the state directory. PostgreSQL itself
# keeps running: the tests and other clusters use it too.
set -euo pipefail
source "$(dirname "$0")/common.sh"

drop=false
case "${1:-}" in
  "") ;;
  --drop) drop=true ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

if [ ! -d "$state" ]; then
  log "nothing to stop: no cluster state in $state"
  exit 0
fi

# Waits for a process to end; true when it did within the given seconds.
gone_within() {
  local pid="$1" seconds="$2"
  for _ in $(seq 1 $((seconds * 5))); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  ! kill -0 "$pid" 2>/dev/null
}

if pid=$(running_pid "$(nginx_pid_file)" "$(nginx_conf)"); then
  log "stopping nginx (pid $pid)"
  kill -QUIT "$pid"
  gone_within "$pid" 15 || { log "nginx did not quit within 15 s: killing it"; kill -KILL "$pid"; }
else
  log "nginx is not running"
fi
rm -f "$(nginx_pid_file)"

stopped=0
for pid_file in "$state"/silo-*.pid; do
  [ -e "$pid_file" ] || continue
  name=${pid_file##*/}; name=${name%.pid}
  if pid=$(running_pid "$pid_file" "$(silo_marker)"); then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid"
    stopped=$((stopped + 1))
    pids+=("$pid:$name")
  else
    log "$name is not running"
  fi
  rm -f "$pid_file"
done
# The silos stop side by side; each has 45 s to finish its work (Command.Silo's shutdown timeout).
for entry in "${pids[@]+"${pids[@]}"}"; do
  pid=${entry%%:*}; name=${entry#*:}
  if gone_within "$pid" 60; then
    log "$name stopped"
  else
    log "$name did not stop within 60 s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
done

if [ "$drop" = true ]; then
  settings="$state/cluster.env"
  if [ -f "$settings" ]; then
    # shellcheck source=/dev/null
    source "$settings"
    if [ -n "${created:-}" ]; then
      log "dropping database $created"
      psql_as "$connection" postgres -c "DROP DATABASE IF EXISTS $created WITH (FORCE)"
    else
      log "keeping the database given to up.sh"
    fi
  fi
  rm -rf "$state"
  log "removed $state"
fi
log "done ($stopped silo(s) stopped); PostgreSQL keeps running"
