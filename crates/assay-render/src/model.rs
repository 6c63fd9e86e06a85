//! The model-evaluation figures shared by the renderers, read from the results of the
//! `model.*` and `fairness.*` checks: the metric table (with intervals, baseline and trivial
//! predictor), the curves and the confusion matrix to draw, the regression gate, the slices,
//! the weak slices, prediction stability, and the fairness measures grouped by protected
//! attribute.
//!
//! The details are read as the typed structs of [`assay_report::details::model`] and
//! [`assay_report::details::fairness`] (the same types the checks write); a result lacking them
//! is left out of these sections (it still appears among the report's results). Nothing here
//! panics on malformed details: a missing or mistyped figure is `None`.

use serde_json::Value;

use assay_report::details::fairness::FairnessDetails;
use assay_report::details::model::{
    GateDetails, MetricDetails, SliceDetails, StabilityDetails, WeakSliceDetails,
};
use assay_report::details::NumberList;

use crate::{CheckResult, Status};

/// Model check ids that are not one metric each.
const NOT_METRICS: [&str; 4] = [
    "model.slices",
    "model.weak_slices",
    "model.regression_gate",
    "model.prediction_stability",
];

/// A finite `(low, high)` pair.
pub(crate) fn finite_pair(low: Option<f64>, high: Option<f64>) -> Option<(f64, f64)> {
    match (low, high) {
        (Some(lo), Some(hi)) if lo.is_finite() && hi.is_finite() => Some((lo, hi)),
        _ => None,
    }
}

/// A JSON scalar as a label: strings bare, numbers and booleans as JSON.
pub(crate) fn label(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One metric of a `model.<metric>` result.
#[derive(Debug, Clone)]
pub struct MetricRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Metric name (`details.metric`, else the id without `model.`).
    pub metric: String,
    /// Point value (`details.estimate`, else the result's value).
    pub estimate: Option<f64>,
    /// Confidence interval, when computed.
    pub ci: Option<(f64, f64)>,
    /// Confidence level of the interval (0.95).
    pub confidence: Option<f64>,
    /// How the interval was computed (`wilson`, `bootstrap`...).
    pub ci_method: Option<String>,
    /// The metric on the reference (baseline) data or model.
    pub baseline: Option<f64>,
    /// The metric of the trivial predictor.
    pub trivial_value: Option<f64>,
    /// Name of the trivial predictor (`majority class`, `mean`...).
    pub trivial: Option<String>,
    /// Whether larger values are better.
    pub higher_is_better: Option<bool>,
    /// Rows evaluated.
    pub n: Option<f64>,
    /// Name of the model evaluated.
    pub model: Option<String>,
}

/// The metric rows of a report, in suite order: every `model.<metric>` result that carries a
/// `metric` or `estimate` detail.
pub fn metric_rows(results: &[CheckResult]) -> Vec<MetricRow<'_>> {
    results
        .iter()
        .filter(|r| r.id.starts_with("model.") && !NOT_METRICS.contains(&r.id.as_str()))
        .filter_map(|r| {
            let d: MetricDetails = r.details_as()?;
            if d.metric.is_none() && d.estimate.is_none() {
                return None;
            }
            Some(MetricRow {
                result: r,
                metric: d
                    .metric
                    .unwrap_or_else(|| r.id.trim_start_matches("model.").to_string()),
                estimate: d.estimate.or(r.value),
                ci: finite_pair(d.ci_low, d.ci_high),
                confidence: d.confidence,
                ci_method: d.ci_method,
                baseline: d.baseline_value,
                trivial_value: d.trivial_value,
                trivial: d.trivial,
                higher_is_better: d.higher_is_better,
                n: d.n.map(|n| n as f64),
                model: d.model,
            })
        })
        .collect()
}

/// A curve to draw: points `(x, y)` in order, both in [0, 1].
#[derive(Debug, Clone)]
pub struct Curve<'a> {
    /// The result the curve comes from (its value and status).
    pub result: &'a CheckResult,
    /// The points; pairs with a non-finite coordinate are dropped.
    pub points: Vec<(f64, f64)>,
}

