#!/usr/bin/env bash
# Runs the worker locally with demo data in .wrangler/state (kept between
# runs) and the Dropbox stand-in holding the demo files, connects the demo
# producer to it through the real OAuth flow, and prints the pages to open.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
. scripts/stack.sh

port=${PORT:-8787}
state=.wrangler/state
d1_migrate "$state"
d1_apply "$state" scripts/demo.sql

# The operator token: the one in .dev.vars when there is one, else a local
# default handed to wrangler.
admin=$(sed -n 's/^ADMIN_TOKEN=//p' .dev.vars 2>/dev/null || true)
args=()
if [ -z "$admin" ]; then
  admin=local-admin-token
  args=(--var "ADMIN_TOKEN:$admin")
fi
demo_key=$(sed -n 's/^-- \(sp\..*\)$/\1/p' scripts/demo.sql)

# The stand-in keeps its accounts in memory, so the demo producer is
# connected again on every start; the key sealing its tokens stays the same.
trap 'stop_worker; stop_standin' EXIT
start_standin "${STANDIN_PORT:-8788}" "$state/standin.log" --accounts scripts/demo-dropbox.json
key_file=$state/token-encryption-key
[ -s "$key_file" ] || new_encryption_key >"$key_file"
args+=(--var "TOKEN_ENCRYPTION_KEY:$(cat "$key_file")" $(standin_vars))

cat <<MSG

Demo data loaded. Open:
  one track:      http://127.0.0.1:$port/s/demo-featured-midnight
  several tracks: http://127.0.0.1:$port/s/demo-list-summer-pack
  expired link:   http://127.0.0.1:$port/s/demo-expired-link
  profile:        http://127.0.0.1:$port/u/nightowl

The console (sign in with the demo API key below):
                  http://127.0.0.1:$port/console

The API (see README.md for a whole session):
  operator token: $admin
  demo API key:   $demo_key
  try:            curl -H "authorization: Bearer $demo_key" http://127.0.0.1:$port/api/me
  description:    http://127.0.0.1:$port/api/openapi.json

Dropbox is the local stand-in at $DROPBOX_URL; the demo producer is
connected to its account dbid:demo-nightowl. Stop with Ctrl-C.

MSG
start_worker "$state" "$port" /dev/stdout "${args[@]}"
wait_ready "http://127.0.0.1:$port/" /dev/null
connect_dropbox "http://127.0.0.1:$port" "$demo_key" dbid:demo-nightowl
echo "Dropbox connected for the demo producer."
wait "$WORKER_PID"
