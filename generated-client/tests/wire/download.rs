//! Downloads (C11): a file body streamed with its content type and file name.

use futures_util::TryStreamExt;
use wiremock::matchers::{bearer_token, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xapi_client::{Error, Method, Request};

use crate::client_for;

/// The start of a WAV file, as `Pbx.DownloadRecording` sends it.
const WAV: &[u8] = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00";

const RECORDING_PATH: &str = "/xapi/v1/Recordings/Pbx.DownloadRecording(recId=4410)";

/// Mounts the recording download and returns the server.
async fn recording_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(RECORDING_PATH))
        .and(header("accept", "*/*"))
        .and(bearer_token("t0k"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(WAV, "audio/wav")
                .insert_header(
                    "content-disposition",
                    "attachment; filename=\"rec 1.wav\"; filename*=UTF-8''r%C3%A9c%201.wav",
                ),
        )
        .expect(1)
        .mount(&server)
        .await;
    server
}

fn recording_request() -> Request<'static> {
    Request::new(
        Method::Get,
        "DownloadRecording",
        "/Recordings/Pbx.DownloadRecording(recId=4410)".to_owned(),
    )
}

#[tokio::test]
async fn downloads_a_recording_with_its_type_and_name() {
    let server = recording_server().await;
    let client = client_for(&server);

    let download = client.send_download(recording_request()).await.unwrap();

    assert_eq!(download.content_type(), Some("audio/wav"));
    assert_eq!(download.file_name(), Some("réc 1.wav"));
    assert_eq!(download.content_length(), Some(WAV.len() as u64));
    assert_eq!(download.operation_id(), "DownloadRecording");
    assert_eq!(&download.bytes().await.unwrap()[..], WAV);
}

#[tokio::test]
async fn streams_the_body_in_chunks() {
    let server = recording_server().await;
    let client = client_for(&server);

    let download = client.send_download(recording_request()).await.unwrap();
    let chunks: Vec<bytes::Bytes> = download.bytes_stream().try_collect().await.unwrap();

    assert_eq!(chunks.concat(), WAV);
}

#[tokio::test]
async fn writes_the_body_to_a_writer() {
    let server = recording_server().await;
    let client = client_for(&server);

    let download = client.send_download(recording_request()).await.unwrap();
    let mut file = Vec::new();
    let written = download.write_to(&mut file).await.unwrap();

    assert_eq!(written, WAV.len() as u64);
    assert_eq!(file, WAV);
}

#[tokio::test]
async fn reads_a_csv_export_with_a_plain_file_name() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/xapi/v1/Users/Pbx.ExportExtensions()"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("Number,Name\r\n0101,Ada\r\n", "text/csv; charset=utf-8")
                .insert_header("content-disposition", "attachment; filename=extensions.csv"),
        )
        .mount(&server)
        .await;
    let client = client_for(&server);

    let request = Request::new(
        Method::Get,
        "ExportExtensions",
        "/Users/Pbx.ExportExtensions()".to_owned(),
    );
    let download = client.send_download(request).await.unwrap();

    assert_eq!(download.content_type(), Some("text/csv; charset=utf-8"));
    assert_eq!(download.file_name(), Some("extensions.csv"));
    assert_eq!(
        &download.bytes().await.unwrap()[..],
        b"Number,Name\r\n0101,Ada\r\n"
    );
}

#[tokio::test]
async fn a_download_without_headers_has_no_name() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(RECORDING_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(WAV))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let download = client.send_download(recording_request()).await.unwrap();

    assert_eq!(download.file_name(), None);
    assert_eq!(download.content_type(), None);
}

#[tokio::test]
async fn reports_a_failed_download_with_its_body() {
    let server = MockServer::start().await;
    let body = r#"{"error":{"code":"","message":"Recording not found"}}"#;
    Mock::given(method("GET"))
        .and(path(RECORDING_PATH))
        .respond_with(ResponseTemplate::new(404).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let error = client.send_download(recording_request()).await.unwrap_err();

    let Error::Http {
        status,
        operation_id,
        odata: Some(odata),
        body: raw,
        ..
    } = &error
    else {
        panic!("expected an http error with an odata body, got {error:?}");
    };
    assert_eq!(status.as_u16(), 404);
    assert_eq!(*operation_id, "DownloadRecording");
    assert_eq!(odata.message, "Recording not found");
    assert_eq!(raw, body);
}
