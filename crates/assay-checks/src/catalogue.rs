//! The registry of every check, by id.

use crate::check::Check;
use crate::checks::integrity::{
    constant_column::ConstantColumn, duplicate_rows::DuplicateRows, id_unique::IdUnique,
    mixed_types::MixedTypes, new_categories::NewCategories, non_finite_share::NonFiniteShare,
    null_share::NullShare, outlier_share::OutlierShare, row_count::RowCount,
    string_length::StringLength, value_range::ValueRange,
};
use crate::checks::leakage::{
    single_feature::SingleFeatureLeakage, train_test_overlap::TrainTestOverlap,
};
use crate::checks::privacy::pii::Pii;
use crate::checks::schema::schema_match::SchemaMatch;
use crate::checks::target::class_imbalance::ClassImbalance;

/// Every check, in catalogue order.
pub fn catalogue() -> Vec<Box<dyn Check>> {
    let mut all: Vec<Box<dyn Check>> = vec![
        Box::new(SchemaMatch),
        Box::new(RowCount),
        Box::new(NullShare),
        Box::new(NonFiniteShare),
        Box::new(ConstantColumn),
        Box::new(ValueRange),
        Box::new(NewCategories),
        Box::new(IdUnique),
        Box::new(DuplicateRows),
        Box::new(MixedTypes),
        Box::new(OutlierShare),
        Box::new(StringLength),
        Box::new(Pii),
        Box::new(ClassImbalance),
        Box::new(TrainTestOverlap),
        Box::new(SingleFeatureLeakage),
    ];
    all.extend(crate::checks::drift::checks());
    all.extend(crate::checks::model::checks());
    all.extend(crate::checks::fairness::checks());
    all.extend(crate::checks::crossval::checks());
    all.extend(crate::checks::generalization::checks());
    all.extend(crate::checks::sensitivity::checks());
    all.extend(crate::checks::robustness::checks());
    all.extend(crate::checks::performance::checks());
    all
}

/// The check with id `id`.
pub fn find(id: &str) -> Option<Box<dyn Check>> {
    catalogue().into_iter().find(|c| c.id() == id)
}

/// Closest known id to `id` (for "did you mean" messages).
pub fn suggest(id: &str) -> Option<&'static str> {
    catalogue()
        .iter()
        .map(|c| (strsim::levenshtein(id, c.id()), c.id()))
        .min_by_key(|(d, _)| *d)
        .filter(|(d, _)| *d <= 6)
        .map(|(_, s)| s)
}

/// `assay explain` text of a check, in fixed sections.
pub fn explain(check: &dyn Check) -> String {
    let d = check.doc();
    format!(
        "{id}\n{underline}\n{summary}\n\nWhat it computes\n  {computes}\n\nWhy it matters\n  {why}\n\n\
         Parameters\n  {params}\n\nDefault condition\n  {cond}\n\nExactness\n  {exact}\n\nReferences\n  {refs}\n",
        id = check.id(),
        underline = "=".repeat(check.id().len()),
        summary = d.summary,
        computes = wrap(d.computes),
        why = wrap(d.why),
        params = d.parameters.replace('\n', "\n  "),
        cond = d.default_condition,
        exact = wrap(d.exactness),
        refs = wrap(d.references),
    )
}

fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        if line + word.len() > 90 && line > 0 {
            out.push_str("\n  ");
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_dotted_snake_case_and_documented() {
        let all = catalogue();
        let mut ids: Vec<&str> = all.iter().map(|c| c.id()).collect();
        for id in &ids {
            let (family, name) = id.split_once('.').expect("dotted");
            assert!(!family.is_empty() && !name.is_empty());
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
                    && !name.starts_with(|c: char| c.is_ascii_digit()),
                "{id}"
            );
        }
        for c in &all {
            let d = c.doc();
            for section in [
                d.summary,
                d.computes,
                d.why,
                d.parameters,
                d.default_condition,
                d.exactness,
                d.references,
            ] {
                assert!(
                    !section.trim().is_empty(),
                    "{} has an empty doc section",
                    c.id()
                );
            }
            assert!(explain(c.as_ref()).contains("Default condition"));
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all.len());
        assert_eq!(suggest("integrity.nul_share"), Some("integrity.null_share"));
        assert!(find("integrity.null_share").is_some());
        assert!(find("nope").is_none());
    }
}
