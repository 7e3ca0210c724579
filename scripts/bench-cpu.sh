#!/usr/bin/env bash
# Workerd CPU per request for the share page at the sizes the limits allow
# (see scripts/bench_cpu.py), on a fresh local stack. Figures go into
# BENCHMARKS.md. Usage: scripts/bench-cpu.sh [REQUESTS_PER_ROUND]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
. scripts/env.sh
. scripts/stack.sh
make -s worker >/dev/null

admin=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
WORKER_ARGS=(--var "ADMIN_TOKEN:$admin")
throwaway_stack
python3 scripts/bench_cpu.py "$BASE_URL" "$admin" "$WORKER_PID" "${1:-60}"
