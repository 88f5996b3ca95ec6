//! Stage 1, parse: spec text into `openapiv3::OpenAPI`, validated up front.
//!
//! Validation here covers what every later stage takes for granted: the document has the
//! OpenAPI shape, every `$ref` resolves, and every operation has a unique `operationId`.
//! All problems are reported together, so one run shows everything to fix.

use std::collections::BTreeMap;

use openapiv3::OpenAPI;
use serde_yaml::Value;

use crate::error::{Error, Problem};
use crate::naming::pointer_token;

/// Parses and validates the spec text read from `file`.
pub fn parse_spec(file: &str, text: &str) -> Result<OpenAPI, Error> {
    let document = parse_yaml(file, text)?;

    // References are checked on the plain YAML tree, where every node still has its pointer.
    let mut problems = Vec::new();
    check_references(&document, &document, "#", &mut problems);
    check_path_keys(&document, &mut problems);

    let spec = match deserialize_openapi(document) {
        Ok(spec) => spec,
        Err(problem) => {
            problems.push(problem);
            return Err(Error::Invalid {
                file: file.to_string(),
                problems,
            });
        }
    };
    check_version(&spec, &mut problems);
    check_operation_ids(&spec, &mut problems);

    if problems.is_empty() {
        Ok(spec)
    } else {
        Err(Error::Invalid {
            file: file.to_string(),
            problems,
        })
    }
}

/// Reads YAML (JSON is YAML too), reporting the line and column of a syntax error.
fn parse_yaml(file: &str, text: &str) -> Result<Value, Error> {
    serde_yaml::from_str(text).map_err(|error| {
        let (line, column) = error
            .location()
            .map_or((0, 0), |at| (at.line(), at.column()));
        Error::NotYaml {
            file: file.to_string(),
            line,
            column,
            reason: error.to_string(),
        }
    })
}

/// Deserializes the YAML tree into the OpenAPI types, naming the place of a mismatch.
fn deserialize_openapi(document: Value) -> Result<OpenAPI, Problem> {
    serde_path_to_error::deserialize(document).map_err(|error| {
        let pointer = path_to_pointer(error.path());
        Problem::Shape {
            pointer,
            reason: error.into_inner().to_string(),
        }
    })
}

/// Renders a deserializer path as a JSON pointer.
fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;

    let mut pointer = String::from("#");
    for segment in path.iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } => pointer.push_str(&pointer_token(key)),
            Segment::Enum { variant } => pointer.push_str(&pointer_token(variant)),
            Segment::Unknown => pointer.push('?'),
        }
    }
    pointer
}

/// Walks the tree and records every `$ref` that does not lead to a node of `root`.
fn check_references(root: &Value, node: &Value, pointer: &str, problems: &mut Vec<Problem>) {
    match node {
        Value::Mapping(mapping) => {
            for (key, child) in mapping {
                let key = key_text(key);
                let child_pointer = format!("{pointer}/{}", pointer_token(&key));
                // An example is data: a `$ref` key inside one is not a reference.
                if key == "example" {
                    continue;
                }
                if key == "$ref" {
                    check_reference(root, child, &child_pointer, problems);
                } else {
                    check_references(root, child, &child_pointer, problems);
                }
            }
        }
        Value::Sequence(items) => {
            for (index, child) in items.iter().enumerate() {
                check_references(root, child, &format!("{pointer}/{index}"), problems);
            }
        }
        Value::Tagged(tagged) => check_references(root, &tagged.value, pointer, problems),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
    }
}

/// Every key of `paths` is a path starting with `/` (or an `x-` extension); openapiv3 would
/// drop any other key, and its operations with it, without a word.
fn check_path_keys(document: &Value, problems: &mut Vec<Problem>) {
    let Some(Value::Mapping(paths)) = document.get("paths") else {
        return;
    };
    for key in paths.keys() {
        let key = key_text(key);
        if !key.starts_with('/') && !key.starts_with("x-") {
            problems.push(Problem::Inconsistent {
                place: format!("#/paths/{}", pointer_token(&key)),
                reason: format!("path `{key}` does not start with `/`"),
            });
        }
    }
}

