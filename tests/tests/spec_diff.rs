//! The API diff (`cargo xtask diff`): the breaking rules on two small specs, and the changes
//! between published specs, with the added and removed operations and schemas checked
//! against what the YAML declares.

use std::collections::BTreeSet;

use xapi_generator::diff::{ApiDiff, Counts, Status, diff_models};
use xapi_generator::model::ApiModel;
use xapi_generator::naming::type_name;
use xapi_generator::{Source, SpecInput};
use xapi_workspace_tests::{read_spec, summarize_spec, workspace_root};

/// Lowers a spec with the committed corrections, as `cargo xtask diff` does.
fn lower(file: &str, text: &str) -> ApiModel {
    let path = workspace_root().join("spec").join("corrections.yaml");
    let corrections = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let input = SpecInput {
        file,
        text,
        corrections: Some(Source {
            file: "spec/corrections.yaml",
            text: &corrections,
        }),
        availability: None,
    };
    xapi_generator::lower_spec(input)
        .unwrap_or_else(|error| panic!("the generator rejected {file}:\n{error}"))
}

fn fixture(name: &str) -> String {
    let path = workspace_root().join("tests/fixtures/diff").join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

fn counts(added: usize, removed: usize, changed: usize, breaking: usize) -> Counts {
    Counts {
        added,
        removed,
        changed,
        breaking,
    }
}

/// Operations added and removed, computed from the YAML alone.
fn expected_operation_changes(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
    let old: BTreeSet<String> = summarize_spec(old).operation_ids.into_iter().collect();
    let new: BTreeSet<String> = summarize_spec(new).operation_ids.into_iter().collect();
    (
        new.difference(&old).cloned().collect(),
        old.difference(&new).cloned().collect(),
    )
}

/// Schemas under `components/schemas` added and removed, computed from the YAML alone.
fn expected_schema_changes(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
    let old: BTreeSet<String> = summarize_spec(old).schema_names.into_iter().collect();
    let new: BTreeSet<String> = summarize_spec(new).schema_names.into_iter().collect();
    (
        new.difference(&old).cloned().collect(),
        old.difference(&new).cloned().collect(),
    )
}

/// The schema names of the types the diff lists with `wanted` status, leaving out inline
/// types (their place is a JSON pointer) and update bodies (a second type per schema).
fn schema_names(diff: &ApiDiff, wanted: fn(&Status) -> bool) -> Vec<String> {
    let names: BTreeSet<String> = diff
        .types
        .iter()
        .filter(|item| wanted(&item.status))
        .filter(|item| !item.wire.starts_with("#/") && !item.detail.starts_with("update body"))
        .map(|item| item.wire.clone())
        .collect();
    names.into_iter().collect()
}

/// Checks the diff of two published specs against their YAML and snapshots its Markdown.
fn check_published(old_file: &str, new_file: &str, operations: Counts, types: Counts) {
    let (old_text, new_text) = (read_spec(old_file), read_spec(new_file));
    let (old, new) = (lower(old_file, &old_text), lower(new_file, &new_text));
    let diff = diff_models(&old, &new);

    let (added, removed) = expected_operation_changes(&old_text, &new_text);
    assert_eq!(diff.added_operations(), added, "operations added");
    assert_eq!(diff.removed_operations(), removed, "operations removed");
    // A schema that became an inline body of the same Rust name is no change for a caller.
    let (added, removed) = expected_schema_changes(&old_text, &new_text);
    let rust_names = |model: &ApiModel| -> BTreeSet<String> {
        model.types.iter().map(|def| def.name.clone()).collect()
    };
    let (old_names, new_names) = (rust_names(&old), rust_names(&new));
    let added: Vec<String> = added
        .into_iter()
        .filter(|name| !old_names.contains(&type_name(name)))
        .collect();
    let removed: Vec<String> = removed
        .into_iter()
        .filter(|name| !new_names.contains(&type_name(name)))
        .collect();
    assert_eq!(schema_names(&diff, |s| matches!(s, Status::Added)), added);
    assert_eq!(
        schema_names(&diff, |s| matches!(s, Status::Removed)),
        removed
    );

    assert_eq!(diff.operation_counts(), operations, "operation counts");
    assert_eq!(diff.type_counts(), types, "type counts");
    let name = format!("{old_file}_to_{new_file}").replace(".yaml", "");
    insta::assert_snapshot!(name, diff.render_markdown(old_file, new_file));
}

#[test]
fn breaking_rules_on_small_specs() {
    let diff = diff_models(
        &lower("old.yaml", &fixture("old.yaml")),
        &lower("new.yaml", &fixture("new.yaml")),
    );
    assert_eq!(diff.added_operations(), ["Fresh"]);
    assert_eq!(diff.removed_operations(), ["Legacy"]);
    assert_eq!(diff.operation_counts(), counts(1, 1, 3, 3));
    assert_eq!(diff.type_counts(), counts(1, 1, 4, 5));
    insta::assert_snapshot!(diff.render_markdown("old.yaml", "new.yaml"));
}

/// SOURCES.md says 13 operations were added and 2 removed in 20.0.10.
#[test]
fn published_20_0_9_to_20_0_10() {
    check_published(
        "xapi-20.0.9.yaml",
        "xapi-20.0.10.yaml",
        counts(13, 2, 3, 9),
        counts(35, 12, 44, 43),
    );
}

#[test]
fn published_20_0_7_to_20_0_9() {
    check_published(
        "xapi-20.0.7.yaml",
        "xapi-20.0.9.yaml",
        counts(54, 12, 9, 22),
        counts(119, 10, 58, 160),
    );
}

/// The same spec on both sides differs in nothing.
#[test]
fn a_spec_against_itself_has_no_changes() {
    let text = read_spec("xapi-20.0.10.yaml");
    let model = lower("xapi-20.0.10.yaml", &text);
    let diff = diff_models(&model, &model);
    assert!(diff.is_empty());
    assert_eq!(
        diff.render_summary(),
        "operations: 0 added, 0 removed, 0 changed; types: 0 added, 0 removed, 0 changed; \
         0 breaking change(s)"
    );
}
