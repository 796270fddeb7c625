#!/usr/bin/env python3
"""Build lifeboat's bundled demo: an accessibility-testing app's backup
(taken 2025-07-11T19:46:34.951Z) and the damaged live SQLite database that
came after it, plus the ground truth a correct diff must find.

Deterministic (seeded, stdlib only). Run from anywhere:

    python3 assets/demo/generate.py && python3 assets/demo/verify.py

Writes backup/ (JSON, JSONL, CSV, schema.sql, manifest.json), live.sql,
expected.json and EXPECTED.md next to this script; render.py spells them.
"""

import json
import random
import sys
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the committed assets
from render import expected_md, live_sql, to_json, write_backup  # noqa: E402

HERE = Path(__file__).resolve().parent
BACKUP_AT = "2025-07-11T19:46:34.951Z"
UTC = timezone.utc
rng = random.Random(20250711)  # data


# ---------------------------------------------------------------- schema


@dataclass
class Col:
    name: str
    pg: str  # type in schema.sql
    lite: str  # declared type in live.sql
    kind: str  # uuid | text | int | numeric | bool | date | ts | json
    not_null: bool = False


@dataclass
class Table:
    name: str
    cols: list
    backup_file: str  # json | jsonl | csv
    unique: list = field(default_factory=list)
    fks: list = field(default_factory=list)  # (column, parent table, parent column)

    def col(self, name):
        return next(c for c in self.cols if c.name == name)


TS = ("timestamp with time zone", "TIMESTAMPTZ", "ts")
VC = ("varchar(255)", "VARCHAR(255)", "text")
UU = ("uuid", "UUID", "uuid")

SCHEMA = [  # parents before children
    Table("users", [Col("id", *UU, True), Col("email", *VC, True), Col("display_name", *VC),
                    Col("created_at", *TS, True)], "json", unique=["email"]),
    Table("projects", [Col("id", *UU, True), Col("owner_id", *UU, True), Col("name", *VC, True),
                       Col("slug", *VC, True), Col("base_url", "text", "TEXT", "text", True),
                       Col("created_at", *TS, True),
                       Col("budget", "numeric(10,2)", "NUMERIC(10,2)", "numeric"),
                       Col("launch_date", "date", "DATE", "date"),
                       Col("is_public", "boolean", "BOOLEAN", "bool", True),
                       Col("notes", "text", "TEXT", "text")],
          "json", unique=["slug"], fks=[("owner_id", "users", "id")]),
    Table("test_sessions", [Col("id", *UU, True), Col("project_id", *UU, True), Col("name", *VC, True),
                            Col("status", "varchar(32)", "VARCHAR(32)", "text", True),
                            Col("startedAt", *TS), Col("score", "numeric(5,2)", "NUMERIC(5,2)", "numeric"),
                            Col("settings", "jsonb", "JSONB", "json", True)],
          "json", fks=[("project_id", "projects", "id")]),
    Table("violations", [Col("id", *UU, True), Col("session_id", *UU, True),
                         Col("rule_id", "varchar(64)", "VARCHAR(64)", "text", True),
                         Col("impact", "varchar(16)", "VARCHAR(16)", "text", True),
                         Col("selector", "text", "TEXT", "text", True), Col("created_at", *TS, True)],
          "jsonl", fks=[("session_id", "test_sessions", "id")]),
    Table("auth_configs", [Col("id", *UU, True), Col("project_id", *UU, True),
                           Col("login_url", "text", "TEXT", "text", True),
                           Col("username_selector", "text", "TEXT", "text", True), Col("created_at", *TS, True)],
          "json", fks=[("project_id", "projects", "id")]),
    Table("vector-sync-status", [Col("id", "integer", "INTEGER", "int", True), Col("project_id", *UU, True),
                                 Col("synced_at", *TS), Col("state", "varchar(32)", "VARCHAR(32)", "text", True),
                                 Col("last_error", "text", "TEXT", "text")],
          "csv", fks=[("project_id", "projects", "id")]),
]

# The damage, as data: everything below is derived from these.
DROPPED_TABLES = ["auth_configs"]
DROPPED_COLUMNS = {"projects": ["budget", "launch_date", "is_public", "notes"]}
EXTRA_COLUMNS = {"users": [Col("last_login_at", *TS)]}


