//! The mergeable per-column profile state.

use serde::{Deserialize, Serialize};

use crate::histogram::{bin_index, equal_width_edges, Histogram};
use crate::moments::Moments;
use crate::quantile::QuantileSketch;
use crate::text_kind::{classify, TextKind};
use crate::value_counter::{FrequentValue, ValueCounter, DEFAULT_EXACT_CAP};
use crate::StatsError;

/// Canonical bits of a float used as a distinct-value key (-0.0 folds into 0.0).
#[inline]
pub fn float_key(x: f64) -> u64 {
    if x == 0.0 {
        0f64.to_bits()
    } else {
        x.to_bits()
    }
}

/// Formats a float key for display: integers without a fractional part.
pub fn format_float(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// State of a numeric (or temporal, as epoch units) column.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NumericState {
    /// NaN values.
    pub nan: u64,
    /// +∞ values.
    pub pos_inf: u64,
    /// −∞ values.
    pub neg_inf: u64,
    /// Count, mean and variance of finite values.
    pub moments: Moments,
    /// Smallest finite value.
    pub min: Option<f64>,
    /// Largest finite value.
    pub max: Option<f64>,
    /// Quantile sketch of finite values.
    pub sketch: QuantileSketch,
    /// Distinct finite values and their frequencies.
    pub values: ValueCounter<u64>,
}

impl NumericState {
    /// Adds one non-null value.
    ///
    /// While the distinct values are exact the quantile sketch is left empty (quantiles come
    /// from the exact counts); it is seeded from the counts when the column spills to sketches.
    #[inline]
    pub fn push(&mut self, x: f64) {
        if x.is_nan() {
            self.nan += 1;
            return;
        }
        if x.is_infinite() {
            if x > 0.0 {
                self.pos_inf += 1;
            } else {
                self.neg_inf += 1;
            }
            return;
        }
        self.moments.push(x);
        self.min = Some(self.min.map_or(x, |m| m.min(x)));
        self.max = Some(self.max.map_or(x, |m| m.max(x)));
        let key = float_key(x);
        if self.values.is_exact() {
            if !self.values.would_spill(&key) {
                self.values.push(key);
                return;
            }
            self.seed_sketch();
        }
        self.sketch.push(x);
        self.values.push(key);
    }

    /// Feeds the exact counts into the (empty) sketch, before leaving exact mode.
    fn seed_sketch(&mut self) {
        if let Some(counts) = self.values.exact_counts() {
            if self.sketch.count() == 0 {
                let mut sorted: Vec<(u64, u64)> = counts.iter().map(|(k, c)| (*k, *c)).collect();
                sorted.sort_unstable();
                for (k, c) in sorted {
                    let v = f64::from_bits(k);
                    for _ in 0..c {
                        self.sketch.push(v);
                    }
                }
            }
        }
    }

    /// Sorted distinct values with cumulative counts, while exact.
    fn exact_cumulative(&self) -> Option<Vec<(f64, u64)>> {
        let counts = self.values.exact_counts()?;
        let mut sorted: Vec<(f64, u64)> = counts
            .iter()
            .map(|(k, c)| (f64::from_bits(*k), *c))
            .collect();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut total = 0;
        for e in &mut sorted {
            total += e.1;
            e.1 = total;
        }
        Some(sorted)
    }

