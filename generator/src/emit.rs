//! Stage 3, emit: the model spelled out as Rust tokens. No decisions are made here; every
//! name, type and option comes from the model.

mod api;
mod features;
mod models;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{ApiModel, Float, TypeRef};

pub use api::{emit_api_index, emit_tag};
pub use features::{emit_cargo_features, emit_feature_cfg};
pub use models::{emit_models_index, emit_type};

/// One emitted file: its path under `src/` and its tokens.
pub struct EmittedFile {
    /// Path relative to the crate's `src/`, with `/` separators.
    pub path: String,
    /// The file's items.
    pub tokens: TokenStream,
}

/// Every generated file of the client.
pub fn emit_client(model: &ApiModel) -> Vec<EmittedFile> {
    let mut files = vec![
        EmittedFile {
            path: "models/mod.rs".into(),
            tokens: emit_models_index(&model.types),
        },
        EmittedFile {
            path: "api/mod.rs".into(),
            tokens: emit_api_index(&model.tags),
        },
    ];
    files.extend(model.types.iter().map(|def| EmittedFile {
        path: format!("models/{}.rs", def.module),
        tokens: emit_type(def),
    }));
    files.extend(model.tags.iter().map(|tag| EmittedFile {
        path: format!("api/{}.rs", tag.module),
        tokens: emit_tag(tag),
    }));
    files
}

/// A type as written where it is used. Standard and runtime types are spelled with full
/// paths so that a model named `Option` or `Result` cannot shadow them.
pub fn emit_type_ref(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::U8 => quote!(u8),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::String => quote!(::std::string::String),
        TypeRef::DateTime => quote!(::chrono::DateTime<::chrono::FixedOffset>),
        TypeRef::Date => quote!(::chrono::NaiveDate),
        TypeRef::Time => quote!(::chrono::NaiveTime),
        TypeRef::Duration => quote!(crate::Duration),
        TypeRef::Uuid => quote!(::uuid::Uuid),
        TypeRef::Number(Float::F32) => quote!(crate::Number<f32>),
        TypeRef::Number(Float::F64) => quote!(crate::Number<f64>),
        TypeRef::Named(name) => {
            let name = format_ident!("{}", name);
            quote!(crate::models::#name)
        }
        TypeRef::Flags(name) => {
            let name = format_ident!("{}", name);
            quote!(crate::Flags<crate::models::#name>)
        }
        TypeRef::Vec(item) => {
            let item = emit_type_ref(item);
            quote!(::std::vec::Vec<#item>)
        }
        TypeRef::Json => quote!(::serde_json::Value),
        TypeRef::JsonObject => {
            quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>)
        }
    }
}

/// A type as written in documentation, linked when it is a model.
pub fn doc_type_ref(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => format!("[`{name}`](crate::models::{name})"),
        TypeRef::Flags(name) => format!("a set of [`{name}`](crate::models::{name})"),
        TypeRef::Vec(item) => format!("a list of {}", doc_type_ref(item)),
        other => {
            // Full paths keep generated code unambiguous; docs read better without them.
            let spelled = emit_type_ref(other).to_string().replace(' ', "");
            let short = [
                "::std::string::",
                "::std::vec::",
                "::chrono::",
                "::uuid::",
                "crate::",
            ]
            .iter()
            .fold(spelled, |text, prefix| text.replace(prefix, ""));
            format!("`{short}`")
        }
    }
}

/// Documentation attributes for prose taken from the spec, one `#[doc]` per line.
pub fn emit_spec_doc(lines: &[String]) -> TokenStream {
    let lines: Vec<String> = lines.iter().map(|line| escape_markdown(line)).collect();
    emit_doc(&lines)
}

/// Documentation attributes for lines the generator wrote itself (Markdown intended), one
/// `#[doc]` per line, each starting with a space.
pub fn emit_doc(lines: &[String]) -> TokenStream {
    let attributes = lines.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#attributes)*)
}

/// Keeps spec prose from being read as Markdown links, emphasis or HTML by rustdoc.
fn escape_markdown(line: &str) -> String {
    // A bare URL becomes an autolink (rustdoc warns about bare URLs); the rest is escaped.
    line.split(' ')
        .map(|word| {
            match word
                .strip_prefix("https://")
                .or(word.strip_prefix("http://"))
            {
                Some(_) => {
                    let url = word.trim_end_matches(['.', ',', ';', ':', ')']);
                    format!("<{url}>{}", &word[url.len()..])
                }
                None => escape_markdown_word(word),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Escapes the characters Markdown would read as markup in one word of spec prose.
fn escape_markdown_word(line: &str) -> String {
    let mut escaped = String::with_capacity(line.len());
    for c in line.chars() {
        if matches!(c, '[' | ']' | '<' | '>' | '*' | '_' | '#' | '`') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_prose_is_escaped_and_urls_become_links() {
        let cases = [
            (
                "Use [brackets] and <b>tags</b>",
                "Use \\[brackets\\] and \\<b\\>tags\\</b\\>",
            ),
            (
                "See https://example.com/docs.",
                "See <https://example.com/docs>.",
            ),
            ("snake_case *stars*", "snake\\_case \\*stars\\*"),
        ];
        for (prose, doc) in cases {
            assert_eq!(escape_markdown(prose), doc, "{prose}");
        }
    }
}
