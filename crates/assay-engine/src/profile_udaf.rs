//! `assay_profile(column)`: a DataFusion aggregate function whose state is a
//! [`ColumnState`]. DataFusion runs it per partition in parallel (partial aggregation),
//! ships each partition's state as bytes and merges them (final aggregation), exactly as its
//! own aggregates do: this is how a profile uses every core in one pass.

use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, BinaryArray, BooleanArray, DictionaryArray, LargeStringArray,
    StringArray, StringViewArray,
};
use arrow::compute::cast;
use arrow::datatypes::{
    ArrowDictionaryKeyType, DataType, Field, FieldRef, Int16Type, Int32Type, Int64Type, Int8Type,
    UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use datafusion::common::{DataFusionError, Result as DfResult, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, Signature, Volatility,
};

use assay_stats::column_state::KeyDomain;
use assay_stats::{ColumnBody, ColumnState, NumericState};

/// How a column's values are fed to its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueClass {
    /// Numbers, and temporal values as their epoch integer.
    Numeric,
    /// Strings, booleans and anything else rendered as text.
    Text,
}

/// The value class of an Arrow type, or `None` when the type cannot be profiled.
pub fn value_class(dt: &DataType) -> Option<ValueClass> {
    use DataType::*;
    match dt {
        Int8
        | Int16
        | Int32
        | Int64
        | UInt8
        | UInt16
        | UInt32
        | UInt64
        | Float16
        | Float32
        | Float64
        | Decimal32(_, _)
        | Decimal64(_, _)
        | Decimal128(_, _)
        | Decimal256(_, _) => Some(ValueClass::Numeric),
        Date32 | Date64 | Timestamp(_, _) | Time32(_) | Time64(_) | Duration(_) => {
            Some(ValueClass::Numeric)
        }
        Utf8 | LargeUtf8 | Utf8View | Boolean => Some(ValueClass::Text),
        Dictionary(_, v) => match v.as_ref() {
            Utf8 | LargeUtf8 | Utf8View => Some(ValueClass::Text),
            other => value_class(other),
        },
        // Nested and binary types are profiled through their text form where Arrow can cast
        // them; otherwise only rows and nulls are counted.
        _ => Some(ValueClass::Text),
    }
}

/// How a numeric column's distinct values are keyed: integers, temporal values and decimals
/// of up to 18 digits exactly, floats by their bits (see [`KeyDomain`]).
pub fn key_domain(dt: &DataType) -> KeyDomain {
    use DataType::*;
    match dt {
        Int8 | Int16 | Int32 | Int64 => KeyDomain::Int,
        Date32 | Date64 | Timestamp(_, _) | Time32(_) | Time64(_) | Duration(_) => KeyDomain::Int,
        UInt8 | UInt16 | UInt32 | UInt64 => KeyDomain::UInt,
        Decimal32(_, s) | Decimal64(_, s) | Decimal128(_, s) | Decimal256(_, s) => {
            KeyDomain::Decimal { scale: *s }
        }
        Dictionary(_, v) => key_domain(v),
        _ => KeyDomain::Float,
    }
}

/// The profile aggregate. `rows_seen` counts rows fed (for progress display only).
#[derive(Debug)]
pub struct ProfileAggregate {
    signature: Signature,
    exact_cap: usize,
    rows_seen: Arc<AtomicU64>,
}

impl PartialEq for ProfileAggregate {
    fn eq(&self, other: &Self) -> bool {
        self.exact_cap == other.exact_cap
    }
}
impl Eq for ProfileAggregate {}
impl Hash for ProfileAggregate {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.exact_cap.hash(state);
    }
}

impl ProfileAggregate {
    /// Name under which the function is registered.
    pub const NAME: &'static str = "assay_profile";

    /// A profile aggregate keeping up to `exact_cap` distinct values exactly per column.
    pub fn new(exact_cap: usize, rows_seen: Arc<AtomicU64>) -> Self {
        Self {
            signature: Signature::any(1, Volatility::Immutable),
            exact_cap,
            rows_seen,
        }
    }

    /// Wraps it as a DataFusion [`AggregateUDF`].
    pub fn udaf(exact_cap: usize, rows_seen: Arc<AtomicU64>) -> AggregateUDF {
        AggregateUDF::from(Self::new(exact_cap, rows_seen))
    }
}

