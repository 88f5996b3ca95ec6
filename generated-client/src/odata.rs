//! OData helpers: key literals for URL paths and the system query options (`$top`, `$select`, ..).

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Bytes escaped when a literal goes into a path: all but ASCII alphanumerics and `-._~'`.
///
/// NB: this is stricter than RFC 3986 needs, so that no value can close its parenthesis, end
/// its path segment or start the query, whatever the server's parser does with sub-delimiters.
const PATH_LITERAL: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'\'');

/// Bytes escaped in a date-time literal in a path: like [`PATH_LITERAL`], but `:` stays readable.
const DATE_TIME_PATH_LITERAL: &AsciiSet = &PATH_LITERAL.remove(b':');

/// A value that can be written as an OData literal, in a URL path or in a `$filter`.
///
/// [`write_raw`](ODataLiteral::write_raw) gives the plain literal, as OData's grammar spells it
/// (`'SP''7'`, `42`, `2026-03-01T08:00:00+01:00`); [`Literal`] and
/// [`write_path`](ODataLiteral::write_path) percent-encode it for a path segment, and the
/// [`Filter`](crate::Filter) builder uses the raw form, which the query encoder escapes later.
pub trait ODataLiteral {
    /// Appends the plain, unencoded OData literal to `out`.
    fn write_raw(&self, out: &mut String);

    /// Appends the literal percent-encoded for a URL path segment.
    ///
    /// Every byte but ASCII alphanumerics and `-._~'` is escaped, so `/`, `?`, `#`, `(`, `)`,
    /// `,`, `=`, `&`, `+` and spaces can never change the structure of the path.
    fn write_path(&self, out: &mut String) {
        let mut raw = String::new();
        self.write_raw(&mut raw);
        encode_path_literal(&raw, PATH_LITERAL, out);
    }
}

/// Percent-encodes a raw literal into `out`; shared by every [`ODataLiteral::write_path`].
fn encode_path_literal(raw: &str, escaped: &'static AsciiSet, out: &mut String) {
    out.extend(utf8_percent_encode(raw, escaped));
}

impl ODataLiteral for str {
    /// Writes `'value'` with every `'` doubled, like `'SP''7'`.
    fn write_raw(&self, out: &mut String) {
        out.reserve(self.len() + 2);
        out.push('\'');
        for piece in self.split_inclusive('\'') {
            out.push_str(piece);
            if piece.ends_with('\'') {
                out.push('\'');
            }
        }
        out.push('\'');
    }
}

impl ODataLiteral for String {
    /// Writes the string like [`str`] does.
    fn write_raw(&self, out: &mut String) {
        self.as_str().write_raw(out);
    }
}

impl<T: ODataLiteral + ?Sized> ODataLiteral for &T {
    /// Writes the referenced value, so both `Literal(x)` and `Literal(&x)` work.
    fn write_raw(&self, out: &mut String) {
        (**self).write_raw(out);
    }

    fn write_path(&self, out: &mut String) {
        (**self).write_path(out);
    }
}

/// Implements [`ODataLiteral`] for types whose `Display` already is the bare OData literal.
macro_rules! impl_bare_literal {
    ($($ty:ty),* $(,)?) => {
        $(
            impl ODataLiteral for $ty {
                /// Writes the value bare, as `Display` prints it.
                fn write_raw(&self, out: &mut String) {
                    use fmt::Write as _;

                    // Writing into a `String` cannot fail.
                    let _ = write!(out, "{self}");
                }
            }
        )*
    };
}

impl_bare_literal!(i16, i32, i64, u8, u16, u32, u64, bool, uuid::Uuid);

impl ODataLiteral for chrono::DateTime<chrono::FixedOffset> {
    /// Writes RFC 3339 with the value's own offset, like `2026-03-01T08:00:00+01:00`.
    ///
    /// Fractional seconds are kept when present, in groups of three digits (`.500`).
    fn write_raw(&self, out: &mut String) {
        out.push_str(&self.to_rfc3339());
    }

