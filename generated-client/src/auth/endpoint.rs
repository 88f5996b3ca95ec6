//! The PBX's token endpoint, `POST /connect/token`, spoken through the `oauth2` crate.
//!
//! `oauth2` builds the form requests (client credentials, authorization code with PKCE,
//! refresh token) and reads the token answers. It sends them through [`TokenEndpoint::send`]
//! instead of its own reqwest integration, so that token requests share the client's
//! connection pool, timeout, user agent and tracing, are retried on connect failures only,
//! and so that every non-200 answer keeps its status and body: the answers that `oauth2`
//! would turn into a bare string become [`Error::OAuth`] or [`Error::Token`] here.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use oauth2::basic::{BasicErrorResponse, BasicTokenResponse};
use oauth2::{HttpRequest, HttpResponse, RequestTokenError, TokenResponse};
use reqwest::StatusCode;
use reqwest::header::{HeaderValue, USER_AGENT};
use tracing::Instrument;
use url::Url;

use super::BearerToken;
use super::cache::Issued;
use super::expiry::token_lifetime;
use crate::error::{Error, OAuthError, Result};
use crate::retry::RetryPolicy;

/// The token endpoint's path below the PBX origin, from the spec's `securitySchemes`.
const TOKEN_PATH: &str = "/connect/token";

/// Where and how token requests are sent.
#[derive(Clone)]
pub(crate) struct TokenEndpoint {
    http: reqwest::Client,
    url: Url,
    user_agent: Option<HeaderValue>,
    timeout: Option<Duration>,
    retry: RetryPolicy,
}

/// A token answer that `oauth2` read, plus what the cache needs to know about it.
pub(crate) struct Granted {
    /// The access token with its lifetime.
    pub(crate) issued: Issued,
    /// The refresh token, when the PBX sent one.
    pub(crate) refresh_token: Option<String>,
}

/// The error [`TokenEndpoint::send`] hands to `oauth2`, which passes it back unchanged.
#[derive(Debug)]
pub(crate) struct Failed(Error);

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Failed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl TokenEndpoint {
    /// The endpoint of the PBX whose API is at `api_base` (the origin plus `/xapi/v1`).
    pub(crate) fn new(
        http: reqwest::Client,
        api_base: &Url,
        user_agent: Option<HeaderValue>,
        timeout: Option<Duration>,
        retry: RetryPolicy,
    ) -> Self {
        TokenEndpoint {
            http,
            url: sibling_url(api_base, TOKEN_PATH),
            user_agent,
            timeout,
            retry,
        }
    }

    /// The token URL, like `https://pbx.example.com/connect/token`.
    pub(crate) fn url(&self) -> &Url {
        &self.url
    }

    /// The HTTP client to hand to `oauth2`'s `request_async`.
    pub(crate) fn sender(&self) -> HttpSender<'_> {
        HttpSender { endpoint: self }
    }

    /// Awaits one token request that `oauth2` sends through [`sender`](Self::sender), and
    /// reads its answer.
    ///
    /// `grant` names the grant type in traces.
    pub(crate) async fn grant<Fut>(&self, grant: &'static str, response: Fut) -> Result<Granted>
    where
        Fut: std::future::Future<
                Output = std::result::Result<
                    BasicTokenResponse,
                    RequestTokenError<Failed, BasicErrorResponse>,
                >,
            >,
    {
        let span = tracing::debug_span!(
            "xapi.token",
            grant,
            token_url = %self.url,
            status = tracing::field::Empty,
        );

        async move {
            let requested_at = Instant::now();
            let response = response.await.map_err(render_token_error)?;

            let access_token = response.access_token().secret();
            let lifetime = token_lifetime(access_token, response.expires_in(), SystemTime::now());
            tracing::debug!(lifetime_secs = lifetime.as_secs(), "token issued");
            let issued = Issued {
                token: BearerToken::new(access_token.clone()),
                lifetime,
                requested_at,
            };
            Ok(Granted {
                issued,
                refresh_token: response.refresh_token().map(|token| token.secret().clone()),
            })
        }
        .instrument(span)
        .await
    }

    /// Sends a prepared token request and turns every answer other than 200 into an error.
    async fn send(&self, request: HttpRequest) -> std::result::Result<HttpResponse, Failed> {
        let transport = |source: reqwest::Error| {
            Failed(Error::Token {
                status: None,
                reason: "the token endpoint cannot be reached".to_owned(),
                body: String::new(),
                source: Some(Arc::new(source)),
            })
        };

        let (parts, body) = request.into_parts();
        let url = Url::parse(&parts.uri.to_string()).map_err(|_| {
            Failed(Error::Token {
                status: None,
                reason: "the token url is not a valid url".to_owned(),
                body: String::new(),
                source: None,
            })
        })?;
        let body = bytes::Bytes::from(body);

        // NB: a token request reaches the PBX as a POST, and a second one would revoke the
        // token the first one got (C04), so only a failure to connect is retried.
        let response = self
            .retry
            .run_connect_only(|| {
                let mut builder = self
                    .http
                    .request(parts.method.clone(), url.clone())
                    .headers(parts.headers.clone())
                    .body(body.clone());
                if let Some(user_agent) = &self.user_agent {
                    builder = builder.header(USER_AGENT, user_agent.clone());
                }
                if let Some(timeout) = self.timeout {
                    builder = builder.timeout(timeout);
                }
                builder.send()
            })
            .await
            .map_err(transport)?;

        let status = response.status();
        tracing::Span::current().record("status", status.as_u16());
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(transport)?;

        if status != StatusCode::OK {
            return Err(Failed(render_status_error(status, &body)));
        }

        let mut answer = oauth2::http::Response::builder().status(status);
        for (name, value) in &headers {
            answer = answer.header(name, value);
        }
        answer.body(body.to_vec()).map_err(|_| {
            Failed(Error::Token {
                status: Some(status),
                reason: "the token endpoint's answer cannot be passed on".to_owned(),
                body: String::new(),
                source: None,
            })
        })
    }
}

