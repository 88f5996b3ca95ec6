//! Wire tests: paging, downloads, filters, error bodies, authentication, retries and logs
//! against a local mock server.
//!
//! One test binary with a module per concern, so the slow link happens once.

mod auth;
mod download;
mod errors;
mod filter;
mod logs;
mod paging;
mod retry;
mod transport;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};
use xapi_client::{Client, ClientBuilder, RetryPolicy};

/// A client for `server` with the bearer token `t0k`.
fn client_for(server: &MockServer) -> Client {
    fast_retries(Client::builder(server.uri()).allow_http(true))
        .bearer_token("t0k")
        .build()
        .unwrap()
}

/// The default retry policy with millisecond waits, so that tests that retry stay quick.
fn fast_retries(builder: ClientBuilder) -> ClientBuilder {
    builder.retry(RetryPolicy::default().min_delay(Duration::from_millis(1)))
}

/// The path and query of every request `server` received, in order, like `/xapi/v1/Users?$top=2`.
async fn received_urls(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|request| match request.url.query() {
            Some(query) => format!("{}?{query}", request.url.path()),
            None => request.url.path().to_owned(),
        })
        .collect()
}

/// Answers token requests like the PBX's `/connect/token`: `token-1`, `token-2`, ... in
/// order, the n-th with the n-th `expires_in` (the last one repeats).
struct Issuer {
    issued: AtomicUsize,
    expires_in: Vec<u64>,
    /// Issue JWTs whose `exp - iat` is this many seconds instead of opaque tokens.
    jwt_lifetime: Option<u64>,
    refresh_token: bool,
}

impl Issuer {
    /// Opaque tokens with these `expires_in` values.
    fn opaque(expires_in: &[u64]) -> Self {
        Issuer {
            issued: AtomicUsize::new(0),
            expires_in: expires_in.to_vec(),
            jwt_lifetime: None,
            refresh_token: false,
        }
    }

    /// JWTs that live `lifetime` seconds, sent with `expires_in: 3600`.
    fn jwt(lifetime: u64) -> Self {
        Issuer {
            jwt_lifetime: Some(lifetime),
            ..Issuer::opaque(&[3600])
        }
    }

    /// Also sends `refresh-<n>` as the refresh token.
    fn with_refresh_tokens(self) -> Self {
        Issuer {
            refresh_token: true,
            ..self
        }
    }

    /// Mounts the issuer on `server` and returns nothing; count requests with
    /// [`token_requests`].
    async fn mount(self, server: &MockServer) {
        Mock::given(method("POST"))
            .and(path("/connect/token"))
            .respond_with(self)
            .mount(server)
            .await;
    }
}

impl Respond for Issuer {
    fn respond(&self, _request: &wiremock::Request) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        let expires_in = self.expires_in[(n - 1).min(self.expires_in.len() - 1)];
        let access_token = match self.jwt_lifetime {
            Some(lifetime) => jwt(n, lifetime),
            None => format!("token-{n}"),
        };

        let mut body = serde_json::json!({
            "token_type": "Bearer",
            "expires_in": expires_in,
            "access_token": access_token,
        });
        if self.refresh_token {
            body["refresh_token"] = format!("refresh-{n}").into();
        }
        ResponseTemplate::new(200).set_body_json(body)
    }
}

/// An unsigned JWT numbered `n` that was issued now and lives `lifetime` seconds.
fn jwt(n: usize, lifetime: u64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = serde_json::json!({"iat": now, "exp": now + lifetime, "jti": n});
    format!(
        "{}.{}.signature",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
    )
}

/// The requests `server` received at `/connect/token`, as their form bodies.
async fn token_requests(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|request| request.url.path() == "/connect/token")
        .map(|request| String::from_utf8_lossy(&request.body).into_owned())
        .collect()
}

/// The `Authorization` headers of the API requests `server` received, in order.
async fn api_authorizations(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|request| request.url.path().starts_with("/xapi/v1/"))
        .map(|request| {
            request
                .headers
                .get("authorization")
                .map(|value| value.to_str().unwrap().to_owned())
                .unwrap_or_default()
        })
        .collect()
}

/// Everything a `tracing` subscriber printed while a [`Captured::start`] guard was alive.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// Prints every span and event at any level on this thread into the returned buffer
    /// until the guard is dropped; use it in a current-thread test.
    fn start() -> (Captured, tracing::subscriber::DefaultGuard) {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(captured.clone())
            .with_max_level(tracing::Level::TRACE)
            .without_time()
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        (captured, guard)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
