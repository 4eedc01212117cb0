#!/usr/bin/env bash
# Makes sure a coturn TURN server runs on 127.0.0.1 for Command's browser tests (and a local try-out of video calls).
# Installs Debian's coturn package if it is missing, writes its configuration under $COMMAND_VIDEO_DIR (default
# /tmp/command-video), and starts it as a daemon unless the one started before still runs. Idempotent.
# It takes coturn's REST API accounts (use-auth-secret) under a fixed test secret and listens on 127.0.0.1 only.
# On one machine Chromium gathers no loopback host candidates, so the browsers are made relay-only; the relay addresses
# are on the machine's own non-loopback address ($COMMAND_TURN_RELAY_IP, default: its first global IPv4), because Janus'
# libnice neither gathers on loopback nor pairs its candidates with a loopback one: a browser's relay on that address
# reaches Janus' host candidate on it, and another browser's relay. Loopback peers are allowed too (relay on 127.0.0.1).
# Prints the TURN address and the secret on stdout as its last line: "turn:127.0.0.1:3478 <secret>".
# Not for deployments: see docs/video.md.
set -euo pipefail

dir="${COMMAND_VIDEO_DIR:-/tmp/command-video}"
port="${COMMAND_TURN_PORT:-3478}"
secret="${COMMAND_TURN_SECRET:-command-test-turn-secret}"
min_port="${COMMAND_TURN_MIN_PORT:-49160}"
max_port="${COMMAND_TURN_MAX_PORT:-49359}"
here="$(cd "$(dirname "$0")" && pwd)"
relay_ip="${COMMAND_TURN_RELAY_IP:-$(bash "$here/host-ip.sh")}"

log() { echo "ensure-coturn: $*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo -n "$@"; else
    log "need root to run: $*"; return 1; fi
}

if ! command -v turnserver >/dev/null 2>&1; then
  log "installing coturn (Debian package)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq coturn >&2
fi

mkdir -p "$dir"
pidfile="$dir/turnserver.pid"
conf="$dir/turnserver.conf"
sed -e "s|@PORT@|$port|g" -e "s|@SECRET@|$secret|g" -e "s|@MIN_PORT@|$min_port|g" -e "s|@MAX_PORT@|$max_port|g" \
  -e "s|@DIR@|$dir|g" -e "s|@RELAY_IP@|$relay_ip|g" "$here/turnserver.conf.in" >"$conf.new"

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

if running && cmp -s "$conf" "$conf.new"; then
  rm -f "$conf.new"
  log "coturn already runs on 127.0.0.1:$port (pid $(cat "$pidfile"))"
else
  if running; then
    log "configuration changed: restarting coturn"
    kill "$(cat "$pidfile")"
    for _ in $(seq 1 50); do running || break; sleep 0.1; done
  fi
  mv "$conf.new" "$conf"
  rm -f "$pidfile"
  log "starting coturn on 127.0.0.1:$port (relays on $relay_ip, ports $min_port-$max_port)"
  turnserver -c "$conf" -o >&2
  for _ in $(seq 1 50); do
    if running && { ! command -v ss >/dev/null || ss -lnu "sport = :$port" | grep -q "127.0.0.1:$port"; }; then break; fi
    sleep 0.1
  done
  if ! running; then
    log "coturn did not start; see $dir/turnserver.log"
    tail -n 20 "$dir/turnserver.log" >&2 || true
    exit 1
  fi
fi

echo "turn:127.0.0.1:$port $secret"
