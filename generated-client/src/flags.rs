//! Flags enums: a set of enum members written as one string, like `"ForceClosed, HasForcedMask"`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IntoDeserializer, Visitor};
use serde::ser::{self, Serialize, Serializer};

/// A set of members of a flags enum (`x-ms-enum-flags`).
///
/// The PBX writes a combination as the member names joined by a comma and a space:
/// `"ForceClosed, HasForcedMask"`. Reading accepts the names with or without spaces around the
/// commas, and an empty string as the empty set; writing always joins with `", "`. Each member
/// is read and written through `E`'s own serde impls, so an enum that keeps unknown names keeps
/// them here too.
///
/// Equality ignores order and repeats, as for a set; [`Flags::iter`] keeps the order as read.
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use xapi_client::Flags;
///
/// #[derive(Debug, PartialEq, Serialize, Deserialize)]
/// enum Mode {
///     ForceClosed,
///     HasForcedMask,
/// }
///
/// let flags: Flags<Mode> = serde_json::from_str(r#""ForceClosed,HasForcedMask""#)?;
/// assert!(flags.contains(&Mode::HasForcedMask));
/// assert_eq!(serde_json::to_string(&flags)?, r#""ForceClosed, HasForcedMask""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Flags<E>(pub Vec<E>);

impl<E> Flags<E> {
    /// Returns an empty set.
    pub fn new() -> Self {
        Flags(Vec::new())
    }

    /// Iterates over the members in the order they were read or added.
    pub fn iter(&self) -> std::slice::Iter<'_, E> {
        self.0.iter()
    }

    /// Returns whether the set has no members.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<E: PartialEq> Flags<E> {
    /// Returns whether `member` is in the set.
    pub fn contains(&self, member: &E) -> bool {
        self.0.contains(member)
    }

    /// Adds `member` unless it is already in the set.
    pub fn insert(&mut self, member: E) {
        if !self.contains(&member) {
            self.0.push(member);
        }
    }
}

impl<E> Default for Flags<E> {
    fn default() -> Self {
        Flags::new()
    }
}

impl<E: PartialEq> PartialEq for Flags<E> {
    /// Compares as sets: order and repeated members do not matter.
    fn eq(&self, other: &Self) -> bool {
        self.iter().all(|member| other.contains(member))
            && other.iter().all(|member| self.contains(member))
    }
}

impl<E: Eq> Eq for Flags<E> {}

impl<E> FromIterator<E> for Flags<E> {
    fn from_iter<I: IntoIterator<Item = E>>(members: I) -> Self {
        Flags(members.into_iter().collect())
    }
}

impl<E> From<Vec<E>> for Flags<E> {
    fn from(members: Vec<E>) -> Self {
        Flags(members)
    }
}

impl<E> IntoIterator for Flags<E> {
    type Item = E;
    type IntoIter = std::vec::IntoIter<E>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, E> IntoIterator for &'a Flags<E> {
    type Item = &'a E;
    type IntoIter = std::slice::Iter<'a, E>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<E: Serialize> Serialize for Flags<E> {
    /// Writes the members joined by `", "`, like `"ForceClosed, HasForcedMask"`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut text = String::new();
        for member in &self.0 {
            let value = serde_json::to_value(member).map_err(ser::Error::custom)?;
            push_member(&mut text, &value).map_err(ser::Error::custom)?;
        }
        serializer.serialize_str(&text)
    }
}

/// Appends one serialized member to the joined text; kept out of the generic part.
fn push_member(text: &mut String, value: &serde_json::Value) -> Result<(), String> {
    let Some(name) = value.as_str() else {
        return Err(format!(
            "a flags member must serialize as a string, not {value}"
        ));
    };
    if name.contains(',') || name.trim().is_empty() {
        return Err(format!("cannot write flags member {name:?}"));
    }

    if !text.is_empty() {
        text.push_str(", ");
    }
    text.push_str(name);
    Ok(())
}

impl<'de, E: Deserialize<'de>> Deserialize<'de> for Flags<E> {
    /// Reads `"A, B"`, `"A,B"` or `""`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(FlagsVisitor(PhantomData))
    }
}

/// Reads the comma-separated text of [`Flags`].
struct FlagsVisitor<E>(PhantomData<fn() -> E>);

impl<'de, E: Deserialize<'de>> Visitor<'de> for FlagsVisitor<E> {
    type Value = Flags<E>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("flags names separated by commas")
    }

    fn visit_str<Er: de::Error>(self, text: &str) -> Result<Self::Value, Er> {
        split_members(text)
            .map(|name| E::deserialize(name.into_deserializer()))
            .collect()
    }
}

