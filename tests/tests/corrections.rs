//! The reviewed corrections file: which operations are downloads beyond the rule, and what
//! happens when it names operations the spec does not have.

use xapi_generator::{Error, Generated, Source, SpecInput};
use xapi_workspace_tests::test_provenance;

/// Two GET operations: `GetAudio` answers with an object the spec describes, which the rule
/// reads as JSON, and `DownloadLog`, which the rule reads as a file.
const SPEC: &str = r#"
openapi: 3.0.4
info: { title: XAPI, version: 1.0.0 }
paths:
  /Media/Pbx.GetAudio():
    get:
      tags: [Media]
      operationId: GetAudio
      responses:
        '200':
          description: Success
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Pbx.Audio' }
  /Media/Pbx.DownloadLog():
    get:
      tags: [Media]
      operationId: DownloadLog
      responses:
        '200':
          description: Success
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Pbx.Audio' }
components:
  schemas:
    Pbx.Audio:
      type: object
      properties:
        Name: { type: string, nullable: true }
"#;

fn generate(corrections: &str) -> Result<Generated, Error> {
    let input = SpecInput {
        file: "media.yaml",
        text: SPEC,
        corrections: Some(Source {
            file: "spec/corrections.yaml",
            text: corrections,
        }),
        availability: None,
    };
    xapi_generator::generate(input, &test_provenance("media.yaml"))
}

/// The signature of a generated method, from `pub fn` to the return type, on one line.
fn signature(generated: &Generated, method: &str) -> String {
    let module = &generated.files["api/media.rs"];
    let start = module
        .find(&format!("pub fn {method}("))
        .expect("method exists");
    let end = start + module[start..].find(" {").expect("method body");
    module[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("( ", "(")
        .replace(", )", ")")
}

#[test]
fn the_rule_alone_decides_without_corrections() {
    let generated = generate("downloads: { add: [], remove: [] }\n").expect("generates");

    assert_eq!(
        signature(&generated, "get_audio"),
        "pub fn get_audio(&self) -> impl ::std::future::Future<Output = \
         crate::Result<crate::models::PbxAudio>>"
    );
    assert_eq!(
        signature(&generated, "download_log"),
        "pub fn download_log(&self) -> impl ::std::future::Future<Output = \
         crate::Result<crate::Download>>"
    );
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
}

#[test]
fn corrections_add_and_remove_downloads() {
    let corrections = "downloads:\n  add: [GetAudio]\n  remove: [DownloadLog]\n";
    let generated = generate(corrections).expect("generates");

    assert_eq!(
        signature(&generated, "get_audio"),
        "pub fn get_audio(&self) -> impl ::std::future::Future<Output = \
         crate::Result<crate::Download>>"
    );
    assert_eq!(
        signature(&generated, "download_log"),
        "pub fn download_log(&self) -> impl ::std::future::Future<Output = \
         crate::Result<crate::models::PbxAudio>>"
    );
}

#[test]
fn corrections_for_missing_operations_are_warnings() {
    let generated = generate("downloads:\n  add: [DownloadGone]\n").expect("generates");

    assert_eq!(
        generated.warnings,
        ["corrections downloads.add[0]: no operation `DownloadGone` in this spec"]
    );
}

#[test]
fn unknown_corrections_are_refused() {
    let error = generate("uploads: [X]\n").expect_err("refused");

    assert!(matches!(error, Error::BadCorrections { .. }), "{error:?}");
    assert!(
        error.to_string().starts_with(
            "spec/corrections.yaml: not a valid corrections file: unknown field `uploads`"
        ),
        "{error}"
    );
}
