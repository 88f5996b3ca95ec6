//! Lowering schemas into [`TypeDef`]s and [`TypeRef`]s.
//!
//! Component schemas are named first, so that a reference can be spelled before the type it
//! names has been lowered. Inline schemas that need a type of their own (request bodies,
//! inline responses, nested objects and enums) get one, named from their title or their place.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

use crate::error::Problem;
use crate::model::boxing::box_recursive_fields;
use crate::model::formats::{
    format_of, lower_integer_format, lower_number_format, lower_string_format,
};
use crate::model::{EnumDef, Field, Float, StructDef, TypeDef, TypeKind, TypeRef, Variant};
use crate::naming::{NameRegistry, pointer_token, type_name, value_name};

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// The name of the enum variant that keeps values the spec does not list.
const UNKNOWN_VARIANT: &str = "Unrecognized";

/// A schema as written: a reference to a component, or inline.
#[derive(Clone, Copy)]
pub enum SchemaRef<'s> {
    /// `$ref: '#/components/schemas/<name>'`, by component name.
    Component(&'s str),
    /// A reference to anything else, which a schema may not point at.
    Foreign(&'s str),
    /// An inline schema.
    Inline(&'s Schema),
}

impl<'s> SchemaRef<'s> {
    /// Views a schema that the spec types as `ReferenceOr<Schema>`.
    pub fn of(schema: &'s ReferenceOr<Schema>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => Self::reference(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }

    /// Views a schema that the spec types as `ReferenceOr<Box<Schema>>`.
    pub fn of_boxed(schema: &'s ReferenceOr<Box<Schema>>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => Self::reference(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }

    /// A reference names a component only when it is a whole schema of
    /// `components/schemas` with a plain name; a pointer into a schema, or a name that needs
    /// JSON pointer escapes, is refused as foreign.
    fn reference(reference: &'s str) -> Self {
        match reference.strip_prefix(SCHEMA_PREFIX) {
            Some(name) if !name.contains(['/', '~']) => SchemaRef::Component(name),
            _ => SchemaRef::Foreign(reference),
        }
    }
}

/// One property of an object, as declared by the object or one of its `allOf` parents.
struct Property<'s> {
    /// The name on the wire.
    wire: String,
    /// Its schema.
    schema: SchemaRef<'s>,
    /// Whether any declaration of the property lists it as required.
    required: bool,
    /// The JSON pointer of the property where it is declared.
    place: String,
    /// The Rust name of the type that declares it, for naming inline types once.
    owner: String,
}

/// One object's properties after `allOf` parents are flattened in.
struct Properties<'s> {
    /// Properties in declaration order, parents first.
    list: Vec<Property<'s>>,
    /// Whether the object declares no properties of its own (an open object).
    open: bool,
}

/// Builds the model's types, keeping the names taken so far.
pub struct TypeLowering<'s> {
    spec: &'s OpenAPI,
    /// Rust name of each component schema, by schema name.
    component_names: BTreeMap<&'s str, String>,
    /// Rust name of each inline schema already defined, by JSON pointer, so that a schema
    /// reached twice (an inherited property, a shared response) becomes one type.
    inline_names: BTreeMap<String, String>,
    type_names: NameRegistry,
    module_names: NameRegistry,
    pub(super) defs: Vec<TypeDef>,
    /// Types that OData serves as entities, which carry an `@odata.etag`.
    pub(super) entities: BTreeSet<String>,
    /// The update (`PATCH` body) type of each struct that has one, by struct name.
    pub(super) update_types: BTreeMap<String, String>,
    warnings: Vec<String>,
    problems: Vec<Problem>,
}

impl<'s> TypeLowering<'s> {
    /// Starts with no types; [`Self::lower_components`] adds the spec's.
    pub fn new(spec: &'s OpenAPI) -> Self {
        TypeLowering {
            spec,
            component_names: BTreeMap::new(),
            inline_names: BTreeMap::new(),
            type_names: NameRegistry::default(),
            module_names: NameRegistry::default(),
            defs: Vec::new(),
            entities: BTreeSet::new(),
            update_types: BTreeMap::new(),
            warnings: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Names every component schema, then lowers each into a type.
    pub fn lower_components(&mut self) {
        let Some(components) = &self.spec.components else {
            return;
        };

        for name in components.schemas.keys() {
            let origin = format!("{SCHEMA_PREFIX}{}", pointer_token(name));
            if let Some(rust) = self.claim_type_name(&type_name(name), &origin) {
                self.component_names.insert(name, rust);
            }
        }

        for (name, schema) in &components.schemas {
            let Some(rust) = self.component_names.get(name.as_str()).cloned() else {
                continue;
            };
            let origin = format!("{SCHEMA_PREFIX}{}", pointer_token(name));
            match schema {
                ReferenceOr::Item(schema) => self.define(rust, &origin, schema),
                ReferenceOr::Reference { reference } => {
                    let target = self.lower_use(SchemaRef::reference(reference), &origin, &rust);
                    self.push_def(rust, origin, Vec::new(), TypeKind::Alias(target));
                }
            }
        }
    }

    /// Spells a schema where it is used (a property, an item, a body, a response).
    ///
    /// `place` is the JSON pointer of the use; `hint` names a new type if the schema is an
    /// inline object or enum that needs one.
    pub fn lower_use(&mut self, schema: SchemaRef<'s>, place: &str, hint: &str) -> TypeRef {
        let schema = match schema {
            SchemaRef::Component(name) => return self.component_ref(name, place),
            SchemaRef::Foreign(reference) => {
                self.unsupported(
                    place,
                    format!(
                        "$ref `{reference}`, which is not a whole schema of components/schemas"
                    ),
                );
                return TypeRef::Json;
            }
            SchemaRef::Inline(schema) => schema,
        };

        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string))
                if string.enumeration.iter().any(Option::is_some) =>
            {
                self.define_inline(hint, place, schema)
            }
            SchemaKind::Type(Type::String(string)) => lower_string_format(&string.format),
            SchemaKind::Type(Type::Integer(integer)) => lower_integer_format(&integer.format),
            SchemaKind::Type(Type::Number(number)) => lower_number_format(&number.format),
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(array)) => match &array.items {
                Some(items) => {
                    let items = SchemaRef::of_boxed(items);
                    let item_place = format!("{place}/items");
                    TypeRef::Vec(Box::new(self.lower_use(items, &item_place, hint)))
                }
                None => TypeRef::Vec(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(object)) => {
                if object.properties.is_empty() {
                    TypeRef::JsonObject
                } else {
                    self.define_inline(hint, place, schema)
                }
            }
            SchemaKind::AllOf { all_of } => match single_reference(all_of, schema) {
                Some(target) => self.lower_use(target, &format!("{place}/allOf/0"), hint),
                None => self.define_inline(hint, place, schema),
            },
            SchemaKind::OneOf { one_of } => {
                self.lower_union(one_of, &format!("{place}/oneOf"), hint)
            }
            SchemaKind::AnyOf { any_of } => {
                self.lower_union(any_of, &format!("{place}/anyOf"), hint)
            }
            SchemaKind::Any(any) => self.lower_any(any, schema, place, hint),
            SchemaKind::Not { .. } => {
                self.unsupported(place, "`not` schema".to_string());
                TypeRef::Json
            }
        }
    }

    /// Spells a schema that mixes keywords (`type: object` beside `allOf`, an untyped enum).
    fn lower_any(
        &mut self,
        any: &'s openapiv3::AnySchema,
        schema: &'s Schema,
        place: &str,
        hint: &str,
    ) -> TypeRef {
        if enum_values(schema).is_some() {
            return self.define_inline(hint, place, schema);
        }
        if let Some(target) = single_reference(&any.all_of, schema) {
            return self.lower_use(target, &format!("{place}/allOf/0"), hint);
        }
        if !any.all_of.is_empty() || !any.properties.is_empty() {
            return self.define_inline(hint, place, schema);
        }
        if !any.one_of.is_empty() {
            return self.lower_union(&any.one_of, &format!("{place}/oneOf"), hint);
        }
        if !any.any_of.is_empty() {
            return self.lower_union(&any.any_of, &format!("{place}/anyOf"), hint);
        }
        match any.typ.as_deref() {
            Some("string") => lower_string_format(&format_of(&any.format)),
            Some("integer") => lower_integer_format(&format_of(&any.format)),
            Some("number") => lower_number_format(&format_of(&any.format)),
            Some("boolean") => TypeRef::Bool,
            Some("array") => match &any.items {
                Some(items) => {
                    let item_place = format!("{place}/items");
                    let items = self.lower_use(SchemaRef::of_boxed(items), &item_place, hint);
                    TypeRef::Vec(Box::new(items))
                }
                None => TypeRef::Vec(Box::new(TypeRef::Json)),
            },
            Some("object") => TypeRef::JsonObject,
            _ => TypeRef::Json,
        }
    }

    /// Spells a `oneOf`/`anyOf` whose branches are at `place`. Two shapes occur in the XAPI: the numeric union
    /// `[number, string, ReferenceNumeric]`, and a schema beside an empty nullable object
    /// (an old way to write "this, or null"). Anything else stays untyped JSON, with a warning.
    fn lower_union(
        &mut self,
        branches: &'s [ReferenceOr<Schema>],
        place: &str,
        hint: &str,
    ) -> TypeRef {
        if let Some(float) = self.numeric_union(branches) {
            return TypeRef::Number(float);
        }

        let meaningful: Vec<(usize, &'s ReferenceOr<Schema>)> = branches
            .iter()
            .enumerate()
            .filter(|(_, branch)| !is_empty_nullable_object(branch))
            .collect();
        if let [(index, branch)] = meaningful[..] {
            let branch_place = format!("{place}/{index}");
            return self.lower_use(SchemaRef::of(branch), &branch_place, hint);
        }

        self.warnings.push(format!(
            "{place}: union of {} schemas kept as JSON",
            branches.len()
        ));
        TypeRef::Json
    }

    /// Recognises `[number, string, <enum of INF, -INF, NaN>]` and gives its precision.
    fn numeric_union(&self, branches: &[ReferenceOr<Schema>]) -> Option<Float> {
        let mut float = None;
        let mut has_special_values = false;
        for branch in branches {
            let schema = match SchemaRef::of(branch) {
                SchemaRef::Inline(schema) => schema,
                SchemaRef::Component(name) => self.component(name)?,
                SchemaRef::Foreign(_) => return None,
            };
            match &schema.schema_kind {
                SchemaKind::Type(Type::Number(number)) => {
                    float = Some(match lower_number_format(&number.format) {
                        TypeRef::F32 => Float::F32,
                        _ => Float::F64,
                    });
                }
                SchemaKind::Type(Type::String(string)) if string.enumeration.is_empty() => {}
                _ if is_special_numbers(schema) => has_special_values = true,
                _ => return None,
            }
        }
        float.filter(|_| has_special_values)
    }

    /// Names an inline schema from its title, or from `hint`, and defines it.
    fn define_inline(&mut self, hint: &str, place: &str, schema: &'s Schema) -> TypeRef {
        if let Some(name) = self.inline_names.get(place) {
            return TypeRef::Named(name.clone());
        }
        let name = match &schema.schema_data.title {
            // A title that is only a description ("Collection of string") makes a poor name.
            Some(title) if !title.contains(' ') => type_name(title),
            _ => hint.to_string(),
        };
        match self.claim_type_name(&name, place) {
            Some(name) => {
                self.inline_names.insert(place.to_string(), name.clone());
                self.define(name.clone(), place, schema);
                TypeRef::Named(name)
            }
            None => TypeRef::Json,
        }
    }

    /// Lowers one schema into a type definition called `name`.
    fn define(&mut self, name: String, origin: &str, schema: &'s Schema) {
        // Titles repeat the type's name, so only the description documents it.
        let doc = description_lines(schema);
        let kind = if let Some(values) = enum_values(schema) {
            self.lower_enum(&name, origin, schema, values)
        } else if is_object_like(schema) {
            self.lower_struct(&name, origin, schema)
        } else {
            TypeKind::Alias(self.lower_use(SchemaRef::Inline(schema), origin, &name))
        };
        self.push_def(name, origin.to_string(), doc, kind);
    }

    pub(super) fn push_def(
        &mut self,
        name: String,
        origin: String,
        doc: Vec<String>,
        kind: TypeKind,
    ) {
        let module = value_name(&name);
        if let Err(collision) = self.module_names.claim(&module, &origin) {
            self.problems.push(collision.into());
            return;
        }
        self.defs.push(TypeDef {
            name,
            module,
            origin,
            doc,
            kind,
            used_by: Vec::new(),
        });
    }

    fn lower_enum(
        &mut self,
        name: &str,
        origin: &str,
        schema: &Schema,
        values: Vec<String>,
    ) -> TypeKind {
        // `x-enum-varnames` gives readable names where the values are symbols (`-INF`).
        let given_names: Vec<String> = schema
            .schema_data
            .extensions
            .get("x-enum-varnames")
            .and_then(|names| names.as_array())
            .map(|names| {
                names
                    .iter()
                    .filter_map(|n| n.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();

        let mut registry =
            NameRegistry::with_reserved(&[UNKNOWN_VARIANT], "the unknown-value variant");
        let mut variants = Vec::new();
        for (index, wire) in values.into_iter().enumerate() {
            let spelled = given_names.get(index).map_or(wire.as_str(), String::as_str);
            let variant = type_name(spelled);
            let place = format!("{origin}/enum/{index} ({name}::{variant})");
            match registry.claim(&variant, &place) {
                Ok(()) => variants.push(Variant {
                    name: variant,
                    wire,
                }),
                Err(collision) => self.problems.push(collision.into()),
            }
        }

        let flags = is_flags_enum(schema);
        TypeKind::Enum(EnumDef {
            variants,
            flags,
            unknown_variant: UNKNOWN_VARIANT.to_string(),
        })
    }

    fn lower_struct(&mut self, name: &str, origin: &str, schema: &'s Schema) -> TypeKind {
        let mut properties = Properties {
            list: Vec::new(),
            open: true,
        };
        let mut visiting = BTreeSet::new();
        let root = SchemaRef::Inline(schema);
        self.collect_properties(root, origin, name, &mut properties, &mut visiting);

        let mut registry = NameRegistry::default();
        let mut fields = Vec::new();
        for property in properties.list {
            let rust = value_name(&property.wire);
            if let Err(collision) = registry.claim(&rust, &property.place) {
                self.problems.push(collision.into());
                continue;
            }
            let hint = format!("{}{}", property.owner, type_name(&property.wire));
            let ty = self.lower_use(property.schema, &property.place, &hint);
            let nullable = self.is_nullable(property.schema);
            let secret = is_secret(&rust, &ty);
            fields.push(Field {
                name: rust,
                wire: property.wire,
                ty,
                optional: !property.required || nullable,
                required: property.required,
                secret,
                boxed: false,
                doc: match property.schema {
                    SchemaRef::Inline(schema) => description_lines(schema),
                    _ => Vec::new(),
                },
                older: None,
            });
        }

        let additional = properties.open.then(|| {
            registry.claim_free("additional_properties", "properties the spec leaves open")
        });
        let all_optional = fields.iter().all(|field| field.optional);
        TypeKind::Struct(StructDef {
            fields,
            additional,
            all_optional,
            patch: false,
            bare_string: None,
        })
    }

    /// Gathers the properties of a schema and of its `allOf` parents, parents first. A child
    /// that redeclares a parent's property replaces it in place; it stays required if either
    /// declaration requires it. `owner` is the Rust name of the type declaring `schema`.
    fn collect_properties(
        &mut self,
        schema: SchemaRef<'s>,
        place: &str,
        owner: &str,
        out: &mut Properties<'s>,
        visiting: &mut BTreeSet<&'s str>,
    ) {
        let schema = match schema {
            SchemaRef::Inline(schema) => schema,
            SchemaRef::Component(name) => {
                // A schema that inherits from itself would never end.
                if !visiting.insert(name) {
                    self.unsupported(place, format!("allOf cycle through `{name}`"));
                    return;
                }
                let Some(schema) = self.component(name) else {
                    return;
                };
                let target = format!("{SCHEMA_PREFIX}{}", pointer_token(name));
                let owner = self
                    .component_names
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| type_name(name));
                let parent = SchemaRef::Inline(schema);
                self.collect_properties(parent, &target, &owner, out, visiting);
                visiting.remove(name);
                return;
            }
            SchemaRef::Foreign(reference) => {
                self.unsupported(
                    place,
                    format!(
                        "$ref `{reference}`, which is not a whole schema of components/schemas"
                    ),
                );
                return;
            }
        };

        let (all_of, properties, required) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                (&[][..], Some(&object.properties), &object.required[..])
            }
            SchemaKind::AllOf { all_of } => (&all_of[..], None, &[][..]),
            SchemaKind::Any(any) => (&any.all_of[..], Some(&any.properties), &any.required[..]),
            _ => {
                self.unsupported(place, "allOf member that is not an object".to_string());
                return;
            }
        };

        for (index, parent) in all_of.iter().enumerate() {
            let parent_place = format!("{place}/allOf/{index}");
            self.collect_properties(SchemaRef::of(parent), &parent_place, owner, out, visiting);
        }
        for (wire, property) in properties.into_iter().flatten() {
            out.open = false;
            let mut declared = Property {
                wire: wire.clone(),
                schema: SchemaRef::of_boxed(property),
                required: required.contains(wire),
                place: format!("{place}/properties/{}", pointer_token(wire)),
                owner: owner.to_string(),
            };
            match out.list.iter_mut().find(|existing| existing.wire == *wire) {
                Some(existing) => {
                    declared.required |= existing.required;
                    *existing = declared;
                }
                None => out.list.push(declared),
            }
        }
        if let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind
            && matches!(
                object.additional_properties,
                Some(AdditionalProperties::Schema(_))
            )
        {
            out.open = true;
        }
    }

    /// The Rust name of a component, or a problem if the component does not exist.
    fn component_ref(&mut self, name: &str, place: &str) -> TypeRef {
        match self.component_names.get(name) {
            Some(rust) if self.component(name).is_some_and(is_flags_enum) => {
                TypeRef::Flags(rust.clone())
            }
            Some(rust) => TypeRef::Named(rust.clone()),
            // Dangling references are reported by the parse stage, and a schema whose name
            // collided by the registry, so neither needs a second message here.
            None => {
                log::debug!("{place}: reference to `{name}`, which has no type");
                TypeRef::Json
            }
        }
    }

    /// Whether a value of this schema may be `null`: the schema says `nullable`, the component
    /// it references does, or one branch of its union does.
    pub fn is_nullable(&self, schema: SchemaRef<'_>) -> bool {
        let schema = match schema {
            SchemaRef::Inline(schema) => schema,
            SchemaRef::Component(name) => match self.component(name) {
                Some(schema) => schema,
                None => return false,
            },
            SchemaRef::Foreign(_) => return false,
        };
        let branches: &[ReferenceOr<Schema>] = match &schema.schema_kind {
            SchemaKind::OneOf { one_of } => one_of,
            SchemaKind::AnyOf { any_of } => any_of,
            _ => &[],
        };
        schema.schema_data.nullable
            || branches
                .iter()
                .any(|branch| self.is_nullable(SchemaRef::of(branch)))
    }

    /// Looks up a component schema by name.
    pub fn component(&self, name: &str) -> Option<&'s Schema> {
        let components = self.spec.components.as_ref()?;
        components.schemas.get(name)?.as_item()
    }

    /// Claims a type name and its module name, recording a problem on collision.
    pub(super) fn claim_type_name(&mut self, name: &str, place: &str) -> Option<String> {
        match self.type_names.claim(name, place) {
            Ok(()) => Some(name.to_string()),
            Err(collision) => {
                self.problems.push(collision.into());
                None
            }
        }
    }

    /// Records a construct the generator refuses.
    pub fn unsupported(&mut self, place: &str, what: String) {
        self.problems.push(Problem::Unsupported {
            place: place.to_string(),
            what,
        });
    }

    /// Refuses schemas that are only references to each other in a loop (`A: $ref B`,
    /// `B: $ref A`), which name no type at all.
    fn check_alias_cycles(&mut self) {
        let aliases: BTreeMap<&str, &str> = self
            .defs
            .iter()
            .filter_map(|def| match &def.kind {
                TypeKind::Alias(TypeRef::Named(target)) => {
                    Some((def.name.as_str(), target.as_str()))
                }
                _ => None,
            })
            .collect();
        let mut cycles = Vec::new();
        for def in &self.defs {
            let mut current = def.name.as_str();
            for _ in 0..aliases.len() {
                match aliases.get(current) {
                    Some(&target) if target == def.name => {
                        cycles.push(Problem::Unsupported {
                            place: def.origin.clone(),
                            what: "schema that only refers to itself through $ref".to_string(),
                        });
                        break;
                    }
                    Some(&target) => current = target,
                    None => break,
                }
            }
        }
        self.problems.extend(cycles);
    }

    /// Records something the maintainer should know but that does not stop generation.
    pub fn warn(&mut self, warning: String) {
        self.warnings.push(warning);
    }

    /// Records a problem found while lowering something else (an operation).
    pub fn problem(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// Boxes self-containing fields, sorts the types, and hands back what was gathered.
    pub fn finish(mut self) -> (Vec<TypeDef>, Vec<String>, Vec<Problem>) {
        self.check_alias_cycles();
        self.add_etag_fields();
        box_recursive_fields(&mut self.defs);
        self.defs.sort_by(|a, b| a.name.cmp(&b.name));
        (self.defs, self.warnings, self.problems)
    }
}

/// The single schema behind `allOf: [$ref]` (with `nullable` beside it), if that is all the
/// schema says.
fn single_reference<'s>(
    all_of: &'s [ReferenceOr<Schema>],
    schema: &Schema,
) -> Option<SchemaRef<'s>> {
    let has_own_properties = match &schema.schema_kind {
        SchemaKind::Any(any) => !any.properties.is_empty(),
        _ => false,
    };
    match all_of {
        [only] if !has_own_properties => Some(SchemaRef::of(only)),
        _ => None,
    }
}

