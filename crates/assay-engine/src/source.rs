//! Opening data sources: local paths, directories, globs, hive-partitioned folders and
//! object-store URLs, in Parquet, CSV, JSON Lines or Arrow IPC, as a DataFusion table.

use std::path::Path;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::common::config::CsvOptions;
use datafusion::common::ScalarValue;
use datafusion::datasource::file_format::arrow::ArrowFormat;
use datafusion::datasource::file_format::csv::CsvFormat;
use datafusion::datasource::file_format::json::JsonFormat;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::logical_expr::Expr;
use datafusion::prelude::SessionContext;
use datafusion::prelude::{cast, ident, lit, when, DataFrame};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::{read_error, EngineError, Result};
use crate::format::{parse_type_name, CsvSettings, DataFormat};

/// What to read: one or more paths/URLs of the same format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceSpec {
    /// Files, directories, globs (`data/*.parquet`) or URLs (`s3://`, `gs://`, `az://`,
    /// `http(s)://`).
    pub paths: Vec<String>,
    /// Format; inferred from the first path's extension when absent.
    pub format: Option<DataFormat>,
    /// CSV options (ignored for other formats).
    pub csv: CsvSettings,
}

impl SourceSpec {
    /// A source of one path with default options.
    pub fn path(path: impl Into<String>) -> Self {
        Self {
            paths: vec![path.into()],
            format: None,
            csv: CsvSettings::default(),
        }
    }

    /// Human-readable label (the paths joined).
    pub fn label(&self) -> String {
        self.paths.join(", ")
    }

    /// The format, given or inferred; errors when it cannot be told.
    pub fn resolved_format(&self) -> Result<DataFormat> {
        if let Some(f) = self.format {
            return Ok(f);
        }
        let first = self
            .paths
            .first()
            .ok_or_else(|| EngineError::Config("no data path given".into()))?;
        if let Some(f) = DataFormat::from_path(first) {
            return Ok(f);
        }
        // A local directory: look at the first file inside.
        let p = Path::new(first);
        if p.is_dir() {
            return first_file_format(p).ok_or_else(|| EngineError::NotFound {
                path: first.clone(),
                message: "no data files (.parquet, .csv, .json/.jsonl, .arrow) in this directory"
                    .into(),
            });
        }
        Err(EngineError::BadInput {
            path: first.clone(),
            message: "cannot tell the format from the name; pass --format parquet|csv|json|ipc \
                      (or `format:` in the suite)"
                .into(),
        })
    }
}

fn first_file_format(dir: &Path) -> Option<DataFormat> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&d).ok()?.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Some(f) = DataFormat::from_path(&path.to_string_lossy()) {
                return Some(f);
            }
        }
    }
    None
}

