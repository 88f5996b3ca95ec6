//! In which 3CX versions each operation exists, read from `spec/availability.toml`.
//!
//! The table is derived from the published specs (`cargo xtask availability`) and committed,
//! so the generated client states each method's availability without the old spec files.
//! A version counts an operation when any published build of that version has it, with the
//! HTTP method and path of the newest spec that has it.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::OpenAPI;
use serde::Deserialize;

use crate::error::Error;
use crate::model::ApiModel;

/// The versions each operation exists in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Availability {
    /// Every version the table knows, oldest first.
    pub versions: Vec<String>,
    /// For each operationId, the versions that have it, oldest first.
    pub operations: BTreeMap<String, Vec<String>>,
}

/// A version such as `20.0.10`, ordered by its numbers.
fn version_key(version: &str) -> Option<Vec<u32>> {
    version.split('.').map(|part| part.parse().ok()).collect()
}

impl Availability {
    /// Builds the table from each published spec's operations, as operationId and request line
    /// (`GET /Users({Id})`). Several specs may have the same version (later builds); an
    /// operation counts for a version when any of them has it.
    ///
    /// An operation counts only where it has the request line of the newest spec that has it:
    /// the generated method sends that request, which a PBX serving an older path answers 404.
    pub fn from_specs<'a>(
        specs: impl IntoIterator<Item = (&'a str, Vec<(String, String)>)>,
    ) -> Result<Availability, String> {
        type Builds = BTreeSet<(String, String)>;
        let mut by_version: BTreeMap<Vec<u32>, (String, Builds)> = BTreeMap::new();
        for (version, operations) in specs {
            let key = version_key(version)
                .ok_or_else(|| format!("`{version}` is not a version like 20.0.10"))?;
            let entry = by_version
                .entry(key)
                .or_insert_with(|| (version.to_string(), BTreeSet::new()));
            entry.1.extend(operations);
        }

        // The request line each operation has in the newest version that has it.
        let mut newest: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (_, operations) in by_version.values() {
            let mut lines: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for (id, line) in operations {
                lines.entry(id).or_default().insert(line);
            }
            newest.extend(lines);
        }

        let mut table = Availability::default();
        for (version, operations) in by_version.values() {
            for (id, line) in operations {
                let current = newest[id.as_str()].contains(line.as_str());
                let versions = table.operations.entry(id.clone()).or_default();
                if current && versions.last() != Some(version) {
                    versions.push(version.clone());
                }
            }
            table.versions.push(version.clone());
        }
        Ok(table)
    }

    /// The table as TOML behind `header` (comment lines), one operation a line.
    pub fn render_toml(&self, header: &str) -> String {
        let quote = |text: &str| toml::Value::String(text.to_string()).to_string();
        let list = |versions: &[String]| {
            let items: Vec<String> = versions.iter().map(|v| quote(v)).collect();
            format!("[{}]", items.join(", "))
        };
        let mut out = String::from(header);
        out.push_str(&format!(
            "\nversions = {}\n\n[operations]\n",
            list(&self.versions)
        ));
        for (id, versions) in &self.operations {
            let bare = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            let key = if bare { id.clone() } else { quote(id) };
            out.push_str(&format!("{key} = {}\n", list(versions)));
        }
        out
    }

    /// The sentence a method's documentation gets, such as "Available since 3CX 20.0.9.".
    ///
    /// An operation the table does not know is newer than every published spec: the client
    /// was generated from a spec fetched from a PBX (or the table is stale).
    pub fn describe(&self, operation_id: &str) -> Option<String> {
        let (first, last) = (self.versions.first()?, self.versions.last()?);
        let Some(versions) = self.operations.get(operation_id) else {
            return Some(format!(
                "New in this spec: not in the published specs of 3CX {first} to {last}."
            ));
        };

        // Runs of consecutive known versions, as index ranges into `self.versions`.
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for version in versions {
            let index = self.versions.iter().position(|known| known == version)?;
            match runs.last_mut() {
                Some((_, end)) if *end + 1 == index => *end = index,
                _ => runs.push((index, index)),
            }
        }
        let newest = self.versions.len() - 1;
        let mut parts: Vec<String> = runs
            .iter()
            .map(|&(start, end)| match end - start {
                0 => self.versions[start].clone(),
                _ => format!("{} to {}", self.versions[start], self.versions[end]),
            })
            .collect();

        Some(match runs.as_slice() {
            [(0, end)] if *end == newest => {
                format!("Available since 3CX {first} or earlier (the oldest published spec).")
            }
            [(start, end)] if *end == newest => {
                format!("Available since 3CX {}.", self.versions[*start])
            }
            [.., (start, end)] if *end == newest => {
                parts.pop();
                format!(
                    "Available in 3CX {}, and since {}.",
                    parts.join(", "),
                    self.versions[*start]
                )
            }
            _ => format!("Available in 3CX {} only.", parts.join(", ")),
        })
    }

    /// Writes each operation's availability sentence into the model.
    pub fn annotate(&self, model: &mut ApiModel) {
        for tag in &mut model.tags {
            for operation in &mut tag.operations {
                operation.availability = self.describe(&operation.id);
            }
        }
    }
}

