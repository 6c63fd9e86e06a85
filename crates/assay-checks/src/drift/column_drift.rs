//! [`ColumnDrift`]: the check behind every `drift.*` id — one result per column, corrected for
//! testing many columns, gated by effect size, plus one dataset-level row (share of drifted
//! columns).

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Value};

use assay_stats::drift::binning::Binning;
use assay_stats::drift::correction::{benjamini_hochberg, bonferroni};
use assay_stats::drift::z_test::two_proportion_z;
use assay_stats::ColumnProfile;

use assay_engine::capture::CaptureSpec;

use super::auto::choose;
use super::exact::{self, Scorer};
use super::method::{Applies, DriftMethod, Family, MethodOptions};
use super::prepare;
use assay_report::details::drift::ColumnDrift as DriftDetails;

use super::score::{details_of, score_column, ColumnScore};
use crate::check::{Check, CheckDoc, Inputs, Measurement, RowPass};
use crate::checks::drift::{method_named, METHODS};
use crate::condition::{Condition, Verdict};

/// Default `params.memory_mib`: raw values kept in memory in exact mode (half per side). A
/// GiB holds 5 million rows of a dozen exact columns on both sides, so the pair of a typical
/// benchmark-sized file is sorted straight from memory; measured at 5M rows x 12 such columns
/// (bench/README.md), 256 MiB spilled three quarters of the values and drift took 8.5-9.5 s
/// against 6.2-6.8 s here. The same default as the suite's `options.rows_memory_mib`.
pub const DEFAULT_MEMORY_MIB: f64 = 1024.0;

/// Parameters every drift check accepts.
pub const COMMON_PARAMS: &[&str] = &[
    "method",
    "exclude",
    "auto_exclude",
    "mode",
    "binning",
    "bins",
    "correction",
    "min_effect",
    "drift_share",
    "null_shift",
    "importance",
    "memory_mib",
    "base",
    "yates",
    "normed",
];

/// Which columns a drift entry covers by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// Every feature (non-role column).
    Features,
    /// The prediction and probability columns.
    Prediction,
    /// The target column.
    Target,
}

/// A drift check: a fixed method, or the per-column automatic choice.
pub struct ColumnDrift {
    id: &'static str,
    method: Option<&'static dyn DriftMethod>,
    selection: Selection,
    doc: CheckDoc,
}

impl ColumnDrift {
    /// `drift.<method>` over the features.
    pub fn fixed(method: &'static dyn DriftMethod) -> Self {
        Self {
            id: method.id(),
            method: Some(method),
            selection: Selection::Features,
            doc: method.doc(),
        }
    }

    /// An automatic-choice check (`drift.auto`, `drift.prediction`, `drift.target`).
    pub fn automatic(id: &'static str, selection: Selection, doc: CheckDoc) -> Self {
        Self {
            id,
            method: None,
            selection,
            doc,
        }
    }
}

/// Decision settings of an entry.
struct Settings {
    null_shift: f64,
    exclude: Vec<String>,
    auto_exclude: bool,
    method: Option<&'static dyn DriftMethod>,
    options: MethodOptions,
    exact_mode: bool,
    mode_note: String,
    correction: String,
    min_effect: f64,
    drift_share: f64,
    importance: BTreeMap<String, f64>,
    memory_bytes: f64,
}

