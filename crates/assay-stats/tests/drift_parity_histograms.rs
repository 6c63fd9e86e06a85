//! Parity of the histogram-based drift measures with their reference implementations, on the
//! fixtures written by `scripts/gen_drift_histogram_fixtures.py` (numpy 2.4.6, scipy 1.17.1,
//! Evidently 0.7's formulas). Each figure is checked with the tolerance its function documents;
//! a failure names the case and the figure.

use std::f64::consts::E;
use std::path::Path;

use assay_stats::drift::{
    benjamini_hochberg, bin_counts, bin_edges, bonferroni, chi_square, cramers_v, hellinger,
    jensen_shannon, kl_divergence, l_infinity, psi, total_variation, two_proportion_z, Binning,
    Empirical,
};
use serde_json::Value;

/// Distances, divergences, test statistics: relative, absolute below 1.
const VALUE_TOL: f64 = 1e-12;
/// Evidently's Hellinger formula `sqrt(1 − Σ sqrt(pq))` loses up to ~sqrt(eps) to cancellation.
const HELLINGER_EVIDENTLY_TOL: f64 = 1e-7;
/// p-values from statrs' regularized incomplete gamma: relative (absolute below 1e-300).
const P_TOL: f64 = 1e-9;
/// Multiple-testing corrections: same float operations as the reference, relative.
const CORRECTION_TOL: f64 = 1e-15;
/// Bin edges: relative, absolute below 1.
const EDGE_TOL: f64 = 1e-12;

fn fixtures() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/drift_histograms.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad JSON in {}: {e}", path.display()))
}

fn cases(kind: &str) -> Vec<Value> {
    let all = fixtures();
    let cases: Vec<Value> = all["cases"]
        .as_array()
        .expect("cases array")
        .iter()
        .filter(|c| c["kind"] == kind)
        .cloned()
        .collect();
    assert!(!cases.is_empty(), "no {kind} cases in the fixtures");
    cases
}

fn f(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing in {}", v["name"]))
}

fn vec_f(v: &Value, key: &str) -> Vec<f64> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} missing in {}", v["name"]))
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// `|actual − expected| <= tol · max(1, |expected|)`.
fn assert_close(actual: f64, expected: f64, tol: f64, what: &str) {
    let err = (actual - expected).abs();
    assert!(
        err <= tol * expected.abs().max(1.0),
        "{what}: got {actual:e}, expected {expected:e} (error {err:e}, tolerance {tol:e})"
    );
}

/// `|actual − expected| <= tol · |expected|`, with an absolute floor of 1e-300.
fn assert_rel(actual: f64, expected: f64, tol: f64, what: &str) {
    let err = (actual - expected).abs();
    assert!(
        err <= tol * expected.abs() || err <= 1e-300,
        "{what}: got {actual:e}, expected {expected:e} (relative error {:e}, tolerance {tol:e})",
        err / expected.abs()
    );
}

#[test]
fn fixtures_record_versions() {
    let v = &fixtures()["versions"];
    assert_eq!(v["numpy"], "2.4.6");
    assert_eq!(v["scipy"], "1.17.1");
    assert!(v["python"].as_str().is_some_and(|s| s.starts_with("3.")));
}

