//! Slice expressions of `evaluation.slices`: SQL expressions over the data's columns, parsed
//! (never run as statements) or refused with a message.
#![no_main]

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let schema = Arc::new(Schema::new(vec![
            Field::new("age", DataType::Int64, true),
            Field::new("sex", DataType::Utf8, true),
            Field::new("score", DataType::Float64, true),
        ]));
        let _ = assay_checks::evaluation::slices::SliceExpr::parse(text, &schema);
    }
});
