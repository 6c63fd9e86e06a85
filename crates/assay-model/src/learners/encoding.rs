//! Turns the feature columns into the numeric matrix a learner fits, with every statistic
//! learned on the training rows only; the rules are in the `learners` module documentation.

use std::collections::HashMap;

use super::{FeatureColumn, LearnError, Table};

/// Encoding choices.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EncodeOptions {
    /// Standardize the numeric value columns.
    pub standardize: bool,
    /// One-hot columns per categorical column, not counting `other` and `missing`.
    pub max_categories: usize,
}

/// The encoding fitted on the training rows.
#[derive(Debug, Clone)]
pub(crate) struct Encoder {
    columns: Vec<ColumnEncoder>,
    width: usize,
}

#[derive(Debug, Clone)]
enum ColumnEncoder {
    Numeric(NumericEncoder),
    Categorical(CategoricalEncoder),
}

#[derive(Debug, Clone)]
struct NumericEncoder {
    name: String,
    /// Position in the training table (tried first when looking the column up).
    index: usize,
    median: f64,
    indicator: bool,
    mean: f64,
    scale: f64,
}

#[derive(Debug, Clone)]
struct CategoricalEncoder {
    name: String,
    index: usize,
    /// Level names, one per one-hot column.
    kept: Vec<String>,
    slots: HashMap<String, usize>,
    other: bool,
    missing: bool,
}

impl CategoricalEncoder {
    fn width(&self) -> usize {
        self.kept.len() + usize::from(self.other) + usize::from(self.missing)
    }

    /// The one-hot slot of each level of `levels` (`None`: all zeros).
    fn slot_map(&self, levels: &[String]) -> Vec<Option<usize>> {
        let other = self.other.then_some(self.kept.len());
        levels
            .iter()
            .map(|level| self.slots.get(level).copied().or(other))
            .collect()
    }

    fn missing_slot(&self) -> Option<usize> {
        self.missing
            .then_some(self.kept.len() + usize::from(self.other))
    }
}

impl Encoder {
    /// Learns the encoding from the training rows of `table` (row indices already checked).
    pub fn fit(table: &Table, rows: &[u32], options: EncodeOptions) -> Result<Self, LearnError> {
        let mut columns = Vec::with_capacity(table.columns.len());
        let mut width = 0;
        for (index, column) in table.columns.iter().enumerate() {
            let encoder = match *column {
                FeatureColumn::Numeric { name, values } => {
                    let enc = fit_numeric(name, index, values, rows, options.standardize)?;
                    width += 1 + usize::from(enc.indicator);
                    ColumnEncoder::Numeric(enc)
                }
                FeatureColumn::Categorical {
                    name,
                    codes,
                    levels,
                } => {
                    let enc = fit_categorical(name, index, codes, levels, rows, options)?;
                    width += enc.width();
                    ColumnEncoder::Categorical(enc)
                }
            };
            columns.push(encoder);
        }
        Ok(Encoder { columns, width })
    }

    /// Columns of the encoded matrix.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Names of the encoded columns: `age`, `age (missing)`, `workclass=Private`,
    /// `workclass=other`, `workclass=missing`.
    pub fn feature_names(&self) -> Vec<String> {
        let mut names = Vec::with_capacity(self.width);
        for column in &self.columns {
            match column {
                ColumnEncoder::Numeric(enc) => {
                    names.push(enc.name.clone());
                    if enc.indicator {
                        names.push(format!("{} (missing)", enc.name));
                    }
                }
                ColumnEncoder::Categorical(enc) => {
                    names.extend(enc.kept.iter().map(|level| format!("{}={level}", enc.name)));
                    if enc.other {
                        names.push(format!("{}=other", enc.name));
                    }
                    if enc.missing {
                        names.push(format!("{}=missing", enc.name));
                    }
                }
            }
        }
        names
    }

    /// Encoded columns from numeric columns (values and indicators) and from categorical ones.
    pub fn column_counts(&self) -> (usize, usize) {
        let mut numeric = 0;
        let mut categorical = 0;
        for column in &self.columns {
            match column {
                ColumnEncoder::Numeric(enc) => numeric += 1 + usize::from(enc.indicator),
                ColumnEncoder::Categorical(enc) => categorical += enc.width(),
            }
        }
        (numeric, categorical)
    }

    /// Per encoded column, the `(mean, scale)` subtracted and divided by: `(0, 1)` for
    /// columns left as they are.
    pub fn scaling(&self) -> Vec<(f64, f64)> {
        let mut out = Vec::with_capacity(self.width);
        for column in &self.columns {
            match column {
                ColumnEncoder::Numeric(enc) => {
                    out.push((enc.mean, enc.scale));
                    if enc.indicator {
                        out.push((0.0, 1.0));
                    }
                }
                ColumnEncoder::Categorical(enc) => {
                    out.extend(std::iter::repeat_n((0.0, 1.0), enc.width()))
                }
            }
        }
        out
    }

