//! The distributions the sensitivity designs sample each model input from.
//!
//! Designs are generated in the unit hypercube (SALib's sequences and grids) and each column
//! is mapped through its input's quantile function: a declared distribution
//! (`sensitivity.inputs`, `--bounds`), else the empirical distribution of the input in the
//! current data. Sobol indices and Morris elementary effects are unchanged by this (SALib
//! also scales after sampling, and measures steps in the unit cube).

use assay_stats::sensitivity::Distribution;

use super::analysis::AnalysisSetup;
use crate::sections::{InputDistribution, SensitivitySection};

/// How one input is sampled.
#[derive(Debug, Clone)]
pub enum Marginal {
    /// A declared distribution.
    Declared(Distribution),
    /// The sorted finite values of the input in the data (linear interpolation between order
    /// statistics, numpy's default quantile).
    Empirical(Vec<f64>),
}

impl Marginal {
    /// The quantile function at `u` in [0, 1] (unbounded distributions are kept finite by
    /// clamping `u` to [1e-9, 1 − 1e-9]).
    pub fn ppf(&self, u: f64) -> f64 {
        match self {
            Marginal::Declared(d) => {
                let u = if d.is_bounded() {
                    u
                } else {
                    u.clamp(1e-9, 1.0 - 1e-9)
                };
                d.ppf(u)
            }
            Marginal::Empirical(v) => {
                let n = v.len();
                if n == 0 {
                    return f64::NAN;
                }
                let pos = u.clamp(0.0, 1.0) * (n - 1) as f64;
                let lo = pos.floor() as usize;
                let hi = (lo + 1).min(n - 1);
                v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
            }
        }
    }

    /// For details: `uniform(17, 90)` or `data (min 0, max 99999)`.
    pub fn describe(&self) -> String {
        match self {
            Marginal::Declared(d) => format!("{d:?}"),
            Marginal::Empirical(v) => format!(
                "the data's distribution ({} values from {} to {})",
                v.len(),
                v.first().copied().unwrap_or(f64::NAN),
                v.last().copied().unwrap_or(f64::NAN)
            ),
        }
    }

    /// Smallest and largest value it can produce.
    pub fn range(&self) -> (f64, f64) {
        (self.ppf(0.0), self.ppf(1.0))
    }
}

/// The distribution declared in a suite.
pub fn declared(name: &str, d: &InputDistribution) -> Result<Distribution, String> {
    let need = |v: Option<f64>, what: &str| {
        v.ok_or_else(|| format!("sensitivity.inputs.{name}: `{}` needs `{what}`", d.dist))
    };
    let dist = match d.dist.as_str() {
        "uniform" => Distribution::Uniform {
            low: need(d.low, "low")?,
            high: need(d.high, "high")?,
        },
        "normal" => Distribution::Normal {
            mean: need(d.mean, "mean")?,
            sd: need(d.sd, "sd")?,
        },
        "truncnorm" => Distribution::TruncatedNormal {
            low: need(d.low, "low")?,
            high: need(d.high, "high")?,
            mean: need(d.mean, "mean")?,
            sd: need(d.sd, "sd")?,
        },
        "triangular" => {
            let (low, high, mode) = (need(d.low, "low")?, need(d.high, "high")?, need(d.mode, "mode")?);
            Distribution::Triangular {
                low,
                high,
                peak: if high > low { (mode - low) / (high - low) } else { f64::NAN },
            }
        }
        "lognormal" => Distribution::LogNormal {
            mean: need(d.mean, "mean")?,
            sd: need(d.sd, "sd")?,
        },
        o => {
            return Err(format!(
                "sensitivity.inputs.{name}: unknown distribution `{o}` (uniform, normal, truncnorm, triangular, lognormal)"
            ))
        }
    };
    dist.validate()
        .map_err(|e| format!("sensitivity.inputs.{name}: {e}"))?;
    Ok(dist)
}

/// One marginal per model input, checked against the declared domains (configuration
/// errors: the run stops).
pub fn resolve(settings: &SensitivitySection, a: &AnalysisSetup) -> Result<Vec<Marginal>, String> {
    for name in settings.inputs.keys() {
        if !a.features.contains(name) {
            return Err(format!(
                "sensitivity.inputs.{name}: `{name}` is not an input of {} (inputs: {})",
                a.model.path(),
                a.features.join(", ")
            ));
        }
    }
    let mut out = Vec::with_capacity(a.features.len());
    for name in &a.features {
        let m = match (settings.inputs.get(name), &a.batch) {
            (Some(d), _) => Marginal::Declared(declared(name, d)?),
            (None, Some(batch)) if batch.num_rows() > 0 => {
                let mut v: Vec<f64> = assay_model::column_f64(batch, name)
                    .ok_or_else(|| format!("column `{name}` is not numeric"))?
                    .into_iter()
                    .filter(|x| x.is_finite())
                    .collect();
                v.sort_by(f64::total_cmp);
                Marginal::Empirical(v)
            }
            (None, Some(_)) => {
                return Err(format!(
                    "input `{name}`: the data has no row whose model inputs are all present and finite, so there is no distribution to sample from; declare sensitivity.inputs.{name} (--bounds {name}=LOW:HIGH)"
                ))
            }
            (None, None) => {
                return Err(format!(
                    "input `{name}` has no distribution: declare sensitivity.inputs.{name} (--bounds {name}=LOW:HIGH) or give data to sample from"
                ))
            }
        };
        if let Marginal::Empirical(v) = &m {
            if v.is_empty() {
                return Err(format!(
                    "input `{name}` has no finite value in the data: declare sensitivity.inputs.{name} (--bounds {name}=LOW:HIGH)"
                ));
            }
        }
        if let Some([lo, hi]) = settings.domains.get(name) {
            if let Marginal::Declared(d) = &m {
                if !d.is_bounded() {
                    return Err(format!(
                        "sensitivity.inputs.{name}: a {} distribution is unbounded, but `{name}` is declared in [{lo}, {hi}] (sensitivity.domains): use truncnorm",
                        d.salib_code()
                    ));
                }
            }
            let (low, high) = m.range();
            if low < *lo || high > *hi {
                return Err(format!(
                    "input `{name}` would be sampled from {low} to {high}, outside its declared domain [{lo}, {hi}] (sensitivity.domains.{name})"
                ));
            }
        }
        out.push(m);
    }
    Ok(out)
}
