//! A dataset given to a check: raw data, or a saved profile standing in for it.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use assay_stats::Profile;

use crate::capture::CapturedValues;
use crate::engine::Engine;
use crate::error::{EngineError, Result};
use crate::ordered::KeptRows;
use crate::profiler::{profile_read, ProfileOptions};
use crate::source::{is_url, open_source, OpenedSource, SourceSpec};
use crate::tap::BatchTap;

/// True when `path` is a local file holding a saved assay profile (sniffed from its first bytes,
/// so a `.json` data file in JSON Lines is not mistaken for one).
pub fn is_profile_file(path: &str) -> bool {
    if is_url(path) {
        return false;
    }
    let p = Path::new(path);
    if !p.is_file() {
        return false;
    }
    let mut head = [0u8; 256];
    let n = std::fs::File::open(p)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let text = String::from_utf8_lossy(&head[..n]);
    text.trim_start().starts_with('{') && text.contains("\"assay-profile\"")
}

/// Reads a saved profile, naming the file in any error. The profile is checked as
/// [`Profile::from_json`] and [`check_profile_types`] say: a hand-edited or corrupt file is an
/// error naming the column and field, never a result.
pub fn read_profile(path: &str) -> Result<Profile> {
    let text = std::fs::read_to_string(path).map_err(|e| EngineError::NotFound {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    parse_profile(&text).map_err(|message| EngineError::Profile {
        path: path.to_string(),
        message,
    })
}

/// Parses and checks a profile from outside (a file, a request body).
pub fn parse_profile(text: &str) -> std::result::Result<Profile, String> {
    let profile = Profile::from_json(text).map_err(|e| e.to_string())?;
    check_profile_types(&profile)?;
    Ok(profile)
}

/// Checks that every column's state fits its declared Arrow type: the type parses, numbers
/// have a numeric state keyed as assay keys that type (or as floats, the version-1 layout),
/// text has a text state.
pub fn check_profile_types(profile: &Profile) -> std::result::Result<(), String> {
    use crate::profile_udaf::{key_domain, value_class, ValueClass};
    use assay_stats::ColumnBody;
    for c in &profile.columns {
        let dt: arrow::datatypes::DataType = c.data_type.parse().map_err(|_| {
            format!(
                "invalid profile: column `{}`: data_type `{}` is not an Arrow type",
                c.name, c.data_type
            )
        })?;
        let fits = match (value_class(&dt), &c.state.body) {
            (Some(ValueClass::Numeric), ColumnBody::Numeric(n)) => {
                n.domain.is_float() || n.domain == key_domain(&dt)
            }
            (Some(ValueClass::Text), ColumnBody::Text(_)) => true,
            _ => false,
        };
        if !fits {
            return Err(format!(
                "invalid profile: column `{}`: its state does not fit its type {} (a {} state)",
                c.name,
                c.data_type,
                match &c.state.body {
                    ColumnBody::Numeric(n) => format!("numeric {:?}-keyed", n.domain),
                    ColumnBody::Text(_) => "text".to_string(),
                }
            ));
        }
    }
    Ok(())
}

/// One side of a comparison: the profile always, and the raw source when there is one.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Label for messages and reports.
    pub label: String,
    /// The profile (computed, or read from a file).
    pub profile: Profile,
    /// The raw source, absent when the dataset is a saved profile.
    pub source: Option<OpenedSource>,
    /// Raw numeric values kept from the profiling read ([`ProfileOptions::capture`]).
    pub captured: Option<Arc<CapturedValues>>,
    /// Rows kept in order from the profiling read ([`ProfileOptions::keep_rows`]).
    pub rows: Option<Arc<KeptRows>>,
}

impl Dataset {
    /// True when only a saved profile is available.
    pub fn is_profile_only(&self) -> bool {
        self.source.is_none()
    }

    /// Column names in order.
    pub fn columns(&self) -> Vec<String> {
        self.profile
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect()
    }

    /// The rows kept in order from the profiling read, holding at least `columns`; `Err` names
    /// what is missing. The runner asks the read for them ([`ProfileOptions::keep_rows`]) when
    /// a check needs them: their absence is an internal error, not the user's.
    pub fn kept_rows(&self, columns: &[String]) -> std::result::Result<&KeptRows, String> {
        let rows = self.rows.as_deref().ok_or_else(|| {
            format!(
                "internal: the rows of {} were not kept from its read",
                self.label
            )
        })?;
        match columns.iter().find(|c| !rows.has(c)) {
            Some(c) => Err(format!(
                "internal: column `{c}` of {} was not kept from its read",
                self.label
            )),
            None => Ok(rows),
        }
    }
}

/// A dataset opened but not read yet: a saved profile (nothing left to read), or a source
/// whose schema is known.
pub enum OpenedDataset {
    /// A saved profile, ready to use.
    Profile(Dataset),
    /// Raw data, to read with [`read_dataset`].
    Source(OpenedSource),
}

impl OpenedDataset {
    /// The columns, with their Arrow types when the data is raw.
    pub fn schema(&self) -> Option<&arrow::datatypes::SchemaRef> {
        match self {
            OpenedDataset::Profile(_) => None,
            OpenedDataset::Source(s) => Some(&s.schema),
        }
    }

    /// Column names in order.
    pub fn columns(&self) -> Vec<String> {
        match self {
            OpenedDataset::Profile(d) => d.columns(),
            OpenedDataset::Source(s) => {
                s.schema.fields().iter().map(|f| f.name().clone()).collect()
            }
        }
    }
}

/// Opens a dataset: a saved profile (or one registered in memory) when the (single) path is
/// one (read now, with the kind overrides of `options` applied), else the source, not read
/// yet.
pub async fn open_dataset(
    engine: &Engine,
    spec: &SourceSpec,
    options: &ProfileOptions,
) -> Result<OpenedDataset> {
    let label = spec.label();
    if let [only] = spec.paths.as_slice() {
        let profile = match engine.memory_profile(only) {
            Some(p) => Some(p),
            None if is_profile_file(only) => Some(read_profile(only)?),
            None => None,
        };
        if let Some(mut profile) = profile {
            for c in &mut profile.columns {
                if let Some(k) = options.kind_overrides.get(&c.name) {
                    c.kind = *k;
                }
            }
            return Ok(OpenedDataset::Profile(Dataset {
                label,
                profile,
                source: None,
                captured: None,
                rows: None,
            }));
        }
    }
    Ok(OpenedDataset::Source(
        open_source(engine.ctx(), spec).await?,
    ))
}

/// Reads an opened dataset once: its profile, the raw values `options` asks to keep, and every
/// batch fed to `tap` too (returned merged). A saved profile is returned as it is.
pub async fn read_dataset(
    opened: OpenedDataset,
    options: &ProfileOptions,
    tap: Option<Box<dyn BatchTap>>,
) -> Result<(Dataset, Option<Box<dyn BatchTap>>)> {
    match opened {
        OpenedDataset::Profile(d) => Ok((d, None)),
        OpenedDataset::Source(source) => {
            let read = profile_read(&source, options, tap).await?;
            Ok((
                Dataset {
                    label: source.spec.label(),
                    profile: read.profile,
                    source: Some(source),
                    captured: read.captured,
                    rows: read.rows,
                },
                read.tap,
            ))
        }
    }
}

/// Loads a dataset: a saved profile when the (single) path is one, else opens and profiles it.
pub async fn load_dataset(
    engine: &Engine,
    spec: &SourceSpec,
    options: &ProfileOptions,
) -> Result<Dataset> {
    let opened = open_dataset(engine, spec, options).await?;
    read_dataset(opened, options, None).await.map(|(d, _)| d)
}
