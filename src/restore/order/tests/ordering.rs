use super::*;

#[test]
fn chain_goes_parents_first_whatever_the_listing_order() {
    let mut f = Fixture::default();
    f.table("violations", 3);
    f.table("sessions", 2);
    f.table("users", 1);
    f.table("projects", 2);
    let project_user = f.relation("projects", "user_id", "users", NOT_NULL);
    let session_project = f.relation("sessions", "project_id", "projects", NOT_NULL);
    let violation_session = f.relation("violations", "session_id", "sessions", NOT_NULL);
    f.link(project_user, 0, 0);
    f.link(project_user, 1, 0);
    f.link(session_project, 0, 1);
    f.link(session_project, 1, 0);
    f.link(violation_session, 0, 1);
    f.link(violation_session, 1, 0);
    f.link(violation_session, 2, 1);
    let plan = f.plan().unwrap();
    f.assert_valid(&plan);
    assert_eq!(
        f.show(&plan),
        [
            "insert users [0]",
            "insert projects [0, 1]",
            "insert sessions [0, 1]",
            "insert violations [0, 1, 2]",
        ]
    );
}

#[test]
fn unrelated_tables_go_by_name() {
    let mut f = Fixture::default();
    f.table("zebras", 1);
    f.table("apples", 2);
    f.table("empty", 0);
    let plan = f.plan().unwrap();
    assert_eq!(f.show(&plan), ["insert apples [0, 1]", "insert zebras [0]"]);
}

#[test]
fn manager_chain_given_in_reverse_goes_boss_first() {
    let mut f = Fixture::default();
    f.table("employees", 3);
    let manager = f.relation("employees", "manager_id", "employees", NULLABLE);
    // 0 reports to 1, 1 reports to 2, 2 is the boss.
    f.link(manager, 0, 1);
    f.link(manager, 1, 2);
    let plan = f.plan().unwrap();
    f.assert_valid(&plan);
    assert_eq!(f.show(&plan), ["insert employees [2, 1, 0]"]);
}

#[test]
fn a_row_referencing_itself_needs_nothing() {
    let mut f = Fixture::default();
    f.table("employees", 2);
    let manager = f.relation("employees", "manager_id", "employees", NOT_NULL);
    f.link(manager, 0, 0);
    f.link(manager, 1, 0);
    let plan = f.plan().unwrap();
    f.assert_valid(&plan);
    assert_eq!(f.show(&plan), ["insert employees [0, 1]"]);
}

#[test]
fn a_table_loop_without_a_row_loop_needs_no_break() {
    let mut f = Fixture::default();
    f.table("users", 1);
    f.table("organizations", 2);
    let org = f.relation("users", "organization_id", "organizations", NOT_NULL);
    let owner = f.relation("organizations", "owner_id", "users", NOT_NULL);
    // User 0 is in organization 0 and owns organization 1: no row loop.
    f.link(org, 0, 0);
    f.link(owner, 1, 0);
    let plan = f.plan().unwrap();
    f.assert_valid(&plan);
    assert_eq!(
        f.show(&plan),
        [
            "insert organizations [0]",
            "insert users [0]",
            "insert organizations [1]",
        ]
    );
}

#[test]
fn a_loop_of_inferred_relations_needs_nothing() {
    let (f, _, _) = users_and_organizations(INFERRED, INFERRED);
    let plan = f.plan().unwrap();
    f.assert_valid(&plan);
    assert!(plan.deferred().is_empty());
    assert_eq!(plan.fix_count(), 0);
    assert_eq!(plan.rows_in_order().count(), 3);
    assert!(plan.steps.iter().all(|s| match s {
        Step::Insert { null_links, .. } => null_links.is_empty(),
        _ => false,
    }));
}

#[test]
fn inferred_relations_still_order_rows_when_they_can() {
    let mut f = Fixture::default();
    f.table("violations", 1);
    f.table("sessions", 1);
    let session = f.relation("violations", "session_id", "sessions", INFERRED);
    f.link(session, 0, 0);
    let plan = f.plan().unwrap();
    assert_eq!(
        f.show(&plan),
        ["insert sessions [0]", "insert violations [0]"]
    );
}

#[test]
fn enforced_link_wins_over_inferred_in_a_loop() {
    let (f, _, _) = users_and_organizations(INFERRED, NOT_NULL);
    let plan = f.plan().unwrap();
    f.assert_valid(&plan);
    // organizations.owner_id is enforced: the owner goes first; user 1's
    // guessed link costs nothing to follow, so it is followed.
    assert_eq!(
        f.show(&plan),
        [
            "insert users [0]",
            "insert organizations [0]",
            "insert users [1]"
        ]
    );
}

#[test]
fn bad_ids_are_errors_not_panics() {
    let (mut f, org, _) = users_and_organizations(NOT_NULL, NULLABLE);
    f.links.push(Link {
        child: RowId { table: 0, row: 7 },
        relation: org,
        parent: RowId { table: 1, row: 0 },
    });
    assert!(matches!(f.plan(), Err(OrderError::InvalidInput(_))));

    let (mut f, org, _) = users_and_organizations(NOT_NULL, NULLABLE);
    // Link direction swapped against the relation.
    f.links.push(Link {
        child: RowId { table: 1, row: 0 },
        relation: org,
        parent: RowId { table: 0, row: 0 },
    });
    assert!(matches!(f.plan(), Err(OrderError::InvalidInput(_))));

    let (mut f, org, _) = users_and_organizations(NOT_NULL, NULLABLE);
    f.table("organizations", 1);
    f.link(org, 1, 0);
    assert!(matches!(f.plan(), Err(OrderError::InvalidInput(_))));

    let (mut f, _, _) = users_and_organizations(NOT_NULL, NULLABLE);
    f.facts.pop();
    assert!(matches!(f.plan(), Err(OrderError::InvalidInput(_))));
}

#[test]
fn two_parents_through_one_relation_is_an_error() {
    let mut f = Fixture::default();
    f.table("employees", 3);
    let manager = f.relation("employees", "manager_id", "employees", NULLABLE);
    f.link(manager, 0, 1);
    f.link(manager, 0, 2);
    let err = f.plan().unwrap_err();
    assert!(err.to_string().contains("references two rows"), "{err}");
}

#[test]
fn duplicate_links_count_once() {
    let (mut f, org, _) = users_and_organizations(NULLABLE, NOT_NULL);
    f.link(org, 0, 0);
    let plan = f.plan().unwrap();
    f.assert_valid(&plan);
    assert_eq!(plan.fix_count(), 1);
}
