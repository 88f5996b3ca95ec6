//! `cargo xtask prism-spec`: derive a spec that Stoplight Prism mocks faithfully.
//!
//! Prism 5.14.2 misreads a few idioms of the published XAPI specs. Each function below undoes
//! one of them and nothing else, so that what Prism accepts and answers is still what the
//! published spec allows. The derived spec is a test input only: write it under `target/`.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use serde_yaml::{Mapping, Value};

/// How `cargo xtask prism-spec` is called.
pub const USAGE: &str = "usage: cargo xtask prism-spec --spec PATH --out PATH";

/// What `cargo xtask prism-spec` was asked to do.
#[derive(Debug, PartialEq)]
pub struct PrismSpecArgs {
    /// The published spec to read.
    pub spec: PathBuf,
    /// Where the derived spec is written.
    pub out: PathBuf,
}

/// How many places each transform changed, for the one-line summary.
#[derive(Debug, Default, PartialEq)]
pub struct Changes {
    /// Whether CRLF line ends were turned into LF.
    pub line_ends: bool,
    /// Paths moved under the server's base path.
    pub mounted_paths: usize,
    /// `pattern`s dropped beside `format: date-time`.
    pub date_time_patterns: usize,
    /// `format: time` and `format: duration` replaced by an example.
    pub time_formats: usize,
    /// Duration patterns narrowed to the durations a PBX writes.
    pub duration_patterns: usize,
    /// `format: uint8` integers given the range of a byte.
    pub byte_ranges: usize,
    /// `type: number` with an integer format turned into `type: integer`.
    pub integer_numbers: usize,
    /// `allOf: [$ref]` + `nullable` turned into `anyOf` with a null branch.
    pub nullable_all_ofs: usize,
    /// Catch-all `{type: object, nullable: true}` branches narrowed to `null`.
    pub null_branches: usize,
    /// `nullable` beside `oneOf`/`anyOf` turned into a null branch.
    pub nullable_unions: usize,
    /// Numeric `oneOf` unions turned into `anyOf`.
    pub numeric_unions: usize,
}

/// Parses the arguments after `prism-spec`.
pub fn parse_prism_spec_args(mut args: impl Iterator<Item = String>) -> Result<PrismSpecArgs> {
    let (mut spec, mut out) = (None, None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--spec" => spec = Some(PathBuf::from(args.next().context("`--spec` needs a path")?)),
            "--out" => out = Some(PathBuf::from(args.next().context("`--out` needs a path")?)),
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    match (spec, out) {
        (Some(spec), Some(out)) => Ok(PrismSpecArgs { spec, out }),
        _ => bail!("both `--spec` and `--out` are required\n{USAGE}"),
    }
}

/// Reads the published spec, derives the Prism spec and writes it, creating parent folders.
pub fn write_prism_spec(args: &PrismSpecArgs) -> Result<()> {
    let text = std::fs::read_to_string(&args.spec)
        .with_context(|| format!("cannot read the spec at {}", args.spec.display()))?;
    let (derived, changes) = derive_prism_spec(&text)
        .with_context(|| format!("cannot derive a Prism spec from {}", args.spec.display()))?;

    if let Some(parent) = args
        .out
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&args.out, derived)
        .with_context(|| format!("cannot write {}", args.out.display()))?;

    println!("wrote {}: {}", args.out.display(), render_changes(&changes));
    Ok(())
}

/// Renders the counts as one line.
pub fn render_changes(changes: &Changes) -> String {
    format!(
        "{} paths mounted, {} date-time patterns dropped, {} duration patterns narrowed, \
         {} time/duration formats replaced, {} byte ranges, {} integer numbers, {} nullable allOf, \
         {} catch-all null branches, {} nullable unions, {} numeric unions{}",
        changes.mounted_paths,
        changes.date_time_patterns,
        changes.duration_patterns,
        changes.time_formats,
        changes.byte_ranges,
        changes.integer_numbers,
        changes.nullable_all_ofs,
        changes.null_branches,
        changes.nullable_unions,
        changes.numeric_unions,
        if changes.line_ends {
            ", CRLF normalised"
        } else {
            ""
        },
    )
}

