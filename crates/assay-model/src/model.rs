//! [`OnnxModel`]: an ONNX model loaded with tract, its inputs and outputs understood the way
//! scikit-learn's converters (and most exporters) lay them out, bound to dataset columns and
//! run on Arrow batches on every core.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use arrow::array::{Array, AsArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Float64Type};
use arrow::record_batch::RecordBatch;
use rayon::prelude::*;
use tract_onnx::pb;
use tract_onnx::prelude::*;

use crate::error::ModelError;
use crate::onnx_ml;

/// Metadata key holding the feature columns of a single matrix input, comma-separated, in
/// input order (written by `scripts/train_models.py`; any exporter can add it).
pub const FEATURES_METADATA_KEY: &str = "assay.features";

/// Rows per model call of [`OnnxModel::load`]: the model is prepared for exactly this many
/// rows (the last chunk of a batch is padded), so that tract runs it without resolving shapes.
/// [`OnnxModel::load_with_batch_rows`] prepares it for another size.
pub const CHUNK_ROWS: usize = 2048;

/// Element type of a model input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementType {
    /// 32-bit float.
    F32,
    /// 64-bit float.
    F64,
    /// 64-bit integer.
    I64,
}

/// One input of the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInput {
    /// Input name.
    pub name: String,
    /// Element type.
    pub element: ElementType,
    /// Values per row: the second dimension of a `[N, F]` input, 1 for `[N]` or `[N, 1]`.
    pub width: usize,
    /// Rank (1 or 2).
    pub rank: usize,
}

/// What the model predicts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelTask {
    /// A classifier: labels and class probabilities, classes in the model's order.
    Classifier {
        /// Class labels as text (integers printed in decimal), in probability column order.
        classes: Vec<String>,
    },
    /// A regressor: one value per row.
    Regressor,
}

/// Which dataset columns feed each model input (in input order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// Per input, the columns whose values fill its `width` slots.
    pub columns: Vec<Vec<String>>,
}

impl Binding {
    /// Every column the model reads, without repeats.
    pub fn all_columns(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in self.columns.iter().flatten() {
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
        out
    }
}

/// The model's outputs for a batch of rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Predictions {
    /// Classifiers: the predicted class per row, as an index into the model's classes.
    pub labels: Option<Vec<u32>>,
    /// Classifiers: probabilities, row-major `rows × classes`.
    pub probabilities: Option<Vec<f64>>,
    /// Regressors: the predicted value per row.
    pub values: Option<Vec<f64>>,
}

#[derive(Debug, Clone, Copy)]
enum OutputRole {
    Label,
    Scores,
    Value,
}

/// An ONNX model ready to run.
pub struct OnnxModel {
    path: String,
    plan: Arc<TypedRunnableModel>,
    inputs: Vec<ModelInput>,
    outputs: Vec<OutputRole>,
    task: ModelTask,
    feature_names: Option<Vec<String>>,
    operators: Vec<String>,
    /// Rows per model call (the plan's fixed batch dimension).
    chunk_rows: usize,
}

impl std::fmt::Debug for OnnxModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnnxModel")
            .field("path", &self.path)
            .field("inputs", &self.inputs)
            .field("task", &self.task)
            .field("batch_rows", &self.chunk_rows)
            .finish()
    }
}

fn attr_labels(node: &pb::NodeProto) -> Option<Vec<String>> {
    if let Ok(Some(s)) = node.get_attr_opt_tvec::<String>("classlabels_strings") {
        if !s.is_empty() {
            return Some(s.into_iter().collect());
        }
    }
    if let Ok(Some(i)) = node.get_attr_opt_slice::<i64>("classlabels_int64s") {
        if !i.is_empty() {
            return Some(i.iter().map(|v| v.to_string()).collect());
        }
    }
    None
}

fn tensor_type(v: &pb::ValueInfoProto) -> Option<&pb::type_proto::Tensor> {
    match v.r#type.as_ref()?.value.as_ref()? {
        pb::type_proto::Value::TensorType(t) => Some(t),
    }
}

