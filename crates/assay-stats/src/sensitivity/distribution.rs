//! Input distributions and the map from the unit cube to them.

use serde::{Deserialize, Serialize};

use super::SensitivityError;
use crate::drift::normal::ndtr;
use crate::metrics::intervals::normal_quantile;

/// The distribution of one model input.
///
/// Designs are built in the unit cube and mapped to the inputs by each distribution's
/// quantile function ([`Distribution::ppf`]), with the formulas of SALib's `scale_samples` /
/// `_nonuniform_scale_samples` (SALib 1.6), so that designs match SALib's. The SALib codes and
/// parameter orders are those of [`Distribution::from_salib`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Distribution {
    /// Uniform on `[low, high]` (SALib `unif`): `u · (high − low) + low`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound (`> low`).
        high: f64,
    },
    /// Normal (SALib `norm`): `Φ⁻¹(u) · sd + mean`.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (`> 0`).
        sd: f64,
    },
    /// Normal(`mean`, `sd`) truncated to `[low, high]` (SALib `truncnorm`, scipy
    /// `truncnorm(a = (low − mean)/sd, b = (high − mean)/sd, loc = mean, scale = sd)`).
    TruncatedNormal {
        /// Lower truncation bound.
        low: f64,
        /// Upper truncation bound (`> low`).
        high: f64,
        /// Mean of the untruncated normal.
        mean: f64,
        /// Standard deviation of the untruncated normal (`> 0`).
        sd: f64,
    },
    /// Triangular on `[low, high]` with its mode at `low + peak · (high − low)` (SALib
    /// `triang` with bounds `[low, high, peak]`, scipy `triang(c = peak, loc = low, scale =
    /// high − low)`).
    Triangular {
        /// Lower bound.
        low: f64,
        /// Upper bound (`> low`).
        high: f64,
        /// Position of the mode as a fraction of the width, in `[0, 1]`.
        peak: f64,
    },
    /// Lognormal: `exp` of a normal with the given log-space mean and standard deviation
    /// (SALib `lognorm`).
    LogNormal {
        /// Mean of `ln x`.
        mean: f64,
        /// Standard deviation of `ln x` (`> 0`).
        sd: f64,
    },
    /// Log-uniform on `[low, high]`, `0 < low < high` (SALib `logunif`, scipy `loguniform`).
    LogUniform {
        /// Lower bound (`> 0`).
        low: f64,
        /// Upper bound (`> low`).
        high: f64,
    },
    /// Weibull (SALib `weibull`, scipy `weibull_min(c = shape, scale, loc = location)`).
    Weibull {
        /// Shape `k` (`> 0`).
        shape: f64,
        /// Scale `λ` (`> 0`).
        scale: f64,
        /// Location (lower bound of the support).
        location: f64,
    },
}

impl Distribution {
    /// Builds a distribution from a SALib problem's `dists` code and `bounds` entry:
    /// `unif [low, high]`, `norm [mean, sd]`, `truncnorm [low, high, mean, sd]`,
    /// `triang [low, high, peak]` (the deprecated two-value form `[high, peak]` starts at 0),
    /// `lognorm [ln-mean, ln-sd]`, `logunif [low, high]`, `weibull [shape, scale]` or
    /// `[shape, scale, location]`. The result is validated.
    pub fn from_salib(code: &str, params: &[f64]) -> Result<Self, SensitivityError> {
        let arity = |n: &[usize]| {
            if n.contains(&params.len()) {
                Ok(())
            } else {
                Err(SensitivityError::InvalidDistribution {
                    name: code.to_string(),
                    reason: format!(
                        "expected {} parameters, got {}",
                        n.iter()
                            .map(|k| k.to_string())
                            .collect::<Vec<_>>()
                            .join(" or "),
                        params.len()
                    ),
                })
            }
        };
        let p = |i: usize| params.get(i).copied().unwrap_or(f64::NAN);
        let dist = match code {
            "unif" => {
                arity(&[2])?;
                Self::Uniform {
                    low: p(0),
                    high: p(1),
                }
            }
            "norm" => {
                arity(&[2])?;
                Self::Normal {
                    mean: p(0),
                    sd: p(1),
                }
            }
            "truncnorm" => {
                arity(&[4])?;
                Self::TruncatedNormal {
                    low: p(0),
                    high: p(1),
                    mean: p(2),
                    sd: p(3),
                }
            }
            "triang" => {
                arity(&[2, 3])?;
                if params.len() == 3 {
                    Self::Triangular {
                        low: p(0),
                        high: p(1),
                        peak: p(2),
                    }
                } else {
                    Self::Triangular {
                        low: 0.0,
                        high: p(0),
                        peak: p(1),
                    }
                }
            }
            "lognorm" => {
                arity(&[2])?;
                Self::LogNormal {
                    mean: p(0),
                    sd: p(1),
                }
            }
            "logunif" => {
                arity(&[2])?;
                Self::LogUniform {
                    low: p(0),
                    high: p(1),
                }
            }
            "weibull" => {
                arity(&[2, 3])?;
                Self::Weibull {
                    shape: p(0),
                    scale: p(1),
                    location: if params.len() == 3 { p(2) } else { 0.0 },
                }
            }
            other => {
                return Err(SensitivityError::UnknownDistribution {
                    code: other.to_string(),
                })
            }
        };
        dist.validate()
            .map_err(|reason| SensitivityError::InvalidDistribution {
                name: code.to_string(),
                reason,
            })?;
        Ok(dist)
    }

