//! Which API areas need which types. Each tag is a Cargo feature of the client, and a type is
//! compiled when a feature whose operations reach it is on, so an application that calls two
//! areas builds their types and nothing else.

use std::collections::HashMap;

use super::{Operation, Response, Tag, TypeDef, TypeKind, TypeRef};

/// The feature that turns on every API area, and the types no operation uses. The default.
pub const ALL_FEATURES: &str = "full";

/// Feature names Cargo or the client already use, which a tag's module cannot take.
pub const TAKEN_FEATURES: &[&str] = &["default", ALL_FEATURES];

/// Sets each type's `used_by` to the tags whose operations reach it, directly or through
/// other types.
pub(super) fn mark_used_by(types: &mut [TypeDef], tags: &[Tag]) {
    let position: HashMap<&str, usize> = types
        .iter()
        .enumerate()
        .map(|(index, def)| (def.name.as_str(), index))
        .collect();
    let references: Vec<Vec<usize>> = types
        .iter()
        .map(|def| named_in_type(def, &position))
        .collect();

    let mut used_by: Vec<Vec<String>> = vec![Vec::new(); types.len()];
    for tag in tags {
        let mut reached = vec![false; types.len()];
        let mut pending: Vec<usize> = tag
            .operations
            .iter()
            .flat_map(|operation| named_in_operation(operation, &position))
            .collect();
        while let Some(index) = pending.pop() {
            if !std::mem::replace(&mut reached[index], true) {
                pending.extend(&references[index]);
            }
        }
        // Tags come sorted by module name, so each list is sorted too.
        for (index, _) in reached.iter().enumerate().filter(|(_, reached)| **reached) {
            used_by[index].push(tag.module.clone());
        }
    }

    for (def, tags) in types.iter_mut().zip(used_by) {
        def.used_by = tags;
    }
}

/// The types an operation names in its arguments, body and response.
fn named_in_operation(operation: &Operation, position: &HashMap<&str, usize>) -> Vec<usize> {
    let mut refs: Vec<&TypeRef> = operation.params.iter().map(|param| &param.ty).collect();
    refs.extend(operation.body.iter().map(|body| &body.ty));
    match &operation.response {
        Response::Page { item } => refs.push(item),
        Response::Json { ty, .. } => refs.push(ty),
        Response::Empty | Response::Download => {}
    }
    refs.into_iter()
        .filter_map(|ty| named(ty, position))
        .collect()
}

/// The types a type's definition names.
fn named_in_type(def: &TypeDef, position: &HashMap<&str, usize>) -> Vec<usize> {
    match &def.kind {
        TypeKind::Struct(object) => object
            .fields
            .iter()
            .filter_map(|field| named(&field.ty, position))
            .collect(),
        TypeKind::Alias(target) => named(target, position).into_iter().collect(),
        TypeKind::Enum(_) => Vec::new(),
    }
}

/// The generated type a reference names, through lists.
fn named(ty: &TypeRef, position: &HashMap<&str, usize>) -> Option<usize> {
    match ty {
        TypeRef::Named(name) | TypeRef::Flags(name) => position.get(name.as_str()).copied(),
        TypeRef::Vec(item) => named(item, position),
        _ => None,
    }
}