# ---------------------------------------------------------------- data


def new_id():
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def instant(start, end):
    """A random instant in [start, end) with JS millisecond precision."""
    a, b = (datetime.fromisoformat(x).replace(tzinfo=UTC) for x in (start, end))
    t = a + timedelta(seconds=rng.uniform(0, (b - a).total_seconds()))
    ms = rng.randrange(1000)
    if rng.random() < 0.25:
        ms -= ms % 100  # .100, .500, .000: shorter spellings live
    return t.replace(microsecond=ms * 1000)


def later(t, lo, hi):
    return (t + timedelta(seconds=rng.uniform(lo, hi))).replace(microsecond=rng.randrange(1000) * 1000)


def clerk_id():
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    return "user_" + "".join(rng.choice(alphabet) for _ in range(27))


PEOPLE = [("Maya Lindqvist", "maya.lindqvist@harborlibrary.example"),
          ("Zoë Adeyemi", "zoe+a11y@meadowbank.example"),
          ("Siobhán O'Neill", "siobhan.oneill@pinecrest-clinic.example"),
          ("Priya Raman", "priya@lumen.example"),
          ("Tomás Ferreira", "tomas.ferreira@tidewater.example"),
          ("Kwame Mensah", "kwame@federation.example"),
          ("Lena Vogel", "lena@toetheline.example.net")]

PROJECTS = [  # name, slug, base_url, owner index, sessions, lost live
    ("Harbor Library Catalogue", "harbor-library", "https://catalogue.harborlibrary.example", 0, 4, False),
    ("Meadowbank Council", "meadowbank-council", "https://www.meadowbank.example/", 1, 3, False),
    ("Pinecrest Clinic Booking", "pinecrest-booking", "https://book.pinecrest-clinic.example", 2, 3, False),
    ("Tidewater Transit", "tidewater-transit", "https://tidewater.example/app", 4, 3, False),
    ("Lumen Docs", "lumen-docs", "https://docs.lumen.example", 3, 2, False),
    ("Federated Login Portal", "fed-login-portal", "https://sso.federation.example/", 5, 2, True),
    ("ToeTheLine", "toetheline", "https://toetheline.example.net", 6, 1, True),
]
NOTES = ["Client wants WCAG 2.2 AA before the \"soft launch\"; AAA where cheap.",
         "Staging behind basic auth.\nAsk Maya for the password — never paste it in tickets.",
         None, "Tabs\tin\tnotes, and a backslash: C:\\exports\\a11y", "Re-test after the Q3 redesign ✓"]
SESSION_NAMES = ["Baseline scan", "Checkout flow", "WCAG 2.2 AA regression", "Mobile viewport pass",
                 "Search & filters", "Forms audit"]
FIXED_SESSIONS = {"ToeTheLine": ["Initial assessment"],
                  "Federated Login Portal": ["Smoke test – SAML login", "WCAG 2.2 AAA sweep"]}
RULES = {  # axe-core rule -> (usual impact, selectors)
    "color-contrast": ("serious", [".hero > p.lead", "footer .legal a:nth-child(3)", ".btn--primary"]),
    "image-alt": ("critical", ["img.logo", "#gallery > figure:nth-child(2) > img"]),
    "label": ("critical", ["#search-input", "form.newsletter input[type=\"email\"]"]),
    "link-name": ("serious", ["a.card__link", "nav > ul > li:nth-child(4) > a"]),
    "button-name": ("critical", ["button.icon-close", ".carousel__next"]),
    "region": ("moderate", ["#cookie-banner", "body > div:nth-child(5)"]),
    "heading-order": ("moderate", ["main h4", "aside > h5"]),
    "landmark-one-main": ("moderate", ["html"]),
    "duplicate-id": ("minor", ["#nav-toggle", "#footer"]),
    "aria-allowed-attr": ("serious", ["div[role=\"tab\"][aria-checked]"]),
    "list": ("serious", ["ul.breadcrumbs"]),
    "scrollable-region-focusable": ("serious", [".timetable-scroll"]),
}
# Values that break naive exporters, importers and SQL builders.
AWKWARD = ['button[aria-label="Close \\"dialog\\""]',
           "input[placeholder='Search…']",
           "#main\\:content > .card",
           "div.card\n  > img.thumbnail",
           "td.price\t/* tab before comment */",
           'a[title="Café – menü 日本語 ✓"]',
           'button[aria-label="👍 Like"]',
           "span.icon-\\n-literal-backslash-n",
           "p.lead\r\n  > a",
           "li:nth-child(2) > a[href*='?q=a,b']"]


