//! The model-validation figures shared by the renderers, read from the results of the
//! cross-validation (`crossval.*`), generalization (`generalization.*`), sensitivity
//! (`sensitivity.*`), robustness (`robustness.*`), counterfactual invariance
//! (`fairness.counterfactual_invariance`) and inference performance (`performance.*`) checks:
//!
//! - cross-validation: per metric the mean over folds with its spread, interval, training and
//!   trivial-predictor means and the per-fold table (errors included); the test against the
//!   trivial predictor; the overfitting gap; the fold-to-fold variance; the scores on held-out
//!   segment values; the coverage of production data by the validation data;
//! - sensitivity: Sobol indices, Morris screening, one-at-a-time sweeps, permutation
//!   importance; robustness to noise (per-input flip rates), monotonicity, counterfactual
//!   invariance;
//! - performance: latency percentiles and histograms per batch size, throughput per thread
//!   count, memory, load time, and the ratios against a baseline model.
//!
//! The details are read as the typed structs the checks write (`assay_report::details::
//! {crossval, sensitivity, robustness, performance}`); a result lacking the figures a row needs
//! is left out of these sections (it still appears among the report's results), and a figure of
//! the wrong type is `None`. Nothing here panics on malformed details.
//!
//! Where a suite runs the same check twice on the same subject (a Sobol index with its
//! default condition and again with a stricter one), the subject gets one row: the figures
//! are the same, and the row carries the result with the worst status.

use serde_json::Value;

use assay_report::details::crossval::{
    BeatsBaselineDetails, CoverageDetails, CrossvalScoreDetails, FoldFigures, FoldVarianceDetails,
    OverfittingDetails, UnseenSegmentsDetails,
};
use assay_report::details::performance::{
    LatencyBinCount, LatencyDetails, LoadTimeDetails, MemoryDetails, PerfRegressionDetails,
    ThroughputDetails,
};
use assay_report::details::robustness::{CounterfactualDetails, MonotonicityDetails, NoiseDetails};
use assay_report::details::sensitivity::{
    ImportanceDetails, MorrisDetails, OatDetails, SobolDetails,
};

use crate::model::label;
use crate::numbers::format_value;
use crate::{CheckResult, Status};

/// A finite number.
fn finite_of(x: Option<f64>) -> Option<f64> {
    x.filter(|x| x.is_finite())
}

/// A finite number of at least 0.
fn non_negative(x: Option<f64>) -> Option<f64> {
    x.filter(|x| x.is_finite() && *x >= 0.0)
}

/// A JSON scalar as a label: strings bare, numbers through [`format_value`] (`0`, `2.5`),
/// the rest as JSON.
fn value_label(v: &Value) -> String {
    match v.as_f64() {
        Some(x) => format_value(x),
        None => label(v),
    }
}

/// The results of check `id`, in suite order.
fn of_id<'a>(results: &'a [CheckResult], id: &'a str) -> impl Iterator<Item = &'a CheckResult> {
    results.iter().filter(move |r| r.id == id)
}

/// Keeps one row per key, at the position of its first occurrence; a later row with the same
/// key replaces it when its status is worse.
fn one_per_key<T>(
    rows: impl IntoIterator<Item = T>,
    key: impl Fn(&T) -> String,
    status: impl Fn(&T) -> Status,
) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for row in rows {
        let k = key(&row);
        match out.iter().position(|o| key(o) == k) {
            Some(i) => {
                if status(&row).severity_rank() < status(&out[i]).severity_rank() {
                    out[i] = row;
                }
            }
            None => out.push(row),
        }
    }
    out
}

/// The metric a result is about: its `metric` detail, else its column.
fn metric_of(r: &CheckResult, metric: Option<String>) -> Option<String> {
    metric.or_else(|| r.column.clone())
}

// ---- cross-validation ----------------------------------------------------------------------

/// One fold of a cross-validation (an entry of `details.folds`).
#[derive(Debug, Clone, PartialEq)]
pub struct FoldRow {
    /// Repeat index (0 unless the splitter repeats).
    pub repeat: Option<f64>,
    /// Fold index within the repeat.
    pub fold: Option<f64>,
    /// Training rows.
    pub train_rows: Option<f64>,
    /// Validation rows.
    pub test_rows: Option<f64>,
    /// Validation score.
    pub score: Option<f64>,
    /// Score on the fold's training rows.
    pub train_score: Option<f64>,
    /// Score of the trivial predictor trained on the same rows.
    pub trivial_score: Option<f64>,
    /// Seconds spent on the fold (training and scoring).
    pub seconds: Option<f64>,
    /// The fold failed (`status` is `error`, or an error is given).
    pub failed: bool,
    /// Why it failed.
    pub error: Option<String>,
}

/// The folds of a fold table, in order.
fn fold_rows(folds: Option<Vec<FoldFigures>>) -> Vec<FoldRow> {
    folds
        .unwrap_or_default()
        .into_iter()
        .map(|f| FoldRow {
            repeat: f.repeat.map(|n| n as f64),
            fold: f.fold.map(|n| n as f64),
            train_rows: f.train_rows.map(|n| n as f64),
            test_rows: f.test_rows.map(|n| n as f64),
            score: finite_of(f.score),
            train_score: finite_of(f.train_score),
            trivial_score: finite_of(f.trivial_score),
            seconds: non_negative(f.seconds),
            failed: f.status.as_deref() == Some("error") || f.error.is_some(),
            error: f.error,
        })
        .collect()
}

/// One metric of a `crossval.score` result.
#[derive(Debug, Clone)]
pub struct CrossvalRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Metric name (`details.metric`, else the column).
    pub metric: String,
    /// Mean validation score over the folds with a score (`details.mean`, else the value).
    pub mean: Option<f64>,
    /// Sample standard deviation over folds.
    pub sd: Option<f64>,
    /// Student-t interval of the mean.
    pub ci: Option<(f64, f64)>,
    /// Its confidence level (0.95).
    pub confidence: Option<f64>,
    /// Folds with a score.
    pub n_folds: Option<f64>,
    /// Folds whose training or scoring failed (`details.failed_folds`, else counted in the
    /// fold table).
    pub failed_folds: Option<f64>,
    /// Mean score on the training rows.
    pub train_mean: Option<f64>,
    /// Mean score of the trivial predictor.
    pub trivial_mean: Option<f64>,
    /// Whether larger scores are better.
    pub higher_is_better: Option<bool>,
    /// Splitter name (`stratified_kfold`).
    pub splitter: Option<String>,
    /// How the models were trained (a learner, or the external trainer command).
    pub training: Option<String>,
    /// Per-fold table.
    pub folds: Vec<FoldRow>,
}

/// The `crossval.score` rows: results with a mean or a fold table (an errored run still
/// lists its folds and their errors), one per metric.
pub fn crossval_rows(results: &[CheckResult]) -> Vec<CrossvalRow<'_>> {
    let rows = of_id(results, "crossval.score").filter_map(|r| {
        let d: CrossvalScoreDetails = r.details_as().unwrap_or_default();
        let folds = fold_rows(d.folds);
        let mean = finite_of(d.mean).or(r.value.filter(|v| v.is_finite()));
        if mean.is_none() && folds.is_empty() {
            return None;
        }
        let failed_folds = d.failed_folds.map(|n| n as f64).or_else(|| {
            (!folds.is_empty()).then(|| folds.iter().filter(|f| f.failed).count() as f64)
        });
        Some(CrossvalRow {
            result: r,
            metric: metric_of(r, d.metric).unwrap_or_else(|| "score".to_string()),
            mean,
            sd: finite_of(d.sd),
            ci: crate::model::finite_pair(d.ci_low, d.ci_high),
            confidence: finite_of(d.confidence),
            n_folds: d.n_folds.map(|n| n as f64),
            failed_folds,
            train_mean: finite_of(d.train_mean),
            trivial_mean: finite_of(d.trivial_mean),
            higher_is_better: d.higher_is_better,
            splitter: d.splitter,
            training: d.training,
            folds,
        })
    });
    one_per_key(rows, |r| r.metric.to_string(), |r| r.result.status)
}

