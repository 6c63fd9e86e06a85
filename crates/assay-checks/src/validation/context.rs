//! [`ValidationContext`]: what the validation checks of a run read, computed once: the
//! cross-validation, held-out segment runs, the analysed model with its data rows, and
//! inference benchmarks.

use std::path::PathBuf;

use arrow::array::BooleanArray;
use arrow::compute::filter_record_batch;
use arrow::record_batch::RecordBatch;

use assay_engine::Dataset;
use assay_model::benchmark::{bench, BenchConfig, BenchResult};
use assay_model::learners::LearnerSpec;
use assay_model::trainer::{FoldFileFormat, TrainerCommand};
use assay_model::Model;

use super::analysis::AnalysisSetup;
use super::crossval::{self, pooled_scores, CrossvalRun, FoldResult, Training};
use super::data::{self, CvData};
use super::folds::{group_folds, make_folds, splitter_spec, MAX_FOLDS};
use crate::checks::model::metric::MetricSpec;
use crate::checks::model::{metric_named, METRICS};
use crate::evaluation::EvalTask;
use crate::sections::DataSide;
use crate::suite::LoadedSuite;

/// What a run's checks need prepared.
#[derive(Debug, Clone, Default)]
pub struct ValidationNeeds {
    /// A cross-validation.
    pub crossval: bool,
    /// Metrics checks ask for beyond `validation.metrics` (check ids).
    pub extra_metrics: Vec<String>,
    /// Cross-validations holding out each value of these columns.
    pub unseen_segments: Vec<String>,
    /// The analysed model (and the current rows).
    pub analysis: bool,
    /// Each model input's distribution (sensitivity designs).
    pub designs: bool,
    /// Inference benchmarks.
    pub benchmark: bool,
}

impl ValidationNeeds {
    /// Adds what `other` needs.
    pub fn merge(&mut self, other: ValidationNeeds) {
        self.crossval |= other.crossval;
        self.analysis |= other.analysis;
        self.designs |= other.designs;
        self.benchmark |= other.benchmark;
        for m in other.extra_metrics {
            if !self.extra_metrics.contains(&m) {
                self.extra_metrics.push(m);
            }
        }
        for c in other.unseen_segments {
            if !self.unseen_segments.contains(&c) {
                self.unseen_segments.push(c);
            }
        }
    }

    /// True when anything is needed.
    pub fn any(&self) -> bool {
        self.crossval || self.analysis || self.benchmark || !self.unseen_segments.is_empty()
    }
}

/// A cross-validation that holds out whole values of a segment column.
#[derive(Debug, Clone)]
pub struct UnseenSegment {
    /// The column.
    pub column: String,
    /// Its values.
    pub values: Vec<String>,
    /// Folds (each validates on values its training rows never saw).
    pub folds: Vec<FoldResult>,
    /// Scores of the pooled held-out predictions, per metric.
    pub pooled: Vec<Option<f64>>,
    /// Per value: rows and scores of its held-out predictions.
    pub per_value: Vec<(String, usize, Vec<Option<f64>>)>,
}

/// Benchmarks of the model and its baseline, measured in the same run.
#[derive(Debug, Clone)]
pub struct BenchRun {
    /// The model.
    pub candidate: BenchResult,
    /// The baseline.
    pub baseline: Option<BenchResult>,
}

/// Validation data of a run.
#[derive(Default)]
pub struct ValidationContext {
    /// The cross-validated data.
    pub data: Option<CvData>,
    /// The cross-validation.
    pub crossval: Option<CrossvalRun>,
    /// Held-out segment runs.
    pub unseen: Vec<UnseenSegment>,
    /// The analysed model.
    pub analysis: Option<AnalysisSetup>,
    /// Each model input's distribution, for the sensitivity designs.
    pub marginals: Option<Vec<super::marginals::Marginal>>,
    /// Benchmarks.
    pub bench: Option<BenchRun>,
    /// The suite's `sensitivity:` section.
    pub sensitivity: crate::sections::SensitivitySection,
    /// The suite's `validation:` section.
    pub settings: crate::sections::ValidationSection,
}

