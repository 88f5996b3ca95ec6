//! Maintainer commands for the workspace.
//!
//! `cargo xtask generate` rebuilds `generated-client/src/{api,models}` and the features in
//! `generated-client/Cargo.toml` from the pinned XAPI spec; `--check` compares instead of writing; `--spec PATH` uses another spec file.
//! `cargo xtask prism-spec --spec PATH --out PATH` derives the spec the Prism mock server runs.
//! `cargo xtask diff OLD NEW` prints what changed between two specs; `cargo xtask
//! availability` and `cargo xtask changelog` write `spec/availability.toml` and
//! `generated-client/CHANGELOG.md` from the published specs. `cargo xtask fetch-spec URL`
//! downloads a PBX's spec into `spec/`, pins it and prints what changed. `cargo xtask bench`
//! prints what generating, and building the generated crate, cost.

mod bench;
mod fetch;
mod history;
mod manifest;
mod pin;
mod prism;
mod published;
mod tree;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::manifest::Manifest;
use crate::pin::{Pin, sha256_hex};

const USAGE: &str = "usage: cargo xtask generate [--check] [--spec PATH]";

/// Counts heap use for `cargo xtask bench`; otherwise the system allocator with two counters.
#[global_allocator]
static ALLOCATOR: bench::CountingAllocator = bench::CountingAllocator::new();

/// The directories under `generated-client/src` that the generator owns.
const GENERATED_DIRS: &[&str] = &["api", "models"];

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let mut args = args.into_iter();
    let usage = format!(
        "{USAGE}\n{}\n{}\n{}\n{}",
        prism::USAGE,
        history::USAGE,
        fetch::USAGE,
        bench::USAGE
    );
    let root = workspace_root();
    match args.next().as_deref() {
        Some("generate") => generate(parse_generate_args(args)?),
        Some("--help" | "-h" | "help") => {
            println!("{usage}");
            Ok(())
        }
        Some("prism-spec") => prism::write_prism_spec(&prism::parse_prism_spec_args(args)?),
        Some("diff") => history::diff(&root, args),
        Some("availability") => {
            history::availability(&root, history::parse_check("availability", args)?)
        }
        Some("changelog") => history::changelog(&root, history::parse_check("changelog", args)?),
        Some("fetch-spec") => {
            print!(
                "{}",
                fetch::fetch_spec(&root, &fetch::parse_fetch_args(args)?)?
            );
            Ok(())
        }
        Some("bench") => bench::bench(&root, &ALLOCATOR, &bench::parse_bench_args(args)?),
        Some(other) => bail!("unknown command `{other}`\n{usage}"),
        None => bail!("{usage}"),
    }
}

/// What `cargo xtask generate` was asked to do.
struct GenerateArgs {
    check: bool,
    spec: Option<PathBuf>,
}

