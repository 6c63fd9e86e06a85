//! Reading posted rows (JSON Lines, CSV, Arrow IPC) into Arrow batches with a monitor's schema,
//! and cutting them into windows.

use std::io::Cursor;
use std::sync::Arc;

use arrow::array::{new_null_array, Array, ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow::compute::{cast_with_options, CastOptions};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use arrow::util::display::FormatOptions;
use assay_engine::CsvSettings;

/// A body format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// One JSON object per line.
    JsonLines,
    /// CSV with a header row.
    Csv,
    /// Arrow IPC stream (or file) format.
    ArrowIpc,
}

impl BodyFormat {
    /// The media types rows and labels are read in (`Content-Type`, without parameters).
    pub const MEDIA_TYPES: [(&'static str, BodyFormat); 7] = [
        ("application/x-ndjson", BodyFormat::JsonLines),
        ("application/jsonl", BodyFormat::JsonLines),
        ("application/json-lines", BodyFormat::JsonLines),
        ("application/json", BodyFormat::JsonLines),
        ("text/csv", BodyFormat::Csv),
        ("application/vnd.apache.arrow.stream", BodyFormat::ArrowIpc),
        ("application/vnd.apache.arrow.file", BodyFormat::ArrowIpc),
    ];

    /// From a `Content-Type` header value.
    pub fn from_content_type(value: &str) -> Option<BodyFormat> {
        let essence = value
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        Self::MEDIA_TYPES
            .iter()
            .find(|(media_type, _)| *media_type == essence)
            .map(|(_, format)| *format)
    }

    /// Its name in metrics.
    pub fn as_str(&self) -> &'static str {
        match self {
            BodyFormat::JsonLines => "jsonl",
            BodyFormat::Csv => "csv",
            BodyFormat::ArrowIpc => "arrow",
        }
    }
}

/// Rows decoded from one request, in the monitor's schema.
pub type Decoded = Vec<RecordBatch>;

/// Decodes a body into batches of `schema` (every column present, in order; missing columns
/// are null). Unknown columns and values that do not fit their column's type are errors that
/// name the column (and the line, for text formats).
pub fn decode(body: &[u8], format: BodyFormat, schema: &SchemaRef) -> Result<Decoded, String> {
    decode_with(body, format, schema, &CsvSettings::default())
}

/// [`decode`], with the suite's CSV settings: delimiter, quote, escape and the values read as
/// null (exact match, e.g. `?`, `NA`).
pub fn decode_with(
    body: &[u8],
    format: BodyFormat,
    schema: &SchemaRef,
    csv: &CsvSettings,
) -> Result<Decoded, String> {
    if body.is_empty() {
        return Err("the body is empty (expected rows)".into());
    }
    match format {
        BodyFormat::JsonLines => decode_json(body, schema),
        BodyFormat::Csv => decode_csv(body, schema, csv),
        BodyFormat::ArrowIpc => decode_ipc(body, schema),
    }
}

