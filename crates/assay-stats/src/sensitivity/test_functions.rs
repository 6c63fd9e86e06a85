//! Test functions with known Sobol' indices: Ishigami and the Sobol' G function.

use std::f64::consts::PI;

use super::{Distribution, Problem, SensitivityError};

/// The Ishigami function `f(x) = sin x₁ + a sin² x₂ + b x₃⁴ sin x₁`, `xᵢ ~ U(−π, π)`
/// (Ishigami & Homma 1990; SALib `test_functions.Ishigami`), with its analytic variance
/// decomposition. The default `a = 7`, `b = 0.1` gives `S1 ≈ [0.3139, 0.4424, 0]`,
/// `ST ≈ [0.5576, 0.4424, 0.2437]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ishigami {
    /// Weight of `sin² x₂`.
    pub a: f64,
    /// Weight of `x₃⁴ sin x₁`.
    pub b: f64,
}

impl Default for Ishigami {
    fn default() -> Self {
        Self { a: 7.0, b: 0.1 }
    }
}

impl Ishigami {
    /// The problem: inputs `x1`, `x2`, `x3`, each uniform on `[−π, π]`.
    pub fn problem(&self) -> Problem {
        let dist = Distribution::Uniform { low: -PI, high: PI };
        Problem {
            names: vec!["x1".into(), "x2".into(), "x3".into()],
            distributions: vec![dist; 3],
        }
    }

    /// `f(x)`, evaluated as SALib does.
    pub fn evaluate(&self, x: [f64; 3]) -> f64 {
        let [x1, x2, x3] = x;
        x1.sin() + self.a * x2.sin().powf(2.0) + self.b * x3.powf(4.0) * x1.sin()
    }

    /// `f` of a design row (3 values).
    pub fn evaluate_row(&self, row: &[f64]) -> Result<f64, SensitivityError> {
        match row {
            &[x1, x2, x3] => Ok(self.evaluate([x1, x2, x3])),
            _ => Err(SensitivityError::InputLength {
                expected: 3,
                got: row.len(),
                rows: 1,
                dims: 3,
            }),
        }
    }

    /// Partial variances `(V₁, V₂, V₃, V₁₃)`; the other terms are zero.
    fn partials(&self) -> (f64, f64, f64, f64) {
        let (a, b) = (self.a, self.b);
        let pi4 = PI.powi(4);
        let pi8 = PI.powi(8);
        let v1 = 0.5 * (1.0 + b * pi4 / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * pi8 * (1.0 / 18.0 - 1.0 / 50.0);
        (v1, v2, 0.0, v13)
    }

    /// Output variance `a²/8 + b π⁴/5 + b² π⁸/18 + 1/2`.
    pub fn variance(&self) -> f64 {
        let (v1, v2, v3, v13) = self.partials();
        v1 + v2 + v3 + v13
    }

    /// First-order indices `[V₁, V₂, 0] / V`.
    pub fn first_order(&self) -> [f64; 3] {
        let (v1, v2, v3, _) = self.partials();
        let v = self.variance();
        [v1 / v, v2 / v, v3 / v]
    }

    /// Total-order indices `[V₁ + V₁₃, V₂, V₁₃] / V`.
    pub fn total_order(&self) -> [f64; 3] {
        let (v1, v2, _, v13) = self.partials();
        let v = self.variance();
        [(v1 + v13) / v, v2 / v, v13 / v]
    }

    /// Second-order index `S_ij` (`S₁₃ = V₁₃ / V`, the others 0), or `None` for an input
    /// outside `0..3` or `i == j`.
    pub fn second_order(&self, i: usize, j: usize) -> Option<f64> {
        if i >= 3 || j >= 3 || i == j {
            return None;
        }
        let (_, _, _, v13) = self.partials();
        Some(if (i.min(j), i.max(j)) == (0, 2) {
            v13 / self.variance()
        } else {
            0.0
        })
    }
}

/// The Sobol' G function `f(x) = Π (|4xᵢ − 2| + aᵢ) / (1 + aᵢ)`, `xᵢ ~ U(0, 1)` (Saltelli &
/// Sobol' 1995; SALib `test_functions.Sobol_G` with `alpha = 1`, `delta = 0`). Small `aᵢ`
/// make an input important; with `Vᵢ = 1 / (3 (1 + aᵢ)²)` and `V = Π (1 + Vᵢ) − 1`, the
/// indices are `Sᵢ = Vᵢ / V`, `S_ij = Vᵢ Vⱼ / V` and `STᵢ = Vᵢ Π_{j≠i} (1 + Vⱼ) / V`.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolG {
    a: Vec<f64>,
}

