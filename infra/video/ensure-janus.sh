#!/usr/bin/env bash
# Makes sure a Janus SFU (videoroom plugin, HTTP API) runs on 127.0.0.1 for Command's 视频会商 (tests and local runs).
# Installs Debian's janus package if it is missing, writes its configuration under $COMMAND_VIDEO_DIR (default
# /tmp/command-video/janus) and starts it as a daemon unless the one started before, on the same configuration, still
# runs. Idempotent. Prints the HTTP API's address on stdout as its last line (Video:Janus:Url).
# Janus gathers ICE candidates only on this machine's own address ($COMMAND_JANUS_ICE_ENFORCE, default host-ip.sh): its
# libnice ignores loopback. On one machine the browsers are relay-only through the coturn of ensure-coturn.sh, whose relay
# addresses are on that same address, so browser relay <-> Janus host connects; Janus itself needs no TURN.
# COMMAND_JANUS_ADMIN_KEY (default command-test-admin-key) is the videoroom admin_key (Video:Janus:AdminKey).
set -euo pipefail

dir="${COMMAND_VIDEO_DIR:-/tmp/command-video}/janus"
http_port="${COMMAND_JANUS_PORT:-8088}"
rtp_ports="${COMMAND_JANUS_RTP_PORTS:-40000-40199}"
admin_key="${COMMAND_JANUS_ADMIN_KEY-command-test-admin-key}"
api_secret="${COMMAND_JANUS_API_SECRET:-}"
ice_enforce="${COMMAND_JANUS_ICE_ENFORCE:-}"
debug_level="${COMMAND_JANUS_DEBUG_LEVEL:-4}"
here="$(cd "$(dirname "$0")" && pwd)"

log() { echo "ensure-janus: $*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo -n "$@"; else
    log "need root to run: $*"; return 1; fi
}

if ! command -v janus >/dev/null 2>&1; then
  log "installing janus (Debian package)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq janus >&2
fi

if [ -z "$ice_enforce" ]; then ice_enforce=$(bash "$here/host-ip.sh"); fi

lib=$(dirname "$(dpkg -L janus 2>/dev/null | grep -m1 '/janus/plugins/libjanus_videoroom.so$')")
lib="${lib%/plugins}"
if [ -z "$lib" ] || [ ! -d "$lib/plugins" ]; then lib=/usr/lib/x86_64-linux-gnu/janus; fi

mkdir -p "$dir"
render() {
  sed -e "s|@DIR@|$dir|g" -e "s|@LIB@|$lib|g" -e "s|@HTTP_PORT@|$http_port|g" -e "s|@RTP_PORTS@|$rtp_ports|g" \
    -e "s|@ICE_ENFORCE@|$ice_enforce|g" -e "s|@DEBUG_LEVEL@|$debug_level|g" \
    -e "s|@API_SECRET@|${api_secret:+api_secret = \"$api_secret\"}|g" \
    -e "s|@ADMIN_KEY@|${admin_key:+admin_key = \"$admin_key\"}|g" "$here/$1.in"
}
changed=false
for file in janus.jcfg janus.transport.http.jcfg janus.plugin.videoroom.jcfg; do
  render "$file" >"$dir/$file.new"
  if ! cmp -s "$dir/$file" "$dir/$file.new"; then changed=true; fi
  mv "$dir/$file.new" "$dir/$file"
done

pidfile="$dir/janus.pid"
url="http://127.0.0.1:$http_port/janus"
running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
# GET /janus/info over bash's /dev/tcp (no curl needed): Janus answers with the videoroom plugin loaded.
answers() {
  local reply
  reply=$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$http_port && printf 'GET /janus/info HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' >&3 && cat <&3" 2>/dev/null) || return 1
  grep -q '"janus.plugin.videoroom"' <<<"$reply"
}

if running && ! $changed && answers; then
  log "Janus already runs at $url (pid $(cat "$pidfile"))"
else
  if running; then
    log "restarting Janus (configuration changed or not answering)"
    kill "$(cat "$pidfile")"
    for _ in $(seq 1 50); do running || break; sleep 0.1; done
  fi
  rm -f "$pidfile"
  log "starting Janus at $url (media ports $rtp_ports, ICE on $ice_enforce)"
  janus -b -N -o -p "$pidfile" -L "$dir/janus.log" -C "$dir/janus.jcfg" -F "$dir" >&2
  for _ in $(seq 1 100); do answers && break; sleep 0.1; done
  if ! answers; then
    log "Janus did not answer at $url; see $dir/janus.log"
    tail -n 30 "$dir/janus.log" >&2 || true
    exit 1
  fi
fi

echo "$url"
