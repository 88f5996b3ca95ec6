//! The availability table in generated docs: each method says in which 3CX versions its
//! operation exists, and a table that contradicts itself is refused with its file named.

use xapi_generator::{Error, Generated, Source, SpecInput};
use xapi_workspace_tests::{test_provenance, workspace_root};

const TABLE: &str = r#"
versions = ["20.0.4", "20.0.8", "20.0.9", "20.0.10"]

[operations]
GetUser = ["20.0.9", "20.0.10"]
GetUserByNumber = ["20.0.4", "20.0.9", "20.0.10"]
"#;

fn generate(table: &str) -> Result<Generated, Error> {
    let path = workspace_root().join("tests/fixtures/diff/new.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let input = SpecInput {
        file: "new.yaml",
        text: &text,
        corrections: None,
        availability: Some(Source {
            file: "spec/availability.toml",
            text: table,
        }),
    };
    xapi_generator::generate(input, &test_provenance("new.yaml"))
}

/// The doc lines between an operation's request line and its method.
fn doc_after(generated: &Generated, file: &str, id: &str) -> Vec<String> {
    let text = &generated.files[file];
    let marker = format!("(operation `{id}`)\n");
    let start = text.find(&marker).expect("the operation is documented") + marker.len();
    let end = start + text[start..].find("pub fn").expect("a method follows");
    text[start..end]
        .lines()
        .map(|line| line.trim().to_string())
        .filter(|line| line.starts_with("///"))
        .collect()
}

#[test]
fn methods_state_their_availability() {
    let generated = generate(TABLE).expect("generated");
    assert_eq!(
        doc_after(&generated, "api/users.rs", "GetUser"),
        [
            "///",
            "/// Available since 3CX 20.0.9.",
            "///",
            "/// Returns [`PbxUser`](crate::models::PbxUser)."
        ]
    );
    assert_eq!(
        doc_after(&generated, "api/users.rs", "GetUserByNumber")[1],
        "/// Available in 3CX 20.0.4, and since 20.0.9."
    );
    assert_eq!(
        doc_after(&generated, "api/teams.rs", "Fresh")[1],
        "/// New in this spec: not in the published specs of 3CX 20.0.4 to 20.0.10."
    );
}

#[test]
fn an_inconsistent_table_is_refused_with_its_file_named() {
    let table = "versions = [\"20.0.9\"]\n[operations]\nGetUser = [\"20.0.10\"]\n";
    let error = generate(table).expect_err("the table names an unknown version");
    assert_eq!(
        error.to_string(),
        "spec/availability.toml: not a valid availability table: operation GetUser: \
         `20.0.10` is not in `versions`"
    );
}
