//! Metrics of predicted probabilities: log loss, Brier score and calibration (reliability
//! diagram, expected calibration error), as scikit-learn 1.9 (`log_loss`,
//! `brier_score_loss`, `calibration_curve(strategy="uniform")`).
//!
//! `proba` is row-major `n × k` (row `i` holds the probabilities of classes `0..k`); rows
//! should sum to 1, which is not checked (scikit-learn only warns).

use serde::Serialize;

use super::support::{finite, weight_at, weights_fit};

/// Checks the shared shape of `(y_true, proba, k, weights)`: at least one row, `k >= 2`,
/// `proba.len() == n k`, labels below `k`, weights of the right length.
fn shape_ok(y_true: &[u32], proba: &[f64], k: usize, weights: Option<&[f64]>) -> bool {
    let n = y_true.len();
    n > 0
        && k >= 2
        && n.checked_mul(k) == Some(proba.len())
        && y_true.iter().all(|&y| (y as usize) < k)
        && weights_fit(weights, n)
}

/// Weighted mean of per-row values; `None` when the total weight is 0 or the mean is not
/// finite.
fn weighted_mean(values: impl Iterator<Item = f64>, weights: Option<&[f64]>) -> Option<f64> {
    let (sum, total) = match weights {
        None => values.fold((0.0, 0.0), |(s, t), v| (s + v, t + 1.0)),
        Some(w) => values
            .zip(w)
            .fold((0.0, 0.0), |(s, t), (v, &wi)| (s + v * wi, t + wi)),
    };
    if total == 0.0 {
        return None;
    }
    finite(sum / total)
}

/// Cross-entropy `−Σ w_i ln p_{i, y_i} / Σ w_i` (scikit-learn `log_loss(y_true, proba,
/// labels=range(k), sample_weight=weights)`), probabilities clipped to `[ε, 1 − ε]` with
/// `ε = f64::EPSILON` as scikit-learn 1.9 does for float64 input. Rows are not renormalised.
///
/// `None` when there are no rows, `k < 2`, the shapes disagree, a label is `>= k`, the total
/// weight is 0, or a probability is NaN.
pub fn log_loss(y_true: &[u32], proba: &[f64], k: usize, weights: Option<&[f64]>) -> Option<f64> {
    if !shape_ok(y_true, proba, k, weights) {
        return None;
    }
    let eps = f64::EPSILON;
    let losses = y_true.iter().zip(proba.chunks_exact(k)).map(|(&y, row)| {
        let p = row.get(y as usize).copied().unwrap_or(f64::NAN);
        -p.clamp(eps, 1.0 - eps).ln()
    });
    weighted_mean(losses, weights)
}

