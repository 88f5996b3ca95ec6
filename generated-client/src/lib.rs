//! A typed async client for the 3CX phone system's XAPI, the OData v4 REST API under
//! `/xapi/v1`.
//!
//! The operations in [`api`] and the types in [`models`] are generated from the 3CX OpenAPI
//! description; the rest of the crate is the hand-written runtime they share.
//!
//! ```no_run
//! use xapi_client::{Client, GetQuery};
//!
//! # async fn run() -> xapi_client::Result<()> {
//! let client = Client::builder("https://pbx.example.com")
//!     .client_credentials("my-service", "the secret")
//!     .build()?;
//! let user = client.users().get_user(5, &GetQuery::default()).await?;
//! # let _ = user;
//! # Ok(())
//! # }
//! ```
//!
//! Errors are [`Error`] values; a failed call carries the HTTP status, the operation id and,
//! when the PBX sent one, the parsed [`ODataError`]. A refused client secret is
//! [`Error::OAuth`] with the token endpoint's [`OAuthError`].
//!
//! # Features
//!
//! Each API area is a Cargo feature named like its accessor (`users` for [`Client::users`]) that
//! compiles its operations and the models they use. `full`, the default, turns on every area
//! and the models no operation uses; with `default-features = false` and a few areas an
//! application compiles a small part of the crate.
//!
//! # Connecting
//!
//! [`ClientBuilder`] takes the PBX origin and adds `/xapi/v1` itself. It requires `https`
//! unless [`ClientBuilder::allow_http`] says otherwise (a test server on 127.0.0.1). Tokens
//! come from client credentials (one shared, renewed cache per PBX and client id), a fixed
//! bearer token, the [`auth::AuthorizationCodeFlow`] of a signed-in user, or any
//! [`auth::TokenSource`]. A 401 renews the token once and repeats the request once. `GET`
//! requests answered 429, 502, 503 or 504 are repeated with backoff as [`RetryPolicy`] says,
//! honouring `Retry-After`; requests that change data are repeated only when their
//! connection failed before they were sent. [`Client::pbx_version`] tells the PBX's version.
//!
//! # Tracing
//!
//! Each call runs in a `tracing` span named `xapi.request` with the fields `operation_id`,
//! `method`, `path` (the path below `/xapi/v1` with key and parameter values replaced by
//! `..`), `status`, `retries` and `duration_ms`; token requests run in `xapi.token` spans.
//! Tokens, secrets, query strings and bodies are never recorded, and the `Debug` output of
//! clients, builders and token sources shows `<redacted>` in their place.
//!
//! The runtime also provides what OData needs beyond plain JSON: [`Filter`] builds `$filter`
//! expressions, [`Client::paginate`] streams whole collections ([`Page`] is one page),
//! [`Patch`] fields send only what an update changes, [`Flags`] reads and writes flags enums,
//! and [`Download`] streams files the PBX returns instead of JSON.

pub mod auth;
mod client;
mod download;
mod duration;
mod error;
mod filter;
mod flags;
mod json;
mod number;
pub mod odata;
mod paging;
mod patch;
mod retry;
mod send;

#[rustfmt::skip]
pub mod api;
#[rustfmt::skip]
pub mod models;

pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_PAGES, Method, Request,
};
pub use download::Download;
pub use duration::Duration;
pub use error::{Error, OAuthError, ODataError, ODataErrorDetail, Result};
pub use filter::Filter;
pub use flags::Flags;
pub use number::Number;
pub use odata::{GetQuery, ListQuery, PageQuery};
pub use paging::{DEFAULT_PAGE_SIZE, ItemStream, Page};
pub use patch::Patch;
pub use retry::RetryPolicy;

/// The `chrono` version used for date-times, so callers can name the exact same types.
pub use chrono;
/// The `jiff` version behind [`Duration`], so callers can name the exact same types.
pub use jiff;
/// The `uuid` version used for `Edm.Guid` values, so callers can name the exact same types.
pub use uuid;
