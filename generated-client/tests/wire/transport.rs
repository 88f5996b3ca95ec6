//! Transport settings: timeouts, plain http, the user agent and the PBX version.

use std::time::Duration;

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xapi_client::{Client, Error, Method, Request};

use crate::{client_for, received_urls};

fn get_user() -> Request<'static> {
    Request::new(Method::Get, "GetUser", "/Users(5)".to_owned())
}

#[tokio::test]
async fn gives_up_when_the_timeout_passes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users(5)"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .allow_http(true)
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();

    let error = client.send_empty(get_user()).await.unwrap_err();

    assert!(error.is_timeout(), "{error:?}");

    // A request that timed out may have reached the PBX, so it is not repeated.
    assert_eq!(received_urls(&server).await.len(), 1);
}

#[tokio::test]
async fn times_out_a_token_request_too() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/connect/token"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .allow_http(true)
        .client_credentials("slow-token", "s3cret")
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();

    let error = client.send_empty(get_user()).await.unwrap_err();

    assert!(
        matches!(error, Error::Token { .. }) && error.is_timeout(),
        "{error:?}"
    );
}

#[test]
fn refuses_plain_http_to_a_remote_host_unless_allowed() {
    let refused = Client::builder("http://pbx.example.com")
        .client_credentials("id", "s3cret")
        .build()
        .unwrap_err();

    assert!(
        matches!(&refused, Error::InvalidBaseUrl { reason, .. } if reason.contains("allow_http")),
        "{refused:?}"
    );
    assert!(
        Client::builder("http://pbx.example.com")
            .allow_http(true)
            .build()
            .is_ok()
    );
    assert!(Client::builder("https://pbx.example.com").build().is_ok());
    assert!(Client::builder("http://127.0.0.1:5000").build().is_err());
    assert!(
        Client::builder("http://127.0.0.1:5000")
            .allow_http(true)
            .build()
            .is_ok()
    );
}

#[tokio::test]
async fn sends_the_user_agent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;

    client_for(&server).send_empty(get_user()).await.unwrap();
    Client::builder(server.uri())
        .allow_http(true)
        .user_agent("billing-sync/2.1")
        .build()
        .unwrap()
        .send_empty(get_user())
        .await
        .unwrap();

    let received = server.received_requests().await.unwrap();
    assert_eq!(
        received[0].headers["user-agent"],
        concat!("xapi-client/", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(received[1].headers["user-agent"], "billing-sync/2.1");
}

#[tokio::test]
async fn tells_the_pbx_version_of_the_latest_answer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users(5)"))
        .respond_with(ResponseTemplate::new(404).insert_header("x-3cx-version", "20.0.10.780"))
        .mount(&server)
        .await;
    let client = client_for(&server);
    assert_eq!(client.pbx_version(), None);

    // Any answer tells the version, an error too.
    client.send_empty(get_user()).await.unwrap_err();

    assert_eq!(client.pbx_version().as_deref(), Some("20.0.10.780"));
    assert_eq!(client.clone().pbx_version().as_deref(), Some("20.0.10.780"));
}