/// Brier score (scikit-learn `brier_score_loss` with its default `scale_by_half="auto"`).
///
/// - `k = 2`: `Σ w_i (p_{i,1} − y_i)² / Σ w_i`, the binary score in `[0, 1]` (scikit-learn's
///   1-D positive-class form; only column 1 is read).
/// - `k ≥ 3`: `Σ w_i Σ_c (p_{i,c} − [y_i = c])² / Σ w_i`, in `[0, 2]`: scikit-learn 1.9 does
///   *not* halve the multiclass score (`scale_by_half="auto"` halves only when there are
///   fewer than 3 columns).
///
/// `None` as [`log_loss`].
pub fn brier_score(
    y_true: &[u32],
    proba: &[f64],
    k: usize,
    weights: Option<&[f64]>,
) -> Option<f64> {
    if !shape_ok(y_true, proba, k, weights) {
        return None;
    }
    let rows = y_true.iter().zip(proba.chunks_exact(k));
    if k == 2 {
        let losses = rows.map(|(&y, row)| {
            let d = row.get(1).copied().unwrap_or(f64::NAN) - f64::from(y);
            d * d
        });
        weighted_mean(losses, weights)
    } else {
        let losses = rows.map(|(&y, row)| {
            row.iter()
                .enumerate()
                .map(|(c, &p)| {
                    let d = if c == y as usize { 1.0 - p } else { p };
                    d * d
                })
                .sum::<f64>()
        });
        weighted_mean(losses, weights)
    }
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReliabilityBin {
    /// Lower edge of the bin.
    pub lower: f64,
    /// Upper edge of the bin.
    pub upper: f64,
    /// Total weight of the rows in the bin (their count without weights).
    pub weight: f64,
    /// Weighted mean predicted probability of the rows in the bin (scikit-learn's
    /// `prob_pred`).
    pub mean_predicted: f64,
    /// Weighted share of positives among the rows in the bin (scikit-learn's `prob_true`).
    pub fraction_positive: f64,
}

/// Reliability diagram with `bins` uniform bins on `[0, 1]`, as scikit-learn
/// `calibration_curve(positive, p, n_bins=bins, strategy="uniform")`: the edges are
/// `numpy.linspace(0, 1, bins + 1)` and a row goes to bin `searchsorted(inner_edges, p)`
/// (left side), so a probability equal to an inner edge falls in the bin below it; the
/// first bin is `[0, e1]`, the others `(e_{b}, e_{b+1}]`. Empty bins (and bins whose rows all
/// have weight 0) are omitted, as scikit-learn's `nonzero` mask.
///
/// Weights are an extension (scikit-learn's `calibration_curve` has none): each bin's means
/// are weighted. Probabilities outside `[0, 1]` land in the end bins (scikit-learn raises; the
/// caller validates); NaN probabilities are skipped. Rows past the shorter of `positive`, `p`
/// are ignored. `bins = 0` gives no bins.
pub fn reliability(
    positive: &[bool],
    p: &[f64],
    weights: Option<&[f64]>,
    bins: usize,
) -> Vec<ReliabilityBin> {
    if bins == 0 {
        return Vec::new();
    }
    let step = 1.0 / bins as f64;
    // numpy.linspace(0, 1, bins + 1): i * step, last edge exactly 1.
    let edge = |i: usize| if i >= bins { 1.0 } else { i as f64 * step };
    let inner: Vec<f64> = (1..bins).map(edge).collect();
    let mut sum_w = vec![0.0; bins];
    let mut sum_p = vec![0.0; bins];
    let mut sum_y = vec![0.0; bins];
    for (i, (&pos, &prob)) in positive.iter().zip(p).enumerate() {
        if prob.is_nan() {
            continue;
        }
        let b = inner.partition_point(|&e| e < prob);
        let w = weight_at(weights, i);
        if let (Some(sw), Some(sp), Some(sy)) =
            (sum_w.get_mut(b), sum_p.get_mut(b), sum_y.get_mut(b))
        {
            *sw += w;
            *sp += w * prob;
            if pos {
                *sy += w;
            }
        }
    }
    (0..bins)
        .filter_map(|b| {
            let w = sum_w.get(b).copied().unwrap_or(0.0);
            if w == 0.0 {
                return None;
            }
            let mean_predicted = finite(sum_p.get(b).copied().unwrap_or(0.0) / w)?;
            let fraction_positive = finite(sum_y.get(b).copied().unwrap_or(0.0) / w)?;
            Some(ReliabilityBin {
                lower: edge(b),
                upper: edge(b + 1),
                weight: w,
                mean_predicted,
                fraction_positive,
            })
        })
        .collect()
}

/// Expected calibration error `Σ_b (w_b / W) |fraction_positive_b − mean_predicted_b|` over
/// the bins of a reliability diagram. `None` when the bins are empty or weigh nothing.
pub fn expected_calibration_error(bins: &[ReliabilityBin]) -> Option<f64> {
    let total: f64 = bins.iter().map(|b| b.weight).sum();
    if total == 0.0 {
        return None;
    }
    let gap: f64 = bins
        .iter()
        .map(|b| b.weight * (b.fraction_positive - b.mean_predicted).abs())
        .sum();
    finite(gap / total)
}

/// Top-label calibration input of a multiclass model: per row, whether the most probable
/// class is the true one, and that largest probability. Ties go to the lowest class index
/// (as `numpy.argmax`). Feed the result to [`reliability`] for the top-label ECE.
///
/// Rows past `min(y_true.len(), proba.len() / k)` are ignored; `k = 0` gives empty vectors.
pub fn top_label(y_true: &[u32], proba: &[f64], k: usize) -> (Vec<bool>, Vec<f64>) {
    if k == 0 {
        return (Vec::new(), Vec::new());
    }
    y_true
        .iter()
        .zip(proba.chunks_exact(k))
        .map(|(&y, row)| {
            let mut best = 0;
            let mut top = row.first().copied().unwrap_or(f64::NAN);
            for (c, &p) in row.iter().enumerate().skip(1) {
                if p > top {
                    best = c;
                    top = p;
                }
            }
            (best == y as usize, top)
        })
        .unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) {
        let a = a.unwrap_or(f64::NAN);
        assert!((a - b).abs() <= 1e-14 * b.abs().max(1.0), "{a} != {b}");
    }

    #[test]
    fn log_loss_matches_sklearn_example() {
        // sklearn docstring: log_loss(["spam", "ham", "ham", "spam"],
        //   [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]) = 0.21616...
        let y = [1, 0, 0, 1];
        let p = [0.1, 0.9, 0.9, 0.1, 0.8, 0.2, 0.35, 0.65];
        let want = -(0.9f64.ln() + 0.9f64.ln() + 0.8f64.ln() + 0.65f64.ln()) / 4.0;
        close(log_loss(&y, &p, 2, None), want);
        // Weights: only the first row counts.
        close(
            log_loss(&y, &p, 2, Some(&[1.0, 0.0, 0.0, 0.0])),
            -(0.9f64.ln()),
        );
    }

    #[test]
    fn log_loss_clips_and_rejects_bad_input() {
        // p = 0 for the true class clips to eps: -ln(eps) = 36.04...
        close(log_loss(&[0], &[0.0, 1.0], 2, None), -(f64::EPSILON.ln()));
        // p = 1 clips to 1 - eps.
        close(
            log_loss(&[1], &[0.0, 1.0], 2, None),
            -((1.0 - f64::EPSILON).ln()),
        );
        assert_eq!(log_loss(&[], &[], 2, None), None);
        assert_eq!(log_loss(&[0], &[1.0], 1, None), None);
        assert_eq!(log_loss(&[2], &[0.5, 0.5], 2, None), None);
        assert_eq!(log_loss(&[0], &[0.5, 0.5, 0.0], 2, None), None);
        assert_eq!(log_loss(&[0, 1], &[0.5; 4], 2, Some(&[0.0, 0.0])), None);
        assert_eq!(log_loss(&[0], &[0.5; 2], 2, Some(&[1.0, 1.0])), None);
        assert_eq!(log_loss(&[0], &[f64::NAN, 0.5], 2, None), None);
    }

    #[test]
    fn brier_binary_and_multiclass_scaling() {
        // sklearn docstring: brier_score_loss([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]) = 0.0375.
        let p = [0.9, 0.1, 0.1, 0.9, 0.2, 0.8, 0.7, 0.3];
        close(brier_score(&[0, 1, 1, 0], &p, 2, None), 0.0375);
        // sklearn docstring: 3 classes, rows [.8,.1,.1], [.2,.7,.1], [.2,.2,.6] -> 0.14667
        // (not halved; the docstring prints 0.146).
        let p = [0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.2, 0.2, 0.6];
        close(
            brier_score(&[0, 1, 2], &p, 3, None),
            0.146_666_666_666_666_7,
        );
        // Constant predictions and a single row.
        close(brier_score(&[1], &[0.5, 0.5], 2, None), 0.25);
        assert_eq!(brier_score(&[], &[], 3, None), None);
        assert_eq!(brier_score(&[0], &[0.5, 0.5], 2, Some(&[0.0])), None);
    }

    #[test]
    fn reliability_bins_as_calibration_curve() {
        // sklearn docstring: y = [0,0,0,0,1,1,1,1,1], p = [.1,.2,.3,.4,.65,.7,.8,.9,1.],
        // n_bins=3 -> prob_true [0, .5, 1], prob_pred [.2, .525, .85].
        let y = [false, false, false, false, true, true, true, true, true];
        let p = [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1.0];
        let bins = reliability(&y, &p, None, 3);
        assert_eq!(bins.len(), 3);
        let got: Vec<(f64, f64, f64)> = bins
            .iter()
            .map(|b| (b.weight, b.fraction_positive, b.mean_predicted))
            .collect();
        let want = [(3.0, 0.0, 0.2), (2.0, 0.5, 0.525), (4.0, 1.0, 0.85)];
        for (g, w) in got.iter().zip(want) {
            assert_eq!(g.0, w.0);
            close(Some(g.1), w.1);
            close(Some(g.2), w.2);
        }
        assert_eq!((bins[0].lower, bins[0].upper), (0.0, 1.0 / 3.0));
        assert_eq!(bins[2].upper, 1.0);
        // ECE = (3 * .2 + 2 * .025 + 4 * .15) / 9
        close(expected_calibration_error(&bins), (0.6 + 0.05 + 0.6) / 9.0);
    }

    #[test]
    fn reliability_edges_empty_bins_and_weights() {
        // 0.1 lies on the first inner edge: searchsorted(left) puts it in bin 0.
        let bins = reliability(&[true, false], &[0.1, 0.1 + 1e-12], None, 10);
        assert_eq!(bins.len(), 2);
        assert_eq!((bins[0].lower, bins[0].weight), (0.0, 1.0));
        assert_eq!(bins[1].lower, 0.1);
        // Zero-weight bins are omitted; weights average within bins.
        let bins = reliability(
            &[true, false, true],
            &[0.05, 0.95, 0.15],
            Some(&[3.0, 0.0, 1.0]),
            2,
        );
        assert_eq!(bins.len(), 1);
        assert_eq!(bins[0].weight, 4.0);
        close(Some(bins[0].mean_predicted), (0.15 + 0.15) / 4.0);
        assert_eq!(bins[0].fraction_positive, 1.0);
        assert!(reliability(&[], &[], None, 10).is_empty());
        assert!(reliability(&[true], &[0.5], None, 0).is_empty());
        assert!(reliability(&[true], &[f64::NAN], None, 5).is_empty());
        assert_eq!(expected_calibration_error(&[]), None);
    }

    #[test]
    fn top_label_ties_go_to_lowest_index() {
        let proba = [
            0.4,
            0.4,
            0.2,
            0.1,
            0.2,
            0.7,
            1.0 / 3.0,
            1.0 / 3.0,
            1.0 / 3.0,
        ];
        let (correct, conf) = top_label(&[1, 2, 0], &proba, 3);
        assert_eq!(correct, vec![false, true, true]);
        assert_eq!(conf, vec![0.4, 0.7, 1.0 / 3.0]);
        assert_eq!(top_label(&[0], &[], 3), (vec![], vec![]));
        assert_eq!(top_label(&[0], &[1.0], 0), (vec![], vec![]));
    }
}
