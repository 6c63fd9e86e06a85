//! Group fairness of a binary classifier, as Fairlearn 0.15: per-group rates
//! (`MetricFrame(...).by_group` of `selection_rate`, `true_positive_rate`,
//! `false_positive_rate`, `false_negative_rate`, `precision_score(zero_division=0)` and
//! `accuracy_score`) and the disparities between groups (`demographic_parity_*`,
//! `equalized_odds_*`, `equal_opportunity_*` with `method="between_groups"`).
//!
//! Two documented departures from Fairlearn, both where Fairlearn's answer is an artefact:
//!
//! - a disparity needs at least two groups with a defined rate (Fairlearn reports a
//!   difference of 0 and a ratio of 1 for a single group);
//! - [`equalized_odds_ratio`] takes the smaller of the defined TPR and FPR ratios. Fairlearn
//!   applies Python's `min` to `[tpr_ratio, fpr_ratio]`, so a NaN TPR ratio (every group's
//!   TPR is 0) makes its result NaN while a NaN FPR ratio is ignored.

use serde::Serialize;

use super::support::{finite, weight_at};

/// Rates of one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRates {
    /// Rows in the group (unweighted).
    pub count: u64,
    /// Total weight of the group's rows.
    pub weight: f64,
    /// Share predicted positive `(tp + fp) / W` (Fairlearn `selection_rate`).
    pub selection_rate: Option<f64>,
    /// True positive rate `tp / (tp + fn)`; 0.0 for a group without positives, as Fairlearn
    /// (`confusion_matrix(normalize="true")` turns the NaN into 0).
    pub tpr: Option<f64>,
    /// False positive rate `fp / (fp + tn)`; 0.0 for a group without negatives, as Fairlearn.
    pub fpr: Option<f64>,
    /// False negative rate `fn / (tp + fn)`; 0.0 for a group without positives, as Fairlearn.
    pub fnr: Option<f64>,
    /// Precision `tp / (tp + fp)`; 0.0 when nothing is predicted positive
    /// (`precision_score(zero_division=0)`).
    pub precision: Option<f64>,
    /// Share of correct predictions `(tp + tn) / W`.
    pub accuracy: Option<f64>,
}

/// Per-group rates of `y_pred` against `y_true`, for groups `0..n_groups` (weighted when
/// `weights` is given, as Fairlearn's `sample_params={"sample_weight": ...}`).
///
/// Every rate of a group with no rows, or whose rows weigh nothing, is `None` (Fairlearn
/// leaves such a group out or returns NaN). Rows whose group is `>= n_groups` are ignored,
/// as are rows past the shortest slice (rows past the end of `weights` weigh 0).
pub fn group_rates(
    y_true: &[bool],
    y_pred: &[bool],
    groups: &[u32],
    n_groups: usize,
    weights: Option<&[f64]>,
) -> Vec<GroupRates> {
    // tp, fp, tn, fn per group.
    let mut cells = vec![[0.0f64; 4]; n_groups];
    let mut counts = vec![0u64; n_groups];
    for (i, ((&t, &p), &g)) in y_true.iter().zip(y_pred).zip(groups).enumerate() {
        let g = g as usize;
        let (Some(cell), Some(count)) = (cells.get_mut(g), counts.get_mut(g)) else {
            continue;
        };
        *count += 1;
        let slot = match (t, p) {
            (true, true) => 0,
            (false, true) => 1,
            (false, false) => 2,
            (true, false) => 3,
        };
        if let Some(c) = cell.get_mut(slot) {
            *c += weight_at(weights, i);
        }
    }
    cells
        .iter()
        .zip(&counts)
        .map(|(&[tp, fp, tn, fneg], &count)| {
            let weight = tp + fp + tn + fneg;
            let defined = count > 0 && weight != 0.0 && weight.is_finite();
            // Fairlearn / scikit-learn turn 0/0 into 0 for these rates.
            let rate = |num: f64, den: f64| {
                if !defined {
                    None
                } else if den == 0.0 {
                    Some(0.0)
                } else {
                    finite(num / den)
                }
            };
            GroupRates {
                count,
                weight,
                selection_rate: rate(tp + fp, weight),
                tpr: rate(tp, tp + fneg),
                fpr: rate(fp, fp + tn),
                fnr: rate(fneg, tp + fneg),
                precision: rate(tp, tp + fp),
                accuracy: rate(tp + tn, weight),
            }
        })
        .collect()
}