/// A `crossval.beats_baseline` result: the model against the trivial predictor.
#[derive(Debug, Clone)]
pub struct BeatsBaselineRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Metric name.
    pub metric: String,
    /// Mean per-fold improvement over the trivial predictor (positive: the model is better).
    pub mean_improvement: Option<f64>,
    /// Corrected resampled t statistic.
    pub t: Option<f64>,
    /// One-sided p-value (`details.p_value`, else the value).
    pub p_value: Option<f64>,
}

/// The `crossval.beats_baseline` rows that have an improvement or a p-value.
pub fn beats_baseline_rows(results: &[CheckResult]) -> Vec<BeatsBaselineRow<'_>> {
    let rows = of_id(results, "crossval.beats_baseline").filter_map(|r| {
        let d: BeatsBaselineDetails = r.details_as().unwrap_or_default();
        let row = BeatsBaselineRow {
            result: r,
            metric: metric_of(r, d.metric)?,
            mean_improvement: finite_of(d.mean_improvement),
            t: finite_of(d.t),
            p_value: finite_of(d.p_value).or(r.value),
        };
        (row.mean_improvement.is_some() || row.p_value.is_some()).then_some(row)
    });
    one_per_key(rows, |r| r.metric.to_string(), |r| r.result.status)
}

/// A `generalization.overfitting` result: training against validation scores.
#[derive(Debug, Clone)]
pub struct OverfittingRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Metric name.
    pub metric: String,
    /// Mean gap over folds, positive when worse on validation (the value).
    pub gap: Option<f64>,
    /// Mean training score.
    pub train_mean: Option<f64>,
    /// Mean validation score.
    pub validation_mean: Option<f64>,
    /// Largest gap of one fold.
    pub largest_gap: Option<f64>,
    /// Gaps are relative to the training score.
    pub relative: bool,
}

/// The `generalization.overfitting` rows that have a gap or the two means.
pub fn overfitting_rows(results: &[CheckResult]) -> Vec<OverfittingRow<'_>> {
    let rows = of_id(results, "generalization.overfitting").filter_map(|r| {
        let d: OverfittingDetails = r.details_as().unwrap_or_default();
        let row = OverfittingRow {
            result: r,
            metric: metric_of(r, d.metric)?,
            gap: r.value.filter(|v| v.is_finite()),
            train_mean: finite_of(d.train_mean),
            validation_mean: finite_of(d.validation_mean),
            largest_gap: finite_of(d.largest_gap),
            relative: d.relative.unwrap_or(false),
        };
        (row.gap.is_some() || (row.train_mean.is_some() && row.validation_mean.is_some()))
            .then_some(row)
    });
    one_per_key(rows, |r| r.metric.to_string(), |r| r.result.status)
}

/// A `generalization.fold_variance` result: the spread of a metric over folds.
#[derive(Debug, Clone)]
pub struct FoldVarianceRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Metric name.
    pub metric: String,
    /// What the value is: `cv` (coefficient of variation) or `sd`.
    pub measure: Option<String>,
    /// Mean score.
    pub mean: Option<f64>,
    /// Sample standard deviation.
    pub sd: Option<f64>,
    /// Coefficient of variation sd / |mean|.
    pub cv: Option<f64>,
    /// Lowest fold score.
    pub min: Option<f64>,
    /// Highest fold score.
    pub max: Option<f64>,
    /// max − min.
    pub range: Option<f64>,
}

/// The `generalization.fold_variance` rows that have a spread (sd or cv).
pub fn fold_variance_rows(results: &[CheckResult]) -> Vec<FoldVarianceRow<'_>> {
    let rows = of_id(results, "generalization.fold_variance").filter_map(|r| {
        let d: FoldVarianceDetails = r.details_as().unwrap_or_default();
        let row = FoldVarianceRow {
            result: r,
            metric: metric_of(r, d.metric)?,
            measure: d.measure,
            mean: finite_of(d.mean),
            sd: finite_of(d.sd),
            cv: finite_of(d.cv),
            min: finite_of(d.min),
            max: finite_of(d.max),
            range: finite_of(d.range),
        };
        (row.sd.is_some() || row.cv.is_some()).then_some(row)
    });
    one_per_key(rows, |r| r.metric.to_string(), |r| r.result.status)
}

/// The held-out score of one segment value.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentScore {
    /// The value (strings bare, other JSON scalars as JSON).
    pub value: String,
    /// Rows with the value.
    pub rows: Option<f64>,
    /// The metric on those rows, predicted by models that never saw the value.
    pub score: Option<f64>,
}

/// A `generalization.unseen_segments` result: scores on segment values held out of training.
#[derive(Debug, Clone)]
pub struct UnseenSegmentsRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Segment column.
    pub column: &'a str,
    /// Metric name.
    pub metric: Option<String>,
    /// Drop from the cross-validated score to the held-out one, positive when worse (the
    /// value).
    pub drop: Option<f64>,
    /// The metric on the pooled held-out predictions.
    pub held_out_score: Option<f64>,
    /// The ordinary cross-validated score.
    pub crossval_score: Option<f64>,
    /// Per value, in the order given.
    pub values: Vec<SegmentScore>,
    /// Group folds run.
    pub folds: Option<f64>,
}

/// The `generalization.unseen_segments` rows that have a held-out score or per-value scores.
pub fn unseen_segment_rows(results: &[CheckResult]) -> Vec<UnseenSegmentsRow<'_>> {
    let rows = of_id(results, "generalization.unseen_segments").filter_map(|r| {
        let d: UnseenSegmentsDetails = r.details_as().unwrap_or_default();
        let values: Vec<SegmentScore> = d
            .values
            .unwrap_or_default()
            .into_iter()
            .filter(|v| !v.value.is_null())
            .map(|v| SegmentScore {
                value: value_label(&v.value),
                rows: v.rows.map(|n| n as f64),
                score: finite_of(v.score),
            })
            .collect();
        let row = UnseenSegmentsRow {
            result: r,
            column: r.column.as_deref()?,
            metric: d.metric,
            drop: r.value.filter(|v| v.is_finite()),
            held_out_score: finite_of(d.held_out_score),
            crossval_score: finite_of(d.crossval_score),
            values,
            folds: d.folds.map(|n| n as f64),
        };
        (row.held_out_score.is_some() || !row.values.is_empty()).then_some(row)
    });
    one_per_key(rows, |r| r.column.to_string(), |r| r.result.status)
}

/// What the validation data covers of a feature.
#[derive(Debug, Clone, PartialEq)]
pub enum Coverage {
    /// A numeric feature: the validation range, and the production values below and above it.
    Range {
        /// Smallest validation value.
        min: f64,
        /// Largest validation value.
        max: f64,
        /// Production values below `min`.
        below: Option<f64>,
        /// Production values above `max`.
        above: Option<f64>,
    },
    /// A categorical feature: the validation categories, and the production categories it
    /// never had with their counts (most frequent first).
    Categories {
        /// Number of validation categories.
        known: Option<f64>,
        /// Unseen categories and their production counts.
        unseen: Vec<(String, Option<f64>)>,
    },
    /// All features at once: production rows with at least one feature outside.
    Joint {
        /// Production rows.
        rows: Option<f64>,
        /// Rows with at least one feature outside.
        uncovered_rows: Option<f64>,
        /// Features considered.
        features: Option<f64>,
    },
}