/// Deepest nesting of arrays and objects in a JSON text (strings skipped). Rows are flat
/// objects: a deep body is refused before a recursive decoder sees it.
pub fn json_depth(body: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in body {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Nesting allowed in a JSON Lines body (a row object holding a list or object value).
pub const MAX_JSON_DEPTH: usize = 16;

/// Longest text value accepted in a row (bytes).
pub const MAX_VALUE_BYTES: usize = 64 * 1024;

fn decode_json(body: &[u8], schema: &SchemaRef) -> Result<Decoded, String> {
    let depth = json_depth(body);
    if depth > MAX_JSON_DEPTH {
        return Err(format!(
            "values nested {depth} levels deep (rows are flat JSON objects; at most {MAX_JSON_DEPTH} levels)"
        ));
    }
    // Integers are read as text and parsed strictly, so 3.7 is an error in an integer column
    // rather than silently 3.
    let text_ints = Arc::new(Schema::new(
        schema
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::Int64 => Field::new(f.name(), DataType::Utf8, true),
                _ => f.as_ref().clone(),
            })
            .collect::<Vec<_>>(),
    ));
    let run = |bytes: &[u8]| -> Result<Decoded, String> {
        let reader = arrow::json::ReaderBuilder::new(text_ints.clone())
            .with_batch_size(65_536)
            .with_strict_mode(true)
            .with_coerce_primitive(true)
            .build(Cursor::new(bytes))
            .map_err(|e| e.to_string())?;
        let batches: Vec<RecordBatch> = reader
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        batches
            .iter()
            .map(|b| strict_integers(b, schema).and_then(|b| conform(&b, schema)))
            .collect()
    };
    run(body).map_err(|message| {
        // Error path only: find the first line that fails on its own.
        let text = String::from_utf8_lossy(body);
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            if let Err(e) = run(line.as_bytes()) {
                return explain_json_error(line.as_bytes(), schema, &e)
                    .replacen("line 1:", &format!("line {}:", i + 1), 1)
                    .replacen("JSON Lines:", &format!("line {}:", i + 1), 1);
            }
        }
        explain_json_error(body, schema, &message)
    })
}

/// Integer columns read as text become integers: `3`, `"3"` and `3.0` are 3; `3.7` is an error.
fn strict_integers(batch: &RecordBatch, schema: &SchemaRef) -> Result<RecordBatch, String> {
    let mut columns = batch.columns().to_vec();
    for (i, field) in batch.schema().fields().iter().enumerate() {
        let wants_int = schema
            .field_with_name(field.name())
            .map(|f| f.data_type() == &DataType::Int64)
            .unwrap_or(false);
        let Some(text) = columns[i].as_any().downcast_ref::<StringArray>() else {
            continue;
        };
        if !wants_int {
            continue;
        }
        let mut values: Vec<Option<i64>> = Vec::with_capacity(text.len());
        for row in 0..text.len() {
            if text.is_null(row) {
                values.push(None);
                continue;
            }
            let v = text.value(row).trim();
            let parsed = v.parse::<i64>().ok().or_else(|| {
                v.parse::<f64>()
                    .ok()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15)
                    .map(|f| f as i64)
            });
            match parsed {
                Some(n) => values.push(Some(n)),
                None => {
                    return Err(format!(
                        "column `{}`: `{v}` is not an integer (the monitor reads it as Int64)",
                        field.name()
                    ))
                }
            }
        }
        columns[i] = Arc::new(Int64Array::from(values));
    }
    let fields: Vec<Field> = batch
        .schema()
        .fields()
        .iter()
        .zip(&columns)
        .map(|(f, c)| Field::new(f.name(), c.data_type().clone(), true))
        .collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).map_err(|e| e.to_string())
}

/// Finds the first offending line of a JSON Lines body (only on the error path).
fn explain_json_error(body: &[u8], schema: &Schema, arrow_message: &str) -> String {
    let text = String::from_utf8_lossy(body);
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => return format!("line {}: not JSON ({e})", i + 1),
        };
        let Some(object) = value.as_object() else {
            return format!("line {}: expected a JSON object per line", i + 1);
        };
        for key in object.keys() {
            if schema.field_with_name(key).is_err() {
                return format!(
                    "line {}: unknown column `{key}` (the monitor's columns: {})",
                    i + 1,
                    column_names(schema)
                );
            }
        }
    }
    format!("JSON Lines: {arrow_message}")
}

fn column_names(schema: &Schema) -> String {
    schema
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The column names of a CSV body's header line, read by the same CSV parser (quoting,
/// escapes, delimiter) as the rows.
fn csv_header(
    body: &[u8],
    delimiter: u8,
    quote: u8,
    escape: Option<u8>,
) -> Result<Vec<String>, String> {
    let record = match assay_engine::format::csv_header_fields(body, delimiter, quote, escape) {
        Ok(Some(fields)) => fields,
        Ok(None) => return Err("line 1: the body has no header line".into()),
        Err(e) => return Err(format!("line 1: the header line is not valid CSV ({e})")),
    };
    record
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            std::str::from_utf8(raw).map(str::to_string).map_err(|_| {
                format!(
                    "line 1, field {}: the column name is not valid UTF-8",
                    i + 1
                )
            })
        })
        .collect()
}

