//! What older 3CX versions send: the `older_shapes` corrections.
//!
//! A property can change its type between versions (a password became an object, an integer
//! became a string). The conformance sweep's version-skew run finds them; an entry in the
//! corrections makes the model read the older shape too, so the same client works with an
//! older PBX. What the client sends stays the shape of the spec it was generated from.

use super::{Field, TypeDef, TypeKind, TypeRef};
use crate::corrections::{OlderShape, OlderValue};
use crate::naming::pointer_token;

/// The property an older bare string is read into.
const BARE_STRING_PROPERTY: &str = "Value";

/// Marks the fields the corrections name. An entry that does not apply (no such property, or
/// a type it does not fit, as in the older spec itself) is a warning: every spec is generated
/// with the same corrections.
pub(super) fn apply(types: &mut [TypeDef], shapes: &[OlderShape], warnings: &mut Vec<String>) {
    for (index, shape) in shapes.iter().enumerate() {
        let place = format!(
            "corrections older_shapes[{index}] ({}.{})",
            shape.schema, shape.property
        );
        let origin = format!("#/components/schemas/{}", pointer_token(&shape.schema));
        let Some(ty) = read_field(types, &origin, &shape.property).map(|field| field.ty.clone())
        else {
            warnings.push(format!("{place}: no such property in this spec"));
            continue;
        };

        let is_object = |name: &str| {
            types
                .iter()
                .any(|def| def.name == name && matches!(def.kind, TypeKind::Struct(_)))
        };
        let needs = match (shape.sends, &ty) {
            (OlderValue::Integer, TypeRef::String) | (OlderValue::Int64, TypeRef::I32) => None,
            (OlderValue::String, TypeRef::Named(target)) if is_object(target) => None,
            (OlderValue::Integer, _) => Some("a string property"),
            (OlderValue::Int64, _) => Some("an int32 property"),
            (OlderValue::String, _) => Some("an object property"),
        };
        if let Some(needs) = needs {
            warnings.push(format!(
                "{place}: `sends: {}` needs {needs}",
                shape.sends.as_str()
            ));
            continue;
        }
        if shape.sends == OlderValue::String {
            let TypeRef::Named(target) = ty else {
                unreachable!("checked above");
            };
            let Some((object, name)) = bare_string_field(types, &target) else {
                warnings.push(format!(
                    "{place}: `sends: string` needs `{target}` to have only optional fields, \
                     one of them a string `{BARE_STRING_PROPERTY}`"
                ));
                continue;
            };
            object.bare_string = Some(name);
        }

        let field = read_field(types, &origin, &shape.property).expect("found above");
        if shape.sends == OlderValue::Int64 {
            field.ty = TypeRef::I64;
        }
        field.older = Some(shape.sends);
        field.doc.push(older_note(shape));
    }
}

/// The field `property` of the struct read from the schema at `origin` (not its update type).
fn read_field<'t>(types: &'t mut [TypeDef], origin: &str, property: &str) -> Option<&'t mut Field> {
    types.iter_mut().find_map(|def| match &mut def.kind {
        TypeKind::Struct(object) if def.origin == origin && !object.patch => object
            .fields
            .iter_mut()
            .find(|field| field.wire == property),
        _ => None,
    })
}

/// The struct named `target`, if every field may be left out, and the Rust name of its string
/// `Value` field.
fn bare_string_field<'t>(
    types: &'t mut [TypeDef],
    target: &str,
) -> Option<(&'t mut super::StructDef, String)> {
    types.iter_mut().find_map(|def| match &mut def.kind {
        TypeKind::Struct(object) if def.name == target && object.all_optional => {
            let name = object
                .fields
                .iter()
                .find(|field| field.wire == BARE_STRING_PROPERTY && field.ty == TypeRef::String)?
                .name
                .clone();
            Some((object, name))
        }
        _ => None,
    })
}

/// The documentation line that says what older versions send.
fn older_note(shape: &OlderShape) -> String {
    let what = match shape.sends {
        OlderValue::Integer => "an integer, read as its decimal text",
        OlderValue::Int64 => "a 64-bit integer, hence i64",
        OlderValue::String => "a bare string, read into its Value",
    };
    format!("From 3CX {} this arrives as {what}.", shape.versions)
}