    /// Quantile `q` of the finite values: exact (numpy `inverted_cdf`) while distinct values are
    /// exact, else from the KLL sketch (within [`NumericState::rank_error`]).
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if !(0.0..=1.0).contains(&q) {
            return None;
        }
        match self.exact_cumulative() {
            Some(cum) => {
                let n = cum.last()?.1;
                let target = (q * n as f64).ceil().max(1.0) as u64;
                cum.iter().find(|(_, c)| *c >= target).map(|(v, _)| *v)
            }
            None => self.sketch.quantile(q),
        }
    }

    /// Share of finite values `<= x` (or `< x`): exact while distinct values are exact.
    pub fn cdf_at(&self, x: f64, inclusive: bool) -> Option<f64> {
        match self.exact_cumulative() {
            Some(cum) => {
                let n = cum.last()?.1;
                let below = cum
                    .iter()
                    .take_while(|(v, _)| if inclusive { *v <= x } else { *v < x })
                    .last()
                    .map_or(0, |(_, c)| *c);
                Some(below as f64 / n as f64)
            }
            None => self.sketch.cdf_at(x, inclusive),
        }
    }

    /// Normalized rank error of [`NumericState::quantile`] (0 while exact).
    pub fn rank_error(&self) -> f64 {
        if self.values.is_exact() {
            0.0
        } else {
            self.sketch.rank_error()
        }
    }

    /// Merges another numeric state.
    pub fn merge(&mut self, other: &NumericState) -> Result<(), StatsError> {
        self.nan += other.nan;
        self.pos_inf += other.pos_inf;
        self.neg_inf += other.neg_inf;
        self.moments.merge(&other.moments);
        self.min = min_opt(self.min, other.min);
        self.max = max_opt(self.max, other.max);
        // Sketches: while both sides are exact they stay empty; once the union leaves exact
        // mode, each side's sketch is seeded from its exact counts (if it had none) and merged.
        let mut mine = self.clone();
        self.values.merge(&other.values);
        if !self.values.is_exact() {
            let mut theirs = other.clone();
            mine.seed_sketch();
            theirs.seed_sketch();
            mine.sketch.merge(&theirs.sketch)?;
            self.sketch = mine.sketch;
        }
        Ok(())
    }
}

fn min_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn max_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// Counts of string values by the type they look like.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindCounts {
    /// Empty or whitespace-only strings.
    pub blank: u64,
    /// Number-like strings.
    pub number: u64,
    /// Boolean-like strings.
    pub boolean: u64,
    /// Date-like strings.
    pub date: u64,
    /// Other text.
    pub text: u64,
}

impl KindCounts {
    fn add(&mut self, kind: TextKind, n: u64) {
        match kind {
            TextKind::Blank => self.blank += n,
            TextKind::Number => self.number += n,
            TextKind::Boolean => self.boolean += n,
            TextKind::Date => self.date += n,
            TextKind::Text => self.text += n,
        }
    }

    fn merge(&mut self, o: &KindCounts) {
        self.blank += o.blank;
        self.number += o.number;
        self.boolean += o.boolean;
        self.date += o.date;
        self.text += o.text;
    }
}

/// Length statistics of string values, in Unicode scalar values (chars).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LengthStats {
    /// Values measured.
    pub count: u64,
    /// Shortest length.
    pub min: Option<u64>,
    /// Longest length.
    pub max: Option<u64>,
    /// Sum of lengths.
    pub sum: u64,
}

impl LengthStats {
    fn add(&mut self, len: u64, n: u64) {
        self.count += n;
        self.sum += len * n;
        self.min = Some(self.min.map_or(len, |m| m.min(len)));
        self.max = Some(self.max.map_or(len, |m| m.max(len)));
    }

    fn merge(&mut self, o: &LengthStats) {
        self.count += o.count;
        self.sum += o.sum;
        self.min = match (self.min, o.min) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max = match (self.max, o.max) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }

    /// Mean length.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum as f64 / self.count as f64)
    }
}

/// State of a string (or boolean, as `true`/`false`) column.
///
/// While the value counter is exact, type-kind counts and length statistics are derived from
/// the distinct values (so the hot path is one hash lookup per row); once it spills to sketches
/// they are accumulated per value.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TextState {
    /// Distinct values and their frequencies.
    pub values: ValueCounter<String>,
    /// Kind counts accumulated after the counter left exact mode.
    pub spilled_kinds: KindCounts,
    /// Length statistics accumulated after the counter left exact mode.
    pub spilled_lengths: LengthStats,
}

