//! Shared helpers for the workspace tests: where things live, the published specs, and the
//! checks that a generated client covers every operation and schema of its spec.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_yaml::Value;
use xapi_generator::Provenance;
use xapi_generator::naming::{pointer_token, type_name, value_name};

/// The HTTP methods an OpenAPI 3.0 path item can hold an operation under.
const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every published spec file in the shared spec directory, oldest first.
pub const PUBLISHED_SPECS: &[&str] = &[
    "xapi-20.0.4.yaml",
    "xapi-20.0.5.yaml",
    "xapi-20.0.6.yaml",
    "xapi-20.0.6-2025-04-10.yaml",
    "xapi-20.0.7.yaml",
    "xapi-20.0.7-2025-06-23.yaml",
    "xapi-20.0.7-2025-07-08.yaml",
    "xapi-20.0.8.yaml",
    "xapi-20.0.8-2025-09-01.yaml",
    "xapi-20.0.9.yaml",
    "xapi-20.0.10.yaml",
];

/// The workspace root: the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives one level below the workspace root")
        .to_path_buf()
}

/// The directory holding the published specs, `<workspace>/../shared/spec/`.
///
/// # Panics
///
/// When the directory is missing, with a message saying where it was looked for.
pub fn shared_spec_dir() -> PathBuf {
    let dir = workspace_root().join("..").join("shared").join("spec");
    assert!(
        dir.is_dir(),
        "the published XAPI specs are not at {}: these tests read them from a `shared/spec` \
         directory beside the workspace (the specs are data and are not kept in the repository)",
        dir.display()
    );
    dir
}

/// The text of one published spec, by file name (`xapi-20.0.10.yaml`).
///
/// # Panics
///
/// When the shared spec directory or the file is missing or unreadable.
pub fn read_spec(file: &str) -> String {
    let path = shared_spec_dir().join(file);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read the spec at {}: {error}", path.display()))
}

/// A provenance with fixed values, so that output generated in tests does not depend on the
/// machine, the checkout or the spec's bytes.
pub fn test_provenance(file: &str) -> Provenance {
    Provenance {
        command: "cargo test (workspace tests)".to_string(),
        spec_file: file.to_string(),
        version: None,
        sha256: "0".repeat(64),
        pinned: false,
    }
}

/// The spec pin, `spec/pin.toml`: which published spec the committed client is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The 3CX version, such as `20.0.10`.
    pub version: String,
    /// The spec's file name in the shared spec directory.
    pub file: String,
    /// The file's SHA-256, lowercase hex.
    pub sha256: String,
}

/// Reads `spec/pin.toml`.
///
/// # Panics
///
/// When the file is missing or lacks one of `version`, `file` and `sha256`.
pub fn read_pin() -> Pin {
    let path = workspace_root().join("spec").join("pin.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read the pin at {}: {error}", path.display()));
    let table: toml::Table = toml::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not valid TOML: {error}", path.display()));
    let field = |key: &str| match table.get(key) {
        Some(toml::Value::String(value)) => value.clone(),
        _ => panic!("{} has no string `{key}`", path.display()),
    };
    Pin {
        version: field("version"),
        file: field("file"),
        sha256: field("sha256"),
    }
}

/// The pin and the text of the spec it names.
pub fn read_pinned_spec() -> (Pin, String) {
    let pin = read_pin();
    let text = read_spec(&pin.file);
    (pin, text)
}

/// What a spec declares, read straight from its YAML without the generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecSummary {
    /// The `operationId` of every operation, in path order.
    pub operation_ids: Vec<String>,
    /// Operations without an `operationId`, as `METHOD path`.
    pub unnamed_operations: Vec<String>,
    /// The names under `components/schemas`, in file order.
    pub schema_names: Vec<String>,
}

impl SpecSummary {
    /// How many operations the spec declares.
    pub fn operation_count(&self) -> usize {
        self.operation_ids.len() + self.unnamed_operations.len()
    }
}