fn curve<'a>(result: &'a CheckResult, xs: &NumberList, ys: &NumberList) -> Option<Curve<'a>> {
    let points: Vec<(f64, f64)> =
        xs.0.iter()
            .zip(&ys.0)
            .map(|(a, b)| (*a, *b))
            .filter(|(a, b)| a.is_finite() && b.is_finite())
            .collect();
    (points.len() >= 2).then_some(Curve { result, points })
}

/// The ROC curve of the first `model.roc_auc` result that has one: `(fpr, tpr)` points.
pub fn roc_curve(results: &[CheckResult]) -> Option<Curve<'_>> {
    results
        .iter()
        .filter(|r| r.id == "model.roc_auc")
        .find_map(|r| {
            let c = r.details_as::<MetricDetails>()?.roc_curve?;
            curve(r, &c.fpr, &c.tpr)
        })
}

/// The precision–recall curve of the first `model.average_precision` result that has one:
/// `(recall, precision)` points.
pub fn pr_curve(results: &[CheckResult]) -> Option<Curve<'_>> {
    results
        .iter()
        .filter(|r| r.id == "model.average_precision")
        .find_map(|r| {
            let c = r.details_as::<MetricDetails>()?.pr_curve?;
            curve(r, &c.recall, &c.precision)
        })
}

pub use assay_report::details::model::ReliabilityBin;

/// The reliability diagram of a `model.calibration_error` result.
#[derive(Debug, Clone)]
pub struct Reliability<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Bins with finite figures, in order.
    pub bins: Vec<ReliabilityBin>,
}

/// The reliability diagram of the first `model.calibration_error` result that has one.
pub fn reliability(results: &[CheckResult]) -> Option<Reliability<'_>> {
    results
        .iter()
        .filter(|r| r.id == "model.calibration_error")
        .find_map(|r| {
            let bins: Vec<ReliabilityBin> = r
                .details_as::<MetricDetails>()?
                .reliability?
                .into_iter()
                .filter(|b| {
                    [
                        b.lower,
                        b.upper,
                        b.weight,
                        b.mean_predicted,
                        b.fraction_positive,
                    ]
                    .iter()
                    .all(|x| x.is_finite())
                })
                .collect();
            (!bins.is_empty()).then_some(Reliability { result: r, bins })
        })
}

/// The confusion matrix of a `model.confusion_matrix` result.
#[derive(Debug, Clone)]
pub struct ConfusionMatrix<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Class labels, in matrix order.
    pub labels: Vec<String>,
    /// Counts: rows are the true class, columns the predicted one; square, one row and one
    /// column per label (non-numbers read as NaN).
    pub matrix: Vec<Vec<f64>>,
}

/// The confusion matrix of the first `model.confusion_matrix` result with a square matrix
/// matching its labels.
pub fn confusion_matrix(results: &[CheckResult]) -> Option<ConfusionMatrix<'_>> {
    results
        .iter()
        .filter(|r| r.id == "model.confusion_matrix")
        .find_map(|r| {
            let d = r.details_as::<MetricDetails>()?;
            let labels: Vec<String> = d.labels?.iter().map(label).collect();
            let matrix: Vec<Vec<f64>> = d.matrix?.into_iter().map(|row| row.0).collect();
            let square = !labels.is_empty()
                && matrix.len() == labels.len()
                && matrix.iter().all(|row| row.len() == labels.len());
            square.then_some(ConfusionMatrix {
                result: r,
                labels,
                matrix,
            })
        })
}

/// One slice of a `model.slices` result.
#[derive(Debug, Clone)]
pub struct SliceRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Slice name or expression.
    pub slice: &'a str,
    /// Metric name.
    pub metric: Option<String>,
    /// Rows in the slice.
    pub n: Option<f64>,
    /// The metric on the slice.
    pub value: Option<f64>,
    /// Its confidence interval.
    pub ci: Option<(f64, f64)>,
    /// The metric on all rows.
    pub reference_value: Option<f64>,
}