fn default_metrics(task: EvalTask) -> Vec<&'static str> {
    match task {
        EvalTask::Classification => vec![
            "model.accuracy",
            "model.roc_auc",
            "model.f1",
            "model.log_loss",
        ],
        EvalTask::Regression => vec!["model.rmse", "model.mae", "model.r2"],
    }
}

/// The metrics scored: `validation.metrics` (default per task) plus those checks ask for.
fn metrics_of(
    names: &[String],
    extra: &[String],
    task: EvalTask,
) -> Result<Vec<&'static MetricSpec>, String> {
    let mut ids: Vec<&'static str> = Vec::new();
    for n in names.iter().chain(extra) {
        let spec = metric_named(n).ok_or_else(|| {
            format!(
                "validation.metrics: unknown metric `{n}` (one of: {})",
                METRICS
                    .iter()
                    .map(|s| s.id.trim_start_matches("model."))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        if spec.task != task {
            return Err(format!(
                "metric `{n}` is a {} metric, but the target is a {} target",
                task_name(spec.task),
                task_name(task)
            ));
        }
        ids.push(spec.id);
    }
    if names.is_empty() {
        ids.splice(0..0, default_metrics(task));
    }
    let mut seen = Vec::new();
    ids.retain(|id| {
        let new = !seen.contains(id);
        seen.push(*id);
        new
    });
    Ok(ids.iter().filter_map(|id| metric_named(id)).collect())
}

fn task_name(t: EvalTask) -> &'static str {
    match t {
        EvalTask::Classification => "classification",
        EvalTask::Regression => "regression",
    }
}

fn training_of(loaded: &LoadedSuite, workdir: PathBuf) -> Result<Training, String> {
    let v = &loaded.suite.validation;
    match (&v.learner, &v.trainer) {
        (Some(_), Some(_)) => {
            Err("validation: give either `learner` or `trainer`, not both".into())
        }
        (None, None) => Err(
            "validation: give a built-in `learner` (logistic_regression, linear_regression, \
             ridge, random_forest) or an external `trainer` command"
                .into(),
        ),
        (Some(name), None) if assay_model::external::is_registered(name) => {
            let learner = assay_model::external::registered_learner(name).ok_or_else(|| {
                format!("validation.learner: `{name}` is a model, not a learner to train per fold")
            })?;
            Ok(Training::InProcess {
                name: name.clone(),
                learner,
                features: v.features.clone(),
            })
        }
        (Some(name), None) => LearnerSpec::parse(name, &v.learner_params)
            .map(Training::Learner)
            .map_err(|e| format!("validation.learner: {e}")),
        (None, Some(template)) => {
            let mut command =
                TrainerCommand::new(template).map_err(|e| format!("validation.trainer: {e}"))?;
            if !loaded.base_dir.as_os_str().is_empty() {
                command = command.with_working_dir(loaded.base_dir.clone());
            }
            if let Some(t) = v.trainer_timeout {
                if !(t.is_finite() && t > 0.0) {
                    return Err(format!(
                        "validation.trainer_timeout must be a positive number of seconds, got {t}"
                    ));
                }
                command = command.with_timeout(std::time::Duration::from_secs_f64(t));
            }
            let format = match v.trainer_format.as_str() {
                "csv" => FoldFileFormat::Csv,
                "parquet" => FoldFileFormat::Parquet,
                o => {
                    return Err(format!(
                        "validation.trainer_format must be csv or parquet, got `{o}`"
                    ))
                }
            };
            Ok(Training::External {
                command,
                format,
                workdir,
                features: v.features.clone(),
            })
        }
    }
}

fn threads() -> usize {
    assay_runtime::threads::budget()
}

/// Holds out each value of `column` in turn (group k-fold over its values).
fn unseen_segment(
    data: &CvData,
    training: &Training,
    column: &str,
    folds: usize,
    metrics: &[&'static MetricSpec],
    parallel: usize,
) -> Result<UnseenSegment, String> {
    let (codes, values) = data.codes_of(column)?;
    if values.len() < 2 {
        return Err(format!(
            "column `{column}` has {} value(s): holding values out needs at least two",
            values.len()
        ));
    }
    // One model per fold: the cap of every cross-validation applies here too.
    let k = folds.min(values.len()).clamp(2, MAX_FOLDS);
    let indices = group_folds(&codes, k)?;
    let results = crossval::run(data, training, &indices, metrics, parallel);
    let (pooled, per_value) = match pooled_scores(data, &results, metrics) {
        Some((rows, s)) => {
            let mut per_value = Vec::new();
            for (g, value) in values.iter().enumerate() {
                let members: Vec<usize> = rows
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| codes[**r as usize] == g as u32)
                    .map(|(i, _)| i)
                    .collect();
                if members.is_empty() {
                    continue;
                }
                let sub_rows: Vec<u32> = members.iter().map(|i| rows[*i]).collect();
                let out = subset_outputs(&results, &members, data);
                per_value.push((
                    value.clone(),
                    sub_rows.len(),
                    crossval::score(data, &sub_rows, &out, metrics),
                ));
            }
            (s, per_value)
        }
        None => (vec![None; metrics.len()], Vec::new()),
    };
    Ok(UnseenSegment {
        column: column.to_string(),
        values,
        folds: results,
        pooled,
        per_value,
    })
}

/// The pooled predictions of `folds` at positions `members` (of the pooled order).
fn subset_outputs(
    folds: &[FoldResult],
    members: &[usize],
    data: &CvData,
) -> crate::evaluation::Outputs {
    let mut all = crate::evaluation::Outputs::default();
    let mut probabilities = Vec::new();
    let mut with_probabilities = true;
    for f in folds {
        if let Some((_, o)) = &f.predictions {
            all.labels.extend_from_slice(&o.labels);
            all.values.extend_from_slice(&o.values);
            match &o.probabilities {
                Some(p) => probabilities.extend_from_slice(p),
                None => with_probabilities = false,
            }
        }
    }
    let k = data.classes.len().max(1);
    let mut out = crate::evaluation::Outputs::default();
    for i in members {
        if let Some(l) = all.labels.get(*i) {
            out.labels.push(*l);
        }
        if let Some(v) = all.values.get(*i) {
            out.values.push(*v);
        }
    }
    if with_probabilities {
        let mut p = Vec::with_capacity(members.len() * k);
        for i in members {
            if let Some(row) = probabilities.get(i * k..(i + 1) * k) {
                p.extend_from_slice(row);
            }
        }
        out.probabilities = Some(p);
    }
    out
}

/// Every column of `dataset` as one batch, from the rows its profiling read kept in order
/// (`None` for a saved profile or no rows).
fn all_rows(dataset: &Dataset) -> Result<Option<RecordBatch>, String> {
    if dataset.source.is_none() {
        return Ok(None);
    }
    let columns = dataset.columns();
    dataset.kept_rows(&columns)?.select(&columns)
}

/// Keeps the rows whose model inputs are all finite numbers.
fn complete_rows(batch: &RecordBatch, columns: &[String]) -> Result<(RecordBatch, u64), String> {
    let n = batch.num_rows();
    let mut keep = vec![true; n];
    for c in columns {
        let v = assay_model::column_f64(batch, c)
            .ok_or_else(|| format!("model input column `{c}` is not numeric"))?;
        for (k, x) in keep.iter_mut().zip(&v) {
            *k &= x.is_finite();
        }
    }
    let dropped = keep.iter().filter(|k| !**k).count() as u64;
    if dropped == 0 {
        return Ok((batch.clone(), 0));
    }
    let kept = filter_record_batch(batch, &BooleanArray::from(keep)).map_err(|e| e.to_string())?;
    Ok((kept, dropped))
}

/// The columns a model is bound to: the data's, or without data the model's declared
/// features (`features`, its `assay.features` metadata, else its input names).
fn columns_for(model: &Model, current: &Dataset, features: Option<&Vec<String>>) -> Vec<String> {
    let columns = current.columns();
    if !columns.is_empty() {
        return columns;
    }
    if let Some(f) = features {
        return f.clone();
    }
    match model.feature_names() {
        Some(f) => f.to_vec(),
        None => model.inputs().iter().map(|i| i.name.clone()).collect(),
    }
}

/// Rows of uniform [0, 1) values (seed 0) for benchmarks run without data.
fn synthetic_rows(columns: &[String], rows: usize) -> Result<RecordBatch, String> {
    use arrow::array::{ArrayRef, Float64Array};
    use arrow::datatypes::{DataType, Field, Schema};
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
    let fields: Vec<Field> = columns
        .iter()
        .map(|c| Field::new(c, DataType::Float64, false))
        .collect();
    let arrays: Vec<ArrayRef> = columns
        .iter()
        .map(|_| {
            std::sync::Arc::new(Float64Array::from(
                (0..rows).map(|_| rng.random::<f64>()).collect::<Vec<f64>>(),
            )) as ArrayRef
        })
        .collect();
    RecordBatch::try_new(std::sync::Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| e.to_string())
}

/// Prepares what `needs` asks for.
pub fn prepare(
    loaded: &LoadedSuite,
    current: &Dataset,
    reference: Option<&Dataset>,
    needs: &ValidationNeeds,
) -> Result<ValidationContext, String> {
    let suite = &loaded.suite;
    let mut ctx = ValidationContext {
        sensitivity: suite.sensitivity.clone(),
        settings: suite.validation.clone(),
        ..ValidationContext::default()
    };
    if needs.crossval || !needs.unseen_segments.is_empty() {
        let v = &suite.validation;
        let dataset = match v.data {
            DataSide::Current => current,
            DataSide::Reference => reference
                .ok_or("validation.data is `reference`, but the suite has no data.reference")?,
        };
        let data = data::load(dataset, &suite.roles, v)?;
        let metrics = metrics_of(&v.metrics, &needs.extra_metrics, data.task)?;
        let temp;
        let workdir = match &v.workdir {
            Some(w) => PathBuf::from(loaded.resolve(w)),
            None => {
                temp = tempfile::tempdir()
                    .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
                temp.path().to_path_buf()
            }
        };
        let training = training_of(loaded, workdir)?;
        if let Training::Learner(spec) = &training {
            use assay_model::learners::LearnerKind;
            let fits = match spec.kind {
                LearnerKind::LogisticRegression => data.task == EvalTask::Classification,
                LearnerKind::LinearRegression | LearnerKind::Ridge => {
                    data.task == EvalTask::Regression
                }
                _ => true,
            };
            if !fits {
                return Err(format!(
                    "learner `{}` does not fit a {} target (`{}`): use {}",
                    spec.kind.name(),
                    task_name(data.task),
                    data.target,
                    match data.task {
                        EvalTask::Classification =>
                            "logistic_regression, random_forest or decision_tree",
                        EvalTask::Regression =>
                            "linear_regression, ridge, random_forest or decision_tree",
                    }
                ));
            }
        }
        let parallel = v.parallel.unwrap_or_else(threads).max(1);
        if needs.crossval {
            let folds = make_folds(&data, v)?;
            let results = crossval::run(&data, &training, &folds, &metrics, parallel);
            ctx.crossval = Some(CrossvalRun {
                splitter: splitter_spec(v, data.task),
                training: training.describe(),
                metrics: metrics.clone(),
                folds: results,
                confidence: v.confidence,
                kept_files: v.workdir.is_some() || v.learner.is_some(),
            });
        }
        for column in &needs.unseen_segments {
            ctx.unseen.push(unseen_segment(
                &data, &training, column, v.folds, &metrics, parallel,
            )?);
        }
        ctx.data = Some(data);
    }
    // The current data's rows, read once for the analysed model and the benchmarks.
    let mut current_rows: Option<Option<RecordBatch>> = None;
    if needs.analysis {
        let s = &suite.sensitivity;
        let path =
            s.model.as_ref().or(suite.evaluation.model.as_ref()).ok_or(
                "sensitivity analysis needs a model (sensitivity.model or evaluation.model)",
            )?;
        let model = Model::load(&loaded.resolve(path)).map_err(|e| e.to_string())?;
        let features = s.features.as_ref().or(suite.evaluation.features.as_ref());
        let columns = columns_for(&model, current, features);
        let mut setup = AnalysisSetup::new(
            model,
            &columns,
            features.map(Vec::as_slice),
            s.output.as_deref(),
            suite.evaluation.positive_class.as_deref(),
            threads(),
        )?;
        current_rows = Some(all_rows(current)?);
        if let Some(batch) = current_rows.clone().flatten() {
            // An ONNX model cannot take missing inputs; a Python model takes every row (its
            // pipeline imputes, and its inputs may be text).
            if setup.model.drops_missing_inputs() {
                let (kept, dropped) = complete_rows(&batch, &setup.features)?;
                setup.batch = Some(kept);
                setup.dropped = dropped;
            } else {
                setup.batch = Some(batch);
            }
        }
        if needs.designs {
            // Saltelli's design has samples × (inputs + 2) rows, known only now.
            if suite.checks.iter().any(|e| e.check == "sensitivity.sobol") {
                let d = setup.features.len();
                crate::limits::check_combined(
                    "sensitivity.samples × (inputs + 2)",
                    s.samples as f64 * (d as f64 + 2.0),
                    &format!("{} × ({d} + 2)", s.samples),
                    None,
                )
                .map_err(|m| {
                    match crate::suite::line_of(&loaded.text, &["samples"]) {
                        Some(line) if !loaded.text.is_empty() => format!("line {line}: {m}"),
                        _ => m,
                    }
                })?;
            }
            ctx.marginals = Some(super::marginals::resolve(s, &setup)?);
        }
        ctx.analysis = Some(setup);
    }
    if needs.benchmark {
        let p = &suite.performance;
        let path = p
            .model
            .as_ref()
            .or(suite.evaluation.model.as_ref())
            .ok_or("performance checks need a model (performance.model or evaluation.model)")?;
        let baseline = p
            .baseline_model
            .as_ref()
            .or(suite.evaluation.baseline_model.as_ref());
        let features = p.features.as_ref().or(suite.evaluation.features.as_ref());
        let given = current.source.is_some();
        let rows = match current_rows.take() {
            Some(rows) => rows,
            None => all_rows(current)?,
        };
        let (sample, columns) = match rows {
            Some(batch) => (
                batch.slice(0, batch.num_rows().min(p.sample_rows.max(1))),
                current.columns(),
            ),
            None if given => {
                return Err(format!("{} has no rows to feed the model", current.label))
            }
            None => {
                let model = Model::load(&loaded.resolve(path)).map_err(|e| e.to_string())?;
                let columns = columns_for(&model, current, features);
                (
                    synthetic_rows(&columns, p.sample_rows.clamp(1, 10_000))?,
                    columns,
                )
            }
        };
        let config = BenchConfig {
            batch_sizes: p.batch_sizes.clone(),
            warmup: p.warmup,
            min_iterations: p.iterations,
            max_seconds_per_size: p.seconds_per_size,
            threads: if p.threads.is_empty() {
                BenchConfig::default().threads
            } else {
                p.threads.clone()
            },
            throughput_rows: p.throughput_rows,
        };
        let run = |path: &String| {
            bench(
                &loaded.resolve(path),
                &sample,
                &columns,
                features.map(Vec::as_slice),
                &config,
            )
            .map_err(|e| e.to_string())
        };
        let candidate = run(path)?;
        let baseline = baseline.map(run).transpose()?;
        ctx.bench = Some(BenchRun {
            candidate,
            baseline,
        });
    }
    Ok(ctx)
}
