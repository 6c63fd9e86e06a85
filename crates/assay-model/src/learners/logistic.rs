//! Logistic regression: smartcore's `LogisticRegression` (lbfgs, L2 penalty `1/(2C)·‖w‖²`,
//! unpenalized intercept, multinomial softmax for more than two classes), the objective of
//! scikit-learn's `LogisticRegression(C=…, solver="lbfgs")`. smartcore gives labels only, so
//! the class probabilities are computed here from the fitted coefficients (sigmoid, softmax).

use smartcore::linalg::basic::arrays::Array;
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::logistic_regression::{LogisticRegression, LogisticRegressionParameters};

use super::LearnError;

/// Fitted coefficients on the encoded (standardized) features.
#[derive(Debug, Clone)]
pub(crate) struct LogisticModel {
    /// `outputs × features`, row-major: one row for two classes (class 1 against 0), else one
    /// row per class.
    pub weights: Vec<f64>,
    /// One per output.
    pub intercepts: Vec<f64>,
    /// Classes in the training rows (≥ 2).
    pub classes: usize,
    /// Encoded features.
    pub features: usize,
}

/// Fits on the row-major `n × features` matrix `x` with labels in `0..classes` (all present).
pub(crate) fn fit(
    x: &DenseMatrix<f64>,
    labels: &[u32],
    classes: usize,
    c: f64,
) -> Result<LogisticModel, LearnError> {
    let features = x.shape().1;
    let y = labels.to_vec();
    let params = LogisticRegressionParameters::default().with_alpha(1.0 / c);
    let model = LogisticRegression::fit(x, &y, params).map_err(|e| LearnError::Fit {
        learner: "logistic_regression",
        context: "fitting".to_string(),
        message: e.to_string(),
    })?;
    let outputs = if classes == 2 { 1 } else { classes };
    let coefficients = model.coefficients();
    let intercept = model.intercept();
    if coefficients.shape() != (outputs, features) || intercept.shape().0 != outputs {
        return Err(LearnError::Fit {
            learner: "logistic_regression",
            context: "reading the coefficients".to_string(),
            message: format!(
                "expected {outputs}×{features} coefficients, got {:?}",
                coefficients.shape()
            ),
        });
    }
    let mut weights = Vec::with_capacity(outputs * features);
    for k in 0..outputs {
        for j in 0..features {
            weights.push(*coefficients.get((k, j)));
        }
    }
    let intercepts = (0..outputs).map(|k| *intercept.get((k, 0))).collect();
    Ok(LogisticModel {
        weights,
        intercepts,
        classes,
        features,
    })
}

impl LogisticModel {
    /// Class probabilities, row-major `rows × classes`, of the row-major matrix `x`.
    pub fn predict_proba(&self, x: &[f64]) -> Vec<f64> {
        let p = self.features;
        let k = self.classes;
        let outputs = self.intercepts.len();
        let rows = x.len().checked_div(p).unwrap_or(0);
        let mut out = Vec::with_capacity(rows * k);
        let mut z = vec![0.0; outputs];
        for row in x.chunks_exact(p.max(1)).take(rows) {
            for (o, zo) in z.iter_mut().enumerate() {
                let w = &self.weights[o * p..(o + 1) * p];
                *zo = self.intercepts[o] + w.iter().zip(row).map(|(a, b)| a * b).sum::<f64>();
            }
            if outputs == 1 {
                let p1 = sigmoid(z[0]);
                out.push(1.0 - p1);
                out.push(p1);
            } else {
                let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let start = out.len();
                out.extend(z.iter().map(|v| (v - max).exp()));
                let sum: f64 = out[start..].iter().sum();
                for v in &mut out[start..] {
                    *v /= sum;
                }
            }
        }
        out
    }
}

/// The logistic function, without overflow for large |z|.
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_is_stable() {
        assert_eq!(sigmoid(0.0), 0.5);
        assert_eq!(sigmoid(1000.0), 1.0);
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert!((sigmoid(2.0) - 0.880_797_077_977_882_3).abs() < 1e-15);
    }

    #[test]
    fn softmax_probabilities_from_coefficients() {
        let model = LogisticModel {
            weights: vec![1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
            intercepts: vec![0.0, 0.0, 0.0],
            classes: 3,
            features: 2,
        };
        let p = model.predict_proba(&[0.0, 0.0, 2.0_f64.ln(), 0.0]);
        let third = 1.0 / 3.0;
        let want = [third, third, third, 0.5, 0.25, 0.25];
        for (got, want) in p.iter().zip(want) {
            assert!((got - want).abs() < 1e-12, "{p:?}");
        }
    }
}