/// The slice rows, in suite order (skipped slices included).
pub fn slice_rows(results: &[CheckResult]) -> Vec<SliceRow<'_>> {
    results
        .iter()
        .filter(|r| r.id == "model.slices")
        .filter_map(|r| {
            let d: SliceDetails = r.details_as().unwrap_or_default();
            Some(SliceRow {
                result: r,
                slice: r.column.as_deref()?,
                metric: d.metric,
                n: d.n.map(|n| n as f64),
                value: r.value,
                ci: finite_pair(d.ci_low, d.ci_high),
                reference_value: d.reference_value,
            })
        })
        .collect()
}

/// One result of `model.weak_slices`: a slice where the model does worse than on the rest, or
/// (without a slice) the "none found" outcome.
#[derive(Debug, Clone)]
pub struct WeakSliceRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// The slice, `None` for the result saying none was found.
    pub slice: Option<&'a str>,
    /// Rows in the slice.
    pub n: Option<f64>,
    /// Loss on the slice.
    pub slice_loss: Option<f64>,
    /// Loss on the other rows.
    pub rest_loss: Option<f64>,
    /// Name of the loss.
    pub loss: Option<String>,
    /// q-value (false-discovery-rate adjusted p-value).
    pub q_value: Option<f64>,
}

/// The weak-slice rows, in suite order.
pub fn weak_slice_rows(results: &[CheckResult]) -> Vec<WeakSliceRow<'_>> {
    results
        .iter()
        .filter(|r| r.id == "model.weak_slices")
        .map(|r| {
            let d: WeakSliceDetails = r.details_as().unwrap_or_default();
            WeakSliceRow {
                result: r,
                slice: r.column.as_deref(),
                n: d.n.map(|n| n as f64),
                slice_loss: d.slice_loss,
                rest_loss: d.rest_loss,
                loss: d.loss,
                q_value: d.q_value.or(r.value.filter(|_| r.column.is_some())),
            }
        })
        .collect()
}

/// One metric of the regression gate (`model.regression_gate`).
#[derive(Debug, Clone)]
pub struct GateRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Metric name.
    pub metric: &'a str,
    /// The metric of the candidate model.
    pub candidate: Option<f64>,
    /// The metric of the baseline model.
    pub baseline: Option<f64>,
    /// Candidate minus baseline.
    pub delta: Option<f64>,
    /// Degradation (positive: the candidate is worse), relative to the baseline when
    /// `relative`.
    pub degradation: Option<f64>,
    /// Interval of the degradation.
    pub degradation_ci: Option<(f64, f64)>,
    /// Degradation tolerated.
    pub tolerance: Option<f64>,
    /// Whether degradation and tolerance are relative to the baseline.
    pub relative: bool,
    /// Name of the paired test.
    pub test: Option<String>,
    /// Its p-value.
    pub p_value: Option<f64>,
    /// Whether the difference is significant.
    pub significant: Option<bool>,
}

/// The regression-gate rows, in suite order.
pub fn gate_rows(results: &[CheckResult]) -> Vec<GateRow<'_>> {
    results
        .iter()
        .filter(|r| r.id == "model.regression_gate")
        .filter_map(|r| {
            let d: GateDetails = r.details_as().unwrap_or_default();
            Some(GateRow {
                result: r,
                metric: r.column.as_deref()?,
                candidate: d.candidate,
                baseline: d.baseline,
                delta: d.delta,
                degradation: r.value,
                degradation_ci: d.degradation_ci.map(|[lo, hi]| (lo, hi)),
                tolerance: d.tolerance,
                relative: d.relative == Some(true),
                test: d.test,
                p_value: d.p_value,
                significant: d.significant,
            })
        })
        .collect()
}

