//! A floating-point number that may arrive as a JSON number or as a string.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::{Serialize, Serializer};

/// An OData `Edm.Single` or `Edm.Double` value.
///
/// The spec types these as `oneOf: [number, string, ReferenceNumeric]`: a JSON number, a numeric
/// string like `"1.5"` (OData's IEEE754Compatible format), or one of `"INF"`, `"-INF"` and
/// `"NaN"`. All of them decode into the wrapped float. Finite values are written back as JSON
/// numbers and the others as those three strings.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Number<T>(pub T);

impl<T> From<T> for Number<T> {
    fn from(value: T) -> Self {
        Number(value)
    }
}

/// Writes the `From`, serde and visitor impls of [`Number`] for one float type.
///
/// NB: a macro rather than a generic impl over a sealed trait, so the docs show the two
/// concrete types instead of a bound nobody can name.
macro_rules! impl_number {
    ($ty:ident, $serialize:ident, $expecting:literal) => {
        impl From<Number<$ty>> for $ty {
            fn from(number: Number<$ty>) -> Self {
                number.0
            }
        }

        impl Serialize for Number<$ty> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let value = self.0;
                if value.is_nan() {
                    serializer.serialize_str("NaN")
                } else if value == $ty::INFINITY {
                    serializer.serialize_str("INF")
                } else if value == $ty::NEG_INFINITY {
                    serializer.serialize_str("-INF")
                } else {
                    serializer.$serialize(value)
                }
            }
        }

        impl<'de> Deserialize<'de> for Number<$ty> {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(NumberVisitor::<$ty>(PhantomData))
            }
        }

        impl Visitor<'_> for NumberVisitor<$ty> {
            type Value = Number<$ty>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str($expecting)
            }

            // NB: the casts round to the nearest float, as parsing a JSON number would.
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
                Ok(Number(value as $ty))
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
                Ok(Number(value as $ty))
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
                Ok(Number(value as $ty))
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                let special = match text {
                    "INF" => Some($ty::INFINITY),
                    "-INF" => Some($ty::NEG_INFINITY),
                    "NaN" => Some($ty::NAN),
                    _ => None,
                };

                // Anything else must be a numeric string, OData's IEEE754Compatible form.
                special
                    .or_else(|| text.parse().ok())
                    .map(Number)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Str(text), &self))
            }
        }
    };
}

/// Accepts a JSON number or a string for [`Number`].
struct NumberVisitor<T>(PhantomData<T>);

impl_number!(
    f32,
    serialize_f32,
    "an f32 as a JSON number, a numeric string, INF, -INF or NaN"
);
impl_number!(
    f64,
    serialize_f64,
    "an f64 as a JSON number, a numeric string, INF, -INF or NaN"
);

#[cfg(test)]
mod tests {
    use super::*;

    fn decode<T>(json: &str) -> serde_json::Result<Number<T>>
    where
        Number<T>: serde::de::DeserializeOwned,
    {
        serde_json::from_str(json)
    }

    fn encode<T>(value: T) -> String
    where
        Number<T>: Serialize,
    {
        serde_json::to_string(&Number(value)).unwrap()
    }

    #[test]
    fn decodes_json_numbers() {
        assert_eq!(decode::<f64>("1.5").unwrap(), Number(1.5));
        assert_eq!(decode::<f64>("-3").unwrap(), Number(-3.0));
        assert_eq!(decode::<f64>("7").unwrap(), Number(7.0));
        assert_eq!(decode::<f32>("0.25").unwrap(), Number(0.25_f32));
    }

    #[test]
    fn decodes_numeric_strings() {
        assert_eq!(decode::<f64>(r#""2.5""#).unwrap(), Number(2.5));
        assert_eq!(decode::<f32>(r#""-0.5""#).unwrap(), Number(-0.5_f32));
    }

    #[test]
    fn decodes_special_strings() {
        assert_eq!(decode::<f64>(r#""INF""#).unwrap(), Number(f64::INFINITY));
        assert_eq!(
            decode::<f64>(r#""-INF""#).unwrap(),
            Number(f64::NEG_INFINITY)
        );
        assert!(decode::<f64>(r#""NaN""#).unwrap().0.is_nan());
        assert_eq!(decode::<f32>(r#""INF""#).unwrap(), Number(f32::INFINITY));
        assert!(decode::<f32>(r#""NaN""#).unwrap().0.is_nan());
    }

    #[test]
    fn rejects_null_and_other_values() {
        assert!(decode::<f64>("null").is_err());
        assert!(decode::<f64>(r#""one""#).is_err());
        assert!(decode::<f64>("true").is_err());
        assert_eq!(
            serde_json::from_str::<Option<Number<f64>>>("null").unwrap(),
            None
        );
    }

    #[test]
    fn encodes_finite_values_as_numbers() {
        assert_eq!(encode(1.5_f64), "1.5");
        assert_eq!(encode(-2.0_f64), "-2.0");
        assert_eq!(encode(0.25_f32), "0.25");
    }

    #[test]
    fn encodes_non_finite_values_as_strings() {
        assert_eq!(encode(f64::INFINITY), r#""INF""#);
        assert_eq!(encode(f64::NEG_INFINITY), r#""-INF""#);
        assert_eq!(encode(f64::NAN), r#""NaN""#);
        assert_eq!(encode(f32::NEG_INFINITY), r#""-INF""#);
    }

    #[test]
    fn round_trips_every_form() {
        for json in ["1.5", r#""INF""#, r#""-INF""#, r#""NaN""#] {
            assert_eq!(encode(decode::<f64>(json).unwrap().0), json);
        }

        assert_eq!(encode(decode::<f64>(r#""2.5""#).unwrap().0), "2.5");
    }

    #[test]
    fn converts_from_and_into_floats() {
        assert_eq!(Number::from(1.5_f64), Number(1.5));
        assert_eq!(f32::from(Number(2.5_f32)), 2.5);
        assert_eq!(Number::<f64>::default(), Number(0.0));
    }
}
