//! Retries: which requests are repeated, how often, and how long the client waits.

use std::time::{Duration, SystemTime};

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xapi_client::{Client, Error, Method, Request, RetryPolicy};

use crate::{Captured, client_for, fast_retries, received_urls};

/// Answers `method /Users` with each of `statuses` once, in order, then with 200.
async fn mount_statuses(server: &MockServer, verb: &str, statuses: &[ResponseTemplate]) {
    for (n, response) in statuses.iter().enumerate() {
        Mock::given(method(verb))
            .and(path("/xapi/v1/Users"))
            .respond_with(response.clone())
            .up_to_n_times(1)
            .with_priority(u8::try_from(n + 1).unwrap())
            .mount(server)
            .await;
    }
    Mock::given(method(verb))
        .and(path("/xapi/v1/Users"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"value": []})))
        .with_priority(100)
        .mount(server)
        .await;
}

fn list_users() -> Request<'static> {
    Request::new(Method::Get, "ListUser", "/Users".to_owned())
}

/// The `delay_ms` of each `retrying` event in `captured`, in order.
fn retry_delays(captured: &Captured) -> Vec<u64> {
    captured
        .text()
        .lines()
        .filter(|line| line.contains("retrying"))
        .map(|line| {
            let start = line
                .find("delay_ms=")
                .expect("a retry event names its delay")
                + 9;
            let digits: String = line[start..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().unwrap()
        })
        .collect()
}

#[tokio::test]
async fn repeats_a_get_answered_429_502_503_or_504() {
    let server = MockServer::start().await;
    let statuses = [429, 502, 503, 504].map(ResponseTemplate::new);
    mount_statuses(&server, "GET", &statuses).await;
    let client = fast_retries(Client::builder(server.uri()).allow_http(true))
        .retry(
            RetryPolicy::default()
                .max_retries(4)
                .min_delay(Duration::from_millis(1)),
        )
        .build()
        .unwrap();

    client.send_empty(list_users()).await.unwrap();

    assert_eq!(received_urls(&server).await.len(), 5);
}

#[tokio::test]
async fn gives_up_after_the_last_retry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .allow_http(true)
        .retry(
            RetryPolicy::default()
                .max_retries(2)
                .min_delay(Duration::from_millis(1)),
        )
        .build()
        .unwrap();

    let error = client.send_empty(list_users()).await.unwrap_err();

    assert_eq!(error.status().map(|status| status.as_u16()), Some(503));
    assert_eq!(received_urls(&server).await.len(), 3);
}

#[tokio::test]
async fn waits_as_long_as_retry_after_says_in_seconds() {
    let (captured, _guard) = Captured::start();
    let server = MockServer::start().await;
    let busy = ResponseTemplate::new(503).insert_header("retry-after", "1");
    mount_statuses(&server, "GET", &[busy]).await;
    let client = client_for(&server);

    client.send_empty(list_users()).await.unwrap();

    // Without the header the first wait would be a few milliseconds.
    assert_eq!(retry_delays(&captured), [1000]);
    assert_eq!(received_urls(&server).await.len(), 2);
}

#[tokio::test]
async fn waits_until_the_date_retry_after_names() {
    let (captured, _guard) = Captured::start();
    let server = MockServer::start().await;
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3));
    let busy = ResponseTemplate::new(429).insert_header("retry-after", date.as_str());
    mount_statuses(&server, "GET", &[busy]).await;
    let client = client_for(&server);

    client.send_empty(list_users()).await.unwrap();

    // The date has whole seconds, so the wait is a little under 3 seconds.
    let delays = retry_delays(&captured);
    assert_eq!(delays.len(), 1);
    assert!((1000..=3000).contains(&delays[0]), "{delays:?}");
}

#[tokio::test]
async fn does_not_wait_for_a_retry_after_beyond_the_longest_wait() {
    let server = MockServer::start().await;
    let busy = ResponseTemplate::new(503).insert_header("retry-after", "3600");
    mount_statuses(&server, "GET", &[busy]).await;
    let client = client_for(&server);

    let error = client.send_empty(list_users()).await.unwrap_err();

    assert_eq!(error.status().map(|status| status.as_u16()), Some(503));
    assert_eq!(received_urls(&server).await.len(), 1);
}

#[tokio::test]
async fn never_repeats_a_post_or_patch_that_reached_the_pbx() {
    for (verb, method) in [("POST", Method::Post), ("PATCH", Method::Patch)] {
        for status in [429, 502, 503, 504] {
            let server = MockServer::start().await;
            let busy = ResponseTemplate::new(status).insert_header("retry-after", "0");
            mount_statuses(&server, verb, &[busy]).await;
            let client = client_for(&server);

            let request = Request::new(method, "ChangeUsers", "/Users".to_owned())
                .json(&serde_json::json!({}));
            let error = client.send_empty(request).await.unwrap_err();

            assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{verb}");
            assert_eq!(received_urls(&server).await.len(), 1, "{verb} {status}");
        }
    }
}

#[tokio::test]
async fn repeats_a_post_whose_connection_failed() {
    let (captured, _guard) = Captured::start();

    // A port that was just free: connecting to it is refused, so nothing is ever sent.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder(format!("http://{address}"))
        .allow_http(true)
        .retry(
            RetryPolicy::default()
                .max_retries(2)
                .min_delay(Duration::from_millis(1)),
        )
        .build()
        .unwrap();

    let request =
        Request::new(Method::Post, "CreateUser", "/Users".to_owned()).json(&serde_json::json!({}));
    let error = client.send_empty(request).await.unwrap_err();

    assert!(
        matches!(&error, Error::Request(source) if source.is_connect()),
        "{error:?}"
    );
    assert_eq!(retry_delays(&captured).len(), 2);
}
