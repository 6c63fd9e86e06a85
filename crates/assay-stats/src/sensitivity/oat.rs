//! One-at-a-time (OAT) sweeps around a nominal point.

use serde::Serialize;

use super::design::{check_block, check_outputs, Design};
use super::{Problem, SensitivityError};

/// Lower quantile of the sweep of an input with unbounded support.
pub const OAT_LOW_QUANTILE: f64 = 0.01;
/// Upper quantile of the sweep of an input with unbounded support.
pub const OAT_HIGH_QUANTILE: f64 = 0.99;

/// Options of an [`OatDesign`].
#[derive(Debug, Clone, PartialEq)]
pub struct OatOptions {
    /// Points per input sweep (at least 2, default 5).
    pub levels: usize,
    /// The nominal point, one finite value per input; `None` (default) takes each input's
    /// median (the midpoint of a uniform, the mean of a normal).
    pub nominal: Option<Vec<f64>>,
}

impl Default for OatOptions {
    fn default() -> Self {
        Self {
            levels: 5,
            nominal: None,
        }
    }
}

/// A one-at-a-time design: row 0 is the nominal point; then, for each input `j` in order,
/// `levels` rows with input `j` at evenly spaced values of its range and every other input
/// at its nominal value (`1 + D · levels` rows). The range of an input is its support
/// (`[ppf(0), ppf(1)]`) when bounded, else its 1% to 99% quantiles; the values are
/// `np.linspace(low, high, levels)`.
///
/// OAT measures local, main effects only: it cannot see interactions (use Sobol' indices
/// for those), but it costs `1 + D · levels` model runs and reads directly as a tornado chart.
#[derive(Debug, Clone)]
pub struct OatDesign {
    problem: Problem,
    levels: usize,
    nominal: Vec<f64>,
    /// `D × levels` sweep values.
    sweeps: Vec<f64>,
}

/// The sweep of one input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OatEffect {
    /// Input name.
    pub name: String,
    /// Nominal value of the input.
    pub nominal: f64,
    /// The input's values along the sweep.
    pub inputs: Vec<f64>,
    /// Model output at each value.
    pub outputs: Vec<f64>,
    /// Output swing: largest minus smallest output of the sweep.
    pub swing: f64,
    /// Finite-difference slope over the sweep, `(y_last − y_first) / (x_last − x_first)` (the
    /// mean of the segment slopes, as the values are evenly spaced).
    pub slope: f64,
    /// Finite-difference slope of each segment, `levels − 1` values.
    pub segment_slopes: Vec<f64>,
}

/// Result of a one-at-a-time analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OatResult {
    /// Model output at the nominal point.
    pub nominal_output: f64,
    /// One sweep per input, in input order.
    pub effects: Vec<OatEffect>,
}

impl OatDesign {
    /// A design sweeping each input of `problem` over `options.levels` values.
    pub fn new(problem: Problem, options: OatOptions) -> Result<Self, SensitivityError> {
        let d = problem.dims();
        if options.levels < 2 {
            return Err(SensitivityError::InvalidParameter {
                what: "number of OAT levels",
                expected: "at least 2",
                got: options.levels.to_string(),
            });
        }
        let nominal = match options.nominal {
            Some(values) => {
                if values.len() != d {
                    return Err(SensitivityError::InvalidParameter {
                        what: "nominal point",
                        expected: "one value per input",
                        got: format!("{} values for {d} inputs", values.len()),
                    });
                }
                if let Some((name, v)) = problem
                    .names()
                    .iter()
                    .zip(&values)
                    .find(|(_, v)| !v.is_finite())
                {
                    return Err(SensitivityError::InvalidParameter {
                        what: "nominal value",
                        expected: "finite",
                        got: format!("{v} for input {name:?}"),
                    });
                }
                values
            }
            None => problem.distributions().iter().map(|d| d.median()).collect(),
        };
        let mut sweeps = Vec::with_capacity(d * options.levels);
        for dist in problem.distributions() {
            let (low, high) = if dist.is_bounded() {
                (dist.ppf(0.0), dist.ppf(1.0))
            } else {
                (dist.ppf(OAT_LOW_QUANTILE), dist.ppf(OAT_HIGH_QUANTILE))
            };
            let step = (high - low) / (options.levels - 1) as f64;
            for l in 0..options.levels {
                sweeps.push(if l + 1 == options.levels {
                    high
                } else {
                    l as f64 * step + low
                });
            }
        }
        Ok(Self {
            problem,
            levels: options.levels,
            nominal,
            sweeps,
        })
    }

    /// The problem.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// Points per sweep.
    pub fn levels(&self) -> usize {
        self.levels
    }

    /// The nominal point.
    pub fn nominal(&self) -> &[f64] {
        &self.nominal
    }

    /// The sweep values of input `input`, or `None` past the last input.
    pub fn sweep(&self, input: usize) -> Option<&[f64]> {
        self.sweeps
            .get(input * self.levels..(input + 1) * self.levels)
    }

