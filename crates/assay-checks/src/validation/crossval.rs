//! Cross-validation: a model trained per fold (built-in learner, external trainer or a learner
//! registered in the process, such as a scikit-learn estimator from Python), scored
//! on the fold's validation rows (and training rows, for the generalization gap) with the
//! model-evaluation metrics, beside a trivial predictor fitted on the same training rows.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use arrow::array::UInt32Array;
use arrow::compute::take_record_batch;
use serde_json::Map;

use assay_model::external::ExternalLearner;
use assay_model::learners::{self, FeatureColumn, LearnerSpec, Table, TrainTarget};
use assay_model::trainer::{FoldFileFormat, FoldFiles, TrainerCommand};
use assay_model::{InProcessModel, Model, ModelTask, Predictions};

use super::data::{CvData, FeatureData};
use super::folds::FoldPlan;
use crate::checks::model::metric::{MetricData, MetricParams, MetricSpec};
use crate::evaluation::{EvalFrame, EvalTask, Outputs};

/// The rows of one fold.
#[derive(Debug, Clone)]
pub struct FoldIndices {
    /// Repetition (0 unless a repeated splitter).
    pub repeat: usize,
    /// Fold within the repetition.
    pub fold: usize,
    /// Training rows.
    pub train: Vec<u32>,
    /// Validation rows.
    pub test: Vec<u32>,
}

/// How each fold's model is trained.
pub enum Training {
    /// A built-in learner.
    Learner(LearnerSpec),
    /// A command writing an ONNX model.
    External {
        /// The command.
        command: TrainerCommand,
        /// Fold file format.
        format: FoldFileFormat,
        /// Where fold files and models go.
        workdir: PathBuf,
        /// Feature columns for a `[N, F]` model input (default: the model's metadata).
        features: Option<Vec<String>>,
    },
    /// A learner registered in this process ([`assay_model::external`]), fitted per fold.
    InProcess {
        /// The name it was registered under.
        name: String,
        /// The learner.
        learner: std::sync::Arc<dyn ExternalLearner>,
        /// Feature columns (default: every feature column of the data).
        features: Option<Vec<String>>,
    },
}

impl std::fmt::Debug for Training {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Training {
    /// What trains, for reports.
    pub fn describe(&self) -> String {
        match self {
            Training::Learner(spec) => format!("built-in learner {}", spec.kind.name()),
            Training::External { command, .. } => {
                format!("external trainer `{}`", command.template())
            }
            Training::InProcess { name, .. } => format!("learner {name}"),
        }
    }
}

/// Scores of one fold.
#[derive(Debug, Clone, Default)]
pub struct FoldResult {
    /// Repetition.
    pub repeat: usize,
    /// Fold.
    pub fold: usize,
    /// Training rows.
    pub train_rows: usize,
    /// Validation rows.
    pub test_rows: usize,
    /// Validation score per metric (in the run's metric order).
    pub scores: Vec<Option<f64>>,
    /// Training score per metric.
    pub train_scores: Vec<Option<f64>>,
    /// The trivial predictor's validation score per metric.
    pub trivial_scores: Vec<Option<f64>>,
    /// Why the fold has no scores.
    pub error: Option<String>,
    /// Seconds to train and score.
    pub seconds: f64,
    /// Validation rows and their predictions (kept for pooled analyses).
    pub predictions: Option<(Vec<u32>, Outputs)>,
}

/// A finished cross-validation.
#[derive(Clone)]
pub struct CrossvalRun {
    /// Splitter, as configured.
    pub splitter: String,
    /// What trained.
    pub training: String,
    /// Metrics, in score order.
    pub metrics: Vec<&'static MetricSpec>,
    /// Per fold.
    pub folds: Vec<FoldResult>,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// Whether fold files are kept (a `workdir` was given) or were temporary.
    pub kept_files: bool,
}

/// Mean, standard deviation and interval of a metric over folds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Folds with a score.
    pub n: usize,
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (n − 1).
    pub sd: f64,
    /// Student-t interval of the mean.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// Summary of `values` (`None` when empty): mean ± t(n−1)·sd/√n.
pub fn summarize(values: &[f64], confidence: f64) -> Option<Summary> {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return Some(Summary {
            n,
            mean,
            sd: f64::NAN,
            low: f64::NAN,
            high: f64::NAN,
        });
    }
    let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64)
        .map(|d| d.inverse_cdf(0.5 + confidence / 2.0))
        .unwrap_or(f64::NAN);
    let half = t * sd / (n as f64).sqrt();
    Some(Summary {
        n,
        mean,
        sd,
        low: mean - half,
        high: mean + half,
    })
}