#[test]
fn histogram_measures_match_reference() {
    for case in cases("histogram") {
        let name = case["name"].as_str().expect("name");
        let r = vec_f(&case, "reference");
        let c = vec_f(&case, "current");
        let what = |m: &str| format!("case {name}: {m}");

        let got = psi(&r, &c).unwrap_or_else(|| panic!("{}", what("psi is None")));
        assert_close(got, f(&case, "psi"), VALUE_TOL, &what("psi"));
        for (base, key) in [(E, "kl_e"), (2.0, "kl_2")] {
            let got = kl_divergence(&r, &c, base).unwrap_or_else(|| panic!("{}", what(key)));
            assert_close(got, f(&case, key), VALUE_TOL, &what(key));
        }
        for (base, key) in [(E, "js_distance_e"), (2.0, "js_distance_2")] {
            let js = jensen_shannon(&r, &c, base).unwrap_or_else(|| panic!("{}", what(key)));
            let expected = f(&case, key);
            assert_close(js.distance, expected, VALUE_TOL, &what(key));
            assert_close(
                js.divergence,
                expected * expected,
                VALUE_TOL,
                &what(&format!("{key} squared")),
            );
        }
        let h = hellinger(&r, &c).unwrap_or_else(|| panic!("{}", what("hellinger")));
        assert_close(h, f(&case, "hellinger"), VALUE_TOL, &what("hellinger"));
        assert_close(
            h,
            f(&case, "hellinger_evidently"),
            HELLINGER_EVIDENTLY_TOL,
            &what("hellinger (Evidently formula)"),
        );
        let tv = total_variation(&r, &c).unwrap_or_else(|| panic!("{}", what("tv")));
        assert_close(
            tv,
            f(&case, "total_variation"),
            VALUE_TOL,
            &what("total_variation"),
        );
        let linf = l_infinity(&r, &c).unwrap_or_else(|| panic!("{}", what("l_infinity")));
        assert_close(linf, f(&case, "l_infinity"), VALUE_TOL, &what("l_infinity"));

        for (yates, key) in [(false, "chi2"), (true, "chi2_yates")] {
            let got = chi_square(&r, &c, yates).unwrap_or_else(|| panic!("{}", what(key)));
            let want = &case[key];
            assert_close(
                got.statistic,
                f(want, "statistic"),
                VALUE_TOL,
                &what(&format!("{key} statistic")),
            );
            assert_rel(
                got.p_value,
                f(want, "p_value"),
                P_TOL,
                &what(&format!("{key} p-value")),
            );
            assert_eq!(
                Some(got.dof as u64),
                want["dof"].as_u64(),
                "{}",
                what(&format!("{key} dof"))
            );
        }
        if case.get("cramers_v").is_some() {
            let v = cramers_v(&r, &c).unwrap_or_else(|| panic!("{}", what("cramers_v")));
            assert_close(v, f(&case, "cramers_v"), VALUE_TOL, &what("cramers_v"));
        }
    }
}

#[test]
fn z_tests_match_reference() {
    for case in cases("z_test") {
        let name = case["name"].as_str().expect("name");
        let got = two_proportion_z(
            f(&case, "ref_successes"),
            f(&case, "ref_n"),
            f(&case, "cur_successes"),
            f(&case, "cur_n"),
        )
        .unwrap_or_else(|| panic!("case {name}: None"));
        assert_close(
            got.statistic,
            f(&case, "statistic"),
            VALUE_TOL,
            &format!("case {name}: statistic"),
        );
        assert_rel(
            got.p_value,
            f(&case, "p_value"),
            P_TOL,
            &format!("case {name}: p-value"),
        );
    }
}

#[test]
fn corrections_match_reference() {
    for case in cases("correction") {
        let name = case["name"].as_str().expect("name");
        let p = vec_f(&case, "p");
        for (key, got) in [
            ("bonferroni", bonferroni(&p)),
            ("bh", benjamini_hochberg(&p)),
        ] {
            let got = got.unwrap_or_else(|e| panic!("case {name}: {key}: {e}"));
            let want = vec_f(&case, key);
            assert_eq!(got.len(), want.len(), "case {name}: {key} length");
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                assert_rel(*g, *w, CORRECTION_TOL, &format!("case {name}: {key}[{i}]"));
            }
        }
    }
}

#[test]
fn binning_matches_numpy() {
    for case in cases("binning") {
        let name = case["name"].as_str().expect("name");
        let reference = Empirical::from_values(vec_f(&case, "reference"));
        let current = Empirical::from_values(vec_f(&case, "current"));
        for rule in case["rules"].as_array().expect("rules") {
            let bins = rule["bins"].as_u64().map(|b| b as usize);
            let binning = Binning::parse(rule["rule"].as_str().expect("rule"), bins)
                .unwrap_or_else(|e| panic!("case {name}: {e}"));
            let what = |m: &str| format!("case {name}, {binning}: {m}");
            let edges = bin_edges(binning, &reference, &current);
            let want = vec_f(rule, "edges");
            assert_eq!(
                edges.len(),
                want.len(),
                "{}: {edges:?} vs {want:?}",
                what("edge count")
            );
            for (i, (g, w)) in edges.iter().zip(&want).enumerate() {
                assert_close(*g, *w, EDGE_TOL, &what(&format!("edge {i}")));
            }
            // Counts on the fixture's own edges, so an edge rounding cannot hide a count bug.
            assert_eq!(
                bin_counts(&want, &reference),
                vec_f(rule, "reference_counts"),
                "{}",
                what("reference counts")
            );
            assert_eq!(
                bin_counts(&want, &current),
                vec_f(rule, "current_counts"),
                "{}",
                what("current counts")
            );
            assert_eq!(
                bin_counts(&edges, &current),
                vec_f(rule, "current_counts"),
                "{}",
                what("current counts on assay's edges")
            );
        }
    }
}
