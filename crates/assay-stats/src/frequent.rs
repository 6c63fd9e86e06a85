//! Frequent values of a column past the exact cap: a mergeable Misra–Gries summary.
//!
//! Each tracked value has a counter that never exceeds its true count; every decrement the
//! summary makes is added to one shared `offset`. For every value `v` with true count `f(v)`
//! (counter `c(v)`, 0 when untracked):
//!
//! ```text
//! c(v) ≤ f(v) ≤ c(v) + offset,      offset ≤ (total − Σ c) / (capacity + 1) ≤ total / (capacity + 1)
//! ```
//!
//! so every value seen more than `offset` times (at most `total / (capacity + 1)`) is tracked,
//! and every value seen more than `2 × offset` times is listed by
//! [`FrequentCounts::frequent_items`] (its counter exceeds the offset). A purge subtracts the
//! (capacity + 1)-th largest counter `c*` from every counter and drops those that reach 0: at
//! least `capacity + 1` counters lose `c*` each, which is where the bound on the offset comes
//! from. Two summaries merge by adding their counters and offsets, then purging to the smaller
//! of their capacities (Agarwal et al., "Mergeable summaries", PODS 2012): the bound holds for
//! the union with that capacity. A summary converted from a version-2 profile keeps
//! DataSketches' own bound (`offset ≤ 3.5 n / 1024` for its map of 1024).
//!
//! Why not DataSketches' frequent-items sketch, which assay used up to profile version 2 (and
//! still reads): on a column of distinct values — every continuous column past the exact cap —
//! its reverse-purge hash map cost 25 ns a value (`examples/numeric_state_cost.rs`), half of
//! a numeric column's profiling cost. This summary lets the map grow to four times
//! its capacity before a purge (one selection and one rebuild per `3 × capacity` new values),
//! so a value costs one hash lookup plus a few amortized nanoseconds: 11.7 ns against 25.4 ns
//! for a map of 1024 on this project's 2-core machine. Its error bound is tighter too
//! (`n / 1025` against DataSketches' `3.5 n / 1024`), for up to 4,096 counters held between
//! purges (DataSketches: 768).
//! A profile feeds a numeric column past the exact cap a batch at a time, sorted (the quantile
//! sketch sorts each batch anyway) and compacted to distinct values with their counts:
//! [`FrequentCounts::update_distinct`] merges such a batch as the exact summary it is, looking
//! each value up once and inserting only those counted above the cut, so a batch of distinct
//! values costs one lookup a value and no insert at all.
//! Bounds are reported exactly as DataSketches reported them (lower = counter, upper =
//! counter + offset), and its saved summaries convert without loss ([`FrequentCounts::from_datasketches`]).

use std::hash::Hash;

use ahash::AHashMap;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Counters a summary keeps after a purge (it holds up to four times as many between purges).
pub const DEFAULT_CAPACITY: usize = 1024;

/// How many times its capacity the map may hold before a purge.
const GROWTH: usize = 4;

/// Largest capacity a summary read from outside may declare (a few MB a column at most).
pub const MAX_CAPACITY: usize = 1 << 16;

/// A mergeable frequent-values summary. See the [module documentation](self).
#[derive(Debug, Clone, PartialEq)]
pub struct FrequentCounts<K: Hash + Eq> {
    capacity: usize,
    counters: AHashMap<K, u64>,
    offset: u64,
    total: u64,
}

/// One tracked value with the bounds of its count.
#[derive(Debug, Clone, PartialEq)]
pub struct FrequentRow<K> {
    /// The value.
    pub value: K,
    /// Its counter: a lower bound of the true count.
    pub lower_bound: u64,
    /// Counter plus offset: an upper bound of the true count (and the estimate reported).
    pub upper_bound: u64,
}

impl<K: Hash + Eq + Clone + Ord> FrequentCounts<K> {
    /// An empty summary keeping `capacity` counters (at least 1).
    pub fn new(capacity: usize) -> Self {
        FrequentCounts {
            capacity: capacity.clamp(1, MAX_CAPACITY),
            counters: AHashMap::new(),
            offset: 0,
            total: 0,
        }
    }

    /// Counts `n` occurrences of `value`.
    #[inline]
    pub fn update_with_count(&mut self, value: K, n: u64) {
        if n == 0 {
            return;
        }
        self.total = self.total.saturating_add(n);
        let c = self.counters.entry(value).or_insert(0);
        *c = c.saturating_add(n);
        if self.counters.len() > GROWTH * self.capacity {
            self.purge();
        }
    }

