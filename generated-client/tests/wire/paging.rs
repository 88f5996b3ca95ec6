//! Paging through collections (C13): `@odata.nextLink`, `$top`/`$skip` and the guards.

use futures_util::{StreamExt, TryStreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use wiremock::matchers::{bearer_token, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};
use xapi_client::{Client, Error, Filter, ItemStream, ListQuery, PageQuery};

use crate::{client_for, received_urls};

/// A collection item, shaped like a generated model.
#[derive(Debug, PartialEq, Deserialize)]
struct User {
    #[serde(rename = "Id")]
    id: u64,
}

/// A page body with the users `ids` and an optional next link.
fn page(ids: &[u64], next_link: Option<&str>) -> Value {
    let items: Vec<Value> = ids.iter().map(|id| json!({"Id": id})).collect();
    let mut body = json!({
        "@odata.context": "https://pbx.example.net/xapi/v1/$metadata#Users",
        "value": items,
    });
    if let Some(link) = next_link {
        body["@odata.nextLink"] = json!(link);
    }
    body
}

/// Serves users `1..=total` honouring `$top` and `$skip`, like the PBX does.
struct Numbered {
    total: u64,
}

impl Respond for Numbered {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let read = |key: &str| {
            request
                .url
                .query_pairs()
                .find(|(name, _)| name == key)
                .map(|(_, value)| value.parse::<u64>().unwrap())
        };
        let skip = read("$skip").unwrap_or(0);
        let top = read("$top").unwrap_or(u64::MAX);

        let ids: Vec<u64> = (1..=self.total)
            .skip(skip as usize)
            .take(top as usize)
            .collect();
        ResponseTemplate::new(200).set_body_json(page(&ids, None))
    }
}

/// Always answers with a full page of two users, and never ends.
struct Endless;

impl Respond for Endless {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(page(&[1, 2], None))
    }
}

fn users(client: &Client, query: &ListQuery) -> ItemStream<User> {
    client.paginate("ListUser", "/Users".to_owned(), query)
}

/// Collects every item until the stream ends, keeping errors in place.
async fn drain(stream: ItemStream<User>) -> Vec<Result<u64, Error>> {
    stream.map(|item| item.map(|user| user.id)).collect().await
}

#[tokio::test]
async fn follows_next_links_until_the_last_page() {
    let server = MockServer::start().await;
    let absolute = format!("{}/xapi/v1/Users?$skiptoken=2", server.uri());
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users"))
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&[1, 2], Some(&absolute))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users"))
        .and(query_param("$skiptoken", "2"))
        .and(bearer_token("t0k"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(page(&[3, 4], Some("Users?$skiptoken=4"))),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users"))
        .and(query_param("$skiptoken", "4"))
        .and(bearer_token("t0k"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&[5], None)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);

    let all: Vec<User> = users(&client, &ListQuery::default())
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<u64> = all.iter().map(|user| user.id).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    assert_eq!(
        received_urls(&server).await,
        [
            "/xapi/v1/Users?$top=100&$skip=0",
            "/xapi/v1/Users?$skiptoken=2",
            "/xapi/v1/Users?$skiptoken=4",
        ]
    );
    for request in server.received_requests().await.unwrap() {
        assert_eq!(request.headers["accept"], "application/json");
    }
}

#[tokio::test]
async fn pages_with_top_and_skip_until_a_short_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users"))
        .and(bearer_token("t0k"))
        .respond_with(Numbered { total: 3 })
        .mount(&server)
        .await;
    let client = client_for(&server);

    let ids = drain(users(&client, &ListQuery::default().page_size(2))).await;

    assert_eq!(
        ids.into_iter().map(Result::unwrap).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(
        received_urls(&server).await,
        [
            "/xapi/v1/Users?$top=2&$skip=0",
            "/xapi/v1/Users?$top=2&$skip=2",
        ]
    );
}

#[tokio::test]
async fn sends_the_other_options_with_every_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users"))
        .respond_with(Numbered { total: 4 })
        .mount(&server)
        .await;
    let client = client_for(&server);
    let query = ListQuery::default()
        .filter(Filter::gt("Id", 0))
        .orderby(["Id"])
        .count(true)
        .page_size(2);

    let ids = drain(users(&client, &query)).await;

    assert_eq!(ids.len(), 4);
    assert_eq!(
        received_urls(&server).await,
        [
            "/xapi/v1/Users?$top=2&$skip=0&$filter=Id%20gt%200&$count=true&$orderby=Id",
            "/xapi/v1/Users?$top=2&$skip=2&$filter=Id%20gt%200&$count=true&$orderby=Id",
            "/xapi/v1/Users?$top=2&$skip=4&$filter=Id%20gt%200&$count=true&$orderby=Id",
        ]
    );
}

#[tokio::test]
async fn an_empty_collection_takes_one_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users"))
        .respond_with(Numbered { total: 0 })
        .mount(&server)
        .await;
    let client = client_for(&server);

    let ids = drain(users(&client, &ListQuery::default())).await;

    assert!(ids.is_empty());
    assert_eq!(
        received_urls(&server).await,
        ["/xapi/v1/Users?$top=100&$skip=0"]
    );
}

#[tokio::test]
async fn treats_top_as_the_total_limit() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users"))
        .respond_with(Numbered { total: 100 })
        .mount(&server)
        .await;
    let client = client_for(&server);
    let query = ListQuery::default().top(5).skip(10).page_size(2);

    let ids = drain(users(&client, &query)).await;

    assert_eq!(
        ids.into_iter().map(Result::unwrap).collect::<Vec<_>>(),
        [11, 12, 13, 14, 15]
    );
    assert_eq!(
        received_urls(&server).await,
        [
            "/xapi/v1/Users?$top=2&$skip=10",
            "/xapi/v1/Users?$top=2&$skip=12",
            "/xapi/v1/Users?$top=1&$skip=14",
        ]
    );
}