/// Checks one `$ref` value written at `pointer`.
fn check_reference(root: &Value, target: &Value, pointer: &str, problems: &mut Vec<Problem>) {
    let target = match target {
        Value::String(target) => target,
        other => {
            let target = serde_yaml::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_string();
            problems.push(Problem::DanglingRef {
                pointer: pointer.to_string(),
                target,
            });
            return;
        }
    };
    if !target.starts_with("#/") {
        problems.push(Problem::Unsupported {
            place: pointer.to_string(),
            what: format!("$ref `{target}` to another document; only `#/...` references are read"),
        });
        return;
    }
    if resolve_pointer(root, target).is_none() {
        problems.push(Problem::DanglingRef {
            pointer: pointer.to_string(),
            target: target.clone(),
        });
    }
}

/// Follows a local reference (`#/components/schemas/Pbx.User`) through the tree.
fn resolve_pointer<'a>(root: &'a Value, target: &str) -> Option<&'a Value> {
    let path = target.strip_prefix("#/")?;
    path.split('/').try_fold(root, |node, token| {
        let token = token.replace("~1", "/").replace("~0", "~");
        match node {
            Value::Mapping(mapping) => mapping.get(token.as_str()),
            Value::Sequence(items) => items.get(token.parse::<usize>().ok()?),
            _ => None,
        }
    })
}

/// A mapping key as text; YAML allows numbers (`200:`) and booleans as keys.
fn key_text(key: &Value) -> String {
    match key {
        Value::String(text) => text.clone(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// The generator reads OpenAPI 3.0 documents; 3.1 changed how schemas say `null`.
fn check_version(spec: &OpenAPI, problems: &mut Vec<Problem>) {
    if !spec.openapi.starts_with("3.0.") {
        problems.push(Problem::Unsupported {
            place: "#/openapi".to_string(),
            what: format!("OpenAPI version `{}`; only 3.0.x is read", spec.openapi),
        });
    }
}

/// Every operation needs an `operationId` with something to name a method after, and no two
/// may share one.
fn check_operation_ids(spec: &OpenAPI, problems: &mut Vec<Problem>) {
    let mut first_seen: BTreeMap<&str, String> = BTreeMap::new();

    for (path, method, operation) in operations(spec) {
        let pointer = operation_pointer(path, method);
        match operation.operation_id.as_deref() {
            None => problems.push(Problem::MissingOperationId { pointer }),
            Some(id) if !id.chars().any(|c| c.is_ascii_alphanumeric()) => {
                let reason = format!("operationId `{id}` has no letter or digit to name a method");
                problems.push(Problem::Inconsistent {
                    place: pointer,
                    reason,
                });
            }
            Some(id) => match first_seen.get(id) {
                Some(first) => problems.push(Problem::DuplicateOperationId {
                    id: id.to_string(),
                    first: first.clone(),
                    second: pointer,
                }),
                None => {
                    first_seen.insert(id, pointer);
                }
            },
        }
    }
}

/// Every operation of the spec with its path and HTTP method, in document order.
///
/// Path items written as `$ref` are not followed: Microsoft.OpenApi.OData never writes them,
/// and the model stage reports them as unsupported.
pub fn operations(spec: &OpenAPI) -> impl Iterator<Item = (&str, &str, &openapiv3::Operation)> {
    spec.paths
        .paths
        .iter()
        .filter_map(|(path, item)| item.as_item().map(|item| (path, item)))
        .flat_map(|(path, item)| {
            item.iter()
                .map(move |(method, operation)| (path.as_str(), method, operation))
        })
}

/// The JSON pointer of one operation.
pub fn operation_pointer(path: &str, method: &str) -> String {
    format!("#/paths/{}/{method}", pointer_token(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_escaped_pointers() {
        let root: Value = serde_yaml::from_str("a:\n  b/c:\n    - x\n    - y\n").unwrap();
        assert_eq!(
            resolve_pointer(&root, "#/a/b~1c/1"),
            Some(&Value::String("y".into()))
        );
        assert_eq!(resolve_pointer(&root, "#/a/missing"), None);
        assert_eq!(resolve_pointer(&root, "other.yaml#/a"), None);
    }
}
