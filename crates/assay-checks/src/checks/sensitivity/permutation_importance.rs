//! `sensitivity.permutation_importance`: how much a metric drops when one input's values
//! are shuffled across rows.

use std::any::Any;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use assay_report::details::sensitivity::ImportanceDetails;
use assay_report::details::NumberList;

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::checks::robustness::{analysis_needs, head, numbers, rows_of, with_column, Scorer};
use crate::condition::Condition;
use crate::suite::{CheckEntry, Suite};
use crate::validation::ValidationNeeds;

/// Permutation feature importance.
pub struct PermutationImportance;

impl Check for PermutationImportance {
    fn id(&self) -> &'static str {
        "sensitivity.permutation_importance"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Drop of a metric when one model input's values are shuffled across rows (permutation feature importance).",
            computes: "On the current data's rows with complete inputs and a known target (the first params.max_rows): the metric of the model as is, then with each input's column permuted (seeded), params.repeats times. Importance = baseline score − permuted score for higher-is-better metrics (permuted − baseline for losses), averaged over repeats; details: its standard deviation and every repeat. One result per input; the value is the mean importance.",
            why: "Shows which inputs the model's quality rests on, measured on data, with the metric that matters, for any model; an input that should not matter (an id, a leak) showing up high is a red flag.",
            parameters: "metric (default roc_auc for binary classifiers, accuracy for others, r2 for regressors); repeats (default 5); seed (default 0); max_rows (default 100000).",
            default_condition: "informational (always passes); give one such as '<= 0.01' with columns: for inputs that must not matter",
            exactness: "Exact for the drawn permutations, as scikit-learn's permutation_importance (which draws with numpy; assay with ChaCha8, so individual repeats differ).",
            references: "Breiman (2001); scikit-learn sklearn.inspection.permutation_importance.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::greater_than(f64::NEG_INFINITY)
    }

    fn known_params(&self) -> &'static [&'static str] {
        &["metric", "repeats", "seed", "max_rows"]
    }

    fn validation_needs(&self, suite: &Suite, entry: &CheckEntry) -> ValidationNeeds {
        analysis_needs(suite, entry)
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let repeats = inputs.param_count(self.id(), "repeats", 5)?;
        let max_rows = inputs.param_count(self.id(), "max_rows", 100_000)?;
        let seed = inputs.param_seed("seed")?.unwrap_or(0);
        let (a, all) = rows_of(inputs)?;
        let target =
            inputs.roles.target.as_deref().ok_or(
                "permutation importance needs the target column (roles.target / --target)",
            )?;
        let metric = match inputs.param_str("metric")? {
            Some(m) => m,
            None => match (a.model.task(), &a.output) {
                (assay_model::ModelTask::Regressor, _) => "r2".into(),
                (assay_model::ModelTask::Classifier { classes }, _) if classes.len() == 2 => {
                    "roc_auc".into()
                }
                _ => "accuracy".into(),
            },
        };
        let (scorer, batch) = Scorer::new(a, &head(all, max_rows), target, &metric)?;
        let base = scorer
            .score(&a.predict(&batch)?)
            .ok_or_else(|| format!("{metric} is undefined on these rows"))?;
        let sign = if scorer.higher_is_better() { 1.0 } else { -1.0 };
        let columns: Vec<String> = match inputs.columns {
            Some(c) => c.to_vec(),
            None => a.features.clone(),
        };
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut out = Vec::new();
        for f in &columns {
            if !a.features.contains(f) {
                out.push(Measurement::error(
                    Some(f),
                    format!("`{f}` is not an input of {}", a.model.path()),
                ));
                continue;
            }
            let values = numbers(&batch, f)?;
            let mut drops = Vec::with_capacity(repeats);
            for _ in 0..repeats {
                let mut shuffled = values.clone();
                shuffled.shuffle(&mut rng);
                let permuted = with_column(&batch, f, shuffled)?;
                if let Some(s) = scorer.score(&a.predict(&permuted)?) {
                    drops.push(sign * (base - s));
                }
            }
            if drops.is_empty() {
                out.push(Measurement::error(
                    Some(f),
                    format!("{metric} is undefined after permuting `{f}`"),
                ));
                continue;
            }
            let mean = drops.iter().sum::<f64>() / drops.len() as f64;
            let sd = crate::checks::robustness::spread(&drops);
            out.push(
                Measurement::value(
                    Some(f),
                    mean,
                    format!(
                        "shuffling `{f}` costs {mean:+.4} {} (± {sd:.4} over {} repeats; baseline {base:.4})",
                        scorer.name(),
                        drops.len()
                    ),
                )
                .with_details(&ImportanceDetails {
                    metric: Some(scorer.name().to_string()),
                    importance: Some(mean),
                    sd: Some(sd),
                    baseline_score: Some(base),
                    repeats: Some(NumberList(drops.clone())),
                    rows: Some(batch.num_rows() as u64),
                }),
            );
        }
        Ok(out)
    }
}
