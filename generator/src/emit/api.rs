//! Emitting operations: one module per tag with an accessor struct and one method per
//! operation, each a single call into the hand-written runtime that returns its future.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::{doc_type_ref, emit_doc, emit_spec_doc, emit_type_ref};
use crate::model::{HttpMethod, Operation, PathPart, QueryOptions, Response, Tag, TypeRef};

/// Clippy's default limit for function arguments, `self` included.
const CLIPPY_MAX_ARGUMENTS: usize = 7;

/// `api/mod.rs`: declares each tag's module and re-exports its accessor.
pub fn emit_api_index(tags: &[Tag]) -> TokenStream {
    let items = tags.iter().map(|tag| {
        let module = format_ident!("{}", tag.module);
        let accessor = format_ident!("{}", tag.type_name);
        let feature = &tag.module;
        quote! {
            #[cfg(feature = #feature)]
            pub mod #module;
            #[cfg(feature = #feature)]
            pub use self::#module::#accessor;
        }
    });
    quote! {
        //! The XAPI's operations, one module per tag, each reached through an accessor on
        //! [`Client`](crate::Client) and compiled with the Cargo feature of the same name.
        #(#items)*
    }
}

/// One tag's module.
pub fn emit_tag(tag: &Tag) -> TokenStream {
    let accessor = format_ident!("{}", tag.type_name);
    let method = format_ident!("{}", tag.module);
    let module_doc = format!(" Operations tagged `{}`.", tag.wire);
    let struct_doc = format!(
        " Operations tagged `{}`, reached with [`Client::{}`](crate::Client::{}).",
        tag.wire, tag.module, tag.module
    );
    let accessor_doc = format!(" Operations tagged `{}`.", tag.wire);
    let operations = tag.operations.iter().map(emit_operation);
    // Paths are built with `format!`, whose arguments prettyplease prints as written, so a
    // short name reads better there than a full path.
    let literal_import = tag
        .operations
        .iter()
        .any(|operation| !operation.params.is_empty())
        .then(|| {
            quote!(
                use crate::odata::Literal;
            )
        });

    quote! {
        #![doc = #module_doc]

        #literal_import

        #[doc = #struct_doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #accessor<'a> {
            client: &'a crate::Client,
        }

        impl crate::Client {
            #[doc = #accessor_doc]
            pub fn #method(&self) -> #accessor<'_> {
                #accessor { client: self }
            }
        }

        impl #accessor<'_> {
            #(#operations)*
        }
    }
}

