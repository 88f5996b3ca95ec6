//! Scalar types by `type` and `format`, shared by typed and untyped schemas.

use openapiv3::{IntegerFormat, NumberFormat, StringFormat, VariantOrUnknownOrEmpty};

use crate::model::TypeRef;

/// An untyped schema's format as the typed schemas carry it; the lowering functions below
/// recognise formats by their text, so `Unknown` serves every kind.
pub(super) fn format_of<T>(format: &Option<String>) -> VariantOrUnknownOrEmpty<T> {
    match format.as_deref() {
        None => VariantOrUnknownOrEmpty::Empty,
        Some(other) => VariantOrUnknownOrEmpty::Unknown(other.to_string()),
    }
}

/// `type: string` by format. Formats the runtime has no type for stay `String`.
pub(super) fn lower_string_format(format: &VariantOrUnknownOrEmpty<StringFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
        VariantOrUnknownOrEmpty::Unknown(format) => match format.as_str() {
            "date-time" => TypeRef::DateTime,
            "date" => TypeRef::Date,
            "time" => TypeRef::Time,
            "duration" => TypeRef::Duration,
            "uuid" => TypeRef::Uuid,
            _ => TypeRef::String,
        },
        _ => TypeRef::String,
    }
}

/// `type: integer` by format. `decimal` (Edm.Decimal) may carry a fraction on the wire.
pub(super) fn lower_integer_format(format: &VariantOrUnknownOrEmpty<IntegerFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => TypeRef::I64,
        VariantOrUnknownOrEmpty::Unknown(format) => lower_other_numeric(format, TypeRef::I64),
        VariantOrUnknownOrEmpty::Empty => TypeRef::I64,
    }
}

/// `type: number` by format. Older specs write integers as `number` with an integer format.
pub(super) fn lower_number_format(format: &VariantOrUnknownOrEmpty<NumberFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
        VariantOrUnknownOrEmpty::Item(NumberFormat::Double) => TypeRef::F64,
        VariantOrUnknownOrEmpty::Unknown(format) => lower_other_numeric(format, TypeRef::F64),
        VariantOrUnknownOrEmpty::Empty => TypeRef::F64,
    }
}

fn lower_other_numeric(format: &str, fallback: TypeRef) -> TypeRef {
    match format {
        "int32" => TypeRef::I32,
        "int64" => TypeRef::I64,
        "uint8" => TypeRef::U8,
        "float" => TypeRef::F32,
        "double" | "decimal" => TypeRef::F64,
        _ => fallback,
    }
}
