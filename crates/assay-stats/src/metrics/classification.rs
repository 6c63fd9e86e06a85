//! Label-based classification metrics from a weighted confusion matrix, as scikit-learn 1.9
//! (`accuracy_score`, `balanced_accuracy_score`, `precision_recall_fscore_support`,
//! `matthews_corrcoef`, `cohen_kappa_score`).
//!
//! Labels are class indices `0..k`. The matrix has `k` rows and columns, but scikit-learn
//! averages over the labels present in `y_true` or `y_pred` only: a class whose row and
//! column both sum to zero is treated as absent and does not count in macro or weighted
//! averages. (A class whose every row has weight zero is therefore absent here, where
//! scikit-learn, which looks at label values, would still count it.)

use super::support::{divide, finite, weight_at};

/// Averaging of per-class scores, as scikit-learn's `average=`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Average {
    /// The score of one class taken as positive (`average="binary"`, `pos_label=positive`).
    /// With more than two classes this is that class's one-vs-rest score, as scikit-learn's
    /// `average=None` entry for it.
    Binary {
        /// Index of the positive class.
        positive: usize,
    },
    /// Global counts over all classes (`average="micro"`).
    Micro,
    /// Unweighted mean of the per-class scores of the present classes (`average="macro"`).
    Macro,
    /// Mean of the per-class scores weighted by each class's true (weighted) count
    /// (`average="weighted"`).
    Weighted,
}

/// Weighted confusion matrix, row = true class, column = predicted class.
#[derive(Debug, Clone, PartialEq)]
pub struct Confusion {
    /// Number of classes.
    pub k: usize,
    /// Row-major `k × k` cells: `cells[t * k + p]` is the weight of rows of true class `t`
    /// predicted as `p`.
    pub cells: Vec<f64>,
}

/// Which per-class ratio [`Confusion::per_class`] computes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Score {
    Precision,
    Recall,
    FBeta(f64),
}

impl Confusion {
    /// Counts `(y_true[i], y_pred[i])` pairs, each with its weight (1 without weights), as
    /// scikit-learn's `confusion_matrix(labels=range(k), sample_weight=weights)`.
    ///
    /// Pairs with a label `>= k` are ignored (the caller validates labels); rows past the end
    /// of the shorter of `y_true`, `y_pred` are ignored, and rows past the end of `weights`
    /// get weight 0.
    pub fn new(y_true: &[u32], y_pred: &[u32], weights: Option<&[f64]>, k: usize) -> Confusion {
        let mut cells = vec![0.0; k.saturating_mul(k)];
        for (i, (&t, &p)) in y_true.iter().zip(y_pred).enumerate() {
            let (t, p) = (t as usize, p as usize);
            if t < k && p < k {
                if let Some(cell) = cells.get_mut(t * k + p) {
                    *cell += weight_at(weights, i);
                }
            }
        }
        Confusion { k, cells }
    }

    /// A matrix from its row-major `k × k` cells (truncated or zero-padded to `k × k`).
    pub fn from_cells(k: usize, mut cells: Vec<f64>) -> Confusion {
        cells.resize(k.saturating_mul(k), 0.0);
        Confusion { k, cells }
    }

    /// The weight of rows of class `true_class` predicted as `predicted` (0 out of range).
    pub fn get(&self, true_class: usize, predicted: usize) -> f64 {
        if true_class >= self.k || predicted >= self.k {
            return 0.0;
        }
        self.cells
            .get(true_class * self.k + predicted)
            .copied()
            .unwrap_or(0.0)
    }

    /// Total weight of all cells.
    pub fn total(&self) -> f64 {
        self.cells.iter().sum()
    }

    /// Weight of the rows whose true class is `c`.
    fn row_sum(&self, c: usize) -> f64 {
        (0..self.k).map(|p| self.get(c, p)).sum()
    }

    /// Weight of the rows predicted as `c`.
    fn col_sum(&self, c: usize) -> f64 {
        (0..self.k).map(|t| self.get(t, c)).sum()
    }

