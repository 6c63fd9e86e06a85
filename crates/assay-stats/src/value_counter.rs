//! Mergeable distinct count and frequent values: exact up to a cap, then sketches.

use std::hash::Hash;

use ahash::AHashMap;
use base64::Engine as _;
use datasketches::frequencies::FrequentItemsSketch;
use datasketches::hll::{HllSketch, HllType, HllUnion};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::frequent::{FrequentCounts, DEFAULT_CAPACITY};
use crate::StatsError;

/// Default number of distinct values kept exactly before switching to sketches.
pub const DEFAULT_EXACT_CAP: usize = 10_000;
/// Largest exact cap assay accepts (`options.exact_distinct_cap`, `--exact-cap`, and the `cap`
/// of a profile read from outside): a million exact values of a column is already ~100 MB.
pub const MAX_EXACT_CAP: usize = 1_000_000;
/// HyperLogLog size: `lg_k = 12` gives about 1.6 % relative standard error.
const HLL_LG_K: u8 = 12;

/// Key types a [`ValueCounter`] can hold (strings, and floats by their canonical bits).
pub trait CounterKey:
    Hash
    + Eq
    + Clone
    + Ord
    + Serialize
    + DeserializeOwned
    + datasketches::frequencies::FrequentItemValue
{
}
impl CounterKey for String {}
impl CounterKey for u64 {}

/// One frequent value with its count (exact, or a sketch's estimate with bounds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrequentValue<K> {
    /// The value.
    pub value: K,
    /// Its count (estimate in sketch mode).
    pub count: u64,
    /// Lower bound of the count (equal to `count` in exact mode).
    pub lower_bound: u64,
    /// Upper bound of the count (equal to `count` in exact mode).
    pub upper_bound: u64,
}

/// Distinct count and value frequencies of a column.
///
/// Counts every distinct value exactly until more than `cap` distinct values are seen; then it
/// switches, for good, to a HyperLogLog distinct-count sketch (about 1.6 % relative error)
/// and a Misra–Gries frequent-values summary ([`FrequentCounts`]: counts within
/// `n / 1025`, from a summary of this assay). Two counters merge into the
/// counter of the union, exactly while both are exact and the union stays within the cap.
#[derive(Debug, Clone)]
pub enum ValueCounter<K: CounterKey> {
    /// Every distinct value with its exact count.
    Exact {
        /// Largest number of distinct values kept exactly.
        cap: usize,
        /// Value → count.
        counts: AHashMap<K, u64>,
    },
    /// Sketch mode, after the cap was exceeded.
    Sketch {
        /// Distinct-count sketch.
        hll: Box<HllUnion>,
        /// Frequent-values summary.
        frequent: Box<FrequentCounts<K>>,
    },
}

impl<K: CounterKey> Default for ValueCounter<K> {
    fn default() -> Self {
        Self::with_cap(DEFAULT_EXACT_CAP)
    }
}

impl<K: CounterKey> ValueCounter<K> {
    /// A counter that stays exact up to `cap` distinct values.
    pub fn with_cap(cap: usize) -> Self {
        ValueCounter::Exact {
            cap,
            counts: AHashMap::new(),
        }
    }

    /// Counts one occurrence of `value`.
    #[inline]
    pub fn push(&mut self, value: K) {
        self.push_n(value, 1);
    }

    /// Counts `n` occurrences of `value`.
    #[inline]
    pub fn push_n(&mut self, value: K, n: u64) {
        match self {
            ValueCounter::Exact { cap, counts } => {
                if let Some(c) = counts.get_mut(&value) {
                    *c = c.saturating_add(n);
                    return;
                }
                counts.insert(value, n);
                if counts.len() > *cap {
                    self.spill();
                }
            }
            ValueCounter::Sketch { hll, frequent } => {
                hll.update_value(&value);
                frequent.update_with_count(value, n);
            }
        }
    }

