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

/// Strips DataFusion's nested "External error: ... caused by" prefixes.
pub fn clean_message(text: &str) -> String {
    let mut t = text.trim().to_string();
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
