//! Seeded, parallel nonparametric bootstrap.
//!
//! A round draws `n` row indices uniformly with replacement and hands the statistics a weight
//! per row: the row's base weight times the number of times it was drawn (its multinomial
//! count), so any weighted metric becomes its bootstrap replicate without copying rows.
//!
//! Reproducibility: round `r` uses its own ChaCha8 stream (`ChaCha8Rng::seed_from_u64(seed)`
//! with `set_stream(r)`) and draws indices with rand's `Uniform` (Lemire's widening-multiply
//! method with rejection, unbiased), so the replicates depend only on `(seed, round)`, never
//! on the number of threads. Rounds are split into contiguous chunks run on the rayon pool
//! that is current when the method is called; each chunk reuses one pair of buffers.

use std::collections::BTreeMap;

use rand::distr::{Distribution, Uniform};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::intervals::{percentile_interval, Interval};

/// Seeded, parallel nonparametric bootstrap: each round resamples n rows with replacement
/// (multinomial counts), reproducible for (seed, round) whatever the thread count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bootstrap {
    /// Number of resampling rounds.
    pub rounds: usize,
    /// Seed of every round's random stream.
    pub seed: u64,
    /// Confidence level of the intervals built from the replicates (see
    /// [`Bootstrap::interval`]).
    pub confidence: f64,
}

/// How rows are resampled: all together, or within each stratum.
enum Design {
    /// `n` draws from all `n` rows.
    Whole(usize),
    /// For each stratum (ascending stratum value), as many draws from its rows as it has.
    Strata(Vec<Vec<usize>>),
}

/// Uniform row sampler over `0..len`, 32-bit when the range allows (faster, and the stream is
/// the same on every platform).
enum Sampler {
    Narrow(Uniform<u32>),
    Wide(Uniform<u64>),
}

impl Sampler {
    fn new(len: usize) -> Option<Sampler> {
        if let Ok(narrow) = u32::try_from(len) {
            Uniform::new(0, narrow).ok().map(Sampler::Narrow)
        } else {
            Uniform::new(0, len as u64).ok().map(Sampler::Wide)
        }
    }

    /// Draws `draws` indices and adds one to `counts[row(index)]` for each (the match on the
    /// sampler's width is outside the hot loop).
    #[inline]
    fn scatter(
        &self,
        rng: &mut ChaCha8Rng,
        draws: usize,
        counts: &mut [u32],
        row: impl Fn(usize) -> Option<usize>,
    ) {
        match self {
            Sampler::Narrow(u) => {
                for _ in 0..draws {
                    if let Some(c) = row(u.sample(rng) as usize).and_then(|r| counts.get_mut(r)) {
                        *c += 1;
                    }
                }
            }
            Sampler::Wide(u) => {
                for _ in 0..draws {
                    if let Some(c) = row(u.sample(rng) as usize).and_then(|r| counts.get_mut(r)) {
                        *c += 1;
                    }
                }
            }
        }
    }
}

/// Per-chunk scratch space: multiplicities and the weights handed to the statistics.
struct Buffers {
    counts: Vec<u32>,
    weights: Vec<f64>,
}

impl Bootstrap {
    /// Runs `statistics` on every round with per-row weights = base weight × multiplicity
    /// (f64). `statistics` returns m values (None = undefined that round, skipped). Returns,
    /// per statistic, the defined replicate values in round order.
    ///
    /// Each of the `m` output vectors holds the finite values the statistic returned, in round
    /// order (a missing entry, `None`, NaN or an infinity is skipped). Rows past the end of
    /// `base_weights` get weight 0. `n = 0` hands every round an empty slice.
    pub fn replicates<F>(
        &self,
        n: usize,
        base_weights: Option<&[f64]>,
        m: usize,
        statistics: F,
    ) -> Vec<Vec<f64>>
    where
        F: Fn(&[f64]) -> Vec<Option<f64>> + Sync,
    {
        self.run(&Design::Whole(n), n, base_weights, m, &statistics)
    }

    /// Same, but resampling within strata (for example per class), each stratum keeping its
    /// size: rows with the same `strata` value form a stratum, and a round draws as many rows
    /// from each stratum (with replacement) as it holds. `n = strata.len()`.
    pub fn replicates_stratified<F>(
        &self,
        strata: &[u32],
        base_weights: Option<&[f64]>,
        m: usize,
        statistics: F,
    ) -> Vec<Vec<f64>>
    where
        F: Fn(&[f64]) -> Vec<Option<f64>> + Sync,
    {
        let mut groups: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (i, &s) in strata.iter().enumerate() {
            groups.entry(s).or_default().push(i);
        }
        let design = Design::Strata(groups.into_values().collect());
        self.run(&design, strata.len(), base_weights, m, &statistics)
    }

