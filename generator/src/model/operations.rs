//! Lowering operations: paths, parameters, bodies and responses into [`Operation`]s, grouped
//! into [`Tag`]s.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody,
    Response as SpecResponse, StatusCode,
};

use crate::corrections::Corrections;
use crate::error::Problem;
use crate::model::types::{SchemaRef, TypeLowering, split_lines};
use crate::model::{
    Body, HttpMethod, Operation, PathParam, PathPart, Query, QueryOptions, Response,
    TAKEN_FEATURES, Tag, TypeRef,
};
use crate::naming::{NameRegistry, pointer_token, type_name, value_name};
use crate::parse::operation_pointer;

/// The tag of operations that the spec leaves untagged.
const DEFAULT_TAG: &str = "Untagged";

/// Names that tag modules import, which a tag's accessor struct must not take.
const TAG_MODULE_IMPORTS: &[&str] = &["Literal"];

/// Names of the methods in the runtime's `impl Client` blocks, which a tag accessor (also a
/// method of `Client`) must not take. A workspace test checks this list against the runtime.
pub const CLIENT_METHODS: &[&str] = &[
    "attempt",
    "base",
    "base_url",
    "builder",
    "clone",
    "execute",
    "fmt",
    "max_pages",
    "note_pbx_version",
    "paginate",
    "pbx_version",
    "render_traced_path",
    "request_url",
    "run",
    "send_call",
    "send_download",
    "send_empty",
    "send_json",
    "send_once",
    "send_traced",
    "start",
];

/// Module names a tag cannot take: `api::api` would repeat its parent's name.
const RESERVED_TAG_MODULES: &[&str] = &["api"];

/// Method names an operation cannot take: clippy expects `new` to build `Self`.
const RESERVED_METHODS: &[&str] = &["new"];

/// The OData query options of each runtime options type, in the order the spec lists them.
const QUERY_OPTION_SETS: &[(QueryOptions, &[&str])] = &[
    (
        QueryOptions::List,
        &[
            "$top", "$skip", "$search", "$filter", "$count", "$orderby", "$select", "$expand",
        ],
    ),
    (
        QueryOptions::Page,
        &["$top", "$skip", "$search", "$filter", "$count"],
    ),
    (QueryOptions::Get, &["$select", "$expand"]),
];

