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

/// How the distinct-value keys of a [`NumericState`] encode its values.
///
/// Floating-point columns key values by their canonical bits; integer, temporal and decimal
/// columns key them by the exact integer, so identifiers above 2^53 stay distinct (an `f64`
/// holds every integer only up to 2^53).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeyDomain {
    /// Canonical `f64` bits (see [`float_key`]).
    #[default]
    Float,
    /// Signed integers (and temporal values as their epoch integer): the `i64`'s bits.
    Int,
    /// Unsigned integers: the `u64` itself.
    UInt,
    /// Decimals: the unscaled `i64`'s bits; the value is `unscaled × 10^-scale`.
    Decimal {
        /// Digits after the decimal point (negative: trailing zeros before it).
        scale: i8,
    },
}

impl KeyDomain {
    /// True for the floating-point domain (the layout of version-1 profiles).
    pub fn is_float(&self) -> bool {
        matches!(self, KeyDomain::Float)
    }

    /// The (possibly rounded) `f64` value of a key.
    pub fn value_of(&self, key: u64) -> f64 {
        match self {
            KeyDomain::Float => f64::from_bits(key),
            KeyDomain::Int => key as i64 as f64,
            KeyDomain::UInt => key as f64,
            KeyDomain::Decimal { scale } => key as i64 as f64 / 10f64.powi(i32::from(*scale)),
        }
    }

    /// Orders two keys by the values they stand for (exactly, without rounding).
    pub fn compare(&self, a: u64, b: u64) -> std::cmp::Ordering {
        match self {
            KeyDomain::Float => f64::from_bits(a).total_cmp(&f64::from_bits(b)),
            KeyDomain::Int | KeyDomain::Decimal { .. } => (a as i64).cmp(&(b as i64)),
            KeyDomain::UInt => a.cmp(&b),
        }
    }

    /// The exact text of a key's value: integers in full, decimals without trailing zeros,
    /// floats as [`format_float`].
    pub fn format(&self, key: u64) -> String {
        match self {
            KeyDomain::Float => format_float(f64::from_bits(key)),
            KeyDomain::Int => (key as i64).to_string(),
            KeyDomain::UInt => key.to_string(),
            KeyDomain::Decimal { scale } => format_decimal(i128::from(key as i64), *scale),
        }
    }

    /// The key of a value written as text (as [`KeyDomain::format`] writes it, or any number
    /// equal to it), or `None` when the text is not a value of this domain.
    pub fn parse(&self, text: &str) -> Option<u64> {
        let text = text.trim();
        match self {
            KeyDomain::Float => {
                let v: f64 = text.parse().ok()?;
                v.is_finite().then(|| float_key(v))
            }
            KeyDomain::Int => text
                .parse::<i64>()
                .ok()
                .or_else(|| parse_decimal(text, 0).and_then(|v| i64::try_from(v).ok()))
                .map(|v| v as u64),
            KeyDomain::UInt => text
                .parse::<u64>()
                .ok()
                .or_else(|| parse_decimal(text, 0).and_then(|v| u64::try_from(v).ok())),
            KeyDomain::Decimal { scale } => parse_decimal(text, *scale)
                .and_then(|v| i64::try_from(v).ok())
                .map(|v| v as u64),
        }
    }

    /// Whether a key can stand for a value of this domain (float keys must be finite and
    /// canonical).
    fn key_is_valid(&self, key: u64) -> bool {
        match self {
            KeyDomain::Float => {
                let v = f64::from_bits(key);
                v.is_finite() && float_key(v) == key
            }
            _ => true,
        }
    }
}

/// Writes `unscaled × 10^-scale` exactly, without trailing fractional zeros.
pub fn format_decimal(unscaled: i128, scale: i8) -> String {
    if scale <= 0 {
        let mut s = unscaled.to_string();
        if unscaled != 0 {
            s.extend(std::iter::repeat_n('0', usize::from(scale.unsigned_abs())));
        }
        return s;
    }
    let negative = unscaled < 0;
    let digits = unscaled.unsigned_abs().to_string();
    let scale = usize::from(scale.unsigned_abs());
    let padded = if digits.len() <= scale {
        format!("{}{digits}", "0".repeat(scale + 1 - digits.len()))
    } else {
        digits
    };
    let (int_part, frac_part) = padded.split_at(padded.len() - scale);
    let frac_part = frac_part.trim_end_matches('0');
    let sign = if negative { "-" } else { "" };
    if frac_part.is_empty() {
        format!("{sign}{int_part}")
    } else {
        format!("{sign}{int_part}.{frac_part}")
    }
}

/// Reads a decimal number (`-12.5`, `3`, `1e3` is refused) as its unscaled integer at `scale`,
/// or `None` when it has more fractional digits than `scale` allows or overflows.
pub fn parse_decimal(text: &str, scale: i8) -> Option<i128> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let frac_part = frac_part.trim_end_matches('0');
    let mut value: i128 = 0;
    for b in int_part.bytes() {
        value = value.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
    }
    if scale >= 0 {
        let scale = usize::from(scale.unsigned_abs());
        if frac_part.len() > scale {
            return None;
        }
        for i in 0..scale {
            let digit = frac_part.as_bytes().get(i).map_or(0, |b| b - b'0');
            value = value.checked_mul(10)?.checked_add(i128::from(digit))?;
        }
    } else {
        if !frac_part.is_empty() {
            return None;
        }
        let divisor = 10i128.checked_pow(u32::from(scale.unsigned_abs()))?;
        if value % divisor != 0 {
            return None;
        }
        value /= divisor;
    }
    Some(if negative { -value } else { value })
}