impl TextState {
    /// Adds one non-null value.
    #[inline]
    pub fn push(&mut self, v: &str) {
        if self.values.is_exact() {
            if self.values.would_spill(v) {
                let (kinds, lengths) = self.kinds_and_lengths();
                self.spilled_kinds = kinds;
                self.spilled_lengths = lengths;
            } else {
                self.values.push_ref(v);
                return;
            }
        }
        self.spilled_kinds.add(classify(v), 1);
        self.spilled_lengths.add(v.chars().count() as u64, 1);
        self.values.push_ref(v);
    }

    /// Adds `n` occurrences of one non-null value.
    pub fn push_n(&mut self, v: &str, n: u64) {
        if n == 0 {
            return;
        }
        if self.values.is_exact() {
            if self.values.would_spill(v) {
                let (kinds, lengths) = self.kinds_and_lengths();
                self.spilled_kinds = kinds;
                self.spilled_lengths = lengths;
            } else {
                self.values.push_n(v.to_string(), n);
                return;
            }
        }
        self.spilled_kinds.add(classify(v), n);
        self.spilled_lengths.add(v.chars().count() as u64, n);
        self.values.push_n(v.to_string(), n);
    }

    /// Kind counts and length statistics of all values seen.
    pub fn kinds_and_lengths(&self) -> (KindCounts, LengthStats) {
        match self.values.exact_counts() {
            Some(counts) => {
                let mut kinds = KindCounts::default();
                let mut lengths = LengthStats::default();
                for (v, c) in counts {
                    kinds.add(classify(v), *c);
                    lengths.add(v.chars().count() as u64, *c);
                }
                (kinds, lengths)
            }
            None => (self.spilled_kinds, self.spilled_lengths),
        }
    }

    /// Merges another text state.
    pub fn merge(&mut self, other: &TextState) {
        let (mut kinds, mut lengths) = self.kinds_and_lengths();
        let (ok, ol) = other.kinds_and_lengths();
        kinds.merge(&ok);
        lengths.merge(&ol);
        self.values.merge(&other.values);
        if self.values.is_exact() {
            self.spilled_kinds = KindCounts::default();
            self.spilled_lengths = LengthStats::default();
        } else {
            self.spilled_kinds = kinds;
            self.spilled_lengths = lengths;
        }
    }
}

/// Type-specific part of a column state.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ColumnBody {
    /// Numbers (and temporal values as epoch units).
    Numeric(Box<NumericState>),
    /// Strings (and booleans).
    Text(Box<TextState>),
}

/// Mergeable profile state of one column.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ColumnState {
    /// Rows seen, nulls included.
    pub rows: u64,
    /// Null values.
    pub nulls: u64,
    /// Type-specific statistics.
    pub body: ColumnBody,
}

impl ColumnState {
    /// Empty numeric state with the default exact-distinct cap.
    pub fn numeric() -> Self {
        Self::numeric_with_cap(DEFAULT_EXACT_CAP)
    }

    /// Empty numeric state keeping up to `cap` distinct values exactly.
    pub fn numeric_with_cap(cap: usize) -> Self {
        let state = NumericState {
            values: ValueCounter::with_cap(cap),
            ..NumericState::default()
        };
        Self {
            rows: 0,
            nulls: 0,
            body: ColumnBody::Numeric(Box::new(state)),
        }
    }

    /// Empty text state with the default exact-distinct cap.
    pub fn text() -> Self {
        Self::text_with_cap(DEFAULT_EXACT_CAP)
    }

    /// Empty text state keeping up to `cap` distinct values exactly.
    pub fn text_with_cap(cap: usize) -> Self {
        let state = TextState {
            values: ValueCounter::with_cap(cap),
            ..TextState::default()
        };
        Self {
            rows: 0,
            nulls: 0,
            body: ColumnBody::Text(Box::new(state)),
        }
    }

    /// The state of a numeric column given as values (`None` = null), keeping up to `cap`
    /// distinct values exactly.
    pub fn of_numbers(values: &[Option<f64>], cap: usize) -> Self {
        let mut s = Self::numeric_with_cap(cap);
        s.rows = values.len() as u64;
        if let ColumnBody::Numeric(n) = &mut s.body {
            for v in values {
                match v {
                    Some(x) => n.push(*x),
                    None => s.nulls += 1,
                }
            }
        }
        s
    }

