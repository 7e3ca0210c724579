# Sourced by dev.sh and test.sh: runs the real worker under `wrangler dev`
# (workerd) with local D1 and KV kept in a directory of the caller's choice.

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# d1_migrate STATE: applies migrations/ (wrangler tracks which ran).
d1_migrate() {
  wrangler d1 migrations apply DB --local --persist-to "$1" >/dev/null </dev/null
}

# d1_apply STATE FILE...: runs the SQL files, in order, in one wrangler call.
d1_apply() {
  local state=$1; shift
  local sql; sql=$(mktemp --suffix .sql)
  cat "$@" >"$sql"
  wrangler d1 execute DB --local --persist-to "$state" --file "$sql" >/dev/null
  rm -f "$sql"
}

# start_worker STATE PORT LOG [wrangler args...]: starts wrangler dev in its own
# process group (so stop_worker also ends workerd) and sets WORKER_PID. The
# log is appended to, so a caller's redirected output (`make dev > dev.log`)
# keeps what was written before.
start_worker() {
  local state=$1 port=$2 log=$3; shift 3
  setsid wrangler dev --persist-to "$state" --ip 127.0.0.1 --port "$port" \
    --inspector-port "$(free_port)" --test-scheduled \
    --show-interactive-dev-session=false "$@" >>"$log" 2>&1 </dev/null &
  WORKER_PID=$!
}

# wait_ready URL LOG: waits until the worker answers, or fails with its log.
wait_ready() {
  local url=$1 log=$2
  for _ in $(seq 1 240); do
    if curl -s -o /dev/null "$url"; then return 0; fi
    if ! kill -0 "$WORKER_PID" 2>/dev/null; then break; fi
    sleep 0.25
  done
  echo "wrangler dev did not become ready; its log:" >&2
  cat "$log" >&2
  return 1
}

# start_standin PORT LOG [args...]: the local Dropbox stand-in
# (tests/dropbox_standin.py); sets STANDIN_PID and DROPBOX_URL, and waits
# until it answers.
start_standin() {
  local port=$1 log=$2; shift 2
  python3 tests/dropbox_standin.py --port "$port" "$@" >"$log" 2>&1 </dev/null &
  STANDIN_PID=$!
  DROPBOX_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 80); do
    if curl -s -o /dev/null "$DROPBOX_URL/__standin/log"; then return 0; fi
    sleep 0.1
  done
  echo "the Dropbox stand-in did not start; its log:" >&2
  cat "$log" >&2
  return 1
}

stop_standin() {
  if [ -n "${STANDIN_PID:-}" ]; then
    kill "$STANDIN_PID" 2>/dev/null || true
    wait "$STANDIN_PID" 2>/dev/null || true
    STANDIN_PID=
  fi
}

stop_worker() {
  if [ -n "${WORKER_PID:-}" ]; then
    kill -TERM -- "-$WORKER_PID" 2>/dev/null || true
    wait "$WORKER_PID" 2>/dev/null || true
    WORKER_PID=
  fi
}

# throwaway_stack SQL...: the worker on a fresh state directory with the
# migrations applied, then the SQL files (data) in order, its own address as
# PUBLIC_ORIGIN (as a deployment names its domain), and any wrangler
# arguments in the WORKER_ARGS array (e.g. --var NAME:VALUE). Sets BASE_URL;
# everything is stopped and removed when the calling script exits.
throwaway_stack() {
  STACK_STATE=$(mktemp -d)
  trap 'stop_worker; stop_standin; rm -rf "$STACK_STATE"' EXIT
  d1_migrate "$STACK_STATE"
  if [ $# -gt 0 ]; then d1_apply "$STACK_STATE" "$@"; fi
  local port; port=$(free_port)
  start_worker "$STACK_STATE" "$port" "$STACK_STATE/wrangler.log" \
    --var "PUBLIC_ORIGIN:http://127.0.0.1:$port" ${WORKER_ARGS[@]+"${WORKER_ARGS[@]}"}
  wait_ready "http://127.0.0.1:$port/" "$STACK_STATE/wrangler.log"
  BASE_URL="http://127.0.0.1:$port"
}

# A fresh key for the Dropbox tokens sealed at rest (base64 of 32 bytes).
new_encryption_key() {
  python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())'
}

# standin_stack ACCOUNTS SQL...: like throwaway_stack, with the worker pointed
# at a Dropbox stand-in started first (ACCOUNTS: a JSON file of accounts to
# create, or "" for none) and given a fresh token-encryption key. Sets
# DROPBOX_URL and TOKEN_ENCRYPTION_KEY too.
standin_stack() {
  local accounts=$1; shift
  local args=()
  if [ -n "$accounts" ]; then args=(--accounts "$accounts"); fi
  local log; log=$(mktemp)
  start_standin "$(free_port)" "$log" ${args[@]+"${args[@]}"}
  TOKEN_ENCRYPTION_KEY=$(new_encryption_key)
  WORKER_ARGS+=(--var "TOKEN_ENCRYPTION_KEY:$TOKEN_ENCRYPTION_KEY" $(standin_vars))
  throwaway_stack "$@"
}

# The wrangler arguments that point the worker at the stand-in.
standin_vars() {
  local var
  for var in DROPBOX_API_BASE DROPBOX_CONTENT_BASE DROPBOX_AUTH_BASE; do
    echo --var "$var:$DROPBOX_URL"
  done
  # Its temporary links are served from its own origin.
  echo --var "DROPBOX_LINK_ORIGINS:$DROPBOX_URL"
  echo --var DROPBOX_APP_KEY:standin-app-key --var DROPBOX_APP_SECRET:standin-app-secret
}

# connect_dropbox BASE_URL API_KEY ACCOUNT: the producer behind API_KEY
# connects the stand-in's ACCOUNT through the real OAuth flow, as their
# browser would: signed in to the console (a cookie jar), it opens the link
# the API hands out, which leads to Dropbox (the stand-in's consent page
# takes `login` as the sign-in) and back to the callback.
connect_dropbox() {
  local base=$1 key=$2 account=$3 jar url dropbox callback
  jar=$(mktemp)
  curl -s -o /dev/null -c "$jar" --data-urlencode "api_key=$key" "$base/console/sign-in"
  url=$(curl -sf -H "authorization: Bearer $key" "$base/api/dropbox/connect" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["authorize_url"])')
  dropbox=$(curl -s -o /dev/null -b "$jar" -w '%{redirect_url}' "$url")
  callback=$(curl -s -o /dev/null -w '%{redirect_url}' "$dropbox&login=$account")
  curl -sf -o /dev/null -b "$jar" "$callback"
  rm -f "$jar"
}