/// The keys of sorted values, each once with how many values in a row have it.
fn distinct_keys(sorted: &[f64], key_of: impl Fn(f64) -> u64) -> Vec<(u64, u64)> {
    let mut distinct: Vec<(u64, u64)> = Vec::with_capacity(sorted.len());
    for x in sorted {
        let key = key_of(*x);
        match distinct.last_mut() {
            Some((last, n)) if *last == key => *n += 1,
            _ => distinct.push((key, 1)),
        }
    }
    distinct
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
    /// Distinct finite values and their frequencies, keyed as [`NumericState::domain`] says.
    pub values: ValueCounter<u64>,
    /// How the keys of [`NumericState::values`] encode values.
    #[serde(default, skip_serializing_if = "KeyDomain::is_float")]
    pub domain: KeyDomain,
    /// Values too wide for an exact key (decimals beyond 18 digits): counted in the moments,
    /// the quantile sketch and the distinct-count sketch, never in the exact frequencies (the
    /// value counter leaves exact mode at the first one).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unkeyed: u64,
    /// Set by a reader that keeps this column's raw values only once its counts leave exact
    /// mode (`assay_engine::capture`): the counts are then recorded in
    /// [`NumericState::exact_exit`] as they are left. Not saved.
    #[serde(skip)]
    pub record_exact_exit: bool,
    /// The exact counts as the column left exact mode (when asked for by
    /// [`NumericState::record_exact_exit`]), for the reader to take. Not saved.
    #[serde(skip)]
    pub exact_exit: Option<ExactExit>,
    /// Set by a reader that keeps every finite value of this column and sorts them once the
    /// read is over (`assay_engine::capture`): once the counts leave exact mode, values
    /// update only the moments and the range (non-finite ones their counts); the quantile
    /// sketch and the distinct counts are then built from the one sorted copy by
    /// [`NumericState::complete_from_sorted`], instead of sorting every batch as it comes.
    /// Only for types whose values an `f64` holds exactly (their keys come back from it).
    /// Not saved.
    #[serde(skip)]
    pub sketches_from_sorted: bool,
}