impl AggregateUDFImpl for ProfileAggregate {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Binary)
    }

    fn accumulator(&self, args: AccumulatorArgs) -> DfResult<Box<dyn Accumulator>> {
        let field = args
            .expr_fields
            .first()
            .ok_or_else(|| DataFusionError::Plan("assay_profile takes one column".to_string()))?;
        let class = value_class(field.data_type()).ok_or_else(|| {
            DataFusionError::Plan(format!(
                "column `{}` has type {} which assay cannot profile",
                field.name(),
                field.data_type()
            ))
        })?;
        Ok(Box::new(ProfileAccumulator::new(
            class,
            key_domain(field.data_type()),
            self.exact_cap,
            self.rows_seen.clone(),
        )))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> DfResult<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new(
            format!("{}[state]", args.name),
            DataType::Binary,
            true,
        ))])
    }
}

/// Accumulates one column's [`ColumnState`].
#[derive(Debug)]
pub struct ProfileAccumulator {
    state: ColumnState,
    rows_seen: Arc<AtomicU64>,
}

impl ProfileAccumulator {
    fn new(class: ValueClass, domain: KeyDomain, cap: usize, rows_seen: Arc<AtomicU64>) -> Self {
        Self {
            state: empty_state(class, domain, cap),
            rows_seen,
        }
    }

    fn encode(&self) -> DfResult<ScalarValue> {
        let bytes = serde_json::to_vec(&self.state)
            .map_err(|e| DataFusionError::Execution(format!("profile state: {e}")))?;
        Ok(ScalarValue::Binary(Some(bytes)))
    }
}

/// An empty state for a column of that class, numeric values keyed in `domain`.
pub fn empty_state(class: ValueClass, domain: KeyDomain, cap: usize) -> ColumnState {
    match class {
        ValueClass::Numeric => {
            let mut state = ColumnState::numeric_with_cap(cap);
            if let ColumnBody::Numeric(n) = &mut state.body {
                n.domain = domain;
            }
            state
        }
        ValueClass::Text => ColumnState::text_with_cap(cap),
    }
}

/// The empty state of a column of Arrow type `dt` (`None` when it cannot be profiled).
pub fn empty_state_for(dt: &DataType, cap: usize) -> Option<ColumnState> {
    value_class(dt).map(|class| empty_state(class, key_domain(dt), cap))
}

/// Feeds one Arrow array into a column state.
pub fn update_state(state: &mut ColumnState, array: &ArrayRef) -> DfResult<()> {
    state.rows += array.len() as u64;
    state.nulls += array.logical_null_count() as u64;
    match &mut state.body {
        ColumnBody::Numeric(n) => feed_numeric(n, array)?,
        ColumnBody::Text(t) => feed_text(t, array)?,
    }
    Ok(())
}

