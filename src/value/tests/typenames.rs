use super::*;
use crate::catalog::Dialect;
use std::collections::BTreeMap;

fn pg(t: &str) -> TypeClass {
    classify(t, Dialect::Postgres, &BTreeMap::new())
}

fn lite(t: &str) -> TypeClass {
    classify(t, Dialect::Sqlite, &BTreeMap::new())
}

#[test]
fn normalize_character_types() {
    assert_eq!(normalize_type("VARCHAR(255)"), "character varying(255)");
    assert_eq!(normalize_type("varchar"), "character varying");
    assert_eq!(
        normalize_type("character  varying ( 36 )"),
        "character varying(36)"
    );
    assert_eq!(normalize_type("char(3)"), "character(3)");
    assert_eq!(normalize_type("CHARACTER(3)"), "character(3)");
    assert_eq!(normalize_type("char"), "character(1)");
    assert_eq!(normalize_type("\"char\""), "\"char\"");
    assert_eq!(normalize_type("TEXT"), "text");
}

#[test]
fn normalize_integer_and_float_types() {
    for (input, want) in [
        ("int", "integer"),
        ("INT4", "integer"),
        ("serial", "integer"),
        ("bigserial", "bigint"),
        ("int8", "bigint"),
        ("int2", "smallint"),
        ("smallserial", "smallint"),
        ("float8", "double precision"),
        ("DOUBLE   PRECISION", "double precision"),
        ("float4", "real"),
        ("float", "double precision"),
        ("float(10)", "real"),
        ("bool", "boolean"),
        ("pg_catalog.int4", "integer"),
    ] {
        assert_eq!(normalize_type(input), want, "{input}");
    }
}

#[test]
fn normalize_numeric_and_time_types() {
    assert_eq!(normalize_type("decimal(10,2)"), "numeric(10,2)");
    assert_eq!(normalize_type("NUMERIC(10, 2)"), "numeric(10,2)");
    assert_eq!(normalize_type("numeric(5)"), "numeric(5,0)");
    assert_eq!(normalize_type("numeric"), "numeric");
    assert_eq!(normalize_type("timestamptz"), "timestamp with time zone");
    assert_eq!(normalize_type("TIMESTAMP"), "timestamp without time zone");
    assert_eq!(
        normalize_type("timestamp(3) with time zone"),
        "timestamp(3) with time zone"
    );
    assert_eq!(
        normalize_type("TIMESTAMPTZ(6)"),
        "timestamp(6) with time zone"
    );
    assert_eq!(normalize_type("timetz"), "time with time zone");
    assert_eq!(normalize_type("time"), "time without time zone");
    assert_eq!(
        normalize_type("interval day to second"),
        "interval day to second"
    );
}

#[test]
fn normalize_arrays() {
    assert_eq!(normalize_type("text[]"), "text[]");
    assert_eq!(normalize_type("_text"), "text[]");
    assert_eq!(normalize_type("_int4"), "integer[]");
    assert_eq!(normalize_type("integer ARRAY"), "integer[]");
    assert_eq!(normalize_type("INT[][]"), "integer[]");
    assert_eq!(normalize_type("varchar(20)[3]"), "character varying(20)[]");
    assert_eq!(normalize_type("\"My Enum\"[]"), "\"My Enum\"[]");
}

#[test]
fn same_type_ignores_the_public_qualifier_pg_dump_writes() {
    use crate::value::same_type;
    assert!(same_type("public.mood", "mood"));
    assert!(same_type("public.mood[]", "mood[]"));
    assert!(same_type("INT4", "integer"));
    assert!(!same_type("app.mood", "mood"));
    assert!(!same_type("public.mood", "text"));
}

#[test]
fn normalize_quoted_and_unknown_names() {
    assert_eq!(
        normalize_type("\"bazaar-vid_status\""),
        "\"bazaar-vid_status\""
    );
    assert_eq!(normalize_type("public.\"Status\""), "public.\"Status\"");
    assert_eq!(normalize_type("  Public.Mood  "), "public.mood");
    assert_eq!(normalize_type("CITEXT"), "citext");
    assert_eq!(normalize_type("uuid"), "uuid");
}

#[test]
fn classify_postgres_scalars() {
    assert_eq!(
        pg("int4"),
        TypeClass::Int {
            min: -2_147_483_648,
            max: 2_147_483_647
        }
    );
    assert_eq!(
        pg("smallint"),
        TypeClass::Int {
            min: -32768,
            max: 32767
        }
    );
    assert_eq!(
        pg("bigserial"),
        TypeClass::Int {
            min: i64::MIN,
            max: i64::MAX
        }
    );
    assert_eq!(pg("real"), TypeClass::Float { single: true });
    assert_eq!(pg("float8"), TypeClass::Float { single: false });
    assert_eq!(pg("bool"), TypeClass::Bool);
    assert_eq!(pg("uuid"), TypeClass::Uuid);
    assert_eq!(pg("date"), TypeClass::Date);
    assert_eq!(pg("jsonb"), TypeClass::Json);
    assert_eq!(pg("bytea"), TypeClass::Bytes);
    assert_eq!(pg("interval"), TypeClass::Interval);
    assert_eq!(pg("inet"), TypeClass::Other("inet".into()));
}

