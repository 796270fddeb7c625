//! The `:` palette: every command by name, fuzzy-matched, run with Enter.
//! Commands are keymap actions plus a few that have no key of their own.

use crate::console::keymap::Action;

/// What a palette line does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Action(Action),
    ClearPicks,
    ShowAllRows,
    ShowMissingRows,
    ShowSelection,
    RepairAll,
    RepairOff,
}

/// Palette lines in the order shown for an empty query.
pub const COMMANDS: &[(&str, Command)] = &[
    (
        "Search table names and rows in every table",
        Command::Action(Action::Search),
    ),
    (
        "Plan: show the restore plan and its SQL",
        Command::Action(Action::Plan),
    ),
    (
        "Rehearse the restore (rolled back)",
        Command::Action(Action::Rehearse),
    ),
    (
        "Restore (asks for the database name)",
        Command::Action(Action::Restore),
    ),
    (
        "Write the plan's SQL to a file",
        Command::Action(Action::WritePlan),
    ),
    (
        "Pick or unpick the focused row / table",
        Command::Action(Action::Pick),
    ),
    (
        "Selection: show what is picked and why",
        Command::ShowSelection,
    ),
    (
        "Exclude or include the focused table's dependents",
        Command::Action(Action::ToggleDependents),
    ),
    ("Clear every pick", Command::ClearPicks),
    (
        "Snapshots: choose another backup of the folder",
        Command::Action(Action::Snapshots),
    ),
    (
        "Find the focused row in other snapshots",
        Command::Action(Action::FindInSnapshots),
    ),
    (
        "Health check of the live database (orphans, keys, sequences)",
        Command::Action(Action::Health),
    ),
    (
        "Repair the focused table's structure (toggle)",
        Command::Action(Action::RepairSchema),
    ),
    ("Repair structure of every table", Command::RepairAll),
    (
        "Stop repairing structure (and writing columns back)",
        Command::RepairOff,
    ),
    (
        "Accept INFERRED column types (toggle)",
        Command::Action(Action::AcceptInferred),
    ),
    (
        "Filter: next row status",
        Command::Action(Action::ToggleFilter),
    ),
    ("Filter: rows missing live", Command::ShowMissingRows),
    ("Filter: all rows", Command::ShowAllRows),
    ("Help: list every key", Command::Action(Action::Help)),
    ("Quit", Command::Action(Action::Quit)),
];

pub fn titles() -> Vec<&'static str> {
    COMMANDS.iter().map(|(t, _)| *t).collect()
}
