#!/usr/bin/env python3
"""Check the demo files against expected.json without trusting generate.py:
build the live database from live.sql (foreign keys on, one transaction),
read backup/ as files, compare by meaning, and re-derive every number.

    python3 assets/demo/verify.py            # exit 1 and a message on any mismatch
"""

import json
import re
import sqlite3
import sys
import uuid
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
BACKUP = HERE / "backup"
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def parse_csv(text):
    """RFC 4180 with the backup's NULL rule: unquoted empty -> None, "" -> ''."""
    rows, row, i, n = [], [], 0, len(text)
    while i < n:
        if text[i] == '"':
            j, buf = i + 1, []
            while True:
                k = text.index('"', j)
                buf.append(text[j:k])
                if text[k + 1:k + 2] == '"':
                    buf.append('"')
                    j = k + 2
                else:
                    i = k + 1
                    break
            row.append("".join(buf))
        else:
            m = re.compile(r"[^,\r\n]*").match(text, i)
            row.append(m.group() or None)
            i = m.end()
        if i >= n or text[i] in "\r\n":
            rows.append(row)
            row = []
            i += 2 if text[i:i + 2] == "\r\n" else 1
        else:
            i += 1  # the comma
    header = rows[0]
    return [dict(zip(header, r)) for r in rows[1:]], header


def read_backup(name):
    for ext in ("json", "jsonl", "csv"):
        path = BACKUP / f"{name}.{ext}"
        if path.exists():
            with open(path, encoding="utf-8", newline="") as f:  # keep \r\n inside values
                text = f.read()
            if ext == "json":
                return json.loads(text, parse_float=Decimal)
            if ext == "jsonl":
                return [json.loads(line, parse_float=Decimal) for line in text.splitlines() if line]
            return parse_csv(text)[0]
    raise SystemExit(f"no backup file for {name}")


def schema_columns():
    """Table -> column names, from backup/schema.sql."""
    out = {}
    for m in re.finditer(r'CREATE TABLE ("?)([\w-]+)\1 \((.*?)\n\);', (BACKUP / "schema.sql").read_text(), re.S):
        out[m.group(2)] = [re.match(r'\s*"?([\w]+)"?', line).group(1)
                           for line in m.group(3).split(",\n") if "CONSTRAINT" not in line]
    return out


class Incompatible(Exception):
    pass


def canon(v, decl):
    """The value's meaning as a Python value, in the live column's declared type."""
    if v is None:
        return None
    decl = decl.upper()
    if decl == "UUID":
        try:
            return str(uuid.UUID(str(v)))
        except ValueError:
            raise Incompatible("not a UUID")
    if decl == "TIMESTAMPTZ":
        t = datetime.fromisoformat(v)
        check(t.tzinfo is not None, f"timestamp without zone: {v!r}")
        return t.astimezone(timezone.utc)
    if decl.startswith("NUMERIC"):
        return Decimal(repr(v)) if isinstance(v, float) else Decimal(str(v))
    if decl.startswith("JSON"):
        return json.loads(v, parse_float=Decimal) if isinstance(v, str) else v
    if decl == "INTEGER":
        return int(v)
    return v


