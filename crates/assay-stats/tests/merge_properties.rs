//! Property tests: merging the states of two parts equals the state of the whole, and row
//! order does not matter.
//!
//! Exact mode (the default cap of 10,000 distinct values) must agree to the last count, value
//! and quantile. Sketch mode (a cap of 16 distinct values, so columns spill into the KLL
//! quantile and HyperLogLog sketches) must agree exactly on rows, nulls, non-finite values,
//! range, value count and moments (to floating-point rounding), and every quantile of
//! merge(a, b) and of the profile of a ++ b must lie within the documented KLL rank error of
//! its true rank, computed here from the sorted data. No tolerance comes from the code under
//! test (`rank_error()` is not used).

use std::collections::BTreeSet;

use assay_stats::ColumnState;
use proptest::prelude::*;

/// Normalized rank error of a DataSketches KLL sketch with k = 200 (assay's `DEFAULT_KLL_K`):
/// "The default k of 200 yields a 'single-sided' epsilon of about 1.33% and a 'double-sided'
/// (PMF) epsilon of about 1.65%, with a confidence of 99%" (KllSketch javadoc,
/// datasketches-java 6.x). The larger figure is used: compaction is randomized (unseeded) and
/// many quantiles are checked per run.
const KLL_K200_RANK_ERROR: f64 = 0.0165;

/// Exact mode: quantiles are exact (numpy `inverted_cdf`); only the rounding of the ranks
/// `count / n` is allowed for.
const EXACT_RANK_TOL: f64 = 1e-12;

/// Distinct counts in sketch mode: DataSketches HyperLogLog with lg_k = 12 (assay's
/// `HLL_LG_K`) has a relative standard error of about 1.04 / sqrt(4096) ≈ 1.6%; 5% (about three
/// standard errors) plus one.
const HLL_LG12_TOLERANCE: f64 = 0.05;

/// A small exact cap: past 16 distinct values a column leaves exact mode for the sketches.
const SPILL_CAP: usize = 16;

/// The quantiles checked.
const QUANTILES: [f64; 11] = [0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0];

fn numeric_state(values: &[Option<f64>], cap: usize) -> ColumnState {
    ColumnState::of_numbers(values, cap)
}

fn text_state(values: &[Option<String>], cap: usize) -> ColumnState {
    ColumnState::of_strings(values, cap)
}

fn value() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        8 => (-1000i32..1000).prop_map(|v| Some(f64::from(v) / 4.0)),
        1 => Just(None),
        1 => prop_oneof![Just(Some(f64::NAN)), Just(Some(f64::INFINITY)), Just(Some(f64::NEG_INFINITY))],
    ]
}

/// Mostly distinct values (steps of 1/8 over ±125,000), with nulls and non-finite values.
fn wide_value() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        16 => (-1_000_000i32..1_000_000).prop_map(|v| Some(f64::from(v) / 8.0)),
        1 => Just(None),
        1 => prop_oneof![Just(Some(f64::NAN)), Just(Some(f64::INFINITY)), Just(Some(f64::NEG_INFINITY))],
    ]
}

/// The finite values, sorted.
fn sorted_finite(values: &[Option<f64>]) -> Vec<f64> {
    let mut v: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    v.sort_by(f64::total_cmp);
    v
}

/// Distinct finite values, plus one for each kind of non-finite value present (as
/// `ColumnState::distinct` counts them).
fn true_distinct(values: &[Option<f64>]) -> u64 {
    let finite: BTreeSet<u64> = values
        .iter()
        .flatten()
        .filter(|x| x.is_finite())
        .map(|x| x.to_bits())
        .collect();
    let (mut nan, mut pos_inf, mut neg_inf) = (false, false, false);
    for x in values.iter().flatten() {
        nan |= x.is_nan();
        pos_inf |= *x == f64::INFINITY;
        neg_inf |= *x == f64::NEG_INFINITY;
    }
    finite.len() as u64 + u64::from(nan) + u64::from(pos_inf) + u64::from(neg_inf)
}

/// Each `state.quantile(q)` is a value whose true normalized rank in `sorted` is within `eps`
/// of `q`: `q` lies in `[rank(< v) − eps, rank(≤ v) + eps]` (ties give a value a range of
/// ranks).
fn assert_quantiles_near_truth(state: &ColumnState, sorted: &[f64], eps: f64, what: &str) {
    if sorted.is_empty() {
        assert_eq!(state.quantile(0.5), None, "{what}: no finite values");
        return;
    }
    let n = sorted.len() as f64;
    for q in QUANTILES {
        let v = state
            .quantile(q)
            .unwrap_or_else(|| panic!("{what}: no quantile {q}"));
        let below = sorted.partition_point(|x| *x < v) as f64 / n;
        let at_or_below = sorted.partition_point(|x| *x <= v) as f64 / n;
        assert!(
            below - eps <= q && q <= at_or_below + eps,
            "{what}: quantile {q} = {v} has true rank [{below}, {at_or_below}] (n = {n}, tolerance {eps})"
        );
    }
}

