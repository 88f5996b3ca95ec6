//! Every published XAPI spec: the generator accepts it, emits one method per operation and
//! one type per schema, and for a few versions the client it produces compiles.

use std::path::Path;
use std::time::Instant;

use xapi_generator::{Generated, SpecInput};
use xapi_workspace_tests::{
    PUBLISHED_SPECS, cargo_check, check_coverage, count_methods, read_pinned_spec, read_spec,
    shared_spec_dir, standalone_target_dir, summarize_spec, test_provenance, workspace_root,
};

/// The versions whose generated client is compiled, spread over the published history.
const COMPILED_SPECS: &[&str] = &[
    "xapi-20.0.4.yaml",
    "xapi-20.0.7.yaml",
    "xapi-20.0.9.yaml",
    "xapi-20.0.10.yaml",
];

/// Runs the generator on a published spec, panicking with its full error.
fn generate(file: &str, text: &str) -> Generated {
    let input = SpecInput {
        file,
        text,
        corrections: None,
        availability: None,
    };
    xapi_generator::generate(input, &test_provenance(file))
        .unwrap_or_else(|error| panic!("the generator rejected {file}:\n{error}"))
}

/// Generates from `file` and checks the output against what the YAML declares; when
/// `expected` is given, also checks the operation and schema counts recorded in
/// `SOURCES.md` beside the specs.
fn check_spec(file: &str, expected: Option<(usize, usize)>) {
    let text = read_spec(file);
    let summary = summarize_spec(&text);
    if let Some((operations, schemas)) = expected {
        assert_eq!(
            summary.operation_count(),
            operations,
            "operations in {file}"
        );
        assert_eq!(summary.schema_names.len(), schemas, "schemas in {file}");
    }

    let generated = generate(file, &text);

    let operations = summary.operation_count();
    assert_eq!(
        generated.operations, operations,
        "operations the generator reports for {file}"
    );
    assert_eq!(
        count_methods(&generated.files),
        operations,
        "methods generated for {file}"
    );

    // Exact counts alone could hide one operation emitted twice and another not at all.
    let coverage = check_coverage(&generated.files, &summary);
    assert!(
        coverage.problems.is_empty(),
        "the client generated from {file} misses {} item(s):\n{}",
        coverage.problems.len(),
        coverage.problems.join("\n")
    );
    assert_eq!(coverage.methods_found, operations);
    assert_eq!(coverage.types_found, summary.schema_names.len());
}

#[test]
fn the_spec_directory_holds_exactly_the_known_specs() {
    let dir = shared_spec_dir();
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
        .map(|entry| entry.expect("a readable directory entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml") || name.ends_with(".json"))
        .collect();
    found.sort();
    let mut known: Vec<String> = PUBLISHED_SPECS
        .iter()
        .map(|name| name.to_string())
        .collect();
    known.sort();
    assert_eq!(
        found,
        known,
        "update PUBLISHED_SPECS and this file's tests to match {}",
        dir.display()
    );
}

#[test]
fn spec_20_0_4() {
    check_spec("xapi-20.0.4.yaml", Some((526, 477)));
}

#[test]
fn spec_20_0_5() {
    check_spec("xapi-20.0.5.yaml", None);
}

#[test]
fn spec_20_0_6() {
    check_spec("xapi-20.0.6.yaml", None);
}

#[test]
fn spec_20_0_6_2025_04_10() {
    check_spec("xapi-20.0.6-2025-04-10.yaml", None);
}

#[test]
fn spec_20_0_7() {
    check_spec("xapi-20.0.7.yaml", None);
}

#[test]
fn spec_20_0_7_2025_06_23() {
    check_spec("xapi-20.0.7-2025-06-23.yaml", None);
}

#[test]
fn spec_20_0_7_2025_07_08() {
    check_spec("xapi-20.0.7-2025-07-08.yaml", None);
}

#[test]
fn spec_20_0_8() {
    check_spec("xapi-20.0.8.yaml", None);
}

#[test]
fn spec_20_0_8_2025_09_01() {
    check_spec("xapi-20.0.8-2025-09-01.yaml", None);
}

#[test]
fn spec_20_0_9() {
    check_spec("xapi-20.0.9.yaml", Some((590, 581)));
}

#[test]
fn spec_20_0_10() {
    check_spec("xapi-20.0.10.yaml", Some((601, 597)));
}

