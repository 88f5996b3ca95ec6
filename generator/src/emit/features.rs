//! Emitting the client's Cargo features: one per tag, and one that turns them all on.

use std::fmt::Write;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{ALL_FEATURES, Tag};

/// The `[features]` entries of the client's manifest, as TOML lines.
pub fn emit_cargo_features(tags: &[Tag]) -> String {
    let mut toml = format!("default = [\"{ALL_FEATURES}\"]\n");
    toml.push_str("# Every API area, and the models no operation uses.\n");
    let _ = writeln!(toml, "{ALL_FEATURES} = [");
    for tag in tags {
        let _ = writeln!(toml, "    \"{}\",", tag.module);
    }
    toml.push_str("]\n");
    toml.push_str("# One feature per API area (a tag of the spec), named like its accessor.\n");
    for tag in tags {
        let _ = writeln!(toml, "{} = []", tag.module);
    }
    toml
}

/// The `#[cfg]` that compiles an item when any of `features` is on, or with every area when
/// the list is empty.
pub fn emit_feature_cfg(features: &[String]) -> TokenStream {
    match features {
        [] => quote!(#[cfg(feature = #ALL_FEATURES)]),
        [feature] => quote!(#[cfg(feature = #feature)]),
        features => quote!(#[cfg(any(#(feature = #features),*))]),
    }
}
