//! Errors: what can be wrong with a spec, each naming the place and the reason.

use std::fmt;

/// Why a spec could not be turned into a client.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The text is not YAML (or JSON) at all.
    #[error("{file}: not valid YAML: {reason}")]
    NotYaml {
        /// The spec file as the caller named it.
        file: String,
        /// One-based line of the syntax error.
        line: usize,
        /// One-based column of the syntax error.
        column: usize,
        /// What the YAML parser said, with the place.
        reason: String,
    },

    /// The corrections file is not YAML or has entries the generator does not know.
    #[error("{file}: not a valid corrections file: {reason}")]
    BadCorrections {
        /// The corrections file as the caller named it.
        file: String,
        /// What is wrong, with the place.
        reason: String,
    },

    /// The availability table is not TOML, or names versions it does not list.
    #[error("{file}: not a valid availability table: {reason}")]
    BadAvailability {
        /// The table as the caller named it.
        file: String,
        /// What is wrong, with the place.
        reason: String,
    },

    /// The document is YAML but breaks the rules the generator relies on.
    #[error("{file}: {} problem(s) in the spec\n{}", problems.len(), ProblemList(problems))]
    Invalid {
        /// The spec file as the caller named it.
        file: String,
        /// Every problem found, in document order.
        problems: Vec<Problem>,
    },
}

/// One problem at one place in a spec. Places are JSON pointers (`#/paths/~1Users/get`) or
/// operation ids.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The document does not have the shape of an OpenAPI 3.0 description.
    #[error("{pointer}: not an OpenAPI 3.0 document here: {reason}")]
    Shape {
        /// Where the deserializer stopped.
        pointer: String,
        /// What it expected.
        reason: String,
    },

    /// A `$ref` points at nothing.
    #[error("{pointer}: $ref `{target}` does not resolve")]
    DanglingRef {
        /// Where the `$ref` is written.
        pointer: String,
        /// The reference as written.
        target: String,
    },

    /// An operation has no `operationId`, so its method would have no name.
    #[error("{pointer}: operation has no operationId")]
    MissingOperationId {
        /// The operation.
        pointer: String,
    },

    /// Two operations share an `operationId`.
    #[error("operation {id}: operationId declared twice, at {first} and at {second}")]
    DuplicateOperationId {
        /// The shared id.
        id: String,
        /// The first operation with it.
        first: String,
        /// The second operation with it.
        second: String,
    },

    /// Two spec names map to one Rust name.
    #[error("{second}: Rust name `{rust}` is already taken by {first}")]
    NameCollision {
        /// The contested Rust name.
        rust: String,
        /// The first owner.
        first: String,
        /// The second claimant.
        second: String,
    },

    /// Parts of the spec contradict each other.
    #[error("{place}: {reason}")]
    Inconsistent {
        /// Where the contradiction is.
        place: String,
        /// What contradicts what.
        reason: String,
    },

    /// A construct the generator does not know how to express in Rust.
    #[error("{place}: unsupported {what}")]
    Unsupported {
        /// Where it is.
        place: String,
        /// What it is, and why it is refused.
        what: String,
    },
}

impl From<crate::naming::Collision> for Problem {
    fn from(collision: crate::naming::Collision) -> Self {
        Problem::NameCollision {
            rust: collision.rust,
            first: collision.first,
            second: collision.second,
        }
    }
}

/// Lists problems one per line, indented under the summary line.
struct ProblemList<'a>(&'a [Problem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self
            .0
            .iter()
            .map(|problem| format!("  {problem}"))
            .collect();
        f.write_str(&lines.join("\n"))
    }
}
