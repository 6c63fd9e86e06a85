//! Saltelli's cross-sampled Sobol' design for variance-based indices.

use super::design::{check_block, Design};
use super::sobol::{analyze, SobolIndices, SobolOptions};
use super::sobol_sequence::SOBOL_MAX_POINTS;
use super::{Problem, SensitivityError, SobolSequence};

/// Options of a [`SaltelliDesign`] (the default: first order, no skipped points).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SaltelliOptions {
    /// Also cross-sample `B` into `A` for second-order indices (`N·(2D+2)` rows instead of
    /// `N·(D+2)`). SALib's `calc_second_order`. Default `false`.
    pub second_order: bool,
    /// Sobol' points skipped before the first base sample (SALib's `skip_values`, scipy's
    /// `fast_forward`). Default 0, as SALib's `sample.sobol.sample`: the first base sample is
    /// then the origin, so `A = B` for it (harmless for the estimators, but it maps to `−∞`
    /// for a normal input, which is rejected; skip at least 1 point, ideally a power of two
    /// `≥ N`, for such inputs).
    pub skip: u64,
}

/// The design of SALib's `sample.sobol.sample(problem, N, calc_second_order, scramble=False,
/// skip_values=skip)` (SALib 1.6), generated block by block.
///
/// Base sample `i` is Sobol' point `skip + i` in `2D` dimensions (scipy
/// `qmc.Sobol(2D, scramble=False)`): its first `D` coordinates are the row of `A`, the last
/// `D` the row of `B`. Each base sample gives `D + 2` consecutive rows: `A`, then `AB_1 ..
/// AB_D` (`A` with column `j` taken from `B`), then `B`; with second order, `BA_1 .. BA_D` (`B`
/// with column `j` from `A`) come between `AB_D` and `B` (`2D + 2` rows). Coordinates are
/// mapped to the inputs by each input's [`Distribution::ppf`](super::Distribution::ppf).
///
/// ```
/// use assay_stats::sensitivity::{
///     Design, Ishigami, SaltelliDesign, SaltelliOptions, SobolOptions,
/// };
///
/// let ishigami = Ishigami::default();
/// let design = SaltelliDesign::new(ishigami.problem(), 1024, SaltelliOptions::default())?;
/// let mut y = Vec::with_capacity(design.rows());
/// for block in design.blocks(4096) {
///     let (_start, rows) = block?;
///     y.extend(rows.chunks_exact(3).map(|x| ishigami.evaluate([x[0], x[1], x[2]])));
/// }
/// let si = design.analyze(&y, &SobolOptions::default())?;
/// assert!((si.s1[1] - ishigami.first_order()[1]).abs() < 0.05);
/// # Ok::<(), assay_stats::sensitivity::SensitivityError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SaltelliDesign {
    problem: Problem,
    base_samples: usize,
    options: SaltelliOptions,
    sequence: SobolSequence,
}

impl SaltelliDesign {
    /// A design of `base_samples` (SALib's `N`, ideally a power of two) base samples.
    pub fn new(
        problem: Problem,
        base_samples: usize,
        options: SaltelliOptions,
    ) -> Result<Self, SensitivityError> {
        if base_samples == 0 {
            return Err(SensitivityError::InvalidParameter {
                what: "number of base samples",
                expected: "at least 1",
                got: "0".to_string(),
            });
        }
        let d = problem.dims();
        let sequence = SobolSequence::new(2 * d)?;
        let last = options.skip.checked_add(base_samples as u64);
        if last.is_none_or(|last| last > SOBOL_MAX_POINTS) {
            return Err(SensitivityError::SequenceExhausted {
                index: last.unwrap_or(u64::MAX).saturating_sub(1),
                max: SOBOL_MAX_POINTS,
            });
        }
        let rows_per_sample = if options.second_order {
            2 * d + 2
        } else {
            d + 2
        };
        if base_samples.checked_mul(rows_per_sample).is_none() {
            return Err(SensitivityError::InvalidParameter {
                what: "number of base samples",
                expected: "small enough for the row count to fit in usize",
                got: base_samples.to_string(),
            });
        }
        if options.skip == 0 {
            problem.check_finite_at(
                0.0,
                "with skip = 0 the first base sample is the all-zero Sobol' point; skip at \
                 least 1 point (ideally a power of two >= N)",
            )?;
        }
        Ok(Self {
            problem,
            base_samples,
            options,
            sequence,
        })
    }

    /// The problem.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// Number of base samples `N`.
    pub fn base_samples(&self) -> usize {
        self.base_samples
    }

    /// The options.
    pub fn options(&self) -> SaltelliOptions {
        self.options
    }

    /// Rows per base sample: `D + 2`, or `2D + 2` with second order.
    pub fn rows_per_sample(&self) -> usize {
        let d = self.problem.dims();
        if self.options.second_order {
            2 * d + 2
        } else {
            d + 2
        }
    }

    /// Sobol' indices from the model outputs on this design's rows, in row order
    /// (see [`sobol::analyze`](super::sobol::analyze)).
    pub fn analyze(
        &self,
        y: &[f64],
        options: &SobolOptions,
    ) -> Result<SobolIndices, SensitivityError> {
        analyze(self.problem.dims(), self.options.second_order, y, options)
    }

    /// Scaled `A` (first `D`) and `B` (last `D`) of a base sample's unit coordinates.
    fn scaled_base(&self, unit: &[f64], scaled: &mut [f64]) {
        let d = self.problem.dims();
        for (k, (s, &u)) in scaled.iter_mut().zip(unit).enumerate() {
            let column = if k < d { k } else { k - d };
            *s = self
                .problem
                .distributions()
                .get(column)
                .map_or(f64::NAN, |dist| dist.ppf(u));
        }
    }
}

