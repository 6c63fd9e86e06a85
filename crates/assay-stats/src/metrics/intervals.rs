//! Confidence intervals: Wilson score interval of a proportion (statsmodels
//! `proportion_confint(method="wilson")`), DeLong's variance of the ROC AUC and the paired
//! DeLong test (fast algorithm of Sun & Xu 2014, with midranks for ties), and percentile
//! intervals of bootstrap replicates (`numpy.percentile`, linear method).

use std::cmp::Ordering;

use serde::Serialize;

use super::support::finite;
use crate::drift::normal::{erf, erfc, ndtr};

/// A two-sided confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
    /// Confidence level, e.g. 0.95.
    pub confidence: f64,
    /// How the interval was computed (`"wilson"`, `"delong"`, or the name given to
    /// [`percentile_interval`]).
    pub method: &'static str,
}

/// The two-sided critical value `z_{1 − α/2}` for `confidence = 1 − α`, computed as
/// `−Φ⁻¹(α / 2)` (statsmodels' `norm.isf(alpha / 2)`).
fn critical_value(confidence: f64) -> f64 {
    -normal_quantile((1.0 - confidence) / 2.0)
}

/// Wilson score interval of a proportion `successes / n`, as statsmodels
/// `proportion_confint(successes, n, alpha=1 - confidence, method="wilson")`: centre
/// `(p̂ + z²/2n) / (1 + z²/n)`, half-width `z sqrt(p̂(1 − p̂)/n + z²/4n²) / (1 + z²/n)`, clipped
/// to `[0, 1]`. Counts may be fractional (weighted). `None` unless `0 ≤ successes ≤ n`,
/// `n > 0`, both finite, and `0 < confidence < 1`.
pub fn wilson(successes: f64, n: f64, confidence: f64) -> Option<Interval> {
    let valid = n > 0.0
        && n.is_finite()
        && successes >= 0.0
        && successes <= n
        && confidence > 0.0
        && confidence < 1.0;
    if !valid {
        return None;
    }
    let q = successes / n;
    let crit = critical_value(confidence);
    let crit2 = crit * crit;
    let denom = 1.0 + crit2 / n;
    let center = (q + crit2 / (2.0 * n)) / denom;
    let dist = crit * (q * (1.0 - q) / n + crit2 / (4.0 * n * n)).sqrt() / denom;
    Some(Interval {
        low: finite((center - dist).clamp(0.0, 1.0))?,
        high: finite((center + dist).clamp(0.0, 1.0))?,
        confidence,
        method: "wilson",
    })
}

/// Acklam's rational approximation of `Φ⁻¹(p)` for `0 < p ≤ 0.5` (relative error < 1.2e-9).
fn acklam_lower(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let horner = |c: &[f64], x: f64| c.iter().fold(0.0, |acc, &ci| acc * x + ci);
    if p < 0.024_25 {
        let q = (-2.0 * p.ln()).sqrt();
        horner(&C, q) / (horner(&D, q) * q + 1.0)
    } else {
        let q = p - 0.5;
        let r = q * q;
        horner(&A, r) * q / (horner(&B, r) * r + 1.0)
    }
}

/// Inverse of the standard normal CDF, `Φ⁻¹(p)` (scipy `ndtri`), accurate to about 1e-15
/// relative: Acklam's approximation refined by one Halley step on `Φ(x) − p`, with `Φ`
/// evaluated as scipy's `ndtr` (and as `erf` near the centre, so that small quantiles keep
/// their relative accuracy). Upper-half probabilities use the symmetry `Φ⁻¹(p) = −Φ⁻¹(1 − p)`.
///
/// Returns `−∞` at 0, `+∞` at 1 and NaN for NaN or `p` outside `[0, 1]`, as `ndtri`.
pub fn normal_quantile(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    if p > 0.5 {
        return -lower_quantile(1.0 - p);
    }
    lower_quantile(p)
}

/// `Φ⁻¹(p)` for `0 < p ≤ 0.5`.
fn lower_quantile(p: f64) -> f64 {
    let x = acklam_lower(p);
    if p == 0.5 {
        return 0.0;
    }
    // Φ(x) − p, computed without cancellation: near the centre as ½ erf(x/√2) − (p − ½)
    // (p − ½ is exact there), in the tail from the erfc-based ndtr.
    let e = if p >= 0.25 {
        0.5 * erf(x * std::f64::consts::FRAC_1_SQRT_2) - (p - 0.5)
    } else {
        ndtr(x) - p
    };
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (0.5 * x * x).exp();
    let refined = x - u / (1.0 + 0.5 * x * u);
    if refined.is_finite() {
        refined
    } else {
        x
    }
}