impl OnnxModel {
    /// Loads and prepares the model at `path` for chunks of [`CHUNK_ROWS`] rows.
    pub fn load(path: &str) -> Result<OnnxModel, ModelError> {
        Self::load_with_batch_rows(path, CHUNK_ROWS)
    }

    /// Loads and prepares the model at `path` for exactly `rows` rows per model call
    /// (`rows` ≥ 1): [`predict`](Self::predict) splits its input into chunks of that many
    /// rows and pads the last one. Small values measure the latency of small requests (a
    /// batch of 1 is not padded to [`CHUNK_ROWS`]); large inputs run fastest with the
    /// default of [`load`](Self::load).
    ///
    /// Tree ensembles predict bit for bit the same at any batch size. Models with a float32
    /// matrix product (linear models) may differ in the last bits: tract picks its matrix
    /// kernel by the row count, and with it the summation order (the example ridge
    /// regression moved by up to 4.6e-5 on predictions of about 100 at 16 rows or fewer on
    /// the development machine, and not at all from 64 rows).
    pub fn load_with_batch_rows(path: &str, rows: usize) -> Result<OnnxModel, ModelError> {
        if rows == 0 {
            return Err(ModelError::Config {
                path: path.to_string(),
                reason: "the model must be prepared for at least 1 row per call (batch rows \
                         is 0)"
                    .into(),
            });
        }
        let read = |reason: String| ModelError::Read {
            path: path.to_string(),
            reason,
        };
        if !std::path::Path::new(path).is_file() {
            return Err(read("no such file".into()));
        }
        let mut onnx = tract_onnx::onnx();
        onnx_ml::register(&mut onnx.op_register);
        let proto = onnx
            .proto_model_for_path(path)
            .map_err(|e| read(format!("not a valid ONNX file ({e})")))?;
        let graph = proto
            .graph
            .as_ref()
            .ok_or_else(|| read("the file holds no graph".into()))?;
        let operators: BTreeSet<String> = graph.node.iter().map(|n| n.op_type.clone()).collect();
        let missing: Vec<String> = graph
            .node
            .iter()
            .filter(|n| !onnx.op_register.0.contains_key(&n.op_type))
            .map(|n| {
                if n.domain.is_empty() {
                    n.op_type.clone()
                } else {
                    format!("{}:{}", n.domain, n.op_type)
                }
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if !missing.is_empty() {
            return Err(ModelError::UnsupportedOperators {
                path: path.to_string(),
                operators: missing.join(", "),
            });
        }
        let unsupported = |reason: String| ModelError::Unsupported {
            path: path.to_string(),
            reason,
        };
        let initializers: HashSet<&str> =
            graph.initializer.iter().map(|t| t.name.as_str()).collect();
        let mut inputs = Vec::new();
        for input in graph
            .input
            .iter()
            .filter(|i| !initializers.contains(i.name.as_str()))
        {
            let t = tensor_type(input)
                .ok_or_else(|| unsupported(format!("input `{}` is not a tensor", input.name)))?;
            let element = match t.elem_type {
                1 => ElementType::F32,
                11 => ElementType::F64,
                7 => ElementType::I64,
                8 => {
                    return Err(unsupported(format!(
                        "input `{}` takes strings; assay feeds numeric inputs only (encode \
                         categories before the model, or export the encoder as numeric)",
                        input.name
                    )))
                }
                other => {
                    return Err(unsupported(format!(
                        "input `{}` has ONNX element type {other}; assay feeds float, double \
                         and int64 inputs",
                        input.name
                    )))
                }
            };
            let dims: Vec<Option<i64>> = t
                .shape
                .as_ref()
                .map(|s| {
                    s.dim
                        .iter()
                        .map(|d| match d.value {
                            Some(pb::tensor_shape_proto::dimension::Value::DimValue(v)) => Some(v),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default();
            let (rank, width) = match dims.as_slice() {
                [_] => (1, 1),
                [_, Some(w)] if *w > 0 => (2, *w as usize),
                _ => {
                    return Err(unsupported(format!(
                        "input `{}` has shape {:?}; assay feeds [N] or [N, F] inputs with a \
                         known F",
                        input.name, dims
                    )))
                }
            };
            inputs.push(ModelInput {
                name: input.name.clone(),
                element,
                width,
                rank,
            });
        }
        if inputs.is_empty() {
            return Err(unsupported("the model has no inputs".into()));
        }
        // Outputs: labels (int64 or string tensors), scores (float tensors or ZipMap maps).
        let zip_or_classifier_labels = graph
            .node
            .iter()
            .find(|n| n.op_type == "ZipMap")
            .and_then(attr_labels)
            .or_else(|| {
                graph
                    .node
                    .iter()
                    .filter(|n| n.op_type.ends_with("Classifier"))
                    .find_map(attr_labels)
            });
        let mut outputs = Vec::new();
        for o in &graph.output {
            let role = match tensor_type(o).map(|t| t.elem_type) {
                Some(7) | Some(8) => OutputRole::Label,
                Some(1) | Some(11) => {
                    if zip_or_classifier_labels.is_some() {
                        OutputRole::Scores
                    } else {
                        OutputRole::Value
                    }
                }
                // Not a tensor (a ZipMap sequence of maps): the class scores.
                None => OutputRole::Scores,
                Some(other) => {
                    return Err(unsupported(format!(
                        "output `{}` has ONNX element type {other}",
                        o.name
                    )))
                }
            };
            outputs.push(role);
        }
        let task = match &zip_or_classifier_labels {
            Some(classes) => ModelTask::Classifier {
                classes: classes.clone(),
            },
            None => ModelTask::Regressor,
        };
        if matches!(task, ModelTask::Regressor)
            && outputs
                .iter()
                .filter(|r| matches!(r, OutputRole::Value))
                .count()
                != 1
        {
            return Err(unsupported(format!(
                "expected one numeric output for a regressor (no class labels found), got {}",
                graph.output.len()
            )));
        }
        let feature_names = proto
            .metadata_props
            .iter()
            .find(|p| p.key == FEATURES_METADATA_KEY)
            .map(|p| {
                p.value
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
            });
        let run_err = |context: &str| {
            let path = path.to_string();
            let context = context.to_string();
            move |e: TractError| ModelError::Run {
                path: path.clone(),
                context: context.clone(),
                reason: format!("{e:#}"),
            }
        };
        let mut model = onnx
            .model_for_proto_model(&proto)
            .map_err(run_err("building the graph"))?;
        // A concrete batch size: with a symbolic one, tract resolves shapes on every run,
        // which costs far more than the trees themselves. Short chunks are padded.
        let n = rows;
        for (ix, input) in inputs.iter().enumerate() {
            let dt = match input.element {
                ElementType::F32 => f32::datum_type(),
                ElementType::F64 => f64::datum_type(),
                ElementType::I64 => i64::datum_type(),
            };
            let shape: TVec<TDim> = if input.rank == 1 {
                tvec![n.to_dim()]
            } else {
                tvec![n.to_dim(), input.width.to_dim()]
            };
            model = model
                .with_input_fact(ix, InferenceFact::dt_shape(dt, shape))
                .map_err(run_err("setting the input shapes"))?;
        }
        let plan = model
            .into_optimized()
            .map_err(run_err("preparing the model"))?
            .into_runnable()
            .map_err(run_err("preparing the model"))?;
        Ok(OnnxModel {
            path: path.to_string(),
            plan,
            inputs,
            outputs,
            task,
            feature_names,
            operators: operators.into_iter().collect(),
            chunk_rows: rows,
        })
    }

    /// Rows per model call: the batch size the model was prepared for ([`CHUNK_ROWS`] with
    /// [`load`](Self::load)).
    pub fn batch_rows(&self) -> usize {
        self.chunk_rows
    }

    /// The model file.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Its inputs.
    pub fn inputs(&self) -> &[ModelInput] {
        &self.inputs
    }

    /// Classifier or regressor.
    pub fn task(&self) -> &ModelTask {
        &self.task
    }

    /// Feature names stored in the model's metadata ([`FEATURES_METADATA_KEY`]).
    pub fn feature_names(&self) -> Option<&[String]> {
        self.feature_names.as_deref()
    }

    /// The ONNX operator types in the graph.
    pub fn operators(&self) -> &[String] {
        &self.operators
    }

    /// Binds dataset columns to the inputs: an input named like a column takes it (width 1);
    /// a `[N, F]` input takes `features` (or the model's stored feature names) in order.
    pub fn bind(
        &self,
        available: &[String],
        features: Option<&[String]>,
    ) -> Result<Binding, ModelError> {
        let err = |reason: String| ModelError::Binding {
            path: self.path.clone(),
            reason,
        };
        let names = features
            .map(<[String]>::to_vec)
            .or_else(|| self.feature_names.clone());
        // One width-1 input per feature, listed in input order: bind by position.
        if let Some(names) = &names {
            if self.inputs.len() > 1
                && self.inputs.iter().all(|i| i.width == 1)
                && names.len() == self.inputs.len()
            {
                if let Some(missing) = names.iter().find(|c| !available.contains(c)) {
                    return Err(err(format!(
                        "the model needs column `{missing}`, which the data does not have"
                    )));
                }
                return Ok(Binding {
                    columns: names.iter().map(|n| vec![n.clone()]).collect(),
                });
            }
        }
        let mut columns = Vec::new();
        for input in &self.inputs {
            if input.width == 1 {
                // Exporters replace characters such as `-` by `_` in input names.
                let normalized = |c: &str| -> String {
                    c.chars()
                        .map(|ch| if ch.is_alphanumeric() { ch } else { '_' })
                        .collect()
                };
                if let Some(c) = available
                    .iter()
                    .find(|c| **c == input.name)
                    .or_else(|| available.iter().find(|c| normalized(c) == input.name))
                {
                    columns.push(vec![c.clone()]);
                    continue;
                }
            }
            let names = names.clone().ok_or_else(|| {
                err(format!(
                    "input `{}` takes {} value(s) per row and no column is named `{}`: give \
                     the feature columns in input order (--features / evaluation.features)",
                    input.name, input.width, input.name
                ))
            })?;
            if names.len() != input.width {
                return Err(err(format!(
                    "input `{}` takes {} values per row but {} feature columns were given ({})",
                    input.name,
                    input.width,
                    names.len(),
                    names.join(", ")
                )));
            }
            if let Some(missing) = names.iter().find(|c| !available.contains(c)) {
                return Err(err(format!(
                    "input `{}` needs column `{missing}`, which the data does not have",
                    input.name
                )));
            }
            columns.push(names);
        }
        Ok(Binding { columns })
    }

    /// Runs the model on `batch`, split across `threads` workers.
    pub fn predict(
        &self,
        binding: &Binding,
        batch: &RecordBatch,
        threads: usize,
    ) -> Result<Predictions, ModelError> {
        let rows = batch.num_rows();
        let mut matrices: Vec<Vec<f64>> = Vec::with_capacity(self.inputs.len());
        for (input, cols) in self.inputs.iter().zip(&binding.columns) {
            let width = cols.len();
            let mut m = vec![f64::NAN; rows * width];
            for (j, name) in cols.iter().enumerate() {
                let col = batch
                    .column_by_name(name)
                    .ok_or_else(|| ModelError::Binding {
                        path: self.path.clone(),
                        reason: format!("column `{name}` missing from the batch"),
                    })?;
                if !(col.data_type().is_numeric() || col.data_type() == &DataType::Boolean) {
                    return Err(ModelError::Binding {
                        path: self.path.clone(),
                        reason: format!(
                            "column `{name}` (feeding input `{}`) is {}, not numeric",
                            input.name,
                            col.data_type()
                        ),
                    });
                }
                let f = cast(col, &DataType::Float64).map_err(|e| ModelError::Binding {
                    path: self.path.clone(),
                    reason: format!(
                        "column `{name}` (feeding input `{}`) is not numeric: {e}",
                        input.name
                    ),
                })?;
                let f = f.as_primitive::<Float64Type>();
                for (i, v) in f.iter().enumerate() {
                    if let Some(v) = v {
                        m[i * width + j] = v;
                    }
                }
            }
            matrices.push(m);
        }
        // Never more workers than the process's thread budget (`--threads`).
        let threads = threads
            .min(assay_runtime::threads::budget())
            .clamp(1, rows.max(1).div_ceil(256));
        let chunk = rows.div_ceil(threads).max(1);
        let ranges: Vec<(usize, usize)> = (0..rows)
            .step_by(chunk)
            .map(|s| (s, (s + chunk).min(rows)))
            .collect();
        let parts: Vec<Result<Predictions, ModelError>> = if ranges.len() <= 1 {
            vec![self.run_rows(&matrices, 0, rows)]
        } else {
            // On rayon's pool (sized by `--threads`); a worker's panic is raised again here,
            // for the caller's fault containment to turn into the affected checks' `error`
            // results (it is not a problem of the model file).
            ranges
                .par_iter()
                .map(|&(s, e)| {
                    assay_runtime::fault::inject("inference-worker", &s.to_string());
                    self.run_rows(&matrices, s, e)
                })
                .collect()
        };
        let mut out = Predictions::default();
        for p in parts {
            out.extend(p?);
        }
        Ok(out)
    }

    fn run_rows(
        &self,
        matrices: &[Vec<f64>],
        start: usize,
        end: usize,
    ) -> Result<Predictions, ModelError> {
        let mut out = Predictions::default();
        let mut s = start;
        while s < end {
            assay_runtime::cancel::checkpoint();
            let e = (s + self.chunk_rows).min(end);
            out.extend(self.run_chunk(matrices, s, e)?);
            s = e;
        }
        Ok(out)
    }

    /// Runs at most `chunk_rows` rows, padded to exactly that many.
    fn run_chunk(
        &self,
        matrices: &[Vec<f64>],
        start: usize,
        end: usize,
    ) -> Result<Predictions, ModelError> {
        let used = end - start;
        let rows = self.chunk_rows;
        let run_err = |e: TractError| ModelError::Run {
            path: self.path.clone(),
            context: "running the model".into(),
            reason: format!("{e:#}"),
        };
        let mut values: TVec<TValue> = TVec::new();
        for (input, m) in self.inputs.iter().zip(matrices) {
            let w = input.width;
            let mut padded = m[start * w..end * w].to_vec();
            padded.resize(rows * w, 0.0);
            let slice = padded.as_slice();
            let shape: Vec<usize> = if input.rank == 1 {
                vec![rows]
            } else {
                vec![rows, w]
            };
            let t = match input.element {
                ElementType::F32 => {
                    let v: Vec<f32> = slice.iter().map(|x| *x as f32).collect();
                    Tensor::from_shape(&shape, &v)
                }
                ElementType::F64 => Tensor::from_shape(&shape, slice),
                ElementType::I64 => {
                    // Null or non-finite values (rows the caller leaves out) become 0.
                    let v: Vec<i64> = slice
                        .iter()
                        .map(|x| if x.is_finite() { *x as i64 } else { 0 })
                        .collect();
                    Tensor::from_shape(&shape, &v)
                }
            }
            .map_err(run_err)?;
            values.push(t.into_tvalue());
        }
        let results = self.plan.run(values).map_err(run_err)?;
        let mut out = Predictions::default();
        let classes = match &self.task {
            ModelTask::Classifier { classes } => Some(classes),
            ModelTask::Regressor => None,
        };
        for (role, value) in self.outputs.iter().zip(results.iter()) {
            match role {
                OutputRole::Label => {
                    let Some(classes) = classes else { continue };
                    let index: HashMap<&str, u32> = classes
                        .iter()
                        .enumerate()
                        .map(|(i, c)| (c.as_str(), i as u32))
                        .collect();
                    // Text classes of a LinearClassifier travel through tract as indices
                    // (see onnx_ml::linear_classifier).
                    let as_index = value.datum_type() != String::datum_type()
                        && classes.iter().any(|c| c.parse::<i64>().is_err());
                    let texts: Vec<String> = if value.datum_type() == String::datum_type() {
                        value
                            .try_as_plain_ram()
                            .and_then(|v| v.as_slice::<String>().map(<[String]>::to_vec))
                            .map_err(run_err)?
                    } else {
                        let v = value.cast_to::<i64>().map_err(run_err)?;
                        v.try_as_plain_ram()
                            .and_then(|v| v.as_slice::<i64>().map(|s| s.to_vec()))
                            .map_err(run_err)?
                            .iter()
                            .map(|i| {
                                if as_index {
                                    usize::try_from(*i)
                                        .ok()
                                        .and_then(|i| classes.get(i))
                                        .cloned()
                                        .unwrap_or_else(|| i.to_string())
                                } else {
                                    i.to_string()
                                }
                            })
                            .collect()
                    };
                    let mut labels = Vec::with_capacity(texts.len());
                    for t in &texts {
                        labels.push(*index.get(t.as_str()).ok_or_else(|| ModelError::Run {
                            path: self.path.clone(),
                            context: "reading the predicted labels".into(),
                            reason: format!("label `{t}` is not one of the model's classes"),
                        })?);
                    }
                    out.labels = Some(labels);
                }
                OutputRole::Scores | OutputRole::Value => {
                    let v = value.cast_to::<f64>().map_err(run_err)?;
                    let flat: Vec<f64> = v
                        .try_as_plain_ram()
                        .and_then(|v| v.as_slice::<f64>().map(<[f64]>::to_vec))
                        .map_err(run_err)?;
                    match (role, classes) {
                        (OutputRole::Scores, Some(classes)) => {
                            let k = classes.len();
                            if flat.len() != rows * k {
                                return Err(ModelError::Run {
                                    path: self.path.clone(),
                                    context: "reading the class probabilities".into(),
                                    reason: format!(
                                        "{} values for {rows} rows × {k} classes",
                                        flat.len()
                                    ),
                                });
                            }
                            out.probabilities = Some(flat);
                        }
                        _ => {
                            if flat.len() != rows {
                                return Err(ModelError::Unsupported {
                                    path: self.path.clone(),
                                    reason: format!(
                                        "the numeric output has {} values for {rows} rows \
                                         (assay evaluates single-target regressors)",
                                        flat.len()
                                    ),
                                });
                            }
                            out.values = Some(flat);
                        }
                    }
                }
            }
        }
        if let (Some(classes), None, Some(p)) = (classes, &out.labels, &out.probabilities) {
            // No label output: the class with the highest probability (first on ties).
            let k = classes.len();
            out.labels = Some(
                p.chunks(k)
                    .map(|row| {
                        let mut best = 0;
                        for (i, v) in row.iter().enumerate() {
                            if *v > row[best] {
                                best = i;
                            }
                        }
                        best as u32
                    })
                    .collect(),
            );
        }
        // Drop the padding.
        if let Some(l) = out.labels.as_mut() {
            l.truncate(used);
        }
        if let (Some(p), Some(classes)) = (out.probabilities.as_mut(), classes) {
            p.truncate(used * classes.len());
        }
        if let Some(v) = out.values.as_mut() {
            v.truncate(used);
        }
        Ok(out)
    }
}

impl Predictions {
    /// Appends the predictions of the rows that follow.
    pub(crate) fn extend(&mut self, more: Predictions) {
        append(&mut self.labels, more.labels);
        append(&mut self.probabilities, more.probabilities);
        append(&mut self.values, more.values);
    }
}

fn append<T>(into: &mut Option<Vec<T>>, part: Option<Vec<T>>) {
    if let Some(p) = part {
        match into {
            Some(v) => v.extend(p),
            None => *into = Some(p),
        }
    }
}

/// Reads a column of a batch as `f64` (nulls as NaN), for callers feeding models.
pub fn column_f64(batch: &RecordBatch, name: &str) -> Option<Vec<f64>> {
    let col = batch.column_by_name(name)?;
    let f = cast(col, &DataType::Float64).ok()?;
    let f = f.as_primitive::<Float64Type>();
    Some(
        (0..f.len())
            .map(|i| if f.is_null(i) { f64::NAN } else { f.value(i) })
            .collect(),
    )
}
