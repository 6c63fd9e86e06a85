//! Options describing how to read a dataset, shared by the data-reading subcommands.

use anyhow::{bail, Result};
use clap::Args;

use assay_engine::{CsvSettings, DataFormat, SourceSpec};

/// How to read the data.
#[derive(Args, Debug, Clone, Default)]
pub struct DataArgs {
    /// Format: parquet, csv, json (JSON Lines) or ipc (default: from the extension).
    #[arg(long)]
    pub format: Option<String>,
    /// CSV field delimiter (one character; `\t` for tab).
    #[arg(long)]
    pub delimiter: Option<String>,
    /// CSV files have no header row.
    #[arg(long)]
    pub no_header: bool,
    /// A CSV value to read as null (repeatable), e.g. --null-value '?'.
    #[arg(long = "null-value")]
    pub null_values: Vec<String>,
    /// Column type override COLUMN=TYPE for CSV (int64, float64, string, bool, date, timestamp).
    #[arg(long = "type", value_name = "COLUMN=TYPE")]
    pub types: Vec<String>,
}

impl DataArgs {
    /// A source spec for `paths`.
    pub fn spec(&self, paths: Vec<String>) -> Result<SourceSpec> {
        let format = match &self.format {
            Some(f) => match DataFormat::parse(f) {
                Some(f) => Some(f),
                None => bail!("--format `{f}` is not one of parquet, csv, json, ipc"),
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
                bail!("--type `{t}` must be COLUMN=TYPE");
            };
            csv.types.insert(col.to_string(), ty.to_string());
        }
        Ok(SourceSpec { paths, format, csv })
    }
}
