//! Arrow data already in memory as a source: a Python caller's pyarrow Table, Polars or pandas
//! DataFrame (through the Arrow C stream interface), or a test's batches; and profiles in
//! memory, which stand in for their data as a saved profile file does.
//!
//! The batches are registered on the [`Engine`] under a name and read as `memory://NAME`
//! wherever a path is taken (a [`SourceSpec`], a suite's `data.current`), so every command
//! reads them exactly as it reads a file: one planned read, the same profile, the same report.
//! Registering does not copy the data: the batches are sliced (a slice shares its buffers) to
//! the batch size a read of files would have, so the read spreads over the cores as it does
//! for one file.

use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use datafusion::datasource::MemTable;
use datafusion::prelude::SessionContext;

use crate::engine::Engine;
use crate::error::{EngineError, Result};
use crate::format::DataFormat;
use crate::source::{batch_rows_for, OpenedSource, SourceSpec};

/// How a path names registered in-memory data: `memory://NAME`.
pub const MEMORY_SCHEME: &str = "memory://";

/// The registered name a path refers to, when it is a `memory://` path.
pub fn memory_name(path: &str) -> Option<&str> {
    path.strip_prefix(MEMORY_SCHEME)
}

/// The DataFusion table name under which `name` is registered (kept apart from anything a
/// user could register).
fn table_name(name: &str) -> String {
    format!("__assay_memory__{name}")
}

impl Engine {
    /// Registers `profile` as `memory://NAME`: read as a saved profile would be (replacing
    /// whatever was registered under `name`).
    pub fn register_profile(&self, name: &str, profile: assay_stats::Profile) -> Result<()> {
        if name.is_empty() {
            return Err(EngineError::Config(
                "an in-memory profile needs a name".into(),
            ));
        }
        self.deregister_batches(name)?;
        self.profiles
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(name.to_string(), profile);
        Ok(())
    }

    /// The profile registered under the `memory://` path `path`.
    pub fn memory_profile(&self, path: &str) -> Option<assay_stats::Profile> {
        let name = memory_name(path)?;
        self.profiles
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(name)
            .cloned()
    }

    /// Whether `path` is a profile rather than data: a saved profile file, or a profile
    /// registered in memory.
    pub fn is_profile_source(&self, path: &str) -> bool {
        self.memory_profile(path).is_some() || crate::dataset::is_profile_file(path)
    }

