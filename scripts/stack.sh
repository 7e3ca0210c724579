# Sourced by dev.sh and test.sh: runs the real worker under `wrangler dev`
# (workerd) with local D1 and KV kept in a directory of the caller's choice.

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
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
# process group (so stop_worker also ends workerd) and sets WORKER_PID.
start_worker() {
  local state=$1 port=$2 log=$3; shift 3
  setsid wrangler dev --persist-to "$state" --ip 127.0.0.1 --port "$port" \
    --inspector-port "$(free_port)" --test-scheduled \
    --show-interactive-dev-session=false "$@" >"$log" 2>&1 </dev/null &
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

# The worker's settings that point it at the stand-in, as wrangler arguments.
standin_vars() {
  printf '%s\n' --var "DROPBOX_API_BASE:$DROPBOX_URL" --var "DROPBOX_CONTENT_BASE:$DROPBOX_URL" \
    --var "DROPBOX_AUTH_BASE:$DROPBOX_URL" --var "DROPBOX_APP_KEY:standin-app-key" \
    --var "DROPBOX_APP_SECRET:standin-app-secret"
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

# throwaway_stack SQL...: the worker on a fresh state directory with the SQL
# files applied in order, and any wrangler arguments in the WORKER_ARGS array
# (e.g. --var NAME:VALUE). Sets BASE_URL; everything is stopped and removed
# when the calling script exits.
throwaway_stack() {
  STACK_STATE=$(mktemp -d)
  trap 'stop_worker; stop_standin; rm -rf "$STACK_STATE"' EXIT
  d1_apply "$STACK_STATE" "$@"
  local port; port=$(free_port)
  start_worker "$STACK_STATE" "$port" "$STACK_STATE/wrangler.log" ${WORKER_ARGS[@]+"${WORKER_ARGS[@]}"}
  wait_ready "http://127.0.0.1:$port/" "$STACK_STATE/wrangler.log"
  BASE_URL="http://127.0.0.1:$port"
}
