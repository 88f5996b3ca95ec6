//! Downloads one call recording to a file in the current directory.
//!
//! The PBX answers `DownloadRecording` with the audio itself (`audio/wav`), not JSON. The
//! client streams it to the file chunk by chunk, so a long recording never sits in memory.
//!
//! ```sh
//! PBX_URL=https://pbx.example.com PBX_CLIENT_ID=my-service PBX_CLIENT_SECRET=... \
//!     cargo run -p xapi-client --example download_recording -- 4410
//! ```
//!
//! The argument is the recording id, as listed by `client.recordings().list_recording(..)`.

use std::path::Path;
use std::time::Duration;

use xapi_client::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let recording_id: i32 = std::env::args()
        .nth(1)
        .ok_or("usage: download_recording <recording id>")?
        .parse()?;

    // A timeout covers the whole body, so leave time for a long recording.
    let client = Client::builder(env("PBX_URL")?)
        .client_credentials(env("PBX_CLIENT_ID")?, env("PBX_CLIENT_SECRET")?)
        .timeout(Duration::from_secs(600))
        .build()?;

    let download = client.recordings().download_recording(recording_id).await?;

    // The server's file name is only a hint: keep its last path component, if any.
    let name = download
        .file_name()
        .and_then(|name| Path::new(name).file_name())
        .and_then(|name| name.to_str())
        .map(str::to_owned)
        .unwrap_or_else(|| format!("recording-{recording_id}.wav"));
    let content_type = download.content_type().unwrap_or("unknown").to_owned();

    let mut file = tokio::fs::File::create(&name).await?;
    let written = download.write_to(&mut file).await?;

    println!("wrote {written} bytes of {content_type} to {name}");
    Ok(())
}

/// Reads a required environment variable, naming it when it is missing.
fn env(name: &str) -> Result<String, Box<dyn std::error::Error>> {
    std::env::var(name).map_err(|_| format!("set {name}").into())
}
