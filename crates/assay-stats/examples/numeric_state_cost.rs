//! Per-value cost of the pieces of a numeric column's state, on 5M synthetic values.
//!
//! A component profile for the engine's hot path, not a benchmark against other tools (those
//! are in `bench/`). Run in release:
//!
//! ```sh
//! cargo run --release -p assay-stats --example numeric_state_cost [rows]
//! ```

use std::time::Instant;

use assay_stats::column_state::float_key;
use assay_stats::moments::Moments;
use assay_stats::quantile::QuantileSketch;
use assay_stats::value_counter::ValueCounter;
use assay_stats::NumericState;

const BATCH: usize = 8192;

fn main() {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5_000_000);
    // A continuous column (every value distinct): the case that leaves exact mode.
    let mut x: u64 = 42;
    let values: Vec<f64> = (0..rows)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((x >> 11) as f64 / (1u64 << 53) as f64).ln_1p() * 100.0
        })
        .collect();
    let per_value = |label: &str, start: Instant| {
        let s = start.elapsed().as_secs_f64();
        println!(
            "{label:<44} {:>8.3} s  {:>7.1} ns/value",
            s,
            s * 1e9 / rows as f64
        );
    };

    let t = Instant::now();
    let mut m = Moments::default();
    values.iter().for_each(|v| m.push(*v));
    per_value("moments (Welford, per value)", t);
    std::hint::black_box(&m);

    let t = Instant::now();
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    values.iter().for_each(|v| {
        lo = lo.min(*v);
        hi = hi.max(*v)
    });
    per_value("min/max", t);
    std::hint::black_box((lo, hi));

    let t = Instant::now();
    let mut q = QuantileSketch::default();
    values.iter().for_each(|v| q.push(*v));
    per_value("KLL, item by item (DataSketches update)", t);
    std::hint::black_box(q.quantile(0.5));

    let t = Instant::now();
    let mut q = QuantileSketch::default();
    let mut buf = Vec::with_capacity(BATCH);
    for chunk in values.chunks(BATCH) {
        buf.clear();
        buf.extend_from_slice(chunk);
        q.push_batch(&mut buf);
    }
    per_value("KLL, in batches of 8192 (push_batch)", t);
    std::hint::black_box(q.quantile(0.5));

    let t = Instant::now();
    let mut c: ValueCounter<u64> = ValueCounter::with_cap(10_000);
    values.iter().for_each(|v| c.push(float_key(*v)));
    per_value("value counter (exact to 10k, then HLL + frequent)", t);
    std::hint::black_box(c.distinct());

    let t = Instant::now();
    let mut h = datasketches::hll::HllUnion::new(12).unwrap();
    values.iter().for_each(|v| h.update_value(float_key(*v)));
    per_value("HyperLogLog union (lg k 12)", t);
    std::hint::black_box(h.estimate());

    let t = Instant::now();
    let mut f = assay_stats::frequent::FrequentCounts::new(1024);
    values
        .iter()
        .for_each(|v| f.update_with_count(float_key(*v), 1));
    per_value("frequent values (Misra-Gries, 1024)", t);
    std::hint::black_box(f.maximum_error());

    let t = Instant::now();
    let mut ds = datasketches::frequencies::FrequentItemsSketch::<u64>::new(1024).unwrap();
    values.iter().for_each(|v| ds.update(float_key(*v)));
    per_value("frequent items (DataSketches, 1024)", t);
    std::hint::black_box(ds.maximum_error());

    // The same values over 25 columns, a batch of each in turn, as a profile reads them: every
    // column's map competes for the caches.
    let columns = 25;
    let t = Instant::now();
    let mut many: Vec<_> = (0..columns)
        .map(|_| assay_stats::frequent::FrequentCounts::new(1024))
        .collect();
    for (i, chunk) in values.chunks(BATCH).enumerate() {
        for (c, f) in many.iter_mut().enumerate() {
            if (i + c) % 5 == 0 {
                chunk
                    .iter()
                    .for_each(|v| f.update_with_count(float_key(*v), 1));
            }
        }
    }
    per_value("frequent values, 25 columns by batch (x5)", t);
    std::hint::black_box(many.len());

    let t = Instant::now();
    let mut many: Vec<_> = (0..columns)
        .map(|_| datasketches::frequencies::FrequentItemsSketch::<u64>::new(1024).unwrap())
        .collect();
    for (i, chunk) in values.chunks(BATCH).enumerate() {
        for (c, f) in many.iter_mut().enumerate() {
            if (i + c) % 5 == 0 {
                chunk.iter().for_each(|v| f.update(float_key(*v)));
            }
        }
    }
    per_value("frequent items, 25 columns by batch (x5)", t);
    std::hint::black_box(many.len());

    let t = Instant::now();
    let mut n = NumericState::default();
    values.iter().for_each(|v| n.push(*v));
    per_value("numeric state, value by value", t);
    std::hint::black_box(n.quantile(0.5));

    let t = Instant::now();
    let mut n = NumericState::default();
    let mut deferred = Vec::with_capacity(BATCH);
    for chunk in values.chunks(BATCH) {
        n.extend_floats(chunk.iter().copied(), &mut deferred);
    }
    per_value("numeric state, in batches (extend_floats)", t);
    std::hint::black_box(n.quantile(0.5));
}