    /// The state of a string column given as values (`None` = null), keeping up to `cap`
    /// distinct values exactly.
    pub fn of_strings<S: AsRef<str>>(values: &[Option<S>], cap: usize) -> Self {
        let mut s = Self::text_with_cap(cap);
        s.rows = values.len() as u64;
        if let ColumnBody::Text(t) = &mut s.body {
            for v in values {
                match v {
                    Some(x) => t.push(x.as_ref()),
                    None => s.nulls += 1,
                }
            }
        }
        s
    }

    /// Merges another state of the same type.
    pub fn merge(&mut self, other: &ColumnState) -> Result<(), StatsError> {
        match (&mut self.body, &other.body) {
            (ColumnBody::Numeric(a), ColumnBody::Numeric(b)) => a.merge(b)?,
            (ColumnBody::Text(a), ColumnBody::Text(b)) => a.merge(b),
            _ => {
                return Err(StatsError::Incompatible(
                    "cannot merge a numeric column state with a text one".into(),
                ))
            }
        }
        self.rows += other.rows;
        self.nulls += other.nulls;
        Ok(())
    }

    /// Numeric statistics, when the column is numeric.
    pub fn as_numeric(&self) -> Option<&NumericState> {
        match &self.body {
            ColumnBody::Numeric(n) => Some(n),
            ColumnBody::Text(_) => None,
        }
    }

    /// Text statistics, when the column is text.
    pub fn as_text(&self) -> Option<&TextState> {
        match &self.body {
            ColumnBody::Text(t) => Some(t),
            ColumnBody::Numeric(_) => None,
        }
    }

    /// Share of null rows (0 for an empty column).
    pub fn null_share(&self) -> f64 {
        ratio(self.nulls, self.rows)
    }

    /// Number of NaN plus infinite values.
    pub fn non_finite(&self) -> u64 {
        self.as_numeric()
            .map_or(0, |n| n.nan + n.pos_inf + n.neg_inf)
    }

    /// Non-null values.
    pub fn non_null(&self) -> u64 {
        self.rows - self.nulls
    }

    /// Distinct non-null values (exact, or estimated in sketch mode). NaN and ±∞ each count once.
    pub fn distinct(&self) -> u64 {
        match &self.body {
            ColumnBody::Numeric(n) => {
                n.values.distinct()
                    + u64::from(n.nan > 0)
                    + u64::from(n.pos_inf > 0)
                    + u64::from(n.neg_inf > 0)
            }
            ColumnBody::Text(t) => t.values.distinct(),
        }
    }

    /// True when distinct values and their counts are exact.
    pub fn distinct_is_exact(&self) -> bool {
        match &self.body {
            ColumnBody::Numeric(n) => n.values.is_exact(),
            ColumnBody::Text(t) => t.values.is_exact(),
        }
    }

    /// The `limit` most frequent values formatted as strings, with counts.
    pub fn top_values(&self, limit: usize) -> Vec<FrequentValue<String>> {
        match &self.body {
            ColumnBody::Text(t) => t.values.top(limit),
            ColumnBody::Numeric(n) => n
                .values
                .top(limit)
                .into_iter()
                .map(|f| FrequentValue {
                    value: format_float(f64::from_bits(f.value)),
                    count: f.count,
                    lower_bound: f.lower_bound,
                    upper_bound: f.upper_bound,
                })
                .collect(),
        }
    }

    /// Every distinct value as a string with its exact count, when the counter is exact.
    pub fn exact_value_counts(&self) -> Option<Vec<(String, u64)>> {
        match &self.body {
            ColumnBody::Text(t) => t
                .values
                .exact_counts()
                .map(|m| m.iter().map(|(k, c)| (k.clone(), *c)).collect()),
            ColumnBody::Numeric(n) => n.values.exact_counts().map(|m| {
                m.iter()
                    .map(|(k, c)| (format_float(f64::from_bits(*k)), *c))
                    .collect()
            }),
        }
    }