/// Lowers every operation and groups them by their first tag. Problems are recorded in
/// `types`, beside those of the schemas.
pub fn lower_operations<'s>(
    spec: &'s OpenAPI,
    corrections: &Corrections,
    types: &mut TypeLowering<'s>,
) -> Vec<Tag> {
    let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
    let mut seen_ids = BTreeSet::new();
    let mut tag_modules = NameRegistry::with_reserved(CLIENT_METHODS, "a method of `Client`");
    for module in RESERVED_TAG_MODULES {
        let _ = tag_modules.claim(module, "the generated module of the same name");
    }
    for feature in TAKEN_FEATURES {
        let _ = tag_modules.claim(feature, "a Cargo feature of the client");
    }
    let mut tag_types = NameRegistry::with_reserved(TAG_MODULE_IMPORTS, "an import of tag modules");
    let mut method_names: BTreeMap<String, NameRegistry> = BTreeMap::new();

    for (path, item) in &spec.paths.paths {
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                let place = format!("#/paths/{}", pointer_token(path));
                types.unsupported(&place, format!("path item written as $ref `{reference}`"));
                continue;
            }
        };

        for (method, spec_operation) in item.iter() {
            let pointer = operation_pointer(path, method);
            seen_ids.extend(spec_operation.operation_id.clone());
            let lowered = lower_operation(spec, corrections, types, path, item, method, &pointer);
            let Some(mut operation) = lowered else {
                continue;
            };

            let tag_wire = spec_operation
                .tags
                .first()
                .map_or(DEFAULT_TAG, String::as_str);
            if !tags.contains_key(tag_wire) {
                let module = value_name(tag_wire);
                let accessor = type_name(tag_wire);
                let place = format!("tag {tag_wire}");
                let claimed = tag_modules
                    .claim(&module, &place)
                    .and_then(|()| tag_types.claim(&accessor, &place));
                if let Err(collision) = claimed {
                    types.problem(collision.into());
                    continue;
                }
                let tag = Tag {
                    wire: tag_wire.to_string(),
                    module,
                    type_name: accessor,
                    operations: Vec::new(),
                };
                tags.insert(tag_wire.to_string(), tag);
            }

            let registry = method_names.entry(tag_wire.to_string()).or_insert_with(|| {
                NameRegistry::with_reserved(
                    RESERVED_METHODS,
                    "a name clippy keeps for constructors",
                )
            });
            let place = format!("operation {}", operation.id);
            if let Err(collision) = registry.claim(&operation.method_name, &place) {
                types.problem(collision.into());
                continue;
            }
            if let Some(stream) = &operation.stream {
                let place = format!("operation {} (stream of all items)", operation.id);
                if let Err(collision) = registry.claim(stream, &place) {
                    types.problem(collision.into());
                    operation.stream = None;
                }
            }
            if let Some(tag) = tags.get_mut(tag_wire) {
                tag.operations.push(operation);
            }
        }
    }

    for (place, id) in corrections.named_operations() {
        // An older spec may lack an operation the pinned one has, so this only warns.
        if !seen_ids.contains(id) {
            types.warn(format!(
                "corrections {place}: no operation `{id}` in this spec"
            ));
        }
    }

    let mut tags: Vec<Tag> = tags.into_values().collect();
    tags.sort_by(|a, b| a.module.cmp(&b.module));
    for tag in &mut tags {
        tag.operations
            .sort_by(|a, b| a.method_name.cmp(&b.method_name));
    }
    tags
}

