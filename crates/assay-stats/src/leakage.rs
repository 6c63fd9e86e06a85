//! Single-feature target leakage: how well one feature, alone, predicts the target.
//!
//! A [`Contingency`] table counts rows per (feature bucket, target class). Categorical
//! features map each category to a bucket id (for example a hash or a dictionary index);
//! numeric features are bucketed by quantile edges with [`quantile_bucket`]. Tables are
//! mergeable, so partitions are counted independently and combined.
//!
//! [`Contingency::predictive_power`] scores the optimal one-feature lookup rule: predict, for
//! each bucket, the bucket's majority class. With `accuracy` the share of rows this rule
//! gets right and `baseline` the share of the overall majority class,
//!
//! ```text
//! power = (accuracy − baseline) / (1 − baseline), clamped to [0, 1]   (0 when baseline = 1)
//! ```
//!
//! so 0 means "no better than always predicting the commonest class" and 1 means "the
//! feature determines the target". A feature with power near 1 is either the signal the model
//! should learn or, more often in validation, a leak (an id encoding the label, a column
//! computed after the fact).
//!
//! # How this differs from the Predictive Power Score
//!
//! Deepchecks' feature–label correlation checks use the Predictive Power Score of `ppscore`,
//! which fits a decision tree of the feature to the target, scores it with cross-validation
//! (weighted F1 for classification, MAE for regression) and normalises against a naive
//! model. The figure here is cheaper and exact on the full data but is an **in-sample**
//! score: the accuracy of the best lookup rule measured on the rows it was learned from. A
//! high-cardinality feature (an id, a timestamp, a fine numeric bucketing) puts nearly every
//! row in its own bucket and so trivially looks perfectly predictive. For such features use
//! [`Contingency::predictive_power_holdout`], which learns the rule on one table and scores
//! it on another (for example even rows against odd rows); buckets unseen when learning
//! predict the overall majority class, so an id feature scores 0 there. Accuracy rather than
//! F1 is the metric; power is reported for classification targets only (bucket a regression
//! target first).
//!
//! ```
//! use assay_stats::leakage::Contingency;
//!
//! // The feature equals the target: perfectly predictive.
//! let table: Contingency = [(0, 0), (0, 0), (1, 1), (2, 2)].into_iter().collect();
//! let p = table.predictive_power().unwrap();
//! assert_eq!((p.accuracy_by_majority, p.baseline_accuracy, p.power), (1.0, 0.5, 1.0));
//! ```

use ahash::AHashMap;

/// Counts of rows per (feature bucket, target class); mergeable.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(from = "ContingencyRepr", into = "ContingencyRepr")]
pub struct Contingency {
    counts: AHashMap<(u64, u64), u64>,
    rows: u64,
}

/// How well one feature predicts the target, from a [`Contingency`] table.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PredictivePower {
    /// Share of rows whose target equals the majority class of their feature bucket (as
    /// learned by the rule; see [`Contingency::predictive_power_holdout`]).
    pub accuracy_by_majority: f64,
    /// Share of rows whose target equals the overall majority class.
    pub baseline_accuracy: f64,
    /// `(accuracy − baseline) / (1 − baseline)` clamped to `[0, 1]`; 0 when the baseline is 1.
    pub power: f64,
    /// Number of distinct feature buckets the rule was learned from.
    pub buckets: usize,
    /// Number of rows scored.
    pub rows: u64,
}

impl PredictivePower {
    /// From integer counts; power is computed as `(correct − base) / (rows − base)`, which
    /// equals the formula on shares and is exact for simple fractions.
    fn from_counts(correct: u64, base: u64, buckets: usize, rows: u64) -> Self {
        let power = if correct <= base || base >= rows {
            0.0
        } else {
            ((correct - base) as f64 / (rows - base) as f64).min(1.0)
        };
        PredictivePower {
            accuracy_by_majority: correct as f64 / rows as f64,
            baseline_accuracy: base as f64 / rows as f64,
            power,
            buckets,
            rows,
        }
    }
}