    /// Quantile `q` of the finite values (numeric columns only).
    pub fn quantile(&self, q: f64) -> Option<f64> {
        self.as_numeric().and_then(|n| n.quantile(q))
    }

    /// Histogram with `bins` equal-width bins over `[lo, hi]` (numeric), or the `bins` most
    /// frequent categories (text). Numeric counts are exact while distinct values are exact,
    /// otherwise estimated from the KLL sketch (error ± rank error × n per bin edge).
    pub fn histogram(&self, bins: usize, range: Option<(f64, f64)>) -> Option<Histogram> {
        match &self.body {
            ColumnBody::Numeric(n) => {
                let (lo, hi) = match range {
                    Some(r) => r,
                    None => (n.min?, n.max?),
                };
                let edges = equal_width_edges(lo, hi, bins);
                if edges.is_empty() {
                    return None;
                }
                Some(numeric_histogram(n, edges))
            }
            ColumnBody::Text(t) => {
                let top = t.values.top(bins);
                let listed: u64 = top.iter().map(|f| f.count).sum();
                let total = self.non_null();
                Some(Histogram::Categorical {
                    labels: top.iter().map(|f| f.value.clone()).collect(),
                    counts: top.iter().map(|f| f.count as f64).collect(),
                    other: total.saturating_sub(listed) as f64,
                    exact: t.values.is_exact(),
                })
            }
        }
    }
}

/// Counts of a numeric state over explicit edges: exact from the distinct values when the
/// counter is exact, else estimated from the sketch's CDF.
pub fn numeric_histogram(n: &NumericState, edges: Vec<f64>) -> Histogram {
    let bins = edges.len().saturating_sub(1);
    let mut counts = vec![0.0; bins];
    let exact = n.values.is_exact();
    if let Some(map) = n.values.exact_counts() {
        for (k, c) in map {
            if let Some(i) = bin_index(&edges, f64::from_bits(*k)) {
                counts[i] += *c as f64;
            }
        }
    } else {
        let total = n.sketch.count() as f64;
        let last = edges.len() - 1;
        let mut prev = n.sketch.cdf_at(edges[0], false).unwrap_or(0.0);
        for i in 0..bins {
            let inclusive = i + 1 == last;
            let cur = n.sketch.cdf_at(edges[i + 1], inclusive).unwrap_or(prev);
            counts[i] = ((cur - prev) * total).max(0.0);
            prev = cur;
        }
    }
    Histogram::Numeric {
        edges,
        counts,
        exact,
    }
}

