//! `fairness.demographic_parity_difference`: Largest gap in selection rate between protected groups.

use assay_stats::metrics::fairness;

use super::measure::FairnessSpec;
use crate::check::CheckDoc;

/// `fairness.demographic_parity_difference`.
pub static SPEC: FairnessSpec = FairnessSpec {
    id: "fairness.demographic_parity_difference",
    doc: CheckDoc {
        summary: "Largest gap in selection rate between protected groups.",
        computes: "max − min over groups of the selection rate P(ŷ = positive), as fairlearn.metrics.demographic_parity_difference (groups below min_group_size left out). One result per protected attribute and, with two or more, their intersection (column `a × b`). Details: groups.<group> with count, selection_rate, tpr, fpr, fnr, precision, accuracy; the interval; the lowest and highest groups; groups left out.",
        why: "Whether the model hands out the positive outcome at different rates across groups.",
        parameters: "min_group_size: groups with fewer rows are left out (default evaluation.min_group_size, 30). intersectional: also the intersection of the protected attributes (default true). privileged: a group the others are compared with (disparate_impact).",
        default_condition: "<= 0.1",
        exactness: "Exact on every row (weighted by roles.weight); the interval is a seeded percentile bootstrap of the gap.",
        references: "Fairlearn 0.15 fairlearn.metrics; Hardt, Price & Srebro (2016); US EEOC Uniform Guidelines (1978) four-fifths rule.",
    },
    compute: fairness::demographic_parity_difference,
    ratio: false,
    rate: "selection_rate",
};
