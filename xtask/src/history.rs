//! How the XAPI changed over the published specs: `cargo xtask diff`, `cargo xtask
//! availability` and `cargo xtask changelog`. The comparing is the generator's
//! ([`xapi_generator::diff`], [`xapi_generator::availability`]); this module reads and writes.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use xapi_generator::Availability;
use xapi_generator::diff::diff_models;

use crate::published::{
    PublishedSpec, last_build_of_each_version, lower, lower_file, read_published, read_sources,
    shared_spec_dir,
};

/// How the commands of this module are called.
pub const USAGE: &str = "usage: cargo xtask diff OLD NEW\n       \
                         cargo xtask availability [--check]\n       \
                         cargo xtask changelog [--check]";

/// The committed availability table, relative to the workspace root.
pub const AVAILABILITY_FILE: &str = "spec/availability.toml";

/// The committed changelog, relative to the workspace root.
pub const CHANGELOG_FILE: &str = "generated-client/CHANGELOG.md";

/// `cargo xtask diff OLD NEW`: prints the Markdown diff between two spec files.
pub fn diff(root: &Path, mut args: impl Iterator<Item = String>) -> Result<()> {
    let (Some(old), Some(new), None) = (args.next(), args.next(), args.next()) else {
        bail!("`diff` takes exactly two spec paths\n{USAGE}");
    };
    let (old, new) = (PathBuf::from(old), PathBuf::from(new));
    let diff = diff_models(&lower_file(root, &old)?, &lower_file(root, &new)?);
    print!("{}", diff.render_markdown(&label(&old), &label(&new)));
    Ok(())
}

/// A spec path's file name, for headings.
fn label(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}

/// Parses the only option of `availability` and `changelog`.
pub fn parse_check(command: &str, args: impl Iterator<Item = String>) -> Result<bool> {
    let mut check = false;
    for arg in args {
        match arg.as_str() {
            "--check" => check = true,
            other => bail!("unknown argument `{other}` for `{command}`\n{USAGE}"),
        }
    }
    Ok(check)
}

/// Writes `text` to `<root>/<relative>`, or with `check` fails if the file differs.
fn write_or_check(
    root: &Path,
    relative: &str,
    text: &str,
    check: bool,
    command: &str,
) -> Result<()> {
    let path = root.join(relative);
    if check {
        let committed = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if committed.replace("\r\n", "\n") != text {
            bail!(
                "{} is stale: it differs from what the published specs give; run `{command}` \
                 and commit the result",
                path.display()
            );
        }
        println!("checked {relative}");
    } else {
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        println!("wrote {relative}");
    }
    Ok(())
}

/// The availability table derived from every published spec in `dir`.
pub fn derive_availability(dir: &Path) -> Result<Availability> {
    let specs = read_sources(dir)?;
    let mut ids = Vec::new();
    for spec in &specs {
        let text = read_published(dir, spec)?;
        let parsed = xapi_generator::parse::parse_spec(&spec.file, &text)?;
        ids.push((
            spec.version.as_str(),
            xapi_generator::availability::operation_lines(&parsed),
        ));
    }
    let table = Availability::from_specs(ids).map_err(anyhow::Error::msg)?;
    Ok(table)
}

/// The committed table's text for `table`.
pub fn render_availability(table: &Availability) -> String {
    let header = "\
# In which 3CX versions each XAPI operation exists: operationIds and version numbers only.
#
# Written by `cargo xtask availability` from the published specs in ../shared/spec, with the
# versions SOURCES.md gives them. A version lists an operation when any published build of
# that version has it with the HTTP method and path of the newest spec that has it (the
# request the generated method sends), so \"20.0.7\" may mean a later build of 20.0.7.
# `cargo xtask generate` reads this file to state each method's availability; do not edit it.
";
    table.render_toml(header)
}

/// `cargo xtask availability [--check]`.
pub fn availability(root: &Path, check: bool) -> Result<()> {
    let table = derive_availability(&shared_spec_dir(root))?;
    let text = render_availability(&table);
    write_or_check(
        root,
        AVAILABILITY_FILE,
        &text,
        check,
        "cargo xtask availability",
    )
}

