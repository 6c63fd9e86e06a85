//! The unscrambled Sobol' low-discrepancy sequence, point for point as scipy's.

use super::sobol_directions::{MAX_DIMS, POLY, VINIT};
use super::SensitivityError;

/// Bits of every coordinate (scipy's default `bits`).
pub const SOBOL_BITS: u32 = 30;

/// Number of points of the sequence (scipy's `maxn = 2**bits`).
pub const SOBOL_MAX_POINTS: u64 = 1 << SOBOL_BITS;

/// The Sobol' sequence of `scipy.stats.qmc.Sobol(d, scramble=False)` (scipy 1.17): Joe-Kuo
/// direction numbers (`new-joe-kuo-6.21201`, the first 2048 dimensions embedded), 30-bit
/// coordinates, points in Gray-code order starting at the origin. Point `i` is
/// `XOR_k { v_k : bit k of gray(i) }`, `gray(i) = i ^ (i >> 1)`, times `2^-30`, so any point is
/// computed directly and a block of consecutive points with one XOR per coordinate and point;
/// scipy's `fast_forward(m)` followed by `random(n)` gives points `m..m+n`.
///
/// ```
/// use assay_stats::sensitivity::SobolSequence;
///
/// let sobol = SobolSequence::new(2).unwrap();
/// assert_eq!(sobol.points(0, 4).unwrap(), vec![0.0, 0.0, 0.5, 0.5, 0.75, 0.25, 0.25, 0.75]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SobolSequence {
    dims: usize,
    /// Scaled direction numbers, `dims × SOBOL_BITS`, row-major (scipy's `_sv`).
    directions: Vec<u32>,
}

impl SobolSequence {
    /// Most dimensions available (the size of the embedded direction-number table).
    pub const MAX_DIMS: usize = MAX_DIMS;

    /// The sequence in `dims` dimensions (`1..=MAX_DIMS`).
    pub fn new(dims: usize) -> Result<Self, SensitivityError> {
        if dims == 0 {
            return Err(SensitivityError::InvalidParameter {
                what: "Sobol' dimensions",
                expected: "at least 1",
                got: "0".to_string(),
            });
        }
        if dims > MAX_DIMS {
            return Err(SensitivityError::TooManyDimensions {
                needed: dims,
                available: MAX_DIMS,
            });
        }
        let bits = SOBOL_BITS as usize;
        let mut directions = vec![0u32; dims * bits];
        let mut offset = 0usize;
        for (d, row) in directions.chunks_exact_mut(bits).enumerate() {
            // scipy `_initialize_v`, on unscaled direction numbers m_j (odd, m_j < 2^(j+1)).
            let mut v = [0u64; SOBOL_BITS as usize];
            if d == 0 {
                v.fill(1);
            } else {
                let poly = u64::from(POLY.get(d).copied().unwrap_or(1));
                let degree = (63 - poly.leading_zeros()) as usize;
                for (j, slot) in v.iter_mut().take(degree).enumerate() {
                    *slot = u64::from(VINIT.get(offset + j).copied().unwrap_or(1));
                }
                offset += degree;
                for j in degree..bits {
                    let mut next = v[j - degree];
                    let mut pow2 = 1u64;
                    for k in 0..degree {
                        pow2 <<= 1;
                        if (poly >> (degree - 1 - k)) & 1 == 1 {
                            next ^= pow2 * v[j - k - 1];
                        }
                    }
                    v[j] = next;
                }
            }
            for (j, (slot, m)) in row.iter_mut().zip(v).enumerate() {
                *slot = (m << (bits - 1 - j)) as u32;
            }
        }
        Ok(Self { dims, directions })
    }

    /// Number of dimensions.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// The 30 scaled direction numbers of dimension `dim` (a row of scipy's `Sobol._sv`), or
    /// `None` past the last dimension.
    pub fn directions(&self, dim: usize) -> Option<&[u32]> {
        let bits = SOBOL_BITS as usize;
        self.directions.get(dim * bits..(dim + 1) * bits)
    }

    /// The integer coordinates (`x · 2^30`) of point `index` into `out` (`dims` values).
    pub fn point_bits(&self, index: u64, out: &mut [u32]) -> Result<(), SensitivityError> {
        if index >= SOBOL_MAX_POINTS {
            return Err(SensitivityError::SequenceExhausted {
                index,
                max: SOBOL_MAX_POINTS,
            });
        }
        let gray = index ^ (index >> 1);
        let bits = SOBOL_BITS as usize;
        for (x, row) in out.iter_mut().zip(self.directions.chunks_exact(bits)) {
            let mut acc = 0u32;
            let mut g = gray;
            let mut k = 0usize;
            while g != 0 {
                if g & 1 == 1 {
                    acc ^= row.get(k).copied().unwrap_or(0);
                }
                g >>= 1;
                k += 1;
            }
            *x = acc;
        }
        Ok(())
    }

