//! The client's `Cargo.toml`, whose `[features]` entries the generator writes.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use tempfile::NamedTempFile;

use crate::tree;

/// The manifest as committed and as it should be.
pub struct Manifest {
    path: PathBuf,
    committed: String,
    expected: String,
}

impl Manifest {
    /// Reads the manifest in `client` and puts `features` between its markers.
    pub fn load(client: &Path, features: &str) -> Result<Manifest> {
        let path = client.join("Cargo.toml");
        let committed = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let expected = xapi_generator::manifest::with_features(&committed, features)
            .map_err(|reason| anyhow!("{}: {reason}", path.display()))?;
        Ok(Manifest {
            path,
            committed,
            expected,
        })
    }

    /// How the committed manifest differs from the expected one, in `--check`'s words.
    pub fn difference(&self) -> Option<String> {
        tree::describe_difference("Cargo.toml", &self.committed, &self.expected)
    }

    /// Writes the expected manifest beside the committed one, to be put in place with
    /// [`StagedManifest::commit`] once everything else is written; `None` when it is unchanged.
    pub fn stage(&self) -> Result<Option<StagedManifest>> {
        if self.committed == self.expected {
            return Ok(None);
        }
        let dir = self.path.parent().expect("a manifest lives in a directory");
        let mut file = NamedTempFile::new_in(dir)
            .with_context(|| format!("cannot create a file in {}", dir.display()))?;
        file.write_all(self.expected.as_bytes())
            .with_context(|| format!("cannot write beside {}", self.path.display()))?;
        Ok(Some(StagedManifest {
            file,
            path: self.path.clone(),
        }))
    }
}

/// A new manifest written beside the old one, not yet in its place.
pub struct StagedManifest {
    file: NamedTempFile,
    path: PathBuf,
}

impl StagedManifest {
    /// Replaces the committed manifest, in one rename.
    pub fn commit(self) -> Result<()> {
        self.file
            .persist(&self.path)
            .with_context(|| format!("cannot replace {}", self.path.display()))?;
        Ok(())
    }
}
