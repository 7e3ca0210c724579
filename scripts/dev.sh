#!/usr/bin/env bash
# Runs the worker locally with demo data in .wrangler/state (kept between
# runs), and prints the pages to open.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
. scripts/stack.sh

port=${PORT:-8787}
state=.wrangler/state
d1_apply "$state" schema.sql scripts/demo.sql

cat <<MSG

Demo data loaded. Open:
  one track:      http://127.0.0.1:$port/s/demo-featured-midnight
  several tracks: http://127.0.0.1:$port/s/demo-list-summer-pack
  expired link:   http://127.0.0.1:$port/s/demo-expired-link
  profile:        http://127.0.0.1:$port/u/nightowl

MSG
exec wrangler dev --persist-to "$state" --ip 127.0.0.1 --port "$port" --test-scheduled
