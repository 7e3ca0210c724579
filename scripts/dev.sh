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

# The operator token: the one in .dev.vars when there is one, else a local
# default handed to wrangler.
admin=$(sed -n 's/^ADMIN_TOKEN=//p' .dev.vars 2>/dev/null || true)
args=()
if [ -z "$admin" ]; then
  admin=local-admin-token
  args=(--var "ADMIN_TOKEN:$admin")
fi
demo_key=$(sed -n 's/^-- \(sp\..*\)$/\1/p' scripts/demo.sql)

cat <<MSG

Demo data loaded. Open:
  one track:      http://127.0.0.1:$port/s/demo-featured-midnight
  several tracks: http://127.0.0.1:$port/s/demo-list-summer-pack
  expired link:   http://127.0.0.1:$port/s/demo-expired-link
  profile:        http://127.0.0.1:$port/u/nightowl

The API (see README.md for a whole session):
  operator token: $admin
  demo API key:   $demo_key
  try:            curl -H "authorization: Bearer $demo_key" http://127.0.0.1:$port/api/me
  description:    http://127.0.0.1:$port/api/openapi.json

MSG
exec wrangler dev --persist-to "$state" --ip 127.0.0.1 --port "$port" --test-scheduled \
  ${args[@]+"${args[@]}"}
