//! Pages through the call log report of the last seven days and prints one line per call.
//!
//! `GetCallLogData` is the report behind the admin console's call log. Its stream method
//! fetches page after page (following `@odata.nextLink`, or with `$top`/`$skip`), so the
//! whole period can be read without holding it in memory.
//!
//! ```sh
//! PBX_URL=https://pbx.example.com PBX_CLIENT_ID=my-service PBX_CLIENT_SECRET=... \
//!     cargo run -p xapi-client --example call_log
//! ```

use futures_util::TryStreamExt;
use xapi_client::chrono::{Duration, Local};
use xapi_client::{Client, ListQuery};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder(env("PBX_URL")?)
        .client_credentials(env("PBX_CLIENT_ID")?, env("PBX_CLIENT_SECRET")?)
        .build()?;

    let period_to = Local::now().fixed_offset();
    let period_from = period_to - Duration::days(7);

    // The admin console sends these values for "all calls, from anyone to anyone, any time
    // of day": type 0 means no source or destination filter, and the time-of-day filter is
    // off.
    let query = ListQuery::default()
        .orderby(["StartTime desc"])
        .page_size(200);
    let mut calls = client.report_call_log_data().get_call_log_data_stream(
        period_from,
        period_to,
        0,
        "",
        0,
        "",
        0,
        0,
        "0:00:0",
        "0:00:0",
        true,
        &query,
    );

    let mut count = 0_u64;
    while let Some(call) = calls.try_next().await? {
        count += 1;
        println!(
            "{}  {:<24} -> {:<24}  {:<10}  talked {}",
            call.start_time
                .map(|start| start.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
            call.source_display_name
                .or(call.source_dn)
                .unwrap_or_default(),
            call.destination_display_name
                .or(call.destination_dn)
                .unwrap_or_default(),
            call.status.unwrap_or_default(),
            call.talking_duration
                .map(|duration| duration.to_string())
                .unwrap_or_else(|| "-".to_owned()),
        );
    }

    eprintln!("{count} calls since {period_from}");
    Ok(())
}

/// Reads a required environment variable, naming it when it is missing.
fn env(name: &str) -> Result<String, Box<dyn std::error::Error>> {
    std::env::var(name).map_err(|_| format!("set {name}").into())
}
