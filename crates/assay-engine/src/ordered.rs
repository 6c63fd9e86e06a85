//! Rows kept in the source's order from the profiling read itself, for consumers whose result
//! depends on row positions (a seeded bootstrap, cross-validation folds, a model benchmark's
//! sample).
//!
//! The profiling read deals its batches to every core, so batches reach the folding tasks in
//! no fixed order. To keep rows in order anyway, such a read is planned without DataFusion's
//! round-robin repartitioning below the top of the plan and without its file-stream work
//! stealing (which hands a file of one group to another partition that ran out of work): file
//! groups are then contiguous runs of the files, in order. [`SequencedExec`] numbers every row
//! as it leaves the plan: input partition in the high bits, row index within the partition in
//! the low ones. The round-robin split the read adds above it keeps those numbers in a
//! trailing column (and may glue batches of several partitions into one); each task strips
//! the column, cuts its batches into runs of consecutive numbers ([`split_numbered`]) and keeps
//! the columns asked for with the first number of each run; [`KeptRows::from_numbered`] sorts
//! the runs of every task by it. Concatenated, they are the rows in the order a one-partition
//! read gives (the order [`crate::scan::for_each_batch_in_order`] streams).

use std::fmt;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch, UInt64Array};
use arrow::compute::concat_batches;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, UInt64Type};
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::error::Result as DfResult;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_expr::{EquivalenceProperties, PhysicalExpr};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, ExecutionPlanProperties, PlanProperties,
};
use futures::StreamExt;

/// Name of the column [`SequencedExec`] appends (stripped before anything else sees a batch).
pub const SEQUENCE_COLUMN: &str = "__assay_batch_sequence";

/// Bits of a row number given to the row's index within its input partition.
const ROW_BITS: u32 = 40;

/// Appends to every batch of its input a column holding each row's number: its input
/// partition in the high bits, its index within that partition in the low ones.
#[derive(Debug)]
pub struct SequencedExec {
    input: Arc<dyn ExecutionPlan>,
    properties: Arc<PlanProperties>,
}

impl SequencedExec {
    /// Numbers the batches of `input`.
    pub fn new(input: Arc<dyn ExecutionPlan>) -> Self {
        let mut fields: Vec<Arc<Field>> = input.schema().fields().iter().cloned().collect();
        fields.push(Arc::new(Field::new(
            SEQUENCE_COLUMN,
            DataType::UInt64,
            false,
        )));
        let schema = Arc::new(Schema::new_with_metadata(
            fields,
            input.schema().metadata().clone(),
        ));
        let properties = Arc::new(PlanProperties::new(
            EquivalenceProperties::new(schema),
            input.output_partitioning().clone(),
            EmissionType::Incremental,
            Boundedness::Bounded,
        ));
        Self { input, properties }
    }
}

impl DisplayAs for SequencedExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "SequencedExec")
    }
}

impl ExecutionPlan for SequencedExec {
    fn name(&self) -> &str {
        "SequencedExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> DfResult<TreeNodeRecursion>,
    ) -> DfResult<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        mut children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        match children.pop() {
            Some(input) if children.is_empty() => Ok(Arc::new(SequencedExec::new(input))),
            _ => Err(datafusion::error::DataFusionError::Internal(
                "SequencedExec takes exactly one input".into(),
            )),
        }
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> DfResult<SendableRecordBatchStream> {
        let schema = self.schema();
        let out_schema = schema.clone();
        let mut next = (partition as u64) << ROW_BITS;
        let numbered = self.input.execute(partition, context)?.map(move |batch| {
            let batch = batch?;
            let n = batch.num_rows() as u64;
            let column: ArrayRef = Arc::new(UInt64Array::from_iter_values(next..next + n));
            next += n;
            let mut columns = batch.columns().to_vec();
            columns.push(column);
            Ok(RecordBatch::try_new(out_schema.clone(), columns)?)
        });
        Ok(Box::pin(RecordBatchStreamAdapter::new(schema, numbered)))
    }
}

