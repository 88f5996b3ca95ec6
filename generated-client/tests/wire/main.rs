//! Wire tests: paging, downloads, filters and error bodies against a local mock server.
//!
//! One test binary with a module per concern, so the slow link happens once.

mod download;
mod errors;
mod filter;
mod paging;

use wiremock::MockServer;
use xapi_client::Client;

/// A client for `server` with the bearer token `t0k`.
fn client_for(server: &MockServer) -> Client {
    Client::builder(server.uri())
        .bearer_token("t0k")
        .build()
        .unwrap()
}

/// The path and query of every request `server` received, in order, like `/xapi/v1/Users?$top=2`.
async fn received_urls(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|request| match request.url.query() {
            Some(query) => format!("{}?{query}", request.url.path()),
            None => request.url.path().to_owned(),
        })
        .collect()
}