/// Derives the Prism spec from the text of a published spec.
pub fn derive_prism_spec(text: &str) -> Result<(String, Changes)> {
    let mut changes = Changes::default();
    let text = normalise_line_ends(text, &mut changes);
    let mut doc: Value = serde_yaml::from_str(&text).context("the spec is not YAML")?;
    if !doc.is_mapping() {
        bail!("the spec is not a mapping at the top level");
    }

    changes.mounted_paths = mount_paths_under_server(&mut doc)?;
    order_paths_literal_last(&mut doc);

    // NB: the transforms walk every mapping in the document, examples included; the XAPI
    // specs have no example shaped like the schemas these transforms look for.
    changes.date_time_patterns = visit_mappings(&mut doc, &mut drop_date_time_pattern);
    // Before the formats are replaced: the narrowing looks for `format: duration`.
    changes.duration_patterns = visit_mappings(&mut doc, &mut narrow_duration_pattern);
    changes.time_formats = visit_mappings(&mut doc, &mut replace_time_format_with_example);
    changes.byte_ranges = visit_mappings(&mut doc, &mut bound_byte_integer);
    changes.integer_numbers = visit_mappings(&mut doc, &mut type_integer_formats_as_integers);
    changes.nullable_all_ofs = visit_mappings(&mut doc, &mut split_nullable_all_of);
    changes.null_branches = visit_mappings(&mut doc, &mut narrow_catch_all_null_branches);

    // The numeric unions become `anyOf` first, so that the null branch added next cannot
    // make a `oneOf` match twice.
    changes.numeric_unions = visit_mappings(&mut doc, &mut relax_numeric_union);
    changes.nullable_unions = visit_mappings(&mut doc, &mut move_nullable_into_union);

    let derived = serde_yaml::to_string(&doc).context("cannot render the derived spec")?;
    Ok((derived, changes))
}

/// Normalises CRLF line ends to LF.
///
/// Prism problem: the older specs (20.0.4 to 20.0.7) have CRLF line ends. The YAML reader
/// folds them in most places; normalising first makes sure no `\r` reaches the derived spec.
fn normalise_line_ends<'a>(text: &'a str, changes: &mut Changes) -> std::borrow::Cow<'a, str> {
    if text.contains('\r') {
        changes.line_ends = true;
        text.replace("\r\n", "\n").into()
    } else {
        text.into()
    }
}

/// Prefixes every path with the path of the first server and makes the server `/`.
///
/// Prism problem: Prism's mock server matches request paths against `paths` only and ignores
/// `servers[].url`, so every request under `/xapi/v1` would be a 404. The full URL of every
/// operation stays what it was.
fn mount_paths_under_server(doc: &mut Value) -> Result<usize> {
    let Some(url) = doc
        .get("servers")
        .and_then(|servers| servers.get(0))
        .and_then(|server| server.get("url"))
        .and_then(Value::as_str)
    else {
        return Ok(0);
    };
    let base = base_path_of(url).trim_end_matches('/').to_string();
    if base.is_empty() {
        return Ok(0);
    }

    let Some(paths) = doc.get_mut("paths").and_then(Value::as_mapping_mut) else {
        bail!("the spec has no `paths` mapping");
    };
    let mounted: Mapping = std::mem::take(paths)
        .into_iter()
        .map(|(path, item)| match path.as_str() {
            Some(path) => Ok((Value::from(format!("{base}{path}")), item)),
            None => bail!("a key of `paths` is not a string: {path:?}"),
        })
        .collect::<Result<_>>()?;
    let count = mounted.len();
    *paths = mounted;

    let mut root = Mapping::new();
    root.insert("url".into(), "/".into());
    doc["servers"] = Value::Sequence(vec![Value::Mapping(root)]);
    Ok(count)
}

/// The path part of a server URL: `/xapi/v1` for both `/xapi/v1` and `https://h/xapi/v1`.
fn base_path_of(url: &str) -> &str {
    match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |slash| &rest[slash..]),
        None => url,
    }
}

/// Sorts the paths so that, of two templates matching the same request, the one with more
/// literal text comes last. The sort is stable, so other paths keep their order.
///
/// Prism problem: when several templated paths match a request equally well, Prism picks the
/// one declared last. `/Users(Number={Number})` is declared before `/Users({Id})`, whose `{Id}`
/// also matches `Number='100'`, so alternate-key requests reached the wrong operation.
fn order_paths_literal_last(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_mapping_mut) else {
        return;
    };
    let mut entries: Vec<(Value, Value)> = std::mem::take(paths).into_iter().collect();
    entries.sort_by_key(|(path, _)| literal_length(path.as_str().unwrap_or_default()));
    *paths = entries.into_iter().collect();
}

