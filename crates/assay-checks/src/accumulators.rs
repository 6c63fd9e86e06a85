//! Row accumulators shared by checks that need raw values: row hashes, range counters,
//! string-length counters, PII counters and feature/target contingency tables.

use std::any::Any;

use ahash::{AHashMap, AHashSet};
use arrow::array::{Array, ArrayRef, AsArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Float64Type};
use arrow::record_batch::RecordBatch;
use datafusion::common::hash_utils::create_hashes;

use assay_stats::leakage::{quantile_bucket, Contingency};
use assay_stats::pii::{detect, PiiKind, PiiMatches};

use crate::check::RowAccumulator;

pub(crate) fn column(batch: &RecordBatch, name: &str) -> Result<ArrayRef, String> {
    batch
        .column_by_name(name)
        .cloned()
        .ok_or_else(|| format!("column `{name}` missing from the scanned batch"))
}

pub(crate) fn as_f64(a: &ArrayRef, name: &str) -> Result<ArrayRef, String> {
    let a = match a.data_type() {
        DataType::Date32
        | DataType::Date64
        | DataType::Timestamp(_, _)
        | DataType::Time32(_)
        | DataType::Time64(_)
        | DataType::Duration(_) => {
            cast(a, &DataType::Int64).map_err(|e| format!("column `{name}`: {e}"))?
        }
        _ => a.clone(),
    };
    cast(&a, &DataType::Float64).map_err(|e| format!("column `{name}` is not numeric: {e}"))
}

fn as_utf8(a: &ArrayRef, name: &str) -> Result<ArrayRef, String> {
    cast(a, &DataType::Utf8).map_err(|e| format!("column `{name}` cannot be read as text: {e}"))
}

/// What to do with row hashes.
#[derive(Debug)]
pub enum HashMode {
    /// Count rows equal to an earlier row (pandas `duplicated()`).
    CountDuplicates {
        /// Distinct row hashes seen so far.
        seen: AHashSet<u128>,
        /// Rows whose hash was already seen.
        duplicates: u64,
    },
    /// Collect the distinct row hashes (for the reference side of an overlap test).
    CollectSet(AHashSet<u128>),
    /// Keep every row's hash in order (for the current side of an overlap test).
    CollectAll(Vec<u128>),
}

/// Hashes whole rows over `columns` with two independent 64-bit hashes (128 bits in all;
/// the chance of any false match among 10^8 rows is below 10^-22).
pub struct RowHashes {
    /// Columns hashed.
    pub columns: Vec<String>,
    /// Rows seen.
    pub rows: u64,
    /// Accumulated state.
    pub mode: HashMode,
    seeds: [foldhash::quality::FixedState; 2],
}

impl RowHashes {
    /// A hasher over `columns` in `mode`.
    pub fn new(columns: Vec<String>, mode: HashMode) -> Self {
        Self {
            columns,
            rows: 0,
            mode,
            seeds: [
                foldhash::quality::FixedState::with_seed(0x5eed_0001_a55a_7001),
                foldhash::quality::FixedState::with_seed(0x5eed_0002_a55a_7002),
            ],
        }
    }
}

impl RowAccumulator for RowHashes {
    fn columns(&self) -> Vec<String> {
        self.columns.clone()
    }

    fn update(&mut self, batch: &RecordBatch) -> Result<(), String> {
        let arrays: Vec<ArrayRef> = self
            .columns
            .iter()
            .map(|c| column(batch, c).and_then(|a| hashable(&a)))
            .collect::<Result<_, _>>()?;
        let n = batch.num_rows();
        let mut h1 = vec![0u64; n];
        let mut h2 = vec![0u64; n];
        create_hashes(&arrays, &self.seeds[0], &mut h1).map_err(|e| e.to_string())?;
        create_hashes(&arrays, &self.seeds[1], &mut h2).map_err(|e| e.to_string())?;
        self.rows += n as u64;
        for i in 0..n {
            let h = (u128::from(h1[i]) << 64) | u128::from(h2[i]);
            match &mut self.mode {
                HashMode::CountDuplicates { seen, duplicates } => {
                    if !seen.insert(h) {
                        *duplicates += 1;
                    }
                }
                HashMode::CollectSet(set) => {
                    set.insert(h);
                }
                HashMode::CollectAll(v) => v.push(h),
            }
        }
        Ok(())
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }

    fn fork(&self) -> Option<Box<dyn RowAccumulator>> {
        let mode = match &self.mode {
            HashMode::CountDuplicates { .. } => HashMode::CountDuplicates {
                seen: AHashSet::new(),
                duplicates: 0,
            },
            HashMode::CollectSet(_) => HashMode::CollectSet(AHashSet::new()),
            HashMode::CollectAll(_) => HashMode::CollectAll(Vec::new()),
        };
        Some(Box::new(RowHashes::new(self.columns.clone(), mode)))
    }

    fn merge(&mut self, other: Box<dyn Any>) -> Result<(), String> {
        let other: RowHashes = crate::check::downcast(other)?;
        self.rows += other.rows;
        match (&mut self.mode, other.mode) {
            (
                HashMode::CountDuplicates { seen, duplicates },
                HashMode::CountDuplicates { seen: more, .. },
            ) => {
                // Every row but the first of each distinct hash is a duplicate, whichever
                // copy saw it first.
                seen.extend(more);
                *duplicates = self.rows - seen.len() as u64;
            }
            (HashMode::CollectSet(set), HashMode::CollectSet(more)) => set.extend(more),
            (HashMode::CollectAll(all), HashMode::CollectAll(more)) => all.extend(more),
            _ => return Err("internal: merging row hashes of another mode".into()),
        }
        Ok(())
    }
}

/// Counts non-null finite values of a numeric column outside `[lo, hi]`.
pub struct OutsideRange {
    /// Column.
    pub column: String,
    /// Lower bound (inclusive).
    pub lo: f64,
    /// Upper bound (inclusive).
    pub hi: f64,
    /// Values below `lo`.
    pub below: u64,
    /// Values above `hi`.
    pub above: u64,
    /// Finite non-null values seen.
    pub total: u64,
}

impl OutsideRange {
    /// A counter for `column` and `[lo, hi]`.
    pub fn new(column: &str, lo: f64, hi: f64) -> Self {
        Self {
            column: column.to_string(),
            lo,
            hi,
            below: 0,
            above: 0,
            total: 0,
        }
    }
}

impl RowAccumulator for OutsideRange {
    fn columns(&self) -> Vec<String> {
        vec![self.column.clone()]
    }

    fn update(&mut self, batch: &RecordBatch) -> Result<(), String> {
        let a = as_f64(&column(batch, &self.column)?, &self.column)?;
        for v in a.as_primitive::<Float64Type>().iter().flatten() {
            if !v.is_finite() {
                continue;
            }
            self.total += 1;
            if v < self.lo {
                self.below += 1;
            } else if v > self.hi {
                self.above += 1;
            }
        }
        Ok(())
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }

    fn fork(&self) -> Option<Box<dyn RowAccumulator>> {
        Some(Box::new(OutsideRange::new(&self.column, self.lo, self.hi)))
    }

    fn merge(&mut self, other: Box<dyn Any>) -> Result<(), String> {
        let other: OutsideRange = crate::check::downcast(other)?;
        self.below += other.below;
        self.above += other.above;
        self.total += other.total;
        Ok(())
    }
}

/// Counts the non-null strings of a column by length (in Unicode characters): exact, small
/// (one entry per distinct length) and independent of any bounds, so it can be taken during the
/// profiling read before the bounds are known.
pub struct LengthCounts {
    /// Column.
    pub column: String,
    /// Values per length.
    pub by_length: AHashMap<u64, u64>,
}

impl LengthCounts {
    /// A counter for `column`.
    pub fn new(column: &str) -> Self {
        Self {
            column: column.to_string(),
            by_length: AHashMap::new(),
        }
    }

    /// Values whose length lies outside `[min, max]`.
    pub fn outside(&self, min: u64, max: u64) -> u64 {
        self.by_length
            .iter()
            .filter(|(len, _)| **len < min || **len > max)
            .map(|(_, n)| n)
            .sum()
    }
}

impl RowAccumulator for LengthCounts {
    fn columns(&self) -> Vec<String> {
        vec![self.column.clone()]
    }

    fn update(&mut self, batch: &RecordBatch) -> Result<(), String> {
        let a = as_utf8(&column(batch, &self.column)?, &self.column)?;
        for v in a.as_string::<i32>().iter().flatten() {
            // Byte length equals character length for ASCII, the common case.
            let len = if v.is_ascii() {
                v.len()
            } else {
                v.chars().count()
            };
            *self.by_length.entry(len as u64).or_default() += 1;
        }
        Ok(())
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }

    fn fork(&self) -> Option<Box<dyn RowAccumulator>> {
        Some(Box::new(LengthCounts::new(&self.column)))
    }

