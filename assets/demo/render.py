"""How the demo's values are spelled on each side: the backup as a JS app's
JSON/CSV export and PostgreSQL DDL, the live database as SQLite SQL that
writes equal values differently. Used by generate.py."""

import json
import random
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

UTC = timezone.utc
fmt_rng = random.Random(7)  # how live spells equal values; apart from the data's seed


def iso_z(t):
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def to_json(v, indent=None, level=0):
    """JSON as a JS app's JSON.stringify would write it; numerics keep their scale."""
    if v is None or isinstance(v, bool):
        return {None: "null", True: "true", False: "false"}[v]
    if isinstance(v, Decimal):
        return f"{v:.2f}"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, datetime):
        return json.dumps(iso_z(v))
    if isinstance(v, date):
        return json.dumps(v.isoformat())
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    items = list(v.items()) if isinstance(v, dict) else list(v)
    open_, close = ("{", "}") if isinstance(v, dict) else ("[", "]")
    if not items:
        return open_ + close
    part = (lambda kv: json.dumps(kv[0], ensure_ascii=False) + (":" if indent is None else ": ")
            + to_json(kv[1], indent, level + 1)) if isinstance(v, dict) else \
        (lambda x: to_json(x, indent, level + 1))
    if indent is None:
        return open_ + ",".join(map(part, items)) + close
    pad = " " * indent
    return open_ + "\n" + ",\n".join(pad * (level + 1) + part(x) for x in items) + "\n" + pad * level + close


