//! Designs as sources of rows, generated block by block.

use rayon::prelude::*;

use super::SensitivityError;

/// A sensitivity design: `rows()` points of `dims()` inputs, generated on demand. No design
/// holds its matrix: [`Design::fill_block`] computes any range of rows, so a caller evaluates
/// the model block by block in bounded memory.
pub trait Design {
    /// Inputs per row.
    fn dims(&self) -> usize;

    /// Rows in the design.
    fn rows(&self) -> usize;

    /// Writes rows `start_row..start_row + out.len() / dims()` to `out`, row-major. `out` must
    /// hold a whole number of rows, all inside the design.
    fn fill_block(&self, start_row: usize, out: &mut [f64]) -> Result<(), SensitivityError>;

    /// Rows `start_row..start_row + rows` as a new row-major vector.
    fn block(&self, start_row: usize, rows: usize) -> Result<Vec<f64>, SensitivityError> {
        let len = rows
            .checked_mul(self.dims())
            .ok_or(SensitivityError::RowRange {
                start: start_row,
                end: start_row.saturating_add(rows),
                rows: self.rows(),
            })?;
        check_block(start_row, len, self.dims(), self.rows())?;
        let mut out = vec![0.0; len];
        self.fill_block(start_row, &mut out)?;
        Ok(out)
    }

    /// The design in consecutive blocks of at most `block_rows` rows (the last may be
    /// shorter), each with its first row's index.
    fn blocks(&self, block_rows: usize) -> Blocks<'_, Self>
    where
        Self: Sized,
    {
        Blocks {
            design: self,
            next: 0,
            block_rows: block_rows.max(1),
        }
    }
}

/// Iterator over a design's blocks (see [`Design::blocks`]).
#[derive(Debug)]
pub struct Blocks<'a, D> {
    design: &'a D,
    next: usize,
    block_rows: usize,
}

impl<D: Design> Iterator for Blocks<'_, D> {
    type Item = Result<(usize, Vec<f64>), SensitivityError>;

    fn next(&mut self) -> Option<Self::Item> {
        let total = self.design.rows();
        if self.next >= total {
            return None;
        }
        let start = self.next;
        let rows = self.block_rows.min(total - start);
        self.next = start + rows;
        Some(self.design.block(start, rows).map(|b| (start, b)))
    }
}

/// Evaluates `model` on every row of `design`, generating `block_rows` rows at a time (rows of
/// a block in parallel), and returns the outputs in row order. Memory: the outputs plus one
/// block.
pub fn evaluate<D, F>(design: &D, block_rows: usize, model: F) -> Result<Vec<f64>, SensitivityError>
where
    D: Design + ?Sized,
    F: Fn(&[f64]) -> f64 + Sync,
{
    let dims = design.dims();
    if dims == 0 {
        return Err(SensitivityError::NoInputs);
    }
    let total = design.rows();
    let block_rows = block_rows.max(1);
    let mut y = Vec::with_capacity(total);
    let mut buffer = Vec::new();
    let mut start = 0;
    while start < total {
        let rows = block_rows.min(total - start);
        buffer.resize(rows * dims, 0.0);
        design.fill_block(start, &mut buffer)?;
        let outputs: Vec<f64> = buffer.par_chunks_exact(dims).map(&model).collect();
        y.extend(outputs);
        start += rows;
    }
    Ok(y)
}

/// Checks that a buffer of `len` values is whole rows inside a design; returns the row count.
pub(crate) fn check_block(
    start: usize,
    len: usize,
    dims: usize,
    rows: usize,
) -> Result<usize, SensitivityError> {
    if dims == 0 || !len.is_multiple_of(dims) {
        return Err(SensitivityError::BlockShape { len, dims });
    }
    let n = len / dims;
    let end = start.saturating_add(n);
    if end > rows {
        return Err(SensitivityError::RowRange { start, end, rows });
    }
    Ok(n)
}

/// Checks model outputs: the expected count and finiteness (the error names the first bad row).
pub(crate) fn check_outputs(y: &[f64], expected: usize) -> Result<(), SensitivityError> {
    if y.len() != expected {
        return Err(SensitivityError::OutputLength {
            expected: expected.to_string(),
            got: y.len(),
        });
    }
    check_finite(y)
}

/// The first non-finite output, as an error naming its row.
pub(crate) fn check_finite(y: &[f64]) -> Result<(), SensitivityError> {
    match y.iter().position(|v| !v.is_finite()) {
        Some(row) => Err(SensitivityError::NonFiniteOutput {
            row,
            value: y.get(row).copied().unwrap_or(f64::NAN),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Row `r` is `[r, 10 r]`.
    struct Ramp(usize);

    impl Design for Ramp {
        fn dims(&self) -> usize {
            2
        }
        fn rows(&self) -> usize {
            self.0
        }
        fn fill_block(&self, start: usize, out: &mut [f64]) -> Result<(), SensitivityError> {
            check_block(start, out.len(), 2, self.0)?;
            for (i, row) in out.chunks_exact_mut(2).enumerate() {
                row[0] = (start + i) as f64;
                row[1] = 10.0 * (start + i) as f64;
            }
            Ok(())
        }
    }

    #[test]
    fn blocks_cover_the_design() {
        let d = Ramp(5);
        let blocks: Vec<(usize, Vec<f64>)> = d.blocks(2).collect::<Result<_, _>>().unwrap();
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[2], (4, vec![4.0, 40.0]));
        assert_eq!(d.block(1, 2).unwrap(), vec![1.0, 10.0, 2.0, 20.0]);
        assert_eq!(
            d.block(4, 2),
            Err(SensitivityError::RowRange {
                start: 4,
                end: 6,
                rows: 5
            })
        );
        let mut odd = [0.0; 3];
        assert_eq!(
            d.fill_block(0, &mut odd),
            Err(SensitivityError::BlockShape { len: 3, dims: 2 })
        );
        let y = evaluate(&d, 2, |x| x[0] + x[1]).unwrap();
        assert_eq!(y, vec![0.0, 11.0, 22.0, 33.0, 44.0]);
    }

    #[test]
    fn output_checks_name_the_row() {
        assert!(matches!(
            check_outputs(&[1.0, f64::NAN], 2),
            Err(SensitivityError::NonFiniteOutput { row: 1, value }) if value.is_nan()
        ));
        assert_eq!(
            check_outputs(&[1.0], 2).map_err(|e| e.to_string()),
            Err("1 model outputs do not fit the design: expected 2".to_string())
        );
        assert_eq!(
            check_finite(&[0.0, 1.0, f64::INFINITY]).map_err(|e| e.to_string()),
            Err("model output at row 2 is inf; outputs must be finite".to_string())
        );
    }
}