    /// Weight on the diagonal (correct predictions).
    fn trace(&self) -> f64 {
        (0..self.k).map(|c| self.get(c, c)).sum()
    }

    /// The total weight when it is positive and finite, else `None` (no rows to score).
    fn positive_total(&self) -> Option<f64> {
        let total = self.total();
        (total > 0.0 && total.is_finite()).then_some(total)
    }

    /// Classes present in `y_true` or `y_pred`: a non-zero row or column.
    fn present(&self) -> Vec<usize> {
        (0..self.k)
            .filter(|&c| self.row_sum(c) != 0.0 || self.col_sum(c) != 0.0)
            .collect()
    }

    /// Share of correct predictions (`accuracy_score`). `None` when the total weight is 0.
    pub fn accuracy(&self) -> Option<f64> {
        let total = self.positive_total()?;
        finite(self.trace() / total)
    }

    /// Mean recall over the classes present in `y_true` (`balanced_accuracy_score`,
    /// `adjusted=False`). `None` when no class has a positive true weight.
    pub fn balanced_accuracy(&self) -> Option<f64> {
        self.positive_total()?;
        let recalls: Vec<f64> = (0..self.k)
            .filter_map(|c| divide(self.get(c, c), self.row_sum(c)))
            .collect();
        if recalls.is_empty() {
            return None;
        }
        finite(recalls.iter().sum::<f64>() / recalls.len() as f64)
    }

    /// One class's score from its true positives, predicted weight and true weight, with
    /// scikit-learn's default `zero_division` result 0.0 when the denominator is zero.
    fn ratio(score: Score, tp: f64, pred: f64, truth: f64) -> f64 {
        let (num, den) = match score {
            Score::Precision => (tp, pred),
            Score::Recall => (tp, truth),
            Score::FBeta(beta) => {
                if beta.is_infinite() {
                    (tp, truth)
                } else if beta == 0.0 {
                    (tp, pred)
                } else {
                    let b2 = beta * beta;
                    ((1.0 + b2) * tp, b2 * truth + pred)
                }
            }
        };
        if den == 0.0 {
            0.0
        } else {
            num / den
        }
    }

    /// `score` of class `c` taken as positive against the rest.
    fn per_class(&self, score: Score, c: usize) -> f64 {
        Self::ratio(score, self.get(c, c), self.col_sum(c), self.row_sum(c))
    }

    /// Averages `score` over classes as `average` says.
    fn averaged(&self, score: Score, average: Average) -> Option<f64> {
        let total = self.positive_total()?;
        let value = match average {
            Average::Binary { positive } => {
                if positive >= self.k {
                    return None;
                }
                self.per_class(score, positive)
            }
            Average::Micro => Self::ratio(score, self.trace(), total, total),
            Average::Macro => {
                let present = self.present();
                if present.is_empty() {
                    return None;
                }
                present
                    .iter()
                    .map(|&c| self.per_class(score, c))
                    .sum::<f64>()
                    / present.len() as f64
            }
            Average::Weighted => {
                let present = self.present();
                if present.is_empty() {
                    return None;
                }
                let support: f64 = present.iter().map(|&c| self.row_sum(c)).sum();
                if support == 0.0 {
                    // scikit-learn's `_nanaverage` falls back to the unweighted mean.
                    present
                        .iter()
                        .map(|&c| self.per_class(score, c))
                        .sum::<f64>()
                        / present.len() as f64
                } else {
                    present
                        .iter()
                        .map(|&c| self.per_class(score, c) * self.row_sum(c))
                        .sum::<f64>()
                        / support
                }
            }
        };
        finite(value)
    }

    /// Precision `tp / (tp + fp)` (`precision_score`). A class with nothing predicted scores
    /// 0.0, scikit-learn's default `zero_division` result. `None` when the total weight is 0
    /// or the positive class is out of range.
    pub fn precision(&self, average: Average) -> Option<f64> {
        self.averaged(Score::Precision, average)
    }