def build_backup():
    users = [{"id": new_id(), "email": e, "display_name": n,
              "created_at": instant("2025-03-20", "2025-04-30")} for n, e in PEOPLE]
    # An account imported from the old auth provider: its key is not a UUID.
    users.insert(2, {"id": clerk_id(), "email": "legacy-import@a11yhub.example", "display_name": None,
                     "created_at": instant("2025-03-10", "2025-03-20")})
    uuid_users = [u for u in users if not u["id"].startswith("user_")]

    projects, sessions, violations, auths = [], [], [], []
    lost = set()
    for i, (name, slug, url, owner, n_sessions, is_lost) in enumerate(PROJECTS):
        when = {"ToeTheLine": ("2025-07-11T08:00", "2025-07-11T11:00"),
                "Federated Login Portal": ("2025-07-10", "2025-07-10T18:00")}.get(name, ("2025-05-01", "2025-06-30"))
        p = {"id": new_id(), "owner_id": uuid_users[owner]["id"], "name": name, "slug": slug, "base_url": url,
             "created_at": instant(*when),
             "budget": rng.choice([Decimal("12500.00"), Decimal("4800.50"), Decimal("950.00"), None, Decimal("30000.00")]),
             "launch_date": rng.choice([date(2025, 9, 1), date(2025, 10, 15), None]),
             "is_public": rng.random() < 0.5, "notes": NOTES[i % len(NOTES)]}
        projects.append(p)
        if is_lost:
            lost.add(p["id"])
        names = FIXED_SESSIONS.get(name) or rng.sample(SESSION_NAMES, n_sessions)
        for s in range(n_sessions):
            started = later(p["created_at"], 3600, 86400 * 3)
            if started.isoformat() >= "2025-07-11T19":
                started = later(p["created_at"], 600, 3600)
            sname = names[s]
            status = "completed"
            if (name, s) == ("Tidewater Transit", 2):
                status = "running"
            elif (name, s) == ("Pinecrest Clinic Booking", 2):
                status = "queued"
            elif (name, s) == ("Meadowbank Council", 1):
                status = "failed"
            sess = {"id": new_id(), "project_id": p["id"], "name": sname, "status": status,
                    "startedAt": None if status == "queued" else started,
                    "score": Decimal(rng.randrange(5500, 10001, rng.choice([1, 5, 50]))) / 100
                    if status == "completed" else None,
                    "settings": {"wcagLevel": "AAA" if "AAA" in sname else "AA",
                                 "viewport": {"width": rng.choice([1280, 1440, 390]), "height": 800},
                                 "rules": {"include": ["wcag2a", "wcag2aa", "wcag22aa"], "exclude": []},
                                 "maxPages": rng.choice([10, 25, 50]), "followLinks": status != "queued",
                                 "auth": None}}
            sessions.append(sess)
            n_viol = {"Smoke test – SAML login": 59, "WCAG 2.2 AAA sweep": 23, "Initial assessment": 12}.get(sname)
            if n_viol is None:
                n_viol = {"completed": rng.randint(4, 15), "running": 4, "failed": 2, "queued": 0}[status]
            for _ in range(n_viol):
                rule = rng.choice(sorted(RULES))
                impact, sels = RULES[rule]
                violations.append({"id": new_id(), "session_id": sess["id"], "rule_id": rule,
                                   "impact": impact if rng.random() < 0.8 else rng.choice(["minor", "moderate", "serious"]),
                                   "selector": rng.choice(sels), "created_at": later(started, 5, 900)})
        for k in range({"Federated Login Portal": 2, "ToeTheLine": 1, "Pinecrest Clinic Booking": 1,
                        "Tidewater Transit": 1}.get(name, 0)):
            auths.append({"id": new_id(), "project_id": p["id"],
                          "login_url": url.rstrip("/") + ["/login", "/idp/profile/SAML2/Redirect/SSO"][k],
                          "username_selector": ["#username", "input[name=\"j_username\"]", "input[type='email']"][
                              rng.randrange(3)],
                          "created_at": later(p["created_at"], 60, 7200)})
    # Spread the awkward selectors over kept and lost sessions alike.
    for n, sel in enumerate(AWKWARD):
        violations[(n * 37 + 11) % len(violations)]["selector"] = sel
    keep = [p for p in projects if p["id"] not in lost]
    sync = [{"id": n + 1, "project_id": p["id"], "synced_at": None if st == "pending" else later(p["created_at"], 600, 86400),
             "state": st, "last_error": err}
            for n, (p, st, err) in enumerate(zip([keep[0], keep[1], keep[4], keep[3]],
                                                 ["synced", "synced", "failed", "pending"],
                                                 ["", None, 'timeout after 30s, retry "3/3"', None]))]
    return {"users": users, "projects": projects, "test_sessions": sessions, "violations": violations,
            "auth_configs": auths, "vector-sync-status": sync}, lost


