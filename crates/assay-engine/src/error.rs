//! Engine errors: every variant names what was wrong and where.

use thiserror::Error;

/// Errors from reading and profiling data.
#[derive(Debug, Error)]
pub enum EngineError {
    /// A path or URL that does not exist or matches no file.
    #[error("{path}: {message}")]
    NotFound {
        /// The path or URL as given.
        path: String,
        /// What was looked for.
        message: String,
    },
    /// A file that exists but cannot be read as the expected format.
    #[error("{path}: {message}")]
    BadInput {
        /// The path or URL as given.
        path: String,
        /// What was wrong (line, column, expected format...).
        message: String,
    },
    /// A column named by the user that is missing or of the wrong type.
    #[error("column `{column}`: {message}")]
    Column {
        /// Column name.
        column: String,
        /// What was expected.
        message: String,
    },
    /// Invalid options (unknown format, bad URL, object-store configuration).
    #[error("{0}")]
    Config(String),
    /// A saved profile that cannot be read or merged.
    #[error("{path}: {message}")]
    Profile {
        /// File path.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// An internal failure of the query engine.
    #[error("{context}: {source}")]
    Engine {
        /// What was being done.
        context: String,
        /// The DataFusion error.
        #[source]
        source: datafusion::error::DataFusionError,
    },
}

/// Result alias for the engine.
pub type Result<T, E = EngineError> = std::result::Result<T, E>;

/// Turns a DataFusion/Arrow/Parquet error met while reading `path` into a message that names
/// the file and keeps the reader's own detail (line numbers, expected types).
pub fn read_error(path: &str, err: datafusion::error::DataFusionError) -> EngineError {
    let text = clean_message(&err.to_string());
    if text.contains("No files found") {
        return EngineError::NotFound {
            path: path.to_string(),
            message: "no data files match this path".into(),
        };
    }
    EngineError::BadInput {
        path: path.to_string(),
        message: text,
    }
}

/// Runs a read of `path`; a panic inside the reader (a corrupt file that trips a library, such
/// as a Parquet footer pointing outside the file) becomes a [`EngineError::BadInput`] naming
/// the file, never a crash.
pub async fn contain_read<T>(
    path: &str,
    read: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    match assay_runtime::fault::isolate_future(read).await {
        Ok(result) => result,
        Err(fault) => Err(EngineError::BadInput {
            path: path.to_string(),
            message: format!(
                "the data is corrupt or not in the expected format: the reader failed ({})",
                fault.trim_start_matches("internal error: ")
            ),
        }),
    }
}

/// Strips DataFusion's nested "External error: ... caused by" prefixes, and its request to
/// report a bug when a reader meets corrupt data ("Internal error: … likely caused by a bug"):
/// that is the data's fault, and said so.
pub fn clean_message(text: &str) -> String {
    let mut t = text.trim().to_string();
    let mut corrupt = false;
    for marker in [
        "This issue was likely caused by a bug",
        "This was likely caused by a bug",
    ] {
        if let Some(at) = t.find(marker) {
            t.truncate(at);
            corrupt = true;
        }
    }
    if let Some(at) = t.find("Internal error: ") {
        t.replace_range(..at + "Internal error: ".len(), "");
        corrupt = true;
    }
    let t = t.trim().trim_end_matches('.').to_string();
    let t = with_csv_line(strip_prefixes(t));
    if corrupt {
        format!("the data is corrupt or not in the expected format ({t})")
    } else {
        t
    }
}

fn strip_prefixes(text: String) -> String {
    let mut t = text;
    for prefix in [
        "External error: ",
        "Arrow error: ",
        "ArrowError(",
        "Parquet error: ",
        "Execution error: ",
        "Object Store error: ",
        "Error during planning: ",
        "Context(\"",
    ] {
        while let Some(rest) = t.strip_prefix(prefix) {
            t = rest.to_string();
        }
    }
    t
}

/// The CSV reader counts records from 0 with the header as record 0 ("… at record 2"): the
/// line is named too, for files without quoted line breaks.
fn with_csv_line(text: String) -> String {
    let marker = "at record ";
    let Some(at) = text.find(marker) else {
        return text;
    };
    let digits: String = text[at + marker.len()..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    match digits.parse::<u64>() {
        Ok(record) => {
            let end = at + marker.len() + digits.len();
            format!("{} (line {}){}", &text[..end], record + 1, &text[end..])
        }
        Err(_) => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_bug_wording_becomes_corrupt_data_and_records_get_lines() {
        let t = clean_message(
            "Internal error: Invalid IPC body length. This issue was likely caused by a bug in \
             DataFusion's code. Please help us to resolve this by filing a bug report in our issue \
             tracker: https://github.com/apache/datafusion/issues",
        );
        assert_eq!(
            t,
            "the data is corrupt or not in the expected format (Invalid IPC body length)"
        );
        let t = clean_message("Execution error: Expected 3 fields, found 2 fields at record 2");
        assert_eq!(t, "Expected 3 fields, found 2 fields at record 2 (line 3)");
    }

    #[test]
    fn a_reader_panic_is_an_error_naming_the_file() {
        assay_runtime::fault::install_hook(assay_runtime::fault::silent);
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let e = rt
            .block_on(contain_read("data/x.parquet", async {
                let bytes: &[u8] = &[1, 2, 3];
                let end = bytes.len() + usize::from(bytes[0]);
                // The slice a corrupt footer once made the Parquet reader take.
                Ok::<u8, EngineError>(bytes[end..].iter().sum())
            }))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("data/x.parquet: the data is corrupt"), "{e}");
        assert!(e.contains("out of range"), "{e}");
    }
}
