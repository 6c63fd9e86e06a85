//! `privacy.pii`: share of values containing personal data.

use std::any::Any;

use assay_stats::pii::PiiKind;
use assay_stats::ratio;

use std::collections::BTreeMap;

use assay_report::details::data::PiiDetails;

use crate::accumulators::{PiiCounts, PiiScan};
use arrow::datatypes::DataType;

use crate::check::{downcast, pct, Check, CheckDoc, Inputs, Measurement, RowPass, Side, TapInputs};
use crate::condition::Condition;

/// Share of string values holding an e-mail, phone, card number, IP address or national id.
pub struct Pii;

fn text_columns(inputs: &Inputs) -> Vec<String> {
    inputs.target_columns(|c| c.state.as_text().is_some() && !c.data_type.contains("Boolean"))
}

/// Columns whose distinct values are all in the profile (scanned from it) vs those needing rows.
fn split(inputs: &Inputs) -> (Vec<String>, Vec<String>) {
    text_columns(inputs).into_iter().partition(|c| {
        inputs
            .current
            .profile
            .column(c)
            .is_some_and(|p| p.state.distinct_is_exact())
    })
}

impl Check for Pii {
    fn id(&self) -> &'static str {
        "privacy.pii"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Personal data (e-mails, phones, card numbers, IPs, national ids) in string columns.",
            computes: "The share of non-null values of each string column that contain at least one \
                of: e-mail address; phone number (E.164 or common national formats, ≥ 10 digits); \
                payment card number (13–19 digits, known issuer prefix, valid Luhn checksum); IPv4 \
                or IPv6 address; US SSN (AAA-GG-SSSS with valid area/group/serial); Brazilian CPF \
                (valid check digits). Details give the share per kind and masked examples.",
            why: "Personal data in training sets is a legal liability (GDPR, LGPD, CCPA) and a \
                memorisation risk for models.",
            parameters: "none (use `columns:` to restrict)",
            default_condition: "== 0",
            exactness: "Exact for the rules described: distinct values are scanned from the \
                profile of a saved current profile; on raw data every value is scanned on the \
                profiling read (each distinct value once while a column has ≤ 10,000 of them). \
                Masked examples are the first three in sorted order.",
            references: "Microsoft Presidio recognizers (e-mail, phone, credit card with Luhn, \
                IP, US SSN, BR CPF); Luhn (ISO/IEC 7812-1).",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::equals(0.0)
    }

    /// Every text column scanned on the current read (each distinct value once while a
    /// column has at most 10,000 of them).
    fn taps(&self, inputs: &TapInputs) -> Result<Option<Vec<RowPass>>, String> {
        let Some(schema) = inputs.current else {
            return Ok(Some(Vec::new()));
        };
        let readable = |dt: &DataType| arrow::compute::can_cast_types(dt, &DataType::Utf8);
        let text = |dt: &DataType| {
            *dt != DataType::Boolean
                && assay_engine::profile_udaf::value_class(dt)
                    == Some(assay_engine::profile_udaf::ValueClass::Text)
                && readable(dt)
        };
        // Columns named in `columns:` are scanned whatever their type (read as text), as
        // the profile path does; by default, the text columns.
        let columns: Vec<String> = inputs
            .target_columns(text)
            .into_iter()
            .filter(|c| {
                schema
                    .field_with_name(c)
                    .is_ok_and(|f| readable(f.data_type()))
            })
            .collect();
        if columns.is_empty() {
            return Ok(Some(Vec::new()));
        }
        Ok(Some(vec![RowPass {
            side: Side::Current,
            accumulator: Box::new(PiiScan::new(columns)),
        }]))
    }

    fn measure(
        &self,
        inputs: &Inputs,
        passes: Vec<Box<dyn Any>>,
    ) -> Result<Vec<Measurement>, String> {
        let scan: Option<PiiScan> = passes.into_iter().next().map(downcast).transpose()?;
        let scanned: Vec<String> = scan.as_ref().map(|s| s.columns.clone()).unwrap_or_default();
        let (from_profile, needs_rows) = split(inputs);
        let mut results: Vec<(String, PiiCounts)> = Vec::new();
        for c in from_profile.into_iter().filter(|c| !scanned.contains(c)) {
            let mut counts = PiiCounts::default();
            if let Some(values) = inputs
                .current
                .profile
                .column(&c)
                .and_then(|p| p.state.exact_value_counts())
            {
                for (v, n) in values {
                    counts.add(&v, n);
                }
            }
            results.push((c, counts));
        }
        let mut out = Vec::new();
        if let Some(scan) = scan {
            results.extend(scan.columns.into_iter().zip(scan.counts));
        }
        for c in needs_rows.iter().filter(|c| !scanned.contains(c)) {
            out.push(if inputs.current.source.is_some() {
                Measurement::error(
                    Some(c),
                    format!("`{c}` could not be scanned: its type cannot be read as text"),
                )
            } else {
                Measurement::skipped(
                    Some(c),
                    "needs the raw rows (the current side is a saved profile)",
                )
            });
        }
        for (column, counts) in results {
            let share = ratio(counts.any, counts.total);
            let mut by_kind = BTreeMap::new();
            let mut found = Vec::new();
            for kind in PiiKind::ALL {
                let n = counts.by_kind.get(&kind).copied().unwrap_or(0);
                by_kind.insert(kind.as_str().to_string(), ratio(n, counts.total));
                if n > 0 {
                    found.push(format!("{} {}", kind.as_str(), pct(ratio(n, counts.total))));
                }
            }
            let examples: BTreeMap<String, Vec<String>> = counts
                .examples
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), v.clone()))
                .collect();
            let message = if found.is_empty() {
                "no personal data found".to_string()
            } else {
                format!(
                    "{} of values contain personal data: {}",
                    pct(share),
                    found.join(", ")
                )
            };
            out.push(
                Measurement::value(Some(&column), share, message).with_details(&PiiDetails {
                    values: Some(counts.total),
                    with_pii: Some(counts.any),
                    share_by_kind: Some(by_kind),
                    masked_examples: Some(examples),
                }),
            );
        }
        Ok(out)
    }
}
