//! Source formats and their options.

use serde::{Deserialize, Serialize};

/// File format of a data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataFormat {
    /// Apache Parquet.
    Parquet,
    /// Comma (or other delimiter) separated values.
    Csv,
    /// JSON Lines (one object per line).
    Json,
    /// Arrow IPC file format (Feather v2).
    Ipc,
}

impl DataFormat {
    /// Parses a format name (`parquet`, `csv`, `json`/`jsonl`/`ndjson`, `ipc`/`arrow`/`feather`).
    pub fn parse(name: &str) -> Option<DataFormat> {
        match name.to_ascii_lowercase().as_str() {
            "parquet" | "pq" => Some(DataFormat::Parquet),
            "csv" | "tsv" => Some(DataFormat::Csv),
            "json" | "jsonl" | "ndjson" => Some(DataFormat::Json),
            "ipc" | "arrow" | "feather" | "arrows" => Some(DataFormat::Ipc),
            _ => None,
        }
    }

    /// Guesses the format from a path's extension (ignoring a compression suffix).
    pub fn from_path(path: &str) -> Option<DataFormat> {
        let lower = path.to_ascii_lowercase();
        let trimmed = ["gz", "bz2", "xz", "zst"]
            .iter()
            .find_map(|c| lower.strip_suffix(&format!(".{c}")))
            .unwrap_or(&lower);
        let name = trimmed.rsplit('/').next().unwrap_or(trimmed);
        let ext = name.rsplit_once('.').map(|(_, e)| e)?;
        DataFormat::parse(ext)
    }

    /// Default file extension used when listing a directory.
    pub fn extension(&self) -> &'static str {
        match self {
            DataFormat::Parquet => ".parquet",
            DataFormat::Csv => ".csv",
            DataFormat::Json => ".json",
            DataFormat::Ipc => ".arrow",
        }
    }
}

/// CSV reading options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CsvSettings {
    /// First line holds the column names (default true).
    pub has_header: bool,
    /// Field delimiter, one byte (default `,`; `\t` for tabs).
    pub delimiter: String,
    /// Quote character (default `"`).
    pub quote: String,
    /// Escape character, if any.
    pub escape: Option<String>,
    /// Values read as null (exact match), e.g. `["?", "NA"]`. Empty fields are always null.
    pub null_values: Vec<String>,
    /// Rows read to infer column types (default 100000).
    pub infer_rows: usize,
    /// Column type overrides: column → type name (`int64`, `float64`, `utf8`/`string`,
    /// `bool`, `date`, `timestamp`).
    pub types: std::collections::BTreeMap<String, String>,
}

impl Default for CsvSettings {
    fn default() -> Self {
        Self {
            has_header: true,
            delimiter: ",".into(),
            quote: "\"".into(),
            escape: None,
            null_values: Vec::new(),
            infer_rows: 100_000,
            types: Default::default(),
        }
    }
}

impl CsvSettings {
    /// One byte of a setting (`delimiter`, `quote`, `escape`): the character itself, or `\t`
    /// (or `tab`) for a tab. The error names the setting as `csv.KEY`.
    pub fn byte_of(value: &str, key: &str) -> std::result::Result<u8, String> {
        let v = match value {
            "\\t" | "tab" => "\t",
            other => other,
        };
        match v.as_bytes() {
            [b] => Ok(*b),
            _ => Err(format!(
                "csv.{key} must be a single character, got {value:?}"
            )),
        }
    }

    /// The delimiter byte.
    pub fn delimiter_byte(&self) -> std::result::Result<u8, String> {
        Self::byte_of(&self.delimiter, "delimiter")
    }

    /// The quote byte.
    pub fn quote_byte(&self) -> std::result::Result<u8, String> {
        Self::byte_of(&self.quote, "quote")
    }

    /// The escape byte, if any.
    pub fn escape_byte(&self) -> std::result::Result<Option<u8>, String> {
        self.escape
            .as_deref()
            .map(|e| Self::byte_of(e, "escape"))
            .transpose()
    }

    /// The regular expression a field equal to a null marker matches (`None` without
    /// markers); with `empty`, the empty field matches too (arrow-csv's null regex replaces
    /// its empty-field rule).
    pub fn null_pattern(&self, empty: bool) -> Option<String> {
        if self.null_values.is_empty() {
            return None;
        }
        let alternatives: Vec<String> = empty
            .then(String::new)
            .into_iter()
            .chain(self.null_values.iter().map(|v| regex::escape(v)))
            .collect();
        Some(format!("^(?:{})$", alternatives.join("|")))
    }
}

/// The fields of the first line of CSV `input`, read by the CSV parser the rows go through
/// (delimiter, quotes, escapes), as raw bytes; `None` when the input is empty.
pub fn csv_header_fields(
    input: impl std::io::Read,
    delimiter: u8,
    quote: u8,
    escape: Option<u8>,
) -> std::result::Result<Option<Vec<Vec<u8>>>, csv::Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .quote(quote)
        .escape(escape)
        .from_reader(input);
    let mut record = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut record)? {
        return Ok(None);
    }
    Ok(Some(record.iter().map(<[u8]>::to_vec).collect()))
}

/// Parses a user type name into an Arrow type.
pub fn parse_type_name(name: &str) -> Option<arrow::datatypes::DataType> {
    use arrow::datatypes::{DataType, TimeUnit};
    Some(match name.to_ascii_lowercase().as_str() {
        "int" | "int64" | "integer" | "bigint" => DataType::Int64,
        "int32" => DataType::Int32,
        "float" | "float64" | "double" | "number" => DataType::Float64,
        "float32" => DataType::Float32,
        "str" | "string" | "utf8" | "text" | "categorical" => DataType::Utf8,
        "bool" | "boolean" => DataType::Boolean,
        "date" | "date32" => DataType::Date32,
        "timestamp" | "datetime" => DataType::Timestamp(TimeUnit::Microsecond, None),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_paths() {
        assert_eq!(
            DataFormat::from_path("a/b.parquet"),
            Some(DataFormat::Parquet)
        );
        assert_eq!(
            DataFormat::from_path("s3://x/y/b.CSV"),
            Some(DataFormat::Csv)
        );
        assert_eq!(DataFormat::from_path("b.csv.gz"), Some(DataFormat::Csv));
        assert_eq!(DataFormat::from_path("b.jsonl"), Some(DataFormat::Json));
        assert_eq!(DataFormat::from_path("b.feather"), Some(DataFormat::Ipc));
        assert_eq!(DataFormat::from_path("dir/"), None);
        assert_eq!(DataFormat::from_path("data.v1/file"), None);
        assert!(parse_type_name("Int64").is_some());
        assert!(parse_type_name("complex").is_none());
    }
}
