//! Properties older 3CX versions send in another shape (`older_shapes` in
//! `spec/corrections.yaml`): the generated models read both, and the generator says when an
//! entry does not apply.

use xapi_client::models::{PbxCallCostByExtensionGroup, PbxServiceInfo, PbxTrunk};
use xapi_generator::{Generated, Source, SpecInput};
use xapi_workspace_tests::{read_pinned_spec, test_provenance, workspace_root};

#[test]
fn a_trunk_password_reads_as_an_object_or_as_the_bare_string_of_20_0_4() {
    let current: PbxTrunk =
        serde_json::from_str(r#"{"AuthPassword":{"Value":"pw","Concealed":false}}"#).unwrap();
    let older: PbxTrunk = serde_json::from_str(r#"{"AuthPassword":"pw"}"#).unwrap();

    let current = current.auth_password.expect("read");
    assert_eq!(current.value.as_deref(), Some("pw"));
    assert_eq!(current.concealed, Some(false));
    let older = older.auth_password.expect("read");
    assert_eq!(older.value.as_deref(), Some("pw"));
    assert_eq!(older.concealed, None);
}

#[test]
fn a_segment_id_reads_as_text_or_as_the_integer_of_20_0_6() {
    let current: PbxCallCostByExtensionGroup = serde_json::from_str(r#"{"SegId":"981"}"#).unwrap();
    let older: PbxCallCostByExtensionGroup = serde_json::from_str(r#"{"SegId":981}"#).unwrap();
    assert_eq!(current.seg_id.as_deref(), Some("981"));
    assert_eq!(older.seg_id.as_deref(), Some("981"));
}

#[test]
fn a_handle_count_holds_the_64_bit_counts_of_20_0_6() {
    let older: PbxServiceInfo =
        serde_json::from_str(r#"{"HandleCount":9007199254740991}"#).unwrap();
    assert_eq!(older.handle_count, Some(9_007_199_254_740_991_i64));
}

/// A spec with one schema of each kind the entries below aim at.
const SPEC: &str = r#"
openapi: 3.0.4
info: { title: t, version: "1" }
paths:
  /Trunks:
    get:
      operationId: ListTrunk
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Pbx.Trunk' }
components:
  schemas:
    Pbx.Trunk:
      type: object
      properties:
        Name: { type: string, nullable: true }
        Count: { type: integer, format: int32, nullable: true }
        Secret: { $ref: '#/components/schemas/Pbx.Secret' }
        Mode: { $ref: '#/components/schemas/Pbx.Mode' }
    Pbx.Mode:
      type: string
      enum: [Auto, Manual]
    Pbx.Secret:
      type: object
      properties:
        Hidden: { type: boolean, nullable: true }
"#;

fn generate(older_shapes: &str) -> Generated {
    try_generate(older_shapes).expect("generates")
}

fn try_generate(older_shapes: &str) -> Result<Generated, xapi_generator::Error> {
    let corrections = format!("older_shapes:\n{older_shapes}");
    let input = SpecInput {
        file: "trunks.yaml",
        text: SPEC,
        corrections: Some(Source {
            file: "corrections.yaml",
            text: &corrections,
        }),
        availability: None,
    };
    xapi_generator::generate(input, &test_provenance("trunks.yaml"))
}

#[test]
fn entries_that_do_not_apply_are_warnings_that_name_them() {
    let generated = generate(
        "  - { schema: Pbx.Trunk, property: Name, sends: int64, versions: 20.0.4 }\n\
         \x20 - { schema: Pbx.Trunk, property: Count, sends: integer, versions: 20.0.4 }\n\
         \x20 - { schema: Pbx.Trunk, property: Secret, sends: string, versions: 20.0.4 }\n\
         \x20 - { schema: Pbx.Trunk, property: Gone, sends: string, versions: 20.0.4 }\n\
         \x20 - { schema: Pbx.Gone, property: Name, sends: integer, versions: 20.0.4 }\n\
         \x20 - { schema: Pbx.Trunk, property: Mode, sends: string, versions: 20.0.4 }\n",
    );
    assert_eq!(
        generated.warnings,
        [
            "corrections older_shapes[0] (Pbx.Trunk.Name): `sends: int64` needs an int32 property",
            "corrections older_shapes[1] (Pbx.Trunk.Count): `sends: integer` needs a string \
             property",
            "corrections older_shapes[2] (Pbx.Trunk.Secret): `sends: string` needs `PbxSecret` \
             to have only optional fields, one of them a string `Value`",
            "corrections older_shapes[3] (Pbx.Trunk.Gone): no such property in this spec",
            "corrections older_shapes[4] (Pbx.Gone.Name): no such property in this spec",
            "corrections older_shapes[5] (Pbx.Trunk.Mode): `sends: string` needs an object \
             property",
        ]
    );
    let trunk = &generated.files["models/pbx_trunk.rs"];
    assert!(
        trunk.contains("pub count: ::std::option::Option<i32>,"),
        "{trunk}"
    );
    assert!(!trunk.contains("read_text_or_integer"), "{trunk}");
    assert!(!trunk.contains("read_object_or_string"), "{trunk}");
}

#[test]
fn a_property_named_twice_or_versions_that_are_not_versions_are_refused() {
    let twice = "  - { schema: Pbx.Trunk, property: Count, sends: int64, versions: 20.0.4 }\n\
                 \x20 - { schema: Pbx.Trunk, property: Count, sends: int64, versions: 20.0.5 }\n";
    assert_eq!(
        try_generate(twice).unwrap_err().to_string(),
        "corrections.yaml: not a valid corrections file: older_shapes[1]: Pbx.Trunk.Count is \
         named already in older_shapes[0]"
    );
    for versions in ["null", "\"\"", "20", "\"20.1\"", "soon"] {
        let entry = format!(
            "  - {{ schema: Pbx.Trunk, property: Count, sends: int64, versions: {versions} }}\n"
        );
        let error = try_generate(&entry).unwrap_err().to_string();
        assert!(
            error.ends_with("is not a 3CX version or range, like `20.0.4` or `20.0.4 to 20.0.6`"),
            "{versions}: {error}"
        );
    }
}

#[test]
fn an_applied_entry_documents_what_arrives() {
    let generated = generate(
        "  - { schema: Pbx.Trunk, property: Count, sends: int64, versions: 20.0.4 to 20.0.6 }\n",
    );
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    let trunk = &generated.files["models/pbx_trunk.rs"];
    assert!(
        trunk.contains(
            "    /// From 3CX 20.0.4 to 20.0.6 this arrives as a 64-bit integer, hence i64.\n    \
             pub count: ::std::option::Option<i64>,"
        ),
        "{trunk}"
    );
}

#[test]
fn every_committed_entry_applies_to_the_pinned_spec() {
    let (pin, text) = read_pinned_spec();
    let path = workspace_root().join("spec").join("corrections.yaml");
    let corrections = std::fs::read_to_string(&path).expect("the corrections file");
    let input = SpecInput {
        file: &pin.file,
        text: &text,
        corrections: Some(Source {
            file: "corrections.yaml",
            text: &corrections,
        }),
        availability: None,
    };
    let generated = xapi_generator::generate(input, &test_provenance(&pin.file)).unwrap();
    let stale: Vec<&String> = generated
        .warnings
        .iter()
        .filter(|warning| warning.starts_with("corrections "))
        .collect();
    assert!(stale.is_empty(), "{stale:?}");
}