/// Feeds numbers: floats by value; integers, temporal values and decimals by their exact
/// integer key (so values above 2^53 stay distinct), with their `f64` for moments and range.
/// Integers are read once, as integers (their `f64` is `key as f64`, what Arrow's cast gives);
/// the quantile sketch takes each batch in bulk.
fn feed_numeric(n: &mut NumericState, array: &ArrayRef) -> DfResult<()> {
    use arrow::datatypes::{Decimal128Type, Decimal256Type, Float64Type};
    let values = match array.data_type() {
        DataType::Dictionary(_, v) => cast(array, v)?,
        _ => array.clone(),
    };
    let mut deferred = Vec::with_capacity(values.len() - values.null_count());
    match n.domain {
        KeyDomain::Float => {
            let floats = numeric_as_f64(&values)?;
            let f = floats.as_primitive::<Float64Type>();
            if f.null_count() == 0 {
                n.extend_floats(f.values().iter().copied(), &mut deferred);
            } else {
                n.extend_floats(f.iter().flatten(), &mut deferred);
            }
        }
        KeyDomain::Int => {
            let ints = cast(&values, &DataType::Int64)?;
            let ints = ints.as_primitive::<Int64Type>();
            if ints.null_count() == 0 {
                let keyed = ints.values().iter().map(|k| (*k as u64, *k as f64));
                n.extend_keyed(keyed, &mut deferred);
            } else {
                let keyed = ints.iter().flatten().map(|k| (k as u64, k as f64));
                n.extend_keyed(keyed, &mut deferred);
            }
        }
        KeyDomain::UInt => {
            let ints = cast(&values, &DataType::UInt64)?;
            let ints = ints.as_primitive::<UInt64Type>();
            let keyed = ints.iter().flatten().map(|k| (k, k as f64));
            n.extend_keyed(keyed, &mut deferred);
        }
        KeyDomain::Decimal { .. } => {
            let floats = numeric_as_f64(&values)?;
            let f = floats.as_primitive::<Float64Type>();
            match values.data_type() {
                DataType::Decimal256(_, _) => {
                    let d = values.as_primitive::<Decimal256Type>();
                    for (k, x) in d.iter().zip(f.iter()) {
                        if let (Some(k), Some(x)) = (k, x) {
                            match k.to_i128().and_then(|v| i64::try_from(v).ok()) {
                                Some(v) => n.push_keyed(v as u64, x),
                                None => n.push_unkeyed(k.to_le_bytes(), x),
                            }
                        }
                    }
                }
                _ => {
                    let wide = match values.data_type() {
                        DataType::Decimal32(p, s) | DataType::Decimal64(p, s) => {
                            cast(&values, &DataType::Decimal128((*p).max(1), *s))?
                        }
                        _ => values.clone(),
                    };
                    let d = wide.as_primitive::<Decimal128Type>();
                    for (k, x) in d.iter().zip(f.iter()) {
                        if let (Some(k), Some(x)) = (k, x) {
                            match i64::try_from(k) {
                                Ok(v) => n.push_keyed(v as u64, x),
                                Err(_) => n.push_unkeyed(k, x),
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

fn numeric_as_f64(array: &ArrayRef) -> DfResult<ArrayRef> {
    use DataType::*;
    let dt = array.data_type();
    let via_int = matches!(
        dt,
        Date32 | Date64 | Timestamp(_, _) | Time32(_) | Time64(_) | Duration(_)
    );
    let arr = if let Dictionary(_, _) = dt {
        let values_type = match dt {
            Dictionary(_, v) => v.as_ref().clone(),
            _ => Float64,
        };
        cast(array, &values_type)?
    } else {
        array.clone()
    };
    let arr = if via_int { cast(&arr, &Int64)? } else { arr };
    Ok(cast(&arr, &Float64)?)
}

fn feed_text(t: &mut assay_stats::TextState, array: &ArrayRef) -> DfResult<()> {
    use DataType::*;
    match array.data_type() {
        Utf8 => {
            let a: &StringArray = array.as_string::<i32>();
            a.iter().flatten().for_each(|v| t.push(v));
        }
        LargeUtf8 => {
            let a: &LargeStringArray = array.as_string::<i64>();
            a.iter().flatten().for_each(|v| t.push(v));
        }
        Utf8View => feed_views(t, array.as_string_view()),
        Boolean => {
            let a: &BooleanArray = array.as_boolean();
            t.push_n("true", a.true_count() as u64);
            t.push_n("false", a.false_count() as u64);
        }
        Dictionary(k, _) => match k.as_ref() {
            Int8 => feed_dictionary::<Int8Type>(t, array)?,
            Int16 => feed_dictionary::<Int16Type>(t, array)?,
            Int32 => feed_dictionary::<Int32Type>(t, array)?,
            Int64 => feed_dictionary::<Int64Type>(t, array)?,
            UInt8 => feed_dictionary::<UInt8Type>(t, array)?,
            UInt16 => feed_dictionary::<UInt16Type>(t, array)?,
            UInt32 => feed_dictionary::<UInt32Type>(t, array)?,
            UInt64 => feed_dictionary::<UInt64Type>(t, array)?,
            _ => feed_cast_text(t, array)?,
        },
        Null => {}
        _ => feed_cast_text(t, array)?,
    }
    Ok(())
}

/// Distinct values past which a text column's string views are counted one by one.
const VIEW_COUNTING_MAX_DISTINCT: u64 = 1_000;

/// Counts a batch of string views. A view of a string up to 12 bytes holds the whole string
/// (its length, then its bytes inline), so in a column of few distinct values such values are
/// counted by their 16-byte view — one integer hash, no string hashing or comparison — and
/// added to the state once per distinct value of the batch, in view order; longer strings, and
/// every value of a column past [`VIEW_COUNTING_MAX_DISTINCT`] distinct values (where a batch
/// repeats too little to gain), go one by one.
fn feed_views(t: &mut assay_stats::TextState, a: &StringViewArray) {
    const INLINE: u32 = 12;
    if t.values.distinct() > VIEW_COUNTING_MAX_DISTINCT {
        a.iter().flatten().for_each(|v| t.push(v));
        return;
    }
    let views = a.views();
    let mut short: ahash::AHashMap<u128, u64> = ahash::AHashMap::new();
    let mut count = |i: usize| {
        let view = views[i];
        if (view as u32) <= INLINE {
            *short.entry(view).or_insert(0) += 1;
        } else {
            t.push(a.value(i));
        }
    };
    match a.nulls() {
        None => (0..a.len()).for_each(&mut count),
        Some(nulls) => nulls.valid_indices().for_each(&mut count),
    }
    let mut distinct: Vec<(u128, u64)> = short.into_iter().collect();
    distinct.sort_unstable_by_key(|(view, _)| *view);
    for (view, n) in distinct {
        let bytes = view.to_le_bytes();
        let len = (view as u32) as usize;
        // The array holds valid UTF-8 (checked when it was built): the lossy form is the
        // string itself, borrowed, and keeps this free of `unsafe`.
        t.push_n(&String::from_utf8_lossy(&bytes[4..4 + len]), n);
    }
}

fn feed_dictionary<K: ArrowDictionaryKeyType>(
    t: &mut assay_stats::TextState,
    array: &ArrayRef,
) -> DfResult<()> {
    let dict: &DictionaryArray<K> = array.as_dictionary::<K>();
    let values = cast(dict.values(), &DataType::Utf8)?;
    let values = values.as_string::<i32>();
    let mut counts = vec![0u64; values.len()];
    for key in dict.keys().iter().flatten() {
        let i = key.as_usize();
        if i < counts.len() {
            counts[i] += 1;
        }
    }
    for (i, n) in counts.into_iter().enumerate() {
        if n == 0 || values.is_null(i) {
            continue;
        }
        t.push_n(values.value(i), n);
    }
    Ok(())
}

/// Other types (binary, nested lists and structs, intervals…) are profiled through their text
/// form: Arrow's cast where it has one, else Arrow's display of each value (`{a: 1, b: x}`,
/// `[1, 2]`), so every non-null value is counted.
fn feed_cast_text(t: &mut assay_stats::TextState, array: &ArrayRef) -> DfResult<()> {
    // A cast that turns values into nulls (binary that is not UTF-8) loses them: those types
    // are shown as Arrow displays them (hex for binary).
    if let Ok(s) = cast(array, &DataType::Utf8) {
        if s.null_count() == array.null_count() {
            s.as_string::<i32>()
                .iter()
                .flatten()
                .for_each(|v| t.push(v));
            return Ok(());
        }
    }
    let options = arrow::util::display::FormatOptions::default().with_null("");
    let formatter = arrow::util::display::ArrayFormatter::try_new(array.as_ref(), &options)?;
    let mut text = String::new();
    for i in 0..array.len() {
        if array.is_null(i) {
            continue;
        }
        text.clear();
        use std::fmt::Write as _;
        write!(text, "{}", formatter.value(i))
            .map_err(|e| DataFusionError::Execution(format!("formatting a value: {e}")))?;
        t.push(&text);
    }
    Ok(())
}

use arrow::datatypes::ArrowNativeType as _;

impl Accumulator for ProfileAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        if let Some(array) = values.first() {
            update_state(&mut self.state, array)?;
            self.rows_seen
                .fetch_add(array.len() as u64, Ordering::Relaxed);
        }
        Ok(())
    }

    fn evaluate(&mut self) -> DfResult<ScalarValue> {
        self.encode()
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + 64 * 1024
    }

    fn state(&mut self) -> DfResult<Vec<ScalarValue>> {
        Ok(vec![self.encode()?])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> DfResult<()> {
        let Some(array) = states.first() else {
            return Ok(());
        };
        let bin: &BinaryArray = array.as_binary::<i32>();
        for bytes in bin.iter().flatten() {
            let other: ColumnState = serde_json::from_slice(bytes)
                .map_err(|e| DataFusionError::Execution(format!("profile state: {e}")))?;
            self.state
                .merge(&other)
                .map_err(|e| DataFusionError::Execution(e.to_string()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{
        BooleanArray, Date32Array, Decimal128Array, DictionaryArray, Float64Array, Int64Array,
        StringArray, StringViewArray,
    };
    use arrow::datatypes::Int32Type;

    fn accumulator(array: &ArrayRef) -> ProfileAccumulator {
        let class = value_class(array.data_type()).unwrap();
        ProfileAccumulator::new(
            class,
            key_domain(array.data_type()),
            1000,
            Arc::new(AtomicU64::new(0)),
        )
    }

    fn decode(v: ScalarValue) -> ColumnState {
        match v {
            ScalarValue::Binary(Some(b)) => serde_json::from_slice(&b).unwrap(),
            other => panic!("unexpected {other:?}"),
        }
    }

    /// For every supported input type: updating one accumulator with two batches equals
    /// updating two and merging their serialized states (DataFusion's partial/final split).
    #[test]
    fn state_round_trip_for_every_input_type() {
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(vec![Some(1), None, Some(3), Some(3)])),
            Arc::new(Float64Array::from(vec![
                Some(1.5),
                Some(f64::NAN),
                None,
                Some(f64::INFINITY),
            ])),
            Arc::new(StringArray::from(vec![
                Some("a"),
                None,
                Some("b"),
                Some("a"),
            ])),
            Arc::new(StringViewArray::from(vec![
                Some("x"),
                Some("y"),
                None,
                Some("x"),
            ])),
            Arc::new(BooleanArray::from(vec![
                Some(true),
                Some(false),
                None,
                Some(true),
            ])),
            Arc::new(Date32Array::from(vec![
                Some(19000),
                None,
                Some(19001),
                Some(19000),
            ])),
            Arc::new(
                Decimal128Array::from(vec![Some(12345), None, Some(-5), Some(0)])
                    .with_precision_and_scale(10, 2)
                    .unwrap(),
            ),
            Arc::new(
                vec![Some("red"), Some("blue"), None, Some("red")]
                    .into_iter()
                    .collect::<DictionaryArray<Int32Type>>(),
            ),
        ];
        for array in arrays {
            let (a, b) = (array.slice(0, 2), array.slice(2, 2));
            let mut whole = accumulator(&array);
            whole.update_batch(std::slice::from_ref(&a)).unwrap();
            whole.update_batch(std::slice::from_ref(&b)).unwrap();
            let mut left = accumulator(&array);
            left.update_batch(&[a]).unwrap();
            let mut right = accumulator(&array);
            right.update_batch(&[b]).unwrap();
            let states: Vec<ScalarValue> = vec![
                left.state().unwrap().remove(0),
                right.state().unwrap().remove(0),
            ];
            let mut merged = accumulator(&array);
            let state_array = ScalarValue::iter_to_array(states).unwrap();
            merged.merge_batch(&[state_array]).unwrap();
            let (w, m) = (
                decode(whole.evaluate().unwrap()),
                decode(merged.evaluate().unwrap()),
            );
            let dt = array.data_type();
            assert_eq!(w.rows, 4, "{dt}");
            assert_eq!(m.rows, w.rows, "{dt}");
            assert_eq!(m.nulls, w.nulls, "{dt}");
            assert_eq!(m.distinct(), w.distinct(), "{dt}");
            assert_eq!(m.top_values(3), w.top_values(3), "{dt}");
            assert_eq!(m.non_finite(), w.non_finite(), "{dt}");
        }
    }

    /// Counting string views by their 16-byte view gives the state that pushing every value
    /// gives: short and long strings, multi-byte characters, empty strings, nulls, and a slice
    /// (whose views start part-way into the buffers).
    #[test]
    fn string_views_counted_by_view_equal_value_by_value() {
        let words = [
            Some("a"),
            None,
            Some(""),
            Some("twelve bytes"),
            Some("thirteen byte"),
            Some("été"),
            Some("a much longer string than twelve bytes"),
            Some("a"),
            Some("été"),
            None,
            Some("a much longer string than twelve bytes"),
            Some(""),
        ];
        let values: Vec<Option<&str>> = words.iter().cycle().take(600).copied().collect();
        let array = StringViewArray::from(values.clone());
        // Past VIEW_COUNTING_MAX_DISTINCT distinct values the views go one by one: the same.
        let prefill: Vec<String> = (0..=VIEW_COUNTING_MAX_DISTINCT)
            .map(|i| format!("p{i}"))
            .collect();
        for (start, len, prefilled) in [(0, 600, 0), (5, 400, 0), (0, 600, prefill.len())] {
            let slice = array.slice(start, len);
            let mut by_view = assay_stats::TextState::default();
            let mut one_by_one = assay_stats::TextState::default();
            for p in &prefill[..prefilled] {
                by_view.push(p);
                one_by_one.push(p);
            }
            feed_views(&mut by_view, &slice);
            values[start..start + len]
                .iter()
                .flatten()
                .for_each(|v| one_by_one.push(v));
            assert_eq!(by_view.values.top(20), one_by_one.values.top(20));
            assert_eq!(by_view.kinds_and_lengths(), one_by_one.kinds_and_lengths());
            assert_eq!(by_view.values.distinct(), 6 + prefilled as u64);
        }
    }

    #[test]
    fn nested_values_are_counted_by_their_text() {
        use arrow::array::{Int32Array, StructArray};
        let nested: ArrayRef = Arc::new(StructArray::from(vec![(
            Arc::new(Field::new("a", DataType::Int32, true)),
            Arc::new(Int32Array::from(vec![Some(1), Some(2), Some(1)])) as ArrayRef,
        )]));
        let mut acc = accumulator(&nested);
        acc.update_batch(&[nested]).unwrap();
        let s = decode(acc.evaluate().unwrap());
        assert_eq!(s.rows, 3);
        assert_eq!(s.distinct(), 2);
        assert_eq!(s.top_values(1)[0].value, "{a: 1}");
        // What is saved reads back (every non-null value was counted).
        s.validate().unwrap();
    }

    #[test]
    fn integers_beyond_2_pow_53_stay_distinct() {
        let big = 1i64 << 53;
        let ids: ArrayRef = Arc::new(Int64Array::from(vec![big, big + 1, big + 2, big + 1]));
        let mut acc = accumulator(&ids);
        acc.update_batch(&[ids]).unwrap();
        let s = decode(acc.evaluate().unwrap());
        // As f64, 2^53 + 1 rounds to 2^53: before exact keys this said 2 distinct values.
        assert_eq!(s.distinct(), 3);
        assert_eq!(s.top_values(1)[0].value, "9007199254740993");
        assert_eq!(s.top_values(1)[0].count, 2);
        let u: ArrayRef = Arc::new(arrow::array::UInt64Array::from(vec![
            u64::MAX,
            u64::MAX - 1,
        ]));
        let mut acc = accumulator(&u);
        acc.update_batch(&[u]).unwrap();
        let s = decode(acc.evaluate().unwrap());
        assert_eq!(s.distinct(), 2);
        let mut shown: Vec<String> = s.top_values(2).into_iter().map(|f| f.value).collect();
        shown.sort();
        assert_eq!(shown, ["18446744073709551614", "18446744073709551615"]);
        // Decimals keep every digit: 12345678901234567.89 and .88 differ.
        let d: ArrayRef = Arc::new(
            Decimal128Array::from(vec![
                Some(1_234_567_890_123_456_789),
                Some(1_234_567_890_123_456_788),
            ])
            .with_precision_and_scale(20, 2)
            .unwrap(),
        );
        let mut acc = accumulator(&d);
        acc.update_batch(&[d]).unwrap();
        let s = decode(acc.evaluate().unwrap());
        assert_eq!(s.distinct(), 2);
        let counts = s.exact_value_counts().unwrap();
        assert!(
            counts.iter().any(|(v, _)| v == "12345678901234567.89"),
            "{counts:?}"
        );
        // Nanosecond timestamps (around 1.7e18) one nanosecond apart are two values.
        let ts: ArrayRef = Arc::new(arrow::array::TimestampNanosecondArray::from(vec![
            1_700_000_000_000_000_001,
            1_700_000_000_000_000_002,
        ]));
        let mut acc = accumulator(&ts);
        acc.update_batch(&[ts]).unwrap();
        assert_eq!(decode(acc.evaluate().unwrap()).distinct(), 2);
    }

    #[test]
    fn decimals_dates_and_booleans_are_read_as_values() {
        let dec: ArrayRef = Arc::new(
            Decimal128Array::from(vec![Some(12345), Some(-5)])
                .with_precision_and_scale(10, 2)
                .unwrap(),
        );
        let mut acc = accumulator(&dec);
        acc.update_batch(&[dec]).unwrap();
        let s = decode(acc.evaluate().unwrap());
        let n = s.as_numeric().unwrap();
        assert_eq!(n.max, Some(123.45));
        assert_eq!(n.min, Some(-0.05));

        let b: ArrayRef = Arc::new(BooleanArray::from(vec![true, true, false]));
        let mut acc = accumulator(&b);
        acc.update_batch(&[b]).unwrap();
        let s = decode(acc.evaluate().unwrap());
        assert_eq!(s.top_values(1)[0].value, "true");
        assert_eq!(s.top_values(1)[0].count, 2);
    }
}