/// A column's exact counts at the moment they gave way to sketches, and where in the batch
/// being fed that happened: the finite values of that batch before `from` are in `counts`,
/// the others are not.
#[derive(Debug, Clone, Default)]
pub struct ExactExit {
    /// Every distinct finite value counted so far (as `f64`) with its count.
    pub counts: Vec<(f64, u64)>,
    /// Index, among the finite values of the batch being fed, of the first value the counts
    /// did not take; `None` when the values were fed one by one (not through
    /// [`NumericState::extend_floats`] or [`NumericState::extend_keyed`]).
    pub from: Option<usize>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
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
        self.push_keyed(float_key(x), x);
    }

    /// Adds one finite value given by its exact key in [`NumericState::domain`] and its `f64`
    /// value (rounded for integers beyond 2^53; used for moments, range and quantiles).
    #[inline]
    pub fn push_keyed(&mut self, key: u64, x: f64) {
        if self.record_keyed(key, x) {
            self.sketch.push(x);
        }
    }

    /// Counts a finite value everywhere but in the quantile sketch; true when the value
    /// belongs in the sketch too (the counts have left exact mode).
    #[inline]
    fn record_keyed(&mut self, key: u64, x: f64) -> bool {
        self.moments.push(x);
        self.min = Some(self.min.map_or(x, |m| m.min(x)));
        self.max = Some(self.max.map_or(x, |m| m.max(x)));
        self.count_key(key)
    }

    /// Counts a key in the distinct values; true when its value belongs in the quantile sketch
    /// (the counts have left exact mode — once true, true for every later key).
    #[inline]
    fn count_key(&mut self, key: u64) -> bool {
        if self.sketches_from_sorted && !self.values.is_exact() {
            // Counted later, from the sorted values (`complete_from_sorted`).
            return false;
        }
        if self.values.increment_known(&key) {
            return false;
        }
        if self.values.is_exact() {
            if !self.values.would_spill(&key) {
                self.values.push(key);
                return false;
            }
            if self.record_exact_exit && self.exact_exit.is_none() {
                self.exact_exit = self.exact_values().map(|counts| ExactExit {
                    counts: counts.collect(),
                    from: None,
                });
            }
            self.seed_sketch();
        }
        self.values.push(key);
        true
    }

    /// Adds a batch of finite values given by key and value, as [`NumericState::push_keyed`]
    /// would one by one; the quantile sketch takes them in bulk
    /// ([`QuantileSketch::push_batch`]). `deferred` is scratch space, reused across batches.
    pub fn extend_keyed(
        &mut self,
        items: impl IntoIterator<Item = (u64, f64)>,
        deferred: &mut Vec<f64>,
    ) {
        deferred.clear();
        if self.counts_by_batch() {
            // Keys kept for a batch whose values do not all give their key back.
            let items = items.into_iter();
            let mut keys = Vec::with_capacity(items.size_hint().0);
            for (key, x) in items {
                keys.push(key);
                deferred.push(x);
            }
            self.finish_batch(deferred, Some(0), Some(&keys));
            return;
        }
        let mut sketched_from = None;
        for (key, x) in items {
            if self.count_key(key) && sketched_from.is_none() {
                sketched_from = Some(deferred.len());
            }
            deferred.push(x);
        }
        self.mark_exit(sketched_from);
        self.finish_batch(deferred, sketched_from, None);
    }

    /// Records where in this batch the counts left exact mode, if they did.
    fn mark_exit(&mut self, sketched_from: Option<usize>) {
        if let (Some(from), Some(exit)) = (sketched_from, self.exact_exit.as_mut()) {
            exit.from.get_or_insert(from);
        }
    }

    /// True when a batch's values are counted after it is sorted rather than one by one: the
    /// counts have left exact mode (every value goes to the sketches) and the domain's keys
    /// can be read back from the sorted values.
    fn counts_by_batch(&self) -> bool {
        !self.sketches_from_sorted
            && !self.values.is_exact()
            && matches!(
                self.domain,
                KeyDomain::Float | KeyDomain::Int | KeyDomain::UInt
            )
    }

    /// Moments and range of a batch of finite values in bulk, then the values from
    /// `sketched_from` on (those counted after the counts left exact mode) into the quantile
    /// sketch. With `batch_keys` (the keys of the batch's values, in order) the batch's
    /// distinct values are counted here: the quantile sketch leaves them sorted, so equal
    /// values sit together and each distinct value is counted once with its multiplicity
    /// ([`ValueCounter::push_distinct`]).
    fn finish_batch(
        &mut self,
        values: &mut Vec<f64>,
        sketched_from: Option<usize>,
        batch_keys: Option<&[u64]>,
    ) {
        let range = crate::moments::min_max(values);
        match range {
            // A batch of one value: its moments exactly (a sum and a division could put the
            // mean a rounding away from the value and the variance above 0).
            Some((lo, hi)) if lo == hi => self.moments.merge(&crate::moments::Moments {
                count: values.len() as u64,
                mean: lo,
                m2: 0.0,
            }),
            _ => self.moments.push_batch(values),
        }
        if let Some((lo, hi)) = range {
            self.min = Some(self.min.map_or(lo, |m| m.min(lo)));
            self.max = Some(self.max.map_or(hi, |m| m.max(hi)));
        }
        match sketched_from {
            Some(start) => {
                values.drain(..start);
                self.sketch.push_batch(values);
                if let Some(keys) = batch_keys {
                    self.count_sorted_batch(values, range, keys);
                }
            }
            None => values.clear(),
        }
    }

    /// Counts a batch of values (in sketch mode) from the values themselves once sorted,
    /// where their keys can be read back exactly from them (every float; integers when the
    /// batch lies within ±2^53); else `keys` one by one.
    fn count_sorted_batch(
        &mut self,
        values: &mut Vec<f64>,
        range: Option<(f64, f64)>,
        keys: &[u64],
    ) {
        const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0; // 2^53
        let exact_back = self.domain.is_float()
            || range
                .is_some_and(|(lo, hi)| lo.abs() <= EXACT_INTEGERS && hi.abs() <= EXACT_INTEGERS);
        if !exact_back || matches!(self.domain, KeyDomain::Decimal { .. }) {
            keys.iter().for_each(|k| self.values.push(*k));
            return;
        }
        // `push_batch` sorts all but the smallest batches.
        if !values.is_sorted_by(|a, b| a.total_cmp(b).is_le()) {
            *values = crate::quantile::sorted_total_order(std::mem::take(values));
        }
        let distinct = match self.domain {
            KeyDomain::Int => distinct_keys(values, |x| x as i64 as u64),
            KeyDomain::UInt => distinct_keys(values, |x| x as u64),
            // In total order -0.0 sits just before 0.0, and both have one key.
            _ => distinct_keys(values, float_key),
        };
        self.values.push_distinct(&distinct);
    }

    /// Adds a batch of floating-point values (NaN and infinities counted apart), as
    /// [`NumericState::push`] would one by one, the quantile sketch fed in bulk.
    pub fn extend_floats(
        &mut self,
        values: impl IntoIterator<Item = f64>,
        deferred: &mut Vec<f64>,
    ) {
        deferred.clear();
        let by_batch = self.counts_by_batch();
        let mut sketched_from = by_batch.then_some(0);
        for x in values {
            if x.is_nan() {
                self.nan += 1;
            } else if x.is_infinite() {
                if x > 0.0 {
                    self.pos_inf += 1;
                } else {
                    self.neg_inf += 1;
                }
            } else {
                if !by_batch && self.count_key(float_key(x)) && sketched_from.is_none() {
                    sketched_from = Some(deferred.len());
                }
                deferred.push(x);
            }
        }
        self.mark_exit(sketched_from);
        // Float keys come back from the values whatever the batch: no keys kept.
        self.finish_batch(deferred, sketched_from, by_batch.then_some(&[][..]));
    }

    /// Builds the quantile sketch and the distinct counts of a column read with
    /// [`NumericState::sketches_from_sorted`] from all its finite values, sorted in IEEE total
    /// order ([`crate::quantile::sorted_total_order`]), and clears the flag. Nothing to do
    /// when the counts stayed exact. The distinct values are read back from the sorted values
    /// (equal values sit together), each counted once with its multiplicity; the quantile
    /// sketch is one chain of compactions over the whole column
    /// ([`QuantileSketch::push_sorted`], rank error below `2 / k`). The moments, range and
    /// non-finite counts came from the read itself.
    pub fn complete_from_sorted(&mut self, sorted: &[f64]) -> Result<(), String> {
        if !std::mem::take(&mut self.sketches_from_sorted) || self.values.is_exact() {
            return Ok(());
        }
        if sorted.len() as u64 != self.moments.count {
            return Err(format!(
                "{} sorted values for {} finite values counted",
                sorted.len(),
                self.moments.count
            ));
        }
        const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0; // 2^53
        let integers_exact = || {
            sorted.first().is_none_or(|v| v.abs() <= EXACT_INTEGERS)
                && sorted.last().is_none_or(|v| v.abs() <= EXACT_INTEGERS)
        };
        let key_of: fn(f64) -> u64 = match self.domain {
            KeyDomain::Float => float_key,
            KeyDomain::Int if integers_exact() => |x| x as i64 as u64,
            KeyDomain::UInt if integers_exact() => |x| x as u64,
            _ => {
                return Err(format!(
                    "the values of this column ({:?} keys) cannot be counted from their f64 copies",
                    self.domain
                ))
            }
        };
        // The distinct values a chunk at a time (never split across two chunks), so that a
        // column of distinct values is not copied whole.
        const CHUNK: usize = 1 << 16;
        let mut values = ValueCounter::sketch_of_distinct(&[]);
        let mut chunk: Vec<(u64, u64)> = Vec::with_capacity(CHUNK);
        for x in sorted {
            let key = key_of(*x);
            match chunk.last_mut() {
                Some((last, n)) if *last == key => *n += 1,
                _ => {
                    if chunk.len() == CHUNK {
                        values.push_distinct(&chunk);
                        chunk.clear();
                    }
                    chunk.push((key, 1));
                }
            }
        }
        values.push_distinct(&chunk);
        self.values = values;
        let mut sketch = QuantileSketch::new(self.sketch.k());
        sketch.push_sorted(sorted);
        self.sketch = sketch;
        Ok(())
    }

    /// Adds one finite value that has no exact key in this domain (a decimal wider than 18
    /// digits): `identity` feeds the distinct-count sketch, `x` the moments and quantiles.
    pub fn push_unkeyed<H: std::hash::Hash>(&mut self, identity: H, x: f64) {
        self.moments.push(x);
        self.min = Some(self.min.map_or(x, |m| m.min(x)));
        self.max = Some(self.max.map_or(x, |m| m.max(x)));
        if self.values.is_exact() {
            self.seed_sketch();
            self.values.leave_exact_mode();
        }
        self.unkeyed += 1;
        self.sketch.push(x);
        self.values.count_distinct_only(identity);
    }

    /// Feeds the exact counts into the (empty) sketch, before leaving exact mode.
    fn seed_sketch(&mut self) {
        if self.sketch.count() == 0 {
            if let Some(counts) = self.values.exact_counts() {
                seed_from_counts(&mut self.sketch, counts, self.domain);
            }
        }
    }

    /// Every distinct finite value (as `f64`) with its exact count, while counts are exact.
    pub fn exact_values(&self) -> Option<impl Iterator<Item = (f64, u64)> + '_> {
        let domain = self.domain;
        self.values
            .exact_counts()
            .map(move |m| m.iter().map(move |(k, c)| (domain.value_of(*k), *c)))
    }

    /// The count of one value written as text (exact while counts are exact, else the
    /// frequent-values estimate; 0 when unseen or not a value of this column).
    pub fn count_of_label(&self, label: &str) -> u64 {
        self.domain
            .parse(label)
            .map_or(0, |key| self.values.count_of(&key))
    }

    /// Sorted distinct values with cumulative counts, while exact.
    fn exact_cumulative(&self) -> Option<Vec<(f64, u64)>> {
        let counts = self.values.exact_counts()?;
        let mut sorted: Vec<(u64, u64)> = counts.iter().map(|(k, c)| (*k, *c)).collect();
        let domain = self.domain;
        sorted.sort_unstable_by(|a, b| domain.compare(a.0, b.0));
        let mut sorted: Vec<(f64, u64)> = sorted
            .into_iter()
            .map(|(k, c)| (domain.value_of(k), c))
            .collect();
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

    /// Merges another numeric state. Counts are added with overflow checks; two states whose
    /// keys are in different domains (a version-1 profile, whose integers were keyed as floats,
    /// with a newer one) merge in the float domain while both are exact.
    pub fn merge(&mut self, other: &NumericState) -> Result<(), StatsError> {
        let converted;
        let other = if self.domain == other.domain {
            other
        } else {
            if !self.is_fully_exact() || !other.is_fully_exact() {
                return Err(StatsError::Incompatible(
                    "one profile keys this column's values exactly and the other as floating \
                     point (a profile of an older assay, version 1) and they hold too many \
                     distinct values to convert: profile both parts again with this assay"
                        .into(),
                ));
            }
            self.convert_to_float_domain();
            let mut theirs = other.clone();
            theirs.convert_to_float_domain();
            converted = theirs;
            &converted
        };
        let nan = add_counts(self.nan, other.nan, "NaN values")?;
        let pos_inf = add_counts(self.pos_inf, other.pos_inf, "+inf values")?;
        let neg_inf = add_counts(self.neg_inf, other.neg_inf, "-inf values")?;
        let unkeyed = add_counts(self.unkeyed, other.unkeyed, "unkeyed values")?;
        add_counts(self.moments.count, other.moments.count, "finite values")?;
        self.nan = nan;
        self.pos_inf = pos_inf;
        self.neg_inf = neg_inf;
        self.unkeyed = unkeyed;
        self.moments.merge(&other.moments);
        self.min = min_opt(self.min, other.min);
        self.max = max_opt(self.max, other.max);
        // Sketches: while both sides are exact they stay empty; once the union leaves exact
        // mode, each side's sketch is seeded from its exact counts (if it had none) and merged.
        let mine_before = if self.values.may_spill_on_merge(&other.values) {
            self.values.exact_counts().cloned()
        } else {
            None
        };
        self.values.merge(&other.values);
        if !self.values.is_exact() {
            if let Some(counts) = mine_before {
                if self.sketch.count() == 0 {
                    seed_from_counts(&mut self.sketch, &counts, self.domain);
                }
            }
            match other.values.exact_counts() {
                Some(counts) if other.sketch.count() == 0 => {
                    let mut theirs = QuantileSketch::default();
                    seed_from_counts(&mut theirs, counts, other.domain);
                    self.sketch.merge(&theirs)?;
                }
                _ => self.sketch.merge(&other.sketch)?,
            }
        }
        Ok(())
    }

    /// True when every finite value is counted exactly by key.
    fn is_fully_exact(&self) -> bool {
        self.values.is_exact() && self.unkeyed == 0
    }

    /// Re-keys exact counts as floats (the version-1 layout); only called while exact.
    fn convert_to_float_domain(&mut self) {
        if self.domain.is_float() {
            return;
        }
        let domain = self.domain;
        self.values.rekey(|k| float_key(domain.value_of(k)));
        self.domain = KeyDomain::Float;
    }

    /// Checks that a state read from outside (a saved or pushed profile) is consistent:
    /// `non_null` non-null values, counts that add up, finite range and moments, well-formed
    /// sketches. The message names the field that is wrong.
    pub fn validate(&self, non_null: u64) -> Result<(), String> {
        let non_finite = self
            .nan
            .checked_add(self.pos_inf)
            .and_then(|n| n.checked_add(self.neg_inf))
            .ok_or("nan + pos_inf + neg_inf overflows")?;
        let values = non_finite
            .checked_add(self.moments.count)
            .ok_or("the value counts overflow")?;
        if values != non_null {
            return Err(format!(
                "nan ({}) + pos_inf ({}) + neg_inf ({}) + moments.count ({}) = {values}, but the \
                 column has {non_null} non-null values (rows - nulls)",
                self.nan, self.pos_inf, self.neg_inf, self.moments.count
            ));
        }
        let count = self.moments.count;
        if count == 0 {
            if self.min.is_some() || self.max.is_some() {
                return Err("min/max are set but there are no finite values".into());
            }
            if self.moments.mean != 0.0 || self.moments.m2 != 0.0 {
                return Err("moments.mean/m2 are set but there are no finite values".into());
            }
        } else {
            let (Some(lo), Some(hi)) = (self.min, self.max) else {
                return Err(format!("min and max are missing for {count} finite values"));
            };
            if !lo.is_finite() || !hi.is_finite() || lo > hi {
                return Err(format!(
                    "min ({lo}) and max ({hi}) must be finite with min <= max"
                ));
            }
            let mean = self.moments.mean;
            let slack = 1e-9 * lo.abs().max(hi.abs()).max(f64::MIN_POSITIVE);
            if !mean.is_finite() || mean < lo - slack || mean > hi + slack {
                return Err(format!(
                    "moments.mean ({mean}) must be finite and between min ({lo}) and max ({hi})"
                ));
            }
            // M2 may overflow to +inf for values near f64::MAX, but is never negative or NaN.
            if self.moments.m2.is_nan() || self.moments.m2 < 0.0 {
                return Err(format!(
                    "moments.m2 ({}) must be a non-negative number",
                    self.moments.m2
                ));
            }
        }
        if self.unkeyed > count {
            return Err(format!(
                "unkeyed ({}) exceeds the finite values ({count})",
                self.unkeyed
            ));
        }
        if self.unkeyed > 0 && self.values.is_exact() {
            return Err(
                "unkeyed values are only counted by sketches, but the value counter is exact"
                    .into(),
            );
        }
        let domain = self.domain;
        self.values
            .validate(count - self.unkeyed, |k| domain.key_is_valid(*k))
            .map_err(|e| format!("values: {e}"))?;
        let sketched = self.sketch.count();
        if self.values.is_exact() {
            if sketched != 0 {
                return Err(format!(
                    "sketch holds {sketched} values but the counts are exact (it must be empty)"
                ));
            }
        } else {
            if sketched != count {
                return Err(format!(
                    "sketch holds {sketched} values but there are {count} finite values"
                ));
            }
            if let (Some(lo), Some(hi)) = (self.sketch.min(), self.sketch.max()) {
                if Some(lo) != self.min || Some(hi) != self.max {
                    return Err(format!(
                        "the sketch's range [{lo}, {hi}] differs from min/max"
                    ));
                }
            }
        }
        Ok(())
    }
}

