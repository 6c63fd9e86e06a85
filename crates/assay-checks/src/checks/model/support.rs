//! Helpers of the metric files: analytic intervals, trivial predictors, curve details.

use serde_json::json;

use assay_report::details::model::{MetricDetails, PrCurve, ReliabilityBin, RocCurve};
use assay_report::details::NumberList;

use assay_stats::metrics::classification::Average;
use assay_stats::metrics::intervals::{self, Interval};
use assay_stats::metrics::{probabilistic, ranking, regression};

use super::metric::MetricData;

/// Points kept of ROC and precision-recall curves in details.
pub const CURVE_POINTS: usize = 200;

/// Wilson interval of accuracy (unweighted data).
pub fn wilson_accuracy(d: &MetricData, w: Option<&[f64]>, confidence: f64) -> Option<Interval> {
    if w.is_some() {
        return None;
    }
    let c = d.confusion(None);
    let correct: f64 = (0..c.k).map(|i| c.get(i, i)).sum();
    intervals::wilson(correct, c.total(), confidence)
}

fn binary_positive(d: &MetricData) -> Option<usize> {
    match d.average {
        Average::Binary { positive } => Some(positive),
        _ => None,
    }
}

/// Wilson interval of binary precision, TP / (TP + FP) (unweighted data).
pub fn wilson_precision(d: &MetricData, w: Option<&[f64]>, confidence: f64) -> Option<Interval> {
    let p = binary_positive(d).filter(|_| w.is_none())?;
    let c = d.confusion(None);
    let predicted: f64 = (0..c.k).map(|t| c.get(t, p)).sum();
    intervals::wilson(c.get(p, p), predicted, confidence)
}

/// Wilson interval of binary recall, TP / (TP + FN) (unweighted data).
pub fn wilson_recall(d: &MetricData, w: Option<&[f64]>, confidence: f64) -> Option<Interval> {
    let p = binary_positive(d).filter(|_| w.is_none())?;
    let c = d.confusion(None);
    let actual: f64 = (0..c.k).map(|q| c.get(p, q)).sum();
    intervals::wilson(c.get(p, p), actual, confidence)
}

/// 1 / number of classes present in the target.
pub fn chance(d: &MetricData, w: Option<&[f64]>) -> Option<f64> {
    let present = d.class_shares(w).iter().filter(|s| **s > 0.0).count();
    (present > 0).then(|| 1.0 / present as f64)
}

/// Expected precision (= recall = F1 per class) of a predictor guessing classes at their
/// frequency, under the metric's averaging.
pub fn stratified(d: &MetricData, w: Option<&[f64]>) -> Option<f64> {
    let shares = d.class_shares(w);
    match d.average {
        Average::Binary { positive } => shares.get(positive).copied(),
        Average::Macro => chance(d, w),
        Average::Micro | Average::Weighted => Some(shares.iter().map(|s| s * s).sum()),
    }
}

/// Average precision: binary on the positive class's probability; with more classes the
/// mean of one-vs-rest average precisions over the classes present in the target
/// (scikit-learn's `average="macro"` on the label-binarized target).
pub fn average_precision(d: &MetricData, w: Option<&[f64]>) -> Option<f64> {
    if d.binary() {
        return d.ranked.as_ref()?.average_precision(&d.positives, w);
    }
    let k = d.frame.k();
    let p = d.proba()?;
    let shares = d.class_shares(None);
    let mut total = 0.0;
    let mut classes = 0;
    for (c, share) in shares.iter().enumerate() {
        if *share <= 0.0 {
            continue;
        }
        let scores: Vec<f64> = p.chunks(k).map(|r| r[c]).collect();
        let positive: Vec<bool> = d.frame.y_class.iter().map(|y| *y as usize == c).collect();
        total += ranking::RankedScores::new(&scores)?.average_precision(&positive, w)?;
        classes += 1;
    }
    (classes > 0).then(|| total / classes as f64)
}

