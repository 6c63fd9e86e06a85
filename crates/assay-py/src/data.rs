//! Data given to a Python call: a path or URL (or several, or an `os.PathLike`), taken as
//! the CLI takes it, or Arrow data through the Arrow PyCapsule interface (`__arrow_c_stream__`
//! or `__arrow_c_array__`), registered on the call's engine as `memory://NAME`. The batches
//! of the stream are kept as they come: a table's are its own buffers (nothing copied); a
//! stream that makes its batches as it goes (a dataset's scanner, a generator) is read whole
//! into memory first.

use arrow::array::RecordBatch;
use arrow::ffi_stream::ArrowArrayStreamReader;
use arrow_pyarrow::FromPyArrow;
use pyo3::prelude::*;

use assay_engine::memory::MEMORY_SCHEME;
use assay_engine::Engine;

use crate::InputError;

/// What a data argument turned out to be.
pub(crate) enum DataArg {
    /// Paths or URLs, exactly as given.
    Paths(Vec<String>),
    /// A profile in memory (stands in for its data, as a saved profile file does).
    Profile(assay_stats::Profile),
    /// Arrow batches (their buffers still those of the Python object).
    Arrow {
        /// The schema of the stream.
        schema: arrow::datatypes::SchemaRef,
        /// Every batch of the stream.
        batches: Vec<RecordBatch>,
    },
}

impl DataArg {
    /// Reads a Python argument named `what` (the keyword, for messages).
    pub(crate) fn extract(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<DataArg> {
        if let Ok(profile) = obj.cast::<crate::profile::NativeProfile>() {
            return Ok(DataArg::Profile(profile.get().profile().clone()));
        }
        if let Some(path) = path_of(obj)? {
            return Ok(DataArg::Paths(vec![path]));
        }
        if let Ok(list) = obj.cast::<pyo3::types::PyList>() {
            let mut paths = Vec::with_capacity(list.len());
            for item in list.iter() {
                match path_of(&item)? {
                    Some(p) => paths.push(p),
                    None => {
                        return Err(InputError::new_err(format!(
                            "{what}: a list must hold paths or URLs only (got a {})",
                            type_name(&item)
                        )))
                    }
                }
            }
            return Ok(DataArg::Paths(paths));
        }
        let has_capsule = obj.hasattr("__arrow_c_stream__")? || obj.hasattr("__arrow_c_array__")?;
        if !has_capsule {
            return Err(InputError::new_err(format!(
                "{what}: expected a path or URL, a list of them, or Arrow data (an object with \
                 __arrow_c_stream__ or __arrow_c_array__: a pyarrow Table or RecordBatchReader, \
                 a Polars or pandas DataFrame, a DuckDB relation); got a {}",
                type_name(obj)
            )));
        }
        let unreadable =
            |e: PyErr| InputError::new_err(format!("{what}: cannot read its Arrow data: {e}"));
        if obj.hasattr("__arrow_c_stream__")? {
            let reader = ArrowArrayStreamReader::from_pyarrow_bound(obj).map_err(unreadable)?;
            let schema = arrow::array::RecordBatchReader::schema(&reader);
            // The stream's producer takes the interpreter itself when it needs it (a Python
            // generator); a table's stream does not.
            let batches = obj.py().detach(|| reader.collect::<Result<Vec<_>, _>>());
            let batches = batches.map_err(|e| {
                let message = e.to_string();
                if message.contains("KeyboardInterrupt") {
                    pyo3::exceptions::PyKeyboardInterrupt::new_err(message)
                } else {
                    InputError::new_err(format!("{what}: reading its Arrow stream: {message}"))
                }
            })?;
            return Ok(DataArg::Arrow { schema, batches });
        }
        let batch = RecordBatch::from_pyarrow_bound(obj).map_err(unreadable)?;
        let schema = batch.schema();
        let batches = vec![batch];
        Ok(DataArg::Arrow { schema, batches })
    }

    /// The paths the core reads: the given ones, or `memory://NAME` once the batches are
    /// registered on `engine` under `name`.
    pub(crate) fn into_paths(self, engine: &Engine, name: &str) -> PyResult<Vec<String>> {
        match self {
            DataArg::Paths(p) => Ok(p),
            DataArg::Profile(profile) => {
                engine
                    .register_profile(name, profile)
                    .map_err(|e| InputError::new_err(e.to_string()))?;
                Ok(vec![format!("{MEMORY_SCHEME}{name}")])
            }
            DataArg::Arrow { schema, batches } => {
                engine
                    .register_batches(name, schema, batches)
                    .map_err(|e| InputError::new_err(e.to_string()))?;
                Ok(vec![format!("{MEMORY_SCHEME}{name}")])
            }
        }
    }
}

/// The path `obj` names: a `str`, or an `os.PathLike` (`pathlib.Path`).
fn path_of(obj: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if let Ok(s) = obj.extract::<String>() {
        return Ok(Some(s));
    }
    if obj.hasattr("__fspath__")? {
        let p = obj.call_method0("__fspath__")?;
        if let Ok(s) = p.extract::<String>() {
            return Ok(Some(s));
        }
    }
    Ok(None)
}

/// `module.Class` of a Python object, for messages.
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    let ty = obj.get_type();
    let name = ty
        .qualname()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into());
    match ty.module() {
        Ok(m) if m != "builtins" => format!("{m}.{name}"),
        _ => name,
    }
}
