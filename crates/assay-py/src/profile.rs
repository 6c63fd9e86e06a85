//! The core's `Profile`, held natively: merge, save, load and its JSON (the saved file).

use pyo3::prelude::*;

use assay_stats::Profile;

use crate::InputError;

/// A profile as the core made it. `assay.Profile` (Python) wraps it.
#[pyclass(module = "assay._assay", name = "NativeProfile", frozen)]
pub(crate) struct NativeProfile {
    profile: Profile,
}

impl NativeProfile {
    /// The profile itself.
    pub(crate) fn profile(&self) -> &Profile {
        &self.profile
    }

    pub(crate) fn new(profile: Profile) -> Self {
        Self { profile }
    }
}

#[pymethods]
impl NativeProfile {
    /// The profile's JSON: the documented, versioned file `assay profile -o` writes.
    fn to_json(&self) -> PyResult<String> {
        self.profile
            .to_json()
            .map_err(|e| InputError::new_err(e.to_string()))
    }

    /// A summary of every column, as JSON: name, Arrow type, kind, nulls, distinct values
    /// (and whether exactly), min, median, max, mean, standard deviation (sample), the most
    /// frequent values with their counts (the figures `assay profile` prints).
    fn columns_json(&self) -> PyResult<String> {
        let columns: Vec<serde_json::Value> = self
            .profile
            .columns
            .iter()
            .map(|c| {
                let n = c.state.as_numeric();
                serde_json::json!({
                    "name": c.name,
                    "data_type": c.data_type,
                    "kind": c.kind.to_string(),
                    "count": c.state.rows,
                    "nulls": c.state.nulls,
                    "distinct": c.state.distinct(),
                    "distinct_exact": c.state.distinct_is_exact(),
                    "min": n.and_then(|n| n.min),
                    "median": c.state.quantile(0.5),
                    "max": n.and_then(|n| n.max),
                    "mean": n.and_then(|n| n.moments.mean()),
                    "std": n.and_then(|n| n.moments.sample_std()),
                    "top": c.state.top_values(5).iter()
                        .map(|f| serde_json::json!([f.value, f.count]))
                        .collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::to_string(&columns).map_err(|e| InputError::new_err(e.to_string()))
    }

    /// Where the profile was computed, as `(engine, partitions)`, or `None` for a local read.
    #[getter]
    fn computed(&self) -> Option<(String, u64)> {
        self.profile
            .computed
            .as_ref()
            .map(|c| (c.engine.clone(), c.partitions))
    }

    /// The same profile, said to be computed on `engine` from `partitions` partial profiles
    /// (a cluster's partition profiles are marked so before they are merged), and with its
    /// sources replaced by `sources` when given.
    #[pyo3(signature = (engine, partitions, sources=None))]
    fn with_computed(
        &self,
        engine: &str,
        partitions: u64,
        sources: Option<Vec<String>>,
    ) -> NativeProfile {
        let mut profile = self.profile.clone();
        profile.computed = Some(assay_stats::Computed {
            engine: engine.to_string(),
            partitions,
        });
        if let Some(sources) = sources {
            profile.sources = sources;
        }
        NativeProfile::new(profile)
    }

    /// Rows profiled.
    #[getter]
    fn rows(&self) -> u64 {
        self.profile.rows
    }

    /// The profile of the union of this profile's data and `other`'s (same columns).
    fn merge(&self, other: &NativeProfile) -> PyResult<NativeProfile> {
        let mut merged = self.profile.clone();
        merged
            .merge(&other.profile)
            .map_err(|e| InputError::new_err(format!("merging profiles: {e}")))?;
        Ok(NativeProfile::new(merged))
    }

    /// Writes the profile to `path` (whole or not at all: a temporary file renamed).
    fn save(&self, py: Python<'_>, path: &str) -> PyResult<()> {
        let json = self.to_json()?;
        let path = path.to_string();
        py.detach(move || {
            let tmp = format!("{path}.tmp");
            std::fs::write(&tmp, json)
                .and_then(|_| std::fs::rename(&tmp, &path))
                .map_err(|e| InputError::new_err(format!("writing {path}: {e}")))
        })
    }
}

/// Reads a saved profile (checked as the CLI checks it: a corrupt file names its column and
/// field).
#[pyfunction]
pub(crate) fn load_profile(path: &str) -> PyResult<NativeProfile> {
    assay_engine::read_profile(path)
        .map(NativeProfile::new)
        .map_err(|e| InputError::new_err(e.to_string()))
}

/// A profile from its saved JSON (checked as a saved file is: another assay version's layout
/// or a corrupt state is refused, naming the column and field).
#[pyfunction]
pub(crate) fn profile_from_json(text: &str) -> PyResult<NativeProfile> {
    assay_engine::dataset::parse_profile(text)
        .map(NativeProfile::new)
        .map_err(|e| InputError::new_err(format!("invalid profile: {e}")))
}
