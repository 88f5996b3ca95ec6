//! The HTTP client: configuration, sending requests and decoding responses.
//!
//! Generated operations build a [`Request`] and hand it to [`Client::send_json`] or
//! [`Client::send_empty`]. Everything that does not depend on the response type lives in one
//! non-generic function, so the hundreds of generated call sites stay cheap to compile; that
//! function, with tokens, retries and tracing, is in the `send` module.

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::HeaderValue;
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::auth::{ClientCredentials, FixedToken, Redacted, TokenEndpoint, TokenSource};
use crate::error::{Error, Result};
use crate::odata::QueryOptions;
use crate::retry::RetryPolicy;

/// The path of the XAPI below the PBX origin.
pub(crate) const API_PATH: &str = "/xapi/v1";

/// How long a client this crate builds waits for a connection before it gives up.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The `Accept` value of calls whose response is JSON.
pub(crate) const ACCEPT_JSON: &str = "application/json";

/// The number of pages after which a paging stream stops with [`Error::Paging`] by default.
pub const DEFAULT_MAX_PAGES: u64 = 10_000;

/// The `User-Agent` of clients that this crate builds itself.
const DEFAULT_USER_AGENT: &str = concat!("xapi-client/", env!("CARGO_PKG_VERSION"));

/// Bytes escaped in query values: all but ASCII alphanumerics and `-._~,:/()@*$`.
///
/// NB: `+` must be escaped because ASP.NET, which serves the XAPI, reads it as a space, and `'`
/// is escaped here since the URL parser would escape it in an http query anyway.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b',')
    .remove(b':')
    .remove(b'/')
    .remove(b'(')
    .remove(b')')
    .remove(b'@')
    .remove(b'*')
    .remove(b'$');

/// A client for one PBX.
///
/// Cloning is cheap and shares the connection pool, the token cache and the last seen PBX
/// version, so build one client and clone it where it is needed.
///
/// Every request runs in a `tracing` span named `xapi.request`, see [`crate`] for its fields;
/// no span or event ever holds a token, a secret or a request body.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

/// The shared state behind [`Client`].
pub(crate) struct ClientInner {
    pub(crate) http: reqwest::Client,
    /// The origin plus `/xapi/v1`, without a trailing slash.
    pub(crate) base_url: Url,
    /// Where each request's bearer token comes from; `None` sends no `Authorization`.
    pub(crate) auth: Option<Arc<dyn TokenSource>>,
    pub(crate) user_agent: Option<HeaderValue>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_pages: u64,
    /// The last `X-3CX-Version` the PBX sent.
    pub(crate) pbx_version: RwLock<Option<String>>,
}

