//! Errors returned by the client, including the OData error body the PBX sends back.

use std::fmt;

use serde::Deserialize;

/// The result type of every client call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while building a client or calling the XAPI.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a status outside 2xx.
    #[error(
        "{operation_id} failed with http status {}{}",
        .status.as_u16(),
        render_odata_suffix(.odata.as_deref())
    )]
    Http {
        /// The HTTP status of the response.
        status: reqwest::StatusCode,
        /// The OpenAPI operation id of the call that failed.
        operation_id: &'static str,
        /// The OData error from the body, when the body had that shape.
        ///
        /// NB: boxed so that `Error`, and so every `Result` in the crate, stays small.
        odata: Option<Box<ODataError>>,
        /// The raw response body, decoded as UTF-8 with replacement characters.
        ///
        /// Kept even when `odata` is parsed, since it may hold fields the parser drops.
        body: String,
    },

    /// A successful response body did not match the expected type.
    #[error("cannot decode the response of {operation_id} at {path}: {source}")]
    Decode {
        /// The OpenAPI operation id of the call whose response failed to decode.
        operation_id: &'static str,
        /// The JSON path of the value that failed, like `value[3].Id` (`.` for the root).
        path: String,
        /// The underlying JSON error.
        #[source]
        source: serde_json::Error,
    },

    /// The request body could not be serialized to JSON.
    #[error("cannot serialize the request body of {operation_id}")]
    Serialize {
        /// The OpenAPI operation id of the call whose body failed to serialize.
        operation_id: &'static str,
        /// The underlying JSON error.
        #[source]
        source: serde_json::Error,
    },

    /// A paging stream stopped before the end of the collection.
    ///
    /// It reports a server that keeps sending pages: a `@odata.nextLink` that was already
    /// followed, more pages than [`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages)
    /// allows, or a next link on another origin, which is never sent the token.
    #[error("paging through {operation_id} stopped: {reason}")]
    Paging {
        /// The OpenAPI operation id of the collection being paged through.
        operation_id: &'static str,
        /// Why paging stopped.
        reason: String,
    },

    /// A downloaded body could not be written to its destination.
    #[error("cannot write the download of {operation_id}")]
    Write {
        /// The OpenAPI operation id of the download.
        operation_id: &'static str,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The request could not be sent or the response could not be read.
    #[error("http transport failed")]
    Request(#[source] reqwest::Error),

    /// The base URL given to [`ClientBuilder`](crate::ClientBuilder) is unusable.
    #[error("invalid base url {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL as it was given.
        url: String,
        /// Why it was rejected.
        reason: String,
    },

    /// The PBX answered 401 to a token it had just issued.
    ///
    /// The client fetched a new token after the first 401 and sent the request once more, and
    /// the PBX refused that one too: its credentials or permissions are wrong. A fixed token
    /// from [`ClientBuilder::bearer_token`](crate::ClientBuilder::bearer_token) cannot be
    /// renewed, so a 401 to it is reported as [`Error::Http`] at once.
    #[error("{operation_id} failed: authentication failed, the PBX refused a freshly issued token")]
    Authentication {
        /// The OpenAPI operation id of the call that was refused.
        operation_id: &'static str,
        /// The raw body of the second 401, decoded as UTF-8 with replacement characters.
        body: String,
    },

    /// The token endpoint refused to issue a token and said why in OAuth's error shape.
    ///
    /// A wrong client id or secret gives `invalid_client`; see [`OAuthError`].
    #[error("the token endpoint refused with http status {}: {error}", .status.as_u16())]
    OAuth {
        /// The HTTP status of the token endpoint's answer.
        status: reqwest::StatusCode,
        /// The parsed error body.
        error: OAuthError,
    },

    /// No token could be fetched, for a reason other than an OAuth error body.
    ///
    /// Covers a token endpoint that cannot be reached, answers with another status and body
    /// (like a proxy's HTML page), or sends a success body that is not a token.
    #[error("cannot fetch an access token: {reason}")]
    Token {
        /// The HTTP status of the token endpoint's answer, when there was one.
        status: Option<reqwest::StatusCode>,
        /// What went wrong.
        reason: String,
        /// The raw body of a failed answer; always empty for a 2xx answer, which could hold a
        /// token.
        body: String,
        /// The underlying transport error, when the request failed on the way.
        #[source]
        source: Option<std::sync::Arc<reqwest::Error>>,
    },

    /// A value could not be sent as an HTTP header.
    ///
    /// The value itself is left out on purpose, since it may be a secret.
    #[error("invalid value for http header {name}")]
    InvalidHeader {
        /// The lowercase header name, like `authorization`.
        name: &'static str,
    },
}

