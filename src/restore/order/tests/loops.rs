use super::*;

#[test]
fn self_reference_loop_with_nullable_link_is_nulled_then_fixed() {
    let mut f = Fixture::default();
    f.table("employees", 3);
    let manager = f.relation("employees", "manager_id", "employees", NULLABLE);
    // a (0) and b (1) manage each other; c (2) reports to a.
    f.link(manager, 0, 1);
    f.link(manager, 1, 0);
    f.link(manager, 2, 0);
    let plan = f.plan().unwrap();
    f.assert_valid(&plan);
    assert_eq!(
        f.show(&plan),
        [
            "insert employees [0, 1, 2] null 0.manager_id",
            "fix employees.0.manager_id = employees.1",
        ]
    );
    assert_eq!(plan.fix_count(), 1);
}

#[test]
fn two_table_loop_all_deferrable_is_deferred() {
    let (f, _, _) = users_and_organizations(DEFERRABLE, DEFERRABLE);
    let plan = f.plan().unwrap();
    f.assert_valid(&plan);
    assert_eq!(plan.fix_count(), 0);
    // One deferred constraint is enough to insert both.
    assert_eq!(plan.deferred().len(), 1);
    assert_eq!(
        f.show(&plan),
        [
            "defer organizations.owner_id → users.id",
            "insert organizations [0]",
            "insert users [0, 1]",
        ]
    );
}

#[test]
fn two_table_loop_defers_the_deferrable_side_only() {
    let (f, org, _) = users_and_organizations(DEFERRABLE, NOT_NULL);
    let plan = f.plan().unwrap();
    f.assert_valid(&plan);
    assert_eq!(plan.deferred(), [org]);
    assert_eq!(
        f.show(&plan),
        [
            "defer users.organization_id → organizations.id",
            "insert users [0]",
            "insert organizations [0]",
            "insert users [1]",
        ]
    );
}

#[test]
fn deferral_is_preferred_to_an_update() {
    let (f, _, owner) = users_and_organizations(NULLABLE, DEFERRABLE);
    let plan = f.plan().unwrap();
    f.assert_valid(&plan);
    assert_eq!(plan.deferred(), [owner]);
    assert_eq!(plan.fix_count(), 0);
}

#[test]
fn two_table_loop_with_nullable_link_inserts_null_then_fixes() {
    let (f, _, _) = users_and_organizations(NULLABLE, NOT_NULL);
    let plan = f.plan().unwrap();
    f.assert_valid(&plan);
    assert!(plan.deferred().is_empty());
    // User 1 is not in the loop: it simply follows its organization.
    assert_eq!(
        f.show(&plan),
        [
            "insert users [0] null 0.organization_id",
            "insert organizations [0]",
            "fix users.0.organization_id = organizations.0",
            "insert users [1]",
        ]
    );
}

#[test]
fn two_table_loop_not_null_and_not_deferrable_is_explained() {
    let (f, org, owner) = users_and_organizations(NOT_NULL, NOT_NULL);
    let err = f.plan().unwrap_err();
    let OrderError::UnbreakableCycle {
        tables,
        relations,
        rows,
        ..
    } = &err
    else {
        panic!("unexpected {err:?}");
    };
    assert_eq!(
        tables,
        &[
            TableName::new(None, "organizations"),
            TableName::new(None, "users")
        ]
    );
    assert_eq!(relations, &[owner, org]);
    let mut rows = rows.clone();
    rows.sort();
    assert_eq!(
        rows,
        [RowId { table: 0, row: 0 }, RowId { table: 1, row: 0 }]
    );
    assert_eq!(
        err.to_string(),
        "organizations.owner_id → users.id and users.organization_id → organizations.id are \
         both NOT NULL and not DEFERRABLE; lifeboat cannot insert either row first (deselect \
         one of these rows, or make one of these foreign keys DEFERRABLE)"
    );
}

#[test]
fn self_reference_loop_not_null_is_explained() {
    let mut f = Fixture::default();
    f.table("employees", 2);
    let manager = f.relation("employees", "manager_id", "employees", NOT_NULL);
    f.link(manager, 0, 1);
    f.link(manager, 1, 0);
    let err = f.plan().unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("employees.manager_id → employees.id is NOT NULL and not DEFERRABLE"),
        "{message}"
    );
}

#[test]
fn the_break_with_fewest_updates_is_chosen() {
    let mut f = Fixture::default();
    f.table("employees", 3);
    let manager = f.relation("employees", "manager_id", "employees", NULLABLE);
    let mentor = f.relation("employees", "mentor_id", "employees", NULLABLE);
    // Loop a(0) → c(2) → b(1) → a: two manager links, one mentor link.
    f.link(manager, 0, 1);
    f.link(manager, 1, 2);
    f.link(mentor, 2, 0);
    let plan = f.plan().unwrap();
    f.assert_valid(&plan);
    assert_eq!(
        f.show(&plan),
        [
            "insert employees [2, 1, 0] null 2.mentor_id",
            "fix employees.2.mentor_id = employees.0",
        ]
    );
}

#[test]
fn only_the_unbreakable_part_of_a_loop_is_named() {
    let mut f = Fixture::default();
    f.table("a", 1);
    f.table("b", 1);
    f.table("c", 1);
    let ab = f.relation("a", "b_id", "b", NOT_NULL);
    let ba = f.relation("b", "a_id", "a", NOT_NULL);
    let bc = f.relation("b", "c_id", "c", NULLABLE);
    let cb = f.relation("c", "b_id", "b", NOT_NULL);
    for r in [ab, ba, bc, cb] {
        f.link(r, 0, 0);
    }
    let err = f.plan().unwrap_err();
    let OrderError::UnbreakableCycle { relations, .. } = &err else {
        panic!("unexpected {err:?}");
    };
    assert_eq!(relations, &[ab, ba]);
}