    /// Writes the raw literal with `+` escaped but `:` kept: `2026-03-01T08:00:00%2B01:00`.
    fn write_path(&self, out: &mut String) {
        encode_path_literal(&self.to_rfc3339(), DATE_TIME_PATH_LITERAL, out);
    }
}

impl ODataLiteral for chrono::DateTime<chrono::Utc> {
    /// Writes RFC 3339 in UTC with a `Z`, like `2026-03-01T07:00:00Z`.
    fn write_raw(&self, out: &mut String) {
        out.push_str(&self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
    }

    /// Writes the raw literal with `:` kept: `2026-03-01T07:00:00Z`.
    fn write_path(&self, out: &mut String) {
        let raw = self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
        encode_path_literal(&raw, DATE_TIME_PATH_LITERAL, out);
    }
}

impl ODataLiteral for crate::Duration {
    /// Writes OData's duration literal, like `duration'PT30.7S'`.
    fn write_raw(&self, out: &mut String) {
        use fmt::Write as _;

        // Writing into a `String` cannot fail.
        let _ = write!(out, "duration'{self}'");
    }
}

/// Displays a value as its OData literal, percent-encoded for a URL path segment.
///
/// Generated code builds paths with it, like `format!("/Users({})", Literal(id))`.
///
/// ```
/// use xapi_client::odata::Literal;
///
/// assert_eq!(format!("/Users({})", Literal(5)), "/Users(5)");
/// assert_eq!(format!("/Users(Number={})", Literal("0101")), "/Users(Number='0101')");
/// assert_eq!(format!("/Parkings(Number={})", Literal("SP'7")), "/Parkings(Number='SP''7')");
/// assert_eq!(format!("/Backups({})", Literal("a b/c")), "/Backups('a%20b%2Fc')");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Literal<T>(pub T);

impl<T: ODataLiteral> fmt::Display for Literal<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.0.write_path(&mut out);
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
    /// Items per request when paging; never sent to the server.
    page_size: Option<u64>,
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

/// How a query wants to be paged, as read by [`Client::paginate`](crate::Client::paginate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Paging {
    /// The caller's `$top`: the most items to return in total, over all pages.
    pub top: Option<u64>,
    /// The caller's `$skip`: the number of items to leave out before the first page.
    pub skip: Option<u64>,
    /// The number of items to ask for per request, when the caller chose one.
    pub page_size: Option<u64>,
}

/// Query options that can be paged through with [`Client::paginate`](crate::Client::paginate).
///
/// Implemented by [`ListQuery`] and [`PageQuery`].
pub trait Paged: QueryOptions {
    /// Returns the paging settings; the other options are sent with every page as they are.
    fn paging(&self) -> Paging;
}