/// A `model.prediction_stability` result.
#[derive(Debug, Clone)]
pub struct StabilityRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Share of predictions that changed.
    pub changed_share: Option<f64>,
    /// Largest change of a predicted value or probability.
    pub max_change: Option<f64>,
    /// Mean change.
    pub mean_change: Option<f64>,
}

/// The prediction-stability rows, in suite order.
pub fn stability_rows(results: &[CheckResult]) -> Vec<StabilityRow<'_>> {
    results
        .iter()
        .filter(|r| r.id == "model.prediction_stability")
        .map(|r| {
            let d: StabilityDetails = r.details_as().unwrap_or_default();
            StabilityRow {
                result: r,
                changed_share: r.value,
                max_change: d.max_change,
                mean_change: d.mean_change,
            }
        })
        .collect()
}

/// The rates of one group of a protected attribute (`None` when undefined for the group).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRates {
    /// Group name.
    pub group: String,
    /// Rows in the group.
    pub count: Option<f64>,
    /// Sum of weights in the group.
    pub weight: Option<f64>,
    /// Share predicted positive.
    pub selection_rate: Option<f64>,
    /// True positive rate.
    pub tpr: Option<f64>,
    /// False positive rate.
    pub fpr: Option<f64>,
    /// False negative rate.
    pub fnr: Option<f64>,
    /// Precision.
    pub precision: Option<f64>,
    /// Accuracy.
    pub accuracy: Option<f64>,
    /// Left out of the measure (too small, for instance).
    pub excluded: bool,
}

/// One `fairness.<measure>` result.
#[derive(Debug, Clone)]
pub struct FairnessRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Measure name: the id without `fairness.`.
    pub measure: &'a str,
    /// Protected attribute (or `a × b` for an intersection).
    pub attribute: &'a str,
    /// The gap (difference or ratio).
    pub value: Option<f64>,
    /// Its interval.
    pub ci: Option<(f64, f64)>,
    /// Confidence level of the interval.
    pub confidence: Option<f64>,
    /// The rate compared across groups (`selection_rate`, `tpr`...).
    pub rate: Option<String>,
    /// Group with the lowest rate.
    pub lowest_group: Option<String>,
    /// Group with the highest rate.
    pub highest_group: Option<String>,
    /// Per-group rates, largest group first (then by name); excluded groups included and
    /// marked.
    pub groups: Vec<GroupRates>,
}

fn group_rates(d: &FairnessDetails) -> Vec<GroupRates> {
    let excluded: Vec<String> = d.excluded_groups.clone().unwrap_or_default();
    let mut groups: Vec<GroupRates> = d
        .groups
        .iter()
        .flatten()
        .map(|(name, r)| GroupRates {
            group: name.clone(),
            count: r.count.map(|c| c as f64),
            weight: r.weight,
            selection_rate: r.selection_rate,
            tpr: r.tpr,
            fpr: r.fpr,
            fnr: r.fnr,
            precision: r.precision,
            accuracy: r.accuracy,
            excluded: excluded.contains(name),
        })
        .collect();
    // Excluded groups without figures are still listed.
    for name in excluded {
        if !groups.iter().any(|g| g.group == name) {
            groups.push(GroupRates {
                group: name,
                count: None,
                weight: None,
                selection_rate: None,
                tpr: None,
                fpr: None,
                fnr: None,
                precision: None,
                accuracy: None,
                excluded: true,
            });
        }
    }
    groups.sort_by(|a, b| {
        b.count
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.count.unwrap_or(f64::NEG_INFINITY))
            .then_with(|| a.group.cmp(&b.group))
    });
    groups
}

/// Fairness checks shown with the model's sensitivity instead (they perturb the model's
/// inputs rather than compare groups).
const NOT_GROUP_MEASURES: [&str; 1] = ["fairness.counterfactual_invariance"];