fn settings(
    inputs: &Inputs,
    check: &str,
    fixed: Option<&'static dyn DriftMethod>,
) -> Result<Settings, String> {
    let method = match (fixed, inputs.param_str("method")?) {
        (Some(m), None) => Some(m),
        (Some(m), Some(name)) if name == m.name() => Some(m),
        (Some(m), Some(name)) => {
            return Err(format!(
                "params.method `{name}` contradicts the check {} (use drift.auto with a method)",
                m.id()
            ))
        }
        (None, Some(name)) => Some(method_named(&name).ok_or_else(|| {
            format!(
                "params.method `{name}` is not a drift method (one of: {})",
                METHODS
                    .iter()
                    .map(|m| m.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?),
        (None, None) => None,
    };
    let mut options = MethodOptions::default();
    // Checked here for both paths (with `binning:` and without), before any histogram exists.
    let bins = match inputs.param_f64("bins")? {
        Some(b) => {
            crate::limits::check_param(check, "bins", b)?;
            Some(b as usize)
        }
        None => None,
    };
    if let Some(b) = inputs.param_str("binning")? {
        options.binning = Binning::parse(&b, bins).map_err(|e| format!("params.binning: {e}"))?;
    } else if let Some(b) = bins {
        options.binning = Binning::ReferenceQuantiles(b);
    }
    if let Some(base) = inputs.param_f64("base")? {
        if !(base > 0.0 && base != 1.0 && base.is_finite()) {
            return Err(format!(
                "params.base must be a positive number other than 1, got {base}"
            ));
        }
        options.base = base;
    }
    if let Some(y) = inputs.param_bool("yates")? {
        options.yates = y;
    }
    if let Some(n) = inputs.param_bool("normed")? {
        options.normed = n;
    }
    let both_sources =
        inputs.current.source.is_some() && inputs.reference.is_some_and(|r| r.source.is_some());
    let (exact_mode, mode_note) = match inputs.param_str("mode")?.as_deref() {
        None | Some("exact") if both_sources => (true, "exact"),
        // By default a saved profile on either side means profile mode (said in `mode`).
        None => (false, "profile"),
        Some("exact") => {
            return Err(
                "params.mode: exact mode reads the rows of both sides, but a side is a saved \
                 profile (use mode: profile, or give the data)"
                    .to_string(),
            )
        }
        Some("profile") => (false, "profile"),
        Some(other) => {
            return Err(format!(
                "params.mode must be `exact` or `profile`, got `{other}`"
            ))
        }
    };
    let mode_note = mode_note.to_string();
    let correction = inputs
        .param_str("correction")?
        .unwrap_or_else(|| "bh".to_string());
    if !["bh", "bonferroni", "none"].contains(&correction.as_str()) {
        return Err(format!(
            "params.correction must be `bh`, `bonferroni` or `none`, got `{correction}`"
        ));
    }
    let min_effect = inputs.param_f64("min_effect")?.unwrap_or(0.1);
    if !(min_effect >= 0.0 && min_effect.is_finite()) {
        return Err(format!("params.min_effect must be >= 0, got {min_effect}"));
    }
    let null_shift = inputs.param_f64("null_shift")?.unwrap_or(0.05);
    if !(0.0..=1.0).contains(&null_shift) {
        return Err(format!(
            "params.null_shift must be between 0 and 1, got {null_shift}"
        ));
    }
    let drift_share = inputs.param_f64("drift_share")?.unwrap_or(0.5);
    if !(0.0..=1.0).contains(&drift_share) {
        return Err(format!(
            "params.drift_share must be between 0 and 1, got {drift_share}"
        ));
    }
    let mut importance = BTreeMap::new();
    match inputs.params.get("importance") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (k, v) in m {
                let w = v
                    .as_f64()
                    .filter(|w| *w >= 0.0 && w.is_finite())
                    .ok_or_else(|| {
                        format!("params.importance.{k} must be a number >= 0, got {v}")
                    })?;
                importance.insert(k.clone(), w);
            }
        }
        Some(v) => {
            return Err(format!(
                "params.importance must be a map column → weight, got {v}"
            ))
        }
    }
    let memory_mib = inputs.param_in_range(check, "memory_mib", DEFAULT_MEMORY_MIB)?;
    Ok(Settings {
        null_shift,
        exclude: inputs.param_strings("exclude")?.unwrap_or_default(),
        auto_exclude: inputs.param_bool("auto_exclude")?.unwrap_or(true),
        method,
        options,
        exact_mode,
        mode_note,
        correction,
        min_effect,
        drift_share,
        importance,
        memory_bytes: memory_mib * 1024.0 * 1024.0,
    })
}

/// One column of the plan.
struct Planned<'a> {
    name: String,
    reference: Option<&'a ColumnProfile>,
    current: Option<&'a ColumnProfile>,
    categorical: bool,
    method: &'static dyn DriftMethod,
    raw: bool,
    skip: Option<String>,
    mismatch: Option<String>,
}

/// Least non-null rows for a column of distinct values to be taken for an identifier.
const ID_MIN_ROWS: u64 = 100;

/// Share of distinct values among non-null ones from which an integer or text column is an
/// identifier (below 1 so that a sketch's estimate of an all-distinct column counts).
const ID_MIN_DISTINCT_SHARE: f64 = 0.97;

/// Text that reads as an ISO date or date-time (`2011-01-01`, `2011-01-01 13:00:00`,
/// `2011/01/01T13:00`): a date column that arrived as text (a pandas DataFrame's strings).
static ISO_DATE: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"^\d{4}[-/]\d{2}[-/]\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$",
    )
    .ok()
});

