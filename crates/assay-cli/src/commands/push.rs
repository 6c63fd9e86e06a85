//! `assay push DATA --server URL --monitor NAME`: profiles data locally and sends only the
//! profile to a monitor (hybrid mode: raw rows never leave the machine). Also
//! `assay monitor create`, which profiles a reference locally and creates a monitor from a
//! suite file.

use std::io::IsTerminal;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use serde_json::{json, Value};

use assay_engine::{profile_source, read_profile, Engine, ProfileOptions};
use assay_server::client::ServiceClient;
use assay_stats::Profile;

use crate::data_args::DataArgs;

/// Where the service is and how to authenticate.
#[derive(Args, Debug, Clone)]
pub struct ServerArgs {
    /// The service's base URL.
    #[arg(long, env = "ASSAY_SERVER", default_value = "http://127.0.0.1:8080")]
    pub server: String,
    /// API token (or set ASSAY_TOKEN).
    #[arg(long, env = "ASSAY_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

impl ServerArgs {
    fn client(&self) -> ServiceClient {
        ServiceClient::new(&self.server, self.token.clone())
    }
}

/// Arguments of `assay push`.
#[derive(Args, Debug)]
pub struct PushArgs {
    /// Data to profile (files, a directory, a glob or URLs), or a saved profile.
    #[arg(required = true)]
    pub data: Vec<String>,
    /// The monitor to send the profile to.
    #[arg(long)]
    pub monitor: String,
    /// Event time of the data (ms since the epoch or RFC 3339) for time windows (default: now).
    #[arg(long)]
    pub time: Option<String>,
    /// The service.
    #[command(flatten)]
    pub server: ServerArgs,
    /// How to read the data.
    #[command(flatten)]
    pub data_args: DataArgs,
}

async fn profile_of(engine: &Engine, data: &[String], data_args: &DataArgs) -> Result<Profile> {
    if let [only] = data {
        if assay_engine::dataset::is_profile_file(only) {
            return Ok(read_profile(only)?);
        }
    }
    let spec = data_args.spec(data.to_vec())?;
    let options = ProfileOptions {
        progress: std::io::stderr().is_terminal(),
        ..ProfileOptions::default()
    };
    Ok(profile_source(engine, &spec, &options).await?)
}

/// Runs `assay push`.
pub async fn run(engine: &Engine, args: PushArgs) -> Result<u8> {
    let profile = profile_of(engine, &args.data, &args.data_args).await?;
    let answer = args
        .server
        .client()
        .push_profile(
            &args.monitor,
            profile.to_json()?.into_bytes(),
            args.time.as_deref(),
        )
        .await?;
    eprintln!(
        "pushed the profile of {} rows × {} columns to monitor {} (window {}); no rows were sent",
        profile.rows,
        profile.columns.len(),
        args.monitor,
        answer["windows"][0]
    );
    Ok(0)
}

/// Arguments of `assay monitor`.
#[derive(Args, Debug)]
pub struct MonitorArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: MonitorCommand,
}

/// Monitor commands.
#[derive(Subcommand, Debug)]
pub enum MonitorCommand {
    /// Create a monitor from a suite file: its roles and checks, its `data.reference` (or
    /// --reference) profiled here and sent as a profile.
    Create {
        /// Monitor name.
        #[arg(long)]
        name: String,
        /// Suite file (YAML): roles, options, checks (and data.reference).
        #[arg(long)]
        suite: String,
        /// Reference data or saved profile (default: the suite's data.reference).
        #[arg(long)]
        reference: Option<String>,
        /// Row-count windows of this many rows.
        #[arg(long, conflicts_with = "every")]
        rows: Option<u64>,
        /// Time windows of this length (30s, 15m, 1h, 1d).
        #[arg(long)]
        every: Option<String>,
        /// Late-row wait after a time window ends.
        #[arg(long, requires = "every")]
        grace: Option<String>,
        /// Webhook URL; append `,slack` for a Slack-compatible body (repeatable).
        #[arg(long = "webhook")]
        webhooks: Vec<String>,
        /// Minimum time between firing alerts.
        #[arg(long)]
        cooldown: Option<String>,
        /// Alert from warn upwards (default: fail).
        #[arg(long)]
        alert_on_warn: bool,
        /// The service.
        #[command(flatten)]
        server: ServerArgs,
        /// How to read the reference data.
        #[command(flatten)]
        data_args: DataArgs,
    },
}

