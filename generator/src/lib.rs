//! Turns the 3CX XAPI OpenAPI description into the source of the `xapi-client` crate.
//!
//! Four stages, one module each, run in order by [`generate`]:
//!
//! 1. [`parse`]: text into `openapiv3` types, validated up front;
//! 2. [`model`]: lowered into our own plain structs, where every decision is made;
//! 3. [`emit`]: the model spelled out as tokens;
//! 4. [`format`](mod@format): tokens into text behind a do-not-edit header.
//!
//! The library does no I/O: the caller reads the spec and writes the files. Beside the
//! stages, [`diff`] compares the models of two specs and [`availability`] says in which 3CX
//! versions each operation exists, and [`manifest`] places the client's Cargo features (one per
//! tag) in its `Cargo.toml`.

pub mod availability;
pub mod corrections;
pub mod diff;
pub mod emit;
pub mod error;
pub mod format;
pub mod manifest;
pub mod model;
pub mod naming;
pub mod parse;

use std::collections::BTreeMap;

pub use availability::Availability;
pub use corrections::Corrections;
pub use error::{Error, Problem};
pub use format::Provenance;

/// The spec to generate from.
#[derive(Debug, Clone, Copy)]
pub struct SpecInput<'a> {
    /// How to name the file in messages (a path or file name).
    pub file: &'a str,
    /// The spec's text, YAML or JSON.
    pub text: &'a str,
    /// The reviewed corrections to apply, if any (`spec/corrections.yaml`).
    pub corrections: Option<Source<'a>>,
    /// The table of versions each operation exists in, if any (`spec/availability.toml`);
    /// without it the methods' documentation says nothing about versions.
    pub availability: Option<Source<'a>>,
}

/// A named text, such as the corrections file.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// How to name the file in messages.
    pub file: &'a str,
    /// Its text.
    pub text: &'a str,
}

/// The generated files and what the maintainer should know about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// File contents by path relative to the client crate's `src/`, in path order.
    pub files: BTreeMap<String, String>,
    /// The `[features]` entries of the client's `Cargo.toml`, for [`manifest::with_features`].
    pub cargo_features: String,
    /// Things skipped or approximated, one line each.
    pub warnings: Vec<String>,
    /// How many operations became methods.
    pub operations: usize,
    /// How many types were emitted.
    pub types: usize,
}

/// Runs the parse and model stages: the spec as the model the client is emitted from.
pub fn lower_spec(input: SpecInput<'_>) -> Result<model::ApiModel, Error> {
    let spec = parse::parse_spec(input.file, input.text)?;
    let corrections = match input.corrections {
        Some(source) => corrections::parse_corrections(source.file, source.text)?,
        None => Corrections::default(),
    };
    let mut model = model::lower(&spec, &corrections).map_err(|problems| Error::Invalid {
        file: input.file.to_string(),
        problems,
    })?;

    if let Some(source) = input.availability {
        availability::parse_availability(source.file, source.text)?.annotate(&mut model);
    }
    Ok(model)
}

/// Runs all four stages on one spec.
pub fn generate(input: SpecInput<'_>, provenance: &Provenance) -> Result<Generated, Error> {
    let model = lower_spec(input)?;

    let header = provenance.header();
    let mut files = BTreeMap::new();
    for emitted in emit::emit_client(&model) {
        let text =
            format::render_file(&emitted.path, emitted.tokens, &header).map_err(|reason| {
                let problem = Problem::Unsupported {
                    place: emitted.path.clone(),
                    what: reason,
                };
                Error::Invalid {
                    file: input.file.to_string(),
                    problems: vec![problem],
                }
            })?;
        files.insert(emitted.path, text);
    }

    Ok(Generated {
        files,
        cargo_features: emit::emit_cargo_features(&model.tags),
        warnings: model.warnings,
        operations: model.tags.iter().map(|tag| tag.operations.len()).sum(),
        types: model.types.len(),
    })
}