/// Reads the operations and schema names of a spec given as YAML (or JSON) text.
///
/// # Panics
///
/// When the text is not YAML.
pub fn summarize_spec(text: &str) -> SpecSummary {
    let spec: Value = serde_yaml::from_str(text).expect("the spec is not valid YAML");
    let mut summary = SpecSummary {
        operation_ids: Vec::new(),
        unnamed_operations: Vec::new(),
        schema_names: Vec::new(),
    };

    let paths = spec
        .get("paths")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten();
    for (path, item) in paths {
        let path = path.as_str().unwrap_or("?");
        for method in HTTP_METHODS {
            let Some(operation) = item.get(*method) else {
                continue;
            };
            match operation.get("operationId").and_then(Value::as_str) {
                Some(id) => summary.operation_ids.push(id.to_string()),
                None => summary
                    .unnamed_operations
                    .push(format!("{} {path}", method.to_uppercase())),
            }
        }
    }

    let schemas = spec
        .get("components")
        .and_then(|components| components.get("schemas"))
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten();
    for (name, _) in schemas {
        summary
            .schema_names
            .push(name.as_str().expect("schema names are strings").to_string());
    }
    summary
}

/// Reads the committed generated files, `generated-client/src/{api,models}/*.rs`, keyed like
/// `Generated::files` (`api/users.rs`).
///
/// # Panics
///
/// When either directory is missing; run `cargo xtask generate` then.
pub fn read_committed_client() -> BTreeMap<String, String> {
    let src = workspace_root().join("generated-client").join("src");
    let mut files = BTreeMap::new();
    for dir in ["api", "models"] {
        let entries = std::fs::read_dir(src.join(dir)).unwrap_or_else(|error| {
            panic!(
                "cannot list {}: {error}; run `cargo xtask generate` first",
                src.join(dir).display()
            )
        });
        for entry in entries {
            let path = entry.expect("a readable directory entry").path();
            if path.extension().is_some_and(|ext| ext == "rs") {
                let name = path.file_name().expect("a file name").to_string_lossy();
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
                files.insert(format!("{dir}/{name}"), text);
            }
        }
    }
    files
}

/// The return type that marks an operation's method: it returns the call's future. (Stream
/// methods and accessors return other types.)
pub const METHOD_RETURNS: &str = "-> impl ::std::future::Future<";

/// The target directory of the crates the tests build outside the workspace (generated
/// clients, applications using a few features): shared, so dependencies are checked once.
pub fn standalone_target_dir() -> PathBuf {
    workspace_root().join("target").join("standalone")
}

/// Runs `cargo check` in `crate_dir`, offline first since the copied lock file names only
/// crates the workspace has already fetched.
pub fn cargo_check(crate_dir: &Path, target_dir: &Path) -> Output {
    let run = |offline: bool| {
        let mut command = Command::new(env!("CARGO"));
        command.arg("check").arg("--quiet");
        if offline {
            command.arg("--offline");
        }
        command
            .current_dir(crate_dir)
            .env("CARGO_TARGET_DIR", target_dir)
            .output()
            .expect("cargo runs")
    };

    let output = run(true);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() && stderr.contains("offline") {
        eprintln!(
            "offline `cargo check` could not resolve every crate; retrying online:\n{stderr}"
        );
        return run(false);
    }
    output
}

/// How many operation methods the files under `api/` declare.
pub fn count_methods(files: &BTreeMap<String, String>) -> usize {
    api_files(files)
        .map(|(_, text)| text.matches(METHOD_RETURNS).count())
        .sum()
}

/// What [`check_coverage`] found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// Operations whose documented method was found.
    pub methods_found: usize,
    /// Schemas whose documented type was found.
    pub types_found: usize,
    /// One line per operation or schema that is missing or wrong.
    pub problems: Vec<String>,
}

