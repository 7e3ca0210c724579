"""Prints every row of every table of a SQLite file as JSON (each row as a
column -> value map, ordered), so two snapshots of one database can be
compared exactly."""

import json
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
db.row_factory = sqlite3.Row
tables = [r[0] for r in db.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
    "AND name NOT LIKE '_cf_%' ORDER BY name")]
print(json.dumps({t: [dict(r) for r in db.execute(f'SELECT * FROM "{t}" ORDER BY 1, 2')]
                  for t in tables}))
