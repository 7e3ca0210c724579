#!/usr/bin/env bash
# Latency of share page views through the real worker under wrangler dev
# (local workerd and D1), sequential requests over loopback. Prints p50, p95
# and max in milliseconds. Usage: scripts/bench-http.sh [REQUESTS]
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-300}
scripts/setup.sh >/dev/null
. scripts/env.sh
. scripts/stack.sh
make -s worker >/dev/null

throwaway_stack schema.sql tests/fixtures/*.sql

for path in /s/it-featured /s/it-list /s/no-such-token; do
  url="$BASE_URL$path"
  for _ in $(seq 1 20); do curl -s -o /dev/null "$url"; done # warm-up
  seq 1 "$requests" | while read -r _; do curl -s -o /dev/null -w '%{time_total}\n' "$url"; done |
    sort -n | awk -v path="$path" '{ t[NR] = $1 * 1000 } END {
      printf "%-18s n=%d  p50 %.1f ms  p95 %.1f ms  max %.1f ms\n", path, NR, t[int(NR*0.5)], t[int(NR*0.95)], t[NR] }'
done