/// Every operation of a parsed spec as operationId and request line (`GET /Users({Id})`),
/// sorted.
pub fn operation_lines(spec: &OpenAPI) -> Vec<(String, String)> {
    let mut lines: Vec<(String, String)> = spec
        .paths
        .iter()
        .filter_map(|(path, item)| Some((path, item.as_item()?)))
        .flat_map(|(path, item)| {
            item.iter().filter_map(move |(method, operation)| {
                let id = operation.operation_id.clone()?;
                Some((id, format!("{} {path}", method.to_uppercase())))
            })
        })
        .collect();
    lines.sort();
    lines
}

/// Parses the availability table's text and checks that it is consistent.
pub fn parse_availability(file: &str, text: &str) -> Result<Availability, Error> {
    let bad = |reason: String| Error::BadAvailability {
        file: file.to_string(),
        reason,
    };
    let table: Availability = toml::from_str(text).map_err(|error| bad(error.to_string()))?;

    let mut previous: Option<Vec<u32>> = None;
    for version in &table.versions {
        let key = version_key(version)
            .ok_or_else(|| bad(format!("`{version}` is not a version like 20.0.10")))?;
        if previous.as_ref().is_some_and(|previous| *previous >= key) {
            return Err(bad(format!(
                "`versions` is not in ascending order at `{version}`"
            )));
        }
        previous = Some(key);
    }
    for (id, versions) in &table.operations {
        let mut last = None;
        for version in versions {
            let index = table
                .versions
                .iter()
                .position(|known| known == version)
                .ok_or_else(|| bad(format!("operation {id}: `{version}` is not in `versions`")))?;
            if last.is_some_and(|last| last >= index) {
                return Err(bad(format!(
                    "operation {id}: versions out of order at `{version}`"
                )));
            }
            last = Some(index);
        }
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Availability {
        let ops = |list: &[&str]| {
            list.iter()
                .map(|id| {
                    let (id, line) = id.split_once(' ').unwrap_or((id, "GET /"));
                    (id.to_string(), line.to_string())
                })
                .collect::<Vec<_>>()
        };
        Availability::from_specs([
            (
                "20.0.4",
                ops(&["Old", "Always", "Gap", "Gone", "Moved GET /Old"]),
            ),
            ("20.0.5", ops(&["Always", "Gone", "Moved GET /Old"])),
            ("20.0.5", ops(&["Always", "Late", "Moved GET /New"])),
            (
                "20.0.10",
                ops(&["Always", "Gap", "Late", "New", "Moved GET /New"]),
            ),
            ("20.0.9", ops(&["Always", "Late", "Moved GET /New"])),
        ])
        .expect("valid versions")
    }

    #[test]
    fn versions_are_ordered_by_number_and_builds_merge() {
        let table = table();
        assert_eq!(table.versions, ["20.0.4", "20.0.5", "20.0.9", "20.0.10"]);
        assert_eq!(table.operations["Late"], ["20.0.5", "20.0.9", "20.0.10"]);
        assert_eq!(table.operations["Gone"], ["20.0.4", "20.0.5"]);
        // Only the versions with the newest request line count.
        assert_eq!(table.operations["Moved"], ["20.0.5", "20.0.9", "20.0.10"]);
    }

    #[test]
    fn sentences_name_runs_and_gaps() {
        let table = table();
        let cases = [
            (
                "Always",
                "Available since 3CX 20.0.4 or earlier (the oldest published spec).",
            ),
            ("Late", "Available since 3CX 20.0.5."),
            ("New", "Available since 3CX 20.0.10."),
            ("Gap", "Available in 3CX 20.0.4, and since 20.0.10."),
            ("Gone", "Available in 3CX 20.0.4 to 20.0.5 only."),
            ("Old", "Available in 3CX 20.0.4 only."),
            (
                "Unknown",
                "New in this spec: not in the published specs of 3CX 20.0.4 to 20.0.10.",
            ),
        ];
        for (id, sentence) in cases {
            assert_eq!(table.describe(id).as_deref(), Some(sentence), "{id}");
        }
    }

    #[test]
    fn rendered_table_parses_back() {
        let table = table();
        let text = table.render_toml("# header\n");
        assert!(
            text.starts_with("# header\n\nversions = [\"20.0.4\", "),
            "{text}"
        );
        assert!(
            text.contains("\nGap = [\"20.0.4\", \"20.0.10\"]\n"),
            "{text}"
        );
        assert_eq!(parse_availability("t.toml", &text).expect("valid"), table);
    }

    #[test]
    fn inconsistent_tables_are_refused() {
        let cases = [
            (
                "versions = [\"20.0.5\", \"20.0.4\"]\n[operations]\n",
                "t.toml: not a valid availability table: `versions` is not in ascending order \
                 at `20.0.4`",
            ),
            (
                "versions = [\"20.0.4\"]\n[operations]\nA = [\"20.0.9\"]\n",
                "t.toml: not a valid availability table: operation A: `20.0.9` is not in \
                 `versions`",
            ),
        ];
        for (text, message) in cases {
            let error = parse_availability("t.toml", text).expect_err("inconsistent");
            assert_eq!(error.to_string(), message);
        }
    }
}
