//! Models and learners that run outside assay's own runtime, in the same process: a Python
//! callable, a scikit-learn estimator, anything a front end can call with a batch of rows.
//!
//! A front end registers an [`ExternalModel`] (or an [`ExternalLearner`], which trains one)
//! under a name such as `python://LogisticRegression`, puts that name where a suite takes a
//! model file (or a learner name), and deregisters it when the run ends (the registration is
//! a guard). [`Model::load`](crate::Model::load) finds registered models before it looks for
//! a file, so every command that runs a model (evaluation, sensitivity, benchmarks,
//! cross-validation) runs these too, batch by batch.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

use arrow::array::ArrayRef;
use arrow::record_batch::RecordBatch;

use crate::{ModelTask, Predictions};

/// Rows per call of an external model unless its front end says otherwise: calls into an
/// interpreter cost far more than a row, so batches are large.
pub const EXTERNAL_BATCH_ROWS: usize = 65_536;

/// A model run by its own code, one batch of rows at a time.
pub trait ExternalModel: Send + Sync {
    /// Classifier (with its classes, as text) or regressor.
    fn task(&self) -> &ModelTask;
    /// The feature columns it reads, in order, when it names them (scikit-learn's
    /// `feature_names_in_`); `None` when the caller must say.
    fn feature_names(&self) -> Option<&[String]>;
    /// Predicts the rows of `features` (the bound columns only, in binding order, with their
    /// types as read: text stays text). Classifiers give label indices into their classes
    /// and/or probabilities (`rows × classes`); regressors values. `Err` carries the model's
    /// own message.
    fn predict(&self, features: &RecordBatch) -> Result<Predictions, String>;
    /// Rows per call (default [`EXTERNAL_BATCH_ROWS`]).
    fn batch_rows(&self) -> usize {
        EXTERNAL_BATCH_ROWS
    }
}

/// Something that trains an [`ExternalModel`] per cross-validation fold (a scikit-learn
/// estimator, cloned and fitted).
pub trait ExternalLearner: Send + Sync {
    /// Fits a fresh model on the training rows: `features` holds the feature columns (types
    /// as read), `target` the target column. `Err` carries the learner's own message.
    fn fit(
        &self,
        features: &RecordBatch,
        target: &ArrayRef,
    ) -> Result<Arc<dyn ExternalModel>, String>;
}

type Registry<T> = LazyLock<Mutex<HashMap<String, Arc<T>>>>;

static MODELS: Registry<dyn ExternalModel> = LazyLock::new(Default::default);
static LEARNERS: Registry<dyn ExternalLearner> = LazyLock::new(Default::default);

fn lock<T: ?Sized>(
    m: &'static Mutex<HashMap<String, Arc<T>>>,
) -> MutexGuard<'static, HashMap<String, Arc<T>>> {
    // A panic while holding the lock leaves the map itself intact.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A registration, removed when dropped. [`name`](Self::name) is what suites refer to.
#[must_use = "the registration ends when the guard is dropped"]
#[derive(Debug)]
pub struct Registration {
    name: String,
    learner: bool,
}

impl Registration {
    /// The registered name (the one asked for, or with `#2`, `#3`... when it was taken).
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        if self.learner {
            lock(&LEARNERS).remove(&self.name);
        } else {
            lock(&MODELS).remove(&self.name);
        }
    }
}

fn insert<T: ?Sized>(
    registry: &'static Mutex<HashMap<String, Arc<T>>>,
    name: &str,
    value: Arc<T>,
) -> String {
    let mut map = lock(registry);
    let mut candidate = name.to_string();
    let mut n = 1;
    while map.contains_key(&candidate) {
        n += 1;
        candidate = format!("{name}#{n}");
    }
    map.insert(candidate.clone(), value);
    candidate
}

/// Registers `model` under `name` (made unique) until the guard is dropped.
pub fn register_model(name: &str, model: Arc<dyn ExternalModel>) -> Registration {
    Registration {
        name: insert(&MODELS, name, model),
        learner: false,
    }
}

/// Registers `learner` under `name` (made unique) until the guard is dropped.
pub fn register_learner(name: &str, learner: Arc<dyn ExternalLearner>) -> Registration {
    Registration {
        name: insert(&LEARNERS, name, learner),
        learner: true,
    }
}

/// The model registered under `name`.
pub fn registered_model(name: &str) -> Option<Arc<dyn ExternalModel>> {
    lock(&MODELS).get(name).cloned()
}

/// The learner registered under `name`.
pub fn registered_learner(name: &str) -> Option<Arc<dyn ExternalLearner>> {
    lock(&LEARNERS).get(name).cloned()
}

/// Whether `name` is a registered model or learner (suites leave such names unresolved).
pub fn is_registered(name: &str) -> bool {
    lock(&MODELS).contains_key(name) || lock(&LEARNERS).contains_key(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Constant(ModelTask);

    impl ExternalModel for Constant {
        fn task(&self) -> &ModelTask {
            &self.0
        }
        fn feature_names(&self) -> Option<&[String]> {
            None
        }
        fn predict(&self, features: &RecordBatch) -> Result<Predictions, String> {
            Ok(Predictions {
                values: Some(vec![1.0; features.num_rows()]),
                ..Predictions::default()
            })
        }
    }

    #[test]
    fn registrations_are_unique_and_end_with_their_guard() {
        let a = register_model("test://constant", Arc::new(Constant(ModelTask::Regressor)));
        let b = register_model("test://constant", Arc::new(Constant(ModelTask::Regressor)));
        assert_eq!(a.name(), "test://constant");
        assert_eq!(b.name(), "test://constant#2");
        assert!(is_registered("test://constant#2"));
        drop(b);
        assert!(!is_registered("test://constant#2"));
        assert!(registered_model("test://constant").is_some());
        drop(a);
        assert!(registered_model("test://constant").is_none());
        assert!(registered_learner("test://constant").is_none());
    }
}