/// AUC with its DeLong variance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeLong {
    /// Area under the ROC curve (ties count 1/2).
    pub auc: f64,
    /// DeLong's estimate of the variance of `auc`: `S10 / m + S01 / n`.
    pub variance: f64,
}

/// Midranks (1-based, ties averaged) of `values`, in their original order.
fn midranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    let key = |i: usize| values.get(i).copied().unwrap_or(f64::NAN);
    order.sort_by(|&a, &b| key(a).partial_cmp(&key(b)).unwrap_or(Ordering::Equal));
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let value = order.get(start).map_or(f64::NAN, |&i| key(i));
        let mut end = start + 1;
        while end < order.len() && order.get(end).map(|&i| key(i)) == Some(value) {
            end += 1;
        }
        let rank = (start + 1 + end) as f64 / 2.0;
        for &i in order.get(start..end).unwrap_or(&[]) {
            if let Some(r) = ranks.get_mut(i) {
                *r = rank;
            }
        }
        start = end;
    }
    ranks
}

/// DeLong structural components of one scorer: `(auc, V10 per positive, V01 per negative)`,
/// where `V10_i` is the share of negatives that positive `i` outscores (ties 1/2) and `V01_j`
/// the share of positives that outscore negative `j`.
fn components(positive: &[bool], scores: &[f64]) -> (f64, Vec<f64>, Vec<f64>) {
    let xs: Vec<f64> = scores
        .iter()
        .zip(positive)
        .filter(|(_, &p)| p)
        .map(|(&s, _)| s)
        .collect();
    let ys: Vec<f64> = scores
        .iter()
        .zip(positive)
        .filter(|(_, &p)| !p)
        .map(|(&s, _)| s)
        .collect();
    let (m, n) = (xs.len() as f64, ys.len() as f64);
    let tx = midranks(&xs);
    let ty = midranks(&ys);
    let pooled: Vec<f64> = xs.iter().chain(&ys).copied().collect();
    let tz = midranks(&pooled);
    let (tzx, tzy) = tz.split_at(xs.len());
    let v10: Vec<f64> = tzx.iter().zip(&tx).map(|(z, x)| (z - x) / n).collect();
    let v01: Vec<f64> = tzy
        .iter()
        .zip(&ty)
        .map(|(z, y)| 1.0 - (z - y) / m)
        .collect();
    let auc = (tzx.iter().sum::<f64>() - m * (m + 1.0) / 2.0) / (m * n);
    (auc, v10, v01)
}

/// Sample covariance (ddof = 1) of two equally long vectors.
fn covariance(a: &[f64], b: &[f64]) -> f64 {
    let k = a.len() as f64;
    let ma = a.iter().sum::<f64>() / k;
    let mb = b.iter().sum::<f64>() / k;
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - ma) * (y - mb))
        .sum::<f64>()
        / (k - 1.0)
}

/// Whether DeLong's variance is defined: same lengths, finite scores, at least two
/// positives and two negatives.
fn delong_inputs_ok(positive: &[bool], scores: &[&[f64]]) -> bool {
    let m = positive.iter().filter(|&&p| p).count();
    let n = positive.len() - m;
    m >= 2
        && n >= 2
        && scores
            .iter()
            .all(|s| s.len() == positive.len() && s.iter().all(|v| v.is_finite()))
}

/// ROC AUC of `scores` for the `positive` rows with DeLong, DeLong & Clarke-Pearson's (1988)
/// variance, computed by Sun & Xu's (2014) O(n log n) midrank algorithm. `None` unless the
/// lengths agree, every score is finite, and there are at least two positives and two
/// negatives (the sample variances need them).
pub fn delong(positive: &[bool], scores: &[f64]) -> Option<DeLong> {
    if !delong_inputs_ok(positive, &[scores]) {
        return None;
    }
    let (auc, v10, v01) = components(positive, scores);
    let (m, n) = (v10.len() as f64, v01.len() as f64);
    let variance = covariance(&v10, &v10) / m + covariance(&v01, &v01) / n;
    Some(DeLong {
        auc: finite(auc)?,
        variance: finite(variance)?,
    })
}