impl fmt::Debug for TokenEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenEndpoint")
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

/// The HTTP client that `oauth2` calls: a handle on [`TokenEndpoint::send`].
#[derive(Clone, Copy)]
pub(crate) struct HttpSender<'a> {
    endpoint: &'a TokenEndpoint,
}

impl<'c> oauth2::AsyncHttpClient<'c> for HttpSender<'_> {
    type Error = Failed;
    type Future = std::pin::Pin<
        Box<
            dyn std::future::Future<Output = std::result::Result<HttpResponse, Failed>> + Send + 'c,
        >,
    >;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.endpoint.send(request))
    }
}

/// The URL of `path` on the PBX whose API is at `api_base`, keeping a path prefix the PBX
/// may sit under.
pub(crate) fn sibling_url(api_base: &Url, path: &str) -> Url {
    let mut url = api_base.clone();
    let prefix = api_base
        .path()
        .strip_suffix(crate::client::API_PATH)
        .unwrap_or("");
    url.set_path(&format!("{prefix}{path}"));
    url
}

/// The error for a token endpoint answer other than 200.
fn render_status_error(status: StatusCode, body: &[u8]) -> Error {
    match OAuthError::parse(body) {
        Some(error) => Error::OAuth { status, error },
        None => Error::Token {
            status: Some(status),
            reason: format!(
                "the token endpoint answered http status {}",
                status.as_u16()
            ),
            body: String::from_utf8_lossy(body).into_owned(),
            source: None,
        },
    }
}

/// Turns what `oauth2` reports into the crate's error, never keeping a success body, which
/// may hold a token.
fn render_token_error(error: RequestTokenError<Failed, BasicErrorResponse>) -> Error {
    let unreadable = |reason: String| Error::Token {
        status: Some(StatusCode::OK),
        reason,
        body: String::new(),
        source: None,
    };

    match error {
        RequestTokenError::Request(Failed(error)) => error,
        RequestTokenError::Parse(error, _body) => unreadable(format!(
            "the token endpoint's answer is not a token at {}",
            error.path()
        )),
        RequestTokenError::Other(reason) => unreadable(reason),

        // NB: `send` turns every answer other than 200 into an error first, so `oauth2` never
        // parses an error body itself.
        RequestTokenError::ServerResponse(error) => Error::Token {
            status: None,
            reason: format!("the token endpoint refused: {}", error.error()),
            body: String::new(),
            source: None,
        },
    }
}
