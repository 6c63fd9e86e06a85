//! Distances and divergences between two histograms (aligned bin or category counts).
//!
//! Every function takes the reference and current counts of the same bins (see
//! [`super::binning`]), normalizes each to probabilities inside, and returns `None` when the
//! input is unusable: vectors of different or zero length, a count that is negative or not
//! finite, or a vector whose total is zero (an empty sample has no distribution). Counts may
//! be fractional (distributions recovered from sketches).
//!
//! Parity fixtures (`scripts/gen_drift_histogram_fixtures.py`, numpy 2.4.6 / scipy 1.17.1)
//! check every function to `1e-12` relative (absolute below 1).

/// Share that Evidently substitutes for an empty bin unless the sample has smaller shares.
const EMPTY_BIN_SHARE: f64 = 0.0001;

/// Normalizes `counts` to probabilities, or `None` if a count is negative or not finite or the
/// total is not positive.
fn shares(counts: &[f64]) -> Option<Vec<f64>> {
    if counts.iter().any(|c| !c.is_finite() || *c < 0.0) {
        return None;
    }
    let total: f64 = counts.iter().sum();
    if !(total > 0.0 && total.is_finite()) {
        return None;
    }
    Some(counts.iter().map(|c| c / total).collect())
}

/// Both count vectors as probabilities, or `None` (see the module docs).
fn share_pair(reference: &[f64], current: &[f64]) -> Option<(Vec<f64>, Vec<f64>)> {
    if reference.len() != current.len() || reference.is_empty() {
        return None;
    }
    Some((shares(reference)?, shares(current)?))
}

/// Evidently's empty-bin treatment (`get_binned_data(..., feel_zeroes=True)` in Evidently 0.7,
/// applied to each sample separately): zero shares become `0.0001`, or the smallest non-zero
/// share divided by `10^6` when that share is itself `<= 0.0001`. The shares are not
/// renormalized afterwards.
fn fill_empty_bins(shares: &mut [f64]) {
    let smallest = shares
        .iter()
        .copied()
        .filter(|s| *s != 0.0)
        .reduce(f64::min);
    let Some(smallest) = smallest else {
        return;
    };
    let fill = if smallest <= EMPTY_BIN_SHARE {
        smallest / 1e6
    } else {
        EMPTY_BIN_SHARE
    };
    for s in shares.iter_mut().filter(|s| **s == 0.0) {
        *s = fill;
    }
}

/// `ln(base)`, or `None` for a base that is not finite, not positive or 1.
fn log_base(base: f64) -> Option<f64> {
    (base.is_finite() && base > 0.0 && base != 1.0).then(|| base.ln())
}

/// Population Stability Index `Σ (r − c) ln(r / c)` over the reference shares `r` and current
/// shares `c`; `0` for identical distributions, symmetric in its arguments.
///
/// Empty bins: a zero share makes the term infinite, so each sample's zero shares are replaced
/// as Evidently's `psi_stat_test` does (Evidently 0.7 `get_binned_data` with
/// `feel_zeroes=True`): by `0.0001`, or by the smallest non-zero share of that sample divided by
/// `10^6` when that share is `<= 0.0001` (very large samples). Shares are not renormalized
/// after the replacement. Bins empty in both samples therefore contribute nothing only when
/// both samples get the same fill.
///
/// Reference: Evidently 0.7 `psi_stat_test` formula, recomputed in numpy 2.4.6 by the fixture
/// script; parity `1e-12` relative.
pub fn psi(reference: &[f64], current: &[f64]) -> Option<f64> {
    let (mut r, mut c) = share_pair(reference, current)?;
    fill_empty_bins(&mut r);
    fill_empty_bins(&mut c);
    Some(r.iter().zip(&c).map(|(r, c)| (r - c) * (r / c).ln()).sum())
}

