//! The target of the training rows, checked and made dense for the ML crate.

use super::{LearnError, TrainTarget};

/// The training rows' target.
#[derive(Debug, Clone)]
pub(crate) enum Prepared {
    /// Classification.
    Classes {
        /// Per training row, the index of its class in `present`.
        labels: Vec<u32>,
        /// The class codes present in the training rows, ascending.
        present: Vec<u32>,
        /// All classes of the target (the probability matrix's width).
        classes: usize,
    },
    /// Regression: per training row, its value.
    Values(Vec<f64>),
}

/// Reads the target of `rows` (already checked to be in range): every class code must be below
/// `classes`, every value finite.
pub(crate) fn prepare(target: &TrainTarget, rows: &[u32]) -> Result<Prepared, LearnError> {
    match *target {
        TrainTarget::Classes { codes, classes } => {
            if classes == 0 {
                return Err(LearnError::NoClasses);
            }
            let mut seen = vec![false; classes];
            let mut raw = Vec::with_capacity(rows.len());
            for &row in rows {
                let code = codes.get(row as usize).copied().unwrap_or(u32::MAX);
                let reason = if code == u32::MAX {
                    "the class is missing".to_string()
                } else {
                    format!("class code {code} is out of range ({classes} classes)")
                };
                let slot = seen
                    .get_mut(code as usize)
                    .ok_or(LearnError::Target { row, reason })?;
                *slot = true;
                raw.push(code);
            }
            let present: Vec<u32> = (0..classes)
                .filter(|&c| seen[c])
                .map(|c| c as u32)
                .collect();
            let mut compact = vec![0u32; classes];
            for (i, &c) in present.iter().enumerate() {
                compact[c as usize] = i as u32;
            }
            let labels = raw.iter().map(|&c| compact[c as usize]).collect();
            Ok(Prepared::Classes {
                labels,
                present,
                classes,
            })
        }
        TrainTarget::Values(values) => {
            let mut out = Vec::with_capacity(rows.len());
            for &row in rows {
                let v = values.get(row as usize).copied().unwrap_or(f64::NAN);
                if !v.is_finite() {
                    return Err(LearnError::Target {
                        row,
                        reason: format!("value {v} is not finite"),
                    });
                }
                out.push(v);
            }
            Ok(Prepared::Values(out))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_compacted_to_the_present_ones() {
        let codes = [3, 1, 3, 0, 1];
        let target = TrainTarget::Classes {
            codes: &codes,
            classes: 5,
        };
        let Prepared::Classes {
            labels,
            present,
            classes,
        } = prepare(&target, &[0, 1, 2, 4]).unwrap()
        else {
            panic!("expected classes")
        };
        assert_eq!(present, vec![1, 3]);
        assert_eq!(labels, vec![1, 0, 1, 0]);
        assert_eq!(classes, 5);
    }

    #[test]
    fn bad_targets_name_the_row() {
        let codes = [0, u32::MAX, 9];
        let target = TrainTarget::Classes {
            codes: &codes,
            classes: 2,
        };
        assert_eq!(
            prepare(&target, &[0, 1]).unwrap_err().to_string(),
            "target, row 1: the class is missing"
        );
        assert_eq!(
            prepare(&target, &[2]).unwrap_err().to_string(),
            "target, row 2: class code 9 is out of range (2 classes)"
        );
        let none = TrainTarget::Classes {
            codes: &codes,
            classes: 0,
        };
        assert!(matches!(prepare(&none, &[0]), Err(LearnError::NoClasses)));
        let values = [1.0, f64::INFINITY];
        let err = prepare(&TrainTarget::Values(&values), &[0, 1]).unwrap_err();
        assert_eq!(err.to_string(), "target, row 1: value inf is not finite");
        let Prepared::Values(v) = prepare(&TrainTarget::Values(&values), &[0]).unwrap() else {
            panic!("expected values")
        };
        assert_eq!(v, vec![1.0]);
    }
}
