//! OData shapes the spec leaves implicit: collection pages, entities with ETags, update
//! bodies, and responses that are files. Each is recognised from the types already lowered.

use crate::model::types::TypeLowering;
use crate::model::{Field, StructDef, TypeKind, TypeRef};
use crate::naming::NameRegistry;

/// The wire names a collection page may carry besides its items.
const PAGE_ANNOTATIONS: &[&str] = &["@odata.count", "@odata.nextLink", "@odata.context"];

/// The annotation that carries an entity's ETag.
const ETAG: &str = "@odata.etag";

impl TypeLowering<'_> {
    /// The item type of a collection response: a struct with a `value` list and nothing but
    /// OData annotations beside it.
    pub fn collection_item(&self, name: &str) -> Option<TypeRef> {
        let object = self.struct_def(name)?;
        let mut item = None;
        for field in &object.fields {
            match (&field.ty, field.wire.as_str()) {
                (TypeRef::Vec(inner), "value") => item = Some((**inner).clone()),
                (_, wire) if PAGE_ANNOTATIONS.contains(&wire) => {}
                _ => return None,
            }
        }
        item.filter(|_| object.additional.is_none())
    }

    /// Whether a type is an object the spec says nothing about (`Pbx.IActionResult`): no
    /// properties, content left open.
    pub fn is_opaque(&self, name: &str) -> bool {
        self.struct_def(name)
            .is_some_and(|object| object.fields.is_empty() && object.additional.is_some())
    }

    /// Marks the type of a served entity, so that it carries its `@odata.etag`.
    pub fn mark_entity(&mut self, ty: &TypeRef) {
        if let TypeRef::Named(name) = ty
            && self.struct_def(name).is_some()
        {
            self.entities.insert(name.clone());
        }
    }

    /// The update type of struct `name`, defined on first use: the same fields, each a
    /// `Patch` that is sent only when the caller changed it.
    pub fn update_type(&mut self, name: &str) -> Option<String> {
        if let Some(update) = self.update_types.get(name) {
            return Some(update.clone());
        }
        let def = self.defs.iter().find(|def| def.name == name)?;
        let TypeKind::Struct(object) = &def.kind else {
            return None;
        };

        let fields: Vec<Field> = object
            .fields
            .iter()
            .map(|field| Field {
                optional: true,
                required: false,
                older: None,
                ..field.clone()
            })
            .collect();
        let origin = def.origin.clone();
        // Type docs are spec prose and get escaped, so this line uses no Markdown.
        let doc = vec![format!(
            "Changes to a {name}: only fields set to Patch::Set or Patch::Clear are sent."
        )];

        let update =
            self.claim_type_name(&format!("{name}Update"), &format!("{origin} (update)"))?;
        let kind = TypeKind::Struct(StructDef {
            fields,
            additional: None,
            all_optional: true,
            patch: true,
            bare_string: None,
        });
        self.push_def(update.clone(), origin, doc, kind);
        self.update_types.insert(name.to_string(), update.clone());
        Some(update)
    }

    /// Adds an optional `@odata.etag` field to every entity type that does not declare one.
    pub(super) fn add_etag_fields(&mut self) {
        for def in &mut self.defs {
            if !self.entities.contains(&def.name) {
                continue;
            }
            let TypeKind::Struct(object) = &mut def.kind else {
                continue;
            };
            if object.fields.iter().any(|field| field.wire == ETAG) {
                continue;
            }
            let mut registry = NameRegistry::default();
            for field in &object.fields {
                // Field names are unique already; this only seeds the registry.
                let _ = registry.claim(&field.name, &field.wire);
            }
            object.fields.push(Field {
                name: registry.claim_free("odata_etag", ETAG),
                wire: ETAG.to_string(),
                ty: TypeRef::String,
                optional: true,
                required: false,
                boxed: false,
                secret: false,
                doc: vec![
                    "The entity's ETag, to pass back as If-Match where an operation takes one."
                        .to_string(),
                ],
                older: None,
            });
        }
    }

    fn struct_def(&self, name: &str) -> Option<&StructDef> {
        self.defs
            .iter()
            .find(|def| def.name == name)
            .and_then(|def| match &def.kind {
                TypeKind::Struct(object) => Some(object),
                _ => None,
            })
    }
}
