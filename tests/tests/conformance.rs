//! The generated client against Stoplight Prism serving the spec it was generated from.
//!
//! Prism answers 422 when a request breaks the spec and an error when its own response would,
//! so a call that succeeds and decodes agrees with the spec's contract on both sides. The
//! tests need a running Prism: `.ci/prism run SPEC cargo test --test conformance` starts one
//! and sets `XAPI_PRISM_URL`. Without that variable every test says it is skipped and passes.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use xapi_client::models::{PbxQueueStatusType, PbxUserUpdate};
use xapi_client::{Client, Error, GetQuery, ListQuery, Patch};

#[path = "conformance/sweep.rs"]
mod sweep;

/// The environment variable with the origin Prism listens on, like `http://127.0.0.1:4010`.
const PRISM_URL: &str = "XAPI_PRISM_URL";

/// The Prism origin, or `None` after saying that `test` is skipped.
fn prism_url(test: &str) -> Option<String> {
    match std::env::var(PRISM_URL) {
        Ok(url) if !url.is_empty() => Some(url.trim_end_matches('/').to_string()),
        _ => {
            eprintln!("skipped {test}: {PRISM_URL} is not set (see .ci/prism)");
            None
        }
    }
}

/// A client for Prism; the token is arbitrary, Prism only checks that one is sent.
fn client(url: &str) -> Client {
    // NB: Prism listens on plain http on 127.0.0.1; say so rather than rely on the client's
    // loopback rule.
    Client::builder(url)
        .allow_http(true)
        .bearer_token("x")
        .build()
        .expect("the Prism URL is valid")
}

/// Fails the test with everything Prism said about the call.
///
/// Prism answers a violation with the spec's own error example as the body, so the
/// violations are only in its `sl-violations` header, which the client does not keep: the
/// request is sent again without the client to show it.
fn fail_with_violations(url: &str, call: &RawCall, error: &Error) -> ! {
    panic!(
        "{} {}: {error}\n{}",
        call.method,
        call.path,
        send_raw(url, call)
    );
}

/// A request sent without the client, to read Prism's `sl-violations` header.
struct RawCall {
    method: &'static str,
    /// The path below `/xapi/v1`, encoded as the client encodes it.
    path: String,
    /// The JSON body, if any.
    body: Option<String>,
}

/// Sends `call` with std only and returns the status line, the `sl-violations` header and the
/// start of the body.
fn send_raw(url: &str, call: &RawCall) -> String {
    let authority = url.strip_prefix("http://").unwrap_or(url);
    let body = call.body.as_deref().unwrap_or_default();
    let content_type = if call.body.is_some() {
        "Content-Type: application/json\r\n"
    } else {
        ""
    };
    let send = || -> std::io::Result<String> {
        let mut stream = TcpStream::connect(authority)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        write!(
            stream,
            "{} /xapi/v1{} HTTP/1.1\r\nHost: {authority}\r\nAuthorization: Bearer x\r\n\
             Accept: application/json\r\n{content_type}Content-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            call.method,
            call.path,
            body.len()
        )?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer)?;
        Ok(answer)
    };
    let answer = match send() {
        Ok(answer) => answer,
        Err(error) => return format!("cannot send the request again: {error}"),
    };

    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head.lines().next().unwrap_or_default();
    let violations = head
        .lines()
        .find(|line| line.to_ascii_lowercase().starts_with("sl-violations:"))
        .unwrap_or("sl-violations: (none)");
    let body: String = body.chars().take(2000).collect();
    format!("raw answer: {status}\n{violations}\nbody: {body}")
}

/// Unwraps a call's result or fails with Prism's violations.
fn expect_conforming<T>(url: &str, call: RawCall, result: xapi_client::Result<T>) -> T {
    result.unwrap_or_else(|error| fail_with_violations(url, &call, &error))
}

/// A bodiless request, for [`expect_conforming`].
fn get(path: &str) -> RawCall {
    RawCall {
        method: "GET",
        path: path.to_string(),
        body: None,
    }
}