    /// Counts one occurrence of a borrowed value, allocating only when it is not tracked.
    #[inline]
    pub fn update_ref<Q>(&mut self, value: &Q)
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        if let Some(c) = self.counters.get_mut(value) {
            *c = c.saturating_add(1);
            self.total = self.total.saturating_add(1);
            return;
        }
        self.update_with_count(value.to_owned(), 1);
    }

    /// Counts a batch of values given once each with their counts (a batch sorted and
    /// compacted): the same as merging the batch's exact summary into this one
    /// ([`FrequentCounts::merge`]), so the bounds of the [module documentation](self) hold, but
    /// an untracked value is never inserted only to be purged. The values the batch adds are
    /// looked up (a hit adds to its counter); when they would take the map past four times
    /// its capacity, the cut — the (capacity + 1)-th largest counter of the union — is found
    /// among the counts above 1 alone (all counts are at least 1, so it is 1 when fewer than
    /// `capacity + 1` exceed 1), and only untracked values counted more than the cut enter
    /// the map. On a batch of distinct values (a continuous column) that is one lookup a value
    /// and nothing else.
    ///
    /// Each value must appear at most once in `items` (a value split over two entries could
    /// lose more than the maximum error).
    pub fn update_distinct(&mut self, items: &[(K, u64)]) {
        let mut added = 0u64;
        let mut untracked = 0usize;
        let mut untracked_heavy: Vec<u64> = Vec::new();
        for (value, n) in items {
            if *n == 0 {
                continue;
            }
            added = added.saturating_add(*n);
            match self.counters.get_mut(value) {
                Some(c) => *c = c.saturating_add(*n),
                None => {
                    untracked += 1;
                    if *n > 1 {
                        untracked_heavy.push(*n);
                    }
                }
            }
        }
        self.total = self.total.saturating_add(added);
        if untracked == 0 {
            return;
        }
        let kept = |counters: &AHashMap<K, u64>, value: &K, n: u64, cut: u64| {
            n > cut && !counters.contains_key(value)
        };
        if self.counters.len() + untracked <= GROWTH * self.capacity {
            for (value, n) in items {
                if kept(&self.counters, value, *n, 0) {
                    self.counters.insert(value.clone(), *n);
                }
            }
            return;
        }
        // At least capacity + 1 counters of at least 1 each: the cut is at least 1.
        let mut heavy: Vec<u64> = self
            .counters
            .values()
            .copied()
            .filter(|c| *c > 1)
            .chain(untracked_heavy.iter().copied())
            .collect();
        let cut = if heavy.len() > self.capacity {
            let at = heavy.len() - self.capacity - 1;
            *heavy.select_nth_unstable(at).1
        } else {
            1
        };
        let entering: Vec<(K, u64)> = if untracked_heavy.iter().any(|n| *n > cut) {
            items
                .iter()
                .filter(|(value, n)| kept(&self.counters, value, *n, cut))
                .map(|(value, n)| (value.clone(), n - cut))
                .collect()
        } else {
            Vec::new()
        };
        // Room for the survivors and what enters; batches look values up far more often
        // than they insert, so the map is kept small (it fits in cache).
        self.subtract(cut, self.capacity);
        self.counters.extend(entering);
    }

    /// Subtracts the (capacity + 1)-th largest counter from every counter and drops the
    /// counters that reach 0, leaving at most `capacity`.
    fn purge(&mut self) {
        if self.counters.len() <= self.capacity {
            return;
        }
        let mut counts: Vec<u64> = self.counters.values().copied().collect();
        // Ascending order: the (capacity + 1)-th largest sits `capacity` places from the end.
        let at = counts.len() - self.capacity - 1;
        let (_, cut, _) = counts.select_nth_unstable(at);
        let cut = *cut;
        // Room to grow to the next purge without rehashing.
        self.subtract(cut, GROWTH * self.capacity + 1);
    }

    /// Subtracts `cut` from every counter, drops those it takes to 0 and adds it to the
    /// offset; the map is rebuilt with room for `room` counters.
    fn subtract(&mut self, cut: u64, room: usize) {
        self.offset = self.offset.saturating_add(cut);
        if self.counters.is_empty() {
            return;
        }
        // Rebuilt rather than filtered in place: erasing most entries of a hash table leaves
        // tombstones that slow every later insert down until the table is rehashed.
        let old = std::mem::replace(&mut self.counters, AHashMap::with_capacity(room));
        self.counters.extend(
            old.into_iter()
                .filter(|(_, c)| *c > cut)
                .map(|(k, c)| (k, c - cut)),
        );
    }

    /// Merges another summary into this one; the result keeps the smaller capacity (the one
    /// whose bound holds for the union).
    pub fn merge(&mut self, other: &FrequentCounts<K>) {
        // In key order, so that the result does not depend on the hash map's iteration order.
        let mut entries: Vec<(&K, &u64)> = other.counters.iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        self.capacity = self.capacity.min(other.capacity);
        for (k, c) in entries {
            let mine = self.counters.entry(k.clone()).or_insert(0);
            *mine = mine.saturating_add(*c);
        }
        self.total = self.total.saturating_add(other.total);
        self.offset = self.offset.saturating_add(other.offset);
        self.purge();
    }

    /// Total weight counted (every occurrence, tracked or not).
    pub fn total_weight(&self) -> u64 {
        self.total
    }

    /// The most any count can be above its counter.
    pub fn maximum_error(&self) -> u64 {
        self.offset
    }

    /// Counters kept after a purge.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The upper bound of a value's count when it is tracked (counter + offset, as DataSketches
    /// estimates), else 0.
    pub fn estimate<Q>(&self, value: &Q) -> u64
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.counters
            .get(value)
            .map_or(0, |c| c.saturating_add(self.offset))
    }

    /// The values whose lower bound exceeds the maximum error — certainly more frequent than
    /// any untracked value (DataSketches' "no false positives") — largest upper bound first,
    /// ties by value.
    pub fn frequent_items(&self) -> Vec<FrequentRow<K>> {
        let mut rows: Vec<FrequentRow<K>> = self
            .counters
            .iter()
            .filter(|(_, c)| **c > self.offset)
            .map(|(k, c)| FrequentRow {
                value: k.clone(),
                lower_bound: *c,
                upper_bound: c.saturating_add(self.offset),
            })
            .collect();
        rows.sort_by(|a, b| {
            b.upper_bound
                .cmp(&a.upper_bound)
                .then_with(|| a.value.cmp(&b.value))
        });
        rows
    }

    /// Checks a summary read from outside: a capacity within [`MAX_CAPACITY`], at most four
    /// times that many counters, none of them 0, each of a value `key_ok` accepts, and counters
    /// plus offset within the total (every decrement removed at least the offset's weight).
    pub fn validate(&self, key_ok: impl Fn(&K) -> bool) -> Result<(), String> {
        if self.capacity == 0 || self.capacity > MAX_CAPACITY {
            return Err(format!(
                "the frequent-values capacity {} is outside 1..={MAX_CAPACITY}",
                self.capacity
            ));
        }
        if self.counters.len() > GROWTH * self.capacity {
            return Err(format!(
                "{} frequent-value counters exceed {GROWTH} times the capacity of {}",
                self.counters.len(),
                self.capacity
            ));
        }
        let mut sum = 0u64;
        for (k, c) in &self.counters {
            if *c == 0 {
                return Err("a frequent-value counter is 0 (counters must be at least 1)".into());
            }
            if !key_ok(k) {
                return Err("a frequent value is not a valid value of the column".into());
            }
            sum = sum
                .checked_add(*c)
                .ok_or("the frequent-value counters overflow when added")?;
        }
        if sum.checked_add(self.offset).is_none_or(|w| w > self.total) {
            return Err(format!(
                "the frequent-value counters ({sum}) and their maximum error ({}) exceed the \
                 total weight {}",
                self.offset, self.total
            ));
        }
        Ok(())
    }
}