    /// Encodes `rows` of `table` (row indices already checked) as a row-major
    /// `rows.len() × width` matrix. Columns are found by name (and type), so `table` may be
    /// another table than the training one.
    pub fn transform(&self, table: &Table, rows: &[u32]) -> Result<Vec<f64>, LearnError> {
        let width = self.width;
        let mut x = vec![0.0; rows.len() * width];
        let mut offset = 0;
        for column in &self.columns {
            match column {
                ColumnEncoder::Numeric(enc) => {
                    let FeatureColumn::Numeric { values, .. } =
                        *find(table, &enc.name, enc.index, "numeric")?
                    else {
                        return Err(missing_column(&enc.name, "numeric"));
                    };
                    for (i, &row) in rows.iter().enumerate() {
                        let v = values.get(row as usize).copied().unwrap_or(f64::NAN);
                        let base = i * width + offset;
                        let (value, missing) = if v.is_finite() {
                            (v, 0.0)
                        } else {
                            (enc.median, 1.0)
                        };
                        let scaled = (value - enc.mean) / enc.scale;
                        if !scaled.is_finite() {
                            return Err(LearnError::Feature {
                                column: enc.name.clone(),
                                reason: format!("row {row}: value {v} is too large to standardize"),
                            });
                        }
                        x[base] = scaled;
                        if enc.indicator {
                            x[base + 1] = missing;
                        }
                    }
                    offset += 1 + usize::from(enc.indicator);
                }
                ColumnEncoder::Categorical(enc) => {
                    let FeatureColumn::Categorical { codes, levels, .. } =
                        *find(table, &enc.name, enc.index, "categorical")?
                    else {
                        return Err(missing_column(&enc.name, "categorical"));
                    };
                    let map = enc.slot_map(levels);
                    let missing = enc.missing_slot();
                    for (i, &row) in rows.iter().enumerate() {
                        let code = codes.get(row as usize).copied().unwrap_or(u32::MAX);
                        let slot = if code == u32::MAX {
                            missing
                        } else {
                            *map.get(code as usize)
                                .ok_or_else(|| LearnError::CategoryCode {
                                    column: enc.name.clone(),
                                    row,
                                    code,
                                    levels: levels.len(),
                                })?
                        };
                        if let Some(slot) = slot {
                            x[i * width + offset + slot] = 1.0;
                        }
                    }
                    offset += enc.width();
                }
            }
        }
        Ok(x)
    }
}

fn missing_column(name: &str, kind: &'static str) -> LearnError {
    LearnError::MissingColumn {
        column: name.to_string(),
        kind,
    }
}

/// The column named `name` of type `kind`, looked up at `index` first.
fn find<'t, 'a>(
    table: &'t Table<'a>,
    name: &str,
    index: usize,
    kind: &'static str,
) -> Result<&'t FeatureColumn<'a>, LearnError> {
    let matches = |c: &&FeatureColumn| c.name() == name && c.kind() == kind;
    table
        .columns
        .get(index)
        .filter(matches)
        .or_else(|| table.columns.iter().find(matches))
        .ok_or_else(|| missing_column(name, kind))
}

fn fit_numeric(
    name: &str,
    index: usize,
    values: &[f64],
    rows: &[u32],
    standardize: bool,
) -> Result<NumericEncoder, LearnError> {
    let mut finite: Vec<f64> = rows
        .iter()
        .filter_map(|&r| values.get(r as usize).copied())
        .filter(|v| v.is_finite())
        .collect();
    let missing = rows.len() - finite.len();
    let median = median(&mut finite).unwrap_or(0.0);
    let (mean, scale) = if standardize {
        let n = rows.len() as f64;
        // Mean and variance of the imputed column: the finite values plus `missing` medians.
        let mean = (finite.iter().map(|v| v / n).sum::<f64>() + median * (missing as f64 / n))
            .clamp(f64::MIN, f64::MAX);
        let var = finite.iter().map(|v| (v - mean).powi(2) / n).sum::<f64>()
            + (median - mean).powi(2) * (missing as f64 / n);
        let std = var.sqrt();
        if !std.is_finite() || !mean.is_finite() {
            return Err(LearnError::Feature {
                column: name.to_string(),
                reason: "values too large to standardize".to_string(),
            });
        }
        (mean, if std > 0.0 { std } else { 1.0 })
    } else {
        (0.0, 1.0)
    };
    Ok(NumericEncoder {
        name: name.to_string(),
        index,
        median,
        indicator: missing > 0,
        mean,
        scale,
    })
}

