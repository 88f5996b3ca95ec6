//! Changes the first name of one user and leaves every other field as it is.
//!
//! `PbxUserUpdate` sends only the fields set to `Patch::Set` (or `Patch::Clear`), so the
//! `PATCH` body is `{"FirstName":"..."}` and nothing else on the PBX is overwritten.
//!
//! ```sh
//! PBX_URL=https://pbx.example.com PBX_CLIENT_ID=my-service PBX_CLIENT_SECRET=... \
//!     cargo run -p xapi-client --example update_user -- 0101 Ada
//! ```
//!
//! The first argument is the extension number, the second the new first name.

use xapi_client::models::PbxUserUpdate;
use xapi_client::{Client, GetQuery, Patch};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(number), Some(first_name)) = (args.next(), args.next()) else {
        return Err("usage: update_user <extension number> <first name>".into());
    };

    let client = Client::builder(env("PBX_URL")?)
        .client_credentials(env("PBX_CLIENT_ID")?, env("PBX_CLIENT_SECRET")?)
        .build()?;

    // Users are addressed by id; find it from the extension number first.
    let query = GetQuery::default().select(["Id", "FirstName"]);
    let user = client.users().get_user_by_number(&number, &query).await?;
    let id = user.id.ok_or("the PBX sent a user without an id")?;

    let update = PbxUserUpdate {
        first_name: Patch::Set(first_name.clone()),
        ..Default::default()
    };
    client.users().update_user(id, &update).await?;

    println!(
        "user {id} ({number}): first name {:?} -> {first_name:?}",
        user.first_name.unwrap_or_default()
    );
    Ok(())
}

/// Reads a required environment variable, naming it when it is missing.
fn env(name: &str) -> Result<String, Box<dyn std::error::Error>> {
    std::env::var(name).map_err(|_| format!("set {name}").into())
}
