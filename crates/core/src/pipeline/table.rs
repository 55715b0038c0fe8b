//! Tables declared once: a row type's fields give its Parquet schema, CSV header, writer and reader.
//!
//! `table!` turns one declaration into the row struct (serde order = CSV/JSON order), an
//! implementation of [`Table`] (schema, columns, CSV header) and a reader struct with one typed
//! Arrow array per column, looked up by the declared name. The Rust type of a field decides
//! the column's Arrow type and nullability ([`Cell`]):
//!
//! | field type | column |
//! |---|---|
//! | `String` / `Option<String>` | Utf8, not null / nullable |
//! | `i64` / `Option<i64>` | Int64, not null / nullable |
//! | `bool` | Boolean, not null |
//! | [`Micros`] / `Option<Micros>` | Timestamp(µs, UTC), not null / nullable |
//!
//! A declaration has up to three groups (every field ends with a comma): `@path` columns (Hive partitions such as `dt`: in the
//! file's path, in CSV and JSON, not in the Parquet file), the file's columns, and `@optional`
//! columns written only on request (and read as `Option`, so files without them still read).

use super::PipelineError;
use super::parquet_io::{column, schema};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray, TimestampMicrosecondArray,
};
use arrow_schema::{DataType, Field, SchemaRef, TimeUnit};
use std::sync::Arc;

/// A timestamp in microseconds since the epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Micros(pub i64);

/// A Rust value that is one cell of a column: its Arrow type and how a column is built.
pub trait Cell: Sized {
    /// The Arrow array the reader hands out.
    type Array: Array + 'static;
    /// The schema field of a column of this type.
    fn field(name: &str) -> Field;
    /// A column of these values.
    fn array<'a>(values: impl Iterator<Item = &'a Self>) -> ArrayRef
    where
        Self: 'a;
}

fn micros_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

impl Cell for String {
    type Array = StringArray;
    fn field(name: &str) -> Field {
        Field::new(name, DataType::Utf8, false)
    }
    fn array<'a>(values: impl Iterator<Item = &'a Self>) -> ArrayRef {
        Arc::new(StringArray::from_iter_values(values))
    }
}

impl Cell for Option<String> {
    type Array = StringArray;
    fn field(name: &str) -> Field {
        Field::new(name, DataType::Utf8, true)
    }
    fn array<'a>(values: impl Iterator<Item = &'a Self>) -> ArrayRef {
        Arc::new(values.map(Option::as_deref).collect::<StringArray>())
    }
}

impl Cell for i64 {
    type Array = Int64Array;
    fn field(name: &str) -> Field {
        Field::new(name, DataType::Int64, false)
    }
    fn array<'a>(values: impl Iterator<Item = &'a Self>) -> ArrayRef {
        Arc::new(Int64Array::from_iter_values(values.copied()))
    }
}

impl Cell for Option<i64> {
    type Array = Int64Array;
    fn field(name: &str) -> Field {
        Field::new(name, DataType::Int64, true)
    }
    fn array<'a>(values: impl Iterator<Item = &'a Self>) -> ArrayRef {
        Arc::new(values.copied().collect::<Int64Array>())
    }
}

impl Cell for bool {
    type Array = BooleanArray;
    fn field(name: &str) -> Field {
        Field::new(name, DataType::Boolean, false)
    }
    fn array<'a>(values: impl Iterator<Item = &'a Self>) -> ArrayRef {
        Arc::new(values.map(|v| Some(*v)).collect::<BooleanArray>())
    }
}

impl Cell for Micros {
    type Array = TimestampMicrosecondArray;
    fn field(name: &str) -> Field {
        Field::new(name, micros_type(), false)
    }
    fn array<'a>(values: impl Iterator<Item = &'a Self>) -> ArrayRef {
        Arc::new(
            TimestampMicrosecondArray::from_iter_values(values.map(|m| m.0)).with_timezone("UTC"),
        )
    }
}

impl Cell for Option<Micros> {
    type Array = TimestampMicrosecondArray;
    fn field(name: &str) -> Field {
        Field::new(name, micros_type(), true)
    }
    fn array<'a>(values: impl Iterator<Item = &'a Self>) -> ArrayRef {
        Arc::new(
            values
                .map(|m| m.map(|m| m.0))
                .collect::<TimestampMicrosecondArray>()
                .with_timezone("UTC"),
        )
    }
}