/// Lowers one operation, or records why it cannot be and returns `None`.
fn lower_operation<'s>(
    spec: &'s OpenAPI,
    corrections: &Corrections,
    types: &mut TypeLowering<'s>,
    path: &str,
    item: &'s PathItem,
    method: &str,
    pointer: &str,
) -> Option<Operation> {
    let operation = operation_of(item, method)?;
    // The parse stage reports a missing operationId.
    let id = operation.operation_id.clone()?;
    let http_method = match method {
        "get" => HttpMethod::Get,
        "post" => HttpMethod::Post,
        "put" => HttpMethod::Put,
        "patch" => HttpMethod::Patch,
        "delete" => HttpMethod::Delete,
        other => {
            types.unsupported(pointer, format!("HTTP method `{other}`"));
            return None;
        }
    };

    let mut arguments = NameRegistry::default();
    let mut params = Vec::new();
    let mut query_names = Vec::new();
    let mut if_match = false;

    // Path-level parameters apply to every operation of the path; the operation's own
    // parameters come after them, as the spec lists them.
    let declared = item.parameters.iter().chain(&operation.parameters);
    for (index, parameter) in declared.enumerate() {
        let place = format!("{pointer}/parameters/{index}");
        let Some(parameter) = resolve_parameter(spec, parameter, &place, types) else {
            continue;
        };
        let data = parameter.parameter_data_ref();
        match parameter {
            Parameter::Path { .. } => {
                let Some(param) = lower_path_param(types, data, &place, &id) else {
                    continue;
                };
                if let Err(collision) = arguments.claim(&param.name, &place) {
                    types.problem(collision.into());
                    continue;
                }
                params.push(param);
            }
            Parameter::Query { .. } => query_names.push(data.name.clone()),
            Parameter::Header { .. } if data.name.eq_ignore_ascii_case("If-Match") => {
                if_match = true;
            }
            Parameter::Header { .. } => {
                types.unsupported(&place, format!("header parameter `{}`", data.name));
            }
            Parameter::Cookie { .. } => {
                types.unsupported(&place, format!("cookie parameter `{}`", data.name));
            }
        }
    }

    let query = lower_query_options(&query_names, types, pointer)?;
    let path_parts = lower_path_template(path, &params, types, pointer)?;

    // Arguments the generator adds itself step aside for the spec's own parameter names.
    let query = query.map(|options| Query {
        name: arguments.claim_free("query", "the query options"),
        options,
    });
    let if_match = if_match.then(|| arguments.claim_free("if_match", "the If-Match header"));
    let hint = format!("{}RequestBody", type_name(&id));
    let body = match &operation.request_body {
        Some(body) => {
            let place = format!("{pointer}/requestBody");
            let (ty, _) = lower_request_body(spec, body, &place, &hint, types)?;
            let ty = match (http_method, &ty) {
                // An update sends only what the caller changed (field case C06).
                (HttpMethod::Patch, TypeRef::Named(name)) => {
                    types.update_type(name).map_or(ty, TypeRef::Named)
                }
                _ => ty,
            };
            let name = arguments.claim_free("body", "the request body");
            Some(Body { name, ty })
        }
        None => None,
    };

    let response = lower_response(spec, &operation.responses, pointer, &id, types)?;
    let response = shape_response(response, http_method, &id, corrections, types);
    let method_name = value_name(&id);
    let paged = matches!(
        query.as_ref().map(|query| query.options),
        Some(QueryOptions::List | QueryOptions::Page)
    );
    let stream = (paged && matches!(response, Response::Page { .. }))
        .then(|| format!("{method_name}_stream"));

    let mut doc = Vec::new();
    doc.extend(
        operation
            .summary
            .as_deref()
            .map(split_lines)
            .unwrap_or_default(),
    );
    if let Some(description) = operation.description.as_deref() {
        doc.push(String::new());
        doc.extend(split_lines(description));
    }

    Some(Operation {
        method_name,
        id,
        http_method,
        path_template: path.to_string(),
        path: path_parts,
        params,
        query,
        stream,
        if_match,
        body,
        response,
        doc,
        deprecated: operation.deprecated,
        availability: None,
    })
}

fn operation_of<'s>(item: &'s PathItem, method: &str) -> Option<&'s openapiv3::Operation> {
    item.iter()
        .find(|(candidate, _)| *candidate == method)
        .map(|(_, operation)| operation)
}

/// Follows `#/components/parameters/<name>`.
fn resolve_parameter<'s>(
    spec: &'s OpenAPI,
    parameter: &'s ReferenceOr<Parameter>,
    place: &str,
    types: &mut TypeLowering<'s>,
) -> Option<&'s Parameter> {
    match parameter {
        ReferenceOr::Item(parameter) => Some(parameter),
        ReferenceOr::Reference { reference } => {
            let resolved = reference
                .strip_prefix("#/components/parameters/")
                .and_then(|name| spec.components.as_ref()?.parameters.get(name)?.as_item());
            if resolved.is_none() {
                types.unsupported(place, format!("parameter $ref `{reference}`"));
            }
            resolved
        }
    }
}

/// A path parameter must be a scalar the runtime can write as an OData literal.
fn lower_path_param<'s>(
    types: &mut TypeLowering<'s>,
    data: &'s openapiv3::ParameterData,
    place: &str,
    operation_id: &str,
) -> Option<PathParam> {
    let ParameterSchemaOrContent::Schema(schema) = &data.format else {
        types.unsupported(
            place,
            format!("path parameter `{}` described by content", data.name),
        );
        return None;
    };
    let hint = format!("{}{}", type_name(operation_id), type_name(&data.name));
    let ty = types.lower_use(SchemaRef::of(schema), &format!("{place}/schema"), &hint);
    let scalar = matches!(
        ty,
        TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::U8
            | TypeRef::String
            | TypeRef::DateTime
            | TypeRef::Uuid
    );
    if !scalar {
        types.unsupported(
            place,
            format!("path parameter `{}` of a non-scalar type", data.name),
        );
        return None;
    }
    Some(PathParam {
        name: value_name(&data.name),
        wire: data.name.clone(),
        ty,
        doc: data.description.clone(),
    })
}

