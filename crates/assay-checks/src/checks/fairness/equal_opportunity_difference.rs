//! `fairness.equal_opportunity_difference`: Largest gap in true positive rate between protected groups.

use assay_stats::metrics::fairness;

use super::measure::FairnessSpec;
use crate::check::CheckDoc;

/// `fairness.equal_opportunity_difference`.
pub static SPEC: FairnessSpec = FairnessSpec {
    id: "fairness.equal_opportunity_difference",
    doc: CheckDoc {
        summary: "Largest gap in true positive rate between protected groups.",
        computes: "max − min over groups of the true positive rate (recall), as fairlearn.metrics.equal_opportunity_difference. One result per protected attribute and, with two or more, their intersection (column `a × b`). Details: groups.<group> with count, selection_rate, tpr, fpr, fnr, precision, accuracy; the interval; the lowest and highest groups; groups left out.",
        why: "Whether qualified members of every group get the positive outcome equally often.",
        parameters: "min_group_size: groups with fewer rows are left out (default evaluation.min_group_size, 30). intersectional: also the intersection of the protected attributes (default true). privileged: a group the others are compared with (disparate_impact).",
        default_condition: "<= 0.1",
        exactness: "Exact on every row (weighted by roles.weight); the interval is a seeded percentile bootstrap of the gap.",
        references: "Fairlearn 0.15 fairlearn.metrics; Hardt, Price & Srebro (2016); US EEOC Uniform Guidelines (1978) four-fifths rule.",
    },
    compute: fairness::equal_opportunity_difference,
    ratio: false,
    rate: "tpr",
};