/// A `generalization.validation_coverage` result.
#[derive(Debug, Clone)]
pub struct CoverageRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Feature column; `None` for the joint row.
    pub column: Option<&'a str>,
    /// Share of production rows (or values) outside (the value).
    pub share: Option<f64>,
    /// Production rows outside (per feature).
    pub outside_rows: Option<f64>,
    /// The coverage itself.
    pub coverage: Coverage,
}

/// The `generalization.validation_coverage` rows: per feature with a validation range or
/// category count, and the joint row; skipped results (no details) are left out.
pub fn coverage_rows(results: &[CheckResult]) -> Vec<CoverageRow<'_>> {
    let rows = of_id(results, "generalization.validation_coverage").filter_map(|r| {
        let d: CoverageDetails = r.details_as().unwrap_or_default();
        let counted = |n: Option<u64>| n.map(|n| n as f64);
        let coverage = if let (Some(min), Some(max)) =
            (finite_of(d.validation_min), finite_of(d.validation_max))
        {
            Coverage::Range {
                min,
                max,
                below: counted(d.below),
                above: counted(d.above),
            }
        } else if d.validation_categories.is_some() || d.unseen.is_some() {
            let unseen: Vec<(String, Option<f64>)> = d
                .unseen
                .clone()
                .unwrap_or_default()
                .into_iter()
                .filter(|u| !u.value.is_null())
                .map(|u| (value_label(&u.value), counted(u.count)))
                .collect();
            let known = counted(d.validation_categories);
            if known.is_none() && unseen.is_empty() {
                return None;
            }
            Coverage::Categories { known, unseen }
        } else if r.column.is_none() && (d.rows.is_some() || d.uncovered_rows.is_some()) {
            Coverage::Joint {
                rows: counted(d.rows),
                uncovered_rows: counted(d.uncovered_rows),
                features: counted(d.features),
            }
        } else {
            return None;
        };
        Some(CoverageRow {
            result: r,
            column: r.column.as_deref(),
            share: r.value.filter(|v| v.is_finite()),
            outside_rows: counted(d.outside_rows),
            coverage,
        })
    });
    one_per_key(
        rows,
        |r| r.column.unwrap_or("\u{0}joint").to_string(),
        |r| r.result.status,
    )
}

// ---- sensitivity and robustness -------------------------------------------------------------

/// A `sensitivity.sobol` result: an input's first-order and total indices.
#[derive(Debug, Clone)]
pub struct SobolRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Input (the result's column).
    pub input: &'a str,
    /// First-order index S1.
    pub s1: Option<f64>,
    /// Half-width of S1's confidence interval.
    pub s1_conf: Option<f64>,
    /// Total index ST.
    pub st: Option<f64>,
    /// Half-width of ST's confidence interval.
    pub st_conf: Option<f64>,
    /// The index compared by the condition (`st` or `s1`).
    pub index: Option<String>,
}

/// The `sensitivity.sobol` rows with S1 or ST, one per input.
pub fn sobol_rows(results: &[CheckResult]) -> Vec<SobolRow<'_>> {
    let rows = of_id(results, "sensitivity.sobol").filter_map(|r| {
        let d: SobolDetails = r.details_as().unwrap_or_default();
        let row = SobolRow {
            result: r,
            input: r.column.as_deref()?,
            s1: finite_of(d.s1),
            s1_conf: non_negative(d.s1_conf),
            st: finite_of(d.st),
            st_conf: non_negative(d.st_conf),
            index: d.index,
        };
        (row.s1.is_some() || row.st.is_some()).then_some(row)
    });
    one_per_key(rows, |r| r.input.to_string(), |r| r.result.status)
}

/// A `sensitivity.morris` result: an input's elementary effects.
#[derive(Debug, Clone)]
pub struct MorrisRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Input.
    pub input: &'a str,
    /// Mean elementary effect μ.
    pub mu: Option<f64>,
    /// Mean absolute elementary effect μ*.
    pub mu_star: f64,
    /// Standard deviation of the elementary effects σ.
    pub sigma: f64,
    /// Half-width of μ*'s confidence interval.
    pub mu_star_conf: Option<f64>,
}

/// The `sensitivity.morris` rows with both μ* and σ, one per input.
pub fn morris_rows(results: &[CheckResult]) -> Vec<MorrisRow<'_>> {
    let rows = of_id(results, "sensitivity.morris").filter_map(|r| {
        let d: MorrisDetails = r.details_as().unwrap_or_default();
        Some(MorrisRow {
            result: r,
            input: r.column.as_deref()?,
            mu: finite_of(d.mu),
            mu_star: finite_of(d.mu_star)?,
            sigma: finite_of(d.sigma)?,
            mu_star_conf: non_negative(d.mu_star_conf),
        })
    });
    one_per_key(rows, |r| r.input.to_string(), |r| r.result.status)
}

/// A `sensitivity.oat` result: the output as one input sweeps its range.
#[derive(Debug, Clone)]
pub struct OatRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Input.
    pub input: &'a str,
    /// Largest minus smallest output of the sweep (`details.swing`, else the value).
    pub swing: f64,
    /// The input's nominal value (its median).
    pub nominal: Option<f64>,
    /// The output at the nominal point.
    pub nominal_output: Option<f64>,
    /// The sweep: `(input value, output)` pairs with finite coordinates, in order.
    pub sweep: Vec<(f64, f64)>,
    /// End-to-end slope in the input's units.
    pub slope: Option<f64>,
}

/// The `sensitivity.oat` rows with a swing, one per input.
pub fn oat_rows(results: &[CheckResult]) -> Vec<OatRow<'_>> {
    let rows = of_id(results, "sensitivity.oat").filter_map(|r| {
        let d: OatDetails = r.details_as().unwrap_or_default();
        let sweep = match (&d.inputs, &d.outputs) {
            (Some(x), Some(y)) => {
                x.0.iter()
                    .zip(&y.0)
                    .map(|(x, y)| (*x, *y))
                    .filter(|(x, y)| x.is_finite() && y.is_finite())
                    .collect()
            }
            _ => Vec::new(),
        };
        Some(OatRow {
            result: r,
            input: r.column.as_deref()?,
            swing: finite_of(d.swing).or(r.value.filter(|v| v.is_finite()))?,
            nominal: finite_of(d.nominal),
            nominal_output: finite_of(d.nominal_output),
            sweep,
            slope: finite_of(d.slope),
        })
    });
    one_per_key(rows, |r| r.input.to_string(), |r| r.result.status)
}

/// A `sensitivity.permutation_importance` result.
#[derive(Debug, Clone)]
pub struct ImportanceRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Input.
    pub input: &'a str,
    /// Metric whose drop is measured.
    pub metric: Option<String>,
    /// Mean drop of the metric when the input is shuffled (`details.importance`, else the
    /// value).
    pub importance: f64,
    /// Standard deviation over repeats.
    pub sd: Option<f64>,
    /// The metric before shuffling.
    pub baseline_score: Option<f64>,
    /// Number of repeats.
    pub repeats: Option<usize>,
    /// Rows scored.
    pub rows: Option<f64>,
}

/// The `sensitivity.permutation_importance` rows with an importance, one per input.
pub fn importance_rows(results: &[CheckResult]) -> Vec<ImportanceRow<'_>> {
    let rows = of_id(results, "sensitivity.permutation_importance").filter_map(|r| {
        let d: ImportanceDetails = r.details_as().unwrap_or_default();
        Some(ImportanceRow {
            result: r,
            input: r.column.as_deref()?,
            metric: d.metric,
            importance: finite_of(d.importance).or(r.value.filter(|v| v.is_finite()))?,
            sd: non_negative(d.sd),
            baseline_score: finite_of(d.baseline_score),
            repeats: d.repeats.map(|r| r.0.len()),
            rows: d.rows.map(|n| n as f64),
        })
    });
    one_per_key(rows, |r| r.input.to_string(), |r| r.result.status)
}

