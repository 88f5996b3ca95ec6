//! Downloads: operations that answer with a file (a recording, a CSV report) instead of JSON.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use futures_core::Stream;
use futures_util::stream;
use percent_encoding::percent_decode_str;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::client::{Client, Request};
use crate::error::{Error, Result};

/// The `Accept` value of downloads: the PBX picks the file's own type.
const ACCEPT_ANY: &str = "*/*";

impl Client {
    /// Sends `request` and returns the 2xx response as a [`Download`], body not yet read.
    ///
    /// This is the low-level call behind every generated operation that returns a file. It
    /// sends `Accept: */*`, since the PBX answers with the file's own type (`audio/wav`,
    /// `text/csv`) whatever the spec says.
    ///
    /// # Errors
    ///
    /// [`Error::Http`] for a status outside 2xx (with the body read), and the errors listed on
    /// [`Client::send_empty`].
    pub async fn send_download(&self, request: Request<'_>) -> Result<Download> {
        let operation_id = request.operation_id();
        let response = self.start(request, ACCEPT_ANY).await?;
        Ok(Download::new(operation_id, response))
    }
}

/// A file the PBX sent, with its body still on the wire.
///
/// Read the body once, with [`bytes_stream`](Download::bytes_stream),
/// [`bytes`](Download::bytes) or [`write_to`](Download::write_to). A client timeout covers the
/// whole body, so set one that leaves time for large files.
///
/// ```no_run
/// use xapi_client::{Client, Method, Request};
///
/// # async fn run(client: Client) -> xapi_client::Result<()> {
/// let request = Request::new(
///     Method::Get,
///     "DownloadRecording",
///     "/Recordings/Pbx.DownloadRecording(recId=4410)".to_owned(),
/// );
/// let download = client.send_download(request).await?;
/// let name = download.file_name().unwrap_or("recording.wav").to_owned();
/// let mut file = tokio::fs::File::create(&name).await.expect("a writable file");
/// download.write_to(&mut file).await?;
/// # Ok(())
/// # }
/// ```
pub struct Download {
    operation_id: &'static str,
    response: reqwest::Response,
    file_name: Option<String>,
}

impl Download {
    /// Wraps a successful response.
    fn new(operation_id: &'static str, response: reqwest::Response) -> Self {
        let file_name = response
            .headers()
            .get(CONTENT_DISPOSITION)
            .and_then(|value| std::str::from_utf8(value.as_bytes()).ok())
            .and_then(parse_file_name);
        Download {
            operation_id,
            response,
            file_name,
        }
    }

    /// The `Content-Type` of the file, like `audio/wav` or `text/csv; charset=utf-8`.
    pub fn content_type(&self) -> Option<&str> {
        self.response.headers().get(CONTENT_TYPE)?.to_str().ok()
    }

    /// The file name from `Content-Disposition`, preferring `filename*` over `filename`.
    ///
    /// NB: this is the server's text as it is; check it before using it as a path, since it
    /// may hold `/`, `\` or `..`.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The size of the body in bytes, when the server announced it.
    pub fn content_length(&self) -> Option<u64> {
        self.response.content_length()
    }

    /// The OpenAPI operation id of the call that returned this file.
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// Streams the body in chunks as they arrive, without holding the whole file.
    ///
    /// The stream ends after its first error, which is an [`Error::Request`].
    pub fn bytes_stream(self) -> impl Stream<Item = Result<Bytes>> + Send + Unpin + 'static {
        Box::pin(stream::unfold(Some(self.response), |response| async move {
            let mut response = response?;
            match response.chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
                Ok(None) => None,
                Err(error) => Some((Err(Error::Request(error)), None)),
            }
        }))
    }

    /// Reads the whole body into memory.
    ///
    /// # Errors
    ///
    /// [`Error::Request`] when the body cannot be read.
    pub async fn bytes(self) -> Result<Bytes> {
        self.response.bytes().await.map_err(Error::Request)
    }

    /// Writes the body to `writer` chunk by chunk, flushes it, and returns the bytes written.
    ///
    /// # Errors
    ///
    /// [`Error::Request`] when the body cannot be read and [`Error::Write`] when `writer`
    /// fails.
    pub async fn write_to<W>(self, writer: &mut W) -> Result<u64>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let Download {
            operation_id,
            mut response,
            ..
        } = self;
        let write_error = |source| Error::Write {
            operation_id,
            source,
        };

        let mut written = 0;
        while let Some(chunk) = response.chunk().await.map_err(Error::Request)? {
            writer.write_all(&chunk).await.map_err(write_error)?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(write_error)?;
        Ok(written)
    }
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("operation_id", &self.operation_id)
            .field("status", &self.response.status())
            .field("content_type", &self.content_type())
            .field("file_name", &self.file_name)
            .field("content_length", &self.content_length())
            .finish_non_exhaustive()
    }
}

/// Reads the file name out of a `Content-Disposition` value (RFC 6266).
///
/// `filename*` (RFC 8187, `UTF-8''r%C3%A9c.wav`) wins over `filename` when it decodes; an empty
/// name counts as none.
fn parse_file_name(header: &str) -> Option<String> {
    let mut plain = None;
    let mut extended = None;

    for (name, value) in (Parameters { rest: header }) {
        if name.eq_ignore_ascii_case("filename*") {
            extended = extended.or_else(|| decode_extended_value(&value));
        } else if name.eq_ignore_ascii_case("filename") {
            plain = plain.or(Some(value));
        }
    }

    extended
        .or(plain.map(Cow::into_owned))
        .filter(|name| !name.is_empty())
}