/// The majority rule learned from a table.
struct MajorityRule {
    /// Bucket → (majority class, its count).
    by_bucket: AHashMap<u64, (u64, u64)>,
    /// The overall majority class and its count.
    overall: (u64, u64),
}

/// Whether `a` (class, count) beats `b`: more rows, ties to the smaller class id, so the
/// rule does not depend on hash-map order.
fn beats(a: (u64, u64), b: (u64, u64)) -> bool {
    a.1 > b.1 || (a.1 == b.1 && a.0 < b.0)
}

impl Contingency {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one row.
    pub fn push(&mut self, feature_bucket: u64, target_class: u64) {
        self.add(feature_bucket, target_class, 1);
    }

    /// Counts `n` rows with the same feature bucket and target class.
    pub fn add(&mut self, feature_bucket: u64, target_class: u64, n: u64) {
        if n == 0 {
            return;
        }
        *self
            .counts
            .entry((feature_bucket, target_class))
            .or_insert(0) += n;
        self.rows += n;
    }

    /// Adds `other`'s counts: the result is the table of both sets of rows.
    pub fn merge(&mut self, other: &Contingency) {
        for (&(f, t), &n) in &other.counts {
            self.add(f, t, n);
        }
    }

    /// Number of rows counted.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Whether no row was counted.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Number of rows with this feature bucket and target class.
    pub fn count(&self, feature_bucket: u64, target_class: u64) -> u64 {
        self.counts
            .get(&(feature_bucket, target_class))
            .copied()
            .unwrap_or(0)
    }

    /// The non-empty cells as `(feature_bucket, target_class, rows)`, in no particular order.
    pub fn cells(&self) -> impl Iterator<Item = (u64, u64, u64)> + '_ {
        self.counts.iter().map(|(&(f, t), &n)| (f, t, n))
    }

    fn majority_rule(&self) -> MajorityRule {
        let mut by_bucket: AHashMap<u64, (u64, u64)> = AHashMap::new();
        let mut by_class: AHashMap<u64, u64> = AHashMap::new();
        for (&(f, t), &n) in &self.counts {
            by_bucket
                .entry(f)
                .and_modify(|best| {
                    if beats((t, n), *best) {
                        *best = (t, n);
                    }
                })
                .or_insert((t, n));
            *by_class.entry(t).or_insert(0) += n;
        }
        let overall =
            by_class.into_iter().fold(
                (u64::MAX, 0),
                |best, c| if beats(c, best) { c } else { best },
            );
        MajorityRule { by_bucket, overall }
    }

    /// In-sample predictive power of the per-bucket majority rule; `None` for an empty table.
    ///
    /// High-cardinality features look predictive here by construction; see the
    /// [module documentation](self) and [`Contingency::predictive_power_holdout`].
    pub fn predictive_power(&self) -> Option<PredictivePower> {
        if self.rows == 0 {
            return None;
        }
        let rule = self.majority_rule();
        let correct = rule.by_bucket.values().map(|&(_, n)| n).sum();
        Some(PredictivePower::from_counts(
            correct,
            rule.overall.1,
            rule.by_bucket.len(),
            self.rows,
        ))
    }

    /// Learns the majority rule on `self` and scores it on `holdout`; `None` when either is
    /// empty.
    ///
    /// Each holdout row is predicted as the majority class of its bucket in `self`, or, for a
    /// bucket `self` never saw, as `self`'s overall majority class. The baseline is the
    /// constant rule learned on `self` (always predict `self`'s overall majority class)
    /// scored on `holdout`. Ties between classes go to the smaller class id. `buckets` is the
    /// number of buckets in `self`, `rows` the number of holdout rows. Unlike the in-sample
    /// score, the accuracy here can fall below the baseline; the power is then 0.
    pub fn predictive_power_holdout(&self, holdout: &Contingency) -> Option<PredictivePower> {
        if self.rows == 0 || holdout.rows == 0 {
            return None;
        }
        let rule = self.majority_rule();
        let majority = rule.overall.0;
        let (mut correct, mut base) = (0u64, 0u64);
        for (&(f, t), &n) in &holdout.counts {
            let predicted = rule.by_bucket.get(&f).map_or(majority, |&(c, _)| c);
            if t == predicted {
                correct += n;
            }
            if t == majority {
                base += n;
            }
        }
        Some(PredictivePower::from_counts(
            correct,
            base,
            rule.by_bucket.len(),
            holdout.rows,
        ))
    }
}

