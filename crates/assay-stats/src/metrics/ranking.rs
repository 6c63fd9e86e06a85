//! Ranking metrics of scores against binary labels: ROC AUC, average precision and their
//! curves, as scikit-learn 1.9 (`roc_auc_score`, `average_precision_score`, `roc_curve`,
//! `precision_recall_curve`), plus the one-vs-rest multiclass ROC AUC.
//!
//! [`RankedScores`] sorts the scores once; every metric is then one O(n) pass over the sorted
//! order with the row labels and weights, so a bootstrap can recompute weighted AUC and AP
//! per round without sorting again.
//!
//! As scikit-learn, rows of weight zero are left out entirely (they add no threshold), tied
//! scores form one threshold (a tie between a positive and a negative counts 1/2 in the AUC),
//! and the cumulative true/false positive weights are summed row by row in descending score
//! order (stable), exactly as `numpy.cumsum` does.

use std::cmp::Ordering;

use serde::Serialize;

use super::support::{finite, weight_at, weights_fit};

/// Scores sorted once (descending, stable), so weighted AUC / AP can be recomputed in O(n)
/// per bootstrap round.
#[derive(Debug, Clone)]
pub struct RankedScores {
    /// Row indices by descending score, ties by ascending row index (a stable sort).
    order: Vec<usize>,
    /// Exclusive end (in `order`) of each run of equal scores.
    ends: Vec<usize>,
    /// The score of each run.
    values: Vec<f64>,
}

/// Cumulative weights at the end of one run of tied scores.
#[derive(Debug, Clone, Copy)]
struct Step {
    /// Cumulative positive weight (true positives at this threshold).
    tps: f64,
    /// Cumulative negative weight (false positives at this threshold).
    fps: f64,
    /// The run's score.
    threshold: f64,
    /// Whether the run holds a row of non-zero weight (else scikit-learn drops it).
    weighted: bool,
}

impl RankedScores {
    /// Sorts `scores`. `None` if they are empty or any is not finite.
    pub fn new(scores: &[f64]) -> Option<RankedScores> {
        if scores.is_empty() || scores.iter().any(|s| !s.is_finite()) {
            return None;
        }
        let mut pairs: Vec<(f64, usize)> = scores.iter().copied().zip(0..).collect();
        pairs.sort_unstable_by(|a, b| {
            b.0.partial_cmp(&a.0)
                .unwrap_or(Ordering::Equal)
                .then(a.1.cmp(&b.1))
        });
        let mut ends = Vec::new();
        let mut values = Vec::new();
        for (pos, pair) in pairs.iter().enumerate() {
            if let Some(next) = pairs.get(pos + 1) {
                if next.0 == pair.0 {
                    continue;
                }
            }
            ends.push(pos + 1);
            values.push(pair.0);
        }
        Some(RankedScores {
            order: pairs.into_iter().map(|(_, i)| i).collect(),
            ends,
            values,
        })
    }

    /// Number of scores.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether there are no scores (never true for a value built by [`RankedScores::new`]).
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Whether `positive` and `weights` fit the scores.
    fn fits(&self, positive: &[bool], weights: Option<&[f64]>) -> bool {
        positive.len() == self.len() && weights_fit(weights, self.len())
    }

    /// Walks the runs in descending score order, calling `step` with the cumulative weights at
    /// the end of each run. Returns the final `(positive weight, negative weight)`.
    fn walk(
        &self,
        positive: &[bool],
        weights: Option<&[f64]>,
        step: impl FnMut(Step),
    ) -> (f64, f64) {
        match weights {
            None => self.walk_with(positive, |_| 1.0, step),
            Some(w) => self.walk_with(positive, |i| w.get(i).copied().unwrap_or(0.0), step),
        }
    }

    /// [`RankedScores::walk`] with the weight lookup monomorphised.
    #[inline]
    fn walk_with(
        &self,
        positive: &[bool],
        weight: impl Fn(usize) -> f64,
        mut step: impl FnMut(Step),
    ) -> (f64, f64) {
        let (mut tps, mut fps) = (0.0, 0.0);
        let mut start = 0;
        for (&end, &threshold) in self.ends.iter().zip(&self.values) {
            let mut weighted = false;
            for &i in self.order.get(start..end).unwrap_or(&[]) {
                // Branch-free: adding an exact 0.0 leaves a sum unchanged, so this is the
                // row-by-row cumulative sum of numpy, without mispredicted label branches.
                let w = weight(i);
                let p = f64::from(u8::from(positive.get(i).copied().unwrap_or(false)));
                weighted |= w != 0.0;
                tps += w * p;
                fps += w * (1.0 - p);
            }
            step(Step {
                tps,
                fps,
                threshold,
                weighted,
            });
            start = end;
        }
        (tps, fps)
    }

