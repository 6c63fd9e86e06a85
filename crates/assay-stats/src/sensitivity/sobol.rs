//! Sobol' first-, second- and total-order indices from a Saltelli design's outputs.

use rayon::prelude::*;
use serde::Serialize;

use super::design::check_finite;
use super::numeric::{check_resamples, pairwise_sum_by, std_dev, z_value};
use super::{NumpyGenerator, SensitivityError};

/// numpy's `np.finfo(float).eps`, SALib's threshold for a zero range or variance.
const EPS: f64 = f64::EPSILON;

/// Bootstrap index cells (base samples × resamples) drawn per batch: 4 MiB of indices.
const BATCH_CELLS: usize = 1 << 19;

/// Options of the Sobol' estimators.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolOptions {
    /// Bootstrap resamples for the confidence half-widths (SALib `num_resamples`, default
    /// 100, at least 2).
    pub num_resamples: usize,
    /// Confidence level of the half-widths (SALib `conf_level`, default 0.95).
    pub conf_level: f64,
    /// Seed of the bootstrap: the resampled indices are those of SALib's
    /// `analyze(..., seed=seed)`, i.e. `np.random.default_rng(seed).integers(N, size=(N,
    /// num_resamples))`. (SALib ignores a seed of 0 and draws from numpy's global state; any
    /// other seed reproduces exactly.) Default 0.
    pub seed: u64,
}

impl Default for SobolOptions {
    fn default() -> Self {
        Self {
            num_resamples: 100,
            conf_level: 0.95,
            seed: 0,
        }
    }
}

/// A second-order index `S_ij` (`i < j`) with its confidence half-width.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SecondOrderIndex {
    /// First input.
    pub i: usize,
    /// Second input (`> i`).
    pub j: usize,
    /// The index (Saltelli 2002 estimator, as SALib).
    pub s2: f64,
    /// Bootstrap confidence half-width.
    pub s2_conf: f64,
}

/// Sobol' indices per input, in the problem's input order (SALib's `S1`, `S1_conf`, `ST`,
/// `ST_conf`, `S2`, `S2_conf`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SobolIndices {
    /// Number of base samples `N` the indices were estimated from.
    pub base_samples: usize,
    /// First-order indices.
    pub s1: Vec<f64>,
    /// Confidence half-widths of `s1`: `z · std(resampled S1, ddof = 1)`.
    pub s1_conf: Vec<f64>,
    /// Total-order indices.
    pub st: Vec<f64>,
    /// Confidence half-widths of `st`.
    pub st_conf: Vec<f64>,
    /// Second-order indices for every pair `i < j` (row-major), empty without second order.
    pub s2: Vec<SecondOrderIndex>,
}

