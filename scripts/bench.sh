#!/usr/bin/env bash
# `make bench`: what a share page, a download and the worker cost, in one
# run on one machine. Native rendering (cargo bench), the deployable wasm's
# size, then on a fresh local stack (wrangler dev, local D1 with the demo
# data, the Dropbox stand-in) every visitor route under load with workerd's
# own CPU counters (scripts/bench_load.mjs). BENCHMARKS.md records a run.
# BENCH_SECONDS and BENCH_ROUNDS tune the load runs (default 3 s, 3 rounds).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
. scripts/env.sh
. scripts/stack.sh

echo "== machine"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%F)"

echo
echo "== native render (cargo bench: best batch, median in brackets)"
cargo bench -q --bench render 2>/dev/null

echo
echo "== the deployable worker (wrangler deploy --dry-run)"
make -s worker >/dev/null
rm -rf tmp/dist
wrangler deploy --dry-run --outdir tmp/dist >/dev/null
printf "wasm %s B raw, %s B gzip\n" "$(cat tmp/dist/*.wasm | wc -c)" \
  "$(gzip -9c tmp/dist/*.wasm | wc -c)"

WORKER_ARGS=()
standin_stack scripts/demo-dropbox.json scripts/demo.sql
key=$(sed -n 's/^-- \(sp\..*\)$/\1/p' scripts/demo.sql)
connect_dropbox "$BASE_URL" "$key" dbid:demo-nightowl
echo
echo "== load (wrangler dev, local D1 and queue, the Dropbox stand-in)"
node scripts/bench_load.mjs "$BASE_URL" "$key" "$WORKER_PID"