/// `num / den`, or 0 when `den` is 0.
#[inline]
pub fn ratio(num: u64, den: u64) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric(values: &[Option<f64>]) -> ColumnState {
        ColumnState::of_numbers(values, DEFAULT_EXACT_CAP)
    }

    fn text(values: &[Option<&str>], cap: usize) -> ColumnState {
        ColumnState::of_strings(values, cap)
    }

    #[test]
    fn numeric_counts_nulls_nan_inf() {
        let s = numeric(&[
            Some(1.0),
            None,
            Some(f64::NAN),
            Some(f64::INFINITY),
            Some(f64::NEG_INFINITY),
            Some(3.0),
            Some(-0.0),
            Some(0.0),
        ]);
        let n = s.as_numeric().unwrap();
        assert_eq!(s.rows, 8);
        assert_eq!(s.nulls, 1);
        assert_eq!(s.non_finite(), 3);
        assert_eq!(n.moments.count, 4);
        assert_eq!(n.min, Some(-0.0));
        assert_eq!(n.max, Some(3.0));
        assert_eq!(n.values.distinct(), 3); // 0, 1, 3
        assert_eq!(s.distinct(), 6); // + NaN, +inf, -inf
        assert!((s.null_share() - 0.125).abs() < 1e-15);
    }

    #[test]
    fn all_null_and_empty_columns() {
        let s = numeric(&[None, None]);
        assert_eq!(s.null_share(), 1.0);
        assert_eq!(s.quantile(0.5), None);
        assert!(s.histogram(10, None).is_none());
        let e = ColumnState::text();
        assert_eq!(e.null_share(), 0.0);
        assert_eq!(e.distinct(), 0);
    }

    #[test]
    fn histogram_exact_matches_numpy() {
        // numpy.histogram([1,2,2,3,4,10], bins=3) -> counts [4, 1, 1], edges [1, 4, 7, 10]
        let s = numeric(&[1.0, 2.0, 2.0, 3.0, 4.0, 10.0].map(Some));
        match s.histogram(3, None).unwrap() {
            Histogram::Numeric {
                edges,
                counts,
                exact,
            } => {
                assert_eq!(edges, vec![1.0, 4.0, 7.0, 10.0]);
                assert_eq!(counts, vec![4.0, 1.0, 1.0]);
                assert!(exact);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn text_kinds_lengths_survive_spill_and_merge() {
        let values: Vec<String> = (0..50).map(|i| format!("{i}")).collect();
        let mut refs: Vec<Option<&str>> = values.iter().map(|s| Some(s.as_str())).collect();
        refs.push(Some("abc"));
        refs.push(None);
        let small_cap = text(&refs, 10);
        let big_cap = text(&refs, 1000);
        assert!(!small_cap.distinct_is_exact());
        assert!(big_cap.distinct_is_exact());
        let (k1, l1) = small_cap.as_text().unwrap().kinds_and_lengths();
        let (k2, l2) = big_cap.as_text().unwrap().kinds_and_lengths();
        assert_eq!(k1, k2);
        assert_eq!(l1, l2);
        assert_eq!(k1.number, 50);
        assert_eq!(k1.text, 1);
        assert_eq!(l1.min, Some(1));
        assert_eq!(l1.max, Some(3));

        let (a, b) = refs.split_at(20);
        let mut merged = text(a, 10);
        merged.merge(&text(b, 10)).unwrap();
        let (k3, l3) = merged.as_text().unwrap().kinds_and_lengths();
        assert_eq!(k3, k1);
        assert_eq!(l3, l1);
        assert_eq!(merged.rows, 52);
        assert_eq!(merged.nulls, 1);
    }

    #[test]
    fn exact_quantiles_follow_numpy_inverted_cdf_and_sketch_is_lazy() {
        // numpy.quantile([1, 2, 2, 3, 4, 10], q, method="inverted_cdf")
        let s = numeric(&[1.0, 2.0, 2.0, 3.0, 4.0, 10.0].map(Some));
        let n = s.as_numeric().unwrap();
        assert_eq!(n.sketch.count(), 0, "no sketch while exact");
        for (q, want) in [
            (0.0, 1.0),
            (0.1, 1.0),
            (0.25, 2.0),
            (0.5, 2.0),
            (0.51, 3.0),
            (0.75, 4.0),
            (1.0, 10.0),
        ] {
            assert_eq!(n.quantile(q), Some(want), "q={q}");
        }
        assert_eq!(n.cdf_at(2.0, true), Some(0.5));
        assert_eq!(n.cdf_at(2.0, false), Some(1.0 / 6.0));
        assert_eq!(n.rank_error(), 0.0);
    }

    #[test]
    fn merge_that_spills_seeds_both_sketches() {
        let mut a = ColumnState::numeric_with_cap(10);
        let mut b = ColumnState::numeric_with_cap(10);
        for (s, range) in [(&mut a, 0..8), (&mut b, 8..16)] {
            for i in range {
                s.rows += 1;
                if let ColumnBody::Numeric(n) = &mut s.body {
                    n.push(f64::from(i));
                    n.push(f64::from(i));
                }
            }
        }
        a.merge(&b).unwrap();
        let n = a.as_numeric().unwrap();
        assert!(!n.values.is_exact());
        assert_eq!(n.sketch.count(), 32);
        assert_eq!(n.quantile(1.0), Some(15.0));
        assert_eq!(n.quantile(0.5), Some(7.0));
    }

    #[test]
    fn merging_numeric_into_text_is_an_error() {
        let mut a = ColumnState::numeric();
        assert!(a.merge(&ColumnState::text()).is_err());
    }
}
