//! Model validation: cross-validation over splitters (built-in learners or an external
//! trainer), the data and model that sensitivity and robustness analyses run on, and
//! inference benchmarks. Prepared once per run in a [`ValidationContext`], read by the
//! `crossval.*`, `generalization.*`, `sensitivity.*`, `robustness.*` and `performance.*`
//! checks.

mod analysis;
mod context;
pub mod crossval;
pub mod data;
pub mod folds;
pub mod marginals;
pub mod split_source;

pub use analysis::{AnalysisSetup, OutputChoice};
pub use context::{prepare, BenchRun, UnseenSegment, ValidationContext, ValidationNeeds};
pub use crossval::{CrossvalRun, FoldIndices, FoldResult, Summary, Training};
pub use data::{CvData, FeatureData};
pub use folds::{make_folds, splitter_spec};
pub use marginals::Marginal;
