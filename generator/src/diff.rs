//! Comparing two models: what changed between two specs for a user of the generated client.
//!
//! Operations are matched by `operationId` and types by Rust name, and every change is
//! described with the Rust names a caller writes, the spec's name beside them.
//!
//! A change is **breaking** when code that compiled against the old client may no longer
//! compile, or a call that decoded before may now fail to decode. The rules:
//!
//! - An operation or type removed: breaking. Added: not breaking.
//! - An operation moved to another tag (its accessor changes): breaking.
//! - Arguments: a changed list of argument types, query options, `If-Match` or request body
//!   is breaking; renamed arguments alone are not (Rust arguments are positional).
//! - The response type (or whether it may be `null`): breaking. A stream method removed is
//!   breaking; one added is not.
//! - The path or HTTP method of an operation: not breaking for code, which keeps the method's
//!   name and arguments, but the call then needs a PBX that serves the new path (see each
//!   method's availability).
//! - Marked deprecated, or no longer: not breaking (a warning at most).
//! - A struct field removed, renamed in Rust, retyped, boxed or unboxed, or changed between
//!   optional and required: breaking. Whether `None` is sent as `null` or left out alone: not.
//! - A struct field added: not breaking when it is an `Option` and the struct implements
//!   `Default` (callers build such values with `..Default::default()`, and older PBXs that do
//!   not send the field decode as `None`); otherwise breaking, since struct literals then
//!   need it and a required field is missing from older PBXs' answers.
//! - An enum member added: not breaking, since every generated enum keeps values it does not
//!   know in its catch-all variant, so callers already handle members they do not name (a
//!   `match` listing every variant needs a `_` arm). Removed or renamed in Rust: breaking.
//! - A type's kind (struct, enum, alias), an alias's target, an enum turning into or out of a
//!   flags set: breaking.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::model::{
    ApiModel, EnumDef, Field, Float, Operation, Query, Response, StructDef, TypeDef, TypeKind,
    TypeRef,
};

/// Everything that changed between two models, sorted by Rust name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiDiff {
    /// Operations added, removed or changed, by Rust name (`users().get_user`).
    pub operations: Vec<ItemDiff>,
    /// Types added, removed or changed, by Rust name.
    pub types: Vec<ItemDiff>,
}

/// One operation or type that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemDiff {
    /// What a caller writes: `users().get_user` or `PbxUser`.
    pub rust: String,
    /// The spec's name: the operationId, or the schema's place under `#/components/schemas/`.
    pub wire: String,
    /// A short description: `GET /Users({Id})`, or `struct, 3 fields`.
    pub detail: String,
    /// Added, removed, or what changed.
    pub status: Status,
}

/// Whether an item is new, gone, or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Only in the new model.
    Added,
    /// Only in the old model; always breaking.
    Removed,
    /// In both, with these changes.
    Changed(Vec<Change>),
}

/// One change to an item that is in both models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What changed, as Markdown.
    pub what: String,
    /// Whether a caller's code may stop compiling or decoding.
    pub breaking: bool,
}

/// How many items of one kind were added, removed or changed, and how many changes break.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Items only in the new model.
    pub added: usize,
    /// Items only in the old model.
    pub removed: usize,
    /// Items in both that differ.
    pub changed: usize,
    /// Breaking changes: removed items plus breaking changes to changed items.
    pub breaking: usize,
}

impl ApiDiff {
    /// Counts for operations.
    pub fn operation_counts(&self) -> Counts {
        count(&self.operations)
    }

    /// Counts for types.
    pub fn type_counts(&self) -> Counts {
        count(&self.types)
    }

    /// The operationIds of the operations added, sorted.
    pub fn added_operations(&self) -> Vec<&str> {
        self.operation_ids(|status| matches!(status, Status::Added))
    }

    /// The operationIds of the operations removed, sorted.
    pub fn removed_operations(&self) -> Vec<&str> {
        self.operation_ids(|status| matches!(status, Status::Removed))
    }