/// Frequent values looked at to tell a text column of dates.
const DATE_SAMPLE: usize = 20;

/// Why drift leaves a feature out by default: dates and times (they always "drift" between a
/// past and a present window), also as ISO text, and identifiers (a value per row: every
/// window has new ones).
pub fn left_out_by_default(column: &ColumnProfile) -> Option<&'static str> {
    let t = column.data_type.as_str();
    if t.starts_with("Date") || t.starts_with("Timestamp") || t.starts_with("Time") {
        return Some("dates or times");
    }
    let integer = t.starts_with("Int") || t.starts_with("UInt");
    let text = matches!(t, "Utf8" | "LargeUtf8" | "Utf8View");
    if text {
        let top = column.state.top_values(DATE_SAMPLE);
        if let Some(iso) = ISO_DATE.as_ref() {
            if !top.is_empty() && top.iter().all(|v| iso.is_match(v.value.trim())) {
                return Some("dates or times (as text)");
            }
        }
    }
    let non_null = column.state.non_null();
    if (integer || text)
        && non_null >= ID_MIN_ROWS
        && column.state.distinct() as f64 >= ID_MIN_DISTINCT_SHARE * non_null as f64
    {
        return Some("an identifier: a distinct value per row");
    }
    None
}

impl ColumnDrift {
    /// Features left out because of what they hold ([`left_out_by_default`]), judged on the
    /// reference (else the current data), with the reason; none when columns are named or
    /// `auto_exclude` is off.
    fn left_out(&self, inputs: &Inputs, s: &Settings) -> Vec<(String, &'static str)> {
        if !s.auto_exclude || inputs.columns.is_some() || self.selection != Selection::Features {
            return Vec::new();
        }
        let profile = inputs
            .reference
            .map_or(&inputs.current.profile, |r| &r.profile);
        inputs
            .target_columns(|c| !s.exclude.contains(&c.name))
            .into_iter()
            .filter_map(|name| {
                let why = left_out_by_default(profile.column(&name)?)?;
                Some((name, why))
            })
            .collect()
    }

    fn columns(&self, inputs: &Inputs, s: &Settings) -> Vec<String> {
        let left_out: Vec<String> = self
            .left_out(inputs, s)
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        let mut columns: Vec<String> = match (inputs.columns, self.selection) {
            (Some(c), _) => c.to_vec(),
            (None, Selection::Features) => {
                let mut v = inputs.target_columns(|c| {
                    !s.exclude.contains(&c.name) && !left_out.contains(&c.name)
                });
                // A feature the current data lost is reported, not silently dropped.
                if let Some(r) = inputs.reference {
                    for f in inputs.roles.features_of(&r.columns()) {
                        if inputs.current.profile.column(&f).is_none()
                            && !s.exclude.contains(&f)
                            && !left_out.contains(&f)
                        {
                            v.push(f);
                        }
                    }
                }
                v
            }
            (None, Selection::Prediction) => inputs
                .roles
                .prediction
                .iter()
                .chain(inputs.roles.probabilities.iter())
                .cloned()
                .collect(),
            (None, Selection::Target) => inputs.roles.target.iter().cloned().collect(),
        };
        let mut seen = std::collections::BTreeSet::new();
        columns.retain(|c| seen.insert(c.clone()));
        columns
    }

