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

# A fresh operator token per run, handed to the worker and to the tests.
SHAREPAGE_ADMIN_TOKEN=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
export SHAREPAGE_ADMIN_TOKEN
WORKER_ARGS=(--var "ADMIN_TOKEN:$SHAREPAGE_ADMIN_TOKEN")

step "the Dropbox stand-in, local D1 (schema applied twice: it must be idempotent) and wrangler dev"
standin_stack "" schema.sql schema.sql tests/fixtures/*.sql

step "integration tests against $BASE_URL"
SHAREPAGE_URL="$BASE_URL" SHAREPAGE_DROPBOX_URL="$DROPBOX_URL" \
  cargo test --features integration --test integration

step "the README's API session against $BASE_URL"
python3 - README.md >"$STACK_STATE/session.sh" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
print(re.search(r"<!-- api-session -->\n```sh\n(.*?)```", text, re.S).group(1))
PY
BASE="$BASE_URL" ADMIN_TOKEN="$SHAREPAGE_ADMIN_TOKEN" bash -euo pipefail "$STACK_STATE/session.sh" |
  tee "$STACK_STATE/session.out"
grep -qx 'after revoking: 410' "$STACK_STATE/session.out"
