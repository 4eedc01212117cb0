#!/usr/bin/env bash
# Runs every test of Command. On a fresh machine it installs and starts what the tests need:
# PostgreSQL (Debian's package, a throwaway role; each test makes and drops its own database), and for the browser
# tests Debian's Chromium with CJK fonts (Playwright drives that Chromium; it never downloads a browser), and for the
# video tests Debian's coturn and Janus on 127.0.0.1 (infra/video: media relays through coturn on one machine).
# Under CI=true a test that would skip for want of either fails instead, and any skip fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

configuration="${CONFIGURATION:-Release}"
results="artifacts/test-results"
ci="${CI:-false}"

if [ -z "${COMMAND_TEST_POSTGRES:-}" ]; then
  if pg=$(bash infra/postgres/ensure-postgres.sh | tail -n 1); then
    export COMMAND_TEST_POSTGRES="$pg"
  elif [ "$ci" = "true" ]; then
    echo "test.sh: PostgreSQL could not be set up, and CI=true requires its tests to run." >&2
    exit 1
  else
    echo "test.sh: PostgreSQL could not be set up; its tests will be skipped." >&2
  fi
fi

if [ -z "${COMMAND_TEST_JANUS:-}" ]; then
  if janus=$(bash infra/video/ensure-janus.sh | tail -n 1) && read -r turn turn_secret < <(bash infra/video/ensure-coturn.sh | tail -n 1); then
    export COMMAND_TEST_JANUS="$janus" COMMAND_TEST_TURN="$turn" COMMAND_TEST_TURN_SECRET="$turn_secret"
    export COMMAND_TEST_JANUS_ADMIN_KEY="${COMMAND_JANUS_ADMIN_KEY-command-test-admin-key}"
  elif [ "$ci" = "true" ]; then
    echo "test.sh: coturn and Janus could not be set up, and CI=true requires the video tests to run." >&2
    exit 1
  else
    echo "test.sh: coturn and Janus could not be set up; the video tests will be skipped." >&2
  fi
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo -n "$@"; else
    echo "test.sh: need root to run: $*" >&2; return 1; fi
}

if [ -z "${COMMAND_CHROMIUM:-}" ]; then
  if [ ! -x /usr/bin/chromium ] || ! dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed"; then
    echo "test.sh: installing chromium and fonts-noto-cjk (Debian packages) for the browser tests" >&2
    if ! { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 \
        && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >&2; }; then
      if [ "$ci" = "true" ]; then
        echo "test.sh: chromium and fonts-noto-cjk could not be installed, and CI=true requires the browser tests to run." >&2
        exit 1
      fi
      echo "test.sh: chromium or fonts-noto-cjk could not be installed; the browser tests will be skipped (or show no Chinese)." >&2
    fi
  fi
  if [ -x /usr/bin/chromium ]; then
    export COMMAND_CHROMIUM=/usr/bin/chromium
  fi
fi

dotnet build Command.sln -c "$configuration" -nologo -v quiet

rm -rf "$results"
mkdir -p "$results"
status=0
dotnet test Command.sln -c "$configuration" --no-build -nologo \
  --results-directory "$results" --logger "trx" 2>&1 | tee "$results/console.txt" || status=$?

# One closing line over every test assembly: "N passed, N failed, N skipped".
read -r passed failed skipped < <(grep -E '(Passed|Failed|Skipped)! +- Failed:' "$results/console.txt" \
  | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
assemblies=$(grep -cE '(Passed|Failed|Skipped)! +- Failed:' "$results/console.txt" || true)
echo
echo "$passed passed, $failed failed, $skipped skipped"

if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
if [ "$assemblies" -eq 0 ] || [ "$passed" -eq 0 ]; then echo "test.sh: no test ran" >&2; exit 1; fi
if [ "$ci" = "true" ] && [ "$skipped" -ne 0 ]; then
  echo "test.sh: $skipped tests skipped; in CI every test must run." >&2
  exit 1
fi
