//! Authentication: where the bearer token of each request comes from.
//!
//! A [`Client`](crate::Client) asks its [`TokenSource`] for a token before every request. The
//! crate brings three sources:
//!
//! - a fixed token, from [`ClientBuilder::bearer_token`](crate::ClientBuilder::bearer_token);
//! - client credentials of a service principal, from
//!   [`ClientBuilder::client_credentials`](crate::ClientBuilder::client_credentials), with one
//!   token cache per PBX and client id for the whole process;
//! - a signed-in user, from the authorization code flow with PKCE in
//!   [`AuthorizationCodeFlow`], renewed with its refresh token.
//!
//! Any other source implements [`TokenSource`] and is passed to
//! [`ClientBuilder::token_source`](crate::ClientBuilder::token_source).

mod authorization_code;
mod cache;
mod client_credentials;
mod endpoint;
mod expiry;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::header::HeaderValue;

use crate::error::{Error, Result};

pub use authorization_code::{
    AuthorizationCodeFlow, AuthorizationCodeFlowBuilder, PendingAuthorization, UserTokens,
};
pub(crate) use client_credentials::ClientCredentials;
pub(crate) use endpoint::TokenEndpoint;

/// The boxed future a [`TokenSource`] returns, so that sources can be used as trait objects.
pub type TokenFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// Gives the client the bearer token to send with a request.
///
/// Implement it to take tokens from somewhere the crate does not know, like a secret store
/// or a token broker. The client calls [`token`](TokenSource::token) before every request,
/// so it should answer from a cache. When the PBX answers 401, the client calls
/// [`refresh`](TokenSource::refresh) once with the token it refused and, when that returns a
/// new token, sends the request once more.
///
/// `Debug` is required so that a client can be printed; print no secrets in it.
///
/// ```
/// use xapi_client::auth::{BearerToken, TokenFuture, TokenSource};
///
/// /// Reads the token from an environment variable on every request.
/// #[derive(Debug)]
/// struct FromEnv;
///
/// impl TokenSource for FromEnv {
///     fn token(&self) -> TokenFuture<'_, BearerToken> {
///         Box::pin(async { Ok(BearerToken::new(std::env::var("PBX_TOKEN").unwrap_or_default())) })
///     }
/// }
///
/// let client = xapi_client::Client::builder("https://pbx.example.com")
///     .token_source(FromEnv)
///     .build()?;
/// # Ok::<(), xapi_client::Error>(())
/// ```
pub trait TokenSource: fmt::Debug + Send + Sync + 'static {
    /// The token to send with the next request.
    fn token(&self) -> TokenFuture<'_, BearerToken>;

    /// Called when the PBX answered 401 to `rejected`: returns the token to retry the request
    /// with, or `None` when there is no other token to try.
    ///
    /// The default returns `None`, so the 401 reaches the caller as [`Error::Http`].
    fn refresh<'a>(&'a self, rejected: &'a BearerToken) -> TokenFuture<'a, Option<BearerToken>> {
        let _ = rejected;
        Box::pin(async { Ok(None) })
    }
}

/// An access token, sent as `Authorization: Bearer <token>`.
///
/// Cloning is cheap. `Debug` never shows the token.
#[derive(Clone, PartialEq, Eq)]
pub struct BearerToken {
    secret: Arc<str>,
}

impl BearerToken {
    /// Wraps the token text, without the `Bearer ` prefix.
    pub fn new(secret: impl Into<String>) -> Self {
        BearerToken {
            secret: Arc::from(secret.into()),
        }
    }

    /// The token text, to hand to code that needs it; never log it.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The `Authorization` header value, marked sensitive so that HTTP libraries do not print it.
    pub(crate) fn header_value(&self) -> Result<HeaderValue> {
        let mut value = HeaderValue::try_from(format!("Bearer {}", self.secret)).map_err(|_| {
            Error::InvalidHeader {
                name: "authorization",
            }
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(<redacted>)")
    }
}

/// A token that never changes, set with
/// [`ClientBuilder::bearer_token`](crate::ClientBuilder::bearer_token).
pub(crate) struct FixedToken {
    token: BearerToken,
}

impl FixedToken {
    /// Wraps `token`, checking up front that it can be sent as a header.
    pub(crate) fn new(token: String) -> Result<Self> {
        let token = BearerToken::new(token);
        token.header_value()?;
        Ok(FixedToken { token })
    }
}

impl TokenSource for FixedToken {
    fn token(&self) -> TokenFuture<'_, BearerToken> {
        let token = self.token.clone();
        Box::pin(async move { Ok(token) })
    }
}

impl fmt::Debug for FixedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FixedToken").field(&Redacted).finish()
    }
}

/// Stands in for a secret in debug output.
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}