/// A run of consecutively numbered rows in a batch: the first row's number, the run's offset
/// in the batch and its length.
pub type NumberedRun = (u64, usize, usize);

/// The name of the first node of `plan` that mixes rows of several partitions (a
/// repartition, a merge), which would break the order [`SequencedExec`] numbers; `None` when
/// every partition flows straight from its file group.
pub fn mixing_node(plan: &Arc<dyn ExecutionPlan>) -> Option<String> {
    let name = plan.name();
    if matches!(
        name,
        "RepartitionExec" | "CoalescePartitionsExec" | "SortPreservingMergeExec" | "UnionExec"
    ) {
        return Some(name.to_string());
    }
    plan.children().into_iter().find_map(mixing_node)
}

/// Splits a batch numbered by [`SequencedExec`] into runs of consecutively numbered rows and
/// its other columns.
pub fn split_numbered(batch: &RecordBatch) -> Result<(Vec<NumberedRun>, RecordBatch), String> {
    let last = batch
        .num_columns()
        .checked_sub(1)
        .ok_or("internal: a numbered batch has no columns")?;
    if batch.schema().field(last).name() != SEQUENCE_COLUMN {
        return Err("internal: a batch of an ordered read lost its row numbers".into());
    }
    let numbers = batch
        .column(last)
        .as_primitive_opt::<UInt64Type>()
        .ok_or("internal: row numbers are not unsigned integers")?;
    if numbers.null_count() > 0 {
        return Err("internal: a row of an ordered read has no number".into());
    }
    let numbers = numbers.values();
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=numbers.len() {
        if i == numbers.len() || numbers[i] != numbers[i - 1].wrapping_add(1) {
            runs.push((numbers[start], start, i - start));
            start = i;
        }
    }
    let rest: Vec<usize> = (0..last).collect();
    let data = batch.project(&rest).map_err(|e| e.to_string())?;
    Ok((runs, data))
}

/// Rows of some columns of a dataset, kept in the source's row order from its profiling read
/// ([`crate::ProfileOptions::keep_rows`]).
#[derive(Debug)]
pub struct KeptRows {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
    /// Every row as one batch, made on first use ([`KeptRows::concatenated`]).
    whole: std::sync::OnceLock<Option<RecordBatch>>,
}

impl KeptRows {
    /// Puts runs of rows numbered by [`SequencedExec`] (each with the number of its first row,
    /// gathered by any number of tasks, in any order) back in the source's order. Runs that
    /// overlap are an internal error.
    pub fn from_numbered(
        schema: SchemaRef,
        mut numbered: Vec<(u64, RecordBatch)>,
    ) -> Result<Self, String> {
        numbered.sort_unstable_by_key(|(n, _)| *n);
        let overlap = numbered
            .windows(2)
            .any(|w| w[0].0 + w[0].1.num_rows() as u64 > w[1].0);
        if overlap {
            return Err("internal: two runs of an ordered read share row numbers".into());
        }
        Ok(Self {
            schema,
            batches: numbered.into_iter().map(|(_, b)| b).collect(),
            whole: std::sync::OnceLock::new(),
        })
    }

    /// The kept columns.
    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// The batches in row order.
    pub fn batches(&self) -> &[RecordBatch] {
        &self.batches
    }

    /// Number of rows.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// True when `column` was kept.
    pub fn has(&self, column: &str) -> bool {
        self.schema.field_with_name(column).is_ok()
    }

    /// Every kept row as one batch (`None` when there are none), concatenated once and kept
    /// (later calls share its buffers).
    pub fn concatenated(&self) -> Result<Option<RecordBatch>, String> {
        if let Some(whole) = self.whole.get() {
            return Ok(whole.clone());
        }
        let whole = if self.num_rows() == 0 {
            None
        } else {
            Some(concat_batches(&self.schema, &self.batches).map_err(|e| e.to_string())?)
        };
        Ok(self.whole.get_or_init(|| whole).clone())
    }