impl CrossvalRun {
    /// Index of the metric with check id `id`.
    pub fn metric_index(&self, id: &str) -> Option<usize> {
        self.metrics.iter().position(|m| m.id == id)
    }

    /// Validation scores of metric `m` over the folds that have one.
    pub fn scores(&self, m: usize) -> Vec<f64> {
        self.folds
            .iter()
            .filter_map(|f| f.scores.get(m).copied().flatten())
            .collect()
    }

    /// Training scores of metric `m`.
    pub fn train_scores(&self, m: usize) -> Vec<f64> {
        self.folds
            .iter()
            .filter_map(|f| f.train_scores.get(m).copied().flatten())
            .collect()
    }

    /// Trivial-predictor scores of metric `m`.
    pub fn trivial_scores(&self, m: usize) -> Vec<f64> {
        self.folds
            .iter()
            .filter_map(|f| f.trivial_scores.get(m).copied().flatten())
            .collect()
    }

    /// Folds that failed.
    pub fn failed(&self) -> Vec<&FoldResult> {
        self.folds.iter().filter(|f| f.error.is_some()).collect()
    }
}

/// The learner's view of the data (borrowed, no copies).
fn table(data: &CvData) -> Table<'_> {
    let columns = data
        .features
        .iter()
        .zip(&data.feature_data)
        .map(|(name, d)| match d {
            FeatureData::Numeric(values) => FeatureColumn::Numeric { name, values },
            FeatureData::Categorical { codes, levels } => FeatureColumn::Categorical {
                name,
                codes,
                levels,
            },
        })
        .collect();
    Table {
        columns,
        rows: data.rows(),
    }
}

fn target(data: &CvData) -> TrainTarget<'_> {
    match data.task {
        EvalTask::Classification => TrainTarget::Classes {
            codes: &data.y_class,
            classes: data.classes.len(),
        },
        EvalTask::Regression => TrainTarget::Values(&data.y_value),
    }
}

/// Outputs of a built-in learner (classes already indexed like the data's).
fn learner_outputs(p: Predictions, name: &str) -> Outputs {
    Outputs {
        name: name.to_string(),
        labels: p.labels.unwrap_or_default(),
        probabilities: p.probabilities,
        probability_problem: None,
        values: p.values.unwrap_or_default(),
    }
}

