//! The generated client end to end: generated methods against a local mock server, checking
//! the exact request on the wire and the decoded models.

use chrono::{FixedOffset, TimeZone};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xapi_client::models::{PbxSyslogIntegrationType, PbxUser, PbxUserUpdate};
use xapi_client::{Client, Error, GetQuery, ListQuery, Patch};

/// A client for the mock server with a fixed token.
fn client_for(server: &MockServer) -> Client {
    Client::builder(server.uri())
        .allow_http(true)
        .bearer_token("t0k")
        .build()
        .expect("mock server URL is valid")
}

/// The path and query of the only request the server received.
async fn only_request(server: &MockServer) -> (String, Option<String>, String) {
    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(received.len(), 1, "exactly one request expected");
    let request = &received[0];
    let body = String::from_utf8(request.body.clone()).expect("JSON body is UTF-8");
    (
        request.url.path().to_string(),
        request.url.query().map(String::from),
        body,
    )
}

#[tokio::test]
async fn get_user_by_key_sends_the_key_and_decodes_the_user() {
    let server = MockServer::start().await;
    let reply = json!({
        "@odata.context": "https://pbx.example.net/xapi/v1/$metadata#Users/$entity",
        "@odata.etag": "W/\"abc\"",
        "Id": 5,
        "Number": "0101",
        "FirstName": null,
        "Unknown": "ignored"
    });
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users(5)"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&reply))
        .mount(&server)
        .await;

    let user: PbxUser = client_for(&server)
        .users()
        .get_user(5, &GetQuery::default())
        .await
        .expect("user");

    assert_eq!(user.id, Some(5));
    assert_eq!(user.number.as_deref(), Some("0101"));
    assert_eq!(user.first_name, None);
    assert_eq!(user.last_name, None);
    assert_eq!(
        only_request(&server).await,
        ("/xapi/v1/Users(5)".into(), None, String::new())
    );
}

#[tokio::test]
async fn string_keys_are_quoted_literals() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Id": 7})))
        .mount(&server)
        .await;

    let query = GetQuery::default().select(["Id", "Number"]);
    client_for(&server)
        .users()
        .get_user_by_number("SP'7", &query)
        .await
        .expect("user");

    let (path, query, _) = only_request(&server).await;
    assert_eq!(path, "/xapi/v1/Users(Number='SP''7')");
    assert_eq!(query.as_deref(), Some("$select=Id,Number"));
}

#[tokio::test]
async fn function_parameters_keep_their_order_and_types() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .mount(&server)
        .await;
    let offset = FixedOffset::east_opt(3600).expect("valid offset");
    let from = offset
        .with_ymd_and_hms(2026, 3, 1, 0, 0, 0)
        .single()
        .expect("valid date");
    let to = offset
        .with_ymd_and_hms(2026, 3, 2, 0, 0, 0)
        .single()
        .expect("valid date");

    let page = client_for(&server)
        .report_call_log_data()
        .get_call_log_data(
            from,
            to,
            0,
            "",
            0,
            "ext 1/2",
            0,
            0,
            "",
            "",
            false,
            &ListQuery::default().top(2),
        )
        .await
        .expect("page");

    assert_eq!(page.items, Vec::new());
    assert_eq!(page.count, None);
    let (path, query, _) = only_request(&server).await;
    assert_eq!(
        path,
        "/xapi/v1/ReportCallLogData/Pbx.GetCallLogData(periodFrom=2026-03-01T00:00:00%2B01:00,\
         periodTo=2026-03-02T00:00:00%2B01:00,sourceType=0,sourceFilter='',destinationType=0,\
         destinationFilter='ext%201%2F2',callsType=0,callTimeFilterType=0,\
         callTimeFilterFrom='',callTimeFilterTo='',hidePcalls=false)"
    );
    assert_eq!(query.as_deref(), Some("$top=2"));
}

#[tokio::test]
async fn patch_sends_only_the_fields_that_are_set() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/xapi/v1/Users(5)"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;

    let update = PbxUserUpdate {
        first_name: Patch::Set("Ada".into()),
        mobile: Patch::Clear,
        ..PbxUserUpdate::default()
    };
    client_for(&server)
        .users()
        .update_user(5, &update)
        .await
        .expect("204");

    let (_, _, body) = only_request(&server).await;
    assert_eq!(body, r#"{"FirstName":"Ada","Mobile":null}"#);
}

#[tokio::test]
async fn unknown_enum_values_are_kept() {
    let known: PbxSyslogIntegrationType = serde_json::from_str(r#""Custom""#).expect("known");
    let unknown: PbxSyslogIntegrationType = serde_json::from_str(r#""Splunk""#).expect("kept");

    assert_eq!(known, PbxSyslogIntegrationType::Custom);
    assert_eq!(
        unknown,
        PbxSyslogIntegrationType::Unrecognized("Splunk".into())
    );
    assert_eq!(
        serde_json::to_string(&unknown).expect("writes"),
        r#""Splunk""#
    );
}

#[tokio::test]
async fn server_errors_carry_status_and_operation() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;

    let error = client_for(&server)
        .users()
        .get_user(9, &GetQuery::default())
        .await
        .unwrap_err();

    match error {
        Error::Http {
            status,
            operation_id,
            odata,
            body,
        } => {
            assert_eq!(status.as_u16(), 404);
            assert_eq!(operation_id, "GetUser");
            assert!(odata.is_none());
            assert_eq!(body, "");
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
}

#[test]
fn debug_output_never_shows_secrets() {
    let user = PbxUser {
        access_password: Some("hunter2".into()),
        vmpin: Some("4711".into()),
        first_name: Some("Ada".into()),
        ..PbxUser::default()
    };
    let update = PbxUserUpdate {
        access_password: Patch::Set("hunter2".into()),
        ..PbxUserUpdate::default()
    };

    let shown = format!("{user:?} {update:?}");

    assert!(
        !shown.contains("hunter2") && !shown.contains("4711"),
        "{shown}"
    );
    assert!(shown.contains("access_password: <redacted>"), "{shown}");
    assert!(shown.contains(r#"first_name: Some("Ada")"#), "{shown}");
}
