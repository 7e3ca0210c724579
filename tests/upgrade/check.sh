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
python3 - "$state/before.json" "$state/after.json" migrations <<'PY'
import collections, json, os, sys
before, after = (json.load(open(p)) for p in sys.argv[1:3])
applied = [r["name"] for r in after.pop("d1_migrations", [])]
expected = sorted(f for f in os.listdir(sys.argv[3]) if f.endswith(".sql"))
assert applied == expected, f"migrations applied: {applied}, in migrations/: {expected}"
# Every row a table held is still there, with the same values in the columns
# it had (a later migration may add columns; it must not lose anything).
lost = {}
for table, rows in before.items():
    columns = list(rows[0]) if rows else []
    count = lambda rs: collections.Counter(json.dumps([r.get(c) for c in columns]) for r in rs)
    missing = count(rows) - count(after.get(table, []))
    if missing:
        lost[table] = sum(missing.values())
assert not lost, f"rows changed or lost by the upgrade, per table: {lost}"
assert sum(len(r) for r in before.values()) > 0, "the previous release's database held no rows"
# Tracks written before track weights (0005) were weighed by it: at least a
# card's 600 each, or a large share of them would all be on one page.
unweighed = [t["id"] for t in after["tracks"] if t.get("weight", 0) < 600]
assert after["tracks"] and not unweighed, f"tracks left unweighed by the upgrade: {unweighed}"
print(f"upgrade kept every row: {sum(len(r) for r in before.values())} rows in {len(before)} tables, "
      f"{len(applied)} migration(s) applied")
PY
