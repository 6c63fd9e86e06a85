//! Morris's elementary-effects screening: trajectory design and estimators.

use serde::Serialize;

use super::design::{check_block, check_finite, Design};
use super::numeric::{check_resamples, mean, pairwise_sum_by, std_dev, z_value};
use super::{NumpyGenerator, Problem, SensitivityError};

/// Trajectories between two stored generator states: random access to a block replays at
/// most this many trajectories.
const CHECKPOINT_EVERY: usize = 64;

/// Options of a [`MorrisDesign`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MorrisOptions {
    /// Grid levels `p` (SALib `num_levels`, default 4; at least 2, even recommended).
    pub num_levels: usize,
    /// Seed: the trajectories are those of SALib's `sample(..., seed=seed)`
    /// (`np.random.default_rng(seed)`). Default 0.
    pub seed: u64,
}

impl Default for MorrisOptions {
    fn default() -> Self {
        Self {
            num_levels: 4,
            seed: 0,
        }
    }
}

/// Options of the Morris estimators.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisAnalyzeOptions {
    /// Bootstrap resamples of `mu_star_conf` (SALib `num_resamples`, default 100, at least 2).
    pub num_resamples: usize,
    /// Confidence level (SALib `conf_level`, default 0.95).
    pub conf_level: f64,
    /// Seed of the bootstrap, SALib's `analyze(..., seed=seed)`
    /// (`np.random.default_rng(seed)`). Default 0.
    pub seed: u64,
}

impl Default for MorrisAnalyzeOptions {
    fn default() -> Self {
        Self {
            num_resamples: 100,
            conf_level: 0.95,
            seed: 0,
        }
    }
}

/// Morris screening measures per input, in input order (SALib's `mu`, `mu_star`, `sigma`,
/// `mu_star_conf`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MorrisIndices {
    /// Number of trajectories.
    pub trajectories: usize,
    /// Mean elementary effect.
    pub mu: Vec<f64>,
    /// Mean absolute elementary effect.
    pub mu_star: Vec<f64>,
    /// Standard deviation of the elementary effects (`ddof = 1`).
    pub sigma: Vec<f64>,
    /// Bootstrap confidence half-width of `mu_star`.
    pub mu_star_conf: Vec<f64>,
}

/// The trajectory design of SALib's `sample.morris.sample(problem, N, num_levels,
/// optimal_trajectories=None, seed)` (SALib 1.6, no groups), generated block by block.
///
/// Each of the `N` trajectories has `D + 1` rows. For a trajectory SALib draws, in this order,
/// a random order of the inputs (`shuffle` of the identity's rows), a direction per input
/// (`choice([-1, 1], D)`) and a base point on the grid `{0, 1/(p−1), ..., 1 − Δ}`
/// (`choice(linspace(0, 1 − Δ, p/2), D)`), `Δ = p / (2(p − 1))`; row `r` moves the input
/// whose rank is `r − 1` by `Δ` (up from the base point when its direction is `+1`, down from
/// `base + Δ` when it is `−1`). Unit coordinates are mapped by each input's quantile function.
/// The generator's state is kept every 64 trajectories, so any block is produced by
/// replaying at most 64 trajectories, in `O(N / 64)` memory.
///
/// Every point of the grid, 0 and 1 included, can be used, so inputs must have bounded
/// support (uniform, truncated normal, triangular, log-uniform).
#[derive(Debug, Clone)]
pub struct MorrisDesign {
    problem: Problem,
    trajectories: usize,
    options: MorrisOptions,
    delta: f64,
    grid: Vec<f64>,
    checkpoints: Vec<NumpyGenerator>,
}

impl MorrisDesign {
    /// A design of `trajectories` (SALib's `N`) trajectories.
    pub fn new(
        problem: Problem,
        trajectories: usize,
        options: MorrisOptions,
    ) -> Result<Self, SensitivityError> {
        if trajectories == 0 {
            return Err(SensitivityError::InvalidParameter {
                what: "number of trajectories",
                expected: "at least 1",
                got: "0".to_string(),
            });
        }
        let delta = delta(options.num_levels)?;
        problem.check_finite_at(0.0, "Morris designs need inputs with bounded support")?;
        problem.check_finite_at(1.0, "Morris designs need inputs with bounded support")?;
        let rows_per = problem.dims() + 1;
        if trajectories.checked_mul(rows_per).is_none() {
            return Err(SensitivityError::InvalidParameter {
                what: "number of trajectories",
                expected: "small enough for the row count to fit in usize",
                got: trajectories.to_string(),
            });
        }
        let grid = linspace(0.0, 1.0 - delta, options.num_levels / 2);
        let mut design = Self {
            problem,
            trajectories,
            options,
            delta,
            grid,
            checkpoints: Vec::new(),
        };
        let mut rng = NumpyGenerator::new(options.seed);
        let mut walker = Walker::new(design.problem.dims());
        for t in 0..trajectories {
            if t % CHECKPOINT_EVERY == 0 {
                design.checkpoints.push(rng.clone());
            }
            walker.draw(&mut rng, &design.grid);
        }
        Ok(design)
    }

