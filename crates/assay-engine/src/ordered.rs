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
//!
//! Kept rows are held in memory up to a budget ([`RowStore`]); runs past it are written to a
//! file in the temporary directory (`TMPDIR`) as they come, each run an Arrow IPC stream of its
//! own (so dictionary columns keep their own dictionaries), and read back one run at a time, in
//! order, by [`KeptRows::for_each_batch`]: a consumer that streams the rows (a row pass) needs
//! no second read of the source and no more memory than the budget.

use std::fmt;
use std::fs::File;
use std::io::{Cursor, Read, Seek, SeekFrom, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch, UInt64Array};
use arrow::compute::concat_batches;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, UInt64Type};
use arrow::ipc::reader::StreamReader;
use arrow::ipc::writer::StreamWriter;
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

/// Where the runs of kept rows go as a read gathers them: memory up to a budget shared by
/// every folding task, then an Arrow IPC file in the temporary directory.
pub struct RowStore {
    budget: usize,
    in_memory: AtomicUsize,
    /// The spill file and its length, once a run went past the budget.
    spill: Mutex<Option<(File, u64)>>,
}

impl fmt::Debug for RowStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RowStore")
            .field("budget", &self.budget)
            .field("in_memory", &self.in_memory.load(Ordering::Relaxed))
            .finish()
    }
}

/// A run of kept rows: in memory, or an IPC stream at `offset` of the spill file.
#[derive(Debug, Clone)]
pub enum KeptRun {
    /// Held in memory.
    Memory(RecordBatch),
    /// Written to the spill file.
    Spilled {
        /// Where its stream starts in the spill file.
        offset: u64,
        /// Its stream's length in bytes.
        len: usize,
        /// Its number of rows.
        rows: usize,
    },
}

impl KeptRun {
    fn rows(&self) -> usize {
        match self {
            KeptRun::Memory(b) => b.num_rows(),
            KeptRun::Spilled { rows, .. } => *rows,
        }
    }
}

fn spill_error(e: impl fmt::Display) -> String {
    format!(
        "keeping rows in a temporary file: {e} (point TMPDIR at a disk with room, or raise \
         options.rows_memory_mib)"
    )
}

/// Bytes a batch's arrays take, counting only the part of shared buffers a slice covers.
fn slice_bytes(batch: &RecordBatch) -> usize {
    batch
        .columns()
        .iter()
        .map(|a| {
            a.to_data()
                .get_slice_memory_size()
                .unwrap_or_else(|_| a.get_array_memory_size())
        })
        .sum()
}

/// The batch with its string and binary views compacted: a sliced view array references every
/// buffer of its parent, and IPC writes them all.
fn compact_views(batch: RecordBatch) -> Result<RecordBatch, String> {
    let columns: Vec<ArrayRef> = batch
        .columns()
        .iter()
        .map(|a| match a.data_type() {
            DataType::Utf8View => Arc::new(a.as_string_view().gc()) as ArrayRef,
            DataType::BinaryView => Arc::new(a.as_binary_view().gc()) as ArrayRef,
            _ => Arc::clone(a),
        })
        .collect();
    RecordBatch::try_new(batch.schema(), columns).map_err(spill_error)
}

impl RowStore {
    /// A store holding up to `budget` bytes of rows in memory.
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            in_memory: AtomicUsize::new(0),
            spill: Mutex::new(None),
        }
    }

    /// Keeps a run: in memory while the budget allows, else appended to the spill file as an
    /// IPC stream of its own (encoded before the file's lock is taken).
    pub fn keep(&self, rows: RecordBatch) -> Result<KeptRun, String> {
        let bytes = slice_bytes(&rows);
        let fits = self
            .in_memory
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                (used.saturating_add(bytes) <= self.budget).then_some(used + bytes)
            })
            .is_ok();
        if fits {
            return Ok(KeptRun::Memory(rows));
        }
        let rows = compact_views(rows)?;
        let mut encoded = Vec::with_capacity(bytes + 1024);
        {
            let mut writer =
                StreamWriter::try_new(&mut encoded, &rows.schema()).map_err(spill_error)?;
            writer.write(&rows).map_err(spill_error)?;
            writer.finish().map_err(spill_error)?;
        }
        let mut spill = self
            .spill
            .lock()
            .map_err(|_| "internal: the kept-rows spill lock is poisoned".to_string())?;
        if spill.is_none() {
            *spill = Some((tempfile::tempfile().map_err(spill_error)?, 0));
        }
        let Some((file, end)) = spill.as_mut() else {
            return Err("internal: the kept-rows spill file is missing".into());
        };
        let offset = *end;
        file.seek(SeekFrom::Start(offset)).map_err(spill_error)?;
        file.write_all(&encoded).map_err(spill_error)?;
        *end += encoded.len() as u64;
        Ok(KeptRun::Spilled {
            offset,
            len: encoded.len(),
            rows: rows.num_rows(),
        })
    }

    /// The spill file, if any run went to it.
    fn finish(self) -> Result<Option<Mutex<File>>, String> {
        let spill = self
            .spill
            .into_inner()
            .map_err(|_| "internal: the kept-rows spill lock is poisoned".to_string())?;
        Ok(spill.map(|(file, _)| Mutex::new(file)))
    }
}

