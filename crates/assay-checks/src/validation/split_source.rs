//! What a splitter needs from a data source, read row by row in order (what `assay split`
//! assigns folds from), and the folds written as JSON any tool can reuse.

use std::io::Write;

use arrow::array::{Array, ArrayRef, Float64Array};
use arrow::compute::concat;
use arrow::datatypes::DataType;

use assay_engine::scan::for_each_batch_in_order;
use assay_engine::OpenedSource;
use assay_stats::splitters::{Folds, SplitData};

use super::data::encode_array;

/// The columns a splitter reads (each `None` when the splitter does not need it).
#[derive(Debug, Clone, Default)]
pub struct SplitColumns {
    /// Class labels to stratify on.
    pub stratify: Option<String>,
    /// Group labels kept within one fold.
    pub group: Option<String>,
    /// Start of each row's time interval (purged splitters).
    pub interval_start: Option<String>,
    /// End of each row's time interval.
    pub interval_end: Option<String>,
}

/// The splitter's inputs, one entry per row in the source's order.
#[derive(Debug, Clone, Default)]
pub struct SplitInputs {
    /// Rows read.
    pub n_rows: usize,
    /// Class code per row, in sorted label order (nulls as their own last class, `(null)`).
    pub classes: Option<Vec<u32>>,
    /// The labels of the class codes.
    pub class_levels: Vec<String>,
    /// Group code per row (nulls as one group).
    pub groups: Option<Vec<u32>>,
    /// Interval start and end per row (nulls as NaN).
    pub intervals: Option<(Vec<f64>, Vec<f64>)>,
}

impl SplitInputs {
    /// Reads `columns` of `opened` in row order (only the first column when none is needed,
    /// to count the rows). An empty source is an error.
    pub async fn read(opened: &OpenedSource, columns: &SplitColumns) -> Result<Self, String> {
        let mut wanted: Vec<String> = [
            &columns.stratify,
            &columns.group,
            &columns.interval_start,
            &columns.interval_end,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
        wanted.dedup();
        let scanned = if wanted.is_empty() {
            opened
                .schema
                .fields()
                .first()
                .map(|f| vec![f.name().clone()])
                .unwrap_or_default()
        } else {
            wanted.clone()
        };
        let mut parts: Vec<Vec<ArrayRef>> = vec![Vec::new(); scanned.len()];
        let mut n_rows = 0usize;
        for_each_batch_in_order(opened, &scanned, |b| {
            n_rows += b.num_rows();
            if !wanted.is_empty() {
                for (j, c) in scanned.iter().enumerate() {
                    if let Some(a) = b.column_by_name(c) {
                        parts[j].push(a.clone());
                    }
                }
            }
            Ok(())
        })
        .await
        .map_err(|e| e.to_string())?;
        if n_rows == 0 {
            return Err(format!("{} has no rows", opened.spec.label()));
        }
        let array_of = |name: &str| -> Result<ArrayRef, String> {
            let j = scanned
                .iter()
                .position(|c| c == name)
                .ok_or("internal: column not scanned")?;
            let refs: Vec<&dyn Array> = parts[j].iter().map(|a| a.as_ref()).collect();
            concat(&refs).map_err(|e| format!("column `{name}`: {e}"))
        };
        let codes = |name: &str| -> Result<(Vec<u32>, Vec<String>), String> {
            let (mut codes, mut levels) = encode_array(&array_of(name)?, name)?;
            let null = levels.len() as u32;
            if codes.contains(&u32::MAX) {
                levels.push("(null)".into());
                codes
                    .iter_mut()
                    .filter(|c| **c == u32::MAX)
                    .for_each(|c| *c = null);
            }
            Ok((codes, levels))
        };
        let numbers = |name: &str| -> Result<Vec<f64>, String> {
            let f = arrow::compute::cast(&array_of(name)?, &DataType::Float64)
                .map_err(|e| format!("column `{name}` is not numeric: {e}"))?;
            let f = f
                .as_any()
                .downcast_ref::<Float64Array>()
                .ok_or("internal: a cast to Float64 gave another type")?;
            Ok(f.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
        };
        let (classes, class_levels) = match columns.stratify.as_deref().map(codes).transpose()? {
            Some((c, l)) => (Some(c), l),
            None => (None, Vec::new()),
        };
        let groups = columns
            .group
            .as_deref()
            .map(codes)
            .transpose()?
            .map(|(c, _)| c);
        let intervals = match (&columns.interval_start, &columns.interval_end) {
            (Some(s), Some(e)) => Some((numbers(s)?, numbers(e)?)),
            _ => None,
        };
        Ok(SplitInputs {
            n_rows,
            classes,
            class_levels,
            groups,
            intervals,
        })
    }

    /// The inputs as a splitter takes them.
    pub fn data(&self) -> SplitData<'_> {
        let mut data = SplitData::new(self.n_rows);
        if let Some(c) = &self.classes {
            data = data.with_classes(c);
        }
        if let Some(g) = &self.groups {
            data = data.with_groups(g);
        }
        if let Some((s, e)) = &self.intervals {
            data = data.with_intervals(s, e);
        }
        data
    }
}

/// Writes `{"splitter", "n_rows", "folds": [{"train": [...], "test": [...]}]}`, streaming (a
/// split can hold hundreds of millions of indices).
pub fn write_folds_json(out: &mut impl Write, folds: &Folds) -> std::io::Result<()> {
    write!(
        out,
        "{{\"splitter\":\"{}\",\"n_rows\":{},\"folds\":[",
        folds.splitter(),
        folds.n_rows()
    )?;
    for (i, f) in folds.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        for (key, rows) in [("train", f.train()), ("test", f.test())] {
            write!(out, "{}\"{key}\":[", if key == "train" { "{" } else { "," })?;
            let mut first = true;
            for r in rows {
                if !first {
                    out.write_all(b",")?;
                }
                first = false;
                write!(out, "{r}")?;
            }
            out.write_all(b"]")?;
        }
        out.write_all(b"}")?;
    }
    out.write_all(b"]}\n")
}