/// The number of characters of a path template outside `{…}` parameters.
fn literal_length(template: &str) -> usize {
    let mut depth = 0usize;
    let mut length = 0;
    for c in template.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => length += 1,
            _ => {}
        }
    }
    length
}

/// Removes `pattern` beside `format: date-time`; the format still checks the value.
///
/// Prism problem: the XAPI date-time pattern allows years of any length (`^[0-9]{4,}`), and
/// the date-times Prism generates beside it cannot be formatted, so GET operations answered
/// 500 in dynamic mode.
fn drop_date_time_pattern(schema: &mut Mapping) -> bool {
    schema.get("format").and_then(Value::as_str) == Some("date-time")
        && schema.remove("pattern").is_some()
}

/// The pattern the XAPI specs give every `format: duration`.
const XAPI_DURATION_PATTERN: &str = "^-?P([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+([.][0-9]+)?S)?)?$";

/// The durations a PBX writes (.NET's `XmlConvert`: at least one component, at most seven
/// fraction digits) with numbers small enough for the client's `jiff::Span`, which holds up to
/// 7,304,484 days: days up to six digits, hours eight, minutes and seconds nine.
const PBX_DURATION_PATTERN: &str = concat!(
    "^-?P([0-9]{1,6}D(T([0-9]{1,8}H([0-9]{1,9}M)?([0-9]{1,9}([.][0-9]{1,7})?S)?",
    "|[0-9]{1,9}M([0-9]{1,9}([.][0-9]{1,7})?S)?|[0-9]{1,9}([.][0-9]{1,7})?S))?",
    "|T([0-9]{1,8}H([0-9]{1,9}M)?([0-9]{1,9}([.][0-9]{1,7})?S)?",
    "|[0-9]{1,9}M([0-9]{1,9}([.][0-9]{1,7})?S)?|[0-9]{1,9}([.][0-9]{1,7})?S))$",
);

/// Replaces the XAPI duration pattern by [`PBX_DURATION_PATTERN`].
///
/// Prism problem: in dynamic mode Prism makes up values from the pattern, which admits `P`
/// and `PT` with no component (no duration, and never written by a PBX) and numbers of any
/// length (`P80000000D`, beyond any duration type), so the sweep met values no PBX sends.
/// Requests are checked against the narrower pattern too, which only makes validation
/// stricter.
fn narrow_duration_pattern(schema: &mut Mapping) -> bool {
    let is_xapi_duration = schema.get("format").and_then(Value::as_str) == Some("duration")
        && schema.get("pattern").and_then(Value::as_str) == Some(XAPI_DURATION_PATTERN);
    if is_xapi_duration {
        schema.insert("pattern".into(), PBX_DURATION_PATTERN.into());
    }
    is_xapi_duration
}

/// Gives `type: integer, format: uint8` the range of a byte, unless it has one.
///
/// Prism problem: Prism does not know the `uint8` format, so in dynamic mode it answered
/// numbers like `-29773085` for the five byte properties (holiday days and months, outbound
/// rule digits), which a PBX, whose property is a .NET `byte`, cannot send.
fn bound_byte_integer(schema: &mut Mapping) -> bool {
    let is_byte = schema.get("type").and_then(Value::as_str) == Some("integer")
        && schema.get("format").and_then(Value::as_str) == Some("uint8");
    if !is_byte || schema.contains_key("minimum") || schema.contains_key("maximum") {
        return false;
    }
    schema.insert("minimum".into(), 0.into());
    schema.insert("maximum".into(), 255.into());
    true
}

/// Turns `type: number` with `format: int32` or `int64` into `type: integer`.
///
/// Prism problem: 20.0.9 writes 298 integer properties as `type: number, format: int32`, and
/// in dynamic mode Prism answered fractions for them (`231544815.43`), which the format rules
/// out and a PBX, whose properties are .NET integers, cannot send.
fn type_integer_formats_as_integers(schema: &mut Mapping) -> bool {
    let integer_format = matches!(
        schema.get("format").and_then(Value::as_str),
        Some("int32" | "int64")
    );
    let is_number = schema.get("type").and_then(Value::as_str) == Some("number");
    if integer_format && is_number {
        schema.insert("type".into(), "integer".into());
    }
    integer_format && is_number
}

