//! The spec pin: which published XAPI spec the committed client is built from.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// `spec/pin.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    /// The 3CX version the spec describes, such as `20.0.10`.
    pub version: String,
    /// The spec's file name, looked for in `spec/` and then in `../shared/spec/`.
    pub file: String,
    /// The SHA-256 of the file, lowercase hex.
    pub sha256: String,
    /// Where the file was published.
    pub source: String,
}

impl Pin {
    /// Reads the pin from `<root>/spec/pin.toml`.
    pub fn load(root: &Path) -> Result<Pin> {
        let path = root.join("spec").join("pin.toml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the spec pin at {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("{} is not a valid pin", path.display()))
    }

    /// Finds the pinned file: a copy kept in `spec/` (ignored by git) wins over the shared
    /// copy beside the checkout.
    pub fn locate(&self, root: &Path) -> Result<PathBuf> {
        let candidates = [
            root.join("spec").join(&self.file),
            root.join("..").join("shared").join("spec").join(&self.file),
        ];
        if let Some(found) = candidates.iter().find(|path| path.is_file()) {
            return Ok(found.clone());
        }
        let looked: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
        bail!(
            "the pinned spec {} (3CX {}, from {}) is not in any of: {}; pass another file with `--spec`",
            self.file,
            self.version,
            self.source,
            looked.join(", ")
        )
    }
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
