//! Snapshots of generated code: every file generated from each fixture spec in
//! `tests/fixtures/`, and a few chosen files generated from the pinned XAPI spec.
//!
//! Review changes with `cargo insta review`. CI never writes snapshots.

use std::path::Path;

use xapi_generator::{Generated, Provenance, SpecInput};

/// The pinned spec, relative to this crate's manifest. The published specs are data kept
/// beside the workspace, never copied into it.
const PINNED_SPEC: &str = "../../shared/spec/xapi-20.0.10.yaml";

/// Fixed provenance, so snapshots depend on nothing but the spec text.
fn fixture_provenance() -> Provenance {
    Provenance {
        command: "cargo xtask generate".into(),
        spec_file: "fixture.yaml".into(),
        version: Some("0.0.0-fixture".into()),
        sha256: "0".repeat(64),
        pinned: true,
    }
}

/// Runs the generator, panicking with the full error text if it refuses the spec.
fn generate(file: &str, text: &str) -> Generated {
    let input = SpecInput {
        file,
        text,
        corrections: None,
        availability: None,
    };
    match xapi_generator::generate(input, &fixture_provenance()) {
        Ok(generated) => generated,
        Err(error) => panic!("the generator refused {file}:\n{error}"),
    }
}

/// Every generated file in path order, each behind a `// ==== path ====` line, then the Cargo
/// features and the warnings, so one snapshot shows everything a fixture produces.
fn render_all(generated: &Generated) -> String {
    let mut out = String::new();
    for (path, text) in &generated.files {
        out.push_str(&format!("// ==== {path} ====\n{text}\n"));
    }
    out.push_str("// ==== Cargo.toml [features] ====\n");
    for line in generated.cargo_features.lines() {
        out.push_str(&format!("// {line}\n"));
    }
    out.push_str("// ==== warnings ====\n");
    if generated.warnings.is_empty() {
        out.push_str("// (none)\n");
    }
    for warning in &generated.warnings {
        out.push_str(&format!("// {warning}\n"));
    }
    out
}

/// The fixture's path as the generator should name it: relative to this crate.
fn fixture_name(path: &Path) -> String {
    let file = path.file_name().expect("a fixture file").to_string_lossy();
    format!("fixtures/{file}")
}

/// One snapshot per fixture. Known wrong output is snapshotted as it is today and marked in
/// the fixture itself, next to the construct that triggers it.
#[test]
fn fixtures() {
    insta::glob!("..", "fixtures/*.yaml", |path| {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        let generated = generate(&fixture_name(path), &text);
        insta::assert_snapshot!(render_all(&generated));
    });
}

/// A spec saved with CRLF line endings generates exactly what the LF version does, with no
/// carriage return anywhere in the output.
#[test]
fn crlf_line_endings_change_nothing() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/crlf_line_endings.yaml");
    let crlf = std::fs::read_to_string(&path).expect("the CRLF fixture is readable");
    assert!(
        crlf.contains("\r\n"),
        "{} lost its CRLF line endings; check the `-text` entry in .gitattributes",
        path.display()
    );

    let from_crlf = generate("fixtures/crlf_line_endings.yaml", &crlf);
    let from_lf = generate(
        "fixtures/crlf_line_endings.yaml",
        &crlf.replace("\r\n", "\n"),
    );

    assert_eq!(render_all(&from_crlf), render_all(&from_lf));
    assert!(
        !render_all(&from_crlf).contains('\r'),
        "a carriage return reached the output"
    );
}

/// Files picked from the client generated from the pinned spec: a large inherited entity, a
/// report row, an enum, a model with a numeric union, and small tag modules.
#[test]
fn pinned_spec_selection() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(PINNED_SPEC);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "cannot read the pinned spec at {}: {error}; the published specs live in a \
             `shared/spec` directory beside the workspace",
            path.display()
        )
    });
    let generated = generate("xapi-20.0.10.yaml", &text);

    let picked = [
        "models/pbx_user.rs",
        "models/pbx_call_log_data.rs",
        "models/pbx_syslog_integration_type.rs",
        "models/pbx_call_cost_settings.rs",
        "models/get_call_log_data_response.rs",
        "api/active_calls.rs",
        "api/get_update_details.rs",
    ];
    for file in picked {
        let Some(content) = generated.files.get(file) else {
            panic!("the pinned spec no longer generates {file}");
        };
        // The header names the fixture provenance, which says nothing true about this spec.
        let body = content
            .split_once("\n\n")
            .map_or(content.as_str(), |(_, body)| body);
        let name = file.trim_end_matches(".rs").replace('/', "__");
        insta::assert_snapshot!(format!("pinned__{name}"), body);
    }
}