/// Normal-theory interval `auc ± z sqrt(variance)` clipped to `[0, 1]`, method `"delong"`.
/// A confidence of 1 or more gives `[0, 1]`; of 0 or less (or NaN), the point `[auc, auc]`.
pub fn delong_interval(d: &DeLong, confidence: f64) -> Interval {
    let (low, high) = if confidence >= 1.0 {
        (0.0, 1.0)
    } else if confidence > 0.0 && d.variance > 0.0 {
        let half = critical_value(confidence) * d.variance.sqrt();
        (
            (d.auc - half).clamp(0.0, 1.0),
            (d.auc + half).clamp(0.0, 1.0),
        )
    } else {
        (d.auc, d.auc)
    };
    Interval {
        low,
        high,
        confidence,
        method: "delong",
    }
}

/// Paired DeLong test of two scorers on the same rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairedDeLong {
    /// AUC of scorer A.
    pub auc_a: f64,
    /// AUC of scorer B.
    pub auc_b: f64,
    /// `auc_a − auc_b`.
    pub difference: f64,
    /// DeLong variance of the difference (accounts for the correlation of the two AUCs).
    pub variance: f64,
    /// `difference / sqrt(variance)`.
    pub z: f64,
    /// Two-sided p-value `2 Φ(−|z|)`.
    pub p_value: f64,
}

/// DeLong's test that two correlated AUCs (two scorers on the same rows) are equal, two-sided.
/// The variance of the difference is `(S10_aa + S10_bb − 2 S10_ab) / m + (S01_aa + S01_bb −
/// 2 S01_ab) / n`. When it is zero, identical AUCs give `z = 0`, `p = 1` and different ones
/// `None` (an infinite statistic). `None` also as [`delong`].
pub fn delong_paired(
    positive: &[bool],
    scores_a: &[f64],
    scores_b: &[f64],
) -> Option<PairedDeLong> {
    if !delong_inputs_ok(positive, &[scores_a, scores_b]) {
        return None;
    }
    let (auc_a, v10a, v01a) = components(positive, scores_a);
    let (auc_b, v10b, v01b) = components(positive, scores_b);
    let (m, n) = (v10a.len() as f64, v01a.len() as f64);
    let s10 = covariance(&v10a, &v10a) + covariance(&v10b, &v10b) - 2.0 * covariance(&v10a, &v10b);
    let s01 = covariance(&v01a, &v01a) + covariance(&v01b, &v01b) - 2.0 * covariance(&v01a, &v01b);
    let variance = finite(s10 / m + s01 / n)?;
    let difference = auc_a - auc_b;
    let (z, p_value) = if variance > 0.0 {
        let z = difference / variance.sqrt();
        (z, erfc(z.abs() * std::f64::consts::FRAC_1_SQRT_2))
    } else if difference == 0.0 {
        (0.0, 1.0)
    } else {
        return None;
    };
    Some(PairedDeLong {
        auc_a: finite(auc_a)?,
        auc_b: finite(auc_b)?,
        difference: finite(difference)?,
        variance: variance.max(0.0),
        z: finite(z)?,
        p_value: finite(p_value)?,
    })
}

/// numpy's `_lerp(a, b, t)`: `a + (b − a) t`, computed from `b` when `t ≥ ½`.
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

/// The `q`-quantile of sorted values, `numpy.quantile(values, q)` (method `"linear"`).
fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = q * last as f64;
    let below = (h.floor().max(0.0) as usize).min(last);
    let above = (below + 1).min(last);
    let t = h - below as f64;
    Some(lerp(
        sorted.get(below).copied()?,
        sorted.get(above).copied()?,
        t,
    ))
}

