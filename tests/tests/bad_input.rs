//! Specs the generator must refuse, each with the exact message it gives. The fixtures live in
//! `tests/fixtures/bad/`, out of reach of the glob in `snapshots.rs`.

use std::path::Path;

use xapi_generator::{Error, Provenance, SpecInput};

/// Generates from `tests/fixtures/bad/<name>` and returns the error, panicking if the
/// generator accepts the spec.
fn refuse(name: &str) -> Error {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/bad")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let provenance = Provenance {
        command: "cargo xtask generate".into(),
        spec_file: name.into(),
        version: Some("0.0.0-fixture".into()),
        sha256: "0".repeat(64),
        pinned: true,
    };
    let file = format!("fixtures/bad/{name}");
    match xapi_generator::generate(
        SpecInput {
            file: &file,
            text: &text,
            corrections: None,
            availability: None,
        },
        &provenance,
    ) {
        Ok(generated) => panic!(
            "the generator accepted {file}, generating {} file(s)",
            generated.files.len()
        ),
        Err(error) => error,
    }
}

/// The problems of an [`Error::Invalid`], panicking on any other kind.
fn problems(error: &Error) -> &[xapi_generator::Problem] {
    match error {
        Error::Invalid { problems, .. } => problems,
        other => panic!("expected problems in the spec, got: {other}"),
    }
}

#[test]
fn not_yaml() {
    let error = refuse("not_yaml.yaml");
    assert!(matches!(error, Error::NotYaml { .. }), "{error:?}");
    insta::assert_snapshot!(error.to_string());
}

#[test]
fn yaml_but_not_openapi() {
    let error = refuse("not_openapi.yaml");
    assert_eq!(problems(&error).len(), 1);
    insta::assert_snapshot!(error.to_string());
}

#[test]
fn dangling_references_name_the_place_and_the_target() {
    let error = refuse("dangling_ref.yaml");
    let text = error.to_string();
    assert!(
        text.contains("#/components/schemas/Pbx.Group/properties/Members/items/$ref")
            && text.contains("#/components/schemas/Pbx.Member"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn duplicate_operation_ids_name_both_operations() {
    let error = refuse("duplicate_operation_ids.yaml");
    let text = error.to_string();
    assert!(
        text.contains("#/paths/~1Users/get") && text.contains("#/paths/~1MyGroup~1Members/get"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn missing_operation_id() {
    insta::assert_snapshot!(refuse("missing_operation_id.yaml").to_string());
}

#[test]
fn schema_names_mapping_to_one_type_name_both_places() {
    let error = refuse("schema_name_collision.yaml");
    let text = error.to_string();
    assert!(
        text.contains("#/components/schemas/Pbx.User")
            && text.contains("#/components/schemas/PbxUser"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

// Properties that come through allOf are named at the place that declares them:
// `DisplayName` at `Pbx.Peer/properties/DisplayName`, and `displayName` at
// `Pbx.Extension/allOf/1/properties/displayName`.
#[test]
fn properties_mapping_to_one_field() {
    insta::assert_snapshot!(refuse("property_collision.yaml").to_string());
}

#[test]
fn enum_values_mapping_to_one_variant() {
    insta::assert_snapshot!(refuse("enum_variant_collision.yaml").to_string());
}

#[test]
fn not_schema_is_unsupported() {
    insta::assert_snapshot!(refuse("not_schema.yaml").to_string());
}

#[test]
fn cookie_and_unknown_header_parameters_are_unsupported() {
    insta::assert_snapshot!(refuse("cookie_parameter.yaml").to_string());
}

#[test]
fn query_parameters_outside_the_option_sets_are_unsupported() {
    insta::assert_snapshot!(refuse("query_parameters.yaml").to_string());
}

#[test]
fn path_templates_must_match_path_parameters() {
    insta::assert_snapshot!(refuse("path_template.yaml").to_string());
}

#[test]
fn non_json_bodies_are_unsupported() {
    insta::assert_snapshot!(refuse("csv_response.yaml").to_string());
}

/// Dangling references, a missing operationId and a thrice-used one, all in one error.
#[test]
fn parse_problems_are_reported_together() {
    let error = refuse("many_parse_problems.yaml");
    assert_eq!(problems(&error).len(), 4, "{error}");
    insta::assert_snapshot!(error.to_string());
}

/// Name collisions and unsupported constructs across schemas and operations, all in one error.
#[test]
fn model_problems_are_reported_together() {
    let error = refuse("many_model_problems.yaml");
    insta::assert_snapshot!(error.to_string());
}

#[test]
fn tag_named_like_a_tag_module_import() {
    let error = refuse("tag_named_literal.yaml");
    assert_eq!(
        error.to_string(),
        "fixtures/bad/tag_named_literal.yaml: 1 problem(s) in the spec\n  tag Literal: Rust name \
         `Literal` is already taken by an import of tag modules"
    );
}

#[test]
fn schemas_that_only_refer_to_each_other() {
    let error = refuse("alias_cycle.yaml");
    assert_eq!(problems(&error).len(), 2);
    insta::assert_snapshot!(error.to_string());
}

#[test]
fn parts_the_parse_stage_cannot_read() {
    let error = refuse("unreadable_parts.yaml");
    assert_eq!(problems(&error).len(), 4);
    insta::assert_snapshot!(error.to_string());
}

#[test]
fn names_that_would_not_compile() {
    let error = refuse("names_that_do_not_compile.yaml");
    assert_eq!(problems(&error).len(), 3);
    insta::assert_snapshot!(error.to_string());
}