impl FromIterator<(u64, u64)> for Contingency {
    /// A table of `(feature_bucket, target_class)` rows.
    fn from_iter<I: IntoIterator<Item = (u64, u64)>>(iter: I) -> Self {
        let mut table = Contingency::new();
        table.extend(iter);
        table
    }
}

impl Extend<(u64, u64)> for Contingency {
    /// Counts `(feature_bucket, target_class)` rows.
    fn extend<I: IntoIterator<Item = (u64, u64)>>(&mut self, iter: I) {
        for (f, t) in iter {
            self.push(f, t);
        }
    }
}

/// Serialized form of a [`Contingency`]: cells `[feature_bucket, target_class, rows]` sorted
/// by bucket then class, so equal tables serialize identically.
#[derive(serde::Serialize, serde::Deserialize)]
struct ContingencyRepr {
    cells: Vec<(u64, u64, u64)>,
}

impl From<Contingency> for ContingencyRepr {
    fn from(table: Contingency) -> Self {
        let mut cells: Vec<_> = table.cells().collect();
        cells.sort_unstable();
        ContingencyRepr { cells }
    }
}

impl From<ContingencyRepr> for Contingency {
    fn from(repr: ContingencyRepr) -> Self {
        let mut table = Contingency::new();
        for (f, t, n) in repr.cells {
            table.add(f, t, n);
        }
        table
    }
}