fn decode_csv(body: &[u8], schema: &SchemaRef, csv: &CsvSettings) -> Result<Decoded, String> {
    let setting = |e: String| format!("the monitor's data.{e}");
    let delimiter = csv.delimiter_byte().map_err(setting)?;
    let quote = csv.quote_byte().map_err(setting)?;
    let escape = csv.escape_byte().map_err(setting)?;
    let mut fields = Vec::new();
    for name in csv_header(body, delimiter, quote, escape)? {
        // Exactly as written, else without surrounding spaces (`a, b`).
        let field = schema
            .field_with_name(&name)
            .or_else(|_| schema.field_with_name(name.trim()))
            .map_err(|_| {
                format!(
                    "line 1: unknown column `{name}` (the monitor's columns: {})",
                    column_names(schema)
                )
            })?;
        if fields.iter().any(|f: &Field| f.name() == field.name()) {
            return Err(format!("line 1: column `{}` appears twice", field.name()));
        }
        fields.push(field.clone());
    }
    let file_schema = Arc::new(Schema::new(fields));
    let mut builder = arrow::csv::ReaderBuilder::new(file_schema)
        .with_header(true)
        .with_delimiter(delimiter)
        .with_quote(quote)
        .with_batch_size(65_536);
    if let Some(e) = escape {
        builder = builder.with_escape(e);
    }
    if let Some(pattern) = csv.null_pattern(true) {
        let re = regex::Regex::new(&pattern).map_err(|e| format!("null values: {e}"))?;
        builder = builder.with_null_regex(re);
    }
    let reader = builder
        .build(Cursor::new(body))
        .map_err(|e| format!("CSV: {e}"))?;
    let mut out = Vec::new();
    for batch in reader {
        // arrow-csv names the line in its parse errors.
        let batch = batch.map_err(|e| format!("CSV: {e}"))?;
        out.push(conform(&batch, schema)?);
    }
    Ok(out)
}

fn decode_ipc(body: &[u8], schema: &SchemaRef) -> Result<Decoded, String> {
    // Lengths the messages declare are checked against the body first: arrow-ipc allocates
    // what a message declares (a 640-byte body declaring 1.9 GB of metadata took 2 GB).
    let kind = if body.starts_with(b"ARROW1") {
        "Arrow IPC file"
    } else {
        "Arrow IPC stream"
    };
    assay_engine::ipc_frames::check_frames(&mut Cursor::new(body), body.len() as u64)
        .map_err(|e| format!("malformed {kind}: {e}"))?;
    // arrow-ipc panics on some malformed messages (a field of type NONE is `unimplemented!`,
    // found by the ingest_arrow fuzz target): a panic while decoding is a malformed body.
    let batches = assay_runtime::fault::isolate(|| read_ipc(body)).map_err(|panic| {
        let reason = panic.trim_start_matches("internal error: ");
        format!("malformed {kind}: the Arrow reader failed on it ({reason})")
    })??;
    // Rows cost at least a bit of body each in every layout but the null type and run-end
    // encoding, which can declare millions of rows in a few bytes that filling in the
    // monitor's other columns would then allocate (the ingest_arrow fuzz target reached
    // 451 MB from small bodies).
    let declared: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let most = body.len().saturating_mul(8);
    if declared > most {
        return Err(format!(
            "malformed {kind}: its batches declare {declared} rows in {} bytes (at most 8 rows a \
             byte: columns of the null type or run-end encoded cannot carry a batch alone)",
            body.len()
        ));
    }
    batches.iter().map(|b| conform(b, schema)).collect()
}

