//! The core's `Report`, held natively: its JSON (the CLI's `-o json`) and every rendered form.

use std::str::FromStr;

use pyo3::prelude::*;

use assay_render::OutputFormat;
use assay_report::Report;

use crate::{AssayError, InputError};

/// A report as the core made it. `assay.Report` (Python) wraps it.
#[pyclass(module = "assay._assay", name = "NativeReport", frozen)]
pub(crate) struct NativeReport {
    report: Report,
}

impl NativeReport {
    pub(crate) fn new(report: Report) -> Self {
        Self { report }
    }
}

#[pymethods]
impl NativeReport {
    /// The report rendered as `format`: `json` (exactly the CLI's JSON report), `html`,
    /// `markdown`, `junit` or `terminal` (`color` and `verbose` apply to it).
    #[pyo3(signature = (format, color=false, verbose=false))]
    fn render(&self, format: &str, color: bool, verbose: bool) -> PyResult<String> {
        let format =
            OutputFormat::from_str(format).map_err(|e| InputError::new_err(e.to_string()))?;
        assay_render::render(&self.report, format, color, verbose)
            .map_err(|e| AssayError::new_err(e.to_string()))
    }

    /// The CLI's exit code for this report: 1 when a check failed or errored (or warned,
    /// with `strict`), else 0.
    #[pyo3(signature = (strict=false))]
    fn exit_code(&self, strict: bool) -> i32 {
        self.report.exit_code(strict)
    }
}

/// A report read back from its JSON (as `Report.to_json()` or the CLI's `-o json` wrote it).
#[pyfunction]
pub(crate) fn report_from_json(text: &str) -> PyResult<NativeReport> {
    let report: Report = serde_json::from_str(text)
        .map_err(|e| InputError::new_err(format!("not an assay report: {e}")))?;
    Ok(NativeReport::new(report))
}
