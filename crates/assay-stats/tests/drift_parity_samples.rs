//! Parity of the sample-based drift tests with scipy.
//!
//! The fixtures (`tests/fixtures/drift_samples.json`) are written by
//! `scripts/gen_drift_sample_fixtures.py` from scipy 1.17.1: explicit samples and scipy's
//! results for `ks_2samp`, `cramervonmises_2samp`, `anderson_ksamp(midrank)`, `mannwhitneyu`,
//! `wasserstein_distance` and `energy_distance` (null where scipy rejects the input). Every
//! case is checked; a failure lists every case and method out of tolerance.

use assay_stats::drift::{
    anderson_ksamp, cramer_von_mises_2samp, energy_distance, ks_2samp, mann_whitney_u, wasserstein,
    Empirical, TestOutcome,
};
use serde_json::Value;

/// `|got - want| <= abs + rel * |want|`.
#[derive(Debug, Clone, Copy)]
struct Tol {
    rel: f64,
    abs: f64,
}

const KS_STAT: Tol = Tol {
    rel: 1e-12,
    abs: 0.0,
};
const KS_P: Tol = Tol {
    rel: 1e-10,
    abs: 1e-300,
};
/// Plus `1e-14 * nm / (n + m)` absolute, added per case: scipy sums `U` in floating point and
/// `U / (nm(n+m))` cancels against `(4nm - 1) / (6(n+m))`, which costs it ~1e-15 nm/(n+m) of
/// absolute error (1.7e-12 relative at 12000 vs 11000); assay's sums are exact integers.
const CVM_STAT: Tol = Tol {
    rel: 1e-12,
    abs: 1e-15,
};
const CVM_P_EXACT: Tol = Tol {
    rel: 1e-12,
    abs: 0.0,
};
const CVM_P_ASYMPTOTIC: Tol = Tol {
    rel: 1e-10,
    abs: 1e-13,
};
const AD_STAT: Tol = Tol {
    rel: 1e-10,
    abs: 1e-12,
};
const AD_P: Tol = Tol {
    rel: 1e-10,
    abs: 0.0,
};
const MWU_STAT: Tol = Tol {
    rel: 1e-12,
    abs: 0.0,
};
const MWU_P: Tol = Tol {
    rel: 1e-10,
    abs: 1e-300,
};
const DISTANCE: Tol = Tol {
    rel: 1e-12,
    abs: 1e-15,
};

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/drift_samples.json"
    );
    let text = std::fs::read_to_string(path).expect("fixture file present");
    serde_json::from_str(&text).expect("fixture is valid JSON")
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array of numbers")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn sample(v: &Value) -> Empirical {
    Empirical::from_values(floats(v))
}

fn cases(fx: &Value, key: &str) -> Vec<Value> {
    fx[key].as_array().expect("case list").clone()
}

/// Records the largest relative error seen per check, for the report printed by the tests.
#[derive(Default)]
struct Report {
    failures: Vec<String>,
    worst: Vec<(String, f64, f64)>,
}

impl Report {
    fn value(&mut self, what: &str, case: &str, got: f64, want: f64, tol: Tol) {
        let err = (got - want).abs();
        let rel = if want != 0.0 { err / want.abs() } else { err };
        match self.worst.iter_mut().find(|(w, _, _)| w == what) {
            Some((_, r, a)) => {
                *r = r.max(rel);
                *a = a.max(err);
            }
            None => self.worst.push((what.to_string(), rel, err)),
        }
        // NaN must fail too, hence the positive comparison.
        let within = err <= tol.abs + tol.rel * want.abs();
        if !within {
            self.failures.push(format!(
                "{case} / {what}: got {got:e}, scipy {want:e} (|diff| {err:e})"
            ));
        }
    }

