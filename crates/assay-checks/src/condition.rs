//! Conditions: turn a measured value into a verdict.
//!
//! Syntax: `OP BOUND` where OP is one of `<=`, `<`, `>=`, `>`, `==`, `!=` and BOUND is a number
//! or an expression of the reference's value: `reference`, `reference * 1.1`,
//! `reference * 1.1 + 0.01`, `reference - 0.05`. Examples: `"<= 0.05"`,
//! `"<= reference * 1.1 + 0.01"`, `">= 0.8"`, `"== 0"`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// `<=`
    Le,
    /// `<`
    Lt,
    /// `>=`
    Ge,
    /// `>`
    Gt,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl Op {
    fn symbol(&self) -> &'static str {
        match self {
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::Eq => "==",
            Op::Ne => "!=",
        }
    }

    fn holds(&self, value: f64, bound: f64) -> bool {
        // Equality tolerates floating-point noise of the computation.
        let tol = 1e-12 * bound.abs().max(1.0);
        match self {
            Op::Le => value <= bound + tol,
            Op::Lt => value < bound,
            Op::Ge => value >= bound - tol,
            Op::Gt => value > bound,
            Op::Eq => (value - bound).abs() <= tol,
            Op::Ne => (value - bound).abs() > tol,
        }
    }
}

/// The right-hand side of a condition.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Bound {
    /// A fixed number.
    Absolute(f64),
    /// `reference × factor + offset`.
    Relative {
        /// Multiplier of the reference value.
        factor: f64,
        /// Added after multiplying.
        offset: f64,
    },
}

/// A parsed condition.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    /// Operator.
    pub op: Op,
    /// Bound.
    pub bound: Bound,
}

/// Outcome of evaluating a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Evaluated: whether it held, and the resolved bound.
    Evaluated {
        /// The condition held.
        holds: bool,
        /// The numeric bound compared with.
        threshold: f64,
    },
    /// A relative condition without a reference value.
    NeedsReference,
}

impl Condition {
    /// `value <= bound`.
    pub fn at_most(bound: f64) -> Self {
        Self {
            op: Op::Le,
            bound: Bound::Absolute(bound),
        }
    }

    /// `value >= bound`.
    pub fn at_least(bound: f64) -> Self {
        Self {
            op: Op::Ge,
            bound: Bound::Absolute(bound),
        }
    }

    /// `value > bound`.
    pub fn greater_than(bound: f64) -> Self {
        Self {
            op: Op::Gt,
            bound: Bound::Absolute(bound),
        }
    }

    /// `value < bound`.
    pub fn less_than(bound: f64) -> Self {
        Self {
            op: Op::Lt,
            bound: Bound::Absolute(bound),
        }
    }

    /// `value == bound`.
    pub fn equals(bound: f64) -> Self {
        Self {
            op: Op::Eq,
            bound: Bound::Absolute(bound),
        }
    }

    /// `value <= reference × factor + offset`.
    pub fn at_most_reference(factor: f64, offset: f64) -> Self {
        Self {
            op: Op::Le,
            bound: Bound::Relative { factor, offset },
        }
    }

    /// True when the bound uses the reference.
    pub fn is_relative(&self) -> bool {
        matches!(self.bound, Bound::Relative { .. })
    }

    /// Evaluates against `value`, resolving a relative bound with `reference`.
    pub fn evaluate(&self, value: f64, reference: Option<f64>) -> Verdict {
        let threshold = match self.bound {
            Bound::Absolute(b) => b,
            Bound::Relative { factor, offset } => match reference {
                Some(r) => r * factor + offset,
                None => return Verdict::NeedsReference,
            },
        };
        Verdict::Evaluated {
            holds: !value.is_nan() && self.op.holds(value, threshold),
            threshold,
        }
    }

