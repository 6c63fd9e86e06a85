//! `sensitivity.oat`: one-at-a-time sweeps of each model input around a nominal point.

use std::any::Any;

use assay_stats::sensitivity::{OatDesign, OatOptions};

use assay_report::details::sensitivity::OatDetails;
use assay_report::details::NumberList;

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::checks::robustness::analysis_of;
use crate::condition::Condition;
use crate::suite::{CheckEntry, Suite};
use crate::validation::ValidationNeeds;

use super::inputs::{evaluate, marginals, settings, unit_problem};

/// One-at-a-time sensitivity.
pub struct Oat;

impl Check for Oat {
    fn id(&self) -> &'static str {
        "sensitivity.oat"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "One-at-a-time sensitivity: the swing of the model output when each input sweeps its range, the others held at their medians.",
            computes: "The nominal point is every input's median (of its declared distribution, else of the data); each input in turn takes sensitivity.levels evenly spaced quantiles of its distribution from 0 to 1 (the data's minimum to maximum; 1e-9 to 1 − 1e-9 for unbounded distributions) with the others at nominal: 1 + D·levels model evaluations. Value: the swing (largest minus smallest output of the sweep); details: the sweep's input values and outputs and the end-to-end slope in the input's units.",
            why: "The simplest readable answer to 'what happens to the prediction if this one thing changes', and a check that no single input can swing the output more than it should.",
            parameters: "none beyond the sensitivity: section (levels).",
            default_condition: "informational (always passes)",
            exactness: "Exact on the grid; blind to interactions (see sensitivity.sobol).",
            references: "Saltelli et al., Global Sensitivity Analysis: The Primer (2008), ch. 1.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::greater_than(f64::NEG_INFINITY)
    }

    fn validation_needs(&self, suite: &Suite, entry: &CheckEntry) -> ValidationNeeds {
        super::design_needs(suite, entry)
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let s = settings(inputs)?;
        let a = analysis_of(inputs)?;
        let marginals = marginals(inputs)?;
        let design = OatDesign::new(
            unit_problem(a)?,
            OatOptions {
                levels: s.levels.max(2),
                nominal: None,
            },
        )
        .map_err(|e| format!("sensitivity: {e}"))?;
        let y = evaluate(&design, marginals, a, s.block_rows)?;
        let r = design.analyze(&y).map_err(|e| e.to_string())?;
        let wanted = inputs.columns;
        Ok(r.effects
            .iter()
            .enumerate()
            .filter(|(_, e)| wanted.is_none_or(|w| w.contains(&e.name)))
            .map(|(i, e)| {
                let m = &marginals[i];
                let xs: Vec<f64> = e.inputs.iter().map(|u| m.ppf(*u)).collect();
                let (x0, x1) = (
                    xs.first().copied().unwrap_or(0.0),
                    xs.last().copied().unwrap_or(0.0),
                );
                let (y0, y1) = (
                    e.outputs.first().copied().unwrap_or(0.0),
                    e.outputs.last().copied().unwrap_or(0.0),
                );
                let slope = if x1 != x0 { (y1 - y0) / (x1 - x0) } else { 0.0 };
                Measurement::value(
                    Some(&e.name),
                    e.swing,
                    format!(
                        "{} swings by {:.4} as `{}` goes from {x0} to {x1} (nominal {} → {:.4})",
                        a.output.describe(),
                        e.swing,
                        e.name,
                        m.ppf(e.nominal),
                        r.nominal_output
                    ),
                )
                .with_details(&OatDetails {
                    swing: Some(e.swing),
                    nominal: Some(m.ppf(e.nominal)),
                    nominal_output: Some(r.nominal_output),
                    inputs: Some(NumberList(xs)),
                    outputs: Some(NumberList(e.outputs.clone())),
                    slope: Some(slope),
                    distribution: Some(m.describe()),
                })
            })
            .collect())
    }
}
