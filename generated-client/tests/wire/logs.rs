//! Logs and debug output: spans carry the call's shape, and never a token or a secret.

use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xapi_client::auth::AuthorizationCodeFlow;
use xapi_client::{Client, Method, Request};

use crate::{Captured, Issuer, fast_retries};

const SECRET: &str = "Sup3r-S3cret-Value";

#[tokio::test]
async fn traces_each_request_without_tokens_or_secrets() {
    let (captured, _guard) = Captured::start();
    let server = MockServer::start().await;
    Issuer::opaque(&[3600]).mount(&server).await;

    // token-1 is refused and the first try with token-2 meets a busy PBX, so the logs cover
    // a token request, a renewal and a retry.
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users(Number='ext-private-77')"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Id": 5})))
        .mount(&server)
        .await;
    let client = fast_retries(Client::builder(server.uri()).allow_http(true))
        .client_credentials("logs", SECRET)
        .build()
        .unwrap();

    let request = Request::new(
        Method::Get,
        "GetUserByNumber",
        "/Users(Number='ext-private-77')".to_owned(),
    );
    client.send_empty(request).await.unwrap();

    let text = captured.text();
    assert!(text.contains("xapi.request"), "{text}");
    assert!(text.contains("xapi.token"), "{text}");
    let finished = text
        .lines()
        .find(|line| line.contains("request finished"))
        .unwrap();
    for field in [
        "operation_id=\"GetUserByNumber\"",
        "method=\"GET\"",
        "path=/Users(..)",
        "status=200",
        "retries=1",
        "duration_ms=",
    ] {
        assert!(finished.contains(field), "{field} missing from {finished}");
    }

    for secret in [SECRET, "token-1", "token-2", "ext-private-77"] {
        assert!(!text.contains(secret), "{secret} in the logs:\n{text}");
    }
}

#[test]
fn debug_output_redacts_secrets() {
    let builder = Client::builder("https://pbx.example.com").client_credentials("svc", SECRET);
    let client = Client::builder("https://pbx.example.com")
        .client_credentials("svc", SECRET)
        .build()
        .unwrap();
    let flow = AuthorizationCodeFlow::builder("https://pbx.example.com", "app", "app:/cb")
        .client_secret(SECRET);
    let built = AuthorizationCodeFlow::builder("https://pbx.example.com", "app", "app:/cb")
        .client_secret(SECRET)
        .build()
        .unwrap();
    let pending = built.start();
    let tokens = built.resume(SECRET);

    let outputs = [
        format!("{builder:?}"),
        format!("{client:?}"),
        format!("{flow:?}"),
        format!("{built:?}"),
        format!("{pending:?}"),
        format!("{tokens:?}"),
        format!("{:?}", xapi_client::auth::BearerToken::new(SECRET)),
    ];

    for output in outputs {
        assert!(!output.contains(SECRET), "{output}");
        assert!(output.contains("<redacted>"), "{output}");
    }
    assert!(format!("{client:?}").contains("svc"));
}