/// Sobol' indices from the outputs `y` of a Saltelli design of `dims` inputs, in design row
/// order, as SALib 1.6 `analyze.sobol.analyze(problem, Y, calc_second_order, num_resamples,
/// conf_level, seed)`:
///
/// - `Y` is standardized, `(Y − mean) / std` (`ddof = 0`) over all rows, first;
/// - `S1_j = mean(B · (AB_j − A)) / var([A; B])` (Saltelli et al. 2010);
/// - `ST_j = ½ mean((A − AB_j)²) / var([A; B])` (Jansen);
/// - `S2_jk = mean(BA_j · AB_k − A · B) / var([A; B]) − S1_j − S1_k` (Saltelli 2002);
/// - an index is 0 when `[A; B]` has a range or variance `<= eps`, as SALib;
/// - the confidence half-widths are `norm.ppf(½ + conf_level/2) · std(resampled, ddof = 1)`
///   over `num_resamples` bootstrap resamples of the base samples, drawn exactly as SALib
///   with `seed` (see [`SobolOptions::seed`]).
///
/// Memory: the resamples are streamed (a batch of at most 2¹⁹ drawn indices at a time, the
/// resamples' running sums accumulated in parallel), so besides `y` the analysis holds
/// `O(num_resamples · D)` sums (`O(num_resamples · D²)` with second order), never an
/// `N × num_resamples` index matrix.
///
/// Errors: no inputs, fewer than 2 resamples, a confidence level outside (0, 1), a length that
/// is not a positive multiple of `D + 2` (`2D + 2` with second order), a NaN or infinite
/// output (naming its row), and constant outputs (zero variance: SALib returns NaN there).
pub fn analyze(
    dims: usize,
    second_order: bool,
    y: &[f64],
    options: &SobolOptions,
) -> Result<SobolIndices, SensitivityError> {
    if dims == 0 {
        return Err(SensitivityError::NoInputs);
    }
    check_resamples(options.num_resamples)?;
    let z = z_value(options.conf_level)?;
    let step = if second_order {
        dims.checked_mul(2).and_then(|v| v.checked_add(2))
    } else {
        dims.checked_add(2)
    }
    .ok_or(SensitivityError::InvalidParameter {
        what: "number of inputs",
        expected: "small enough for a row count",
        got: dims.to_string(),
    })?;
    if y.is_empty() || !y.len().is_multiple_of(step) {
        return Err(SensitivityError::OutputLength {
            expected: format!("a positive multiple of {step} ({step} rows per base sample)"),
            got: y.len(),
        });
    }
    check_finite(y)?;
    let n = y.len() / step;
    let layout = Layout::new(y, dims, step)?;

    let point = layout.point_estimates(n, second_order);
    let conf = layout.bootstrap(n, second_order, point.mean_ab, options, z);

    let pairs = pair_list(dims);
    let s2 = if second_order {
        pairs
            .iter()
            .zip(&point.s2)
            .zip(&conf.s2)
            .map(|((&(i, j), &s2), &s2_conf)| SecondOrderIndex { i, j, s2, s2_conf })
            .collect()
    } else {
        Vec::new()
    };
    Ok(SobolIndices {
        base_samples: n,
        s1: point.s1,
        s1_conf: conf.s1,
        st: point.st,
        st_conf: conf.st,
        s2,
    })
}

/// All pairs `(i, j)`, `i < j`, row-major.
fn pair_list(dims: usize) -> Vec<(usize, usize)> {
    (0..dims)
        .flat_map(|i| (i + 1..dims).map(move |j| (i, j)))
        .collect()
}

/// The outputs grouped by base sample, standardized on access.
struct Layout<'a> {
    y: &'a [f64],
    dims: usize,
    step: usize,
    mean: f64,
    sd: f64,
}

impl<'a> Layout<'a> {
    fn new(y: &'a [f64], dims: usize, step: usize) -> Result<Self, SensitivityError> {
        let len = y.len() as f64;
        let at = |i: usize| y.get(i).copied().unwrap_or(0.0);
        let mean = pairwise_sum_by(y.len(), at) / len;
        let sd = (pairwise_sum_by(y.len(), |i| {
            let d = at(i) - mean;
            d * d
        }) / len)
            .sqrt();
        if sd == 0.0 {
            return Err(SensitivityError::ConstantOutput {
                rows: y.len(),
                value: at(0),
            });
        }
        if !sd.is_finite() {
            return Err(SensitivityError::InvalidParameter {
                what: "model outputs",
                expected: "small enough for their variance to be finite",
                got: format!("a standard deviation of {sd}"),
            });
        }
        Ok(Self {
            y,
            dims,
            step,
            mean,
            sd,
        })
    }

    /// Standardized output of row `position` of base sample `i`.
    #[inline]
    fn z(&self, i: usize, position: usize) -> f64 {
        (self
            .y
            .get(i * self.step + position)
            .copied()
            .unwrap_or(f64::NAN)
            - self.mean)
            / self.sd
    }

    fn a(&self, i: usize) -> f64 {
        self.z(i, 0)
    }

    fn b(&self, i: usize) -> f64 {
        self.z(i, self.step - 1)
    }

    fn ab(&self, i: usize, j: usize) -> f64 {
        self.z(i, 1 + j)
    }

    fn ba(&self, i: usize, j: usize) -> f64 {
        self.z(i, 1 + self.dims + j)
    }