impl Design for SaltelliDesign {
    fn dims(&self) -> usize {
        self.problem.dims()
    }

    fn rows(&self) -> usize {
        self.base_samples * self.rows_per_sample()
    }

    fn fill_block(&self, start_row: usize, out: &mut [f64]) -> Result<(), SensitivityError> {
        let d = self.problem.dims();
        let n = check_block(start_row, out.len(), d, self.rows())?;
        if n == 0 {
            return Ok(());
        }
        let step = self.rows_per_sample();
        let sample = start_row / step;
        let mut position = start_row % step;
        let mut cursor = self.sequence.cursor(self.options.skip + sample as u64)?;
        let mut unit = vec![0.0; 2 * d];
        let mut scaled = vec![0.0; 2 * d];
        cursor.fill(&mut unit);
        self.scaled_base(&unit, &mut scaled);
        let (a, b) = scaled.split_at(d);
        let (mut a, mut b) = (a.to_vec(), b.to_vec());
        for row in out.chunks_exact_mut(d) {
            if position == step {
                position = 0;
                cursor.advance()?;
                cursor.fill(&mut unit);
                self.scaled_base(&unit, &mut scaled);
                let (sa, sb) = scaled.split_at(d);
                a.copy_from_slice(sa);
                b.copy_from_slice(sb);
            }
            if position == 0 {
                row.copy_from_slice(&a);
            } else if position == step - 1 {
                row.copy_from_slice(&b);
            } else if position <= d {
                // AB_j: A with column j from B.
                let j = position - 1;
                row.copy_from_slice(&a);
                if let (Some(slot), Some(&v)) = (row.get_mut(j), b.get(j)) {
                    *slot = v;
                }
            } else {
                // BA_j: B with column j from A.
                let j = position - 1 - d;
                row.copy_from_slice(&b);
                if let (Some(slot), Some(&v)) = (row.get_mut(j), a.get(j)) {
                    *slot = v;
                }
            }
            position += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensitivity::Distribution;

    fn unit_problem(d: usize) -> Problem {
        let names: Vec<String> = (0..d).map(|i| format!("x{i}")).collect();
        let inputs: Vec<(&str, f64, f64)> = names.iter().map(|n| (n.as_str(), 0.0, 1.0)).collect();
        Problem::uniform(&inputs).unwrap()
    }

    #[test]
    fn layout_first_order() {
        let design = SaltelliDesign::new(
            unit_problem(2),
            2,
            SaltelliOptions {
                second_order: false,
                skip: 1,
            },
        )
        .unwrap();
        assert_eq!(design.rows(), 8);
        // Sobol' points 1 and 2 in 4 dimensions: [.5,.5,.5,.5], [.75,.25,.25,.25].
        let rows = design.block(0, 8).unwrap();
        let want = [
            [0.5, 0.5],
            [0.5, 0.5],
            [0.5, 0.5],
            [0.5, 0.5],
            [0.75, 0.25],
            [0.25, 0.25],
            [0.75, 0.25],
            [0.25, 0.25],
        ];
        assert_eq!(rows, want.concat());
        // Any sub-block equals the slice of the whole.
        for start in 0..8 {
            for len in 0..=(8 - start) {
                assert_eq!(
                    design.block(start, len).unwrap(),
                    rows[start * 2..(start + len) * 2].to_vec()
                );
            }
        }
    }

    #[test]
    fn layout_second_order() {
        let design = SaltelliDesign::new(
            unit_problem(2),
            1,
            SaltelliOptions {
                second_order: true,
                skip: 4,
            },
        )
        .unwrap();
        // Point 4 in 4 dims: [.375, .375, .625, .875] -> A = [.375,.375], B = [.625,.875].
        let rows = design.block(0, design.rows()).unwrap();
        let want = [
            [0.375, 0.375],
            [0.625, 0.375],
            [0.375, 0.875],
            [0.375, 0.875],
            [0.625, 0.375],
            [0.625, 0.875],
        ];
        assert_eq!(rows, want.concat());
    }

    #[test]
    fn rejects_bad_configurations() {
        assert!(matches!(
            SaltelliDesign::new(unit_problem(2), 0, SaltelliOptions::default()),
            Err(SensitivityError::InvalidParameter { .. })
        ));
        let normal = Problem::new(
            vec!["n".into()],
            vec![Distribution::Normal { mean: 0.0, sd: 1.0 }],
        )
        .unwrap();
        assert!(matches!(
            SaltelliDesign::new(normal.clone(), 8, SaltelliOptions::default()),
            Err(SensitivityError::UnboundedAtEdge { .. })
        ));
        let ok = SaltelliDesign::new(
            normal,
            8,
            SaltelliOptions {
                second_order: false,
                skip: 8,
            },
        )
        .unwrap();
        assert!(ok
            .block(0, ok.rows())
            .unwrap()
            .iter()
            .all(|v| v.is_finite()));
        assert!(matches!(
            SaltelliDesign::new(unit_problem(1025), 8, SaltelliOptions::default()),
            Err(SensitivityError::TooManyDimensions { needed: 2050, .. })
        ));
        assert!(matches!(
            SaltelliDesign::new(
                unit_problem(1),
                8,
                SaltelliOptions {
                    second_order: false,
                    skip: SOBOL_MAX_POINTS - 4
                }
            ),
            Err(SensitivityError::SequenceExhausted { .. })
        ));
        let d = SaltelliDesign::new(unit_problem(1), 2, SaltelliOptions::default()).unwrap();
        assert_eq!(
            d.block(5, 2),
            Err(SensitivityError::RowRange {
                start: 5,
                end: 7,
                rows: 6
            })
        );
    }
}