    /// The problem.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// Number of trajectories `N`.
    pub fn trajectories(&self) -> usize {
        self.trajectories
    }

    /// The options.
    pub fn options(&self) -> MorrisOptions {
        self.options
    }

    /// The step `Δ = p / (2(p − 1))` in the unit cube.
    pub fn delta(&self) -> f64 {
        self.delta
    }

    /// Writes the scaled rows of trajectory `walker`'s current draw to `out` (`(D+1) × D`).
    fn write_trajectory(&self, walker: &Walker, out: &mut [f64]) {
        let d = self.problem.dims();
        for (r, row) in out.chunks_exact_mut(d).enumerate() {
            for (c, (slot, dist)) in row.iter_mut().zip(self.problem.distributions()).enumerate() {
                *slot = dist.ppf(walker.unit(r, c, self.delta));
            }
        }
    }

    /// Morris measures from the model outputs on this design's rows, in row order (see
    /// [`analyze_rows`]). The trajectories are regenerated one at a time.
    pub fn analyze(
        &self,
        y: &[f64],
        options: &MorrisAnalyzeOptions,
    ) -> Result<MorrisIndices, SensitivityError> {
        let d = self.problem.dims();
        super::design::check_outputs(y, self.rows())?;
        let mut effects = Effects::new(d, self.trajectories);
        let mut rng = NumpyGenerator::new(self.options.seed);
        let mut walker = Walker::new(d);
        let mut x = vec![0.0; (d + 1) * d];
        for (t, outputs) in y.chunks_exact(d + 1).enumerate() {
            walker.draw(&mut rng, &self.grid);
            self.write_trajectory(&walker, &mut x);
            effects.add_trajectory(t, &x, outputs, self.delta);
        }
        effects.measures(options)
    }
}

impl Design for MorrisDesign {
    fn dims(&self) -> usize {
        self.problem.dims()
    }

    fn rows(&self) -> usize {
        self.trajectories * (self.problem.dims() + 1)
    }

    fn fill_block(&self, start_row: usize, out: &mut [f64]) -> Result<(), SensitivityError> {
        let d = self.problem.dims();
        let n = check_block(start_row, out.len(), d, self.rows())?;
        if n == 0 {
            return Ok(());
        }
        let per = d + 1;
        let first = start_row / per;
        let checkpoint = first / CHECKPOINT_EVERY;
        let mut rng = self
            .checkpoints
            .get(checkpoint)
            .cloned()
            .unwrap_or_else(|| NumpyGenerator::new(self.options.seed));
        let mut walker = Walker::new(d);
        for _ in checkpoint * CHECKPOINT_EVERY..first {
            walker.draw(&mut rng, &self.grid);
        }
        let mut trajectory = vec![0.0; per * d];
        let mut current = usize::MAX;
        for (k, row) in out.chunks_exact_mut(d).enumerate() {
            let global = start_row + k;
            let t = global / per;
            if t != current {
                walker.draw(&mut rng, &self.grid);
                self.write_trajectory(&walker, &mut trajectory);
                current = t;
            }
            let r = global % per;
            if let Some(src) = trajectory.get(r * d..(r + 1) * d) {
                row.copy_from_slice(src);
            }
        }
        Ok(())
    }
}

/// SALib's `_compute_delta`: `p / (2 (p − 1))`, for `p >= 2`.
fn delta(num_levels: usize) -> Result<f64, SensitivityError> {
    if num_levels < 2 {
        return Err(SensitivityError::InvalidParameter {
            what: "number of Morris levels",
            expected: "at least 2",
            got: num_levels.to_string(),
        });
    }
    Ok(num_levels as f64 / (2.0 * (num_levels - 1) as f64))
}

/// `np.linspace(start, stop, num)`.
fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    if num == 1 {
        return vec![start];
    }
    let step = (stop - start) / (num - 1) as f64;
    let mut v: Vec<f64> = (0..num).map(|i| i as f64 * step + start).collect();
    if let Some(last) = v.last_mut() {
        *last = stop;
    }
    v
}