    fn plan<'a>(&self, inputs: &'a Inputs, s: &Settings) -> Vec<Planned<'a>> {
        self.columns(inputs, s)
            .into_iter()
            .map(|name| {
                let current = inputs.current.profile.column(&name);
                let reference = inputs.reference.and_then(|r| r.profile.column(&name));
                let both_numeric = current.is_some_and(|c| c.state.as_numeric().is_some())
                    && reference.is_some_and(|c| c.state.as_numeric().is_some());
                let numeric_only = s.method.is_some_and(|m| m.applies() == Applies::Numeric);
                let categorical = !(numeric_only && both_numeric)
                    && (current.is_some_and(prepare::is_categorical)
                        || reference.is_some_and(prepare::is_categorical));
                let method = s
                    .method
                    .unwrap_or_else(|| choose(categorical, reference, current));
                let mismatch = match (reference, current) {
                    (Some(r), Some(c)) => prepare::incomparable(r, c),
                    _ => None,
                };
                let skip = (numeric_only
                    && categorical
                    && mismatch.is_none()
                    && current.is_some()
                    && reference.is_some())
                .then(|| {
                    format!(
                        "{} compares numeric samples; `{name}` is not numeric on both sides \
                             (use drift.auto or a categorical method)",
                        method.name()
                    )
                });
                let raw = s.exact_mode
                    && !categorical
                    && matches!((reference, current), (Some(r), Some(c))
                        if r.state.as_numeric().is_some() && c.state.as_numeric().is_some()
                        && !(prepare::profile_is_exact(r) && prepare::profile_is_exact(c)));
                Planned {
                    name,
                    reference,
                    current,
                    categorical,
                    method,
                    raw: raw && skip.is_none() && mismatch.is_none(),
                    skip,
                    mismatch,
                }
            })
            .collect()
    }
}