    /// Percentile interval of one statistic's replicates at this bootstrap's confidence
    /// (method `"bootstrap-percentile"`); see [`percentile_interval`].
    pub fn interval(&self, replicates: &[f64]) -> Option<Interval> {
        percentile_interval(replicates, self.confidence, "bootstrap-percentile")
    }

    /// [`Bootstrap::replicates`] on a dedicated pool of `threads` threads (the current pool if
    /// that pool cannot be built). For tests of thread-count independence.
    #[cfg(test)]
    fn replicates_with_threads<F>(
        &self,
        threads: usize,
        n: usize,
        base_weights: Option<&[f64]>,
        m: usize,
        statistics: F,
    ) -> Vec<Vec<f64>>
    where
        F: Fn(&[f64]) -> Vec<Option<f64>> + Sync + Send,
    {
        match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => pool.install(|| self.replicates(n, base_weights, m, statistics)),
            Err(_) => self.replicates(n, base_weights, m, statistics),
        }
    }

    /// The random stream of one round.
    fn round_rng(&self, round: usize) -> ChaCha8Rng {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(round as u64);
        rng
    }

    /// Draws one round's multiplicities into `counts` (all `n` entries rewritten).
    fn resample(&self, design: &Design, samplers: &[Sampler], round: usize, counts: &mut [u32]) {
        counts.fill(0);
        let mut rng = self.round_rng(round);
        match design {
            Design::Whole(n) => {
                if let Some(sampler) = samplers.first() {
                    sampler.scatter(&mut rng, *n, counts, Some);
                }
            }
            Design::Strata(groups) => {
                for (rows, sampler) in groups.iter().zip(samplers) {
                    sampler.scatter(&mut rng, rows.len(), counts, |i| rows.get(i).copied());
                }
            }
        }
    }

    /// Runs every round on the current rayon pool and gathers the replicates per statistic.
    fn run(
        &self,
        design: &Design,
        n: usize,
        base_weights: Option<&[f64]>,
        m: usize,
        statistics: &(dyn Fn(&[f64]) -> Vec<Option<f64>> + Sync),
    ) -> Vec<Vec<f64>> {
        let samplers: Vec<Sampler> = match design {
            Design::Whole(n) => Sampler::new(*n).into_iter().collect(),
            Design::Strata(groups) => groups
                .iter()
                .filter_map(|g| Sampler::new(g.len()))
                .collect(),
        };
        let rounds = self.rounds;
        let threads = rayon::current_num_threads().max(1);
        let chunk = rounds.div_ceil(threads * 4).max(1);
        let chunks = rounds.div_ceil(chunk);
        let per_chunk: Vec<Vec<Vec<Option<f64>>>> = (0..chunks)
            .into_par_iter()
            .map(|c| {
                let mut buffers = Buffers {
                    counts: vec![0; n],
                    weights: vec![0.0; n],
                };
                let first = c * chunk;
                let last = (first + chunk).min(rounds);
                (first..last)
                    .map(|round| {
                        assay_runtime::cancel::checkpoint();
                        self.resample(design, &samplers, round, &mut buffers.counts);
                        let pairs = buffers.weights.iter_mut().zip(&buffers.counts);
                        match base_weights {
                            None => pairs.for_each(|(w, &k)| *w = f64::from(k)),
                            Some(base) => pairs.enumerate().for_each(|(i, (w, &k))| {
                                *w = if k == 0 {
                                    0.0
                                } else {
                                    base.get(i).copied().unwrap_or(0.0) * f64::from(k)
                                };
                            }),
                        }
                        statistics(&buffers.weights)
                    })
                    .collect()
            })
            .collect();
        let mut out: Vec<Vec<f64>> = (0..m).map(|_| Vec::with_capacity(rounds)).collect();
        for values in per_chunk.iter().flatten() {
            for (slot, value) in out.iter_mut().zip(values) {
                if let Some(v) = value.filter(|v| v.is_finite()) {
                    slot.push(v);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_and_total(x: &[f64]) -> impl Fn(&[f64]) -> Vec<Option<f64>> + Sync + Send + '_ {
        move |w: &[f64]| {
            let total: f64 = w.iter().sum();
            let sum: f64 = w.iter().zip(x).map(|(w, x)| w * x).sum();
            vec![(total > 0.0).then(|| sum / total), Some(total)]
        }
    }

    #[test]
    fn identical_whatever_the_thread_count() {
        let x: Vec<f64> = (0..500).map(|i| f64::from(i % 37) * 0.5).collect();
        let b = Bootstrap {
            rounds: 37,
            seed: 42,
            confidence: 0.95,
        };
        let one = b.replicates_with_threads(1, x.len(), None, 2, mean_and_total(&x));
        let two = b.replicates_with_threads(2, x.len(), None, 2, mean_and_total(&x));
        let three = b.replicates_with_threads(3, x.len(), None, 2, mean_and_total(&x));
        assert_eq!(one, two);
        assert_eq!(one, three);
        assert_eq!(one[0].len(), 37);
        // Every round draws exactly n rows.
        assert!(one[1].iter().all(|&t| t == 500.0));
        // Rounds differ from each other and from another seed.
        assert!(one[0].windows(2).any(|w| w[0] != w[1]));
        let other = Bootstrap { seed: 43, ..b }.replicates(x.len(), None, 2, mean_and_total(&x));
        assert_ne!(one[0], other[0]);
        // A prefix of rounds gives the same values (a round depends only on seed and index).
        let fewer = Bootstrap { rounds: 5, ..b }.replicates(x.len(), None, 2, mean_and_total(&x));
        assert_eq!(fewer[0], one[0][..5].to_vec());
    }

    #[test]
    fn base_weights_multiply_and_zero_weights_skip_rounds() {
        let x = [1.0, 2.0, 3.0];
        let b = Bootstrap {
            rounds: 20,
            seed: 7,
            confidence: 0.9,
        };
        let doubled = b.replicates(3, Some(&[2.0; 3]), 2, mean_and_total(&x));
        let plain = b.replicates(3, None, 2, mean_and_total(&x));
        assert_eq!(doubled[0], plain[0]);
        assert!(doubled[1].iter().all(|&t| t == 6.0));
        // All-zero weights: the mean is undefined every round and skipped.
        let zero = b.replicates(3, Some(&[0.0; 3]), 2, mean_and_total(&x));
        assert!(zero[0].is_empty());
        assert_eq!(zero[1], vec![0.0; 20]);
    }

    #[test]
    fn edge_sizes() {
        let b = Bootstrap {
            rounds: 4,
            seed: 1,
            confidence: 0.95,
        };
        // No rows: the statistic sees an empty slice.
        let r = b.replicates(0, None, 1, |w: &[f64]| vec![Some(w.len() as f64)]);
        assert_eq!(r, vec![vec![0.0; 4]]);
        // One row: always drawn once.
        let r = b.replicates(1, None, 1, |w: &[f64]| vec![w.first().copied()]);
        assert_eq!(r, vec![vec![1.0; 4]]);
        // No rounds, no statistics, short and long statistic vectors.
        assert_eq!(
            Bootstrap { rounds: 0, ..b }.replicates(5, None, 2, |_| vec![Some(1.0)]),
            vec![Vec::<f64>::new(); 2]
        );
        assert!(b.replicates(5, None, 0, |_| vec![Some(1.0)]).is_empty());
        let r = b.replicates(5, None, 2, |_| vec![Some(1.0), Some(f64::NAN), Some(3.0)]);
        assert_eq!(r, vec![vec![1.0; 4], vec![]]);
    }

    #[test]
    fn stratified_keeps_stratum_sizes() {
        let strata = [0, 1, 1, 0, 2, 1, 1, 0, 9, 1];
        let b = Bootstrap {
            rounds: 30,
            seed: 3,
            confidence: 0.95,
        };
        let per_stratum = |w: &[f64]| {
            let mut totals = [0.0; 4];
            for (s, wi) in strata.iter().zip(w) {
                let slot = match s {
                    0 => 0,
                    1 => 1,
                    2 => 2,
                    _ => 3,
                };
                totals[slot] += wi;
            }
            totals.iter().map(|&t| Some(t)).collect()
        };
        let r = b.replicates_stratified(&strata, None, 4, per_stratum);
        assert!(r[0].iter().all(|&t| t == 3.0));
        assert!(r[1].iter().all(|&t| t == 5.0));
        assert!(r[2].iter().all(|&t| t == 1.0));
        assert!(r[3].iter().all(|&t| t == 1.0));
        assert!(
            b.replicates_stratified(&[], None, 1, |w| vec![Some(w.len() as f64)])[0]
                .iter()
                .all(|&v| v == 0.0)
        );
    }

    #[test]
    fn interval_uses_the_confidence() {
        let b = Bootstrap {
            rounds: 0,
            seed: 0,
            confidence: 0.5,
        };
        let i = b.interval(&[1.0, 2.0]).unwrap();
        assert_eq!(
            (i.low, i.high, i.method),
            (1.25, 1.75, "bootstrap-percentile")
        );
        assert_eq!(b.interval(&[]), None);
    }
}
