#!/usr/bin/env bash
# Renders the phone page's icons (wwwroot/m/icons/icon-{192,512}.png) from icon.svg with the local Chromium: no network, no image tools.
set -euo pipefail
cd "$(dirname "$0")/../src/Command.Web/wwwroot/m/icons"
chromium=${COMMAND_CHROMIUM:-/usr/bin/chromium}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp icon.svg "$work/"
for size in 192 512; do
    printf '<style>html,body{margin:0;background:transparent}</style><img src="icon.svg" width=%s height=%s>' "$size" "$size" > "$work/icon.html"
    "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --default-background-color=00000000 \
        --window-size="$size,$size" --screenshot="$PWD/icon-$size.png" "file://$work/icon.html" 2>/dev/null
done
echo "rendered $PWD/icon-192.png and icon-512.png"
