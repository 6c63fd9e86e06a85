//! A dataset given to a check: raw data, or a saved profile standing in for it.

use std::io::Read;
use std::path::Path;

use assay_stats::Profile;

use crate::engine::Engine;
use crate::error::{EngineError, Result};
use crate::profiler::{profile_opened, ProfileOptions};
use crate::source::{is_url, open_source, OpenedSource, SourceSpec};

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

/// Reads a saved profile, naming the file in any error.
pub fn read_profile(path: &str) -> Result<Profile> {
    let text = std::fs::read_to_string(path).map_err(|e| EngineError::NotFound {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    Profile::from_json(&text).map_err(|e| EngineError::Profile {
        path: path.to_string(),
        message: e.to_string(),
    })
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
}

/// Loads a dataset: a saved profile when the (single) path is one, else opens and profiles it.
pub async fn load_dataset(
    engine: &Engine,
    spec: &SourceSpec,
    options: &ProfileOptions,
) -> Result<Dataset> {
    let label = spec.label();
    if let [only] = spec.paths.as_slice() {
        if is_profile_file(only) {
            let mut profile = read_profile(only)?;
            // Apply kind overrides to a saved profile too.
            for c in &mut profile.columns {
                if let Some(k) = options.kind_overrides.get(&c.name) {
                    c.kind = *k;
                }
            }
            return Ok(Dataset {
                label,
                profile,
                source: None,
            });
        }
    }
    let opened = open_source(engine.ctx(), spec).await?;
    let profile = profile_opened(&opened, options).await?;
    Ok(Dataset {
        label,
        profile,
        source: Some(opened),
    })
}
