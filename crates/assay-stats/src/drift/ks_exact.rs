//! Exact null distribution of the two-sided two-sample Kolmogorov–Smirnov statistic, as
//! scipy's `_attempt_exact_2kssamp` computes it: lattice paths from `(0, 0)` to `(m, n)`
//! that leave the band `|x/m - y/n| < h/lcm(m, n)` (Hodges 1958), with Viehmann's (2021)
//! recursion for the complement when `m != n`.

/// `P(D_{m,n} >= h / lcm(m, n))` under the null, for `h >= 1`; `None` when the computation
/// leaves `[0, 1]` (scipy then falls back to the asymptotic distribution).
pub(crate) fn two_sided_sf(m: u64, n: u64, g: u64, h: u64) -> Option<f64> {
    let p = if m == n {
        prob_outside_square(n, h)
    } else {
        outer_prob_inside_method(m, n, g, h)?
    };
    (0.0..=1.0).contains(&p).then_some(p)
}

/// scipy `_compute_prob_outside_square(n, h)`: `P(D_{n,n} >= h/n)` as
/// `2 (A0 (1 - A1 (1 - A2 (...))))` with `Ai = binom(2n, n - (i+1)h) / binom(2n, n - ih)`.
fn prob_outside_square(n: u64, h: u64) -> f64 {
    let (nf, hf) = (n as f64, h as f64);
    let mut p = 0.0;
    let mut k = (nf / hf).floor() as i64;
    let (ni, hi) = (n as i64, h as i64);
    while k >= 0 {
        let mut p1 = 1.0;
        for j in 0..hi {
            p1 = ((ni - k * hi - j) as f64) * p1 / ((ni + k * hi + j + 1) as f64);
        }
        p = p1 * (1.0 - p);
        k -= 1;
    }
    2.0 * p
}

/// scipy `_compute_outer_prob_inside_method(m, n, g, h)`: one minus the share of lattice
/// paths staying strictly inside `|nx/g - my/g| < h`, computed column by column on a sliding
/// window (Viehmann's recursion for `1 - p`). `None` on an index outside the window (never
/// expected).
fn outer_prob_inside_method(m: u64, n: u64, g: u64, h: u64) -> Option<f64> {
    let (m, n) = if m < n {
        (n as i64, m as i64)
    } else {
        (m as i64, n as i64)
    };
    let g = g as i64;
    let h = h as i64;
    let mg = m / g;
    let ng = n / g;
    let (hf, mgf, ngf) = (h as f64, mg as f64, ng as f64);
    let mut minj: i64 = 0;
    let mut maxj: i64 = ((hf / mgf).ceil() as i64).min(n + 1);
    let mut curlen = maxj - minj;
    let len_a = (2 * maxj + 2).min(n + 1);
    let mut a = vec![1.0f64; usize::try_from(len_a).ok()?];
    for x in a.iter_mut().take(usize::try_from(maxj).ok()?) {
        *x = 0.0;
    }
    for i in 1..=m {
        let lastminj = minj;
        let lastlen = curlen;
        let fi = i as f64;
        minj = ((((ngf * fi - hf) / mgf).floor() as i64) + 1).max(0);
        minj = minj.min(n);
        maxj = (((ngf * fi + hf) / mgf).ceil() as i64).min(n + 1);
        if maxj <= minj {
            return Some(1.0);
        }
        let mut val = if minj == 0 { 0.0 } else { 1.0 };
        for jj in 0..(maxj - minj) {
            let j = jj + minj;
            let src = usize::try_from(jj + minj - lastminj).ok()?;
            let prev = *a.get(src)?;
            val = (prev * fi + val * j as f64) / ((i + j) as f64);
            *a.get_mut(usize::try_from(jj).ok()?)? = val;
        }
        curlen = maxj - minj;
        if lastlen > curlen {
            // A[maxj-minj : maxj-minj + (lastlen-curlen)] = 1, clamped like a numpy slice.
            let from = usize::try_from(maxj - minj).ok()?;
            let to = usize::try_from(maxj - minj + (lastlen - curlen))
                .ok()?
                .min(a.len());
            for x in a.iter_mut().take(to).skip(from) {
                *x = 1.0;
            }
        }
    }
    a.get(usize::try_from(maxj - minj - 1).ok()?).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_scipy_exact_paths() {
        // scipy.stats._stats_py._compute_prob_outside_square and
        // scipy.stats._stats_pythran._compute_outer_prob_inside_method, scipy 1.17.1.
        let cases = [
            ((5, 5, 5, 3), 0.357_142_857_142_857_15),
            ((10, 10, 10, 7), 0.012_340_600_575_894_691),
            ((7, 5, 1, 20), 0.237_373_737_373_737_38),
            ((300, 200, 100, 3), 1.0),
            ((1000, 999, 1, 150_000), 2.671_687_191_905_792e-10),
        ];
        for ((m, n, g, h), want) in cases {
            let got = two_sided_sf(m, n, g, h).unwrap();
            assert!(
                ((got - want) / want).abs() < 1e-12,
                "({m}, {n}, {g}, {h}): {got} vs {want}"
            );
        }
        // D = 1/n with m == n: the square formula gives 1.0000000000000002 for n = 5, which
        // scipy rejects (and then falls back to the asymptotic distribution).
        assert_eq!(two_sided_sf(5, 5, 5, 1), None);
        assert_eq!(two_sided_sf(6, 6, 6, 1), Some(0.999_999_999_999_999_8));
    }
}
