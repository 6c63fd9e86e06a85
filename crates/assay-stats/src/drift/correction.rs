//! Multiple-testing corrections of the p-values of a drift suite (one test per column).

/// A p-value that is not a number in `[0, 1]` (NaN included).
///
/// The corrections reject such inputs rather than skip them, as scipy's
/// `false_discovery_control` does: a missing p-value silently left out of `m` would make every
/// other adjusted p-value too small. Callers drop the tests that produced no p-value first and
/// correct over the rest.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("p-value {value} at position {index} is not a number in [0, 1]")]
pub struct InvalidPValue {
    /// Position in the input.
    pub index: usize,
    /// The offending value.
    pub value: f64,
}

fn validate(p: &[f64]) -> Result<(), InvalidPValue> {
    match p.iter().position(|v| !(0.0..=1.0).contains(v)) {
        Some(index) => Err(InvalidPValue {
            index,
            value: p[index],
        }),
        None => Ok(()),
    }
}

/// Bonferroni-adjusted p-values `min(1, p · m)` for `m` tests, in input order (empty in, empty
/// out). Controls the family-wise error rate. Errors on a p-value outside `[0, 1]` or NaN.
///
/// Reference: `statsmodels.stats.multitest.multipletests(p, method="bonferroni")[1]`,
/// recomputed as `numpy.minimum(1, p * m)` (numpy 2.4.6); parity `1e-15` relative.
pub fn bonferroni(p: &[f64]) -> Result<Vec<f64>, InvalidPValue> {
    validate(p)?;
    let m = p.len() as f64;
    Ok(p.iter().map(|v| (v * m).min(1.0)).collect())
}

/// Benjamini–Hochberg adjusted p-values (false discovery rate), in input order: with the
/// p-values sorted ascending, `p_(i) · m / i`, made monotone by a running minimum from the
/// largest down, capped at 1. Tied p-values get equal adjusted values; with fewer than two
/// p-values they are returned unchanged (as scipy). Errors on a p-value outside `[0, 1]` or
/// NaN, as scipy raises.
///
/// Reference: `scipy.stats.false_discovery_control(p, method="bh")` (scipy 1.17.1); parity
/// `1e-15` relative (same float operations).
pub fn benjamini_hochberg(p: &[f64]) -> Result<Vec<f64>, InvalidPValue> {
    validate(p)?;
    let m = p.len();
    if m < 2 {
        return Ok(p.to_vec());
    }
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|a, b| p[*a].total_cmp(&p[*b]));
    let mut adjusted = vec![0.0; m];
    let mut running = f64::INFINITY;
    for (rank, &i) in order.iter().enumerate().rev() {
        let scaled = p[i] * (m as f64 / (rank + 1) as f64);
        running = running.min(scaled);
        adjusted[i] = running.clamp(0.0, 1.0);
    }
    Ok(adjusted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_invalid_p_values() {
        for bad in [f64::NAN, -0.1, 1.5, f64::INFINITY] {
            let p = [0.2, bad];
            let err = InvalidPValue {
                index: 1,
                value: bad,
            };
            // NaN != NaN, so compare the message.
            assert_eq!(
                bonferroni(&p).unwrap_err().to_string(),
                err.to_string(),
                "{bad}"
            );
            assert_eq!(
                benjamini_hochberg(&p).unwrap_err().to_string(),
                err.to_string()
            );
        }
        assert_eq!(
            benjamini_hochberg(&[f64::NAN]).unwrap_err().to_string(),
            "p-value NaN at position 0 is not a number in [0, 1]"
        );
    }

    #[test]
    fn empty_and_single_inputs() {
        assert_eq!(bonferroni(&[]), Ok(vec![]));
        assert_eq!(benjamini_hochberg(&[]), Ok(vec![]));
        assert_eq!(bonferroni(&[0.3]), Ok(vec![0.3]));
        assert_eq!(benjamini_hochberg(&[0.3]), Ok(vec![0.3]));
    }

    #[test]
    fn matches_scipy_doc_example() {
        // scipy.stats.false_discovery_control([0.5, 0.6, 0.1, 0.001]) = [0.6, 0.6, 0.2, 0.004]
        let adj = benjamini_hochberg(&[0.5, 0.6, 0.1, 0.001]).unwrap();
        let want = [0.6, 0.6, 0.2, 0.004];
        for (a, w) in adj.iter().zip(want) {
            assert!((a - w).abs() < 1e-15, "{adj:?}");
        }
        assert_eq!(
            bonferroni(&[0.5, 0.6, 0.1, 0.001]).unwrap(),
            vec![1.0, 1.0, 0.4, 0.004]
        );
    }

    #[test]
    fn ties_get_equal_values() {
        let adj = benjamini_hochberg(&[0.04, 0.01, 0.04, 0.01]).unwrap();
        assert_eq!(adj[1], adj[3]);
        assert_eq!(adj[0], adj[2]);
        assert!((adj[1] - 0.02).abs() < 1e-15);
        assert!((adj[0] - 0.04).abs() < 1e-15);
    }
}
