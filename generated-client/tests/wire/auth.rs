//! Authentication (C03, C04, C12): the token cache, renewal, 401 handling and token errors.

use std::time::Duration;

use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xapi_client::auth::AuthorizationCodeFlow;
use xapi_client::{Client, Error, Method, Request};

use crate::{Issuer, api_authorizations, fast_retries, token_requests};

/// Answers `GET /Users(5)` with a user for any bearer token.
async fn mount_user(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users(5)"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Id": 5})))
        .mount(server)
        .await;
}

/// A client for `server` that authenticates as `client_id` with the secret `s3cret`.
///
/// Each test uses its own client id, since the token cache is shared by the whole process.
fn service_client(server: &MockServer, client_id: &str) -> Client {
    fast_retries(Client::builder(server.uri()).allow_http(true))
        .client_credentials(client_id, "s3cret")
        .build()
        .unwrap()
}

async fn get_user(client: &Client) -> xapi_client::Result<serde_json::Value> {
    client
        .send_json(Request::new(Method::Get, "GetUser", "/Users(5)".to_owned()))
        .await
}

#[tokio::test]
async fn fetches_a_token_once_and_reuses_it() {
    let server = MockServer::start().await;
    Issuer::opaque(&[3600]).mount(&server).await;
    mount_user(&server).await;
    let client = service_client(&server, "reuse");

    get_user(&client).await.unwrap();
    get_user(&client.clone()).await.unwrap();

    // Another client for the same PBX and client id shares the cache.
    get_user(&service_client(&server, "reuse")).await.unwrap();

    let forms = token_requests(&server).await;
    assert_eq!(forms.len(), 1);
    let mut fields: Vec<&str> = forms[0].split('&').collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "client_id=reuse",
            "client_secret=s3cret",
            "grant_type=client_credentials"
        ]
    );
    assert_eq!(api_authorizations(&server).await, ["Bearer token-1"; 3]);
}

