//! Model execution for assay.
//!
//! [`OnnxModel`] loads an ONNX model with [tract](https://github.com/sonos/tract) (pure Rust),
//! adding the ONNX-ML operators scikit-learn's converters emit by default that tract lacks
//! (`ZipMap`, `Scaler`, `TreeEnsembleRegressor`: see [`onnx_ml`]), binds dataset columns to
//! its inputs by name (or a `[N, F]` input to an ordered feature list), and runs it on Arrow
//! batches split across threads. Classifiers give a label index and class probabilities per
//! row; regressors a value. [`Model`] runs either an ONNX file or a model registered by a
//! front end in this process ([`external`]: a Python callable or estimator), batch by batch.
//!
//! ```no_run
//! use assay_model::OnnxModel;
//! let model = OnnxModel::load("examples/adult/models/adult_gbt.onnx").unwrap();
//! println!("{:?} reads {:?}", model.task(), model.inputs());
//! ```

#![warn(missing_docs)]

mod any_model;
pub mod benchmark;
mod error;
pub mod external;
pub mod learners;
mod model;
pub mod onnx_ml;
pub mod trainer;

pub use any_model::{InProcessModel, Model};
pub use error::ModelError;
pub use model::CHUNK_ROWS;
pub use model::{
    column_f64, Binding, ElementType, ModelInput, ModelTask, OnnxModel, Predictions,
    FEATURES_METADATA_KEY,
};

pub use benchmark::{
    bench, BenchConfig, BenchResult, LatencyStats, Throughput, HISTOGRAM_BINS_PER_DECADE,
    MAX_ITERATIONS,
};
pub use trainer::{
    write_rows, FoldFileFormat, FoldFiles, TrainerCommand, TrainerError, TrainerRun, TrainerStatus,
    STDERR_TAIL_BYTES, STDOUT_TAIL_BYTES, WRITE_CHUNK_ROWS,
};