/// Picks the runtime options type whose options are exactly the declared ones.
///
/// Returns `Some(None)` for an operation without query parameters, and `None` (after
/// recording the problem) for a set no runtime type carries.
fn lower_query_options(
    names: &[String],
    types: &mut TypeLowering<'_>,
    pointer: &str,
) -> Option<Option<QueryOptions>> {
    if names.is_empty() {
        return Some(None);
    }
    let mut declared: Vec<&str> = names.iter().map(String::as_str).collect();
    declared.sort_unstable();
    for (options, set) in QUERY_OPTION_SETS {
        let mut known = set.to_vec();
        known.sort_unstable();
        if known == declared {
            return Some(Some(*options));
        }
    }
    types.unsupported(pointer, format!("query parameters [{}]", names.join(", ")));
    None
}

/// Splits `/Users({Id})/Pbx.Foo(bar={bar})` into text and parameter references, checking
/// that template and parameters match one to one.
fn lower_path_template(
    template: &str,
    params: &[PathParam],
    types: &mut TypeLowering<'_>,
    pointer: &str,
) -> Option<Vec<PathPart>> {
    if !template.starts_with('/') {
        let reason = format!("path `{template}` does not start with `/`");
        types.problem(Problem::Inconsistent {
            place: pointer.to_string(),
            reason,
        });
        return None;
    }

    let mut parts = Vec::new();
    let mut used = vec![false; params.len()];
    let mut rest = template;

    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|close| open + close) else {
            types.unsupported(
                pointer,
                format!("path template `{template}` with an unclosed `{{`"),
            );
            return None;
        };
        if open > 0 {
            parts.push(PathPart::Text(rest[..open].to_string()));
        }
        let name = &rest[open + 1..close];
        match params.iter().position(|param| param.wire == name) {
            Some(index) => {
                used[index] = true;
                parts.push(PathPart::Param(index));
            }
            None => {
                let reason = format!("path template names `{name}`, which is no path parameter");
                types.problem(Problem::Inconsistent {
                    place: pointer.to_string(),
                    reason,
                });
                return None;
            }
        }
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Text(rest.to_string()));
    }

    if let Some(unused) = used.iter().position(|used| !used) {
        let name = &params[unused].wire;
        let reason = format!("path parameter `{name}` does not occur in the path template");
        types.problem(Problem::Inconsistent {
            place: pointer.to_string(),
            reason,
        });
        return None;
    }
    Some(parts)
}

/// The type of a JSON request body.
fn lower_request_body<'s>(
    spec: &'s OpenAPI,
    body: &'s ReferenceOr<RequestBody>,
    place: &str,
    hint: &str,
    types: &mut TypeLowering<'s>,
) -> Option<(TypeRef, bool)> {
    let (body, place) = match body {
        ReferenceOr::Item(body) => (body, place.to_string()),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/requestBodies/");
            let resolved = name.and_then(|name| {
                spec.components
                    .as_ref()?
                    .request_bodies
                    .get(name)?
                    .as_item()
            });
            match (name, resolved) {
                (Some(name), Some(body)) => (
                    body,
                    format!("#/components/requestBodies/{}", pointer_token(name)),
                ),
                _ => {
                    types.unsupported(place, format!("request body $ref `{reference}`"));
                    return None;
                }
            }
        }
    };
    json_content(&body.content, &place, hint, types)
}

