//! Keep passwords out of everything we print or log.

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
/// Also redacts `password=...` key/value pairs. Text without credentials is returned unchanged.
pub fn redact(text: &str) -> String {
    let mut out = redact_userinfo(text);
    out = redact_password_pairs(&out);
    out
}

fn redact_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let (head, tail) = rest.split_at(pos + 3);
        out.push_str(head);
        // The authority ends at the first '/', whitespace or quote; userinfo at the last '@' before that.
        let end = tail
            .find(|c: char| {
                c == '/' || c == '?' || c == '#' || c.is_whitespace() || c == '"' || c == '\''
            })
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match (authority.rfind('@'), authority.find(':')) {
            (Some(at), Some(colon)) if colon < at => {
                out.push_str(&authority[..colon]);
                out.push_str(":***");
                out.push_str(&authority[at..]);
            }
            _ => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn redact_password_pairs(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(found) = lower[i..].find("password=") {
        let start = i + found + "password=".len();
        out.push_str(&text[i..start]);
        let end = text[start..]
            .find(|c: char| c == '&' || c.is_whitespace() || c == '\'' || c == '"')
            .map(|e| start + e)
            .unwrap_or(text.len());
        out.push_str("***");
        i = end;
    }
    out.push_str(&text[i..]);
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn hides_url_password() {
        assert_eq!(
            redact("error connecting to postgres://admin:s3cr%40t@db.example:5432/app"),
            "error connecting to postgres://admin:***@db.example:5432/app"
        );
    }

    #[test]
    fn password_with_at_sign_and_no_path() {
        assert_eq!(redact("postgresql://u:p@ss@h"), "postgresql://u:***@h");
    }

    #[test]
    fn leaves_urls_without_password() {
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
        assert_eq!(redact("sqlite:///tmp/a.db"), "sqlite:///tmp/a.db");
    }

    #[test]
    fn hides_keyword_password() {
        assert_eq!(
            redact("host=x password=hunter2 user=y"),
            "host=x password=*** user=y"
        );
    }
}
