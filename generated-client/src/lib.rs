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
//! let client = Client::builder("https://pbx.example.com").bearer_token("...").build()?;
//! let user = client.users().get_user(5, &GetQuery::default()).await?;
//! # let _ = user;
//! # Ok(())
//! # }
//! ```
//!
//! Errors are [`Error`] values; a failed call carries the HTTP status, the operation id and,
//! when the PBX sent one, the parsed [`ODataError`].
//!
//! The runtime also provides what OData needs beyond plain JSON: [`Filter`] builds `$filter`
//! expressions, [`Client::paginate`] streams whole collections ([`Page`] is one page),
//! [`Patch`] fields send only what an update changes, [`Flags`] reads and writes flags enums,
//! and [`Download`] streams files the PBX returns instead of JSON.

mod client;
mod download;
mod duration;
mod error;
mod filter;
mod flags;
mod number;
pub mod odata;
mod paging;
mod patch;

#[rustfmt::skip]
pub mod api;
#[rustfmt::skip]
pub mod models;

pub use client::{Client, ClientBuilder, DEFAULT_MAX_PAGES, Method, Request};
pub use download::Download;
pub use duration::Duration;
pub use error::{Error, ODataError, ODataErrorDetail, Result};
pub use filter::Filter;
pub use flags::Flags;
pub use number::Number;
pub use odata::{GetQuery, ListQuery, PageQuery};
pub use paging::{DEFAULT_PAGE_SIZE, ItemStream, Page};
pub use patch::Patch;

/// The `chrono` version used for date-times, so callers can name the exact same types.
pub use chrono;
/// The `jiff` version behind [`Duration`], so callers can name the exact same types.
pub use jiff;
/// The `uuid` version used for `Edm.Guid` values, so callers can name the exact same types.
pub use uuid;