/// Whether a field holds a secret, judged by its name: passwords, secrets, PINs, tokens,
/// credentials and private or API keys. Flags about secrets (`AllowChangePassword`, a bool)
/// are not secrets themselves.
fn is_secret(rust_name: &str, ty: &TypeRef) -> bool {
    const LAST_WORDS: &[&str] = &["password", "secret", "token", "tokens", "credentials"];
    const LAST_TWO_WORDS: &[&str] = &[
        "private_key",
        "api_key",
        "secret_key",
        "access_key",
        "license_key",
        "pin_number",
    ];

    let words: Vec<&str> = rust_name.trim_end_matches('_').split('_').collect();
    let last = words.last().copied().unwrap_or_default();
    let last_two = words[words.len().saturating_sub(2)..].join("_");
    let named = LAST_WORDS.contains(&last)
        || last.ends_with("pin")
        || LAST_TWO_WORDS.contains(&last_two.as_str());
    named && matches!(ty, TypeRef::String | TypeRef::Named(_) | TypeRef::Vec(_))
}

/// Whether an enum schema is marked `x-ms-enum-flags: {isFlags: true}`.
fn is_flags_enum(schema: &Schema) -> bool {
    schema
        .schema_data
        .extensions
        .get("x-ms-enum-flags")
        .and_then(|flags| flags.get("isFlags"))
        .and_then(|is_flags| is_flags.as_bool())
        .unwrap_or(false)
}