/// `merged` (a merge of parts, or the values in another order) against `whole`, the state of
/// `values` in one pass, and both against the truth computed from `values`.
fn assert_same_column(merged: &ColumnState, whole: &ColumnState, values: &[Option<f64>]) {
    let sorted = sorted_finite(values);
    // Counts, range and moments: the same in exact and sketch mode.
    assert_eq!(merged.rows, values.len() as u64);
    assert_eq!(merged.rows, whole.rows);
    assert_eq!(
        merged.nulls,
        values.iter().filter(|v| v.is_none()).count() as u64
    );
    assert_eq!(merged.nulls, whole.nulls);
    assert_eq!(merged.non_finite(), whole.non_finite());
    assert_eq!(
        merged.non_finite(),
        (values.iter().flatten().count() - sorted.len()) as u64
    );
    let (na, nb) = (merged.as_numeric().unwrap(), whole.as_numeric().unwrap());
    assert_eq!(na.min, nb.min);
    assert_eq!(na.max, nb.max);
    assert_eq!(na.min, sorted.first().copied());
    assert_eq!(na.max, sorted.last().copied());
    assert_eq!(na.moments.count, nb.moments.count);
    assert_eq!(na.moments.count, sorted.len() as u64);
    if na.moments.count > 0 {
        assert!((na.moments.mean - nb.moments.mean).abs() <= 1e-9 * (1.0 + nb.moments.mean.abs()));
        assert!((na.moments.m2 - nb.moments.m2).abs() <= 1e-7 * (1.0 + nb.moments.m2.abs()));
        let n = sorted.len() as f64;
        let mean = sorted.iter().sum::<f64>() / n;
        let m2: f64 = sorted.iter().map(|x| (x - mean) * (x - mean)).sum();
        assert!(
            (na.moments.mean - mean).abs() <= 1e-9 * (1.0 + mean.abs()),
            "mean"
        );
        assert!((na.moments.m2 - m2).abs() <= 1e-7 * (1.0 + m2), "m2");
    }
    assert_eq!(na.sketch.count(), nb.sketch.count());
    assert_eq!(merged.distinct_is_exact(), whole.distinct_is_exact());
    let distinct = true_distinct(values);
    if whole.distinct_is_exact() {
        assert_eq!(merged.distinct(), distinct);
        assert_eq!(whole.distinct(), distinct);
        assert_eq!(merged.top_values(5), whole.top_values(5));
        for q in QUANTILES {
            assert_eq!(merged.quantile(q), whole.quantile(q), "q={q}");
        }
        assert_quantiles_near_truth(merged, &sorted, EXACT_RANK_TOL, "exact merged");
    } else {
        // Sketch mode: the KLL sketch holds every finite value (seeded from the exact counts
        // when the column spilled). Frequent-item estimates are not compared: the sketch may
        // purge differently depending on the order values arrive in.
        assert_eq!(na.sketch.count(), sorted.len() as u64);
        for (state, what) in [(merged, "merged"), (whole, "whole")] {
            let d = state.distinct() as f64;
            assert!(
                (d - distinct as f64).abs() <= HLL_LG12_TOLERANCE * distinct as f64 + 1.0,
                "{what}: distinct {d}, true {distinct}"
            );
            assert_quantiles_near_truth(state, &sorted, KLL_K200_RANK_ERROR, what);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn numeric_merge_equals_whole(values in prop::collection::vec(value(), 0..400), split in 0usize..400) {
        let split = split.min(values.len());
        let (left, right) = values.split_at(split);
        let mut merged = numeric_state(left, 10_000);
        merged.merge(&numeric_state(right, 10_000)).unwrap();
        let whole = numeric_state(&values, 10_000);
        prop_assert!(whole.distinct_is_exact());
        assert_same_column(&merged, &whole, &values);
    }

    #[test]
    fn numeric_merge_equals_whole_in_sketch_mode(
        values in prop::collection::vec(prop_oneof![value(), wide_value()], 100..3000),
        split in 0usize..3000,
    ) {
        let whole = numeric_state(&values, SPILL_CAP);
        // More than 16 distinct values among at least 100 draws (nearly always): sketch mode.
        prop_assume!(!whole.distinct_is_exact());
        let split = split.min(values.len());
        let (left, right) = values.split_at(split);
        let mut merged = numeric_state(left, SPILL_CAP);
        merged.merge(&numeric_state(right, SPILL_CAP)).unwrap();
        prop_assert!(!merged.distinct_is_exact());
        assert_same_column(&merged, &whole, &values);
    }

    #[test]
    fn numeric_order_does_not_matter(
        values in prop::collection::vec(prop_oneof![value(), wide_value()], 0..1500),
        cap in prop_oneof![Just(SPILL_CAP), Just(10_000usize)],
    ) {
        let mut reversed = values.clone();
        reversed.reverse();
        assert_same_column(&numeric_state(&reversed, cap), &numeric_state(&values, cap), &values);
    }

    #[test]
    fn text_merge_equals_whole_exact_and_spilled(
        values in prop::collection::vec(prop::option::weighted(0.9, "[a-c]{0,3}"), 0..300),
        split in 0usize..300,
        cap in prop_oneof![Just(5usize), Just(10_000usize)],
    ) {
        let split = split.min(values.len());
        let (left, right) = values.split_at(split);
        let mut merged = text_state(left, cap);
        merged.merge(&text_state(right, cap)).unwrap();
        let whole = text_state(&values, cap);
        prop_assert_eq!(merged.rows, whole.rows);
        prop_assert_eq!(merged.nulls, whole.nulls);
        let (mk, ml) = merged.as_text().unwrap().kinds_and_lengths();
        let (wk, wl) = whole.as_text().unwrap().kinds_and_lengths();
        prop_assert_eq!(mk, wk);
        prop_assert_eq!(ml, wl);
        if whole.distinct_is_exact() && merged.distinct_is_exact() {
            prop_assert_eq!(merged.distinct(), whole.distinct());
            prop_assert_eq!(merged.top_values(3), whole.top_values(3));
        } else {
            // Sketch mode: distinct within HyperLogLog error; at this size it is exact in practice.
            let (m, w) = (merged.distinct() as f64, whole.distinct() as f64);
            prop_assert!((m - w).abs() <= 0.05 * w.max(1.0) + 1.0);
        }
    }
}

#[test]
fn sketch_merge_keeps_quantiles_within_bound() {
    // 300k distinct values in three parts (cap 1,000): merge(a, b, c) and the state of
    // a ++ b ++ c both keep every quantile within the KLL rank error of its true rank.
    let n = 300_000u64;
    let parts: Vec<Vec<Option<f64>>> = (0..3)
        .map(|p| {
            (0..n / 3)
                .map(|i| Some(((i * 3 + p) * 7919 % n) as f64))
                .collect()
        })
        .collect();
    let mut merged = numeric_state(&parts[0], 1000);
    merged.merge(&numeric_state(&parts[1], 1000)).unwrap();
    merged.merge(&numeric_state(&parts[2], 1000)).unwrap();
    let all: Vec<Option<f64>> = parts.concat();
    let whole = numeric_state(&all, 1000);
    let sketch = &merged.as_numeric().unwrap().sketch;
    assert_eq!(sketch.count(), n);
    // Past KLL's exact regime: the quantiles below are estimates.
    assert!(!sketch.is_exact());
    assert!(!whole.as_numeric().unwrap().sketch.is_exact());
    assert_same_column(&merged, &whole, &all);
    // 7919 is prime to 300,000, so the parts hold 0..n once each: rank of v is (v + 1) / n.
    for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
        let v = merged.quantile(q).unwrap();
        assert!(
            ((v + 1.0) / n as f64 - q).abs() <= KLL_K200_RANK_ERROR,
            "q={q} v={v}"
        );
    }
}

/// A deterministic pseudo-random stream (SplitMix64) in [0, 1).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn sketch_mode_merge_of_two_large_uneven_parts() {
    // 200k bell-shaped values (sums of three uniforms, with nulls and non-finite values), an
    // exact cap of 16: both sides spill, and merge(a, b) is compared with the state of a ++ b
    // and with the true quantiles.
    let mut rng = SplitMix(2024);
    let values: Vec<Option<f64>> = (0..200_000)
        .map(|i| match i % 997 {
            0 => None,
            1 => Some(f64::NAN),
            2 => Some(f64::INFINITY),
            _ => Some(100.0 * (rng.next() + rng.next() + rng.next())),
        })
        .collect();
    let (left, right) = values.split_at(73_123);
    let mut merged = numeric_state(left, SPILL_CAP);
    merged.merge(&numeric_state(right, SPILL_CAP)).unwrap();
    let whole = numeric_state(&values, SPILL_CAP);
    assert!(!merged.distinct_is_exact() && !whole.distinct_is_exact());
    assert!(!merged.as_numeric().unwrap().sketch.is_exact());
    assert_same_column(&merged, &whole, &values);
    // The other way round: merge(b, a).
    let mut swapped = numeric_state(right, SPILL_CAP);
    swapped.merge(&numeric_state(left, SPILL_CAP)).unwrap();
    assert_same_column(&swapped, &whole, &values);
}
