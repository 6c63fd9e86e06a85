//! Walking the pooled (merged) support of two [`Empirical`] distributions, the core loop of
//! every rank- and CDF-based two-sample test here: O(distinct values of both) time, no allocation.

use super::Empirical;

/// One distinct value of the pooled support with its weight in each sample (0 when absent).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PooledValue {
    /// The value.
    pub value: f64,
    /// Its weight in the first sample.
    pub a: f64,
    /// Its weight in the second sample.
    pub b: f64,
}

/// The union of the distinct values of `a` and `b`, in increasing order, with both weights.
pub(crate) fn pooled<'e>(
    a: &'e Empirical,
    b: &'e Empirical,
) -> impl Iterator<Item = PooledValue> + 'e {
    let (av, aw, bv, bw) = (a.values(), a.weights(), b.values(), b.weights());
    let (mut i, mut j) = (0usize, 0usize);
    std::iter::from_fn(move || {
        let x = av.get(i).zip(aw.get(i));
        let y = bv.get(j).zip(bw.get(j));
        match (x, y) {
            (Some((&xv, &xw)), Some((&yv, &yw))) => {
                if xv < yv {
                    i += 1;
                    Some(PooledValue {
                        value: xv,
                        a: xw,
                        b: 0.0,
                    })
                } else if yv < xv {
                    j += 1;
                    Some(PooledValue {
                        value: yv,
                        a: 0.0,
                        b: yw,
                    })
                } else {
                    i += 1;
                    j += 1;
                    Some(PooledValue {
                        value: xv,
                        a: xw,
                        b: yw,
                    })
                }
            }
            (Some((&xv, &xw)), None) => {
                i += 1;
                Some(PooledValue {
                    value: xv,
                    a: xw,
                    b: 0.0,
                })
            }
            (None, Some((&yv, &yw))) => {
                j += 1;
                Some(PooledValue {
                    value: yv,
                    a: 0.0,
                    b: yw,
                })
            }
            (None, None) => None,
        }
    })
}

/// Whether every weight of `e` is a whole number, i.e. the distribution holds exact counts
/// (as opposed to fractional weights recovered from a sketch).
pub(crate) fn has_integral_weights(e: &Empirical) -> bool {
    e.weights().iter().all(|w| w.fract() == 0.0)
}

/// A sample size as a whole number: the total weight rounded half-to-even (numpy `round`),
/// at least 1. Used where a reference algorithm needs integer sample sizes.
pub(crate) fn whole_size(total: f64) -> u64 {
    let r = total.round_ties_even();
    if r >= 1.0 {
        // Saturating float-to-int conversion; totals beyond u64 are not meaningful.
        r as u64
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooled_merges_in_order_with_both_weights() {
        let a = Empirical::from_values(vec![1.0, 3.0, 3.0, 5.0]);
        let b = Empirical::from_values(vec![2.0, 3.0, 6.0, 6.0]);
        let got: Vec<(f64, f64, f64)> = pooled(&a, &b).map(|p| (p.value, p.a, p.b)).collect();
        assert_eq!(
            got,
            vec![
                (1.0, 1.0, 0.0),
                (2.0, 0.0, 1.0),
                (3.0, 2.0, 1.0),
                (5.0, 1.0, 0.0),
                (6.0, 0.0, 2.0)
            ]
        );
        let empty = Empirical::default();
        assert_eq!(pooled(&empty, &b).count(), 3);
        assert_eq!(pooled(&empty, &empty).count(), 0);
    }

    #[test]
    fn whole_sizes() {
        assert_eq!(whole_size(2.5), 2);
        assert_eq!(whole_size(3.5), 4);
        assert_eq!(whole_size(0.2), 1);
        let frac = Empirical::from_weighted([(1.0, 0.5), (2.0, 1.5)]);
        assert!(!has_integral_weights(&frac));
        assert!(has_integral_weights(&Empirical::from_values(vec![
            1.0, 1.0
        ])));
    }
}
