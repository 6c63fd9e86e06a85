//! Scoring one column with one method: the statistic, its p-value, the effect size that gates
//! the decision, and the bins shown in reports.

use assay_report::details::drift::ColumnDrift;
use assay_runtime::fault::isolate;

use assay_stats::drift::binning::Binning;
use assay_stats::drift::divergence::total_variation;
use assay_stats::drift::sample_distance::wasserstein;
use assay_stats::drift::Empirical;

use super::method::{Bins, DriftMethod, Family, MethodOptions, Prepared, Score};
use super::prepare::Fidelity;

/// Floor of the reference standard deviation when norming the Wasserstein distance (as
/// Evidently's `wasserstein_distance_norm`), so a constant reference column does not divide by
/// zero.
pub const MIN_NORM_STD: f64 = 0.001;

/// A distance in the column's units, reported both plain (`<name>`) and divided by the
/// reference standard deviation (`<name>_normed`, the standard deviation floored at
/// [`MIN_NORM_STD`]); the value is the normed one when `normed`.
pub fn normed_distance(name: &str, value: f64, reference: &Empirical, normed: bool) -> Score {
    let sd = reference.std().unwrap_or(0.0).max(MIN_NORM_STD);
    Score::distance(if normed { value / sd } else { value })
        .with(name, value)
        .with(&format!("{name}_normed"), value / sd)
        .with("normed", normed)
}

/// The effect measure of numeric columns.
const NUMERIC_EFFECT: &str = "wasserstein_distance / reference std";

/// One column's drift figures, before correction and decision.
#[derive(Debug, Clone)]
pub struct ColumnScore {
    /// Column name.
    pub column: String,
    /// The method used.
    pub method: &'static str,
    /// Test or distance.
    pub family: Family,
    /// The method's default threshold (used when the condition comes from the method).
    pub default_threshold: f64,
    /// The score, or why it could not be computed.
    pub score: Result<Score, String>,
    /// Effect size: Wasserstein distance in reference standard deviations (numeric columns)
    /// or total variation distance (categorical columns).
    pub effect: Option<f64>,
    /// Which effect measure `effect` is.
    pub effect_measure: &'static str,
    /// Sample sizes (non-null finite values) of the reference and current sides.
    pub sizes: (f64, f64),
    /// Exact, or recovered from sketches.
    pub fidelity: Fidelity,
    /// Bins for the report chart (the method's own when it binned).
    pub bins: Option<Bins>,
}

impl ColumnScore {
    /// A column whose scoring failed outside the method (for example a panic while sorting
    /// its values): an error score, no effect size and no bins.
    pub fn failed(column: &str, sizes: (f64, f64), reason: String) -> ColumnScore {
        ColumnScore {
            column: column.to_string(),
            method: "(failed)",
            family: Family::Distance,
            default_threshold: f64::NAN,
            score: Err(reason),
            effect: None,
            effect_measure: NUMERIC_EFFECT,
            sizes,
            fidelity: Fidelity::Exact,
            bins: None,
        }
    }
}

/// Scores `column` with `method`.
pub fn score_column(
    method: &dyn DriftMethod,
    name: &str,
    column: Prepared,
    fidelity: Fidelity,
    options: &MethodOptions,
) -> ColumnScore {
    assay_runtime::cancel::checkpoint();
    let sizes = column.sizes();
    let mut score = if sizes.0 <= 0.0 {
        Err("the reference has no non-null finite values in this column".to_string())
    } else if sizes.1 <= 0.0 {
        Err("the current data has no non-null finite values in this column".to_string())
    } else {
        isolate(|| method.score(&column, options)).and_then(|r| r)
    };
    // The Wasserstein method has already computed the effect size (its normed distance).
    let (effect, effect_measure) = match score
        .as_ref()
        .ok()
        .and_then(|s| s.details.get("wasserstein_normed"))
        .and_then(|v| v.as_f64())
    {
        Some(normed) => (Some(normed), NUMERIC_EFFECT),
        None => isolate(|| effect_size(&column)).unwrap_or((None, NUMERIC_EFFECT)),
    };
    let bins = match &mut score {
        Ok(s) => s.bins.take(),
        Err(_) => None,
    }
    .or_else(|| isolate(|| column.binned(chart_binning(options))).ok());
    if let Ok(s) = &score {
        if !s.statistic.is_finite() || s.p_value.is_some_and(|p| !p.is_finite()) {
            score = Err(format!(
                "{} is undefined on this column (statistic {}, p-value {:?})",
                method.name(),
                s.statistic,
                s.p_value
            ));
        }
    }
    ColumnScore {
        column: name.to_string(),
        method: method.name(),
        family: method.family(),
        default_threshold: method.default_threshold(),
        score,
        effect,
        effect_measure,
        sizes,
        fidelity,
        bins,
    }
}

/// Reports chart bins: the method's binning for numeric columns.
fn chart_binning(options: &MethodOptions) -> Binning {
    options.binning
}

/// The effect size of a column's change.
pub fn effect_size(column: &Prepared) -> (Option<f64>, &'static str) {
    match column {
        Prepared::Numeric { reference, current } => {
            let w = wasserstein(reference, current);
            let sd = reference.std().map(|s| s.max(MIN_NORM_STD));
            (w.zip(sd).map(|(w, sd)| w / sd), NUMERIC_EFFECT)
        }
        Prepared::Categorical {
            reference, current, ..
        } => (
            total_variation(reference, current).filter(|v| v.is_finite()),
            "total_variation_distance",
        ),
    }
}

/// The column score as the typed details of the report contract.
pub fn details_of(s: &ColumnScore) -> ColumnDrift {
    let mut d = ColumnDrift {
        method: s.method.to_string(),
        n_reference: s.sizes.0,
        n_current: s.sizes.1,
        exact: s.fidelity == Fidelity::Exact,
        sketch_cdf_error: match s.fidelity {
            Fidelity::Exact => None,
            Fidelity::Sketched { cdf_error } => cdf_error,
        },
        ..ColumnDrift::default()
    };
    if let Ok(score) = &s.score {
        d.statistic = Some(score.statistic);
        d.p_value = score.p_value;
        d.p_value_method = score.p_method.map(str::to_string);
        d.extra = score.details.clone();
    }
    if let Some(e) = s.effect {
        d.effect_size = Some(e);
        d.effect_measure = Some(s.effect_measure.to_string());
    }
    if let Some(b) = &s.bins {
        b.to_details(&mut d);
    }
    d
}
