//! The shared half of the generated serde impls: a model reads and writes its JSON object
//! through these helpers, so that its own impls are one `match` over its property names and
//! one line per field.
//!
//! NB: generated models do not derive serde's traits. The derive writes a field enum with its
//! own visitor, a sequence visitor and a map visitor for every struct, which took most of the
//! crate's compile time; the PBX only ever sends objects and strings, which is all these read.

// With some API areas left out, some of these helpers have no model left to call them.
#![cfg_attr(not(feature = "full"), allow(dead_code))]

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::Patch;

/// A model read from a JSON object property by property, starting from its default.
pub(crate) trait ReadObject: Default {
    /// The name in messages: "expected struct `NAME`".
    const NAME: &'static str;

    /// Reads the value of the property `key` into its field, or skips a property the model
    /// does not know.
    fn read_property<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error>;
}

/// Reads a model from a JSON object.
///
/// An absent property leaves its field at the default (`None`); when a property comes twice,
/// the last one wins.
pub(crate) fn read_object<'de, T: ReadObject, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// Skips the value of a property the model does not know.
pub(crate) fn skip_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: ReadObject> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut value = T::default();
        while let Some(Key(key)) = map.next_key()? {
            value.read_property(&key, &mut map)?;
        }
        Ok(value)
    }
}

/// A property name, borrowed from the input unless it had to be unescaped.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a property name")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(key)))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key.to_owned())))
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key)))
    }
}

/// A model that an older 3CX sends as a bare string in some places (see `older_shapes` in
/// `spec/corrections.yaml`).
pub(crate) trait FromBareString {
    /// The model with the string in its place.
    fn from_bare_string(value: String) -> Self;
}

// NB: the two readers below serve only the fields the corrections name, so a client generated
// from a spec without such fields leaves them unused.

/// Reads an optional string that an older 3CX sends as an integer, as its decimal text.
#[allow(dead_code)]
pub(crate) fn read_text_or_integer<'de, A: MapAccess<'de>>(
    map: &mut A,
) -> Result<Option<String>, A::Error> {
    Ok(map
        .next_value::<Option<TextOrInteger>>()?
        .map(|text| text.0))
}

/// Reads an optional model that an older 3CX sends as a bare string.
#[allow(dead_code)]
pub(crate) fn read_object_or_string<'de, T, A>(map: &mut A) -> Result<Option<T>, A::Error>
where
    T: ReadObject + FromBareString,
    A: MapAccess<'de>,
{
    Ok(map
        .next_value::<Option<ObjectOrString<T>>>()?
        .map(|object| object.0))
}

struct TextOrInteger(String);

impl<'de> Deserialize<'de> for TextOrInteger {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextOrIntegerVisitor)
    }
}

struct TextOrIntegerVisitor;

impl Visitor<'_> for TextOrIntegerVisitor {
    type Value = TextOrInteger;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a string or an integer")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<TextOrInteger, E> {
        Ok(TextOrInteger(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<TextOrInteger, E> {
        Ok(TextOrInteger(text))
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<TextOrInteger, E> {
        Ok(TextOrInteger(number.to_string()))
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<TextOrInteger, E> {
        Ok(TextOrInteger(number.to_string()))
    }
}

struct ObjectOrString<T>(T);

impl<'de, T: ReadObject + FromBareString> Deserialize<'de> for ObjectOrString<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ObjectOrStringVisitor(PhantomData))
    }
}

struct ObjectOrStringVisitor<T>(PhantomData<T>);