    /// Counts a batch of values given once each with their counts (a sorted batch compacted):
    /// in sketch mode each value updates the distinct-count sketch once and the frequent
    /// values take the batch whole ([`FrequentCounts::update_distinct`]); in exact mode they
    /// are counted one by one. Each value must appear at most once in `items`.
    pub fn push_distinct(&mut self, items: &[(K, u64)]) {
        match self {
            ValueCounter::Exact { .. } => {
                for (value, n) in items {
                    self.push_n(value.clone(), *n);
                }
            }
            ValueCounter::Sketch { hll, frequent } => {
                for (value, n) in items {
                    if *n > 0 {
                        hll.update_value(value);
                    }
                }
                frequent.update_distinct(items);
            }
        }
    }

    /// A counter in sketch mode holding `items` (each value once with its count, in the
    /// values' order): for a column past the exact cap whose values are all known at once.
    pub fn sketch_of_distinct(items: &[(K, u64)]) -> Self {
        let mut counter = ValueCounter::Sketch {
            hll: Box::new(HllUnion::new(HLL_LG_K).unwrap_or_else(|_| unreachable_hll())),
            frequent: Box::new(FrequentCounts::new(DEFAULT_CAPACITY)),
        };
        counter.push_distinct(items);
        counter
    }

    /// Counts one occurrence of a borrowed string-like value without allocating when it is known.
    #[inline]
    pub fn push_ref<Q>(&mut self, value: &Q)
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        match self {
            ValueCounter::Exact { counts, .. } => {
                if let Some(c) = counts.get_mut(value) {
                    *c += 1;
                    return;
                }
                self.push_n(value.to_owned(), 1);
            }
            ValueCounter::Sketch { hll, frequent } => {
                hll.update_value(value);
                frequent.update_ref(value);
            }
        }
    }

    /// Counts one more occurrence of a value already counted exactly, with one hash lookup;
    /// false (and nothing counted) for a new value or in sketch mode.
    #[inline]
    pub fn increment_known<Q>(&mut self, value: &Q) -> bool
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.add_known(value, 1)
    }

    /// Counts `n` more occurrences of a value already counted exactly, with one hash lookup;
    /// false (and nothing counted) for a new value or in sketch mode.
    #[inline]
    pub fn add_known<Q>(&mut self, value: &Q, n: u64) -> bool
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        match self {
            ValueCounter::Exact { counts, .. } => match counts.get_mut(value) {
                Some(c) => {
                    *c = c.saturating_add(n);
                    true
                }
                None => false,
            },
            ValueCounter::Sketch { .. } => false,
        }
    }

    fn spill(&mut self) {
        if let ValueCounter::Exact { counts, .. } = self {
            let mut hll = HllUnion::new(HLL_LG_K).unwrap_or_else(|_| unreachable_hll());
            let mut frequent = FrequentCounts::new(DEFAULT_CAPACITY);
            // In key order: the distinct-count estimate (HIP, while the union has only seen
            // values in order) and the frequent-values purges depend on the order of updates,
            // and a hash map's order changes from process to process.
            let mut entries: Vec<(K, u64)> = counts.drain().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            for (k, c) in entries {
                hll.update_value(&k);
                frequent.update_with_count(k, c);
            }
            *self = ValueCounter::Sketch {
                hll: Box::new(hll),
                frequent: Box::new(frequent),
            };
        }
    }

    /// Leaves exact mode for good (the exact counts move into the sketches).
    pub fn leave_exact_mode(&mut self) {
        self.spill();
    }

    /// Counts a value in the distinct-count sketch only (it has no key of type `K`); leaves
    /// exact mode first.
    pub fn count_distinct_only<H: Hash>(&mut self, identity: H) {
        self.spill();
        if let ValueCounter::Sketch { hll, .. } = self {
            hll.update_value(identity);
        }
    }

    /// Maps every exact key through `f`, adding the counts of keys that become equal (used to
    /// convert keys between domains). Does nothing in sketch mode.
    pub fn rekey(&mut self, f: impl Fn(K) -> K) {
        if let ValueCounter::Exact { counts, .. } = self {
            let old = std::mem::take(counts);
            for (k, c) in old {
                let e = counts.entry(f(k)).or_insert(0);
                *e = e.saturating_add(c);
            }
        }
    }

    /// True when merging `other` into this counter could leave exact mode.
    pub fn may_spill_on_merge(&self, other: &ValueCounter<K>) -> bool {
        match (self, other) {
            (ValueCounter::Exact { cap, counts }, ValueCounter::Exact { counts: theirs, .. }) => {
                counts.len().saturating_add(theirs.len()) > *cap
            }
            _ => true,
        }
    }

    /// Checks a counter read from outside: exact counts are positive, within the cap, of
    /// keys `key_ok` accepts, and add up to `total`; a sketch's total weight is `total`.
    pub fn validate(&self, total: u64, key_ok: impl Fn(&K) -> bool) -> Result<(), String> {
        match self {
            ValueCounter::Exact { cap, counts } => {
                if *cap > MAX_EXACT_CAP {
                    return Err(format!(
                        "the exact cap {cap} exceeds the largest allowed, {MAX_EXACT_CAP}"
                    ));
                }
                if counts.len() > *cap {
                    return Err(format!(
                        "{} exact values exceed the exact cap of {cap}",
                        counts.len()
                    ));
                }
                let mut sum = 0u64;
                for (k, c) in counts {
                    if *c == 0 {
                        return Err("an exact count is 0 (counts must be at least 1)".into());
                    }
                    if !key_ok(k) {
                        return Err("an exact value is not a valid value of the column".into());
                    }
                    sum = sum
                        .checked_add(*c)
                        .ok_or("the exact counts overflow when added")?;
                }
                if sum != total {
                    return Err(format!(
                        "the exact counts add up to {sum}, expected {total}"
                    ));
                }
            }
            ValueCounter::Sketch { hll, frequent } => {
                if frequent.total_weight() != total {
                    return Err(format!(
                        "the frequent-values summary holds a weight of {}, expected {total}",
                        frequent.total_weight()
                    ));
                }
                frequent.validate(&key_ok)?;
                let d = hll.estimate();
                if !d.is_finite() || d < 0.0 {
                    return Err(format!("the distinct-count sketch estimates {d}"));
                }
            }
        }
        Ok(())
    }

    /// Merges another counter into this one.
    pub fn merge(&mut self, other: &ValueCounter<K>) {
        match other {
            ValueCounter::Exact { counts, .. } => {
                // In key order, so that the result does not depend on the hash map's order
                // (which changes from process to process) when the merge leaves exact mode.
                let mut entries: Vec<(&K, &u64)> = counts.iter().collect();
                entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
                for (k, c) in entries {
                    self.push_n(k.clone(), *c);
                }
            }
            ValueCounter::Sketch { hll, frequent } => {
                self.spill();
                if let ValueCounter::Sketch {
                    hll: mine,
                    frequent: my_frequent,
                } = self
                {
                    mine.update(&hll.to_sketch(HllType::Hll8));
                    my_frequent.merge(frequent);
                }
            }
        }
    }

    /// True while counts are exact.
    pub fn is_exact(&self) -> bool {
        matches!(self, ValueCounter::Exact { .. })
    }

    /// Number of distinct values (exact, or the HyperLogLog estimate rounded).
    pub fn distinct(&self) -> u64 {
        match self {
            ValueCounter::Exact { counts, .. } => counts.len() as u64,
            ValueCounter::Sketch { hll, .. } => hll.estimate().round() as u64,
        }
    }

    /// The exact value → count map while in exact mode.
    pub fn exact_counts(&self) -> Option<&AHashMap<K, u64>> {
        match self {
            ValueCounter::Exact { counts, .. } => Some(counts),
            ValueCounter::Sketch { .. } => None,
        }
    }

    /// Up to `limit` most frequent values, most frequent first (ties by value, ascending).
    pub fn top(&self, limit: usize) -> Vec<FrequentValue<K>> {
        self.top_by(limit, K::cmp)
    }

    /// Up to `limit` most frequent values, most frequent first, ties in the order `order`.
    pub fn top_by(
        &self,
        limit: usize,
        order: impl Fn(&K, &K) -> std::cmp::Ordering,
    ) -> Vec<FrequentValue<K>> {
        let mut rows: Vec<FrequentValue<K>> = match self {
            ValueCounter::Exact { counts, .. } => counts
                .iter()
                .map(|(k, c)| FrequentValue {
                    value: k.clone(),
                    count: *c,
                    lower_bound: *c,
                    upper_bound: *c,
                })
                .collect(),
            ValueCounter::Sketch { frequent, .. } => frequent
                .frequent_items()
                .into_iter()
                .map(|r| FrequentValue {
                    value: r.value,
                    count: r.upper_bound,
                    lower_bound: r.lower_bound,
                    upper_bound: r.upper_bound,
                })
                .collect(),
        };
        rows.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| order(&a.value, &b.value))
        });
        rows.truncate(limit);
        rows
    }

    /// Estimated count of one value (exact in exact mode; 0 when unseen).
    pub fn count_of(&self, value: &K) -> u64 {
        match self {
            ValueCounter::Exact { counts, .. } => counts.get(value).copied().unwrap_or(0),
            ValueCounter::Sketch { frequent, .. } => frequent.estimate(value),
        }
    }
}

