//! Lists every user (extension) of a PBX with its number, name and email address.
//!
//! The client authenticates as a service principal, created in the 3CX admin console under
//! Integrations > API, and pages through `GET /Users` with `$top`/`$skip` as it goes.
//!
//! ```sh
//! PBX_URL=https://pbx.example.com PBX_CLIENT_ID=my-service PBX_CLIENT_SECRET=... \
//!     cargo run -p xapi-client --example list_users
//! ```

use futures_util::TryStreamExt;
use xapi_client::{Client, ListQuery};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder(env("PBX_URL")?)
        .client_credentials(env("PBX_CLIENT_ID")?, env("PBX_CLIENT_SECRET")?)
        .build()?;

    // Ask only for the columns printed below, sorted by extension number.
    let query = ListQuery::default()
        .select(["Id", "Number", "FirstName", "LastName", "EmailAddress"])
        .orderby(["Number"])
        .page_size(100);
    let mut users = client.users().list_user_stream(&query);

    while let Some(user) = users.try_next().await? {
        println!(
            "{:>6}  {:<8}  {} {}  <{}>",
            user.id.unwrap_or_default(),
            user.number.unwrap_or_default(),
            user.first_name.unwrap_or_default(),
            user.last_name.unwrap_or_default(),
            user.email_address.unwrap_or_default(),
        );
    }

    if let Some(version) = client.pbx_version() {
        eprintln!("PBX version {version}");
    }
    Ok(())
}

/// Reads a required environment variable, naming it when it is missing.
fn env(name: &str) -> Result<String, Box<dyn std::error::Error>> {
    std::env::var(name).map_err(|_| format!("set {name}").into())
}
