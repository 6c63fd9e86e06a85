//! [`EvalFrame`]: targets, predictions, probabilities, weights and groupings of the rows a
//! model is evaluated on, from the rows the profiling read kept in order (models run batch by
//! batch on every core).

use std::collections::HashMap;

use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;

use assay_engine::source::column_list;
use assay_engine::{Dataset, EngineError, Roles};
use assay_model::{Binding, Model, ModelTask};

use super::labels::{label_texts, sort_classes};
use super::slices::SliceExpr;
use crate::suite::EvaluationSection;

/// What is predicted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvalTask {
    /// Class labels (and optionally probabilities).
    Classification,
    /// Numbers.
    Regression,
}

/// A model's (or prediction columns') outputs on the frame's rows.
#[derive(Debug, Clone, Default)]
pub struct Outputs {
    /// Where they came from (`model.onnx`, or `column pred`).
    pub name: String,
    /// Classification: predicted class index per row.
    pub labels: Vec<u32>,
    /// Classification: probabilities, row-major rows × classes, when available and valid.
    pub probabilities: Option<Vec<f64>>,
    /// Why probabilities are unavailable, when they were given but invalid.
    pub probability_problem: Option<String>,
    /// Regression: predicted value per row.
    pub values: Vec<f64>,
}

/// A column's values as group codes.
#[derive(Debug, Clone)]
pub struct Grouping {
    /// Column.
    pub column: String,
    /// Group index per row.
    pub codes: Vec<u32>,
    /// Group values (nulls as `(null)`).
    pub values: Vec<String>,
}

/// Rows of a slice expression.
#[derive(Debug, Clone)]
pub struct Slice {
    /// The expression.
    pub expression: String,
    /// Membership per row.
    pub members: Vec<bool>,
}

/// Everything model checks read.
#[derive(Debug, Clone)]
pub struct EvalFrame {
    /// Classification or regression.
    pub task: EvalTask,
    /// Class labels in sorted order (classification).
    pub classes: Vec<String>,
    /// The positive class of a binary task.
    pub positive: Option<usize>,
    /// True class per row (classification).
    pub y_class: Vec<u32>,
    /// True value per row (regression).
    pub y_value: Vec<f64>,
    /// Sample weights.
    pub weights: Option<Vec<f64>>,
    /// The model under test.
    pub candidate: Outputs,
    /// The baseline, on the same rows.
    pub baseline: Option<Outputs>,
    /// Segment columns.
    pub segments: Vec<Grouping>,
    /// Protected attributes.
    pub protected: Vec<Grouping>,
    /// Other low-cardinality columns searched for weak slices.
    pub discovery: Vec<Grouping>,
    /// Slices from expressions.
    pub slices: Vec<Slice>,
    /// Rows read.
    pub rows_read: u64,
    /// Rows left out, by reason.
    pub dropped: Vec<(String, u64)>,
    /// The evaluation settings.
    pub settings: EvaluationSection,
}

impl EvalFrame {
    /// Rows evaluated.
    pub fn rows(&self) -> usize {
        match self.task {
            EvalTask::Classification => self.y_class.len(),
            EvalTask::Regression => self.y_value.len(),
        }
    }

    /// Number of classes.
    pub fn k(&self) -> usize {
        self.classes.len()
    }

    /// A frame holding only targets, for scoring predictions made elsewhere
    /// (cross-validation folds, perturbed data): no weights, groupings or slices.
    pub fn for_scoring(
        task: EvalTask,
        classes: Vec<String>,
        positive: Option<usize>,
        y_class: Vec<u32>,
        y_value: Vec<f64>,
    ) -> Self {
        let rows = y_class.len().max(y_value.len()) as u64;
        EvalFrame {
            task,
            classes,
            positive,
            y_class,
            y_value,
            weights: None,
            candidate: Outputs::default(),
            baseline: None,
            segments: Vec::new(),
            protected: Vec::new(),
            discovery: Vec::new(),
            slices: Vec::new(),
            rows_read: rows,
            dropped: Vec::new(),
            settings: EvaluationSection::default(),
        }
    }
}

