//! `fairness.demographic_parity_ratio`: Smallest ratio of selection rates between protected groups.

use assay_stats::metrics::fairness;

use super::measure::FairnessSpec;
use crate::check::CheckDoc;

/// `fairness.demographic_parity_ratio`.
pub static SPEC: FairnessSpec = FairnessSpec {
    id: "fairness.demographic_parity_ratio",
    doc: CheckDoc {
        summary: "Smallest ratio of selection rates between protected groups.",
        computes: "min / max over groups of the selection rate, as fairlearn.metrics.demographic_parity_ratio. One result per protected attribute and, with two or more, their intersection (column `a × b`). Details: groups.<group> with count, selection_rate, tpr, fpr, fnr, precision, accuracy; the interval; the lowest and highest groups; groups left out.",
        why: "The same disparity as a ratio, the form regulators often use.",
        parameters: "min_group_size: groups with fewer rows are left out (default evaluation.min_group_size, 30). intersectional: also the intersection of the protected attributes (default true). privileged: a group the others are compared with (disparate_impact).",
        default_condition: ">= 0.8",
        exactness: "Exact on every row (weighted by roles.weight); the interval is a seeded percentile bootstrap of the gap.",
        references: "Fairlearn 0.15 fairlearn.metrics; Hardt, Price & Srebro (2016); US EEOC Uniform Guidelines (1978) four-fifths rule.",
    },
    compute: fairness::demographic_parity_ratio,
    ratio: true,
    rate: "selection_rate",
};