    /// The SALib `dists` code of this distribution.
    pub fn salib_code(&self) -> &'static str {
        match self {
            Self::Uniform { .. } => "unif",
            Self::Normal { .. } => "norm",
            Self::TruncatedNormal { .. } => "truncnorm",
            Self::Triangular { .. } => "triang",
            Self::LogNormal { .. } => "lognorm",
            Self::LogUniform { .. } => "logunif",
            Self::Weibull { .. } => "weibull",
        }
    }

    /// Checks the parameters; the error is a sentence saying what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        let finite = |what: &str, v: f64| {
            if v.is_finite() {
                Ok(())
            } else {
                Err(format!("{what} must be finite, got {v}"))
            }
        };
        let ordered = |low: f64, high: f64| {
            if low < high {
                Ok(())
            } else {
                Err(format!(
                    "lower bound {low} must be less than upper bound {high}"
                ))
            }
        };
        let positive = |what: &str, v: f64| {
            if v > 0.0 {
                Ok(())
            } else {
                Err(format!("{what} must be > 0, got {v}"))
            }
        };
        match *self {
            Self::Uniform { low, high } => {
                finite("lower bound", low)?;
                finite("upper bound", high)?;
                ordered(low, high)?;
                if (high - low).is_finite() {
                    Ok(())
                } else {
                    Err(format!("the width of [{low}, {high}] overflows"))
                }
            }
            Self::Normal { mean, sd } | Self::LogNormal { mean, sd } => {
                finite("mean", mean)?;
                finite("standard deviation", sd)?;
                positive("standard deviation", sd)
            }
            Self::TruncatedNormal {
                low,
                high,
                mean,
                sd,
            } => {
                finite("lower bound", low)?;
                finite("upper bound", high)?;
                finite("mean", mean)?;
                finite("standard deviation", sd)?;
                positive("standard deviation", sd)?;
                ordered(low, high)
            }
            Self::Triangular { low, high, peak } => {
                finite("lower bound", low)?;
                finite("upper bound", high)?;
                finite("peak", peak)?;
                ordered(low, high)?;
                if (0.0..=1.0).contains(&peak) {
                    Ok(())
                } else {
                    Err(format!(
                        "peak is a fraction of the width and must be in [0, 1], got {peak}"
                    ))
                }
            }
            Self::LogUniform { low, high } => {
                finite("lower bound", low)?;
                finite("upper bound", high)?;
                positive("lower bound", low)?;
                ordered(low, high)
            }
            Self::Weibull {
                shape,
                scale,
                location,
            } => {
                finite("shape", shape)?;
                finite("scale", scale)?;
                finite("location", location)?;
                positive("shape", shape)?;
                positive("scale", scale)
            }
        }
    }

    /// The quantile function: maps a unit-cube coordinate `u ∈ [0, 1]` to the input, with
    /// SALib's formulas (scipy's `ppf` for all but the uniform, which SALib scales directly).
    /// As scipy, `u = 0` and `u = 1` give the ends of the support (`±∞` for unbounded
    /// distributions) and `u` outside `[0, 1]` or NaN gives NaN (except for the uniform,
    /// which extrapolates linearly as SALib does).
    ///
    /// The truncated normal is computed as `Φ⁻¹(Φ(a) + u·(Φ(b) − Φ(a)))` (from the upper
    /// tail when `a ≥ 0`), the same expression scipy evaluates in log space; the two agree to
    /// ~1e-12 while the truncation bounds are within ~35 standard deviations of the mean.
    pub fn ppf(&self, u: f64) -> f64 {
        if let Self::Uniform { low, high } = *self {
            return u * (high - low) + low;
        }
        if u.is_nan() || !(0.0..=1.0).contains(&u) {
            return f64::NAN;
        }
        match *self {
            Self::Uniform { .. } => f64::NAN,
            Self::Normal { mean, sd } => normal_quantile(u) * sd + mean,
            Self::LogNormal { mean, sd } => (normal_quantile(u) * sd + mean).exp(),
            Self::TruncatedNormal {
                low,
                high,
                mean,
                sd,
            } => {
                let a = (low - mean) / sd;
                let b = (high - mean) / sd;
                if u == 0.0 {
                    return a * sd + mean;
                }
                if u == 1.0 {
                    return b * sd + mean;
                }
                truncated_standard_ppf(u, a, b) * sd + mean
            }
            Self::Triangular { low, high, peak } => {
                let scale = high - low;
                let c = peak;
                let standard = if u == 0.0 {
                    0.0
                } else if u == 1.0 {
                    1.0
                } else if u < c {
                    (c * u).sqrt()
                } else {
                    1.0 - ((1.0 - c) * (1.0 - u)).sqrt()
                };
                standard * scale + low
            }
            Self::LogUniform { low, high } => {
                if u == 0.0 {
                    low
                } else if u == 1.0 {
                    high
                } else {
                    (low.ln() + u * (high.ln() - low.ln())).exp()
                }
            }
            Self::Weibull {
                shape,
                scale,
                location,
            } => {
                if u == 0.0 {
                    location
                } else if u == 1.0 {
                    f64::INFINITY
                } else {
                    (-(-u).ln_1p()).powf(1.0 / shape) * scale + location
                }
            }
        }
    }

    /// Whether both ends of the support are finite (then `ppf(0)` and `ppf(1)` are finite).
    pub fn is_bounded(&self) -> bool {
        matches!(
            self,
            Self::Uniform { .. }
                | Self::TruncatedNormal { .. }
                | Self::Triangular { .. }
                | Self::LogUniform { .. }
        )
    }

    /// The median, `ppf(0.5)`: the midpoint of a uniform, the mean of a normal.
    pub fn median(&self) -> f64 {
        self.ppf(0.5)
    }
}