/// What to build a frame from.
pub struct EvalSetup<'a> {
    /// The data under test.
    pub current: &'a Dataset,
    /// Column roles.
    pub roles: &'a Roles,
    /// The suite's `evaluation:` section.
    pub settings: &'a EvaluationSection,
    /// The model under test, when run by assay.
    pub model: Option<&'a Model>,
    /// The baseline model, when run by assay.
    pub baseline_model: Option<&'a Model>,
    /// Extra columns to group by for weak-slice discovery.
    pub discovery_columns: Vec<String>,
    /// Worker threads for model inference.
    pub threads: usize,
}

#[derive(Default)]
struct Interner {
    index: HashMap<String, u32>,
    values: Vec<String>,
}

impl Interner {
    fn code(&mut self, s: &str) -> u32 {
        if let Some(c) = self.index.get(s) {
            return *c;
        }
        let c = self.values.len() as u32;
        self.values.push(s.to_string());
        self.index.insert(s.to_string(), c);
        c
    }
}

const NONE: u32 = u32::MAX;

/// Where one side's predictions come from.
enum Source<'a> {
    Model {
        model: &'a Model,
        binding: Binding,
        /// Interned code of each model class.
        codes: Vec<u32>,
    },
    Columns {
        prediction: Option<String>,
        probabilities: Vec<String>,
    },
}

#[derive(Default)]
struct RawSide {
    /// Per row, the first model input column that is null or not finite (models only).
    bad_input: Vec<Option<u32>>,
    labels: Vec<u32>,
    /// Row-major rows × width probabilities (or scores) as given.
    scores: Vec<f64>,
    values: Vec<f64>,
}

struct SideBuilder<'a> {
    name: String,
    source: Source<'a>,
    /// Class of each raw score column, as an interned code (for 1 column: the positive class,
    /// resolved later).
    score_codes: Vec<u32>,
    width: usize,
    /// What each score column is called in messages.
    score_names: Vec<String>,
    raw: RawSide,
}

fn column_f64(batch: &RecordBatch, name: &str) -> Result<Vec<f64>, String> {
    let a = batch
        .column_by_name(name)
        .ok_or_else(|| format!("column `{name}` missing from the scan"))?;
    if !(a.data_type().is_numeric() || a.data_type() == &DataType::Boolean) {
        return Err(format!("column `{name}` is {}, not numeric", a.data_type()));
    }
    assay_model::column_f64(batch, name).ok_or_else(|| format!("column `{name}`: not numeric"))
}

fn texts(batch: &RecordBatch, name: &str) -> Result<Vec<Option<String>>, String> {
    let a = batch
        .column_by_name(name)
        .ok_or_else(|| format!("column `{name}` missing from the scan"))?;
    label_texts(a, name)
}

