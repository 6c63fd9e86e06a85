//! Classification with regression trees. smartcore's regression trees (`BaseTree`, with
//! presorted columns and scikit-learn parity tests) are much faster than its classification
//! tree and have per-leaf fractions where the classification tree has a hard label, so tree
//! classifiers here are regression trees on 0/1 class indicators:
//!
//! - two classes: one tree (or forest) on the indicator of the second class. The squared-error
//!   decrease of a split on a 0/1 target is half its Gini decrease, so the splits are those of a
//!   Gini classification tree, and a leaf's mean is its class-1 fraction: the probabilities are
//!   scikit-learn's `predict_proba` of a Gini tree (a forest averages its trees' leaf fractions,
//!   as scikit-learn does).
//! - more classes: one-vs-rest, one indicator per class, the per-class scores normalized to sum
//!   to 1 per row.

/// The regression targets for class `labels` in `0..classes`: one indicator per output.
pub(crate) fn indicators(labels: &[u32], classes: usize) -> Vec<Vec<f64>> {
    let outputs: Vec<u32> = if classes == 2 {
        vec![1]
    } else {
        (0..classes as u32).collect()
    };
    outputs
        .into_iter()
        .map(|class| {
            labels
                .iter()
                .map(|&l| if l == class { 1.0 } else { 0.0 })
                .collect()
        })
        .collect()
}

/// Row-major `rows × classes` probabilities from the per-output scores of [`indicators`].
pub(crate) fn probabilities(scores: &[Vec<f64>], classes: usize, rows: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(rows * classes);
    for r in 0..rows {
        let score = |o: usize| {
            scores
                .get(o)
                .and_then(|s| s.get(r))
                .copied()
                .unwrap_or(0.0)
                .clamp(0.0, 1.0)
        };
        if classes == 2 {
            let p1 = score(0);
            out.push(1.0 - p1);
            out.push(p1);
        } else {
            let start = out.len();
            out.extend((0..classes).map(score));
            let sum: f64 = out[start..].iter().sum();
            for v in &mut out[start..] {
                *v = if sum > 0.0 {
                    *v / sum
                } else {
                    1.0 / classes as f64
                };
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_uses_one_indicator() {
        assert_eq!(indicators(&[0, 1, 1], 2), vec![vec![0.0, 1.0, 1.0]]);
        assert_eq!(
            probabilities(&[vec![0.25, 1.5]], 2, 2),
            vec![0.75, 0.25, 0.0, 1.0]
        );
    }

    #[test]
    fn multiclass_is_normalized_one_vs_rest() {
        assert_eq!(
            indicators(&[2, 0], 3),
            vec![vec![0.0, 1.0], vec![0.0, 0.0], vec![1.0, 0.0]]
        );
        let p = probabilities(&[vec![0.5, 0.0], vec![0.25, 0.0], vec![0.25, 0.0]], 3, 2);
        let third = 1.0 / 3.0;
        assert_eq!(p, vec![0.5, 0.25, 0.25, third, third, third]);
    }
}