#[tokio::test]
async fn a_top_of_zero_sends_nothing() {
    let server = MockServer::start().await;
    let client = client_for(&server);

    let ids = drain(users(&client, &ListQuery::default().top(0))).await;

    assert!(ids.is_empty());
    assert!(received_urls(&server).await.is_empty());
}

#[tokio::test]
async fn stops_following_links_at_the_total_limit() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users"))
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(page(&[1, 2], Some("Users?$skiptoken=2"))),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users"))
        .and(query_param("$skiptoken", "2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(page(&[3, 4], Some("Users?$skiptoken=4"))),
        )
        .mount(&server)
        .await;
    let client = client_for(&server);

    let ids = drain(users(&client, &ListQuery::default().top(3))).await;

    assert_eq!(
        ids.into_iter().map(Result::unwrap).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(
        received_urls(&server).await,
        [
            "/xapi/v1/Users?$top=3&$skip=0",
            "/xapi/v1/Users?$skiptoken=2"
        ]
    );
}

#[tokio::test]
async fn stops_when_a_next_link_repeats() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(page(&[1, 2], Some("Users?$skiptoken=x"))),
        )
        .mount(&server)
        .await;
    let client = client_for(&server);

    let mut items = drain(users(&client, &ListQuery::default())).await;

    let error = items.pop().unwrap().unwrap_err();
    assert_eq!(
        items.into_iter().map(Result::unwrap).collect::<Vec<_>>(),
        [1, 2, 1, 2]
    );
    assert_eq!(
        error.to_string(),
        r#"paging through ListUser stopped: @odata.nextLink "Users?$skiptoken=x" was already followed"#
    );
    assert!(matches!(
        error,
        Error::Paging {
            operation_id: "ListUser",
            ..
        }
    ));
    assert_eq!(
        received_urls(&server).await,
        [
            "/xapi/v1/Users?$top=100&$skip=0",
            "/xapi/v1/Users?$skiptoken=x"
        ]
    );
}

#[tokio::test]
async fn stops_after_the_maximum_number_of_pages() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users"))
        .respond_with(Endless)
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .allow_http(true)
        .max_pages(3)
        .build()
        .unwrap();

    let mut items = drain(users(&client, &ListQuery::default().page_size(2))).await;

    let error = items.pop().unwrap().unwrap_err();
    assert_eq!(items.len(), 6);
    assert_eq!(
        error.to_string(),
        "paging through ListUser stopped: stopped after 3 pages without reaching the end"
    );
    assert_eq!(
        received_urls(&server).await,
        [
            "/xapi/v1/Users?$top=2&$skip=0",
            "/xapi/v1/Users?$top=2&$skip=2",
            "/xapi/v1/Users?$top=2&$skip=4",
        ]
    );
}

#[tokio::test]
async fn refuses_a_next_link_to_another_origin() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    let link = format!("{}/xapi/v1/Users?$skiptoken=2", elsewhere.uri());
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&[1], Some(&link))))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let mut items = drain(users(&client, &ListQuery::default())).await;

    let error = items.pop().unwrap().unwrap_err();
    assert_eq!(
        items.into_iter().map(Result::unwrap).collect::<Vec<_>>(),
        [1]
    );
    assert_eq!(
        error.to_string(),
        format!(
            "paging through ListUser stopped: @odata.nextLink {link:?} points to another \
             origin than {}/xapi/v1",
            server.uri()
        )
    );
    assert!(received_urls(&elsewhere).await.is_empty());
}

#[tokio::test]
async fn ends_after_an_http_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let items = drain(users(&client, &ListQuery::default())).await;

    assert_eq!(items.len(), 1);
    assert!(matches!(
        &items[0],
        Err(Error::Http { status, operation_id: "ListUser", .. }) if status.as_u16() == 503
    ));
}

#[tokio::test]
async fn names_the_item_that_fails_to_decode() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"value": [{"Id": 1}, {"Id": "x"}]})),
        )
        .mount(&server)
        .await;
    let client = client_for(&server);

    let items = drain(users(&client, &ListQuery::default())).await;

    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap(), &1);
    assert!(matches!(
        &items[1],
        Err(Error::Decode { operation_id: "ListUser", path, .. }) if path == "value[1].Id"
    ));
}

#[tokio::test]
async fn pages_a_page_query_under_a_function_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/xapi/v1/ReportCallLogData/Pbx.GetCallLogData(extension='0101')",
        ))
        .respond_with(Numbered { total: 3 })
        .mount(&server)
        .await;
    let client = client_for(&server);
    let query = PageQuery::default().page_size(2);

    // Generated code renders the path once, before the stream starts.
    let path = format!(
        "/ReportCallLogData/Pbx.GetCallLogData(extension={})",
        xapi_client::odata::Literal("0101")
    );
    let stream: ItemStream<User> = client.paginate("GetCallLogData", path, &query);
    drop(query);
    let all: Vec<User> = stream.try_collect().await.unwrap();

    assert_eq!(all.len(), 3);
    assert_eq!(
        received_urls(&server).await,
        [
            "/xapi/v1/ReportCallLogData/Pbx.GetCallLogData(extension='0101')?$top=2&$skip=0",
            "/xapi/v1/ReportCallLogData/Pbx.GetCallLogData(extension='0101')?$top=2&$skip=2",
        ]
    );
}

#[test]
fn item_streams_can_move_into_spawned_tasks() {
    fn assert_send_static<S: Send + Unpin + 'static>(_: &S) {}

    let client = Client::builder("https://pbx.example.net").build().unwrap();
    let stream = users(&client, &ListQuery::default());
    drop(client);

    assert_send_static(&stream);
}
