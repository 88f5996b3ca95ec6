//! The field cases of `shared/field-cases.md`, one or more tests each, run through the generated
//! methods and models against a local mock server.
//!
//! C03 and C04 (token lifetime and one live token per client id) belong to the token work of
//! issue 4, so they have no tests here.

use std::collections::HashSet;

use chrono::{DateTime, FixedOffset};
use futures_util::StreamExt;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xapi_client::models::{
    BackupsBackupsRestoreRequestBody, PbxAgentLoginHistory, PbxDetailedQueueStatistics, PbxGroup,
    PbxGroupHoursMode, PbxQueuePerformanceOverview, PbxSyslogIntegrationType, PbxSyslogSettings,
    PbxSyslogSettingsUpdate, PbxUser, PbxUserGroup, PbxUserUpdate, UsersBulkUpdateRequestBody,
};
use xapi_client::{Client, Duration, Error, Flags, GetQuery, ListQuery, ODataError, Patch};

/// A client for the mock server with a fixed token.
fn client_for(server: &MockServer) -> Client {
    Client::builder(server.uri())
        .allow_http(true)
        .bearer_token("t")
        .build()
        .expect("the mock server URL is a valid base URL")
}

/// Starts a server that answers every request with `response`.
async fn server_answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// One request as it arrived: method, path, query and body, all as sent on the wire.
#[derive(Debug, PartialEq)]
struct Seen {
    method: String,
    path: String,
    query: Option<String>,
    body: String,
}

/// Every request the server received, in order.
async fn seen(server: &MockServer) -> Vec<Seen> {
    let received = server
        .received_requests()
        .await
        .expect("request recording is on");
    received
        .iter()
        .map(|request| Seen {
            method: request.method.to_string(),
            path: request.url.path().to_owned(),
            query: request.url.query().map(str::to_owned),
            body: String::from_utf8(request.body.clone()).expect("request bodies are UTF-8"),
        })
        .collect()
}

/// The only request the server received.
async fn only_request(server: &MockServer) -> Seen {
    let mut all = seen(server).await;
    assert_eq!(all.len(), 1, "exactly one request expected: {all:?}");
    all.remove(0)
}

/// Parses an RFC 3339 date-time that the test spells out.
fn date_time(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).expect("a valid RFC 3339 date-time")
}

/// The parts of an [`Error::Http`], or a panic naming the other error.
fn http_parts(error: Error) -> (u16, &'static str, Option<Box<ODataError>>, String) {
    match error {
        Error::Http {
            status,
            operation_id,
            odata,
            body,
        } => (status.as_u16(), operation_id, odata, body),
        other => panic!("expected Error::Http, got {other:?}"),
    }
}

/// Collects every item of a paging stream, stopping at the first error.
async fn collect_ids(mut stream: xapi_client::ItemStream<PbxUser>) -> (Vec<i32>, Option<Error>) {
    let mut ids = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(user) => ids.push(user.id.expect("every test user has an Id")),
            Err(error) => return (ids, Some(error)),
        }
    }
    (ids, None)
}

// C01: string values in key and function segments are OData literals.

#[tokio::test]
async fn c01_user_by_number_quotes_the_string_key() {
    let server = server_answering(ResponseTemplate::new(200).set_body_json(json!({"Id": 3}))).await;

    let user = client_for(&server)
        .users()
        .get_user_by_number("0101", &GetQuery::default())
        .await
        .expect("the user decodes");

    assert_eq!(user.id, Some(3));
    assert_eq!(
        only_request(&server).await,
        Seen {
            method: "GET".into(),
            path: "/xapi/v1/Users(Number='0101')".into(),
            query: None,
            body: String::new(),
        }
    );
}

#[tokio::test]
async fn c01_parking_by_number_doubles_a_quote_in_the_key() {
    let server = server_answering(ResponseTemplate::new(200).set_body_json(json!({"Id": 9}))).await;

    client_for(&server)
        .parkings()
        .get_parking_by_number("SP'7", &GetQuery::default())
        .await
        .expect("the parking decodes");

    let request = only_request(&server).await;
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/xapi/v1/Parkings(Number='SP''7')");
    assert_eq!(request.query, None);
}

