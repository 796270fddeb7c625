//! pg_dump DDL that sqlparser does not accept, read from the tokens:
//! `CREATE DOMAIN ... NOT NULL DEFAULT ...`, `ALTER TABLE ... ATTACH
//! PARTITION`, and the sequence options of `ADD GENERATED ... AS IDENTITY (...)`.

use crate::catalog::TableName;
use crate::value::normalize_type;
use sqlparser::tokenizer::{Token, TokenWithSpan};

/// A statement handled here instead of by sqlparser.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Special {
    /// `CREATE DOMAIN name AS base`: the name's parts and the normalised base type.
    Domain { name: Vec<String>, base: String },
    /// `ALTER TABLE [ONLY] parent ATTACH PARTITION child ...`.
    Attach { parent: TableName, child: TableName },
}

/// Indexes of the tokens that are not whitespace or comments.
fn significant(tokens: &[TokenWithSpan]) -> Vec<usize> {
    (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect()
}

/// The unquoted keyword at `tokens[i]`, upper case.
fn keyword(t: &Token) -> Option<String> {
    match t {
        Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
        _ => None,
    }
}

fn ident(t: &Token) -> Option<String> {
    match t {
        Token::Word(w) if w.quote_style == Some('"') => Some(w.value.clone()),
        Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_lowercase()),
        _ => None,
    }
}

/// A dotted name starting at `sig[at]`; returns its parts and the next position.
fn dotted(tokens: &[TokenWithSpan], sig: &[usize], mut at: usize) -> Option<(Vec<String>, usize)> {
    let mut parts = vec![ident(&tokens[*sig.get(at)?].token)?];
    at += 1;
    while sig
        .get(at)
        .is_some_and(|&i| tokens[i].token == Token::Period)
    {
        parts.push(ident(&tokens[*sig.get(at + 1)?].token)?);
        at += 2;
    }
    Some((parts, at))
}

fn table(parts: &[String]) -> Option<TableName> {
    match parts {
        [n] => Some(TableName::new(None, n)),
        [.., s, n] => Some(TableName::new(Some(s), n)),
        [] => None,
    }
}

/// Recognise a statement this module reads itself.
pub(super) fn special(tokens: &[TokenWithSpan]) -> Option<Special> {
    let sig = significant(tokens);
    let kw = |k: usize| sig.get(k).and_then(|&i| keyword(&tokens[i].token));
    match (kw(0).as_deref(), kw(1).as_deref()) {
        (Some("CREATE"), Some("DOMAIN")) => domain(tokens, &sig),
        (Some("ALTER"), Some("TABLE")) => {
            let mut at = 2;
            while matches!(kw(at).as_deref(), Some("ONLY" | "IF" | "EXISTS")) {
                at += 1;
            }
            let (parent, at) = dotted(tokens, &sig, at)?;
            if kw(at).as_deref() != Some("ATTACH") || kw(at + 1).as_deref() != Some("PARTITION") {
                return None;
            }
            let (child, _) = dotted(tokens, &sig, at + 2)?;
            Some(Special::Attach {
                parent: table(&parent)?,
                child: table(&child)?,
            })
        }
        _ => None,
    }
}

