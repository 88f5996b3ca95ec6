//! Error bodies (C12): an OData error, an empty body and a proxy's HTML, each kept exactly.

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xapi_client::{Error, Method, Request};

use crate::client_for;

/// Answers `PATCH /Users(5)` with `status` and `body` and returns the error the client reports.
async fn error_for(status: u16, body: &'static str, content_type: &str) -> Error {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/xapi/v1/Users(5)"))
        .respond_with(ResponseTemplate::new(status).set_body_raw(body, content_type))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);

    let request = Request::new(Method::Patch, "UpdateUser", "/Users(5)".to_owned())
        .json(&serde_json::json!({"Number": "0101"}));
    client.send_empty(request).await.unwrap_err()
}

#[tokio::test]
async fn keeps_the_odata_error_of_a_refused_bulk_edit() {
    let body = concat!(
        r#"{"error":{"code":"","message":"Number:\nWARNINGS.XAPI.ALREADY_IN_USE","#,
        r#""details":[{"code":"","message":"WARNINGS.XAPI.ALREADY_IN_USE","target":"Number"}]}}"#
    );

    let error = error_for(400, body, "application/json").await;

    assert_eq!(
        error.to_string(),
        "UpdateUser failed with http status 400: Number:\nWARNINGS.XAPI.ALREADY_IN_USE; \
         Number: WARNINGS.XAPI.ALREADY_IN_USE"
    );
    let Error::Http {
        status,
        operation_id,
        odata: Some(odata),
        body: raw,
        ..
    } = error
    else {
        panic!("expected an http error with an odata body");
    };
    assert_eq!(status.as_u16(), 400);
    assert_eq!(operation_id, "UpdateUser");
    assert_eq!(odata.code, "");
    assert_eq!(odata.message, "Number:\nWARNINGS.XAPI.ALREADY_IN_USE");
    assert_eq!(odata.target, None);
    assert_eq!(odata.details.len(), 1);
    assert_eq!(odata.details[0].target.as_deref(), Some("Number"));
    assert_eq!(odata.details[0].message, "WARNINGS.XAPI.ALREADY_IN_USE");
    assert_eq!(odata.details[0].code, "");
    assert_eq!(raw, body);
}

#[tokio::test]
async fn keeps_the_status_of_a_403_with_an_empty_body() {
    let error = error_for(403, "", "text/plain").await;

    assert_eq!(error.to_string(), "UpdateUser failed with http status 403");
    let Error::Http {
        status,
        odata,
        body,
        ..
    } = error
    else {
        panic!("expected an http error");
    };
    assert_eq!(status.as_u16(), 403);
    assert_eq!(odata, None);
    assert_eq!(body, "");
}

#[tokio::test]
async fn keeps_the_raw_html_of_a_502_from_a_proxy() {
    let html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n\
                <body><center><h1>502 Bad Gateway</h1></center></body>\r\n</html>\r\n";

    let error = error_for(502, html, "text/html").await;

    assert_eq!(error.to_string(), "UpdateUser failed with http status 502");
    let Error::Http {
        status,
        odata,
        body,
        ..
    } = error
    else {
        panic!("expected an http error");
    };
    assert_eq!(status.as_u16(), 502);
    assert_eq!(odata, None);
    assert_eq!(body, html);
}
