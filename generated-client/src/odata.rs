//! OData helpers: key literals for URL paths and the system query options (`$top`, `$select`, ..).

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Bytes escaped in a string literal: all but ASCII alphanumerics and `-._~'`.
///
/// NB: this is stricter than RFC 3986 needs, so that no value can close its parenthesis, end
/// its path segment or start the query, whatever the server's parser does with sub-delimiters.
const STRING_LITERAL: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'\'');

/// Bytes escaped in a date-time literal: like strings, but `:` stays readable.
const DATE_TIME_LITERAL: &AsciiSet = &STRING_LITERAL.remove(b':');

/// A value that can be written as an OData literal in a URL path, such as a key.
///
/// The output is already percent-encoded and can be put into a path as it is.
pub trait ODataLiteral {
    /// Appends the percent-encoded literal to `out`.
    fn write_literal(&self, out: &mut String);
}

impl ODataLiteral for str {
    /// Writes `'value'` with every `'` doubled, then percent-encoded.
    fn write_literal(&self, out: &mut String) {
        let quoted = format!("'{}'", self.replace('\'', "''"));
        out.extend(utf8_percent_encode(&quoted, STRING_LITERAL));
    }
}

impl ODataLiteral for String {
    /// Writes the string like [`str`] does.
    fn write_literal(&self, out: &mut String) {
        self.as_str().write_literal(out);
    }
}

impl<T: ODataLiteral + ?Sized> ODataLiteral for &T {
    /// Writes the referenced value, so both `Literal(x)` and `Literal(&x)` work.
    fn write_literal(&self, out: &mut String) {
        (**self).write_literal(out);
    }
}

/// Implements [`ODataLiteral`] for types whose `Display` already is the bare OData literal.
macro_rules! impl_bare_literal {
    ($($ty:ty),* $(,)?) => {
        $(
            impl ODataLiteral for $ty {
                /// Writes the value bare, as `Display` prints it.
                fn write_literal(&self, out: &mut String) {
                    use fmt::Write as _;

                    // Writing into a `String` cannot fail.
                    let _ = write!(out, "{self}");
                }
            }
        )*
    };
}

impl_bare_literal!(i32, i64, u8, bool, uuid::Uuid);

impl ODataLiteral for chrono::DateTime<chrono::FixedOffset> {
    /// Writes RFC 3339 with the original offset, like `2026-03-01T08:00:00%2B01:00`.
    fn write_literal(&self, out: &mut String) {
        out.extend(utf8_percent_encode(&self.to_rfc3339(), DATE_TIME_LITERAL));
    }
}

/// Displays a value as its OData literal, for building paths with `format!`.
///
/// ```
/// use xapi_client::odata::Literal;
///
/// assert_eq!(format!("/Users({})", Literal(5)), "/Users(5)");
/// assert_eq!(format!("/Users(Number={})", Literal("0101")), "/Users(Number='0101')");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Literal<T>(pub T);

impl<T: ODataLiteral> fmt::Display for Literal<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.0.write_literal(&mut out);
        f.write_str(&out)
    }
}