#[tokio::test]
async fn c01_restore_quotes_the_backup_file_name() {
    let server = server_answering(ResponseTemplate::new(204)).await;
    let body = BackupsBackupsRestoreRequestBody {
        password: Some("pw".into()),
        ..Default::default()
    };

    client_for(&server)
        .backups()
        .restore("nightly-2026-03-01.zip", &body)
        .await
        .expect("the restore is accepted");

    assert_eq!(
        only_request(&server).await,
        Seen {
            method: "POST".into(),
            path: "/xapi/v1/Backups('nightly-2026-03-01.zip')/Pbx.Restore".into(),
            query: None,
            body: r#"{"password":"pw"}"#.into(),
        }
    );
}

/// A value with every character that could end a literal, a segment or the path.
const HOSTILE: &str = "a/b?c#d%e f'ü(),=&+";

/// [`HOSTILE`] as an encoded OData string literal.
const HOSTILE_LITERAL: &str = "'a%2Fb%3Fc%23d%25e%20f''%C3%BC%28%29%2C%3D%26%2B'";

#[tokio::test]
async fn c01_a_hostile_key_stays_inside_its_literal() {
    let server = server_answering(ResponseTemplate::new(200).set_body_json(json!({}))).await;

    client_for(&server)
        .users()
        .get_user_by_number(HOSTILE, &GetQuery::default())
        .await
        .expect("the user decodes");

    let request = only_request(&server).await;
    assert_eq!(
        request.path,
        format!("/xapi/v1/Users(Number={HOSTILE_LITERAL})")
    );
    assert_eq!(request.query, None);
    assert_eq!(request.path.split('/').count(), 4);
}

#[tokio::test]
async fn c01_a_hostile_file_name_keeps_the_action_segment() {
    let server = server_answering(ResponseTemplate::new(204)).await;

    client_for(&server)
        .backups()
        .restore(HOSTILE, &BackupsBackupsRestoreRequestBody::default())
        .await
        .expect("the restore is accepted");

    let request = only_request(&server).await;
    assert_eq!(
        request.path,
        format!("/xapi/v1/Backups({HOSTILE_LITERAL})/Pbx.Restore")
    );
    assert_eq!(request.query, None);
    assert_eq!(request.body, "{}");
}

// C02: nullable string function parameters still refuse `null`.

#[tokio::test]
async fn c02_an_empty_queue_filter_is_sent_as_an_empty_literal() {
    let server =
        server_answering(ResponseTemplate::new(200).set_body_json(json!({"value": []}))).await;

    let page = client_for(&server)
        .report_queue_answered_calls_by_wait_time()
        .get_queue_answered_calls_by_wait_time_data(
            "",
            date_time("2026-03-01T00:00:00-06:00"),
            date_time("2026-03-02T00:00:00-06:00"),
            "30",
            &ListQuery::default(),
        )
        .await
        .expect("the page decodes");

    assert!(page.items.is_empty());
    let request = only_request(&server).await;
    assert_eq!(
        request.path,
        concat!(
            "/xapi/v1/ReportQueueAnsweredCallsByWaitTime/Pbx.GetQueueAnsweredCallsByWaitTimeData(",
            "queueDnStr='',startDt=2026-03-01T00:00:00-06:00,endDt=2026-03-02T00:00:00-06:00,",
            "answerInterval='30')"
        )
    );
    assert!(!request.path.contains("null"));
    assert_eq!(request.query, None);
}

// C05: absent is not null, and many fields are simply absent.

#[tokio::test]
async fn c05_a_sparse_report_row_leaves_missing_numbers_unset() {
    let reply = json!({"value": [
        {"QueueDn": "8003", "ExtensionDn": "0101"},
        {"QueueDn": "8004", "ExtensionDn": null, "QueueReceivedCount": null, "TalkTime": null},
    ]});
    let server = server_answering(ResponseTemplate::new(200).set_body_json(reply)).await;

    let page = client_for(&server)
        .report_queue_performance_overview()
        .get_queue_performance_overview_data(
            date_time("2026-03-01T00:00:00-06:00"),
            date_time("2026-03-02T00:00:00-06:00"),
            "8003",
            "30",
            &ListQuery::default(),
        )
        .await
        .expect("sparse rows decode");

    let expected = vec![
        PbxQueuePerformanceOverview {
            queue_dn: Some("8003".into()),
            extension_dn: Some("0101".into()),
            ..Default::default()
        },
        PbxQueuePerformanceOverview {
            queue_dn: Some("8004".into()),
            ..Default::default()
        },
    ];
    assert_eq!(page.items, expected);
    for row in &page.items {
        assert_eq!(row.queue_received_count, None);
        assert_eq!(row.queue_answered_count, None);
        assert_eq!(row.talk_time, None);
    }
}