impl Client {
    /// Starts building a client for the PBX at `base_url`, like `https://pbx.example.com`.
    ///
    /// The client appends `/xapi/v1` itself.
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.into(),
            auth: AuthConfig::None,
            allow_http: false,
            timeout: None,
            connect_timeout: None,
            user_agent: None,
            http_client: None,
            retry: RetryPolicy::default(),
            max_pages: DEFAULT_MAX_PAGES,
        }
    }

    /// The URL that request paths are appended to, like `https://pbx.example.com/xapi/v1`.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// The PBX version from the `X-3CX-Version` header of the latest answer that had one,
    /// like `20.0.10.780`; `None` before the first such answer.
    ///
    /// Clones of a client share it.
    pub fn pbx_version(&self) -> Option<String> {
        self.inner
            .pbx_version
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Sends `request` and decodes a 2xx response body as JSON into `T`.
    ///
    /// This is the low-level call behind every generated operation that returns a value.
    ///
    /// # Errors
    ///
    /// [`Error::Http`] for a status outside 2xx, [`Error::Decode`] when the body does not match
    /// `T`, and the errors listed on [`Client::send_empty`].
    pub async fn send_json<T: DeserializeOwned>(&self, request: Request<'_>) -> Result<T> {
        let operation_id = request.operation_id;
        let body = self.execute(request).await?;
        decode_json(operation_id, &body)
    }

    /// Sends `request`, accepts any 2xx response and ignores its body.
    ///
    /// This is the low-level call behind every generated operation that returns nothing.
    ///
    /// # Errors
    ///
    /// [`Error::Http`] for a status outside 2xx, [`Error::Serialize`] when the request body
    /// could not be serialized, [`Error::InvalidHeader`] for an unusable `If-Match` value and
    /// [`Error::Request`] when the transport fails.
    pub async fn send_empty(&self, request: Request<'_>) -> Result<()> {
        self.execute(request).await.map(drop)
    }

    /// Sends `request` and returns the body of a 2xx response.
    async fn execute(&self, request: Request<'_>) -> Result<Bytes> {
        let response = self.start(request, ACCEPT_JSON).await?;
        response.bytes().await.map_err(Error::Request)
    }

    /// The URL `request` is sent to, query included: for logs and for debugging a call.
    ///
    /// ```
    /// use xapi_client::odata::Literal;
    /// use xapi_client::{Client, ListQuery, Method, Request};
    ///
    /// let client = Client::builder("https://pbx.example.com").build()?;
    /// let path = format!("/Users(Number={})", Literal("10'1"));
    /// let request = Request::new(Method::Get, "GetUserByNumber", path)
    ///     .query(&ListQuery::default().top(5));
    /// assert_eq!(
    ///     client.request_url(&request),
    ///     "https://pbx.example.com/xapi/v1/Users(Number='10''1')?$top=5"
    /// );
    /// # Ok::<(), xapi_client::Error>(())
    /// ```
    pub fn request_url(&self, request: &Request<'_>) -> String {
        render_url(&self.inner.base_url, &request.path, &request.query).into()
    }

    /// Sends `request` with the given `Accept` value and returns a 2xx response, body unread.
    pub(crate) async fn start(
        &self,
        request: Request<'_>,
        accept: &'static str,
    ) -> Result<reqwest::Response> {
        let Request {
            method,
            operation_id,
            path,
            query,
            if_match,
            body,
        } = request;
        let body = body.transpose().map_err(|source| Error::Serialize {
            operation_id,
            source,
        })?;

        let url = render_url(&self.inner.base_url, &path, &query);
        let call = Call {
            method,
            operation_id,
            url,
            accept,
            if_match,
            body,
        };
        self.send_call(call).await
    }

    /// The base URL as a parsed [`Url`], for resolving links the server sends.
    pub(crate) fn base(&self) -> &Url {
        &self.inner.base_url
    }

    /// The most pages one paging stream fetches before it gives up.
    pub(crate) fn max_pages(&self) -> u64 {
        self.inner.max_pages
    }
}

/// One HTTP exchange with a finished URL, as [`Client::send_call`] sends it.
pub(crate) struct Call<'a> {
    pub(crate) method: Method,
    pub(crate) operation_id: &'static str,
    pub(crate) url: Url,
    /// The `Accept` header value.
    pub(crate) accept: &'static str,
    pub(crate) if_match: Option<&'a str>,
    pub(crate) body: Option<Vec<u8>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url.as_str())
            .field("auth", &inner.auth)
            .field("timeout", &inner.timeout)
            .field("user_agent", &inner.user_agent)
            .field("retry", &inner.retry)
            .field("max_pages", &inner.max_pages)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`]; start with [`Client::builder`].
///
/// ```no_run
/// use std::time::Duration;
/// use xapi_client::Client;
///
/// # fn run() -> xapi_client::Result<()> {
/// let client = Client::builder("https://pbx.example.com")
///     .client_credentials("my-service", "the secret")
///     .timeout(Duration::from_secs(30))
///     .build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder {
    base_url: String,
    auth: AuthConfig,
    allow_http: bool,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    retry: RetryPolicy,
    max_pages: u64,
}

/// How a built client will authenticate.
enum AuthConfig {
    None,
    Bearer(String),
    ClientCredentials {
        client_id: String,
        client_secret: String,
    },
    Source(Arc<dyn TokenSource>),
}

impl fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthConfig::None => f.write_str("None"),
            AuthConfig::Bearer(_) => f.debug_tuple("Bearer").field(&Redacted).finish(),
            AuthConfig::ClientCredentials { client_id, .. } => f
                .debug_struct("ClientCredentials")
                .field("client_id", client_id)
                .field("client_secret", &Redacted)
                .finish(),
            AuthConfig::Source(source) => f.debug_tuple("Source").field(source).finish(),
        }
    }
}

