//! Pearson's chi-square test of homogeneity and Cramér's V on the 2×k contingency table of
//! reference and current counts (categories or bins).

use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::TestOutcome;

/// Result of [`chi_square`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChiSquare {
    /// Pearson's chi-square statistic (after Yates' correction when it applied).
    pub statistic: f64,
    /// Upper-tail p-value of the chi-square distribution with `dof` degrees of freedom.
    pub p_value: f64,
    /// Degrees of freedom, `k − 1` for `k` categories non-empty in at least one sample.
    pub dof: usize,
    /// Whether Yates' continuity correction was applied (requested and `dof == 1`).
    pub yates_applied: bool,
}

impl From<ChiSquare> for TestOutcome {
    fn from(c: ChiSquare) -> Self {
        TestOutcome {
            statistic: c.statistic,
            p_value: c.p_value,
            p_method: "asymptotic",
        }
    }
}

/// The 2×k table with categories empty in both rows removed, as `(reference, current, totals)`,
/// or `None` if the rows differ in length, a count is negative or not finite, or a row sums to
/// zero.
fn table(reference: &[f64], current: &[f64]) -> Option<(Vec<f64>, Vec<f64>, f64, f64)> {
    if reference.len() != current.len() {
        return None;
    }
    let valid = |c: &f64| c.is_finite() && *c >= 0.0;
    if !reference.iter().all(valid) || !current.iter().all(valid) {
        return None;
    }
    let (r, c): (Vec<f64>, Vec<f64>) = reference
        .iter()
        .zip(current)
        .filter(|(r, c)| **r > 0.0 || **c > 0.0)
        .map(|(r, c)| (*r, *c))
        .unzip();
    let (rt, ct): (f64, f64) = (r.iter().sum(), c.iter().sum());
    if !(rt > 0.0 && ct > 0.0 && rt.is_finite() && ct.is_finite()) {
        return None;
    }
    Some((r, c, rt, ct))
}

/// Pearson's chi-square test that the reference and current counts come from the same
/// categorical distribution, on the 2×k table `[reference, current]`.
///
/// Categories empty in both samples are removed first (their expected count is 0, where scipy
/// raises); `dof = k − 1` over the remaining ones. With a single remaining category the
/// distributions are identical: statistic 0, p-value 1, `dof` 0 (as scipy). When `yates` is set,
/// Yates' continuity correction applies only if `dof == 1` (2×2 tables), as in scipy, each
/// observed count moving towards its expected one by `min(0.5, |expected − observed|)`.
/// `None` if the rows differ in length, a count is negative or not finite, or a sample is
/// empty (a row total of 0). Counts may be fractional.
///
/// Reference: `scipy.stats.chi2_contingency(numpy.array([reference, current]),
/// correction=yates)` (scipy 1.17.1); parity `1e-12` relative on the statistic, `1e-9`
/// relative on the p-value (statrs' regularized incomplete gamma), exact `dof`.
pub fn chi_square(reference: &[f64], current: &[f64], yates: bool) -> Option<ChiSquare> {
    let (r, c, rt, ct) = table(reference, current)?;
    let k = r.len();
    if k < 2 {
        return Some(ChiSquare {
            statistic: 0.0,
            p_value: 1.0,
            dof: 0,
            yates_applied: false,
        });
    }
    let dof = k - 1;
    let yates_applied = yates && dof == 1;
    let n = rt + ct;
    let term = |observed: f64, expected: f64| {
        let observed = if yates_applied {
            let diff = expected - observed;
            observed + diff.abs().min(0.5) * diff.signum()
        } else {
            observed
        };
        let d = observed - expected;
        d * d / expected
    };
    // Row-major like scipy: the reference row, then the current row.
    let mut statistic = 0.0;
    for (row, total) in [(&r, rt), (&c, ct)] {
        for (j, observed) in row.iter().enumerate() {
            let column = r[j] + c[j];
            statistic += term(*observed, total * column / n);
        }
    }
    let p_value = ChiSquared::new(dof as f64).ok()?.sf(statistic);
    Some(ChiSquare {
        statistic,
        p_value,
        dof,
        yates_applied,
    })
}

