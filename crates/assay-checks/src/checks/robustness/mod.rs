//! Robustness checks of an ONNX model on data rows: prediction changes under Gaussian noise
//! (`robustness.noise`) and declared monotonicity (`robustness.monotonicity`). They and the
//! data-based sensitivity and counterfactual checks share the helpers here.

pub mod monotonicity;
pub mod noise;

use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;

use crate::check::{Check, Inputs};
use crate::suite::{CheckEntry, Suite};
use crate::validation::{AnalysisSetup, ValidationNeeds};

/// Every robustness check.
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![Box::new(noise::Noise), Box::new(monotonicity::Monotonicity)]
}

/// Checks on the analysed model need it (and the current rows).
pub(crate) fn analysis_needs(_: &Suite, _: &CheckEntry) -> ValidationNeeds {
    ValidationNeeds {
        analysis: true,
        ..ValidationNeeds::default()
    }
}

/// The analysed model.
pub(crate) fn analysis_of<'a>(inputs: &'a Inputs) -> Result<&'a AnalysisSetup, String> {
    inputs
        .validation
        .and_then(|v| v.analysis.as_ref())
        .ok_or_else(|| "internal: the analysed model was not prepared".to_string())
}

/// The analysed model and its data rows (an error when the data has no complete row).
pub(crate) fn rows_of<'a>(
    inputs: &'a Inputs,
) -> Result<(&'a AnalysisSetup, &'a RecordBatch), String> {
    let a = analysis_of(inputs)?;
    match &a.batch {
        Some(b) if b.num_rows() > 0 => Ok((a, b)),
        _ => Err(format!(
            "{} has no row whose model inputs are all present and finite",
            inputs.current.label
        )),
    }
}

/// `batch` with column `name` replaced by `values` (as Float64).
pub(crate) fn with_column(
    batch: &RecordBatch,
    name: &str,
    values: Vec<f64>,
) -> Result<RecordBatch, String> {
    let schema = batch.schema();
    let mut fields: Vec<Field> = Vec::with_capacity(schema.fields().len());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    let mut values = Some(values);
    for (f, c) in schema.fields().iter().zip(batch.columns()) {
        if f.name() == name {
            fields.push(Field::new(name, DataType::Float64, true));
            columns.push(Arc::new(Float64Array::from(
                values.take().unwrap_or_default(),
            )));
        } else {
            fields.push(f.as_ref().clone());
            columns.push(c.clone());
        }
    }
    if values.is_some() {
        return Err(format!("column `{name}` is not in the data"));
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).map_err(|e| e.to_string())
}

/// A model input column as numbers.
pub(crate) fn numbers(batch: &RecordBatch, name: &str) -> Result<Vec<f64>, String> {
    assay_model::column_f64(batch, name).ok_or_else(|| format!("column `{name}` is not numeric"))
}

/// The first `max` rows of `batch` (all when it has fewer).
pub(crate) fn head(batch: &RecordBatch, max: usize) -> RecordBatch {
    batch.slice(0, batch.num_rows().min(max))
}

/// Sample standard deviation (n − 1); 0 for fewer than two values.
pub(crate) fn spread(v: &[f64]) -> f64 {
    let n = v.len();
    if n < 2 {
        return 0.0;
    }
    let mean = v.iter().sum::<f64>() / n as f64;
    (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
}

/// The declared domain of an input (`sensitivity.domains`).
pub(crate) fn domain_of(inputs: &Inputs, name: &str) -> Option<[f64; 2]> {
    inputs
        .validation
        .and_then(|v| v.sensitivity.domains.get(name).copied())
}

/// Scores the analysed model's predictions on a fixed set of rows against their target.
pub(crate) struct Scorer {
    frame: crate::evaluation::EvalFrame,
    spec: &'static crate::checks::model::metric::MetricSpec,
    params: crate::checks::model::metric::MetricParams,
}

impl Scorer {
    /// The rows of `batch` with a known target, and a scorer of `metric` on them.
    pub(crate) fn new(
        a: &AnalysisSetup,
        batch: &RecordBatch,
        target: &str,
        metric: &str,
    ) -> Result<(Scorer, RecordBatch), String> {
        use crate::evaluation::{label_texts, EvalFrame, EvalTask};
        use assay_model::ModelTask;
        let spec = crate::checks::model::metric_named(metric)
            .ok_or_else(|| format!("params.metric: unknown metric `{metric}`"))?;
        let col = batch
            .column_by_name(target)
            .ok_or_else(|| format!("the target column `{target}` is not in the data"))?;
        let (task, classes, positive, keep, y_class, y_value) = match a.model.task() {
            ModelTask::Classifier { classes } => {
                let texts = label_texts(col, target)?;
                let mut keep = Vec::with_capacity(texts.len());
                let mut y = Vec::new();
                for t in &texts {
                    match t.as_ref().and_then(|t| classes.iter().position(|c| c == t)) {
                        Some(i) => {
                            keep.push(true);
                            y.push(i as u32);
                        }
                        None => keep.push(false),
                    }
                }
                let positive = match &a.output {
                    crate::validation::OutputChoice::Probability { index, .. }
                        if classes.len() == 2 =>
                    {
                        Some(*index)
                    }
                    _ => None,
                };
                (
                    EvalTask::Classification,
                    classes.clone(),
                    positive,
                    keep,
                    y,
                    Vec::new(),
                )
            }
            ModelTask::Regressor => {
                let v = numbers(batch, target)?;
                let keep: Vec<bool> = v.iter().map(|x| x.is_finite()).collect();
                let y: Vec<f64> = v.into_iter().filter(|x| x.is_finite()).collect();
                (EvalTask::Regression, Vec::new(), None, keep, Vec::new(), y)
            }
        };
        if spec.task != task {
            return Err(format!(
                "params.metric: `{metric}` does not apply to {}",
                a.model.path()
            ));
        }
        let kept = if keep.iter().all(|k| *k) {
            batch.clone()
        } else {
            arrow::compute::filter_record_batch(batch, &arrow::array::BooleanArray::from(keep))
                .map_err(|e| e.to_string())?
        };
        if kept.num_rows() == 0 {
            return Err(format!(
                "no row has a target value the model knows (`{target}`)"
            ));
        }
        let frame = EvalFrame::for_scoring(task, classes, positive, y_class, y_value);
        let params = crate::checks::model::metric::MetricParams::parse(&serde_json::Map::new())?;
        Ok((
            Scorer {
                frame,
                spec,
                params,
            },
            kept,
        ))
    }

    /// Larger is better for this metric.
    pub(crate) fn higher_is_better(&self) -> bool {
        self.spec.higher_is_better
    }

    /// The metric's short name.
    pub(crate) fn name(&self) -> &'static str {
        self.spec.id.trim_start_matches("model.")
    }

    /// The metric of `p` (predictions of the scorer's rows).
    pub(crate) fn score(&self, p: &assay_model::Predictions) -> Option<f64> {
        let out = crate::evaluation::Outputs {
            name: String::new(),
            labels: p.labels.clone().unwrap_or_default(),
            probabilities: p.probabilities.clone(),
            probability_problem: None,
            values: p.values.clone().unwrap_or_default(),
        };
        let data =
            crate::checks::model::metric::MetricData::new(&self.frame, &out, &self.params).ok()?;
        (self.spec.compute)(&data, None).filter(|v| v.is_finite())
    }
}
