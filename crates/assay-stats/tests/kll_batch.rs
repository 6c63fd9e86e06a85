//! The bulk path into the KLL quantile sketch (`QuantileSketch::push_batch`): every batch
//! shape is a valid DataSketches image, nothing is lost, and ranks stay within the error
//! DataSketches documents for k = 200.

use assay_stats::quantile::{compact_sorted_batch, QuantileSketch};
use assay_stats::NumericState;

/// DataSketches documents, for k = 200, a normalized rank error of about 1.33% single-sided
/// and 1.65% double-sided, each with 99% confidence (KllSketch javadoc, datasketches-java 6.x).
/// Many quantiles are checked per sketch, so the larger figure is the tolerance.
const KLL_K200_RANK_ERROR: f64 = 0.0165;

fn shuffled(n: u64, seed: u64) -> Vec<f64> {
    let mut values: Vec<f64> = (0..n).map(|v| v as f64).collect();
    let mut x = seed;
    for i in (1..values.len()).rev() {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = (x >> 33) as usize % (i + 1);
        values.swap(i, j);
    }
    values
}

fn batched(values: &[f64], batch: usize) -> QuantileSketch {
    let mut s = QuantileSketch::default();
    for chunk in values.chunks(batch) {
        let mut b = chunk.to_vec();
        s.push_batch(&mut b);
    }
    s
}

#[test]
fn every_batch_shape_is_a_valid_image_with_the_right_weight() {
    for k in [8u16, 200, 1000] {
        for len in [64usize, 65, 199, 200, 201, 401, 1000, 4097, 8192, 20_001] {
            let sorted: Vec<f64> = (0..len).map(|i| i as f64 * 0.5 - 7.0).collect();
            let bytes = compact_sorted_batch(&sorted, k, 7);
            let sketch = QuantileSketch::from_bytes(&bytes)
                .unwrap_or_else(|e| panic!("k {k}, {len} values: {e}"));
            assert_eq!(sketch.count(), len as u64, "k {k}, len {len}");
            assert_eq!(sketch.min(), Some(-7.0));
            assert_eq!(sketch.max(), Some((len - 1) as f64 * 0.5 - 7.0));
        }
    }
}

#[test]
fn the_same_batch_compacts_the_same_way() {
    let sorted: Vec<f64> = (0..10_000).map(f64::from).collect();
    assert_eq!(
        compact_sorted_batch(&sorted, 200, 3),
        compact_sorted_batch(&sorted, 200, 3)
    );
    assert_ne!(
        compact_sorted_batch(&sorted, 200, 3),
        compact_sorted_batch(&sorted, 200, 4),
        "the seed drives the offsets"
    );
}

#[test]
fn small_totals_stay_exact() {
    let mut s = QuantileSketch::default();
    let mut a: Vec<f64> = (0..100).rev().map(f64::from).collect();
    s.push_batch(&mut a);
    let mut b: Vec<f64> = (100..150).map(f64::from).collect();
    s.push_batch(&mut b);
    assert!(s.is_exact());
    assert_eq!(s.count(), 150);
    assert_eq!(s.quantile(0.0), Some(0.0));
    assert_eq!(s.quantile(0.5), Some(74.0));
    assert_eq!(s.quantile(1.0), Some(149.0));
}

#[test]
fn non_finite_values_are_left_out() {
    let mut s = QuantileSketch::default();
    let mut v: Vec<f64> = (0..1000).map(f64::from).collect();
    v.extend([
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -f64::NAN,
        -f64::NAN,
        f64::NAN,
    ]);
    v.extend([f64::NEG_INFINITY, -f64::NAN, -f64::NAN, -f64::NAN]);
    s.push_batch(&mut v);
    assert_eq!(s.count(), 1000);
    assert_eq!(s.min(), Some(0.0));
    assert_eq!(s.max(), Some(999.0));
}

#[test]
fn ranks_within_the_documented_error_at_every_size() {
    let qs: Vec<f64> = (1..20).map(|i| f64::from(i) / 20.0).collect();
    for (n, seed) in [(20_000u64, 1u64), (20_000, 2), (200_000, 3), (1_000_000, 4)] {
        for batch in [1024usize, 8192] {
            let values = shuffled(n, seed);
            let s = batched(&values, batch);
            assert_eq!(s.count(), n);
            assert!(!s.is_exact());
            for q in &qs {
                let v = s.quantile(*q).unwrap();
                // Values are 0..n: the inclusive true rank of v is (v + 1) / n.
                let true_rank = (v + 1.0) / n as f64;
                assert!(
                    (true_rank - q).abs() <= KLL_K200_RANK_ERROR,
                    "n {n}, batch {batch}, q {q}: value {v} has rank {true_rank}"
                );
            }
        }
    }
}

#[test]
fn batches_and_single_values_merge_into_one_sketch() {
    let values = shuffled(300_000, 9);
    let mut a = batched(&values[..150_000], 8192);
    let mut b = QuantileSketch::default();
    values[150_000..].iter().for_each(|v| b.push(*v));
    a.merge(&b).unwrap();
    assert_eq!(a.count(), 300_000);
    for q in [0.1, 0.5, 0.9] {
        let v = a.quantile(q).unwrap();
        assert!(((v + 1.0) / 300_000.0 - q).abs() <= KLL_K200_RANK_ERROR);
    }
}

#[test]
fn numeric_state_in_batches_equals_value_by_value_while_exact() {
    let values: Vec<f64> = (0..5000)
        .map(|i| f64::from(i % 700) * 0.25)
        .chain([f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::NAN])
        .collect();
    let mut one = NumericState::default();
    values.iter().for_each(|v| one.push(*v));
    let mut many = NumericState::default();
    let mut deferred = Vec::new();
    for chunk in values.chunks(333) {
        many.extend_floats(chunk.iter().copied(), &mut deferred);
    }
    // Everything equal but the moments, which batches sum in another order: equal up to
    // rounding.
    let without_moments = |s: &NumericState| {
        let mut v = serde_json::to_value(s).unwrap();
        v.as_object_mut().unwrap().remove("moments");
        v
    };
    assert_eq!(without_moments(&one), without_moments(&many));
    assert_eq!(one.moments.count, many.moments.count);
    assert!((one.moments.mean - many.moments.mean).abs() <= 1e-12 * one.moments.mean.abs());
    assert!((one.moments.m2 - many.moments.m2).abs() <= 1e-12 * one.moments.m2);
    assert_eq!(many.nan, 2);
    assert_eq!(many.pos_inf, 1);
    assert_eq!(many.neg_inf, 1);
}

#[test]
fn numeric_state_in_batches_after_the_cap() {
    let values = shuffled(100_000, 5);
    let mut many = NumericState::default();
    let mut deferred = Vec::new();
    for chunk in values.chunks(8192) {
        many.extend_floats(chunk.iter().copied(), &mut deferred);
    }
    assert_eq!(many.moments.count, 100_000);
    assert_eq!(
        many.sketch.count(),
        100_000,
        "the exact counts seed the sketch at the spill"
    );
    assert_eq!(many.min, Some(0.0));
    assert_eq!(many.max, Some(99_999.0));
    for q in [0.05, 0.5, 0.95] {
        let v = many.quantile(q).unwrap();
        assert!(((v + 1.0) / 100_000.0 - q).abs() <= KLL_K200_RANK_ERROR);
    }
}