/// Outputs of an ONNX model, its classes mapped to the data's.
pub fn onnx_outputs(model: &Model, p: Predictions, data: &CvData) -> Result<Outputs, String> {
    let name = model.path().to_string();
    match (data.task, model.task()) {
        (EvalTask::Classification, ModelTask::Classifier { classes }) => {
            let k = data.classes.len();
            let mut map = Vec::with_capacity(classes.len());
            for c in classes {
                map.push(data.classes.iter().position(|d| d == c).ok_or_else(|| {
                    format!(
                        "{name} predicts class `{c}`, which is not a class of `{}` ({})",
                        data.target,
                        data.classes.join(", ")
                    )
                })?);
            }
            let labels: Vec<u32> = p
                .labels
                .unwrap_or_default()
                .iter()
                .map(|l| map.get(*l as usize).copied().unwrap_or(0) as u32)
                .collect();
            let probabilities = p.probabilities.map(|pm| {
                let km = classes.len().max(1);
                let mut out = vec![0.0; (pm.len() / km) * k];
                for (row, chunk) in pm.chunks(km).enumerate() {
                    for (j, v) in chunk.iter().enumerate() {
                        out[row * k + map[j]] = *v;
                    }
                }
                out
            });
            Ok(Outputs {
                name,
                labels,
                probabilities,
                probability_problem: None,
                values: Vec::new(),
            })
        }
        (EvalTask::Regression, ModelTask::Regressor) => Ok(Outputs {
            name: name.clone(),
            values: p
                .values
                .ok_or_else(|| format!("{name} gives no numeric prediction"))?,
            ..Outputs::default()
        }),
        (EvalTask::Classification, ModelTask::Regressor) => Err(format!(
            "{name} is a regressor, but `{}` is a classification target",
            data.target
        )),
        (EvalTask::Regression, ModelTask::Classifier { .. }) => Err(format!(
            "{name} is a classifier, but `{}` is a regression target",
            data.target
        )),
    }
}

/// The trivial predictor fitted on `train`: the prior (majority class, class shares as
/// probabilities) or the mean, as scikit-learn's `DummyClassifier(strategy="prior")` and
/// `DummyRegressor()`.
pub fn trivial_outputs(data: &CvData, train: &[u32], rows: usize) -> Outputs {
    match data.task {
        EvalTask::Classification => {
            let k = data.classes.len();
            let mut counts = vec![0usize; k];
            for r in train {
                if let Some(c) = data.y_class.get(*r as usize) {
                    counts[*c as usize] += 1;
                }
            }
            let total = counts.iter().sum::<usize>().max(1) as f64;
            let shares: Vec<f64> = counts.iter().map(|c| *c as f64 / total).collect();
            let mut best = 0;
            for (i, c) in counts.iter().enumerate() {
                if *c > counts[best] {
                    best = i;
                }
            }
            Outputs {
                name: "trivial (prior)".into(),
                labels: vec![best as u32; rows],
                probabilities: Some(shares.iter().copied().cycle().take(rows * k).collect()),
                probability_problem: None,
                values: Vec::new(),
            }
        }
        EvalTask::Regression => {
            let n = train.len().max(1) as f64;
            let mean = train
                .iter()
                .filter_map(|r| data.y_value.get(*r as usize))
                .sum::<f64>()
                / n;
            Outputs {
                name: "trivial (mean)".into(),
                values: vec![mean; rows],
                ..Outputs::default()
            }
        }
    }
}

