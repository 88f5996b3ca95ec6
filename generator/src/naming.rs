//! Naming: how spec names (`Pbx.User`, `@odata.count`, `type`) become Rust names.
//!
//! Every helper is a pure function of the spec name, so the same spec always gives the same
//! names. Clashes are never merged: [`NameRegistry`] remembers who took a name first and
//! reports the second claimant.

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be identifiers. Raw identifiers are avoided because `self`, `Self`,
/// `crate` and `super` cannot be raw, and one rule for all keywords reads better.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// A type or variant name (`UpperCamelCase`) for a spec name such as `Pbx.User`.
///
/// Each dot-separated segment is converted on its own, so `Pbx.ODataErrors.MainError` keeps
/// its segment boundaries: `PbxODataErrorsMainError`.
pub fn type_name(spec_name: &str) -> String {
    let joined: String = words(spec_name)
        .iter()
        .map(|word| word.to_upper_camel_case())
        .collect();
    finish(joined, "N")
}

/// A field, function, argument or module name (`snake_case`) for a spec name such as
/// `@odata.count` (`odata_count`) or `AuthID` (`auth_id`).
pub fn value_name(spec_name: &str) -> String {
    let joined = words(spec_name)
        .iter()
        .map(|word| word.to_snake_case())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    finish(joined, "n_")
}

/// Splits a spec name at every character that cannot appear in an identifier.
fn words(spec_name: &str) -> Vec<&str> {
    spec_name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect()
}

/// Makes a converted name a valid identifier: a fixed prefix when it is empty or starts with
/// a digit, and a trailing `_` for keywords.
fn finish(name: String, digit_prefix: &str) -> String {
    let name = match name.chars().next() {
        None => format!("{digit_prefix}empty"),
        Some(first) if first.is_ascii_digit() => format!("{digit_prefix}{name}"),
        Some(_) => name,
    };
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// Records which spec item owns each Rust name in one namespace (the models, the fields of
/// one struct, the methods of one tag).
#[derive(Debug, Default)]
pub struct NameRegistry {
    owners: BTreeMap<String, String>,
}

/// Two spec items that would get the same Rust name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    /// The contested Rust name.
    pub rust: String,
    /// Where the first owner was declared.
    pub first: String,
    /// Where the second claimant was declared.
    pub second: String,
}

impl NameRegistry {
    /// A registry whose names are already taken by the runtime, owned by `owner`.
    pub fn with_reserved(names: &[&str], owner: &str) -> Self {
        let owners = names
            .iter()
            .map(|name| (name.to_string(), owner.to_string()))
            .collect();
        NameRegistry { owners }
    }

    /// Claims `rust` for the item declared at `place`, or reports who owns it already.
    pub fn claim(&mut self, rust: &str, place: &str) -> Result<(), Collision> {
        match self.owners.get(rust) {
            Some(first) => Err(Collision {
                rust: rust.to_string(),
                first: first.clone(),
                second: place.to_string(),
            }),
            None => {
                self.owners.insert(rust.to_string(), place.to_string());
                Ok(())
            }
        }
    }

    /// The first of `base`, `base_`, `base__`, ... that is still free, claimed for `place`.
    ///
    /// Only for names the generator invents itself (a method's `body` argument), never for
    /// names that come from the spec.
    pub fn claim_free(&mut self, base: &str, place: &str) -> String {
        let mut candidate = base.to_string();
        while self.owners.contains_key(&candidate) {
            candidate.push('_');
        }
        self.owners.insert(candidate.clone(), place.to_string());
        candidate
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        let cases = [
            ("Pbx.User", "PbxUser"),
            ("Pbx.DN", "PbxDn"),
            ("Pbx.ODataErrors.MainError", "PbxODataErrorsMainError"),
            (
                "Pbx.KeyValuePair_2OfString_OnBoardConnectedParticipant",
                "PbxKeyValuePair2ofStringOnBoardConnectedParticipant",
            ),
            (
                "AISettingsCreateVectorStoreRequestBody",
                "AiSettingsCreateVectorStoreRequestBody",
            ),
            ("WARNINGS.XAPI.ALREADY_IN_USE", "WarningsXapiAlreadyInUse"),
            ("-INF", "Inf"),
            ("3DES", "N3des"),
            ("Self", "Self_"),
            ("", "Nempty"),
        ];
        for (spec, rust) in cases {
            assert_eq!(type_name(spec), rust, "type name of {spec:?}");
        }
    }

    #[test]
    fn value_names() {
        let cases = [
            ("@odata.count", "odata_count"),
            ("@odata.nextLink", "odata_next_link"),
            ("AuthID", "auth_id"),
            ("IVRType", "ivr_type"),
            ("type", "type_"),
            ("self", "self_"),
            ("Pbx.GetCallLogData", "pbx_get_call_log_data"),
            ("ListUser", "list_user"),
            ("call_id", "call_id"),
            ("2faEnabled", "n_2fa_enabled"),
            ("$select", "select"),
        ];
        for (spec, rust) in cases {
            assert_eq!(value_name(spec), rust, "value name of {spec:?}");
        }
    }

    #[test]
    fn collisions_name_both_places() {
        let mut registry = NameRegistry::default();
        registry
            .claim(&type_name("Pbx.User"), "#/components/schemas/Pbx.User")
            .unwrap();
        let collision = registry
            .claim(&type_name("PbxUser"), "#/components/schemas/PbxUser")
            .unwrap_err();
        assert_eq!(
            collision,
            Collision {
                rust: "PbxUser".into(),
                first: "#/components/schemas/Pbx.User".into(),
                second: "#/components/schemas/PbxUser".into(),
            }
        );
    }

    #[test]
    fn invented_names_step_aside() {
        let mut registry = NameRegistry::default();
        registry.claim("body", "parameter body").unwrap();
        assert_eq!(registry.claim_free("body", "request body"), "body_");
        assert_eq!(registry.claim_free("query", "query options"), "query");
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(pointer_token("/Users({Id})"), "~1Users({Id})");
        assert_eq!(pointer_token("a~b"), "a~0b");
    }
}