/// Percentile interval of bootstrap replicates: `numpy.percentile(replicates, [100 (1 − c)/2,
/// 100 (1 + c)/2])` with linear interpolation, labelled `method`. Non-finite replicates are
/// ignored. `None` when no replicate is finite or `confidence` is not in `(0, 1)`.
pub fn percentile_interval(
    replicates: &[f64],
    confidence: f64,
    method: &'static str,
) -> Option<Interval> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return None;
    }
    let mut sorted: Vec<f64> = replicates
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    sorted.sort_unstable_by(f64::total_cmp);
    Some(Interval {
        low: quantile_sorted(&sorted, (1.0 - confidence) / 2.0)?,
        high: quantile_sorted(&sorted, (1.0 + confidence) / 2.0)?,
        confidence,
        method,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        if b == 0.0 {
            a.abs()
        } else {
            ((a - b) / b).abs()
        }
    }

    #[test]
    fn normal_quantile_matches_scipy_ndtri() {
        // scipy.special.ndtri(p), scipy 1.17.1
        let cases = [
            (1e-300, -37.047_096_299_361_2),
            (1e-20, -9.262_340_089_798_409),
            (1e-10, -6.361_340_902_404_056),
            (0.001, -3.090_232_306_167_813),
            (0.01, -2.326_347_874_040_840_8),
            (0.02425, -1.972_961_051_311_885),
            (0.025, -1.959_963_984_540_054_5),
            (0.05, -1.644_853_626_951_472_9),
            (0.1, -1.281_551_565_544_600_4),
            (0.2, -0.841_621_233_572_914_2),
            (0.3, -0.524_400_512_708_040_9),
            (0.4, -0.253_347_103_135_799_7),
            (0.4999, -0.000_250_662_830_088_007_5),
            (0.5, 0.0),
            (0.5005, 0.001_253_314_465_432_416_5),
            (0.6, 0.253_347_103_135_799_7),
            (0.8, 0.841_621_233_572_914_3),
            (0.9, 1.281_551_565_544_600_4),
            (0.95, 1.644_853_626_951_472_2),
            (0.975, 1.959_963_984_540_054),
            (0.99, 2.326_347_874_040_840_8),
            (0.999, 3.090_232_306_167_813),
            (0.999_999_999_9, 6.361_340_889_697_422),
        ];
        for (p, want) in cases {
            let got = normal_quantile(p);
            assert!(
                rel(got, want) < 1e-13,
                "ndtri({p}) = {got:e}, scipy {want:e}"
            );
        }
        assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
        assert_eq!(normal_quantile(1.0), f64::INFINITY);
        assert!(normal_quantile(f64::NAN).is_nan());
        assert!(normal_quantile(1.5).is_nan());
        assert!(normal_quantile(-0.1).is_nan());
    }

    #[test]
    fn wilson_matches_statsmodels() {
        // statsmodels proportion_confint(7, 20, alpha=0.05, method="wilson")
        let i = wilson(7.0, 20.0, 0.95).unwrap();
        assert!(rel(i.low, 0.181_191_824_101_082_06) < 1e-12, "{}", i.low);
        assert!(rel(i.high, 0.567_145_723_314_763_8) < 1e-12, "{}", i.high);
        assert_eq!((i.confidence, i.method), (0.95, "wilson"));
        // 0 and n successes stay inside [0, 1].
        // (statsmodels clips center - dist, which rounds to 0 or a few ulps above it.)
        let i = wilson(0.0, 10.0, 0.95).unwrap();
        assert!(i.low >= 0.0 && i.low < 1e-15);
        assert!(rel(i.high, 0.277_532_799_862_889_26) < 1e-12);
        let i = wilson(10.0, 10.0, 0.95).unwrap();
        assert!(rel(i.low, 0.722_467_200_137_110_6) < 1e-12);
        assert!(i.high <= 1.0 && i.high > 1.0 - 1e-15);
        assert_eq!(wilson(1.0, 0.0, 0.95), None);
        assert_eq!(wilson(3.0, 2.0, 0.95), None);
        assert_eq!(wilson(-1.0, 2.0, 0.95), None);
        assert_eq!(wilson(1.0, 2.0, 1.0), None);
        assert_eq!(wilson(1.0, 2.0, 0.0), None);
        assert_eq!(wilson(f64::NAN, 2.0, 0.5), None);
    }

    #[test]
    fn midranks_average_ties() {
        assert_eq!(midranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
        assert_eq!(midranks(&[5.0; 3]), vec![2.0; 3]);
        assert!(midranks(&[]).is_empty());
    }

    #[test]
    fn delong_small_example() {
        // Positives [0.9, 0.6, 0.35], negatives [0.7, 0.35, 0.1]. psi matrix (pos x neg):
        // 0.9: [1, 1, 1]; 0.6: [0, 1, 1]; 0.35: [0, .5, 1] -> AUC 6.5/9.
        // V10 = [1, 2/3, 1/2], V01 = [1/3, 5/6, 1].
        let positive = [true, false, true, true, false, false];
        let scores = [0.9, 0.7, 0.6, 0.35, 0.35, 0.1];
        let d = delong(&positive, &scores).unwrap();
        assert!(rel(d.auc, 6.5 / 9.0) < 1e-15);
        let var = |v: [f64; 3]| {
            let m = v.iter().sum::<f64>() / 3.0;
            v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / 2.0
        };
        let want = var([1.0, 2.0 / 3.0, 0.5]) / 3.0 + var([1.0 / 3.0, 5.0 / 6.0, 1.0]) / 3.0;
        assert!(rel(d.variance, want) < 1e-14);
        let i = delong_interval(&d, 0.95);
        let half = 1.959_963_984_540_054 * want.sqrt();
        assert!(rel(i.low, (6.5 / 9.0 - half).max(0.0)) < 1e-12);
        assert_eq!(i.high, 1.0);
        assert_eq!(i.method, "delong");
    }

    #[test]
    fn delong_degenerate_cases() {
        assert_eq!(delong(&[true, false], &[0.2, 0.1]), None);
        assert_eq!(delong(&[true, true, false], &[0.2, 0.3, 0.1]), None);
        assert_eq!(delong(&[true, true, false, false], &[0.2, 0.3]), None);
        assert_eq!(
            delong(&[true, true, false, false], &[0.2, f64::NAN, 0.1, 0.0]),
            None
        );
        // Perfect separation: AUC 1, variance 0; constant scores: AUC 0.5, variance 0.
        let pos = [true, true, false, false];
        let d = delong(&pos, &[0.9, 0.8, 0.2, 0.1]).unwrap();
        assert_eq!((d.auc, d.variance), (1.0, 0.0));
        let i = delong_interval(&d, 0.95);
        assert_eq!((i.low, i.high), (1.0, 1.0));
        let d = delong(&pos, &[0.5; 4]).unwrap();
        assert_eq!((d.auc, d.variance), (0.5, 0.0));
        assert_eq!(delong_interval(&d, 1.0).low, 0.0);
        assert_eq!(delong_interval(&d, 0.0).high, 0.5);
    }

    #[test]
    fn paired_delong() {
        let positive = [true, false, true, true, false, false, true, false];
        let a = [0.9, 0.7, 0.6, 0.35, 0.35, 0.1, 0.8, 0.2];
        let b = [0.5, 0.6, 0.4, 0.7, 0.3, 0.2, 0.55, 0.45];
        let p = delong_paired(&positive, &a, &b).unwrap();
        let da = delong(&positive, &a).unwrap();
        let db = delong(&positive, &b).unwrap();
        assert_eq!((p.auc_a, p.auc_b), (da.auc, db.auc));
        assert_eq!(p.difference, da.auc - db.auc);
        assert!(p.variance > 0.0);
        assert!(rel(p.z, p.difference / p.variance.sqrt()) < 1e-15);
        assert!(rel(p.p_value, 2.0 * ndtr(-p.z.abs())) < 1e-14);
        // Same scorer twice: z = 0, p = 1.
        let same = delong_paired(&positive, &a, &a).unwrap();
        assert_eq!((same.z, same.p_value, same.difference), (0.0, 1.0, 0.0));
        // Zero variance with a difference: undefined.
        let pos = [true, true, false, false];
        assert_eq!(delong_paired(&pos, &[0.9, 0.8, 0.2, 0.1], &[0.5; 4]), None);
    }

    #[test]
    fn percentile_interval_as_numpy() {
        // numpy.percentile([1..=10], [2.5, 97.5]) = [1.225, 9.775]
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        let i = percentile_interval(&v, 0.95, "bootstrap").unwrap();
        assert!(rel(i.low, 1.225) < 1e-14);
        assert!(rel(i.high, 9.775) < 1e-14);
        assert_eq!(i.method, "bootstrap");
        let i = percentile_interval(&[4.0], 0.9, "b").unwrap();
        assert_eq!((i.low, i.high), (4.0, 4.0));
        let i = percentile_interval(&[2.0, f64::NAN, 1.0], 0.5, "b").unwrap();
        assert_eq!((i.low, i.high), (1.25, 1.75));
        assert_eq!(percentile_interval(&[], 0.95, "b"), None);
        assert_eq!(percentile_interval(&[f64::NAN], 0.95, "b"), None);
        assert_eq!(percentile_interval(&[1.0], 1.0, "b"), None);
    }
}
