//! [`Model`]: whatever a suite names as its model — an ONNX file run by tract, or an
//! [`ExternalModel`] registered in this process (a Python model) — behind one interface.

use std::sync::Arc;

use arrow::datatypes::{Field, Schema};
use arrow::record_batch::RecordBatch;

use crate::external::{registered_model, ExternalModel};
use crate::{Binding, ElementType, ModelError, ModelInput, ModelTask, OnnxModel, Predictions};

/// A registered external model, with the inputs it reads.
pub struct InProcessModel {
    name: String,
    model: Arc<dyn ExternalModel>,
    inputs: Vec<ModelInput>,
    batch_rows: usize,
}

impl InProcessModel {
    /// Wraps `model` under `name` (what reports call it).
    pub fn new(name: &str, model: Arc<dyn ExternalModel>) -> InProcessModel {
        let inputs = model
            .feature_names()
            .unwrap_or_default()
            .iter()
            .map(|f| ModelInput {
                name: f.clone(),
                element: ElementType::F64,
                width: 1,
                rank: 2,
            })
            .collect();
        let batch_rows = model.batch_rows().max(1);
        InProcessModel {
            name: name.to_string(),
            model,
            inputs,
            batch_rows,
        }
    }
}

/// A model ready to run.
pub enum Model {
    /// An ONNX file.
    Onnx(OnnxModel),
    /// A model registered in this process (see [`crate::external`]).
    InProcess(InProcessModel),
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Model::Onnx(m) => m.fmt(f),
            Model::InProcess(m) => f
                .debug_struct("InProcessModel")
                .field("name", &m.name)
                .field("task", m.model.task())
                .finish(),
        }
    }
}

impl Model {
    /// The model registered as `path`, else the ONNX file at `path` (see [`OnnxModel::load`]).
    pub fn load(path: &str) -> Result<Model, ModelError> {
        match registered_model(path) {
            Some(m) => Ok(Model::InProcess(InProcessModel::new(path, m))),
            None => OnnxModel::load(path).map(Model::Onnx),
        }
    }

    /// As [`load`](Self::load), prepared for `rows` rows per call (an ONNX model's plan; an
    /// external model is called with up to that many rows).
    pub fn load_with_batch_rows(path: &str, rows: usize) -> Result<Model, ModelError> {
        match registered_model(path) {
            Some(m) => {
                if rows == 0 {
                    return Err(ModelError::Config {
                        path: path.to_string(),
                        reason: "the model must be called with at least 1 row (batch rows is 0)"
                            .into(),
                    });
                }
                let mut model = InProcessModel::new(path, m);
                model.batch_rows = rows;
                Ok(Model::InProcess(model))
            }
            None => OnnxModel::load_with_batch_rows(path, rows).map(Model::Onnx),
        }
    }

    /// The model file, or the name it was registered under.
    pub fn path(&self) -> &str {
        match self {
            Model::Onnx(m) => m.path(),
            Model::InProcess(m) => &m.name,
        }
    }

    /// Classifier or regressor.
    pub fn task(&self) -> &ModelTask {
        match self {
            Model::Onnx(m) => m.task(),
            Model::InProcess(m) => m.model.task(),
        }
    }

    /// The feature names the model carries (ONNX metadata, `feature_names_in_`).
    pub fn feature_names(&self) -> Option<&[String]> {
        match self {
            Model::Onnx(m) => m.feature_names(),
            Model::InProcess(m) => m.model.feature_names(),
        }
    }

    /// Its inputs (an external model: one per named feature).
    pub fn inputs(&self) -> &[ModelInput] {
        match self {
            Model::Onnx(m) => m.inputs(),
            Model::InProcess(m) => &m.inputs,
        }
    }

    /// Rows per model call.
    pub fn batch_rows(&self) -> usize {
        match self {
            Model::Onnx(m) => m.batch_rows(),
            Model::InProcess(m) => m.batch_rows,
        }
    }

    /// Whether rows with a null or non-finite input are left out before the model sees
    /// them: ONNX models cannot take them (as scikit-learn estimators refuse them); an
    /// external model gets every row and handles missing values itself (an imputer in its
    /// pipeline) or fails with its own message.
    pub fn drops_missing_inputs(&self) -> bool {
        matches!(self, Model::Onnx(_))
    }