    /// Registers `batches` (all of `schema`) as the source `memory://NAME`, replacing what was
    /// registered under `name`. The batches are not copied.
    pub fn register_batches(
        &self,
        name: &str,
        schema: SchemaRef,
        batches: Vec<RecordBatch>,
    ) -> Result<()> {
        let label = format!("{MEMORY_SCHEME}{name}");
        if name.is_empty() {
            return Err(EngineError::Config(
                "an in-memory source needs a name".into(),
            ));
        }
        if schema.fields().is_empty() {
            return Err(EngineError::BadInput {
                path: label,
                message: "the data has no columns".into(),
            });
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(twice) = schema.fields().iter().find(|f| !seen.insert(f.name())) {
            return Err(EngineError::BadInput {
                path: label,
                message: format!(
                    "column `{}` appears twice: columns need distinct names",
                    twice.name()
                ),
            });
        }
        if let Some(b) = batches
            .iter()
            .find(|b| b.schema().fields() != schema.fields())
        {
            return Err(EngineError::BadInput {
                path: label,
                message: format!(
                    "a batch's columns ({}) differ from the data's schema ({})",
                    crate::source::column_list(&b.schema()),
                    crate::source::column_list(&schema)
                ),
            });
        }
        let session_rows = self.ctx().copied_config().batch_size();
        let rows = batch_rows_for(schema.fields().len(), session_rows).max(1);
        // Large batches are sliced (shared buffers); runs of small ones (a stream of 10-row
        // batches) are joined, which copies only those small batches.
        let mut sliced = Vec::with_capacity(batches.len());
        let mut small: Vec<RecordBatch> = Vec::new();
        let mut small_rows = 0;
        let join =
            |small: &mut Vec<RecordBatch>, out: &mut Vec<RecordBatch>| -> Result<()> {
                match small.len() {
                    0 => {}
                    1 => out.append(small),
                    _ => {
                        let joined = arrow::compute::concat_batches(&schema, small.iter())
                            .map_err(|e| EngineError::BadInput {
                                path: label.clone(),
                                message: e.to_string(),
                            })?;
                        small.clear();
                        out.push(joined);
                    }
                }
                Ok(())
            };
        for batch in batches {
            if batch.num_rows() < rows / 4 {
                if small_rows + batch.num_rows() > rows {
                    join(&mut small, &mut sliced)?;
                    small_rows = 0;
                }
                small_rows += batch.num_rows();
                small.push(batch);
                continue;
            }
            join(&mut small, &mut sliced)?;
            small_rows = 0;
            let mut offset = 0;
            while offset < batch.num_rows() {
                let length = rows.min(batch.num_rows() - offset);
                sliced.push(batch.slice(offset, length));
                offset += length;
            }
        }
        join(&mut small, &mut sliced)?;
        let table = MemTable::try_new(schema, vec![sliced]).map_err(|e| EngineError::BadInput {
            path: label.clone(),
            message: e.to_string(),
        })?;
        let ctx = self.ctx();
        self.profiles
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(name);
        // Replacing a registration: the old table goes first (registering over it errs).
        ctx.deregister_table(table_name(name).as_str())
            .map_err(|e| EngineError::Config(format!("{label}: {e}")))?;
        ctx.register_table(table_name(name).as_str(), Arc::new(table))
            .map_err(|e| EngineError::Config(format!("{label}: {e}")))?;
        Ok(())
    }

    /// Drops what is registered as `memory://NAME` (nothing when nothing is).
    pub fn deregister_batches(&self, name: &str) -> Result<()> {
        self.profiles
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(name);
        self.ctx()
            .deregister_table(table_name(name).as_str())
            .map(|_| ())
            .map_err(|e| EngineError::Config(format!("{MEMORY_SCHEME}{name}: {e}")))
    }
}

/// Opens `memory://NAME` (the spec's one path) as a source.
pub(crate) async fn open_memory(
    ctx: &SessionContext,
    spec: &SourceSpec,
    name: &str,
) -> Result<OpenedSource> {
    let label = spec.label();
    if spec.paths.len() != 1 {
        return Err(EngineError::BadInput {
            path: label,
            message: "an in-memory source (memory://NAME) cannot be read together with other paths"
                .into(),
        });
    }
    let df = ctx
        .table(table_name(name).as_str())
        .await
        .map_err(|_| EngineError::NotFound {
            path: label.clone(),
            message: "no in-memory data is registered under this name".into(),
        })?;
    let schema: SchemaRef = Arc::new(df.schema().as_arrow().clone());
    let session_rows = ctx.copied_config().batch_size();
    let rows = batch_rows_for(schema.fields().len(), session_rows);
    Ok(OpenedSource {
        df,
        schema,
        // The data is Arrow already: read as Arrow IPC files are (no Parquet row groups to
        // split, no CSV text to parse).
        format: DataFormat::Ipc,
        spec: spec.clone(),
        reads: Arc::default(),
        batch_rows: (rows, session_rows),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{ArrayRef, Float64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};

    use crate::profiler::{profile_source, ProfileOptions};

    fn batch(from: usize, rows: usize) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![
            Field::new("x", DataType::Float64, true),
            Field::new("s", DataType::Utf8, true),
        ]));
        let x: Float64Array = (from..from + rows).map(|i| Some(i as f64)).collect();
        let s: StringArray = (from..from + rows)
            .map(|i| Some(if i % 3 == 0 { "a" } else { "b" }))
            .collect();
        RecordBatch::try_new(schema, vec![Arc::new(x), Arc::new(s)]).unwrap()
    }

    #[tokio::test]
    async fn registered_batches_profile_as_a_source_and_count_one_read() {
        let engine = Engine::new(Some(2));
        // One large batch (as pandas gives) and a small one: sliced, never copied.
        let batches = vec![batch(0, 20_000), batch(20_000, 5)];
        engine
            .register_batches("current", batches[0].schema(), batches)
            .unwrap();
        let spec = SourceSpec::path("memory://current");
        let profile = profile_source(&engine, &spec, &ProfileOptions::default())
            .await
            .unwrap();
        assert_eq!(profile.rows, 20_005);
        let x = profile.column("x").unwrap().state.as_numeric().unwrap();
        assert_eq!(x.moments.count, 20_005);
        assert_eq!(x.min, Some(0.0));
        assert_eq!(x.max, Some(20_004.0));
        assert_eq!(x.moments.mean, 10_002.0);
        let opened = crate::open_source(engine.ctx(), &spec).await.unwrap();
        assert_eq!(opened.format, DataFormat::Ipc);
        assert_eq!(opened.read_count(), 0);
    }