#[test]
fn c05_a_sparse_row_writes_back_only_what_it_read() {
    let row: PbxQueuePerformanceOverview =
        serde_json::from_str(r#"{"QueueDn":"8003","ExtensionDn":"0101"}"#).expect("row decodes");

    assert_eq!(
        serde_json::to_string(&row).expect("row encodes"),
        r#"{"ExtensionDn":"0101","QueueDn":"8003"}"#
    );
}

// C06: PATCH sends only what the caller set.

#[tokio::test]
async fn c06_an_update_of_one_field_sends_one_field() {
    let server = server_answering(ResponseTemplate::new(204)).await;
    let update = PbxUserUpdate {
        first_name: Patch::Set("Ada".into()),
        ..Default::default()
    };

    client_for(&server)
        .users()
        .update_user(5, &update)
        .await
        .expect("the update is accepted");

    assert_eq!(
        only_request(&server).await,
        Seen {
            method: "PATCH".into(),
            path: "/xapi/v1/Users(5)".into(),
            query: None,
            body: r#"{"FirstName":"Ada"}"#.into(),
        }
    );
    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(
        received[0]
            .headers
            .get("content-type")
            .map(|value| value.as_bytes()),
        Some(&b"application/json"[..])
    );
}

#[tokio::test]
async fn c06_clear_sends_null_and_a_list_is_sent_whole() {
    let server = server_answering(ResponseTemplate::new(204)).await;
    let group = |id| PbxUserGroup {
        group_id: Some(id),
        ..Default::default()
    };
    let update = PbxUserUpdate {
        mobile: Patch::Clear,
        groups: Patch::Set(vec![group(3), group(7)]),
        ..Default::default()
    };

    client_for(&server)
        .users()
        .update_user(5, &update)
        .await
        .expect("the update is accepted");

    let request = only_request(&server).await;
    assert_eq!(request.method, "PATCH");
    assert_eq!(request.path, "/xapi/v1/Users(5)");
    let body: Value = serde_json::from_str(&request.body).expect("the body is JSON");
    assert_eq!(
        body,
        json!({"Groups": [{"GroupId": 3}, {"GroupId": 7}], "Mobile": null})
    );
}

#[test]
fn c06_an_untouched_update_sends_an_empty_object() {
    assert_eq!(
        serde_json::to_string(&PbxUserUpdate::default()).expect("update encodes"),
        "{}"
    );
}

// C07: enums gain and lose values between versions.

#[tokio::test]
async fn c07_an_unknown_enum_value_is_kept_and_written_back() {
    let server = server_answering(
        ResponseTemplate::new(200).set_body_json(json!({"IntegrationType": "Splunk"})),
    )
    .await;

    let settings = client_for(&server)
        .syslog_settings()
        .get_syslog_settings(&GetQuery::default())
        .await
        .expect("an unknown enum value does not fail the response");

    assert_eq!(
        settings.integration_type,
        Some(PbxSyslogIntegrationType::Unrecognized("Splunk".into()))
    );
    assert_eq!(
        serde_json::to_string(&settings).expect("settings encode"),
        r#"{"IntegrationType":"Splunk"}"#
    );
}

#[tokio::test]
async fn c07_an_unknown_enum_value_is_sent_unchanged_in_an_update() {
    let server = server_answering(ResponseTemplate::new(204)).await;
    let update = PbxSyslogSettingsUpdate {
        integration_type: Patch::Set(PbxSyslogIntegrationType::Unrecognized("Splunk".into())),
        ..Default::default()
    };

    client_for(&server)
        .syslog_settings()
        .update_syslog_settings(&update)
        .await
        .expect("the update is accepted");

    let request = only_request(&server).await;
    assert_eq!(request.method, "PATCH");
    assert_eq!(request.path, "/xapi/v1/SyslogSettings");
    assert_eq!(request.body, r#"{"IntegrationType":"Splunk"}"#);
}

#[test]
fn c07_known_enum_values_still_match() {
    let settings: PbxSyslogSettings =
        serde_json::from_str(r#"{"IntegrationType":"Custom"}"#).expect("settings decode");

    let known = match settings.integration_type {
        Some(PbxSyslogIntegrationType::Custom) => "custom",
        Some(PbxSyslogIntegrationType::None) => "none",
        Some(PbxSyslogIntegrationType::Unrecognized(_)) | None => "other",
    };
    assert_eq!(known, "custom");
    assert_eq!(
        serde_json::to_string(&PbxSyslogIntegrationType::None).expect("enum encodes"),
        r#""None""#
    );
}

// C08: flags enums carry several names at once.

#[tokio::test]
async fn c08_a_flags_field_reads_a_set_and_writes_comma_space() {
    let server = server_answering(
        ResponseTemplate::new(200)
            .set_body_json(json!({"Id": 12, "CurrentGroupHours": "ForceClosed, HasForcedMask"})),
    )
    .await;

    let group = client_for(&server)
        .groups()
        .get_group(12, &GetQuery::default())
        .await
        .expect("the group decodes");

    let hours = group
        .current_group_hours
        .clone()
        .expect("CurrentGroupHours is present");
    assert_eq!(
        hours.0,
        vec![
            PbxGroupHoursMode::ForceClosed,
            PbxGroupHoursMode::HasForcedMask
        ]
    );
    assert_eq!(
        serde_json::to_string(&group).expect("group encodes"),
        r#"{"Id":12,"CurrentGroupHours":"ForceClosed, HasForcedMask"}"#
    );
    assert_eq!(only_request(&server).await.path, "/xapi/v1/Groups(12)");
}

#[test]
fn c08_a_flags_field_reads_names_without_spaces() {
    let group: PbxGroup =
        serde_json::from_str(r#"{"CurrentGroupHours":"ForceClosed,HasForcedMask"}"#)
            .expect("group decodes");

    let hours = group
        .current_group_hours
        .clone()
        .expect("CurrentGroupHours is present");
    assert_eq!(hours.iter().count(), 2);
    assert!(hours.contains(&PbxGroupHoursMode::ForceClosed));
    assert!(hours.contains(&PbxGroupHoursMode::HasForcedMask));
    assert_eq!(
        hours,
        Flags(vec![
            PbxGroupHoursMode::HasForcedMask,
            PbxGroupHoursMode::ForceClosed
        ])
    );
    assert_eq!(
        serde_json::to_string(&group).expect("group encodes"),
        r#"{"CurrentGroupHours":"ForceClosed, HasForcedMask"}"#
    );
}

// C09: `nullable` next to a one-item `allOf`.

#[tokio::test]
async fn c09_a_null_reference_field_decodes_as_none() {
    let server = server_answering(ResponseTemplate::new(200).set_body_json(
        json!({"Id": 12, "Hours": null, "CustomOperator": null, "HolidaysRoute": null}),
    ))
    .await;

    let group = client_for(&server)
        .groups()
        .get_group(12, &GetQuery::default())
        .await
        .expect("null references decode");

    assert_eq!(group.id, Some(12));
    assert_eq!(group.hours, None);
    assert_eq!(group.custom_operator, None);
    assert_eq!(group.holidays_route, None);
}

#[test]
fn c09_a_null_enum_reference_decodes_as_none() {
    let settings: PbxSyslogSettings =
        serde_json::from_str(r#"{"IntegrationType":null,"CategoryConfig":null}"#)
            .expect("null enum references decode");

    assert_eq!(settings, PbxSyslogSettings::default());
}

// C10: arrays with `explode: false`.

#[tokio::test]
async fn c10_select_and_orderby_are_comma_joined_in_caller_order() {
    let server =
        server_answering(ResponseTemplate::new(200).set_body_json(json!({"value": []}))).await;
    let query = ListQuery::default()
        .select(["Id", "Number"])
        .orderby(["Number desc", "Id"])
        .expand(["Groups", "Phones"]);

    client_for(&server)
        .users()
        .list_user(&query)
        .await
        .expect("the page decodes");

    let request = only_request(&server).await;
    assert_eq!(request.path, "/xapi/v1/Users");
    let text = request.query.expect("a query string");
    assert_eq!(
        text,
        "$orderby=Number%20desc,Id&$select=Id,Number&$expand=Groups,Phones"
    );
    let keys: Vec<&str> = text
        .split('&')
        .map(|pair| pair.split('=').next().unwrap_or_default())
        .collect();
    let unique: HashSet<&str> = keys.iter().copied().collect();
    assert_eq!(keys.len(), unique.len(), "a key is repeated in {text}");
}

#[tokio::test]
async fn c10_select_on_a_single_entity_is_comma_joined() {
    let server = server_answering(ResponseTemplate::new(200).set_body_json(json!({}))).await;

    client_for(&server)
        .users()
        .get_user_by_number("0101", &GetQuery::default().select(["Number", "Id"]))
        .await
        .expect("the user decodes");

    let request = only_request(&server).await;
    assert_eq!(request.path, "/xapi/v1/Users(Number='0101')");
    assert_eq!(request.query.as_deref(), Some("$select=Number,Id"));
}

// C11: files declared as JSON.

/// A tiny WAV file, with bytes that are not valid UTF-8.
const WAV: &[u8] = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\xff\xfe";

#[tokio::test]
async fn c11_a_recording_download_returns_the_raw_bytes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/xapi/v1/Recordings/Pbx.DownloadRecording(recId=4410)",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(WAV, "audio/wav")
                .insert_header(
                    "content-disposition",
                    "attachment; filename=\"rec-4410.wav\"",
                ),
        )
        .mount(&server)
        .await;

    let download = client_for(&server)
        .recordings()
        .download_recording(4410)
        .await
        .expect("the download starts");

    assert_eq!(download.content_type(), Some("audio/wav"));
    assert_eq!(download.file_name(), Some("rec-4410.wav"));
    assert_eq!(download.operation_id(), "DownloadRecording");
    let mut bytes = Vec::new();
    let mut chunks = download.bytes_stream();
    while let Some(chunk) = chunks.next().await {
        bytes.extend_from_slice(&chunk.expect("the body arrives"));
    }
    assert_eq!(bytes, WAV);

    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].url.path(),
        "/xapi/v1/Recordings/Pbx.DownloadRecording(recId=4410)"
    );
    assert_eq!(received[0].url.query(), None);
    assert_eq!(
        received[0]
            .headers
            .get("accept")
            .map(|value| value.as_bytes()),
        Some(&b"*/*"[..])
    );
}

#[tokio::test]
async fn c11_a_report_download_returns_the_csv() {
    let csv = "Queue,Answered\r\n8003,4\r\n";
    let server = server_answering(
        ResponseTemplate::new(200)
            .set_body_raw(csv, "text/csv; charset=utf-8")
            .insert_header(
                "content-disposition",
                "attachment; filename=AnsweredByWaitTime.csv",
            ),
    )
    .await;

    let download = client_for(&server)
        .report_queue_answered_calls_by_wait_time()
        .download_queue_answered_calls_by_wait_time(
            "8003",
            date_time("2026-03-01T00:00:00-06:00"),
            date_time("2026-03-02T00:00:00-06:00"),
            "30",
            "America/Chicago",
            &ListQuery::default(),
        )
        .await
        .expect("the download starts");

    assert_eq!(download.content_type(), Some("text/csv; charset=utf-8"));
    assert_eq!(download.file_name(), Some("AnsweredByWaitTime.csv"));
    assert_eq!(
        download.bytes().await.expect("the body arrives"),
        csv.as_bytes()
    );
    let request = only_request(&server).await;
    assert_eq!(
        request.path,
        concat!(
            "/xapi/v1/ReportQueueAnsweredCallsByWaitTime/Pbx.DownloadQueueAnsweredCallsByWaitTime(",
            "queueDnStr='8003',startDt=2026-03-01T00:00:00-06:00,endDt=2026-03-02T00:00:00-06:00,",
            "answerInterval='30',clientTimeZone='America%2FChicago')"
        )
    );
    assert_eq!(request.query, None);
}

// C12: error bodies.

/// The answer to a bulk edit that would give two users the same number.
const ALREADY_IN_USE: &str = concat!(
    r#"{"error":{"code":"","message":"Number:\nWARNINGS.XAPI.ALREADY_IN_USE","#,
    r#""details":[{"code":"","message":"WARNINGS.XAPI.ALREADY_IN_USE","target":"Number"}]}}"#
);

#[tokio::test]
async fn c12_a_refused_bulk_edit_carries_the_parsed_odata_error() {
    let server = server_answering(
        ResponseTemplate::new(400).set_body_raw(ALREADY_IN_USE, "application/json"),
    )
    .await;
    let body = UsersBulkUpdateRequestBody {
        ids: Some(vec![5, 6]),
        user: Some(PbxUser {
            number: Some("0101".into()),
            ..Default::default()
        }),
    };

    let error = client_for(&server)
        .users()
        .bulk_update(&body)
        .await
        .expect_err("the server refuses the edit");

    let (status, operation_id, odata, raw) = http_parts(error);
    assert_eq!(status, 400);
    assert_eq!(operation_id, "BulkUpdate");
    assert_eq!(raw, ALREADY_IN_USE);
    let odata = odata.expect("the body is an OData error");
    assert_eq!(odata.code, "");
    assert_eq!(odata.message, "Number:\nWARNINGS.XAPI.ALREADY_IN_USE");
    assert_eq!(odata.details.len(), 1);
    assert_eq!(odata.details[0].target.as_deref(), Some("Number"));
    assert_eq!(odata.details[0].message, "WARNINGS.XAPI.ALREADY_IN_USE");

    let request = only_request(&server).await;
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/xapi/v1/Users/Pbx.BulkUpdate");
}

#[tokio::test]
async fn c12_a_forbidden_call_with_an_empty_body_has_no_odata_error() {
    let server = server_answering(ResponseTemplate::new(403)).await;

    let error = client_for(&server)
        .users()
        .get_user(5, &GetQuery::default())
        .await
        .expect_err("the server forbids the call");

    let (status, operation_id, odata, raw) = http_parts(error);
    assert_eq!(status, 403);
    assert_eq!(operation_id, "GetUser");
    assert_eq!(odata, None);
    assert_eq!(raw, "");
}

#[tokio::test]
async fn c12_a_proxy_html_page_is_kept_raw() {
    let html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>\n";
    let server = server_answering(ResponseTemplate::new(502).set_body_raw(html, "text/html")).await;

    let update = PbxUserUpdate {
        first_name: Patch::Set("Ada".into()),
        ..Default::default()
    };

    // NB: an update, so the answer does not depend on how often the client retries a GET.
    let error = client_for(&server)
        .users()
        .update_user(5, &update)
        .await
        .expect_err("the proxy fails the call");

    let (status, operation_id, odata, raw) = http_parts(error);
    assert_eq!(status, 502);
    assert_eq!(operation_id, "UpdateUser");
    assert_eq!(odata, None);
    assert_eq!(raw, html);
}

// C13: OData annotations are in every body and in no schema.

#[tokio::test]
async fn c13_annotations_and_unknown_fields_are_read_or_ignored() {
    let reply = json!({
        "@odata.context": "https://pbx.example.net/xapi/v1/$metadata#Users/$entity",
        "@odata.etag": "W/\"abc\"",
        "Id": 31,
        "AddedInVersion99": {"nested": [1, 2]},
    });
    let server = server_answering(ResponseTemplate::new(200).set_body_json(reply)).await;

    let user = client_for(&server)
        .users()
        .get_user(31, &GetQuery::default())
        .await
        .expect("annotations and unknown fields do not fail the response");

    assert_eq!(user.id, Some(31));
    assert_eq!(user.odata_etag.as_deref(), Some("W/\"abc\""));
    assert_eq!(only_request(&server).await.path, "/xapi/v1/Users(31)");
}

#[tokio::test]
async fn c13_an_etag_read_from_a_model_goes_back_as_if_match() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"@odata.etag": "W/\"7f\"", "Id": "+1 555", "CallerId": "+1 555"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let entry = client
        .black_list_numbers()
        .get_black_list_number("+1 555", &GetQuery::default())
        .await
        .expect("the entry decodes");
    let etag = entry.odata_etag.expect("the etag is on the model");
    client
        .black_list_numbers()
        .delete_black_list_number("+1 555", Some(&etag))
        .await
        .expect("the delete is accepted");

    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].method.to_string(), "DELETE");
    assert_eq!(
        received[1].url.path(),
        "/xapi/v1/BlackListNumbers('%2B1%20555')"
    );
    assert_eq!(
        received[1]
            .headers
            .get("if-match")
            .map(|value| value.as_bytes()),
        Some(&b"W/\"7f\""[..])
    );
    assert_eq!(received[0].headers.get("if-match"), None);
}

