//! What the generated client costs at run time, each beside a baseline: decoding a page of
//! 10,000 call-log report rows and one of 10,000 users, serialising an update body, and
//! building 100,000 request URLs with OData literals.
//!
//! `cargo bench -p xapi-workspace-tests --bench runtime`; BENCHMARKS.md has the figures.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::Serialize;
use serde::de::DeserializeOwned;
use xapi_client::models::{PbxCallLogData, PbxUser, PbxUserUpdate};
use xapi_client::odata::Literal;
use xapi_client::{Client, GetQuery, Method, Page, Patch, Request};

/// Serde-derived twins of the models, and a JSON sample of each, from `tests/build.rs`.
mod baseline {
    include!(concat!(env!("OUT_DIR"), "/baseline.rs"));
}

use baseline::{HandPbxCallLogData, HandPbxUser};

/// Items in a decoded page.
const PAGE_ITEMS: usize = 10_000;

/// URLs built per iteration.
const URLS: usize = 100_000;

/// A collection page of `PAGE_ITEMS` copies of `item`, as the PBX sends one.
fn page_of(item: &str) -> String {
    let mut json = String::with_capacity((item.len() + 1) * PAGE_ITEMS + 64);
    json.push_str(r#"{"@odata.count":10000,"value":["#);
    for index in 0..PAGE_ITEMS {
        if index > 0 {
            json.push(',');
        }
        json.push_str(item);
    }
    json.push_str("]}");
    json
}

/// Decodes `item` with the generated model and writes it back, so that a benchmark never
/// times a model that skips part of its sample.
fn assert_reads_every_field<T: DeserializeOwned + Serialize>(name: &str, item: &str) {
    let sample: serde_json::Value = serde_json::from_str(item).expect("the sample is JSON");
    let model: T = serde_json::from_str(item)
        .unwrap_or_else(|error| panic!("{name} does not read its sample: {error}"));
    let written = serde_json::to_value(&model).expect("the model serialises");
    assert_eq!(
        written, sample,
        "{name} does not keep every field of its sample"
    );
}

/// One page decoded three ways: the generated model, the serde-derived twin, and
/// `serde_json::Value`.
fn decode_page<Generated, Hand>(criterion: &mut Criterion, name: &str, item: &str)
where
    Generated: DeserializeOwned + Serialize,
    Hand: DeserializeOwned,
{
    assert_reads_every_field::<Generated>(name, item);
    let json = page_of(item);
    let mut group = criterion.benchmark_group(format!("decode {PAGE_ITEMS} {name}"));
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.sample_size(20);

    group.bench_function("generated model", |bench| {
        bench.iter(|| {
            let page: Page<Generated> = serde_json::from_str(black_box(&json)).unwrap();
            assert_eq!(page.items.len(), PAGE_ITEMS);
            page
        })
    });
    group.bench_function("serde derive", |bench| {
        bench.iter(|| {
            let page: Page<Hand> = serde_json::from_str(black_box(&json)).unwrap();
            assert_eq!(page.items.len(), PAGE_ITEMS);
            page
        })
    });
    group.bench_function("serde_json::Value", |bench| {
        bench.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&json)).unwrap())
    });
    group.finish();
}

fn decode(criterion: &mut Criterion) {
    decode_page::<PbxCallLogData, HandPbxCallLogData>(
        criterion,
        "call-log rows",
        baseline::CALL_LOG_ROW_JSON,
    );
    decode_page::<PbxUser, HandPbxUser>(criterion, "users", baseline::USER_JSON);
}

/// The same six changes from a serde-derived struct that has only those six fields.
#[derive(Serialize)]
struct HandUserChanges<'a> {
    #[serde(rename = "FirstName", skip_serializing_if = "Option::is_none")]
    first_name: Option<&'a str>,
    #[serde(rename = "LastName", skip_serializing_if = "Option::is_none")]
    last_name: Option<&'a str>,
    #[serde(rename = "EmailAddress", skip_serializing_if = "Option::is_none")]
    email_address: Option<&'a str>,
    #[serde(rename = "Mobile", skip_serializing_if = "Option::is_none")]
    mobile: Option<Option<&'a str>>,
    #[serde(rename = "Enabled", skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
    #[serde(rename = "OutboundCallerID", skip_serializing_if = "Option::is_none")]
    outbound_caller_id: Option<Option<&'a str>>,
}