/// Expected average precision of a random ranking: the positive class's share (binary), else
/// the mean share of the classes present, 1 / (classes present).
pub fn prevalence(d: &MetricData, w: Option<&[f64]>) -> Option<f64> {
    match d.frame.positive.filter(|_| d.binary()) {
        Some(p) => d.class_shares(w).get(p).copied(),
        None => chance(d, w),
    }
}

fn positive_scores(d: &MetricData) -> Option<Vec<f64>> {
    let p = d.frame.positive.filter(|_| d.binary())?;
    let k = d.frame.k();
    Some(d.proba()?.chunks(k).map(|r| r[p]).collect())
}

/// ROC AUC: binary on the positive class's probability, else one-vs-rest.
pub fn roc_auc(d: &MetricData, w: Option<&[f64]>) -> Option<f64> {
    if d.binary() {
        d.ranked.as_ref()?.roc_auc(&d.positives, w)
    } else {
        ranking::roc_auc_ovr(&d.frame.y_class, d.proba()?, d.frame.k(), w, d.weighted_ovr)
    }
}

/// DeLong interval of a binary ROC AUC (unweighted data).
pub fn delong(d: &MetricData, w: Option<&[f64]>, confidence: f64) -> Option<Interval> {
    if w.is_some() || !d.binary() {
        return None;
    }
    let scores = positive_scores(d)?;
    let dl = intervals::delong(&d.positives, &scores)?;
    Some(intervals::delong_interval(&dl, confidence))
}

/// The ROC curve (binary).
pub fn roc_details(d: &MetricData, w: Option<&[f64]>, details: &mut MetricDetails) {
    if let Some(c) = d.ranked.as_ref().and_then(|r| r.roc_curve(&d.positives, w)) {
        let c = c.downsample(CURVE_POINTS);
        details.roc_curve = Some(RocCurve {
            fpr: NumberList(c.x),
            tpr: NumberList(c.y),
        });
    }
}

/// The precision-recall curve (binary).
pub fn pr_details(d: &MetricData, w: Option<&[f64]>, details: &mut MetricDetails) {
    if let Some(c) = d
        .ranked
        .as_ref()
        .and_then(|r| r.precision_recall_curve(&d.positives, w))
    {
        let c = c.downsample(CURVE_POINTS);
        details.pr_curve = Some(PrCurve {
            recall: NumberList(c.x),
            precision: NumberList(c.y),
        });
    }
}

fn prior_matrix(d: &MetricData, w: Option<&[f64]>) -> Vec<f64> {
    let shares = d.class_shares(w);
    let n = d.frame.rows();
    let mut m = Vec::with_capacity(n * shares.len());
    for _ in 0..n {
        m.extend_from_slice(&shares);
    }
    m
}

/// Log loss of predicting the class frequencies for every row.
pub fn prior_log_loss(d: &MetricData, w: Option<&[f64]>) -> Option<f64> {
    probabilistic::log_loss(&d.frame.y_class, &prior_matrix(d, w), d.frame.k(), w)
}

/// Brier score of predicting the class frequencies for every row.
pub fn prior_brier(d: &MetricData, w: Option<&[f64]>) -> Option<f64> {
    probabilistic::brier_score(&d.frame.y_class, &prior_matrix(d, w), d.frame.k(), w)
}

fn reliability(d: &MetricData, w: Option<&[f64]>) -> Option<Vec<probabilistic::ReliabilityBin>> {
    if d.binary() {
        let scores = positive_scores(d)?;
        Some(probabilistic::reliability(&d.positives, &scores, w, d.bins))
    } else {
        let (correct, confidence) =
            probabilistic::top_label(&d.frame.y_class, d.proba()?, d.frame.k());
        Some(probabilistic::reliability(&correct, &confidence, w, d.bins))
    }
}

/// Expected calibration error.
pub fn calibration_error(d: &MetricData, w: Option<&[f64]>) -> Option<f64> {
    probabilistic::expected_calibration_error(&reliability(d, w)?)
}

