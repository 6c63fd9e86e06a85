//! How to read a dataset, as every front end takes it (the CLI's `--format`, `--delimiter`,
//! `--no-header`, `--null-value`, `--type` flags; the Python package's keyword arguments of
//! the same names), turned into a [`SourceSpec`].

use serde::Deserialize;

use crate::format::{CsvSettings, DataFormat};
use crate::source::SourceSpec;

/// Reading options shared by the commands that read data.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReadOptions {
    /// Format: parquet, csv, json (JSON Lines) or ipc (default: from the extension).
    pub format: Option<String>,
    /// CSV field delimiter (one character; `\t` for tab).
    pub delimiter: Option<String>,
    /// CSV files have no header row.
    pub no_header: bool,
    /// CSV values read as null, e.g. `?`.
    pub null_values: Vec<String>,
    /// Column type overrides for CSV, `COLUMN=TYPE` (int64, float64, string, bool, date,
    /// timestamp).
    pub types: Vec<String>,
}

impl ReadOptions {
    /// A source spec for `paths`; `Err` says which option is wrong, named as the CLI flag.
    pub fn spec(&self, paths: Vec<String>) -> Result<SourceSpec, String> {
        let format = match &self.format {
            Some(f) => match DataFormat::parse(f) {
                Some(f) => Some(f),
                None => {
                    return Err(format!(
                        "--format `{f}` is not one of parquet, csv, json, ipc"
                    ))
                }
            },
            None => None,
        };
        let mut csv = CsvSettings::default();
        if let Some(d) = &self.delimiter {
            csv.delimiter = d.clone();
        }
        csv.has_header = !self.no_header;
        csv.null_values = self.null_values.clone();
        for t in &self.types {
            let Some((col, ty)) = t.split_once('=') else {
                return Err(format!("--type `{t}` must be COLUMN=TYPE"));
            };
            csv.types.insert(col.to_string(), ty.to_string());
        }
        Ok(SourceSpec { paths, format, csv })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_become_a_spec_and_wrong_ones_name_their_flag() {
        let options = ReadOptions {
            format: Some("csv".into()),
            delimiter: Some(";".into()),
            no_header: true,
            null_values: vec!["?".into()],
            types: vec!["age=int64".into()],
        };
        let spec = options.spec(vec!["a.txt".into()]).unwrap();
        assert_eq!(spec.format, Some(DataFormat::Csv));
        assert_eq!(spec.csv.delimiter, ";");
        assert!(!spec.csv.has_header);
        assert_eq!(spec.csv.null_values, vec!["?".to_string()]);
        assert_eq!(spec.csv.types.get("age").map(String::as_str), Some("int64"));
        let bad = ReadOptions {
            format: Some("xls".into()),
            ..ReadOptions::default()
        };
        assert_eq!(
            bad.spec(vec![]).unwrap_err(),
            "--format `xls` is not one of parquet, csv, json, ipc"
        );
        let bad = ReadOptions {
            types: vec!["age".into()],
            ..ReadOptions::default()
        };
        assert_eq!(
            bad.spec(vec![]).unwrap_err(),
            "--type `age` must be COLUMN=TYPE"
        );
    }
}
