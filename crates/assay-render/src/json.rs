//! JSON: the serialized [`Report`], the schema-versioned contract.

use crate::{RenderError, Report};

/// Renders `report` as pretty-printed JSON with a trailing newline.
///
/// Non-finite values (NaN, infinities) serialize as `null`, as `serde_json` does.
pub fn render_json(report: &Report) -> Result<String, RenderError> {
    let mut s = serde_json::to_string_pretty(report)?;
    s.push('\n');
    Ok(s)
}
