//! `assay profile DATA -o FILE` and `assay profile merge A B -o C`.

use std::io::IsTerminal;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};

use assay_engine::{profile_source, read_profile, Engine, ProfileOptions};
use assay_stats::Profile;

use crate::data_args::DataArgs;
use crate::output::print;

/// Arguments of `assay profile`.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ProfileArgs {
    #[command(subcommand)]
    pub command: Option<ProfileCommand>,
    /// Data to profile: files, a directory, a glob or URLs of one format.
    pub data: Vec<String>,
    /// Save the profile (JSON) here; without it a summary table is printed.
    #[arg(short, long)]
    pub output: Option<String>,
    /// Distinct values kept exactly per column before switching to sketches.
    #[arg(long, default_value_t = assay_stats::value_counter::DEFAULT_EXACT_CAP)]
    pub exact_cap: usize,
    #[command(flatten)]
    pub data_args: DataArgs,
}

/// `assay profile` subcommands.
#[derive(Subcommand, Debug)]
pub enum ProfileCommand {
    /// Merge saved profiles of parts of one dataset into the profile of the whole.
    Merge {
        /// Saved profiles (two or more).
        #[arg(required = true, num_args = 2..)]
        profiles: Vec<String>,
        /// Where to write the merged profile.
        #[arg(short, long)]
        output: String,
    },
}

/// Runs `assay profile`.
pub async fn run(engine: &Engine, args: ProfileArgs) -> Result<u8> {
    if let Some(ProfileCommand::Merge { profiles, output }) = args.command {
        let mut merged: Option<Profile> = None;
        for p in &profiles {
            let next = read_profile(p)?;
            match &mut merged {
                None => merged = Some(next),
                Some(m) => m.merge(&next).with_context(|| format!("merging {p}"))?,
            }
        }
        let Some(merged) = merged else {
            bail!("no profiles given")
        };
        if profiles.iter().any(|p| same_file(p, &output)) {
            bail!("{output} is one of the inputs: write the merged profile to another file");
        }
        save(&merged, &output)?;
        eprintln!(
            "merged {} profiles ({} rows) into {output}",
            profiles.len(),
            merged.rows
        );
        return Ok(0);
    }
    if args.data.is_empty() {
        bail!("give the data to profile (a file, directory, glob or URL)");
    }
    crate::report_args::flag_limit(
        "--exact-cap",
        "options.exact_distinct_cap",
        args.exact_cap as f64,
    )?;
    if let [only] = args.data.as_slice() {
        if assay_engine::dataset::is_profile_file(only) {
            // A saved profile: show (or copy) it rather than reading it as data.
            let profile = read_profile(only)?;
            match &args.output {
                Some(out) => save(&profile, out)?,
                None => print(&summary_table(&profile))?,
            }
            return Ok(0);
        }
    }
    let spec = args.data_args.spec(args.data.clone())?;
    let options = ProfileOptions {
        exact_cap: args.exact_cap,
        progress: std::io::stderr().is_terminal(),
        ..ProfileOptions::default()
    };
    let profile = profile_source(engine, &spec, &options).await?;
    match &args.output {
        Some(out) => {
            save(&profile, out)?;
            eprintln!(
                "profiled {} rows × {} columns into {out}",
                profile.rows,
                profile.columns.len()
            );
        }
        None => print(&summary_table(&profile))?,
    }
    Ok(0)
}

fn same_file(a: &str, b: &str) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

fn save(profile: &Profile, path: &str) -> Result<()> {
    let json = profile.to_json()?;
    let tmp = format!("{path}.tmp");
    std::fs::write(&tmp, json).with_context(|| format!("writing {tmp}"))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {path}"))?;
    Ok(())
}

fn fmt_opt(v: Option<f64>) -> String {
    match v {
        Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
        Some(x) => format!("{x:.4}"),
        None => "-".into(),
    }
}

/// A plain-text summary of a profile, one line per column.
pub fn summary_table(p: &Profile) -> String {
    let mut rows = vec![[
        "column".to_string(),
        "type".into(),
        "kind".into(),
        "nulls".into(),
        "distinct".into(),
        "min".into(),
        "median".into(),
        "max".into(),
        "mean".into(),
        "top".into(),
    ]];
    for c in &p.columns {
        let n = c.state.as_numeric();
        let distinct = format!(
            "{}{}",
            if c.state.distinct_is_exact() { "" } else { "~" },
            c.state.distinct()
        );
        let top = c
            .state
            .top_values(1)
            .first()
            .map(|f| format!("{} ({})", truncate(&f.value, 20), f.count))
            .unwrap_or_else(|| "-".into());
        rows.push([
            c.name.clone(),
            c.data_type.clone(),
            c.kind.to_string(),
            c.state.nulls.to_string(),
            distinct,
            fmt_opt(n.and_then(|n| n.min)),
            fmt_opt(c.state.quantile(0.5)),
            fmt_opt(n.and_then(|n| n.max)),
            fmt_opt(n.and_then(|n| n.moments.mean())),
            top,
        ]);
    }
    let mut widths = [0usize; 10];
    for r in &rows {
        for (i, cell) in r.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = format!("{} rows, {} columns\n", p.rows, p.columns.len());
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{:w$}", c, w = widths[i]))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}