/// The defined values, if there are at least two.
fn defined(values: &[Option<f64>]) -> Option<Vec<f64>> {
    let v: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    (v.len() >= 2).then_some(v)
}

/// `max − min` over defined values (needs ≥ 2), as Fairlearn's `difference(method=
/// "between_groups")`.
pub fn difference(values: &[Option<f64>]) -> Option<f64> {
    let v = defined(values)?;
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    finite(max - min)
}

/// `min / max` over defined values (needs ≥ 2), as Fairlearn's `ratio(method=
/// "between_groups")`. When the maximum is 0 (every rate 0) Fairlearn computes 0/0 = NaN:
/// the ratio is `None`.
pub fn ratio(values: &[Option<f64>]) -> Option<f64> {
    let v = defined(values)?;
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    if max == 0.0 {
        return None;
    }
    finite(min / max)
}

fn selection(rates: &[GroupRates]) -> Vec<Option<f64>> {
    rates.iter().map(|r| r.selection_rate).collect()
}

fn tprs(rates: &[GroupRates]) -> Vec<Option<f64>> {
    rates.iter().map(|r| r.tpr).collect()
}

fn fprs(rates: &[GroupRates]) -> Vec<Option<f64>> {
    rates.iter().map(|r| r.fpr).collect()
}

/// The larger (`max = true`) or smaller of two optional values, or the one defined.
fn pick(a: Option<f64>, b: Option<f64>, max: bool) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if max { x.max(y) } else { x.min(y) }),
        (x, None) => x,
        (None, y) => y,
    }
}

/// Spread of selection rates across groups (`demographic_parity_difference`).
pub fn demographic_parity_difference(rates: &[GroupRates]) -> Option<f64> {
    difference(&selection(rates))
}

/// Smallest over largest selection rate (`demographic_parity_ratio`); `None` when no group
/// is ever selected (Fairlearn: NaN).
pub fn demographic_parity_ratio(rates: &[GroupRates]) -> Option<f64> {
    ratio(&selection(rates))
}

/// The larger of the TPR and FPR spreads across groups (`equalized_odds_difference`,
/// `agg="worst_case"`).
pub fn equalized_odds_difference(rates: &[GroupRates]) -> Option<f64> {
    pick(difference(&tprs(rates)), difference(&fprs(rates)), true)
}

/// The smaller of the TPR and FPR ratios across groups (`equalized_odds_ratio`,
/// `agg="worst_case"`), over the ratios that are defined (see the module doc for how this
/// differs from Fairlearn when the TPR ratio is undefined).
pub fn equalized_odds_ratio(rates: &[GroupRates]) -> Option<f64> {
    pick(ratio(&tprs(rates)), ratio(&fprs(rates)), false)
}

/// Spread of true positive rates across groups (`equal_opportunity_difference`).
pub fn equal_opportunity_difference(rates: &[GroupRates]) -> Option<f64> {
    difference(&tprs(rates))
}