/// One trajectory's random parts, drawn as SALib `_generate_trajectory` draws them.
#[derive(Debug, Clone)]
struct Walker {
    /// Rank of each input: input `c` moves at row `rank[c] + 1`.
    rank: Vec<usize>,
    /// Direction per input, `true` for `+1`.
    up: Vec<bool>,
    /// Base point per input, on the grid.
    base: Vec<f64>,
}

impl Walker {
    fn new(dims: usize) -> Self {
        Self {
            rank: (0..dims).collect(),
            up: vec![true; dims],
            base: vec![0.0; dims],
        }
    }

    fn draw(&mut self, rng: &mut NumpyGenerator, grid: &[f64]) {
        // P* = rows of the identity, shuffled: row c has its one in column rank[c].
        for (i, r) in self.rank.iter_mut().enumerate() {
            *r = i;
        }
        rng.shuffle(&mut self.rank);
        // D* = diag(choice([-1, 1], D)).
        for u in self.up.iter_mut() {
            *u = rng.integers(2) == 1;
        }
        // x* = choice(grid, D).
        for b in self.base.iter_mut() {
            let i = rng.integers(grid.len() as u64) as usize;
            *b = grid.get(i).copied().unwrap_or(0.0);
        }
    }

    /// Unit coordinate of input `c` at row `r`: `x* + (Δ/2)((2 B P*ᵀ − J) D* + J)`, which is
    /// `x* + Δ` or `x* + 0` exactly as SALib computes it.
    fn unit(&self, r: usize, c: usize, delta: f64) -> f64 {
        let moved = self.rank.get(c).is_some_and(|&k| k < r);
        let up = self.up.get(c).copied().unwrap_or(true);
        let base = self.base.get(c).copied().unwrap_or(0.0);
        let factor = if moved == up { 2.0 } else { 0.0 };
        base + (delta / 2.0) * factor
    }
}

/// Elementary effects, one row of `trajectories` values per input.
struct Effects {
    dims: usize,
    trajectories: usize,
    values: Vec<f64>,
}

impl Effects {
    fn new(dims: usize, trajectories: usize) -> Self {
        Self {
            dims,
            trajectories,
            values: vec![0.0; dims * trajectories],
        }
    }

    /// SALib `_compute_elementary_effects` for one trajectory: for each step, each input whose
    /// value rose adds (output after − output before) / Δ, each input whose value fell adds
    /// (output before − output after) / Δ; an input that never moves has effect 0.
    fn add_trajectory(&mut self, t: usize, x: &[f64], y: &[f64], delta: f64) {
        let d = self.dims;
        let mut up = vec![0.0; d];
        let mut lo = vec![0.0; d];
        let rows: Vec<&[f64]> = x.chunks_exact(d).collect();
        for s in 1..rows.len() {
            let (Some(prev), Some(next)) = (rows.get(s - 1), rows.get(s)) else {
                continue;
            };
            let y_prev = y.get(s - 1).copied().unwrap_or(f64::NAN);
            let y_next = y.get(s).copied().unwrap_or(f64::NAN);
            for c in 0..d {
                let change =
                    next.get(c).copied().unwrap_or(0.0) - prev.get(c).copied().unwrap_or(0.0);
                if let (Some(u), Some(l)) = (up.get_mut(c), lo.get_mut(c)) {
                    if change > 0.0 {
                        *u += y_next;
                        *l += y_prev;
                    } else if change < 0.0 {
                        *u += y_prev;
                        *l += y_next;
                    }
                }
            }
        }
        for c in 0..d {
            if let Some(slot) = self.values.get_mut(c * self.trajectories + t) {
                *slot =
                    (up.get(c).copied().unwrap_or(0.0) - lo.get(c).copied().unwrap_or(0.0)) / delta;
            }
        }
    }