/// Splits flags text into trimmed member names; empty or blank text has none.
fn split_members(text: &str) -> impl Iterator<Item = &str> {
    let text = text.trim();
    (!text.is_empty())
        .then(|| text.split(',').map(str::trim))
        .into_iter()
        .flatten()
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;

    /// Shaped like a generated flags enum.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    enum PbxGroupHoursMode {
        ForceClosed,
        HasForcedMask,
        ForceOpen,
        #[serde(untagged)]
        Unrecognized(String),
    }

    use PbxGroupHoursMode::*;

    /// Shaped like a generated model with a flags field.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Group {
        #[serde(rename = "CurrentGroupHours", default)]
        current_group_hours: Option<Flags<PbxGroupHoursMode>>,
    }

    fn read(json: &str) -> Flags<PbxGroupHoursMode> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn reads_the_field_case() {
        let group: Group =
            serde_json::from_str(r#"{"CurrentGroupHours":"ForceClosed, HasForcedMask"}"#).unwrap();

        let flags = group.current_group_hours.unwrap();
        assert_eq!(flags.0, vec![ForceClosed, HasForcedMask]);
        assert!(flags.contains(&ForceClosed));
        assert!(flags.contains(&HasForcedMask));
        assert!(!flags.contains(&ForceOpen));
    }

    #[test]
    fn reads_with_or_without_spaces() {
        assert_eq!(
            read(r#""ForceClosed,HasForcedMask""#).0,
            [ForceClosed, HasForcedMask]
        );
        assert_eq!(
            read(r#"" ForceOpen ,  ForceClosed ""#).0,
            [ForceOpen, ForceClosed]
        );
        assert_eq!(read(r#""ForceOpen""#).0, [ForceOpen]);
    }

    #[test]
    fn reads_empty_text_as_the_empty_set() {
        assert!(read(r#""""#).is_empty());
        assert!(read(r#""  ""#).is_empty());
    }

    #[test]
    fn reads_null_and_absent_as_none() {
        let null: Group = serde_json::from_str(r#"{"CurrentGroupHours":null}"#).unwrap();
        let absent: Group = serde_json::from_str("{}").unwrap();

        assert_eq!(null.current_group_hours, None);
        assert_eq!(absent.current_group_hours, None);
    }

    #[test]
    fn keeps_unknown_members() {
        let flags = read(r#""ForceClosed, Holiday""#);

        assert_eq!(flags.0, [ForceClosed, Unrecognized("Holiday".to_owned())]);
        assert_eq!(
            serde_json::to_string(&flags).unwrap(),
            r#""ForceClosed, Holiday""#
        );
    }

    #[test]
    fn writes_members_joined_by_comma_and_space() {
        let group = Group {
            current_group_hours: Some(Flags(vec![ForceClosed, HasForcedMask])),
        };

        assert_eq!(
            serde_json::to_string(&group).unwrap(),
            r#"{"CurrentGroupHours":"ForceClosed, HasForcedMask"}"#
        );
        assert_eq!(
            serde_json::to_string(&Flags::<PbxGroupHoursMode>::new()).unwrap(),
            r#""""#
        );
    }

    #[test]
    fn round_trips() {
        for text in [r#""ForceClosed, HasForcedMask""#, r#""ForceOpen""#, r#""""#] {
            assert_eq!(serde_json::to_string(&read(text)).unwrap(), text);
        }
    }

    #[test]
    fn rejects_members_that_are_not_strings() {
        let error = serde_json::to_string(&Flags(vec![1, 2])).unwrap_err();

        assert_eq!(
            error.to_string(),
            "a flags member must serialize as a string, not 1"
        );
        assert!(serde_json::from_str::<Flags<PbxGroupHoursMode>>("3").is_err());
    }

    #[test]
    fn compares_as_a_set() {
        let forward: Flags<_> = [ForceClosed, HasForcedMask].into_iter().collect();
        let backward = Flags(vec![HasForcedMask, ForceClosed, HasForcedMask]);

        assert_eq!(forward, backward);
        assert_ne!(forward, Flags(vec![ForceClosed]));
        assert_eq!(Flags::<PbxGroupHoursMode>::default(), Flags(vec![]));
    }

    #[test]
    fn inserts_without_repeats() {
        let mut flags = Flags::new();
        flags.insert(ForceOpen);
        flags.insert(ForceOpen);
        flags.insert(ForceClosed);

        assert_eq!(flags.iter().collect::<Vec<_>>(), [&ForceOpen, &ForceClosed]);
    }
}