/// The fairness rows, in suite order: every group-measure `fairness.*` result about a column.
pub fn fairness_rows(results: &[CheckResult]) -> Vec<FairnessRow<'_>> {
    results
        .iter()
        .filter(|r| r.id.starts_with("fairness.") && !NOT_GROUP_MEASURES.contains(&r.id.as_str()))
        .filter_map(|r| {
            let d: FairnessDetails = r.details_as().unwrap_or_default();
            Some(FairnessRow {
                result: r,
                measure: r.id.trim_start_matches("fairness."),
                attribute: r.column.as_deref()?,
                value: r.value,
                ci: finite_pair(d.ci_low, d.ci_high),
                confidence: d.confidence,
                rate: d.rate.clone(),
                lowest_group: d.lowest_group.clone(),
                highest_group: d.highest_group.clone(),
                groups: group_rates(&d),
            })
        })
        .collect()
}

/// The fairness rows grouped by protected attribute, attributes in order of first appearance.
pub fn fairness_by_attribute<'r, 'a>(
    rows: &'r [FairnessRow<'a>],
) -> Vec<(&'a str, Vec<&'r FairnessRow<'a>>)> {
    let mut out: Vec<(&'a str, Vec<&'r FairnessRow<'a>>)> = Vec::new();
    for row in rows {
        match out.iter_mut().find(|(a, _)| *a == row.attribute) {
            Some((_, v)) => v.push(row),
            None => out.push((row.attribute, vec![row])),
        }
    }
    out
}

/// Everything the model-evaluation sections show, read once from a report's results.
#[derive(Debug, Clone)]
pub struct ModelFigures<'a> {
    /// Metric rows.
    pub metrics: Vec<MetricRow<'a>>,
    /// ROC curve.
    pub roc: Option<Curve<'a>>,
    /// Precision–recall curve.
    pub pr: Option<Curve<'a>>,
    /// Reliability diagram.
    pub reliability: Option<Reliability<'a>>,
    /// Confusion matrix.
    pub confusion: Option<ConfusionMatrix<'a>>,
    /// Regression gate.
    pub gate: Vec<GateRow<'a>>,
    /// Prediction stability.
    pub stability: Vec<StabilityRow<'a>>,
    /// Slices.
    pub slices: Vec<SliceRow<'a>>,
    /// Weak slices.
    pub weak_slices: Vec<WeakSliceRow<'a>>,
    /// Fairness measures.
    pub fairness: Vec<FairnessRow<'a>>,
}

impl<'a> ModelFigures<'a> {
    /// Reads the figures of `results`.
    pub fn of(results: &'a [CheckResult]) -> Self {
        ModelFigures {
            metrics: metric_rows(results),
            roc: roc_curve(results),
            pr: pr_curve(results),
            reliability: reliability(results),
            confusion: confusion_matrix(results),
            gate: gate_rows(results),
            stability: stability_rows(results),
            slices: slice_rows(results),
            weak_slices: weak_slice_rows(results),
            fairness: fairness_rows(results),
        }
    }

    /// True when there is nothing about model quality (apart from fairness) to show.
    pub fn model_is_empty(&self) -> bool {
        self.metrics.is_empty()
            && self.roc.is_none()
            && self.pr.is_none()
            && self.reliability.is_none()
            && self.confusion.is_none()
            && self.gate.is_empty()
            && self.stability.is_empty()
            && self.slices.is_empty()
            && self.weak_slices.is_empty()
    }

    /// True when there is nothing to show at all.
    pub fn is_empty(&self) -> bool {
        self.model_is_empty() && self.fairness.is_empty()
    }
}