    fn operation_ids(&self, wanted: StatusFilter) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .operations
            .iter()
            .filter(|item| wanted(&item.status))
            .map(|item| item.wire.as_str())
            .collect();
        ids.sort_unstable();
        ids
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty() && self.types.is_empty()
    }

    /// The one-line summary: counts of operations and types, and of breaking changes.
    pub fn render_summary(&self) -> String {
        let ops = self.operation_counts();
        let types = self.type_counts();
        format!(
            "operations: {} added, {} removed, {} changed; types: {} added, {} removed, {} \
             changed; {} breaking change(s)",
            ops.added,
            ops.removed,
            ops.changed,
            types.added,
            types.removed,
            types.changed,
            ops.breaking + types.breaking
        )
    }

    /// The whole diff as Markdown, under a heading naming the two specs.
    pub fn render_markdown(&self, old: &str, new: &str) -> String {
        format!(
            "# XAPI changes from {old} to {new}\n\n{}",
            self.render_body(2)
        )
    }

    /// The counts table, then one section each for operations and types with headings at
    /// `level` (`2` is `##`), for embedding under a heading of the caller's.
    pub fn render_body(&self, level: usize) -> String {
        let ops = self.operation_counts();
        let types = self.type_counts();
        let mut out =
            String::from("| | added | removed | changed | breaking |\n|---|---|---|---|---|\n");
        for (label, counts) in [("operations", ops), ("types", types)] {
            let _ = writeln!(
                out,
                "| {label} | {} | {} | {} | {} |",
                counts.added, counts.removed, counts.changed, counts.breaking
            );
        }
        if self.is_empty() {
            out.push_str("\nNo changes.\n");
            return out;
        }
        render_section(&mut out, level, "Operations", &self.operations);
        render_section(&mut out, level, "Types", &self.types);
        out
    }
}

fn count(items: &[ItemDiff]) -> Counts {
    let mut counts = Counts::default();
    for item in items {
        match &item.status {
            Status::Added => counts.added += 1,
            Status::Removed => {
                counts.removed += 1;
                counts.breaking += 1;
            }
            Status::Changed(changes) => {
                counts.changed += 1;
                counts.breaking += changes.iter().filter(|change| change.breaking).count();
            }
        }
    }
    counts
}

/// One `##` section with its added, removed and changed items, each list left out if empty.
fn render_section(out: &mut String, level: usize, title: &str, items: &[ItemDiff]) {
    if items.is_empty() {
        return;
    }
    let (heading, subheading) = ("#".repeat(level), "#".repeat(level + 1));
    let _ = writeln!(out, "\n{heading} {title}");
    let groups: [(&str, StatusFilter); 3] = [
        ("Removed (breaking)", |s| matches!(s, Status::Removed)),
        ("Added", |s| matches!(s, Status::Added)),
        ("Changed", |s| matches!(s, Status::Changed(_))),
    ];
    for (group_title, wanted) in groups {
        let group: Vec<&ItemDiff> = items.iter().filter(|item| wanted(&item.status)).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{subheading} {group_title}\n");
        for item in group {
            let _ = writeln!(out, "- `{}` (`{}`): {}", item.rust, item.wire, item.detail);
            if let Status::Changed(changes) = &item.status {
                for change in changes {
                    let mark = if change.breaking {
                        "**breaking**: "
                    } else {
                        ""
                    };
                    let _ = writeln!(out, "  - {mark}{}", change.what);
                }
            }
        }
    }
}

/// Picks items by status.
type StatusFilter = fn(&Status) -> bool;

/// Compares two models.
pub fn diff_models(old: &ApiModel, new: &ApiModel) -> ApiDiff {
    ApiDiff {
        operations: diff_operations(old, new),
        types: diff_types(old, new),
    }
}

/// An operation with the accessor it is reached through.
struct Located<'m> {
    accessor: &'m str,
    operation: &'m Operation,
}

impl Located<'_> {
    fn rust(&self) -> String {
        format!("{}().{}", self.accessor, self.operation.method_name)
    }

    fn detail(&self) -> String {
        format!(
            "`{} {}`",
            self.operation.http_method.as_str(),
            self.operation.path_template
        )
    }
}

fn operations_by_id(model: &ApiModel) -> BTreeMap<&str, Located<'_>> {
    model
        .tags
        .iter()
        .flat_map(|tag| {
            tag.operations.iter().map(|operation| {
                let located = Located {
                    accessor: &tag.module,
                    operation,
                };
                (operation.id.as_str(), located)
            })
        })
        .collect()
}