/// True when `s` is an object-store URL rather than a local path.
pub fn is_url(s: &str) -> bool {
    [
        "s3://", "s3a://", "gs://", "gcs://", "az://", "abfs://", "abfss://", "azure://",
        "http://", "https://",
    ]
    .iter()
    .any(|p| s.starts_with(p))
}

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Registers the object store a URL needs on `ctx`, configured from the environment
/// (`AWS_*`, `GOOGLE_*`, `AZURE_*`; `AWS_ENDPOINT_URL` or `AWS_ENDPOINT` for S3-compatible
/// servers, which also allows plain http when the endpoint is `http://`).
pub fn register_object_store(ctx: &SessionContext, location: &str) -> Result<()> {
    if !is_url(location) {
        return Ok(());
    }
    let url = Url::parse(location)
        .map_err(|e| EngineError::Config(format!("{location}: invalid URL: {e}")))?;
    let host = url.host_str().unwrap_or_default().to_string();
    let base = Url::parse(&format!("{}://{}", url.scheme(), url.authority()))
        .map_err(|e| EngineError::Config(format!("{location}: invalid URL: {e}")))?;
    let cfg = |e: object_store::Error| EngineError::Config(format!("{location}: {e}"));
    let store: Arc<dyn object_store::ObjectStore> = match url.scheme() {
        "s3" | "s3a" => {
            let mut b = object_store::aws::AmazonS3Builder::from_env().with_bucket_name(&host);
            let endpoint = std::env::var("AWS_ENDPOINT_URL_S3")
                .or_else(|_| std::env::var("AWS_ENDPOINT_URL"))
                .or_else(|_| std::env::var("AWS_ENDPOINT"))
                .ok();
            if let Some(ep) = endpoint {
                b = b
                    .with_allow_http(ep.starts_with("http://"))
                    .with_endpoint(ep);
            }
            Arc::new(b.build().map_err(cfg)?)
        }
        "gs" | "gcs" => Arc::new(
            object_store::gcp::GoogleCloudStorageBuilder::from_env()
                .with_bucket_name(&host)
                .build()
                .map_err(cfg)?,
        ),
        "az" | "abfs" | "abfss" | "azure" => Arc::new(
            object_store::azure::MicrosoftAzureBuilder::from_env()
                .with_url(location)
                .build()
                .map_err(cfg)?,
        ),
        "http" | "https" => Arc::new(
            object_store::http::HttpBuilder::new()
                .with_url(base.as_str())
                .with_client_options(
                    object_store::ClientOptions::new().with_allow_http(url.scheme() == "http"),
                )
                .build()
                .map_err(cfg)?,
        ),
        other => {
            return Err(EngineError::Config(format!(
                "{location}: unsupported URL scheme `{other}`"
            )))
        }
    };
    ctx.register_object_store(&base, store);
    Ok(())
}

fn table_url(path: &str) -> Result<ListingTableUrl> {
    if !is_url(path) && !has_glob(path) {
        let p = Path::new(path);
        if !p.exists() {
            return Err(EngineError::NotFound {
                path: path.to_string(),
                message: "no such file or directory".into(),
            });
        }
        if p.is_file() && p.metadata().map(|m| m.len() == 0).unwrap_or(false) {
            return Err(EngineError::BadInput {
                path: path.to_string(),
                message: "the file is empty (expected a header or data)".into(),
            });
        }
    }
    let mut text = path.to_string();
    if !is_url(path) && Path::new(path).is_dir() && !text.ends_with('/') {
        text.push('/');
    }
    ListingTableUrl::parse(&text).map_err(|e| EngineError::Config(format!("{path}: {e}")))
}

fn csv_format(csv: &CsvSettings, paths: &[String]) -> Result<CsvFormat> {
    // `.tsv` files are tab-separated unless a delimiter was given explicitly.
    let tsv = paths.iter().all(|p| {
        let l = p.to_ascii_lowercase();
        l.ends_with(".tsv") || l.ends_with(".tsv.gz")
    });
    let delimiter = if tsv && csv.delimiter == "," {
        b'\t'
    } else {
        csv.delimiter_byte().map_err(EngineError::Config)?
    };
    let mut opts = CsvOptions {
        has_header: Some(csv.has_header),
        delimiter,
        quote: csv.quote_byte().map_err(EngineError::Config)?,
        schema_infer_max_rec: Some(csv.infer_rows.max(1)),
        ..CsvOptions::default()
    };
    opts.escape = csv.escape_byte().map_err(EngineError::Config)?;
    opts.null_regex = csv.null_pattern(false);
    Ok(CsvFormat::default().with_options(opts))
}

/// Cells per batch beyond which wide data is read in smaller batches.
const WIDE_BATCH_CELLS: usize = 1 << 22;

/// An opened source: a DataFusion data frame over it and what it was made from.
#[derive(Clone)]
pub struct OpenedSource {
    /// The data, as a lazy DataFusion plan (projections are pushed into the reader).
    pub df: DataFrame,
    /// Its schema (file columns then hive partition columns).
    pub schema: SchemaRef,
    /// The resolved format.
    pub format: DataFormat,
    /// The spec it came from.
    pub spec: SourceSpec,
    /// How many times the data was read (each scan of it counts once), shared by clones.
    pub reads: Arc<std::sync::atomic::AtomicU64>,
    /// Rows per batch of a read of all its columns ([`batch_rows_for`]) and of the session.
    pub(crate) batch_rows: (usize, usize),
}