    /// Whether the model runs in assay's own runtime (and so on several threads).
    pub fn is_onnx(&self) -> bool {
        matches!(self, Model::Onnx(_))
    }

    /// Binds dataset columns to the inputs ([`OnnxModel::bind`]); an external model takes
    /// `features` (or the names it carries) as one input, in order.
    pub fn bind(
        &self,
        available: &[String],
        features: Option<&[String]>,
    ) -> Result<Binding, ModelError> {
        match self {
            Model::Onnx(m) => m.bind(available, features),
            Model::InProcess(m) => {
                let err = |reason: String| ModelError::Binding {
                    path: m.name.clone(),
                    reason,
                };
                let names = features
                    .map(<[String]>::to_vec)
                    .or_else(|| m.model.feature_names().map(<[String]>::to_vec))
                    .ok_or_else(|| {
                        err("the model does not name its feature columns (no \
                             `feature_names_in_`): give them in the order it takes them \
                             (features=[...])"
                            .into())
                    })?;
                if names.is_empty() {
                    return Err(err("the feature column list is empty".into()));
                }
                if let Some(missing) = names.iter().find(|c| !available.contains(c)) {
                    return Err(err(format!(
                        "the model needs column `{missing}`, which the data does not have"
                    )));
                }
                Ok(Binding {
                    columns: vec![names],
                })
            }
        }
    }

    /// Runs the model on `batch` ([`OnnxModel::predict`]); an external model is called with
    /// the bound columns, [`batch_rows`](Self::batch_rows) rows at a time, on the calling
    /// thread (`threads` applies to ONNX models).
    pub fn predict(
        &self,
        binding: &Binding,
        batch: &RecordBatch,
        threads: usize,
    ) -> Result<Predictions, ModelError> {
        match self {
            Model::Onnx(m) => m.predict(binding, batch, threads),
            Model::InProcess(m) => m.predict(binding, batch),
        }
    }
}

impl InProcessModel {
    fn predict(&self, binding: &Binding, batch: &RecordBatch) -> Result<Predictions, ModelError> {
        let columns = binding.all_columns();
        let schema = batch.schema();
        let mut fields: Vec<Field> = Vec::with_capacity(columns.len());
        let mut arrays = Vec::with_capacity(columns.len());
        for name in &columns {
            let ix = schema.index_of(name).map_err(|_| ModelError::Binding {
                path: self.name.clone(),
                reason: format!("column `{name}` missing from the batch"),
            })?;
            fields.push(schema.field(ix).clone());
            arrays.push(batch.column(ix).clone());
        }
        let run_err = |reason: String| ModelError::Run {
            path: self.name.clone(),
            context: "calling the model".into(),
            reason,
        };
        let features = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
            .map_err(|e| run_err(e.to_string()))?;
        let classes = match self.model.task() {
            ModelTask::Classifier { classes } => Some(classes.len()),
            ModelTask::Regressor => None,
        };
        let mut out = Predictions::default();
        let total = features.num_rows();
        let mut start = 0;
        while start < total {
            assay_runtime::cancel::checkpoint();
            let rows = self.batch_rows.min(total - start);
            let p = self
                .model
                .predict(&features.slice(start, rows))
                .map_err(run_err)?;
            check_shape(&p, rows, classes).map_err(run_err)?;
            out.extend(p);
            start += rows;
        }
        Ok(out)
    }
}