impl<'de, T: ReadObject + FromBareString> Visitor<'de> for ObjectOrStringVisitor<T> {
    type Value = ObjectOrString<T>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "struct {} or a string", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ObjectOrString<T>, A::Error> {
        ObjectVisitor(PhantomData)
            .visit_map(map)
            .map(ObjectOrString)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<ObjectOrString<T>, E> {
        Ok(ObjectOrString(T::from_bare_string(text.to_owned())))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<ObjectOrString<T>, E> {
        Ok(ObjectOrString(T::from_bare_string(text)))
    }
}

/// Writes a model's fields as the properties of one JSON object.
pub(crate) struct ObjectWriter<M> {
    map: M,
}

impl<M: SerializeMap> ObjectWriter<M> {
    /// Starts the object.
    pub(crate) fn start<S>(serializer: S) -> Result<Self, S::Error>
    where
        S: Serializer<SerializeMap = M, Error = M::Error>,
    {
        Ok(ObjectWriter {
            map: serializer.serialize_map(None)?,
        })
    }

    /// Writes a property that is always present; `None` is written as `null`.
    pub(crate) fn always<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        self.map.serialize_entry(key, value)
    }

    /// Writes a property that is left out when it is `None`, since `null` would clear it.
    pub(crate) fn optional<T: Serialize>(
        &mut self,
        key: &'static str,
        value: &Option<T>,
    ) -> Result<(), M::Error> {
        match value {
            Some(value) => self.map.serialize_entry(key, value),
            None => Ok(()),
        }
    }

    /// Writes a field of an update body: left out when unchanged, `null` when cleared.
    pub(crate) fn patch<T: Serialize>(
        &mut self,
        key: &'static str,
        value: &Patch<T>,
    ) -> Result<(), M::Error> {
        match value {
            Patch::Unchanged => Ok(()),
            Patch::Clear | Patch::Set(_) => self.map.serialize_entry(key, value),
        }
    }

    /// Writes properties the spec does not name, as they were read.
    pub(crate) fn additional(
        &mut self,
        properties: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<(), M::Error> {
        properties
            .iter()
            .try_for_each(|(key, value)| self.map.serialize_entry(key, value))
    }

    /// Ends the object.
    pub(crate) fn end(self) -> Result<M::Ok, M::Error> {
        self.map.end()
    }
}

/// An enum written as one of its members' names, keeping names it does not know.
pub(crate) trait NamedMember: for<'a> From<&'a str> {
    /// The name in messages: "expected enum `NAME`".
    const NAME: &'static str;
}

/// Reads an enum member from its name.
pub(crate) fn read_member<'de, T: NamedMember, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_str(MemberVisitor(PhantomData))
}

struct MemberVisitor<T>(PhantomData<T>);

impl<T: NamedMember> Visitor<'_> for MemberVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "enum {}", T::NAME)
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<T, E> {
        Ok(T::from(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model as the generator writes one, with each kind of field.
    #[derive(Debug, Default, PartialEq)]
    struct Sample {
        name: Option<String>,
        count: Option<i32>,
        nested: Option<Box<Sample>>,
        mode: Option<Mode>,
    }

    impl ReadObject for Sample {
        const NAME: &'static str = "Sample";

        fn read_property<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match key {
                "Name" => self.name = map.next_value()?,
                "Count" => self.count = map.next_value()?,
                "Nested" => self.nested = map.next_value()?,
                "Mode" => self.mode = map.next_value()?,
                _ => skip_value(map)?,
            }
            Ok(())
        }
    }

    impl<'de> Deserialize<'de> for Sample {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            read_object(deserializer)
        }
    }

    impl Serialize for Sample {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut object = ObjectWriter::start(serializer)?;
            object.optional("Name", &self.name)?;
            object.always("Count", &self.count)?;
            object.optional("Nested", &self.nested)?;
            object.optional("Mode", &self.mode)?;
            object.end()
        }
    }

    #[derive(Debug, PartialEq)]
    enum Mode {
        Auto,
        Unrecognized(String),
    }

    impl From<&str> for Mode {
        fn from(name: &str) -> Self {
            match name {
                "Auto" => Mode::Auto,
                other => Mode::Unrecognized(other.to_owned()),
            }
        }
    }

    impl NamedMember for Mode {
        const NAME: &'static str = "Mode";
    }