/// One per-row batch of a side: (labels or NONE, scores row-major, values).
fn side_batch(
    side: &mut SideBuilder,
    batch: &RecordBatch,
    task: EvalTask,
    classes: &mut Interner,
    threads: usize,
) -> Result<(), String> {
    let n = batch.num_rows();
    match &side.source {
        Source::Model {
            model,
            binding,
            codes,
        } => {
            let p = model
                .predict(binding, batch, threads)
                .map_err(|e| e.to_string())?;
            // Rows with a null, NaN or infinite input are left out (as scikit-learn refuses
            // them); the first such column is kept for the count. A model of the caller's
            // own (Python) sees every row and handles missing values itself.
            let cols = if model.drops_missing_inputs() {
                binding.all_columns()
            } else {
                Vec::new()
            };
            let mut bad: Vec<Option<u32>> = vec![None; n];
            for (j, c) in cols.iter().enumerate() {
                let v = column_f64(batch, c)?;
                for (i, x) in v.iter().enumerate() {
                    if bad[i].is_none() && !x.is_finite() {
                        bad[i] = Some(j as u32);
                    }
                }
            }
            side.raw.bad_input.extend(bad);
            match task {
                EvalTask::Classification => {
                    let labels = p.labels.unwrap_or_else(|| vec![NONE; n]);
                    side.raw.labels.extend(
                        labels
                            .iter()
                            .map(|l| codes.get(*l as usize).copied().unwrap_or(NONE)),
                    );
                    match p.probabilities {
                        Some(s) => side.raw.scores.extend(s),
                        None => side
                            .raw
                            .scores
                            .extend(std::iter::repeat_n(f64::NAN, n * side.width)),
                    }
                }
                EvalTask::Regression => {
                    let v = p
                        .values
                        .ok_or_else(|| format!("{} gives no numeric prediction", model.path()))?;
                    side.raw.values.extend(v);
                }
            }
        }
        Source::Columns {
            prediction,
            probabilities,
        } => match task {
            EvalTask::Classification => {
                match prediction {
                    Some(c) => {
                        for t in texts(batch, c)? {
                            side.raw.labels.push(t.map_or(NONE, |t| classes.code(&t)));
                        }
                    }
                    None => side.raw.labels.extend(std::iter::repeat_n(NONE, n)),
                }
                if !probabilities.is_empty() {
                    let cols: Vec<Vec<f64>> = probabilities
                        .iter()
                        .map(|c| column_f64(batch, c))
                        .collect::<Result<_, _>>()?;
                    for i in 0..n {
                        for c in &cols {
                            side.raw.scores.push(c[i]);
                        }
                    }
                }
            }
            EvalTask::Regression => {
                let c = prediction
                    .as_ref()
                    .ok_or("no prediction column (roles.prediction) and no model")?;
                side.raw.values.extend(column_f64(batch, c)?);
            }
        },
    }
    Ok(())
}

fn decide_task(setup: &EvalSetup, target: &str) -> Result<EvalTask, String> {
    if let Some(t) = &setup.settings.task {
        return Ok(if t == "regression" {
            EvalTask::Regression
        } else {
            EvalTask::Classification
        });
    }
    if let Some(m) = setup.model {
        return Ok(match m.task() {
            ModelTask::Classifier { .. } => EvalTask::Classification,
            ModelTask::Regressor => EvalTask::Regression,
        });
    }
    if !setup.roles.probabilities.is_empty() {
        return Ok(EvalTask::Classification);
    }
    let col = setup
        .current
        .profile
        .column(target)
        .ok_or_else(|| format!("the target column `{target}` is not in the data"))?;
    let dt = setup.current.source.as_ref().and_then(|s| {
        s.schema
            .field_with_name(target)
            .ok()
            .map(|f| f.data_type().clone())
    });
    Ok(match dt {
        Some(DataType::Float16 | DataType::Float32 | DataType::Float64) => EvalTask::Regression,
        Some(dt) if dt.is_integer() => {
            let distinct = col.state.exact_value_counts().map(|v| v.len());
            if distinct.is_some_and(|d| d <= 50) {
                EvalTask::Classification
            } else {
                EvalTask::Regression
            }
        }
        _ => EvalTask::Classification,
    })
}