    /// Swing, outputs and slopes per input from the model outputs on this design's rows, in
    /// row order. Errors: wrong length, NaN or infinite output (naming its row).
    pub fn analyze(&self, y: &[f64]) -> Result<OatResult, SensitivityError> {
        check_outputs(y, self.rows())?;
        let nominal_output = y.first().copied().unwrap_or(f64::NAN);
        let effects = self
            .problem
            .names()
            .iter()
            .enumerate()
            .map(|(j, name)| {
                let inputs = self.sweep(j).map(<[f64]>::to_vec).unwrap_or_default();
                let start = 1 + j * self.levels;
                let outputs = y
                    .get(start..start + self.levels)
                    .map(<[f64]>::to_vec)
                    .unwrap_or_default();
                let (lo, hi) = outputs
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                        (lo.min(v), hi.max(v))
                    });
                let secant = |a: usize, b: usize| {
                    let dx = inputs.get(b).copied().unwrap_or(f64::NAN)
                        - inputs.get(a).copied().unwrap_or(f64::NAN);
                    (outputs.get(b).copied().unwrap_or(f64::NAN)
                        - outputs.get(a).copied().unwrap_or(f64::NAN))
                        / dx
                };
                OatEffect {
                    name: name.clone(),
                    nominal: self.nominal.get(j).copied().unwrap_or(f64::NAN),
                    swing: hi - lo,
                    slope: secant(0, self.levels - 1),
                    segment_slopes: (1..self.levels).map(|l| secant(l - 1, l)).collect(),
                    inputs,
                    outputs,
                }
            })
            .collect();
        Ok(OatResult {
            nominal_output,
            effects,
        })
    }
}

impl Design for OatDesign {
    fn dims(&self) -> usize {
        self.problem.dims()
    }

    fn rows(&self) -> usize {
        1 + self.problem.dims() * self.levels
    }

    fn fill_block(&self, start_row: usize, out: &mut [f64]) -> Result<(), SensitivityError> {
        let d = self.problem.dims();
        check_block(start_row, out.len(), d, self.rows())?;
        for (k, row) in out.chunks_exact_mut(d).enumerate() {
            row.copy_from_slice(&self.nominal);
            let r = start_row + k;
            if r > 0 {
                let j = (r - 1) / self.levels;
                let l = (r - 1) % self.levels;
                if let (Some(slot), Some(&v)) =
                    (row.get_mut(j), self.sweeps.get(j * self.levels + l))
                {
                    *slot = v;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensitivity::Distribution;

    fn problem() -> Problem {
        Problem::new(
            vec!["u".into(), "n".into()],
            vec![
                Distribution::Uniform {
                    low: 0.0,
                    high: 4.0,
                },
                Distribution::Normal {
                    mean: 10.0,
                    sd: 2.0,
                },
            ],
        )
        .unwrap()
    }

    #[test]
    fn design_and_sweeps() {
        let design = OatDesign::new(problem(), OatOptions::default()).unwrap();
        assert_eq!(design.rows(), 11);
        assert_eq!(design.nominal(), &[2.0, 10.0]);
        assert_eq!(design.sweep(0).unwrap(), &[0.0, 1.0, 2.0, 3.0, 4.0]);
        let n = design.sweep(1).unwrap();
        let q99 = 10.0 + 2.0 * 2.326_347_874_040_841;
        assert!((n[0] - (20.0 - q99)).abs() < 1e-12 && (n[4] - q99).abs() < 1e-12);
        assert!((n[2] - 10.0).abs() < 1e-12);
        let rows = design.block(0, 11).unwrap();
        assert_eq!(&rows[0..2], &[2.0, 10.0]);
        assert_eq!(&rows[2..4], &[0.0, 10.0]);
        assert_eq!(&rows[10..12], &[4.0, 10.0]);
        assert_eq!(rows[12], 2.0);
        assert_eq!(rows[13], n[0]);
        assert_eq!(design.block(7, 2).unwrap(), rows[14..18].to_vec());
    }

    #[test]
    fn analysis_of_a_known_model() {
        let design = OatDesign::new(
            problem(),
            OatOptions {
                levels: 3,
                nominal: Some(vec![1.0, 10.0]),
            },
        )
        .unwrap();
        // y = u² − 3 n
        let y: Vec<f64> = design
            .block(0, design.rows())
            .unwrap()
            .chunks_exact(2)
            .map(|x| x[0] * x[0] - 3.0 * x[1])
            .collect();
        let r = design.analyze(&y).unwrap();
        assert_eq!(r.nominal_output, 1.0 - 30.0);
        let u = &r.effects[0];
        assert_eq!(u.inputs, vec![0.0, 2.0, 4.0]);
        assert_eq!(u.outputs, vec![-30.0, -26.0, -14.0]);
        assert_eq!(u.swing, 16.0);
        assert_eq!(u.slope, 4.0);
        assert_eq!(u.segment_slopes, vec![2.0, 6.0]);
        let n = &r.effects[1];
        assert!((n.slope + 3.0).abs() < 1e-12);
        assert!((n.swing - 3.0 * 4.0 * 2.326_347_874_040_841).abs() < 1e-9);
        assert_eq!(n.name, "n");
    }

    #[test]
    fn rejects_bad_options() {
        assert!(OatDesign::new(
            problem(),
            OatOptions {
                levels: 1,
                nominal: None
            }
        )
        .is_err());
        assert!(OatDesign::new(
            problem(),
            OatOptions {
                levels: 3,
                nominal: Some(vec![1.0])
            }
        )
        .is_err());
        assert!(OatDesign::new(
            problem(),
            OatOptions {
                levels: 3,
                nominal: Some(vec![1.0, f64::NAN])
            }
        )
        .is_err());
        let design = OatDesign::new(problem(), OatOptions::default()).unwrap();
        assert!(matches!(
            design.analyze(&[0.0; 10]),
            Err(SensitivityError::OutputLength { got: 10, .. })
        ));
    }
}
