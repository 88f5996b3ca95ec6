//! The generator adds one accessor method per tag to `Client`, so it must know every method
//! name the hand-written runtime already defines on `Client`. This test reads the runtime's
//! `impl Client` blocks and checks that the generator reserves each name.

use std::collections::BTreeSet;
use std::path::Path;

use xapi_generator::model::CLIENT_METHODS;
use xapi_workspace_tests::workspace_root;

/// Every `fn` name inside the `impl Client { ... }` blocks of one source file.
fn client_methods(source: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (start, _) in source.match_indices("\nimpl Client {") {
        let block_start = start + "\nimpl Client ".len();
        let mut depth = 0usize;
        let mut end = block_start;
        for (offset, c) in source[block_start..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                end = block_start + offset;
                break;
            }
        }
        for piece in source[block_start..end].split("fn ").skip(1) {
            let name: String = piece
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            names.insert(name);
        }
    }
    names
}

/// Rust sources of the runtime: everything under `src/` but the generated `api` and `models`.
fn runtime_sources(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("runtime sources are readable") {
        let path = entry.expect("directory entry").path();
        let generated = path.ends_with("api") || path.ends_with("models");
        if path.is_dir() && !generated {
            runtime_sources(&path, out);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            out.push(std::fs::read_to_string(&path).expect("source is UTF-8"));
        }
    }
}

#[test]
fn the_generator_reserves_every_client_method() {
    let mut sources = Vec::new();
    runtime_sources(&workspace_root().join("generated-client/src"), &mut sources);

    let defined: BTreeSet<String> = sources
        .iter()
        .flat_map(|source| client_methods(source))
        .collect();
    let missing: Vec<&String> = defined
        .iter()
        .filter(|name| !CLIENT_METHODS.contains(&name.as_str()))
        .collect();

    assert!(
        defined.contains("send_json"),
        "the scan finds the runtime's methods: {defined:?}"
    );
    assert!(
        missing.is_empty(),
        "add to CLIENT_METHODS in the generator: {missing:?}"
    );
}
