//! `robustness.noise`: how many predictions flip when the inputs get a little Gaussian noise.

use std::any::Any;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use assay_model::Predictions;

use assay_report::details::robustness::{InputFlip, NoiseDetails};

use crate::check::{pct, Check, CheckDoc, Inputs, Measurement};
use crate::condition::Condition;
use crate::suite::{CheckEntry, Suite};
use crate::validation::{AnalysisSetup, OutputChoice, ValidationNeeds};

use super::{analysis_needs, domain_of, head, numbers, rows_of, spread, with_column};

/// Prediction flips under noise.
pub struct Noise;

/// Share of rows whose prediction changed (labels for classifiers; for regressors, a change
/// larger than `tolerance`), and the mean absolute change of the analysed output.
fn changes(
    a: &AnalysisSetup,
    base: &Predictions,
    noisy: &Predictions,
    tolerance: f64,
) -> Result<(f64, f64), String> {
    let y0 = a.output_of(base)?;
    let y1 = a.output_of(noisy)?;
    let n = y0.len().max(1) as f64;
    let mean_abs = y0.iter().zip(&y1).map(|(x, y)| (x - y).abs()).sum::<f64>() / n;
    let flipped = match (&a.output, &base.labels, &noisy.labels) {
        (OutputChoice::Probability { .. }, Some(l0), Some(l1)) => {
            l0.iter().zip(l1).filter(|(x, y)| x != y).count() as f64
        }
        _ => y0
            .iter()
            .zip(&y1)
            .filter(|(x, y)| (*x - *y).abs() > tolerance)
            .count() as f64,
    };
    Ok((flipped / n, mean_abs))
}

impl Check for Noise {
    fn id(&self) -> &'static str {
        "robustness.noise"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Share of predictions that change when the numeric inputs get small Gaussian noise.",
            computes: "On the current data's rows (the first params.max_rows whose inputs are complete): every numeric model input x_j gets independent noise N(0, (scale·sd_j)²), sd_j its standard deviation in the data (clipped to sensitivity.domains where declared); the model predicts again. Value: the share of rows whose predicted class changes (classifiers) or whose prediction moves by more than params.tolerance (regressors; default 5% of the predictions' standard deviation), averaged over params.repeats draws. Details: the mean absolute change of the analysed output, and the flip rate with noise on each input alone.",
            why: "Measurement error, rounding and benign data drift are small perturbations; a model whose decisions flip under them is brittle and its errors look random to users.",
            parameters: "scale: noise sd as a share of each input's sd (default 0.1); repeats (default 3); seed (default 0); max_rows (default 10000); tolerance: regressor change that counts (default 5% of the standard deviation of the model's predictions on the rows).",
            default_condition: "<= 0.05",
            exactness: "Exact for the drawn noise (seeded: identical run to run); a Monte-Carlo estimate of the flip probability.",
            references: "Deepchecks robustness; Hendrycks & Dietterich (2019) on corruption robustness.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::at_most(0.05)
    }

    fn known_params(&self) -> &'static [&'static str] {
        &["scale", "repeats", "seed", "max_rows", "tolerance"]
    }

    fn validation_needs(&self, suite: &Suite, entry: &CheckEntry) -> ValidationNeeds {
        analysis_needs(suite, entry)
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let scale = inputs.param_in_range(self.id(), "scale", 0.1)?;
        let tolerance_param = inputs.param_non_negative("tolerance")?;
        let repeats = inputs.param_count(self.id(), "repeats", 3)?;
        let max_rows = inputs.param_count(self.id(), "max_rows", 10_000)?;
        let seed = inputs.param_seed("seed")?.unwrap_or(0);
        let (a, all) = rows_of(inputs)?;
        let batch = head(all, max_rows);
        let n = batch.num_rows();
        let base = a.predict(&batch)?;
        // Regressors: a prediction moves when it changes by more than 5% of the spread of the
        // model's predictions on these rows (unless params.tolerance says otherwise).
        let tolerance = match (tolerance_param, &a.output) {
            (Some(t), _) => t,
            (None, OutputChoice::Value) => 0.05 * spread(&a.output_of(&base)?),
            (None, OutputChoice::Probability { .. }) => 0.0,
        };
        let features = &a.features;
        let mut cols: Vec<Vec<f64>> = Vec::with_capacity(features.len());
        let mut sds = Vec::with_capacity(features.len());
        for f in features {
            let v = numbers(&batch, f)?;
            sds.push(spread(&numbers(all, f)?));
            cols.push(v);
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let draw = |j: usize, rng: &mut ChaCha8Rng| -> Vec<f64> {
            let sd = sds[j] * scale;
            let domain = domain_of(inputs, &features[j]);
            match Normal::new(0.0, sd.max(f64::MIN_POSITIVE)) {
                Ok(dist) if sd > 0.0 => cols[j]
                    .iter()
                    .map(|x| {
                        let y = x + dist.sample(rng);
                        match domain {
                            Some([lo, hi]) => y.clamp(lo, hi),
                            None => y,
                        }
                    })
                    .collect(),
                _ => cols[j].clone(),
            }
        };
        // All inputs at once.
        let (mut flip, mut change) = (0.0, 0.0);
        for _ in 0..repeats {
            let mut noisy = batch.clone();
            for (j, f) in features.iter().enumerate() {
                noisy = with_column(&noisy, f, draw(j, &mut rng))?;
            }
            let p = a.predict(&noisy)?;
            let (fl, ch) = changes(a, &base, &p, tolerance)?;
            flip += fl / repeats as f64;
            change += ch / repeats as f64;
        }
        // Each input alone.
        let mut per_input = Vec::new();
        for (j, f) in features.iter().enumerate() {
            let mut fl_sum = 0.0;
            for _ in 0..repeats {
                let noisy = with_column(&batch, f, draw(j, &mut rng))?;
                let p = a.predict(&noisy)?;
                fl_sum += changes(a, &base, &p, tolerance)?.0 / repeats as f64;
            }
            per_input.push((f.clone(), fl_sum, sds[j]));
        }
        per_input.sort_by(|x, y| y.1.total_cmp(&x.1));
        let worst = per_input
            .first()
            .map(|(f, r, _)| format!("; alone, `{f}` flips {}", pct(*r)));
        let what = match a.output {
            OutputChoice::Value => "predictions move",
            OutputChoice::Probability { .. } => "predicted classes flip",
        };
        Ok(vec![Measurement::value(
            None,
            flip,
            format!(
                "with noise of {scale} sd on every input, {} of {n} {what}{}",
                pct(flip),
                worst.unwrap_or_default()
            ),
        )
        .with_details(&NoiseDetails {
            scale: Some(scale),
            tolerance: Some(tolerance),
            repeats: Some(repeats as u64),
            rows: Some(n as u64),
            mean_abs_change: Some(change),
            output: Some(a.output.describe()),
            inputs: Some(
                per_input
                    .iter()
                    .map(|(f, r, sd)| InputFlip {
                        input: f.clone(),
                        flip_rate: Some(*r),
                        sd: Some(*sd),
                    })
                    .collect(),
            ),
        })])
    }
}
