//! Ridge regression: least squares with an L2 penalty `alpha·‖w‖²` and an unpenalized
//! intercept, as scikit-learn's `Ridge(alpha=…)` (its dense `cholesky` solver). The encoded
//! features and the target are centered on their training means; the normal equations
//! `(XᵀX + alpha·I) w = Xᵀy` of the centered data are formed here in one pass over the rows and
//! solved with smartcore's Cholesky decomposition; the intercept is `mean(y) − mean(x)·w`.
//!
//! smartcore's `RidgeRegression` is not used: without its own `normalize` it fits no intercept,
//! with it it rejects constant columns (a one-hot level absent from a fold), and its generic
//! `XᵀX` product is slow (seconds on 30k × 100 where this takes a tenth of a second).

use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linalg::traits::cholesky::CholeskyDecomposable;

use super::linear::{center_means, column, LinearModel};
use super::LearnError;

const LEARNER: &str = "ridge";

/// Fits ridge regression on the row-major `y.len() × p` matrix `x`.
pub(crate) fn fit(x: &[f64], p: usize, y: &[f64], alpha: f64) -> Result<LinearModel, LearnError> {
    let (x_mean, y_mean) = center_means(LEARNER, x, p, y)?;
    // Upper triangle of XᵀX and Xᵀy on centered data.
    let mut gram = vec![0.0; p * p];
    let mut xty = vec![0.0; p];
    let mut centered = vec![0.0; p];
    for (row, &yi) in x.chunks_exact(p.max(1)).zip(y) {
        for ((c, v), m) in centered.iter_mut().zip(row).zip(&x_mean) {
            *c = v - m;
        }
        let yc = yi - y_mean;
        for j in 0..p {
            let cj = centered[j];
            if cj == 0.0 {
                continue;
            }
            xty[j] += cj * yc;
            let g = &mut gram[j * p..(j + 1) * p];
            for (gk, ck) in g[j..].iter_mut().zip(&centered[j..]) {
                *gk += cj * ck;
            }
        }
    }
    for j in 0..p {
        for k in 0..j {
            gram[j * p + k] = gram[k * p + j];
        }
        gram[j * p + j] += alpha;
    }
    let failed = |e: smartcore::error::Failed| LearnError::Fit {
        learner: LEARNER,
        context: format!(
            "solving the normal equations of {} rows × {p} encoded features with alpha = {alpha}",
            y.len()
        ),
        message: e.to_string(),
    };
    let a = DenseMatrix::new(p, p, gram, false).map_err(failed)?;
    let b = DenseMatrix::new(p, 1, xty, false).map_err(failed)?;
    let w = a.cholesky_solve_mut(b).map_err(failed)?;
    let weights = column(&w, p, LEARNER).map_err(|_| LearnError::Fit {
        learner: LEARNER,
        context: format!("solving with alpha = {alpha}"),
        message: "the normal equations are singular (a constant or collinear feature); \
                  use alpha > 0 or linear_regression"
            .to_string(),
    })?;
    let intercept = y_mean - weights.iter().zip(&x_mean).map(|(w, m)| w * m).sum::<f64>();
    Ok(LinearModel { weights, intercept })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_the_centered_normal_equations() {
        // y = 2·x0 + 1 exactly, x1 constant: with a tiny alpha w ≈ (2, 0), b ≈ 1.
        let x = [0.0, 5.0, 1.0, 5.0, 2.0, 5.0, 3.0, 5.0];
        let y = [1.0, 3.0, 5.0, 7.0];
        let m = fit(&x, 2, &y, 1e-12).unwrap();
        assert!((m.weights[0] - 2.0).abs() < 1e-9, "{m:?}");
        assert_eq!(m.weights[1], 0.0);
        assert!((m.intercept - 1.0).abs() < 1e-9);
        // alpha = 5: w0 = Sxy / (Sxx + 5) = 10 / (5 + 5).
        let m = fit(&x, 2, &y, 5.0).unwrap();
        assert!((m.weights[0] - 1.0).abs() < 1e-12, "{m:?}");
        assert!((m.intercept - (4.0 - 1.5)).abs() < 1e-12);
    }

    #[test]
    fn singular_without_penalty_is_an_error() {
        let x = [0.0, 5.0, 1.0, 5.0, 2.0, 5.0];
        let y = [1.0, 3.0, 5.0];
        let err = fit(&x, 2, &y, 0.0).unwrap_err().to_string();
        assert_eq!(
            err,
            "ridge: solving with alpha = 0: the normal equations are singular (a constant or \
             collinear feature); use alpha > 0 or linear_regression"
        );
    }
}
