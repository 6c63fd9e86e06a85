//! Python models and learners, run by the core batch by batch.
//!
//! The Python side (`assay._models`) wraps a callable or an estimator in an object with a
//! fixed protocol — `task`, `classes`, `features`, `name`, `batch_rows`, and `_predict(batch)`
//! (a pyarrow `RecordBatch` of the feature columns in, `(labels, probabilities, values)` as
//! pyarrow arrays or `None` out); a learner has `name` and `_fit(features, target)` returning
//! such a model. Here they become the core's [`ExternalModel`] / [`ExternalLearner`],
//! registered for the length of one call under `python://NAME`: every command that runs a
//! model (evaluation, sensitivity, benchmarks, cross-validation) runs them as it runs ONNX
//! files. Each call takes the interpreter for the time of the Python code only.

use std::sync::Arc;

use arrow::array::{make_array, Array, ArrayData, ArrayRef, AsArray};
use arrow::datatypes::{DataType, Float64Type, UInt32Type};
use arrow::record_batch::RecordBatch;
use arrow_pyarrow::{FromPyArrow, ToPyArrow};
use pyo3::prelude::*;

use assay_model::external::{
    register_learner, register_model, ExternalLearner, ExternalModel, Registration,
};
use assay_model::{ModelTask, Predictions};

use crate::InputError;

/// A Python model, as the core sees it.
pub(crate) struct PythonModel {
    object: Py<PyAny>,
    task: ModelTask,
    features: Option<Vec<String>>,
    batch_rows: usize,
}

fn attribute<'py, T: FromPyObjectOwned<'py>>(
    object: &Bound<'py, PyAny>,
    name: &str,
) -> PyResult<T> {
    object.getattr(name)?.extract::<T>().map_err(|e| {
        let e: PyErr = e.into();
        InputError::new_err(format!("model attribute `{name}`: {e}"))
    })
}

impl PythonModel {
    /// Reads the protocol's attributes of a wrapped model.
    pub(crate) fn from_wrapper(object: &Bound<'_, PyAny>) -> PyResult<PythonModel> {
        let task: String = attribute(object, "task")?;
        let task = match task.as_str() {
            "classifier" => ModelTask::Classifier {
                classes: attribute::<Vec<String>>(object, "classes")?,
            },
            "regressor" => ModelTask::Regressor,
            other => {
                return Err(InputError::new_err(format!(
                    "model task `{other}`: expected classifier or regressor"
                )))
            }
        };
        let features: Option<Vec<String>> = attribute(object, "features")?;
        let batch_rows: usize = attribute(object, "batch_rows")?;
        Ok(PythonModel {
            object: object.clone().unbind(),
            task,
            features,
            batch_rows: batch_rows.max(1),
        })
    }
}

/// The values of a returned array, `None` when Python returned `None`.
fn values<T: arrow::datatypes::ArrowPrimitiveType>(
    array: &Bound<'_, PyAny>,
    what: &str,
    as_type: DataType,
) -> Result<Option<Vec<T::Native>>, String> {
    if array.is_none() {
        return Ok(None);
    }
    let data = ArrayData::from_pyarrow_bound(array)
        .map_err(|e| format!("its {what} are not an Arrow array: {e}"))?;
    let array: ArrayRef = make_array(data);
    if array.null_count() > 0 {
        return Err(format!("its {what} hold {} nulls", array.null_count()));
    }
    let array = arrow::compute::cast(&array, &as_type)
        .map_err(|e| format!("its {what} are not numbers: {e}"))?;
    Ok(Some(array.as_primitive::<T>().values().to_vec()))
}

/// The Python exception as text, with its type (`ValueError: ...`).
fn python_message(e: PyErr) -> String {
    Python::attach(|py| {
        let name = e
            .get_type(py)
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "Exception".into());
        format!("{name}: {}", e.value(py))
    })
}

impl ExternalModel for PythonModel {
    fn task(&self) -> &ModelTask {
        &self.task
    }

    fn feature_names(&self) -> Option<&[String]> {
        self.features.as_deref()
    }

    fn predict(&self, features: &RecordBatch) -> Result<Predictions, String> {
        Python::attach(|py| {
            let batch = features.to_pyarrow(py).map_err(python_message)?;
            let out = self
                .object
                .bind(py)
                .call_method1("_predict", (batch,))
                .map_err(python_message)?;
            let (labels, probabilities, model_values): (
                Bound<'_, PyAny>,
                Bound<'_, PyAny>,
                Bound<'_, PyAny>,
            ) = out.extract().map_err(|e| {
                format!("_predict must return (labels, probabilities, values): {e}")
            })?;
            Ok(Predictions {
                labels: values::<UInt32Type>(&labels, "labels", DataType::UInt32)?,
                probabilities: values::<Float64Type>(
                    &probabilities,
                    "probabilities",
                    DataType::Float64,
                )?,
                values: values::<Float64Type>(&model_values, "values", DataType::Float64)?,
            })
        })
    }

    fn batch_rows(&self) -> usize {
        self.batch_rows
    }
}

/// A Python learner (an estimator cloned and fitted per fold).
pub(crate) struct PythonLearner {
    object: Py<PyAny>,
}

impl ExternalLearner for PythonLearner {
    fn fit(
        &self,
        features: &RecordBatch,
        target: &ArrayRef,
    ) -> Result<Arc<dyn ExternalModel>, String> {
        Python::attach(|py| {
            let x = features.to_pyarrow(py).map_err(python_message)?;
            let y = target.to_data().to_pyarrow(py).map_err(python_message)?;
            let fitted = self
                .object
                .bind(py)
                .call_method1("_fit", (x, y))
                .map_err(python_message)?;
            let model = PythonModel::from_wrapper(&fitted).map_err(python_message)?;
            Ok(Arc::new(model) as Arc<dyn ExternalModel>)
        })
    }
}

/// A model argument: a path (kept as given) or a wrapped Python model, registered for the
/// call (the registration ends when the returned guard is dropped).
pub(crate) fn model_path(
    object: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Option<String>, Option<Registration>)> {
    let Some(object) = object else {
        return Ok((None, None));
    };
    if let Ok(path) = object.extract::<String>() {
        return Ok((Some(path), None));
    }
    let name: String = attribute(object, "name")?;
    let model = PythonModel::from_wrapper(object)?;
    let registration = register_model(&format!("python://{name}"), Arc::new(model));
    Ok((Some(registration.name().to_string()), Some(registration)))
}

/// A learner argument: a built-in learner's name (kept) or a wrapped Python learner,
/// registered for the call.
pub(crate) fn learner_name(
    object: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Option<String>, Option<Registration>)> {
    let Some(object) = object else {
        return Ok((None, None));
    };
    if let Ok(name) = object.extract::<String>() {
        return Ok((Some(name), None));
    }
    let name: String = attribute(object, "name")?;
    let learner = PythonLearner {
        object: object.clone().unbind(),
    };
    let registration = register_learner(&format!("python://{name}"), Arc::new(learner));
    Ok((Some(registration.name().to_string()), Some(registration)))
}
