//! Model evaluation data: one scan of the current data runs the models (or reads the
//! prediction columns) and keeps per row only what metrics, slices and fairness need, in an
//! [`EvalFrame`]. Metric definitions live in `assay-stats`; checks in `checks::model` and
//! `checks::fairness`.

mod context;
mod frame;
mod labels;
pub mod slices;

pub use context::{plan, prepare, EvalContext, EvalPlan, DISCOVERY_MAX_DISTINCT};
pub use frame::{build_frame, EvalFrame, EvalSetup, EvalTask, Grouping, Outputs, Slice};
pub use labels::{label_texts, sort_classes};
