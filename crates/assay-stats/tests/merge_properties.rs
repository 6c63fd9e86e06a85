//! Property tests: merging the states of two parts equals the state of the whole, and row
//! order does not matter (within the sketches' stated bounds where sketches are involved).

use assay_stats::ColumnState;
use proptest::prelude::*;

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

fn assert_numeric_equal(a: &ColumnState, b: &ColumnState) {
    assert_eq!(a.rows, b.rows);
    assert_eq!(a.nulls, b.nulls);
    assert_eq!(a.non_finite(), b.non_finite());
    assert_eq!(a.distinct(), b.distinct());
    let (na, nb) = (a.as_numeric().unwrap(), b.as_numeric().unwrap());
    assert_eq!(na.min, nb.min);
    assert_eq!(na.max, nb.max);
    assert_eq!(na.moments.count, nb.moments.count);
    if na.moments.count > 0 {
        assert!((na.moments.mean - nb.moments.mean).abs() <= 1e-9 * (1.0 + nb.moments.mean.abs()));
        assert!((na.moments.m2 - nb.moments.m2).abs() <= 1e-7 * (1.0 + nb.moments.m2.abs()));
    }
    assert_eq!(a.top_values(5), b.top_values(5));
    assert_eq!(na.sketch.count(), nb.sketch.count());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn numeric_merge_equals_whole(values in prop::collection::vec(value(), 0..400), split in 0usize..400) {
        let split = split.min(values.len());
        let (left, right) = values.split_at(split);
        let mut merged = numeric_state(left, 10_000);
        merged.merge(&numeric_state(right, 10_000)).unwrap();
        assert_numeric_equal(&merged, &numeric_state(&values, 10_000));
    }

    #[test]
    fn numeric_order_does_not_matter(values in prop::collection::vec(value(), 0..300)) {
        let mut reversed = values.clone();
        reversed.reverse();
        assert_numeric_equal(&numeric_state(&reversed, 10_000), &numeric_state(&values, 10_000));
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
    // 300k values in three parts: the merged sketch's quantiles stay within the rank error.
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
    let sketch = &merged.as_numeric().unwrap().sketch;
    assert_eq!(sketch.count(), n);
    let bound = sketch.rank_error();
    for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
        let v = merged.quantile(q).unwrap();
        assert!(
            (v / n as f64 - q).abs() <= bound,
            "q={q} v={v} bound={bound}"
        );
    }
    let distinct = merged.distinct() as f64;
    assert!(
        (distinct - n as f64).abs() / n as f64 <= 0.05,
        "distinct {distinct}"
    );
}
