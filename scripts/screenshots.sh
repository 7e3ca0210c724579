#!/usr/bin/env bash
# Renders the demo pages in headless Chromium at phone and desktop widths, to
# look at before calling a page done. Needs Debian's chromium
# (apt-get install chromium). Writes PNGs to tmp/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v chromium >/dev/null || { echo "chromium is not installed (apt-get install chromium)" >&2; exit 1; }
scripts/setup.sh >/dev/null
. scripts/env.sh
. scripts/stack.sh
make -s worker >/dev/null

WORKER_ARGS=()
standin_stack scripts/demo-dropbox.json scripts/demo.sql

out=tmp/screenshots
mkdir -p "$out"
shoot() { # NAME PATH WIDTH HEIGHT
  # The flags keep Chromium off the network, which this machine does not have.
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$STACK_STATE/chromium" --hide-scrollbars --window-size="$3,$4" \
    --screenshot="$out/$1.png" "$BASE_URL$2" >/dev/null 2>&1
  echo "$out/$1.png"
}
# Before the demo producer connects Dropbox: pages render, files wait.
shoot unconnected-desktop /s/demo-featured-midnight 1280 1000
shoot files-unavailable-phone /s/demo-featured-midnight/files/fil_demo_mid_master 390 900
demo_key=$(sed -n 's/^-- \(sp\..*\)$/\1/p' scripts/demo.sql)
connect_dropbox "$BASE_URL" "$demo_key" dbid:demo-nightowl
shoot forbidden-desktop /s/demo-list-summer-pack/files/fil_demo_neon_stems 1280 800
shoot featured-phone /s/demo-featured-midnight 390 1300
shoot featured-desktop /s/demo-featured-midnight 1280 1000
shoot list-phone /s/demo-list-summer-pack 390 1800
shoot list-desktop /s/demo-list-summer-pack 1280 1400
shoot expired-desktop /s/demo-expired-link 1280 800
shoot profile-phone /u/nightowl 390 1000
