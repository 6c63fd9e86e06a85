//! Streaming the raw values of a few columns, for checks that need exactness
//! (duplicates, train–test overlap, id uniqueness, PII, leakage).

use arrow::record_batch::RecordBatch;
use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::{ident, DataFrame};
use futures::StreamExt;

use crate::error::{contain_read, read_error, EngineError, Result};
use crate::source::{column_list, OpenedSource};

/// Streams `columns` of `source` batch by batch into `f`, reading only those columns
/// (projection pushed into the Parquet/CSV reader). Decoding runs on every core; `f` sees
/// batches one at a time, so memory stays bounded by the batch size and `f`'s own state.
pub async fn for_each_batch<F>(source: &OpenedSource, columns: &[String], f: F) -> Result<()>
where
    F: FnMut(&RecordBatch) -> Result<()>,
{
    scan(source, columns, f, false).await
}

/// Like [`for_each_batch`], but the batches arrive in the source's row order, the same on
/// every run whatever the number of threads (partitions are read one after the other): for
/// consumers whose result depends on row positions, such as a seeded bootstrap.
pub async fn for_each_batch_in_order<F>(
    source: &OpenedSource,
    columns: &[String],
    f: F,
) -> Result<()>
where
    F: FnMut(&RecordBatch) -> Result<()>,
{
    scan(source, columns, f, true).await
}

async fn scan<F>(source: &OpenedSource, columns: &[String], mut f: F, in_order: bool) -> Result<()>
where
    F: FnMut(&RecordBatch) -> Result<()>,
{
    let label = source.spec.label();
    for c in columns {
        if source.schema.field_with_name(c).is_err() {
            return Err(EngineError::Column {
                column: c.clone(),
                message: format!(
                    "{label} has no such column (columns: {})",
                    column_list(&source.schema)
                ),
            });
        }
    }
    source.count_read();
    let exprs: Vec<_> = columns.iter().map(ident).collect();
    let df = source
        .df
        .clone()
        .select(exprs)
        .map_err(|e| read_error(&label, e))?;
    // A few columns of a wide source read batches sized for those columns, not for all of
    // the source's (`OpenedSource::batch_rows`).
    let (all_columns, session_rows) = source.batch_rows;
    let batch_rows = crate::source::batch_rows_for(columns.len(), session_rows);
    let df = if in_order || batch_rows != all_columns {
        let (state, plan) = df.into_parts();
        let mut config = state.config().clone().with_batch_size(batch_rows);
        if in_order {
            // One partition: DataFusion may otherwise repartition round-robin (for example
            // ahead of the CSV null-marker projection), and partitions concatenated are then
            // no longer in file order.
            config = config.with_target_partitions(1);
        }
        let state = SessionStateBuilder::new_from_existing(state)
            .with_config(config)
            .build();
        DataFrame::new(state, plan)
    } else {
        df
    };
    let streams = contain_read(&label, async {
        if in_order {
            df.execute_stream_partitioned()
                .await
                .map_err(|e| read_error(&label, e))
        } else {
            Ok(vec![df
                .execute_stream()
                .await
                .map_err(|e| read_error(&label, e))?])
        }
    })
    .await?;
    for mut stream in streams {
        // Only the reader is contained here: `f`'s own faults are its caller's to handle.
        while let Some(batch) = contain_read(&label, async { Ok(stream.next().await) }).await? {
            let batch = batch.map_err(|e| read_error(&label, e))?;
            f(&batch)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine;
    use crate::source::{open_source, SourceSpec};
    use arrow::array::{ArrayRef, Int32Array};
    use arrow::datatypes::{DataType, Field, Schema};
    use std::sync::Arc;

    /// One column of a 600-column file (whose full reads take batches of 6,990 rows) is read
    /// in batches of the session's 8,192 rows, in order or not, every row once.
    #[tokio::test]
    async fn a_few_columns_of_a_wide_file_read_full_batches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wide.parquet");
        let rows = 9_000;
        let fields: Vec<Field> = (0..600)
            .map(|i| Field::new(format!("c{i}"), DataType::Int32, false))
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let column: ArrayRef = Arc::new(Int32Array::from_iter_values(0..rows));
        let batch = RecordBatch::try_new(schema.clone(), vec![column; 600]).unwrap();
        let file = std::fs::File::create(&path).unwrap();
        let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema, None).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();

        let engine = Engine::new(Some(2));
        let opened = open_source(engine.ctx(), &SourceSpec::path(path.to_str().unwrap()))
            .await
            .unwrap();
        assert_eq!(opened.batch_rows, (6_990, 8_192));
        for in_order in [false, true] {
            let mut sizes = Vec::new();
            let mut sum = 0i64;
            scan(
                &opened,
                &["c7".to_string()],
                |b| {
                    sizes.push(b.num_rows());
                    let values = b.column(0).as_any().downcast_ref::<Int32Array>().unwrap();
                    sum += values.values().iter().map(|v| i64::from(*v)).sum::<i64>();
                    Ok(())
                },
                in_order,
            )
            .await
            .unwrap();
            sizes.sort_unstable();
            assert_eq!(sizes, vec![808, 8_192], "in order: {in_order}");
            assert_eq!(sum, i64::from(rows) * i64::from(rows - 1) / 2);
        }
    }
}