/// Kullback–Leibler divergence `KL(reference ‖ current) = Σ r ln(r / c) / ln(base)`, the
/// direction of Evidently's `kl_div_stat_test` (`scipy.stats.entropy(reference_percents,
/// current_percents)`).
///
/// Empty bins are filled as in [`psi`] (Evidently's rule), after which both vectors are
/// renormalized to sum to 1, as `scipy.stats.entropy` does. `base` is the logarithm base
/// (`std::f64::consts::E` for nats, `2.0` for bits); `None` for a base that is not finite,
/// not positive or 1.
///
/// Reference: `scipy.stats.entropy(r, c, base=base)` (scipy 1.17.1) on the filled shares;
/// parity `1e-12` relative.
pub fn kl_divergence(reference: &[f64], current: &[f64], base: f64) -> Option<f64> {
    let ln_base = log_base(base)?;
    let (mut r, mut c) = share_pair(reference, current)?;
    fill_empty_bins(&mut r);
    fill_empty_bins(&mut c);
    let r = shares(&r)?;
    let c = shares(&c)?;
    let kl: f64 = r.iter().zip(&c).map(|(r, c)| r * (r / c).ln()).sum();
    Some(kl / ln_base)
}

/// Jensen–Shannon distance and divergence between two histograms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JensenShannon {
    /// The distance, `scipy.spatial.distance.jensenshannon` (a metric; in `[0, 1]` for base 2,
    /// `[0, sqrt(ln 2)]` for base e).
    pub distance: f64,
    /// The divergence, `distance²` (computed before the square root, so not rounded through it).
    pub divergence: f64,
}

/// Jensen–Shannon distance and divergence between the reference and current distributions in
/// logarithm base `base` (`2.0` or `std::f64::consts::E`; scipy's default is e). Symmetric; no
/// empty-bin replacement is needed (Evidently's `jensenshannon_stat_test` uses none either).
/// `None` for a base that is not finite, not positive or 1.
///
/// Reference: `scipy.spatial.distance.jensenshannon(r, c, base)` (scipy 1.17.1); parity `1e-12`
/// relative, divergence against the square of scipy's distance.
pub fn jensen_shannon(reference: &[f64], current: &[f64], base: f64) -> Option<JensenShannon> {
    let ln_base = log_base(base)?;
    let (p, q) = share_pair(reference, current)?;
    // scipy.special.rel_entr(x, y): x ln(x / y), 0 for x == 0.
    let rel_entr = |x: f64, y: f64| if x > 0.0 { x * (x / y).ln() } else { 0.0 };
    let (mut left, mut right) = (0.0, 0.0);
    for (p, q) in p.iter().zip(&q) {
        let m = (p + q) / 2.0;
        left += rel_entr(*p, m);
        right += rel_entr(*q, m);
    }
    let divergence = ((left + right) / ln_base / 2.0).max(0.0);
    Some(JensenShannon {
        distance: divergence.sqrt(),
        divergence,
    })
}

/// Hellinger distance `sqrt(1 − Σ sqrt(p q))` between the reference and current distributions,
/// in `[0, 1]` (0 identical, 1 disjoint supports); symmetric, no empty-bin replacement.
///
/// Computed as the equal `‖√p − √q‖₂ / √2`, which avoids the cancellation in `1 − Σ sqrt(p q)`:
/// identical distributions give exactly 0 where that formula can give about `1.5e-8`.
///
/// Reference: Evidently 0.7 `hellinger_stat_test` (`sqrt(1 − clip(Σ sqrt(p q), 0, 1))` on
/// shares), recomputed in numpy 2.4.6; parity `1e-12` relative against the norm form and
/// `1e-7` absolute against Evidently's formula (its cancellation error).
pub fn hellinger(reference: &[f64], current: &[f64]) -> Option<f64> {
    let (p, q) = share_pair(reference, current)?;
    let ss: f64 = p
        .iter()
        .zip(&q)
        .map(|(p, q)| {
            let d = p.sqrt() - q.sqrt();
            d * d
        })
        .sum();
    Some((ss / 2.0).sqrt().min(1.0))
}

/// Total variation distance `½ Σ |p − q|` between the reference and current distributions, in
/// `[0, 1]`.
///
/// Reference: the formula in numpy 2.4.6; parity `1e-12` relative.
pub fn total_variation(reference: &[f64], current: &[f64]) -> Option<f64> {
    let (p, q) = share_pair(reference, current)?;
    Some(p.iter().zip(&q).map(|(p, q)| (p - q).abs()).sum::<f64>() / 2.0)
}

