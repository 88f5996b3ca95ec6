//! The sweep: every operation of the pinned spec called once through the generated client.
//!
//! `tests/build.rs` writes one call per operation from the generator's model: arguments built
//! from their types (keys, function parameters, query options, a body with every field set)
//! and the answer read to its end. Against Prism serving the pinned spec with `--errors`, a
//! call passes when Prism accepts the request and the answer decodes into the method's return
//! type. Against an older spec (`XAPI_PRISM_SPEC` names the file Prism serves, and Prism runs
//! without `--errors`), only the operations both specs have are called, and a call passes when
//! the older spec's answer decodes: the version-skew check. A property an older version sends
//! in another shape is named in `spec/corrections.yaml` (`older_shapes`), and the model reads
//! both.

use std::future::Future;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::pin::Pin;
use std::time::Instant;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use futures_util::stream::{self, StreamExt};
use xapi_client::odata::{GetQuery, ListQuery, PageQuery};
use xapi_client::{Client, Error, Flags, Number, Patch};
use xapi_workspace_tests::{read_pin, summarize_spec};

use super::{RawCall, client, prism_url, send_raw};

/// The environment variable with the path of the published spec Prism serves (before the
/// Prism transform); unset means the pinned one.
const PRISM_SPEC: &str = "XAPI_PRISM_SPEC";

/// How many calls are in flight at once: enough to keep Prism's one process busy.
const IN_FLIGHT: usize = 6;

/// The `If-Match` value sent where an operation takes one.
const IF_MATCH: &str = "*";

/// A value with every field set, for request arguments and bodies.
trait Sample {
    /// A sample at `depth` levels below the argument.
    fn sample(depth: usize) -> Self;
}

/// Below this depth optional values are left out and lists are empty, which also ends
/// recursive types.
const FILL_DEPTH: usize = 4;

/// The answer of one call, read to its end.
type CallFuture<'a> = Pin<Box<dyn Future<Output = xapi_client::Result<()>> + Send + 'a>>;

/// One operation's call, from `tests/build.rs`.
struct Call {
    /// The spec's operation id.
    id: &'static str,
    /// The HTTP method.
    method: &'static str,
    /// The spec's path template.
    path: &'static str,
    /// Calls the operation through the generated method.
    run: for<'a> fn(&'a Client) -> CallFuture<'a>,
}

include!(concat!(env!("OUT_DIR"), "/sweep.rs"));

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_conforms() {
    let Some(url) = prism_url("every_operation_conforms") else {
        return;
    };
    let served = ServedSpec::from_env();
    let calls: Vec<&Call> = CALLS
        .iter()
        .filter(|call| served.operation_ids.contains(call.id))
        .collect();
    let client = &client(&url);

    let started = Instant::now();
    let outcomes: Vec<(&Call, xapi_client::Result<()>)> = stream::iter(calls)
        .map(|call| async move { (call, (call.run)(client).await) })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;

    // NB: a transport failure (Prism, busy on a shared machine, dropping a connection) says
    // nothing about the spec; such calls get one more try, alone.
    let mut outcomes = outcomes;
    for (call, outcome) in &mut outcomes {
        if matches!(outcome, Err(Error::Request(_))) {
            eprintln!("transport failure, trying again: {}", call.id);
            *outcome = (call.run)(client).await;
        }
    }
    let elapsed = started.elapsed();

    let mut failures = Vec::new();
    for (call, outcome) in &outcomes {
        match outcome {
            Ok(()) => {}
            Err(error) if served.skewed && !matches!(error, Error::Decode { .. }) => {
                // NB: an older spec may route or check an operation differently (its path or
                // parameters changed); only what it answers must decode.
                eprintln!("skew: {} {} {}: {error}", call.id, call.method, call.path);
            }
            Err(error) => {
                let mut failure = describe_failure(&url, call, error).await;
                if served.skewed {
                    failure.push_str(
                        "\nan older PBX sends this property in another shape: name it under \
                         `older_shapes` in spec/corrections.yaml",
                    );
                }
                failures.push(failure);
            }
        }
    }
    eprintln!(
        "sweep against {}: {} of {} operations called, {} failed, in {:.1} s",
        served.file,
        outcomes.len(),
        CALLS.len(),
        failures.len(),
        elapsed.as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} operations failed against {}:\n\n{}",
        failures.len(),
        served.file,
        failures.join("\n\n")
    );
    assert!(
        outcomes.len() * 2 > CALLS.len(),
        "fewer than half the operations are in {}: the wrong spec?",
        served.file
    );
}

/// The spec Prism serves: its operations, and whether it is older than the client's.
struct ServedSpec {
    file: String,
    operation_ids: std::collections::BTreeSet<String>,
    skewed: bool,
}

impl ServedSpec {
    fn from_env() -> ServedSpec {
        let pin = read_pin();
        let path = match std::env::var(PRISM_SPEC) {
            Ok(path) if !path.is_empty() => path.into(),
            _ => xapi_workspace_tests::shared_spec_dir().join(&pin.file),
        };
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        let file = Path::new(&path)
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        ServedSpec {
            skewed: file != pin.file,
            operation_ids: summarize_spec(&text).operation_ids.into_iter().collect(),
            file,
        }
    }
}

