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

use assay_stats::{ColumnBody, ColumnState};

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
    fn new(class: ValueClass, cap: usize, rows_seen: Arc<AtomicU64>) -> Self {
        let state = match class {
            ValueClass::Numeric => ColumnState::numeric_with_cap(cap),
            ValueClass::Text => ColumnState::text_with_cap(cap),
        };
        Self { state, rows_seen }
    }

    fn encode(&self) -> DfResult<ScalarValue> {
        let bytes = serde_json::to_vec(&self.state)
            .map_err(|e| DataFusionError::Execution(format!("profile state: {e}")))?;
        Ok(ScalarValue::Binary(Some(bytes)))
    }
}

/// Feeds one Arrow array into a column state.
pub fn update_state(state: &mut ColumnState, array: &ArrayRef) -> DfResult<()> {
    state.rows += array.len() as u64;
    state.nulls += array.logical_null_count() as u64;
    match &mut state.body {
        ColumnBody::Numeric(n) => {
            let floats = numeric_as_f64(array)?;
            let f = floats.as_primitive::<arrow::datatypes::Float64Type>();
            if f.null_count() == 0 {
                for v in f.values().iter() {
                    n.push(*v);
                }
            } else {
                for v in f.iter().flatten() {
                    n.push(v);
                }
            }
        }
        ColumnBody::Text(t) => feed_text(t, array)?,
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
        Utf8View => {
            let a: &StringViewArray = array.as_string_view();
            a.iter().flatten().for_each(|v| t.push(v));
        }
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

fn feed_cast_text(t: &mut assay_stats::TextState, array: &ArrayRef) -> DfResult<()> {
    if let Ok(s) = cast(array, &DataType::Utf8) {
        s.as_string::<i32>()
            .iter()
            .flatten()
            .for_each(|v| t.push(v));
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
        ProfileAccumulator::new(class, 1000, Arc::new(AtomicU64::new(0)))
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
