//! `assay`: test, validate and monitor machine-learning data and models.
//!
//! Argument parsing and wiring only; the work is in the library crates.

mod commands;
mod data_args;
mod output;
mod report_args;
mod splitter_args;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code for configuration, usage and input errors.
pub const EXIT_INPUT_ERROR: u8 = 2;

#[derive(Parser)]
#[command(
    name = "assay",
    version,
    about = "Test, validate and monitor machine-learning data and models, exactly, at scale.",
    long_about = "Test, validate and monitor machine-learning data and models, exactly, at scale.\n\n\
        Exit codes: 0 every check passed (warnings allowed unless --strict), 1 a check failed or \
        errored, 2 usage, configuration or input error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Worker threads, 1 to 1024 (default: every core). Bounds every pool: reading, profiling,
    /// drift scoring, model inference, bootstrap and cross-validation.
    #[arg(long, global = true, value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
}

#[derive(Subcommand)]
enum Command {
    /// Run a suite of checks (YAML, TOML or JSON) and report.
    Check(commands::check::CheckArgs),
    /// Profile a dataset (one parallel pass) and save or print the profile; or merge profiles.
    Profile(commands::profile::ProfileArgs),
    /// Drift of every column between a reference and current data (or saved profiles).
    Drift(Box<commands::drift::DriftArgs>),
    /// Evaluate a model (ONNX, or prediction columns): metrics with intervals, slices,
    /// fairness over protected attributes, and a regression gate against a baseline.
    Evaluate(Box<commands::evaluate::EvaluateArgs>),
    /// Cross-validate a built-in learner or your own training command (external trainer):
    /// per-fold metrics, mean, spread, interval, the trivial baseline and overfitting.
    Crossval(Box<commands::crossval::CrossvalArgs>),
    /// Write cross-validation folds (0-based row indices, JSON) with any splitter, as
    /// scikit-learn assigns them.
    Split(Box<commands::split::SplitArgs>),
    /// Sensitivity of a model's output to each input: Sobol indices, Morris effects,
    /// one-at-a-time sweeps, or permutation importance on data.
    Sensitivity(Box<commands::sensitivity::SensitivityArgs>),
    /// Benchmark a model's inference: load time, latency percentiles per batch size,
    /// throughput, memory; budgets and a baseline comparison.
    BenchModel(Box<commands::bench_model::BenchModelArgs>),
    /// Write a starter suite inferred from a dataset (schema, ranges, categories, null thresholds).
    Init(commands::init::InitArgs),
    /// Run the monitoring service: ingest rows, labels and profiles over HTTP, evaluate
    /// windows, alert, serve a dashboard and metrics.
    Serve(Box<commands::serve::ServeArgs>),
    /// Manage the service's API tokens (works before the service runs).
    Token(commands::serve::TokenArgs),
    /// Profile data here and send only the profile to a monitor (hybrid mode).
    Push(Box<commands::push::PushArgs>),
    /// Create monitors on a running service from a suite file.
    Monitor(Box<commands::push::MonitorArgs>),
    /// List the check catalogue.
    Checks,
    /// Print a check's documentation.
    Explain(commands::explain::ExplainArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_INPUT_ERROR } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // A panic anywhere below becomes an error (a check's `error` result where it is caught
    // inside a run, else an error message and exit code 2), never a crash trace.
    // The service logs contained panics (they become 500 answers, `error` windows or task
    // restarts); the other commands report them where they are caught.
    match cli.command {
        Command::Serve(_) => assay_runtime::fault::install_hook(assay_server::log_panic),
        _ => assay_runtime::fault::install_hook(assay_runtime::fault::silent),
    }
    // Fault injection for the tests (FAILPOINTS); inert in builds without fail/failpoints.
    let _failpoints = fail::FailScenario::setup();
    let threads = assay_runtime::threads::set_budget(cli.threads.map(usize::from));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .max_blocking_threads(threads)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(EXIT_INPUT_ERROR);
        }
    };
    let engine = assay_engine::Engine::new(Some(threads));
    let result = runtime.block_on(assay_runtime::fault::isolate_future(async {
        match cli.command {
            Command::Check(args) => commands::check::run(&engine, args).await,
            Command::Drift(args) => commands::drift::run(&engine, *args).await,
            Command::Evaluate(args) => commands::evaluate::run(&engine, *args).await,
            Command::Crossval(args) => commands::crossval::run(&engine, *args).await,
            Command::Split(args) => commands::split::run(&engine, *args).await,
            Command::Sensitivity(args) => commands::sensitivity::run(&engine, *args).await,
            Command::BenchModel(args) => commands::bench_model::run(&engine, *args).await,
            Command::Profile(args) => commands::profile::run(&engine, args).await,
            Command::Init(args) => commands::init::run(&engine, args).await,
            Command::Serve(args) => commands::serve::run(*args).await,
            Command::Token(args) => commands::serve::run_token(args).await,
            Command::Push(args) => commands::push::run(&engine, *args).await,
            Command::Monitor(args) => commands::push::run_monitor(&engine, *args).await,
            Command::Checks => commands::explain::list(),
            Command::Explain(args) => commands::explain::run(args),
        }
    }));
    let result = result.unwrap_or_else(|fault| Err(anyhow::anyhow!("{fault}")));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if output::is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_INPUT_ERROR)
        }
    }
}