impl ClientBuilder {
    /// Sends `Authorization: Bearer <token>` with every request.
    ///
    /// The token is never renewed: a 401 reaches the caller as [`Error::Http`]. Replaces any
    /// other authentication set on this builder.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.auth = AuthConfig::Bearer(token.into());
        self
    }

    /// Authenticates as a service principal (Admin > Integrations > API) with the client
    /// credentials grant at `/connect/token`.
    ///
    /// Tokens are cached and renewed ahead of their expiry. A PBX keeps one live token per
    /// client id, so all clients of this process for the same PBX and client id, and all
    /// their clones, share one cache, and only one task at a time asks for a new token while
    /// the others wait for it. The cache is keyed by PBX and client id only: clients that
    /// share one should be given the same secret. A 401 renews the token once and repeats the request once; a
    /// second 401 is [`Error::Authentication`]. A refused secret is [`Error::OAuth`].
    ///
    /// Replaces any other authentication set on this builder.
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.auth = AuthConfig::ClientCredentials {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        };
        self
    }

    /// Takes each request's token from `source`, like the [`UserTokens`] of a signed-in user
    /// or a source of the caller's own.
    ///
    /// Replaces any other authentication set on this builder.
    ///
    /// [`UserTokens`]: crate::auth::UserTokens
    pub fn token_source(mut self, source: impl TokenSource) -> Self {
        self.auth = AuthConfig::Source(Arc::new(source));
        self
    }

    /// Allows a base URL with plain `http` (default `false`), as for tests against a local
    /// server on 127.0.0.1.
    ///
    /// Without it the client refuses `http` URLs, since the token and the client secret would
    /// cross the network readable.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Limits each request, from sending until the whole body is read, to `timeout`.
    ///
    /// Applies to each attempt and to token requests. No limit by default, since a download
    /// may take long; the connection itself is limited by
    /// [`connect_timeout`](Self::connect_timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Limits connecting to the PBX to `timeout` (default [`DEFAULT_CONNECT_TIMEOUT`]).
    ///
    /// Ignored with [`http_client`](Self::http_client), whose own setting applies.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Repeats failed requests as `policy` says, instead of [`RetryPolicy::default`].
    ///
    /// Only requests that are safe to repeat are repeated: a `GET` answered 429, 502, 503 or
    /// 504, and any request whose connection failed before it was sent; `Retry-After` is
    /// honoured. A `POST`, `PATCH`, `PUT` or `DELETE` that reached the PBX never is.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sends `user_agent` as the `User-Agent` header instead of `xapi-client/<version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Sends requests through `http_client`, for example to share its pool or proxy settings.
    ///
    /// The authentication, timeout, user agent and retries set on this builder still apply to
    /// each request. A client this crate builds follows no redirects, so that a secret is
    /// never sent on to another host; give `http_client` the same policy.
    pub fn http_client(mut self, http_client: reqwest::Client) -> Self {
        self.http_client = Some(http_client);
        self
    }

    /// Limits each paging stream to `max_pages` requests (default [`DEFAULT_MAX_PAGES`]).
    ///
    /// A stream that reaches the limit ends with [`Error::Paging`], which guards against a
    /// server that never reports its last page.
    pub fn max_pages(mut self, max_pages: u64) -> Self {
        self.max_pages = max_pages;
        self
    }

    /// Checks the settings and builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBaseUrl`] when the base URL does not parse, is not an http(s) origin,
    /// or uses plain http without [`allow_http`](Self::allow_http); [`Error::InvalidHeader`] when the token or user agent
    /// cannot be sent as a header, and [`Error::Request`] when the HTTP client cannot be set up.
    pub fn build(self) -> Result<Client> {
        let base_url = parse_base_url(&self.base_url, self.allow_http)?;

        let user_agent = self
            .user_agent
            .map(|agent| {
                HeaderValue::try_from(agent)
                    .map_err(|_| Error::InvalidHeader { name: "user-agent" })
            })
            .transpose()?;

        let http = match self.http_client {
            Some(http) => http,
            None => build_http_client(self.connect_timeout)?,
        };

        let auth: Option<Arc<dyn TokenSource>> = match self.auth {
            AuthConfig::None => None,
            AuthConfig::Bearer(token) => Some(Arc::new(FixedToken::new(token)?)),
            AuthConfig::ClientCredentials {
                client_id,
                client_secret,
            } => {
                let endpoint = TokenEndpoint::new(
                    http.clone(),
                    &base_url,
                    user_agent.clone(),
                    self.timeout,
                    self.retry.clone(),
                );
                Some(Arc::new(ClientCredentials::new(
                    endpoint,
                    client_id,
                    client_secret,
                )))
            }
            AuthConfig::Source(source) => Some(source),
        };

        let inner = ClientInner {
            http,
            base_url,
            auth,
            user_agent,
            timeout: self.timeout,
            retry: self.retry,
            max_pages: self.max_pages,
            pbx_version: RwLock::new(None),
        };
        Ok(Client {
            inner: Arc::new(inner),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("allow_http", &self.allow_http)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("http_client", &self.http_client.as_ref().map(|_| ".."))
            .field("retry", &self.retry)
            .field("max_pages", &self.max_pages)
            .finish()
    }
}

/// The HTTP client used when the caller brings none: no redirects, a connect timeout.
///
/// NB: redirects are off so that neither the `Authorization` header nor a token request's
/// form with the client secret is ever sent on to a host the caller did not name.
pub(crate) fn build_http_client(connect_timeout: Option<Duration>) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(DEFAULT_USER_AGENT)
        .connect_timeout(connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(Error::Request)
}

/// The HTTP method of a [`Request`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PATCH`
    Patch,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method's name, like `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Patch => reqwest::Method::PATCH,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        }
    }
}

