//! Writing the generated directories, or comparing them with what is on disk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Replaces `dirs` under `src` with `files`, all or nothing.
///
/// Everything is written into a temporary directory beside `src` first; only when every
/// file is written are the old directories swapped out, so a failure leaves them untouched.
pub fn replace(src: &Path, dirs: &[&str], files: &BTreeMap<String, String>) -> Result<()> {
    let staging = tempfile::Builder::new()
        .prefix(".generate-")
        .tempdir_in(src)
        .with_context(|| format!("cannot create a staging directory in {}", src.display()))?;

    for (relative, text) in files {
        let path = staging.path().join("new").join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }

    let old = staging.path().join("old");
    std::fs::create_dir(&old).with_context(|| format!("cannot create {}", old.display()))?;
    for dir in dirs {
        let current = src.join(dir);
        let fresh = staging.path().join("new").join(dir);
        if current.exists() {
            std::fs::rename(&current, old.join(dir))
                .with_context(|| format!("cannot move {} aside", current.display()))?;
        }
        if let Err(error) = std::fs::rename(&fresh, &current) {
            // Put the old directory back so the crate is as it was.
            let _ = std::fs::rename(old.join(dir), &current);
            return Err(error).with_context(|| format!("cannot move {} in", fresh.display()));
        }
    }
    Ok(())
}

/// Lists the files under `dirs` that differ from `files`, with the first differing line.
/// Line ends are normalised, so a checkout with CRLF line ends is not stale.
pub fn compare(src: &Path, dirs: &[&str], files: &BTreeMap<String, String>) -> Result<Vec<String>> {
    let mut on_disk = BTreeMap::new();
    for dir in dirs {
        collect_files(src, &src.join(dir), &mut on_disk)?;
    }

    let mut differences = Vec::new();
    for (relative, expected) in files {
        match on_disk.remove(relative) {
            None => differences.push(format!("  {relative}: missing")),
            Some(actual) => differences.extend(describe_difference(relative, &actual, expected)),
        }
    }
    differences.extend(
        on_disk
            .keys()
            .map(|relative| format!("  {relative}: not generated")),
    );
    Ok(differences)
}

/// Where `actual` first differs from `expected`, with both lines, or `None` when they are the
/// same but for line ends.
pub fn describe_difference(name: &str, actual: &str, expected: &str) -> Option<String> {
    let line = first_difference(actual, expected)?;
    Some(format!(
        "  {name}: differs from line {line}\n    committed: {}\n    generated: {}",
        quote_line(actual, line),
        quote_line(expected, line)
    ))
}

/// Line `number` (one-based) of `text`, shortened to fit a terminal, or a note that the file
/// ends before it.
fn quote_line(text: &str, number: usize) -> String {
    const MAX_CHARS: usize = 80;
    match text.lines().nth(number - 1) {
        None => "(end of file)".to_string(),
        Some(line) => {
            let line = line.trim_end_matches('\r');
            match line.char_indices().nth(MAX_CHARS) {
                Some((cut, _)) => format!("`{}`...", &line[..cut]),
                None => format!("`{line}`"),
            }
        }
    }
}

/// The one-based number of the first line where `actual` and `expected` differ.
fn first_difference(actual: &str, expected: &str) -> Option<usize> {
    let actual: Vec<&str> = actual.lines().collect();
    let expected: Vec<&str> = expected.lines().collect();
    let common = actual
        .iter()
        .zip(&expected)
        .position(|(a, e)| a.trim_end_matches('\r') != *e);
    match common {
        Some(index) => Some(index + 1),
        None if actual.len() != expected.len() => Some(actual.len().min(expected.len()) + 1),
        None => None,
    }
}

/// Reads every file under `dir`, keyed by its path relative to `src` with `/` separators.
fn collect_files(src: &Path, dir: &Path, out: &mut BTreeMap<String, String>) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    for entry in entries {
        let path: PathBuf = entry?.path();
        if path.is_dir() {
            collect_files(src, &path, out)?;
        } else {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let relative = path.strip_prefix(src).expect("walked from src");
            let relative: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.insert(relative.join("/"), text);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
        entries
            .iter()
            .map(|(path, text)| (path.to_string(), text.to_string()))
            .collect()
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).expect("file exists")
    }

    #[test]
    fn replace_swaps_generated_dirs_and_keeps_the_rest() {
        let src = tempfile::tempdir().expect("temporary directory");
        std::fs::create_dir_all(src.path().join("api")).unwrap();
        std::fs::write(src.path().join("api/stale.rs"), "old").unwrap();
        std::fs::write(src.path().join("lib.rs"), "hand-written").unwrap();

        let generated = files(&[("api/mod.rs", "new api"), ("models/user.rs", "new model")]);
        replace(src.path(), &["api", "models"], &generated).expect("replaced");

        assert_eq!(read(&src.path().join("api/mod.rs")), "new api");
        assert_eq!(read(&src.path().join("models/user.rs")), "new model");
        assert!(
            !src.path().join("api/stale.rs").exists(),
            "stale files are removed"
        );
        assert_eq!(read(&src.path().join("lib.rs")), "hand-written");
        let leftovers: Vec<_> = std::fs::read_dir(src.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(".generate-"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "staging directory removed: {leftovers:?}"
        );
    }

    #[test]
    fn compare_lists_changed_missing_and_extra_files() {
        let src = tempfile::tempdir().expect("temporary directory");
        std::fs::create_dir_all(src.path().join("api")).unwrap();
        std::fs::write(src.path().join("api/same.rs"), "a\r\nb\r\n").unwrap();
        std::fs::write(src.path().join("api/changed.rs"), "a\nb\nc\n").unwrap();
        std::fs::write(src.path().join("api/extra.rs"), "x").unwrap();

        let generated = files(&[
            ("api/same.rs", "a\nb\n"),
            ("api/changed.rs", "a\nB\nc\n"),
            ("api/missing.rs", "m"),
        ]);
        let differences = compare(src.path(), &["api"], &generated).expect("compared");

        assert_eq!(
            differences,
            [
                "  api/changed.rs: differs from line 2\n    committed: `b`\n    generated: `B`",
                "  api/missing.rs: missing",
                "  api/extra.rs: not generated",
            ]
        );

        // A file that ends early, and a line too long to show whole.
        let long = "x".repeat(100);
        std::fs::write(src.path().join("api/same.rs"), format!("a\n{long}\n")).unwrap();
        let generated = files(&[("api/same.rs", "a\n"), ("api/changed.rs", "a\nb\nc\n")]);
        let differences = compare(src.path(), &["api"], &generated).expect("compared");
        assert_eq!(
            differences,
            [
                format!(
                    "  api/same.rs: differs from line 2\n    committed: `{}`...\n    \
                     generated: (end of file)",
                    "x".repeat(80)
                ),
                "  api/extra.rs: not generated".to_string(),
            ]
        );
    }
}