    #[tokio::test]
    async fn a_registered_profile_opens_as_a_saved_profile_and_yields_to_batches() {
        let engine = Engine::new(Some(1));
        let b = batch(0, 10);
        engine.register_batches("p", b.schema(), vec![b]).unwrap();
        let spec = SourceSpec::path("memory://p");
        let profile = profile_source(&engine, &spec, &ProfileOptions::default())
            .await
            .unwrap();
        assert!(!engine.is_profile_source("memory://p"));
        engine.register_profile("p", profile.clone()).unwrap();
        assert!(engine.is_profile_source("memory://p"));
        let opened = crate::dataset::open_dataset(&engine, &spec, &ProfileOptions::default())
            .await
            .unwrap();
        match opened {
            crate::dataset::OpenedDataset::Profile(d) => {
                assert_eq!(d.profile.rows, 10);
                assert_eq!(d.label, "memory://p");
            }
            crate::dataset::OpenedDataset::Source(_) => panic!("a profile opens as a profile"),
        }
        // The batches it replaced are gone; registering batches again replaces the profile.
        assert!(crate::open_source(engine.ctx(), &spec).await.is_err());
        let b = batch(0, 4);
        engine.register_batches("p", b.schema(), vec![b]).unwrap();
        assert!(engine.memory_profile("memory://p").is_none());
        assert!(engine.register_profile("", profile).is_err());
    }

    #[tokio::test]
    async fn an_unregistered_name_and_a_mixed_spec_are_errors_naming_the_path() {
        let engine = Engine::new(Some(1));
        let err = crate::open_source(engine.ctx(), &SourceSpec::path("memory://nothing"))
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("memory://nothing"), "{err}");
        assert!(err.contains("no in-memory data"), "{err}");
        let b = batch(0, 3);
        engine.register_batches("a", b.schema(), vec![b]).unwrap();
        let mixed = SourceSpec {
            paths: vec!["memory://a".into(), "data.parquet".into()],
            ..SourceSpec::path("")
        };
        let err = crate::open_source(engine.ctx(), &mixed)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("cannot be read together"), "{err}");
    }

    #[tokio::test]
    async fn small_batches_are_joined_and_large_ones_sliced() {
        let engine = Engine::new(Some(2));
        let mut batches: Vec<RecordBatch> = (0..1000).map(|i| batch(i * 10, 10)).collect();
        batches.push(batch(10_000, 20_000));
        engine
            .register_batches("many", batches[0].schema(), batches)
            .unwrap();
        let opened = crate::open_source(engine.ctx(), &SourceSpec::path("memory://many"))
            .await
            .unwrap();
        let sizes: Vec<usize> = opened
            .df
            .collect()
            .await
            .unwrap()
            .iter()
            .map(|b| b.num_rows())
            .collect();
        // 8,192 rows a batch at 2 columns: the 10,000 small rows in two joined batches of at
        // most 8,192, the large batch in slices of 8,192.
        assert_eq!(sizes, [8_190, 1_810, 8_192, 8_192, 3_616]);
        let profile = profile_source(
            &engine,
            &SourceSpec::path("memory://many"),
            &ProfileOptions::default(),
        )
        .await
        .unwrap();
        assert_eq!(profile.rows, 30_000);
        let x = profile.column("x").unwrap().state.as_numeric().unwrap();
        assert_eq!((x.min, x.max), (Some(0.0), Some(29_999.0)));
    }

    #[tokio::test]
    async fn a_column_named_twice_is_refused() {
        let engine = Engine::new(Some(1));
        let schema = Arc::new(Schema::new(vec![
            Field::new("x", DataType::Float64, true),
            Field::new("x", DataType::Float64, true),
        ]));
        let x: ArrayRef = Arc::new(Float64Array::from(vec![1.0]));
        let b = RecordBatch::try_new(schema.clone(), vec![x.clone(), x]).unwrap();
        let err = engine
            .register_batches("d", schema, vec![b])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("memory://d") && err.contains("`x` appears twice"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn registering_again_replaces_and_a_foreign_batch_is_refused() {
        let engine = Engine::new(Some(1));
        let b = batch(0, 3);
        engine.register_batches("a", b.schema(), vec![b]).unwrap();
        let b = batch(0, 7);
        engine.register_batches("a", b.schema(), vec![b]).unwrap();
        let profile = profile_source(
            &engine,
            &SourceSpec::path("memory://a"),
            &ProfileOptions::default(),
        )
        .await
        .unwrap();
        assert_eq!(profile.rows, 7);
        let other = Arc::new(Schema::new(vec![Field::new("y", DataType::Float64, true)]));
        let err = engine
            .register_batches("b", other, vec![batch(0, 1)])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("memory://b") && err.contains("differ"),
            "{err}"
        );
        engine.deregister_batches("a").unwrap();
        assert!(
            crate::open_source(engine.ctx(), &SourceSpec::path("memory://a"))
                .await
                .is_err()
        );
    }
}
