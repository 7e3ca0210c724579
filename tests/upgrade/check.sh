#!/usr/bin/env bash
# A deployment made by the previous release (its schema.sql, kept here as
# release-2026-11-28.sql, plus data) upgrades with `wrangler d1 migrations
# apply`: every row of every table is still there, unchanged, afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/env.sh
. scripts/stack.sh

state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
d1_apply "$state" tests/upgrade/release-2026-11-28.sql tests/fixtures/*.sql scripts/demo.sql
db() { find "$state" -name '*.sqlite' -not -name 'metadata.sqlite' | head -n 1; }
python3 tests/upgrade/rows.py "$(db)" >"$state/before.json"
d1_migrate "$state"
python3 tests/upgrade/rows.py "$(db)" >"$state/after.json"
python3 - "$state/before.json" "$state/after.json" <<'PY'
import json, sys
before, after = (json.load(open(p)) for p in sys.argv[1:3])
applied = after.pop("d1_migrations", None)
assert applied and [r[1] for r in applied] == ["0001_initial.sql"], f"migrations applied: {applied}"
lost = {t: len(rows) for t, rows in before.items() if after.get(t) != rows}
assert not lost, f"rows changed or lost by the upgrade: {lost}"
print(f"upgrade kept every row: {sum(len(r) for r in before.values())} rows in {len(before)} tables")
PY