/// Replaces `format: time` and `format: duration` beside a `pattern` by an example that
/// matches the XAPI patterns; the pattern still checks the value.
///
/// Prism problem: the values Prism makes up for these formats (`14:15:22.123Z`, `P3Y`,
/// `string`) break the spec's own patterns, so its responses fail its own validation.
fn replace_time_format_with_example(schema: &mut Mapping) -> bool {
    let example = match schema.get("format").and_then(Value::as_str) {
        Some("time") => "12:30:05",
        Some("duration") => "PT1H30M",
        _ => return false,
    };
    if !schema.contains_key("pattern") {
        return false;
    }
    schema.remove("format");
    if !schema.contains_key("example") {
        schema.insert("example".into(), example.into());
    }
    true
}

/// Turns `allOf: [X]` + `nullable: true` without `type` into `anyOf: [X, null]`.
///
/// Prism problem: Prism honours `nullable` only beside `type`, so it refused `null` for the
/// 118 enum properties (and the object properties) the XAPI writes this way.
fn split_nullable_all_of(schema: &mut Mapping) -> bool {
    let single = matches!(schema.get("allOf"), Some(Value::Sequence(items)) if items.len() == 1);
    if !single || !is_true(schema.get("nullable")) || schema.contains_key("type") {
        return false;
    }
    let Some(Value::Sequence(mut branches)) = schema.remove("allOf") else {
        return false;
    };
    schema.remove("nullable");
    branches.push(null_schema());
    schema.insert("anyOf".into(), Value::Sequence(branches));
    true
}

/// Narrows `{type: object, nullable: true}` branches of `oneOf`/`anyOf` to `null` alone.
///
/// Prism problem: the older specs write a nullable reference as `anyOf: [$ref, {type: object,
/// nullable: true}]`, and the second branch accepts any object, so the property is not checked
/// at all. The intent is "or null".
fn narrow_catch_all_null_branches(schema: &mut Mapping) -> bool {
    let mut changed = false;
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Sequence(branches)) = schema.get_mut(key) {
            for branch in branches.iter_mut() {
                if is_catch_all_nullable_object(branch) {
                    *branch = null_schema();
                    changed = true;
                }
            }
        }
    }
    changed
}

fn is_catch_all_nullable_object(branch: &Value) -> bool {
    let Some(map) = branch.as_mapping() else {
        return false;
    };
    map.len() == 2
        && map.get("type").and_then(Value::as_str) == Some("object")
        && is_true(map.get("nullable"))
}

/// How OData writes a number as a string (`IEEE754Compatible`): the meaning of the plain
/// `string` branch of a numeric union.
const NUMERIC_STRING_PATTERN: &str = "^-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]+)?$";

/// Turns `oneOf` into `anyOf` for the numeric unions `[number, string, ReferenceNumeric]`, and
/// gives their `string` branch the pattern of a number.
///
/// Prism problems: `null`, "NaN" and "INF" match several branches of these unions, so a
/// `oneOf` rejects exactly the values the union exists for; and in dynamic mode Prism answered
/// words (`"tempor"`) for the string branch, which stands for a number written as a string.
fn relax_numeric_union(schema: &mut Mapping) -> bool {
    let numeric = match schema.get("oneOf") {
        Some(Value::Sequence(branches)) => branches.iter().any(|branch| {
            branch
                .get("$ref")
                .and_then(Value::as_str)
                .is_some_and(|target| target.ends_with("/ReferenceNumeric"))
        }),
        _ => false,
    };
    if !numeric {
        return false;
    }
    let mut branches = schema.remove("oneOf").unwrap_or_default();
    for branch in branches.as_sequence_mut().into_iter().flatten() {
        let Some(branch) = branch.as_mapping_mut() else {
            continue;
        };
        if branch.get("type").and_then(Value::as_str) == Some("string")
            && !branch.contains_key("pattern")
        {
            branch.insert("pattern".into(), NUMERIC_STRING_PATTERN.into());
        }
    }
    schema.insert("anyOf".into(), branches);
    true
}

