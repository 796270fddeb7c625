use super::*;

/// Users, organizations, projects with a few loops of each kind.
fn mixed_fixture() -> Fixture {
    let mut f = Fixture::default();
    f.table("users", 6);
    f.table("organizations", 3);
    f.table("projects", 5);
    f.table("employees", 4);
    let org = f.relation("users", "organization_id", "organizations", NULLABLE);
    let owner = f.relation("organizations", "owner_id", "users", NOT_NULL);
    let billing = f.relation("organizations", "billing_id", "users", DEFERRABLE);
    let project_user = f.relation("projects", "user_id", "users", NOT_NULL);
    let project_parent = f.relation("projects", "parent_id", "projects", DEFERRABLE);
    let manager = f.relation("employees", "manager_id", "employees", NULLABLE);
    let guessed = f.relation("employees", "project_id", "projects", INFERRED);
    for u in 0..6 {
        f.link(org, u, u % 3);
    }
    f.link(owner, 0, 0);
    f.link(owner, 1, 4);
    f.link(owner, 2, 5);
    f.link(billing, 2, 2);
    for p in 0..5 {
        f.link(project_user, p, 5 - p);
    }
    f.link(project_parent, 0, 1);
    f.link(project_parent, 1, 0);
    f.link(project_parent, 2, 1);
    f.link(manager, 0, 3);
    f.link(manager, 3, 0);
    f.link(manager, 1, 0);
    f.link(guessed, 2, 4);
    f
}

#[test]
fn shuffled_input_gives_the_same_plan() {
    let f = mixed_fixture();
    let plan = f.plan().unwrap();
    f.assert_valid(&plan);
    let expected = f.show(&plan);
    assert!(plan.fix_count() > 0 && !plan.deferred().is_empty());
    let mut rng = Lcg(7);
    for _ in 0..20 {
        let mut g = f.clone();
        // Relist tables and relations in another order, links too.
        let mut table_order: Vec<usize> = (0..g.tables.len()).collect();
        rng.shuffle(&mut table_order);
        let mut relation_order: Vec<usize> = (0..g.relations.len()).collect();
        rng.shuffle(&mut relation_order);
        let new_table = |old: usize| table_order.iter().position(|&t| t == old).unwrap();
        let new_relation = |old: usize| relation_order.iter().position(|&r| r == old).unwrap();
        g.tables = table_order.iter().map(|&t| f.tables[t].clone()).collect();
        g.relations = relation_order
            .iter()
            .map(|&r| f.relations[r].clone())
            .collect();
        g.facts = relation_order.iter().map(|&r| f.facts[r]).collect();
        for link in &mut g.links {
            link.child.table = new_table(link.child.table);
            link.parent.table = new_table(link.parent.table);
            link.relation = new_relation(link.relation);
        }
        rng.shuffle(&mut g.links);
        let again = g.plan().unwrap();
        g.assert_valid(&again);
        assert_eq!(g.show(&again), expected);
    }
}

#[test]
fn random_graphs_are_planned_or_explained() {
    let styles = [NOT_NULL, NULLABLE, DEFERRABLE, INFERRED];
    let mut rng = Lcg(42);
    let mut planned = 0;
    for _ in 0..400 {
        let mut f = Fixture::default();
        let names = ["a", "b", "c", "d"];
        let tables = 1 + rng.below(4);
        for name in &names[..tables] {
            let rows = rng.below(7);
            f.table(name, rows);
        }
        for i in 0..1 + rng.below(5) {
            let child = names[rng.below(tables)];
            let parent = names[rng.below(tables)];
            let style = styles[rng.below(styles.len())];
            let r = f.relation(child, &format!("ref{i}"), parent, style);
            let (c, p) = (
                f.index_of(&f.relations[r].child),
                f.index_of(&f.relations[r].parent),
            );
            for row in 0..f.tables[c].rows {
                if f.tables[p].rows > 0 && rng.below(3) > 0 {
                    let parent_row = rng.below(f.tables[p].rows);
                    f.link(r, row, parent_row);
                }
            }
        }
        match f.plan() {
            Ok(plan) => {
                f.assert_valid(&plan);
                planned += 1;
            }
            Err(OrderError::UnbreakableCycle { relations, .. }) => {
                for r in relations {
                    assert!(f.facts[r].enforced && !f.facts[r].nullable);
                    assert!(!f.relations[r].deferrable);
                }
            }
            Err(other) => panic!("{other}"),
        }
    }
    assert!(planned > 100, "only {planned} planned");
}

#[test]
fn hundred_thousand_rows_across_three_tables() {
    let mut f = Fixture::default();
    let (users, projects, sessions) = (10_000, 30_000, 60_000);
    f.table("users", users);
    f.table("projects", projects);
    f.table("sessions", sessions);
    let project_user = f.relation("projects", "user_id", "users", NOT_NULL);
    let session_project = f.relation("sessions", "project_id", "projects", NOT_NULL);
    let last_session = f.relation("users", "last_session_id", "sessions", NULLABLE);
    for p in 0..projects {
        f.link(project_user, p, p % users);
    }
    for s in 0..sessions {
        f.link(session_project, s, s % projects);
    }
    // Every 100th user's last session hangs off its own project: a loop.
    for u in (0..users).step_by(100) {
        f.link(last_session, u, u);
    }
    let mut rng = Lcg(1);
    rng.shuffle(&mut f.links);
    let plan = f.plan().unwrap();
    f.assert_valid(&plan);
    assert_eq!(plan.rows_in_order().count(), users + projects + sessions);
    assert_eq!(plan.fix_count(), users / 100);
}
