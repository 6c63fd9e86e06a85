//! Options describing how to read a dataset, shared by the data-reading subcommands.

use anyhow::Result;
use clap::Args;

use assay_engine::{ReadOptions, SourceSpec};

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
        self.read_options().spec(paths).map_err(anyhow::Error::msg)
    }

    /// The options as the library takes them.
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            format: self.format.clone(),
            delimiter: self.delimiter.clone(),
            no_header: self.no_header,
            null_values: self.null_values.clone(),
            types: self.types.clone(),
        }
    }
}
