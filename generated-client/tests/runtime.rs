//! Runtime tests: the hand-written client against a local mock server.

use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xapi_client::{Client, Error, GetQuery, ListQuery, Method, Request};

async fn client_for(server: &MockServer) -> Client {
    Client::builder(server.uri())
        .allow_http(true)
        .bearer_token("t0k")
        .build()
        .unwrap()
}

#[tokio::test]
async fn sends_path_query_and_token_and_decodes_json() {
    let server = MockServer::start().await;
    let user = json!({"Id": 5, "Number": "0101"});
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users(5)"))
        .and(query_param("$select", "Id,Number"))
        .and(header("authorization", "Bearer t0k"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&user))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server).await;

    let query = GetQuery::default().select(["Id", "Number"]);
    let request = Request::new(Method::Get, "GetUser", "/Users(5)".into()).query(&query);
    let value: serde_json::Value = client.send_json(request).await.unwrap();

    assert_eq!(value, user);

    // The matchers above decode the query, so check the exact bytes on the wire too.
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].url.path(), "/xapi/v1/Users(5)");
    assert_eq!(received[0].url.query(), Some("$select=Id,Number"));
    assert_eq!(received[0].headers["accept"], "application/json");
}

#[tokio::test]
async fn reports_a_404_with_empty_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users(6)"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let client = client_for(&server).await;

    let request = Request::new(Method::Get, "GetUser", "/Users(6)".into());
    let error = client
        .send_json::<serde_json::Value>(request)
        .await
        .unwrap_err();

    let Error::Http {
        status,
        operation_id,
        odata,
        body,
        ..
    } = &error
    else {
        panic!("expected an http error, got {error:?}");
    };
    assert_eq!(status.as_u16(), 404);
    assert_eq!(*operation_id, "GetUser");
    assert_eq!(*odata, None);
    assert_eq!(body, "");
    assert_eq!(error.to_string(), "GetUser failed with http status 404");
}

#[tokio::test]
async fn parses_an_odata_error_body() {
    let server = MockServer::start().await;
    let body = concat!(
        r#"{"error":{"code":"","message":"...","target":null,"details":"#,
        r#"[{"code":"","message":"WARNINGS.XAPI.ALREADY_IN_USE","target":"Number"}]}}"#,
    );
    Mock::given(method("POST"))
        .and(path("/xapi/v1/Users"))
        .and(header("content-type", "application/json"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let client = client_for(&server).await;

    let request = Request::new(Method::Post, "CreateUser", "/Users".into()).json(&json!({}));
    let error = client.send_empty(request).await.unwrap_err();

    let Error::Http {
        status,
        odata: Some(odata),
        ..
    } = &error
    else {
        panic!("expected an http error with an odata body, got {error:?}");
    };
    assert_eq!(status.as_u16(), 400);
    assert_eq!(odata.details[0].message, "WARNINGS.XAPI.ALREADY_IN_USE");
    assert_eq!(odata.details[0].target.as_deref(), Some("Number"));
}

#[tokio::test]
async fn reports_the_json_path_of_a_decode_failure() {
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

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [{"Id": "x"}]})))
        .mount(&server)
        .await;
    let client = client_for(&server).await;

    let request =
        Request::new(Method::Get, "ListUser", "/Users".into()).query(&ListQuery::default().top(1));
    let error = client.send_json::<Page>(request).await.unwrap_err();

    let Error::Decode {
        operation_id, path, ..
    } = &error
    else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(*operation_id, "ListUser");
    assert_eq!(path, "value[0].Id");
}

#[tokio::test]
async fn sends_if_match_and_accepts_no_content() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/xapi/v1/Users(5)"))
        .and(header("if-match", "W/\"1\""))
        .and(header("content-type", "application/json"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server).await;

    let request = Request::new(Method::Patch, "UpdateUser", "/Users(5)".into())
        .if_match(Some("W/\"1\""))
        .json(&json!({"FirstName": "Ann"}));
    client.send_empty(request).await.unwrap();

    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].body, br#"{"FirstName":"Ann"}"#);
}

#[tokio::test]
async fn reports_a_body_that_cannot_be_serialized() {
    let server = MockServer::start().await;
    let client = client_for(&server).await;

    // JSON object keys must be strings, so this map cannot be serialized.
    let body = std::collections::BTreeMap::from([((1, 2), 3)]);
    let request = Request::new(Method::Post, "CreateUser", "/Users".into()).json(&body);
    let error = client.send_empty(request).await.unwrap_err();

    assert!(matches!(
        error,
        Error::Serialize {
            operation_id: "CreateUser",
            ..
        }
    ));
    assert!(server.received_requests().await.unwrap().is_empty());
}