def main():
    exp = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))
    manifest = json.loads((BACKUP / "manifest.json").read_text(encoding="utf-8"))
    con = sqlite3.connect(":memory:")
    con.execute("PRAGMA foreign_keys = ON")
    with open(HERE / "live.sql", encoding="utf-8", newline="") as f:
        con.executescript("BEGIN;\n" + f.read() + "\nCOMMIT;")
    check(con.execute("PRAGMA foreign_key_check").fetchall() == [], "live foreign keys violated")
    live_tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    schema = schema_columns()
    check(set(schema) == set(manifest["tables"]), "schema.sql tables != manifest tables")
    check(manifest["created_at"] == exp["backup_created_at"], "manifest created_at")
    check(sorted(set(schema) - live_tables) == sorted(exp["dropped_tables"]), "dropped tables")
    respelled = {"ts": [0, 0], "num": [0, 0], "json": [0, 0]}
    incompatible = []
    for name, e in exp["tables"].items():
        rows = read_backup(name)
        check(len(rows) == manifest["tables"][name] == e["backup_rows"], f"{name}: backup row count")
        check(all(list(r) == schema[name] for r in rows), f"{name}: backup keys != schema.sql columns")
        if name not in live_tables:
            check(not e["live_table"] and e["missing"] == len(rows), f"{name}: dropped table counts")
            continue
        info = con.execute(f'PRAGMA table_info("{name}")').fetchall()
        decl = {r[1]: r[2] for r in info}
        live_cols = [r[1] for r in info]
        check([c for c in schema[name] if c not in decl] == e["missing_columns"], f"{name}: missing columns")
        check([c for c in live_cols if c not in schema[name]] == e["extra_columns"], f"{name}: extra columns")
        common = [c for c in schema[name] if c in decl]
        cur = con.execute(f'SELECT * FROM "{name}"')
        live = {}
        for r in cur.fetchall():
            row = dict(zip(live_cols, r))
            live[canon(row["id"], decl["id"])] = row
        check(len(live) == e["live_rows"], f"{name}: live rows {len(live)}")
        seen, changed, identical, missing = [], [], 0, []
        for b in rows:
            try:
                key = canon(b["id"], decl["id"])
            except Incompatible as why:
                key = b["id"]
                incompatible.append((name, b["id"], "id", b["id"], str(why)))
            seen.append(key)
            if key not in live:
                missing.append(b["id"])
                continue
            diff = []
            for c in common:
                try:
                    same = canon(b[c], decl[c]) == canon(live[key][c], decl[c])
                except Incompatible as why:
                    incompatible.append((name, b["id"], c, b[c], str(why)))
                    same = False
                if not same:
                    diff.append(c)
                    continue
                # Count equal values that live spells differently: the demo must exercise that.
                bucket = {"TIMESTAMPTZ": "ts", "JSONB": "json"}.get(decl[c].upper(), "num" if "NUMERIC" in decl[c] else None)
                if bucket and b[c] is not None:
                    respelled[bucket][0] += 1
                    raw = json.dumps(b[c], separators=(",", ":")) if bucket == "json" else str(b[c])
                    respelled[bucket][1] += raw != str(live[key][c])
            if diff:
                changed.append({"key": {"id": key}, "columns": diff})
            else:
                identical += 1
        extra = [k for k in live if k not in seen]
        check(missing == e["missing_keys"] and len(missing) == e["missing"], f"{name}: missing {len(missing)}")
        check(extra == e["extra_keys"] and len(extra) == e["extra"], f"{name}: extra {len(extra)}")
        check(changed == [{"key": c["key"], "columns": c["columns"]} for c in e["changed_rows"]],
              f"{name}: changed {changed}")
        check(identical == e["identical"], f"{name}: identical {identical}")
    check(sorted(incompatible) == sorted((i["table"], i["key"]["id"], i["column"], i["value"], i["reason"])
                                         for i in exp["incompatible"]), f"incompatible {incompatible}")
    for bucket, (total, differ) in respelled.items():
        check(differ > 0, f"no {bucket} value spelled differently live")
    # The incident's shape.
    lost = {s["name"]: s["violations"] for s in exp["lost_sessions"]}
    check("ToeTheLine" in exp["lost_projects"] and len(exp["lost_projects"]) == 2, "lost projects")
    check(len(lost) == 3 and 59 in lost.values(), "lost sessions")
    check(sum(e["changed"] for e in exp["tables"].values()) == 4, "4 changed rows")
    check(sum(e["extra"] for e in exp["tables"].values()) == 5, "5 extra rows")
    if failures:
        print("FAIL\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("ok: " + ", ".join(f"{k} {d}/{t} respelled" for k, (t, d) in respelled.items()))


if __name__ == "__main__":
    main()