    /// The kept rows of `columns` (in that order) as one batch (`None` when there are no rows),
    /// sharing the buffers of [`KeptRows::concatenated`].
    pub fn select(&self, columns: &[String]) -> Result<Option<RecordBatch>, String> {
        let indices: Vec<usize> = columns
            .iter()
            .map(|c| {
                self.schema
                    .index_of(c)
                    .map_err(|_| format!("internal: column `{c}` was not kept from the read"))
            })
            .collect::<Result<_, _>>()?;
        match self.concatenated()? {
            None => Ok(None),
            Some(all) => all.project(&indices).map(Some).map_err(|e| e.to_string()),
        }
    }

    /// Bytes held by the kept arrays.
    pub fn memory_bytes(&self) -> usize {
        self.batches
            .iter()
            .flat_map(|b| b.columns())
            .map(|a| a.get_array_memory_size())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Int64Array;

    fn numbered(numbers: &[u64], values: &[i64]) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![
            Field::new("x", DataType::Int64, false),
            Field::new(SEQUENCE_COLUMN, DataType::UInt64, false),
        ]));
        RecordBatch::try_new(
            schema,
            vec![
                Arc::new(Int64Array::from(values.to_vec())),
                Arc::new(UInt64Array::from(numbers.to_vec())),
            ],
        )
        .unwrap()
    }

    fn kept(batches: &[RecordBatch]) -> Result<KeptRows, String> {
        let mut gathered = Vec::new();
        for b in batches {
            let (runs, data) = split_numbered(b)?;
            for (number, start, len) in runs {
                gathered.push((number, data.slice(start, len)));
            }
        }
        let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, false)]));
        KeptRows::from_numbered(schema, gathered)
    }

    #[test]
    fn runs_of_rows_numbered_by_partition_come_back_in_order() {
        let p1 = 1u64 << ROW_BITS;
        // The round-robin split may glue rows of two partitions into one batch.
        let batches = [
            numbered(&[p1 + 2, p1 + 3, 0, 1], &[7, 8, 1, 2]),
            numbered(&[p1, p1 + 1], &[5, 6]),
            numbered(&[2, 3], &[3, 4]),
            numbered(&[], &[]),
        ];
        let rows = kept(&batches).unwrap();
        assert_eq!(rows.num_rows(), 8);
        let all = rows.concatenated().unwrap().unwrap();
        let x = all.column(0).as_primitive::<arrow::datatypes::Int64Type>();
        assert_eq!(x.values().to_vec(), vec![1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(all.num_columns(), 1);
        let (runs, _) = split_numbered(&batches[0]).unwrap();
        assert_eq!(runs, vec![(p1 + 2, 0, 2), (0, 2, 2)]);
    }

    #[test]
    fn a_plan_that_mixes_partitions_is_named() {
        use datafusion::physical_plan::empty::EmptyExec;
        use datafusion::physical_plan::repartition::RepartitionExec;
        use datafusion::physical_plan::Partitioning;
        let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, false)]));
        let leaf: Arc<dyn ExecutionPlan> = Arc::new(EmptyExec::new(schema));
        assert_eq!(mixing_node(&leaf), None);
        let split: Arc<dyn ExecutionPlan> =
            Arc::new(RepartitionExec::try_new(leaf, Partitioning::RoundRobinBatch(2)).unwrap());
        let numbered: Arc<dyn ExecutionPlan> = Arc::new(SequencedExec::new(split));
        assert_eq!(mixing_node(&numbered).as_deref(), Some("RepartitionExec"));
    }

    #[test]
    fn overlapping_runs_and_lost_numbers_are_internal_errors() {
        let overlap = kept(&[numbered(&[3, 4], &[1, 2]), numbered(&[4], &[3])]);
        assert!(overlap.unwrap_err().contains("share row numbers"));
        let plain = RecordBatch::try_new(
            Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, false)])),
            vec![Arc::new(Int64Array::from(vec![1]))],
        )
        .unwrap();
        assert!(split_numbered(&plain)
            .unwrap_err()
            .contains("lost its row numbers"));
    }
}