/// The flip rate of one input perturbed alone.
#[derive(Debug, Clone, PartialEq)]
pub struct InputFlip {
    /// Input.
    pub input: String,
    /// Share of rows whose prediction changes.
    pub flip_rate: f64,
    /// The input's standard deviation (the noise is a multiple of it).
    pub sd: Option<f64>,
}

/// A `robustness.noise` result.
#[derive(Debug, Clone)]
pub struct NoiseRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Share of rows whose prediction changes with noise on every input (the value).
    pub flip_rate: Option<f64>,
    /// Noise scale, in standard deviations of each input.
    pub scale: Option<f64>,
    /// Repeats averaged.
    pub repeats: Option<f64>,
    /// Rows perturbed.
    pub rows: Option<f64>,
    /// Mean absolute change of the analysed output.
    pub mean_abs_change: Option<f64>,
    /// The output analysed (`P(>50K)`).
    pub output: Option<String>,
    /// Per input perturbed alone, in the order given (largest flip rate first).
    pub inputs: Vec<InputFlip>,
}

/// The `robustness.noise` rows with a scale or per-input flip rates.
pub fn noise_rows(results: &[CheckResult]) -> Vec<NoiseRow<'_>> {
    of_id(results, "robustness.noise")
        .filter_map(|r| {
            let d: NoiseDetails = r.details_as().unwrap_or_default();
            let inputs: Vec<InputFlip> = d
                .inputs
                .unwrap_or_default()
                .into_iter()
                .filter_map(|i| {
                    Some(InputFlip {
                        input: i.input,
                        flip_rate: non_negative(i.flip_rate)?,
                        sd: non_negative(i.sd),
                    })
                })
                .collect();
            let row = NoiseRow {
                result: r,
                flip_rate: r.value.filter(|v| v.is_finite()),
                scale: finite_of(d.scale),
                repeats: d.repeats.map(|n| n as f64),
                rows: d.rows.map(|n| n as f64),
                mean_abs_change: finite_of(d.mean_abs_change),
                output: d.output,
                inputs,
            };
            (row.scale.is_some() || !row.inputs.is_empty()).then_some(row)
        })
        .collect()
}

/// A `robustness.monotonicity` result.
#[derive(Debug, Clone)]
pub struct MonotonicityRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Input.
    pub input: &'a str,
    /// `increasing` or `decreasing`.
    pub direction: Option<String>,
    /// Share of rows that break the constraint (the value).
    pub share: Option<f64>,
    /// Rows tested.
    pub rows: Option<f64>,
    /// Rows that break it.
    pub violating_rows: Option<f64>,
    /// Largest move the wrong way.
    pub largest_violation: Option<f64>,
    /// The grid swept: low, high, levels.
    pub grid: Option<(f64, f64, f64)>,
}

/// The `robustness.monotonicity` rows with a direction or rows tested, one per input.
pub fn monotonicity_rows(results: &[CheckResult]) -> Vec<MonotonicityRow<'_>> {
    let rows = of_id(results, "robustness.monotonicity").filter_map(|r| {
        let d: MonotonicityDetails = r.details_as().unwrap_or_default();
        let grid = d
            .grid
            .and_then(|g| Some((finite_of(g.low)?, finite_of(g.high)?, g.levels? as f64)));
        let row = MonotonicityRow {
            result: r,
            input: r.column.as_deref()?,
            direction: d.direction,
            share: r.value.filter(|v| v.is_finite()),
            rows: d.rows.map(|n| n as f64),
            violating_rows: d.violating_rows.map(|n| n as f64),
            largest_violation: finite_of(d.largest_violation),
            grid,
        };
        (row.direction.is_some() || row.rows.is_some()).then_some(row)
    });
    one_per_key(rows, |r| r.input.to_string(), |r| r.result.status)
}

/// The effect of setting a protected attribute to one value.
#[derive(Debug, Clone, PartialEq)]
pub struct CounterfactualValue {
    /// The counterfactual value.
    pub value: String,
    /// Rows whose value was changed to it.
    pub rows: Option<f64>,
    /// Of those, rows whose prediction changed.
    pub changed: Option<f64>,
    /// changed / rows.
    pub share: Option<f64>,
}

/// A `fairness.counterfactual_invariance` result.
#[derive(Debug, Clone)]
pub struct CounterfactualRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Protected attribute.
    pub column: &'a str,
    /// Share of rows whose prediction changes with the attribute alone (the value).
    pub share: Option<f64>,
    /// Rows tested.
    pub rows: Option<f64>,
    /// Rows whose prediction changed for some counterfactual value.
    pub changed_rows: Option<f64>,
    /// Mean absolute change of the analysed output.
    pub mean_abs_change: Option<f64>,
    /// Per counterfactual value.
    pub values: Vec<CounterfactualValue>,
}

/// The `fairness.counterfactual_invariance` rows with rows tested or per-value figures.
pub fn counterfactual_rows(results: &[CheckResult]) -> Vec<CounterfactualRow<'_>> {
    let rows = of_id(results, "fairness.counterfactual_invariance").filter_map(|r| {
        let d: CounterfactualDetails = r.details_as().unwrap_or_default();
        let values = d
            .values
            .unwrap_or_default()
            .into_iter()
            .filter(|v| !v.value.is_null())
            .map(|v| CounterfactualValue {
                value: value_label(&v.value),
                rows: v.rows.map(|n| n as f64),
                changed: v.changed.map(|n| n as f64),
                share: non_negative(v.share),
            })
            .collect();
        let row = CounterfactualRow {
            result: r,
            column: r.column.as_deref()?,
            share: r.value.filter(|v| v.is_finite()),
            rows: d.rows.map(|n| n as f64),
            changed_rows: d.changed_rows.map(|n| n as f64),
            mean_abs_change: finite_of(d.mean_abs_change),
            values,
        };
        (row.rows.is_some() || !row.values.is_empty()).then_some(row)
    });
    one_per_key(rows, |r| r.column.to_string(), |r| r.result.status)
}

// ---- performance ---------------------------------------------------------------------------

/// One bin of a latency histogram: calls slower than `lower` and not slower than `upper`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencyBin {
    /// Lower edge, milliseconds (the previous bin's upper edge; for the first bin, its upper
    /// edge divided by the ratio between consecutive edges).
    pub lower: f64,
    /// Upper edge, milliseconds.
    pub upper: f64,
    /// Calls in the bin.
    pub count: f64,
}

/// The bins of a latency histogram (`[{upper_ms, count}]`) with positive, strictly increasing
/// edges; any other list gives no bins.
fn latency_bins(list: &[LatencyBinCount]) -> Vec<LatencyBin> {
    let pairs: Vec<(f64, f64)> = list.iter().map(|b| (b.upper_ms, b.count as f64)).collect();
    if pairs.iter().any(|(u, _)| !(u.is_finite() && *u > 0.0))
        || pairs.windows(2).any(|w| w[1].0 <= w[0].0)
    {
        return Vec::new();
    }
    // The edges are log-spaced (10 per decade): the first bin spans one ratio below its edge.
    let ratio = match pairs.as_slice() {
        [a, b, ..] => b.0 / a.0,
        _ => 10f64.powf(0.1),
    };
    let mut lower = pairs.first().map_or(0.0, |p| p.0 / ratio);
    pairs
        .into_iter()
        .map(|(upper, count)| {
            let bin = LatencyBin {
                lower,
                upper,
                count,
            };
            lower = upper;
            bin
        })
        .collect()
}

