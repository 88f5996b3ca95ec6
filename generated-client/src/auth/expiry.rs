//! How long a fetched token lives and when to renew it (field case C03).
//!
//! `expires_in` meant minutes up to 3CX 20.0.8 and seconds from 20.0.9, and nothing in the
//! answer says which. The token itself is a JWT whose `exp` claim is unambiguous, so it wins;
//! `expires_in` is only the fallback, read as seconds.
//!
//! NB: reading `expires_in` as seconds is the safe choice. On an old PBX it renews a
//! one-hour token after about 45 seconds, one extra token request a minute; reading it as
//! minutes on a new PBX would keep a dead token for 59 minutes and pay a 401 on every call.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

/// The lifetime assumed for a token that says nothing about its expiry.
///
/// A 401 still renews such a token at once, so this only bounds how long it is reused.
pub(crate) const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);

/// The most a token is renewed ahead of its expiry.
const MAX_MARGIN: Duration = Duration::from_secs(60);

/// The lifetime of `access_token`, counted from the moment it was requested.
///
/// Uses the JWT's `exp` claim when the token is a JWT, measured from its `iat` claim when it
/// has one, so that a clock difference between the PBX and this machine does not matter;
/// else `expires_in` read as seconds; else [`DEFAULT_LIFETIME`].
pub(crate) fn token_lifetime(
    access_token: &str,
    expires_in: Option<Duration>,
    now: SystemTime,
) -> Duration {
    if let Some(lifetime) = jwt_lifetime(access_token, now) {
        return lifetime;
    }
    expires_in.unwrap_or(DEFAULT_LIFETIME)
}

/// How long before its expiry a token of `lifetime` is renewed: a quarter of its lifetime,
/// at most [`MAX_MARGIN`].
///
/// Renewing early keeps requests from being sent with a token that dies on the way; the
/// quarter keeps short-lived tokens from being renewed on every call.
pub(crate) fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 4).min(MAX_MARGIN)
}

/// The claims of a JWT payload that say when it expires.
#[derive(Deserialize)]
struct Claims {
    exp: Option<f64>,
    iat: Option<f64>,
}

/// Reads the lifetime out of a JWT's payload, or `None` when the token is not a JWT with a
/// usable `exp`.
///
/// NB: the signature is not checked. The token comes from the PBX this client talks to over
/// TLS, and is only read here to know when to ask for the next one.
fn jwt_lifetime(access_token: &str, now: SystemTime) -> Option<Duration> {
    let mut parts = access_token.split('.');
    let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }

    // Some issuers pad base64url although JWTs must not; accept both.
    let payload = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Claims = serde_json::from_slice(&payload).ok()?;
    let exp = claims.exp.filter(|exp| exp.is_finite())?;

    // The issuer's own `exp - iat` is immune to a clock difference between the two machines.
    if let Some(iat) = claims.iat.filter(|iat| iat.is_finite() && *iat < exp) {
        return Duration::try_from_secs_f64(exp - iat).ok();
    }

    // Without `iat`, compare with this machine's clock; a token that looks expired already
    // says more about the clocks than about the token, so fall back to `expires_in`.
    let now = now.duration_since(UNIX_EPOCH).ok()?.as_secs_f64();
    Duration::try_from_secs_f64(exp - now)
        .ok()
        .filter(|lifetime| !lifetime.is_zero())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JWT with `claims` as its payload and a dummy header and signature.
    fn jwt(claims: &str) -> String {
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims);
        format!("{header}.{payload}.c2lnbmF0dXJl")
    }

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn prefers_exp_minus_iat_over_expires_in() {
        let token = jwt(r#"{"iat":1000,"exp":4600,"sub":"api"}"#);

        let lifetime = token_lifetime(&token, Some(Duration::from_secs(60)), at(1000));

        assert_eq!(lifetime, Duration::from_secs(3600));
    }

    #[test]
    fn ignores_a_clock_difference_when_iat_is_present() {
        let token = jwt(r#"{"iat":1000,"exp":1060}"#);

        // This machine's clock is an hour ahead of the PBX's.
        let lifetime = token_lifetime(&token, None, at(4600));

        assert_eq!(lifetime, Duration::from_secs(60));
    }

    #[test]
    fn measures_exp_against_the_local_clock_without_iat() {
        let token = jwt(r#"{"exp":1090.5}"#);

        let lifetime = token_lifetime(&token, Some(Duration::from_secs(3600)), at(1000));

        assert_eq!(lifetime, Duration::from_millis(90_500));
    }

    #[test]
    fn falls_back_to_expires_in_when_exp_is_past() {
        let token = jwt(r#"{"exp":900}"#);

        let lifetime = token_lifetime(&token, Some(Duration::from_secs(60)), at(1000));

        assert_eq!(lifetime, Duration::from_secs(60));
    }

    #[test]
    fn reads_expires_in_as_seconds_for_opaque_tokens() {
        // An old PBX means 60 minutes here, a new one 60 seconds; seconds is the safe reading.
        let lifetime = token_lifetime("opaque-token", Some(Duration::from_secs(60)), at(0));

        assert_eq!(lifetime, Duration::from_secs(60));
    }

    #[test]
    fn assumes_a_default_without_any_expiry() {
        assert_eq!(token_lifetime("opaque", None, at(0)), DEFAULT_LIFETIME);
        assert_eq!(
            token_lifetime(&jwt(r#"{"sub":"api"}"#), None, at(0)),
            DEFAULT_LIFETIME
        );
    }

    #[test]
    fn ignores_tokens_that_only_look_like_jwts() {
        let expires_in = Some(Duration::from_secs(30));

        for token in [
            "a.b.c",
            "a.b",
            "a.b.c.d",
            "..",
            &format!("{}.x", jwt(r#"{"exp":5}"#)),
        ] {
            assert_eq!(
                token_lifetime(token, expires_in, at(0)),
                Duration::from_secs(30)
            );
        }
    }

    #[test]
    fn accepts_a_padded_payload() {
        let header = URL_SAFE_NO_PAD.encode("{}");
        let payload = base64::engine::general_purpose::URL_SAFE.encode(r#"{"iat":1,"exp":11}"#);
        let token = format!("{header}.{payload}.sig");

        assert_eq!(token_lifetime(&token, None, at(0)), Duration::from_secs(10));
    }

    #[test]
    fn renews_a_quarter_ahead_but_at_most_a_minute() {
        assert_eq!(
            refresh_margin(Duration::from_secs(60)),
            Duration::from_secs(15)
        );
        assert_eq!(
            refresh_margin(Duration::from_secs(3600)),
            Duration::from_secs(60)
        );
        assert_eq!(refresh_margin(Duration::ZERO), Duration::ZERO);
    }
}
