"""schema.sql is the readable, complete current schema; migrations/ is how
deployments get it. This fails when the two disagree: it builds one SQLite
database from each (schema.sql applied twice, as it must be idempotent) and
compares tables, columns, keys, indexes, views and triggers."""

import pathlib
import re
import sqlite3
import sys

root = pathlib.Path(__file__).resolve().parent.parent


def build(scripts):
    db = sqlite3.connect(":memory:")
    for script in scripts:
        db.executescript(script.read_text())
    return db


def shape(db):
    out = {}
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    for t in tables:
        out[t] = {
            "columns": sorted(c[1:] for c in db.execute(f"PRAGMA table_info('{t}')")),
            "foreign_keys": sorted(r[2:] for r in db.execute(f"PRAGMA foreign_key_list('{t}')")),
        }
    for kind, name, sql in db.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'view', 'trigger')"
            " AND sql IS NOT NULL ORDER BY type, name"):
        out[f"{kind} {name}"] = re.sub(r"\s+", " ", sql.replace("IF NOT EXISTS ", "")).strip()
    return out


def main():
    migrations = sorted((root / "migrations").glob("[0-9][0-9][0-9][0-9]_*.sql"))
    numbers = [int(m.name[:4]) for m in migrations]
    assert numbers == list(range(1, len(numbers) + 1)), f"migrations are not numbered 0001.. in order: {numbers}"
    current = shape(build([root / "schema.sql", root / "schema.sql"]))
    migrated = shape(build(migrations))
    if current != migrated:
        for key in sorted(set(current) | set(migrated)):
            if current.get(key) != migrated.get(key):
                print(f"schema.sql and migrations/ differ at {key}:\n  schema.sql: {current.get(key)}\n"
                      f"  migrations: {migrated.get(key)}", file=sys.stderr)
        sys.exit(1)
    print(f"schema.sql matches migrations/ ({len(migrations)} files, {len(current)} tables, indexes, views and triggers)")


if __name__ == "__main__":
    main()
