//! The client's manifest: the generator owns its `[features]` entries between two marker
//! lines, and the caller splices them in.

/// The line before the generated features.
pub const FEATURES_BEGIN: &str = "# BEGIN features written by `cargo xtask generate`; do not edit.";

/// The line after them.
pub const FEATURES_END: &str = "# END features written by `cargo xtask generate`.";

/// `manifest` with the lines between the markers replaced by `features`.
///
/// Fails, saying which, when a marker is missing, repeated or out of order.
pub fn with_features(manifest: &str, features: &str) -> Result<String, String> {
    let begin = find_line(manifest, FEATURES_BEGIN)?;
    let end = find_line(manifest, FEATURES_END)?;
    if end < begin {
        return Err(format!("`{FEATURES_END}` comes before `{FEATURES_BEGIN}`"));
    }
    let after_begin = manifest[begin..]
        .find('\n')
        .map_or(manifest.len(), |newline| begin + newline + 1);
    // A manifest checked out with CRLF line ends keeps them throughout.
    let features = if manifest[..after_begin].ends_with("\r\n") {
        features.replace('\n', "\r\n")
    } else {
        features.to_string()
    };
    Ok(format!(
        "{}{features}{}",
        &manifest[..after_begin],
        &manifest[end..]
    ))
}

/// Where the one line equal to `marker` starts.
fn find_line(manifest: &str, marker: &str) -> Result<usize, String> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in manifest.split_inclusive('\n') {
        if line.trim_end() == marker {
            starts.push(offset);
        }
        offset += line.len();
    }
    match starts.as_slice() {
        [start] => Ok(*start),
        [] => Err(format!("the line `{marker}` is missing")),
        _ => Err(format!(
            "the line `{marker}` appears {} times",
            starts.len()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(features: &str) -> String {
        format!(
            "[package]\nname = \"c\"\n\n[features]\n{FEATURES_BEGIN}\n{features}{FEATURES_END}\n\n\
             [dependencies]\n"
        )
    }

    #[test]
    fn replaces_what_is_between_the_markers() {
        let old = manifest("users = []\n");
        assert_eq!(
            with_features(&old, "groups = []\nusers = []\n").unwrap(),
            manifest("groups = []\nusers = []\n")
        );
        assert_eq!(with_features(&old, "").unwrap(), manifest(""));
    }

    #[test]
    fn crlf_line_ends_are_kept() {
        let old = manifest("users = []\n").replace('\n', "\r\n");
        let new = with_features(&old, "groups = []\nusers = []\n").unwrap();
        assert_eq!(
            new,
            manifest("groups = []\nusers = []\n").replace('\n', "\r\n")
        );
    }

    #[test]
    fn missing_repeated_or_swapped_markers_are_refused() {
        assert_eq!(
            with_features("[features]\n", "").unwrap_err(),
            format!("the line `{FEATURES_BEGIN}` is missing")
        );
        let twice = format!("{FEATURES_BEGIN}\n{FEATURES_BEGIN}\n{FEATURES_END}\n");
        assert_eq!(
            with_features(&twice, "").unwrap_err(),
            format!("the line `{FEATURES_BEGIN}` appears 2 times")
        );
        let swapped = format!("{FEATURES_END}\n{FEATURES_BEGIN}\n");
        assert_eq!(
            with_features(&swapped, "").unwrap_err(),
            format!("`{FEATURES_END}` comes before `{FEATURES_BEGIN}`")
        );
    }
}