/// Scores `out` (predictions for `rows`) with every metric.
pub fn score(
    data: &CvData,
    rows: &[u32],
    out: &Outputs,
    metrics: &[&'static MetricSpec],
) -> Vec<Option<f64>> {
    let frame = EvalFrame::for_scoring(
        data.task,
        data.classes.clone(),
        data.positive,
        match data.task {
            EvalTask::Classification => rows.iter().map(|r| data.y_class[*r as usize]).collect(),
            EvalTask::Regression => Vec::new(),
        },
        match data.task {
            EvalTask::Regression => rows.iter().map(|r| data.y_value[*r as usize]).collect(),
            EvalTask::Classification => Vec::new(),
        },
    );
    let params = MetricParams::parse(&Map::new()).ok();
    metrics
        .iter()
        .map(|spec| {
            let p = params.as_ref()?;
            if spec.task != data.task {
                return None;
            }
            let md = MetricData::new(&frame, out, p).ok()?;
            (spec.compute)(&md, None).filter(|v| v.is_finite())
        })
        .collect()
}

fn take(data: &CvData, rows: &[u32]) -> Result<arrow::record_batch::RecordBatch, String> {
    take_record_batch(&data.batch, &UInt32Array::from(rows.to_vec())).map_err(|e| e.to_string())
}

/// Trains on the fold's training rows; returns predictions on (validation, training) rows.
fn fit_predict(
    data: &CvData,
    training: &Training,
    idx: &FoldIndices,
    fold_number: usize,
) -> Result<(Outputs, Outputs), String> {
    match training {
        Training::InProcess {
            name,
            learner,
            features,
        } => fit_predict_in_process(
            data,
            name,
            learner.as_ref(),
            features.as_deref(),
            idx,
            fold_number,
        ),
        Training::Learner(spec) => {
            let t = table(data);
            let model =
                learners::fit(spec, &t, &target(data), &idx.train).map_err(|e| e.to_string())?;
            let name = model.describe();
            let test = model.predict(&t, &idx.test).map_err(|e| e.to_string())?;
            let train = model.predict(&t, &idx.train).map_err(|e| e.to_string())?;
            Ok((learner_outputs(test, &name), learner_outputs(train, &name)))
        }
        Training::External {
            command,
            format,
            workdir,
            features,
        } => {
            let dir = workdir.join(format!("fold-{fold_number}"));
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let ext = match format {
                FoldFileFormat::Csv => "csv",
                FoldFileFormat::Parquet => "parquet",
            };
            let files = FoldFiles {
                fold: fold_number,
                train: dir.join(format!("train.{ext}")),
                valid: dir.join(format!("valid.{ext}")),
                model: dir.join("model.onnx"),
                workdir: dir.clone(),
            };
            assay_model::trainer::write_rows(&data.batch, &idx.train, &files.train, *format)
                .map_err(|e| e.to_string())?;
            assay_model::trainer::write_rows(&data.batch, &idx.test, &files.valid, *format)
                .map_err(|e| e.to_string())?;
            command.run(&files).map_err(|e| e.to_string())?;
            let model = Model::load(&path_str(&files.model)).map_err(|e| e.to_string())?;
            let columns: Vec<String> = data
                .batch
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect();
            let binding = model
                .bind(&columns, features.as_deref())
                .map_err(|e| e.to_string())?;
            let train_batch = take(data, &idx.train)?;
            predict_fold(&model, &binding, data, idx, &train_batch)
        }
    }
}

/// A fold model's outputs on the fold's (validation, training) rows.
fn predict_fold(
    model: &Model,
    binding: &assay_model::Binding,
    data: &CvData,
    idx: &FoldIndices,
    train_batch: &arrow::record_batch::RecordBatch,
) -> Result<(Outputs, Outputs), String> {
    let test_batch = take(data, &idx.test)?;
    let test = model
        .predict(binding, &test_batch, 1)
        .map_err(|e| e.to_string())?;
    let train = model
        .predict(binding, train_batch, 1)
        .map_err(|e| e.to_string())?;
    Ok((
        onnx_outputs(model, test, data)?,
        onnx_outputs(model, train, data)?,
    ))
}

/// Fits a registered learner on the fold's training rows and predicts with it.
fn fit_predict_in_process(
    data: &CvData,
    name: &str,
    learner: &dyn ExternalLearner,
    features: Option<&[String]>,
    idx: &FoldIndices,
    fold_number: usize,
) -> Result<(Outputs, Outputs), String> {
    let features = features.unwrap_or(&data.features);
    let train_batch = take(data, &idx.train)?;
    let schema = train_batch.schema();
    let mut indices = Vec::with_capacity(features.len());
    for f in features {
        indices.push(
            schema
                .index_of(f)
                .map_err(|_| format!("{name}: feature column `{f}` is not in {}", data.label))?,
        );
    }
    let x = train_batch.project(&indices).map_err(|e| e.to_string())?;
    let y = train_batch
        .column_by_name(&data.target)
        .ok_or_else(|| format!("target `{}` missing from the fold", data.target))?;
    let fitted = learner
        .fit(&x, y)
        .map_err(|e| format!("{name}: fitting fold {fold_number}: {e}"))?;
    let model = Model::InProcess(InProcessModel::new(name, fitted));
    let columns: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let binding = model
        .bind(&columns, Some(features))
        .map_err(|e| e.to_string())?;
    predict_fold(&model, &binding, data, idx, &train_batch)
}

fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Runs one fold.
fn run_fold(
    data: &CvData,
    training: &Training,
    idx: &FoldIndices,
    fold_number: usize,
    metrics: &[&'static MetricSpec],
) -> FoldResult {
    assay_runtime::cancel::checkpoint();
    let start = Instant::now();
    let mut result = FoldResult {
        repeat: idx.repeat,
        fold: idx.fold,
        train_rows: idx.train.len(),
        test_rows: idx.test.len(),
        ..FoldResult::default()
    };
    let trivial = trivial_outputs(data, &idx.train, idx.test.len());
    result.trivial_scores = score(data, &idx.test, &trivial, metrics);
    match fit_predict(data, training, idx, fold_number) {
        Ok((test, train)) => {
            result.scores = score(data, &idx.test, &test, metrics);
            result.train_scores = score(data, &idx.train, &train, metrics);
            result.predictions = Some((idx.test.clone(), test));
        }
        Err(e) => result.error = Some(e),
    }
    result.seconds = start.elapsed().as_secs_f64();
    result
}

/// Runs every fold, `parallel` at a time; a failed fold is reported, the others go on. Each
/// fold's row lists are made by its worker, so only `parallel` folds' lists exist at once.
///
/// The folds are taken from a shared counter by plain threads rather than by a rayon pool on
/// purpose: learners train on rayon (the forest's trees), and a rayon thread waiting for them
/// steals other queued work, which in a fold pool would start more folds (and hold more row
/// lists) than `parallel`.
pub fn run(
    data: &CvData,
    training: &Training,
    folds: &FoldPlan,
    metrics: &[&'static MetricSpec],
    parallel: usize,
) -> Vec<FoldResult> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<FoldResult>>> = Mutex::new(vec![None; folds.len()]);
    let workers = parallel.clamp(1, folds.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= folds.len() {
                    break;
                }
                let Some(idx) = folds.indices(i) else { break };
                // A panic in a learner (or in scoring) fails this fold only.
                let r = assay_runtime::fault::isolate(|| {
                    assay_runtime::fault::inject("fold-worker", &i.to_string());
                    run_fold(data, training, &idx, i, metrics)
                })
                .unwrap_or_else(|fault| FoldResult {
                    repeat: idx.repeat,
                    fold: idx.fold,
                    train_rows: idx.train.len(),
                    test_rows: idx.test.len(),
                    error: Some(fault),
                    ..FoldResult::default()
                });
                if let Ok(mut all) = results.lock() {
                    all[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            r.unwrap_or_else(|| {
                let (repeat, fold) = folds.position(i);
                FoldResult {
                    repeat,
                    fold,
                    error: Some("internal: the fold's worker stopped".into()),
                    ..FoldResult::default()
                }
            })
        })
        .collect()
}

/// Pools the validation predictions of `folds` (each row predicted once) and scores them.
pub fn pooled_scores(
    data: &CvData,
    folds: &[FoldResult],
    metrics: &[&'static MetricSpec],
) -> Option<(Vec<u32>, Vec<Option<f64>>)> {
    let mut rows = Vec::new();
    let mut out = Outputs::default();
    let with_probabilities = folds
        .iter()
        .all(|f| matches!(&f.predictions, Some((_, o)) if o.probabilities.is_some()));
    let mut probabilities = Vec::new();
    for f in folds {
        let (r, o) = f.predictions.as_ref()?;
        rows.extend_from_slice(r);
        out.labels.extend_from_slice(&o.labels);
        out.values.extend_from_slice(&o.values);
        if let (true, Some(q)) = (with_probabilities, &o.probabilities) {
            probabilities.extend_from_slice(q);
        }
    }
    out.probabilities = with_probabilities.then_some(probabilities);
    let s = score(data, &rows, &out, metrics);
    Some((rows, s))
}