#[tokio::test]
async fn c13_a_page_reads_its_count() {
    let reply = json!({
        "@odata.context": "https://pbx.example.net/xapi/v1/$metadata#Users",
        "@odata.count": 42,
        "value": [{"Id": 1, "@odata.etag": "W/\"1\""}, {"Id": 2}],
    });
    let server = server_answering(ResponseTemplate::new(200).set_body_json(reply)).await;

    let page = client_for(&server)
        .users()
        .list_user(&ListQuery::default().top(2).count(true))
        .await
        .expect("the page decodes");

    assert_eq!(page.count, Some(42));
    assert_eq!(page.next_link, None);
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].odata_etag.as_deref(), Some("W/\"1\""));
    assert_eq!(
        only_request(&server).await.query.as_deref(),
        Some("$top=2&$count=true")
    );
}

/// A collection page of users with the given ids.
fn users_page(ids: &[i32]) -> Value {
    let items: Vec<Value> = ids.iter().map(|id| json!({"Id": id})).collect();
    json!({"value": items})
}

#[tokio::test]
async fn c13_the_stream_follows_a_next_link() {
    let server = MockServer::start().await;
    let mut first = users_page(&[1, 2]);
    first["@odata.nextLink"] = json!(format!("{}/xapi/v1/Users?$skiptoken=abc", server.uri()));
    Mock::given(query_param("$skip", "0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(first))
        .mount(&server)
        .await;
    Mock::given(query_param("$skiptoken", "abc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(users_page(&[3])))
        .mount(&server)
        .await;

    let stream = client_for(&server)
        .users()
        .list_user_stream(&ListQuery::default().orderby(["Id"]));
    let (ids, error) = collect_ids(stream).await;

    assert!(error.is_none(), "{error:?}");
    assert_eq!(ids, [1, 2, 3]);
    let queries: Vec<Option<String>> = seen(&server).await.into_iter().map(|r| r.query).collect();
    assert_eq!(
        queries,
        [
            Some("$top=100&$skip=0&$orderby=Id".to_owned()),
            Some("$skiptoken=abc".to_owned()),
        ]
    );
}

#[tokio::test]
async fn c13_the_stream_pages_with_top_and_skip_until_a_short_page() {
    let server = MockServer::start().await;
    for (skip, ids) in [("0", &[1, 2][..]), ("2", &[3, 4]), ("4", &[5])] {
        Mock::given(method("GET"))
            .and(path("/xapi/v1/Users"))
            .and(query_param("$skip", skip))
            .respond_with(ResponseTemplate::new(200).set_body_json(users_page(ids)))
            .mount(&server)
            .await;
    }

    let query = ListQuery::default()
        .orderby(["Id"])
        .select(["Id"])
        .page_size(2);
    let stream = client_for(&server).users().list_user_stream(&query);
    let (ids, error) = collect_ids(stream).await;

    assert!(error.is_none(), "{error:?}");
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    let queries: Vec<Option<String>> = seen(&server).await.into_iter().map(|r| r.query).collect();
    assert_eq!(
        queries,
        [
            Some("$top=2&$skip=0&$orderby=Id&$select=Id".to_owned()),
            Some("$top=2&$skip=2&$orderby=Id&$select=Id".to_owned()),
            Some("$top=2&$skip=4&$orderby=Id&$select=Id".to_owned()),
        ]
    );
}

#[tokio::test]
async fn c13_the_stream_gives_up_on_a_server_that_never_ends() {
    let server =
        server_answering(ResponseTemplate::new(200).set_body_json(users_page(&[1, 2]))).await;
    let client = Client::builder(server.uri())
        .allow_http(true)
        .bearer_token("t")
        .max_pages(3)
        .build()
        .expect("the mock server URL is a valid base URL");

    let stream = client
        .users()
        .list_user_stream(&ListQuery::default().page_size(2));
    let (ids, error) = collect_ids(stream).await;

    assert_eq!(ids, [1, 2, 1, 2, 1, 2]);
    assert!(
        matches!(
            error,
            Some(Error::Paging {
                operation_id: "ListUser",
                ..
            })
        ),
        "{error:?}"
    );
    assert_eq!(seen(&server).await.len(), 3);
}

// C14: durations with days and fractions; date-times keep their offset.

#[tokio::test]
async fn c14_durations_and_offsets_round_trip_through_a_report_row() {
    let row = json!({
        "Day": "2026-03-01T08:00:00-06:00",
        "LoggedInTotalInterval": "P5DT13H43M24.960179S",
        "TalkingInterval": "PT0S",
        "LoggedInInterval": "PT30.7S",
        "TalkingTotalInterval": "-P1DT2H",
    });
    let server =
        server_answering(ResponseTemplate::new(200).set_body_json(json!({"value": [row]}))).await;

    let page = client_for(&server)
        .report_agent_login_history()
        .get_agent_login_history_data(
            "America/Chicago",
            date_time("2026-03-01T00:00:00-06:00"),
            date_time("2026-03-02T00:00:00+01:00"),
            "",
            "0101",
            &ListQuery::default(),
        )
        .await
        .expect("the page decodes");

    let item: &PbxAgentLoginHistory = &page.items[0];
    let total = item.logged_in_total_interval.expect("present").0;
    assert_eq!(
        (
            total.get_days(),
            total.get_hours(),
            total.get_minutes(),
            total.get_seconds()
        ),
        (5, 13, 43, 24)
    );
    assert_eq!(
        (
            total.get_milliseconds(),
            total.get_microseconds(),
            total.get_nanoseconds()
        ),
        (960, 179, 0)
    );
    let short = item.logged_in_interval.expect("present").0;
    assert_eq!((short.get_seconds(), short.get_milliseconds()), (30, 700));
    assert_eq!(item.talking_interval, Some(Duration::default()));
    let negative = item.talking_total_interval.expect("present").0;
    assert_eq!((negative.get_days(), negative.get_hours()), (-1, -2));
    assert_eq!(
        item.day.expect("present").offset().local_minus_utc(),
        -6 * 3600
    );

    assert_eq!(serde_json::to_value(item).expect("row encodes"), row);

    let request = only_request(&server).await;
    assert_eq!(
        request.path,
        concat!(
            "/xapi/v1/ReportAgentLoginHistory/Pbx.GetAgentLoginHistoryData(",
            "clientTimeZone='America%2FChicago',startDt=2026-03-01T00:00:00-06:00,",
            "endDt=2026-03-02T00:00:00%2B01:00,queueDnStr='',agentDnStr='0101')"
        )
    );
}

#[test]
fn c14_a_fractional_duration_round_trips_through_a_queue_row() {
    let text = r#"{"AvgRingTime":"PT30.7S"}"#;

    let row: PbxDetailedQueueStatistics = serde_json::from_str(text).expect("row decodes");

    let ring = row.avg_ring_time.expect("present");
    assert_eq!(ring.to_string(), "PT30.7S");
    assert_eq!(serde_json::to_string(&row).expect("row encodes"), text);
}

#[test]
fn c14_a_date_time_keeps_its_offset_when_written_back() {
    let text = r#"{"Day":"2026-03-01T08:00:00-06:00"}"#;

    let row: PbxAgentLoginHistory = serde_json::from_str(text).expect("row decodes");

    assert_eq!(
        row.day,
        Some(date_time("2026-03-01T08:00:00-06:00")),
        "the instant is kept"
    );
    assert_eq!(serde_json::to_string(&row).expect("row encodes"), text);
}