fn read_ipc(body: &[u8]) -> Result<Vec<RecordBatch>, String> {
    Ok(if body.starts_with(b"ARROW1") {
        arrow::ipc::reader::FileReader::try_new(Cursor::new(body), None)
            .map_err(|e| format!("Arrow IPC file: {e}"))?
            .collect::<Result<_, _>>()
            .map_err(|e| format!("Arrow IPC file: {e}"))?
    } else {
        arrow::ipc::reader::StreamReader::try_new(Cursor::new(body), None)
            .map_err(|e| format!("Arrow IPC stream: {e}"))?
            .collect::<Result<_, _>>()
            .map_err(|e| format!("Arrow IPC stream: {e}"))?
    })
}

/// Reorders, casts and completes a batch to `schema`.
pub fn conform(batch: &RecordBatch, schema: &SchemaRef) -> Result<RecordBatch, String> {
    for f in batch.schema().fields() {
        if schema.field_with_name(f.name()).is_err() {
            return Err(format!(
                "unknown column `{}` (the monitor's columns: {})",
                f.name(),
                column_names(schema)
            ));
        }
    }
    let options = CastOptions {
        safe: false,
        format_options: FormatOptions::default(),
    };
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for field in schema.fields() {
        let column = match batch.column_by_name(field.name()) {
            None => new_null_array(field.data_type(), batch.num_rows()),
            Some(c) if c.data_type() == field.data_type() => c.clone(),
            Some(c) => cast_with_options(c, field.data_type(), &options).map_err(|e| {
                format!(
                    "column `{}`: {} values do not fit the monitor's type {} ({e})",
                    field.name(),
                    c.data_type(),
                    field.data_type()
                )
            })?,
        };
        columns.push(column);
    }
    for (field, column) in schema.fields().iter().zip(&columns) {
        if let Some(text) = column.as_any().downcast_ref::<StringArray>() {
            let offsets = text.value_offsets();
            if let Some(i) =
                (0..text.len()).find(|&i| (offsets[i + 1] - offsets[i]) as usize > MAX_VALUE_BYTES)
            {
                return Err(format!(
                    "row {}: column `{}` holds a value of {} bytes (at most {MAX_VALUE_BYTES})",
                    i + 1,
                    field.name(),
                    offsets[i + 1] - offsets[i]
                ));
            }
        }
    }
    RecordBatch::try_new(schema.clone(), columns).map_err(|e| e.to_string())
}