impl Options {
    /// Reads the paging settings out of the options.
    fn paging(&self) -> Paging {
        Paging {
            top: self.top,
            skip: self.skip,
            page_size: self.page_size,
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

    (@method page_size) => {
        /// Sets how many items [`Client::paginate`](crate::Client::paginate) asks for per
        /// request (default 100, at least 1).
        ///
        /// Only the paging streams read it; it is never sent to the server as it is.
        pub fn page_size(mut self, page_size: u64) -> Self {
            self.options.page_size = Some(page_size);
            self
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
        /// Sets `$filter`, from a [`Filter`](crate::Filter) or a string like `Number eq '0101'`;
        /// the URL builder percent-encodes it.
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

option_methods!(ListQuery: top, skip, search, filter, count, orderby, select, expand, page_size);

impl Paged for ListQuery {
    fn paging(&self) -> Paging {
        self.options.paging()
    }
}

/// Query options of operations that page through results but cannot order or shape them.
#[derive(Debug, Clone, Default)]
#[must_use = "query options do nothing until passed to a request"]
pub struct PageQuery {
    options: Options,
}

option_methods!(PageQuery: top, skip, search, filter, count, page_size);

impl Paged for PageQuery {
    fn paging(&self) -> Paging {
        self.options.paging()
    }
}

/// Query options of operations that return a single entity.
#[derive(Debug, Clone, Default)]
#[must_use = "query options do nothing until passed to a request"]
pub struct GetQuery {
    options: Options,
}

option_methods!(GetQuery: select, expand);

#[cfg(test)]
mod tests {
    use percent_encoding::percent_decode_str;
    use proptest::prelude::*;

    use super::*;

    /// The literal as it goes into a path.
    fn render(value: impl ODataLiteral) -> String {
        Literal(value).to_string()
    }

    /// The plain literal, before any percent-encoding.
    fn raw(value: impl ODataLiteral) -> String {
        let mut out = String::new();
        value.write_raw(&mut out);
        out
    }

    fn pairs(options: &impl QueryOptions) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        options.append_to(&mut pairs);
        pairs
    }

    /// Reads a path-segment string literal back the way the server does.
    fn read_back(encoded: &str) -> String {
        let decoded = percent_decode_str(encoded).decode_utf8().unwrap();
        let inner = decoded
            .strip_prefix('\'')
            .and_then(|rest| rest.strip_suffix('\''))
            .expect("a quoted literal");
        inner.replace("''", "'")
    }

    #[test]
    fn renders_raw_string_literals() {
        assert_eq!(raw("0101"), "'0101'");
        assert_eq!(raw("SP'7"), "'SP''7'");
        assert_eq!(raw("''"), "''''''");
        assert_eq!(raw(""), "''");
        assert_eq!(raw("a b/c"), "'a b/c'");
        assert_eq!(raw("Zoë"), "'Zoë'");
        assert_eq!(raw(String::from("x'")), "'x'''");
    }

    #[test]
    fn renders_string_literals_for_paths() {
        assert_eq!(render("0101"), "'0101'");
        assert_eq!(render("SP'7"), "'SP''7'");
        assert_eq!(render(""), "''");
        assert_eq!(render("a/b"), "'a%2Fb'");
        assert_eq!(render("?"), "'%3F'");
        assert_eq!(render("a b"), "'a%20b'");
        assert_eq!(render("#%(),=+&"), "'%23%25%28%29%2C%3D%2B%26'");
        assert_eq!(render(":;@$!*"), "'%3A%3B%40%24%21%2A'");
        assert_eq!(render("Zoë"), "'Zo%C3%AB'");
        assert_eq!(render("-._~"), "'-._~'");
        assert_eq!(render(String::from("x'")), "'x'''");
    }

    #[test]
    fn renders_field_case_paths() {
        assert_eq!(
            format!("/Users(Number={})", Literal("0101")),
            "/Users(Number='0101')"
        );
        assert_eq!(
            format!("/Parkings(Number={})", Literal("SP'7")),
            "/Parkings(Number='SP''7')"
        );
        assert_eq!(
            format!(
                "/Backups({})/Pbx.Restore",
                Literal("nightly-2026-03-01.zip")
            ),
            "/Backups('nightly-2026-03-01.zip')/Pbx.Restore"
        );
        assert_eq!(
            format!("/Pbx.GetData(queueDnStr={})", Literal("")),
            "/Pbx.GetData(queueDnStr='')"
        );
    }

    #[test]
    fn renders_numbers_and_bools_bare() {
        assert_eq!(render(-42_i32), "-42");
        assert_eq!(render(9_000_000_000_i64), "9000000000");
        assert_eq!(render(7_u8), "7");
        assert_eq!(render(u64::MAX), "18446744073709551615");
        assert_eq!(render(true), "true");
        assert_eq!(render(false), "false");
        assert_eq!(raw(-42_i32), "-42");
    }

    #[test]
    fn renders_date_times_with_their_offset() {
        let east = chrono::DateTime::parse_from_rfc3339("2026-03-01T08:00:00+01:00").unwrap();
        let west = chrono::DateTime::parse_from_rfc3339("2026-03-01T08:00:00.5-06:00").unwrap();
        let micros =
            chrono::DateTime::parse_from_rfc3339("2026-03-01T08:00:00.123456+00:00").unwrap();

        assert_eq!(raw(east), "2026-03-01T08:00:00+01:00");
        assert_eq!(render(east), "2026-03-01T08:00:00%2B01:00");
        assert_eq!(raw(west), "2026-03-01T08:00:00.500-06:00");
        assert_eq!(render(west), "2026-03-01T08:00:00.500-06:00");
        assert_eq!(raw(micros), "2026-03-01T08:00:00.123456+00:00");
    }

    #[test]
    fn renders_utc_date_times_with_z() {
        let utc = chrono::DateTime::parse_from_rfc3339("2026-03-01T08:00:00+01:00")
            .unwrap()
            .to_utc();

        assert_eq!(raw(utc), "2026-03-01T07:00:00Z");
        assert_eq!(render(utc), "2026-03-01T07:00:00Z");
    }

    #[test]
    fn renders_durations_with_their_prefix() {
        let duration: crate::Duration = "PT30.7S".parse().unwrap();

        assert_eq!(raw(duration), "duration'PT30.7S'");
        assert_eq!(render(duration), "duration'PT30.7S'");
    }

    #[test]
    fn renders_uuids_lowercase_hyphenated() {
        let id = uuid::Uuid::parse_str("A1B2C3D4-E5F6-4789-8ABC-DEF012345678").unwrap();

        assert_eq!(raw(id), "a1b2c3d4-e5f6-4789-8abc-def012345678");
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
    fn reads_back_a_tricky_literal() {
        let value = "it's a/b?c#d (1),x=2&y+z %41 ''";

        assert_eq!(read_back(&render(value)), value);
    }

    /// Strings made mostly of the characters that matter in URLs and OData literals, including
    /// control characters, which `any::<String>()` rarely or never produces.
    fn tricky_string() -> impl Strategy<Value = String> {
        let special = prop::sample::select(vec![
            '\'', '/', '?', '#', '(', ')', ',', '=', '&', ' ', '+', '%', ':', ';', '@', '$', '!',
            '*', '[', ']', '\\', '"', '\n', '\0', '\u{7f}', 'é', '€', '😀', 'a', '0', '-',
        ]);
        prop::collection::vec(prop_oneof![3 => special, 1 => any::<char>()], 0..24)
            .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        /// Any string survives the path encoding and the server's reading of the literal, and
        /// its encoded form holds nothing that could end the segment or start a query.
        #[test]
        fn any_string_round_trips_and_stays_in_its_segment(
            value in prop_oneof![any::<String>(), tricky_string()],
        ) {
            let encoded = render(value.as_str());

            prop_assert_eq!(read_back(&encoded), value);
            for forbidden in ['/', '?', '#', '(', ')', ',', '=', '&', ' '] {
                prop_assert!(!encoded.contains(forbidden), "{:?} has {:?}", encoded, forbidden);
            }
            prop_assert!(encoded.is_ascii());
        }

        /// The raw literal always reads back, since every quote inside is doubled.
        #[test]
        fn any_raw_string_literal_reads_back(
            value in prop_oneof![any::<String>(), tricky_string()],
        ) {
            let literal = raw(value.as_str());
            let inner = &literal[1..literal.len() - 1];

            prop_assert_eq!(inner.replace("''", "'"), value);
            prop_assert_eq!(inner.matches('\'').count() % 2, 0);
        }
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

    #[test]
    fn page_size_is_not_sent() {
        let query = ListQuery::default().page_size(2).top(5).skip(1);

        assert_eq!(
            pairs(&query),
            [("$top", "5".to_owned()), ("$skip", "1".to_owned())]
        );
        assert_eq!(
            query.paging(),
            Paging {
                top: Some(5),
                skip: Some(1),
                page_size: Some(2)
            }
        );
        assert_eq!(
            PageQuery::default().page_size(3).paging(),
            Paging {
                top: None,
                skip: None,
                page_size: Some(3)
            }
        );
    }

    #[test]
    fn filter_accepts_a_filter_value() {
        let query = ListQuery::default().filter(crate::Filter::eq("Number", "0101"));

        assert_eq!(pairs(&query), [("$filter", "Number eq '0101'".to_owned())]);
    }
}