fn fit_categorical(
    name: &str,
    index: usize,
    codes: &[u32],
    levels: &[String],
    rows: &[u32],
    options: EncodeOptions,
) -> Result<CategoricalEncoder, LearnError> {
    let mut counts = vec![0usize; levels.len()];
    let mut missing = false;
    for &row in rows {
        let code = codes.get(row as usize).copied().unwrap_or(u32::MAX);
        if code == u32::MAX {
            missing = true;
            continue;
        }
        match counts.get_mut(code as usize) {
            Some(count) => *count += 1,
            None => {
                return Err(LearnError::CategoryCode {
                    column: name.to_string(),
                    row,
                    code,
                    levels: levels.len(),
                })
            }
        }
    }
    let mut seen: Vec<usize> = (0..levels.len()).filter(|&c| counts[c] > 0).collect();
    // Most frequent first, ties by code; keep the first `max_categories`, in level order.
    seen.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
    let other = seen.len() > options.max_categories;
    seen.truncate(options.max_categories);
    seen.sort_unstable();
    let kept: Vec<String> = seen
        .iter()
        .filter_map(|&c| levels.get(c).cloned())
        .collect();
    let mut slots = HashMap::with_capacity(kept.len());
    for (slot, level) in kept.iter().enumerate() {
        slots.entry(level.clone()).or_insert(slot);
    }
    Ok(CategoricalEncoder {
        name: name.to_string(),
        index,
        kept,
        slots,
        other,
        missing,
    })
}