/// The changelog: one entry per version step, newest first, each the diff of the last build of
/// one version against the last build of the version before.
pub fn render_changelog(root: &Path, dir: &Path) -> Result<String> {
    let specs = read_sources(dir)?;
    let steps = last_build_of_each_version(&specs);
    let mut models = Vec::new();
    for spec in &steps {
        let text = read_published(dir, spec)?;
        models.push((*spec, lower(root, &spec.file, &text)?));
    }

    let mut out = String::from(
        "# Changelog of the XAPI as xapi-client sees it

Each entry is what changed between two published 3CX XAPI specs, in the Rust names of the
generated client with the spec's names beside them. Entries are written by `cargo xtask
changelog` from the last published build of each version (see `../shared/spec/SOURCES.md`);
`cargo xtask diff OLD NEW` compares any two spec files the same way. A change is **breaking**
when code written against the older client may stop compiling or decoding; the rules are in
the documentation of the generator's `diff` module.
",
    );
    for pair in models.windows(2).rev() {
        let [(old_spec, old), (new_spec, new)] = pair else {
            unreachable!("windows of two");
        };
        out.push_str(&format!("\n## 3CX {}\n\n", new_spec.version));
        out.push_str(&format!(
            "From {} (`{}`) to {} (`{}`).\n\n",
            old_spec.version, old_spec.file, new_spec.version, new_spec.file
        ));
        out.push_str(&diff_models(old, new).render_body(3));
    }
    let first: &PublishedSpec = steps.first().expect("read_sources refuses an empty list");
    out.push_str(&format!(
        "\n## 3CX {}\n\nThe oldest published spec (`{}`).\n",
        first.version, first.file
    ));
    Ok(out)
}

/// `cargo xtask changelog [--check]`.
pub fn changelog(root: &Path, check: bool) -> Result<()> {
    let text = render_changelog(root, &shared_spec_dir(root))?;
    write_or_check(root, CHANGELOG_FILE, &text, check, "cargo xtask changelog")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace_root;

    /// The committed table is what the published specs give, so it cannot drift from them.
    #[test]
    fn committed_availability_matches_the_published_specs() {
        let root = workspace_root();
        let table = derive_availability(&shared_spec_dir(&root)).expect("published specs read");
        let committed = std::fs::read_to_string(root.join(AVAILABILITY_FILE)).expect("table");
        assert_eq!(
            committed.replace("\r\n", "\n"),
            render_availability(&table),
            "run `cargo xtask availability`"
        );

        // SOURCES.md: 20.0.10 has 601 operations, 13 of them new since 20.0.9; GetAIResources
        // counts from 20.0.10 too, since 20.0.10 gave it a `provider` argument in its path.
        let in_newest = table
            .operations
            .values()
            .filter(|versions| versions.last().is_some_and(|v| v == "20.0.10"))
            .count();
        assert_eq!(in_newest, 601);
        let only_newest: Vec<&str> = table
            .operations
            .iter()
            .filter(|(_, versions)| versions.as_slice() == ["20.0.10"])
            .map(|(id, _)| id.as_str())
            .collect();
        assert_eq!(only_newest.len(), 14, "{only_newest:?}");
        assert!(only_newest.contains(&"GetAIResources"), "{only_newest:?}");
        assert_eq!(
            table.operations["GetUserByNumber"],
            ["20.0.8", "20.0.9", "20.0.10"]
        );
        assert_eq!(
            table.versions,
            [
                "20.0.4", "20.0.5", "20.0.6", "20.0.7", "20.0.8", "20.0.9", "20.0.10"
            ]
        );
    }

    /// The committed changelog is what the diff of the published specs gives.
    #[test]
    fn committed_changelog_matches_the_published_specs() {
        let root = workspace_root();
        let text = render_changelog(&root, &shared_spec_dir(&root)).expect("changelog");
        let committed = std::fs::read_to_string(root.join(CHANGELOG_FILE)).expect("changelog");
        assert_eq!(
            committed.replace("\r\n", "\n"),
            text,
            "run `cargo xtask changelog`"
        );
        assert!(
            text.contains("\n## 3CX 20.0.10\n\nFrom 20.0.9 (`xapi-20.0.9.yaml`) to 20.0.10"),
            "{text}"
        );
    }

    #[test]
    fn arguments_are_checked() {
        let error = diff(&workspace_root(), ["a.yaml".to_string()].into_iter()).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("`diff` takes exactly two spec paths\n{USAGE}")
        );
        let error = parse_check("changelog", ["--force".to_string()].into_iter()).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("unknown argument `--force` for `changelog`\n{USAGE}")
        );
        assert!(parse_check("availability", ["--check".to_string()].into_iter()).unwrap());
    }
}