#[test]
fn classify_postgres_parameterised() {
    assert_eq!(
        pg("VARCHAR(255)"),
        TypeClass::Text {
            max_chars: Some(255),
            fixed: false
        }
    );
    assert_eq!(
        pg("text"),
        TypeClass::Text {
            max_chars: None,
            fixed: false
        }
    );
    assert_eq!(
        pg("char(2)"),
        TypeClass::Text {
            max_chars: Some(2),
            fixed: true
        }
    );
    assert_eq!(
        pg("decimal(10,2)"),
        TypeClass::Numeric {
            precision: Some(10),
            scale: Some(2)
        }
    );
    assert_eq!(
        pg("numeric(7)"),
        TypeClass::Numeric {
            precision: Some(7),
            scale: Some(0)
        }
    );
    assert_eq!(
        pg("numeric"),
        TypeClass::Numeric {
            precision: None,
            scale: None
        }
    );
    assert_eq!(pg("timestamptz"), TypeClass::TimestampTz);
    assert_eq!(pg("timestamp(3) without time zone"), TypeClass::Timestamp);
    assert_eq!(pg("timestamp(3) with time zone"), TypeClass::TimestampTz);
    assert_eq!(pg("timetz"), TypeClass::Time { with_zone: true });
    assert_eq!(pg("time(2)"), TypeClass::Time { with_zone: false });
}

#[test]
fn classify_postgres_arrays() {
    assert_eq!(
        pg("_int4"),
        TypeClass::Array(Box::new(TypeClass::Int {
            min: -2_147_483_648,
            max: 2_147_483_647
        }))
    );
    assert_eq!(pg("uuid[]"), TypeClass::Array(Box::new(TypeClass::Uuid)));
}

#[test]
fn classify_postgres_enums() {
    let mut enums = BTreeMap::new();
    let labels = vec!["draft".to_string(), "live".to_string()];
    enums.insert("public.bazaar-vid_status".to_string(), labels.clone());
    enums.insert("bazaar-vid_status".to_string(), labels.clone());
    enums.insert("app.Mood".to_string(), vec!["ok".to_string()]);
    let want = TypeClass::Enum {
        name: "bazaar-vid_status".into(),
        labels: labels.clone(),
    };
    let c = |t: &str| classify(t, Dialect::Postgres, &enums);
    assert_eq!(c("\"bazaar-vid_status\""), want);
    assert_eq!(c("bazaar-vid_status"), want);
    assert_eq!(
        c("public.\"bazaar-vid_status\""),
        TypeClass::Enum {
            name: "public.bazaar-vid_status".into(),
            labels
        }
    );
    assert_eq!(
        c("app.\"Mood\""),
        TypeClass::Enum {
            name: "app.Mood".into(),
            labels: vec!["ok".into()]
        }
    );
    assert_eq!(
        c("\"bazaar-vid_status\"[]"),
        TypeClass::Array(Box::new(want))
    );
    assert_eq!(c("\"Unknown\""), TypeClass::Other("\"Unknown\"".into()));
}

#[test]
fn classify_sqlite_specific_names() {
    assert_eq!(lite("BOOLEAN"), TypeClass::Bool);
    assert_eq!(lite("datetime"), TypeClass::Timestamp);
    assert_eq!(lite("TIMESTAMP"), TypeClass::Timestamp);
    assert_eq!(lite("TIMESTAMPTZ"), TypeClass::TimestampTz);
    assert_eq!(lite("DATE"), TypeClass::Date);
    assert_eq!(lite("UUID"), TypeClass::Uuid);
    assert_eq!(lite("jsonb"), TypeClass::Json);
    assert_eq!(
        lite("DECIMAL(10, 2)"),
        TypeClass::Numeric {
            precision: Some(10),
            scale: Some(2)
        }
    );
}

#[test]
fn classify_sqlite_affinity() {
    let i64s = TypeClass::Int {
        min: i64::MIN,
        max: i64::MAX,
    };
    let text = TypeClass::Text {
        max_chars: None,
        fixed: false,
    };
    assert_eq!(lite("INTEGER"), i64s);
    assert_eq!(lite("unsigned big int"), i64s);
    assert_eq!(lite("VARCHAR(255)"), text);
    assert_eq!(lite("NCHAR(55)"), text);
    assert_eq!(lite("CLOB"), text);
    assert_eq!(lite("BLOB"), TypeClass::Bytes);
    assert_eq!(lite(""), TypeClass::Other(String::new()));
    assert_eq!(lite("DOUBLE PRECISION"), TypeClass::Float { single: false });
    assert_eq!(lite("FLOAT"), TypeClass::Float { single: false });
    assert_eq!(lite("REAL"), TypeClass::Float { single: false });
    assert_eq!(
        lite("MONEY"),
        TypeClass::Numeric {
            precision: None,
            scale: None
        }
    );
}