/// One XAPI call, built by generated code and sent with [`Client::send_json`] or
/// [`Client::send_empty`].
///
/// It can also be built by hand to reach an operation that the generated API lacks.
#[derive(Debug)]
#[must_use = "a request does nothing until it is sent"]
pub struct Request<'a> {
    method: Method,
    operation_id: &'static str,
    path: String,
    query: Vec<(&'static str, String)>,
    if_match: Option<&'a str>,
    /// The serialized JSON body; an error is kept until sending so that building never fails.
    body: Option<serde_json::Result<Vec<u8>>>,
}

impl<'a> Request<'a> {
    /// Starts a request for `path`, which is relative to `/xapi/v1`.
    ///
    /// `path` must start with `/` and be percent-encoded already, like `/Users(5)` or
    /// `/Users(Number='0101')/Pbx.Foo()`; it is appended as it is. `operation_id` names the
    /// call in errors.
    pub fn new(method: Method, operation_id: &'static str, path: String) -> Self {
        Request {
            method,
            operation_id,
            path,
            query: Vec::new(),
            if_match: None,
            body: None,
        }
    }

    /// The operation id that names this call in errors.
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// Adds the OData query options that are set in `options`.
    pub fn query(mut self, options: &impl QueryOptions) -> Self {
        options.append_to(&mut self.query);
        self
    }

    /// Sends `If-Match: <etag>` when `etag` is `Some`, so the server rejects stale updates.
    pub fn if_match(mut self, etag: Option<&'a str>) -> Self {
        self.if_match = etag;
        self
    }

    /// Sends `body` as JSON.
    ///
    /// A serialization error is reported by the send call as [`Error::Serialize`].
    pub fn json(mut self, body: &impl Serialize) -> Self {
        self.body = Some(serde_json::to_vec(body));
        self
    }
}

