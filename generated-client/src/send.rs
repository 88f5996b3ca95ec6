//! Sending one call: the token, one renewal on 401, retries, tracing and the PBX version.

use std::sync::PoisonError;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use backon::Retryable;
use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, IF_MATCH, RETRY_AFTER, USER_AGENT,
};
use tracing::Instrument;
use tracing::field::Empty;
use url::Url;

use crate::auth::BearerToken;
use crate::client::{Call, Client, Method};
use crate::error::{Error, ODataError, Result};
use crate::retry::{is_retryable_status, parse_retry_after};

/// The response header that carries the PBX version, like `20.0.10.780`.
const PBX_VERSION: HeaderName = HeaderName::from_static("x-3cx-version");

/// A [`Call`] with its headers checked, ready to be sent as often as needed.
struct Prepared {
    method: Method,
    operation_id: &'static str,
    url: Url,
    accept: &'static str,
    if_match: Option<HeaderValue>,
    body: Option<Bytes>,
}

/// Why one attempt failed, and whether another attempt may follow.
struct Failure {
    error: Error,
    kind: FailureKind,
    /// The wait the PBX asked for with `Retry-After`.
    retry_after: Option<Duration>,
}

enum FailureKind {
    /// The connection failed before the request was sent: safe to repeat for any method.
    NotSent,
    /// The PBX answered with this status.
    Answered(StatusCode),
    /// Anything else; never repeated.
    Final,
}

impl Failure {
    fn fatal(error: Error) -> Self {
        Failure {
            error,
            kind: FailureKind::Final,
            retry_after: None,
        }
    }

    /// Whether repeating the request cannot do anything twice on the PBX.
    fn is_retryable(&self, method: Method) -> bool {
        match self.kind {
            FailureKind::NotSent => true,
            FailureKind::Answered(status) => method == Method::Get && is_retryable_status(status),
            FailureKind::Final => false,
        }
    }
}

impl Client {
    /// Sends one call and turns a status outside 2xx into [`Error::Http`].
    ///
    /// The call runs in an `xapi.request` span that records the operation id, the method, the
    /// path with its key and parameter values left out, and at the end the final status, the
    /// retry count and the duration.
    pub(crate) async fn send_call(&self, call: Call<'_>) -> Result<reqwest::Response> {
        let span = tracing::info_span!(
            "xapi.request",
            operation_id = call.operation_id,
            method = call.method.as_str(),
            path = %self.render_traced_path(&call.url),
            status = Empty,
            retries = Empty,
            duration_ms = Empty,
        );
        self.send_traced(call).instrument(span).await
    }

    async fn send_traced(&self, call: Call<'_>) -> Result<reqwest::Response> {
        let started = Instant::now();
        let prepared = prepare(call)?;
        let method = prepared.method;
        let policy = &self.inner.retry;
        let retries = AtomicUsize::new(0);

        let result = (|| self.attempt(&prepared))
            .retry(policy.backoff())
            .when(|failure: &Failure| failure.is_retryable(method))
            .adjust(|failure, next| {
                // An exhausted schedule ends the retries even when the PBX named a wait, and a
                // wait longer than the policy allows is not worth holding the caller for.
                let next = next?;
                match failure.retry_after {
                    Some(wait) if wait > policy.longest_wait() => None,
                    Some(wait) => Some(wait),
                    None => Some(next),
                }
            })
            .notify(|failure, delay| {
                retries.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    error = %failure.error,
                    delay_ms = delay.as_millis() as u64,
                    "retrying"
                );
            })
            .await;