fn diff_operations(old: &ApiModel, new: &ApiModel) -> Vec<ItemDiff> {
    let old = operations_by_id(old);
    let new = operations_by_id(new);
    let ids: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();

    let mut items = Vec::new();
    for id in ids {
        let (located, status) = match (old.get(id), new.get(id)) {
            (Some(before), None) => (before, Status::Removed),
            (None, Some(after)) => (after, Status::Added),
            (Some(before), Some(after)) => {
                let changes = compare_operations(before, after);
                if changes.is_empty() {
                    continue;
                }
                (after, Status::Changed(changes))
            }
            (None, None) => unreachable!("every id comes from one of the maps"),
        };
        items.push(ItemDiff {
            rust: located.rust(),
            wire: id.to_string(),
            detail: located.detail(),
            status,
        });
    }
    items.sort_by(|a, b| (&a.rust, &a.wire).cmp(&(&b.rust, &b.wire)));
    items
}

fn breaking(what: String) -> Change {
    Change {
        what,
        breaking: true,
    }
}

fn compatible(what: String) -> Change {
    Change {
        what,
        breaking: false,
    }
}

/// The changes to one operation, in the order a caller reads a call: accessor, path,
/// arguments, response, deprecation.
fn compare_operations(before: &Located<'_>, after: &Located<'_>) -> Vec<Change> {
    let (old, new) = (before.operation, after.operation);
    let mut changes = Vec::new();

    if before.accessor != after.accessor {
        changes.push(breaking(format!(
            "moved from `{}()` to `{}()`",
            before.accessor, after.accessor
        )));
    }
    if old.http_method != new.http_method || old.path_template != new.path_template {
        changes.push(compatible(format!(
            "path {} -> {} (a PBX must serve the new path)",
            before.detail(),
            after.detail()
        )));
    }

    let old_types: Vec<&TypeRef> = old.params.iter().map(|param| &param.ty).collect();
    let new_types: Vec<&TypeRef> = new.params.iter().map(|param| &param.ty).collect();
    let old_names: Vec<&str> = old.params.iter().map(|param| param.name.as_str()).collect();
    let new_names: Vec<&str> = new.params.iter().map(|param| param.name.as_str()).collect();
    if old_types != new_types {
        changes.push(breaking(format!(
            "path arguments {} -> {}",
            render_params(old),
            render_params(new)
        )));
    } else if old_names != new_names {
        changes.push(compatible(format!(
            "path arguments renamed {} -> {}",
            render_params(old),
            render_params(new)
        )));
    }

    if old.query.as_ref().map(|q| q.options) != new.query.as_ref().map(|q| q.options) {
        changes.push(breaking(format!(
            "query options {} -> {}",
            render_query(old.query.as_ref()),
            render_query(new.query.as_ref())
        )));
    }
    if old.if_match.is_some() != new.if_match.is_some() {
        let what = if new.if_match.is_some() {
            "takes an `If-Match` argument now"
        } else {
            "no longer takes an `If-Match` argument"
        };
        changes.push(breaking(what.to_string()));
    }
    let old_body = old.body.as_ref().map(|body| &body.ty);
    let new_body = new.body.as_ref().map(|body| &body.ty);
    if old_body != new_body {
        changes.push(breaking(format!(
            "request body {} -> {}",
            render_optional(old_body),
            render_optional(new_body)
        )));
    }

    if old.response != new.response {
        changes.push(breaking(format!(
            "returns {} -> {}",
            render_response(&old.response),
            render_response(&new.response)
        )));
    }
    match (&old.stream, &new.stream) {
        (Some(stream), None) => changes.push(breaking(format!("stream method `{stream}` removed"))),
        (None, Some(stream)) => changes.push(compatible(format!("stream method `{stream}` added"))),
        _ => {}
    }

    if old.deprecated != new.deprecated {
        let what = if new.deprecated {
            "deprecated"
        } else {
            "no longer deprecated"
        };
        changes.push(compatible(what.to_string()));
    }
    changes
}

fn render_params(operation: &Operation) -> String {
    let params: Vec<String> = operation
        .params
        .iter()
        .map(|param| {
            // String arguments are borrowed, as the generated method takes them.
            let ty = match &param.ty {
                TypeRef::String => "&str".to_string(),
                other => render_type(other),
            };
            format!("{}: {ty}", param.name)
        })
        .collect();
    format!("`({})`", params.join(", "))
}