/// What every declared table offers (implemented by `table!`).
pub trait Table: serde::Serialize + Sized {
    /// The table's name: its directory (rollups) or file name stem (extract).
    const NAME: &'static str;
    /// Path columns, then file columns, then optional columns: the CSV header and JSON order.
    const COLUMNS: &'static [&'static str];
    /// The Parquet schema, with the optional columns when `optional`.
    fn schema(optional: bool) -> SchemaRef;
    /// The Parquet columns of `rows`, in schema order.
    fn columns(rows: &[Self], optional: bool) -> Vec<ArrayRef>;
}

/// A typed column, or a clear error naming the file (for the generated readers).
pub fn read_column<'a, C: Cell>(
    batch: &'a RecordBatch,
    name: &str,
    what: &str,
) -> Result<&'a C::Array, PipelineError> {
    column::<C::Array>(batch, name, what)
}

/// A typed optional column: None when the file has no such column.
pub fn read_optional<'a, C: Cell>(batch: &'a RecordBatch, name: &str) -> Option<&'a C::Array> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<C::Array>())
}

/// A schema of fields (for the generated code).
pub fn fields(f: Vec<Field>) -> SchemaRef {
    schema(f)
}

/// Declares a table once; see the [module documentation](self).
macro_rules! table {
    (
        $(#[$meta:meta])*
        $vis:vis struct $row:ident as $name:literal, read with $reader:ident {
            $( @path { $( $(#[$pmeta:meta])* $pfield:ident ),* $(,)? } )?
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty , )*
            $( @optional { $( $(#[$ometa:meta])* $ofield:ident : $oty:ty , )* } )?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        $vis struct $row {
            $( $( $(#[$pmeta])* pub $pfield: String, )* )?
            $( $(#[$fmeta])* pub $field: $ty, )*
            $( $( $(#[$ometa])* pub $ofield: $oty, )* )?
        }

        impl $crate::pipeline::table::Table for $row {
            const NAME: &'static str = $name;
            const COLUMNS: &'static [&'static str] = &[
                $( $( stringify!($pfield), )* )?
                $( stringify!($field), )*
                $( $( stringify!($ofield), )* )?
            ];
            #[allow(unused_mut, unused_variables)]
            fn schema(optional: bool) -> arrow_schema::SchemaRef {
                use $crate::pipeline::table::Cell as _;
                let mut f = vec![ $( <$ty>::field(stringify!($field)), )* ];
                if optional {
                    $( $( f.push(<$oty>::field(stringify!($ofield))); )* )?
                }
                $crate::pipeline::table::fields(f)
            }
            #[allow(unused_mut, unused_variables)]
            fn columns(rows: &[Self], optional: bool) -> Vec<arrow_array::ArrayRef> {
                use $crate::pipeline::table::Cell as _;
                let mut c = vec![ $( <$ty>::array(rows.iter().map(|r| &r.$field)), )* ];
                if optional {
                    $( $( c.push(<$oty>::array(rows.iter().map(|r| &r.$ofield))); )* )?
                }
                c
            }
        }

        #[doc = concat!("The typed columns of one batch of a `", $name, "` file, by declared name.")]
        $vis struct $reader<'a> {
            $( pub $field: &'a <$ty as $crate::pipeline::table::Cell>::Array, )*
            $( $( pub $ofield: Option<&'a <$oty as $crate::pipeline::table::Cell>::Array>, )* )?
        }

        impl<'a> $reader<'a> {
            /// The columns of `batch`; an error naming `what` when one is missing or mistyped.
            pub fn read(
                batch: &'a arrow_array::RecordBatch,
                what: &str,
            ) -> Result<Self, $crate::pipeline::PipelineError> {
                Ok(Self {
                    $( $field: $crate::pipeline::table::read_column::<$ty>(
                        batch, stringify!($field), what)?, )*
                    $( $( $ofield: $crate::pipeline::table::read_optional::<$oty>(
                        batch, stringify!($ofield)), )* )?
                })
            }
        }
    };
}

pub(crate) use table;