/// scipy `truncnorm._ppf(q, a, b)` for `0 < q < 1`, in linear rather than log space.
fn truncated_standard_ppf(q: f64, a: f64, b: f64) -> f64 {
    let x = if a < 0.0 {
        // Left case: Φ(x) = Φ(a) + q · mass.
        normal_quantile(ndtr(a) + q * gauss_mass(a, b))
    } else {
        // Right case: Φ(−x) = Φ(−b) + (1 − q) · mass.
        -normal_quantile(ndtr(-b) + (1.0 - q) * gauss_mass(a, b))
    };
    // Exact arithmetic keeps x in [a, b]; rounding in the far tails must not leave it.
    if x.is_nan() {
        x
    } else {
        x.clamp(a, b)
    }
}

/// `Φ(b) − Φ(a)`, computed as scipy's `_log_gauss_mass` splits it (without cancellation).
fn gauss_mass(a: f64, b: f64) -> f64 {
    if b <= 0.0 {
        ndtr(b) - ndtr(a)
    } else if a > 0.0 {
        ndtr(-a) - ndtr(-b)
    } else {
        1.0 + (-ndtr(a) - ndtr(-b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_is_salib_linear_map() {
        let d = Distribution::Uniform {
            low: -2.0,
            high: 6.0,
        };
        assert_eq!(d.ppf(0.0), -2.0);
        assert_eq!(d.ppf(0.25), 0.0);
        assert_eq!(d.ppf(1.0), 6.0);
        assert_eq!(d.median(), 2.0);
        assert!(d.is_bounded());
    }

    #[test]
    fn normal_edges_and_median() {
        let d = Distribution::Normal { mean: 3.0, sd: 2.0 };
        assert_eq!(d.ppf(0.0), f64::NEG_INFINITY);
        assert_eq!(d.ppf(1.0), f64::INFINITY);
        assert_eq!(d.median(), 3.0);
        assert!((d.ppf(0.975) - (3.0 + 2.0 * 1.959_963_984_540_054)).abs() < 1e-12);
        assert!(d.ppf(1.5).is_nan());
        assert!(d.ppf(f64::NAN).is_nan());
        assert!(!d.is_bounded());
    }

    #[test]
    fn truncated_normal_stays_in_bounds() {
        let d = Distribution::TruncatedNormal {
            low: 1.0,
            high: 2.0,
            mean: 0.0,
            sd: 1.0,
        };
        assert_eq!(d.ppf(0.0), 1.0);
        assert_eq!(d.ppf(1.0), 2.0);
        for u in [1e-300, 0.1, 0.5, 0.9, 1.0 - 1e-16] {
            let x = d.ppf(u);
            assert!((1.0..=2.0).contains(&x), "{u} -> {x}");
        }
        // The median of N(0,1) truncated to [-1, 1] is 0.
        let sym = Distribution::TruncatedNormal {
            low: -1.0,
            high: 1.0,
            mean: 0.0,
            sd: 1.0,
        };
        assert!(sym.median().abs() < 1e-15);
    }

    #[test]
    fn triangular_closed_form() {
        let d = Distribution::Triangular {
            low: 0.0,
            high: 2.0,
            peak: 0.5,
        };
        assert_eq!(d.ppf(0.5), 1.0);
        assert_eq!(d.ppf(0.125), 0.5);
        assert_eq!(d.ppf(1.0), 2.0);
    }

    #[test]
    fn weibull_and_loguniform() {
        let w = Distribution::Weibull {
            shape: 1.0,
            scale: 2.0,
            location: 0.0,
        };
        // Exponential with mean 2: median 2 ln 2.
        assert!((w.median() - 2.0 * std::f64::consts::LN_2).abs() < 1e-15);
        assert_eq!(w.ppf(1.0), f64::INFINITY);
        let l = Distribution::LogUniform {
            low: 0.01,
            high: 100.0,
        };
        assert!((l.median() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn validation_messages() {
        let bad = [
            Distribution::Uniform {
                low: 1.0,
                high: 1.0,
            },
            Distribution::Normal { mean: 0.0, sd: 0.0 },
            Distribution::Normal {
                mean: f64::NAN,
                sd: 1.0,
            },
            Distribution::Triangular {
                low: 0.0,
                high: 1.0,
                peak: 1.5,
            },
            Distribution::LogUniform {
                low: 0.0,
                high: 1.0,
            },
            Distribution::Weibull {
                shape: -1.0,
                scale: 1.0,
                location: 0.0,
            },
            Distribution::TruncatedNormal {
                low: 2.0,
                high: 1.0,
                mean: 0.0,
                sd: 1.0,
            },
        ];
        for d in bad {
            assert!(d.validate().is_err(), "{d:?}");
        }
        assert_eq!(
            Distribution::Normal { mean: 0.0, sd: 0.0 }.validate(),
            Err("standard deviation must be > 0, got 0".to_string())
        );
    }

    #[test]
    fn from_salib_codes() {
        assert_eq!(
            Distribution::from_salib("triang", &[3.0, 0.5]).ok(),
            Some(Distribution::Triangular {
                low: 0.0,
                high: 3.0,
                peak: 0.5
            })
        );
        assert!(matches!(
            Distribution::from_salib("beta", &[1.0, 2.0]),
            Err(SensitivityError::UnknownDistribution { .. })
        ));
        assert!(matches!(
            Distribution::from_salib("norm", &[1.0]),
            Err(SensitivityError::InvalidDistribution { .. })
        ));
        assert!(matches!(
            Distribution::from_salib("unif", &[2.0, 1.0]),
            Err(SensitivityError::InvalidDistribution { .. })
        ));
        assert_eq!(
            Distribution::from_salib("weibull", &[1.5, 2.0]).map(|d| d.salib_code()),
            Ok("weibull")
        );
    }
}
