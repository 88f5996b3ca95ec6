//! Users: the authorization code flow with PKCE, and renewal with the refresh token.
//!
//! 3CX 20.0.10 lets a user sign in through OpenID Connect: the application sends the browser
//! to `/connect/authorize`, the PBX sends it back to the redirect URL with a code, and the
//! application trades the code for tokens at `/connect/token`.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, Scope, TokenUrl,
};
use url::Url;

use super::cache::{Issued, TokenCache};
use super::endpoint::sibling_url;
use super::{BearerToken, Redacted, TokenEndpoint, TokenFuture, TokenSource};
use crate::client::{build_http_client, parse_base_url};
use crate::error::{Error, Result};
use crate::retry::RetryPolicy;

/// The authorization endpoint's path below the PBX origin, from the spec's
/// `securitySchemes`.
const AUTHORIZE_PATH: &str = "/connect/authorize";

/// The scopes asked for unless [`AuthorizationCodeFlowBuilder::scopes`] says otherwise:
/// sign-in, and a refresh token so that the session outlives the first access token.
const DEFAULT_SCOPES: [&str; 2] = ["openid", "offline_access"];

/// The `oauth2` client with the endpoints this flow uses.
type OAuthClient =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// Signs a user in with the authorization code flow and PKCE.
///
/// ```no_run
/// use xapi_client::Client;
/// use xapi_client::auth::AuthorizationCodeFlow;
///
/// # async fn run(code: &str, state: &str) -> xapi_client::Result<()> {
/// let flow = AuthorizationCodeFlow::builder(
///     "https://pbx.example.com",
///     "my-app",
///     "http://127.0.0.1:8400/callback",
/// )
/// .build()?;
///
/// // Send the user's browser to this URL and wait for the redirect.
/// let pending = flow.start();
/// println!("open {}", pending.url());
///
/// // The redirect brings `code` and `state` back in its query.
/// let tokens = flow.exchange_code(pending, code, state).await?;
/// let client = Client::builder("https://pbx.example.com").token_source(tokens).build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct AuthorizationCodeFlow {
    inner: Arc<FlowInner>,
}

/// The settings of a flow, shared with the [`UserTokens`] it hands out.
struct FlowInner {
    client_id: String,
    client_secret: Option<String>,
    authorize_url: Url,
    redirect_url: Url,
    scopes: Vec<String>,
    endpoint: TokenEndpoint,
}

impl AuthorizationCodeFlow {
    /// Starts configuring the flow for the PBX at `pbx_url`, the application registered as
    /// `client_id`, and the URL the PBX sends the browser back to.
    pub fn builder(
        pbx_url: impl Into<String>,
        client_id: impl Into<String>,
        redirect_url: impl Into<String>,
    ) -> AuthorizationCodeFlowBuilder {
        AuthorizationCodeFlowBuilder {
            pbx_url: pbx_url.into(),
            client_id: client_id.into(),
            redirect_url: redirect_url.into(),
            client_secret: None,
            scopes: DEFAULT_SCOPES
                .iter()
                .map(|&scope| scope.to_owned())
                .collect(),
            allow_http: false,
            http_client: None,
            timeout: None,
        }
    }

    /// Begins one sign-in: a fresh PKCE verifier and state, and the URL to send the browser to.
    ///
    /// Keep the returned value until the redirect comes back, then pass it to
    /// [`exchange_code`](Self::exchange_code).
    pub fn start(&self) -> PendingAuthorization {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = self
            .inner
            .oauth_client()
            .authorize_url(CsrfToken::new_random)
            .add_scopes(self.inner.scopes.iter().cloned().map(Scope::new))
            .set_pkce_challenge(challenge)
            .url();
        PendingAuthorization {
            url,
            state,
            verifier,
        }
    }