    /// The runs that hold weight, as scikit-learn's `_binary_clf_curve` thresholds.
    fn steps(&self, positive: &[bool], weights: Option<&[f64]>) -> (Vec<Step>, f64, f64) {
        let mut steps = Vec::with_capacity(self.ends.len());
        let (tps, fps) = self.walk(positive, weights, |s| {
            if s.weighted {
                steps.push(s);
            }
        });
        (steps, tps, fps)
    }

    /// Area under the ROC curve, as scikit-learn `roc_auc_score(positive, scores,
    /// sample_weight=weights)`: the weighted probability that a positive outscores a negative,
    /// ties counting 1/2. `None` when the positives or the negatives have zero total weight
    /// (scikit-learn: undefined, NaN), or the lengths disagree.
    pub fn roc_auc(&self, positive: &[bool], weights: Option<&[f64]>) -> Option<f64> {
        if !self.fits(positive, weights) {
            return None;
        }
        let mut area = 0.0;
        let (mut prev_tps, mut prev_fps) = (0.0, 0.0);
        let (tps, fps) = self.walk(positive, weights, |s| {
            // Trapezoid between the previous corner and this one.
            area += (s.fps - prev_fps) * (s.tps + prev_tps);
            prev_tps = s.tps;
            prev_fps = s.fps;
        });
        if tps <= 0.0 || fps <= 0.0 {
            return None;
        }
        finite(area / (2.0 * tps * fps))
    }

    /// Average precision, as scikit-learn `average_precision_score`: `Σ_n (R_n − R_{n−1})
    /// P_n` over the thresholds (no interpolation), clipped at 0. `None` when the positives
    /// have zero total weight (scikit-learn warns and returns 0.0) or the lengths disagree.
    pub fn average_precision(&self, positive: &[bool], weights: Option<&[f64]>) -> Option<f64> {
        if !self.fits(positive, weights) {
            return None;
        }
        let mut sum = 0.0;
        let mut prev_tps = 0.0;
        let (tps, _) = self.walk(positive, weights, |s| {
            let gained = s.tps - prev_tps;
            let predicted = s.tps + s.fps;
            if gained != 0.0 && predicted != 0.0 {
                sum += gained * (s.tps / predicted);
            }
            prev_tps = s.tps;
        });
        if tps <= 0.0 {
            return None;
        }
        finite((sum / tps).max(0.0))
    }

    /// ROC curve, as scikit-learn `roc_curve(positive, scores, sample_weight=weights,
    /// drop_intermediate=True)`: `x` = false positive rate, `y` = true positive rate, both
    /// increasing from `(0, 0)`; `thresholds` decreasing, the first being `f64::INFINITY`
    /// (scikit-learn's `np.inf` for the "predict nothing" point; `serde_json` writes it as
    /// `null`). Intermediate collinear points are dropped as scikit-learn does (a point is
    /// kept when the second difference of either cumulative count is non-zero).
    ///
    /// `None` when the positives or the negatives have zero total weight (scikit-learn fills
    /// the rate with NaN), or the lengths disagree.
    pub fn roc_curve(&self, positive: &[bool], weights: Option<&[f64]>) -> Option<Curve> {
        if !self.fits(positive, weights) {
            return None;
        }
        let (steps, tps_total, fps_total) = self.steps(positive, weights);
        if tps_total <= 0.0 || fps_total <= 0.0 {
            return None;
        }
        let kept: Vec<&Step> = if steps.len() > 2 {
            let last = steps.len() - 1;
            steps
                .iter()
                .enumerate()
                .filter(|&(i, _)| {
                    if i == 0 || i == last {
                        return true;
                    }
                    let (prev, cur, next) = (&steps[i - 1], &steps[i], &steps[i + 1]);
                    let d2 = |a: f64, b: f64, c: f64| (c - b) - (b - a);
                    d2(prev.fps, cur.fps, next.fps) != 0.0 || d2(prev.tps, cur.tps, next.tps) != 0.0
                })
                .map(|(_, s)| s)
                .collect()
        } else {
            steps.iter().collect()
        };
        let mut x = Vec::with_capacity(kept.len() + 1);
        let mut y = Vec::with_capacity(kept.len() + 1);
        let mut thresholds = Vec::with_capacity(kept.len() + 1);
        x.push(0.0);
        y.push(0.0);
        thresholds.push(f64::INFINITY);
        for s in kept {
            x.push(s.fps / fps_total);
            y.push(s.tps / tps_total);
            thresholds.push(s.threshold);
        }
        Some(Curve { x, y, thresholds })
    }

