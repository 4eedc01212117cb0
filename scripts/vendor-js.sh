#!/usr/bin/env bash
# Refreshes the vendored browser libraries in src/Command.Web/wwwroot/lib from the npm registry.
# Pass versions to pin others: LEAFLET=1.9.4 SIGNALR=10.0.11 ECHARTS=6.1.0 bash scripts/vendor-js.sh
set -euo pipefail
cd "$(dirname "$0")/.."
lib="$PWD/src/Command.Web/wwwroot/lib"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund "leaflet@${LEAFLET:-1.9.4}" "@microsoft/signalr@${SIGNALR:-10.0.11}" "echarts@${ECHARTS:-6.1.0}" \
    "idb@${IDB:-8.0.4}" "exifr@${EXIFR:-7.1.3}"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$lib/"
cp node_modules/leaflet/LICENSE "$lib/LICENSE.leaflet"
cp node_modules/@microsoft/signalr/dist/browser/signalr.min.js "$lib/"
cp node_modules/echarts/dist/echarts.min.js "$lib/"
cp node_modules/echarts/LICENSE "$lib/LICENSE.echarts"
# The phone page's outbox (IndexedDB) and the EXIF reader that finds a photo's GPS before it is recompressed.
cp node_modules/idb/build/index.js "$lib/idb.js"
cp node_modules/idb/LICENSE "$lib/LICENSE.idb"
cp node_modules/exifr/dist/lite.esm.js "$lib/exifr-lite.esm.js"
cp node_modules/exifr/LICENSE "$lib/LICENSE.exifr"
echo "vendored into $lib; update the versions in its README.md"
