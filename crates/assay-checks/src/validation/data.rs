//! [`CvData`]: the rows cross-validation splits, held once in memory (folds are index sets
//! over them), with the target encoded and the features ready for the built-in learners.

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::compute::{cast, filter_record_batch};
use arrow::datatypes::{DataType, Float64Type};
use arrow::record_batch::RecordBatch;

use assay_engine::{Dataset, Roles};

use crate::evaluation::{label_texts, sort_classes, EvalTask};
use crate::sections::ValidationSection;

/// Code of a missing category.
pub const MISSING: u32 = u32::MAX;

/// One feature column.
#[derive(Debug, Clone)]
pub enum FeatureData {
    /// Numbers (NaN: missing).
    Numeric(Vec<f64>),
    /// Categories: a code per row into `levels` ([`MISSING`]: null).
    Categorical {
        /// Code per row.
        codes: Vec<u32>,
        /// Level texts in sorted order.
        levels: Vec<String>,
    },
}

/// The data of a cross-validation.
#[derive(Debug, Clone)]
pub struct CvData {
    /// Where it came from.
    pub label: String,
    /// Every column of the rows with a target (fold files for external trainers are cut
    /// from it).
    pub batch: RecordBatch,
    /// Classification or regression.
    pub task: EvalTask,
    /// Target column.
    pub target: String,
    /// Classes in sorted order (classification).
    pub classes: Vec<String>,
    /// The positive class of a binary task.
    pub positive: Option<usize>,
    /// Class per row (classification).
    pub y_class: Vec<u32>,
    /// Value per row (regression).
    pub y_value: Vec<f64>,
    /// Feature names.
    pub features: Vec<String>,
    /// Feature columns, in `features` order.
    pub feature_data: Vec<FeatureData>,
    /// Rows left out because their target is null (or not finite).
    pub dropped: u64,
}

impl CvData {
    /// Rows.
    pub fn rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// Codes of a column as numpy's `unique` would order its values (nulls get their own
    /// last code), for splitter classes and groups.
    pub fn codes_of(&self, column: &str) -> Result<(Vec<u32>, Vec<String>), String> {
        let a = self.batch.column_by_name(column).ok_or_else(|| {
            format!(
                "column `{column}` is not in {} (columns: {})",
                self.label,
                column_names(&self.batch).join(", ")
            )
        })?;
        let (mut codes, mut levels) = encode_array(a, column)?;
        if codes.contains(&MISSING) {
            let null = levels.len() as u32;
            levels.push("(null)".into());
            codes
                .iter_mut()
                .filter(|c| **c == MISSING)
                .for_each(|c| *c = null);
        }
        Ok((codes, levels))
    }

    /// A numeric column (NaN for nulls), for interval columns.
    pub fn numbers_of(&self, column: &str) -> Result<Vec<f64>, String> {
        let a = self
            .batch
            .column_by_name(column)
            .ok_or_else(|| format!("column `{column}` is not in {}", self.label))?;
        numbers(a.as_ref(), column)
    }
}

fn column_names(batch: &RecordBatch) -> Vec<String> {
    batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect()
}

fn numbers(a: &dyn Array, column: &str) -> Result<Vec<f64>, String> {
    let dt = a.data_type();
    let a = match dt {
        DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64 => cast(
            &cast(a, &DataType::Int64).map_err(|e| format!("column `{column}`: {e}"))?,
            &DataType::Float64,
        ),
        _ if dt.is_numeric() || dt == &DataType::Boolean => cast(a, &DataType::Float64),
        _ => {
            return Err(format!(
                "column `{column}` is {dt}, expected numbers or timestamps"
            ))
        }
    }
    .map_err(|e| format!("column `{column}`: {e}"))?;
    let f = a.as_primitive::<Float64Type>();
    Ok((0..f.len())
        .map(|i| if f.is_null(i) { f64::NAN } else { f.value(i) })
        .collect())
}