/// Refuses predictions whose lengths do not match the rows (and classes) asked for.
fn check_shape(p: &Predictions, rows: usize, classes: Option<usize>) -> Result<(), String> {
    let wrong = |what: &str, got: usize, want: usize| {
        Err(format!(
            "it returned {got} {what} for {rows} rows (expected {want})"
        ))
    };
    match classes {
        Some(k) => {
            if p.labels.is_none() && p.probabilities.is_none() {
                return Err("a classifier must return labels or probabilities".into());
            }
            if let Some(l) = &p.labels {
                if l.len() != rows {
                    return wrong("labels", l.len(), rows);
                }
                if let Some(bad) = l.iter().find(|l| **l as usize >= k) {
                    return Err(format!("label index {bad} is not one of its {k} classes"));
                }
            }
            if let Some(pr) = &p.probabilities {
                if pr.len() != rows * k {
                    return wrong("probabilities", pr.len(), rows * k);
                }
            }
        }
        None => match &p.values {
            Some(v) if v.len() != rows => return wrong("values", v.len(), rows),
            Some(_) => {}
            None => return Err("a regressor must return one value per row".into()),
        },
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::external::register_model;
    use arrow::array::{Float64Array, StringArray};

    /// Predicts class 1 for rows whose `colour` is "red", with probability 0.9.
    struct RedIsOne {
        task: ModelTask,
        names: Vec<String>,
        calls: std::sync::atomic::AtomicUsize,
    }

    impl ExternalModel for RedIsOne {
        fn task(&self) -> &ModelTask {
            &self.task
        }
        fn feature_names(&self) -> Option<&[String]> {
            Some(&self.names)
        }
        fn predict(&self, features: &RecordBatch) -> Result<Predictions, String> {
            self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            assert_eq!(features.num_columns(), 1, "only the bound columns");
            let colour = features
                .column(0)
                .as_any()
                .downcast_ref::<StringArray>()
                .ok_or("colour is not text")?;
            let labels: Vec<u32> = colour.iter().map(|c| u32::from(c == Some("red"))).collect();
            let probabilities = labels
                .iter()
                .flat_map(|l| if *l == 1 { [0.1, 0.9] } else { [0.9, 0.1] })
                .collect();
            Ok(Predictions {
                labels: Some(labels),
                probabilities: Some(probabilities),
                values: None,
            })
        }
        fn batch_rows(&self) -> usize {
            2
        }
    }

    #[test]
    fn a_registered_model_reads_its_text_columns_batch_by_batch() {
        let external = Arc::new(RedIsOne {
            task: ModelTask::Classifier {
                classes: vec!["no".into(), "yes".into()],
            },
            names: vec!["colour".into()],
            calls: Default::default(),
        });
        let registration = register_model("test://red", external.clone());
        let model = Model::load(registration.name()).unwrap();
        assert_eq!(model.path(), "test://red");
        assert!(!model.drops_missing_inputs());
        let batch = RecordBatch::try_from_iter([
            (
                "size",
                Arc::new(Float64Array::from(vec![1.0, 2.0, 3.0])) as _,
            ),
            (
                "colour",
                Arc::new(StringArray::from(vec![Some("red"), None, Some("blue")])) as _,
            ),
        ])
        .unwrap();
        let columns = vec!["size".to_string(), "colour".to_string()];
        let binding = model.bind(&columns, None).unwrap();
        assert_eq!(binding.columns, vec![vec!["colour".to_string()]]);
        let p = model.predict(&binding, &batch, 4).unwrap();
        assert_eq!(p.labels, Some(vec![1, 0, 0]));
        assert_eq!(p.probabilities.as_ref().map(Vec::len), Some(6));
        assert_eq!(
            external.calls.load(std::sync::atomic::Ordering::SeqCst),
            2,
            "3 rows in calls of 2"
        );
        let missing = model
            .bind(&columns, Some(&["weight".to_string()]))
            .unwrap_err()
            .to_string();
        assert!(missing.contains("`weight`"), "{missing}");
    }

    struct WrongLength;

    impl ExternalModel for WrongLength {
        fn task(&self) -> &ModelTask {
            &ModelTask::Regressor
        }
        fn feature_names(&self) -> Option<&[String]> {
            None
        }
        fn predict(&self, _: &RecordBatch) -> Result<Predictions, String> {
            Ok(Predictions {
                values: Some(vec![0.0]),
                ..Predictions::default()
            })
        }
    }

    #[test]
    fn predictions_of_the_wrong_length_are_refused_naming_the_model() {
        let registration = register_model("test://short", Arc::new(WrongLength));
        let model = Model::load(registration.name()).unwrap();
        let batch =
            RecordBatch::try_from_iter([("x", Arc::new(Float64Array::from(vec![1.0, 2.0])) as _)])
                .unwrap();
        let unnamed = model
            .bind(&["x".to_string()], None)
            .unwrap_err()
            .to_string();
        assert!(unnamed.contains("features=[...]"), "{unnamed}");
        let binding = model
            .bind(&["x".to_string()], Some(&["x".to_string()]))
            .unwrap();
        let err = model.predict(&binding, &batch, 1).unwrap_err().to_string();
        assert_eq!(
            err,
            "test://short: calling the model: it returned 1 values for 2 rows (expected 2)"
        );
    }
}