impl SobolG {
    /// The G function with coefficients `a` (at least one, each finite and `>= 0`).
    pub fn new(a: Vec<f64>) -> Result<Self, SensitivityError> {
        if a.is_empty() {
            return Err(SensitivityError::NoInputs);
        }
        if let Some(&bad) = a.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
            return Err(SensitivityError::InvalidParameter {
                what: "G function coefficient",
                expected: "finite and >= 0",
                got: bad.to_string(),
            });
        }
        Ok(Self { a })
    }

    /// The coefficients.
    pub fn a(&self) -> &[f64] {
        &self.a
    }

    /// The problem: inputs `x1..xD`, each uniform on `[0, 1]`.
    pub fn problem(&self) -> Problem {
        Problem {
            names: (1..=self.a.len()).map(|i| format!("x{i}")).collect(),
            distributions: vec![
                Distribution::Uniform {
                    low: 0.0,
                    high: 1.0
                };
                self.a.len()
            ],
        }
    }

    /// `f` of a design row (`D` values in `[0, 1]`), evaluated as SALib does.
    pub fn evaluate_row(&self, row: &[f64]) -> Result<f64, SensitivityError> {
        if row.len() != self.a.len() {
            return Err(SensitivityError::InputLength {
                expected: self.a.len(),
                got: row.len(),
                rows: 1,
                dims: self.a.len(),
            });
        }
        Ok(row
            .iter()
            .zip(&self.a)
            .map(|(&x, &a)| (2.0 * (2.0 * (x - x.trunc()) - 1.0).abs() + a) / (1.0 + a))
            .product())
    }

    fn partials(&self) -> Vec<f64> {
        self.a
            .iter()
            .map(|&a| 1.0 / (3.0 * (1.0 + a) * (1.0 + a)))
            .collect()
    }

    /// Output variance `Π (1 + Vᵢ) − 1`.
    pub fn variance(&self) -> f64 {
        self.partials().iter().map(|v| 1.0 + v).product::<f64>() - 1.0
    }

    /// First-order indices `Vᵢ / V`.
    pub fn first_order(&self) -> Vec<f64> {
        let v = self.variance();
        self.partials().iter().map(|vi| vi / v).collect()
    }

    /// Total-order indices `Vᵢ Π_{j≠i} (1 + Vⱼ) / V`.
    pub fn total_order(&self) -> Vec<f64> {
        let v = self.variance();
        let parts = self.partials();
        parts
            .iter()
            .enumerate()
            .map(|(i, vi)| {
                let others: f64 = parts
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != i)
                    .map(|(_, vj)| 1.0 + vj)
                    .product();
                vi * others / v
            })
            .collect()
    }

    /// Second-order index `S_ij = Vᵢ Vⱼ / V`, or `None` for inputs out of range or `i == j`.
    pub fn second_order(&self, i: usize, j: usize) -> Option<f64> {
        if i == j {
            return None;
        }
        let parts = self.partials();
        Some(parts.get(i)? * parts.get(j)? / self.variance())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ishigami_analytic_indices() {
        let f = Ishigami::default();
        let s1 = f.first_order();
        let st = f.total_order();
        let want_s1 = [0.3139, 0.4424, 0.0];
        let want_st = [0.5576, 0.4424, 0.2437];
        for k in 0..3 {
            assert!((s1[k] - want_s1[k]).abs() < 5e-5, "S1 {k}: {}", s1[k]);
            assert!((st[k] - want_st[k]).abs() < 5e-5, "ST {k}: {}", st[k]);
        }
        // Closed form of the variance for a = 7, b = 0.1.
        let pi = PI;
        let v = 49.0 / 8.0 + 0.1 * pi.powi(4) / 5.0 + 0.01 * pi.powi(8) / 18.0 + 0.5;
        assert!((f.variance() - v).abs() < 1e-12);
        // S1 + S2 + S13 = 1.
        assert!((s1.iter().sum::<f64>() + f.second_order(0, 2).unwrap() - 1.0).abs() < 1e-14);
        assert_eq!(f.second_order(0, 1), Some(0.0));
        assert_eq!(f.second_order(1, 1), None);
        assert_eq!(f.evaluate([0.0, 0.0, 1.0]), 0.0);
        assert!((f.evaluate([PI / 2.0, PI / 2.0, 1.0]) - 8.1).abs() < 1e-12);
        assert!(f.evaluate_row(&[1.0, 2.0]).is_err());
    }

    #[test]
    fn g_function_analytic_indices() {
        let g = SobolG::new(vec![0.0, 1.0, 4.5, 9.0]).unwrap();
        let s1 = g.first_order();
        let st = g.total_order();
        // Hand values: V_i = 1/3, 1/12, 1/90.75, 1/300.
        let parts = [1.0 / 3.0, 1.0 / 12.0, 1.0 / 90.75, 1.0 / 300.0];
        let v: f64 = parts.iter().map(|p| 1.0 + p).product::<f64>() - 1.0;
        for i in 0..4 {
            assert!((s1[i] - parts[i] / v).abs() < 1e-15);
            assert!(st[i] >= s1[i]);
        }
        // All terms sum to one.
        let mut total = s1.iter().sum::<f64>();
        for i in 0..4 {
            for j in i + 1..4 {
                total += g.second_order(i, j).unwrap();
            }
        }
        assert!(total < 1.0 && total > 0.99);
        assert_eq!(g.evaluate_row(&[0.5, 0.5, 0.5, 0.5]), Ok(0.0));
        // Factors 2, 3/2, 1 and 9/10.
        let v = g.evaluate_row(&[0.0, 1.0, 0.25, 0.5]).unwrap();
        assert!((v - 2.7).abs() < 1e-15, "{v}");
        assert!(SobolG::new(vec![]).is_err());
        assert!(SobolG::new(vec![-1.0]).is_err());
        assert!(g.evaluate_row(&[0.5]).is_err());
    }
}