/// Moves `nullable: true` beside `oneOf`/`anyOf` (and no `type`) into a null branch.
///
/// Prism problem: Prism passes `nullable` without `type` on to its validator, which cannot
/// compile such a schema, and Prism then silently skips validation of the whole body
/// (`UpdateCost` in 20.0.4, whose numeric unions have `nullable` beside them).
fn move_nullable_into_union(schema: &mut Mapping) -> bool {
    if !is_true(schema.get("nullable")) || schema.contains_key("type") {
        return false;
    }
    let Some(key) = ["anyOf", "oneOf"]
        .into_iter()
        .find(|key| schema.contains_key(*key))
    else {
        return false;
    };
    let Some(Value::Sequence(branches)) = schema.get_mut(key) else {
        return false;
    };
    branches.push(null_schema());
    schema.remove("nullable");
    true
}

/// A schema that accepts `null` and nothing else: `enum: [null]`.
///
/// NB: neither `type` nor `nullable`. Prism appends `null` to the `enum` of a nullable schema
/// with a `type`, and its validator refuses `nullable` without `type`; either mistake makes
/// the whole body's schema fail to compile, and Prism then silently skips validation.
fn null_schema() -> Value {
    let mut map = Mapping::new();
    map.insert("enum".into(), Value::Sequence(vec![Value::Null]));
    Value::Mapping(map)
}

fn is_true(value: Option<&Value>) -> bool {
    value.and_then(Value::as_bool) == Some(true)
}

