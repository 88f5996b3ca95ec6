//! Retries: which failures are repeated, how long to wait, and `Retry-After`.
//!
//! A request is repeated when repeating it cannot do anything twice: a `GET` answered 429,
//! 502, 503 or 504, or any request whose connection failed before a byte was sent. A `POST`
//! or `PATCH` that reached the PBX is never repeated, whatever the answer. Waits grow
//! exponentially with random jitter (from `backon`), and a `Retry-After` header replaces the
//! computed wait.

use std::future::Future;
use std::time::{Duration, SystemTime};

use backon::{ExponentialBuilder, Retryable};
use reqwest::StatusCode;
use reqwest::header::HeaderValue;

/// How a client repeats requests that failed in a way that is safe to repeat.
///
/// The default makes up to 3 more attempts, waiting about 250 ms, 500 ms and 1 s (plus
/// jitter), and honours a `Retry-After` of up to 30 s. Set it with
/// [`ClientBuilder::retry`](crate::ClientBuilder::retry).
///
/// ```
/// use std::time::Duration;
/// use xapi_client::RetryPolicy;
///
/// let patient = RetryPolicy::default().max_retries(5).max_delay(Duration::from_secs(120));
/// let never = RetryPolicy::none();
/// # let _ = (patient, never);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: usize,
    min_delay: Duration,
    max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            min_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// A policy that never repeats a request.
    pub fn none() -> Self {
        RetryPolicy::default().max_retries(0)
    }

    /// Makes at most `max_retries` attempts after the first one.
    pub fn max_retries(mut self, max_retries: usize) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Waits `min_delay` before the first repeat; each further wait doubles, plus jitter.
    pub fn min_delay(mut self, min_delay: Duration) -> Self {
        self.min_delay = min_delay;
        self
    }

    /// Never waits longer than `max_delay` between attempts.
    ///
    /// A `Retry-After` longer than this ends the retries: the caller gets the 429 or 503 at
    /// once instead of a call that hangs for minutes.
    pub fn max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// The longest wait, which also caps `Retry-After`.
    pub(crate) fn longest_wait(&self) -> Duration {
        self.max_delay
    }

    /// The backoff schedule for `backon`.
    pub(crate) fn backoff(&self) -> ExponentialBuilder {
        ExponentialBuilder::default()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.max_retries)
            .with_jitter()
    }

    /// Runs `attempt` and repeats it while it fails to connect, which means nothing was sent.
    pub(crate) async fn run_connect_only<F, Fut, T>(&self, attempt: F) -> reqwest::Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = reqwest::Result<T>>,
    {
        attempt
            .retry(self.backoff())
            .when(reqwest::Error::is_connect)
            .notify(|error, delay| {
                tracing::warn!(
                    error = %error,
                    delay_ms = delay.as_millis() as u64,
                    "cannot connect, retrying"
                );
            })
            .await
    }
}

/// Whether an answer with `status` to a `GET` may be repeated.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

/// Reads a `Retry-After` value: whole seconds, or an HTTP date that is turned into the time
/// left until it, measured from `now`.
///
/// A date in the past means no wait. Anything else that does not parse is ignored, and the
/// computed backoff applies.
pub(crate) fn parse_retry_after(value: &HeaderValue, now: SystemTime) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit()) {
        return text.parse().ok().map(Duration::from_secs);
    }

    let date = httpdate::parse_http_date(text).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text: &'static str) -> HeaderValue {
        HeaderValue::from_static(text)
    }

    #[test]
    fn reads_retry_after_seconds() {
        let now = SystemTime::now();

        assert_eq!(
            parse_retry_after(&header("2"), now),
            Some(Duration::from_secs(2))
        );
        assert_eq!(parse_retry_after(&header(" 0 "), now), Some(Duration::ZERO));
    }

    #[test]
    fn reads_retry_after_dates() {
        let now = httpdate::parse_http_date("Sun, 01 Mar 2026 08:00:00 GMT").unwrap();

        assert_eq!(
            parse_retry_after(&header("Sun, 01 Mar 2026 08:00:05 GMT"), now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse_retry_after(&header("Sun, 01 Mar 2026 07:59:00 GMT"), now),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn ignores_unreadable_retry_after() {
        let now = SystemTime::now();

        for text in ["", "-1", "1.5", "soon", "99999999999999999999999"] {
            assert_eq!(parse_retry_after(&header(text), now), None, "{text:?}");
        }
    }

    #[test]
    fn retries_only_overload_and_gateway_statuses() {
        for status in [429, 502, 503, 504] {
            assert!(is_retryable_status(StatusCode::from_u16(status).unwrap()));
        }
        for status in [400, 401, 403, 404, 409, 500, 501] {
            assert!(!is_retryable_status(StatusCode::from_u16(status).unwrap()));
        }
    }
}