/// The bucket of `x` given ascending, NaN-free bucket `edges` (for example deciles): the
/// number of edges `<= x`, so bucket `i` holds `edges[i-1] <= x < edges[i]`, values below the
/// first edge go to bucket 0 and values at or above the last edge to bucket `edges.len()`
/// (numpy's `digitize(x, edges, right=False)`). NaN gets its own bucket, `u64::MAX`.
pub fn quantile_bucket(edges: &[f64], x: f64) -> u64 {
    if x.is_nan() {
        return u64::MAX;
    }
    edges.partition_point(|&e| e <= x) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, Rng, SeedableRng};

    /// Bucket 0: class 0 ×3, class 1 ×1; bucket 1: class 0 ×1, class 1 ×2; bucket 2: class 1 ×3.
    fn small_table() -> Contingency {
        let mut t = Contingency::new();
        t.add(0, 0, 3);
        t.add(0, 1, 1);
        t.add(1, 0, 1);
        t.add(1, 1, 2);
        t.add(2, 1, 3);
        t
    }

    #[test]
    fn empty_table_gives_none() {
        let empty = Contingency::new();
        assert!(empty.is_empty());
        assert_eq!(empty.predictive_power(), None);
        assert_eq!(empty.predictive_power_holdout(&small_table()), None);
        assert_eq!(small_table().predictive_power_holdout(&empty), None);
        let mut zero = Contingency::new();
        zero.add(1, 1, 0);
        assert!(zero.is_empty());
        assert_eq!(zero.cells().count(), 0);
    }

    #[test]
    fn hand_computed_small_table() {
        // Majorities: bucket 0 → 0 (3 right), 1 → 1 (2), 2 → 1 (3): 8 of 10 right.
        // Overall class 1 has 6 of 10 rows. Power = (0.8 − 0.6) / (1 − 0.6) = 0.5.
        let p = small_table().predictive_power().unwrap();
        assert_eq!(
            p,
            PredictivePower {
                accuracy_by_majority: 0.8,
                baseline_accuracy: 0.6,
                power: 0.5,
                buckets: 3,
                rows: 10,
            }
        );
    }

    #[test]
    fn perfectly_predictive_feature_has_power_one() {
        let table: Contingency = (0..300u64).map(|i| (i % 3 + 10, i % 3)).collect();
        let p = table.predictive_power().unwrap();
        assert_eq!(p.accuracy_by_majority, 1.0);
        assert_eq!(p.baseline_accuracy, 1.0 / 3.0);
        assert_eq!(p.power, 1.0);
        assert_eq!(p.buckets, 3);
        assert_eq!(p.rows, 300);
    }

    #[test]
    fn independent_feature_has_power_zero() {
        // Every bucket has the same 30/70 split: the per-bucket rule is the constant rule.
        let mut table = Contingency::new();
        for bucket in 0..5 {
            table.add(bucket, 0, 30);
            table.add(bucket, 1, 70);
        }
        let p = table.predictive_power().unwrap();
        assert_eq!((p.accuracy_by_majority, p.baseline_accuracy), (0.7, 0.7));
        assert_eq!(p.power, 0.0);
    }

    #[test]
    fn random_independent_feature_has_power_near_zero() {
        let mut rng = StdRng::seed_from_u64(7);
        let table: Contingency = (0..100_000)
            .map(|_| (rng.random_range(0..10u64), u64::from(rng.random_bool(0.5))))
            .collect();
        let p = table.predictive_power().unwrap();
        assert!(p.power < 0.01, "{p:?}");
        assert!((p.baseline_accuracy - 0.5).abs() < 0.01, "{p:?}");
    }

    #[test]
    fn constant_target_or_single_row_has_power_zero() {
        let table: Contingency = (0..10u64).map(|i| (i, 4)).collect();
        let p = table.predictive_power().unwrap();
        assert_eq!(
            (p.accuracy_by_majority, p.baseline_accuracy, p.power),
            (1.0, 1.0, 0.0)
        );
        let one: Contingency = [(3, 1)].into_iter().collect();
        let p = one.predictive_power().unwrap();
        assert_eq!(
            (p.accuracy_by_majority, p.power, p.buckets, p.rows),
            (1.0, 0.0, 1, 1)
        );
    }

    #[test]
    fn merge_equals_concatenation() {
        let mut rng = StdRng::seed_from_u64(11);
        let rows: Vec<(u64, u64)> = (0..2_000)
            .map(|_| {
                let f = rng.random_range(0..20u64);
                (f, (f + rng.random_range(0..3u64)) % 4)
            })
            .collect();
        let whole: Contingency = rows.iter().copied().collect();
        let mut left: Contingency = rows[..700].iter().copied().collect();
        let right: Contingency = rows[700..].iter().copied().collect();
        left.merge(&right);
        left.merge(&Contingency::new());
        assert_eq!(left, whole);
        assert_eq!(left.rows(), 2_000);
        assert_eq!(left.predictive_power(), whole.predictive_power());
        let mut empty = Contingency::new();
        empty.merge(&whole);
        assert_eq!(empty, whole);
    }

    #[test]
    fn holdout_hand_computed_with_unseen_bucket_and_tie() {
        // Learned on the small table: bucket 0 → 0, bucket 1 → 1, bucket 2 → 1; overall
        // majority class 1 (6 of 10).
        let mut test = Contingency::new();
        test.add(0, 0, 2); // predicted 0: right
        test.add(0, 1, 1);
        test.add(1, 1, 3); // predicted 1: right
        test.add(7, 1, 1); // unseen, predicted 1: right
        test.add(7, 0, 1);
        // Correct 6 of 8; baseline (always 1) 5 of 8; power (6 − 5) / (8 − 5) = 1/3.
        let p = small_table().predictive_power_holdout(&test).unwrap();
        assert_eq!(p.accuracy_by_majority, 0.75);
        assert_eq!(p.baseline_accuracy, 0.625);
        assert_eq!(p.power, 1.0 / 3.0);
        assert_eq!((p.buckets, p.rows), (3, 8));

        // Ties go to the smaller class id: overall 3/3 between classes 0 and 1 → 0, and
        // 1/1 inside bucket 3 between classes 5 and 2 → 2. A zero count adds no cell.
        let mut train = Contingency::new();
        train.add(0, 0, 3);
        train.add(1, 1, 2);
        train.add(1, 0, 0);
        train.add(2, 1, 1);
        train.add(3, 5, 1);
        train.add(3, 2, 1);
        // train overall: class 0 → 3, class 1 → 3, classes 2 and 5 → 1: majority 0.
        let mut test = Contingency::new();
        test.add(3, 2, 2); // bucket 3 tie (2 vs 5) → 2: right
        test.add(9, 0, 1); // unseen → 0: right
        test.add(9, 1, 1);
        let p = train.predictive_power_holdout(&test).unwrap();
        assert_eq!((p.accuracy_by_majority, p.baseline_accuracy), (0.75, 0.25));
        assert_eq!(p.power, 2.0 / 3.0);
    }

    #[test]
    fn holdout_below_baseline_is_clamped() {
        let train: Contingency = [(0, 0), (1, 1), (1, 1)].into_iter().collect();
        let test: Contingency = [(0, 1), (0, 1), (1, 0)].into_iter().collect();
        let p = train.predictive_power_holdout(&test).unwrap();
        assert_eq!(p.accuracy_by_majority, 0.0);
        assert_eq!(p.baseline_accuracy, 2.0 / 3.0);
        assert_eq!(p.power, 0.0);
    }

    #[test]
    fn id_feature_is_perfect_in_sample_but_zero_on_holdout() {
        let mut rng = StdRng::seed_from_u64(3);
        let (mut even, mut odd, mut all) =
            (Contingency::new(), Contingency::new(), Contingency::new());
        for id in 0..1_000u64 {
            let target = u64::from(rng.random_bool(0.4));
            all.push(id, target);
            let half = if id % 2 == 0 { &mut even } else { &mut odd };
            half.push(id, target);
        }
        assert_eq!(all.predictive_power().unwrap().power, 1.0);
        let p = even.predictive_power_holdout(&odd).unwrap();
        // Every odd id is unseen: the rule is the constant one.
        assert_eq!(p.accuracy_by_majority, p.baseline_accuracy);
        assert_eq!(p.power, 0.0);
        assert_eq!((p.buckets, p.rows), (500, 500));
    }

    #[test]
    fn serde_round_trip_is_canonical() {
        let table = small_table();
        let json = serde_json::to_string(&table).unwrap();
        assert_eq!(
            json,
            r#"{"cells":[[0,0,3],[0,1,1],[1,0,1],[1,1,2],[2,1,3]]}"#
        );
        let back: Contingency = serde_json::from_str(&json).unwrap();
        assert_eq!(back, table);
        assert_eq!(back.rows(), 10);
        assert_eq!(back.count(1, 1), 2);
        assert_eq!(back.count(2, 0), 0);
    }

    #[test]
    fn quantile_buckets() {
        let edges = [1.0, 2.0, 3.0];
        assert_eq!(quantile_bucket(&edges, 0.5), 0);
        assert_eq!(quantile_bucket(&edges, 1.0), 1);
        assert_eq!(quantile_bucket(&edges, 1.5), 1);
        assert_eq!(quantile_bucket(&edges, 2.999), 2);
        assert_eq!(quantile_bucket(&edges, 3.0), 3);
        assert_eq!(quantile_bucket(&edges, 10.0), 3);
        assert_eq!(quantile_bucket(&edges, f64::NEG_INFINITY), 0);
        assert_eq!(quantile_bucket(&edges, f64::INFINITY), 3);
        assert_eq!(quantile_bucket(&edges, f64::NAN), u64::MAX);
        assert_eq!(quantile_bucket(&[], 5.0), 0);
        assert_eq!(quantile_bucket(&[], f64::NAN), u64::MAX);
        // Repeated edges (a heavy value): the value goes above all of them.
        assert_eq!(quantile_bucket(&[0.0, 0.0, 0.0, 1.0], 0.0), 3);
    }
}
