//! Linear regression: ordinary least squares with an intercept, as scikit-learn's
//! `LinearRegression`. The encoded features and the target are centered on their training
//! means and smartcore's `LinearRegression` (SVD solver) solves the centered problem, so a
//! rank-deficient design (a constant column, one-hot columns summing to one) gets scikit-learn's
//! minimum-norm coefficients; the intercept is then `mean(y) − mean(x)·w`.

use smartcore::linalg::basic::arrays::Array;
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::linear_regression::{
    LinearRegression, LinearRegressionParameters, LinearRegressionSolverName,
};

use super::LearnError;

/// Fitted coefficients on the encoded (possibly standardized) features.
#[derive(Debug, Clone)]
pub(crate) struct LinearModel {
    /// One per encoded feature.
    pub weights: Vec<f64>,
    /// The intercept.
    pub intercept: f64,
}

impl LinearModel {
    /// Predictions for the row-major matrix `x`.
    pub fn predict(&self, x: &[f64]) -> Vec<f64> {
        let p = self.weights.len();
        x.chunks_exact(p.max(1))
            .map(|row| {
                self.intercept
                    + self
                        .weights
                        .iter()
                        .zip(row)
                        .map(|(w, v)| w * v)
                        .sum::<f64>()
            })
            .collect()
    }
}

/// The row-major `n × p` matrix `x` and `y`, centered on their means, with the means.
struct Centered {
    x: DenseMatrix<f64>,
    y: Vec<f64>,
    x_mean: Vec<f64>,
    y_mean: f64,
}

/// The column means of the row-major `y.len() × p` matrix `x`, and the mean of `y`.
pub(crate) fn center_means(
    learner: &'static str,
    x: &[f64],
    p: usize,
    y: &[f64],
) -> Result<(Vec<f64>, f64), LearnError> {
    let nf = y.len() as f64;
    let mut x_mean = vec![0.0; p];
    for row in x.chunks_exact(p.max(1)) {
        for (m, v) in x_mean.iter_mut().zip(row) {
            *m += v / nf;
        }
    }
    let y_mean = y.iter().map(|v| v / nf).sum::<f64>();
    if !y_mean.is_finite() || y.iter().any(|v| !(v - y_mean).is_finite()) {
        return Err(LearnError::Fit {
            learner,
            context: "centering the target".to_string(),
            message: "target values too large".to_string(),
        });
    }
    Ok((x_mean, y_mean))
}

/// Centers the columns of the row-major `n × p` matrix `x` and the target `y`.
fn center(learner: &'static str, x: &[f64], p: usize, y: &[f64]) -> Result<Centered, LearnError> {
    let (x_mean, y_mean) = center_means(learner, x, p, y)?;
    let mut xc = x.to_vec();
    for row in xc.chunks_exact_mut(p.max(1)) {
        for (v, m) in row.iter_mut().zip(&x_mean) {
            *v -= m;
        }
    }
    let yc: Vec<f64> = y.iter().map(|v| v - y_mean).collect();
    let x = DenseMatrix::new(y.len(), p, xc, false).map_err(|e| LearnError::Fit {
        learner,
        context: "building the feature matrix".to_string(),
        message: e.to_string(),
    })?;
    Ok(Centered {
        x,
        y: yc,
        x_mean,
        y_mean,
    })
}

/// Fits ordinary least squares on the row-major `y.len() × p` matrix `x`.
pub(crate) fn fit(x: &[f64], p: usize, y: &[f64]) -> Result<LinearModel, LearnError> {
    const LEARNER: &str = "linear_regression";
    let centered = center(LEARNER, x, p, y)?;
    let params = LinearRegressionParameters::default().with_solver(LinearRegressionSolverName::SVD);
    let model: LinearRegression<f64, f64, DenseMatrix<f64>, Vec<f64>> =
        LinearRegression::fit(&centered.x, &centered.y, params).map_err(|e| LearnError::Fit {
            learner: LEARNER,
            context: format!("fitting {} rows × {p} encoded features", y.len()),
            message: e.to_string(),
        })?;
    let weights = column(model.coefficients(), p, LEARNER)?;
    let intercept = centered.y_mean
        - weights
            .iter()
            .zip(&centered.x_mean)
            .map(|(w, m)| w * m)
            .sum::<f64>();
    Ok(LinearModel { weights, intercept })
}

/// The `p × 1` coefficient matrix as a vector.
pub(crate) fn column(
    m: &DenseMatrix<f64>,
    p: usize,
    learner: &'static str,
) -> Result<Vec<f64>, LearnError> {
    if m.shape() != (p, 1) {
        return Err(LearnError::Fit {
            learner,
            context: "reading the coefficients".to_string(),
            message: format!("expected {p}×1 coefficients, got {:?}", m.shape()),
        });
    }
    let weights: Vec<f64> = (0..p).map(|j| *m.get((j, 0))).collect();
    if weights.iter().any(|w| !w.is_finite()) {
        return Err(LearnError::Fit {
            learner,
            context: "reading the coefficients".to_string(),
            message: "the solver returned non-finite coefficients".to_string(),
        });
    }
    Ok(weights)
}
