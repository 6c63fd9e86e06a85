//! A sensitivity problem: named inputs and their distributions.

use serde::Serialize;

use super::{Distribution, SensitivityError};

/// The inputs of a model under sensitivity analysis (SALib's problem dict): one name and one
/// [`Distribution`] per input, validated on construction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub(super) names: Vec<String>,
    pub(super) distributions: Vec<Distribution>,
}

impl Problem {
    /// A problem from names and distributions (same length, at least one input, non-empty
    /// distinct names, valid distribution parameters).
    pub fn new(
        names: Vec<String>,
        distributions: Vec<Distribution>,
    ) -> Result<Self, SensitivityError> {
        if names.len() != distributions.len() {
            return Err(SensitivityError::NameCount {
                names: names.len(),
                distributions: distributions.len(),
            });
        }
        if names.is_empty() {
            return Err(SensitivityError::NoInputs);
        }
        let mut seen = std::collections::HashSet::with_capacity(names.len());
        for (index, (name, dist)) in names.iter().zip(&distributions).enumerate() {
            if name.is_empty() {
                return Err(SensitivityError::EmptyName { index });
            }
            if !seen.insert(name.as_str()) {
                return Err(SensitivityError::DuplicateName { name: name.clone() });
            }
            dist.validate()
                .map_err(|reason| SensitivityError::InvalidDistribution {
                    name: name.clone(),
                    reason,
                })?;
        }
        Ok(Self {
            names,
            distributions,
        })
    }

    /// A problem of uniform inputs `(name, low, high)` (SALib's problem without `dists`).
    pub fn uniform(inputs: &[(&str, f64, f64)]) -> Result<Self, SensitivityError> {
        Self::new(
            inputs.iter().map(|(n, _, _)| n.to_string()).collect(),
            inputs
                .iter()
                .map(|&(_, low, high)| Distribution::Uniform { low, high })
                .collect(),
        )
    }

    /// Number of inputs, `D`.
    pub fn dims(&self) -> usize {
        self.names.len()
    }

    /// Input names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Input distributions, in order.
    pub fn distributions(&self) -> &[Distribution] {
        &self.distributions
    }

    /// Fails if some input maps the unit-cube coordinate `at` (0 or 1) to a non-finite value.
    pub(crate) fn check_finite_at(
        &self,
        at: f64,
        hint: &'static str,
    ) -> Result<(), SensitivityError> {
        for (name, dist) in self.names.iter().zip(&self.distributions) {
            let value = dist.ppf(at);
            if !value.is_finite() {
                return Err(SensitivityError::UnboundedAtEdge {
                    name: name.clone(),
                    at,
                    value,
                    hint,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_inputs() {
        assert_eq!(Problem::uniform(&[]), Err(SensitivityError::NoInputs));
        assert_eq!(
            Problem::uniform(&[("a", 0.0, 1.0), ("a", 0.0, 1.0)]),
            Err(SensitivityError::DuplicateName {
                name: "a".to_string()
            })
        );
        assert_eq!(
            Problem::uniform(&[("", 0.0, 1.0)]),
            Err(SensitivityError::EmptyName { index: 0 })
        );
        let err = Problem::uniform(&[("x", 0.0, 1.0), ("y", 2.0, 1.0)]);
        assert_eq!(
            err,
            Err(SensitivityError::InvalidDistribution {
                name: "y".to_string(),
                reason: "lower bound 2 must be less than upper bound 1".to_string()
            })
        );
        assert_eq!(
            err.map_err(|e| e.to_string()),
            Err("input \"y\": lower bound 2 must be less than upper bound 1".to_string())
        );
        assert!(matches!(
            Problem::uniform(&[("x", f64::NAN, 1.0)]),
            Err(SensitivityError::InvalidDistribution { .. })
        ));
        assert_eq!(
            Problem::new(vec!["x".into()], vec![]),
            Err(SensitivityError::NameCount {
                names: 1,
                distributions: 0
            })
        );
        let p = Problem::uniform(&[("x", 0.0, 1.0), ("y", -1.0, 1.0)]);
        assert_eq!(p.as_ref().map(|p| p.dims()), Ok(2));
        assert_eq!(
            p.map(|p| p.names().to_vec()),
            Ok(vec!["x".to_string(), "y".to_string()])
        );
    }

    #[test]
    fn finite_edges() {
        let p = Problem::new(
            vec!["u".into(), "n".into()],
            vec![
                Distribution::Uniform {
                    low: 0.0,
                    high: 1.0,
                },
                Distribution::Normal { mean: 0.0, sd: 1.0 },
            ],
        );
        let p = p.unwrap_or_else(|e| panic!("{e}"));
        assert!(p.check_finite_at(0.5, "").is_ok());
        assert!(matches!(
            p.check_finite_at(0.0, "hint"),
            Err(SensitivityError::UnboundedAtEdge { ref name, .. }) if name == "n"
        ));
    }
}
