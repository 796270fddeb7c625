//! The naming rules behind inferred relations: which column names look like
//! a reference (`project_id`, `projectId`, `ProjectID`, `owner_uuid`) and
//! which table names they point at (`project`, `projects`, `categories`,
//! `statuses`, or the same with the child table's prefix: `bazaar-vid_user`).

/// The referenced thing's name inside a reference-looking column, or None.
/// `project_id` / `project_uuid` (any case) → `project`; camelCase
/// `projectId`, `ProjectID`, `projectUuid` → `project`. A bare `id`, or a
/// word merely ending in "id" (`paid`, `valid`, `userid`), is not a reference:
/// without a separator or a case change the guess would be wrong too often.
pub(super) fn reference_stem(column: &str) -> Option<&str> {
    let lower = column.to_ascii_lowercase();
    for suffix in ["_id", "_uuid", "-id", "-uuid"] {
        if lower.ends_with(suffix) && lower.len() > suffix.len() {
            return Some(&column[..column.len() - suffix.len()]);
        }
    }
    for suffix in ["Id", "ID", "Uuid", "UUID"] {
        if let Some(stem) = column.strip_suffix(suffix) {
            // The case change must be real: `ProjectID` yes, `VALID` / `UUID` no.
            if stem
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            {
                return Some(stem);
            }
        }
    }
    None
}

/// Letters and digits only, lower-cased: `bazaar-vid_user`, `bazaarVidUser`
/// and `BAZAAR_VID_USER` all compare equal, so camelCase columns find
/// snake_case tables and the other way round.
fn squash(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Table names (squashed) a stem may refer to: singular and the common
/// English plurals.
fn table_forms(stem: &str) -> Vec<String> {
    let s = squash(stem);
    let mut forms = vec![s.clone(), format!("{s}s"), format!("{s}es")];
    if let Some(base) = s.strip_suffix('y') {
        forms.push(format!("{base}ies"));
    }
    forms
}

/// Prefixes of the child table's name ending at a separator, longest last:
/// `bazaar-vid_project` → `bazaar-`, `bazaar-vid_`. Applications that prefix
/// every table (`bazaar-vid_*`, `app_*`) name columns without the prefix.
fn prefixes(child_table: &str) -> Vec<&str> {
    child_table
        .char_indices()
        .filter(|&(i, c)| (c == '_' || c == '-') && i > 0)
        .map(|(i, _)| &child_table[..=i])
        .collect()
}

/// Whether `table` is a name the reference `stem`, found in a column of
/// `child_table`, points at (bare names, schema ignored).
pub(super) fn names_match(stem: &str, child_table: &str, table: &str) -> bool {
    let table = squash(table);
    let forms = table_forms(stem);
    if forms.contains(&table) {
        return true;
    }
    prefixes(child_table).iter().any(|p| {
        let p = squash(p);
        !p.is_empty()
            && table
                .strip_prefix(p.as_str())
                .is_some_and(|rest| forms.iter().any(|f| f == rest))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_like_columns() {
        assert_eq!(reference_stem("project_id"), Some("project"));
        assert_eq!(reference_stem("organization_id"), Some("organization"));
        assert_eq!(reference_stem("project_uuid"), Some("project"));
        assert_eq!(reference_stem("PROJECT_ID"), Some("PROJECT"));
        assert_eq!(reference_stem("projectId"), Some("project"));
        assert_eq!(reference_stem("ProjectID"), Some("Project"));
        assert_eq!(reference_stem("userUuid"), Some("user"));
        assert_eq!(reference_stem("testSessionId"), Some("testSession"));
        assert_eq!(reference_stem("v2Id"), Some("v2"));
        for not_a_reference in [
            "id", "ID", "_id", "paid", "valid", "VALID", "userid", "UUID", "Id", "name",
        ] {
            assert_eq!(reference_stem(not_a_reference), None, "{not_a_reference}");
        }
    }

    #[test]
    fn table_names_singular_plural_and_prefixed() {
        assert!(names_match("project", "test_sessions", "projects"));
        assert!(names_match("project", "test_sessions", "project"));
        assert!(names_match("Project", "x", "PROJECTS"));
        assert!(names_match("category", "products", "categories"));
        assert!(names_match("status", "tasks", "statuses"));
        assert!(names_match("testSession", "violations", "test_sessions"));
        assert!(names_match("test_session", "violations", "testSessions"));
        assert!(names_match("user", "bazaar-vid_project", "bazaar-vid_user"));
        assert!(names_match("user", "app_user_settings", "app_users"));
        assert!(!names_match("user", "projects", "bazaar-vid_user"));
        assert!(!names_match("project", "test_sessions", "projectile"));
        assert!(!names_match("manager", "employees", "employees"));
        assert!(!names_match("parent", "categories", "categories"));
        assert!(!names_match("user", "x", "users_archive"));
    }

    #[test]
    fn prefixes_end_at_separators() {
        assert_eq!(prefixes("bazaar-vid_project"), ["bazaar-", "bazaar-vid_"]);
        assert!(prefixes("projects").is_empty());
        assert!(prefixes("_hidden").is_empty());
    }
}