fn side_builder<'a>(
    name: String,
    model: Option<&'a Model>,
    prediction: Option<String>,
    probabilities: Vec<String>,
    setup: &EvalSetup,
    columns: &[String],
    classes: &mut Interner,
) -> Result<Option<SideBuilder<'a>>, String> {
    if let Some(m) = model {
        let binding = m
            .bind(columns, setup.settings.features.as_deref())
            .map_err(|e| e.to_string())?;
        let model_classes: Vec<String> = match m.task() {
            ModelTask::Classifier { classes } => classes.clone(),
            ModelTask::Regressor => Vec::new(),
        };
        let codes: Vec<u32> = model_classes.iter().map(|c| classes.code(c)).collect();
        return Ok(Some(SideBuilder {
            name: m.path().to_string(),
            width: codes.len(),
            score_names: model_classes
                .iter()
                .map(|c| format!("{} P({c})", m.path()))
                .collect(),
            score_codes: codes.clone(),
            source: Source::Model {
                model: m,
                binding,
                codes,
            },
            raw: RawSide::default(),
        }));
    }
    if prediction.is_none() && probabilities.is_empty() {
        return Ok(None);
    }
    let width = probabilities.len();
    let score_codes = match (&setup.settings.classes, width) {
        (_, 0) => Vec::new(),
        (_, 1) => vec![NONE], // the positive class, resolved when the classes are known
        (Some(declared), w) => {
            if declared.len() != w {
                return Err(format!(
                    "evaluation.classes names {} classes for {w} probability columns",
                    declared.len()
                ));
            }
            declared.iter().map(|c| classes.code(c)).collect()
        }
        (None, _) => Vec::new(), // sorted classes, resolved later
    };
    Ok(Some(SideBuilder {
        name,
        score_names: probabilities
            .iter()
            .map(|c| format!("column {c}"))
            .collect(),
        source: Source::Columns {
            prediction,
            probabilities,
        },
        score_codes,
        width,
        raw: RawSide::default(),
    }))
}

