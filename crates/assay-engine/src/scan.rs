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
    let streams = contain_read(&label, async {
        if in_order {
            // One partition: DataFusion may otherwise repartition round-robin (for example
            // ahead of the CSV null-marker projection), and partitions concatenated are then no
            // longer in file order.
            let (state, plan) = df.into_parts();
            let config = state.config().clone().with_target_partitions(1);
            let state = SessionStateBuilder::new_from_existing(state)
                .with_config(config)
                .build();
            DataFrame::new(state, plan)
                .execute_stream_partitioned()
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