/// Rows of some columns of a dataset, kept in the source's row order from its profiling read
/// ([`crate::ProfileOptions::keep_rows`]): in memory up to a budget, the rest in a temporary
/// Arrow IPC file ([`RowStore`]).
pub struct KeptRows {
    schema: SchemaRef,
    runs: Vec<KeptRun>,
    spill: Option<Mutex<File>>,
    /// Every row as one batch, made on first use ([`KeptRows::concatenated`]).
    whole: std::sync::OnceLock<Option<RecordBatch>>,
}

impl fmt::Debug for KeptRows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeptRows")
            .field("schema", &self.schema)
            .field("runs", &self.runs.len())
            .field("spilled", &self.spilled_runs())
            .finish()
    }
}

impl KeptRows {
    /// Puts runs of rows numbered by [`SequencedExec`] (each with the number of its first row,
    /// gathered by any number of tasks, in any order, kept in `store`) back in the source's
    /// order. Runs that overlap are an internal error. The schema is the runs' own
    /// (`declared` when there are none).
    pub fn from_numbered(
        declared: SchemaRef,
        store: RowStore,
        mut numbered: Vec<(u64, KeptRun)>,
    ) -> Result<Self, String> {
        numbered.sort_unstable_by_key(|(n, _)| *n);
        let overlap = numbered
            .windows(2)
            .any(|w| w[0].0 + w[0].1.rows() as u64 > w[1].0);
        if overlap {
            return Err("internal: two runs of an ordered read share row numbers".into());
        }
        let mut rows = Self {
            schema: declared,
            runs: numbered.into_iter().map(|(_, run)| run).collect(),
            spill: store.finish()?,
            whole: std::sync::OnceLock::new(),
        };
        // The runs' own schema (the reader's types, which may differ from the declared ones).
        let first = match rows.runs.first() {
            Some(KeptRun::Memory(b)) => Some(b.schema()),
            Some(KeptRun::Spilled { offset, len, .. }) => {
                Some(rows.read_spilled(*offset, *len)?.schema())
            }
            None => None,
        };
        if let Some(schema) = first {
            rows.schema = schema;
        }
        Ok(rows)
    }

    /// The kept columns.
    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// Number of rows.
    pub fn num_rows(&self) -> usize {
        self.runs.iter().map(KeptRun::rows).sum()
    }

    /// Number of runs written to the spill file.
    pub fn spilled_runs(&self) -> usize {
        self.runs
            .iter()
            .filter(|r| matches!(r, KeptRun::Spilled { .. }))
            .count()
    }

    /// True when `column` was kept.
    pub fn has(&self, column: &str) -> bool {
        self.schema.field_with_name(column).is_ok()
    }

    /// Calls `f` with every run of rows in order, those in the spill file read back one at a
    /// time (at most one of them in memory at once).
    pub fn for_each_batch(
        &self,
        mut f: impl FnMut(&RecordBatch) -> Result<(), String>,
    ) -> Result<(), String> {
        for run in &self.runs {
            match run {
                KeptRun::Memory(batch) => f(batch)?,
                KeptRun::Spilled { offset, len, .. } => f(&self.read_spilled(*offset, *len)?)?,
            }
        }
        Ok(())
    }

    fn read_spilled(&self, offset: u64, len: usize) -> Result<RecordBatch, String> {
        let spill = self
            .spill
            .as_ref()
            .ok_or("internal: kept rows were spilled but the spill file is missing")?;
        let mut bytes = vec![0u8; len];
        {
            let mut file = spill
                .lock()
                .map_err(|_| "internal: the kept-rows spill lock is poisoned".to_string())?;
            file.seek(SeekFrom::Start(offset)).map_err(spill_error)?;
            file.read_exact(&mut bytes).map_err(spill_error)?;
        }
        let mut reader = StreamReader::try_new(Cursor::new(bytes), None).map_err(spill_error)?;
        match reader.next() {
            Some(Ok(batch)) => Ok(batch),
            Some(Err(e)) => Err(spill_error(e)),
            None => Err("internal: a spilled run of kept rows is missing".into()),
        }
    }

    /// Every kept row as one batch (`None` when there are none), concatenated once and kept
    /// (later calls share its buffers); spilled runs are read back for it.
    pub fn concatenated(&self) -> Result<Option<RecordBatch>, String> {
        if let Some(whole) = self.whole.get() {
            return Ok(whole.clone());
        }
        let whole = if self.num_rows() == 0 {
            None
        } else {
            let mut batches = Vec::with_capacity(self.runs.len());
            self.for_each_batch(|b| {
                batches.push(b.clone());
                Ok(())
            })?;
            Some(concat_batches(&self.schema, &batches).map_err(|e| e.to_string())?)
        };
        Ok(self.whole.get_or_init(|| whole).clone())
    }