/// Builds the frame from the current data's rows, kept in order from its profiling read
/// ([`super::EvalPlan::columns`] lists what the runner asked the read to keep).
pub fn build_frame(setup: EvalSetup<'_>) -> Result<EvalFrame, String> {
    let roles = setup.roles;
    let settings = setup.settings;
    let source = setup.current.source.as_ref().ok_or_else(|| {
        format!(
            "{} is a saved profile: model evaluation needs the rows",
            setup.current.label
        )
    })?;
    let target = roles
        .target
        .clone()
        .ok_or("model evaluation needs the target column (roles.target / --target)")?;
    let columns = setup.current.columns();
    let task = decide_task(&setup, &target)?;
    let mut classes = Interner::default();
    let describe = |p: &Option<String>, probs: &[String]| match (p, probs.is_empty()) {
        (Some(p), _) => format!("column {p}"),
        (None, false) => format!("columns {}", probs.join(", ")),
        (None, true) => String::new(),
    };
    let mut candidate = side_builder(
        describe(&roles.prediction, &roles.probabilities),
        setup.model,
        roles.prediction.clone(),
        roles.probabilities.clone(),
        &setup,
        &columns,
        &mut classes,
    )?
    .ok_or(
        "nothing to evaluate: give a model (--model / evaluation.model) or prediction columns \
         (--prediction, --probability / roles.prediction, roles.probabilities)",
    )?;
    let mut baseline = side_builder(
        describe(&roles.baseline_prediction, &roles.baseline_probabilities),
        setup.baseline_model,
        roles.baseline_prediction.clone(),
        roles.baseline_probabilities.clone(),
        &setup,
        &columns,
        &mut classes,
    )?;
    for side in std::iter::once(&candidate).chain(baseline.iter()) {
        if let Source::Model { model, .. } = &side.source {
            let model_task = match model.task() {
                ModelTask::Classifier { .. } => EvalTask::Classification,
                ModelTask::Regressor => EvalTask::Regression,
            };
            if model_task != task {
                return Err(format!(
                    "{} is a {} but the evaluation is a {}",
                    model.path(),
                    if model_task == EvalTask::Regression {
                        "regressor"
                    } else {
                        "classifier"
                    },
                    if task == EvalTask::Regression {
                        "regression"
                    } else {
                        "classification"
                    },
                ));
            }
        }
    }
    for c in settings.classes.iter().flatten() {
        classes.code(c);
    }
    let mut slice_exprs: Vec<SliceExpr> = settings
        .slices
        .iter()
        .map(|s| SliceExpr::parse(s, &source.schema))
        .collect::<Result<_, _>>()?;
    // Columns to scan.
    let mut scan: Vec<String> = vec![target.clone()];
    let mut add = |c: &String| {
        if !scan.contains(c) {
            scan.push(c.clone());
        }
    };
    for side in std::iter::once(&candidate).chain(baseline.iter()) {
        match &side.source {
            Source::Model { binding, .. } => binding.all_columns().iter().for_each(&mut add),
            Source::Columns {
                prediction,
                probabilities,
            } => {
                prediction.iter().for_each(&mut add);
                probabilities.iter().for_each(&mut add);
            }
        }
    }
    roles.weight.iter().for_each(&mut add);
    let group_columns: Vec<(usize, String)> = roles
        .segments
        .iter()
        .map(|c| (0, c.clone()))
        .chain(roles.protected.iter().map(|c| (1, c.clone())))
        .chain(setup.discovery_columns.iter().map(|c| (2, c.clone())))
        .collect();
    group_columns.iter().for_each(|(_, c)| add(c));
    slice_exprs
        .iter()
        .flat_map(|s| s.columns.iter())
        .for_each(&mut add);

    let mut y_codes: Vec<u32> = Vec::new();
    let mut y_values: Vec<f64> = Vec::new();
    let mut weights: Vec<f64> = Vec::new();
    let mut group_codes: Vec<Vec<u32>> = vec![Vec::new(); group_columns.len()];
    let mut group_interners: Vec<Interner> = (0..group_columns.len())
        .map(|_| Interner::default())
        .collect();
    let mut slice_members: Vec<Vec<bool>> = vec![Vec::new(); slice_exprs.len()];
    let mut rows_read = 0u64;
    let threads = setup.threads.max(1);
    // The rows, in order, kept from the profiling read (the runner asked it for them).
    if let Some(c) = scan.iter().find(|c| !columns.contains(c)) {
        return Err(EngineError::Column {
            column: c.clone(),
            message: format!(
                "{} has no such column (columns: {})",
                setup.current.label,
                column_list(&source.schema)
            ),
        }
        .to_string());
    }
    let rows = setup.current.kept_rows(&scan)?;
    rows.for_each_batch(|batch| {
        rows_read += batch.num_rows() as u64;
        match task {
            EvalTask::Classification => {
                for t in texts(batch, &target)? {
                    y_codes.push(t.map_or(NONE, |t| classes.code(&t)));
                }
            }
            EvalTask::Regression => {
                let a = batch
                    .column_by_name(&target)
                    .ok_or("target missing from the scan")?;
                if !a.data_type().is_numeric() {
                    return Err(format!(
                        "the target `{target}` is {}, not numeric: set evaluation.task: \
                             classification for class labels",
                        a.data_type()
                    ));
                }
                y_values.extend(column_f64(batch, &target)?);
            }
        }
        side_batch(&mut candidate, batch, task, &mut classes, threads)?;
        if let Some(b) = baseline.as_mut() {
            side_batch(b, batch, task, &mut classes, threads)?;
        }
        if let Some(w) = &roles.weight {
            weights.extend(column_f64(batch, w)?);
        }
        for (g, (_, c)) in group_columns.iter().enumerate() {
            for t in texts(batch, c)? {
                let code = group_interners[g].code(t.as_deref().unwrap_or("(null)"));
                group_codes[g].push(code);
            }
        }
        for (s, e) in slice_exprs.iter_mut().enumerate() {
            slice_members[s].extend(e.members(batch)?);
        }
        Ok(())
    })?;
    let n = rows_read as usize;

    // Classes, sorted; interned codes → class index.
    let (class_list, code_to_class) = if task == EvalTask::Classification {
        let mut used = vec![false; classes.values.len()];
        for c in y_codes.iter().filter(|c| **c != NONE) {
            used[*c as usize] = true;
        }
        for side in std::iter::once(&candidate).chain(baseline.iter()) {
            for c in side.raw.labels.iter().filter(|c| **c != NONE) {
                used[*c as usize] = true;
            }
            for c in side.score_codes.iter().filter(|c| **c != NONE) {
                used[*c as usize] = true;
            }
        }
        for c in settings.classes.iter().flatten() {
            used[classes.code(c) as usize] = true;
        }
        let mut list: Vec<String> = classes
            .values
            .iter()
            .zip(&used)
            .filter(|(_, u)| **u)
            .map(|(v, _)| v.clone())
            .collect();
        sort_classes(&mut list);
        let position: HashMap<&str, u32> = list
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i as u32))
            .collect();
        let map: Vec<u32> = classes
            .values
            .iter()
            .map(|v| position.get(v.as_str()).copied().unwrap_or(NONE))
            .collect();
        (list, map)
    } else {
        (Vec::new(), Vec::new())
    };
    let k = class_list.len();
    // A target label outside the classes a model (or the declared classes) knows is a data
    // error, not a new class: `>50K.` against `>50K` would silently become a third class.
    if task == EvalTask::Classification {
        for side in std::iter::once(&candidate).chain(baseline.iter()) {
            let known: Option<(Vec<u32>, String)> = match &side.source {
                Source::Model { codes, model, .. } => {
                    Some((codes.clone(), model.path().to_string()))
                }
                Source::Columns { .. } if side.width > 1 && !side.score_codes.is_empty() => {
                    Some((side.score_codes.clone(), "evaluation.classes".to_string()))
                }
                _ => None,
            };
            let Some((codes, what)) = known else { continue };
            let mut unknown: Vec<(u32, u64, usize)> = Vec::new();
            for (i, y) in y_codes.iter().enumerate() {
                if *y != NONE && !codes.contains(y) {
                    match unknown.iter_mut().find(|u| u.0 == *y) {
                        Some(u) => u.1 += 1,
                        None => unknown.push((*y, 1, i)),
                    }
                }
            }
            if let Some((code, count, first)) = unknown.first() {
                return Err(format!(
                    "the target `{target}` has label `{}` ({count} row(s), first at data row {}) \
                     that {what} does not know (classes: {}){}; fix the labels or leave those \
                     rows out",
                    classes.values[*code as usize],
                    first + 1,
                    codes
                        .iter()
                        .map(|c| classes.values[*c as usize].as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    if unknown.len() > 1 {
                        format!(" and {} other unknown label(s)", unknown.len() - 1)
                    } else {
                        String::new()
                    }
                ));
            }
        }
    }
    let positive = match &settings.positive_class {
        Some(p) => Some(class_list.iter().position(|c| c == p).ok_or_else(|| {
            format!(
                "evaluation.positive_class `{p}` is not a class of the target or the \
                         predictions ({})",
                class_list.join(", ")
            )
        })?),
        None if k == 2 => Some(1),
        None => None,
    };
    if task == EvalTask::Classification && k > 10_000 {
        return Err(format!(
            "the target `{target}` has {k} distinct labels: is it a regression target? \
             (set evaluation.task: regression)"
        ));
    }

    // Per side: labels in class indices, probabilities in class order.
    let finish_side = |side: &SideBuilder| -> Result<(Outputs, Vec<bool>), String> {
        let mut ok: Vec<bool> = (0..n)
            .map(|i| side.raw.bad_input.get(i).is_none_or(|b| b.is_none()))
            .collect();
        let mut out = Outputs {
            name: side.name.clone(),
            ..Outputs::default()
        };
        if task == EvalTask::Regression {
            for (i, v) in side.raw.values.iter().enumerate() {
                ok[i] = v.is_finite();
            }
            out.values = side.raw.values.clone();
            return Ok((out, ok));
        }
        let w = side.width;
        // Class index of each raw score column.
        let col_class: Vec<usize> = if w == 0 {
            Vec::new()
        } else if w == 1 {
            if k != 2 {
                return Err(format!(
                    "{}: one probability column (of the positive class) needs exactly two \
                     classes, but the target, predictions and settings have {k}: {}; check \
                     for a mistyped label, or give one probability column per class",
                    side.score_names
                        .first()
                        .map_or(side.name.as_str(), String::as_str),
                    class_list.join(", ")
                ));
            }
            vec![positive.unwrap_or(1)]
        } else if side.score_codes.is_empty() {
            if w != k {
                return Err(format!(
                    "{}: {w} probability columns but {k} classes ({}); name them with \
                     evaluation.classes",
                    side.name,
                    class_list.join(", ")
                ));
            }
            (0..k).collect()
        } else {
            side.score_codes
                .iter()
                .map(|c| code_to_class[*c as usize] as usize)
                .collect()
        };
        let mut problem: Option<String> = None;
        let mut proba = if w > 0 { Some(vec![0.0; n * k]) } else { None };
        if let Some(p) = proba.as_mut() {
            for i in 0..n {
                if !ok[i] {
                    continue;
                }
                let row = &side.raw.scores[i * w..(i + 1) * w];
                if row.iter().any(|v| !v.is_finite()) {
                    ok[i] = false;
                    continue;
                }
                if problem.is_none() {
                    if let Some((j, v)) = row
                        .iter()
                        .enumerate()
                        .find(|(_, v)| !(-1e-9..=1.0 + 1e-9).contains(*v))
                    {
                        problem = Some(format!(
                            "{}: probability {v} at data row {} is outside [0, 1]",
                            side.score_names
                                .get(j)
                                .map_or(side.name.as_str(), String::as_str),
                            i + 1
                        ));
                    } else if w > 1 {
                        let sum: f64 = row.iter().sum();
                        if (sum - 1.0).abs() > 1e-3 {
                            problem = Some(format!(
                                "{}: the probabilities of data row {} sum to {sum}, not 1",
                                side.name,
                                i + 1
                            ));
                        }
                    }
                }
                if w == 1 {
                    let pos = col_class[0];
                    p[i * k + pos] = row[0];
                    p[i * k + (1 - pos)] = 1.0 - row[0];
                } else {
                    for (j, v) in row.iter().enumerate() {
                        p[i * k + col_class[j]] = *v;
                    }
                }
            }
        }
        let mut labels = Vec::with_capacity(n);
        for i in 0..n {
            let raw = side.raw.labels.get(i).copied().unwrap_or(NONE);
            let label = if raw != NONE {
                code_to_class[raw as usize]
            } else if let (Some(p), true) = (&proba, ok[i]) {
                let row = &p[i * k..(i + 1) * k];
                match positive {
                    Some(pos) if k == 2 => {
                        if row[pos] >= settings.threshold {
                            pos as u32
                        } else {
                            (1 - pos) as u32
                        }
                    }
                    _ => {
                        let mut best = 0;
                        for (j, v) in row.iter().enumerate() {
                            if *v > row[best] {
                                best = j;
                            }
                        }
                        best as u32
                    }
                }
            } else {
                NONE
            };
            if label == NONE {
                ok[i] = false;
            }
            labels.push(label);
        }
        // A true class no probability column covers (a label the model never saw): the
        // probability metrics are undefined, as scikit-learn's log_loss refuses them.
        if proba.is_some() && problem.is_none() {
            let covered: Vec<bool> = (0..k).map(|c| col_class.contains(&c) || w == 1).collect();
            if let Some((i, y)) = y_codes
                .iter()
                .enumerate()
                .filter(|(_, y)| **y != NONE)
                .map(|(i, y)| (i, code_to_class[*y as usize] as usize))
                .find(|(_, c)| !covered[*c])
            {
                problem = Some(format!(
                    "{}: the target label `{}` (data row {}) is not one of the classes the \
                     probabilities cover ({})",
                    side.name,
                    class_list[y],
                    i + 1,
                    col_class
                        .iter()
                        .map(|c| class_list[*c].as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        if problem.is_some() {
            out.probability_problem = problem;
            proba = None;
        }
        out.labels = labels;
        out.probabilities = proba;
        Ok((out, ok))
    };
    let (mut cand, cand_ok) = finish_side(&candidate)?;
    let base = baseline.as_ref().map(&finish_side).transpose()?;

    // Rows kept: target present, predictions present on both sides, weight valid.
    let mut dropped: Vec<(String, u64)> = Vec::new();
    let mut keep = vec![true; n];
    let mut drop_where = |reason: &str, bad: &dyn Fn(usize) -> bool| {
        let mut count = 0u64;
        for (i, k) in keep.iter_mut().enumerate() {
            if *k && bad(i) {
                *k = false;
                count += 1;
            }
        }
        if count > 0 {
            dropped.push((reason.to_string(), count));
        }
    };
    match task {
        EvalTask::Classification => {
            drop_where("null target", &|i| y_codes[i] == NONE);
        }
        EvalTask::Regression => {
            drop_where("null or non-finite target", &|i| !y_values[i].is_finite());
        }
    }
    for side in std::iter::once(&candidate).chain(baseline.iter()) {
        if let Source::Model { binding, model, .. } = &side.source {
            let cols = binding.all_columns();
            for (j, c) in cols.iter().enumerate() {
                let reason = format!("null or non-finite `{c}` (input of {})", model.path());
                let bad = &side.raw.bad_input;
                drop_where(&reason, &|i| {
                    bad.get(i).copied().flatten() == Some(j as u32)
                });
            }
        }
    }
    drop_where("no prediction from the model under test", &|i| !cand_ok[i]);
    if let Some((_, ok)) = &base {
        drop_where("no prediction from the baseline", &|i| !ok[i]);
    }
    if roles.weight.is_some() {
        drop_where("null, negative or non-finite weight", &|i| {
            !(weights[i].is_finite() && weights[i] >= 0.0)
        });
    }
    let kept: Vec<usize> = (0..n).filter(|i| keep[*i]).collect();
    if kept.is_empty() {
        return Err(format!(
            "no row to evaluate: {} rows read{}",
            n,
            dropped
                .iter()
                .map(|(r, c)| format!(", {c} with {r}"))
                .collect::<String>()
        ));
    }
    let pick_outputs = |o: &mut Outputs| {
        if task == EvalTask::Classification {
            o.labels = kept.iter().map(|i| o.labels[*i]).collect();
            if let Some(p) = &o.probabilities {
                let mut q = Vec::with_capacity(kept.len() * k);
                for i in &kept {
                    q.extend_from_slice(&p[i * k..(i + 1) * k]);
                }
                o.probabilities = Some(q);
            }
        } else {
            o.values = kept.iter().map(|i| o.values[*i]).collect();
        }
    };
    pick_outputs(&mut cand);
    let base = base.map(|(mut b, _)| {
        pick_outputs(&mut b);
        b
    });
    let y_class: Vec<u32> = if task == EvalTask::Classification {
        kept.iter()
            .map(|i| code_to_class[y_codes[*i] as usize])
            .collect()
    } else {
        Vec::new()
    };
    let y_value: Vec<f64> = if task == EvalTask::Regression {
        kept.iter().map(|i| y_values[*i]).collect()
    } else {
        Vec::new()
    };
    let mut segments = Vec::new();
    let mut protected = Vec::new();
    let mut discovery = Vec::new();
    for (g, (kind, column)) in group_columns.iter().enumerate() {
        let grouping = Grouping {
            column: column.clone(),
            codes: kept.iter().map(|i| group_codes[g][*i]).collect(),
            values: group_interners[g].values.clone(),
        };
        match kind {
            0 => segments.push(grouping),
            1 => protected.push(grouping),
            _ => discovery.push(grouping),
        }
    }
    let slices = slice_exprs
        .iter()
        .zip(slice_members)
        .map(|(e, m)| Slice {
            expression: e.text.clone(),
            members: kept.iter().map(|i| m[*i]).collect(),
        })
        .collect();
    Ok(EvalFrame {
        task,
        classes: class_list,
        positive,
        y_class,
        y_value,
        weights: roles
            .weight
            .as_ref()
            .map(|_| kept.iter().map(|i| weights[*i]).collect()),
        candidate: cand,
        baseline: base,
        segments,
        protected,
        discovery,
        slices,
        rows_read,
        dropped,
        settings: settings.clone(),
    })
}
