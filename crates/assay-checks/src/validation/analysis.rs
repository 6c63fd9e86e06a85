//! [`AnalysisSetup`]: an ONNX model with the output analysed (a class probability or the
//! value), evaluated on generated designs (sensitivity) or on perturbed copies of data rows
//! (permutation importance, noise, monotonicity, counterfactuals).

use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;

use assay_model::{Binding, Model, ModelTask, Predictions};

use crate::evaluation::sort_classes;

/// The model output analysed.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputChoice {
    /// The probability of the class at this index of the model's classes.
    Probability {
        /// Index into the model's classes.
        index: usize,
        /// Its name.
        class: String,
    },
    /// A regressor's value.
    Value,
}

impl OutputChoice {
    /// For messages: `P(>50K)` or `the prediction`.
    pub fn describe(&self) -> String {
        match self {
            OutputChoice::Probability { class, .. } => format!("P({class})"),
            OutputChoice::Value => "the prediction".into(),
        }
    }
}

/// A model ready to analyse, with the data rows the data-based analyses perturb.
pub struct AnalysisSetup {
    /// The model.
    pub model: Model,
    /// Its input columns, in the model's order.
    pub features: Vec<String>,
    /// The columns → inputs binding.
    pub binding: Binding,
    /// Rows of the current data with finite model inputs (every column), if the data has
    /// rows.
    pub batch: Option<RecordBatch>,
    /// Rows left out of `batch` for a null or non-finite model input.
    pub dropped: u64,
    /// The output analysed.
    pub output: OutputChoice,
    /// Worker threads for model calls.
    pub threads: usize,
}

impl AnalysisSetup {
    /// Binds `model` to `columns` and picks the output (`choice`: a class name,
    /// `probability` or `value`; default the positive class — `positive`, else the second
    /// class in sorted order — or the value).
    pub fn new(
        model: Model,
        columns: &[String],
        features: Option<&[String]>,
        choice: Option<&str>,
        positive: Option<&str>,
        threads: usize,
    ) -> Result<Self, String> {
        let binding = model.bind(columns, features).map_err(|e| e.to_string())?;
        let features = binding.all_columns();
        let output = match model.task() {
            ModelTask::Regressor => match choice {
                None | Some("value") => OutputChoice::Value,
                Some(o) => {
                    return Err(format!(
                        "sensitivity.output `{o}`: {} is a regressor, its output is `value`",
                        model.path()
                    ))
                }
            },
            ModelTask::Classifier { classes } => {
                let wanted = match choice {
                    Some("value") => {
                        return Err(format!(
                            "sensitivity.output `value`: {} is a classifier; name a class or \
                             `probability`",
                            model.path()
                        ))
                    }
                    Some("probability") | None => match positive {
                        Some(p) => p.to_string(),
                        None => {
                            let mut sorted = classes.clone();
                            sort_classes(&mut sorted);
                            sorted
                                .get(1)
                                .or(sorted.first())
                                .cloned()
                                .unwrap_or_default()
                        }
                    },
                    Some(c) => c.to_string(),
                };
                let index = classes.iter().position(|c| *c == wanted).ok_or_else(|| {
                    format!(
                        "class `{wanted}` is not one of {}'s classes ({})",
                        model.path(),
                        classes.join(", ")
                    )
                })?;
                OutputChoice::Probability {
                    index,
                    class: wanted,
                }
            }
        };
        Ok(Self {
            model,
            features,
            binding,
            batch: None,
            dropped: 0,
            output,
            threads: threads.max(1),
        })
    }

    /// Runs the model on a batch holding the feature columns.
    pub fn predict(&self, batch: &RecordBatch) -> Result<Predictions, String> {
        self.model
            .predict(&self.binding, batch, self.threads)
            .map_err(|e| e.to_string())
    }

    /// The analysed output of predictions.
    pub fn output_of(&self, p: &Predictions) -> Result<Vec<f64>, String> {
        match &self.output {
            OutputChoice::Value => p
                .values
                .clone()
                .ok_or_else(|| format!("{} gave no values", self.model.path())),
            OutputChoice::Probability { index, .. } => {
                let k = match self.model.task() {
                    ModelTask::Classifier { classes } => classes.len().max(1),
                    ModelTask::Regressor => 1,
                };
                let probabilities = p
                    .probabilities
                    .as_ref()
                    .ok_or_else(|| format!("{} gave no class probabilities", self.model.path()))?;
                Ok(probabilities.chunks(k).map(|r| r[*index]).collect())
            }
        }
    }

    /// Evaluates the analysed output on `rows` rows of a row-major matrix whose columns are
    /// [`AnalysisSetup::features`].
    pub fn eval_matrix(&self, x: &[f64], rows: usize) -> Result<Vec<f64>, String> {
        let d = self.features.len();
        if x.len() != rows * d {
            return Err(format!(
                "internal: a design block of {} values for {rows} rows × {d} inputs",
                x.len()
            ));
        }
        let fields: Vec<Field> = self
            .features
            .iter()
            .map(|f| Field::new(f, DataType::Float64, false))
            .collect();
        let columns: Vec<ArrayRef> = (0..d)
            .map(|j| {
                Arc::new(Float64Array::from(
                    (0..rows).map(|i| x[i * d + j]).collect::<Vec<f64>>(),
                )) as ArrayRef
            })
            .collect();
        let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
            .map_err(|e| e.to_string())?;
        let p = self.predict(&batch)?;
        self.output_of(&p)
    }
}