    /// Recall `tp / (tp + fn)` (`recall_score`). A class absent from `y_true` scores 0.0
    /// (scikit-learn's default `zero_division`). `None` as [`Confusion::precision`].
    pub fn recall(&self, average: Average) -> Option<f64> {
        self.averaged(Score::Recall, average)
    }

    /// F1 score (`f1_score`), that is [`Confusion::fbeta`] with `beta = 1`.
    pub fn f1(&self, average: Average) -> Option<f64> {
        self.fbeta(1.0, average)
    }

    /// F-beta score (`fbeta_score`), per class `(1 + β²) tp / ((1 + β²) tp + β² fn + fp)`,
    /// 0.0 when that denominator is zero (scikit-learn's default `zero_division`); `β = ∞`
    /// gives recall and `β = 0` precision. Micro averaging uses the global counts. `None`
    /// when `beta` is negative or NaN, or as [`Confusion::precision`].
    pub fn fbeta(&self, beta: f64, average: Average) -> Option<f64> {
        if beta.is_nan() || beta < 0.0 {
            return None;
        }
        self.averaged(Score::FBeta(beta), average)
    }

    /// Matthews correlation coefficient, scikit-learn's multiclass form (Gorodkin's R_K):
    /// `(c·s − Σ p_k t_k) / sqrt((s² − Σ p_k²)(s² − Σ t_k²))`. 0.0 when the denominator is
    /// zero (a constant `y_true` or `y_pred`), as scikit-learn. `None` when the total weight
    /// is 0.
    pub fn matthews(&self) -> Option<f64> {
        let s = self.positive_total()?;
        let t_sum: Vec<f64> = (0..self.k).map(|c| self.row_sum(c)).collect();
        let p_sum: Vec<f64> = (0..self.k).map(|c| self.col_sum(c)).collect();
        let correct = self.trace();
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        let cov_ytyp = correct * s - dot(&t_sum, &p_sum);
        let cov_ypyp = s * s - dot(&p_sum, &p_sum);
        let cov_ytyt = s * s - dot(&t_sum, &t_sum);
        let product = cov_ypyp * cov_ytyt;
        if product == 0.0 {
            return Some(0.0);
        }
        finite(cov_ytyp / product.sqrt())
    }