    fn measures(&self, options: &MorrisAnalyzeOptions) -> Result<MorrisIndices, SensitivityError> {
        check_resamples(options.num_resamples)?;
        let z = z_value(options.conf_level)?;
        let t = self.trajectories;
        if t < 2 {
            return Err(SensitivityError::InvalidParameter {
                what: "number of trajectories",
                expected: "at least 2 (sigma uses ddof = 1)",
                got: t.to_string(),
            });
        }
        let mut rng = NumpyGenerator::new(options.seed);
        let mut out = MorrisIndices {
            trajectories: t,
            mu: Vec::with_capacity(self.dims),
            mu_star: Vec::with_capacity(self.dims),
            sigma: Vec::with_capacity(self.dims),
            mu_star_conf: Vec::with_capacity(self.dims),
        };
        let mut resampled = vec![0.0; options.num_resamples];
        for ee in self.values.chunks_exact(t) {
            out.mu.push(mean(ee));
            out.mu_star
                .push(pairwise_sum_by(t, |i| ee.get(i).map_or(0.0, |v| v.abs())) / t as f64);
            out.sigma.push(std_dev(ee, 1));
            // rng.integers(T, size=(num_resamples, T)), one resample per row.
            for slot in resampled.iter_mut() {
                let mut draws = Vec::with_capacity(t);
                for _ in 0..t {
                    draws.push(rng.integers(t as u64) as usize);
                }
                *slot = pairwise_sum_by(t, |i| {
                    draws
                        .get(i)
                        .and_then(|&k| ee.get(k))
                        .map_or(0.0, |v| v.abs())
                }) / t as f64;
            }
            out.mu_star_conf.push(z * std_dev(&resampled, 1));
        }
        Ok(out)
    }
}