def csv_field(v):
    if v is None:
        return ""  # unquoted empty: NULL
    s = iso_z(v) if isinstance(v, datetime) else str(v)
    if s == "" or any(c in s for c in ',"\r\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def live_ts(t):
    """Half the timestamps live are spelled with a local offset, same instant."""
    if fmt_rng.random() < 0.5:
        return iso_z(t)
    off = fmt_rng.choice([timedelta(hours=2), timedelta(hours=-4), timedelta(hours=5, minutes=30), timedelta(0)])
    local = t.astimezone(timezone(off))
    frac = f"{local.microsecond // 1000:03d}".rstrip("0")
    mins = int(off.total_seconds()) // 60
    sign = "+" if mins >= 0 else "-"
    return (local.strftime("%Y-%m-%d %H:%M:%S") + ("." + frac if frac else "")
            + f"{sign}{abs(mins) // 60:02d}:{abs(mins) % 60:02d}")


def sql_str(s):
    """A SQLite string literal; control characters go in as char(n) so that no
    line-ending conversion of live.sql can change the data."""
    parts = re.split(r"([\x00-\x1f]+)", s)
    out = [f"char({', '.join(str(ord(c)) for c in p)})" if i % 2 else "'" + p.replace("'", "''") + "'"
           for i, p in enumerate(parts) if p or len(parts) == 1]
    return " || ".join(out)


def sql_value(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")  # 10.50 -> 10.5, 91.00 -> 91
    if isinstance(v, int):
        return str(v)
    if isinstance(v, datetime):
        return sql_str(live_ts(v))
    if isinstance(v, date):
        return sql_str(v.isoformat())
    if isinstance(v, dict):  # same document, other key order / spacing
        style = fmt_rng.randrange(3)
        if style == 0:
            return sql_str(to_json(v))
        return sql_str(json.dumps(v, sort_keys=True, ensure_ascii=False,
                                  separators=(",", ":") if style == 1 else (", ", ": ")))
    return sql_str(v)


def q(ident):
    return '"' + ident.replace('"', '""') + '"'


def pg_ident(ident):
    return ident if ident.replace("_", "a").isalnum() and ident.islower() else q(ident)


def schema_sql(schema):
    out = ["-- Schema of the accessibility-testing app at the time of the backup (PostgreSQL).", ""]
    alters = []
    for t in schema:
        lines = [f"    {pg_ident(c.name)} {c.pg}{' NOT NULL' if c.not_null else ''}" for c in t.cols]
        lines.append(f"    CONSTRAINT {pg_ident(t.name + '_pkey')} PRIMARY KEY (id)")
        lines += [f"    CONSTRAINT {pg_ident(f'{t.name}_{u}_key')} UNIQUE ({pg_ident(u)})" for u in t.unique]
        out += [f"CREATE TABLE {pg_ident(t.name)} (", ",\n".join(lines), ");", ""]
        for col, parent, pcol in t.fks:
            cascade = " ON DELETE CASCADE" if t.name in ("test_sessions", "violations") else ""
            alters.append(f"ALTER TABLE {pg_ident(t.name)} ADD CONSTRAINT {pg_ident(f'{t.name}_{col}_fkey')} "
                          f"FOREIGN KEY ({pg_ident(col)}) REFERENCES {pg_ident(parent)} ({pg_ident(pcol)}){cascade};")
    return "\n".join(out + alters) + "\n"


def live_sql(live, lschema):
    out = ["-- The damaged live database (SQLite), built by lifeboat's demo inside one transaction.",
           "-- Compare with backup/: auth_configs is gone, projects lost four columns and rows.", ""]
    for t in lschema.values():
        lines = []
        for c in t.cols:
            d = f"  {pg_ident(c.name)} {c.lite}{' NOT NULL' if c.not_null else ''}"
            d += " PRIMARY KEY" if c.name == "id" else ""
            d += " UNIQUE" if c.name in t.unique else ""
            for col, parent, pcol in t.fks:
                if col == c.name:
                    d += f" REFERENCES {pg_ident(parent)} ({pg_ident(pcol)})"
                    d += " ON DELETE CASCADE" if t.name in ("test_sessions", "violations") else ""
            lines.append(d)
        out += [f"CREATE TABLE {pg_ident(t.name)} (", ",\n".join(lines), ");", ""]
    for t in lschema.values():
        names = ", ".join(pg_ident(c.name) for c in t.cols)
        for r in live[t.name]:
            out.append(f"INSERT INTO {pg_ident(t.name)} ({names}) VALUES "
                       f"({', '.join(sql_value(r[c.name]) for c in t.cols)});")
        out.append("")
    return "\n".join(out)


def write_backup(d: Path, schema, backup, created_at):
    d.mkdir(exist_ok=True)
    for t in schema:
        rows = [{c.name: r[c.name] for c in t.cols} for r in backup[t.name]]
        if t.backup_file == "json":
            text = to_json(rows, 2) + "\n"
        elif t.backup_file == "jsonl":
            text = "".join(to_json(r) + "\n" for r in rows)
        else:
            text = "".join(",".join(csv_field(v) for v in line) + "\n"
                           for line in [[c.name for c in t.cols]] + [list(r.values()) for r in rows])
        (d / f"{t.name}.{t.backup_file}").write_text(text, encoding="utf-8", newline="")
    (d / "schema.sql").write_text(schema_sql(schema), encoding="utf-8")
    manifest = {"created_at": created_at, "tables": {t.name: len(backup[t.name]) for t in schema}}
    (d / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def expected_md(gt):
    L = ["# Demo dataset: ground truth", "",
         "Generated by `generate.py` from its own data; `verify.py` re-derives it from the files.",
         f"Backup taken {gt['backup_created_at']} (`backup/`); live database built from `live.sql` (SQLite).", "",
         "Files: `backup/` holds `users.json`, `projects.json`, `test_sessions.json`, `auth_configs.json`",
         "(JSON arrays), `violations.jsonl` (JSON lines), `vector-sync-status.csv` (CSV: unquoted empty = NULL,",
         '`""` = empty string), `schema.sql` (PostgreSQL DDL) and `manifest.json`. `live.sql` is SQLite DDL +',
         "INSERTs meant to run in one transaction (control characters are written as `char(n)`).",
         "`expected.json` holds everything below plus every missing/extra key.", "",
         "| table | backup rows | live rows | missing | changed | extra | identical | missing columns | extra columns |",
         "|---|---|---|---|---|---|---|---|---|"]
    for name, e in gt["tables"].items():
        live_rows = e["live_rows"] if e["live_table"] else "table dropped"
        L.append(f"| `{name}` | {e['backup_rows']} | {live_rows} | {e['missing']} | {e['changed']} | {e['extra']} "
                 f"| {e['identical']} | {', '.join(e['missing_columns']) or '-'} | {', '.join(e['extra_columns']) or '-'} |")
    tot = {k: sum(e[k] for e in gt["tables"].values()) for k in ("backup_rows", "live_rows", "missing", "changed", "extra", "identical")}
    L += [f"| **total** | {tot['backup_rows']} | {tot['live_rows']} | {tot['missing']} | {tot['changed']} | {tot['extra']} | {tot['identical']} | | |",
          "", "Rows of a dropped table count as missing. Changed/identical compare only columns both sides have,",
          "by meaning (timestamps as instants, numerics as decimals, JSON ignoring key order and spacing).", "",
          "## Schema drift", "",
          f"- Dropped tables: {', '.join('`' + t + '`' for t in gt['dropped_tables'])}",
          "- `vector-sync-status` (hyphenated) is present live and identical to the backup.",
          "- No column type changes (declared types match after normalisation)."]
    for name, e in gt["tables"].items():
        for kind in ("missing_columns", "extra_columns"):
            if e[kind]:
                L.append(f"- `{name}` {kind.replace('_', ' ')}: " + ", ".join(f"`{c}`" for c in e[kind]))
    L += ["", "Non-null values of the dropped columns on rows still live (restorable by primary key):", ""]
    for t, cols in gt["dropped_column_values_on_live_rows"].items():
        L.append(f"- `{t}`: " + ", ".join(f"`{c}` {n}" for c, n in cols.items()))
    L += ["", "## Changed rows", ""]
    for name, e in gt["tables"].items():
        for ch in e["changed_rows"]:
            for c in ch["columns"]:
                L.append(f"- `{name}` id `{ch['key']['id']}`: `{c}` {json.dumps(ch['backup'][c], ensure_ascii=False)} (backup) -> "
                     f"{json.dumps(ch['live'][c], ensure_ascii=False)} (live)")
    L += ["", "## Missing and extra rows", ""]
    for name, e in gt["tables"].items():
        for kind in ("missing_keys", "extra_keys"):
            if e[kind] and len(e[kind]) <= 5:
                L.append(f"- `{name}` {kind.split('_')[0]}: " + ", ".join(f"`{k}`" for k in e[kind]))
            elif e[kind]:
                L.append(f"- `{name}` {kind.split('_')[0]}: {len(e[kind])} rows (keys in expected.json)")
    L += ["", f"Lost projects: {', '.join(gt['lost_projects'])}. Picking them brings along (rows by FK): "
          + ", ".join(f"{t} {n}" for t, n in gt["restore_lost_projects"].items()) + ".", "",
          "Lost sessions: " + "; ".join(f"{s['name']} (`{s['id']}`, {s['violations']} violations)"
                                        for s in gt["lost_sessions"]) + ".", "",
          "## Incompatible values", ""]
    for i in gt["incompatible"]:
        L.append(f"- `{i['table']}` key id=`{i['key']['id']}` column `{i['column']}` value `{i['value']}`: "
                 f"{i['reason']} (live type {i['live_type']}); the row is also missing live.")
    return "\n".join(L) + "\n"
