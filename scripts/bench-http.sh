#!/usr/bin/env bash
# Latency through the real worker under wrangler dev (local workerd and D1),
# sequential requests over loopback: share pages, API calls (a share's
# details with 100 000 events among them), then downloads through the
# Dropbox stand-in (a cached temporary link, and a ZIP streamed through). Prints p50, p95 and max in
# milliseconds. Usage: scripts/bench-http.sh [REQUESTS]
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-300}
scripts/setup.sh >/dev/null
. scripts/env.sh
. scripts/stack.sh
make -s worker >/dev/null

WORKER_ARGS=()
standin_stack scripts/demo-dropbox.json tests/fixtures/*.sql scripts/demo.sql
connect_dropbox "$BASE_URL" "$(sed -n 's/^-- \(sp\..*\)$/\1/p' scripts/demo.sql)" dbid:demo-nightowl

# The fixture producer's key (tests/fixtures/api_stats.sql).
key=$(sed -n 's/^-- API key (fixture only): //p' tests/fixtures/api_stats.sql)

# bench LABEL PATH [curl arguments...]
bench() {
  local label=$1 url="$BASE_URL$2"; shift 2
  for _ in $(seq 1 20); do curl -s -o /dev/null "$@" "$url"; done # warm-up
  seq 1 "$requests" | while read -r _; do curl -s -o /dev/null -w '%{time_total}\n' "$@" "$url"; done |
    sort -n | awk -v label="$label" '{ t[NR] = $1 * 1000 } END {
      printf "%-32s n=%d  p50 %.1f ms  p95 %.1f ms  max %.1f ms\n", label, NR, t[int(NR*0.5)], t[int(NR*0.95)], t[NR] }'
}

bench /s/it-featured /s/it-featured
# The same page for a link-preview agent: no view is recorded afterwards.
bench "/s/it-featured (preview bot)" /s/it-featured -A "Slackbot 1.0"
bench /s/it-list /s/it-list
bench /s/no-such-token /s/no-such-token
auth=(-H "authorization: Bearer $key")
# Downloads are benchmarked as a browser, so each one records its event.
agent="Mozilla/5.0 (X11; Linux x86_64) bench"
bench "GET /api/me" /api/me "${auth[@]}"
bench "GET /api/shares/{7 events}" /api/shares/shr_stats "${auth[@]}"
bench "GET /api/shares/{100k+100k events}" /api/shares/shr_stats_big "${auth[@]}"
bench "GET /api/shares" /api/shares "${auth[@]}"
bench "POST /api/tracks" /api/tracks "${auth[@]}" -X POST \
  -d '{"title": "Bench", "bpm": 120, "files": [{"kind": "master", "path": "/Bench.wav"}]}'
# The first request fetches the link; the warm-up leaves it cached.
bench "file (cached link, 302)" /s/demo-featured-midnight/files/fil_demo_mid_master -A "$agent"
bench "folder (ZIP, 96 KB streamed)" /s/demo-featured-midnight/files/fil_demo_mid_stems -A "$agent"
