//! Stage 2, model: the spec lowered into plain structs that say exactly what to emit.
//!
//! Every decision lives here: names, optionality, which Rust type stands for which schema,
//! which runtime query options an operation takes. The emit stage only spells these out.

mod boxing;
mod features;
mod formats;
mod older_shapes;
mod operations;
mod shapes;
mod types;

use openapiv3::OpenAPI;

use crate::corrections::{Corrections, OlderValue};
use crate::error::Problem;

pub use features::{ALL_FEATURES, TAKEN_FEATURES};
pub use operations::{CLIENT_METHODS, lower_operations};
pub use types::TypeLowering;

/// The whole client: its types and its operations grouped by tag.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiModel {
    /// Every named type, sorted by Rust name.
    pub types: Vec<TypeDef>,
    /// Every tag with its operations, sorted by module name.
    pub tags: Vec<Tag>,
    /// Things the generator skipped or approximated, for the maintainer to read.
    pub warnings: Vec<String>,
}

/// One Rust type: a model struct, an enum, or an alias.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust type name, such as `PbxUser`.
    pub name: String,
    /// The module (and file) it lives in, such as `pbx_user`.
    pub module: String,
    /// Where the schema is declared, as a JSON pointer.
    pub origin: String,
    /// Documentation lines from the spec's title and description.
    pub doc: Vec<String>,
    /// What kind of type it is.
    pub kind: TypeKind,
    /// The modules of the tags whose operations reach this type, sorted: the Cargo features
    /// that compile it. Empty when no operation uses it.
    pub used_by: Vec<String>,
}

/// The shape of a [`TypeDef`].
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An object with known properties, `allOf` parents flattened in.
    Struct(StructDef),
    /// A string enum. Values outside the list are kept, not refused.
    Enum(EnumDef),
    /// Another name for a type that needs no definition of its own (`ODataCountResponse`).
    Alias(TypeRef),
}

/// A struct's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    /// Fields in the order the spec declares them, parents first.
    pub fields: Vec<Field>,
    /// The name of the map field that keeps properties the spec does not name, for objects
    /// whose content the spec leaves open.
    pub additional: Option<String>,
    /// Whether every field may be left out, so that `Default` builds an empty value.
    pub all_optional: bool,
    /// Whether this is the body of an update (`PATCH`): every field is a `Patch` that tells
    /// apart "leave unchanged", "clear" and "set".
    pub patch: bool,
    /// The string field a bare string is read into, where an older 3CX sends the string in
    /// place of this object (see `older_shapes` in the corrections).
    pub bare_string: Option<String>,
}

/// One struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust name.
    pub name: String,
    /// The name on the wire.
    pub wire: String,
    /// The field's type, before `Option` is applied.
    pub ty: TypeRef,
    /// Whether the field is `Option`: not required, or nullable.
    pub optional: bool,
    /// Whether the spec requires the field, so that `None` is sent as `null`, not left out.
    pub required: bool,
    /// Whether the value is boxed because the type contains itself.
    pub boxed: bool,
    /// Whether the value is a secret (a password, a key, a token) that `Debug` must not show.
    pub secret: bool,
    /// Documentation lines.
    pub doc: Vec<String>,
    /// What an older 3CX sends here instead, which is read as well.
    pub older: Option<OlderValue>,
}

/// A string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    /// Known members in spec order.
    pub variants: Vec<Variant>,
    /// Whether the spec marks it `x-ms-enum-flags` (several members at once, `"A, B"`).
    pub flags: bool,
    /// The name of the variant that carries values the spec does not list.
    pub unknown_variant: String,
}

/// One enum member.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The Rust name.
    pub name: String,
    /// The value on the wire.
    pub wire: String,
}

/// How a schema is spelled in Rust where it is used.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u8`.
    U8,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `String`.
    String,
    /// A date-time that keeps its offset.
    DateTime,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// An ISO 8601 duration.
    Duration,
    /// A UUID.
    Uuid,
    /// A number that may also be `"INF"`, `"-INF"` or `"NaN"`, of this precision.
    Number(Float),
    /// A generated type, by Rust name.
    Named(String),
    /// A set of members of a flags enum (`x-ms-enum-flags`), written `"A, B"`.
    Flags(String),
    /// A list.
    Vec(Box<TypeRef>),
    /// Any JSON value; the spec says nothing about it.
    Json,
    /// A JSON object whose members the spec leaves open.
    JsonObject,
}