/// Runs `assay monitor …`.
pub async fn run_monitor(engine: &Engine, args: MonitorArgs) -> Result<u8> {
    let MonitorCommand::Create {
        name,
        suite,
        reference,
        rows,
        every,
        grace,
        webhooks,
        cooldown,
        alert_on_warn,
        server,
        data_args,
    } = args.command;
    let text = std::fs::read_to_string(&suite)
        .with_context(|| format!("cannot read the suite {suite}"))?;
    let profile = match reference {
        Some(r) => {
            let paths: Vec<String> = r.split(',').map(str::to_string).collect();
            profile_of(engine, &paths, &data_args).await?
        }
        None => {
            // The suite's data.reference (relative to the suite), read with its CSV settings.
            let doc: serde_norway::Value = serde_norway::from_str(&text)
                .with_context(|| format!("{suite}: not a YAML suite"))?;
            let data = doc.get("data");
            let Some(paths) = data.and_then(|d| d.get("reference")) else {
                bail!("{suite}: no data.reference; give --reference DATA");
            };
            let paths: Vec<String> = match paths {
                serde_norway::Value::String(p) => vec![p.clone()],
                serde_norway::Value::Sequence(ps) => ps
                    .iter()
                    .filter_map(|p| p.as_str().map(str::to_string))
                    .collect(),
                _ => bail!("{suite}: data.reference: expected a path or a list of paths"),
            };
            let base = std::path::Path::new(&suite)
                .parent()
                .unwrap_or(std::path::Path::new(""));
            let csv: assay_engine::format::CsvSettings = match data.and_then(|d| d.get("csv")) {
                Some(c) => serde_norway::from_value(c.clone())
                    .with_context(|| format!("{suite}: data.csv"))?,
                None => Default::default(),
            };
            let spec = assay_engine::source::SourceSpec {
                paths: paths
                    .iter()
                    .map(|p| {
                        if assay_engine::source::is_url(p) || std::path::Path::new(p).is_absolute()
                        {
                            p.clone()
                        } else {
                            base.join(p).to_string_lossy().into_owned()
                        }
                    })
                    .collect(),
                format: None,
                csv,
            };
            if let [only] = spec.paths.as_slice() {
                if assay_engine::dataset::is_profile_file(only) {
                    return create(
                        read_profile(only)?,
                        &text,
                        &name,
                        rows,
                        every,
                        grace,
                        &webhooks,
                        cooldown,
                        alert_on_warn,
                        &server,
                    )
                    .await;
                }
            }
            let options = ProfileOptions {
                progress: std::io::stderr().is_terminal(),
                ..ProfileOptions::default()
            };
            profile_source(engine, &spec, &options).await?
        }
    };
    create(
        profile,
        &text,
        &name,
        rows,
        every,
        grace,
        &webhooks,
        cooldown,
        alert_on_warn,
        &server,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn create(
    profile: Profile,
    text: &str,
    name: &str,
    rows: Option<u64>,
    every: Option<String>,
    grace: Option<String>,
    webhooks: &[String],
    cooldown: Option<String>,
    alert_on_warn: bool,
    server: &ServerArgs,
) -> Result<u8> {
    let window = match (rows, every) {
        (Some(n), None) => json!({ "rows": n }),
        (None, Some(e)) => json!({ "every": e, "grace": grace }),
        _ => bail!("give --rows N (row-count windows) or --every DURATION (time windows)"),
    };
    let mut hooks: Vec<Value> = Vec::new();
    for w in webhooks {
        let (url, format) = match w.rsplit_once(',') {
            Some((url, f @ ("slack" | "json"))) => (url, f),
            Some((_, other)) => {
                bail!("--webhook {w}: unknown format `{other}` (append ,slack or ,json)")
            }
            None => (w.as_str(), "json"),
        };
        hooks.push(json!({"url": url, "format": format}));
    }
    let body = json!({
        "name": name,
        "suite": text,
        "reference_profile": serde_json::from_str::<Value>(&profile.to_json()?)?,
        "window": window,
        "alerts": {"webhooks": hooks, "cooldown": cooldown, "on": if alert_on_warn { "warn" } else { "fail" }},
    });
    let answer = server.client().create_monitor(&body).await?;
    eprintln!(
        "created monitor {} ({}; reference: {} rows profiled here)",
        answer["name"].as_str().unwrap_or(name),
        answer["window"].as_str().unwrap_or(""),
        profile.rows
    );
    Ok(0)
}