/// Smallest over largest true positive rate (`equal_opportunity_ratio`); `None` when every
/// group's TPR is 0.
pub fn equal_opportunity_ratio(rates: &[GroupRates]) -> Option<f64> {
    ratio(&tprs(rates))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) {
        let a = a.unwrap_or(f64::NAN);
        assert!((a - b).abs() <= 1e-15, "{a} != {b}");
    }

    // Group 0: y [1,1,0,0], p [1,0,1,0]; group 1: y [0,0], p [0,0] (no positives).
    // Fairlearn 0.15: tpr [0.5, 0.0], fpr [0.5, 0.0], selection [0.5, 0.0];
    // demographic_parity_ratio 0.0, equalized_odds_ratio 0.0, equalized_odds_difference 0.5.
    fn example() -> Vec<GroupRates> {
        let y = [true, true, false, false, false, false];
        let p = [true, false, true, false, false, false];
        let g = [0, 0, 0, 0, 1, 1];
        group_rates(&y, &p, &g, 2, None)
    }

    #[test]
    fn matches_fairlearn_example() {
        let r = example();
        assert_eq!(r[0].count, 4);
        assert_eq!(r[0].weight, 4.0);
        close(r[0].selection_rate, 0.5);
        close(r[0].tpr, 0.5);
        close(r[0].fpr, 0.5);
        close(r[0].fnr, 0.5);
        close(r[0].precision, 0.5);
        close(r[0].accuracy, 0.5);
        // No positives in group 1: TPR and FNR are 0 (Fairlearn), precision 0
        // (zero_division=0).
        close(r[1].tpr, 0.0);
        close(r[1].fnr, 0.0);
        close(r[1].precision, 0.0);
        close(r[1].accuracy, 1.0);
        close(demographic_parity_difference(&r), 0.5);
        close(demographic_parity_ratio(&r), 0.0);
        close(equalized_odds_difference(&r), 0.5);
        close(equalized_odds_ratio(&r), 0.0);
        close(equal_opportunity_difference(&r), 0.5);
        close(equal_opportunity_ratio(&r), 0.0);
    }

    #[test]
    fn nobody_selected_gives_undefined_ratios() {
        let y = [true, false, true, false];
        let p = [false; 4];
        let r = group_rates(&y, &p, &[0, 0, 1, 1], 2, None);
        close(demographic_parity_difference(&r), 0.0);
        assert_eq!(demographic_parity_ratio(&r), None);
        assert_eq!(equal_opportunity_ratio(&r), None);
        assert_eq!(equalized_odds_ratio(&r), None);
        close(equalized_odds_difference(&r), 0.0);
    }

    #[test]
    fn empty_single_and_zero_weight_groups() {
        let r = group_rates(&[], &[], &[], 3, None);
        assert_eq!(r.len(), 3);
        assert!(r
            .iter()
            .all(|g| g.count == 0 && g.selection_rate.is_none() && g.tpr.is_none()));
        assert_eq!(demographic_parity_difference(&r), None);
        // One group only: no disparity.
        let r = group_rates(&[true], &[true], &[0], 1, None);
        close(r[0].accuracy, 1.0);
        assert_eq!(demographic_parity_difference(&r), None);
        assert_eq!(demographic_parity_ratio(&r), None);
        // A group whose rows weigh nothing is undefined; out-of-range groups are ignored.
        let r = group_rates(
            &[true, false, true],
            &[true, true, false],
            &[0, 1, 7],
            2,
            Some(&[2.0, 0.0, 5.0]),
        );
        assert_eq!((r[1].count, r[1].weight), (1, 0.0));
        assert_eq!(r[1].selection_rate, None);
        assert_eq!(r[1].tpr, None);
        assert_eq!(r[0].weight, 2.0);
        assert_eq!(demographic_parity_difference(&r), None);
    }

    #[test]
    fn weights_apply() {
        let y = [true, true, false, true];
        let p = [true, false, false, true];
        let r = group_rates(&y, &p, &[0, 0, 0, 1], 2, Some(&[3.0, 1.0, 4.0, 1.0]));
        close(r[0].tpr, 0.75);
        close(r[0].selection_rate, 3.0 / 8.0);
        close(r[0].accuracy, 7.0 / 8.0);
        close(r[1].tpr, 1.0);
        close(r[1].fpr, 0.0);
        close(equal_opportunity_ratio(&r), 0.75);
        close(equalized_odds_difference(&r), 0.25);
    }

    #[test]
    fn difference_and_ratio_over_defined_values() {
        close(difference(&[Some(0.2), None, Some(0.5), Some(0.3)]), 0.3);
        close(ratio(&[Some(0.2), None, Some(0.5)]), 0.4);
        assert_eq!(difference(&[Some(0.2), None]), None);
        assert_eq!(ratio(&[Some(0.0), Some(0.0)]), None);
        assert_eq!(ratio(&[]), None);
        assert_eq!(difference(&[Some(f64::NAN), Some(1.0)]), None);
    }
}