impl Error {
    /// The HTTP status of the answer behind this error, when there was one.
    ///
    /// A 401 that [`Error::Authentication`] reports gives `401`.
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        match self {
            Error::Http { status, .. } | Error::OAuth { status, .. } => Some(*status),
            Error::Authentication { .. } => Some(reqwest::StatusCode::UNAUTHORIZED),
            Error::Token { status, .. } => *status,
            Error::Request(error) => error.status(),
            _ => None,
        }
    }

    /// Whether the call gave up because a timeout set on the client passed.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Request(error) => error.is_timeout(),
            Error::Token {
                source: Some(error),
                ..
            } => error.is_timeout(),
            _ => false,
        }
    }

    /// A copy of a token error, so that the tasks that waited for one token request all get
    /// its outcome; `None` for the other kinds, which are never shared.
    pub(crate) fn duplicate_token_error(&self) -> Option<Error> {
        match self {
            Error::OAuth { status, error } => Some(Error::OAuth {
                status: *status,
                error: error.clone(),
            }),
            Error::Token {
                status,
                reason,
                body,
                source,
            } => Some(Error::Token {
                status: *status,
                reason: reason.clone(),
                body: body.clone(),
                source: source.clone(),
            }),
            _ => None,
        }
    }
}

/// An error answer of the token endpoint, in the shape OAuth 2.0 defines (RFC 6749, 5.2).
///
/// The PBX answers a wrong client id or secret with
/// `{"error":"invalid_client","error_description":"..."}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct OAuthError {
    /// The error code, like `invalid_client`, `invalid_grant` or `unauthorized_client`.
    pub error: String,
    /// A human-readable explanation, when the server gave one.
    #[serde(default, rename = "error_description")]
    pub description: Option<String>,
    /// A page about the error, when the server gave one.
    #[serde(default, rename = "error_uri")]
    pub uri: Option<String>,
}

impl OAuthError {
    /// Parses a token endpoint's error body, or returns `None` when it has another shape.
    pub fn parse(body: &[u8]) -> Option<Self> {
        serde_json::from_slice::<OAuthError>(body)
            .ok()
            .filter(|error| !error.error.is_empty())
    }
}

impl fmt::Display for OAuthError {
    /// Writes the code, then the description after `: ` when there is one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.error)?;
        match self.description.as_deref() {
            Some(description) if !description.is_empty() => write!(f, ": {description}"),
            _ => Ok(()),
        }
    }
}

/// The `error` object of an OData error response.
///
/// The PBX answers failed calls with a body like this:
///
/// ```json
/// {"error": {"code": "", "message": "...", "target": null,
///   "details": [{"code": "", "message": "WARNINGS.XAPI.ALREADY_IN_USE", "target": "Number"}]}}
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ODataError {
    /// A service-defined error code, often empty.
    pub code: String,
    /// A human-readable message.
    pub message: String,
    /// The target of the error, like a property name.
    pub target: Option<String>,
    /// More specific errors, such as one per invalid property.
    pub details: Vec<ODataErrorDetail>,
}

/// One entry of [`ODataError::details`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ODataErrorDetail {
    /// A service-defined error code, often empty.
    pub code: String,
    /// A human-readable message, or a key like `WARNINGS.XAPI.ALREADY_IN_USE`.
    pub message: String,
    /// The target of the error, like a property name.
    pub target: Option<String>,
}

impl ODataError {
    /// Parses an OData error response body, or returns `None` when the body has another shape.
    pub fn parse(body: &[u8]) -> Option<Self> {
        /// The envelope around the error object.
        #[derive(Deserialize)]
        struct Envelope {
            error: ODataError,
        }

        serde_json::from_slice::<Envelope>(body)
            .ok()
            .map(|envelope| envelope.error)
    }
}

impl fmt::Display for ODataError {
    /// Writes the message, then each detail as `target: message`, separated by `; `.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let top = (None, self.message.as_str());
        let details = self
            .details
            .iter()
            .map(|detail| (detail.target.as_deref(), &*detail.message));

