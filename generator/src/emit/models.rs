//! Emitting model types: one module per type, and the index that re-exports them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::corrections::OlderValue;
use crate::emit::{emit_doc, emit_feature_cfg, emit_spec_doc, emit_type_ref};
use crate::model::{EnumDef, Field, StructDef, TypeDef, TypeKind};

/// `models/mod.rs`: declares each type's module and re-exports the type.
pub fn emit_models_index(types: &[TypeDef]) -> TokenStream {
    let items = types.iter().map(|def| {
        let module = format_ident!("{}", def.module);
        let name = format_ident!("{}", def.name);
        let cfg = emit_feature_cfg(&def.used_by);
        quote! {
            #cfg
            mod #module;
            #cfg
            pub use self::#module::#name;
        }
    });
    quote! {
        //! Every schema of the XAPI as a Rust type. Each is compiled with the features of the
        //! API areas whose operations use it.
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

    // NB: a struct with required properties has no default to read into, so it keeps serde's
    // derive (three OData error types in the XAPI); the rest read through `crate::json`.
    let derived = !object.all_optional;
    let derived_deserialize = derived.then(|| quote!(::serde::Deserialize));
    let fields = object
        .fields
        .iter()
        .map(|field| emit_field(field, object, derived));
    let additional = object.additional.as_ref().map(|field| {
        let field = format_ident!("{}", field);
        let flatten = derived.then(|| quote!(#[serde(flatten)]));
        quote! {
            /// Properties the spec does not name, as sent.
            #flatten
            pub #field: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        }
    });

    // A struct with secrets spells out `Debug` so that their values never show.
    let has_secrets = object.fields.iter().any(|field| field.secret);
    let derived_debug = (!has_secrets).then(|| quote!(Debug,));
    let redacting_debug = has_secrets.then(|| emit_redacting_debug(def, object));

    let serialize = emit_struct_serialize(def, object);
    // Update bodies are only ever sent.
    let deserialize = (!derived && !object.patch).then(|| emit_struct_deserialize(def, object));

    quote! {
        #doc
        #[derive(#derived_debug Clone, PartialEq, #default #derived_deserialize)]
        pub struct #name {
            #(#fields)*
            #additional
        }

        #redacting_debug
        #serialize
        #deserialize
    }
}

/// `Serialize`: one line per field, left out or written as the field's kind says.
fn emit_struct_serialize(def: &TypeDef, object: &StructDef) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let writes = object.fields.iter().map(|field| {
        let ident = format_ident!("{}", field.name);
        let wire = &field.wire;
        let write = if object.patch {
            quote!(patch)
        } else if field.optional && !field.required {
            // An absent value is left out rather than sent as `null`, which would clear it.
            quote!(optional)
        } else {
            // A required property is sent even when it is `None`, as `null`.
            quote!(always)
        };
        quote!(object.#write(#wire, &self.#ident)?;)
    });
    let additional = object.additional.as_ref().map(|field| {
        let ident = format_ident!("{}", field);
        quote!(object.additional(&self.#ident)?;)
    });
    let writes_any = !object.fields.is_empty() || object.additional.is_some();
    let mutable = writes_any.then(|| quote!(mut));
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                let #mutable object = crate::json::ObjectWriter::start(serializer)?;
                #(#writes)*
                #additional
                object.end()
            }
        }
    }
}

/// `Deserialize` through `crate::json::read_object`: one `match` arm per property.
fn emit_struct_deserialize(def: &TypeDef, object: &StructDef) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let label = &def.name;
    let arms = object.fields.iter().map(|field| {
        let ident = format_ident!("{}", field.name);
        let wire = &field.wire;
        // Every field here is optional; what an older 3CX sends goes through a helper.
        let read = match field.older {
            Some(OlderValue::Integer) => quote!(crate::json::read_text_or_integer(map)?),
            Some(OlderValue::String) => quote!(crate::json::read_object_or_string(map)?),
            Some(OlderValue::Int64) | None => quote!(map.next_value()?),
        };
        let read = if field.boxed && field.older == Some(OlderValue::String) {
            quote!(#read.map(::std::boxed::Box::new))
        } else {
            read
        };
        quote!(#wire => self.#ident = #read,)
    });
    let unknown = match &object.additional {
        Some(field) => {
            let ident = format_ident!("{}", field);
            quote!(self.#ident.insert(key.to_owned(), map.next_value()?);)
        }
        None => quote!(crate::json::skip_value(map)?;),
    };
    // A match with nothing but the fallback would be a lint, and an unused key a warning.
    let key = if object.fields.is_empty() && object.additional.is_none() {
        format_ident!("_key")
    } else {
        format_ident!("key")
    };
    let read = if object.fields.is_empty() {
        unknown
    } else {
        quote! {
            match key {
                #(#arms)*
                _ => { #unknown }
            }
        }
    };
    // An older 3CX sends this object as a bare string in some places.
    let bare_string = object.bare_string.as_ref().map(|field| {
        let field = format_ident!("{}", field);
        quote! {
            impl crate::json::FromBareString for #name {
                fn from_bare_string(value: ::std::string::String) -> Self {
                    #name {
                        #field: ::std::option::Option::Some(value),
                        ..::std::default::Default::default()
                    }
                }
            }
        }
    });
    quote! {
        #bare_string

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                crate::json::read_object(deserializer)
            }
        }

        impl crate::json::ReadObject for #name {
            const NAME: &'static str = #label;

            fn read_property<'de, A: ::serde::de::MapAccess<'de>>(
                &mut self,
                #key: &str,
                map: &mut A,
            ) -> ::std::result::Result<(), A::Error> {
                #read
                ::std::result::Result::Ok(())
            }
        }
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

fn emit_field(field: &Field, object: &StructDef, derived: bool) -> TokenStream {
    let name = format_ident!("{}", field.name);
    let doc = emit_spec_doc(&field.doc);

    let mut ty = emit_type_ref(&field.ty);
    if field.boxed {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    if object.patch {
        ty = quote!(crate::Patch<#ty>);
    } else if field.optional {
        ty = quote!(::std::option::Option<#ty>);
    }

    // Only a derived `Deserialize` needs the wire name beside the field.
    let rename = (derived && field.name != field.wire).then(|| {
        let wire = &field.wire;
        quote!(#[serde(rename = #wire)])
    });
    quote! {
        #doc
        #rename
        pub #name: #ty,
    }
}

fn emit_enum(def: &TypeDef, enumeration: &EnumDef) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let label = &def.name;
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
        let line = format!(" `{}`", variant.wire);
        quote! {
            #[doc = #line]
            #ident,
        }
    });
    let unknown = format_ident!("{}", enumeration.unknown_variant);
    let to_wire = enumeration.variants.iter().map(|variant| {
        let ident = format_ident!("{}", variant.name);
        let wire = &variant.wire;
        quote!(#name::#ident => #wire,)
    });
    let from_wire = enumeration.variants.iter().map(|variant| {
        let ident = format_ident!("{}", variant.name);
        let wire = &variant.wire;
        quote!(#wire => #name::#ident,)
    });

    quote! {
        #doc
        #flags_note
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the client does not know, kept as sent.
            #unknown(::std::string::String),
        }

        impl #name {
            /// The member as the PBX writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    #name::#unknown(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            /// Reads a member as the PBX writes it; an unknown one is kept as it is.
            fn from(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    other => #name::#unknown(other.to_owned()),
                }
            }
        }

        impl crate::json::NamedMember for #name {
            const NAME: &'static str = #label;
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                crate::json::read_member(deserializer)
            }
        }
    }
}