impl Check for ColumnDrift {
    fn id(&self) -> &'static str {
        self.id
    }

    fn doc(&self) -> CheckDoc {
        self.doc
    }

    fn default_condition(&self, _: bool) -> Condition {
        match self.method {
            Some(m) => method_condition(m),
            None => Condition::at_least(0.05),
        }
    }

    fn known_params(&self) -> &'static [&'static str] {
        COMMON_PARAMS
    }

    fn raw_numeric_need(
        &self,
        entry: &crate::suite::CheckEntry,
        roles: &assay_engine::Roles,
    ) -> Option<CaptureSpec> {
        if entry.params.get("mode").and_then(Value::as_str) == Some("profile") {
            return None;
        }
        let mib = entry
            .params
            .get("memory_mib")
            .and_then(Value::as_f64)
            .filter(|m| m.is_finite() && *m >= 0.0)
            .unwrap_or(DEFAULT_MEMORY_MIB);
        let excluded: Vec<String> = entry
            .params
            .get("exclude")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let columns = match (&entry.columns, self.selection) {
            (Some(c), _) => Some(c.clone()),
            (None, Selection::Features) => roles.features.clone(),
            (None, Selection::Prediction) => Some(
                roles
                    .prediction
                    .iter()
                    .chain(roles.probabilities.iter())
                    .cloned()
                    .collect(),
            ),
            (None, Selection::Target) => Some(roles.target.iter().cloned().collect()),
        };
        let excluded = match columns {
            Some(_) => Vec::new(),
            None => roles
                .non_feature_columns()
                .into_iter()
                .chain(excluded)
                .collect(),
        };
        Some(CaptureSpec {
            columns,
            excluded,
            // Half the check's budget for each side.
            memory_bytes: (mib * 1024.0 * 1024.0 / 2.0) as usize,
        })
    }

    fn row_passes(&self, inputs: &Inputs) -> Result<Vec<RowPass>, String> {
        let s = settings(inputs, self.id, self.method)?;
        if inputs.reference.is_none() || !s.exact_mode {
            return Ok(Vec::new());
        }
        let plan = self.plan(inputs, &s);
        // Columns whose values the profiling read kept need no pass of their own.
        let raw: Vec<&Planned> = plan
            .iter()
            .filter(|p| p.raw && !captured_on_both_sides(inputs, &p.name))
            .collect();
        if raw.is_empty() {
            return Ok(Vec::new());
        }
        let rows = inputs.current.profile.rows as f64
            + inputs.reference.map_or(0.0, |r| r.profile.rows as f64);
        let per_group = ((s.memory_bytes / (rows.max(1.0) * 8.0)).floor() as usize).max(1);
        let single = raw.len() <= per_group;
        let mut passes = Vec::new();
        for (g, chunk) in raw.chunks(per_group).enumerate() {
            let scorer = scorer_for(chunk, &s);
            let group = if single { 0 } else { g + 1 };
            passes.extend(exact::passes(
                chunk.iter().map(|p| p.name.clone()).collect(),
                group,
                scorer,
            ));
        }
        Ok(passes)
    }

    fn measure(
        &self,
        inputs: &Inputs,
        passes: Vec<Box<dyn Any>>,
    ) -> Result<Vec<Measurement>, String> {
        let s = settings(inputs, self.id, self.method)?;
        if self.method.is_none() && inputs.condition_is_explicit {
            return Err(format!(
                "{} picks a method per column and applies that method's threshold; set \
                 `min_effect`/`correction`, or use drift.<method> with a condition",
                self.id
            ));
        }
        let columns = self.columns(inputs, &s);
        if columns.is_empty() {
            let left_out = self.left_out(inputs, &s);
            let note = left_out_note(&left_out);
            let features = format!("no feature columns to compare{note}");
            let what = match self.selection {
                Selection::Features => features.as_str(),
                Selection::Prediction => "no prediction or probability column in the roles",
                Selection::Target => "no target column in the roles",
            };
            let mut skipped = Measurement::skipped(None, what);
            if !left_out.is_empty() {
                let reasons: BTreeMap<&String, &str> =
                    left_out.iter().map(|(c, w)| (c, *w)).collect();
                skipped = skipped
                    .detail(
                        "excluded_columns",
                        json!(left_out.iter().map(|(c, _)| c).collect::<Vec<_>>()),
                    )
                    .detail("left_out_by_default", json!(reasons));
            }
            return Ok(vec![skipped]);
        }
        if inputs.reference.is_none() {
            return Ok(vec![Measurement::skipped(
                None,
                "drift compares with a reference; none was given",
            )]);
        }
        let plan = self.plan(inputs, &s);
        // Exact scores come in pairs of passes: the current side's accumulator holds them.
        let mut exact_scores: BTreeMap<String, ColumnScore> = BTreeMap::new();
        for (i, finished) in passes.into_iter().enumerate() {
            if i % 2 == 1 {
                for sc in exact::scores_of(finished)? {
                    exact_scores.insert(sc.column.clone(), sc);
                }
            }
        }
        // Exact scores of the columns the profiling read kept, one column pair in memory per
        // worker at a time.
        let captured: Vec<&Planned> = plan
            .iter()
            .filter(|p| p.raw && captured_on_both_sides(inputs, &p.name))
            .collect();
        if let (false, Some(cur), Some(refr)) = (
            captured.is_empty(),
            inputs.current.captured.as_ref(),
            inputs.reference.and_then(|r| r.captured.as_ref()),
        ) {
            let names = captured.iter().map(|p| p.name.clone()).collect();
            let scorer = scorer_for(&captured, &s);
            for sc in exact::score_captured(names, refr.clone(), cur.clone(), &scorer) {
                exact_scores.insert(sc.column.clone(), sc);
            }
        }
        let mut scored: Vec<Result<ColumnScore, Box<Measurement>>> = Vec::new();
        for p in &plan {
            scored.push(self.score_planned(p, &s, &mut exact_scores));
        }
        let left_out = self.left_out(inputs, &s);
        Ok(decide_all(inputs, self.method, scored, &s, &left_out))
    }
}

/// True when the profiling read of both sides kept `column`'s raw values.
fn captured_on_both_sides(inputs: &Inputs, column: &str) -> bool {
    let has = |d: &assay_engine::Dataset| d.captured.as_ref().is_some_and(|c| c.has(column));
    has(inputs.current) && inputs.reference.is_some_and(has)
}

