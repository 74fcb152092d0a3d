//! OpenAPI schemas of the parsed newtypes. They travel as plain strings (or numbers), so their
//! schema is written here once, with what the parser accepts and an example; every other type
//! derives `utoipa::ToSchema` next to its `serde` derives, so the contract follows the code.

use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{RefOr, Schema};

/// A string schema with a description, an example and, where one applies, a format.
pub(crate) fn string(
    description: &str,
    example: &str,
    format: Option<KnownFormat>,
    max_length: Option<usize>,
    pattern: Option<&str>,
) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::String))
        .description(Some(description))
        .format(format.map(SchemaFormat::KnownFormat))
        .min_length(Some(1))
        .max_length(max_length)
        .pattern(pattern)
        .examples([serde_json::Value::from(example)])
        .into()
}

/// A date or date-time schema whose year the pattern bounds.
pub(crate) fn calendar(
    description: &str,
    example: &str,
    format: KnownFormat,
    year_pattern: &str,
) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::String))
        .description(Some(description))
        .format(Some(SchemaFormat::KnownFormat(format)))
        .pattern(Some(year_pattern))
        .examples([serde_json::Value::from(example)])
        .into()
}

/// An integer schema with inclusive bounds.
pub(crate) fn integer(description: &str, min: u64, max: u64, example: u64) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::Integer))
        .description(Some(description))
        .minimum(Some(min as f64))
        .maximum(Some(max as f64))
        .examples([serde_json::Value::from(example)])
        .into()
}

/// `impl ToSchema` for a type that travels as a string: its name in the document is the type's.
macro_rules! string_schema {
    ($type:ty, $description:expr, $example:expr) => {
        $crate::schema::string_schema!($type, $description, $example, None, None);
    };
    ($type:ty, $description:expr, $example:expr, $format:expr, $max:expr) => {
        $crate::schema::string_schema!($type, $description, $example, $format, $max, None);
    };
    ($type:ty, $description:expr, $example:expr, $format:expr, $max:expr, $pattern:expr) => {
        impl utoipa::PartialSchema for $type {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
                $crate::schema::string($description, $example, $format, $max, $pattern)
            }
        }
        impl utoipa::ToSchema for $type {}
    };
}

/// `impl ToSchema` for a type that travels as a bounded integer.
macro_rules! integer_schema {
    ($type:ty, $description:expr, $min:expr, $max:expr, $example:expr) => {
        impl utoipa::PartialSchema for $type {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
                $crate::schema::integer($description, $min, $max, $example)
            }
        }
        impl utoipa::ToSchema for $type {}
    };
}

pub(crate) use {integer_schema, string_schema};

/// A day of the week as `chrono` writes it (and reads it, with full names and in any case too).
#[derive(utoipa::ToSchema)]
#[schema(as = Weekday)]
#[allow(dead_code)] // only its schema is used
pub enum WeekdayName {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// A string schema that takes one of `values`.
pub(crate) fn string_enum<'a>(
    description: &str,
    values: impl IntoIterator<Item = &'a str>,
) -> RefOr<Schema> {
    let mut values: Vec<&str> = values.into_iter().collect();
    values.sort_unstable();
    values.dedup();
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::String))
        .description(Some(description))
        .enum_values(Some(values))
        .into()
}