/// A `performance.latency` result: call times at one batch size.
#[derive(Debug, Clone)]
pub struct LatencyRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// The result's column (`batch 64`).
    pub label: &'a str,
    /// Rows per call.
    pub batch_rows: Option<f64>,
    /// Model benchmarked.
    pub model: Option<String>,
    /// The figure compared by the condition (`p99`).
    pub percentile: Option<String>,
    /// Timed calls.
    pub iterations: Option<f64>,
    /// Median call time, ms.
    pub p50_ms: Option<f64>,
    /// 90th percentile, ms.
    pub p90_ms: Option<f64>,
    /// 99th percentile, ms.
    pub p99_ms: Option<f64>,
    /// Slowest call, ms.
    pub max_ms: Option<f64>,
    /// Mean call time, ms.
    pub mean_ms: Option<f64>,
    /// Rows per second over the timed calls.
    pub rows_per_s: Option<f64>,
    /// Log-spaced histogram of call times (empty when missing or malformed).
    pub histogram: Vec<LatencyBin>,
}

/// The `performance.latency` rows with a batch size or a median, one per batch size.
pub fn latency_rows(results: &[CheckResult]) -> Vec<LatencyRow<'_>> {
    let rows = of_id(results, "performance.latency").filter_map(|r| {
        let d: LatencyDetails = r.details_as().unwrap_or_default();
        let row = LatencyRow {
            result: r,
            label: r.column.as_deref().unwrap_or("batch"),
            batch_rows: d.batch_rows.map(|n| n as f64),
            model: d.model,
            percentile: d.percentile,
            iterations: d.iterations.map(|n| n as f64),
            p50_ms: non_negative(d.p50_ms),
            p90_ms: non_negative(d.p90_ms),
            p99_ms: non_negative(d.p99_ms),
            max_ms: non_negative(d.max_ms),
            mean_ms: non_negative(d.mean_ms),
            rows_per_s: non_negative(d.rows_per_s),
            histogram: d.histogram.as_deref().map(latency_bins).unwrap_or_default(),
        };
        (row.batch_rows.is_some() || row.p50_ms.is_some()).then_some(row)
    });
    one_per_key(rows, |r| r.label.to_string(), |r| r.result.status)
}

/// A `performance.throughput` result: rows per second with some worker threads.
#[derive(Debug, Clone)]
pub struct ThroughputRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// The result's column (`2 threads`).
    pub label: &'a str,
    /// Worker threads.
    pub threads: f64,
    /// Rows predicted.
    pub rows: Option<f64>,
    /// Wall time, seconds.
    pub seconds: Option<f64>,
    /// Rows per second (the value).
    pub rows_per_s: f64,
    /// Against one thread.
    pub speedup: Option<f64>,
    /// Model benchmarked.
    pub model: Option<String>,
}

/// The `performance.throughput` rows with threads and a value, one per thread count.
pub fn throughput_rows(results: &[CheckResult]) -> Vec<ThroughputRow<'_>> {
    let rows = of_id(results, "performance.throughput").filter_map(|r| {
        let d: ThroughputDetails = r.details_as()?;
        Some(ThroughputRow {
            result: r,
            label: r.column.as_deref().unwrap_or("threads"),
            threads: d.threads? as f64,
            rows: d.rows.map(|n| n as f64),
            seconds: non_negative(d.seconds),
            rows_per_s: r.value.filter(|v| v.is_finite() && *v >= 0.0)?,
            speedup: non_negative(d.speedup),
            model: d.model,
        })
    });
    one_per_key(rows, |r| format!("{}", r.threads), |r| r.result.status)
}

/// A `performance.memory` result.
#[derive(Debug, Clone)]
pub struct MemoryRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// The figure compared, MiB (the value: peak, or the model's own).
    pub value: Option<f64>,
    /// Peak resident memory over the benchmark, MiB.
    pub peak_mib: Option<f64>,
    /// Resident memory the loaded model adds, MiB.
    pub model_mib: Option<f64>,
    /// Model benchmarked.
    pub model: Option<String>,
}

/// The `performance.memory` rows with a figure (skipped results are left out).
pub fn memory_rows(results: &[CheckResult]) -> Vec<MemoryRow<'_>> {
    of_id(results, "performance.memory")
        .filter_map(|r| {
            let d: MemoryDetails = r.details_as().unwrap_or_default();
            let row = MemoryRow {
                result: r,
                value: r.value.filter(|v| v.is_finite()),
                peak_mib: non_negative(d.peak_mib),
                model_mib: non_negative(d.model_mib),
                model: d.model,
            };
            (row.peak_mib.is_some() || row.model_mib.is_some()).then_some(row)
        })
        .collect()
}

/// A `performance.load_time` result.
#[derive(Debug, Clone)]
pub struct LoadTimeRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Load time, ms (the value).
    pub load_ms: f64,
    /// The baseline model's load time, ms.
    pub baseline_load_ms: Option<f64>,
    /// Model benchmarked.
    pub model: Option<String>,
}

/// The `performance.load_time` rows with a value.
pub fn load_time_rows(results: &[CheckResult]) -> Vec<LoadTimeRow<'_>> {
    of_id(results, "performance.load_time")
        .filter_map(|r| {
            let d: LoadTimeDetails = r.details_as().unwrap_or_default();
            Some(LoadTimeRow {
                result: r,
                load_ms: r.value.filter(|v| v.is_finite() && *v >= 0.0)?,
                baseline_load_ms: non_negative(d.baseline_load_ms),
                model: d.model,
            })
        })
        .collect()
}

/// What a `performance.regression` result compares.
#[derive(Debug, Clone, PartialEq)]
pub enum Compared {
    /// A latency percentile at one batch size, ms.
    Latency {
        /// The percentile (`p50`).
        percentile: Option<String>,
        /// The candidate's figure.
        model_ms: f64,
        /// The baseline's figure.
        baseline_ms: f64,
    },
    /// Throughput at the largest thread count, rows per second.
    Throughput {
        /// Threads.
        threads: Option<f64>,
        /// The candidate's rows per second.
        model_rows_per_s: f64,
        /// The baseline's rows per second.
        baseline_rows_per_s: f64,
    },
}

/// A `performance.regression` result: the candidate model against the baseline model.
#[derive(Debug, Clone)]
pub struct PerfRegressionRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// The result's column (`batch 64` or `throughput`).
    pub target: &'a str,
    /// How many times slower the candidate is (the value).
    pub ratio: f64,
    /// The figures compared.
    pub compared: Compared,
    /// Baseline model.
    pub baseline: Option<String>,
}

/// The `performance.regression` rows with a ratio and the two figures compared.
pub fn perf_regression_rows(results: &[CheckResult]) -> Vec<PerfRegressionRow<'_>> {
    let rows = of_id(results, "performance.regression").filter_map(|r| {
        let d: PerfRegressionDetails = r.details_as().unwrap_or_default();
        let compared = match (non_negative(d.model_ms), non_negative(d.baseline_ms)) {
            (Some(model_ms), Some(baseline_ms)) => Compared::Latency {
                percentile: d.percentile,
                model_ms,
                baseline_ms,
            },
            _ => Compared::Throughput {
                threads: d.threads.map(|n| n as f64),
                model_rows_per_s: non_negative(d.model_rows_per_s)?,
                baseline_rows_per_s: non_negative(d.baseline_rows_per_s)?,
            },
        };
        Some(PerfRegressionRow {
            result: r,
            target: r.column.as_deref().unwrap_or("model"),
            ratio: r.value.filter(|v| v.is_finite())?,
            compared,
            baseline: d.baseline,
        })
    });
    one_per_key(rows, |r| r.target.to_string(), |r| r.result.status)
}