#[tokio::test]
async fn sends_the_token_request_as_a_form() {
    let server = MockServer::start().await;
    Issuer::opaque(&[3600]).mount(&server).await;
    mount_user(&server).await;

    get_user(&service_client(&server, "form")).await.unwrap();

    let received = server.received_requests().await.unwrap();
    let token_request = &received[0];
    assert_eq!(token_request.url.path(), "/connect/token");
    assert_eq!(
        token_request.headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert!(token_request.headers.get("authorization").is_none());
}

#[tokio::test]
async fn renews_the_token_before_it_expires() {
    let server = MockServer::start().await;

    // JWTs living 2 seconds although `expires_in` says 3600: `exp` wins, and the token is
    // renewed in the last quarter of its life, after 1.5 seconds.
    Issuer::jwt(2).mount(&server).await;
    mount_user(&server).await;
    let client = service_client(&server, "renew");

    get_user(&client).await.unwrap();
    get_user(&client).await.unwrap();
    assert_eq!(token_requests(&server).await.len(), 1);

    tokio::time::sleep(Duration::from_millis(1600)).await;
    get_user(&client).await.unwrap();

    // Renewed while the first token still had about 0.4 seconds to live.
    assert_eq!(token_requests(&server).await.len(), 2);
    let authorizations = api_authorizations(&server).await;
    assert_eq!(authorizations[0], authorizations[1]);
    assert_ne!(authorizations[1], authorizations[2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renews_an_expired_token_once_for_100_concurrent_calls() {
    let server = MockServer::start().await;

    // The first token expires at once; the second lives an hour.
    Issuer::opaque(&[0, 3600]).mount(&server).await;
    mount_user(&server).await;
    let client = service_client(&server, "concurrent");
    get_user(&client).await.unwrap();

    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let client = client.clone();
        tasks.spawn(async move { get_user(&client).await });
    }
    let results = tasks.join_all().await;

    assert!(results.iter().all(Result::is_ok));
    assert_eq!(token_requests(&server).await.len(), 2);
    let authorizations = api_authorizations(&server).await;
    assert_eq!(authorizations.len(), 101);
    assert!(
        authorizations[1..]
            .iter()
            .all(|value| value == "Bearer token-2")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetches_one_token_for_100_concurrent_first_calls() {
    let server = MockServer::start().await;
    Issuer::opaque(&[3600]).mount(&server).await;
    mount_user(&server).await;
    let client = service_client(&server, "cold-start");

    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let client = client.clone();
        tasks.spawn(async move { get_user(&client).await });
    }
    let results = tasks.join_all().await;

    assert!(results.iter().all(Result::is_ok));
    assert_eq!(token_requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_401_renews_the_token_once_and_retries_once() {
    let server = MockServer::start().await;
    Issuer::opaque(&[3600]).mount(&server).await;

    // The PBX revoked token-1, say because another process fetched a token meanwhile (C04).
    Mock::given(method("PATCH"))
        .and(path("/xapi/v1/Users(5)"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/xapi/v1/Users(5)"))
        .and(header("authorization", "Bearer token-2"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = service_client(&server, "renew-on-401");

    // A PATCH: a 401 means the PBX did nothing, so even a change is sent again.
    let request = Request::new(Method::Patch, "UpdateUser", "/Users(5)".to_owned())
        .json(&json!({"FirstName": "Ada"}));
    client.send_empty(request).await.unwrap();

    assert_eq!(token_requests(&server).await.len(), 2);
    assert_eq!(
        api_authorizations(&server).await,
        ["Bearer token-1", "Bearer token-2"]
    );
}

#[tokio::test]
async fn a_second_401_is_an_authentication_error() {
    let server = MockServer::start().await;
    Issuer::opaque(&[3600]).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users(5)"))
        .respond_with(ResponseTemplate::new(401).set_body_string("no"))
        .mount(&server)
        .await;
    let client = service_client(&server, "refused");

    let error = get_user(&client).await.unwrap_err();

    assert!(
        matches!(
            &error,
            Error::Authentication { operation_id: "GetUser", body } if body == "no"
        ),
        "{error:?}"
    );
    assert_eq!(error.status().map(|status| status.as_u16()), Some(401));
    assert_eq!(
        error.to_string(),
        "GetUser failed: authentication failed, the PBX refused a freshly issued token"
    );
    assert_eq!(token_requests(&server).await.len(), 2);
    assert_eq!(api_authorizations(&server).await.len(), 2);
}

#[tokio::test]
async fn a_refused_fixed_token_is_an_http_error_without_retry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users(5)"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    let client = crate::client_for(&server);

    let error = get_user(&client).await.unwrap_err();

    assert!(matches!(error, Error::Http { status, .. } if status.as_u16() == 401));
}

#[tokio::test]
async fn reads_an_oauth_error_from_the_token_endpoint() {
    let server = MockServer::start().await;
    let body = r#"{"error":"invalid_client","error_description":"Unknown client or secret"}"#;
    Mock::given(method("POST"))
        .and(path("/connect/token"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    mount_user(&server).await;
    let client = service_client(&server, "invalid");

    let error = get_user(&client).await.unwrap_err();

    let Error::OAuth {
        status,
        error: oauth,
    } = &error
    else {
        panic!("expected an oauth error, got {error:?}");
    };
    assert_eq!(status.as_u16(), 400);
    assert_eq!(oauth.error, "invalid_client");
    assert_eq!(
        oauth.description.as_deref(),
        Some("Unknown client or secret")
    );
    assert_eq!(
        error.to_string(),
        "the token endpoint refused with http status 400: invalid_client: Unknown client or secret"
    );
    assert!(api_authorizations(&server).await.is_empty());
}

#[tokio::test]
async fn keeps_a_proxy_page_from_the_token_endpoint_and_does_not_repeat_it() {
    let server = MockServer::start().await;
    let html = "<html><body>502 Bad Gateway</body></html>";
    Mock::given(method("POST"))
        .and(path("/connect/token"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(html, "text/html"))
        .expect(1)
        .mount(&server)
        .await;
    let client = service_client(&server, "proxy");

    let error = get_user(&client).await.unwrap_err();

    assert!(
        matches!(
            &error,
            Error::Token { status: Some(status), body, .. } if status.as_u16() == 502 && body == html
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn reports_a_success_body_that_is_not_a_token_without_echoing_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/connect/token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"access_token": "tok-secret"})),
        )
        .mount(&server)
        .await;
    let client = service_client(&server, "not-a-token");

    let error = get_user(&client).await.unwrap_err();

    assert!(
        matches!(&error, Error::Token { body, .. } if body.is_empty()),
        "{error:?}"
    );
    assert!(!format!("{error:?} {error}").contains("tok-secret"));
}

#[tokio::test]
async fn signs_a_user_in_with_pkce_and_renews_with_the_refresh_token() {
    let server = MockServer::start().await;
    Issuer::opaque(&[3600])
        .with_refresh_tokens()
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users(5)"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    mount_user(&server).await;

    let flow = AuthorizationCodeFlow::builder(server.uri(), "web-app", "http://127.0.0.1:9/cb")
        .allow_http(true)
        .build()
        .unwrap();
    let pending = flow.start();
    let url = url::Url::parse(pending.url()).unwrap();
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(url.path(), "/connect/authorize");
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["client_id"], "web-app");
    assert_eq!(query["redirect_uri"], "http://127.0.0.1:9/cb");
    assert_eq!(query["scope"], "openid offline_access");
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["state"], pending.state());
    assert!(!query["code_challenge"].is_empty());

    let state = pending.state().to_owned();
    let tokens = flow
        .exchange_code(pending, "the-code", &state)
        .await
        .unwrap();
    assert_eq!(tokens.refresh_token().as_deref(), Some("refresh-1"));

    // token-1 is refused, so the refresh token buys token-2.
    let client = Client::builder(server.uri())
        .allow_http(true)
        .token_source(tokens.clone())
        .build()
        .unwrap();
    get_user(&client).await.unwrap();

    let forms = token_requests(&server).await;
    assert_eq!(forms.len(), 2);
    assert!(forms[0].contains("grant_type=authorization_code"));
    assert!(forms[0].contains("code=the-code"));
    assert!(forms[0].contains("code_verifier="));
    assert!(forms[1].contains("grant_type=refresh_token"));
    assert!(forms[1].contains("refresh_token=refresh-1"));
    assert_eq!(tokens.refresh_token().as_deref(), Some("refresh-2"));
    assert_eq!(
        api_authorizations(&server).await,
        ["Bearer token-1", "Bearer token-2"]
    );
}

#[tokio::test]
async fn refuses_a_redirect_with_another_state() {
    let server = MockServer::start().await;
    Issuer::opaque(&[3600]).mount(&server).await;
    let flow = AuthorizationCodeFlow::builder(server.uri(), "web-app", "http://127.0.0.1:9/cb")
        .allow_http(true)
        .build()
        .unwrap();

    let error = flow
        .exchange_code(flow.start(), "the-code", "forged")
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Token { .. }), "{error:?}");
    assert!(token_requests(&server).await.is_empty());
}