fn unreachable_hll() -> HllUnion {
    // lg_k 12 is inside DataSketches' valid 4..=21 range, so `new` cannot fail; keep a
    // non-panicking fallback anyway.
    HllUnion::new(4).unwrap_or_else(|_| std::process::abort())
}

/// Serialized form: exact pairs, or the HyperLogLog's DataSketches bytes in base64 with the
/// frequent-values summary (`frequent_values`; profiles up to version 2 held DataSketches'
/// frequent-items bytes in `frequent` instead, converted when read).
#[derive(Serialize, Deserialize)]
#[serde(
    tag = "mode",
    rename_all = "snake_case",
    bound(
        serialize = "K: Serialize + Hash + Eq + Clone + Ord",
        deserialize = "K: DeserializeOwned + Hash + Eq + Clone + Ord"
    )
)]
enum CounterRepr<K: Hash + Eq + Clone + Ord> {
    Exact {
        cap: usize,
        values: Vec<(K, u64)>,
    },
    Sketch {
        hll: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        frequent: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        frequent_values: Option<FrequentCounts<K>>,
    },
}

impl<K: CounterKey> Serialize for ValueCounter<K> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let b64 = base64::engine::general_purpose::STANDARD;
        let repr = match self {
            ValueCounter::Exact { cap, counts } => {
                let mut values: Vec<(K, u64)> =
                    counts.iter().map(|(k, c)| (k.clone(), *c)).collect();
                values.sort_by(|a, b| a.0.cmp(&b.0));
                CounterRepr::Exact { cap: *cap, values }
            }
            ValueCounter::Sketch { hll, frequent } => CounterRepr::Sketch {
                hll: b64.encode(hll.to_sketch(HllType::Hll8).serialize()),
                frequent: None,
                frequent_values: Some((**frequent).clone()),
            },
        };
        repr.serialize(s)
    }
}

