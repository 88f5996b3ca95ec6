//! The published specs beside the checkout in `../shared/spec/`, as `SOURCES.md` lists them,
//! and reading any spec into the model the client is emitted from.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use xapi_generator::model::ApiModel;

use crate::pin::sha256_hex;

/// One row of the table in `SOURCES.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedSpec {
    /// The file name, such as `xapi-20.0.7-2025-06-23.yaml`.
    pub file: String,
    /// The 3CX version, such as `20.0.7`; later builds of a version share it.
    pub version: String,
    /// The file's SHA-256 as `SOURCES.md` records it.
    pub sha256: String,
}

/// `<root>/../shared/spec`, where the published specs and `SOURCES.md` live.
pub fn shared_spec_dir(root: &Path) -> PathBuf {
    root.join("..").join("shared").join("spec")
}

/// Reads the table of `SOURCES.md` in `dir`, in its order (oldest first).
///
/// A row is `| file | version [(later build)] | commit | date | operations | schemas | sha256 |`.
pub fn read_sources(dir: &Path) -> Result<Vec<PublishedSpec>> {
    let path = dir.join("SOURCES.md");
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read the list of published specs at {}",
            path.display()
        )
    })?;
    let specs =
        parse_sources(&text).with_context(|| format!("{} is not readable", path.display()))?;
    if specs.is_empty() {
        bail!("{} lists no spec files", path.display());
    }
    Ok(specs)
}

fn parse_sources(text: &str) -> Result<Vec<PublishedSpec>> {
    let mut specs = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let cells: Vec<&str> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        let Some(file) = cells.first().filter(|cell| cell.ends_with(".yaml")) else {
            continue;
        };
        let [_, version, _, _, _, _, sha256] = cells.as_slice() else {
            bail!(
                "line {}: expected 7 cells, found {}",
                index + 1,
                cells.len()
            );
        };
        // "20.0.7 (later build)" counts as 20.0.7.
        let version = version.split_whitespace().next().unwrap_or_default();
        if version.is_empty() || !version.split('.').all(|n| n.parse::<u32>().is_ok()) {
            bail!("line {}: `{version}` is not a 3CX version", index + 1);
        }
        specs.push(PublishedSpec {
            file: file.to_string(),
            version: version.to_string(),
            sha256: sha256.to_string(),
        });
    }
    Ok(specs)
}

/// Reads one published spec and checks its bytes against `SOURCES.md`.
pub fn read_published(dir: &Path, spec: &PublishedSpec) -> Result<String> {
    let path = dir.join(&spec.file);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the spec at {}", path.display()))?;
    let sha256 = sha256_hex(text.as_bytes());
    if sha256 != spec.sha256 {
        bail!(
            "{} has sha256 {sha256}, but SOURCES.md records {}",
            path.display(),
            spec.sha256
        );
    }
    Ok(text)
}

/// The last file of each version, oldest version first: the steps of the changelog.
pub fn last_build_of_each_version(specs: &[PublishedSpec]) -> Vec<&PublishedSpec> {
    let mut last: Vec<&PublishedSpec> = Vec::new();
    for spec in specs {
        match last.last_mut() {
            Some(previous) if previous.version == spec.version => *previous = spec,
            _ => last.push(spec),
        }
    }
    last
}

/// Lowers a spec's text into the model, with the reviewed corrections of `<root>/spec`, so
/// that a diff sees the types and responses the generated client has.
pub fn lower(root: &Path, file: &str, text: &str) -> Result<ApiModel> {
    let corrections_path = root.join("spec").join("corrections.yaml");
    let corrections = std::fs::read_to_string(&corrections_path)
        .with_context(|| format!("cannot read {}", corrections_path.display()))?;
    let corrections_file = corrections_path.display().to_string();
    let input = xapi_generator::SpecInput {
        file,
        text,
        corrections: Some(xapi_generator::Source {
            file: &corrections_file,
            text: &corrections,
        }),
        availability: None,
    };
    Ok(xapi_generator::lower_spec(input)?)
}

/// Reads the spec at `path` and lowers it.
pub fn lower_file(root: &Path, path: &Path) -> Result<ApiModel> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the spec at {}", path.display()))?;
    lower(root, &path.display().to_string(), &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_rows_give_file_version_and_hash() {
        let text = "| file | 3CX version | commit | date | operations | schemas | sha256 |\n\
                    |---|---|---|---|---|---|---|\n\
                    | a-20.0.6.yaml | 20.0.6 | e9f4c0d | 2025-02-06 | 531 | 490 | aa |\n\
                    | b.yaml | 20.0.6 (later build) | 22a9c1f | 2025-04-10 | 547 | 506 | bb |\n\
                    | c.yaml | 20.0.7 | a10bde3 | 2025-05-06 | 548 | 510 | cc |\n";
        let specs = parse_sources(text).expect("valid table");
        let rows: Vec<(&str, &str, &str)> = specs
            .iter()
            .map(|s| (s.file.as_str(), s.version.as_str(), s.sha256.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                ("a-20.0.6.yaml", "20.0.6", "aa"),
                ("b.yaml", "20.0.6", "bb"),
                ("c.yaml", "20.0.7", "cc")
            ]
        );
        let steps: Vec<&str> = last_build_of_each_version(&specs)
            .iter()
            .map(|s| s.file.as_str())
            .collect();
        assert_eq!(steps, ["b.yaml", "c.yaml"]);

        let error = parse_sources("| x.yaml | 20.0.x | c | d | 1 | 2 | ff |\n").unwrap_err();
        assert_eq!(error.to_string(), "line 1: `20.0.x` is not a 3CX version");
    }
}
