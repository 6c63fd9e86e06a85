//! Global sensitivity analysis: designs and estimators, as SALib 1.6.
//!
//! A [`Problem`] names the model inputs and their [`Distribution`]s. A design
//! ([`SaltelliDesign`] for Sobol' indices, [`MorrisDesign`] for elementary-effects screening,
//! [`OatDesign`] for one-at-a-time sweeps) is a [`Design`]: it never holds its matrix, it
//! generates any block of rows on demand, so the caller evaluates the model block by block and
//! keeps only the outputs. The outputs, in row order, go back to the design's `analyze`
//! method (or [`sobol::analyze`] / [`morris::analyze_rows`] for a design held elsewhere).
//!
//! Parity with SALib (`scripts/gen_sensitivity_fixtures.py`, `tests/sensitivity_parity.rs`):
//!
//! - the Sobol' sequence is scipy's `qmc.Sobol(d, scramble=False)` point for point
//!   ([`SobolSequence`], Joe-Kuo direction numbers for 2048 dimensions);
//! - [`SaltelliDesign`] equals `SALib.sample.sobol.sample(..., scramble=False)`, and
//!   [`MorrisDesign`] equals `SALib.sample.morris.sample(..., seed=s)`: numpy's
//!   `default_rng` is reproduced bit for bit ([`NumpyGenerator`]);
//! - the estimators equal SALib's given the same outputs, the bootstrap confidence
//!   half-widths included when SALib is given the same seed.
//!
//! ```
//! use assay_stats::sensitivity::{
//!     design, Design, MorrisAnalyzeOptions, MorrisDesign, MorrisOptions, SobolG,
//! };
//!
//! let g = SobolG::new(vec![0.0, 1.0, 9.0])?;
//! let morris = MorrisDesign::new(g.problem(), 50, MorrisOptions::default())?;
//! let y = design::evaluate(&morris, 1024, |x| g.evaluate_row(x).unwrap_or(f64::NAN))?;
//! let si = morris.analyze(&y, &MorrisAnalyzeOptions::default())?;
//! assert!(si.mu_star[0] > si.mu_star[1] && si.mu_star[1] > si.mu_star[2]);
//! # Ok::<(), assay_stats::sensitivity::SensitivityError>(())
//! ```

pub mod design;
pub mod distribution;
pub mod error;
pub mod morris;
mod numeric;
pub mod numpy_rng;
pub mod oat;
pub mod problem;
pub mod saltelli;
pub mod sobol;
mod sobol_directions;
pub mod sobol_sequence;
pub mod test_functions;

pub use design::{Blocks, Design};
pub use distribution::Distribution;
pub use error::SensitivityError;
pub use morris::{MorrisAnalyzeOptions, MorrisDesign, MorrisIndices, MorrisOptions};
pub use numpy_rng::NumpyGenerator;
pub use oat::{OatDesign, OatEffect, OatOptions, OatResult};
pub use problem::Problem;
pub use saltelli::{SaltelliDesign, SaltelliOptions};
pub use sobol::{SecondOrderIndex, SobolIndices, SobolOptions};
pub use sobol_sequence::{SobolCursor, SobolSequence, SOBOL_BITS, SOBOL_MAX_POINTS};
pub use test_functions::{Ishigami, SobolG};