/// Cramér's V of the 2×k table `[reference, current]`: `sqrt(χ² / (n · min(k − 1, 1)))`
/// with the uncorrected Pearson χ² of [`chi_square`] and `n` the grand total, in `[0, 1]`.
/// No bias correction (Bergsma's) is applied, as in scipy.
///
/// Categories empty in both samples are removed first (as in [`chi_square`]); with a single
/// remaining category the distributions are identical and V is `0` (scipy divides 0 by 0 and
/// returns NaN). `None` when [`chi_square`] is.
///
/// Reference: `scipy.stats.contingency.association(table, method="cramer")` (scipy 1.17.1);
/// parity `1e-12` relative.
pub fn cramers_v(reference: &[f64], current: &[f64]) -> Option<f64> {
    let (_, _, rt, ct) = table(reference, current)?;
    let chi = chi_square(reference, current, false)?;
    if chi.dof == 0 {
        return Some(0.0);
    }
    // min(k − 1, rows − 1) with 2 rows and k >= 2.
    Some((chi.statistic / (rt + ct)).sqrt().min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unusable_tables_give_none() {
        assert_eq!(chi_square(&[1.0, 2.0], &[1.0], false), None);
        assert_eq!(chi_square(&[0.0, 0.0], &[1.0, 2.0], false), None);
        assert_eq!(chi_square(&[1.0, 2.0], &[0.0, 0.0], true), None);
        assert_eq!(chi_square(&[], &[], false), None);
        assert_eq!(chi_square(&[1.0, -2.0], &[1.0, 2.0], false), None);
        assert_eq!(chi_square(&[1.0, f64::INFINITY], &[1.0, 2.0], false), None);
        assert_eq!(cramers_v(&[0.0], &[0.0]), None);
    }

    #[test]
    fn single_category_is_no_evidence() {
        let chi = chi_square(&[5.0, 0.0], &[3.0, 0.0], true).unwrap();
        assert_eq!(
            chi,
            ChiSquare {
                statistic: 0.0,
                p_value: 1.0,
                dof: 0,
                yates_applied: false
            }
        );
        assert_eq!(cramers_v(&[5.0, 0.0], &[3.0, 0.0]), Some(0.0));
    }

    /// The `contingency` cases of `tests/fixtures/reference_values.json`, written by
    /// `scripts/gen_reference_fixtures.py` (scipy 1.17.1 `chi2_contingency` and
    /// `contingency.association(method="cramer")`; versions recorded in the file).
    fn scipy_case(name: &str) -> serde_json::Value {
        crate::reference_fixture::case("contingency", name)
    }

    fn counts(v: &serde_json::Value) -> Vec<f64> {
        v.as_array()
            .expect("array of counts")
            .iter()
            .map(|x| x.as_f64().expect("count"))
            .collect()
    }

    fn number(v: &serde_json::Value) -> f64 {
        v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
    }

    /// Chi-square statistic against scipy: the same sums in the same (row-major) order.
    const STATISTIC_TOL: f64 = 1e-12;
    /// p-value against scipy (statrs' regularized incomplete gamma vs scipy's chdtrc); as
    /// tight as the hand-copied check this replaces (1e-13 absolute at p = 0.04).
    const P_TOL: f64 = 1e-12;
    /// Cramér's V: a square root of the statistic over n.
    const V_TOL: f64 = 1e-13;

    /// `|got - want| <= tol * max(|want|, 1e-300)`.
    fn assert_rel(got: f64, want: f64, tol: f64, what: &str) {
        assert!(
            (got - want).abs() <= tol * want.abs().max(1e-300),
            "{what}: assay {got}, scipy {want} (relative tolerance {tol})"
        );
    }

    /// chi_square (with and without Yates) and cramers_v of one fixture case against scipy.
    fn check_against_scipy(name: &str) -> (ChiSquare, ChiSquare) {
        let case = scipy_case(name);
        let (r, c) = (counts(&case["reference"]), counts(&case["current"]));
        let mut out = Vec::new();
        for (key, yates) in [("chi2", false), ("chi2_yates", true)] {
            let want = &case[key];
            let got = chi_square(&r, &c, yates).unwrap();
            let what = format!("{name} {key}");
            assert_rel(
                got.statistic,
                number(&want["statistic"]),
                STATISTIC_TOL,
                &what,
            );
            assert_rel(got.p_value, number(&want["p_value"]), P_TOL, &what);
            assert_eq!(got.dof as u64, want["dof"].as_u64().expect("dof"), "{what}");
            out.push(got);
        }
        let v = cramers_v(&r, &c).unwrap();
        assert_rel(
            v,
            number(&case["cramers_v"]),
            V_TOL,
            &format!("{name} cramers_v"),
        );
        (out[0], out[1])
    }

    #[test]
    fn two_by_two_matches_scipy() {
        // scipy.stats.chi2_contingency([[30, 70], [45, 55]], correction=False / True).
        let (plain, corrected) = check_against_scipy("two_by_two");
        assert!(!plain.yates_applied);
        assert!(corrected.yates_applied);
        // Each |o − e| = 7.5 shrinks to 7: 4 · 49 / e summed = 49 (2/37.5 + 2/62.5), by hand,
        // as a check of the fixture itself.
        let expected = 49.0 * (2.0 / 37.5 + 2.0 / 62.5);
        assert!((corrected.statistic - expected).abs() < 1e-12);
        let outcome = TestOutcome::from(plain);
        assert_eq!(outcome.p_method, "asymptotic");
        assert_eq!(outcome.statistic, plain.statistic);
    }

    #[test]
    fn yates_only_for_one_degree_of_freedom() {
        // scipy.stats.chi2_contingency([[10, 20, 30], [30, 20, 10]]): dof 2, Yates not applied.
        let (b, a) = check_against_scipy("three_categories");
        assert!(!a.yates_applied);
        assert_eq!(a, b);
        assert_eq!(a.dof, 2);
        // Zero-in-both categories are dropped: same table.
        let c = chi_square(&[10.0, 0.0, 20.0, 30.0], &[30.0, 0.0, 20.0, 10.0], false).unwrap();
        assert_eq!(c, b);
    }
}