/// Iterates over the `name=value` parameters of a header value, unquoting quoted values.
///
/// Pieces without `=`, like the disposition type `attachment`, are skipped.
struct Parameters<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Parameters<'a> {
    type Item = (&'a str, Cow<'a, str>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.rest = self
                .rest
                .trim_start_matches(|c: char| c == ';' || c.is_ascii_whitespace());
            if self.rest.is_empty() {
                return None;
            }

            let end = self.rest.find(['=', ';']).unwrap_or(self.rest.len());
            let name = self.rest[..end].trim();
            self.rest = &self.rest[end..];
            let Some(after) = self.rest.strip_prefix('=') else {
                continue;
            };
            let after = after.trim_start();

            let (value, rest) = match after.strip_prefix('"') {
                Some(quoted) => split_quoted(quoted),
                None => {
                    let end = after.find(';').unwrap_or(after.len());
                    (Cow::Borrowed(after[..end].trim_end()), &after[end..])
                }
            };
            self.rest = rest;
            return Some((name, value));
        }
    }
}

/// Splits the inside of a quoted string (after its opening `"`) into the unescaped value and
/// the text after the closing quote. An unterminated string runs to the end.
fn split_quoted(text: &str) -> (Cow<'_, str>, &str) {
    let mut value = String::new();
    let mut escaped = false;
    let mut start = 0;

    for (index, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => {
                value.push_str(&text[start..index]);
                start = index + 1;
                escaped = true;
            }
            '"' => {
                let rest = &text[index + 1..];
                if value.is_empty() && start == 0 {
                    return (Cow::Borrowed(&text[..index]), rest);
                }
                value.push_str(&text[start..index]);
                return (Cow::Owned(value), rest);
            }
            _ => {}
        }
    }

    value.push_str(&text[start..]);
    (Cow::Owned(value), "")
}

/// Decodes an RFC 8187 extended value, `charset'language'percent-encoded`.
///
/// UTF-8 and ISO-8859-1 are understood; other charsets and invalid UTF-8 give `None`.
fn decode_extended_value(value: &str) -> Option<String> {
    let mut parts = value.splitn(3, '\'');
    let charset = parts.next()?.trim();
    let _language = parts.next()?;
    let encoded = parts.next()?;
    let bytes = percent_decode_str(encoded);

    if charset.eq_ignore_ascii_case("utf-8") {
        bytes.decode_utf8().ok().map(Cow::into_owned)
    } else if charset.eq_ignore_ascii_case("iso-8859-1") {
        Some(bytes.map(char::from).collect())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(header: &str) -> Option<String> {
        parse_file_name(header)
    }

    #[test]
    fn reads_quoted_file_names() {
        assert_eq!(
            name(r#"attachment; filename="rec 1.wav""#).as_deref(),
            Some("rec 1.wav")
        );
        assert_eq!(
            name(r#"attachment;filename="a;b=c.csv";size=3"#).as_deref(),
            Some("a;b=c.csv")
        );
        assert_eq!(
            name(r#"attachment; filename="say \"hi\\\".wav""#).as_deref(),
            Some(r#"say "hi\".wav"#)
        );
    }

    #[test]
    fn reads_token_file_names() {
        assert_eq!(
            name("attachment; filename=report.csv").as_deref(),
            Some("report.csv")
        );
        assert_eq!(
            name("attachment; FileName = report.csv ; size=10").as_deref(),
            Some("report.csv")
        );
        assert_eq!(name("inline;filename=x").as_deref(), Some("x"));
    }

    #[test]
    fn prefers_the_extended_file_name() {
        assert_eq!(
            name("attachment; filename*=UTF-8''r%C3%A9c.wav").as_deref(),
            Some("réc.wav")
        );
        assert_eq!(
            name("attachment; filename=rec.wav; filename*=UTF-8''r%C3%A9c.wav").as_deref(),
            Some("réc.wav")
        );
        assert_eq!(
            name("attachment; filename*=utf-8'en'a%20b.csv; filename=\"c.csv\"").as_deref(),
            Some("a b.csv")
        );
        assert_eq!(
            name("attachment; filename*=ISO-8859-1''caf%E9.txt").as_deref(),
            Some("café.txt")
        );
    }

    #[test]
    fn falls_back_when_the_extended_name_is_unusable() {
        assert_eq!(
            name("attachment; filename*=UTF-8''%FF.wav; filename=\"plain.wav\"").as_deref(),
            Some("plain.wav")
        );
        assert_eq!(
            name("attachment; filename*=KOI8-R''x; filename=y").as_deref(),
            Some("y")
        );
        assert_eq!(
            name("attachment; filename*=no-quotes; filename=y").as_deref(),
            Some("y")
        );
    }

    #[test]
    fn finds_no_name_where_there_is_none() {
        assert_eq!(name("attachment"), None);
        assert_eq!(name("inline; size=5"), None);
        assert_eq!(name(r#"attachment; filename="""#), None);
        assert_eq!(name(""), None);
        assert_eq!(name(";;; ="), None);
    }

    #[test]
    fn survives_unterminated_quotes() {
        assert_eq!(
            name(r#"attachment; filename="open.wav"#).as_deref(),
            Some("open.wav")
        );
        assert_eq!(name(r#"attachment; filename="a\"#).as_deref(), Some("a"));
    }
}