/// The precision of a [`TypeRef::Number`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Float {
    /// `float`.
    F32,
    /// `double`.
    F64,
}

/// The operations of one tag, reached through one accessor on the client.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// The tag as the spec writes it.
    pub wire: String,
    /// The module and accessor method name, such as `users`.
    pub module: String,
    /// The accessor struct's name, such as `Users`.
    pub type_name: String,
    /// Operations sorted by method name.
    pub operations: Vec<Operation>,
}

/// One HTTP operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The spec's `operationId`.
    pub id: String,
    /// The Rust method name.
    pub method_name: String,
    /// The HTTP method.
    pub http_method: HttpMethod,
    /// The path template as the spec writes it, for documentation.
    pub path_template: String,
    /// The path split into fixed text and parameters.
    pub path: Vec<PathPart>,
    /// Path parameters (keys and function arguments) in the spec's order.
    pub params: Vec<PathParam>,
    /// The OData query options the operation accepts, if any.
    pub query: Option<Query>,
    /// The name of the sibling method that streams every item of a paged collection, when the
    /// operation returns one and takes `$top`/`$skip`.
    pub stream: Option<String>,
    /// The name of the optional `If-Match` argument, when the operation takes one.
    pub if_match: Option<String>,
    /// The request body, if any.
    pub body: Option<Body>,
    /// What a successful response carries.
    pub response: Response,
    /// Documentation lines: summary, description.
    pub doc: Vec<String>,
    /// Whether the spec marks the operation deprecated.
    pub deprecated: bool,
    /// In which 3CX versions the operation exists, as a sentence for its documentation; set
    /// from the availability table, if one is given.
    pub availability: Option<String>,
}

/// An HTTP method the XAPI uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `PATCH`.
    Patch,
    /// `DELETE`.
    Delete,
}

impl HttpMethod {
    /// The method as written in HTTP.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq)]
pub enum PathPart {
    /// Text sent as written.
    Text(String),
    /// The value of `params[index]`, rendered as an OData literal.
    Param(usize),
}

/// A parameter placed in the path.
#[derive(Debug, Clone, PartialEq)]
pub struct PathParam {
    /// The Rust argument name.
    pub name: String,
    /// The name in the template.
    pub wire: String,
    /// Its scalar type.
    pub ty: TypeRef,
    /// Documentation from the spec.
    pub doc: Option<String>,
}

/// The argument that carries an operation's query options.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The Rust argument name.
    pub name: String,
    /// Which options it carries.
    pub options: QueryOptions,
}

/// The runtime type that carries an operation's OData query options. Each set is the exact
/// list of options the spec declares for the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryOptions {
    /// `$top`, `$skip`, `$search`, `$filter`, `$count`, `$orderby`, `$select`, `$expand`.
    List,
    /// `$top`, `$skip`, `$search`, `$filter`, `$count`.
    Page,
    /// `$select`, `$expand`.
    Get,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// The Rust argument name.
    pub name: String,
    /// The body's type.
    pub ty: TypeRef,
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// Nothing (`204 No Content`, or no schema).
    Empty,
    /// One page of an OData collection (`value`, `@odata.count`, `@odata.nextLink`).
    Page {
        /// The type of one item.
        item: TypeRef,
    },
    /// A file: the body is streamed as bytes with its content type and file name.
    Download,
    /// A JSON body of this type, `null` (or no body) when `nullable`.
    Json {
        /// The type of a present value.
        ty: TypeRef,
        /// Whether the spec allows `null`, so the method returns an `Option`.
        nullable: bool,
    },
}

/// Lowers a parsed spec into the model, applying the reviewed corrections.
pub fn lower(spec: &OpenAPI, corrections: &Corrections) -> Result<ApiModel, Vec<Problem>> {
    let mut types = TypeLowering::new(spec);
    types.lower_components();
    let tags = lower_operations(spec, corrections, &mut types);

    let (mut types, mut warnings, problems) = types.finish();
    if !problems.is_empty() {
        return Err(problems);
    }
    older_shapes::apply(&mut types, &corrections.older_shapes, &mut warnings);
    features::mark_used_by(&mut types, &tags);
    warnings.sort();
    Ok(ApiModel {
        types,
        tags,
        warnings,
    })
}
