//! `$filter` on the wire: the builder's text reaches the server percent-encoded, never with `+`.

use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xapi_client::{Filter, ListQuery, Method, Request};

use crate::{client_for, received_urls};

/// Sends `GET /Users` with `query` and returns the query string the server saw.
async fn sent_query(query: &ListQuery) -> String {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"value": []})))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let request = Request::new(Method::Get, "ListUser", "/Users".to_owned()).query(query);
    client.send_empty(request).await.unwrap();

    let urls = received_urls(&server).await;
    assert_eq!(urls.len(), 1);
    urls[0].strip_prefix("/xapi/v1/Users?").unwrap().to_owned()
}

#[tokio::test]
async fn sends_a_comparison_percent_encoded() {
    let query = ListQuery::default().filter(Filter::eq("Number", "0101"));

    assert_eq!(sent_query(&query).await, "$filter=Number%20eq%20%270101%27");
}

#[tokio::test]
async fn sends_a_combined_filter_with_quotes_and_offsets_intact() {
    let from = chrono::DateTime::parse_from_rfc3339("2026-03-01T08:00:00+01:00").unwrap();
    let filter = Filter::contains("LastName", "O'Neil & Co")
        .or(Filter::in_("Id", [1, 2]))
        .and(Filter::ge("Created", from));
    let query = ListQuery::default().filter(filter).top(5);

    assert_eq!(
        sent_query(&query).await,
        concat!(
            "$top=5&$filter=(contains(LastName,%27O%27%27Neil%20%26%20Co%27)%20or%20",
            "Id%20in%20(1,2))%20and%20Created%20ge%202026-03-01T08:00:00%2B01:00"
        )
    );
}

#[tokio::test]
async fn the_server_reads_back_the_same_filter() {
    let server = MockServer::start().await;
    let filter = Filter::eq("Name", "a+b c'd");
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users"))
        .and(query_param("$filter", "Name eq 'a+b c''d'"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);

    let query = ListQuery::default().filter(filter);
    let request = Request::new(Method::Get, "ListUser", "/Users".to_owned()).query(&query);
    client.send_empty(request).await.unwrap();
}
