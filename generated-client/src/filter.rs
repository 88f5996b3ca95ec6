//! A typed builder for OData `$filter` expressions.
//!
//! Values go through the same [`ODataLiteral`] encoder as path keys, so a string can never
//! break out of its quotes, and combined expressions get the parentheses their precedence
//! needs.

use std::fmt;
use std::ops;

use crate::odata::ODataLiteral;

/// An OData `$filter` expression, like `Number eq '0101' and not startswith(FirstName,'A')`.
///
/// Build it from comparisons and functions, combine it with [`and`](Filter::and),
/// [`or`](Filter::or) and [`not`](Filter::not) (or `&`, `|` and `!`), and pass it to
/// [`ListQuery::filter`](crate::ListQuery::filter). `Display` writes the plain expression; the
/// URL builder percent-encodes it.
///
/// ```
/// use xapi_client::Filter;
///
/// let filter = Filter::eq("Number", "0101")
///     .or(Filter::startswith("FirstName", "O'N"))
///     .and(Filter::gt("Id", 5));
/// assert_eq!(
///     filter.to_string(),
///     "(Number eq '0101' or startswith(FirstName,'O''N')) and Id gt 5"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "a filter does nothing until passed to a query"]
pub struct Filter {
    text: String,
    kind: Kind,
}

/// What an expression is at its top level, which decides where it needs parentheses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A function call, a boolean literal or a parenthesized group: never needs parentheses.
    Primary,
    /// `not x`.
    Not,
    /// A comparison like `A eq 1` or `A in (1,2)`.
    Comparison,
    /// `a and b`.
    And,
    /// `a or b`.
    Or,
    /// Text from [`Filter::raw`], whose shape is unknown.
    Raw,
}

/// Writes one comparison constructor per OData comparison operator.
macro_rules! comparisons {
    ($($name:ident => $doc:literal),* $(,)?) => {
        $(
            #[doc = $doc]
            pub fn $name(property: &str, value: impl ODataLiteral) -> Filter {
                Filter::compare(property, stringify!($name), &value)
            }
        )*
    };
}

/// Writes one constructor per OData string function that takes a property and a value.
macro_rules! string_functions {
    ($($name:ident => $doc:literal),* $(,)?) => {
        $(
            #[doc = $doc]
            pub fn $name(property: &str, value: impl ODataLiteral) -> Filter {
                Filter::call(stringify!($name), property, &value)
            }
        )*
    };
}

impl Filter {
    comparisons! {
        eq => "`property eq value`: equal, like `Number eq '0101'`.",
        ne => "`property ne value`: not equal.",
        gt => "`property gt value`: greater than.",
        ge => "`property ge value`: greater than or equal.",
        lt => "`property lt value`: less than.",
        le => "`property le value`: less than or equal.",
    }

    string_functions! {
        contains => "`contains(property,value)`: the property contains the value.",
        startswith => "`startswith(property,value)`: the property starts with the value.",
        endswith => "`endswith(property,value)`: the property ends with the value.",
    }

    /// `property in (a,b,c)`: the property equals one of `values`.
    ///
    /// An empty list matches nothing and is written as `false`, since `in ()` is not valid
    /// OData.
    pub fn in_<V: ODataLiteral>(property: &str, values: impl IntoIterator<Item = V>) -> Filter {
        let mut list = String::new();
        for value in values {
            if !list.is_empty() {
                list.push(',');
            }
            value.write_raw(&mut list);
        }
        Filter::in_list(property, &list)
    }

    /// Uses `text` as it is, for expressions the builder cannot make.
    ///
    /// The text is not checked or escaped. Combined with other filters it is always put in
    /// parentheses, so its own operators cannot mix with theirs.
    pub fn raw(text: impl Into<String>) -> Filter {
        Filter {
            text: text.into(),
            kind: Kind::Raw,
        }
    }

    /// `self and other`: both must hold.
    pub fn and(self, other: Filter) -> Filter {
        Filter::join(self, "and", other, Kind::And)
    }

    /// `self or other`: either must hold.
    pub fn or(self, other: Filter) -> Filter {
        Filter::join(self, "or", other, Kind::Or)
    }