/// One operation's method: its arguments, then one request sent through the runtime.
fn emit_operation(operation: &Operation) -> TokenStream {
    let method = format_ident!("{}", operation.method_name);
    let doc = emit_operation_doc(operation);
    let deprecated = operation.deprecated.then(|| quote!(#[deprecated]));

    let mut arguments = emit_path_and_query_arguments(operation);
    if let Some(if_match) = &operation.if_match {
        let name = format_ident!("{}", if_match);
        arguments.push(quote!(#name: ::std::option::Option<&str>));
    }
    if let Some(body) = &operation.body {
        let name = format_ident!("{}", body.name);
        let ty = match &body.ty {
            TypeRef::Vec(item) => {
                let item = emit_type_ref(item);
                quote!([#item])
            }
            other => emit_type_ref(other),
        };
        arguments.push(quote!(#name: &#ty));
    }
    let many_arguments = allow_many_arguments(&arguments);

    let request = emit_request(operation);
    let (output, send) = match &operation.response {
        Response::Empty => (quote!(()), quote!(send_empty)),
        Response::Page { item } => {
            let item = emit_type_ref(item);
            (quote!(crate::Page<#item>), quote!(send_json))
        }
        Response::Download => (quote!(crate::Download), quote!(send_download)),
        Response::Json {
            ty,
            nullable: false,
        } => (emit_type_ref(ty), quote!(send_json)),
        Response::Json { ty, nullable: true } => {
            let ty = emit_type_ref(ty);
            (quote!(::std::option::Option<#ty>), quote!(send_json))
        }
    };

    let stream = emit_stream(operation);

    // NB: a plain function returning the runtime's future, not an `async fn`: the request is
    // built when the method is called, and the crate does not compile one state machine per
    // operation.
    quote! {
        #doc
        #deprecated
        #many_arguments
        pub fn #method(
            &self,
            #(#arguments),*
        ) -> impl ::std::future::Future<Output = crate::Result<#output>> {
            self.client.#send(#request)
        }

        #stream
    }
}

/// Clippy's `too_many_arguments` allowance for a method with these arguments (and `self`),
/// when it needs one: functions take one argument per spec parameter.
fn allow_many_arguments(arguments: &[TokenStream]) -> Option<TokenStream> {
    (arguments.len() + 1 > CLIPPY_MAX_ARGUMENTS)
        .then(|| quote!(#[allow(clippy::too_many_arguments, reason = "one per spec parameter")]))
}

/// The arguments for path parameters and query options, which a stream method shares with its
/// operation.
fn emit_path_and_query_arguments(operation: &Operation) -> Vec<TokenStream> {
    let mut arguments = Vec::new();
    for param in &operation.params {
        let name = format_ident!("{}", param.name);
        let ty = match &param.ty {
            TypeRef::String => quote!(&str),
            other => emit_type_ref(other),
        };
        arguments.push(quote!(#name: #ty));
    }
    if let Some(query) = &operation.query {
        let name = format_ident!("{}", query.name);
        let ty = match query.options {
            QueryOptions::List => quote!(crate::odata::ListQuery),
            QueryOptions::Page => quote!(crate::odata::PageQuery),
            QueryOptions::Get => quote!(crate::odata::GetQuery),
        };
        arguments.push(quote!(#name: &#ty));
    }
    arguments
}

/// The sibling of a paged operation that streams every item, page after page.
fn emit_stream(operation: &Operation) -> Option<TokenStream> {
    let stream = format_ident!("{}", operation.stream.as_ref()?);
    let (Response::Page { item }, Some(query)) = (&operation.response, &operation.query) else {
        return None;
    };
    let item = emit_type_ref(item);
    let query = format_ident!("{}", query.name);
    let arguments = emit_path_and_query_arguments(operation);
    let many_arguments = allow_many_arguments(&arguments);
    let id = &operation.id;
    let path = emit_path(operation);
    let mut lines = vec![
        format!(
            "Streams every item of [`{}`](Self::{}), following `@odata.nextLink` or paging \
             with `$top`/`$skip`.",
            operation.method_name, operation.method_name
        ),
        String::new(),
        format!(
            "`{} {}`",
            operation.http_method.as_str(),
            operation.path_template
        ),
    ];
    if let Some(availability) = &operation.availability {
        lines.extend([String::new(), availability.clone()]);
    }
    let doc = emit_doc(&lines);
    let deprecated = operation.deprecated.then(|| quote!(#[deprecated]));

    Some(quote! {
        #doc
        #deprecated
        #many_arguments
        pub fn #stream(&self, #(#arguments),*) -> crate::ItemStream<#item> {
            self.client.paginate(#id, #path, #query)
        }
    })
}

/// The `Request` value: method, operation id, path, then the optional parts.
fn emit_request(operation: &Operation) -> TokenStream {
    let method = match operation.http_method {
        HttpMethod::Get => quote!(Get),
        HttpMethod::Post => quote!(Post),
        HttpMethod::Put => quote!(Put),
        HttpMethod::Patch => quote!(Patch),
        HttpMethod::Delete => quote!(Delete),
    };
    let id = &operation.id;
    let path = emit_path(operation);

    let query = operation.query.as_ref().map(|query| {
        let name = format_ident!("{}", query.name);
        quote!(.query(#name))
    });
    let if_match = operation.if_match.as_ref().map(|if_match| {
        let name = format_ident!("{}", if_match);
        quote!(.if_match(#name))
    });
    let body = operation.body.as_ref().map(|body| {
        let name = format_ident!("{}", body.name);
        quote!(.json(#name))
    });

    quote! {
        crate::client::Request::new(crate::client::Method::#method, #id, #path)
            #query #if_match #body
    }
}

/// The path expression: a plain string, or `format!` with each parameter as an OData literal.
fn emit_path(operation: &Operation) -> TokenStream {
    let mut template = String::new();
    let mut values = Vec::new();
    for part in &operation.path {
        match part {
            // A stray `}` in the fixed text must not read as a format placeholder.
            PathPart::Text(text) => template.push_str(&text.replace('{', "{{").replace('}', "}}")),
            PathPart::Param(index) => {
                template.push_str("{}");
                let name = format_ident!("{}", operation.params[*index].name);
                values.push(quote!(Literal(#name)));
            }
        }
    }

    if values.is_empty() {
        let text: String = operation
            .path
            .iter()
            .filter_map(|part| match part {
                PathPart::Text(text) => Some(text.as_str()),
                PathPart::Param(_) => None,
            })
            .collect();
        quote!(::std::string::String::from(#text))
    } else {
        let template = proc_macro2::Literal::string(&template);
        quote!(::std::format!(#template, #(#values),*))
    }
}

/// Summary and description, then the HTTP line, then what the method returns.
fn emit_operation_doc(operation: &Operation) -> TokenStream {
    let spec_doc = emit_spec_doc(&operation.doc);

    let mut lines = Vec::new();
    if !operation.doc.is_empty() {
        lines.push(String::new());
    }
    lines.push(format!(
        "`{} {}` (operation `{}`)",
        operation.http_method.as_str(),
        operation.path_template,
        operation.id
    ));
    if let Some(availability) = &operation.availability {
        lines.push(String::new());
        lines.push(availability.clone());
    }
    lines.push(String::new());
    lines.push(match &operation.response {
        Response::Empty => "Returns nothing on success.".to_string(),
        Response::Page { item } => {
            format!(
                "Returns one [`Page`](crate::Page) of {} items.",
                doc_type_ref(item)
            )
        }
        Response::Download => {
            "Returns the file as a streamed [`Download`](crate::Download).".to_string()
        }
        Response::Json {
            ty,
            nullable: false,
        } => format!("Returns {}.", doc_type_ref(ty)),
        Response::Json { ty, nullable: true } => {
            format!(
                "Returns {}, or `None` when the PBX sends `null`.",
                doc_type_ref(ty)
            )
        }
    });
    let generated = emit_doc(&lines);

    quote!(#spec_doc #generated)
}