    fn outcome(
        &mut self,
        method: &str,
        case: &str,
        got: Option<TestOutcome>,
        want: &Value,
        stat: Tol,
        p: Tol,
    ) {
        match (got, want.is_null()) {
            (None, true) => {}
            (Some(g), true) => self.failures.push(format!(
                "{case} / {method}: got {g:?}, scipy rejects the input"
            )),
            (None, false) => self
                .failures
                .push(format!("{case} / {method}: got None, scipy {want}")),
            (Some(g), false) => {
                let ws = want["statistic"].as_f64().expect("statistic");
                let wp = want["pvalue"].as_f64().expect("pvalue");
                self.value(&format!("{method}.statistic"), case, g.statistic, ws, stat);
                self.value(
                    &format!("{method}.pvalue[{}]", g.p_method),
                    case,
                    g.p_value,
                    wp,
                    p,
                );
                let wm = want["method"].as_str().expect("method");
                if g.p_method != wm {
                    self.failures.push(format!(
                        "{case} / {method}: p_method {}, scipy {wm}",
                        g.p_method
                    ));
                }
            }
        }
    }

    fn finish(self, test: &str) {
        for (what, rel, abs) in &self.worst {
            eprintln!("{test}: worst error {what}: {rel:.3e} relative, {abs:.3e} absolute");
        }
        assert!(
            self.failures.is_empty(),
            "{test}: {} mismatches:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
    }
}

#[test]
fn fixture_records_the_reference_versions() {
    let fx = fixture();
    assert_eq!(fx["versions"]["scipy"], "1.17.1");
    assert_eq!(fx["versions"]["numpy"], "2.4.6");
    assert!(cases(&fx, "cases").len() >= 30);
}

#[test]
fn ks_2samp_matches_scipy() {
    let fx = fixture();
    let mut r = Report::default();
    for c in cases(&fx, "cases") {
        let name = c["name"].as_str().unwrap_or("?");
        let got = ks_2samp(&sample(&c["x"]), &sample(&c["y"]));
        r.outcome("ks_2samp", name, got, &c["ks_2samp"], KS_STAT, KS_P);
    }
    r.finish("ks_2samp");
}

#[test]
fn cramervonmises_2samp_matches_scipy() {
    let fx = fixture();
    let mut r = Report::default();
    for c in cases(&fx, "cases") {
        let name = c["name"].as_str().unwrap_or("?");
        let want = &c["cramervonmises_2samp"];
        let p_tol = if want["method"] == "exact" {
            CVM_P_EXACT
        } else {
            CVM_P_ASYMPTOTIC
        };
        let (x, y) = (sample(&c["x"]), sample(&c["y"]));
        let scale = (x.total() * y.total() / (x.total() + y.total())).max(1.0);
        let stat_tol = Tol {
            rel: CVM_STAT.rel,
            abs: CVM_STAT.abs + 1e-14 * scale,
        };
        let got = cramer_von_mises_2samp(&x, &y);
        r.outcome("cramervonmises_2samp", name, got, want, stat_tol, p_tol);
    }
    r.finish("cramervonmises_2samp");
}

#[test]
fn anderson_ksamp_matches_scipy() {
    let fx = fixture();
    let mut r = Report::default();
    for c in cases(&fx, "cases") {
        let name = c["name"].as_str().unwrap_or("?");
        let (x, y) = (sample(&c["x"]), sample(&c["y"]));
        r.outcome(
            "anderson_ksamp",
            name,
            anderson_ksamp(&[&x, &y]),
            &c["anderson_ksamp"],
            AD_STAT,
            AD_P,
        );
    }
    for c in cases(&fx, "anderson_ksamp_cases") {
        let name = c["name"].as_str().unwrap_or("?");
        let samples: Vec<Empirical> = c["samples"]
            .as_array()
            .expect("samples")
            .iter()
            .map(sample)
            .collect();
        let refs: Vec<&Empirical> = samples.iter().collect();
        r.outcome(
            "anderson_ksamp",
            name,
            anderson_ksamp(&refs),
            &c["anderson_ksamp"],
            AD_STAT,
            AD_P,
        );
    }
    r.finish("anderson_ksamp");
}

#[test]
fn mannwhitneyu_matches_scipy() {
    let fx = fixture();
    let mut r = Report::default();
    for c in cases(&fx, "cases") {
        let name = c["name"].as_str().unwrap_or("?");
        let got = mann_whitney_u(&sample(&c["x"]), &sample(&c["y"]));
        r.outcome(
            "mannwhitneyu",
            name,
            got,
            &c["mannwhitneyu"],
            MWU_STAT,
            MWU_P,
        );
    }
    r.finish("mannwhitneyu");
}

#[test]
fn distances_match_scipy() {
    let fx = fixture();
    let mut r = Report::default();
    for c in cases(&fx, "cases") {
        let name = c["name"].as_str().unwrap_or("?");
        let (x, y) = (sample(&c["x"]), sample(&c["y"]));
        let (w, e) = (wasserstein(&x, &y), energy_distance(&x, &y));
        let (ww, we) = (
            c["wasserstein_distance"].as_f64(),
            c["energy_distance"].as_f64(),
        );
        match (w, ww) {
            (Some(g), Some(want)) => r.value("wasserstein_distance", name, g, want, DISTANCE),
            _ => r.failures.push(format!(
                "{name} / wasserstein_distance: got {w:?}, scipy {ww:?}"
            )),
        }
        match (e, we) {
            (Some(g), Some(want)) => r.value("energy_distance", name, g, want, DISTANCE),
            _ => r
                .failures
                .push(format!("{name} / energy_distance: got {e:?}, scipy {we:?}")),
        }
    }
    for c in cases(&fx, "weighted_distance_cases") {
        let name = c["name"].as_str().unwrap_or("?");
        let weighted = |values: &str, weights: &str| {
            Empirical::from_weighted(floats(&c[values]).into_iter().zip(floats(&c[weights])))
        };
        let (u, v) = (
            weighted("u_values", "u_weights"),
            weighted("v_values", "v_weights"),
        );
        let want_w = c["wasserstein_distance"].as_f64().expect("wasserstein");
        let want_e = c["energy_distance"].as_f64().expect("energy");
        match (wasserstein(&u, &v), energy_distance(&u, &v)) {
            (Some(w), Some(e)) => {
                r.value("wasserstein_distance[weighted]", name, w, want_w, DISTANCE);
                r.value("energy_distance[weighted]", name, e, want_e, DISTANCE);
            }
            other => r.failures.push(format!("{name}: got {other:?}")),
        }
    }
    r.finish("distances");
}

/// Fractional weights: multiplying every weight by 0.5 (a distribution as recovered from a
/// sketch) leaves the KS statistic and the Wasserstein distance unchanged, on every case.
#[test]
fn halved_weights_keep_ks_statistic_and_wasserstein() {
    let fx = fixture();
    let halve = |e: &Empirical| {
        Empirical::from_weighted(
            e.values()
                .iter()
                .zip(e.weights())
                .map(|(v, w)| (*v, w * 0.5)),
        )
    };
    let mut checked = 0;
    for c in cases(&fx, "cases") {
        let name = c["name"].as_str().unwrap_or("?");
        let (x, y) = (sample(&c["x"]), sample(&c["y"]));
        let (hx, hy) = (halve(&x), halve(&y));
        assert_eq!(hx.total(), x.total() / 2.0, "{name}");
        let full = ks_2samp(&x, &y).expect("non-empty");
        let half = ks_2samp(&hx, &hy).expect("non-empty");
        // Exact counts report scipy's lattice value h / lcm(n1, n2), fractional weights the
        // weighted sup |F1 - F2|: the same number up to rounding.
        assert!(
            (full.statistic - half.statistic).abs() <= 1e-15,
            "{name}: KS {} vs {} with halved weights",
            full.statistic,
            half.statistic
        );
        assert_eq!(
            wasserstein(&x, &y),
            wasserstein(&hx, &hy),
            "{name}: wasserstein"
        );
        assert!(
            (0.0..=1.0).contains(&half.p_value),
            "{name}: p {}",
            half.p_value
        );
        checked += 1;
    }
    assert!(checked >= 30);
}