impl<'de, K: CounterKey> Deserialize<'de> for ValueCounter<K> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let b64 = base64::engine::general_purpose::STANDARD;
        match CounterRepr::<K>::deserialize(d)? {
            CounterRepr::Exact { cap, values } => Ok(ValueCounter::Exact {
                cap,
                counts: values.into_iter().collect(),
            }),
            CounterRepr::Sketch {
                hll,
                frequent,
                frequent_values,
            } => {
                let hll_bytes = b64.decode(hll).map_err(D::Error::custom)?;
                let sketch = HllSketch::deserialize(&hll_bytes)
                    .map_err(|e| D::Error::custom(StatsError::Sketch(e.to_string())))?;
                let mut union = HllUnion::new(HLL_LG_K).map_err(D::Error::custom)?;
                union.update(&sketch);
                let frequent = match (frequent, frequent_values) {
                    (None, Some(counts)) => counts,
                    (Some(bytes), None) => {
                        let freq_bytes = b64.decode(bytes).map_err(D::Error::custom)?;
                        let sketch = FrequentItemsSketch::<K>::deserialize(&freq_bytes)
                            .map_err(|e| D::Error::custom(StatsError::Sketch(e.to_string())))?;
                        FrequentCounts::from_datasketches(&sketch, crate::profile::MAX_ROWS)
                            .map_err(D::Error::custom)?
                    }
                    (Some(_), Some(_)) => {
                        return Err(D::Error::custom(
                            "a sketch has both `frequent` and `frequent_values` (one only)",
                        ))
                    }
                    (None, None) => {
                        return Err(D::Error::missing_field("frequent_values"));
                    }
                };
                Ok(ValueCounter::Sketch {
                    hll: Box::new(union),
                    frequent: Box::new(frequent),
                })
            }
        }
    }
}

