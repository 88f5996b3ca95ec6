//! An OData `Edm.Duration`, sent as an ISO 8601 duration string like `P5DT13H43M24.960179S`.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use jiff::fmt::temporal::SpanParser;
use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::{Serialize, Serializer};

/// Parses ISO 8601 durations only; `Span::from_str` would also take jiff's friendly format.
static PARSER: SpanParser = SpanParser::new();

/// An OData `Edm.Duration` value.
///
/// Wraps a [`jiff::Span`], which keeps each unit as it was written: `P1DT2H` stays one day and
/// two hours rather than 26 hours, and `PT24.960179S` keeps its microseconds. Writing the value
/// back gives the same ISO 8601 string.
///
/// Equality compares unit by unit, so `PT1H` and `PT60M` are not equal.
///
/// ```
/// use xapi_client::Duration;
///
/// let duration: Duration = "-P1DT2H".parse()?;
/// assert_eq!(duration.0.get_days(), -1);
/// assert_eq!(duration.to_string(), "-P1DT2H");
/// # Ok::<(), xapi_client::jiff::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Duration(pub jiff::Span);

impl From<jiff::Span> for Duration {
    fn from(span: jiff::Span) -> Self {
        Duration(span)
    }
}

impl From<Duration> for jiff::Span {
    fn from(duration: Duration) -> Self {
        duration.0
    }
}

impl PartialEq for Duration {
    fn eq(&self, other: &Self) -> bool {
        self.0.fieldwise() == other.0.fieldwise()
    }
}

impl Eq for Duration {}

impl Hash for Duration {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.fieldwise().hash(state);
    }
}

impl fmt::Display for Duration {
    /// Writes the ISO 8601 form, like `PT30.7S`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // NB: `write!` drops the caller's flags, so `{:#}` cannot switch jiff to its friendly form.
        write!(f, "{}", self.0)
    }
}

impl FromStr for Duration {
    type Err = jiff::Error;

    /// Parses an ISO 8601 duration, like `P5DT13H43M24.960179S`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        PARSER.parse_span(text).map(Duration)
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(DurationVisitor)
    }
}

/// Accepts an ISO 8601 duration string for [`Duration`].
struct DurationVisitor;

impl Visitor<'_> for DurationVisitor {
    type Value = Duration;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an ISO 8601 duration string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        text.parse().map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use jiff::{Span, ToSpan};

    use super::*;

    const EXAMPLES: [&str; 4] = ["P5DT13H43M24.960179S", "PT0S", "PT30.7S", "-P1DT2H"];

    #[test]
    fn parses_units_exactly() {
        let duration: Duration = "P5DT13H43M24.960179S".parse().unwrap();

        let span = duration.0;
        assert_eq!(span.get_days(), 5);
        assert_eq!(span.get_hours(), 13);
        assert_eq!(span.get_minutes(), 43);
        assert_eq!(span.get_seconds(), 24);
        assert_eq!(span.get_milliseconds(), 960);
        assert_eq!(span.get_microseconds(), 179);
        assert_eq!(span.get_nanoseconds(), 0);
    }

    #[test]
    fn parses_sign_and_fractions() {
        let negative: Duration = "-P1DT2H".parse().unwrap();
        let fraction: Duration = "PT30.7S".parse().unwrap();
        let zero: Duration = "PT0S".parse().unwrap();

        assert_eq!(negative, Duration(-(1.day().hours(2))));
        assert_eq!(fraction, Duration(30.seconds().milliseconds(700)));
        assert_eq!(zero, Duration::default());
    }

    #[test]
    fn displays_the_same_string() {
        for text in EXAMPLES {
            assert_eq!(text.parse::<Duration>().unwrap().to_string(), text);
            assert_eq!(format!("{:#}", text.parse::<Duration>().unwrap()), text);
        }
    }

    #[test]
    fn round_trips_through_json() {
        for text in EXAMPLES {
            let json = format!("\"{text}\"");
            let duration: Duration = serde_json::from_str(&json).unwrap();

            assert_eq!(serde_json::to_string(&duration).unwrap(), json);
        }
    }

    #[test]
    fn compares_unit_by_unit() {
        let hour = Duration(Span::new().hours(1));

        assert_eq!(hour, Duration::from(1.hour()));
        assert_ne!(hour, Duration::from(60.minutes()));
        assert_ne!(hour, Duration::from(-1.hour()));
    }

    #[test]
    fn rejects_non_iso_text() {
        assert!("1 hour".parse::<Duration>().is_err());
        assert!(serde_json::from_str::<Duration>("\"5 days\"").is_err());
        assert!(serde_json::from_str::<Duration>("3600").is_err());
    }
}