/// A PATCH with `body` serialized as the client serializes it.
fn patch(path: &str, body: &PbxUserUpdate) -> RawCall {
    RawCall {
        method: "PATCH",
        path: path.to_string(),
        body: Some(serde_json::to_string(body).expect("the update serializes")),
    }
}

/// The negative canary: an enum value the spec does not list must be refused, which proves
/// that the derived spec still has request validation on.
#[tokio::test]
async fn prism_refuses_an_unknown_enum_member() {
    let Some(url) = prism_url("prism_refuses_an_unknown_enum_member") else {
        return;
    };
    let body = PbxUserUpdate {
        queue_status: Patch::Set(PbxQueueStatusType::Unrecognized("Bogus".into())),
        ..PbxUserUpdate::default()
    };

    let result = client(&url).users().update_user(1, &body).await;

    match result {
        Err(Error::Http { status, .. }) if status.as_u16() == 422 => {}
        other => panic!("Prism did not refuse an unknown enum member: {other:?}"),
    }
    let raw = send_raw(&url, &patch("/Users(1)", &body));
    assert!(
        raw.contains("sl-violations") && raw.contains("QueueStatus"),
        "the violation names the field: {raw}"
    );
}

/// `null` for an enum property written as `allOf: [$ref]` + `nullable` is allowed.
#[tokio::test]
async fn clearing_a_nullable_enum_is_accepted() {
    let Some(url) = prism_url("clearing_a_nullable_enum_is_accepted") else {
        return;
    };
    let body = PbxUserUpdate {
        queue_status: Patch::Clear,
        ..PbxUserUpdate::default()
    };

    let result = client(&url).users().update_user(1, &body).await;

    expect_conforming(&url, patch("/Users(1)", &body), result);
}

#[tokio::test]
async fn get_user_conforms() {
    let Some(url) = prism_url("get_user_conforms") else {
        return;
    };

    let result = client(&url).users().get_user(1, &GetQuery::default()).await;

    expect_conforming(&url, get("/Users(1)"), result);
}

/// Prism must route the alternate key to `GetUserByNumber`; routed to `GetUser`, the string
/// key would break the integer `Id` and get a 422.
#[tokio::test]
async fn get_user_by_number_reaches_the_alternate_key_path() {
    let Some(url) = prism_url("get_user_by_number_reaches_the_alternate_key_path") else {
        return;
    };

    let result = client(&url)
        .users()
        .get_user_by_number("100", &GetQuery::default())
        .await;

    expect_conforming(&url, get("/Users(Number=%27100%27)"), result);
}

#[tokio::test]
async fn list_user_with_query_options_conforms() {
    let Some(url) = prism_url("list_user_with_query_options_conforms") else {
        return;
    };
    let query =
        ListQuery::default()
            .top(5)
            .skip(10)
            .count(true)
            .select(["Id", "Number", "FirstName"]);

    let result = client(&url).users().list_user(&query).await;

    let page = expect_conforming(&url, get("/Users?$top=5&$skip=10&$count=true"), result);
    assert!(page.items.len() <= 1000, "a page decodes into items");
}

#[tokio::test]
async fn update_user_with_set_and_cleared_fields_conforms() {
    let Some(url) = prism_url("update_user_with_set_and_cleared_fields_conforms") else {
        return;
    };
    let body = PbxUserUpdate {
        first_name: Patch::Set("Ada".into()),
        require2_fa: Patch::Set(true),
        queue_status: Patch::Set(PbxQueueStatusType::LoggedIn),
        call_us_requirement: Patch::Clear,
        ..PbxUserUpdate::default()
    };

    let result = client(&url).users().update_user(7, &body).await;

    expect_conforming(&url, patch("/Users(7)", &body), result);
}

/// The system status holds the numeric `[number, string, ReferenceNumeric]` unions.
#[tokio::test]
async fn get_system_status_conforms() {
    let Some(url) = prism_url("get_system_status_conforms") else {
        return;
    };

    let result = client(&url)
        .system_status()
        .get_system_status(&GetQuery::default())
        .await;

    expect_conforming(&url, get("/SystemStatus"), result);
}