def damage(backup, lost_projects):
    """The live database: backup minus what was lost, plus what happened since."""
    live = {}
    lost_sessions = {s["id"] for s in backup["test_sessions"] if s["project_id"] in lost_projects}
    gone = {"users": lambda r: r["id"].startswith("user_"),
            "projects": lambda r: r["id"] in lost_projects,
            "test_sessions": lambda r: r["id"] in lost_sessions,
            "violations": lambda r: r["session_id"] in lost_sessions}
    for t in SCHEMA:
        if t.name in DROPPED_TABLES:
            continue
        drop = set(DROPPED_COLUMNS.get(t.name, []))
        live[t.name] = [{k: v for k, v in r.items() if k not in drop}
                        for r in backup[t.name] if not gone.get(t.name, lambda r: False)(r)]
    # Four edits made after the backup, one column each.
    next(u for u in live["users"] if u["email"] == "priya@lumen.example")["display_name"] = "Priya Raman-Iyer"
    next(p for p in live["projects"] if p["slug"] == "lumen-docs")["name"] = "Lumen Developer Docs"
    next(s for s in live["test_sessions"] if s["status"] == "running")["status"] = "failed"
    v = next(v for v in live["violations"][40:] if v["impact"] == "serious" and "\\" not in v["selector"])
    v["impact"] = "critical"
    # The extra column only live has.
    for u in live["users"]:
        u["last_login_at"] = instant("2025-07-12", "2025-07-24") if rng.random() < 0.7 else None
    # Work done after the backup: 2 new sessions, 3 new violations.
    harbor, meadow = live["projects"][0]["id"], live["projects"][1]["id"]
    new_sessions = []
    for pid, name, when in [(harbor, "Post-fix re-test", "2025-07-14"), (meadow, "Keyboard-only sweep", "2025-07-18")]:
        new_sessions.append({"id": new_id(), "project_id": pid, "name": name, "status": "completed",
                             "startedAt": instant(when, when + "T17:00"), "score": Decimal("91.00"),
                             "settings": {"wcagLevel": "AA", "viewport": {"width": 1280, "height": 800},
                                          "rules": {"include": ["wcag2a", "wcag2aa"], "exclude": ["region"]},
                                          "maxPages": 10, "followLinks": True, "auth": None}})
    live["test_sessions"] += new_sessions
    for rule in ["color-contrast", "label", "link-name"]:
        live["violations"].append({"id": new_id(), "session_id": new_sessions[0]["id"], "rule_id": rule,
                                   "impact": RULES[rule][0], "selector": RULES[rule][1][0],
                                   "created_at": later(new_sessions[0]["startedAt"], 5, 600)})
    return live


# ---------------------------------------------------------------- ground truth


def live_schema():
    out = {}
    for t in SCHEMA:
        if t.name in DROPPED_TABLES:
            continue
        drop = DROPPED_COLUMNS.get(t.name, [])
        out[t.name] = Table(t.name, [c for c in t.cols if c.name not in drop] + EXTRA_COLUMNS.get(t.name, []),
                            t.backup_file, t.unique, [f for f in t.fks if f[0] not in drop])
    return out