    /// Precision-recall curve, as scikit-learn `precision_recall_curve(positive, scores,
    /// sample_weight=weights)` (no dropped points): `x` = recall, decreasing to a final 0,
    /// `y` = precision, ending with 1; `thresholds` increasing, one fewer than the points (the
    /// final `(0, 1)` point has none). Precision at a threshold that selects no weight is 0.
    ///
    /// `None` when the positives have zero total weight (scikit-learn warns and sets recall to
    /// 1 everywhere), or the lengths disagree.
    pub fn precision_recall_curve(
        &self,
        positive: &[bool],
        weights: Option<&[f64]>,
    ) -> Option<Curve> {
        if !self.fits(positive, weights) {
            return None;
        }
        let (steps, tps_total, _) = self.steps(positive, weights);
        if tps_total <= 0.0 {
            return None;
        }
        let mut x = Vec::with_capacity(steps.len() + 1);
        let mut y = Vec::with_capacity(steps.len() + 1);
        let mut thresholds = Vec::with_capacity(steps.len());
        for s in steps.iter().rev() {
            let predicted = s.tps + s.fps;
            y.push(if predicted != 0.0 {
                s.tps / predicted
            } else {
                0.0
            });
            x.push(s.tps / tps_total);
            thresholds.push(s.threshold);
        }
        x.push(0.0);
        y.push(1.0);
        Some(Curve { x, y, thresholds })
    }
}

/// A curve of points `(x[i], y[i])` with the score threshold of each point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Curve {
    /// Abscissae (false positive rate for ROC, recall for precision-recall).
    pub x: Vec<f64>,
    /// Ordinates (true positive rate for ROC, precision for precision-recall).
    pub y: Vec<f64>,
    /// `thresholds[i]` is the threshold of point `i`; a precision-recall curve has one fewer
    /// threshold than points.
    pub thresholds: Vec<f64>,
}

impl Curve {
    /// At most `max_points` points (at least 2), for plotting: the first and last points and
    /// evenly spaced indices between them (`round(j (n − 1) / (m − 1))`), with the thresholds
    /// of the kept points that have one. A curve that already fits is returned unchanged.
    pub fn downsample(&self, max_points: usize) -> Curve {
        let n = self.x.len().min(self.y.len());
        let m = max_points.max(2);
        if n <= m {
            return self.clone();
        }
        let (span, steps) = ((n - 1) as u128, (m - 1) as u128);
        let mut indices: Vec<usize> = (0..m as u128)
            .map(|j| ((2 * j * span + steps) / (2 * steps)) as usize)
            .collect();
        indices.dedup();
        let pick =
            |v: &[f64]| -> Vec<f64> { indices.iter().filter_map(|&i| v.get(i).copied()).collect() };
        Curve {
            x: pick(&self.x),
            y: pick(&self.y),
            thresholds: pick(&self.thresholds),
        }
    }
}