impl<K: CounterKey> ValueCounter<K> {
    /// True when pushing `value` would move the counter from exact to sketch mode.
    pub fn would_spill<Q>(&self, value: &Q) -> bool
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        match self {
            ValueCounter::Exact { cap, counts } => {
                counts.len() >= *cap && !counts.contains_key(value)
            }
            ValueCounter::Sketch { .. } => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaving_exact_mode_on_a_merge_gives_the_same_sketch_whatever_the_map_order() {
        // Two partitions of 3,000 distinct values each, merged past a cap of 4,000: the merge
        // leaves exact mode part-way. Counters built in different orders (different hash-map
        // orders) must give the same distinct estimate and the same top values.
        let part = |range: std::ops::Range<u64>, reverse: bool| {
            let mut c = ValueCounter::<u64>::with_cap(4_000);
            let values: Vec<u64> = if reverse {
                range.rev().collect()
            } else {
                range.collect()
            };
            for v in values {
                c.push_n(v * 2_654_435_761 % 1_000_003, 1 + v % 3);
            }
            c
        };
        let mut estimates = Vec::new();
        for reverse in [false, true] {
            let mut a = part(0..3_000, reverse);
            a.merge(&part(3_000..6_000, !reverse));
            assert!(!a.is_exact());
            estimates.push((a.distinct(), a.top(5)));
        }
        assert_eq!(estimates[0], estimates[1]);
    }

    #[test]
    fn exact_counts_and_top() {
        let mut c = ValueCounter::<String>::default();
        for v in ["a", "b", "a", "c", "a", "b"] {
            c.push_ref(v);
        }
        assert!(c.is_exact());
        assert_eq!(c.distinct(), 3);
        let top = c.top(2);
        assert_eq!(top[0].value, "a");
        assert_eq!(top[0].count, 3);
        assert_eq!(top[1].value, "b");
        assert_eq!(c.count_of(&"c".to_string()), 1);
        assert_eq!(c.count_of(&"zzz".to_string()), 0);
    }

    #[test]
    fn spills_to_sketch_past_cap_with_bounded_error() {
        let mut c = ValueCounter::<u64>::with_cap(100);
        for i in 0..50_000u64 {
            c.push(i % 20_000);
        }
        for _ in 0..5_000 {
            c.push(7);
        }
        assert!(!c.is_exact());
        let d = c.distinct() as f64;
        assert!((d - 20_000.0).abs() / 20_000.0 < 0.05, "distinct {d}");
        let top = c.top(1);
        assert_eq!(top[0].value, 7);
        assert!(top[0].lower_bound <= 5_003 && top[0].upper_bound >= 5_003);
    }

    #[test]
    fn merge_exact_and_sketch_and_round_trip() {
        let mut a = ValueCounter::<String>::with_cap(10);
        let mut b = ValueCounter::<String>::with_cap(10);
        for i in 0..6 {
            a.push(format!("v{i}"));
            b.push(format!("v{}", i + 3));
        }
        let mut merged = a.clone();
        merged.merge(&b);
        assert!(merged.is_exact());
        assert_eq!(merged.distinct(), 9);
        assert_eq!(merged.count_of(&"v4".to_string()), 2);
        let json = serde_json::to_string(&merged).unwrap();
        let back: ValueCounter<String> = serde_json::from_str(&json).unwrap();
        assert_eq!(back.distinct(), 9);

        let mut big = ValueCounter::<String>::with_cap(10);
        for i in 0..1000 {
            big.push(format!("w{i}"));
        }
        assert!(!big.is_exact());
        let json = serde_json::to_string(&big).unwrap();
        let back: ValueCounter<String> = serde_json::from_str(&json).unwrap();
        let mut combined = merged.clone();
        combined.merge(&back);
        let d = combined.distinct() as f64;
        assert!((d - 1009.0).abs() / 1009.0 < 0.05, "distinct {d}");
    }
}