    /// Parses `OP BOUND`; the error says what was expected.
    pub fn parse(text: &str) -> Result<Condition, String> {
        let t = text.trim();
        if let Some(bad) = ["=<", "=>", "<<", ">>", "<>", "=!"]
            .iter()
            .find(|b| t.starts_with(*b))
        {
            return Err(format!(
                "condition {text:?}: unknown operator `{bad}` (use <=, <, >=, >, == or !=)"
            ));
        }
        if t.ends_with('%') {
            return Err(format!(
                "condition {text:?}: write shares as fractions (5% is 0.05)"
            ));
        }
        let (op, rest) = [
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<", Op::Lt),
            (">", Op::Gt),
            ("=", Op::Eq),
        ]
        .iter()
        .find_map(|(s, op)| t.strip_prefix(s).map(|r| (*op, r.trim())))
        .ok_or_else(|| format!("condition {text:?} must start with <=, <, >=, >, == or !="))?;
        let bound = parse_bound(rest).ok_or_else(|| {
            format!("condition {text:?}: expected a number or `reference [* FACTOR] [+|- OFFSET]` after the operator")
        })?;
        Ok(Condition { op, bound })
    }
}

fn parse_bound(s: &str) -> Option<Bound> {
    if let Ok(v) = s.parse::<f64>() {
        return v.is_finite().then_some(Bound::Absolute(v));
    }
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let rest = compact.strip_prefix("reference")?;
    let (factor, rest) = if let Some(r) = rest.strip_prefix('*') {
        let end = r.find(['+', '-']).filter(|i| *i > 0).unwrap_or(r.len());
        (r[..end].parse::<f64>().ok()?, &r[end..])
    } else {
        (1.0, rest)
    };
    let offset = if rest.is_empty() {
        0.0
    } else if let Some(r) = rest.strip_prefix('+') {
        r.parse::<f64>().ok()?
    } else if let Some(r) = rest.strip_prefix('-') {
        -r.parse::<f64>().ok()?
    } else {
        return None;
    };
    (factor.is_finite() && offset.is_finite()).then_some(Bound::Relative { factor, offset })
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.bound {
            Bound::Absolute(b) if b.is_infinite() && matches!(self.op, Op::Gt | Op::Lt) => {
                write!(f, "informational (always passes)")
            }
            Bound::Absolute(b) => write!(f, "value {} {}", self.op.symbol(), b),
            Bound::Relative { factor, offset } => {
                write!(f, "value {} reference", self.op.symbol())?;
                if factor != 1.0 {
                    write!(f, " × {factor}")?;
                }
                if offset > 0.0 {
                    write!(f, " + {offset}")?;
                } else if offset < 0.0 {
                    write!(f, " − {}", -offset)?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_absolute_and_relative() {
        assert_eq!(
            Condition::parse("<= 0.05").unwrap(),
            Condition::at_most(0.05)
        );
        assert_eq!(Condition::parse(">=0.8").unwrap(), Condition::at_least(0.8));
        assert_eq!(Condition::parse("== 0").unwrap(), Condition::equals(0.0));
        assert_eq!(
            Condition::parse("<= reference * 1.1 + 0.01").unwrap(),
            Condition::at_most_reference(1.1, 0.01)
        );
        assert_eq!(
            Condition::parse("< reference - 0.5").unwrap().bound,
            Bound::Relative {
                factor: 1.0,
                offset: -0.5
            }
        );
        assert!(Condition::parse("0.05").is_err());
        assert!(Condition::parse("<= lots").is_err());
        assert!(Condition::parse("<= reference * x").is_err());
        assert!(Condition::parse("<= NaN").is_err());
        assert!(Condition::parse("=< 3")
            .unwrap_err()
            .contains("unknown operator `=<`"));
        assert!(Condition::parse("<= 5%").unwrap_err().contains("0.05"));
    }

    #[test]
    fn evaluates() {
        let c = Condition::at_most_reference(1.1, 0.01);
        assert_eq!(c.evaluate(0.05, None), Verdict::NeedsReference);
        match c.evaluate(0.12, Some(0.1)) {
            Verdict::Evaluated { holds, threshold } => {
                assert!(holds);
                assert!((threshold - 0.12).abs() < 1e-12);
            }
            other => panic!("{other:?}"),
        }
        match Condition::at_most(0.0).evaluate(f64::NAN, None) {
            Verdict::Evaluated { holds, .. } => assert!(!holds),
            other => panic!("{other:?}"),
        }
        assert_eq!(c.to_string(), "value <= reference × 1.1 + 0.01");
    }
}
