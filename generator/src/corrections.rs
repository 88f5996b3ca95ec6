//! Reviewed corrections to the published spec, read from `spec/corrections.yaml`.
//!
//! The spec is wrong in places the generator cannot see by rule. Each correction names an
//! operationId; one that names no operation of the spec is reported as a warning, so a stale
//! entry is noticed after 3CX renames an operation (and older specs still generate).

use serde::Deserialize;

use crate::error::Error;

/// Everything the corrections file can say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Corrections {
    /// Which operations answer with a file.
    #[serde(default)]
    pub downloads: DownloadCorrections,
    /// Properties older 3CX versions send in another shape than the spec says, which the
    /// generated models read as well.
    #[serde(default)]
    pub older_shapes: Vec<OlderShape>,
}

/// A property that older 3CX versions send in another shape.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OlderShape {
    /// The schema as the spec names it, such as `Pbx.Trunk`.
    pub schema: String,
    /// The property as the spec names it, such as `AuthPassword`.
    pub property: String,
    /// What those versions send.
    pub sends: OlderValue,
    /// Which versions send it, for the field's documentation, such as `20.0.4`.
    pub versions: String,
}

/// What an older version sends in place of the spec's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OlderValue {
    /// An integer where the spec has a string: read as its decimal text.
    Integer,
    /// A 64-bit integer where the spec has a 32-bit one: the field becomes `i64`.
    Int64,
    /// A bare string where the spec has an object with a string `Value`: read into `Value`.
    String,
}

impl OlderValue {
    /// The value as the corrections file writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            OlderValue::Integer => "integer",
            OlderValue::Int64 => "int64",
            OlderValue::String => "string",
        }
    }
}

/// Exceptions to the download rule (a `GET` named `Download*` or `Export*`, or a `GET` whose
/// answer the spec leaves as an empty object).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DownloadCorrections {
    /// Operations that answer with a file although the rule does not say so.
    #[serde(default)]
    pub add: Vec<String>,
    /// Operations the rule catches that answer with JSON after all.
    #[serde(default)]
    pub remove: Vec<String>,
}

impl Corrections {
    /// Every operationId the corrections name, with where it is named.
    pub fn named_operations(&self) -> impl Iterator<Item = (String, &str)> {
        let added = self.downloads.add.iter().enumerate();
        let removed = self.downloads.remove.iter().enumerate();
        added
            .map(|(index, id)| (format!("downloads.add[{index}]"), id.as_str()))
            .chain(removed.map(|(index, id)| (format!("downloads.remove[{index}]"), id.as_str())))
    }
}

/// Parses the corrections file's text.
pub fn parse_corrections(file: &str, text: &str) -> Result<Corrections, Error> {
    let bad = |reason: String| Error::BadCorrections {
        file: file.to_string(),
        reason,
    };
    let corrections: Corrections =
        serde_yaml::from_str(text).map_err(|error| bad(error.to_string()))?;
    check_older_shapes(&corrections.older_shapes).map_err(bad)?;
    Ok(corrections)
}

/// Each property is named once, with the versions written as versions: they end up in the
/// field's documentation ("From 3CX 20.0.4 this arrives as ...").
fn check_older_shapes(shapes: &[OlderShape]) -> Result<(), String> {
    for (index, shape) in shapes.iter().enumerate() {
        let versions = shape.versions.trim();
        if !versions.chars().next().is_some_and(|c| c.is_ascii_digit()) || versions.len() < 5 {
            return Err(format!(
                "older_shapes[{index}].versions: `{}` is not a 3CX version or range, like \
                 `20.0.4` or `20.0.4 to 20.0.6`",
                shape.versions
            ));
        }
        let first = shapes[..index]
            .iter()
            .position(|other| other.schema == shape.schema && other.property == shape.property);
        if let Some(first) = first {
            return Err(format!(
                "older_shapes[{index}]: {}.{} is named already in older_shapes[{first}]",
                shape.schema, shape.property
            ));
        }
    }
    Ok(())
}