/// Event times in milliseconds of a time column (integers are milliseconds; text is an
/// integer or an RFC 3339 / ISO 8601 time; nulls and unparseable values are errors naming
/// the row).
pub fn event_times(
    batch: &RecordBatch,
    column: &str,
    row_offset: usize,
) -> Result<Vec<i64>, String> {
    let Some(array) = batch.column_by_name(column) else {
        return Err(format!("no time column `{column}`"));
    };
    let bad =
        |i: usize, what: &str| format!("row {}: time column `{column}` {what}", row_offset + i + 1);
    let mut out = Vec::with_capacity(array.len());
    match array.data_type() {
        DataType::Utf8 => {
            let Some(strings) = array.as_any().downcast_ref::<StringArray>() else {
                return Err(format!("time column `{column}`: unreadable text"));
            };
            for i in 0..strings.len() {
                if strings.is_null(i) {
                    return Err(bad(i, "is empty (every row needs an event time)"));
                }
                let s = strings.value(i).trim();
                let ms = parse_event_time(s).ok_or_else(|| {
                    bad(
                        i,
                        &format!("has `{s}`, not milliseconds since the epoch or an RFC 3339 time"),
                    )
                })?;
                out.push(ms);
            }
        }
        DataType::Date32 | DataType::Date64 => {
            // Days (Date32) or milliseconds (Date64) since the epoch: midnight UTC of the date.
            let ms = cast_with_options(array, &DataType::Date64, &CastOptions::default())
                .and_then(|d| cast_with_options(&d, &DataType::Int64, &CastOptions::default()))
                .map_err(|e| format!("time column `{column}`: {e}"))?;
            let Some(ints) = ms.as_any().downcast_ref::<Int64Array>() else {
                return Err(format!("time column `{column}`: unreadable"));
            };
            for i in 0..ints.len() {
                if ints.is_null(i) {
                    return Err(bad(i, "is empty (every row needs an event time)"));
                }
                out.push(ints.value(i));
            }
        }
        DataType::Timestamp(unit, _) => {
            let ms = cast_with_options(array, &DataType::Int64, &CastOptions::default())
                .map_err(|e| e.to_string())?;
            let Some(ints) = ms.as_any().downcast_ref::<Int64Array>() else {
                return Err(format!("time column `{column}`: unreadable"));
            };
            let div = match unit {
                TimeUnit::Second => -1000,
                TimeUnit::Millisecond => 1,
                TimeUnit::Microsecond => 1_000,
                TimeUnit::Nanosecond => 1_000_000,
            };
            for i in 0..ints.len() {
                if ints.is_null(i) {
                    return Err(bad(i, "is empty (every row needs an event time)"));
                }
                let v = ints.value(i);
                out.push(if div < 0 {
                    v.saturating_mul(1000)
                } else {
                    v.div_euclid(div)
                });
            }
        }
        _ => {
            let ints = cast_with_options(array, &DataType::Int64, &CastOptions::default())
                .map_err(|e| format!("time column `{column}`: {e}"))?;
            let Some(ints) = ints.as_any().downcast_ref::<Int64Array>() else {
                return Err(format!("time column `{column}`: unreadable"));
            };
            for i in 0..ints.len() {
                if ints.is_null(i) {
                    return Err(bad(
                        i,
                        "is empty or not an integer (every row needs an event time)",
                    ));
                }
                out.push(ints.value(i));
            }
        }
    }
    if let Some(i) = out.iter().position(|t| !EVENT_TIME_RANGE.contains(t)) {
        return Err(bad(
            i,
            &format!("is {} ms since the epoch, outside years 1 to 9999", out[i]),
        ));
    }
    Ok(out)
}

/// An event time written as integer milliseconds since the epoch or as an RFC 3339 / ISO 8601
/// time (read straight to milliseconds, so every year 1 to 9999 is representable).
pub fn parse_event_time(text: &str) -> Option<i64> {
    let text = text.trim();
    text.parse::<i64>().ok().or_else(|| {
        arrow::compute::kernels::cast_utils::string_to_datetime(&chrono::Utc, text)
            .ok()
            .map(|t| t.timestamp_millis())
    })
}

/// Event times assay accepts, in ms since the epoch: years 1 to 9999. Anything else is a unit
/// mistake, and would make a window that never closes (or overflow its key).
pub const EVENT_TIME_RANGE: std::ops::RangeInclusive<i64> =
    -62_135_596_800_000..=253_402_300_799_999;

/// Splits a batch by window key (time windows): `(key, rows of that key in order)`.
pub fn split_by_key(batch: &RecordBatch, keys: &[i64]) -> Result<Vec<(i64, RecordBatch)>, String> {
    if let (Some(first), true) = (keys.first(), !keys.is_empty()) {
        if keys.iter().all(|k| k == first) {
            return Ok(vec![(*first, batch.clone())]);
        }
    }
    let mut distinct: Vec<i64> = keys.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let mut out = Vec::with_capacity(distinct.len());
    for key in distinct {
        let indices = arrow::array::UInt32Array::from(
            keys.iter()
                .enumerate()
                .filter(|(_, k)| **k == key)
                .map(|(i, _)| i as u32)
                .collect::<Vec<_>>(),
        );
        let columns = batch
            .columns()
            .iter()
            .map(|c| arrow::compute::take(c.as_ref(), &indices, None))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        out.push((
            key,
            RecordBatch::try_new(batch.schema(), columns).map_err(|e| e.to_string())?,
        ));
    }
    Ok(out)
}

