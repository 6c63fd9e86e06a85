//! Model-evaluation statistics: classification, probabilistic, ranking and regression metrics,
//! confidence intervals, the bootstrap, significance tests and group-fairness rates.
//!
//! Every definition follows a reference implementation and says which: metrics as
//! scikit-learn 1.9, intervals and McNemar as statsmodels 0.15, fairness as Fairlearn 0.15.
//! Parity with them is checked by `tests/metrics_parity.rs` against fixtures written by
//! `scripts/gen_metric_fixtures.py`.
//!
//! Conventions shared by every function here:
//!
//! - Class labels are indices `0..k`; probabilities are row-major `n × k` slices.
//! - Weights are optional per-row sample weights (as scikit-learn's `sample_weight`),
//!   expected finite and non-negative. A weight slice whose length differs from the rows makes
//!   the functions returning `Option` return `None`.
//! - No function returns NaN: where the reference would return NaN or raise (empty input, a
//!   zero total weight, a zero denominator that scikit-learn warns about), the result is
//!   `None`. Where scikit-learn's documented default (`zero_division="warn"`) gives 0.0, so
//!   does assay, and the function says so.
//!
//! ```
//! use assay_stats::metrics::classification::{Average, Confusion};
//! use assay_stats::metrics::ranking::RankedScores;
//!
//! let y_true = [0, 1, 1, 0, 1];
//! let y_pred = [0, 1, 0, 0, 1];
//! let c = Confusion::new(&y_true, &y_pred, None, 2);
//! assert_eq!(c.accuracy(), Some(0.8));
//! assert_eq!(c.precision(Average::Binary { positive: 1 }), Some(1.0));
//!
//! let ranked = RankedScores::new(&[0.1, 0.9, 0.4, 0.35, 0.8]).unwrap();
//! let positive = [false, true, true, false, true];
//! assert_eq!(ranked.roc_auc(&positive, None), Some(1.0));
//! ```

pub mod bootstrap;
pub mod classification;
pub mod fairness;
pub mod intervals;
pub mod probabilistic;
pub mod ranking;
pub mod regression;
pub mod significance;
mod support;
