//! Emitting model types: one module per type, and the index that re-exports them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::{emit_doc, emit_spec_doc, emit_type_ref};
use crate::model::{EnumDef, Field, StructDef, TypeDef, TypeKind};

/// `models/mod.rs`: declares each type's module and re-exports the type.
pub fn emit_models_index(types: &[TypeDef]) -> TokenStream {
    let items = types.iter().map(|def| {
        let module = format_ident!("{}", def.module);
        let name = format_ident!("{}", def.name);
        quote! {
            mod #module;
            pub use self::#module::#name;
        }
    });
    quote! {
        //! Every schema of the XAPI as a Rust type.
        #(#items)*
    }
}

/// One type's module.
pub fn emit_type(def: &TypeDef) -> TokenStream {
    let item = match &def.kind {
        TypeKind::Struct(object) => emit_struct(def, object),
        TypeKind::Enum(enumeration) => emit_enum(def, enumeration),
        TypeKind::Alias(target) => {
            let name = format_ident!("{}", def.name);
            let target = emit_type_ref(target);
            let doc = type_doc(def);
            quote! {
                #doc
                pub type #name = #target;
            }
        }
    };
    let module_doc = format!(" The `{}` model.", def.name);
    quote! {
        #![doc = #module_doc]
        #item
    }
}

/// The type's own documentation, then where the spec declares it.
fn type_doc(def: &TypeDef) -> TokenStream {
    let spec_doc = emit_spec_doc(&def.doc);
    let mut lines = Vec::new();
    if !def.doc.is_empty() {
        lines.push(String::new());
    }
    let is_update = matches!(&def.kind, TypeKind::Struct(object) if object.patch);
    lines.push(if is_update {
        format!("Update body for schema `{}`.", def.origin)
    } else {
        format!("Schema `{}`.", def.origin)
    });
    let origin = emit_doc(&lines);
    quote!(#spec_doc #origin)
}

fn emit_struct(def: &TypeDef, object: &StructDef) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let doc = type_doc(def);
    let default = object.all_optional.then(|| quote!(Default,));
    // Update bodies are only ever sent.
    let deserialize = (!object.patch).then(|| quote!(::serde::Deserialize));
    let fields = object.fields.iter().map(|field| {
        if object.patch {
            emit_patch_field(field)
        } else {
            emit_field(field)
        }
    });
    let additional = object.additional.as_ref().map(|field| {
        let field = format_ident!("{}", field);
        quote! {
            /// Properties the spec does not name, as sent.
            #[serde(flatten)]
            pub #field: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        }
    });
    // A struct with secrets spells out `Debug` so that their values never show.
    let has_secrets = object.fields.iter().any(|field| field.secret);
    let derived_debug = (!has_secrets).then(|| quote!(Debug,));
    let redacting_debug = has_secrets.then(|| emit_redacting_debug(def, object));

    quote! {
        #doc
        #[derive(#derived_debug Clone, PartialEq, #default ::serde::Serialize, #deserialize)]
        pub struct #name {
            #(#fields)*
            #additional
        }

        #redacting_debug
    }
}

/// `Debug` that prints every field but shows secrets as `<redacted>`.
fn emit_redacting_debug(def: &TypeDef, object: &StructDef) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let label = &def.name;
    let fields = object.fields.iter().map(|field| {
        let ident = format_ident!("{}", field.name);
        let label = &field.name;
        if field.secret {
            quote!(.field(#label, &crate::auth::Redacted))
        } else {
            quote!(.field(#label, &self.#ident))
        }
    });
    let additional = object.additional.as_ref().map(|field| {
        let ident = format_ident!("{}", field);
        quote!(.field(#field, &self.#ident))
    });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label) #(#fields)* #additional .finish()
            }
        }
    }
}

fn emit_field(field: &Field) -> TokenStream {
    let name = format_ident!("{}", field.name);
    let doc = emit_spec_doc(&field.doc);

    let mut ty = emit_type_ref(&field.ty);
    if field.boxed {
        ty = quote!(::std::boxed::Box<#ty>);
    }

    let rename = serde_rename(field);
    if field.optional && field.required {
        // The spec wants the property present, so `None` is sent as `null`.
        let attribute = rename.map(|rename| quote!(#[serde(#rename)]));
        quote! {
            #doc
            #attribute
            pub #name: ::std::option::Option<#ty>,
        }
    } else if field.optional {
        // An absent value is left out rather than sent as `null`, which would clear it.
        quote! {
            #doc
            #[serde(#rename default, skip_serializing_if = "::std::option::Option::is_none")]
            pub #name: ::std::option::Option<#ty>,
        }
    } else {
        let attribute = rename.map(|rename| quote!(#[serde(#rename)]));
        quote! {
            #doc
            #attribute
            pub #name: #ty,
        }
    }
}

/// `rename = "<wire>",` for a field whose Rust name differs from its wire name.
fn serde_rename(field: &Field) -> Option<TokenStream> {
    (field.name != field.wire).then(|| {
        let wire = &field.wire;
        quote!(rename = #wire,)
    })
}

/// A field of an update body: sent only when the caller changed it.
fn emit_patch_field(field: &Field) -> TokenStream {
    let name = format_ident!("{}", field.name);
    let doc = emit_spec_doc(&field.doc);
    let ty = emit_type_ref(&field.ty);
    let rename = serde_rename(field);
    quote! {
        #doc
        #[serde(#rename skip_serializing_if = "crate::Patch::is_unchanged")]
        pub #name: crate::Patch<#ty>,
    }
}

fn emit_enum(def: &TypeDef, enumeration: &EnumDef) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let doc = type_doc(def);
    // Fields of a flags enum are `Flags` sets, which read and write `"A, B"` themselves.
    let flags_note = enumeration.flags.then(|| {
        emit_doc(&[
            String::new(),
            "A flags enum: fields hold several members at once as a [`Flags`](crate::Flags) set."
                .to_string(),
        ])
    });
    let variants = enumeration.variants.iter().map(|variant| {
        let ident = format_ident!("{}", variant.name);
        let wire = &variant.wire;
        let line = format!(" `{wire}`");
        let rename = (variant.name != variant.wire).then(|| quote!(#[serde(rename = #wire)]));
        quote! {
            #[doc = #line]
            #rename
            #ident,
        }
    });
    let unknown = format_ident!("{}", enumeration.unknown_variant);
    quote! {
        #doc
        #flags_note
        #[derive(Debug, Clone, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the client does not know, kept as sent.
            #[serde(untagged)]
            #unknown(::std::string::String),
        }
    }
}