/// A set of OData system query options that can be added to a request.
pub trait QueryOptions {
    /// Appends one `(key, unencoded value)` pair for each option that is set.
    fn append_to(&self, pairs: &mut Vec<(&'static str, String)>);
}

/// Every option the three public option types can hold; each type exposes only its own subset.
#[derive(Debug, Clone, Default)]
struct Options {
    top: Option<u64>,
    skip: Option<u64>,
    search: Option<String>,
    filter: Option<String>,
    count: Option<bool>,
    orderby: Vec<String>,
    select: Vec<String>,
    expand: Vec<String>,
}

impl QueryOptions for Options {
    fn append_to(&self, pairs: &mut Vec<(&'static str, String)>) {
        let numbers = [("$top", self.top), ("$skip", self.skip)];
        pairs.extend(
            numbers
                .into_iter()
                .filter_map(|(key, n)| Some((key, n?.to_string()))),
        );

        let texts = [("$search", &self.search), ("$filter", &self.filter)];
        pairs.extend(
            texts
                .into_iter()
                .filter_map(|(key, text)| Some((key, text.clone()?))),
        );

        if let Some(count) = self.count {
            pairs.push(("$count", count.to_string()));
        }

        // Lists go out comma-joined in the caller's order; OData does not allow repeated keys.
        let lists = [
            ("$orderby", &self.orderby),
            ("$select", &self.select),
            ("$expand", &self.expand),
        ];
        for (key, items) in lists {
            if !items.is_empty() {
                pairs.push((key, items.join(",")));
            }
        }
    }
}

/// Collects an iterator of string-like items into owned strings.
fn collect_strings(items: impl IntoIterator<Item = impl Into<String>>) -> Vec<String> {
    items.into_iter().map(Into::into).collect()
}

/// Writes one builder method per option name, so each is written once for all option types.
macro_rules! option_methods {
    ($ty:ident: $($option:ident),* $(,)?) => {
        impl $ty {
            $(option_methods!(@method $option);)*
        }

        impl QueryOptions for $ty {
            fn append_to(&self, pairs: &mut Vec<(&'static str, String)>) {
                self.options.append_to(pairs);
            }
        }
    };

    (@method top) => {
        /// Sets `$top`, the maximum number of items to return.
        pub fn top(mut self, top: u64) -> Self {
            self.options.top = Some(top);
            self
        }
    };

    (@method skip) => {
        /// Sets `$skip`, the number of items to leave out before the first one returned.
        pub fn skip(mut self, skip: u64) -> Self {
            self.options.skip = Some(skip);
            self
        }
    };

    (@method search) => {
        /// Sets `$search`, a free-text search expression.
        pub fn search(mut self, search: impl Into<String>) -> Self {
            self.options.search = Some(search.into());
            self
        }
    };

    (@method filter) => {
        /// Sets `$filter`, like `Number eq '0101'`; the URL builder percent-encodes it.
        pub fn filter(mut self, filter: impl Into<String>) -> Self {
            self.options.filter = Some(filter.into());
            self
        }
    };

    (@method count) => {
        /// Sets `$count`, whether the response should include the total item count.
        pub fn count(mut self, count: bool) -> Self {
            self.options.count = Some(count);
            self
        }
    };

    (@method orderby) => {
        /// Sets `$orderby`, like `["LastName", "Id desc"]`, replacing any earlier order.
        pub fn orderby(mut self, items: impl IntoIterator<Item = impl Into<String>>) -> Self {
            self.options.orderby = collect_strings(items);
            self
        }
    };

    (@method select) => {
        /// Sets `$select`, the properties to return, replacing any earlier selection.
        pub fn select(mut self, items: impl IntoIterator<Item = impl Into<String>>) -> Self {
            self.options.select = collect_strings(items);
            self
        }
    };

    (@method expand) => {
        /// Sets `$expand`, the navigation properties to inline, replacing any earlier list.
        pub fn expand(mut self, items: impl IntoIterator<Item = impl Into<String>>) -> Self {
            self.options.expand = collect_strings(items);
            self
        }
    };
}

/// Query options of operations that list a collection.
///
/// ```
/// use xapi_client::odata::ListQuery;
///
/// let query = ListQuery::default().top(10).filter("Number eq '0101'").select(["Id", "Number"]);
/// # let _ = query;
/// ```
#[derive(Debug, Clone, Default)]
#[must_use = "query options do nothing until passed to a request"]
pub struct ListQuery {
    options: Options,
}

option_methods!(ListQuery: top, skip, search, filter, count, orderby, select, expand);

/// Query options of operations that page through results but cannot order or shape them.
#[derive(Debug, Clone, Default)]
#[must_use = "query options do nothing until passed to a request"]
pub struct PageQuery {
    options: Options,
}

option_methods!(PageQuery: top, skip, search, filter, count);

/// Query options of operations that return a single entity.
#[derive(Debug, Clone, Default)]
#[must_use = "query options do nothing until passed to a request"]
pub struct GetQuery {
    options: Options,
}

option_methods!(GetQuery: select, expand);

#[cfg(test)]
mod tests {
    use super::*;

    fn render(value: impl ODataLiteral) -> String {
        let mut out = String::new();
        value.write_literal(&mut out);
        out
    }

    fn pairs(options: &impl QueryOptions) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        options.append_to(&mut pairs);
        pairs
    }

    #[test]
    fn renders_string_literals() {
        assert_eq!(render("0101"), "'0101'");
        assert_eq!(render("SP'7"), "'SP''7'");
        assert_eq!(render("a/b"), "'a%2Fb'");
        assert_eq!(render("?"), "'%3F'");
        assert_eq!(render("a b"), "'a%20b'");
        assert_eq!(render("#%(),=+&"), "'%23%25%28%29%2C%3D%2B%26'");
        assert_eq!(render("Zoë"), "'Zo%C3%AB'");
        assert_eq!(render("-._~"), "'-._~'");
        assert_eq!(render(String::from("x'")), "'x'''");
    }

    #[test]
    fn renders_numbers_and_bools_bare() {
        assert_eq!(render(-42_i32), "-42");
        assert_eq!(render(9_000_000_000_i64), "9000000000");
        assert_eq!(render(7_u8), "7");
        assert_eq!(render(true), "true");
        assert_eq!(render(false), "false");
    }

    #[test]
    fn renders_date_times_with_their_offset() {
        let east = chrono::DateTime::parse_from_rfc3339("2026-03-01T08:00:00+01:00").unwrap();
        let west = chrono::DateTime::parse_from_rfc3339("2026-03-01T08:00:00.5-06:00").unwrap();

        assert_eq!(render(east), "2026-03-01T08:00:00%2B01:00");
        assert_eq!(render(west), "2026-03-01T08:00:00.500-06:00");
    }

    #[test]
    fn renders_uuids_lowercase_hyphenated() {
        let id = uuid::Uuid::parse_str("A1B2C3D4-E5F6-4789-8ABC-DEF012345678").unwrap();

        assert_eq!(render(id), "a1b2c3d4-e5f6-4789-8abc-def012345678");
    }

    #[test]
    fn literal_displays_owned_and_borrowed_values() {
        let id = 5_i32;
        let number: &str = "0101";
        let owned = String::from("O'Neil");

        assert_eq!(format!("/Users({})", Literal(id)), "/Users(5)");
        assert_eq!(format!("/Users({})", Literal(&id)), "/Users(5)");
        assert_eq!(
            format!("/Users(Number={})", Literal(number)),
            "/Users(Number='0101')"
        );
        assert_eq!(
            format!("/Users(Number={})", Literal(&number)),
            "/Users(Number='0101')"
        );
        assert_eq!(format!("({})", Literal(&owned)), "('O''Neil')");
        assert_eq!(format!("({})", Literal(owned.as_str())), "('O''Neil')");
    }

    #[test]
    fn default_options_append_nothing() {
        assert!(pairs(&ListQuery::default()).is_empty());
        assert!(pairs(&PageQuery::default()).is_empty());
        assert!(pairs(&GetQuery::default()).is_empty());
    }

    #[test]
    fn appends_only_options_that_are_set() {
        let query = GetQuery::default().select(["Id", "Number"]);

        assert_eq!(pairs(&query), [("$select", "Id,Number".to_owned())]);
    }

    #[test]
    fn keeps_the_callers_order_in_lists() {
        let query = ListQuery::default()
            .orderby(["Number desc", "Id"])
            .select(["Number", "Id"]);

        assert_eq!(
            pairs(&query),
            [
                ("$orderby", "Number desc,Id".to_owned()),
                ("$select", "Number,Id".to_owned())
            ]
        );
    }

    #[test]
    fn appends_every_list_option() {
        let query = ListQuery::default()
            .top(10)
            .skip(20)
            .search("ann")
            .filter("Number eq '0101'")
            .count(true)
            .orderby(["Id"])
            .select(vec![String::from("Id")])
            .expand(["Groups"]);

        assert_eq!(
            pairs(&query),
            [
                ("$top", "10".to_owned()),
                ("$skip", "20".to_owned()),
                ("$search", "ann".to_owned()),
                ("$filter", "Number eq '0101'".to_owned()),
                ("$count", "true".to_owned()),
                ("$orderby", "Id".to_owned()),
                ("$select", "Id".to_owned()),
                ("$expand", "Groups".to_owned()),
            ]
        );
    }

    #[test]
    fn appends_page_options() {
        let query = PageQuery::default().count(false).top(1);

        assert_eq!(
            pairs(&query),
            [("$top", "1".to_owned()), ("$count", "false".to_owned())]
        );
    }

    #[test]
    fn later_lists_replace_earlier_ones() {
        let query = GetQuery::default().expand(["Groups"]).expand(["Phones"]);

        assert_eq!(pairs(&query), [("$expand", "Phones".to_owned())]);
    }
}