/// Scores the planned columns with the method each was planned with.
fn scorer_for(planned: &[&Planned], s: &Settings) -> Scorer {
    let methods: BTreeMap<String, &'static dyn DriftMethod> =
        planned.iter().map(|p| (p.name.clone(), p.method)).collect();
    let options = s.options;
    Arc::new(move |name, prepared, fidelity| {
        let method = methods.get(name).copied().unwrap_or(FALLBACK);
        score_column(method, name, prepared, fidelity, &options)
    })
}

/// Used only if the plan and the passes disagree (they are built from the same inputs).
const FALLBACK: &dyn DriftMethod = &crate::checks::drift::ks::Ks;

impl ColumnDrift {
    fn score_planned(
        &self,
        p: &Planned,
        s: &Settings,
        exact_scores: &mut BTreeMap<String, ColumnScore>,
    ) -> Result<ColumnScore, Box<Measurement>> {
        let name = p.name.as_str();
        let Some(current) = p.current else {
            return Err(Box::new(Measurement::error(
                Some(name),
                format!("column `{name}` is not in the current data"),
            )));
        };
        let Some(reference) = p.reference else {
            return Err(Box::new(Measurement::error(
                Some(name),
                format!("column `{name}` is not in the reference"),
            )));
        };
        if let Some(why) = &p.mismatch {
            return Err(Box::new(Measurement::error(Some(name), why.clone())));
        }
        if let Some(why) = &p.skip {
            return Err(Box::new(Measurement::skipped(Some(name), why.clone())));
        }
        if p.raw {
            if let Some(sc) = exact_scores.remove(name) {
                return Ok(sc);
            }
        }
        let (prepared, fidelity) = prepare::from_profiles(reference, current, p.categorical)
            .map_err(|e| Box::new(Measurement::error(Some(name), e)))?;
        Ok(score_column(p.method, name, prepared, fidelity, &s.options))
    }
}

/// The condition a method implies: p-value at least its threshold (tests), distance below it.
pub fn method_condition(m: &dyn DriftMethod) -> Condition {
    method_default(m.family(), m.default_threshold())
}