impl<K> FrequentCounts<K>
where
    K: Hash + Eq + Clone + Ord + datasketches::frequencies::FrequentItemValue,
{
    /// The same bounds from a DataSketches frequent-items sketch (profile versions 1 and 2):
    /// its map counts are counters (lower bounds) and its offset the maximum error. A sketch
    /// whose weights cannot be those of a real column (an error beyond its total weight, a
    /// total beyond `max_total`, counts that overflow) is an error, not a panic.
    pub fn from_datasketches(
        sketch: &datasketches::frequencies::FrequentItemsSketch<K>,
        max_total: u64,
    ) -> Result<Self, String> {
        use datasketches::frequencies::ErrorType;
        let (total, offset) = (sketch.total_weight(), sketch.maximum_error());
        if total > max_total || offset > total {
            return Err(format!(
                "the frequent-items sketch claims a weight of {total} with an error of {offset}"
            ));
        }
        // DataSketches adds the error to every count while listing them, unchecked: a forged
        // count near 2^64 would overflow inside it.
        let rows = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            sketch.frequent_items_with_threshold(ErrorType::NoFalseNegatives, 0)
        }))
        .map_err(|_| "the frequent-items sketch holds counts beyond 2^64".to_string())?;
        let counters: AHashMap<K, u64> = rows
            .into_iter()
            .filter(|r| r.lower_bound() > 0)
            .map(|r| (r.item().clone(), r.lower_bound()))
            .collect();
        let mut out = FrequentCounts {
            capacity: DEFAULT_CAPACITY
                .max(counters.len().div_ceil(GROWTH))
                .min(MAX_CAPACITY),
            counters,
            offset,
            total,
        };
        out.purge();
        Ok(out)
    }
}