/// The reliability diagram.
pub fn calibration_details(d: &MetricData, w: Option<&[f64]>, details: &mut MetricDetails) {
    if let Some(bins) = reliability(d, w) {
        details.reliability = Some(
            bins.iter()
                .map(|b| ReliabilityBin {
                    lower: b.lower,
                    upper: b.upper,
                    weight: b.weight,
                    mean_predicted: b.mean_predicted,
                    fraction_positive: b.fraction_positive,
                })
                .collect(),
        );
        details.calibration_of = Some(
            if d.binary() {
                "positive class"
            } else {
                "top label"
            }
            .to_string(),
        );
    }
}

/// The confusion matrix with its labels.
pub fn confusion_details(d: &MetricData, w: Option<&[f64]>, details: &mut MetricDetails) {
    let c = d.confusion(w);
    details.labels = Some(d.frame.classes.iter().map(|c| json!(c)).collect());
    details.matrix = Some(
        (0..c.k)
            .map(|t| NumberList((0..c.k).map(|p| c.get(t, p)).collect()))
            .collect(),
    );
}

/// Median as numpy's (the mean of the two middle values of an even count) without weights;
/// with weights, the smallest value whose cumulative weight reaches half the total.
pub fn weighted_median(values: &[f64], w: Option<&[f64]>) -> Option<f64> {
    if w.is_none() && !values.is_empty() {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let m = v.len() / 2;
        return Some(if v.len().is_multiple_of(2) {
            (v[m - 1] + v[m]) / 2.0
        } else {
            v[m]
        });
    }
    let mut idx: Vec<usize> = (0..values.len())
        .filter(|i| w.is_none_or(|w| w[*i] > 0.0))
        .collect();
    if idx.is_empty() {
        return None;
    }
    idx.sort_by(|a, b| values[*a].total_cmp(&values[*b]));
    let total: f64 = idx.iter().map(|i| w.map_or(1.0, |w| w[*i])).sum();
    let mut acc = 0.0;
    for i in &idx {
        acc += w.map_or(1.0, |w| w[*i]);
        if acc >= total / 2.0 {
            return Some(values[*i]);
        }
    }
    idx.last().map(|i| values[*i])
}

fn constant(d: &MetricData, v: f64) -> Vec<f64> {
    vec![v; d.y().len()]
}

/// MAE of predicting the median.
pub fn median_mae(d: &MetricData, w: Option<&[f64]>) -> Option<f64> {
    let m = weighted_median(d.y(), w)?;
    regression::mean_absolute_error(d.y(), &constant(d, m), w)
}

/// MSE of predicting the mean: the target's (weighted) variance.
pub fn mean_mse(d: &MetricData, w: Option<&[f64]>) -> Option<f64> {
    let y = d.y();
    let total: f64 = w.map_or(y.len() as f64, |w| w.iter().sum());
    if total <= 0.0 {
        return None;
    }
    let mean = y
        .iter()
        .enumerate()
        .map(|(i, v)| v * w.map_or(1.0, |w| w[i]))
        .sum::<f64>()
        / total;
    regression::mean_squared_error(y, &constant(d, mean), w)
}

/// MAPE of predicting the median.
pub fn median_mape(d: &MetricData, w: Option<&[f64]>) -> Option<f64> {
    let m = weighted_median(d.y(), w)?;
    regression::mean_absolute_percentage_error(d.y(), &constant(d, m), w)
}

/// Median absolute error of predicting the median.
pub fn median_medae(d: &MetricData, w: Option<&[f64]>) -> Option<f64> {
    let m = weighted_median(d.y(), w)?;
    regression::median_absolute_error(d.y(), &constant(d, m), w)
}

/// Largest |y − ŷ| over rows of positive weight.
pub fn max_error(d: &MetricData, w: Option<&[f64]>) -> Option<f64> {
    largest_error(d.y(), d.yhat(), w)
}

