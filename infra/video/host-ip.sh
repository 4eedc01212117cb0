#!/usr/bin/env bash
# Prints this machine's first global IPv4 address (the one its default route leaves by, if any), or 127.0.0.1 without one.
# On one machine the browsers' TURN relays and Janus' candidates meet on it (see ensure-coturn.sh).
set -euo pipefail
ip=$(ip -4 route get 192.0.2.255 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -n 1 || true)
if [ -z "$ip" ]; then
  ip=$(ip -4 -o addr show scope global 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -n 1 || true)
fi
if [ -z "$ip" ]; then
  ip=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+(\.[0-9]+){3}$' | grep -v '^127\.' | head -n 1 || true)
fi
if [ -z "$ip" ]; then
  echo "host-ip: no global IPv4 address; using 127.0.0.1 (browser-to-browser relays work, Janus' media will not)" >&2
  ip=127.0.0.1
fi
echo "$ip"