/// Checks that every operation of `summary` has exactly one method and every schema has
/// exactly one type in `files` (paths under the client's `src/`).
///
/// An operation counts when its doc line "(operation `<id>`)" appears once under `api/` and
/// the next method after it is `pub fn <value_name(id)>(`. A schema counts when its
/// doc line "Schema `#/components/schemas/<name>`." appears once under `models/` and the next
/// item after it is a `pub struct`, `pub enum` or `pub type` named `type_name(name)`.
pub fn check_coverage(files: &BTreeMap<String, String>, summary: &SpecSummary) -> Coverage {
    let mut coverage = Coverage::default();

    for unnamed in &summary.unnamed_operations {
        coverage
            .problems
            .push(format!("operation {unnamed} has no operationId"));
    }

    for id in &summary.operation_ids {
        let marker = format!("(operation `{id}`)");
        let expected = value_name(id);
        match find_once(api_files(files), &marker) {
            Err(found) => coverage.problems.push(format!(
                "operation {id}: doc line {marker} found {found} times"
            )),
            Ok((path, after)) => match next_declared(after, &["pub fn "]) {
                Some(name) if name == expected => coverage.methods_found += 1,
                other => coverage.problems.push(format!(
                    "operation {id}: expected `pub fn {expected}(` after its doc line in \
                     {path}, found {other:?}"
                )),
            },
        }
    }

    let models = || files.iter().filter(|(path, _)| path.starts_with("models/"));
    for name in &summary.schema_names {
        let marker = format!("Schema `#/components/schemas/{}`.", pointer_token(name));
        let expected = type_name(name);
        match find_once(models(), &marker) {
            Err(found) => coverage.problems.push(format!(
                "schema {name}: doc line {marker} found {found} times"
            )),
            Ok((path, after)) => {
                match next_declared(after, &["pub struct ", "pub enum ", "pub type "]) {
                    Some(rust) if rust == expected => coverage.types_found += 1,
                    other => coverage.problems.push(format!(
                        "schema {name}: expected type `{expected}` after its doc line in \
                         {path}, found {other:?}"
                    )),
                }
            }
        }
    }
    coverage
}

/// The files under `api/`.
fn api_files(files: &BTreeMap<String, String>) -> impl Iterator<Item = (&String, &String)> {
    files.iter().filter(|(path, _)| path.starts_with("api/"))
}

/// The file and the text after `marker` when it occurs exactly once in all `files`, or else
/// how many times it occurs.
fn find_once<'f>(
    files: impl Iterator<Item = (&'f String, &'f String)>,
    marker: &str,
) -> Result<(&'f str, &'f str), usize> {
    let mut hits = Vec::new();
    for (path, text) in files {
        for (at, _) in text.match_indices(marker) {
            hits.push((path.as_str(), &text[at + marker.len()..]));
        }
    }
    match hits.as_slice() {
        [hit] => Ok(*hit),
        _ => Err(hits.len()),
    }
}

/// The identifier after the first of `prefixes` in `text`.
fn next_declared<'t>(text: &'t str, prefixes: &[&str]) -> Option<&'t str> {
    let (at, prefix) = prefixes
        .iter()
        .filter_map(|prefix| text.find(prefix).map(|at| (at, *prefix)))
        .min_by_key(|(at, _)| *at)?;
    let rest = &text[at + prefix.len()..];
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec with two operations and two schemas, in the shape the published specs use.
    const SPEC: &str = "
paths:
  /Users:
    get: { operationId: ListUser }
    post: { operationId: CreateUser }
components:
  schemas:
    Pbx.User: { type: object }
    Pbx.Group: { type: object }
";

    fn file(path: &str, text: &str) -> (String, String) {
        (path.to_string(), text.to_string())
    }

    #[test]
    fn reads_operations_and_schemas() {
        let summary = summarize_spec(SPEC);
        assert_eq!(summary.operation_ids, ["ListUser", "CreateUser"]);
        assert_eq!(summary.schema_names, ["Pbx.User", "Pbx.Group"]);
    }

    #[test]
    fn reports_missing_duplicated_and_misnamed_items() {
        let files = BTreeMap::from([
            file(
                "api/users.rs",
                "/// `GET /Users` (operation `ListUser`)\npub fn list_user(\n\
                 /// `GET /Users` (operation `ListUser`)\npub fn list_user(\n",
            ),
            file(
                "models/pbx_user.rs",
                "/// Schema `#/components/schemas/Pbx.User`.\npub struct PbxUser {}\n",
            ),
            file(
                "models/pbx_group.rs",
                "/// Schema `#/components/schemas/Pbx.Group`.\npub struct Group {}\n",
            ),
        ]);
        let coverage = check_coverage(&files, &summarize_spec(SPEC));
        assert_eq!(coverage.methods_found, 0);
        assert_eq!(coverage.types_found, 1);
        assert_eq!(
            coverage.problems,
            [
                "operation ListUser: doc line (operation `ListUser`) found 2 times",
                "operation CreateUser: doc line (operation `CreateUser`) found 0 times",
                "schema Pbx.Group: expected type `PbxGroup` after its doc line in \
                 models/pbx_group.rs, found Some(\"Group\")",
            ]
        );
    }
}
