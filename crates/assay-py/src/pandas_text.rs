//! pandas' text columns before pandas 3 — NumPy arrays of Python `str` objects — read
//! straight into an Arrow `string` array.
//!
//! pyarrow's own conversion (`pa.Table.from_pandas`) is general: it infers the type, tests
//! every item against each kind of missing value pandas knows and handles every Python type.
//! On the text columns of a large pandas 2 DataFrame it is most of the time a call spends
//! before any statistics (0.18 s a 5M-row column here). This reader handles the common case —
//! every item a `str` or missing — in one pass, reusing the last item's text when the same
//! object repeats (pandas shares one object per distinct value after reading Parquet), and
//! declines anything else, so that pyarrow converts it (or reports it) exactly as before.

use std::collections::HashMap;
use std::ptr;

use arrow::array::{Array, NullBufferBuilder, StringArray};
use arrow::buffer::{Buffer, OffsetBuffer, ScalarBuffer};
use arrow_pyarrow::ToPyArrow;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

/// Where a one-dimensional NumPy object array keeps its item pointers.
struct ObjectArrayLayout {
    /// Address of the first item pointer.
    base: *const u8,
    /// Number of items.
    len: usize,
    /// Bytes between consecutive item pointers (may differ from a pointer's size for a view).
    stride: isize,
}

impl ObjectArrayLayout {
    /// The layout of `values` from its `__array_interface__`, or `None` when it is not a
    /// one-dimensional array of Python objects.
    fn of(values: &Bound<'_, PyAny>) -> PyResult<Option<ObjectArrayLayout>> {
        // Only NumPy's own arrays: their interface's address is their buffer, alive as long
        // as they are (another object's interface could name memory it does not hold).
        let ty = values.get_type();
        if ty.name()?.to_str()? != "ndarray" || ty.module()?.to_str()? != "numpy" {
            return Ok(None);
        }
        let Ok(interface) = values.getattr("__array_interface__") else {
            return Ok(None);
        };
        let Ok(interface) = interface.cast_into::<PyDict>() else {
            return Ok(None);
        };
        let typestr: Option<String> = match interface.get_item("typestr")? {
            Some(t) => t.extract().ok(),
            None => None,
        };
        if typestr.as_deref() != Some("|O") {
            return Ok(None);
        }
        let Some(shape) = interface.get_item("shape")? else {
            return Ok(None);
        };
        let Ok((len,)) = shape.extract::<(usize,)>() else {
            return Ok(None);
        };
        let Some(data) = interface.get_item("data")? else {
            return Ok(None);
        };
        let Ok((address, _read_only)) = data.extract::<(usize, bool)>() else {
            return Ok(None);
        };
        let pointer_size = std::mem::size_of::<*mut ffi::PyObject>() as isize;
        let stride = match interface.get_item("strides")? {
            None => pointer_size,
            Some(s) if s.is_none() => pointer_size,
            Some(s) => match s
                .cast::<PyTuple>()
                .ok()
                .and_then(|t| t.extract::<(isize,)>().ok())
            {
                Some((stride,)) => stride,
                None => return Ok(None),
            },
        };
        if address == 0 && len > 0 {
            return Ok(None);
        }
        Ok(Some(ObjectArrayLayout {
            base: address as *const u8,
            len,
            stride,
        }))
    }

    /// The `index`th item pointer.
    ///
    /// # Safety
    /// `index < self.len`, and the array this layout was read from is alive and unchanged
    /// (the caller holds it and the interpreter's lock, and runs no Python code meanwhile).
    unsafe fn item(&self, index: usize) -> *mut ffi::PyObject {
        // SAFETY: in bounds by the caller's contract; NumPy object arrays hold aligned
        // pointers at `base + index * stride`.
        unsafe {
            let at = self.base.offset(index as isize * self.stride);
            ptr::read_unaligned(at as *const *mut ffi::PyObject)
        }
    }
}

/// What one item is.
enum Item<'a> {
    Text(&'a str),
    Missing,
    /// Anything else: the column is left to pyarrow.
    Other,
}