fn decide_all(
    inputs: &Inputs,
    fixed: Option<&'static dyn DriftMethod>,
    scored: Vec<Result<ColumnScore, Box<Measurement>>>,
    s: &Settings,
    left_out: &[(String, &'static str)],
) -> Vec<Measurement> {
    // Correct the p-values of every test column of the entry together.
    let tests: Vec<(usize, f64)> = scored
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match r {
            Ok(sc) if sc.family == Family::Test => sc
                .score
                .as_ref()
                .ok()
                .and_then(|x| x.p_value)
                .map(|p| (i, p)),
            _ => None,
        })
        .collect();
    let raw_p: Vec<f64> = tests.iter().map(|(_, p)| *p).collect();
    let adjusted = match s.correction.as_str() {
        "bonferroni" => bonferroni(&raw_p),
        "bh" => benjamini_hochberg(&raw_p),
        _ => Ok(raw_p.clone()),
    }
    // score_column turned non-finite p-values into errors, so this cannot fail; keep the raw
    // values if it ever does.
    .unwrap_or_else(|_| raw_p.clone());
    let adjusted_of: BTreeMap<usize, f64> = tests
        .iter()
        .zip(adjusted)
        .map(|((i, _), a)| (*i, a))
        .collect();
    let mut rows: Vec<(bool, f64, Measurement)> = Vec::new();
    let mut weights = 0.0;
    let mut drifted_weight = 0.0;
    let mut drifted_names = Vec::new();
    let mut compared = 0usize;
    let mut uncompared = 0usize;
    for (i, r) in scored.into_iter().enumerate() {
        let sc = match r {
            Ok(sc) => sc,
            Err(m) => {
                if m.error.is_some() {
                    uncompared += 1;
                }
                rows.push((false, f64::NEG_INFINITY, *m));
                continue;
            }
        };
        let mut details = details_of(&sc);
        let score = match &sc.score {
            Ok(x) => x.clone(),
            Err(e) => {
                // A side with no values at all: its null share says whether that is drift.
                if let Some(why) = null_share_drift(inputs, &sc.column, s.null_shift, &mut details)
                {
                    let shift = null_shift_of(&details);
                    details.drifted = Some(true);
                    let mut m = Measurement::value(Some(&sc.column), shift, why);
                    m.details = details.into_map();
                    m.condition = Some(less_than(s.null_shift));
                    let weight = s.importance.get(&sc.column).copied().unwrap_or(1.0);
                    compared += 1;
                    weights += weight;
                    drifted_weight += weight;
                    drifted_names.push(sc.column.clone());
                    rows.push((true, shift, m));
                } else {
                    let mut m = Measurement::error(Some(&sc.column), e.clone());
                    m.details = details.into_map();
                    uncompared += 1;
                    rows.push((false, f64::NEG_INFINITY, m));
                }
                continue;
            }
        };
        let condition = match fixed {
            Some(_) => *inputs.condition,
            None => method_default(sc.family, sc.default_threshold),
        };
        let value = match sc.family {
            Family::Test => adjusted_of.get(&i).copied().unwrap_or(1.0),
            Family::Distance => score.statistic,
        };
        if sc.family == Family::Test {
            details.p_value_adjusted = Some(value);
            details.correction = Some(s.correction.clone());
        }
        let verdict = condition.evaluate(value, None);
        let (holds, threshold) = match verdict {
            Verdict::Evaluated { holds, threshold } => (holds, Some(threshold)),
            Verdict::NeedsReference => (true, None),
        };
        if let Some(t) = threshold {
            details.threshold = Some(t);
        }
        let immaterial = (sc.family == Family::Test && !holds)
            .then_some(sc.effect)
            .flatten()
            .filter(|e| *e < s.min_effect)
            .map(|e| {
                format!(
                    "significant, but the effect size {} is below min_effect {}: not drift",
                    fmt(e),
                    s.min_effect
                )
            });
        let null_drift = null_share_drift(inputs, &sc.column, s.null_shift, &mut details);
        let drifted = (!holds && immaterial.is_none()) || null_drift.is_some();
        details.drifted = Some(drifted);
        details.mode = Some(s.mode_note.clone());
        let weight = s.importance.get(&sc.column).copied().unwrap_or(1.0);
        compared += 1;
        weights += weight;
        if drifted {
            drifted_weight += weight;
            drifted_names.push(sc.column.clone());
        }
        let message = describe(&sc, &score, value, drifted, &s.correction);
        let mut m = Measurement::value(Some(&sc.column), value, message);
        m.details = details.into_map();
        m.immaterial = immaterial;
        m.failed_anyway = null_drift;
        if fixed.is_none() {
            m.condition = Some(condition);
        }
        let order = sc.effect.unwrap_or(score.statistic);
        rows.push((drifted, order, m));
    }
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)));
    let mut out = Vec::new();
    if compared > 0 {
        let share = if weights > 0.0 {
            drifted_weight / weights
        } else {
            0.0
        };
        let condition = Condition::parse(&format!("< {}", s.drift_share))
            .unwrap_or_else(|_| Condition::at_most(s.drift_share));
        let mut m = Measurement::value(
            None,
            share,
            format!(
                "{} of {compared} column{} drifted ({}{}){}",
                drifted_names.len(),
                if compared == 1 { "" } else { "s" },
                crate::check::pct(share),
                if s.importance.is_empty() {
                    ""
                } else {
                    ", weighted by importance"
                },
                if uncompared > 0 {
                    format!("; {uncompared} could not be compared (see their errors)")
                } else {
                    String::new()
                },
            ) + &left_out_note(left_out),
        )
        .detail("drifted_columns", json!(drifted_names))
        .detail("columns_compared", compared)
        .detail("columns_not_compared", uncompared)
        .detail("drift_share", share)
        .detail("threshold", s.drift_share);
        if !s.importance.is_empty() {
            m = m.detail("importance", json!(s.importance));
        }
        let excluded: Vec<&String> = s
            .exclude
            .iter()
            .chain(left_out.iter().map(|(c, _)| c))
            .collect();
        if !excluded.is_empty() {
            m = m.detail("excluded_columns", json!(excluded));
        }
        if !left_out.is_empty() {
            let reasons: BTreeMap<&String, &str> = left_out.iter().map(|(c, w)| (c, *w)).collect();
            m = m.detail("left_out_by_default", json!(reasons));
        }
        m.condition = Some(condition);
        out.push(m);
    }
    out.extend(rows.into_iter().map(|(_, _, m)| m));
    out
}