fn render_query(query: Option<&Query>) -> String {
    match query {
        None => "none".to_string(),
        Some(query) => format!("`{:?}Query`", query.options),
    }
}

fn render_optional(ty: Option<&TypeRef>) -> String {
    ty.map_or_else(|| "none".to_string(), |ty| format!("`{}`", render_type(ty)))
}

fn render_response(response: &Response) -> String {
    match response {
        Response::Empty => "`()`".to_string(),
        Response::Page { item } => format!("`Page<{}>`", render_type(item)),
        Response::Download => "`Download`".to_string(),
        Response::Json {
            ty,
            nullable: false,
        } => format!("`{}`", render_type(ty)),
        Response::Json { ty, nullable: true } => format!("`Option<{}>`", render_type(ty)),
    }
}

/// A type as a caller reads it, without module paths.
pub fn render_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::U8 => "u8".into(),
        TypeRef::F32 => "f32".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::String => "String".into(),
        TypeRef::DateTime => "DateTime<FixedOffset>".into(),
        TypeRef::Date => "NaiveDate".into(),
        TypeRef::Time => "NaiveTime".into(),
        TypeRef::Duration => "Duration".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::Number(Float::F32) => "Number<f32>".into(),
        TypeRef::Number(Float::F64) => "Number<f64>".into(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Flags(name) => format!("Flags<{name}>"),
        TypeRef::Vec(item) => format!("Vec<{}>", render_type(item)),
        TypeRef::Json => "Value".into(),
        TypeRef::JsonObject => "Map<String, Value>".into(),
    }
}

fn diff_types(old: &ApiModel, new: &ApiModel) -> Vec<ItemDiff> {
    let by_name = |model: &'_ ApiModel| -> BTreeMap<String, TypeDef> {
        model
            .types
            .iter()
            .map(|def| (def.name.clone(), def.clone()))
            .collect()
    };
    let old = by_name(old);
    let new = by_name(new);
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();

    let mut items = Vec::new();
    for name in names {
        let (def, status) = match (old.get(name), new.get(name)) {
            (Some(before), None) => (before, Status::Removed),
            (None, Some(after)) => (after, Status::Added),
            (Some(before), Some(after)) => {
                let changes = compare_types(before, after);
                if changes.is_empty() {
                    continue;
                }
                (after, Status::Changed(changes))
            }
            (None, None) => unreachable!("every name comes from one of the maps"),
        };
        items.push(ItemDiff {
            rust: name.clone(),
            wire: schema_place(&def.origin),
            detail: describe_kind(&def.kind),
            status,
        });
    }
    items
}

/// The schema's place without the common prefix: `Pbx.User`.
fn schema_place(origin: &str) -> String {
    origin
        .strip_prefix("#/components/schemas/")
        .unwrap_or(origin)
        .to_string()
}

fn describe_kind(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Struct(object) if object.patch => {
            format!("update body, {} field(s)", object.fields.len())
        }
        TypeKind::Struct(object) => format!("struct, {} field(s)", object.fields.len()),
        TypeKind::Enum(def) if def.flags => format!("flags enum, {} member(s)", def.variants.len()),
        TypeKind::Enum(def) => format!("enum, {} member(s)", def.variants.len()),
        TypeKind::Alias(target) => format!("alias of `{}`", render_type(target)),
    }
}

fn compare_types(before: &TypeDef, after: &TypeDef) -> Vec<Change> {
    match (&before.kind, &after.kind) {
        (TypeKind::Struct(old), TypeKind::Struct(new)) => compare_structs(old, new),
        (TypeKind::Enum(old), TypeKind::Enum(new)) => compare_enums(old, new),
        (TypeKind::Alias(old), TypeKind::Alias(new)) if old == new => Vec::new(),
        (old, new) => vec![breaking(format!(
            "{} -> {}",
            describe_kind(old),
            describe_kind(new)
        ))],
    }
}

/// A field's Rust type as declared, `Option` and `Box` included.
fn render_field_type(field: &Field) -> String {
    let mut ty = render_type(&field.ty);
    if field.boxed {
        ty = format!("Box<{ty}>");
    }
    if field.optional {
        ty = format!("Option<{ty}>");
    }
    ty
}