/// Codes of a column's values into its sorted distinct values ([`MISSING`] for nulls and
/// NaN), as [`encode`] of [`label_texts`] would give, without making a string per row:
/// integers and text are hashed as they are (10M rows in well under a second).
pub fn encode_array(a: &ArrayRef, name: &str) -> Result<(Vec<u32>, Vec<String>), String> {
    use std::collections::HashMap;
    fn finish<K: Copy + Eq + std::hash::Hash>(
        keys: Vec<Option<K>>,
        mut distinct: Vec<K>,
        sort: impl Fn(&mut Vec<K>),
        text: impl Fn(K) -> String,
    ) -> (Vec<u32>, Vec<String>) {
        sort(&mut distinct);
        let index: HashMap<K, u32> = distinct
            .iter()
            .enumerate()
            .map(|(i, k)| (*k, i as u32))
            .collect();
        let codes = keys
            .iter()
            .map(|k| k.and_then(|k| index.get(&k).copied()).unwrap_or(MISSING))
            .collect();
        (codes, distinct.into_iter().map(text).collect())
    }
    let dt = a.data_type();
    if dt.is_integer() {
        let v = cast(a, &DataType::Int64).map_err(|e| format!("column `{name}`: {e}"))?;
        let v = v.as_primitive::<arrow::datatypes::Int64Type>();
        let mut seen = std::collections::HashSet::new();
        let keys: Vec<Option<i64>> = (0..v.len())
            .map(|i| {
                (!v.is_null(i)).then(|| {
                    let x = v.value(i);
                    seen.insert(x);
                    x
                })
            })
            .collect();
        return Ok(finish(
            keys,
            seen.into_iter().collect(),
            |d| d.sort_unstable(),
            |k| k.to_string(),
        ));
    }
    if matches!(
        dt,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    ) {
        let s = cast(a, &DataType::Utf8).map_err(|e| format!("column `{name}` as text: {e}"))?;
        let s = s.as_string::<i32>();
        let mut index: HashMap<&str, u32> = HashMap::new();
        let mut first: Vec<&str> = Vec::new();
        let raw: Vec<u32> = (0..s.len())
            .map(|i| {
                if s.is_null(i) {
                    return MISSING;
                }
                let t = s.value(i);
                *index.entry(t).or_insert_with(|| {
                    first.push(t);
                    (first.len() - 1) as u32
                })
            })
            .collect();
        let mut levels: Vec<String> = first.iter().map(|t| t.to_string()).collect();
        sort_classes(&mut levels);
        let rank: HashMap<&str, u32> = levels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.as_str(), i as u32))
            .collect();
        let remap: Vec<u32> = first
            .iter()
            .map(|t| rank.get(t).copied().unwrap_or(MISSING))
            .collect();
        let codes = raw
            .into_iter()
            .map(|c| {
                if c == MISSING {
                    MISSING
                } else {
                    remap[c as usize]
                }
            })
            .collect();
        return Ok((codes, levels));
    }
    Ok(encode(&label_texts(a, name)?))
}

/// Codes into sorted levels ([`MISSING`] for nulls).
pub fn encode(texts: &[Option<String>]) -> (Vec<u32>, Vec<String>) {
    let mut levels: Vec<String> = texts.iter().flatten().cloned().collect();
    levels.sort_unstable();
    levels.dedup();
    sort_classes(&mut levels);
    let index: std::collections::HashMap<&str, u32> = levels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i as u32))
        .collect();
    let codes = texts
        .iter()
        .map(|t| {
            t.as_deref()
                .and_then(|t| index.get(t).copied())
                .unwrap_or(MISSING)
        })
        .collect();
    (codes, levels)
}

fn decide_task(settings: &ValidationSection, dt: &DataType, texts: &[Option<String>]) -> EvalTask {
    match settings.task.as_deref() {
        Some("regression") => return EvalTask::Regression,
        Some(_) => return EvalTask::Classification,
        None => {}
    }
    match dt {
        DataType::Float16 | DataType::Float32 | DataType::Float64 => EvalTask::Regression,
        dt if dt.is_integer() => {
            let mut distinct: Vec<&str> = texts.iter().flatten().map(String::as_str).collect();
            distinct.sort_unstable();
            distinct.dedup();
            if distinct.len() <= 50 {
                EvalTask::Classification
            } else {
                EvalTask::Regression
            }
        }
        _ => EvalTask::Classification,
    }
}

/// The feature columns: `settings.features`, else `roles.features`, else every column
/// without a role (and not a splitter column).
pub fn feature_names(
    settings: &ValidationSection,
    roles: &Roles,
    columns: &[String],
) -> Vec<String> {
    if let Some(f) = &settings.features {
        return f.clone();
    }
    let mut exclude: Vec<&String> = Vec::new();
    exclude.extend(settings.group.iter());
    exclude.extend(settings.interval_start.iter());
    exclude.extend(settings.interval_end.iter());
    roles
        .features_of(columns)
        .into_iter()
        .filter(|c| !exclude.contains(&c))
        .collect()
}