/// One-vs-rest multiclass ROC AUC, as scikit-learn `roc_auc_score(y_true, proba,
/// multi_class="ovr", labels=range(k), average="macro" | "weighted", sample_weight=weights)`:
/// the AUC of each class against the rest, scored by its probability column, averaged
/// uniformly (`weighted = false`) or by each class's (weighted) count (`weighted = true`).
///
/// `None` when the shapes disagree (`proba.len() != n k`, a label `>= k`, `k < 2`), a score
/// is not finite, or the total weight is 0 (scikit-learn returns 0 there). With macro
/// averaging, also when any class is absent from `y_true` or is the only class (its AUC is
/// undefined: scikit-learn returns NaN); with weighted averaging an absent class weighs
/// nothing and is skipped, as scikit-learn. The rows are not checked to sum to 1
/// (scikit-learn raises).
pub fn roc_auc_ovr(
    y_true: &[u32],
    proba: &[f64],
    k: usize,
    weights: Option<&[f64]>,
    weighted: bool,
) -> Option<f64> {
    let n = y_true.len();
    if n == 0
        || k < 2
        || n.checked_mul(k) != Some(proba.len())
        || y_true.iter().any(|&y| y as usize >= k)
        || !weights_fit(weights, n)
    {
        return None;
    }
    let mut sum = 0.0;
    let mut support_total = 0.0;
    for c in 0..k {
        let scores: Vec<f64> = proba.iter().skip(c).step_by(k).copied().collect();
        let positive: Vec<bool> = y_true.iter().map(|&y| y as usize == c).collect();
        let support: f64 = positive
            .iter()
            .enumerate()
            .filter(|(_, &p)| p)
            .map(|(i, _)| weight_at(weights, i))
            .sum();
        let auc = RankedScores::new(&scores)?.roc_auc(&positive, weights);
        if weighted {
            if support != 0.0 {
                sum += auc? * support;
                support_total += support;
            }
        } else {
            sum += auc?;
        }
    }
    if weighted {
        if support_total == 0.0 {
            return None;
        }
        finite(sum / support_total)
    } else {
        finite(sum / k as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) {
        let a = a.unwrap_or(f64::NAN);
        assert!((a - b).abs() <= 1e-14, "{a} != {b}");
    }

    // sklearn roc_curve docstring: y = [1, 1, 2, 2] (pos 2), scores [.1, .4, .35, .8]:
    // fpr [0, 0, .5, .5, 1], tpr [0, .5, .5, 1, 1], thresholds [inf, .8, .4, .35, .1];
    // roc_auc_score = 0.75; average_precision_score = 0.8333...
    const SCORES: [f64; 4] = [0.1, 0.4, 0.35, 0.8];
    const POSITIVE: [bool; 4] = [false, false, true, true];

    #[test]
    fn sklearn_docstring_example() {
        let r = RankedScores::new(&SCORES).unwrap();
        assert_eq!(r.len(), 4);
        assert!(!r.is_empty());
        close(r.roc_auc(&POSITIVE, None), 0.75);
        close(
            r.average_precision(&POSITIVE, None),
            0.5 * 1.0 + 0.5 * (2.0 / 3.0),
        );
        let roc = r.roc_curve(&POSITIVE, None).unwrap();
        assert_eq!(roc.x, vec![0.0, 0.0, 0.5, 0.5, 1.0]);
        assert_eq!(roc.y, vec![0.0, 0.5, 0.5, 1.0, 1.0]);
        assert_eq!(roc.thresholds, vec![f64::INFINITY, 0.8, 0.4, 0.35, 0.1]);
        // sklearn precision_recall_curve: precision [.5, .667, .5, 1, 1],
        // recall [1, 1, .5, .5, 0], thresholds [.1, .35, .4, .8].
        let pr = r.precision_recall_curve(&POSITIVE, None).unwrap();
        assert_eq!(pr.x, vec![1.0, 1.0, 0.5, 0.5, 0.0]);
        assert_eq!(pr.y, vec![0.5, 2.0 / 3.0, 0.5, 1.0, 1.0]);
        assert_eq!(pr.thresholds, vec![0.1, 0.35, 0.4, 0.8]);
    }

    #[test]
    fn ties_count_half_and_constant_scores_give_one_half() {
        let r = RankedScores::new(&[0.5; 4]).unwrap();
        close(r.roc_auc(&POSITIVE, None), 0.5);
        close(r.average_precision(&POSITIVE, None), 0.5);
        let roc = r.roc_curve(&POSITIVE, None).unwrap();
        assert_eq!(roc.x, vec![0.0, 1.0]);
        assert_eq!(roc.y, vec![0.0, 1.0]);
        // One positive tied with one negative above another negative.
        let r = RankedScores::new(&[0.9, 0.9, 0.1]).unwrap();
        close(r.roc_auc(&[true, false, false], None), 0.75);
    }

    #[test]
    fn one_class_or_bad_lengths_are_undefined() {
        assert!(RankedScores::new(&[]).is_none());
        assert!(RankedScores::new(&[0.1, f64::NAN]).is_none());
        assert!(RankedScores::new(&[0.1, f64::INFINITY]).is_none());
        let r = RankedScores::new(&SCORES).unwrap();
        let none = [false; 4];
        let all = [true; 4];
        assert_eq!(r.roc_auc(&none, None), None);
        assert_eq!(r.roc_auc(&all, None), None);
        assert_eq!(r.roc_curve(&all, None), None);
        assert_eq!(r.average_precision(&none, None), None);
        assert_eq!(r.precision_recall_curve(&none, None), None);
        // All positives: precision 1 everywhere, AP 1 (defined, as sklearn).
        close(r.average_precision(&all, None), 1.0);
        assert_eq!(r.roc_auc(&POSITIVE[..3], None), None);
        assert_eq!(r.roc_auc(&POSITIVE, Some(&[1.0])), None);
        assert_eq!(r.roc_auc(&POSITIVE, Some(&[0.0; 4])), None);
        // Single row.
        let one = RankedScores::new(&[0.3]).unwrap();
        assert_eq!(one.roc_auc(&[true], None), None);
        close(one.average_precision(&[true], None), 1.0);
    }

    #[test]
    fn weights_and_zero_weight_rows() {
        let r = RankedScores::new(&SCORES).unwrap();
        // Weight 0 on the negative scored 0.4: it leaves the curve entirely (sklearn drops
        // zero-weight rows before choosing thresholds).
        let w = [1.0, 0.0, 1.0, 1.0];
        close(r.roc_auc(&POSITIVE, Some(&w)), 1.0);
        let roc = r.roc_curve(&POSITIVE, Some(&w)).unwrap();
        assert_eq!(roc.thresholds, vec![f64::INFINITY, 0.8, 0.35, 0.1]);
        // Integer weights equal repeated rows.
        let w = [2.0, 1.0, 1.0, 3.0];
        let rep = RankedScores::new(&[0.1, 0.1, 0.4, 0.35, 0.8, 0.8, 0.8]).unwrap();
        let rep_pos = [false, false, false, true, true, true, true];
        close(
            r.roc_auc(&POSITIVE, Some(&w)),
            rep.roc_auc(&rep_pos, None).unwrap(),
        );
        close(
            r.average_precision(&POSITIVE, Some(&w)),
            rep.average_precision(&rep_pos, None).unwrap(),
        );
    }

    #[test]
    fn perfect_ranking() {
        let r = RankedScores::new(&[0.9, 0.8, 0.2, 0.1]).unwrap();
        let pos = [true, true, false, false];
        close(r.roc_auc(&pos, None), 1.0);
        close(r.average_precision(&pos, None), 1.0);
        let roc = r.roc_curve(&pos, None).unwrap();
        assert_eq!(roc.x, vec![0.0, 0.0, 0.0, 1.0]);
        assert_eq!(roc.y, vec![0.0, 0.5, 1.0, 1.0]);
        // Reversed ranking.
        close(r.roc_auc(&[false, false, true, true], None), 0.0);
    }

    #[test]
    fn downsample_keeps_ends() {
        let c = Curve {
            x: (0..11).map(f64::from).collect(),
            y: (0..11).map(f64::from).collect(),
            thresholds: (0..10).map(f64::from).collect(),
        };
        let d = c.downsample(3);
        assert_eq!(d.x, vec![0.0, 5.0, 10.0]);
        assert_eq!(d.thresholds, vec![0.0, 5.0]);
        let d = c.downsample(4);
        assert_eq!(d.x, vec![0.0, 3.0, 7.0, 10.0]);
        assert_eq!(c.downsample(0).x, vec![0.0, 10.0]);
        assert_eq!(c.downsample(50), c);
    }

    #[test]
    fn ovr_macro_and_weighted() {
        // Perfectly separated three classes: every one-vs-rest AUC is 1.
        let y = [0, 1, 2, 0];
        let p = [
            0.8, 0.1, 0.1, //
            0.1, 0.8, 0.1, //
            0.1, 0.1, 0.8, //
            0.7, 0.2, 0.1,
        ];
        close(roc_auc_ovr(&y, &p, 3, None, false), 1.0);
        close(roc_auc_ovr(&y, &p, 3, None, true), 1.0);
        // Class 2 absent from y_true: macro undefined, weighted skips it.
        let y = [0, 1, 1, 0];
        assert_eq!(roc_auc_ovr(&y, &p, 3, None, false), None);
        let w = roc_auc_ovr(&y, &p, 3, None, true).unwrap();
        // class 0 scores [.8,.1,.1,.7] vs y==0: AUC 1; class 1 scores [.1,.8,.1,.2]: AUC
        // (2 + 0.5 + 0) / 4 = 0.625; weights 2 and 2 (sklearn: 0.8125).
        close(Some(w), 0.8125);
        assert_eq!(roc_auc_ovr(&y, &p[..11], 3, None, true), None);
        assert_eq!(roc_auc_ovr(&[0, 3], &p[..6], 3, None, true), None);
        assert_eq!(roc_auc_ovr(&[], &[], 3, None, true), None);
        assert_eq!(roc_auc_ovr(&y, &p, 3, Some(&[0.0; 4]), true), None);
    }
}
