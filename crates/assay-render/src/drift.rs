//! The drift table shared by the renderers: one row per column result of a `drift.*` check,
//! drifted columns first, then by score (effect size, else the statistic), largest first.

use assay_report::details::drift::ColumnDrift;

use crate::{CheckResult, Status};

/// One column's drift figures, read from a result's details.
#[derive(Debug, Clone)]
pub struct DriftRow<'a> {
    /// The result.
    pub result: &'a CheckResult,
    /// Column name.
    pub column: &'a str,
    /// Method used.
    pub method: String,
    /// Statistic or distance.
    pub statistic: Option<f64>,
    /// Raw p-value (tests).
    pub p_value: Option<f64>,
    /// Corrected p-value (tests).
    pub p_value_adjusted: Option<f64>,
    /// Effect size.
    pub effect: Option<f64>,
    /// The score the table is sorted by: effect size, else the statistic.
    pub score: Option<f64>,
    /// Whether the column drifted.
    pub drifted: bool,
}

/// The drift rows of a report, sorted (drifted first, then by score).
pub fn drift_rows(results: &[CheckResult]) -> Vec<DriftRow<'_>> {
    let mut rows: Vec<DriftRow> = results
        .iter()
        .filter(|r| r.id.starts_with("drift."))
        .filter_map(|r| {
            let column = r.column.as_deref()?;
            let d: ColumnDrift = r.details_as()?;
            Some(DriftRow {
                result: r,
                column,
                method: d.method,
                statistic: d.statistic,
                p_value: d.p_value,
                p_value_adjusted: d.p_value_adjusted,
                effect: d.effect_size,
                score: d.effect_size.or(d.statistic),
                drifted: d.drifted == Some(true) || matches!(r.status, Status::Fail | Status::Warn),
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.drifted.cmp(&a.drifted).then(
            b.score
                .unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&a.score.unwrap_or(f64::NEG_INFINITY)),
        )
    });
    rows
}

/// Distinct columns with a drift result, and how many of them drifted in at least one result
/// (a column tested by several drift checks counts once).
pub fn column_counts(rows: &[DriftRow<'_>]) -> (usize, usize) {
    let all: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.column).collect();
    let drifted: std::collections::BTreeSet<&str> = rows
        .iter()
        .filter(|r| r.drifted)
        .map(|r| r.column)
        .collect();
    (drifted.len(), all.len())
}