fn largest_error(y: &[f64], yhat: &[f64], w: Option<&[f64]>) -> Option<f64> {
    y.iter()
        .zip(yhat)
        .enumerate()
        .filter(|(i, _)| w.is_none_or(|w| w[*i] > 0.0))
        .map(|(_, (a, b))| (a - b).abs())
        .reduce(f64::max)
}

/// Largest error of predicting the median.
pub fn median_max_error(d: &MetricData, w: Option<&[f64]>) -> Option<f64> {
    let m = weighted_median(d.y(), w)?;
    largest_error(d.y(), &constant(d, m), w)
}

/// Per-row log-loss terms, −ln p(true class) with p clipped to [ε, 1 − ε] (ε = f64::EPSILON),
/// whose weighted mean is scikit-learn's log loss.
pub fn log_loss_terms(d: &MetricData) -> Option<Vec<f64>> {
    let k = d.frame.k();
    let p = d.proba()?;
    Some(
        d.frame
            .y_class
            .iter()
            .enumerate()
            .map(|(i, y)| {
                -p[i * k + *y as usize]
                    .clamp(f64::EPSILON, 1.0 - f64::EPSILON)
                    .ln()
            })
            .collect(),
    )
}

/// Per-row Brier terms, Σ_c (p_c − [c = y])², halved for two classes (scikit-learn's
/// `scale_by_half="auto"`), whose weighted mean is scikit-learn's Brier score.
pub fn brier_terms(d: &MetricData) -> Option<Vec<f64>> {
    let k = d.frame.k();
    let p = d.proba()?;
    let scale = if k <= 2 { 0.5 } else { 1.0 };
    Some(
        d.frame
            .y_class
            .iter()
            .enumerate()
            .map(|(i, y)| {
                (0..k)
                    .map(|c| {
                        let t = if c == *y as usize { 1.0 } else { 0.0 };
                        (p[i * k + c] - t).powi(2)
                    })
                    .sum::<f64>()
                    * scale
            })
            .collect(),
    )
}

/// Per-row `f(y − ŷ)`.
pub fn error_terms(d: &MetricData, f: fn(f64) -> f64) -> Option<Vec<f64>> {
    Some(d.y().iter().zip(d.yhat()).map(|(y, p)| f(y - p)).collect())
}

/// Per-row |y − ŷ| / max(|y|, ε), scikit-learn's MAPE terms.
pub fn ape_terms(d: &MetricData) -> Option<Vec<f64>> {
    Some(
        d.y()
            .iter()
            .zip(d.yhat())
            .map(|(y, p)| (y - p).abs() / y.abs().max(f64::EPSILON))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_median_is_the_lower_median_by_weight() {
        assert_eq!(weighted_median(&[3.0, 1.0, 2.0], None), Some(2.0));
        assert_eq!(weighted_median(&[1.0, 2.0, 3.0, 4.0], None), Some(2.5));
        assert_eq!(
            weighted_median(&[1.0, 2.0, 3.0, 4.0], Some(&[1.0; 4])),
            Some(2.0)
        );
        assert_eq!(
            weighted_median(&[1.0, 2.0, 3.0], Some(&[0.0, 0.0, 5.0])),
            Some(3.0)
        );
        assert_eq!(weighted_median(&[1.0, 2.0], Some(&[0.0, 0.0])), None);
        assert_eq!(weighted_median(&[], None), None);
    }

    #[test]
    fn largest_error_ignores_zero_weight_rows() {
        let y = [1.0, 5.0, 2.0];
        let yhat = [1.5, 0.0, 2.0];
        assert_eq!(largest_error(&y, &yhat, None), Some(5.0));
        assert_eq!(largest_error(&y, &yhat, Some(&[1.0, 0.0, 1.0])), Some(0.5));
        assert_eq!(largest_error(&y, &yhat, Some(&[0.0, 0.0, 0.0])), None);
    }
}