// ---- all of it --------------------------------------------------------------------------------

/// Everything the model-validation sections show, read once from a report's results.
#[derive(Debug, Clone)]
pub struct ValidationFigures<'a> {
    /// Cross-validated scores.
    pub crossval: Vec<CrossvalRow<'a>>,
    /// Against the trivial predictor.
    pub beats_baseline: Vec<BeatsBaselineRow<'a>>,
    /// Overfitting gaps.
    pub overfitting: Vec<OverfittingRow<'a>>,
    /// Fold-to-fold variance.
    pub fold_variance: Vec<FoldVarianceRow<'a>>,
    /// Held-out segment values.
    pub unseen_segments: Vec<UnseenSegmentsRow<'a>>,
    /// Validation coverage.
    pub coverage: Vec<CoverageRow<'a>>,
    /// Sobol indices.
    pub sobol: Vec<SobolRow<'a>>,
    /// Morris screening.
    pub morris: Vec<MorrisRow<'a>>,
    /// One-at-a-time sweeps.
    pub oat: Vec<OatRow<'a>>,
    /// Permutation importance.
    pub importance: Vec<ImportanceRow<'a>>,
    /// Noise robustness.
    pub noise: Vec<NoiseRow<'a>>,
    /// Monotonicity.
    pub monotonicity: Vec<MonotonicityRow<'a>>,
    /// Counterfactual invariance.
    pub counterfactual: Vec<CounterfactualRow<'a>>,
    /// Latency per batch size.
    pub latency: Vec<LatencyRow<'a>>,
    /// Throughput per thread count.
    pub throughput: Vec<ThroughputRow<'a>>,
    /// Memory.
    pub memory: Vec<MemoryRow<'a>>,
    /// Load time.
    pub load_time: Vec<LoadTimeRow<'a>>,
    /// Against the baseline model.
    pub perf_regression: Vec<PerfRegressionRow<'a>>,
}

impl<'a> ValidationFigures<'a> {
    /// Reads the figures of `results`.
    pub fn of(results: &'a [CheckResult]) -> Self {
        ValidationFigures {
            crossval: crossval_rows(results),
            beats_baseline: beats_baseline_rows(results),
            overfitting: overfitting_rows(results),
            fold_variance: fold_variance_rows(results),
            unseen_segments: unseen_segment_rows(results),
            coverage: coverage_rows(results),
            sobol: sobol_rows(results),
            morris: morris_rows(results),
            oat: oat_rows(results),
            importance: importance_rows(results),
            noise: noise_rows(results),
            monotonicity: monotonicity_rows(results),
            counterfactual: counterfactual_rows(results),
            latency: latency_rows(results),
            throughput: throughput_rows(results),
            memory: memory_rows(results),
            load_time: load_time_rows(results),
            perf_regression: perf_regression_rows(results),
        }
    }

    /// True when there is nothing about cross-validation or generalization to show.
    pub fn crossval_is_empty(&self) -> bool {
        self.crossval.is_empty()
            && self.beats_baseline.is_empty()
            && self.overfitting.is_empty()
            && self.fold_variance.is_empty()
            && self.unseen_segments.is_empty()
            && self.coverage.is_empty()
    }

    /// True when there is nothing about sensitivity or robustness to show.
    pub fn sensitivity_is_empty(&self) -> bool {
        self.sobol.is_empty()
            && self.morris.is_empty()
            && self.oat.is_empty()
            && self.importance.is_empty()
            && self.noise.is_empty()
            && self.monotonicity.is_empty()
            && self.counterfactual.is_empty()
    }

    /// True when there is nothing about inference performance to show.
    pub fn performance_is_empty(&self) -> bool {
        self.latency.is_empty()
            && self.throughput.is_empty()
            && self.memory.is_empty()
            && self.load_time.is_empty()
            && self.perf_regression.is_empty()
    }

    /// True when there is nothing to show at all.
    pub fn is_empty(&self) -> bool {
        self.crossval_is_empty() && self.sensitivity_is_empty() && self.performance_is_empty()
    }