/// Saved form: the counters in key order, the offset and the total weight.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrequentRepr<K> {
    capacity: usize,
    total: u64,
    max_error: u64,
    items: Vec<(K, u64)>,
}

impl<K: Hash + Eq + Clone + Ord + Serialize> Serialize for FrequentCounts<K> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut items: Vec<(K, u64)> = self.counters.iter().map(|(k, c)| (k.clone(), *c)).collect();
        items.sort_by(|a, b| a.0.cmp(&b.0));
        FrequentRepr {
            capacity: self.capacity,
            total: self.total,
            max_error: self.offset,
            items,
        }
        .serialize(s)
    }
}

impl<'de, K: Hash + Eq + Clone + Ord + DeserializeOwned> Deserialize<'de> for FrequentCounts<K> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let repr = FrequentRepr::<K>::deserialize(d)?;
        let len = repr.items.len();
        let counters: AHashMap<K, u64> = repr.items.into_iter().collect();
        if counters.len() != len {
            return Err(D::Error::custom(
                "a value is listed twice among the frequent values",
            ));
        }
        let out = FrequentCounts {
            capacity: repr.capacity,
            counters,
            offset: repr.max_error,
            total: repr.total,
        };
        out.validate(|_| true).map_err(D::Error::custom)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream with a few heavy values among many distinct ones, in a scrambled order.
    fn stream(n: u64) -> Vec<u64> {
        (0..n)
            .map(|i| {
                let r = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 20;
                match r % 10 {
                    0 | 1 => 7,                 // 20%
                    2 => 11 + (r % 3),          // 10% over three values
                    _ => 1_000 + r % 1_000_000, // mostly distinct
                }
            })
            .collect()
    }

    fn truth(values: &[u64]) -> AHashMap<u64, u64> {
        let mut t = AHashMap::new();
        for v in values {
            *t.entry(*v).or_insert(0) += 1;
        }
        t
    }

    fn check_bounds(s: &FrequentCounts<u64>, t: &AHashMap<u64, u64>) {
        // Each purge removed at least (capacity + 1) × its cut from the counters.
        let kept: u64 = s.counters.values().sum();
        assert!(
            s.maximum_error() * (s.capacity() as u64 + 1) <= s.total_weight() - kept,
            "offset {} × {} against {} removed",
            s.maximum_error(),
            s.capacity() + 1,
            s.total_weight() - kept
        );
        check_counts(s, t);
    }

    #[test]
    fn a_purge_subtracts_the_counter_one_past_the_capacity() {
        let mut s = FrequentCounts::new(2);
        for (v, n) in [
            (1u64, 10),
            (2, 7),
            (3, 5),
            (4, 4),
            (5, 3),
            (6, 2),
            (7, 1),
            (8, 1),
        ] {
            s.update_with_count(v, n);
        }
        assert_eq!(
            s.maximum_error(),
            0,
            "8 counters fit four times the capacity"
        );
        s.update_with_count(9, 1);
        // 9 counters: the third largest (5) comes off every counter; 10 and 7 remain.
        assert_eq!(s.maximum_error(), 5);
        let mut kept: Vec<(u64, u64)> = s.counters.iter().map(|(k, c)| (*k, *c)).collect();
        kept.sort_unstable();
        assert_eq!(kept, vec![(1, 5), (2, 2)]);
        assert_eq!(s.total_weight(), 34);
        let listed: Vec<u64> = s.frequent_items().iter().map(|r| r.value).collect();
        assert_eq!(
            listed,
            Vec::<u64>::new(),
            "no counter exceeds the error of 5"
        );
        assert_eq!(s.estimate(&1), 10);
        // A merge keeps the smaller capacity, whose bound holds for the union.
        let mut wide = FrequentCounts::new(8);
        wide.update_with_count(1, 30);
        wide.merge(&s);
        assert_eq!(wide.capacity(), 2);
        assert_eq!(wide.estimate(&1), 35 + 5);
        assert_eq!(wide.frequent_items()[0].lower_bound, 35);
    }

    /// Every count within [counter, counter + offset], whatever the offset.
    fn check_counts(s: &FrequentCounts<u64>, t: &AHashMap<u64, u64>) {
        for (v, f) in t {
            let c = s.counters.get(v).copied().unwrap_or(0);
            assert!(
                c <= *f && *f <= c + s.maximum_error(),
                "value {v}: {c} / {f}"
            );
        }
        // Every value above the maximum error is tracked.
        for (v, f) in t {
            if *f > s.maximum_error() {
                assert!(s.counters.contains_key(v), "heavy value {v} ({f}) lost");
            }
        }
    }

    #[test]
    fn counts_stay_within_the_bounds_and_heavy_values_are_found() {
        let values = stream(300_000);
        let t = truth(&values);
        let mut s = FrequentCounts::new(64);
        for v in &values {
            s.update_with_count(*v, 1);
        }
        assert_eq!(s.total_weight(), 300_000);
        assert!(s.maximum_error() > 0, "the stream must have forced purges");
        check_bounds(&s, &t);
        let top = s.frequent_items();
        assert_eq!(top[0].value, 7);
        assert!(top[0].lower_bound <= t[&7] && t[&7] <= top[0].upper_bound);
        assert_eq!(s.estimate(&7), top[0].upper_bound);
        assert_eq!(s.estimate(&123_456_789), 0);
    }

    /// The batch's values once each with their counts, in value order.
    fn compacted(batch: &[u64]) -> Vec<(u64, u64)> {
        let mut sorted = batch.to_vec();
        sorted.sort_unstable();
        let mut out: Vec<(u64, u64)> = Vec::new();
        for v in sorted {
            match out.last_mut() {
                Some((last, n)) if *last == v => *n += 1,
                _ => out.push((v, 1)),
            }
        }
        out
    }

    #[test]
    fn a_distinct_batch_cuts_by_the_counter_one_past_the_capacity() {
        let mut s = FrequentCounts::new(2);
        s.update_distinct(&[(1, 10), (2, 3)]);
        assert_eq!(
            (s.total_weight(), s.maximum_error()),
            (13, 0),
            "room: no cut"
        );
        // Union: 1:12, 2:3, 5:4, 6:2, 7:1, 8:1, 9:1, 10:1, 11:1 (9 counters, more than 4 × 2).
        // The third largest is 3: it comes off every counter; 1 (9) and 5 (1) remain.
        s.update_distinct(&[
            (1, 2),
            (5, 4),
            (6, 2),
            (7, 1),
            (8, 1),
            (9, 1),
            (10, 1),
            (11, 1),
        ]);
        assert_eq!(s.total_weight(), 26);
        assert_eq!(s.maximum_error(), 3);
        let mut kept: Vec<(u64, u64)> = s.counters.iter().map(|(k, c)| (*k, *c)).collect();
        kept.sort_unstable();
        assert_eq!(kept, vec![(1, 9), (5, 1)]);
        // Only counts of 1 beyond the tracked values: the cut is 1 without a selection.
        let singles: Vec<(u64, u64)> = (100..110).map(|v| (v, 1)).collect();
        s.update_distinct(&singles);
        assert_eq!(s.maximum_error(), 4);
        let mut kept: Vec<(u64, u64)> = s.counters.iter().map(|(k, c)| (*k, *c)).collect();
        kept.sort_unstable();
        assert_eq!(kept, vec![(1, 8)]);
        assert_eq!(s.total_weight(), 36);
    }

    #[test]
    fn distinct_batches_are_a_merge_of_exact_summaries() {
        let values = stream(300_000);
        let t = truth(&values);
        let mut batched = FrequentCounts::new(64);
        // The reference: every value of the batch inserted, then the union purged when it
        // holds more than four times the capacity (a merge of the batch's exact summary).
        let mut merged = FrequentCounts::new(64);
        for chunk in values.chunks(8_192) {
            let items = compacted(chunk);
            batched.update_distinct(&items);
            for (v, n) in &items {
                *merged.counters.entry(*v).or_insert(0) += n;
                merged.total += n;
            }
            if merged.counters.len() > GROWTH * merged.capacity {
                merged.purge();
            }
        }
        assert_eq!(batched.total_weight(), 300_000);
        assert!(
            batched.maximum_error() > 0,
            "the batches must have forced cuts"
        );
        check_bounds(&batched, &t);
        // The same summary, counter for counter.
        assert_eq!(batched.counters, merged.counters);
        assert_eq!(batched.maximum_error(), merged.maximum_error());
        assert_eq!(batched.frequent_items(), merged.frequent_items());
        assert_eq!(batched.frequent_items()[0].value, 7);
        // Batches of distinct values only: nothing is tracked, the error grows by 1 a batch.
        let mut distinct = FrequentCounts::new(64);
        for b in 0..10u64 {
            let items: Vec<(u64, u64)> = (0..1_000).map(|i| (b * 1_000 + i, 1)).collect();
            distinct.update_distinct(&items);
        }
        assert_eq!(distinct.maximum_error(), 10);
        assert!(distinct.frequent_items().is_empty());
        check_bounds(&distinct, &truth(&(0..10_000).collect::<Vec<u64>>()));
    }

    #[test]
    fn merged_summaries_keep_the_bounds_of_the_union() {
        let values = stream(200_000);
        let t = truth(&values);
        let mut parts: Vec<FrequentCounts<u64>> = Vec::new();
        for chunk in values.chunks(37_000) {
            let mut s = FrequentCounts::new(64);
            for v in chunk {
                s.update_with_count(*v, 1);
            }
            parts.push(s);
        }
        let mut merged = FrequentCounts::new(64);
        for p in &parts {
            merged.merge(p);
        }
        assert_eq!(merged.total_weight(), 200_000);
        check_bounds(&merged, &t);
        // And in the other order: the same bounds hold.
        let mut reversed = FrequentCounts::new(64);
        for p in parts.iter().rev() {
            reversed.merge(p);
        }
        check_bounds(&reversed, &t);
    }

    #[test]
    fn a_datasketches_summary_converts_with_its_bounds() {
        use datasketches::frequencies::FrequentItemsSketch;
        let values = stream(100_000);
        let mut ds = FrequentItemsSketch::<u64>::new(64).unwrap();
        for v in &values {
            ds.update(*v);
        }
        assert!(FrequentCounts::from_datasketches(&ds, 99_999).is_err());
        let ours = FrequentCounts::from_datasketches(&ds, 100_000).unwrap();
        assert_eq!(ours.total_weight(), ds.total_weight());
        assert_eq!(ours.maximum_error(), ds.maximum_error());
        for v in [7u64, 11, 12, 13] {
            assert_eq!(ours.estimate(&v), ds.estimate(&v), "value {v}");
        }
        assert!(ours.maximum_error() > 0, "the sketch must have purged");
        check_counts(&ours, &truth(&values));
    }

    #[test]
    fn round_trips_and_rejects_inconsistent_input() {
        let mut s = FrequentCounts::new(4);
        for v in stream(5_000) {
            s.update_with_count(v, 1);
        }
        let json = serde_json::to_string(&s).unwrap();
        let back: FrequentCounts<u64> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        assert!(
            back.validate(|k| *k != 7).is_err(),
            "a value the column refuses"
        );
        for bad in [
            r#"{"capacity":4,"total":3,"max_error":0,"items":[[1,2],[2,2]]}"#,
            r#"{"capacity":0,"total":3,"max_error":0,"items":[]}"#,
            r#"{"capacity":4,"total":3,"max_error":0,"items":[[1,0]]}"#,
            r#"{"capacity":4,"total":3,"max_error":0,"items":[[1,1],[1,1]]}"#,
            r#"{"capacity":1,"total":9,"max_error":0,"items":[[1,1],[2,1],[3,1],[4,1],[5,1]]}"#,
            r#"{"capacity":4,"total":3,"max_error":2,"items":[[1,2]]}"#,
            r#"{"capacity":4,"total":3,"max_error":18446744073709551615,"items":[[1,2]]}"#,
            r#"{"capacity":65537,"total":3,"max_error":0,"items":[]}"#,
        ] {
            assert!(
                serde_json::from_str::<FrequentCounts<u64>>(bad).is_err(),
                "{bad}"
            );
        }
    }
}