    /// `not self`: the filter must not hold; `!filter` does the same.
    ///
    /// ```
    /// use xapi_client::Filter;
    ///
    /// assert_eq!(Filter::not(Filter::eq("Id", 1)).to_string(), "not (Id eq 1)");
    /// assert_eq!((!Filter::contains("Name", "x")).to_string(), "not contains(Name,'x')");
    /// ```
    #[expect(
        clippy::should_implement_trait,
        reason = "`ops::Not` is implemented too; this one needs no import and reads as `Filter::not(x)`"
    )]
    pub fn not(self) -> Filter {
        // NB: `not` binds tighter than `eq` in OData, so `not A eq 1` would mean `(not A) eq 1`.
        let needs_group = !matches!(self.kind, Kind::Primary | Kind::Not);
        let mut text = String::with_capacity(self.text.len() + 6);
        text.push_str("not ");
        push_operand(&mut text, &self.text, needs_group);
        Filter {
            text,
            kind: Kind::Not,
        }
    }

    /// The expression text, as [`Display`](fmt::Display) writes it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Builds `property op value`.
    fn compare(property: &str, operator: &str, value: &dyn ODataLiteral) -> Filter {
        let mut text = format!("{property} {operator} ");
        value.write_raw(&mut text);
        Filter {
            text,
            kind: Kind::Comparison,
        }
    }

    /// Builds `function(property,value)`.
    fn call(function: &str, property: &str, value: &dyn ODataLiteral) -> Filter {
        let mut text = format!("{function}({property},");
        value.write_raw(&mut text);
        text.push(')');
        Filter {
            text,
            kind: Kind::Primary,
        }
    }

    /// Builds `property in (list)` from an already rendered, comma-separated list.
    fn in_list(property: &str, list: &str) -> Filter {
        if list.is_empty() {
            return Filter {
                text: "false".to_owned(),
                kind: Kind::Primary,
            };
        }
        Filter {
            text: format!("{property} in ({list})"),
            kind: Kind::Comparison,
        }
    }

    /// Joins two filters with `and` or `or`, grouping the operands that bind more loosely.
    fn join(left: Filter, operator: &str, right: Filter, kind: Kind) -> Filter {
        // An operand needs parentheses when it binds more loosely than the operator: `or`
        // inside `and`, and raw text anywhere. The same operator on the left associates as is.
        let needs_group = |operand: Kind| match operand {
            Kind::Raw => true,
            Kind::Or => kind == Kind::And,
            Kind::Primary | Kind::Not | Kind::Comparison | Kind::And => false,
        };

        let mut text = String::with_capacity(left.text.len() + right.text.len() + 9);
        push_operand(&mut text, &left.text, needs_group(left.kind));
        text.push(' ');
        text.push_str(operator);
        text.push(' ');
        push_operand(&mut text, &right.text, needs_group(right.kind));
        Filter { text, kind }
    }
}

/// Appends an operand, in parentheses when `group` is set.
fn push_operand(out: &mut String, operand: &str, group: bool) {
    if group {
        out.push('(');
        out.push_str(operand);
        out.push(')');
    } else {
        out.push_str(operand);
    }
}

impl fmt::Display for Filter {
    /// Writes the plain expression, like `Number eq '0101'`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<Filter> for String {
    fn from(filter: Filter) -> Self {
        filter.text
    }
}

impl ops::BitAnd for Filter {
    type Output = Filter;

    /// Same as [`Filter::and`].
    fn bitand(self, other: Filter) -> Filter {
        self.and(other)
    }
}

impl ops::BitOr for Filter {
    type Output = Filter;

    /// Same as [`Filter::or`].
    fn bitor(self, other: Filter) -> Filter {
        self.or(other)
    }
}

impl ops::Not for Filter {
    type Output = Filter;