/// The operation, the client's error, and what Prism says about the same request.
async fn describe_failure(url: &str, call: &Call, error: &Error) -> String {
    let prism = match capture_request(call).await {
        Ok(raw) => send_raw(url, &raw),
        Err(problem) => format!("cannot capture the request to send it again: {problem}"),
    };
    format!(
        "{} ({} {}): {}\n{prism}",
        call.id,
        call.method,
        call.path,
        error_chain(error)
    )
}

/// The error and each of its sources, so that a transport failure says what failed.
fn error_chain(error: &Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// Makes `call` against a one-shot listener and returns the request as the client sent it.
async fn capture_request(call: &Call) -> std::io::Result<RawCall> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let origin = format!("http://{}", listener.local_addr()?);
    let recorder = std::thread::spawn(move || record_one_request(&listener));

    // NB: the listener answers 418, which the client neither retries nor decodes.
    let _ = (call.run)(&client(&origin)).await;

    let (request_line, body) = recorder
        .join()
        .map_err(|_| std::io::Error::other("the recorder panicked"))??;
    let target = request_line.split(' ').nth(1).unwrap_or_default();
    Ok(RawCall {
        method: call.method,
        path: target
            .strip_prefix("/xapi/v1")
            .unwrap_or(target)
            .to_string(),
        body: (!body.is_empty()).then_some(body),
    })
}

/// Accepts one connection, reads its request line and body, and answers 418.
fn record_one_request(listener: &TcpListener) -> std::io::Result<(String, String)> {
    let (stream, _) = listener.accept()?;
    let mut reader = BufReader::new(stream.try_clone()?);

    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut content_length = 0;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        if header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            content_length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; content_length];
    reader.read_exact(&mut body)?;

    let mut stream = stream;
    stream.write_all(
        b"HTTP/1.1 418 I'm a teapot\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
    )?;
    Ok((
        request_line.trim().to_string(),
        String::from_utf8_lossy(&body).into_owned(),
    ))
}

/// Every list option set; `$select` and `$orderby` name the entity's first fields.
fn list_query(fields: &[&str]) -> ListQuery {
    let query = ListQuery::default()
        .top(2)
        .skip(1)
        .count(true)
        .search("text");
    match fields.first() {
        Some(first) => query
            .filter(format!("{first} ne null"))
            .orderby([format!("{first} desc")])
            .select(fields.iter().copied()),
        None => query,
    }
}

/// Every paging option set.
fn page_query() -> PageQuery {
    PageQuery::default()
        .top(2)
        .skip(1)
        .count(true)
        .search("text")
}

/// `$select` naming the entity's first fields.
fn get_query(fields: &[&str]) -> GetQuery {
    GetQuery::default().select(fields.iter().copied())
}

impl Sample for bool {
    fn sample(_: usize) -> Self {
        true
    }
}

/// Small numbers that fit every integer and float type the spec uses.
macro_rules! sample_numbers {
    ($($ty:ty = $value:expr),*) => {$(
        impl Sample for $ty {
            fn sample(_: usize) -> Self {
                $value
            }
        }
    )*};
}
sample_numbers!(i32 = 7, i64 = 7, u8 = 7, f32 = 1.5, f64 = 1.5);

impl Sample for String {
    fn sample(_: usize) -> Self {
        "text".to_string()
    }
}

impl Sample for DateTime<FixedOffset> {
    fn sample(_: usize) -> Self {
        DateTime::parse_from_rfc3339("2026-12-03T10:20:30+01:00").expect("a valid date-time")
    }
}

impl Sample for NaiveDate {
    fn sample(_: usize) -> Self {
        NaiveDate::from_ymd_opt(2026, 12, 3).expect("a valid date")
    }
}

impl Sample for NaiveTime {
    fn sample(_: usize) -> Self {
        NaiveTime::from_hms_opt(10, 20, 30).expect("a valid time")
    }
}

impl Sample for xapi_client::Duration {
    fn sample(_: usize) -> Self {
        serde_json::from_value(serde_json::json!("PT1H30M")).expect("a valid duration")
    }
}

impl Sample for uuid::Uuid {
    fn sample(_: usize) -> Self {
        uuid::Uuid::from_u128(0x1b4e_28ba_2fa1_11d2_883f_0016_d3cc_a427)
    }
}

impl Sample for serde_json::Value {
    fn sample(_: usize) -> Self {
        serde_json::Value::from("text")
    }
}

impl Sample for serde_json::Map<String, serde_json::Value> {
    fn sample(_: usize) -> Self {
        serde_json::Map::from_iter([("Name".to_string(), serde_json::Value::from("text"))])
    }
}

impl<T: Sample> Sample for Number<T> {
    fn sample(depth: usize) -> Self {
        Number(T::sample(depth))
    }
}

impl<E: Sample> Sample for Flags<E> {
    fn sample(depth: usize) -> Self {
        Flags(vec![E::sample(depth)])
    }
}

impl<T: Sample> Sample for Patch<T> {
    fn sample(depth: usize) -> Self {
        Patch::Set(T::sample(depth))
    }
}

impl<T: Sample> Sample for Box<T> {
    fn sample(depth: usize) -> Self {
        Box::new(T::sample(depth))
    }
}

impl<T: Sample> Sample for Option<T> {
    fn sample(depth: usize) -> Self {
        (depth < FILL_DEPTH).then(|| T::sample(depth))
    }
}

impl<T: Sample> Sample for Vec<T> {
    fn sample(depth: usize) -> Self {
        if depth < FILL_DEPTH {
            vec![T::sample(depth)]
        } else {
            Vec::new()
        }
    }
}
