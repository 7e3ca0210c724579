#!/usr/bin/env bash
# Every test: the core's unit tests natively; the schema against the
# migrations and a previous release's database upgraded by them; then, on
# one worker under wrangler dev with local D1 and KV (migrated, then seeded
# from tests/fixtures) and the Dropbox stand-in: the integration tests, the
# console and the visitor's pages in a real browser (player, downloads,
# axe-core, the Nu Html Checker, Lighthouse; screenshots and figures in
# tmp/browser), the README's API
# session, schemathesis against the OpenAPI document, and a check that no
# secret reached the worker's log. Dropbox's own SDK holds the
# stand-in to the real API.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh
. scripts/stack.sh

step() { printf '\n==> %s\n' "$*"; }

step "unit tests (native)"
cargo test --lib

step "schema.sql against migrations/"
python3 tests/schema_check.py

step "a previous release's database, upgraded by the migrations"
tests/upgrade/check.sh

step "the Dropbox stand-in against Dropbox's official Python SDK"
.venv/bin/python -m pytest -q -p no:cacheprovider tests/dropbox_sdk_test.py

step "building the worker"
make -s worker

# A fresh operator token per run, handed to the worker and to the tests.
SHAREPAGE_ADMIN_TOKEN=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
export SHAREPAGE_ADMIN_TOKEN
WORKER_ARGS=(--var "ADMIN_TOKEN:$SHAREPAGE_ADMIN_TOKEN")

step "the Dropbox stand-in, local D1 (migrated, then seeded) and wrangler dev"
standin_stack "" tests/fixtures/*.sql

step "integration tests against $BASE_URL"
SHAREPAGE_URL="$BASE_URL" SHAREPAGE_DROPBOX_URL="$DROPBOX_URL" \
  cargo test --features integration --test integration

step "the console and the visitor's pages in Chromium (playwright-core, axe-core, vnu, Lighthouse)"
# One file at a time: Lighthouse's timings want the machine to themselves.
SHAREPAGE_URL="$BASE_URL" SHAREPAGE_DROPBOX_URL="$DROPBOX_URL" BROWSER_OUT=tmp/browser \
  node --test --test-concurrency=1 --test-reporter=spec tests/browser/*.test.mjs
cat tmp/browser/figures.json

step "the README's API session against $BASE_URL"
python3 - README.md >"$STACK_STATE/session.sh" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
print(re.search(r"<!-- api-session -->\n```sh\n(.*?)```", text, re.S).group(1))
PY
BASE="$BASE_URL" ADMIN_TOKEN="$SHAREPAGE_ADMIN_TOKEN" bash -euo pipefail "$STACK_STATE/session.sh" |
  tee "$STACK_STATE/session.out"
grep -qx 'after revoking: 410' "$STACK_STATE/session.out"

step "schemathesis: the API against its OpenAPI document"
tests/schemathesis.sh "$BASE_URL" "$SHAREPAGE_ADMIN_TOKEN"

step "no secret in the worker's log"
python3 tests/log_check.py "$STACK_STATE/wrangler.log" "$DROPBOX_URL" \
  "operator=$SHAREPAGE_ADMIN_TOKEN" "sealing key=$TOKEN_ENCRYPTION_KEY" \
  "app secret=standin-app-secret"
