//! Boxing: a struct that contains itself through plain fields needs a `Box` to have a size.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{TypeDef, TypeKind, TypeRef};

/// Marks fields whose type contains the struct itself through plain (not `Vec`) fields, so the
/// emitted struct has a finite size.
pub(super) fn box_recursive_fields(defs: &mut [TypeDef]) {
    let direct: BTreeMap<String, Vec<String>> = defs
        .iter()
        .map(|def| (def.name.clone(), directly_contained(def)))
        .collect();

    for def in defs.iter_mut() {
        let TypeKind::Struct(object) = &mut def.kind else {
            continue;
        };
        for field in &mut object.fields {
            if let TypeRef::Named(target) = &field.ty {
                field.boxed = reaches(&direct, target, &def.name);
            }
        }
    }
}

/// The named types a type holds inline (not behind a `Vec`).
fn directly_contained(def: &TypeDef) -> Vec<String> {
    match &def.kind {
        TypeKind::Struct(object) => object
            .fields
            .iter()
            .filter_map(|field| match &field.ty {
                TypeRef::Named(name) => Some(name.clone()),
                _ => None,
            })
            .collect(),
        TypeKind::Alias(TypeRef::Named(name)) => vec![name.clone()],
        TypeKind::Alias(_) | TypeKind::Enum(_) => Vec::new(),
    }
}

/// Whether `from` holds `goal` inline, directly or through other types.
fn reaches(direct: &BTreeMap<String, Vec<String>>, from: &str, goal: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(current) = stack.pop() {
        if current == goal {
            return true;
        }
        if seen.insert(current.clone()) {
            stack.extend(direct.get(&current).into_iter().flatten().cloned());
        }
    }
    false
}