/// Morris measures from an externally held design `x` (row-major, `rows × dims`, trajectories
/// of `dims + 1` consecutive rows, e.g. SALib's `X`) and its outputs `y`, as SALib 1.6
/// `analyze.morris.analyze(problem, X, Y, num_resamples, conf_level, scaled=False,
/// num_levels, seed)`: elementary effects `(y_up − y_down) / Δ` with `Δ = p / (2(p − 1))`
/// (the unit-cube step, whatever the inputs' scale), then per input `mu` = mean, `mu_star` =
/// mean of absolute values, `sigma` = standard deviation (`ddof = 1`) over trajectories, and
/// `mu_star_conf` = `norm.ppf(½ + conf_level/2) · std(resampled mu_star, ddof = 1)` with the
/// resamples drawn exactly as SALib with `seed`.
///
/// Memory: the `D × N` elementary effects (about the size of `y`).
///
/// Errors: no inputs, fewer than 2 trajectories (`sigma` needs 2), a length mismatch, a
/// non-finite input or output (naming its row), bad options.
pub fn analyze_rows(
    x: &[f64],
    y: &[f64],
    dims: usize,
    num_levels: usize,
    options: &MorrisAnalyzeOptions,
) -> Result<MorrisIndices, SensitivityError> {
    if dims == 0 {
        return Err(SensitivityError::NoInputs);
    }
    let delta = delta(num_levels)?;
    let per = dims + 1;
    if y.is_empty() || !y.len().is_multiple_of(per) {
        return Err(SensitivityError::OutputLength {
            expected: format!("a positive multiple of {per} ({per} rows per trajectory)"),
            got: y.len(),
        });
    }
    let expected = y.len().saturating_mul(dims);
    if x.len() != expected {
        return Err(SensitivityError::InputLength {
            expected,
            got: x.len(),
            rows: y.len(),
            dims,
        });
    }
    check_finite(y)?;
    if let Some(k) = x.iter().position(|v| !v.is_finite()) {
        return Err(SensitivityError::NonFiniteInput {
            row: k / dims,
            column: k % dims,
            value: x.get(k).copied().unwrap_or(f64::NAN),
        });
    }
    let trajectories = y.len() / per;
    let mut effects = Effects::new(dims, trajectories);
    for (t, (xs, ys)) in x
        .chunks_exact(per * dims)
        .zip(y.chunks_exact(per))
        .enumerate()
    {
        effects.add_trajectory(t, xs, ys, delta);
    }
    effects.measures(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(d: usize) -> Problem {
        let names: Vec<String> = (0..d).map(|i| format!("x{i}")).collect();
        let inputs: Vec<(&str, f64, f64)> = names.iter().map(|n| (n.as_str(), 0.0, 1.0)).collect();
        Problem::uniform(&inputs).unwrap()
    }

    #[test]
    fn trajectories_move_one_input_by_delta() {
        let d = 5;
        for levels in [2, 4, 6] {
            let design = MorrisDesign::new(
                problem(d),
                70,
                MorrisOptions {
                    num_levels: levels,
                    seed: 3,
                },
            )
            .unwrap();
            let delta = design.delta();
            assert_eq!(delta, levels as f64 / (2.0 * (levels - 1) as f64));
            let rows = design.block(0, design.rows()).unwrap();
            let step = 1.0 / (levels - 1) as f64;
            for traj in rows.chunks_exact((d + 1) * d) {
                let pts: Vec<&[f64]> = traj.chunks_exact(d).collect();
                for p in &pts {
                    for &v in p.iter() {
                        let k = v / step;
                        assert!((k - k.round()).abs() < 1e-12 && (0.0..=1.0).contains(&v));
                    }
                }
                let mut moved = vec![false; d];
                for w in pts.windows(2) {
                    let changes: Vec<usize> = (0..d).filter(|&c| w[0][c] != w[1][c]).collect();
                    assert_eq!(changes.len(), 1);
                    let c = changes[0];
                    assert!(((w[1][c] - w[0][c]).abs() - delta).abs() < 1e-12);
                    assert!(!moved[c]);
                    moved[c] = true;
                }
            }
            // Random access equals the full matrix.
            for start in [0, 1, 5, 6, 64 * 6 - 1, 64 * 6, 65 * 6 + 2] {
                for len in [1, 7, 13] {
                    let end = (start + len).min(design.rows());
                    assert_eq!(
                        design.block(start, end - start).unwrap(),
                        rows[start * d..end * d].to_vec()
                    );
                }
            }
        }
    }

    #[test]
    fn linear_model_effects_are_the_slopes() {
        let d = 3;
        let design = MorrisDesign::new(problem(d), 20, MorrisOptions::default()).unwrap();
        let coef = [2.0, -1.0, 0.5];
        let y: Vec<f64> = design
            .block(0, design.rows())
            .unwrap()
            .chunks_exact(d)
            .map(|x| x.iter().zip(coef).map(|(a, b)| a * b).sum())
            .collect();
        let si = design
            .analyze(&y, &MorrisAnalyzeOptions::default())
            .unwrap();
        for (c, k) in coef.iter().enumerate() {
            assert!((si.mu[c] - k).abs() < 1e-12);
            assert!((si.mu_star[c] - k.abs()).abs() < 1e-12);
            assert!(si.sigma[c].abs() < 1e-12);
            assert!(si.mu_star_conf[c].abs() < 1e-12);
        }
        let x = design.block(0, design.rows()).unwrap();
        assert_eq!(
            analyze_rows(&x, &y, d, 4, &MorrisAnalyzeOptions::default()).unwrap(),
            si
        );
    }

    #[test]
    fn rejects_bad_inputs() {
        assert!(matches!(
            MorrisDesign::new(problem(2), 0, MorrisOptions::default()),
            Err(SensitivityError::InvalidParameter { .. })
        ));
        assert!(matches!(
            MorrisDesign::new(
                problem(2),
                3,
                MorrisOptions {
                    num_levels: 1,
                    seed: 0
                }
            ),
            Err(SensitivityError::InvalidParameter { .. })
        ));
        let normal = Problem::new(
            vec!["n".into()],
            vec![super::super::Distribution::Normal { mean: 0.0, sd: 1.0 }],
        )
        .unwrap();
        assert!(matches!(
            MorrisDesign::new(normal, 3, MorrisOptions::default()),
            Err(SensitivityError::UnboundedAtEdge { .. })
        ));
        let design = MorrisDesign::new(problem(2), 3, MorrisOptions::default()).unwrap();
        assert!(matches!(
            design.analyze(&[0.0; 8], &MorrisAnalyzeOptions::default()),
            Err(SensitivityError::OutputLength { got: 8, .. })
        ));
        let mut y = vec![1.0; 9];
        y[4] = f64::INFINITY;
        assert!(matches!(
            design.analyze(&y, &MorrisAnalyzeOptions::default()),
            Err(SensitivityError::NonFiniteOutput { row: 4, .. })
        ));
        let x = vec![0.0; 6];
        assert!(matches!(
            analyze_rows(&x, &[1.0, 2.0, 3.0], 2, 4, &MorrisAnalyzeOptions::default()),
            Err(SensitivityError::InvalidParameter { .. })
        ));
        assert!(matches!(
            analyze_rows(
                &x[..5],
                &[1.0, 2.0, 3.0],
                2,
                4,
                &MorrisAnalyzeOptions::default()
            ),
            Err(SensitivityError::InputLength { .. })
        ));
        let mut x12 = vec![0.0; 12];
        x12[7] = f64::NAN;
        assert!(matches!(
            analyze_rows(&x12, &[1.0; 6], 2, 4, &MorrisAnalyzeOptions::default()),
            Err(SensitivityError::NonFiniteInput {
                row: 3,
                column: 1,
                ..
            })
        ));
    }
}