    /// Trades the `code` from the redirect for tokens, after checking that the redirect's
    /// `state` is the one [`start`](Self::start) sent.
    ///
    /// # Errors
    ///
    /// [`Error::Token`] when `state` does not match, which means the redirect was not the
    /// answer to this sign-in; [`Error::OAuth`] when the PBX refuses the code, and the other
    /// token errors when it cannot be reached.
    pub async fn exchange_code(
        &self,
        pending: PendingAuthorization,
        code: &str,
        state: &str,
    ) -> Result<UserTokens> {
        if pending.state.secret() != state {
            return Err(Error::Token {
                status: None,
                reason: "the state in the redirect is not the one this sign-in sent".to_owned(),
                body: String::new(),
                source: None,
            });
        }

        let client = self.inner.oauth_client();
        let endpoint = &self.inner.endpoint;
        let sender = endpoint.sender();
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(pending.verifier)
            .request_async(&sender);
        let granted = endpoint.grant("authorization_code", response).await?;

        let tokens = self.resume_inner(granted.refresh_token);
        let issued = granted.issued;
        tokens
            .inner
            .cache
            .get(None, || async move { Ok(issued) })
            .await?;
        Ok(tokens)
    }

    /// A session from a refresh token kept from an earlier sign-in, see
    /// [`UserTokens::refresh_token`]; its first request fetches an access token.
    pub fn resume(&self, refresh_token: impl Into<String>) -> UserTokens {
        self.resume_inner(Some(refresh_token.into()))
    }

    fn resume_inner(&self, refresh_token: Option<String>) -> UserTokens {
        UserTokens {
            inner: Arc::new(SessionInner {
                flow: Arc::clone(&self.inner),
                cache: TokenCache::default(),
                refresh_token: Mutex::new(refresh_token),
            }),
        }
    }
}

impl FlowInner {
    fn oauth_client(&self) -> OAuthClient {
        let client = BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_auth_uri(AuthUrl::from_url(self.authorize_url.clone()))
            .set_token_uri(TokenUrl::from_url(self.endpoint.url().clone()))
            .set_redirect_uri(RedirectUrl::from_url(self.redirect_url.clone()))
            .set_auth_type(AuthType::RequestBody);
        match &self.client_secret {
            Some(secret) => client.set_client_secret(ClientSecret::new(secret.clone())),
            None => client,
        }
    }
}

impl fmt::Debug for AuthorizationCodeFlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("AuthorizationCodeFlow")
            .field("client_id", &inner.client_id)
            .field(
                "client_secret",
                &inner.client_secret.as_ref().map(|_| Redacted),
            )
            .field("authorize_url", &inner.authorize_url.as_str())
            .field("token_url", &inner.endpoint.url().as_str())
            .field("redirect_url", &inner.redirect_url.as_str())
            .field("scopes", &inner.scopes)
            .finish()
    }
}

/// Configures an [`AuthorizationCodeFlow`]; start with [`AuthorizationCodeFlow::builder`].
#[must_use = "a builder does nothing until `build` is called"]
pub struct AuthorizationCodeFlowBuilder {
    pbx_url: String,
    client_id: String,
    redirect_url: String,
    client_secret: Option<String>,
    scopes: Vec<String>,
    allow_http: bool,
    http_client: Option<reqwest::Client>,
    timeout: Option<Duration>,
}

impl AuthorizationCodeFlowBuilder {
    /// Authenticates the application with `client_secret` too, for a confidential client.
    pub fn client_secret(mut self, client_secret: impl Into<String>) -> Self {
        self.client_secret = Some(client_secret.into());
        self
    }

    /// Asks for `scopes` instead of `openid offline_access`.
    ///
    /// Without `offline_access` the PBX sends no refresh token, and the session ends with its
    /// first access token.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Allows a PBX URL with plain `http`, as
    /// [`ClientBuilder::allow_http`](crate::ClientBuilder::allow_http) does.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Sends token requests through `http_client`.
    pub fn http_client(mut self, http_client: reqwest::Client) -> Self {
        self.http_client = Some(http_client);
        self
    }