fn serialize_update(criterion: &mut Criterion) {
    let update = PbxUserUpdate {
        first_name: Patch::Set("Ada".into()),
        last_name: Patch::Set("Lovelace".into()),
        email_address: Patch::Set("ada@example.com".into()),
        mobile: Patch::Clear,
        enabled: Patch::Set(true),
        outbound_caller_id: Patch::Clear,
        ..PbxUserUpdate::default()
    };
    let expected = concat!(
        r#"{"EmailAddress":"ada@example.com","Enabled":true,"FirstName":"Ada","#,
        r#""LastName":"Lovelace","Mobile":null,"OutboundCallerID":null}"#
    );
    let sorted = |json: Vec<u8>| -> String {
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        value.to_string()
    };
    assert_eq!(sorted(serde_json::to_vec(&update).unwrap()), expected);
    let hand = HandUserChanges {
        first_name: Some("Ada"),
        last_name: Some("Lovelace"),
        email_address: Some("ada@example.com"),
        mobile: Some(None),
        enabled: Some(true),
        outbound_caller_id: Some(None),
    };
    assert_eq!(sorted(serde_json::to_vec(&hand).unwrap()), expected);

    let mut group = criterion.benchmark_group("serialize a user update: 6 of its 80 fields set");
    group.bench_function("generated model", |bench| {
        bench.iter(|| serde_json::to_vec(black_box(&update)).unwrap())
    });
    group.bench_function("serde derive", |bench| {
        bench.iter(|| serde_json::to_vec(black_box(&hand)).unwrap())
    });
    group.bench_function("serde_json::Value", |bench| {
        bench.iter(|| {
            let value = serde_json::json!({
                "FirstName": "Ada",
                "LastName": "Lovelace",
                "EmailAddress": "ada@example.com",
                "Mobile": null,
                "Enabled": true,
                "OutboundCallerID": null,
            });
            serde_json::to_vec(&value).unwrap()
        })
    });
    group.finish();
}

fn build_urls(criterion: &mut Criterion) {
    let client = Client::builder("https://pbx.example.com")
        .build()
        .expect("a client");
    let numbers: Vec<String> = (0..URLS)
        .map(|index| format!("1{index:05}'s desk"))
        .collect();
    let query = GetQuery::default().select(["Id", "FirstName"]);

    let generated = |number: &str| {
        let path = format!("/Users(Number={})", Literal(number));
        let request = Request::new(Method::Get, "GetUserByNumber", path).query(&query);
        client.request_url(&request)
    };
    let by_hand = |number: &str| {
        format!(
            "https://pbx.example.com/xapi/v1/Users(Number='{}')?$select=Id,FirstName",
            number.replace('\'', "''").replace(' ', "%20")
        )
    };
    assert_eq!(
        generated("100's desk"),
        "https://pbx.example.com/xapi/v1/Users(Number='100''s%20desk')?$select=Id,FirstName"
    );
    assert_eq!(generated("100's desk"), by_hand("100's desk"));

    let mut group = criterion.benchmark_group(format!("build {URLS} request URLs"));
    group.throughput(Throughput::Elements(URLS as u64));
    group.sample_size(20);
    group.bench_function("Literal and request_url", |bench| {
        bench.iter(|| {
            numbers
                .iter()
                .map(|number| generated(number).len())
                .sum::<usize>()
        })
    });
    group.bench_function("format! by hand", |bench| {
        bench.iter(|| {
            numbers
                .iter()
                .map(|number| by_hand(number).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, decode, serialize_update, build_urls);
criterion_main!(benches);
