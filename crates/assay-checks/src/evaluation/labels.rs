//! Class labels as text, in scikit-learn's order.

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Float64Type};

/// Text of each value of a label column (`None` for nulls and NaN). Whole floats are written
/// without a fraction (`1.0` → `1`) so that they match integer labels of a model.
pub fn label_texts(a: &ArrayRef, name: &str) -> Result<Vec<Option<String>>, String> {
    if matches!(
        a.data_type(),
        DataType::Float16 | DataType::Float32 | DataType::Float64
    ) {
        let f = cast(a, &DataType::Float64).map_err(|e| format!("column `{name}`: {e}"))?;
        let f = f.as_primitive::<Float64Type>();
        return Ok((0..f.len())
            .map(|i| {
                let v = f.value(i);
                if f.is_null(i) || v.is_nan() {
                    None
                } else if v.fract() == 0.0 && v.abs() < 1e15 {
                    Some(format!("{}", v as i64))
                } else {
                    Some(v.to_string())
                }
            })
            .collect());
    }
    let s = cast(a, &DataType::Utf8).map_err(|e| format!("column `{name}` as text: {e}"))?;
    let s = s.as_string::<i32>();
    Ok((0..s.len())
        .map(|i| (!s.is_null(i)).then(|| s.value(i).to_string()))
        .collect())
}

/// Sorts class labels as numpy's `unique` does for the labels' type: numerically when every
/// label is a number, else by code point.
pub fn sort_classes(classes: &mut [String]) {
    let numeric: Option<Vec<f64>> = classes.iter().map(|c| c.parse::<f64>().ok()).collect();
    if numeric.is_some() {
        classes.sort_by(|a, b| {
            let (x, y) = (
                a.parse::<f64>().unwrap_or(0.0),
                b.parse::<f64>().unwrap_or(0.0),
            );
            x.total_cmp(&y)
        });
    } else {
        classes.sort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Float64Array, Int64Array};
    use std::sync::Arc;

    #[test]
    fn whole_floats_print_as_integers_and_nan_is_null() {
        let a: ArrayRef = Arc::new(Float64Array::from(vec![
            Some(1.0),
            None,
            Some(f64::NAN),
            Some(0.5),
        ]));
        assert_eq!(
            label_texts(&a, "y").unwrap(),
            vec![Some("1".into()), None, None, Some("0.5".into())]
        );
        let i: ArrayRef = Arc::new(Int64Array::from(vec![0, 2]));
        assert_eq!(
            label_texts(&i, "y").unwrap(),
            vec![Some("0".into()), Some("2".into())]
        );
    }

    #[test]
    fn numbers_sort_numerically_text_by_code_point() {
        let mut v: Vec<String> = ["10", "9", "-1"].iter().map(|s| s.to_string()).collect();
        sort_classes(&mut v);
        assert_eq!(v, ["-1", "9", "10"]);
        let mut t: Vec<String> = [">50K", "<=50K", "b"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        sort_classes(&mut t);
        assert_eq!(t, ["<=50K", ">50K", "b"]);
    }
}