/// `a + b` for counts, or an error naming what overflowed.
fn add_counts(a: u64, b: u64, what: &str) -> Result<u64, StatsError> {
    a.checked_add(b)
        .ok_or_else(|| StatsError::Incompatible(format!("merged count of {what} overflows")))
}

/// Feeds exact counts into a sketch in value order.
fn seed_from_counts(
    sketch: &mut QuantileSketch,
    counts: &ahash::AHashMap<u64, u64>,
    domain: KeyDomain,
) {
    let mut sorted: Vec<(u64, u64)> = counts.iter().map(|(k, c)| (*k, *c)).collect();
    sorted.sort_unstable_by(|a, b| domain.compare(a.0, b.0));
    for (k, c) in sorted {
        let v = domain.value_of(k);
        for _ in 0..c {
            sketch.push(v);
        }
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
        self.blank = self.blank.saturating_add(o.blank);
        self.number = self.number.saturating_add(o.number);
        self.boolean = self.boolean.saturating_add(o.boolean);
        self.date = self.date.saturating_add(o.date);
        self.text = self.text.saturating_add(o.text);
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
        self.count = self.count.saturating_add(n);
        self.sum = self.sum.saturating_add(len.saturating_mul(n));
        self.min = Some(self.min.map_or(len, |m| m.min(len)));
        self.max = Some(self.max.map_or(len, |m| m.max(len)));
    }

    fn merge(&mut self, o: &LengthStats) {
        self.count = self.count.saturating_add(o.count);
        self.sum = self.sum.saturating_add(o.sum);
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
        if self.values.increment_known(v) {
            return;
        }
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
        if n == 0 || self.values.add_known(v, n) {
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

    /// Checks a state read from outside: `non_null` values counted once each, consistent kind
    /// and length statistics.
    pub fn validate(&self, non_null: u64) -> Result<(), String> {
        self.values
            .validate(non_null, |_| true)
            .map_err(|e| format!("values: {e}"))?;
        if self.values.is_exact() {
            if self.spilled_kinds != KindCounts::default()
                || self.spilled_lengths != LengthStats::default()
            {
                return Err(
                    "spilled_kinds/spilled_lengths must be empty while the counts are exact".into(),
                );
            }
            return Ok(());
        }
        let k = &self.spilled_kinds;
        let kinds = [k.blank, k.number, k.boolean, k.date, k.text]
            .into_iter()
            .try_fold(0u64, u64::checked_add)
            .ok_or("spilled_kinds overflow when added")?;
        if kinds != non_null {
            return Err(format!(
                "spilled_kinds add up to {kinds}, expected {non_null} non-null values"
            ));
        }
        let l = &self.spilled_lengths;
        if l.count != non_null {
            return Err(format!(
                "spilled_lengths.count is {}, expected {non_null}",
                l.count
            ));
        }
        match (l.min, l.max) {
            (None, None) if l.count == 0 && l.sum == 0 => {}
            (Some(lo), Some(hi))
                if lo <= hi
                    && lo.checked_mul(l.count).is_some_and(|s| s <= l.sum)
                    && hi.checked_mul(l.count).is_none_or(|s| s >= l.sum) => {}
            _ => {
                return Err(format!(
                    "spilled_lengths are inconsistent (min {:?}, max {:?}, sum {}, count {})",
                    l.min, l.max, l.sum, l.count
                ))
            }
        }
        Ok(())
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

    /// Merges another state of the same type. Counts are added with overflow checks (a
    /// merged count that does not fit is an error, never a wrapped number).
    pub fn merge(&mut self, other: &ColumnState) -> Result<(), StatsError> {
        let rows = add_counts(self.rows, other.rows, "rows")?;
        let nulls = add_counts(self.nulls, other.nulls, "nulls")?;
        match (&mut self.body, &other.body) {
            (ColumnBody::Numeric(a), ColumnBody::Numeric(b)) => a.merge(b)?,
            (ColumnBody::Text(a), ColumnBody::Text(b)) => a.merge(b),
            _ => {
                return Err(StatsError::Incompatible(
                    "cannot merge a numeric column state with a text one".into(),
                ))
            }
        }
        self.rows = rows;
        self.nulls = nulls;
        Ok(())
    }

    /// Checks a state read from outside (a saved or pushed profile) before it is used: counts
    /// consistent with each other, finite numbers where they must be, well-formed sketches.
    /// The message names the field that is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.nulls > self.rows {
            return Err(format!(
                "nulls ({}) exceed rows ({})",
                self.nulls, self.rows
            ));
        }
        let non_null = self.rows - self.nulls;
        match &self.body {
            ColumnBody::Numeric(n) => n.validate(non_null),
            ColumnBody::Text(t) => t.validate(non_null),
        }
    }

    /// Numeric statistics, when the column is numeric.
    pub fn as_numeric(&self) -> Option<&NumericState> {
        match &self.body {
            ColumnBody::Numeric(n) => Some(n),
            ColumnBody::Text(_) => None,
        }
    }

    /// The numeric state, mutably, if this is a numeric column.
    pub fn as_numeric_mut(&mut self) -> Option<&mut NumericState> {
        match &mut self.body {
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
        self.rows.saturating_sub(self.nulls)
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
                .top_by(limit, |a, b| n.domain.compare(*a, *b))
                .into_iter()
                .map(|f| FrequentValue {
                    value: n.domain.format(f.value),
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
            ColumnBody::Numeric(n) => n
                .values
                .exact_counts()
                .map(|m| m.iter().map(|(k, c)| (n.domain.format(*k), *c)).collect()),
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
    if let Some(values) = n.exact_values() {
        for (v, c) in values {
            if let Some(i) = bin_index(&edges, v) {
                counts[i] += c as f64;
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

    /// Counts of a column past the exact cap, fed in batches: the batch path (values counted
    /// once sorted) keeps the frequent values' bounds against the true counts, finds the
    /// heavy values, and counts distinct values as the one-by-one path does (the same
    /// HyperLogLog registers, whatever the order).
    #[test]
    fn batches_past_the_cap_are_counted_once_sorted() {
        // 300k values: 0.0 and -0.0 (one value, 25%), 7.5 (10%), integers spread wide, and
        // NaN (not counted among values).
        let value = |i: u64| -> f64 {
            let r = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 24;
            match r % 20 {
                0..=2 => 0.0,
                3..=4 => -0.0,
                5 | 6 => 7.5,
                7 => f64::NAN,
                _ => (r % 50_000) as f64 * 1.25,
            }
        };
        let values: Vec<f64> = (0..300_000).map(value).collect();
        let mut truth: std::collections::HashMap<u64, u64> = Default::default();
        for v in values.iter().filter(|v| v.is_finite()) {
            *truth.entry(float_key(*v)).or_insert(0) += 1;
        }
        let mut batched = NumericState {
            values: ValueCounter::with_cap(1_000),
            ..NumericState::default()
        };
        let mut deferred = Vec::new();
        for chunk in values.chunks(8_192) {
            batched.extend_floats(chunk.iter().copied(), &mut deferred);
        }
        let mut single = NumericState {
            values: ValueCounter::with_cap(1_000),
            ..NumericState::default()
        };
        values.iter().for_each(|v| single.push(*v));
        assert!(!batched.values.is_exact());
        assert_eq!(batched.nan, single.nan);
        assert_eq!(batched.moments.count, single.moments.count);
        assert_eq!(batched.sketch.count(), single.sketch.count());
        let (d_batched, d_single) = (batched.values.distinct(), single.values.distinct());
        let true_distinct = truth.len() as f64;
        for d in [d_batched, d_single] {
            assert!(
                (d as f64 - true_distinct).abs() < 0.05 * true_distinct,
                "{d} vs {true_distinct}"
            );
        }
        let top = batched.values.top(5);
        assert_eq!(top[0].value, float_key(0.0));
        assert_eq!(top[1].value, float_key(7.5));
        let n = batched.moments.count;
        for row in &top {
            let f = truth[&row.value];
            assert!(
                row.lower_bound <= f && f <= row.upper_bound,
                "{row:?} against {f}"
            );
            assert!(row.upper_bound - row.lower_bound <= n / 1025);
        }
    }

    /// A state that skipped its sketches during the read, completed from the sorted copy,
    /// against the state fed value by value.
    #[test]
    fn sketches_built_from_the_sorted_copy_match_the_data() {
        // 200k values past a cap of 1,000: 0.0 and -0.0 (one value, 15%), 7.5 (10%), then
        // floats spread wide; NaN and +inf counted apart.
        let value = |i: u64| -> f64 {
            let r = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 24;
            match r % 20 {
                0 | 1 => 0.0,
                2 => -0.0,
                3 | 4 => 7.5,
                5 => f64::NAN,
                6 => f64::INFINITY,
                _ => (r % 90_000) as f64 * 0.37 - 1_000.0,
            }
        };
        let values: Vec<f64> = (0..200_000).map(value).collect();
        let mut truth: std::collections::HashMap<u64, u64> = Default::default();
        for v in values.iter().filter(|v| v.is_finite()) {
            *truth.entry(float_key(*v)).or_insert(0) += 1;
        }
        let mut deferred = NumericState {
            values: ValueCounter::with_cap(1_000),
            sketches_from_sorted: true,
            ..NumericState::default()
        };
        let mut scratch = Vec::new();
        for chunk in values.chunks(8_192) {
            deferred.extend_floats(chunk.iter().copied(), &mut scratch);
        }
        let mut streamed = NumericState {
            values: ValueCounter::with_cap(1_000),
            ..NumericState::default()
        };
        values.iter().for_each(|v| streamed.push(*v));
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let sorted = crate::quantile::sorted_total_order(finite);
        // A copy of the wrong length is refused, and the flag stays until a completion.
        assert!(deferred.clone().complete_from_sorted(&sorted[1..]).is_err());
        deferred.complete_from_sorted(&sorted).unwrap();
        assert!(!deferred.sketches_from_sorted);
        // What the read counted itself is the streamed state's.
        assert_eq!(deferred.nan, streamed.nan);
        assert_eq!(deferred.pos_inf, streamed.pos_inf);
        assert_eq!(deferred.moments.count, streamed.moments.count);
        assert_eq!((deferred.min, deferred.max), (streamed.min, streamed.max));
        // The sketches hold every finite value once.
        assert_eq!(deferred.sketch.count(), sorted.len() as u64);
        let true_distinct = truth.len() as f64;
        let d = deferred.values.distinct() as f64;
        assert!(
            (d - true_distinct).abs() < 0.05 * true_distinct,
            "{d} vs {true_distinct}"
        );
        // The frequent values, their true counts within the summary's bounds.
        let top = deferred.values.top(2);
        assert_eq!(top[0].value, float_key(0.0));
        assert_eq!(top[1].value, float_key(7.5));
        for row in &top {
            let f = truth[&row.value];
            assert!(
                row.lower_bound <= f && f <= row.upper_bound,
                "{row:?} against {f}"
            );
            assert!(row.upper_bound - row.lower_bound <= sorted.len() as u64 / 1025);
        }
        // Every quantile within the deterministic bound of one compaction chain: 2 / k.
        let n = sorted.len() as f64;
        let bound = 2.0 / f64::from(crate::quantile::DEFAULT_KLL_K);
        for q in (1..100).map(|p| f64::from(p) / 100.0) {
            let x = deferred.sketch.quantile(q).unwrap();
            let below = sorted.partition_point(|v| *v < x) as f64 / n;
            let upto = sorted.partition_point(|v| *v <= x) as f64 / n;
            assert!(
                below - bound <= q && q <= upto + bound,
                "q {q}: {x} has ranks {below}..{upto}"
            );
        }
        deferred
            .validate(sorted.len() as u64 + deferred.nan + deferred.pos_inf)
            .unwrap();
    }

    #[test]
    fn integer_sketches_from_the_sorted_copy_and_their_limits() {
        let ints: Vec<i64> = (0..50_000).map(|i| (i * 7_919) % 20_011 - 10_000).collect();
        let mut state = NumericState {
            values: ValueCounter::with_cap(100),
            domain: KeyDomain::Int,
            sketches_from_sorted: true,
            ..NumericState::default()
        };
        let mut scratch = Vec::new();
        for chunk in ints.chunks(4_096) {
            state.extend_keyed(chunk.iter().map(|v| (*v as u64, *v as f64)), &mut scratch);
        }
        let sorted = crate::quantile::sorted_total_order(ints.iter().map(|v| *v as f64).collect());
        let mut beyond = state.clone();
        state.complete_from_sorted(&sorted).unwrap();
        let d = state.values.distinct() as f64;
        assert!((d - 20_011.0).abs() < 0.05 * 20_011.0, "{d}");
        assert_eq!(state.sketch.min(), Some(-10_000.0));
        assert!(!state.values.is_exact());
        // Uniform over -10000..=10010: the median within 1 % of the ranks of 5.
        let median = state.sketch.quantile(0.5).unwrap();
        assert!((median - 5.0).abs() <= 0.01 * 20_011.0 + 1.0, "{median}");
        // Integers past 2^53 have no exact key in an f64 copy: refused, not miscounted.
        let mut wide = sorted.clone();
        if let Some(last) = wide.last_mut() {
            *last = 2f64.powi(60);
        }
        assert!(beyond.complete_from_sorted(&wide).is_err());
    }

    /// Integer keys beyond 2^53 do not survive a trip through `f64`: such batches are counted
    /// by their keys, and values one apart stay apart.
    #[test]
    fn wide_integer_batches_keep_their_keys() {
        let base: i64 = 1 << 60;
        let mut state = NumericState {
            domain: KeyDomain::Int,
            values: ValueCounter::with_cap(10),
            ..NumericState::default()
        };
        let mut deferred = Vec::new();
        for round in 0..40i64 {
            let items: Vec<(u64, f64)> = (0..100i64)
                .map(|i| {
                    let k = if i % 2 == 0 {
                        base + 1
                    } else {
                        base + 2 + round * 100 + i
                    };
                    (k as u64, k as f64)
                })
                .collect();
            state.extend_keyed(items, &mut deferred);
        }
        assert!(!state.values.is_exact());
        let top = state.values.top(1);
        assert_eq!(top[0].value, (base + 1) as u64);
        assert!(top[0].lower_bound <= 2_000 && 2_000 <= top[0].upper_bound);
        // Small integers are read back from the sorted values.
        let mut small = NumericState {
            domain: KeyDomain::Int,
            values: ValueCounter::with_cap(10),
            ..NumericState::default()
        };
        for round in 0..40i64 {
            let items: Vec<(u64, f64)> = (0..100i64)
                .map(|i| {
                    let k = if i % 2 == 0 { -3 } else { round * 100 + i };
                    (k as u64, k as f64)
                })
                .collect();
            small.extend_keyed(items, &mut deferred);
        }
        let top = small.values.top(1);
        assert_eq!(top[0].value, (-3i64) as u64);
        assert!(top[0].lower_bound <= 2_000 && 2_000 <= top[0].upper_bound);
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