    /// Limits each token request to `timeout`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Checks the settings and builds the flow.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBaseUrl`] when the PBX URL or the redirect URL is unusable, and
    /// [`Error::Request`] when the HTTP client cannot be set up.
    pub fn build(self) -> Result<AuthorizationCodeFlow> {
        let api_base = parse_base_url(&self.pbx_url, self.allow_http)?;
        let redirect_url =
            Url::parse(&self.redirect_url).map_err(|error| Error::InvalidBaseUrl {
                url: self.redirect_url.clone(),
                reason: format!("the redirect url does not parse: {error}"),
            })?;
        let http = match self.http_client {
            Some(http) => http,
            None => build_http_client(None)?,
        };

        let endpoint =
            TokenEndpoint::new(http, &api_base, None, self.timeout, RetryPolicy::default());
        let inner = FlowInner {
            client_id: self.client_id,
            client_secret: self.client_secret,
            authorize_url: sibling_url(&api_base, AUTHORIZE_PATH),
            redirect_url,
            scopes: self.scopes,
            endpoint,
        };
        Ok(AuthorizationCodeFlow {
            inner: Arc::new(inner),
        })
    }
}

impl fmt::Debug for AuthorizationCodeFlowBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationCodeFlowBuilder")
            .field("pbx_url", &self.pbx_url)
            .field("client_id", &self.client_id)
            .field("redirect_url", &self.redirect_url)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| Redacted),
            )
            .field("scopes", &self.scopes)
            .field("allow_http", &self.allow_http)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// One sign-in in progress: the URL to send the browser to, and what checks its answer.
///
/// `Debug` leaves out the PKCE verifier.
pub struct PendingAuthorization {
    url: Url,
    state: CsrfToken,
    verifier: PkceCodeVerifier,
}

impl PendingAuthorization {
    /// The PBX's authorize URL with the client id, scopes, state and PKCE challenge.
    pub fn url(&self) -> &str {
        self.url.as_str()
    }

    /// The random `state` the redirect must bring back.
    pub fn state(&self) -> &str {
        self.state.secret()
    }
}

impl fmt::Debug for PendingAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingAuthorization")
            .field("url", &self.url.as_str())
            .field("verifier", &Redacted)
            .finish_non_exhaustive()
    }
}

/// A signed-in user's tokens: a [`TokenSource`] that renews the access token with the
/// refresh token.
///
/// Cloning is cheap and shares the tokens. `Debug` shows no token.
#[derive(Clone)]
pub struct UserTokens {
    inner: Arc<SessionInner>,
}

struct SessionInner {
    flow: Arc<FlowInner>,
    cache: TokenCache,
    /// Replaced when the PBX rotates it; only touched by the one task that renews.
    refresh_token: Mutex<Option<String>>,
}

impl UserTokens {
    /// The current refresh token, to keep for [`AuthorizationCodeFlow::resume`]; store it as
    /// carefully as a password.
    pub fn refresh_token(&self) -> Option<String> {
        self.inner.refresh_token().clone()
    }
}

impl SessionInner {
    fn refresh_token(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.refresh_token
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Renews the access token with the refresh token.
    async fn renew(&self) -> Result<Issued> {
        let Some(refresh_token) = self.refresh_token().clone() else {
            return Err(Error::Token {
                status: None,
                reason: "the access token expired and there is no refresh token; sign in again"
                    .to_owned(),
                body: String::new(),
                source: None,
            });
        };

        let client = self.flow.oauth_client();
        let endpoint = &self.flow.endpoint;
        let sender = endpoint.sender();
        let refresh_token = RefreshToken::new(refresh_token);
        let response = client
            .exchange_refresh_token(&refresh_token)
            .request_async(&sender);
        let granted = endpoint.grant("refresh_token", response).await?;

        if let Some(rotated) = granted.refresh_token {
            *self.refresh_token() = Some(rotated);
        }
        Ok(granted.issued)
    }
}

impl TokenSource for UserTokens {
    fn token(&self) -> TokenFuture<'_, BearerToken> {
        Box::pin(self.inner.cache.get(None, || self.inner.renew()))
    }

    fn refresh<'a>(&'a self, rejected: &'a BearerToken) -> TokenFuture<'a, Option<BearerToken>> {
        Box::pin(async move {
            self.inner
                .cache
                .get(Some(rejected), || self.inner.renew())
                .await
                .map(Some)
        })
    }
}

impl fmt::Debug for UserTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserTokens")
            .field("client_id", &self.inner.flow.client_id)
            .field("access_token", &Redacted)
            .field("refresh_token", &Redacted)
            .finish()
    }
}