/// Checks a PBX origin and appends the API path to it.
///
/// Plain `http` passes only when `allow_http` is set.
pub(crate) fn parse_base_url(text: &str, allow_http: bool) -> Result<Url> {
    let invalid = |reason: &str| Error::InvalidBaseUrl {
        url: text.to_owned(),
        reason: reason.into(),
    };

    let mut url = Url::parse(text).map_err(|error| {
        invalid(&format!(
            "{error}; give the PBX origin, like https://pbx.example.com"
        ))
    })?;

    if !matches!(url.scheme(), "https" | "http") {
        return Err(invalid("the scheme must be https or http"));
    }
    if url.host().is_none() || url.cannot_be_a_base() {
        return Err(invalid("the url has no host"));
    }
    if url.scheme() == "http" && !allow_http {
        return Err(invalid(
            "plain http would expose the token; use https, or allow_http(true) to accept it",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("the url must not have a query or fragment"));
    }

    // A URL copied from the API's own address already ends in the API path; keep it once.
    let prefix = url.path().trim_end_matches('/');
    let prefix = prefix.strip_suffix(API_PATH).unwrap_or(prefix).to_owned();
    url.set_path(&format!("{prefix}{API_PATH}"));
    Ok(url)
}

/// Appends an encoded `path` and the query pairs to the base URL.
pub(crate) fn render_url(base_url: &Url, path: &str, query: &[(&'static str, String)]) -> Url {
    let mut url = base_url.clone();

    // NB: `set_path` keeps `%XX` and OData's `'(),=` as they are but escapes `?` and `#`, so a
    // path can never spill into the query or fragment.
    url.set_path(&format!("{}{path}", base_url.path()));

    // Keys like `$top` go out bare; `query_pairs_mut` would turn `$` into `%24` and spaces
    // into `+`.
    if !query.is_empty() {
        let pairs: Vec<String> = query
            .iter()
            .map(|(key, value)| format!("{key}={}", utf8_percent_encode(value, QUERY_VALUE)))
            .collect();
        url.set_query(Some(&pairs.join("&")));
    }

    url
}

/// Decodes a response body, reporting the JSON path of the first value that does not fit.
pub(crate) fn decode_json<T: DeserializeOwned>(
    operation_id: &'static str,
    body: &[u8],
) -> Result<T> {
    // A success without a body (`204 No Content`) reads as `null`, which an operation whose
    // result the spec marks nullable decodes as `None`; any other type reports the mismatch.
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| render_decode_error(operation_id, error))?;

    // Trailing bytes after the value mean the body is not one JSON document.
    deserializer.end().map_err(|source| Error::Decode {
        operation_id,
        path: ".".to_owned(),
        source,
    })?;

    Ok(value)
}

/// Turns a path-tracking decode error into [`Error::Decode`]; kept out of the generic part.
fn render_decode_error(
    operation_id: &'static str,
    error: serde_path_to_error::Error<serde_json::Error>,
) -> Error {
    let path = error.path().to_string();
    Error::Decode {
        operation_id,
        path,
        source: error.into_inner(),
    }
}

#[cfg(test)]
mod tests {
    use percent_encoding::percent_decode_str;

    use super::*;
    use crate::odata::{GetQuery, ListQuery, Literal};

    fn base() -> Url {
        parse_base_url("https://pbx.example.com", false).unwrap()
    }

    #[test]
    fn appends_the_api_path_to_the_origin() {
        assert_eq!(base().as_str(), "https://pbx.example.com/xapi/v1");
        assert_eq!(
            parse_base_url("https://pbx.example.com/", false)
                .unwrap()
                .as_str(),
            "https://pbx.example.com/xapi/v1"
        );
        assert_eq!(
            parse_base_url("http://127.0.0.1:8080/pbx/", true)
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8080/pbx/xapi/v1"
        );
    }

    #[test]
    fn accepts_a_base_url_that_already_names_the_api_path() {
        for text in [
            "https://pbx.example.com/xapi/v1",
            "https://pbx.example.com/xapi/v1/",
        ] {
            let url = parse_base_url(text, false).unwrap();
            assert_eq!(url.as_str(), "https://pbx.example.com/xapi/v1", "{text}");
        }
    }

    #[test]
    fn rejects_unusable_base_urls() {
        for text in [
            "pbx.example.com",
            "ftp://pbx.example.com",
            "https://pbx.example.com/?a=b",
        ] {
            let error = parse_base_url(text, true).unwrap_err();
            assert!(matches!(error, Error::InvalidBaseUrl { ref url, .. } if url == text));
        }
    }

    #[test]
    fn refuses_plain_http_to_other_hosts_unless_allowed() {
        for text in [
            "http://pbx.example.com",
            "http://10.0.0.5:5000",
            "http://[fe80::1]",
            "http://localhost.example.com",
        ] {
            let error = parse_base_url(text, false).unwrap_err();
            assert!(
                matches!(error, Error::InvalidBaseUrl { ref reason, .. } if reason.contains("allow_http")),
                "{text}: {error:?}"
            );
            assert!(parse_base_url(text, true).is_ok(), "{text}");
        }
    }

    #[test]
    fn refuses_plain_http_even_to_loopback_hosts_unless_allowed() {
        for text in [
            "http://127.0.0.1:8080",
            "http://[::1]:8080",
            "http://localhost",
        ] {
            assert!(parse_base_url(text, false).is_err(), "{text}");
            assert!(parse_base_url(text, true).is_ok(), "{text}");
        }
    }

    #[test]
    fn appends_the_path_verbatim() {
        let url = render_url(&base(), "/Users(Number='a%2Fb%3F')/Pbx.Foo()", &[]);

        assert_eq!(
            url.as_str(),
            "https://pbx.example.com/xapi/v1/Users(Number='a%2Fb%3F')/Pbx.Foo()"
        );
        assert_eq!(url.query(), None);
    }

    #[test]
    fn keeps_raw_question_marks_out_of_the_query() {
        let url = render_url(&base(), "/Users('?#')", &[]);

        assert_eq!(url.path(), "/xapi/v1/Users('%3F%23')");
        assert_eq!(url.query(), None);
        assert_eq!(url.fragment(), None);
    }

    #[test]
    fn encodes_query_values_but_not_keys() {
        let mut query = Vec::new();
        GetQuery::default()
            .select(["Id", "Number"])
            .append_to(&mut query);
        ListQuery::default()
            .filter("Number eq 'a+b&c'")
            .append_to(&mut query);

        let url = render_url(&base(), "/Users", &query);

        assert_eq!(
            url.query(),
            Some("$select=Id,Number&$filter=Number%20eq%20%27a%2Bb%26c%27")
        );
    }

    proptest::proptest! {
        /// A key literal stays inside its path segment and reads back as the same value.
        #[test]
        fn a_key_literal_never_changes_the_url_structure(value in proptest::prelude::any::<String>()) {
            let path = format!("/Users(Number={})/Pbx.Foo()", Literal(value.as_str()));
            let url = render_url(&base(), &path, &[]);

            proptest::prop_assert_eq!(url.query(), None);
            proptest::prop_assert_eq!(url.fragment(), None);
            let segments: Vec<&str> = url.path_segments().unwrap().collect();
            proptest::prop_assert_eq!(segments.len(), 4);
            proptest::prop_assert_eq!(segments[3], "Pbx.Foo()");

            let key = segments[2]
                .strip_prefix("Users(Number=")
                .and_then(|rest| rest.strip_suffix(')'))
                .unwrap();
            let decoded = percent_decode_str(key).decode_utf8().unwrap();
            let inner = &decoded[1..decoded.len() - 1];
            proptest::prop_assert_eq!(inner.replace("''", "'"), value);
        }

        /// A filter value stays inside the one `$filter` pair and reads back unchanged.
        #[test]
        fn a_filter_value_never_adds_a_query_pair(value in proptest::prelude::any::<String>()) {
            let filter = crate::Filter::eq("Name", value.as_str());
            let mut query = Vec::new();
            ListQuery::default().filter(filter.clone()).append_to(&mut query);
            let url = render_url(&base(), "/Users", &query);

            let text = url.query().unwrap();
            proptest::prop_assert_eq!(text.split('&').count(), 1);
            proptest::prop_assert!(!text.contains('+') && !text.contains(' '));
            let encoded = text.strip_prefix("$filter=").unwrap();
            let decoded = percent_decode_str(encoded).decode_utf8().unwrap();
            proptest::prop_assert_eq!(decoded, filter.to_string());
        }
    }

    #[test]
    fn encodes_a_filter_in_the_query() {
        let offset = chrono::DateTime::parse_from_rfc3339("2026-03-01T08:00:00+01:00").unwrap();
        let filter =
            crate::Filter::ge("Start", offset).and(crate::Filter::contains("Name", "a b'c"));
        let mut query = Vec::new();
        ListQuery::default().filter(filter).append_to(&mut query);

        let url = render_url(&base(), "/Users", &query);

        assert_eq!(
            url.query(),
            Some(concat!(
                "$filter=Start%20ge%202026-03-01T08:00:00%2B01:00",
                "%20and%20contains(Name,%27a%20b%27%27c%27)"
            ))
        );
    }

    #[test]
    fn debug_output_redacts_the_token() {
        let builder = Client::builder("https://pbx.example.com").bearer_token("s3cret");
        assert!(!format!("{builder:?}").contains("s3cret"));
        assert!(format!("{builder:?}").contains("<redacted>"));

        let client = builder.build().unwrap();
        assert!(!format!("{client:?}").contains("s3cret"));
        assert!(format!("{client:?}").contains("<redacted>"));
    }

    #[test]
    fn rejects_tokens_that_cannot_be_headers() {
        let error = Client::builder("https://pbx.example.com")
            .bearer_token("a\nb")
            .build();

        assert!(matches!(
            error,
            Err(Error::InvalidHeader {
                name: "authorization"
            })
        ));
    }

    #[test]
    fn reports_the_json_path_of_a_decode_failure() {
        #[derive(Debug, serde::Deserialize)]
        struct Page {
            #[serde(rename = "value")]
            _value: Vec<Item>,
        }

        #[derive(Debug, serde::Deserialize)]
        struct Item {
            #[serde(rename = "Id")]
            _id: i32,
        }

        let body = br#"{"value":[{"Id":1},{"Id":"x"}]}"#;
        let error = decode_json::<Page>("ListUser", body).unwrap_err();

        assert!(matches!(
            error,
            Error::Decode { operation_id: "ListUser", ref path, .. } if path == "value[1].Id"
        ));
    }

    #[test]
    fn rejects_trailing_bytes() {
        let error = decode_json::<i32>("GetCount", b"1 2").unwrap_err();

        assert!(matches!(error, Error::Decode { ref path, .. } if path == "."));
    }
}