    fn merge(&mut self, other: Box<dyn Any>) -> Result<(), String> {
        let other: LengthCounts = crate::check::downcast(other)?;
        for (len, n) in other.by_length {
            *self.by_length.entry(len).or_default() += n;
        }
        Ok(())
    }
}

/// Per-kind PII counts of one string column.
#[derive(Debug, Default, Clone)]
pub struct PiiCounts {
    /// Non-null values scanned.
    pub total: u64,
    /// Values containing any PII.
    pub any: u64,
    /// Values containing each kind.
    pub by_kind: AHashMap<PiiKind, u64>,
    /// A few example values per kind, masked.
    pub examples: AHashMap<PiiKind, Vec<String>>,
}

impl PiiCounts {
    /// Adds `n` occurrences of `value`.
    pub fn add(&mut self, value: &str, n: u64) {
        self.add_found(value, detect(value), n);
    }

    /// Adds `n` occurrences of `value`, whose matches are `found`.
    pub fn add_found(&mut self, value: &str, found: PiiMatches, n: u64) {
        self.total += n;
        if found.is_empty() {
            return;
        }
        self.any += n;
        for kind in found.iter() {
            *self.by_kind.entry(kind).or_default() += n;
            let ex = self.examples.entry(kind).or_default();
            // The first few masked examples in sorted order: the same whatever the order of
            // the rows, or how they were split across partitions.
            let masked = mask(value);
            if (ex.len() < EXAMPLES || ex.last().is_some_and(|last| masked < *last))
                && !ex.contains(&masked)
            {
                ex.push(masked);
                ex.sort();
                ex.truncate(EXAMPLES);
            }
        }
    }

    /// Adds the counts of another part of the same column.
    pub fn merge(&mut self, other: PiiCounts) {
        self.total += other.total;
        self.any += other.any;
        for (kind, n) in other.by_kind {
            *self.by_kind.entry(kind).or_default() += n;
        }
        for (kind, more) in other.examples {
            let ex = self.examples.entry(kind).or_default();
            ex.extend(more);
            ex.sort();
            ex.dedup();
            ex.truncate(EXAMPLES);
        }
    }
}

/// Masked examples kept per kind.
const EXAMPLES: usize = 3;

/// Distinct values per column whose matches a [`PiiScan`] remembers (low-cardinality columns
/// are then scanned once per distinct value, not once per row).
const PII_MEMO: usize = 10_000;

/// Masks a value for display: keeps the first and last character of each run of
/// alphanumerics, so reports show the shape of a match but never the personal data itself.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().take(64).collect();
    let mut out = String::with_capacity(chars.len());
    for (i, c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|j| chars.get(j));
        let next = chars.get(i + 1);
        let edge = !prev.is_some_and(|p| p.is_alphanumeric())
            || !next.is_some_and(|n| n.is_alphanumeric());
        if c.is_alphanumeric() && !edge {
            out.push('•');
        } else {
            out.push(*c);
        }
    }
    out
}

/// Scans string columns for PII.
pub struct PiiScan {
    /// Columns scanned.
    pub columns: Vec<String>,
    /// Counts per column.
    pub counts: Vec<PiiCounts>,
    memo: Vec<AHashMap<String, PiiMatches>>,
}

impl PiiScan {
    /// A scan of `columns`.
    pub fn new(columns: Vec<String>) -> Self {
        let n = columns.len();
        Self {
            columns,
            counts: vec![PiiCounts::default(); n],
            memo: vec![AHashMap::new(); n],
        }
    }
}

impl RowAccumulator for PiiScan {
    fn columns(&self) -> Vec<String> {
        self.columns.clone()
    }

    fn update(&mut self, batch: &RecordBatch) -> Result<(), String> {
        for (i, name) in self.columns.iter().enumerate() {
            let a = as_utf8(&column(batch, name)?, name)?;
            let counts = &mut self.counts[i];
            let memo = &mut self.memo[i];
            for v in a.as_string::<i32>().iter().flatten() {
                let found = match memo.get(v) {
                    Some(f) => *f,
                    None => {
                        let f = detect(v);
                        if memo.len() < PII_MEMO {
                            memo.insert(v.to_string(), f);
                        }
                        f
                    }
                };
                counts.add_found(v, found, 1);
            }
        }
        Ok(())
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }

    fn fork(&self) -> Option<Box<dyn RowAccumulator>> {
        Some(Box::new(PiiScan::new(self.columns.clone())))
    }

    fn merge(&mut self, other: Box<dyn Any>) -> Result<(), String> {
        let other: PiiScan = crate::check::downcast(other)?;
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts) {
            mine.merge(theirs);
        }
        Ok(())
    }
}