    /// Once [`KeptRows::concatenated`] has made the whole batch, keeps that batch alone (the
    /// runs and the spill file are dropped): its consumers and later streams then share one
    /// copy of the rows instead of two.
    pub fn keep_concatenated_only(&mut self) {
        if let Some(Some(whole)) = self.whole.get() {
            self.runs = vec![KeptRun::Memory(whole.clone())];
            self.spill = None;
        }
    }

    /// The kept rows of `columns` (in that order) as one batch (`None` when there are no rows),
    /// sharing the buffers of [`KeptRows::concatenated`].
    pub fn select(&self, columns: &[String]) -> Result<Option<RecordBatch>, String> {
        let indices = self.indices(columns)?;
        match self.concatenated()? {
            None => Ok(None),
            Some(all) => all.project(&indices).map(Some).map_err(|e| e.to_string()),
        }
    }

    /// The positions of `columns` among the kept ones.
    pub fn indices(&self, columns: &[String]) -> Result<Vec<usize>, String> {
        columns
            .iter()
            .map(|c| {
                self.schema
                    .index_of(c)
                    .map_err(|_| format!("internal: column `{c}` was not kept from the read"))
            })
            .collect()
    }

    /// Bytes held in memory by the kept arrays (the spilled runs not counted).
    pub fn memory_bytes(&self) -> usize {
        self.runs
            .iter()
            .filter_map(|r| match r {
                KeptRun::Memory(b) => Some(b),
                KeptRun::Spilled { .. } => None,
            })
            .map(slice_bytes)
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

    fn kept_within(batches: &[RecordBatch], budget: usize) -> Result<KeptRows, String> {
        let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, false)]));
        let store = RowStore::new(budget);
        let mut gathered = Vec::new();
        for b in batches {
            let (runs, data) = split_numbered(b)?;
            for (number, start, len) in runs {
                gathered.push((number, store.keep(data.slice(start, len))?));
            }
        }
        KeptRows::from_numbered(schema, store, gathered)
    }

    fn kept(batches: &[RecordBatch]) -> Result<KeptRows, String> {
        kept_within(batches, usize::MAX)
    }

    fn values(batch: &RecordBatch) -> Vec<i64> {
        let x = batch
            .column(0)
            .as_primitive::<arrow::datatypes::Int64Type>();
        x.values().to_vec()
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
    fn runs_past_the_memory_budget_are_spilled_and_read_back_in_order() {
        let p1 = 1u64 << ROW_BITS;
        let batches = [
            numbered(&[p1 + 2, p1 + 3, 0, 1], &[7, 8, 1, 2]),
            numbered(&[p1, p1 + 1], &[5, 6]),
            numbered(&[2, 3], &[3, 4]),
        ];
        let expected: Vec<i64> = (1..=8).collect();
        // Room for one run in memory: the others go to the file.
        let (_, data) = split_numbered(&batches[2]).unwrap();
        let one_run = slice_bytes(&data);
        for budget in [one_run, 0] {
            let rows = kept_within(&batches, budget).unwrap();
            assert_eq!(rows.num_rows(), 8);
            assert!(rows.spilled_runs() >= 3, "{budget}: {rows:?}");
            assert!(rows.memory_bytes() <= budget);
            let mut streamed = Vec::new();
            rows.for_each_batch(|b| {
                streamed.extend(values(b));
                Ok(())
            })
            .unwrap();
            assert_eq!(streamed, expected, "{budget}");
            let all = rows.concatenated().unwrap().unwrap();
            assert_eq!(values(&all), expected, "{budget}");
        }
        assert_eq!(kept_within(&batches, 0).unwrap().spilled_runs(), 4);
        assert_eq!(kept(&batches).unwrap().spilled_runs(), 0);
    }

    #[test]
    fn spilled_dictionary_runs_keep_their_own_dictionaries() {
        use arrow::array::{DictionaryArray, StringArray};
        use arrow::datatypes::Int32Type;
        let dict = |values: &[&str]| -> RecordBatch {
            let a: DictionaryArray<Int32Type> = values.iter().copied().collect();
            RecordBatch::try_from_iter([("c", Arc::new(a) as ArrayRef)]).unwrap()
        };
        let (a, b) = (dict(&["x", "y", "x"]), dict(&["z", "w"]));
        let store = RowStore::new(0);
        let runs = vec![
            (3, store.keep(b.clone()).unwrap()),
            (0, store.keep(a.clone()).unwrap()),
        ];
        let rows = KeptRows::from_numbered(a.schema(), store, runs).unwrap();
        assert_eq!(rows.spilled_runs(), 2);
        let all = rows.concatenated().unwrap().unwrap();
        let text = arrow::compute::cast(all.column(0), &DataType::Utf8).unwrap();
        let text = text.as_any().downcast_ref::<StringArray>().unwrap();
        let got: Vec<&str> = text.iter().map(|v| v.unwrap()).collect();
        assert_eq!(got, ["x", "y", "x", "z", "w"]);
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