        // Recorded once at the end, since some subscribers print every recording of a field.
        let status = match &result {
            Ok(response) => Some(response.status()),
            Err(failure) => match &failure.error {
                Error::Http { status, .. } => Some(*status),
                Error::Authentication { .. } => Some(StatusCode::UNAUTHORIZED),
                _ => None,
            },
        };
        let span = tracing::Span::current();
        if let Some(status) = status {
            span.record("status", status.as_u16());
        }
        span.record("retries", retries.load(Ordering::Relaxed));
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        match result {
            Ok(response) => {
                tracing::debug!("request finished");
                Ok(response)
            }
            Err(failure) => {
                tracing::debug!(error = %failure.error, "request failed");
                Err(failure.error)
            }
        }
    }

    /// One attempt: with the current token, and once more with a new one after a 401.
    async fn attempt(&self, call: &Prepared) -> Result<reqwest::Response, Failure> {
        let auth = self.inner.auth.as_deref();
        let token = match auth {
            Some(source) => Some(source.token().await.map_err(Failure::fatal)?),
            None => None,
        };

        let response = self.send_once(call, token.as_ref()).await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return check_status(call, response).await;
        }

        let (Some(source), Some(rejected)) = (auth, &token) else {
            return check_status(call, response).await;
        };
        let Some(fresh) = source.refresh(rejected).await.map_err(Failure::fatal)? else {
            return check_status(call, response).await;
        };

        // NB: a 401 means the PBX did not act on the request, so even a POST may go again.
        tracing::info!("the PBX refused the token; sending once more with a new one");
        drop(response);
        let response = self.send_once(call, Some(&fresh)).await?;
        if response.status() == StatusCode::UNAUTHORIZED {
            let body = read_body(response).await?;
            return Err(Failure::fatal(Error::Authentication {
                operation_id: call.operation_id,
                body,
            }));
        }
        check_status(call, response).await
    }

    /// Sends the request once with `token` and notes the PBX version of the answer.
    async fn send_once(
        &self,
        call: &Prepared,
        token: Option<&BearerToken>,
    ) -> Result<reqwest::Response, Failure> {
        let inner = &*self.inner;
        let mut builder = inner
            .http
            .request(call.method.to_reqwest(), call.url.clone())
            .header(ACCEPT, HeaderValue::from_static(call.accept));

        if let Some(token) = token {
            let value = token.header_value().map_err(Failure::fatal)?;
            builder = builder.header(AUTHORIZATION, value);
        }
        if let Some(user_agent) = &inner.user_agent {
            builder = builder.header(USER_AGENT, user_agent.clone());
        }
        if let Some(timeout) = inner.timeout {
            builder = builder.timeout(timeout);
        }
        if let Some(etag) = &call.if_match {
            builder = builder.header(IF_MATCH, etag.clone());
        }
        if let Some(body) = &call.body {
            builder = builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.clone());
        }

        let response = builder.send().await.map_err(|error| Failure {
            kind: if error.is_connect() {
                FailureKind::NotSent
            } else {
                FailureKind::Final
            },
            error: Error::Request(error),
            retry_after: None,
        })?;

        tracing::debug!(status = response.status().as_u16(), "answered");
        self.note_pbx_version(&response);
        Ok(response)
    }

    /// Keeps the `X-3CX-Version` of `response` for [`Client::pbx_version`].
    fn note_pbx_version(&self, response: &reqwest::Response) {
        let Some(version) = response
            .headers()
            .get(PBX_VERSION)
            .and_then(|value| value.to_str().ok())
        else {
            return;
        };

        let known = &self.inner.pbx_version;
        if known
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_deref()
            == Some(version)
        {
            return;
        }
        *known.write().unwrap_or_else(PoisonError::into_inner) = Some(version.to_owned());
    }

    /// The path of `url` below the API base with the text inside each `(...)` replaced by
    /// `..`, like `/Users(..)/Pbx.GetPhoneRegistrars()`.
    ///
    /// NB: this is as near to the spec's path template as the runtime gets, since generated
    /// code hands over the finished path. Leaving the values out keeps keys, phone numbers
    /// and names out of traces, and keeps the field's values few.
    fn render_traced_path(&self, url: &Url) -> String {
        let path = url.path();
        let path = path
            .strip_prefix(self.inner.base_url.path())
            .unwrap_or(path);
        elide_arguments(path)
    }
}

/// Checks the headers of `call` once, before any attempt.
fn prepare(call: Call<'_>) -> Result<Prepared> {
    let if_match = call
        .if_match
        .map(|etag| {
            HeaderValue::from_str(etag).map_err(|_| Error::InvalidHeader { name: "if-match" })
        })
        .transpose()?;

    Ok(Prepared {
        method: call.method,
        operation_id: call.operation_id,
        url: call.url,
        accept: call.accept,
        if_match,
        body: call.body.map(Bytes::from),
    })
}

/// Passes a 2xx response on and turns any other into [`Error::Http`], noting `Retry-After`.
async fn check_status(
    call: &Prepared,
    response: reqwest::Response,
) -> Result<reqwest::Response, Failure> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }

    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|value| parse_retry_after(value, SystemTime::now()));
    let body = response
        .bytes()
        .await
        .map_err(|error| Failure::fatal(Error::Request(error)))?;
    Err(Failure {
        error: Error::Http {
            status,
            operation_id: call.operation_id,
            odata: ODataError::parse(&body).map(Box::new),
            body: String::from_utf8_lossy(&body).into_owned(),
        },
        kind: FailureKind::Answered(status),
        retry_after,
    })
}

/// Reads a failed answer's body as text.
async fn read_body(response: reqwest::Response) -> Result<String, Failure> {
    let body = response
        .bytes()
        .await
        .map_err(|error| Failure::fatal(Error::Request(error)))?;
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// Replaces the text inside each top-level `(...)` of `path` with `..`, reading `'...'` as
/// a string whose parentheses do not count.
fn elide_arguments(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0_usize;
    let mut in_string = false;
    let mut elided = false;

    for ch in path.chars() {
        if depth == 0 {
            out.push(ch);
            if ch == '(' {
                depth = 1;
                elided = false;
            }
            continue;
        }

        match ch {
            // A doubled `''` inside a string toggles twice, which leaves it a string.
            '\'' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            if elided {
                out.push_str("..");
            }
            out.push(')');
        } else {
            elided = true;
        }
    }

    // An unbalanced path still ends with its arguments hidden.
    if depth > 0 && elided {
        out.push_str("..");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elides_key_and_parameter_values() {
        let cases = [
            ("/Users", "/Users"),
            ("/Users(5)", "/Users(..)"),
            ("/Users(Number='0101')/Pbx.Foo()", "/Users(..)/Pbx.Foo()"),
            ("/Parkings(Number='SP''7')", "/Parkings(..)"),
            ("/X(a='b)c',d=(1))/Y(z=2)", "/X(..)/Y(..)"),
            ("/X(a='unbalanced", "/X(.."),
        ];

        for (path, expected) in cases {
            assert_eq!(elide_arguments(path), expected, "{path}");
        }
    }
}