/// `CREATE DOMAIN name [AS] type [COLLATE ...] [DEFAULT ...] [constraints]`.
fn domain(tokens: &[TokenWithSpan], sig: &[usize]) -> Option<Special> {
    let (name, mut at) = dotted(tokens, sig, 2)?;
    if sig
        .get(at)
        .and_then(|&i| keyword(&tokens[i].token))
        .as_deref()
        == Some("AS")
    {
        at += 1;
    }
    let start = *sig.get(at)?;
    let mut end = tokens.len();
    let mut depth = 0i32;
    for (i, t) in tokens.iter().enumerate().skip(start) {
        match &t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            t if depth == 0
                && matches!(
                    keyword(t).as_deref(),
                    Some("COLLATE" | "DEFAULT" | "NOT" | "NULL" | "CONSTRAINT" | "CHECK")
                ) =>
            {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let text: String = tokens[start..end]
        .iter()
        .map(|t| t.token.to_string())
        .collect();
    let text = text.trim();
    (!text.is_empty()).then(|| Special::Domain {
        name,
        base: normalize_type(text),
    })
}

/// `ALTER TYPE ... OWNER TO / RENAME TO / SET SCHEMA ...`: only `ADD VALUE`
/// (an enum label) matters to the catalog; the others are skipped unparsed.
pub(super) fn alter_type_without_labels(tokens: &[TokenWithSpan]) -> bool {
    let words: Vec<String> = significant(tokens)
        .into_iter()
        .filter_map(|i| keyword(&tokens[i].token))
        .collect();
    words.len() >= 2
        && words[0] == "ALTER"
        && words[1] == "TYPE"
        && !words.iter().any(|w| w == "VALUE")
}

/// Remove what sqlparser does not accept and the catalog does not need:
/// the `( SEQUENCE NAME ... START WITH ... )` after `AS IDENTITY`, and the
/// column list of `ON DELETE SET NULL (col)` (PostgreSQL 15).
pub(super) fn strip_unsupported(tokens: &mut Vec<TokenWithSpan>) {
    // Each pass removes one group; a statement has a few at most.
    for _ in 0..8 {
        let sig = significant(tokens);
        let kw = |k: usize| keyword(&tokens[sig[k]].token);
        let open = (0..sig.len()).find_map(|k| {
            let paren = sig
                .get(k + 1)
                .is_some_and(|&i| tokens[i].token == Token::LParen);
            if !paren {
                return None;
            }
            let identity = kw(k).as_deref() == Some("IDENTITY");
            let set_null = k >= 2
                && matches!(kw(k).as_deref(), Some("NULL" | "DEFAULT"))
                && kw(k - 1).as_deref() == Some("SET")
                && matches!(kw(k - 2).as_deref(), Some("DELETE" | "UPDATE"));
            (identity || set_null).then(|| sig[k + 1])
        });
        let Some(open) = open else { return };
        let mut depth = 0;
        let close = (open..tokens.len()).find(|&i| {
            match tokens[i].token {
                Token::LParen => depth += 1,
                Token::RParen => depth -= 1,
                _ => {}
            }
            depth == 0
        });
        match close {
            Some(close) => drop(tokens.drain(open..=close)),
            None => return,
        }
    }
}

/// Whether an ALTER TABLE that sqlparser rejects may change columns or keys
/// (then the failure is an error; OWNER TO, SET STATISTICS, ... are only warned about).
pub(super) fn alter_matters(tokens: &[TokenWithSpan]) -> bool {
    let mut depth = 0;
    let mut previous = String::new();
    for t in tokens {
        match &t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            t if depth == 0 => {
                if let Some(k) = keyword(t) {
                    let hit = matches!(
                        k.as_str(),
                        "PRIMARY"
                            | "UNIQUE"
                            | "FOREIGN"
                            | "REFERENCES"
                            | "IDENTITY"
                            | "DEFAULT"
                            | "TYPE"
                    ) || (k == "COLUMN" && matches!(previous.as_str(), "ADD" | "DROP"))
                        || (k == "NULL" && previous == "NOT");
                    if hit {
                        return true;
                    }
                    previous = k;
                } else if !matches!(t, Token::Whitespace(_)) {
                    previous.clear();
                }
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::tokenizer::Tokenizer;

    fn toks(sql: &str) -> Vec<TokenWithSpan> {
        Tokenizer::new(&PostgreSqlDialect {}, sql)
            .tokenize_with_location()
            .unwrap()
    }

    #[test]
    fn domains_as_pg_dump_writes_them() {
        let got = special(&toks(
            "CREATE DOMAIN public.short_text AS character varying(20) NOT NULL DEFAULT 'x'::character varying",
        ));
        assert_eq!(
            got,
            Some(Special::Domain {
                name: vec!["public".into(), "short_text".into()],
                base: "character varying(20)".into()
            })
        );
        let got = special(&toks(
            "CREATE DOMAIN public.\"Money-ish\" AS numeric(12,3)\n\tCONSTRAINT c CHECK ((VALUE > 0))",
        ));
        assert_eq!(
            got,
            Some(Special::Domain {
                name: vec!["public".into(), "Money-ish".into()],
                base: "numeric(12,3)".into()
            })
        );
    }

    #[test]
    fn attach_partition_names_parent_and_child() {
        let got = special(&toks(
            "ALTER TABLE ONLY public.events ATTACH PARTITION public.\"Ev-1\" FOR VALUES FROM ('a') TO ('b')",
        ));
        assert_eq!(
            got,
            Some(Special::Attach {
                parent: TableName::new(Some("public"), "events"),
                child: TableName::new(Some("public"), "Ev-1"),
            })
        );
        assert_eq!(special(&toks("ALTER TABLE t OWNER TO x")), None);
    }

    #[test]
    fn alter_type_matters_only_for_labels() {
        assert!(alter_type_without_labels(&toks(
            "ALTER TYPE public.mood OWNER TO x"
        )));
        assert!(!alter_type_without_labels(&toks(
            "ALTER TYPE mood ADD VALUE 'x' AFTER 'y'"
        )));
        assert!(!alter_type_without_labels(&toks(
            "ALTER TABLE t OWNER TO x"
        )));
    }

    #[test]
    fn identity_options_are_dropped() {
        let mut t = toks("ALTER TABLE t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (\n SEQUENCE NAME s START WITH 1 CACHE 1\n)");
        strip_unsupported(&mut t);
        let text: String = t.iter().map(|t| t.token.to_string()).collect();
        assert_eq!(
            text.trim(),
            "ALTER TABLE t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY"
        );
        let mut t = toks("ALTER TABLE ONLY r ADD CONSTRAINT f FOREIGN KEY (a, b) REFERENCES p(a, b) ON UPDATE CASCADE ON DELETE SET NULL (b) NOT VALID");
        strip_unsupported(&mut t);
        let text: String = t.iter().map(|t| t.token.to_string()).collect();
        assert!(text.ends_with("ON DELETE SET NULL  NOT VALID"), "{text}");
        // A parenthesised column default stays.
        let mut t = toks("ALTER TABLE t ALTER COLUMN a SET DEFAULT (1 + 2)");
        strip_unsupported(&mut t);
        let text: String = t.iter().map(|t| t.token.to_string()).collect();
        assert!(text.ends_with("(1 + 2)"), "{text}");
    }

    #[test]
    fn which_alter_tables_matter() {
        assert!(alter_matters(&toks(
            "ALTER TABLE t ADD CONSTRAINT k PRIMARY KEY (a)"
        )));
        assert!(alter_matters(&toks(
            "ALTER TABLE t ALTER COLUMN a SET NOT NULL"
        )));
        assert!(!alter_matters(&toks("ALTER TABLE t OWNER TO \"PRIMARY\"")));
        assert!(!alter_matters(&toks(
            "ALTER TABLE ONLY t ALTER COLUMN a SET STATISTICS 100"
        )));
        assert!(!alter_matters(&toks(
            "ALTER TABLE t ADD CONSTRAINT c CHECK (a IS NOT NULL) NOT VALID"
        )));
    }
}