/// Rows per batch of a read of `columns` columns when the session reads `session_rows` rows
/// per batch: readers allocate one builder of `batch_size` values per column, so wide reads
/// take smaller batches (at most about 4M cells each), or 20,000 columns would take
/// gigabytes.
pub(crate) fn batch_rows_for(columns: usize, session_rows: usize) -> usize {
    (WIDE_BATCH_CELLS / columns.max(1)).clamp(64.min(session_rows), session_rows)
}

impl OpenedSource {
    /// How many times the data was read so far.
    pub fn read_count(&self) -> u64 {
        self.reads.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Counts one more read of the data.
    pub(crate) fn count_read(&self) {
        self.reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

impl std::fmt::Debug for OpenedSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenedSource")
            .field("paths", &self.spec.paths)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

/// Opens `spec` as a listing table on `ctx`: registers object stores, lists files (globs,
/// directories, hive partitions `key=value/`), infers the schema and applies CSV type overrides.
///
/// A panic inside a reader (a corrupt file tripping a library) is an error naming the source.
pub async fn open_source(ctx: &SessionContext, spec: &SourceSpec) -> Result<OpenedSource> {
    crate::error::contain_read(&spec.label(), open_source_unchecked(ctx, spec)).await
}

async fn open_source_unchecked(ctx: &SessionContext, spec: &SourceSpec) -> Result<OpenedSource> {
    if let Some(name) = spec
        .paths
        .iter()
        .find_map(|p| crate::memory::memory_name(p))
    {
        return crate::memory::open_memory(ctx, spec, name).await;
    }
    let format = spec.resolved_format()?;
    crate::preflight::check_local_files(spec, format)?;
    let label = spec.label();
    let mut urls = Vec::with_capacity(spec.paths.len());
    for p in &spec.paths {
        register_object_store(ctx, p)?;
        urls.push(table_url(p)?);
    }
    let file_format: Arc<dyn FileFormat> = match format {
        DataFormat::Parquet => Arc::new(ParquetFormat::default()),
        DataFormat::Csv => Arc::new(csv_format(&spec.csv, &spec.paths)?),
        DataFormat::Json => Arc::new(JsonFormat::default()),
        DataFormat::Ipc => Arc::new(ArrowFormat),
    };
    // A path that names a file or a glob is taken whatever its extension; a directory is
    // listed for files of the format's extension.
    let all_direct = spec.paths.iter().all(|p| {
        has_glob(p) || (!is_url(p) && Path::new(p).is_file()) || DataFormat::from_path(p).is_some()
    });
    let extension = if all_direct { "" } else { format.extension() };
    let state = ctx.state();
    let options = ListingOptions::new(file_format).with_file_extension(extension);
    let config = ListingTableConfig::new_with_multi_paths(urls)
        .with_listing_options(options)
        .infer_partitions_from_path(&state)
        .await
        .map_err(|e| read_error(&label, e))?
        .infer_schema(&state)
        .await
        .map_err(|e| read_error(&label, e))?;
    let mut schema = config
        .file_schema
        .clone()
        .ok_or_else(|| EngineError::BadInput {
            path: label.clone(),
            message: "could not infer a schema".into(),
        })?;
    if schema.fields().is_empty() {
        return Err(EngineError::BadInput {
            path: label,
            message: "no columns found (empty file, or no files of this format at the path)".into(),
        });
    }
    let mut config = config;
    if format == DataFormat::Csv && !spec.csv.types.is_empty() {
        schema = apply_type_overrides(&schema, &spec.csv.types, &label)?;
    }
    // DataFusion 55 applies a CSV null regex only while inferring the schema, not while
    // reading; so CSV with null markers is read as text and converted here: marker → NULL,
    // anything else cast to the inferred (or overridden) type.
    let null_markers = format == DataFormat::Csv && !spec.csv.null_values.is_empty();
    if null_markers {
        let text_fields: Vec<Field> = schema
            .fields()
            .iter()
            .map(|f| Field::new(f.name(), DataType::Utf8, true))
            .collect();
        config = config.with_schema(Arc::new(Schema::new(text_fields)));
    } else if format == DataFormat::Csv && !spec.csv.types.is_empty() {
        config = config.with_schema(schema.clone());
    }
    let table = ListingTable::try_new(config).map_err(|e| read_error(&label, e))?;
    let table_schema = datafusion::datasource::TableProvider::schema(&table);
    let mut df = ctx
        .read_table(Arc::new(table))
        .map_err(|e| read_error(&label, e))?;
    if null_markers {
        let markers: Vec<Expr> = spec
            .csv
            .null_values
            .iter()
            .map(|v| lit(v.as_str()))
            .collect();
        let exprs: Vec<Expr> = table_schema
            .fields()
            .iter()
            .map(|f| match schema.field_with_name(f.name()) {
                Ok(typed) => {
                    let raw = ident(f.name());
                    // A column with no value to infer from (a header-only file) stays text.
                    let value = if matches!(typed.data_type(), DataType::Utf8 | DataType::Null) {
                        raw.clone()
                    } else {
                        cast(raw.clone(), typed.data_type().clone())
                    };
                    when(raw.in_list(markers.clone(), false), lit(ScalarValue::Null))
                        .otherwise(value)
                        .map(|e| e.alias(f.name()))
                        .unwrap_or_else(|_| ident(f.name()))
                }
                // Hive partition columns pass through.
                Err(_) => ident(f.name()),
            })
            .collect();
        df = df.select(exprs).map_err(|e| read_error(&label, e))?;
    }
    let full_schema: SchemaRef = Arc::new(df.schema().as_arrow().clone());
    let session_rows = ctx.copied_config().batch_size();
    let batch_rows = batch_rows_for(full_schema.fields().len(), session_rows);
    if batch_rows < session_rows {
        let (state, plan) = df.into_parts();
        let config = state.config().clone().with_batch_size(batch_rows);
        let state = datafusion::execution::SessionStateBuilder::new_from_existing(state)
            .with_config(config)
            .build();
        df = DataFrame::new(state, plan);
    }
    Ok(OpenedSource {
        df,
        schema: full_schema,
        format,
        spec: spec.clone(),
        reads: Arc::default(),
        batch_rows: (batch_rows, session_rows),
    })
}

fn apply_type_overrides(
    schema: &SchemaRef,
    types: &std::collections::BTreeMap<String, String>,
    label: &str,
) -> Result<SchemaRef> {
    for name in types.keys() {
        if schema.field_with_name(name).is_err() {
            return Err(EngineError::Column {
                column: name.clone(),
                message: format!(
                    "csv.types names a column that {label} does not have (columns: {})",
                    column_list(schema)
                ),
            });
        }
    }
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| -> Result<Field> {
            match types.get(f.name()) {
                Some(t) => {
                    let dt = parse_type_name(t).ok_or_else(|| EngineError::Column {
                        column: f.name().clone(),
                        message: format!(
                            "unknown type `{t}` in csv.types (expected int64, float64, string, bool, date or timestamp)"
                        ),
                    })?;
                    Ok(Field::new(f.name(), dt, true))
                }
                None => Ok(f.as_ref().clone()),
            }
        })
        .collect::<Result<_>>()?;
    Ok(Arc::new(Schema::new(fields)))
}

/// Comma-separated column names of a schema, for error messages.
pub fn column_list(schema: &Schema) -> String {
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    if names.len() > 20 {
        format!("{}, ... ({} in all)", names[..20].join(", "), names.len())
    } else {
        names.join(", ")
    }
}
