//! `crossval.score`: each metric's mean over cross-validation folds, with its spread and a
//! confidence interval, beside a trivial predictor trained on the same folds.

use std::any::Any;

use assay_report::details::crossval::{CrossvalScoreDetails, FoldTable};

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::condition::Condition;
use crate::suite::{CheckEntry, Suite};
use crate::validation::crossval::summarize;
use crate::validation::ValidationNeeds;

use super::{crossval_needs, failures, fold_table, run_of, selected, short};

/// Cross-validated score per metric.
pub struct CrossvalScore;

impl Check for CrossvalScore {
    fn id(&self) -> &'static str {
        "crossval.score"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "A metric's mean over cross-validation folds, with its spread and a confidence interval.",
            computes: "The suite's `validation:` section splits the data (any splitter of `assay split`), trains a model on each fold's training rows (a built-in learner, or an external trainer command that writes an ONNX model) and scores it on the fold's validation rows with the model-evaluation metric (scikit-learn definitions). One result per metric: the mean over folds (value), the sample standard deviation, the Student-t interval mean ± t(n−1, (1+c)/2)·sd/√n, and per fold the validation, training and trivial-predictor scores. Folds whose training failed are listed with their error; the result then fails.",
            why: "One split gives one draw of a noisy score; the mean over folds with its spread says how good the model is and how much that figure can be trusted.",
            parameters: "metric: one metric name or a list (default: every metric of validation.metrics).",
            default_condition: "beats the trivial predictor (prior class / mean) trained on the same folds: mean score better than the trivial predictor's mean",
            exactness: "Exact per fold. The t interval treats folds as independent, which they are not (training sets overlap; Bengio & Grandvalet, 2004): read it as a lower bound of the uncertainty; crossval.beats_baseline uses the Nadeau–Bengio correction.",
            references: "scikit-learn cross_validate; Kohavi (1995); Bengio & Grandvalet (2004).",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        // Replaced per result by "beats the trivial predictor" unless the suite gives one.
        Condition::greater_than(f64::NEG_INFINITY)
    }

    fn known_params(&self) -> &'static [&'static str] {
        &["metric"]
    }

    fn validation_needs(&self, suite: &Suite, entry: &CheckEntry) -> ValidationNeeds {
        crossval_needs(suite, entry)
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let run = run_of(inputs)?;
        let mut out = Vec::new();
        for m in selected(inputs, run)? {
            let spec = run.metrics[m];
            let name = short(spec.id);
            let scores = run.scores(m);
            let Some(s) = summarize(&scores, run.confidence) else {
                let why = failures(run).unwrap_or_else(|| {
                    format!("{name} is undefined on every fold (for example a single class)")
                });
                out.push(
                    Measurement::error(Some(name), why).with_details(&FoldTable {
                        folds: Some(fold_table(run, m)),
                    }),
                );
                continue;
            };
            let trivial = summarize(&run.trivial_scores(m), run.confidence).map(|t| t.mean);
            let train = summarize(&run.train_scores(m), run.confidence).map(|t| t.mean);
            let undefined = run.folds.len() - run.failed().len() - s.n;
            let spread = if s.n >= 2 {
                format!(
                    " ± {:.4} (sd) over {} folds, {:.0}% interval [{:.4}, {:.4}]",
                    s.sd,
                    s.n,
                    run.confidence * 100.0,
                    s.low,
                    s.high
                )
            } else {
                " on a single fold (no spread or interval)".to_string()
            };
            let message = format!(
                "{name} {:.4}{spread}{}{}",
                s.mean,
                if undefined > 0 {
                    format!("; undefined on {undefined} fold(s), left out")
                } else {
                    String::new()
                },
                trivial.map_or(String::new(), |t| format!("; trivial predictor {t:.4}"))
            );
            let mut measurement = Measurement::value(Some(name), s.mean, message).with_details(
                &CrossvalScoreDetails {
                    metric: Some(name.to_string()),
                    mean: Some(s.mean),
                    sd: Some(s.sd).filter(|x| x.is_finite()),
                    ci_low: Some(s.low).filter(|x| x.is_finite()),
                    ci_high: Some(s.high).filter(|x| x.is_finite()),
                    confidence: Some(run.confidence),
                    n_folds: Some(s.n as u64),
                    failed_folds: Some(run.failed().len() as u64),
                    train_mean: train,
                    trivial_mean: trivial,
                    higher_is_better: Some(spec.higher_is_better),
                    splitter: Some(run.splitter.clone()),
                    training: Some(run.training.clone()),
                    folds: Some(fold_table(run, m)),
                },
            );
            if !inputs.condition_is_explicit {
                if let Some(t) = trivial {
                    measurement.condition = Some(if spec.higher_is_better {
                        Condition::greater_than(t)
                    } else {
                        Condition::less_than(t)
                    });
                }
            }
            measurement.failed_anyway = failures(run);
            out.push(measurement);
        }
        Ok(out)
    }
}