/// What the dataset-level message says of the features left out by default.
fn left_out_note(left_out: &[(String, &'static str)]) -> String {
    if left_out.is_empty() {
        return String::new();
    }
    let list: Vec<String> = left_out.iter().map(|(c, w)| format!("{c} ({w})")).collect();
    format!(
        "; left out: {} (compare them with auto_exclude: false, --no-auto-exclude, or by \
         naming the columns)",
        list.join(", ")
    )
}

/// Compares the null shares of both sides (exact, from the profiles): a change of at least
/// `shift` (absolute) that a two-proportion Z-test finds significant (p < 0.05) is drift even
/// when the non-null values did not move. Adds the shares to `details`.
fn null_share_drift(
    inputs: &Inputs,
    column: &str,
    shift: f64,
    details: &mut DriftDetails,
) -> Option<String> {
    let cur = inputs.current.profile.column(column)?;
    let reference = inputs.reference?.profile.column(column)?;
    let (rn, cn) = (reference.state.rows as f64, cur.state.rows as f64);
    let (rnull, cnull) = (reference.state.nulls as f64, cur.state.nulls as f64);
    if rn <= 0.0 || cn <= 0.0 {
        return None;
    }
    let (rs, cs) = (rnull / rn, cnull / cn);
    details.null_share_reference = Some(rs);
    details.null_share_current = Some(cs);
    if shift <= 0.0 || (cs - rs).abs() < shift {
        return None;
    }
    let p = two_proportion_z(rnull, rn, cnull, cn)?.p_value;
    details.null_share_p_value = Some(p);
    (p < 0.05).then(|| {
        format!(
            "the null share moved from {} to {} (null_shift {shift})",
            crate::check::pct(rs),
            crate::check::pct(cs)
        )
    })
}

/// The absolute null-share change recorded in `details` by [`null_share_drift`].
fn null_shift_of(details: &DriftDetails) -> f64 {
    let share = |s: Option<f64>| s.unwrap_or(0.0);
    (share(details.null_share_current) - share(details.null_share_reference)).abs()
}

/// `value < x`.
fn less_than(x: f64) -> Condition {
    Condition::parse(&format!("< {x}")).unwrap_or_else(|_| Condition::at_most(x))
}

fn method_default(family: Family, threshold: f64) -> Condition {
    match family {
        Family::Test => Condition::at_least(threshold),
        Family::Distance => Condition::parse(&format!("< {threshold}"))
            .unwrap_or_else(|_| Condition::at_most(threshold)),
    }
}

fn describe(
    sc: &ColumnScore,
    score: &super::method::Score,
    value: f64,
    drifted: bool,
    correction: &str,
) -> String {
    let verdict = if drifted { "drift" } else { "no drift" };
    let effect = sc
        .effect
        .filter(|e| sc.family == Family::Test || (e - score.statistic).abs() > 1e-12)
        .map(|e| format!(", effect {}", fmt(e)))
        .unwrap_or_default();
    match sc.family {
        Family::Test => {
            let adj = if correction == "none" {
                String::new()
            } else {
                format!(" ({correction}-adjusted {})", fmt(value))
            };
            format!(
                "{} statistic {}, p = {}{adj}{effect}: {verdict}",
                sc.method,
                fmt(score.statistic),
                fmt(score.p_value.unwrap_or(f64::NAN))
            )
        }
        Family::Distance => format!(
            "{} = {}{effect}: {verdict}",
            sc.method,
            fmt(score.statistic)
        ),
    }
}

/// Four significant digits, scientific for tiny values.
pub fn fmt(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        format!("{x}")
    } else if x.abs() < 1e-3 {
        format!("{x:.3e}")
    } else {
        format!("{:.4}", x)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}