    /// The inputs of the sensitivity analyses, in order of first appearance (Sobol, Morris,
    /// one-at-a-time, permutation importance).
    pub fn sensitivity_inputs(&self) -> Vec<&'a str> {
        let mut out: Vec<&'a str> = Vec::new();
        let all = self
            .sobol
            .iter()
            .map(|r| r.input)
            .chain(self.morris.iter().map(|r| r.input))
            .chain(self.oat.iter().map(|r| r.input))
            .chain(self.importance.iter().map(|r| r.input));
        for input in all {
            if !out.contains(&input) {
                out.push(input);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn result(
        id: &str,
        column: Option<&str>,
        status: Status,
        value: Option<f64>,
        details: Value,
    ) -> CheckResult {
        CheckResult {
            id: id.to_string(),
            column: column.map(str::to_string),
            status,
            value,
            threshold: None,
            condition: None,
            severity: "fail".to_string(),
            message: String::new(),
            details: match details {
                Value::Object(m) => m,
                _ => serde_json::Map::new(),
            },
        }
    }

    fn fold(i: u32, score: Option<f64>, error: Option<&str>) -> Value {
        json!({"repeat": 0, "fold": i, "train_rows": 15195, "test_rows": 7598, "score": score,
               "train_score": score.map(|s| s + 0.01), "trivial_score": 0.5, "seconds": 5.3,
               "status": if error.is_some() { "error" } else { "ok" }, "error": error})
    }

    #[test]
    fn crossval_rows_read_the_summary_and_every_fold() {
        let results = vec![
            result(
                "crossval.score",
                Some("roc_auc"),
                Status::Fail,
                Some(0.8617),
                json!({"metric": "roc_auc", "mean": 0.8617, "sd": 0.005, "ci_low": 0.8493,
                       "ci_high": 0.8741, "confidence": 0.95, "n_folds": 2, "failed_folds": 1,
                       "train_mean": 0.8671, "trivial_mean": 0.5, "higher_is_better": true,
                       "splitter": "stratified_kfold", "training": "logistic",
                       "folds": [fold(0, Some(0.8572), None), fold(1, Some(0.8662), None),
                                 fold(2, None, Some("trainer exited with status 1"))]}),
            ),
            // An errored run: no summary, but the folds and their errors.
            result(
                "crossval.score",
                Some("f1"),
                Status::Error,
                None,
                json!({"folds": [fold(0, None, Some("boom")), "not a fold"]}),
            ),
            // Neither a mean nor folds: left out.
            result(
                "crossval.score",
                Some("accuracy"),
                Status::Error,
                None,
                json!({}),
            ),
        ];
        let rows = crossval_rows(&results);
        assert_eq!(rows.len(), 2);
        let r = &rows[0];
        assert_eq!(r.metric, "roc_auc");
        assert_eq!(r.mean, Some(0.8617));
        assert_eq!(r.ci, Some((0.8493, 0.8741)));
        assert_eq!(r.trivial_mean, Some(0.5));
        assert_eq!(r.failed_folds, Some(1.0));
        assert_eq!(r.splitter.as_deref(), Some("stratified_kfold"));
        assert_eq!(r.folds.len(), 3);
        assert_eq!(r.folds[1].score, Some(0.8662));
        assert_eq!(r.folds[1].train_score, Some(0.8662 + 0.01));
        assert_eq!(r.folds[1].train_rows, Some(15195.0));
        assert!(!r.folds[1].failed);
        assert!(r.folds[2].failed);
        assert_eq!(
            r.folds[2].error.as_deref(),
            Some("trainer exited with status 1")
        );
        assert_eq!(r.folds[2].score, None);
        let e = &rows[1];
        assert_eq!((e.metric.as_str(), e.mean), ("f1", None));
        assert_eq!(
            e.folds.len(),
            1,
            "the entry that is not an object is left out"
        );
        assert_eq!(e.failed_folds, Some(1.0), "counted from the folds");
    }

    #[test]
    fn generalization_rows() {
        let results = vec![
            result(
                "generalization.overfitting",
                Some("accuracy"),
                Status::Pass,
                Some(0.0029),
                json!({"metric": "accuracy", "train_mean": 0.8398, "validation_mean": 0.8369,
                       "largest_gap": 0.0072, "relative": false}),
            ),
            result(
                "generalization.fold_variance",
                Some("f1"),
                Status::Pass,
                Some(0.0204),
                json!({"metric": "f1", "measure": "cv", "mean": 0.5657, "sd": 0.0115,
                       "cv": 0.0204, "min": 0.558, "max": 0.5789, "range": 0.0209}),
            ),
            result(
                "generalization.unseen_segments",
                Some("race"),
                Status::Pass,
                Some(0.0167),
                json!({"metric": "roc_auc", "held_out_score": 0.8441, "crossval_score": 0.8608,
                       "folds": 3, "values": [{"value": "Black", "rows": 2216, "score": 0.8781},
                                              {"value": 7, "rows": 193, "score": null},
                                              {"rows": 3}]}),
            ),
            result(
                "generalization.validation_coverage",
                Some("age"),
                Status::Pass,
                Some(0.0),
                json!({"validation_min": 17.0, "validation_max": 90.0, "below": 0, "above": 2,
                       "outside_rows": 2}),
            ),
            result(
                "generalization.validation_coverage",
                Some("native-country"),
                Status::Warn,
                Some(0.0001),
                json!({"validation_categories": 40, "outside_rows": 1,
                       "unseen": [{"value": "Holand-Netherlands", "count": 1}]}),
            ),
            result(
                "generalization.validation_coverage",
                None,
                Status::Pass,
                Some(0.0001),
                json!({"rows": 9768, "uncovered_rows": 1, "features": 6}),
            ),
            result(
                "generalization.validation_coverage",
                None,
                Status::Skipped,
                None,
                json!({}),
            ),
        ];
        let f = ValidationFigures::of(&results);
        assert_eq!(f.overfitting[0].gap, Some(0.0029));
        assert_eq!(f.overfitting[0].largest_gap, Some(0.0072));
        assert_eq!(f.fold_variance[0].cv, Some(0.0204));
        assert_eq!(f.fold_variance[0].measure.as_deref(), Some("cv"));
        let u = &f.unseen_segments[0];
        assert_eq!((u.column, u.held_out_score), ("race", Some(0.8441)));
        assert_eq!(
            u.values,
            [
                SegmentScore {
                    value: "Black".into(),
                    rows: Some(2216.0),
                    score: Some(0.8781)
                },
                SegmentScore {
                    value: "7".into(),
                    rows: Some(193.0),
                    score: None
                },
            ]
        );
        assert_eq!(f.coverage.len(), 3, "the skipped result is left out");
        assert_eq!(
            f.coverage[0].coverage,
            Coverage::Range {
                min: 17.0,
                max: 90.0,
                below: Some(0.0),
                above: Some(2.0)
            }
        );
        assert_eq!(
            f.coverage[1].coverage,
            Coverage::Categories {
                known: Some(40.0),
                unseen: vec![("Holand-Netherlands".into(), Some(1.0))]
            }
        );
        assert_eq!(
            f.coverage[2].coverage,
            Coverage::Joint {
                rows: Some(9768.0),
                uncovered_rows: Some(1.0),
                features: Some(6.0)
            }
        );
        assert!(!f.crossval_is_empty());
        assert!(f.sensitivity_is_empty() && f.performance_is_empty());
    }

    #[test]
    fn sensitivity_rows_one_per_input_worst_status_kept() {
        let sobol = |status, s1: Value| {
            result(
                "sensitivity.sobol",
                Some("fnlwgt"),
                status,
                Some(0.0137),
                json!({"s1": s1, "s1_conf": 0.0077, "st": 0.0137, "st_conf": 0.0043, "index": "st"}),
            )
        };
        let results = vec![
            sobol(Status::Pass, json!(0.0043)),
            result(
                "sensitivity.sobol",
                Some("age"),
                Status::Pass,
                Some(0.1913),
                json!({"s1": 0.1098, "s1_conf": 0.0405, "st": 0.1913, "st_conf": 0.0378}),
            ),
            sobol(Status::Warn, json!(0.0043)),
            result(
                "sensitivity.morris",
                Some("age"),
                Status::Pass,
                Some(0.2421),
                json!({"mu": 0.0768, "mu_star": 0.2421, "sigma": 0.3518, "mu_star_conf": 0.0167}),
            ),
            result(
                "sensitivity.oat",
                Some("age"),
                Status::Pass,
                Some(0.3573),
                json!({"swing": 0.3573, "nominal": 53.5, "nominal_output": 0.3947,
                       "inputs": [17.0, 53.5, 90.0], "outputs": [0.02, 0.39, "x"], "slope": 0.0031}),
            ),
            result(
                "sensitivity.permutation_importance",
                Some("education-num"),
                Status::Pass,
                Some(0.0727),
                json!({"metric": "roc_auc", "importance": 0.0727, "sd": 0.002,
                       "baseline_score": 0.8699, "repeats": [0.073, 0.071, 0.07], "rows": 9768}),
            ),
            result(
                "robustness.noise",
                None,
                Status::Pass,
                Some(0.0261),
                json!({"scale": 0.05, "repeats": 3, "rows": 9768, "output": "P(>50K)",
                       "inputs": [{"input": "capital-gain", "flip_rate": 0.0182, "sd": 7569.6},
                                  {"input": "age", "flip_rate": "high"}]}),
            ),
            result(
                "robustness.monotonicity",
                Some("education-num"),
                Status::Warn,
                Some(0.2),
                json!({"direction": "increasing", "rows": 300, "violating_rows": 60,
                       "largest_violation": 0.0117, "grid": {"low": 1.0, "high": 16.0, "levels": 10}}),
            ),
            result(
                "fairness.counterfactual_invariance",
                Some("sex"),
                Status::Fail,
                Some(0.031),
                json!({"rows": 1000, "changed_rows": 31, "mean_abs_change": 0.012,
                       "values": [{"value": 0.0, "rows": 330, "changed": 12, "share": 0.0364},
                                  {"value": 1.0, "rows": 670, "changed": 19, "share": 0.0284}]}),
            ),
        ];
        let f = ValidationFigures::of(&results);
        let inputs: Vec<&str> = f.sobol.iter().map(|r| r.input).collect();
        assert_eq!(inputs, ["fnlwgt", "age"]);
        assert_eq!(
            f.sobol[0].result.status,
            Status::Warn,
            "the worst of the two"
        );
        assert_eq!(f.sobol[0].s1, Some(0.0043));
        assert_eq!(f.sobol[1].st_conf, Some(0.0378));
        assert_eq!((f.morris[0].mu_star, f.morris[0].sigma), (0.2421, 0.3518));
        assert_eq!(f.oat[0].swing, 0.3573);
        assert_eq!(f.oat[0].sweep, [(17.0, 0.02), (53.5, 0.39)]);
        assert_eq!(f.importance[0].repeats, Some(3));
        assert_eq!(f.importance[0].sd, Some(0.002));
        let n = &f.noise[0];
        assert_eq!((n.flip_rate, n.scale), (Some(0.0261), Some(0.05)));
        assert_eq!(
            n.inputs,
            [InputFlip {
                input: "capital-gain".into(),
                flip_rate: 0.0182,
                sd: Some(7569.6)
            }]
        );
        assert_eq!(f.monotonicity[0].grid, Some((1.0, 16.0, 10.0)));
        assert_eq!(f.monotonicity[0].violating_rows, Some(60.0));
        let c = &f.counterfactual[0];
        assert_eq!(c.values.len(), 2);
        assert_eq!(c.values[0].value, "0");
        assert_eq!(c.values[1].share, Some(0.0284));
        assert_eq!(f.sensitivity_inputs(), ["fnlwgt", "age", "education-num"]);
    }

    #[test]
    fn performance_rows() {
        let results = vec![
            result(
                "performance.latency",
                Some("batch 64"),
                Status::Pass,
                Some(0.3301),
                json!({"model": "m.onnx", "batch_rows": 64, "percentile": "p99", "iterations": 7235,
                       "p50_ms": 0.2534, "p90_ms": 0.2759, "p99_ms": 0.3301, "max_ms": 4.507,
                       "mean_ms": 0.2759, "rows_per_s": 231969.0,
                       "histogram": [{"upper_ms": 0.2512, "count": 2818},
                                     {"upper_ms": 0.3162, "count": 4315},
                                     {"upper_ms": 0.3981, "count": 54}]}),
            ),
            result(
                "performance.throughput",
                Some("2 threads"),
                Status::Pass,
                Some(158320.7),
                json!({"threads": 2, "rows": 50000, "seconds": 0.3158, "speedup": 1.0465}),
            ),
            result(
                "performance.memory",
                None,
                Status::Pass,
                Some(94.5),
                json!({"model": "m.onnx", "peak_mib": 94.5, "model_mib": 0.0625}),
            ),
            result("performance.memory", None, Status::Skipped, None, json!({})),
            result(
                "performance.load_time",
                None,
                Status::Pass,
                Some(3.95),
                json!({"model": "m.onnx", "baseline_load_ms": null}),
            ),
            result(
                "performance.regression",
                Some("batch 64"),
                Status::Warn,
                Some(5.18),
                json!({"percentile": "p50", "model_ms": 0.2948, "baseline_ms": 0.0569,
                       "baseline": "lr.onnx"}),
            ),
            result(
                "performance.regression",
                Some("throughput"),
                Status::Warn,
                Some(5.39),
                json!({"model_rows_per_s": 158320.7, "baseline_rows_per_s": 853348.3, "threads": 2}),
            ),
        ];
        let f = ValidationFigures::of(&results);
        let l = &f.latency[0];
        assert_eq!((l.batch_rows, l.p99_ms), (Some(64.0), Some(0.3301)));
        assert_eq!(l.histogram.len(), 3);
        assert_eq!(l.histogram[1].lower, 0.2512);
        assert_eq!(l.histogram[1].count, 4315.0);
        let first = l.histogram[0];
        assert!((first.lower - 0.2512 / (0.3162 / 0.2512)).abs() < 1e-12);
        assert_eq!(f.throughput[0].threads, 2.0);
        assert_eq!(f.throughput[0].speedup, Some(1.0465));
        assert_eq!(f.memory.len(), 1);
        assert_eq!(f.memory[0].model_mib, Some(0.0625));
        assert_eq!(f.load_time[0].baseline_load_ms, None);
        assert_eq!(
            f.perf_regression[0].compared,
            Compared::Latency {
                percentile: Some("p50".to_string()),
                model_ms: 0.2948,
                baseline_ms: 0.0569
            }
        );
        assert_eq!(
            f.perf_regression[1].compared,
            Compared::Throughput {
                threads: Some(2.0),
                model_rows_per_s: 158320.7,
                baseline_rows_per_s: 853348.3
            }
        );
        assert!(f.crossval_is_empty() && f.sensitivity_is_empty());
        assert!(!f.performance_is_empty());
    }

    #[test]
    fn malformed_details_are_left_out_without_panicking() {
        let results = vec![
            result(
                "crossval.score",
                Some("roc_auc"),
                Status::Pass,
                None,
                json!({"mean": "high", "folds": {"0": 1}}),
            ),
            result(
                "crossval.beats_baseline",
                None,
                Status::Pass,
                Some(0.01),
                json!({"p_value": 0.01}),
            ),
            result(
                "generalization.overfitting",
                Some("f1"),
                Status::Pass,
                None,
                json!({"train_mean": [1], "validation_mean": 0.5}),
            ),
            result(
                "generalization.fold_variance",
                Some("f1"),
                Status::Pass,
                Some(0.1),
                json!({"sd": null, "cv": "0.1"}),
            ),
            result(
                "generalization.unseen_segments",
                Some("race"),
                Status::Pass,
                Some(0.1),
                json!({"values": "Black"}),
            ),
            result(
                "generalization.validation_coverage",
                Some("age"),
                Status::Pass,
                Some(0.0),
                json!({"validation_min": "17", "validation_max": 90}),
            ),
            result(
                "sensitivity.sobol",
                Some("age"),
                Status::Pass,
                Some(0.2),
                json!({"s1": "0.1", "st": null}),
            ),
            result(
                "sensitivity.sobol",
                None,
                Status::Pass,
                Some(0.2),
                json!({"s1": 0.1}),
            ),
            result(
                "sensitivity.morris",
                Some("age"),
                Status::Pass,
                Some(0.2),
                json!({"mu_star": 0.2}),
            ),
            result(
                "sensitivity.oat",
                Some("age"),
                Status::Pass,
                None,
                json!({"swing": true}),
            ),
            result(
                "sensitivity.permutation_importance",
                Some("age"),
                Status::Error,
                None,
                json!({}),
            ),
            result(
                "robustness.noise",
                None,
                Status::Pass,
                Some(0.02),
                json!({"inputs": [1, 2, {"input": 3, "flip_rate": 0.1}]}),
            ),
            result(
                "robustness.monotonicity",
                Some("age"),
                Status::Pass,
                Some(0.0),
                json!({"grid": [1, 2]}),
            ),
            result(
                "fairness.counterfactual_invariance",
                Some("sex"),
                Status::Skipped,
                None,
                json!({}),
            ),
            result(
                "performance.latency",
                Some("batch 1"),
                Status::Pass,
                Some(0.07),
                json!({"p50_ms": "fast"}),
            ),
            result(
                "performance.throughput",
                Some("1 thread"),
                Status::Pass,
                Some(1000.0),
                json!({"threads": "one"}),
            ),
            result(
                "performance.load_time",
                None,
                Status::Pass,
                None,
                json!({"model": "m.onnx"}),
            ),
            result(
                "performance.regression",
                Some("throughput"),
                Status::Pass,
                Some(1.2),
                json!({"model_rows_per_s": 100.0}),
            ),
        ];
        let f = ValidationFigures::of(&results);
        assert!(f.is_empty(), "{f:#?}");
        // A latency row keeps its figures when only the histogram is broken.
        let broken = [
            json!([{"upper_ms": 0.2, "count": 3}, {"upper_ms": 0.1, "count": 1}]),
            json!([{"upper_ms": 0.2, "count": -3}]),
            json!([{"upper_ms": 0.2, "count": 3}, "x"]),
            json!("histogram"),
        ];
        for h in broken {
            let r = [result(
                "performance.latency",
                Some("batch 1"),
                Status::Pass,
                Some(0.07),
                json!({"batch_rows": 1, "p50_ms": 0.02, "histogram": h}),
            )];
            let rows = latency_rows(&r);
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].p50_ms, Some(0.02));
            assert!(rows[0].histogram.is_empty(), "{h}");
        }
    }
}
