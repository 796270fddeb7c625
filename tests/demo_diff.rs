//! The bundled demo, end to end through the real binary: `lifeboat demo`
//! builds the damaged SQLite database, and `lifeboat diff --json --rows`
//! must report exactly the damage recorded in assets/demo/expected.json.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn lifeboat() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lifeboat"));
    cmd.env_remove("LIFEBOAT_DATABASE_URL")
        .env_remove("DATABASE_URL");
    cmd
}

fn expected() -> Value {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/expected.json"),
    )
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn build_demo(dir: &Path) -> String {
    let out = lifeboat()
        .args(["demo", "--dir"])
        .arg(dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "demo failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn ids(list: &Value) -> Vec<String> {
    let mut v: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|k| match k {
            Value::Object(m) => m["id"].to_string().trim_matches('"').to_string(),
            other => other.to_string().trim_matches('"').to_string(),
        })
        .collect();
    v.sort();
    v
}

#[test]
fn demo_prints_the_damage() {
    let dir = tempfile::tempdir().unwrap();
    let out = build_demo(&dir.path().join("demo"));
    assert!(
        out.contains("table_missing") && out.contains("auth_configs"),
        "{out}"
    );
    assert!(
        out.contains("columns missing live: budget, launch_date, is_public, notes"),
        "{out}"
    );
    assert!(out.contains("user_xi3vlkE9W67ubphOtaNRidKXxBR"), "{out}");
    // Rebuilding into the same directory is allowed; a foreign non-empty directory is not.
    build_demo(&dir.path().join("demo"));
    std::fs::write(dir.path().join("other.txt"), "keep me").unwrap();
    let refused = lifeboat()
        .args(["demo", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not empty"));
    assert!(dir.path().join("other.txt").exists());
}

#[test]
fn demo_diff_matches_the_ground_truth() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    build_demo(&demo);
    let out = lifeboat()
        .args(["diff", "--json", "--rows", "--db"])
        .arg(demo.join("live.db"))
        .arg("--backup")
        .arg(demo.join("backup"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let truth = expected();
    assert_eq!(report["backup"]["created_at"], truth["backup_created_at"]);

    let tables = report["tables"].as_array().unwrap();
    assert_eq!(tables.len(), truth["tables"].as_object().unwrap().len());
    assert_eq!(tables[0]["name"], "auth_configs", "dropped table first");
    assert_eq!(tables[0]["status"], "table_missing");
    for (name, want) in truth["tables"].as_object().unwrap() {
        let got = tables
            .iter()
            .find(|t| t["name"] == *name)
            .unwrap_or_else(|| panic!("no {name}"));
        for field in ["backup_rows", "missing", "changed", "extra", "identical"] {
            assert_eq!(got[field], want[field], "{name}.{field}");
        }
        if want["live_table"] == true {
            assert_eq!(got["live_rows"], want["live_rows"], "{name}.live_rows");
            assert_eq!(
                got["schema"]["missing_columns"], want["missing_columns"],
                "{name}"
            );
            assert_eq!(
                got["schema"]["extra_columns"], want["extra_columns"],
                "{name}"
            );
            assert_eq!(
                ids(&got["rows"]["missing"]),
                ids(&want["missing_keys"]),
                "{name} missing keys"
            );
            assert_eq!(
                ids(&got["rows"]["extra"]),
                ids(&want["extra_keys"]),
                "{name} extra keys"
            );
            let changed: Vec<(String, Value)> = got["rows"]["changed"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["key"]["id"].as_str().unwrap().to_string(),
                        c["columns"].clone(),
                    )
                })
                .collect();
            let want_changed: Vec<(String, Value)> = want["changed_rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["key"]["id"].as_str().unwrap().to_string(),
                        c["columns"].clone(),
                    )
                })
                .collect();
            assert_eq!(changed, want_changed, "{name} changed rows");
        } else {
            assert_eq!(got["live_rows"], Value::Null);
        }
    }
    // Exactly the planted incompatible value, nowhere else.
    let incompatible: Vec<&Value> = tables
        .iter()
        .flat_map(|t| t["incompatible"].as_array().unwrap())
        .collect();
    let want = &truth["incompatible"][0];
    assert_eq!(incompatible.len(), 1, "{incompatible:?}");
    assert_eq!(incompatible[0]["column"], want["column"]);
    assert_eq!(incompatible[0]["value"], want["value"]);
    assert_eq!(incompatible[0]["key"], want["key"]);
    assert!(incompatible[0]["reason"].as_str().unwrap().contains("UUID"));
    let users = tables.iter().find(|t| t["name"] == "users").unwrap();
    assert_eq!(
        users["schema"]["type_mismatches"][0]["incompatible_values"],
        1
    );
}

#[test]
fn inspect_demo_backup() {
    let backup = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/backup");
    let out = lifeboat()
        .args(["inspect", "--json", "--backup"])
        .arg(&backup)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["format"], "json-directory");
    assert_eq!(report["created_at"], "2025-07-11T19:46:34.951Z");
    assert_eq!(report["has_schema"], true);
    let truth = expected();
    for (name, want) in truth["tables"].as_object().unwrap() {
        let t = report["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == *name)
            .unwrap();
        assert_eq!(t["rows"], want["backup_rows"], "{name}");
    }
    let violations = report["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "violations")
        .unwrap();
    assert_eq!(violations["format"], "jsonl");
    assert_eq!(report["warnings"], serde_json::json!([]));
}

#[test]
fn demo_report_text_is_stable() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    build_demo(&demo);
    let out = lifeboat()
        .args(["diff", "--rows", "--db"])
        .arg(demo.join("live.db"))
        .arg("--backup")
        .arg(demo.join("backup"))
        .args([
            "--table",
            "projects",
            "--table",
            "users",
            "--table",
            "auth_configs",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout).replace(demo.to_str().unwrap(), "[DEMO]");
    insta::assert_snapshot!(text);
}