/// Median as numpy's (mean of the two middle values for an even count); `None` when empty.
fn median(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mid = n / 2;
    let (below, &mut upper, _) = values.select_nth_unstable_by(mid, f64::total_cmp);
    if n % 2 == 1 {
        return Some(upper);
    }
    let lower = below.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some(lower / 2.0 + upper / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    const PLAIN: EncodeOptions = EncodeOptions {
        standardize: false,
        max_categories: 50,
    };

    #[test]
    fn median_matches_numpy() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0]), Some(3.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut [5.0, -1.0, 2.0]), Some(2.0));
    }

    #[test]
    fn numeric_imputes_the_training_median_and_flags_missing() {
        let values = [1.0, f64::NAN, 3.0, 10.0, 100.0, f64::INFINITY];
        let table = Table {
            columns: vec![FeatureColumn::Numeric {
                name: "x",
                values: &values,
            }],
            rows: 6,
        };
        // Training rows 0..4: median of 1, 3, 10 is 3 (row 4's 100 is not seen).
        let enc = Encoder::fit(&table, &[0, 1, 2, 3], PLAIN).unwrap();
        assert_eq!(enc.width(), 2);
        assert_eq!(enc.feature_names(), vec!["x", "x (missing)"]);
        let x = enc.transform(&table, &[1, 4, 5]).unwrap();
        assert_eq!(x, vec![3.0, 1.0, 100.0, 0.0, 3.0, 1.0]);
    }

    #[test]
    fn standardization_uses_training_rows_only() {
        let values = [1.0, 2.0, 3.0, 1000.0];
        let table = Table {
            columns: vec![FeatureColumn::Numeric {
                name: "x",
                values: &values,
            }],
            rows: 4,
        };
        let enc = Encoder::fit(
            &table,
            &[0, 1, 2],
            EncodeOptions {
                standardize: true,
                max_categories: 50,
            },
        )
        .unwrap();
        assert_eq!(enc.width(), 1, "no missing value in training: no indicator");
        let x = enc.transform(&table, &[0, 1, 2]).unwrap();
        let s = (2.0f64 / 3.0).sqrt();
        for (got, want) in x.iter().zip([-1.0 / s, 0.0, 1.0 / s]) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
        assert_eq!(enc.scaling(), vec![(2.0, s)]);
    }

    #[test]
    fn constant_and_all_missing_columns() {
        let constant = [5.0, 5.0, 5.0];
        let nan = [f64::NAN; 3];
        let table = Table {
            columns: vec![
                FeatureColumn::Numeric {
                    name: "c",
                    values: &constant,
                },
                FeatureColumn::Numeric {
                    name: "n",
                    values: &nan,
                },
            ],
            rows: 3,
        };
        let enc = Encoder::fit(
            &table,
            &[0, 1, 2],
            EncodeOptions {
                standardize: true,
                max_categories: 50,
            },
        )
        .unwrap();
        assert_eq!(enc.width(), 3);
        let x = enc.transform(&table, &[0]).unwrap();
        assert_eq!(x, vec![0.0, 0.0, 1.0]);
    }

    #[test]
    fn one_hot_caps_levels_and_maps_unseen_to_other() {
        let lv = levels(&["a", "b", "c", "d"]);
        // Training rows: a×3, b×2, c×1, missing×1; d never seen.
        let codes = [0, 0, 0, 1, 1, 2, u32::MAX, 3];
        let table = Table {
            columns: vec![FeatureColumn::Categorical {
                name: "k",
                codes: &codes,
                levels: &lv,
            }],
            rows: 8,
        };
        let rows: Vec<u32> = (0..7).collect();
        let enc = Encoder::fit(
            &table,
            &rows,
            EncodeOptions {
                standardize: true,
                max_categories: 2,
            },
        )
        .unwrap();
        assert_eq!(
            enc.feature_names(),
            vec!["k=a", "k=b", "k=other", "k=missing"]
        );
        let x = enc.transform(&table, &[0, 3, 5, 6, 7]).unwrap();
        #[rustfmt::skip]
        let want = vec![
            1.0, 0.0, 0.0, 0.0, // a
            0.0, 1.0, 0.0, 0.0, // b
            0.0, 0.0, 1.0, 0.0, // c: infrequent -> other
            0.0, 0.0, 0.0, 1.0, // missing
            0.0, 0.0, 1.0, 0.0, // d: unseen -> other
        ];
        assert_eq!(x, want);
    }

    #[test]
    fn unseen_level_without_other_is_all_zeros_and_levels_match_by_name() {
        let train_levels = levels(&["x", "y"]);
        let train_codes = [0, 1, 0];
        let train = Table {
            columns: vec![FeatureColumn::Categorical {
                name: "k",
                codes: &train_codes,
                levels: &train_levels,
            }],
            rows: 3,
        };
        let enc = Encoder::fit(&train, &[0, 1, 2], PLAIN).unwrap();
        assert_eq!(enc.feature_names(), vec!["k=x", "k=y"]);
        // Another table, levels in another order plus a new one; a missing value too.
        let other_levels = levels(&["z", "y", "x"]);
        let other_codes = [0, 1, 2, u32::MAX];
        let other = Table {
            columns: vec![FeatureColumn::Categorical {
                name: "k",
                codes: &other_codes,
                levels: &other_levels,
            }],
            rows: 4,
        };
        let x = enc.transform(&other, &[0, 1, 2, 3]).unwrap();
        assert_eq!(x, vec![0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn bad_codes_and_missing_columns_are_errors() {
        let lv = levels(&["a"]);
        let codes = [0, 7];
        let table = Table {
            columns: vec![FeatureColumn::Categorical {
                name: "k",
                codes: &codes,
                levels: &lv,
            }],
            rows: 2,
        };
        let err = Encoder::fit(&table, &[0, 1], PLAIN).unwrap_err();
        assert_eq!(
            err.to_string(),
            "column `k`, row 1: category code 7 is out of range (1 levels)"
        );
        let enc = Encoder::fit(&table, &[0], PLAIN).unwrap();
        let err = enc.transform(&table, &[1]).unwrap_err();
        assert!(
            matches!(err, LearnError::CategoryCode { code: 7, .. }),
            "{err}"
        );
        let values = [1.0, 2.0];
        let numeric = Table {
            columns: vec![FeatureColumn::Numeric {
                name: "k",
                values: &values,
            }],
            rows: 2,
        };
        let err = enc.transform(&numeric, &[0]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the table has no categorical column `k`, which the model was trained on"
        );
    }

    #[test]
    fn huge_values_are_an_error_not_infinity() {
        let values = [f64::MAX, -f64::MAX, 0.0, 1.0];
        let table = Table {
            columns: vec![FeatureColumn::Numeric {
                name: "big",
                values: &values,
            }],
            rows: 4,
        };
        let opts = EncodeOptions {
            standardize: true,
            max_categories: 50,
        };
        let err = Encoder::fit(&table, &[0, 1, 2], opts).unwrap_err();
        assert_eq!(
            err.to_string(),
            "column `big`: values too large to standardize"
        );
        // Trained on small values, a huge value at predict time overflows the scaled value.
        let enc = Encoder::fit(&table, &[2, 3], opts).unwrap();
        let err = enc.transform(&table, &[0]).unwrap_err();
        assert!(matches!(err, LearnError::Feature { .. }), "{err}");
        // Without standardization it passes through.
        let enc = Encoder::fit(&table, &[2, 3], PLAIN).unwrap();
        assert_eq!(enc.transform(&table, &[0]).unwrap(), vec![f64::MAX]);
    }
}
