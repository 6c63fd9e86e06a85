//! `drift.auto`, `drift.prediction`, `drift.target`: drift with the method chosen per column.

use crate::check::CheckDoc;
use crate::drift::column_drift::{ColumnDrift, Selection};

const COMPUTES: &str = "For each column, the method assay picks (see below), its statistic, \
p-value (tests), effect size and decision, then one dataset row: the share of drifted columns \
(weighted by params.importance). Choice, starting from Evidently's rule: reference with at most \
1,000 non-null values → numeric: ks (p < 0.05); categorical with at most 2 categories: z_test, \
else chi_square (p < 0.05). More than 1,000 → numeric: wasserstein normed by the reference \
standard deviation (≥ 0.1); categorical: jensen_shannon (≥ 0.1). Where assay differs, and why: \
(1) every row is used — Evidently and Deepchecks sample, and Deepchecks caps at 100k rows; \
(2) the p-values of all columns are corrected together (Benjamini–Hochberg by default), because \
testing 50 columns at 5% flags 2.5 of them on identical data; (3) a significant test is only \
called drift when its effect size reaches min_effect (0.1 standard deviations of Wasserstein \
shift for numbers, 0.1 total variation for categories), so that with many rows a meaningless \
shift is not drift merely because p is small; (4) 'categorical' is assay's column kind (text, \
booleans, integers with at most 5 distinct values, or roles.categorical), the same cut as \
Evidently's n_unique <= 5; (5) a two-valued column gets the Z-test at every size, gated by \
min_effect on the total variation distance (the change of its share), not the Jensen–Shannon \
distance: JS of a binary column reaches 0.1 only when its share moves by about 14 points, so a \
label whose positive rate goes from 39% to 50% would pass. Each column's result names the \
method and threshold used.";

const EXACTNESS: &str = "Exact mode (default when both sides are data): categorical columns and \
numeric columns with at most 10,000 distinct values use the exact counts of the profiles; \
the values of the other numeric columns are kept from the same read that profiles each side \
(in memory up to memory_mib, in a temporary file past it), sorted once and compared on every \
value. Profile mode (a side is a saved profile, or mode: profile): numeric columns over \
the exact cap are represented by 2,000 quantiles of their KLL sketch (rank error ~1.3%), so \
KS's D is within about 2.6 points of the exact D and the Wasserstein distance within the rank \
error times the local spread; categorical columns over the exact cap are compared on their 200 \
most frequent values plus an (other) bucket. Each result says `exact: true|false`.";

const PARAMETERS: &str = "method: one method for every column instead of the automatic \
choice. exclude: columns to leave out. auto_exclude: leave out, unless columns are named, the \
features that hold dates or times (or ISO dates as text), and integer or text identifiers (at least 100 values, 97% \
or more of them distinct): default true; the dataset-level result lists them. mode: exact \
(default) | profile. \
null_shift: a column whose null share moves by at least this much (absolute, default 0.05) and \
significantly (two-proportion Z, p < 0.05) has drifted even if its values did not; 0 disables. \
binning: quantiles (default, edges \
at reference quantiles) | sturges | fixed; bins: count (default 10). correction: bh (default) | \
bonferroni | none. min_effect: effect-size floor for tests (default 0.1; 0 disables). \
drift_share: dataset threshold (default 0.5). importance: map column → weight. memory_mib: \
memory for raw values in exact mode (default 1024). base (jensen_shannon, kl; default e), yates \
(chi_square; default true), normed (wasserstein; default true). A `condition:` is not accepted: \
each column uses its method's threshold (use drift.<method> to set one).";

const REFERENCES: &str = "Evidently get_default_stattest (0.7); Benjamini & Hochberg (1995); \
scipy.stats for every test (parity fixtures: scripts/gen_drift_*_fixtures.py).";

/// `drift.auto`: every feature, method chosen per column.
pub fn auto() -> ColumnDrift {
    ColumnDrift::automatic(
        "drift.auto",
        Selection::Features,
        CheckDoc {
            summary: "Drift of every feature, with the method chosen per column by type, \
                cardinality and sample size, corrected for many columns and gated by effect size.",
            computes: COMPUTES,
            why: "Drift is the first sign that a model sees data unlike the data it learned \
                from; one decision per column and one for the dataset say where and how much.",
            parameters: PARAMETERS,
            default_condition: "per column, the chosen method's: p >= 0.05 (tests, after \
                correction) or distance < 0.1; dataset row: drifted share < 0.5",
            exactness: EXACTNESS,
            references: REFERENCES,
        },
    )
}

/// `drift.prediction`: the prediction and probability columns.
pub fn prediction() -> ColumnDrift {
    ColumnDrift::automatic(
        "drift.prediction",
        Selection::Prediction,
        CheckDoc {
            summary: "Prediction drift: has the distribution of the model's outputs changed?",
            computes: "drift.auto applied to roles.prediction and roles.probabilities (or the \
                entry's columns:); skipped when the suite names neither.",
            why: "A change in what the model predicts is visible immediately, long before \
                labels arrive to measure accuracy.",
            parameters: PARAMETERS,
            default_condition: "as drift.auto",
            exactness: EXACTNESS,
            references: "Evidently ColumnDriftMetric on the prediction column.",
        },
    )
}

/// `drift.target`: the target column.
pub fn target() -> ColumnDrift {
    ColumnDrift::automatic(
        "drift.target",
        Selection::Target,
        CheckDoc {
            summary: "Target drift: has the distribution of the label changed?",
            computes: "drift.auto applied to roles.target (or the entry's columns:); skipped \
                when the suite names no target.",
            why: "A changed base rate (prior shift) changes what a calibrated model should \
                predict even when the features look the same.",
            parameters: PARAMETERS,
            default_condition: "as drift.auto",
            exactness: EXACTNESS,
            references: "Evidently TargetDriftPreset.",
        },
    )
}