/// How a feature's values are bucketed for a contingency table.
#[derive(Debug, Clone)]
pub enum Bucketing {
    /// Numeric: by sorted edges (deciles of the feature).
    Edges(Vec<f64>),
    /// Categorical: by value hash.
    Categories,
}

/// Feature-bucket × target-class counts, on even and odd rows separately (for a holdout score).
pub struct FeatureTarget {
    /// Feature column.
    pub feature: String,
    /// Target column.
    pub target: String,
    /// Bucketing of the feature.
    pub bucketing: Bucketing,
    /// Table of even rows.
    pub even: Contingency,
    /// Table of odd rows.
    pub odd: Contingency,
    row: u64,
}

impl FeatureTarget {
    /// A table of `feature` against `target`.
    pub fn new(feature: &str, target: &str, bucketing: Bucketing) -> Self {
        Self {
            feature: feature.to_string(),
            target: target.to_string(),
            bucketing,
            even: Contingency::default(),
            odd: Contingency::default(),
            row: 0,
        }
    }
}

fn value_hashes(a: &ArrayRef) -> Result<Vec<u64>, String> {
    let seed = foldhash::quality::FixedState::with_seed(0x1234_5678);
    let mut h = vec![0u64; a.len()];
    create_hashes(&[hashable(a)?], &seed, &mut h).map_err(|e| e.to_string())?;
    Ok(h)
}

/// `a` in the one layout of its family that values are hashed in: text as `Utf8`, bytes as
/// `Binary`. The same text hashes differently as a string view, a large string or a string
/// (a CSV file's column against the same column from Polars, or from Parquet read as views),
/// and rows would then never match across the two sides.
pub(crate) fn hashable(a: &ArrayRef) -> Result<ArrayRef, String> {
    let to = match a.data_type() {
        DataType::Utf8View | DataType::LargeUtf8 => DataType::Utf8,
        DataType::BinaryView | DataType::LargeBinary => DataType::Binary,
        _ => return Ok(a.clone()),
    };
    cast(a, &to).map_err(|e| e.to_string())
}

impl RowAccumulator for FeatureTarget {
    fn columns(&self) -> Vec<String> {
        vec![self.feature.clone(), self.target.clone()]
    }

    fn update(&mut self, batch: &RecordBatch) -> Result<(), String> {
        let f = column(batch, &self.feature)?;
        let t = column(batch, &self.target)?;
        let targets = value_hashes(&t)?;
        let buckets: Vec<u64> = match &self.bucketing {
            Bucketing::Categories => value_hashes(&f)?,
            Bucketing::Edges(edges) => {
                let fa = as_f64(&f, &self.feature)?;
                fa.as_primitive::<Float64Type>()
                    .iter()
                    .map(|v| v.map_or(u64::MAX - 1, |x| quantile_bucket(edges, x)))
                    .collect()
            }
        };
        for i in 0..batch.num_rows() {
            if t.is_null(i) {
                continue;
            }
            let table = if self.row.is_multiple_of(2) {
                &mut self.even
            } else {
                &mut self.odd
            };
            table.push(buckets[i], targets[i]);
            self.row += 1;
        }
        Ok(())
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{LargeStringArray, StringArray, StringViewArray};
    use std::sync::Arc;

    #[test]
    fn the_same_text_hashes_alike_in_every_string_layout() {
        let values = [
            Some("Holand-Netherlands"),
            None,
            Some(""),
            Some("a longer value, past 12 bytes"),
        ];
        let plain: ArrayRef = Arc::new(StringArray::from(values.to_vec()));
        let view: ArrayRef = Arc::new(StringViewArray::from(values.to_vec()));
        let large: ArrayRef = Arc::new(LargeStringArray::from(values.to_vec()));
        let h = value_hashes(&plain).unwrap();
        assert_eq!(value_hashes(&view).unwrap(), h);
        assert_eq!(value_hashes(&large).unwrap(), h);
        // Whole rows too: a row of views matches the same row of strings.
        let rows = |a: ArrayRef| {
            let batch = RecordBatch::try_from_iter([("s", a)]).unwrap();
            let mut r = RowHashes::new(
                vec!["s".into()],
                HashMode::CountDuplicates {
                    seen: Default::default(),
                    duplicates: 0,
                },
            );
            r.update(&batch).unwrap();
            match r.mode {
                HashMode::CountDuplicates { seen, .. } => seen,
                _ => AHashSet::new(),
            }
        };
        let plain_rows = rows(plain);
        assert_eq!(plain_rows.len(), 4);
        assert_eq!(rows(view), plain_rows);
    }
}
