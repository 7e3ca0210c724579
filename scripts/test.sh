#!/usr/bin/env bash
# Every test: the core's unit tests natively, then the integration tests
# against the real worker under wrangler dev with local D1 and KV. The worker
# is started once for the whole run, on a fresh state directory.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh
. scripts/stack.sh

step() { printf '\n==> %s\n' "$*"; }

step "unit tests (native)"
cargo test --lib

step "building the worker"
make -s worker

state=$(mktemp -d)
log="$state/wrangler.log"
cleanup() { stop_worker; rm -rf "$state"; }
trap cleanup EXIT

step "local D1: schema, schema again (it must be idempotent), fixtures"
d1_apply "$state" schema.sql
d1_apply "$state" schema.sql tests/fixtures/*.sql

port=$(free_port)
step "starting wrangler dev on 127.0.0.1:$port"
start_worker "$state" "$port" "$log"
wait_ready "http://127.0.0.1:$port/" "$log"

step "integration tests"
SHAREPAGE_URL="http://127.0.0.1:$port" cargo test --features integration --test integration