        let mut separator = "";
        for (target, message) in std::iter::once(top).chain(details) {
            // The PBX often leaves the top message empty and puts the real one in a detail.
            if message.is_empty() {
                continue;
            }

            f.write_str(separator)?;
            if let Some(target) = target {
                write!(f, "{target}: ")?;
            }
            f.write_str(message)?;
            separator = "; ";
        }

        Ok(())
    }
}

/// Renders `: <odata message>` for [`Error::Http`], or nothing when there is no message.
fn render_odata_suffix(odata: Option<&ODataError>) -> String {
    match odata.map(ODataError::to_string) {
        Some(text) if !text.is_empty() => format!(": {text}"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The body the PBX sends when a unique property, here `Number`, is taken.
    const ALREADY_IN_USE: &str = concat!(
        r#"{"error":{"code":"","message":"...","target":null,"details":"#,
        r#"[{"code":"","message":"WARNINGS.XAPI.ALREADY_IN_USE","target":"Number"}]}}"#,
    );

    fn http_error(body: &str) -> Error {
        Error::Http {
            status: reqwest::StatusCode::BAD_REQUEST,
            operation_id: "CreateUser",
            odata: ODataError::parse(body.as_bytes()).map(Box::new),
            body: body.to_owned(),
        }
    }

    #[test]
    fn parses_odata_error_with_details() {
        let parsed = ODataError::parse(ALREADY_IN_USE.as_bytes()).unwrap();

        assert_eq!(
            parsed,
            ODataError {
                code: String::new(),
                message: "...".to_owned(),
                target: None,
                details: vec![ODataErrorDetail {
                    code: String::new(),
                    message: "WARNINGS.XAPI.ALREADY_IN_USE".to_owned(),
                    target: Some("Number".to_owned()),
                }],
            }
        );
    }

    #[test]
    fn parses_odata_error_without_optional_fields() {
        let parsed = ODataError::parse(br#"{"error":{"message":"nope"}}"#).unwrap();

        assert_eq!(parsed.message, "nope");
        assert_eq!(parsed.code, "");
        assert_eq!(parsed.target, None);
        assert!(parsed.details.is_empty());
    }

    #[test]
    fn leaves_empty_and_html_bodies_unparsed() {
        assert_eq!(ODataError::parse(b""), None);
        assert_eq!(
            ODataError::parse(b"<html><body>Bad Gateway</body></html>"),
            None
        );
        assert_eq!(ODataError::parse(br#"{"value":[]}"#), None);
    }

    #[test]
    fn displays_http_error_with_odata_message() {
        let error = http_error(ALREADY_IN_USE);

        assert_eq!(
            error.to_string(),
            "CreateUser failed with http status 400: ...; Number: WARNINGS.XAPI.ALREADY_IN_USE"
        );
    }

    #[test]
    fn displays_http_error_without_odata_message() {
        let error = http_error("<html>oops</html>");

        assert_eq!(error.to_string(), "CreateUser failed with http status 400");
        let Error::Http { odata, body, .. } = error else {
            panic!("not an http error")
        };
        assert_eq!(odata, None);
        assert_eq!(body, "<html>oops</html>");
    }

    #[test]
    fn parses_an_oauth_error() {
        let body = br#"{"error":"invalid_client","error_description":"Unknown client"}"#;

        let parsed = OAuthError::parse(body).unwrap();

        assert_eq!(parsed.error, "invalid_client");
        assert_eq!(parsed.description.as_deref(), Some("Unknown client"));
        assert_eq!(parsed.uri, None);
        assert_eq!(parsed.to_string(), "invalid_client: Unknown client");
    }

    #[test]
    fn leaves_odata_and_html_bodies_out_of_oauth_errors() {
        assert_eq!(OAuthError::parse(ALREADY_IN_USE.as_bytes()), None);
        assert_eq!(OAuthError::parse(b"<html>502</html>"), None);
        assert_eq!(OAuthError::parse(br#"{"error":""}"#), None);
    }

    #[test]
    fn displays_http_error_with_empty_body() {
        let error = http_error("");

        assert_eq!(error.to_string(), "CreateUser failed with http status 400");
        assert!(matches!(error, Error::Http { odata: None, ref body, .. } if body.is_empty()));
    }
}
