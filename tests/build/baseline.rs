//! Writes `$OUT_DIR/baseline.rs` for `benches/runtime.rs`: for the call-log report row and the
//! user the decoding benchmark reads, a struct with the same fields as the generated model that
//! derives serde's traits (what a person writes by hand), and a JSON object of each with every
//! field set, built from the model.
//!
//! Enums and flags are the generated ones on both sides: the benchmark compares how objects
//! are read, and a member is a single string either way.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value, json};
use xapi_generator::model::{ApiModel, Float, TypeDef, TypeKind, TypeRef};

/// The models the benchmark decodes, with the name of their JSON sample constant.
const ROOTS: &[(&str, &str)] = &[
    ("PbxCallLogData", "CALL_LOG_ROW_JSON"),
    ("PbxUser", "USER_JSON"),
];

/// How deep a sample nests objects; below it lists are empty and objects left out.
const SAMPLE_DEPTH: usize = 2;

pub fn emit_baseline(model: &ApiModel) -> TokenStream {
    let types: BTreeMap<&str, &TypeDef> = model
        .types
        .iter()
        .map(|def| (def.name.as_str(), def))
        .collect();

    let mut structs = BTreeSet::new();
    for (root, _) in ROOTS {
        collect_structs(root, &types, &mut structs);
    }
    let definitions = structs.iter().map(|name| emit_struct(types[name], &types));
    let samples = ROOTS.iter().map(|(root, constant)| {
        let constant = format_ident!("{constant}");
        let json = sample(&TypeRef::Named(root.to_string()), &types, 0).to_string();
        let doc = format!(" A `{root}` with every field set, as the PBX would send it.");
        quote! {
            #[doc = #doc]
            pub const #constant: &str = #json;
        }
    });

    quote! {
        #(#definitions)*
        #(#samples)*
    }
}

/// `name` and every struct its fields reach.
fn collect_structs<'a>(
    name: &str,
    types: &BTreeMap<&'a str, &'a TypeDef>,
    found: &mut BTreeSet<&'a str>,
) {
    let Some((&key, def)) = types.get_key_value(name) else {
        return;
    };
    match &def.kind {
        TypeKind::Struct(object) => {
            if found.insert(key) {
                for field in &object.fields {
                    if let Some(named) = named(&field.ty) {
                        collect_structs(named, types, found);
                    }
                }
            }
        }
        TypeKind::Alias(target) => {
            if let Some(named) = named(target) {
                collect_structs(named, types, found);
            }
        }
        TypeKind::Enum(_) => {}
    }
}

fn named(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        TypeRef::Vec(item) => named(item),
        _ => None,
    }
}

/// A struct as a person would write it with serde's derive.
fn emit_struct(def: &TypeDef, types: &BTreeMap<&str, &TypeDef>) -> TokenStream {
    let TypeKind::Struct(object) = &def.kind else {
        unreachable!("only structs are collected");
    };
    let name = format_ident!("Hand{}", def.name);
    let fields = object.fields.iter().map(|field| {
        let ident = format_ident!("{}", field.name);
        let wire = &field.wire;
        let mut ty = baseline_type(&field.ty, types);
        if field.boxed {
            ty = quote!(Box<#ty>);
        }
        quote! {
            #[serde(rename = #wire, default, skip_serializing_if = "Option::is_none")]
            pub #ident: Option<#ty>,
        }
    });
    let additional = object.additional.as_ref().map(|field| {
        let ident = format_ident!("{field}");
        quote! {
            #[serde(flatten)]
            pub #ident: serde_json::Map<String, serde_json::Value>,
        }
    });
    quote! {
        #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #(#fields)*
            #additional
        }
    }
}

/// The type of a baseline field: baseline structs for structs, the client's types otherwise.
fn baseline_type(ty: &TypeRef, types: &BTreeMap<&str, &TypeDef>) -> TokenStream {
    match ty {
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::U8 => quote!(u8),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::String => quote!(String),
        TypeRef::DateTime => quote!(chrono::DateTime<chrono::FixedOffset>),
        TypeRef::Date => quote!(chrono::NaiveDate),
        TypeRef::Time => quote!(chrono::NaiveTime),
        TypeRef::Duration => quote!(xapi_client::Duration),
        TypeRef::Uuid => quote!(uuid::Uuid),
        TypeRef::Number(Float::F32) => quote!(xapi_client::Number<f32>),
        TypeRef::Number(Float::F64) => quote!(xapi_client::Number<f64>),
        TypeRef::Named(name) => match types.get(name.as_str()).map(|def| &def.kind) {
            Some(TypeKind::Struct(_)) => {
                let name = format_ident!("Hand{name}");
                quote!(#name)
            }
            Some(TypeKind::Alias(target)) => baseline_type(target, types),
            _ => {
                let name = format_ident!("{name}");
                quote!(xapi_client::models::#name)
            }
        },
        TypeRef::Flags(name) => {
            let name = format_ident!("{name}");
            quote!(xapi_client::Flags<xapi_client::models::#name>)
        }
        TypeRef::Vec(item) => {
            let item = baseline_type(item, types);
            quote!(Vec<#item>)
        }
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
    }
}

/// A JSON value of type `ty` with every field set, `depth` objects below the root.
fn sample(ty: &TypeRef, types: &BTreeMap<&str, &TypeDef>, depth: usize) -> Value {
    match ty {
        TypeRef::Bool => json!(true),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U8 => json!(42),
        TypeRef::F32 | TypeRef::F64 | TypeRef::Number(_) => json!(1.5),
        TypeRef::String => json!("Some text of a usual length"),
        TypeRef::DateTime => json!("2026-12-04T05:46:00+01:00"),
        TypeRef::Date => json!("2026-12-04"),
        TypeRef::Time => json!("05:46:00"),
        TypeRef::Duration => json!("PT1H2M3S"),
        TypeRef::Uuid => json!("6f1c2a9e-4b7d-4f3a-9c1e-2d5b8a7f0e41"),
        TypeRef::Json | TypeRef::JsonObject => json!({ "Key": "value" }),
        TypeRef::Vec(item) if depth < SAMPLE_DEPTH => {
            Value::Array(vec![sample(item, types, depth + 1)])
        }
        TypeRef::Vec(_) => Value::Array(Vec::new()),
        TypeRef::Named(name) | TypeRef::Flags(name) => match &types[name.as_str()].kind {
            TypeKind::Enum(members) => json!(members.variants[0].wire),
            TypeKind::Alias(target) => sample(target, types, depth),
            TypeKind::Struct(object) => {
                let mut properties = Map::new();
                for field in &object.fields {
                    let nested = matches!(
                        named(&field.ty).map(|name| &types[name].kind),
                        Some(TypeKind::Struct(_))
                    );
                    if nested && depth >= SAMPLE_DEPTH {
                        continue;
                    }
                    properties.insert(field.wire.clone(), sample(&field.ty, types, depth + 1));
                }
                Value::Object(properties)
            }
        },
    }
}