fn parse_generate_args(mut args: impl Iterator<Item = String>) -> Result<GenerateArgs> {
    let mut parsed = GenerateArgs {
        check: false,
        spec: None,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => parsed.check = true,
            "--spec" => {
                let path = args.next().context("`--spec` needs a path")?;
                set_spec(&mut parsed, path)?;
            }
            other if other.starts_with("--spec=") => {
                set_spec(&mut parsed, other["--spec=".len()..].to_string())?;
            }
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    Ok(parsed)
}

/// Takes the spec path once; a second `--spec` is a mistake, not a replacement.
fn set_spec(parsed: &mut GenerateArgs, path: String) -> Result<()> {
    if path.is_empty() {
        bail!("`--spec` needs a path");
    }
    if parsed.spec.is_some() {
        bail!("`--spec` given twice");
    }
    parsed.spec = Some(PathBuf::from(path));
    Ok(())
}

fn generate(args: GenerateArgs) -> Result<()> {
    let started = Instant::now();
    let root = workspace_root();
    let pin = Pin::load(&root)?;

    // The pinned spec must be exactly the pinned bytes; any other file is taken only when
    // named explicitly, and the header then says it is not the pinned one.
    let spec_path = match &args.spec {
        Some(path) => path.clone(),
        None => pin.locate(&root)?,
    };
    let text = std::fs::read_to_string(&spec_path)
        .with_context(|| format!("cannot read the spec at {}", spec_path.display()))?;
    let sha256 = sha256_hex(text.as_bytes());
    let pinned = sha256 == pin.sha256;
    if args.spec.is_none() && !pinned {
        bail!(
            "{} has sha256 {sha256}, but spec/pin.toml pins {} for 3CX {}; \
             pass the file with `--spec` to generate from it anyway",
            spec_path.display(),
            pin.sha256,
            pin.version
        );
    }

    let file_name = spec_path.file_name().map_or_else(
        || spec_path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    // The pinned bytes give the same files whichever way they were named.
    let command = if pinned {
        "cargo xtask generate".to_string()
    } else {
        format!("cargo xtask generate --spec {file_name}")
    };
    let provenance = xapi_generator::Provenance {
        command: command.clone(),
        spec_file: file_name.clone(),
        version: pinned.then(|| pin.version.clone()),
        sha256,
        pinned,
    };
    let corrections_path = root.join("spec").join("corrections.yaml");
    let corrections = std::fs::read_to_string(&corrections_path)
        .with_context(|| format!("cannot read {}", corrections_path.display()))?;
    let corrections_file = corrections_path.display().to_string();
    let availability_path = root.join(history::AVAILABILITY_FILE);
    let availability = std::fs::read_to_string(&availability_path).with_context(|| {
        format!(
            "cannot read {}; `cargo xtask availability` writes it",
            availability_path.display()
        )
    })?;
    let availability_file = availability_path.display().to_string();
    let input = xapi_generator::SpecInput {
        file: &spec_path.display().to_string(),
        text: &text,
        corrections: Some(xapi_generator::Source {
            file: &corrections_file,
            text: &corrections,
        }),
        availability: Some(xapi_generator::Source {
            file: &availability_file,
            text: &availability,
        }),
    };
    let generated = xapi_generator::generate(input, &provenance)?;

    let client = root.join("generated-client");
    let src = client.join("src");
    let manifest = Manifest::load(&client, &generated.cargo_features)?;
    if args.check {
        check_generated(&src, &generated.files, manifest.difference(), &command)?;
    } else {
        // The manifest waits beside the old one until the directories are in place.
        let staged = manifest.stage()?;
        tree::replace(&src, GENERATED_DIRS, &generated.files)?;
        if let Some(staged) = staged {
            staged.commit()?;
        }
    }

    for warning in &generated.warnings {
        eprintln!("warning: {warning}");
    }
    let verb = if args.check { "checked" } else { "generated" };
    println!(
        "{verb} {} operations and {} types ({} files) from {file_name} in {} ms",
        generated.operations,
        generated.types,
        generated.files.len(),
        started.elapsed().as_millis()
    );
    Ok(())
}

/// Fails, listing each differing file with its first differing line and naming `command`,
/// when the files under `src` are not `files` or the manifest differs.
fn check_generated(
    src: &Path,
    files: &BTreeMap<String, String>,
    manifest_difference: Option<String>,
    command: &str,
) -> Result<()> {
    let mut differences = tree::compare(src, GENERATED_DIRS, files)?;
    differences.extend(manifest_difference);
    if !differences.is_empty() {
        bail!(
            "generated-client is stale: {} file(s) differ from what the generator \
             produces\n{}\nrun `{command}` and commit the result",
            differences.len(),
            differences.join("\n")
        );
    }
    Ok(())
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cargo test` catches a stale generated crate, not only CI's `--check` run.
    #[test]
    fn committed_client_is_what_the_generator_produces() {
        let result = generate(GenerateArgs {
            check: true,
            spec: None,
        });
        assert!(result.is_ok(), "{:#}", result.unwrap_err());
    }

    /// A spec that fails to generate leaves the committed crate exactly as it was.
    #[test]
    fn failed_generate_writes_nothing() {
        let src = workspace_root().join("generated-client").join("src");
        let before = tree::compare(&src, GENERATED_DIRS, &BTreeMap::new()).expect("readable");

        let bad_spec = tempfile::NamedTempFile::new().expect("temporary file");
        std::fs::write(bad_spec.path(), "openapi: 3.0.4\npaths: [not, a, map]\n").unwrap();
        let result = generate(GenerateArgs {
            check: false,
            spec: Some(bad_spec.path().into()),
        });

        let message = format!("{:#}", result.expect_err("the spec is invalid"));
        assert!(
            message.contains("not an OpenAPI 3.0 document here"),
            "{message}"
        );
        let after = tree::compare(&src, GENERATED_DIRS, &BTreeMap::new()).expect("readable");
        assert_eq!(before, after, "no generated file was added or removed");
        let check = generate(GenerateArgs {
            check: true,
            spec: None,
        });
        assert!(
            check.is_ok(),
            "committed files unchanged: {:#}",
            check.unwrap_err()
        );
    }

    /// `--check` names every differing file, its first differing line, and the command.
    #[test]
    fn check_lists_differences_and_the_command_to_run() {
        let src = tempfile::tempdir().expect("temporary directory");
        std::fs::create_dir_all(src.path().join("api")).unwrap();
        std::fs::write(src.path().join("api/users.rs"), "// old\nfn a() {}\n").unwrap();
        let files = BTreeMap::from([
            (
                "api/users.rs".to_string(),
                "// old\nfn b() {}\n".to_string(),
            ),
            ("models/user.rs".to_string(), "struct User;\n".to_string()),
        ]);

        let error = check_generated(src.path(), &files, None, "cargo xtask generate").unwrap_err();
        assert_eq!(
            error.to_string(),
            "generated-client is stale: 2 file(s) differ from what the generator produces\n  \
             api/users.rs: differs from line 2\n    committed: `fn a() {}`\n    \
             generated: `fn b() {}`\n  \
             models/user.rs: missing\n\
             run `cargo xtask generate` and commit the result"
        );
        std::fs::create_dir_all(src.path().join("models")).unwrap();
        std::fs::write(src.path().join("models/user.rs"), "struct User;\n").unwrap();
        std::fs::write(src.path().join("api/users.rs"), "// old\r\nfn b() {}\r\n").unwrap();
        assert!(check_generated(src.path(), &files, None, "unused").is_ok());
    }

    /// Features that no longer match the spec's tags make the crate stale too.
    #[test]
    fn check_lists_a_stale_manifest() {
        let client = tempfile::tempdir().expect("temporary directory");
        let manifest = format!(
            "[features]\n{}\nusers = []\n{}\n",
            xapi_generator::manifest::FEATURES_BEGIN,
            xapi_generator::manifest::FEATURES_END
        );
        std::fs::write(client.path().join("Cargo.toml"), manifest).unwrap();
        let manifest = Manifest::load(client.path(), "groups = []\nusers = []\n").unwrap();

        let error = check_generated(
            client.path(),
            &BTreeMap::new(),
            manifest.difference(),
            "cargo xtask generate",
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "generated-client is stale: 1 file(s) differ from what the generator produces\n  \
             Cargo.toml: differs from line 3\n    committed: `users = []`\n    \
             generated: `groups = []`\n\
             run `cargo xtask generate` and commit the result"
        );

        manifest
            .stage()
            .unwrap()
            .expect("changed")
            .commit()
            .unwrap();
        let written = std::fs::read_to_string(client.path().join("Cargo.toml")).unwrap();
        assert!(
            written.contains("\ngroups = []\nusers = []\n# END"),
            "{written}"
        );
        let manifest = Manifest::load(client.path(), "groups = []\nusers = []\n").unwrap();
        assert_eq!(manifest.difference(), None);
        assert!(manifest.stage().unwrap().is_none(), "nothing to write");
    }

    #[test]
    fn arguments_are_parsed_strictly() {
        let args = ["--check", "--spec", "x.yaml"].map(String::from);
        let parsed = parse_generate_args(args.into_iter()).expect("valid arguments");
        assert!(parsed.check);
        assert_eq!(parsed.spec, Some(PathBuf::from("x.yaml")));

        let error = parse_generate_args(["--force".to_string()].into_iter())
            .err()
            .unwrap();
        assert_eq!(
            error.to_string(),
            format!("unknown argument `--force`\n{USAGE}")
        );
        let error = parse_generate_args(["--spec".to_string()].into_iter())
            .err()
            .unwrap();
        assert_eq!(error.to_string(), "`--spec` needs a path");

        let parsed = parse_generate_args(["--spec=y.yaml".to_string()].into_iter()).unwrap();
        assert_eq!(parsed.spec, Some(PathBuf::from("y.yaml")));
        let twice = ["--spec", "a.yaml", "--spec=b.yaml"].map(String::from);
        let error = parse_generate_args(twice.into_iter()).err().unwrap();
        assert_eq!(error.to_string(), "`--spec` given twice");
    }
}