/// Calls `transform` on every mapping below `value`, children first, and counts the calls
/// that changed something.
fn visit_mappings(value: &mut Value, transform: &mut impl FnMut(&mut Mapping) -> bool) -> usize {
    match value {
        Value::Mapping(map) => {
            let below: usize = map
                .values_mut()
                .map(|child| visit_mappings(child, transform))
                .sum();
            below + usize::from(transform(map))
        }
        Value::Sequence(items) => items
            .iter_mut()
            .map(|child| visit_mappings(child, transform))
            .sum(),
        Value::Tagged(tagged) => visit_mappings(&mut tagged.value, transform),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).expect("test YAML parses")
    }

    /// Applies `transform` to every mapping of `input` and compares with `expected`.
    fn check(transform: fn(&mut Mapping) -> bool, input: &str, expected: &str, count: usize) {
        let mut value = yaml(input);
        let changed = visit_mappings(&mut value, &mut |map| transform(map));
        assert_eq!(value, yaml(expected));
        assert_eq!(changed, count);
    }

    fn path_keys(doc: &Value) -> Vec<&str> {
        doc["paths"]
            .as_mapping()
            .unwrap()
            .keys()
            .map(|key| key.as_str().unwrap())
            .collect()
    }

    #[test]
    fn crlf_becomes_lf() {
        let (derived, changes) =
            derive_prism_spec("openapi: 3.0.4\r\ninfo:\r\n  description: |\r\n    a\r\n    b\r\n")
                .unwrap();
        assert!(changes.line_ends);
        assert!(!derived.contains('\r'));
        assert_eq!(yaml(&derived)["info"]["description"], "a\nb\n");
    }

    #[test]
    fn paths_move_under_the_server_path() {
        let mut doc =
            yaml("servers: [{url: /xapi/v1}]\npaths:\n  /Users: {}\n  '/Users({Id})': {}\n");
        assert_eq!(mount_paths_under_server(&mut doc).unwrap(), 2);
        assert_eq!(path_keys(&doc), ["/xapi/v1/Users", "/xapi/v1/Users({Id})"]);
        assert_eq!(doc["servers"], yaml("[{url: /}]"));
    }

    #[test]
    fn absolute_server_urls_contribute_their_path() {
        assert_eq!(base_path_of("https://pbx.example.com/xapi/v1"), "/xapi/v1");
        assert_eq!(base_path_of("https://pbx.example.com"), "");
        assert_eq!(base_path_of("/xapi/v1/"), "/xapi/v1/");

        let mut doc = yaml("servers: [{url: 'https://pbx.example.com/'}]\npaths: {/a: {}}\n");
        assert_eq!(mount_paths_under_server(&mut doc).unwrap(), 0);
        assert_eq!(path_keys(&doc), ["/a"]);
    }

    #[test]
    fn alternate_keys_come_after_the_key_path() {
        let mut doc = yaml(
            "paths:\n  '/Users(Number={Number})': {}\n  /Users: {}\n  '/Users({Id})': {}\n  \
             '/Users({Id})/Groups': {}\n",
        );
        order_paths_literal_last(&mut doc);
        assert_eq!(
            path_keys(&doc),
            [
                "/Users",
                "/Users({Id})",
                "/Users(Number={Number})",
                "/Users({Id})/Groups"
            ]
        );
        assert_eq!(
            literal_length("/Users(Number={Number})"),
            "/Users(Number=)".len()
        );
    }

    #[test]
    fn date_time_keeps_its_format_but_not_the_pattern() {
        check(
            drop_date_time_pattern,
            "{pattern: '^[0-9]{4,}-$', type: string, format: date-time, nullable: true}",
            "{type: string, format: date-time, nullable: true}",
            1,
        );
        check(
            drop_date_time_pattern,
            "{pattern: '^[0-9a-f]{8}$', type: string, format: uuid}",
            "{pattern: '^[0-9a-f]{8}$', type: string, format: uuid}",
            0,
        );
    }

    #[test]
    fn time_and_duration_get_examples_instead_of_formats() {
        check(
            replace_time_format_with_example,
            "{properties: {Start: {pattern: '^t$', type: string, format: time}, \
              Wait: {pattern: '^d$', type: string, format: duration, example: PT5S}}}",
            "{properties: {Start: {pattern: '^t$', type: string, example: '12:30:05'}, \
              Wait: {pattern: '^d$', type: string, example: PT5S}}}",
            2,
        );
        check(
            replace_time_format_with_example,
            "{type: string, format: time}",
            "{type: string, format: time}",
            0,
        );
    }

    #[test]
    fn duration_patterns_narrow_to_what_a_pbx_writes() {
        let input =
            format!("{{type: string, format: duration, pattern: '{XAPI_DURATION_PATTERN}'}}");
        let expected =
            format!("{{type: string, format: duration, pattern: '{PBX_DURATION_PATTERN}'}}");
        check(narrow_duration_pattern, &input, &expected, 1);
        check(
            narrow_duration_pattern,
            "{type: string, format: duration, pattern: '^P.*$'}",
            "{type: string, format: duration, pattern: '^P.*$'}",
            0,
        );
    }

    /// What the narrowed pattern admits, checked with a regex engine of the same dialect for
    /// these constructs.
    #[test]
    fn the_narrowed_duration_pattern_admits_pbx_durations_only() {
        let pattern = regex::Regex::new(PBX_DURATION_PATTERN).unwrap();
        for written in [
            "PT0S",
            "P1D",
            "-P1DT2H",
            "PT1H30M",
            "PT24.9601795S",
            "P999999DT23H",
        ] {
            assert!(pattern.is_match(written), "{written} is refused");
        }
        for unwritten in ["P", "PT", "-P", "P1DT", "P1234567D", "PT1.12345678S", "P1Y"] {
            assert!(!pattern.is_match(unwritten), "{unwritten} is admitted");
        }
    }

    #[test]
    fn bytes_get_their_range() {
        check(
            bound_byte_integer,
            "{properties: {Day: {type: integer, format: uint8}, \
              Month: {type: integer, format: uint8, maximum: 12}}}",
            "{properties: {Day: {type: integer, format: uint8, minimum: 0, maximum: 255}, \
              Month: {type: integer, format: uint8, maximum: 12}}}",
            1,
        );
    }

    #[test]
    fn numbers_with_an_integer_format_become_integers() {
        check(
            type_integer_formats_as_integers,
            "{properties: {Id: {type: number, format: int32, nullable: true}, \
              Size: {type: number, format: int64}, Rate: {type: number, format: double}}}",
            "{properties: {Id: {type: integer, format: int32, nullable: true}, \
              Size: {type: integer, format: int64}, Rate: {type: number, format: double}}}",
            2,
        );
    }

    #[test]
    fn nullable_all_of_gets_a_null_branch() {
        check(
            split_nullable_all_of,
            "{allOf: [{$ref: '#/components/schemas/Pbx.Kind'}], nullable: true, \
              x-ms-navigationProperty: true}",
            "{x-ms-navigationProperty: true, anyOf: [{$ref: '#/components/schemas/Pbx.Kind'}, \
              {enum: [null]}]}",
            1,
        );
        check(
            split_nullable_all_of,
            "{allOf: [{$ref: '#/a'}, {type: object}], nullable: true}",
            "{allOf: [{$ref: '#/a'}, {type: object}], nullable: true}",
            0,
        );
    }

    #[test]
    fn catch_all_null_branches_accept_only_null() {
        check(
            narrow_catch_all_null_branches,
            "{anyOf: [{$ref: '#/a'}, {type: object, nullable: true}]}",
            "{anyOf: [{$ref: '#/a'}, {enum: [null]}]}",
            1,
        );
        check(
            narrow_catch_all_null_branches,
            "{anyOf: [{$ref: '#/a'}, {type: object, nullable: true, properties: {}}]}",
            "{anyOf: [{$ref: '#/a'}, {type: object, nullable: true, properties: {}}]}",
            0,
        );
    }

    #[test]
    fn numeric_unions_become_any_of() {
        check(
            relax_numeric_union,
            "{oneOf: [{type: number}, {type: string, nullable: true}, \
              {$ref: '#/components/schemas/ReferenceNumeric'}]}",
            &format!(
                "{{anyOf: [{{type: number}}, \
                  {{type: string, nullable: true, pattern: '{NUMERIC_STRING_PATTERN}'}}, \
                  {{$ref: '#/components/schemas/ReferenceNumeric'}}]}}"
            ),
            1,
        );
        check(
            relax_numeric_union,
            "{oneOf: [{$ref: '#/a'}, {$ref: '#/b'}]}",
            "{oneOf: [{$ref: '#/a'}, {$ref: '#/b'}]}",
            0,
        );
    }

    #[test]
    fn nullable_beside_a_union_becomes_a_branch() {
        check(
            move_nullable_into_union,
            "{anyOf: [{type: number}], nullable: true}",
            "{anyOf: [{type: number}, {enum: [null]}]}",
            1,
        );
        check(
            move_nullable_into_union,
            "{type: object, nullable: true, anyOf: [{type: number}]}",
            "{type: object, nullable: true, anyOf: [{type: number}]}",
            0,
        );
    }

    #[test]
    fn the_whole_derivation_changes_only_what_it_reports() {
        let spec = "openapi: 3.0.4\nservers:\n  - url: /xapi/v1\npaths:\n  \
            '/Users(Number={Number})':\n    get: {operationId: GetUserByNumber}\n  \
            '/Users({Id})':\n    get: {operationId: GetUser}\ncomponents:\n  schemas:\n    \
            Pbx.Rate:\n      oneOf: [{type: number}, {type: string}, \
            {$ref: '#/components/schemas/ReferenceNumeric'}]\n      nullable: true\n";
        let (derived, changes) = derive_prism_spec(spec).unwrap();
        assert_eq!(
            changes,
            Changes {
                mounted_paths: 2,
                numeric_unions: 1,
                nullable_unions: 1,
                ..Changes::default()
            }
        );
        let doc = yaml(&derived);
        assert_eq!(
            path_keys(&doc),
            ["/xapi/v1/Users({Id})", "/xapi/v1/Users(Number={Number})"]
        );
        assert_eq!(
            doc["components"]["schemas"]["Pbx.Rate"]["anyOf"][3],
            null_schema()
        );
        assert!(
            doc["components"]["schemas"]["Pbx.Rate"]
                .get("nullable")
                .is_none()
        );
    }

    #[test]
    fn arguments_need_spec_and_out() {
        let args = ["--spec", "in.yaml", "--out", "target/prism/out.yaml"].map(String::from);
        assert_eq!(
            parse_prism_spec_args(args.into_iter()).unwrap(),
            PrismSpecArgs {
                spec: "in.yaml".into(),
                out: "target/prism/out.yaml".into()
            }
        );
        let error = parse_prism_spec_args(["--spec".to_string(), "a".into()].into_iter());
        assert_eq!(
            error.unwrap_err().to_string(),
            format!("both `--spec` and `--out` are required\n{USAGE}")
        );
    }
}