/// Classifies one item. The `&str` borrows the object's own UTF-8 text.
///
/// # Safety
/// `item` is a live object kept alive for `'a`, and the interpreter's lock is held.
unsafe fn classify<'a>(
    py: Python<'_>,
    item: *mut ffi::PyObject,
    missing: *mut ffi::PyObject,
) -> Item<'a> {
    // SAFETY (whole body): `item` is a valid object pointer held by the array; these calls
    // only read it (the UTF-8 form is cached in the object) and run no Python code.
    unsafe {
        if item == ffi::Py_None() || item == missing {
            return Item::Missing;
        }
        if ffi::PyUnicode_Check(item) != 0 {
            let mut size: ffi::Py_ssize_t = 0;
            let data = ffi::PyUnicode_AsUTF8AndSize(item, &mut size);
            if data.is_null() {
                // Lone surrogates: not UTF-8. pyarrow reports it.
                drop(PyErr::take(py));
                return Item::Other;
            }
            let bytes = std::slice::from_raw_parts(data as *const u8, size as usize);
            return match std::str::from_utf8(bytes) {
                Ok(text) => Item::Text(text),
                Err(_) => Item::Other,
            };
        }
        if ffi::PyFloat_Check(item) != 0 && ffi::PyFloat_AsDouble(item).is_nan() {
            return Item::Missing;
        }
        Item::Other
    }
}

/// Distinct item objects remembered with their text: enough for any categorical column; an
/// identifier column (one object per row) is classified item by item past it.
const MOST_REMEMBERED_OBJECTS: usize = 1 << 16;

/// Reads a one-dimensional NumPy object array whose items are all `str` or missing (`None`,
/// a float NaN, or `missing` — pandas' `NA`) into a pyarrow `string` array, as
/// `pa.array(values, from_pandas=True)` would. Returns `None` — convert it with pyarrow —
/// when `values` is not such an array, when any item is something else, when no item is
/// text (pyarrow gives such a column its own type), or when the text is too long for a
/// `string` array's 32-bit offsets.
#[pyfunction]
pub(crate) fn text_column<'py>(
    py: Python<'py>,
    values: &Bound<'py, PyAny>,
    missing: &Bound<'py, PyAny>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let Some(layout) = ObjectArrayLayout::of(values)? else {
        return Ok(None);
    };
    if layout.len == 0 {
        return Ok(None);
    }
    // SAFETY: `values` is borrowed for this call and the interpreter's lock is held; the
    // reader runs no Python code, so the array and its items stay as they are.
    match unsafe { read_text(py, &layout, missing.as_ptr()) } {
        Some(array) => Ok(Some(array.to_data().to_pyarrow(py)?)),
        None => Ok(None),
    }
}

/// Reads the column in one pass: each distinct object is classified once (remembered by
/// address, and the previous item's text reused outright when the same object repeats), and
/// its text appended to the array's buffers. `None` when the column is declined.
///
/// # Safety
/// As for [`ObjectArrayLayout::item`].
unsafe fn read_text(
    py: Python<'_>,
    layout: &ObjectArrayLayout,
    missing: *mut ffi::PyObject,
) -> Option<StringArray> {
    let mut remembered: HashMap<*mut ffi::PyObject, Option<&str>, foldhash::fast::FixedState> =
        HashMap::with_hasher(foldhash::fast::FixedState::default());
    let mut offsets: Vec<i32> = Vec::with_capacity(layout.len + 1);
    offsets.push(0);
    let mut data: Vec<u8> = Vec::with_capacity(layout.len.saturating_mul(8));
    let mut validity = NullBufferBuilder::new(layout.len);
    let mut previous: (*mut ffi::PyObject, Option<&str>) = (ptr::null_mut(), None);
    let mut any_text = false;
    for index in 0..layout.len {
        // SAFETY: `index < len`, the caller's contract for the rest.
        let item = unsafe { layout.item(index) };
        if item.is_null() {
            return None;
        }
        if item != previous.0 {
            let text = match remembered.get(&item) {
                Some(text) => *text,
                None => {
                    // SAFETY: a live item of the array (the caller's contract).
                    let text = match unsafe { classify(py, item, missing) } {
                        Item::Text(text) => {
                            any_text = true;
                            Some(text)
                        }
                        Item::Missing => None,
                        Item::Other => return None,
                    };
                    if remembered.len() < MOST_REMEMBERED_OBJECTS {
                        remembered.insert(item, text);
                    }
                    text
                }
            };
            previous = (item, text);
        }
        match previous.1 {
            Some(text) => {
                data.extend_from_slice(text.as_bytes());
                validity.append_non_null();
            }
            None => validity.append_null(),
        }
        offsets.push(i32::try_from(data.len()).ok()?);
    }
    if !any_text {
        return None;
    }
    let nulls = validity.finish();
    // SAFETY: the offsets start at 0 and never decrease, the last is `data.len()`, and every
    // slice between two offsets is a whole `&str` (valid UTF-8).
    Some(unsafe {
        StringArray::new_unchecked(
            OffsetBuffer::new_unchecked(ScalarBuffer::from(offsets)),
            Buffer::from_vec(data),
            nulls,
        )
    })
}