/// The worst status among `results` (fail, error, warn, skipped, pass), `None` when empty.
pub fn worst_status<'a>(results: impl IntoIterator<Item = &'a CheckResult>) -> Option<Status> {
    results
        .into_iter()
        .map(|r| r.status)
        .min_by_key(Status::severity_rank)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn result(id: &str, column: Option<&str>, value: Option<f64>, details: Value) -> CheckResult {
        CheckResult {
            id: id.to_string(),
            column: column.map(str::to_string),
            status: Status::Pass,
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

    #[test]
    fn metrics_need_their_details() {
        let results = vec![
            result("model.roc_auc", None, None, json!({})),
            result(
                "model.accuracy",
                None,
                Some(0.84),
                json!({"metric": "accuracy", "estimate": 0.85, "ci_low": 0.84, "ci_high": 0.86,
                       "higher_is_better": true, "trivial": "majority class", "trivial_value": 0.76}),
            ),
            result(
                "model.slices",
                Some("sex=Male"),
                Some(0.8),
                json!({"metric": "accuracy"}),
            ),
        ];
        let rows = metric_rows(&results);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].metric, "accuracy");
        assert_eq!(rows[0].estimate, Some(0.85), "the estimate, not the bound");
        assert_eq!(rows[0].ci, Some((0.84, 0.86)));
        assert_eq!(rows[0].trivial.as_deref(), Some("majority class"));
        assert!(ModelFigures::of(&results[..1]).is_empty());
        assert!(!ModelFigures::of(&results).is_empty());
    }

    #[test]
    fn malformed_figures_are_left_out() {
        let results = vec![
            result(
                "model.roc_auc",
                None,
                Some(0.9),
                json!({"metric": "roc_auc", "roc_curve": {"fpr": [0.0, "x", 1.0], "tpr": [0.0, 0.5]}}),
            ),
            result(
                "model.confusion_matrix",
                None,
                None,
                json!({"labels": ["a", "b"], "matrix": [[1, 2], [3]]}),
            ),
            result(
                "model.calibration_error",
                None,
                None,
                json!({"reliability": [{"lower": 0.0, "upper": 0.1}]}),
            ),
        ];
        assert!(roc_curve(&results).is_none(), "one finite point only");
        // A mistyped figure reads as absent; the rest of the result still counts.
        let mistyped = vec![result(
            "model.accuracy",
            None,
            Some(0.8),
            json!({"metric": "accuracy", "estimate": 0.8, "ci_low": "x", "ci_high": 0.9, "n": "many"}),
        )];
        let rows = metric_rows(&mistyped);
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].estimate, rows[0].ci, rows[0].n),
            (Some(0.8), None, None)
        );
        assert!(confusion_matrix(&results).is_none());
        assert!(reliability(&results).is_none());
    }

    #[test]
    fn fairness_groups_are_sorted_and_excluded_ones_marked() {
        let results = vec![
            result(
                "fairness.demographic_parity_difference",
                Some("race"),
                Some(0.1),
                json!({
                    "groups": {
                        "Black": {"count": 300, "selection_rate": 0.1, "tpr": null},
                        "White": {"count": 2700, "selection_rate": 0.2, "tpr": 0.6},
                        "Other": {"count": 5, "selection_rate": 0.0}
                    },
                    "excluded_groups": ["Other", "Unknown"],
                    "lowest_group": "Black",
                    "highest_group": "White"
                }),
            ),
            result(
                "fairness.disparate_impact",
                Some("sex"),
                Some(0.4),
                json!({}),
            ),
            result(
                "fairness.equalized_odds_difference",
                Some("race"),
                Some(0.2),
                json!({}),
            ),
        ];
        let rows = fairness_rows(&results);
        let names: Vec<&str> = rows[0].groups.iter().map(|g| g.group.as_str()).collect();
        assert_eq!(names, ["White", "Black", "Other", "Unknown"]);
        let excluded: Vec<bool> = rows[0].groups.iter().map(|g| g.excluded).collect();
        assert_eq!(excluded, [false, false, true, true]);
        assert_eq!(rows[0].groups[1].tpr, None);
        let by = fairness_by_attribute(&rows);
        assert_eq!(by.len(), 2);
        assert_eq!((by[0].0, by[0].1.len()), ("race", 2));
        assert_eq!((by[1].0, by[1].1.len()), ("sex", 1));
    }
}