    /// Points `start..start + n`, row-major (`n × dims` values in `[0, 1)`).
    pub fn points(&self, start: u64, n: usize) -> Result<Vec<f64>, SensitivityError> {
        let mut out = Vec::with_capacity(n.saturating_mul(self.dims));
        let mut cursor = self.cursor(start)?;
        let mut row = vec![0.0; self.dims];
        for i in 0..n {
            if i > 0 {
                cursor.advance()?;
            }
            cursor.fill(&mut row);
            out.extend_from_slice(&row);
        }
        Ok(out)
    }

    /// A cursor at point `start`, to walk consecutive points in Gray-code order.
    pub fn cursor(&self, start: u64) -> Result<SobolCursor<'_>, SensitivityError> {
        let mut quasi = vec![0u32; self.dims];
        self.point_bits(start, &mut quasi)?;
        Ok(SobolCursor {
            sequence: self,
            index: start,
            quasi,
        })
    }
}

/// A position in a [`SobolSequence`]: the current point and how to step to the next.
#[derive(Debug, Clone)]
pub struct SobolCursor<'a> {
    sequence: &'a SobolSequence,
    index: u64,
    quasi: Vec<u32>,
}

impl SobolCursor<'_> {
    /// Index of the current point.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// Integer coordinates (`x · 2^30`) of the current point.
    pub fn bits(&self) -> &[u32] {
        &self.quasi
    }

    /// Writes the current point's coordinates in `[0, 1)` to `out` (`dims` values).
    pub fn fill(&self, out: &mut [f64]) {
        let scale = 1.0 / SOBOL_MAX_POINTS as f64;
        for (o, &q) in out.iter_mut().zip(&self.quasi) {
            *o = f64::from(q) * scale;
        }
    }

    /// Moves to the next point: XOR with the direction numbers of the lowest zero bit of the
    /// current index (scipy's `_draw`).
    pub fn advance(&mut self) -> Result<(), SensitivityError> {
        let next = self.index + 1;
        if next >= SOBOL_MAX_POINTS {
            return Err(SensitivityError::SequenceExhausted {
                index: next,
                max: SOBOL_MAX_POINTS,
            });
        }
        let bit = self.index.trailing_ones() as usize;
        let bits = SOBOL_BITS as usize;
        for (q, row) in self
            .quasi
            .iter_mut()
            .zip(self.sequence.directions.chunks_exact(bits))
        {
            *q ^= row.get(bit).copied().unwrap_or(0);
        }
        self.index = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_points_match_scipy() {
        // scipy.stats.qmc.Sobol(4, scramble=False).random(8)
        let want = [
            [0.0, 0.0, 0.0, 0.0],
            [0.5, 0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25, 0.25],
            [0.25, 0.75, 0.75, 0.75],
            [0.375, 0.375, 0.625, 0.875],
            [0.875, 0.875, 0.125, 0.375],
            [0.625, 0.125, 0.875, 0.625],
            [0.125, 0.625, 0.375, 0.125],
        ];
        let sobol = SobolSequence::new(4).unwrap();
        let got = sobol.points(0, 8).unwrap();
        assert_eq!(got, want.concat());
        // Direct access equals walking.
        let mut bits = [0u32; 4];
        sobol.point_bits(6, &mut bits).unwrap();
        let direct: Vec<f64> = bits.iter().map(|&b| f64::from(b) / 2f64.powi(30)).collect();
        assert_eq!(direct, want[6].to_vec());
        // fast_forward(4).random(2)
        assert_eq!(sobol.points(4, 2).unwrap(), [want[4], want[5]].concat());
    }

    #[test]
    fn dimension_limits() {
        assert!(matches!(
            SobolSequence::new(0),
            Err(SensitivityError::InvalidParameter { .. })
        ));
        assert_eq!(
            SobolSequence::new(SobolSequence::MAX_DIMS + 1),
            Err(SensitivityError::TooManyDimensions {
                needed: SobolSequence::MAX_DIMS + 1,
                available: SobolSequence::MAX_DIMS
            })
        );
        let s = SobolSequence::new(1).unwrap();
        assert!(matches!(
            s.points(SOBOL_MAX_POINTS - 1, 2),
            Err(SensitivityError::SequenceExhausted { .. })
        ));
        assert_eq!(s.points(SOBOL_MAX_POINTS - 1, 1).map(|p| p.len()), Ok(1));
        assert!(s.directions(1).is_none());
        assert_eq!(s.directions(0).map(|d| d[0]), Some(1 << 29));
    }
}