/// L-infinity (Chebyshev) distance `max |p − q|` between the reference and current
/// distributions, in `[0, 1]`: TFDV's drift/skew measure for categorical features.
///
/// Reference: TFDV's L-infinity distance on normalized frequencies, recomputed in numpy
/// 2.4.6; parity `1e-12` relative.
pub fn l_infinity(reference: &[f64], current: &[f64]) -> Option<f64> {
    let (p, q) = share_pair(reference, current)?;
    Some(
        p.iter()
            .zip(&q)
            .map(|(p, q)| (p - q).abs())
            .fold(0.0, f64::max),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::{E, LN_2};

    #[test]
    fn unusable_inputs_give_none() {
        let ok = [1.0, 2.0];
        let bad: [&[f64]; 5] = [&[], &[0.0, 0.0], &[1.0, -1.0], &[1.0, f64::NAN], &[1.0]];
        for b in bad {
            assert_eq!(psi(&ok, b), None, "{b:?}");
            assert_eq!(psi(b, &ok), None, "{b:?}");
            assert_eq!(kl_divergence(&ok, b, E), None);
            assert_eq!(jensen_shannon(b, &ok, 2.0), None);
            assert_eq!(hellinger(&ok, b), None);
            assert_eq!(total_variation(b, &ok), None);
            assert_eq!(l_infinity(&ok, b), None);
        }
        assert_eq!(kl_divergence(&ok, &ok, 1.0), None);
        assert_eq!(jensen_shannon(&ok, &ok, 0.0), None);
        assert_eq!(jensen_shannon(&ok, &ok, f64::NAN), None);
    }

    #[test]
    fn identical_distributions_are_zero() {
        let r = [10.0, 0.0, 30.0, 40.0];
        let c = [1.0, 0.0, 3.0, 4.0];
        assert_eq!(psi(&r, &c), Some(0.0));
        assert!(kl_divergence(&r, &c, E).unwrap().abs() < 1e-16);
        assert_eq!(jensen_shannon(&r, &c, 2.0).unwrap().distance, 0.0);
        assert_eq!(hellinger(&r, &c), Some(0.0));
        assert_eq!(total_variation(&r, &c), Some(0.0));
        assert_eq!(l_infinity(&r, &c), Some(0.0));
    }

    #[test]
    fn disjoint_supports_reach_the_bounds() {
        let r = [1.0, 0.0];
        let c = [0.0, 3.0];
        assert_eq!(hellinger(&r, &c), Some(1.0));
        assert_eq!(total_variation(&r, &c), Some(1.0));
        assert_eq!(l_infinity(&r, &c), Some(1.0));
        let js = jensen_shannon(&r, &c, 2.0).unwrap();
        assert!((js.distance - 1.0).abs() < 1e-15);
        let js = jensen_shannon(&r, &c, E).unwrap();
        assert!((js.divergence - LN_2).abs() < 1e-15);
        // Fill 0.0001 on both sides: 2 (1 - 0.0001) ln(1 / 0.0001).
        let expected = 2.0 * 0.9999 * (1.0f64 / 0.0001).ln();
        assert!((psi(&r, &c).unwrap() - expected).abs() < 1e-12);
    }

    #[test]
    fn empty_bin_fill_follows_evidently() {
        let mut s = vec![0.5, 0.0, 0.5];
        fill_empty_bins(&mut s);
        assert_eq!(s, vec![0.5, 0.0001, 0.5]);
        let mut s = vec![0.99995, 0.00005, 0.0];
        fill_empty_bins(&mut s);
        assert_eq!(s, vec![0.99995, 0.00005, 0.00005 / 1e6]);
        let mut s = vec![0.0, 0.0];
        fill_empty_bins(&mut s);
        assert_eq!(s, vec![0.0, 0.0]);
    }

    #[test]
    fn psi_is_symmetric_and_kl_is_not() {
        let r = [30.0, 50.0, 20.0];
        let c = [10.0, 40.0, 50.0];
        assert!((psi(&r, &c).unwrap() - psi(&c, &r).unwrap()).abs() < 1e-15);
        let forward = kl_divergence(&r, &c, E).unwrap();
        let backward = kl_divergence(&c, &r, E).unwrap();
        assert!((forward - backward).abs() > 1e-3);
        // PSI is the symmetrised KL (no empty bins here).
        assert!((psi(&r, &c).unwrap() - (forward + backward)).abs() < 1e-12);
        // Base 2 is base e divided by ln 2.
        let bits = kl_divergence(&r, &c, 2.0).unwrap();
        assert!((bits - forward / LN_2).abs() < 1e-15);
    }
}
