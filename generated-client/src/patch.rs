//! A field of a PATCH body that tells apart "leave unchanged", "clear" and "set".

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One field of an update: leave it unchanged, clear it, or set it.
///
/// The PBX overwrites every field that a PATCH body names, and a `null` clears the stored
/// value. Generated update fields carry
/// `#[serde(default, skip_serializing_if = "xapi_client::Patch::is_unchanged")]`, so an
/// [`Unchanged`](Patch::Unchanged) field is not written at all, [`Clear`](Patch::Clear) is
/// written as `null` and [`Set`](Patch::Set) as the value. Reading gives `Clear` for `null`,
/// `Set` for a value and, through `#[serde(default)]`, `Unchanged` for an absent field.
///
/// ```
/// use serde::Serialize;
/// use xapi_client::Patch;
///
/// #[derive(Default, Serialize)]
/// struct UserUpdate {
///     #[serde(rename = "FirstName", skip_serializing_if = "Patch::is_unchanged")]
///     first_name: Patch<String>,
///     #[serde(rename = "LastName", skip_serializing_if = "Patch::is_unchanged")]
///     last_name: Patch<String>,
///     #[serde(rename = "Mobile", skip_serializing_if = "Patch::is_unchanged")]
///     mobile: Patch<String>,
/// }
///
/// let update = UserUpdate {
///     first_name: "Ada".to_owned().into(),
///     mobile: Patch::Clear,
///     ..UserUpdate::default()
/// };
/// assert_eq!(serde_json::to_string(&update)?, r#"{"FirstName":"Ada","Mobile":null}"#);
/// assert_eq!(Patch::<String>::from(None), Patch::Clear);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Patch<T> {
    /// Leave the stored value as it is; the field is not sent.
    #[default]
    Unchanged,
    /// Clear the stored value; the field is sent as `null`.
    Clear,
    /// Store this value.
    Set(T),
}

impl<T> Patch<T> {
    /// Returns whether the field is left unchanged, so it is not sent.
    pub fn is_unchanged(&self) -> bool {
        matches!(self, Patch::Unchanged)
    }

    /// Returns the value to set, if any.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Patch::Set(value) => Some(value),
            Patch::Unchanged | Patch::Clear => None,
        }
    }

    /// Turns the field into `None` for unchanged, `Some(None)` for clear and `Some(Some(v))` for
    /// set.
    pub fn into_option(self) -> Option<Option<T>> {
        match self {
            Patch::Unchanged => None,
            Patch::Clear => Some(None),
            Patch::Set(value) => Some(Some(value)),
        }
    }
}

impl<T> From<T> for Patch<T> {
    /// Sets the field to `value`.
    fn from(value: T) -> Self {
        Patch::Set(value)
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// Sets the field to the value, or clears it for `None`.
    fn from(value: Option<T>) -> Self {
        value.map_or(Patch::Clear, Patch::Set)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    /// Writes the value for `Set` and `null` otherwise.
    ///
    /// NB: `Unchanged` writes `null` only when the field is serialized without
    /// `skip_serializing_if = "Patch::is_unchanged"`; generated bodies always skip it.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Set(value) => serializer.serialize_some(value),
            Patch::Unchanged | Patch::Clear => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    /// Reads `null` as `Clear` and a value as `Set`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Patch::from)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;

    /// Shaped like a generated update body.
    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct UserUpdate {
        #[serde(
            rename = "FirstName",
            default,
            skip_serializing_if = "crate::Patch::is_unchanged"
        )]
        first_name: Patch<String>,
        #[serde(
            rename = "LastName",
            default,
            skip_serializing_if = "crate::Patch::is_unchanged"
        )]
        last_name: Patch<String>,
        #[serde(
            rename = "Mobile",
            default,
            skip_serializing_if = "crate::Patch::is_unchanged"
        )]
        mobile: Patch<String>,
        #[serde(
            rename = "Groups",
            default,
            skip_serializing_if = "crate::Patch::is_unchanged"
        )]
        groups: Patch<Vec<i32>>,
        #[serde(
            rename = "Id",
            default,
            skip_serializing_if = "crate::Patch::is_unchanged"
        )]
        id: Patch<i32>,
    }

    #[test]
    fn sends_only_what_was_set_or_cleared() {
        let update = UserUpdate {
            first_name: "Ada".to_owned().into(),
            mobile: Patch::Clear,
            ..UserUpdate::default()
        };

        assert_eq!(
            serde_json::to_string(&update).unwrap(),
            r#"{"FirstName":"Ada","Mobile":null}"#
        );
    }

    #[test]
    fn sends_nothing_for_an_untouched_update() {
        assert_eq!(serde_json::to_string(&UserUpdate::default()).unwrap(), "{}");
    }

    #[test]
    fn sends_one_field_for_one_change() {
        let update = UserUpdate {
            groups: Patch::Set(vec![]),
            ..UserUpdate::default()
        };

        assert_eq!(serde_json::to_string(&update).unwrap(), r#"{"Groups":[]}"#);
    }

    #[test]
    fn reads_absent_null_and_values() {
        let update: UserUpdate =
            serde_json::from_str(r#"{"FirstName":"Ada","Mobile":null,"Id":3}"#).unwrap();

        assert_eq!(
            update,
            UserUpdate {
                first_name: Patch::Set("Ada".to_owned()),
                last_name: Patch::Unchanged,
                mobile: Patch::Clear,
                groups: Patch::Unchanged,
                id: Patch::Set(3),
            }
        );
    }

    #[test]
    fn writes_null_when_not_skipped() {
        assert_eq!(
            serde_json::to_string(&Patch::<i32>::Unchanged).unwrap(),
            "null"
        );
        assert_eq!(serde_json::to_string(&Patch::<i32>::Clear).unwrap(), "null");
        assert_eq!(serde_json::to_string(&Patch::Set(4)).unwrap(), "4");
    }

    #[test]
    fn converts_from_values_and_options() {
        assert_eq!(Patch::from(5), Patch::Set(5));
        assert_eq!(Patch::from(Some(5)), Patch::Set(5));
        assert_eq!(Patch::<i32>::from(None), Patch::Clear);
        assert_eq!(Patch::Set(5).into_option(), Some(Some(5)));
        assert_eq!(Patch::<i32>::Clear.into_option(), Some(None));
        assert_eq!(Patch::<i32>::Unchanged.into_option(), None);
        assert_eq!(Patch::Set(5).as_set(), Some(&5));
        assert_eq!(Patch::<i32>::Clear.as_set(), None);
    }
}