fn compare_structs(old: &StructDef, new: &StructDef) -> Vec<Change> {
    let mut changes = Vec::new();
    if old.patch != new.patch {
        changes.push(breaking(if new.patch {
            "now an update body".to_string()
        } else {
            "no longer an update body".to_string()
        }));
    }
    if old.all_optional && !new.all_optional {
        changes.push(breaking("no longer implements `Default`".to_string()));
    } else if !old.all_optional && new.all_optional {
        changes.push(compatible("implements `Default` now".to_string()));
    }

    // Fields are matched by wire name, which is what the spec keeps stable.
    let old_fields: BTreeMap<&str, &Field> =
        old.fields.iter().map(|f| (f.wire.as_str(), f)).collect();
    let new_fields: BTreeMap<&str, &Field> =
        new.fields.iter().map(|f| (f.wire.as_str(), f)).collect();
    let wires: BTreeSet<&str> = old_fields
        .keys()
        .chain(new_fields.keys())
        .copied()
        .collect();
    for wire in wires {
        match (old_fields.get(wire), new_fields.get(wire)) {
            (Some(field), None) => changes.push(breaking(format!(
                "field `{}` (`{wire}`) removed",
                field.name
            ))),
            (None, Some(field)) => {
                let what = format!(
                    "field `{}` (`{wire}`) added: `{}`",
                    field.name,
                    render_field_type(field)
                );
                changes.push(if field.optional && new.all_optional {
                    compatible(what)
                } else {
                    breaking(what)
                });
            }
            (Some(before), Some(after)) => compare_fields(before, after, &mut changes),
            (None, None) => unreachable!("every wire name comes from one of the maps"),
        }
    }

    match (&old.additional, &new.additional) {
        (Some(field), None) => changes.push(breaking(format!(
            "field `{field}` for unnamed properties removed"
        ))),
        (None, Some(field)) => {
            let what = format!("field `{field}` for unnamed properties added");
            changes.push(if new.all_optional {
                compatible(what)
            } else {
                breaking(what)
            });
        }
        _ => {}
    }
    changes
}

fn compare_fields(before: &Field, after: &Field, changes: &mut Vec<Change>) {
    let wire = &after.wire;
    if before.name != after.name {
        changes.push(breaking(format!(
            "field `{}` (`{wire}`) renamed to `{}`",
            before.name, after.name
        )));
    }
    let (old_type, new_type) = (render_field_type(before), render_field_type(after));
    if old_type != new_type {
        changes.push(breaking(format!(
            "field `{}` (`{wire}`) retyped: `{old_type}` -> `{new_type}`",
            after.name
        )));
    } else if before.required != after.required {
        let what = if after.required {
            "always sent now (`None` as `null`)"
        } else {
            "left out when `None` now"
        };
        changes.push(compatible(format!(
            "field `{}` (`{wire}`) {what}",
            after.name
        )));
    }
}

fn compare_enums(old: &EnumDef, new: &EnumDef) -> Vec<Change> {
    let mut changes = Vec::new();
    if old.flags != new.flags {
        changes.push(breaking(if new.flags {
            "now a flags enum (several members at once)".to_string()
        } else {
            "no longer a flags enum".to_string()
        }));
    }
    let old_members: BTreeMap<&str, &str> = old
        .variants
        .iter()
        .map(|v| (v.wire.as_str(), v.name.as_str()))
        .collect();
    let new_members: BTreeMap<&str, &str> = new
        .variants
        .iter()
        .map(|v| (v.wire.as_str(), v.name.as_str()))
        .collect();
    let wires: BTreeSet<&str> = old_members
        .keys()
        .chain(new_members.keys())
        .copied()
        .collect();
    for wire in wires {
        match (old_members.get(wire), new_members.get(wire)) {
            (Some(name), None) => {
                changes.push(breaking(format!("member `{name}` (`{wire}`) removed")));
            }
            (None, Some(name)) => {
                changes.push(compatible(format!("member `{name}` (`{wire}`) added")));
            }
            (Some(before), Some(after)) if before != after => changes.push(breaking(format!(
                "member `{before}` (`{wire}`) renamed to `{after}`"
            ))),
            _ => {}
        }
    }
    changes
}