    /// Same as [`Filter::not`].
    fn not(self) -> Filter {
        Filter::not(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date_time(text: &str) -> chrono::DateTime<chrono::FixedOffset> {
        chrono::DateTime::parse_from_rfc3339(text).unwrap()
    }

    #[test]
    fn renders_comparisons() {
        assert_eq!(Filter::eq("Number", "0101").to_string(), "Number eq '0101'");
        assert_eq!(Filter::ne("Id", 5).to_string(), "Id ne 5");
        assert_eq!(Filter::gt("Id", -1_i64).to_string(), "Id gt -1");
        assert_eq!(Filter::ge("Enabled", true).to_string(), "Enabled ge true");
        assert_eq!(
            Filter::lt("Name", "O'Neil").to_string(),
            "Name lt 'O''Neil'"
        );
        assert_eq!(
            Filter::le("Start", date_time("2026-03-01T08:00:00+01:00")).to_string(),
            "Start le 2026-03-01T08:00:00+01:00"
        );
        let name = String::from("a b");
        assert_eq!(Filter::eq("Name", &name).to_string(), "Name eq 'a b'");
    }

    #[test]
    fn renders_string_functions() {
        assert_eq!(
            Filter::contains("Name", "a'b").to_string(),
            "contains(Name,'a''b')"
        );
        assert_eq!(
            Filter::startswith("Number", "01").to_string(),
            "startswith(Number,'01')"
        );
        assert_eq!(
            Filter::endswith("Email", "@example.net").to_string(),
            "endswith(Email,'@example.net')"
        );
    }

    #[test]
    fn renders_in_lists() {
        assert_eq!(Filter::in_("Id", [1, 2, 3]).to_string(), "Id in (1,2,3)");
        assert_eq!(
            Filter::in_("Number", ["0101", "it's"]).to_string(),
            "Number in ('0101','it''s')"
        );
        assert_eq!(Filter::in_("Id", Vec::<i32>::new()).to_string(), "false");
    }

    #[test]
    fn groups_or_inside_and() {
        let filter = Filter::eq("A", 1)
            .or(Filter::eq("B", 2))
            .and(Filter::eq("C", 3));

        assert_eq!(filter.to_string(), "(A eq 1 or B eq 2) and C eq 3");

        let right = Filter::eq("C", 3).and(Filter::eq("A", 1).or(Filter::eq("B", 2)));
        assert_eq!(right.to_string(), "C eq 3 and (A eq 1 or B eq 2)");
    }

    #[test]
    fn leaves_and_inside_or_ungrouped() {
        let filter = Filter::eq("A", 1)
            .and(Filter::eq("B", 2))
            .or(Filter::eq("C", 3).and(Filter::eq("D", 4)));

        assert_eq!(filter.to_string(), "A eq 1 and B eq 2 or C eq 3 and D eq 4");
    }

    #[test]
    fn chains_the_same_operator_flat() {
        let filter = Filter::eq("A", 1)
            .and(Filter::eq("B", 2))
            .and(Filter::eq("C", 3));

        assert_eq!(filter.to_string(), "A eq 1 and B eq 2 and C eq 3");
    }

    #[test]
    fn groups_everything_but_calls_under_not() {
        assert_eq!(Filter::not(Filter::eq("A", 1)).to_string(), "not (A eq 1)");
        assert_eq!(
            Filter::not(Filter::eq("A", 1).or(Filter::eq("B", 2))).to_string(),
            "not (A eq 1 or B eq 2)"
        );
        assert_eq!(
            Filter::not(Filter::in_("Id", [1, 2])).to_string(),
            "not (Id in (1,2))"
        );
        assert_eq!(
            Filter::not(Filter::startswith("Name", "x")).to_string(),
            "not startswith(Name,'x')"
        );
        assert_eq!(
            Filter::not(Filter::not(Filter::contains("Name", "x"))).to_string(),
            "not not contains(Name,'x')"
        );
        assert_eq!(
            Filter::not(Filter::contains("Name", "x"))
                .and(Filter::eq("Id", 1))
                .to_string(),
            "not contains(Name,'x') and Id eq 1"
        );
    }

    #[test]
    fn always_groups_raw_text_when_combined() {
        let raw = Filter::raw("A eq 1 or B eq 2");

        assert_eq!(raw.to_string(), "A eq 1 or B eq 2");
        assert_eq!(
            raw.clone().or(Filter::eq("C", 3)).to_string(),
            "(A eq 1 or B eq 2) or C eq 3"
        );
        assert_eq!(Filter::not(raw).to_string(), "not (A eq 1 or B eq 2)");
    }

    #[test]
    fn operators_match_the_methods() {
        let a = || Filter::eq("A", 1);
        let b = || Filter::eq("B", 2);

        assert_eq!(a() & b(), a().and(b()));
        assert_eq!(a() | b(), a().or(b()));
        assert_eq!(!a(), Filter::not(a()));
        assert_eq!(
            ((a() | b()) & !a()).to_string(),
            "(A eq 1 or B eq 2) and not (A eq 1)"
        );
    }

    #[test]
    fn converts_into_a_string() {
        let text: String = Filter::eq("Id", 7).into();

        assert_eq!(text, "Id eq 7");
        assert_eq!(Filter::eq("Id", 7).as_str(), "Id eq 7");
    }
}