/// Arrow IPC stream bytes of batches.
pub fn encode_ipc(batches: &[RecordBatch]) -> Result<Vec<u8>, String> {
    let Some(first) = batches.first() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    {
        let mut writer = arrow::ipc::writer::StreamWriter::try_new(&mut out, &first.schema())
            .map_err(|e| e.to_string())?;
        for b in batches {
            writer.write(b).map_err(|e| e.to_string())?;
        }
        writer.finish().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Batches of Arrow IPC stream bytes.
pub fn decode_stored(bytes: &[u8]) -> Result<Vec<RecordBatch>, String> {
    arrow::ipc::reader::StreamReader::try_new(Cursor::new(bytes), None)
        .map_err(|e| e.to_string())?
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())
}

/// Labels posted for events: `(event id, label as text)`; rows must carry both columns.
pub fn labels_of(
    batches: &[RecordBatch],
    id_column: &str,
    label_column: &str,
) -> Result<Vec<(String, Option<String>)>, String> {
    let mut out = Vec::new();
    let mut row = 0usize;
    for batch in batches {
        let ids = text_column(batch, id_column)?;
        let labels = text_column(batch, label_column)?;
        for i in 0..batch.num_rows() {
            row += 1;
            if ids.is_null(i) {
                return Err(format!(
                    "row {row}: no `{id_column}` (labels are joined to events by id)"
                ));
            }
            let label = (!labels.is_null(i)).then(|| labels.value(i).to_string());
            out.push((ids.value(i).to_string(), label));
        }
    }
    Ok(out)
}

fn text_column(batch: &RecordBatch, name: &str) -> Result<StringArray, String> {
    let Some(c) = batch.column_by_name(name) else {
        return Err(format!("no column `{name}`"));
    };
    let text = arrow::compute::cast(c, &DataType::Utf8).map_err(|e| e.to_string())?;
    text.as_any()
        .downcast_ref::<StringArray>()
        .cloned()
        .ok_or_else(|| format!("column `{name}`: unreadable"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            Field::new("id", DataType::Utf8, true),
            Field::new("x", DataType::Float64, true),
            Field::new("n", DataType::Int64, true),
            Field::new("ts", DataType::Utf8, true),
        ]))
    }

    #[test]
    fn json_lines_fill_missing_columns_and_coerce_numbers_to_text() {
        let body = b"{\"id\": 7, \"x\": 1.5, \"ts\": 60000}\n{\"id\": \"b\", \"n\": 3, \"ts\": \"1970-01-01T00:02:00Z\"}\n";
        let batches = decode(body, BodyFormat::JsonLines, &schema()).unwrap();
        let b = &batches[0];
        assert_eq!(b.num_rows(), 2);
        assert_eq!(b.column(2).null_count(), 1);
        assert_eq!(event_times(b, "ts", 0).unwrap(), vec![60_000, 120_000]);
        let labels = labels_of(&batches, "id", "n").unwrap();
        assert_eq!(
            labels,
            vec![
                ("7".to_string(), None),
                ("b".to_string(), Some("3".to_string()))
            ]
        );
    }

    #[test]
    fn json_errors_name_the_line_and_column() {
        let e = decode(
            b"{\"x\": 1}\n{\"y\": 2}\n",
            BodyFormat::JsonLines,
            &schema(),
        )
        .unwrap_err();
        assert!(
            e.contains("line 2") && e.contains("unknown column `y`"),
            "{e}"
        );
        let e = decode(b"{\"x\": 1}\n{\"x\": \n", BodyFormat::JsonLines, &schema()).unwrap_err();
        assert!(e.contains("line 2") && e.contains("not JSON"), "{e}");
        let e = decode(b"", BodyFormat::JsonLines, &schema()).unwrap_err();
        assert!(e.contains("empty"), "{e}");
    }

    #[test]
    fn csv_reads_columns_by_header_name() {
        let body = b"n,x\n1,2.5\n2,\n";
        let b = &decode(body, BodyFormat::Csv, &schema()).unwrap()[0];
        assert_eq!(b.num_rows(), 2);
        let x = b
            .column(1)
            .as_any()
            .downcast_ref::<arrow::array::Float64Array>()
            .unwrap();
        assert_eq!(x.value(0), 2.5);
        assert!(x.is_null(1));
        let e = decode(b"n,zz\n1,2\n", BodyFormat::Csv, &schema()).unwrap_err();
        assert!(e.contains("unknown column `zz`"), "{e}");
        let e = decode(b"n\nabc\n", BodyFormat::Csv, &schema()).unwrap_err();
        assert!(e.contains("abc"), "{e}");
    }

    #[test]
    fn csv_header_is_parsed_as_csv() {
        // Quoted names with the delimiter and a quote inside, and a CRLF line end: a header
        // split on `,` read `"x` and `y"` here.
        let schema = Arc::new(Schema::new(vec![
            Field::new("a,b", DataType::Int64, true),
            Field::new("say \"hi\"", DataType::Utf8, true),
        ]));
        let body = b"\"say \"\"hi\"\"\",\"a,b\"\r\nhello,7\r\n";
        let b = &decode(body, BodyFormat::Csv, &schema).unwrap()[0];
        assert_eq!(b.num_rows(), 1);
        let a = b.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
        assert_eq!(a.value(0), 7);
        // Semicolon-separated with the suite's delimiter.
        let semi = CsvSettings {
            delimiter: ";".into(),
            ..CsvSettings::default()
        };
        let b = &decode_with(b"\"a,b\";x\n3;q\n", BodyFormat::Csv, &schema, &semi);
        assert!(
            b.as_ref().unwrap_err().contains("unknown column `x`"),
            "{b:?}"
        );
        let e = decode(b"\xff\xfe,a\n1,2\n", BodyFormat::Csv, &schema).unwrap_err();
        assert!(e.contains("line 1, field 1") && e.contains("UTF-8"), "{e}");
    }

    #[test]
    fn ipc_round_trips_and_casts_to_the_monitor_types() {
        let narrow = Arc::new(Schema::new(vec![Field::new("n", DataType::Int32, false)]));
        let batch = RecordBatch::try_new(
            narrow,
            vec![Arc::new(arrow::array::Int32Array::from(vec![1, 2, 3]))],
        )
        .unwrap();
        let bytes = encode_ipc(&[batch]).unwrap();
        let b = &decode(&bytes, BodyFormat::ArrowIpc, &schema()).unwrap()[0];
        assert_eq!(b.schema(), schema());
        assert_eq!(
            b.column(2)
                .as_any()
                .downcast_ref::<Int64Array>()
                .unwrap()
                .values(),
            &[1, 2, 3]
        );
        let e = decode(b"garbage bytes", BodyFormat::ArrowIpc, &schema()).unwrap_err();
        assert_eq!(
            e,
            "malformed Arrow IPC stream: the message at byte 0 declares 1651663207 bytes of \
             metadata, but only 9 bytes follow"
        );
    }

    #[test]
    fn ipc_batches_declaring_more_rows_than_their_bytes_can_hold_are_refused() {
        let nulls = Arc::new(Schema::new(vec![Field::new("x", DataType::Null, true)]));
        let batch = RecordBatch::try_new(
            nulls,
            vec![Arc::new(arrow::array::NullArray::new(10_000_000))],
        )
        .unwrap();
        let bytes = encode_ipc(&[batch]).unwrap();
        let e = decode(&bytes, BodyFormat::ArrowIpc, &schema()).unwrap_err();
        assert_eq!(
            e,
            format!(
                "malformed Arrow IPC stream: its batches declare 10000000 rows in {} bytes (at \
                 most 8 rows a byte: columns of the null type or run-end encoded cannot carry a \
                 batch alone)",
                bytes.len()
            )
        );
    }

    #[test]
    fn rows_split_by_window_key_keep_their_order() {
        let b = decode(b"n\n1\n2\n3\n4\n", BodyFormat::Csv, &schema())
            .unwrap()
            .remove(0);
        let parts = split_by_key(&b, &[10, 20, 10, 20]).unwrap();
        assert_eq!(parts.len(), 2);
        let n = |b: &RecordBatch| {
            b.column(2)
                .as_any()
                .downcast_ref::<Int64Array>()
                .unwrap()
                .values()
                .to_vec()
        };
        assert_eq!((parts[0].0, n(&parts[0].1)), (10, vec![1, 3]));
        assert_eq!((parts[1].0, n(&parts[1].1)), (20, vec![2, 4]));
    }

    #[test]
    fn csv_null_markers_read_as_null() {
        let body = b"n,x\n?,2.5\nNA,?\n3,\n";
        let nulls = CsvSettings {
            null_values: vec!["?".to_string(), "NA".to_string()],
            ..CsvSettings::default()
        };
        let b = &decode_with(body, BodyFormat::Csv, &schema(), &nulls).unwrap()[0];
        assert_eq!(b.column(2).null_count(), 2);
        assert_eq!(b.column(1).null_count(), 2);
        assert!(decode(body, BodyFormat::Csv, &schema()).is_err());
    }

    #[test]
    fn deep_json_is_refused_before_decoding() {
        assert_eq!(json_depth(br#"{"a": "[[[{{", "b": [1, {"c": 2}]}"#), 3);
        let deep = format!("{{\"x\": {}1{}}}\n", "[".repeat(30_000), "]".repeat(30_000));
        let e = decode(deep.as_bytes(), BodyFormat::JsonLines, &schema()).unwrap_err();
        assert!(e.contains("nested 30001 levels"), "{e}");
    }

    #[test]
    fn json_integers_are_strict_and_errors_name_the_line() {
        let e = decode(
            b"{\"n\": 3}\n{\"n\": 3.7}\n",
            BodyFormat::JsonLines,
            &schema(),
        )
        .unwrap_err();
        assert!(e.contains("line 2") && e.contains("`n`"), "{e}");
        let b = &decode(
            b"{\"n\": 3}\n{\"n\": \"4\"}\n{\"n\": 5.0}\n",
            BodyFormat::JsonLines,
            &schema(),
        )
        .unwrap()[0];
        assert_eq!(
            b.column(2)
                .as_any()
                .downcast_ref::<Int64Array>()
                .unwrap()
                .values(),
            &[3, 4, 5]
        );
        let e = decode(
            b"{\"x\": 1.5}\n{\"x\": \"thirty\"}\n",
            BodyFormat::JsonLines,
            &schema(),
        )
        .unwrap_err();
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn huge_values_and_absurd_times_are_refused() {
        let big = format!("{{\"id\": \"{}\"}}\n", "a".repeat(MAX_VALUE_BYTES + 1));
        let e = decode(big.as_bytes(), BodyFormat::JsonLines, &schema()).unwrap_err();
        assert!(
            e.contains("column `id`") && e.contains("65537 bytes"),
            "{e}"
        );
        let b = decode(b"ts\n9223372036854775807\n", BodyFormat::Csv, &schema())
            .unwrap()
            .remove(0);
        let e = event_times(&b, "ts", 0).unwrap_err();
        assert!(e.contains("outside years 1 to 9999"), "{e}");
    }

    #[test]
    fn dates_are_midnight_utc() {
        let dates = Arc::new(Schema::new(vec![Field::new("d", DataType::Date32, true)]));
        let b = decode(b"d\n2012-07-01\n1970-01-02\n", BodyFormat::Csv, &dates)
            .unwrap()
            .remove(0);
        assert_eq!(
            event_times(&b, "d", 0).unwrap(),
            vec![1_341_100_800_000, 86_400_000]
        );
    }

    #[test]
    fn bad_times_name_the_row() {
        let b = decode(b"ts\n1000\nyesterday\n", BodyFormat::Csv, &schema())
            .unwrap()
            .remove(0);
        let e = event_times(&b, "ts", 10).unwrap_err();
        assert!(e.contains("row 12") && e.contains("yesterday"), "{e}");
    }
}