/// Whether a schema lowers to a struct.
fn is_object_like(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => true,
        SchemaKind::Any(any) => {
            !any.properties.is_empty()
                || !any.all_of.is_empty()
                || any.typ.as_deref() == Some("object")
        }
        _ => false,
    }
}

/// The string values of an enum schema, typed or not.
fn enum_values(schema: &Schema) -> Option<Vec<String>> {
    let values: Vec<String> = match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            string.enumeration.iter().flatten().cloned().collect()
        }
        SchemaKind::Any(any) => any
            .enumeration
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    };
    (!values.is_empty()).then_some(values)
}

/// Whether a schema is the enum `INF`, `-INF`, `NaN` that numeric unions carry.
fn is_special_numbers(schema: &Schema) -> bool {
    enum_values(schema).is_some_and(|values| {
        values
            .iter()
            .all(|value| matches!(value.as_str(), "INF" | "-INF" | "NaN"))
    })
}

/// Whether a union branch is `{type: object, nullable: true}` with nothing else: "or null".
fn is_empty_nullable_object(branch: &ReferenceOr<Schema>) -> bool {
    match branch {
        ReferenceOr::Item(schema) => {
            schema.schema_data.nullable
                && matches!(&schema.schema_kind,
                    SchemaKind::Type(Type::Object(object)) if object.properties.is_empty())
        }
        ReferenceOr::Reference { .. } => false,
    }
}

/// The schema's description, one entry per line.
fn description_lines(schema: &Schema) -> Vec<String> {
    schema
        .schema_data
        .description
        .as_deref()
        .map(split_lines)
        .unwrap_or_default()
}

/// Splits spec text into documentation lines, without trailing blanks.
pub fn split_lines(text: &str) -> Vec<String> {
    text.trim()
        .lines()
        .map(|line| line.trim_end().to_string())
        .collect()
}