    fn point_estimates(&self, n: usize, second_order: bool) -> PointEstimates {
        let d = self.dims;
        let nf = n as f64;
        // [A; B]: A for 0..n, B for n..2n, as np.r_[A, B].
        let ab_value = |k: usize| if k < n { self.a(k) } else { self.b(k - n) };
        let mean_ab = pairwise_sum_by(2 * n, ab_value) / (2 * n) as f64;
        let var = pairwise_sum_by(2 * n, |k| {
            let dv = ab_value(k) - mean_ab;
            dv * dv
        }) / (2 * n) as f64;
        let (lo, hi) = (0..2 * n)
            .map(ab_value)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
        let constant = hi - lo <= EPS;
        let ratio = |num: f64| {
            if constant || var <= EPS {
                0.0
            } else {
                num / var
            }
        };
        let s1: Vec<f64> = (0..d)
            .map(|j| ratio(pairwise_sum_by(n, |i| self.b(i) * (self.ab(i, j) - self.a(i))) / nf))
            .collect();
        let st: Vec<f64> = (0..d)
            .map(|j| {
                ratio(
                    0.5 * (pairwise_sum_by(n, |i| {
                        let dv = self.a(i) - self.ab(i, j);
                        dv * dv
                    }) / nf),
                )
            })
            .collect();
        let s2 = if second_order {
            pair_list(d)
                .into_iter()
                .map(|(j, k)| {
                    if constant {
                        return 0.0;
                    }
                    let v = ratio(
                        pairwise_sum_by(n, |i| {
                            self.ba(i, j) * self.ab(i, k) - self.a(i) * self.b(i)
                        }) / nf,
                    );
                    v - s1.get(j).copied().unwrap_or(0.0) - s1.get(k).copied().unwrap_or(0.0)
                })
                .collect()
        } else {
            Vec::new()
        };
        PointEstimates {
            s1,
            st,
            s2,
            mean_ab,
        }
    }

    /// Bootstrap half-widths. The running sums are kept on the raw outputs: with `z = (y −
    /// m) / s`, `mean(z_B (z_AB − z_A)) / var(z) = mean((y_B − m)(y_AB − y_A)) / var(y)` and
    /// likewise for the other estimators, so no output is standardized in the inner loop;
    /// SALib's `eps` thresholds are applied to the standardized range and variance.
    fn bootstrap(
        &self,
        n: usize,
        second_order: bool,
        shift: f64,
        options: &SobolOptions,
        z: f64,
    ) -> Confidence {
        let d = self.dims;
        let r = options.num_resamples;
        let pairs = if second_order {
            pair_list(d)
        } else {
            Vec::new()
        };
        let mut sums: Vec<ResampleSums> =
            (0..r).map(|_| ResampleSums::new(d, pairs.len())).collect();
        let batch_rows = (BATCH_CELLS / r).clamp(1, n);
        let mut indices = vec![0usize; batch_rows * r];
        let mut rng = NumpyGenerator::new(options.seed);
        // The bootstrap moments of [A; B] are shifted by the full sample's mean (raw units).
        let raw_shift = shift * self.sd + self.mean;
        let mut start = 0;
        while start < n {
            let rows = batch_rows.min(n - start);
            // Row-major (base sample, resample), as numpy fills integers(N, size=(N, R)).
            for cell in indices.iter_mut().take(rows * r) {
                *cell = rng.integers(n as u64) as usize;
            }
            let drawn = &indices;
            sums.par_iter_mut().enumerate().for_each(|(k, acc)| {
                for &i in drawn.iter().skip(k).step_by(r).take(rows) {
                    if let Some(row) = self.y.get(i * self.step..(i + 1) * self.step) {
                        acc.add(row, d, self.mean, raw_shift, &pairs);
                    }
                }
            });
            start += rows;
        }
        let lo = sums.iter().map(|s| s.min).fold(f64::INFINITY, f64::min);
        let hi = sums.iter().map(|s| s.max).fold(f64::NEG_INFINITY, f64::max);
        let constant = (hi - lo) / self.sd <= EPS;
        let nf = n as f64;
        let s2_scale = self.sd * self.sd;
        let mut s1 = vec![Vec::with_capacity(r); d];
        let mut st = vec![Vec::with_capacity(r); d];
        let mut s2 = vec![Vec::with_capacity(r); pairs.len()];
        for acc in &sums {
            let mean = acc.sum / (2.0 * nf);
            let var = acc.sum_sq / (2.0 * nf) - mean * mean;
            let ratio = |num: f64| {
                if constant || var / s2_scale <= EPS {
                    0.0
                } else {
                    num / var
                }
            };
            let first: Vec<f64> = acc.first.iter().map(|&v| ratio(v / nf)).collect();
            for (out, &v) in s1.iter_mut().zip(&first) {
                out.push(v);
            }
            for (out, &v) in st.iter_mut().zip(&acc.total) {
                out.push(ratio(0.5 * (v / nf)));
            }
            for ((out, &v), &(j, k)) in s2.iter_mut().zip(&acc.pair).zip(&pairs) {
                let value = if constant {
                    0.0
                } else {
                    ratio(v / nf)
                        - first.get(j).copied().unwrap_or(0.0)
                        - first.get(k).copied().unwrap_or(0.0)
                };
                out.push(value);
            }
        }
        let half_width = |values: &Vec<f64>| {
            if constant {
                0.0
            } else {
                z * std_dev(values, 1)
            }
        };
        Confidence {
            s1: s1.iter().map(half_width).collect(),
            st: st.iter().map(half_width).collect(),
            s2: s2.iter().map(half_width).collect(),
        }
    }
}

