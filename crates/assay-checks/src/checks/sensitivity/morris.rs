//! `sensitivity.morris`: Morris elementary effects (μ, μ*, σ) of each model input.

use std::any::Any;

use assay_stats::sensitivity::{Design, MorrisAnalyzeOptions, MorrisDesign, MorrisOptions};

use assay_report::details::sensitivity::MorrisDetails;

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::checks::robustness::analysis_of;
use crate::condition::Condition;
use crate::suite::{CheckEntry, Suite};
use crate::validation::ValidationNeeds;

use super::inputs::{evaluate, marginals, settings, unit_problem};

/// Morris screening.
pub struct Morris;

impl Check for Morris {
    fn id(&self) -> &'static str {
        "sensitivity.morris"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Morris elementary effects of each model input: μ, μ* (mean absolute effect) and σ.",
            computes: "sensitivity.samples trajectories on a grid of sensitivity.levels levels (SALib sample.morris, seeded numpy default_rng), D+1 model evaluations each, mapped to each input's distribution and streamed through the model. Elementary effect = output change / grid step Δ = p/(2(p−1)) (in units of the input's quantile range, as SALib); μ, μ* and σ (ddof 1) per input as SALib analyze.morris, μ*_conf by bootstrap. Value: μ*.",
            why: "A cheap screening: inputs with small μ* can be fixed; a large σ relative to μ* flags non-linear effects or interactions.",
            parameters: "none beyond the sensitivity: section (samples = trajectories, levels, resamples, seed).",
            default_condition: "informational (always passes)",
            exactness: "Screening estimates; SALib parity of design and estimators tested to 1e-10. Inputs are sampled independently.",
            references: "Morris (1991); Campolongo, Cariboni & Saltelli (2007) for μ*; SALib analyze.morris.",
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
        let design = MorrisDesign::new(
            unit_problem(a)?,
            s.samples,
            MorrisOptions {
                num_levels: s.levels,
                seed: s.seed,
            },
        )
        .map_err(|e| format!("sensitivity: {e}"))?;
        let y = evaluate(&design, marginals, a, s.block_rows)?;
        let m = design
            .analyze(
                &y,
                &MorrisAnalyzeOptions {
                    num_resamples: s.resamples,
                    conf_level: s.confidence,
                    seed: s.seed,
                },
            )
            .map_err(|e| e.to_string())?;
        let wanted = inputs.columns;
        Ok(a.features
            .iter()
            .enumerate()
            .filter(|(_, f)| wanted.is_none_or(|w| w.contains(f)))
            .map(|(i, f)| {
                Measurement::value(
                    Some(f),
                    m.mu_star[i],
                    format!(
                        "μ* {:.4} ± {:.4}, μ {:.4}, σ {:.4} ({} trajectories, output {})",
                        m.mu_star[i],
                        m.mu_star_conf[i],
                        m.mu[i],
                        m.sigma[i],
                        m.trajectories,
                        a.output.describe()
                    ),
                )
                .with_details(&MorrisDetails {
                    mu: Some(m.mu[i]),
                    mu_star: Some(m.mu_star[i]),
                    sigma: Some(m.sigma[i]),
                    mu_star_conf: Some(m.mu_star_conf[i]),
                    trajectories: Some(m.trajectories as u64),
                    levels: Some(s.levels as u64),
                    evaluations: Some(design.rows() as u64),
                    distribution: Some(marginals[i].describe()),
                })
            })
            .collect())
    }
}