/// Compiles the client generated from each of [`COMPILED_SPECS`], one after another: they share
/// a target directory, so dependencies are checked once and the runs never wait on each
/// other's lock.
#[test]
fn generated_clients_compile() {
    let target_dir = standalone_target_dir();
    let mut failures = Vec::new();
    for file in COMPILED_SPECS {
        let started = Instant::now();
        let generated = generate(file, &read_spec(file));
        let crate_dir = tempfile::Builder::new()
            .prefix("xapi-client-check-")
            .tempdir()
            .expect("a temporary directory");
        write_standalone_client(crate_dir.path(), &generated);

        let output = cargo_check(crate_dir.path(), &target_dir);
        eprintln!(
            "{file}: cargo check took {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            failures.push(format!(
                "{file}: `cargo check` failed ({}):\n{stderr}",
                output.status
            ));
        } else if !stderr.trim().is_empty() {
            eprintln!("{file}: cargo check succeeded with output:\n{stderr}");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Lays out a copy of the client crate in `dir`: its manifest made standalone, the workspace
/// lock file, the hand-written runtime, and `generated` in place of the committed modules and
/// features.
fn write_standalone_client(dir: &Path, generated: &Generated) {
    let root = workspace_root();
    let client = root.join("generated-client");

    let manifest = standalone_manifest(&root, &generated.cargo_features);
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write Cargo.toml");
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");

    copy_runtime(&client.join("src"), &dir.join("src"));
    for (path, text) in &generated.files {
        let path = dir.join("src").join(path);
        std::fs::create_dir_all(path.parent().expect("a parent directory")).expect("mkdir");
        std::fs::write(&path, text).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    }
}

/// Copies `from` to `to`, leaving out the generator's `api/` and `models/`.
fn copy_runtime(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir src");
    let entries = std::fs::read_dir(from)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", from.display()));
    for entry in entries {
        let entry = entry.expect("a readable directory entry");
        let name = entry.file_name();
        if name == "api" || name == "models" {
            continue;
        }
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &to.join(&name));
        } else {
            std::fs::copy(entry.path(), to.join(&name)).expect("copy a runtime file");
        }
    }
}

/// Copies a directory tree.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("a readable directory") {
        let entry = entry.expect("a readable directory entry");
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy a file");
        }
    }
}

/// The client's manifest with every `workspace = true` replaced by the workspace's value, and
/// an empty `[workspace]` so that cargo treats the copy as a workspace of its own.
fn standalone_manifest(root: &Path, features: &str) -> String {
    let read = |path: &Path| -> String {
        std::fs::read_to_string(path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
    };
    let parse = |path: &Path, text: &str| -> toml::Table {
        toml::from_str(text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
    };
    let workspace_path = root.join("Cargo.toml");
    let workspace = parse(&workspace_path, &read(&workspace_path));
    let client_path = root.join("generated-client").join("Cargo.toml");
    let client = xapi_generator::manifest::with_features(&read(&client_path), features)
        .unwrap_or_else(|error| panic!("{}: {error}", client_path.display()));
    let mut manifest = parse(&client_path, &client);
    // The examples stay behind.
    manifest.remove("example");
    let shared = workspace
        .get("workspace")
        .and_then(toml::Value::as_table)
        .cloned();
    let shared = shared.expect("the workspace manifest has [workspace]");
    let empty = toml::Table::new();
    let table = |key: &str| {
        shared
            .get(key)
            .and_then(toml::Value::as_table)
            .unwrap_or(&empty)
    };

    if let Some(toml::Value::Table(package)) = manifest.get_mut("package") {
        for (key, value) in package.iter_mut() {
            if inherits(value) {
                let inherited = table("package").get(key).cloned();
                *value = inherited.unwrap_or_else(|| panic!("[workspace.package] has no `{key}`"));
            }
        }
    }

    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        let Some(toml::Value::Table(dependencies)) = manifest.get_mut(section) else {
            continue;
        };
        for (name, value) in dependencies.iter_mut() {
            if inherits(value) {
                let inherited = table("dependencies").get(name).cloned();
                let inherited =
                    inherited.unwrap_or_else(|| panic!("[workspace.dependencies] has no `{name}`"));
                *value = merge_dependency(root, inherited, value);
            }
        }
    }

    if manifest.get("lints").is_some_and(inherits) {
        manifest.insert(
            "lints".to_string(),
            toml::Value::Table(table("lints").clone()),
        );
    }

    manifest.insert(
        "workspace".to_string(),
        toml::Value::Table(toml::Table::new()),
    );
    toml::to_string(&manifest).expect("a manifest serializes")
}

/// Whether a manifest value is `{ workspace = true, .. }`.
fn inherits(value: &toml::Value) -> bool {
    value.get("workspace").and_then(toml::Value::as_bool) == Some(true)
}

/// A workspace dependency with the member's own keys (`features`, `optional`) added, and any
/// path made absolute since the copy lives elsewhere.
fn merge_dependency(root: &Path, inherited: toml::Value, member: &toml::Value) -> toml::Value {
    let mut merged = match inherited {
        toml::Value::String(version) => {
            let mut table = toml::Table::new();
            table.insert("version".to_string(), toml::Value::String(version));
            table
        }
        toml::Value::Table(table) => table,
        other => panic!("unexpected workspace dependency {other}"),
    };
    if let Some(toml::Value::String(path)) = merged.get("path") {
        let absolute = root.join(path).display().to_string();
        merged.insert("path".to_string(), toml::Value::String(absolute));
    }
    for (key, value) in member.as_table().into_iter().flatten() {
        match (key.as_str(), merged.get_mut(key)) {
            ("workspace", _) => {}
            ("features", Some(toml::Value::Array(features))) => {
                features.extend(value.as_array().into_iter().flatten().cloned());
            }
            _ => {
                merged.insert(key.clone(), value.clone());
            }
        }
    }
    toml::Value::Table(merged)
}

/// Output depends on the spec alone: two runs give byte-identical files.
#[test]
fn generating_twice_gives_identical_files() {
    let (pin, text) = read_pinned_spec();

    let first = generate(&pin.file, &text);
    let second = generate(&pin.file, &text);

    assert_eq!(first.files.len(), second.files.len());
    for (path, contents) in &first.files {
        assert!(
            second.files.get(path) == Some(contents),
            "{path} differs between two runs"
        );
    }
    assert_eq!(first.warnings, second.warnings);
}