struct PointEstimates {
    s1: Vec<f64>,
    st: Vec<f64>,
    s2: Vec<f64>,
    /// Mean of the standardized `[A; B]`, the shift of the bootstrap's running moments.
    mean_ab: f64,
}

struct Confidence {
    s1: Vec<f64>,
    st: Vec<f64>,
    s2: Vec<f64>,
}

/// Running sums of one bootstrap resample, on raw outputs (`m` is the mean of all outputs).
struct ResampleSums {
    /// Σ (y − shift) over the drawn A and B.
    sum: f64,
    /// Σ (y − shift)² over the drawn A and B.
    sum_sq: f64,
    min: f64,
    max: f64,
    /// Σ (B − m)(AB_j − A) per input.
    first: Vec<f64>,
    /// Σ (A − AB_j)² per input.
    total: Vec<f64>,
    /// Σ ((BA_j − m)(AB_k − m) − (A − m)(B − m)) per pair.
    pair: Vec<f64>,
}

impl ResampleSums {
    fn new(dims: usize, pairs: usize) -> Self {
        Self {
            sum: 0.0,
            sum_sq: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            first: vec![0.0; dims],
            total: vec![0.0; dims],
            pair: vec![0.0; pairs],
        }
    }

    /// Adds one drawn base sample (its `D + 2` or `2D + 2` outputs).
    #[inline]
    fn add(&mut self, row: &[f64], dims: usize, m: f64, shift: f64, pairs: &[(usize, usize)]) {
        let (Some(&a), Some(&b), Some(ab)) = (row.first(), row.last(), row.get(1..=dims)) else {
            return;
        };
        let (da, db) = (a - shift, b - shift);
        self.sum += da + db;
        self.sum_sq += da * da + db * db;
        self.min = self.min.min(a).min(b);
        self.max = self.max.max(a).max(b);
        let bm = b - m;
        for ((first, total), &abj) in self.first.iter_mut().zip(&mut self.total).zip(ab) {
            let diff = abj - a;
            *first += bm * diff;
            *total += diff * diff;
        }
        if !pairs.is_empty() {
            let ab_prod = (a - m) * bm;
            let ba = row.get(1 + dims..1 + 2 * dims).unwrap_or(&[]);
            for (sum, &(j, k)) in self.pair.iter_mut().zip(pairs) {
                let baj = ba.get(j).copied().unwrap_or(f64::NAN);
                let abk = ab.get(k).copied().unwrap_or(f64::NAN);
                *sum += (baj - m) * (abk - m) - ab_prod;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> SobolOptions {
        SobolOptions {
            num_resamples: 10,
            conf_level: 0.95,
            seed: 1,
        }
    }

    #[test]
    fn rejects_bad_outputs() {
        assert_eq!(
            analyze(2, false, &[1.0; 7], &opts()).map_err(|e| e.to_string()),
            Err(
                "7 model outputs do not fit the design: expected a positive multiple of 4 (4 \
                 rows per base sample)"
                    .to_string()
            )
        );
        assert!(matches!(
            analyze(2, false, &[], &opts()),
            Err(SensitivityError::OutputLength { got: 0, .. })
        ));
        let mut y = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
        y[5] = f64::NAN;
        assert!(matches!(
            analyze(2, false, &y, &opts()),
            Err(SensitivityError::NonFiniteOutput { row: 5, .. })
        ));
        assert_eq!(
            analyze(2, false, &[3.5; 8], &opts()),
            Err(SensitivityError::ConstantOutput {
                rows: 8,
                value: 3.5
            })
        );
        assert!(matches!(
            analyze(0, false, &[1.0, 2.0], &opts()),
            Err(SensitivityError::NoInputs)
        ));
        let bad_conf = SobolOptions {
            conf_level: 1.5,
            ..opts()
        };
        assert!(analyze(2, false, &[1.0, 2.0, 3.0, 4.0], &bad_conf).is_err());
        let one = SobolOptions {
            num_resamples: 1,
            ..opts()
        };
        assert!(analyze(2, false, &[1.0, 2.0, 3.0, 4.0], &one).is_err());
    }

    #[test]
    fn constant_a_and_b_give_zero_indices() {
        // A and B rows equal 0, only the AB rows vary: SALib returns 0 for every index.
        let y = [0.0, 1.0, 2.0, 0.0, 0.0, 3.0, 1.0, 0.0];
        let si = analyze(2, false, &y, &opts()).unwrap();
        assert_eq!(si.s1, vec![0.0, 0.0]);
        assert_eq!(si.st, vec![0.0, 0.0]);
        assert_eq!(si.s1_conf, vec![0.0, 0.0]);
        assert_eq!(si.st_conf, vec![0.0, 0.0]);
    }

    #[test]
    fn hand_computed_single_input() {
        // D = 1 (rows A, AB, B per base sample), Y = the input itself, so AB = B: the
        // estimators written out directly on the standardized outputs.
        let y = [
            0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.5, 0.25, 0.25, 0.25, 0.5, 0.5,
        ];
        let si = analyze(1, false, &y, &opts()).unwrap();
        let m: f64 = y.iter().sum::<f64>() / 12.0;
        let sd = (y.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / 12.0).sqrt();
        let zs: Vec<f64> = y.iter().map(|v| (v - m) / sd).collect();
        let (a, ab, b) = (
            [zs[0], zs[3], zs[6], zs[9]],
            [zs[1], zs[4], zs[7], zs[10]],
            [zs[2], zs[5], zs[8], zs[11]],
        );
        let all: Vec<f64> = a.iter().chain(&b).copied().collect();
        let mab = all.iter().sum::<f64>() / 8.0;
        let var = all.iter().map(|v| (v - mab) * (v - mab)).sum::<f64>() / 8.0;
        let s1 = (0..4).map(|i| b[i] * (ab[i] - a[i])).sum::<f64>() / 4.0 / var;
        let st = 0.5 * (0..4).map(|i| (a[i] - ab[i]).powi(2)).sum::<f64>() / 4.0 / var;
        assert!((si.s1[0] - s1).abs() < 1e-14, "{} vs {s1}", si.s1[0]);
        assert!((si.st[0] - st).abs() < 1e-14, "{} vs {st}", si.st[0]);
        assert!(si.s1_conf[0] > 0.0 && si.s1_conf[0].is_finite());
        assert_eq!(si.base_samples, 4);
        assert!(si.s2.is_empty());
    }
}