    impl<'de> Deserialize<'de> for Mode {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            read_member(deserializer)
        }
    }

    impl Serialize for Mode {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(match self {
                Mode::Auto => "Auto",
                Mode::Unrecognized(name) => name,
            })
        }
    }

    #[test]
    fn reads_known_properties_and_skips_the_rest() {
        let json = r#"{"Name":"a","Extra":{"Deep":[1,2,{"x":null}]},"Count":null,
            "Nested":{"Count":7,"Mode":"Auto"},"Mode":"Later"}"#;
        let sample: Sample = serde_json::from_str(json).unwrap();
        assert_eq!(
            sample,
            Sample {
                name: Some("a".into()),
                count: None,
                nested: Some(Box::new(Sample {
                    count: Some(7),
                    mode: Some(Mode::Auto),
                    ..Sample::default()
                })),
                mode: Some(Mode::Unrecognized("Later".into())),
            }
        );
    }

    #[test]
    fn escaped_property_names_are_unescaped_before_matching() {
        let sample: Sample = serde_json::from_str(r#"{"N\u0061me":"b"}"#).unwrap();
        assert_eq!(sample.name.as_deref(), Some("b"));
        let from_reader: Sample = serde_json::from_reader(&br#"{"Name":"c"}"#[..]).unwrap();
        assert_eq!(from_reader.name.as_deref(), Some("c"));
    }

    #[test]
    fn the_last_of_repeated_properties_wins() {
        let sample: Sample = serde_json::from_str(r#"{"Count":1,"Count":2}"#).unwrap();
        assert_eq!(sample.count, Some(2));
    }

    #[test]
    fn errors_name_what_was_expected() {
        let error = serde_json::from_str::<Sample>(r#""text""#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid type: string \"text\", expected struct Sample at line 1 column 6"
        );
        let error = serde_json::from_str::<Sample>(r#"{"Mode":3}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid type: integer `3`, expected enum Mode at line 1 column 9"
        );
        let error = serde_json::from_str::<Sample>(r#"{"Count":"x"}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid type: string \"x\", expected i32 at line 1 column 12"
        );
    }

    #[test]
    fn writes_optional_fields_only_when_set_and_the_others_always() {
        let sample = Sample {
            nested: Some(Box::new(Sample {
                name: Some("n".into()),
                ..Sample::default()
            })),
            mode: Some(Mode::Unrecognized("Later".into())),
            ..Sample::default()
        };
        assert_eq!(
            serde_json::to_string(&sample).unwrap(),
            r#"{"Count":null,"Nested":{"Name":"n","Count":null},"Mode":"Later"}"#
        );
    }

    /// A model with two fields an older 3CX sends in another shape.
    #[derive(Debug, Default, PartialEq)]
    struct Older {
        seg_id: Option<String>,
        password: Option<Box<Concealed>>,
    }

    #[derive(Debug, Default, PartialEq)]
    struct Concealed {
        value: Option<String>,
        concealed: Option<bool>,
    }

    impl ReadObject for Older {
        const NAME: &'static str = "Older";

        fn read_property<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match key {
                "SegId" => self.seg_id = read_text_or_integer(map)?,
                "Password" => self.password = read_object_or_string(map)?.map(Box::new),
                _ => skip_value(map)?,
            }
            Ok(())
        }
    }

    impl<'de> Deserialize<'de> for Older {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            read_object(deserializer)
        }
    }

    impl ReadObject for Concealed {
        const NAME: &'static str = "Concealed";

        fn read_property<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match key {
                "Value" => self.value = map.next_value()?,
                "Concealed" => self.concealed = map.next_value()?,
                _ => skip_value(map)?,
            }
            Ok(())
        }
    }

    impl FromBareString for Concealed {
        fn from_bare_string(value: String) -> Self {
            Concealed {
                value: Some(value),
                ..Concealed::default()
            }
        }
    }

    #[test]
    fn older_shapes_read_as_the_current_ones() {
        let current: Older =
            serde_json::from_str(r#"{"SegId":"17","Password":{"Value":"pw","Concealed":true}}"#)
                .unwrap();
        let older: Older = serde_json::from_str(r#"{"SegId":17,"Password":"pw"}"#).unwrap();
        assert_eq!(current.seg_id.as_deref(), Some("17"));
        assert_eq!(older.seg_id.as_deref(), Some("17"));
        assert_eq!(
            current.password.as_deref(),
            Some(&Concealed {
                value: Some("pw".into()),
                concealed: Some(true)
            })
        );
        assert_eq!(
            older.password.as_deref(),
            Some(&Concealed {
                value: Some("pw".into()),
                concealed: None
            })
        );

        let nulls: Older = serde_json::from_str(r#"{"SegId":null,"Password":null}"#).unwrap();
        assert_eq!(nulls, Older::default());
        let error = serde_json::from_str::<Older>(r#"{"SegId":1.5}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid type: floating point `1.5`, expected a string or an integer at line 1 \
             column 12"
        );
        let error = serde_json::from_str::<Older>(r#"{"Password":[]}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid type: sequence, expected struct Concealed or a string at line 1 column 14"
        );
    }

    #[test]
    fn patch_fields_are_left_out_cleared_or_set() {
        struct Update {
            name: Patch<String>,
            count: Patch<i32>,
            mode: Patch<Mode>,
            extra: serde_json::Map<String, serde_json::Value>,
        }
        impl Serialize for Update {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut object = ObjectWriter::start(serializer)?;
                object.patch("Name", &self.name)?;
                object.patch("Count", &self.count)?;
                object.patch("Mode", &self.mode)?;
                object.additional(&self.extra)?;
                object.end()
            }
        }

        let update = Update {
            name: Patch::Unchanged,
            count: Patch::Clear,
            mode: Patch::Set(Mode::Auto),
            extra: serde_json::from_str(r#"{"Other":[true]}"#).unwrap(),
        };
        assert_eq!(
            serde_json::to_string(&update).unwrap(),
            r#"{"Count":null,"Mode":"Auto","Other":[true]}"#
        );
    }
}