def incompatible(v, col):
    """Why a backup value cannot be stored in the live column, or None."""
    if v is None:
        return None
    if col.kind == "uuid":
        try:
            uuid.UUID(v)
        except ValueError:
            return "not a UUID"
    if col.lite.startswith("VARCHAR(") and len(v) > int(col.lite[8:-1]):
        return f"longer than {col.lite}"
    return None


def ground_truth(backup, live, lschema, lost_projects):
    tables, incompat = {}, []
    for t in SCHEMA:
        b = {r["id"]: r for r in backup[t.name]}
        lt = lschema.get(t.name)
        e = {"backup_rows": len(b), "live_rows": 0, "live_table": lt is not None,
             "missing": 0, "changed": 0, "extra": 0, "identical": 0,
             "missing_columns": [], "extra_columns": [], "missing_keys": [], "extra_keys": [], "changed_rows": []}
        tables[t.name] = e
        if lt is None:
            e["missing"], e["missing_keys"] = len(b), list(b)
            continue
        live_cols = {c.name: c for c in lt.cols}
        common = [c.name for c in t.cols if c.name in live_cols]
        e["missing_columns"] = [c.name for c in t.cols if c.name not in live_cols]
        e["extra_columns"] = [c for c in live_cols if c not in {c.name for c in t.cols}]
        lv = {r["id"]: r for r in live[t.name]}
        e["live_rows"] = len(lv)
        e["missing_keys"] = [k for k in b if k not in lv]
        e["extra_keys"] = [k for k in lv if k not in b]
        for k, row in b.items():
            if k in lv:
                diff = [c for c in common if row[c] != lv[k][c]]
                if diff:
                    e["changed_rows"].append({"key": {"id": k}, "columns": diff,
                                              "backup": {c: json.loads(to_json(row[c])) for c in diff},
                                              "live": {c: json.loads(to_json(lv[k][c])) for c in diff}})
                else:
                    e["identical"] += 1
            for c in common:
                why = incompatible(row[c], live_cols[c])
                if why:
                    incompat.append({"table": t.name, "key": {"id": k}, "column": c, "value": row[c],
                                     "live_type": live_cols[c].lite, "reason": why})
        e["missing"], e["extra"], e["changed"] = len(e["missing_keys"]), len(e["extra_keys"]), len(e["changed_rows"])
    # Values of dropped columns on rows that are still live: what "put the column back" restores.
    lost_values = {t: {c: sum(1 for r in backup[t] if r["id"] in {x["id"] for x in live[t]} and r[c] is not None)
                       for c in cols} for t, cols in DROPPED_COLUMNS.items()}
    # Rows that come along when the operator picks the two lost projects (children by FK).
    picked = {"projects": set(lost_projects)}
    for t in SCHEMA:
        for col, parent, _ in t.fks:
            if parent in picked and t.name != parent:
                picked.setdefault(t.name, set()).update(r["id"] for r in backup[t.name] if r[col] in picked[parent])
    return {"backup_created_at": BACKUP_AT, "dropped_tables": list(DROPPED_TABLES), "type_changes": [],
            "tables": tables, "incompatible": incompat, "dropped_column_values_on_live_rows": lost_values,
            "restore_lost_projects": {t: len(ids) for t, ids in picked.items() if ids},
            "lost_projects": [p["name"] for p in backup["projects"] if p["id"] in lost_projects],
            "lost_sessions": [{"id": s["id"], "name": s["name"],
                               "violations": sum(1 for v in backup["violations"] if v["session_id"] == s["id"])}
                              for s in backup["test_sessions"] if s["project_id"] in lost_projects]}


# ---------------------------------------------------------------- writers


def main():
    backup, lost = build_backup()
    live = damage(backup, lost)
    lschema = live_schema()
    gt = ground_truth(backup, live, lschema, lost)
    write_backup(HERE / "backup", SCHEMA, backup, BACKUP_AT)
    (HERE / "live.sql").write_text(live_sql(live, lschema), encoding="utf-8")
    (HERE / "expected.json").write_text(json.dumps(gt, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (HERE / "EXPECTED.md").write_text(expected_md(gt), encoding="utf-8")
    for name, e in gt["tables"].items():
        print(f"{name:20} backup {e['backup_rows']:4} live {e['live_rows']:4} missing {e['missing']:3} "
              f"changed {e['changed']} extra {e['extra']} identical {e['identical']}")


if __name__ == "__main__":
    main()
