//! `assay checks` and `assay explain ID`.

use anyhow::{bail, Result};
use clap::Args;

use crate::output::print;

/// Arguments of `assay explain`.
#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// Check id, e.g. integrity.null_share.
    pub id: String,
}

/// Lists the catalogue.
pub fn list() -> Result<u8> {
    let all = assay_checks::catalogue();
    let width = all.iter().map(|c| c.id().len()).max().unwrap_or(0);
    let mut text = String::new();
    for c in &all {
        text.push_str(&format!("{:width$}  {}\n", c.id(), c.doc().summary));
    }
    text.push_str("\n`assay explain ID` prints a check's documentation.");
    print(&text)?;
    Ok(0)
}

/// Prints one check's documentation.
pub fn run(args: ExplainArgs) -> Result<u8> {
    match assay_checks::find(&args.id) {
        Some(c) => {
            print(&assay_checks::explain(c.as_ref()))?;
            Ok(0)
        }
        None => {
            let hint = assay_checks::catalogue::suggest(&args.id)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            bail!(
                "unknown check `{}`{hint}; `assay checks` lists them",
                args.id
            )
        }
    }
}
