//! `fairness.disparate_impact`: Selection rate of the least favoured group relative to the most favoured (four-fifths rule).

use assay_stats::metrics::fairness;

use super::measure::FairnessSpec;
use crate::check::CheckDoc;

/// `fairness.disparate_impact`.
pub static SPEC: FairnessSpec = FairnessSpec {
    id: "fairness.disparate_impact",
    doc: CheckDoc {
        summary: "Selection rate of the least favoured group relative to the most favoured (four-fifths rule).",
        computes: "min / max of selection rates over groups; with params.privileged, the lowest ratio of another group's selection rate to the privileged group's. Below 0.8 fails the US EEOC four-fifths rule. One result per protected attribute and, with two or more, their intersection (column `a × b`). Details: groups.<group> with count, selection_rate, tpr, fpr, fnr, precision, accuracy; the interval; the lowest and highest groups; groups left out.",
        why: "The legal test of adverse impact in hiring and lending.",
        parameters: "min_group_size: groups with fewer rows are left out (default evaluation.min_group_size, 30). intersectional: also the intersection of the protected attributes (default true). privileged: a group the others are compared with (disparate_impact).",
        default_condition: ">= 0.8 (four-fifths rule)",
        exactness: "Exact on every row (weighted by roles.weight); the interval is a seeded percentile bootstrap of the gap.",
        references: "Fairlearn 0.15 fairlearn.metrics; Hardt, Price & Srebro (2016); US EEOC Uniform Guidelines (1978) four-fifths rule.",
    },
    compute: fairness::demographic_parity_ratio,
    ratio: true,
    rate: "selection_rate",
};