/// The type of the JSON content of a body or response, and whether it may be `null`;
/// `None` after recording a problem.
fn json_content<'s>(
    content: &'s openapiv3::Content,
    place: &str,
    hint: &str,
    types: &mut TypeLowering<'s>,
) -> Option<(TypeRef, bool)> {
    match content.get("application/json") {
        Some(media) => Some(match &media.schema {
            Some(schema) => {
                let place = format!("{place}/content/application~1json/schema");
                let schema = SchemaRef::of(schema);
                (
                    types.lower_use(schema, &place, hint),
                    types.is_nullable(schema),
                )
            }
            None => (TypeRef::Json, false),
        }),
        None => {
            let kinds: Vec<&str> = content.keys().map(String::as_str).collect();
            // FIXME(#3): non-JSON bodies (file uploads and downloads) are not modelled yet.
            types.unsupported(place, format!("content types [{}]", kinds.join(", ")));
            None
        }
    }
}

/// Gives a JSON response its OData shape: a file, a page of a collection, or an entity that
/// carries its ETag.
fn shape_response(
    response: Response,
    http_method: HttpMethod,
    id: &str,
    corrections: &Corrections,
    types: &mut TypeLowering<'_>,
) -> Response {
    let Response::Json { ty, nullable } = response else {
        return response;
    };
    let opaque = matches!(&ty, TypeRef::Named(name) if types.is_opaque(name));

    // Files are declared as JSON (field case C11): a GET named Download*/Export*, or a GET
    // whose answer the spec leaves empty, streams bytes. An action answering an empty object
    // carries nothing we know of, so its body is ignored.
    let by_rule = http_method == HttpMethod::Get
        && (id.starts_with("Download") || id.starts_with("Export") || opaque);
    let listed = |list: &[String]| list.iter().any(|listed| listed == id);
    if listed(&corrections.downloads.add) || (by_rule && !listed(&corrections.downloads.remove)) {
        return Response::Download;
    }
    if opaque {
        return Response::Empty;
    }

    if let TypeRef::Named(name) = &ty
        && let Some(item) = types.collection_item(name)
    {
        types.mark_entity(&item);
        return Response::Page { item };
    }
    // What a GET reads may be an entity, which the PBX sends with its ETag; the field is
    // optional, so a complex value without one reads the same.
    if http_method == HttpMethod::Get {
        types.mark_entity(&ty);
    }
    Response::Json { ty, nullable }
}

/// What the first success response carries.
fn lower_response<'s>(
    spec: &'s OpenAPI,
    responses: &'s openapiv3::Responses,
    pointer: &str,
    operation_id: &str,
    types: &mut TypeLowering<'s>,
) -> Option<Response> {
    let success = responses.responses.iter().find(|(status, _)| match status {
        StatusCode::Code(code) => (200..300).contains(code),
        StatusCode::Range(range) => *range == 2,
    });
    let Some((status, response)) = success else {
        return Some(Response::Empty);
    };

    // An inline schema is named after the operation, or after the shared response component
    // that declares it, so that every operation using the component gets the same type.
    let place = format!("{pointer}/responses/{status}");
    let mut hint = format!("{}Response", type_name(operation_id));
    let (response, place): (&'s SpecResponse, String) = match response {
        ReferenceOr::Item(response) => (response, place),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/responses/");
            let resolved =
                name.and_then(|name| spec.components.as_ref()?.responses.get(name)?.as_item());
            match (name, resolved) {
                (Some(name), Some(response)) => {
                    hint = type_name(name);
                    (
                        response,
                        format!("#/components/responses/{}", pointer_token(name)),
                    )
                }
                _ => {
                    types.unsupported(&place, format!("response $ref `{reference}`"));
                    return None;
                }
            }
        }
    };

    if response.content.is_empty() {
        return Some(Response::Empty);
    }
    let (ty, nullable) = json_content(&response.content, &place, &hint, types)?;
    Some(Response::Json { ty, nullable })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_option_sets_have_no_duplicates() {
        for (_, set) in QUERY_OPTION_SETS {
            let mut sorted = set.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), set.len());
        }
    }
}