/// The rows of `dataset` that have a target (every column kept in order by its read).
pub fn load(
    dataset: &Dataset,
    roles: &Roles,
    settings: &ValidationSection,
) -> Result<CvData, String> {
    if dataset.source.is_none() {
        return Err(format!(
            "{} is a saved profile: cross-validation needs the rows",
            dataset.label
        ));
    }
    let target = roles
        .target
        .clone()
        .ok_or("cross-validation needs the target column (roles.target / --target)")?;
    let columns = dataset.columns();
    if !columns.contains(&target) {
        return Err(format!(
            "the target column `{target}` is not in {} (columns: {})",
            dataset.label,
            columns.join(", ")
        ));
    }
    let features = feature_names(settings, roles, &columns);
    if features.is_empty() {
        return Err("cross-validation has no feature columns (validation.features)".into());
    }
    if features.contains(&target) {
        return Err(format!(
            "the target `{target}` is listed among the features: a model given its own answer \
             scores perfectly and proves nothing (validation.features / --features)"
        ));
    }
    for f in &features {
        if !columns.contains(f) {
            return Err(format!(
                "feature column `{f}` is not in {} (columns: {})",
                dataset.label,
                columns.join(", ")
            ));
        }
    }
    // The rows, in order, kept from the profiling read (the runner asked it for them).
    let Some(all) = dataset.kept_rows(&columns)?.select(&columns)? else {
        return Err(format!("{} has no rows", dataset.label));
    };
    let target_array = all
        .column_by_name(&target)
        .ok_or_else(|| format!("column `{target}` missing from the scan"))?;
    let texts = label_texts(target_array, &target)?;
    let task = decide_task(settings, target_array.data_type(), &texts);
    let (keep, y_class, y_value, classes) = match task {
        EvalTask::Classification => {
            let keep: Vec<bool> = texts.iter().map(Option::is_some).collect();
            let kept: Vec<Option<String>> = texts.into_iter().filter(Option::is_some).collect();
            let (codes, classes) = encode(&kept);
            (keep, codes, Vec::new(), classes)
        }
        EvalTask::Regression => {
            let v = numbers(target_array.as_ref(), &target)?;
            let keep: Vec<bool> = v.iter().map(|x| x.is_finite()).collect();
            let kept: Vec<f64> = v.into_iter().filter(|x| x.is_finite()).collect();
            (keep, Vec::new(), kept, Vec::new())
        }
    };
    let dropped = keep.iter().filter(|k| !**k).count() as u64;
    let batch = if dropped > 0 {
        filter_record_batch(&all, &arrow::array::BooleanArray::from(keep))
            .map_err(|e| e.to_string())?
    } else {
        all
    };
    if batch.num_rows() == 0 {
        return Err(format!(
            "{} has no rows with a target value (`{target}`)",
            dataset.label
        ));
    }
    let positive = match (&settings.positive_class, classes.len()) {
        (Some(p), _) => Some(classes.iter().position(|c| c == p).ok_or_else(|| {
            format!(
                "validation.positive_class `{p}` is not a class of `{target}` (classes: {})",
                classes.join(", ")
            )
        })?),
        (None, 2) => Some(1),
        _ => None,
    };
    if task == EvalTask::Classification && classes.len() < 2 {
        return Err(format!(
            "the target `{target}` has {} class(es): classification needs at least two",
            classes.len()
        ));
    }
    let mut feature_data = Vec::with_capacity(features.len());
    for f in &features {
        let a = batch
            .column_by_name(f)
            .ok_or_else(|| format!("column `{f}` missing from the scan"))?;
        let dt = a.data_type();
        if dt.is_numeric() || dt == &DataType::Boolean {
            feature_data.push(FeatureData::Numeric(numbers(a.as_ref(), f)?));
        } else {
            let (codes, levels) = encode(&label_texts(a, f)?);
            feature_data.push(FeatureData::Categorical { codes, levels });
        }
    }
    Ok(CvData {
        label: dataset.label.clone(),
        batch,
        task,
        target,
        classes,
        positive,
        y_class,
        y_value,
        features,
        feature_data,
        dropped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_encoding_matches_the_text_encoding() {
        use arrow::array::{Float64Array, Int64Array, StringArray};
        use std::sync::Arc;
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(vec![
                Some(10),
                None,
                Some(-2),
                Some(9),
                Some(10),
            ])),
            Arc::new(StringArray::from(vec![
                Some("b"),
                None,
                Some("a"),
                Some("10"),
                Some("b"),
            ])),
            Arc::new(Float64Array::from(vec![
                Some(1.0),
                Some(f64::NAN),
                Some(0.5),
                None,
            ])),
        ];
        for a in arrays {
            let fast = encode_array(&a, "c").unwrap();
            let slow = encode(&label_texts(&a, "c").unwrap());
            assert_eq!(fast, slow);
        }
        let (codes, levels) = encode_array(
            &(Arc::new(Int64Array::from(vec![10, 9, 10])) as ArrayRef),
            "c",
        )
        .unwrap();
        assert_eq!(levels, vec!["9", "10"]);
        assert_eq!(codes, vec![1, 0, 1]);
    }

    #[test]
    fn codes_follow_sorted_levels_and_nulls_are_missing() {
        let t = vec![
            Some("b".to_string()),
            None,
            Some("a".into()),
            Some("b".into()),
        ];
        let (codes, levels) = encode(&t);
        assert_eq!(levels, vec!["a", "b"]);
        assert_eq!(codes, vec![1, MISSING, 0, 1]);
        let n = vec![Some("10".to_string()), Some("9".into())];
        assert_eq!(encode(&n).1, vec!["9", "10"]);
    }
}