    /// Cohen's kappa, unweighted (`cohen_kappa_score`): `1 − Σ_{i≠j} C_ij / Σ_{i≠j} E_ij`
    /// with `E_ij = pred_i · true_j / total`. `None` when the total weight is 0 or the
    /// expected disagreement is 0 (both raters constant on the same class), where
    /// scikit-learn returns NaN.
    pub fn cohen_kappa(&self) -> Option<f64> {
        let total = self.positive_total()?;
        let pred: Vec<f64> = (0..self.k).map(|c| self.col_sum(c)).collect();
        let truth: Vec<f64> = (0..self.k).map(|c| self.row_sum(c)).collect();
        let mut observed = 0.0;
        let mut expected = 0.0;
        for (i, &predicted) in pred.iter().enumerate() {
            for (j, &actual) in truth.iter().enumerate() {
                if i != j {
                    observed += self.get(i, j);
                    expected += predicted * actual / total;
                }
            }
        }
        if expected == 0.0 {
            return None;
        }
        finite(1.0 - observed / expected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) {
        let a = a.unwrap_or(f64::NAN);
        assert!((a - b).abs() <= 1e-14, "{a} != {b}");
    }

    /// Absolute tolerance against scikit-learn: ratios of small counts (at most a few ulps
    /// apart, scikit-learn sums and averages in numpy order).
    const SKLEARN_TOL: f64 = 1e-14;

    /// A `classification` case of `tests/fixtures/reference_values.json` (written by
    /// `scripts/gen_reference_fixtures.py` with scikit-learn 1.9.1; versions recorded in the
    /// file): its confusion matrix built by assay, and scikit-learn's figures.
    fn sklearn_case(name: &str) -> (Confusion, serde_json::Value) {
        let case = crate::reference_fixture::case("classification", name);
        let labels = |v: &serde_json::Value| -> Vec<u32> {
            v.as_array()
                .expect("labels")
                .iter()
                .map(|x| u32::try_from(x.as_u64().expect("label")).expect("small label"))
                .collect()
        };
        let weights: Option<Vec<f64>> = case["weights"]
            .as_array()
            .map(|w| w.iter().map(|x| x.as_f64().expect("weight")).collect());
        let k = usize::try_from(case["k"].as_u64().expect("k")).expect("small k");
        let c = Confusion::new(
            &labels(&case["y_true"]),
            &labels(&case["y_pred"]),
            weights.as_deref(),
            k,
        );
        (c, case["expected"].clone())
    }

    /// `got` against scikit-learn's `want`; a null `want` (NaN in scikit-learn) must be `None`.
    fn matches(got: Option<f64>, want: &serde_json::Value, what: &str) {
        match want.as_f64() {
            Some(w) => {
                let g = got.unwrap_or_else(|| panic!("{what}: assay None, scikit-learn {w}"));
                assert!(
                    (g - w).abs() <= SKLEARN_TOL,
                    "{what}: assay {g}, scikit-learn {w}"
                );
            }
            None => {
                assert!(
                    want.is_null(),
                    "{what}: fixture value {want} is not a number"
                );
                assert_eq!(got, None, "{what}: scikit-learn leaves it undefined (NaN)");
            }
        }
    }

    /// Every figure of a fixture case: confusion matrix, accuracy, balanced accuracy, MCC,
    /// kappa, and precision / recall / F1 / F2 / F∞ / F0 micro, macro, weighted, binary
    /// (positive class 1, two classes) and per class.
    fn check_against_sklearn(name: &str) -> Confusion {
        let (c, e) = sklearn_case(name);
        let cells = e["confusion"].as_array().expect("confusion");
        assert_eq!(cells.len(), c.cells.len(), "{name}: confusion size");
        for (i, want) in cells.iter().enumerate() {
            matches(Some(c.cells[i]), want, &format!("{name} confusion[{i}]"));
        }
        matches(c.accuracy(), &e["accuracy"], &format!("{name} accuracy"));
        matches(
            c.balanced_accuracy(),
            &e["balanced_accuracy"],
            &format!("{name} balanced_accuracy"),
        );
        matches(c.matthews(), &e["matthews"], &format!("{name} matthews"));
        matches(
            c.cohen_kappa(),
            &e["cohen_kappa"],
            &format!("{name} cohen_kappa"),
        );
        type Scorer = fn(&Confusion, Average) -> Option<f64>;
        let scorers: [(&str, Scorer); 6] = [
            ("precision", |c, a| c.precision(a)),
            ("recall", |c, a| c.recall(a)),
            ("f1", |c, a| c.f1(a)),
            ("f2", |c, a| c.fbeta(2.0, a)),
            ("f_inf", |c, a| c.fbeta(f64::INFINITY, a)),
            ("f_0", |c, a| c.fbeta(0.0, a)),
        ];
        for (metric, score) in scorers {
            let want = &e[metric];
            let mut averages = vec![
                ("micro", Average::Micro),
                ("macro", Average::Macro),
                ("weighted", Average::Weighted),
            ];
            if c.k == 2 {
                averages.push(("binary", Average::Binary { positive: 1 }));
            }
            for (key, average) in averages {
                matches(
                    score(&c, average),
                    &want[key],
                    &format!("{name} {metric}.{key}"),
                );
            }
            let per_class = want["per_class"].as_array().expect("per_class");
            assert_eq!(per_class.len(), c.k, "{name} {metric}.per_class");
            for (class, w) in per_class.iter().enumerate() {
                matches(
                    score(&c, Average::Binary { positive: class }),
                    w,
                    &format!("{name} {metric}.per_class[{class}]"),
                );
            }
        }
        c
    }

    #[test]
    fn binary_example_matches_sklearn() {
        // y_true [0, 1, 1, 0, 1], y_pred [0, 1, 0, 0, 1].
        let c = check_against_sklearn("binary_example");
        assert_eq!(c.total(), 5.0);
        // Not scikit-learn figures: assay's answers where scikit-learn raises.
        let pos = Average::Binary { positive: 1 };
        assert_eq!(c.fbeta(-1.0, pos), None);
        assert_eq!(c.fbeta(f64::NAN, pos), None);
        assert_eq!(c.precision(Average::Binary { positive: 2 }), None);
    }

    #[test]
    fn empty_and_zero_weights_are_undefined() {
        for c in [
            Confusion::new(&[], &[], None, 3),
            Confusion::new(&[0, 1], &[1, 1], Some(&[0.0, 0.0]), 2),
        ] {
            assert_eq!(c.accuracy(), None);
            assert_eq!(c.balanced_accuracy(), None);
            assert_eq!(c.precision(Average::Macro), None);
            assert_eq!(c.recall(Average::Micro), None);
            assert_eq!(c.f1(Average::Weighted), None);
            assert_eq!(c.precision(Average::Binary { positive: 1 }), None);
            assert_eq!(c.matthews(), None);
            assert_eq!(c.cohen_kappa(), None);
        }
    }

    #[test]
    fn single_row() {
        // y_true = y_pred = [1]: class 0 is absent from both, so macro averages over class 1
        // only; Cohen's kappa is 0/0 (NaN in scikit-learn, None here); MCC is 0.
        let c = check_against_sklearn("single_row");
        assert_eq!(c.cohen_kappa(), None);
        assert_eq!(c.matthews(), Some(0.0));
    }

    #[test]
    fn all_one_class_and_constant_predictions() {
        // y_true all 0, y_pred all 1: precision/recall of 1 hit zero_division (0.0); class 1
        // in y_pred only, so balanced accuracy averages class 0's recall (0).
        let c = check_against_sklearn("all_wrong_one_class");
        assert_eq!(c.matthews(), Some(0.0));
        // Constant predictions of the majority class: y_true [0, 0, 1], y_pred [0, 0, 0].
        let c = check_against_sklearn("constant_majority_predictions");
        assert_eq!(c.matthews(), Some(0.0));
    }

    #[test]
    fn absent_classes_do_not_count_in_macro() {
        // k = 4 but class 3 never appears; class 2 is never predicted: macro and weighted
        // averages run over classes 0..=2 only.
        check_against_sklearn("absent_and_unpredicted_classes");
        // A class never in y_true but predicted counts in macro precision / recall (0 by
        // zero_division), not in balanced accuracy.
        check_against_sklearn("predicted_class_absent_from_y_true");
    }

    #[test]
    fn weights_scale_cells_and_ties_of_labels_ignored_out_of_range() {
        // Weighted rows against scikit-learn: y_true [0, 1, 1], y_pred [0, 1, 0], weights
        // [2, 0.5, 1.5].
        let weighted = check_against_sklearn("weighted");
        // A fourth row with label 5 (out of range for k = 2) is ignored, whatever its weight:
        // the same matrix (assay's documented behaviour; scikit-learn would refuse the label).
        let c = Confusion::new(&[0, 1, 1, 5], &[0, 1, 0, 0], Some(&[2.0, 0.5, 1.5, 9.0]), 2);
        assert_eq!(c, weighted);
        assert_eq!(c.cells, vec![2.0, 0.0, 1.5, 0.5]);
        close(c.accuracy(), 2.5 / 4.0);
        close(c.recall(Average::Binary { positive: 1 }), 0.25);
        let from = Confusion::from_cells(2, vec![2.0, 0.0, 1.5]);
        assert_eq!(from.cells, vec![2.0, 0.0, 1.5, 0.0]);
        assert_eq!(from.get(2, 0), 0.0);
    }

    #[test]
    fn multiclass_matthews_and_kappa() {
        // matthews_corrcoef and cohen_kappa_score of [0,1,2,2,1,0] vs [0,2,2,1,1,0]
        // (both 0.5 in scikit-learn 1.9.1), with every other label metric.
        let c = check_against_sklearn("multiclass_matthews_kappa");
        assert_eq!(c.k, 3);
    }
}
