//! The external trainer protocol: cross-validation trains each fold with the user's own code,
//! a command template such as `python train.py {train} {model}` run once per fold.
//!
//! assay writes the fold's training and validation rows to files ([`write_rows`]), fills the
//! template's placeholders with their paths ([`TrainerCommand`]), runs the command with
//! `sh -c`, and expects an ONNX model at `{model}` when it exits with status 0.

use std::collections::VecDeque;
use std::fmt;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arrow::array::UInt32Array;
use arrow::compute::take_record_batch;
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;

/// Bytes of the trainer's standard error kept for error messages (the end of it).
pub const STDERR_TAIL_BYTES: usize = 4096;

/// Bytes of the trainer's standard output kept in [`TrainerRun::stdout_tail`] (the end of it).
pub const STDOUT_TAIL_BYTES: usize = 64 * 1024;

/// Rows taken from the batch and written at a time by [`write_rows`], so that writing a large
/// fold holds one chunk of copied rows, not a copy of the whole fold.
pub const WRITE_CHUNK_ROWS: usize = 65_536;

/// After the trainer exits, how long its output pipes may stay open (held by processes it
/// left running in the background) before the rest of its process group is killed.
const PIPE_GRACE: Duration = Duration::from_secs(2);

/// The placeholders a trainer command can use, in the order error messages list them.
const PLACEHOLDERS: [&str; 5] = ["train", "valid", "model", "fold", "workdir"];

/// Why a trainer command could not be built or run, or fold files not written.
#[derive(Debug, thiserror::Error)]
pub enum TrainerError {
    /// The command template is malformed.
    #[error("trainer command `{template}`: {reason}")]
    Template {
        /// The template as given.
        template: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A path to put in the command line is not valid UTF-8.
    #[error(
        "fold {fold}: the trainer command needs the path {} as text, but it is not valid UTF-8",
        path.display()
    )]
    NonUtf8Path {
        /// Fold number.
        fold: usize,
        /// The path.
        path: PathBuf,
    },
    /// The command could not be started (no `sh`, bad working directory, ...).
    #[error("fold {fold}: cannot start the trainer `{command}`: {source}")]
    Spawn {
        /// Fold number.
        fold: usize,
        /// The command line given to `sh -c`.
        command: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// Waiting for the trainer failed.
    #[error("fold {fold}: lost track of the trainer `{command}`: {source}")]
    Wait {
        /// Fold number.
        fold: usize,
        /// The command line given to `sh -c`.
        command: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The trainer exited with a non-zero status or was killed by a signal.
    #[error(
        "fold {fold}: the trainer `{command}` failed ({status}){}",
        tail_note(stderr_tail)
    )]
    Failed {
        /// Fold number.
        fold: usize,
        /// Exit code or signal.
        status: TrainerStatus,
        /// The end of its standard error.
        stderr_tail: String,
        /// The command line given to `sh -c`.
        command: String,
    },
    /// The trainer exited with status 0 but left no model file (or an empty one).
    #[error(
        "fold {fold}: the trainer `{command}` exited successfully but wrote no model to {} \
         (the file is missing or empty){}",
        path.display(),
        tail_note(stderr_tail)
    )]
    NoModel {
        /// Fold number.
        fold: usize,
        /// Where the model was expected.
        path: PathBuf,
        /// The end of its standard error.
        stderr_tail: String,
        /// The command line given to `sh -c`.
        command: String,
    },
    /// The trainer ran longer than its timeout; its process group was killed.
    #[error(
        "fold {fold}: the trainer `{command}` did not finish within {:.1} s and was killed{}",
        after.as_secs_f64(),
        tail_note(stderr_tail)
    )]
    TimedOut {
        /// Fold number.
        fold: usize,
        /// The timeout.
        after: Duration,
        /// The end of its standard error.
        stderr_tail: String,
        /// The command line given to `sh -c`.
        command: String,
    },
    /// A row index passed to [`write_rows`] is past the end of the batch.
    #[error("{}: row {row} does not exist (the data has {rows} rows)", path.display())]
    RowOutOfRange {
        /// The file being written.
        path: PathBuf,
        /// The offending row index.
        row: u32,
        /// Rows in the batch.
        rows: usize,
    },
    /// Creating or writing a fold file failed.
    #[error("{}: cannot write the fold file: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// Arrow could not select or encode the rows (e.g. a nested column in a CSV file).
    #[error("{}: cannot write the fold file: {source}", path.display())]
    Arrow {
        /// The file.
        path: PathBuf,
        /// Arrow's error.
        source: ArrowError,
    },
    /// The Parquet writer failed.
    #[error("{}: cannot write the Parquet fold file: {source}", path.display())]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The Parquet writer's error.
        source: ParquetError,
    },
}

fn tail_note(tail: &str) -> String {
    let t = tail.trim_end();
    if t.is_empty() {
        " (no output on stderr)".to_string()
    } else {
        format!("; end of its stderr:\n{t}")
    }
}

/// How a trainer process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum TrainerStatus {
    /// It exited with this code.
    Code(i32),
    /// It was killed by this signal (Unix).
    Signal(i32),
    /// Neither an exit code nor a signal is known.
    Unknown,
}

impl TrainerStatus {
    fn from_exit(status: ExitStatus) -> TrainerStatus {
        if let Some(code) = status.code() {
            return TrainerStatus::Code(code);
        }
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            if let Some(signal) = status.signal() {
                return TrainerStatus::Signal(signal);
            }
        }
        TrainerStatus::Unknown
    }
}

impl fmt::Display for TrainerStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainerStatus::Code(c) => write!(f, "exit code {c}"),
            TrainerStatus::Signal(s) => write!(f, "killed by signal {s}"),
            TrainerStatus::Unknown => write!(f, "unknown exit status"),
        }
    }
}

/// File format of the fold files handed to a trainer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FoldFileFormat {
    /// CSV with a header row (Arrow's CSV writer: nulls as empty fields).
    #[default]
    Csv,
    /// Parquet (Snappy-compressed), keeping the column types.
    Parquet,
}

impl FoldFileFormat {
    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            FoldFileFormat::Csv => "csv",
            FoldFileFormat::Parquet => "parquet",
        }
    }
}

impl std::str::FromStr for FoldFileFormat {
    type Err = String;

    /// `csv` or `parquet` (any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(FoldFileFormat::Csv),
            "parquet" => Ok(FoldFileFormat::Parquet),
            other => Err(format!(
                "unknown fold file format `{other}` (expected csv or parquet)"
            )),
        }
    }
}

/// The files of one fold, substituted into the trainer command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoldFiles {
    /// Fold number (`{fold}`).
    pub fold: usize,
    /// Training rows (`{train}`).
    pub train: PathBuf,
    /// Validation rows (`{valid}`).
    pub valid: PathBuf,
    /// Where the trainer must write the ONNX model (`{model}`).
    pub model: PathBuf,
    /// A scratch directory for the fold (`{workdir}`).
    pub workdir: PathBuf,
}

/// A finished, successful trainer run.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainerRun {
    /// Fold number.
    pub fold: usize,
    /// The command line given to `sh -c`.
    pub command: String,
    /// Wall time from start to exit.
    pub duration: Duration,
    /// The end of its standard output (at most [`STDOUT_TAIL_BYTES`]).
    pub stdout_tail: String,
    /// The end of its standard error (at most [`STDERR_TAIL_BYTES`]).
    pub stderr_tail: String,
    /// Size of the model file it wrote.
    pub model_bytes: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placeholder {
    Train,
    Valid,
    Model,
    Fold,
    Workdir,
}

/// Where a placeholder stands in the shell text, which decides how its value is quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    /// Unquoted: the value becomes one single-quoted word.
    Bare,
    /// Inside `'...'`: embedded single quotes close, escape and reopen the quote.
    Single,
    /// Inside `"..."`: `"`, `\`, `$` and `` ` `` are backslash-escaped.
    Double,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Text(String),
    Value(Placeholder, Quoting),
}

/// A trainer command template, ready to run for each fold.
///
/// Placeholders: `{train}` (required), `{valid}`, `{model}` (required), `{fold}` and
/// `{workdir}`; `{{` and `}}` stand for literal braces (so shell text such as `${HOME}` or
/// `awk '{print}'` is written `${{HOME}}`, `awk '{{print}}'`). Each value is shell-quoted
/// for the place it stands in: bare, inside `'...'` or inside `"..."` (quoting a placeholder
/// yourself is allowed but not needed), so paths with spaces, quotes or `$` are passed
/// verbatim. Placeholders inside `$(...)` or backquotes are quoted as if bare.
///
/// The command runs as `sh -c COMMAND` in its own process group, with standard input
/// closed, in the working directory of assay (or [`with_working_dir`](Self::with_working_dir)),
/// with assay's environment plus [`with_env`](Self::with_env) variables plus `ASSAY_FOLD`,
/// `ASSAY_TRAIN`, `ASSAY_VALID`, `ASSAY_MODEL` and `ASSAY_WORKDIR` holding the fold's values.
///
/// ```no_run
/// use std::time::Duration;
/// use assay_model::{FoldFiles, TrainerCommand};
/// let trainer = TrainerCommand::new("python train.py {train} {model}")?
///     .with_timeout(Duration::from_secs(600));
/// let run = trainer.run(&FoldFiles {
///     fold: 0,
///     train: "cv/fold0/train.csv".into(),
///     valid: "cv/fold0/valid.csv".into(),
///     model: "cv/fold0/model.onnx".into(),
///     workdir: "cv/fold0".into(),
/// })?;
/// println!("fold 0 trained in {:.1} s", run.duration.as_secs_f64());
/// # Ok::<(), assay_model::TrainerError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainerCommand {
    template: String,
    segments: Vec<Segment>,
    timeout: Option<Duration>,
    working_dir: Option<PathBuf>,
    env: Vec<(String, String)>,
}

impl TrainerCommand {
    /// Parses a command template (see [`TrainerCommand`]).
    pub fn new(template: &str) -> Result<Self, TrainerError> {
        let err = |reason: String| TrainerError::Template {
            template: template.to_string(),
            reason,
        };
        let valid_list = PLACEHOLDERS
            .iter()
            .map(|p| format!("{{{p}}}"))
            .collect::<Vec<_>>()
            .join(", ");
        if template.trim().is_empty() {
            return Err(err("the command is empty".into()));
        }
        let mut segments: Vec<Segment> = Vec::new();
        let mut text = String::new();
        let mut quoting = Quoting::Bare;
        // Whether the previous character was a backslash escaping this one (outside single
        // quotes).
        let mut escaped = false;
        let mut chars = template.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|&(_, n)| n) == Some('{') => {
                    chars.next();
                    text.push('{');
                    escaped = false;
                }
                '}' if chars.peek().map(|&(_, n)| n) == Some('}') => {
                    chars.next();
                    text.push('}');
                    escaped = false;
                }
                '}' => {
                    return Err(err(format!(
                        "unmatched `}}` at byte {at}; write `}}}}` for a literal brace"
                    )))
                }
                '{' => {
                    let mut name = String::new();
                    let mut closed = false;
                    for (_, n) in chars.by_ref() {
                        if n == '}' {
                            closed = true;
                            break;
                        }
                        name.push(n);
                    }
                    if !closed {
                        return Err(err(format!(
                            "unclosed `{{` at byte {at}; placeholders are {valid_list}, and \
                             `{{{{` is a literal brace"
                        )));
                    }
                    let placeholder = match name.as_str() {
                        "train" => Placeholder::Train,
                        "valid" => Placeholder::Valid,
                        "model" => Placeholder::Model,
                        "fold" => Placeholder::Fold,
                        "workdir" => Placeholder::Workdir,
                        _ => {
                            return Err(err(format!(
                                "unknown placeholder `{{{name}}}`; valid placeholders are \
                                 {valid_list} (write `{{{{` and `}}}}` for literal braces)"
                            )))
                        }
                    };
                    if !text.is_empty() {
                        segments.push(Segment::Text(std::mem::take(&mut text)));
                    }
                    segments.push(Segment::Value(placeholder, quoting));
                    escaped = false;
                }
                _ => {
                    text.push(c);
                    if escaped {
                        escaped = false;
                        continue;
                    }
                    match (quoting, c) {
                        (Quoting::Bare, '\\') | (Quoting::Double, '\\') => escaped = true,
                        (Quoting::Bare, '\'') => quoting = Quoting::Single,
                        (Quoting::Bare, '"') => quoting = Quoting::Double,
                        (Quoting::Single, '\'') | (Quoting::Double, '"') => quoting = Quoting::Bare,
                        _ => {}
                    }
                }
            }
        }
        if !text.is_empty() {
            segments.push(Segment::Text(text));
        }
        for (required, name) in [(Placeholder::Train, "train"), (Placeholder::Model, "model")] {
            if !segments
                .iter()
                .any(|s| matches!(s, Segment::Value(p, _) if *p == required))
            {
                return Err(err(format!(
                    "the command must use `{{{name}}}` (placeholders: {valid_list})"
                )));
            }
        }
        Ok(TrainerCommand {
            template: template.to_string(),
            segments,
            timeout: None,
            working_dir: None,
            env: Vec::new(),
        })
    }

    /// Kills the trainer (its whole process group) when it runs longer than `timeout`.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Runs the trainer in `dir` instead of assay's working directory.
    pub fn with_working_dir(mut self, dir: PathBuf) -> Self {
        self.working_dir = Some(dir);
        self
    }

    /// Sets an environment variable for the trainer.
    pub fn with_env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// The template as given.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// The timeout, if any.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The command line run for `files` (what `sh -c` receives).
    pub fn command_line(&self, files: &FoldFiles) -> Result<String, TrainerError> {
        let text = |p: &Path| {
            p.to_str()
                .map(str::to_string)
                .ok_or_else(|| TrainerError::NonUtf8Path {
                    fold: files.fold,
                    path: p.to_path_buf(),
                })
        };
        let mut out = String::new();
        for s in &self.segments {
            match s {
                Segment::Text(t) => out.push_str(t),
                Segment::Value(p, quoting) => {
                    let value = match p {
                        Placeholder::Train => text(&files.train)?,
                        Placeholder::Valid => text(&files.valid)?,
                        Placeholder::Model => text(&files.model)?,
                        Placeholder::Workdir => text(&files.workdir)?,
                        Placeholder::Fold => files.fold.to_string(),
                    };
                    out.push_str(&quote(&value, *quoting));
                }
            }
        }
        Ok(out)
    }

    /// Runs the trainer for one fold and checks that it wrote a model.
    ///
    /// A file already at `files.model` is removed first, so that a model left by an earlier
    /// run cannot pass for this one. Standard output and error are read concurrently while
    /// the trainer runs (only their ends are kept), so a chatty trainer cannot block on a
    /// full pipe. On timeout, or when background processes the trainer leaves behind keep
    /// its output open after it exits, its process group is killed.
    pub fn run(&self, files: &FoldFiles) -> Result<TrainerRun, TrainerError> {
        let fold = files.fold;
        let command = self.command_line(files)?;
        match std::fs::remove_file(&files.model) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(TrainerError::Io {
                    path: files.model.clone(),
                    source,
                })
            }
        }
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(&command)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("ASSAY_FOLD", fold.to_string())
            .env("ASSAY_TRAIN", &files.train)
            .env("ASSAY_VALID", &files.valid)
            .env("ASSAY_MODEL", &files.model)
            .env("ASSAY_WORKDIR", &files.workdir);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        if let Some(dir) = &self.working_dir {
            cmd.current_dir(dir);
        }
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        let started = Instant::now();
        let mut child = cmd.spawn().map_err(|source| TrainerError::Spawn {
            fold,
            command: command.clone(),
            source,
        })?;
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let stdout = Tail::new(STDOUT_TAIL_BYTES);
        let stderr = Tail::new(STDERR_TAIL_BYTES);
        let mut readers = 0;
        if let Some(pipe) = child.stdout.take() {
            stdout.drain(pipe, done_tx.clone());
            readers += 1;
        }
        if let Some(pipe) = child.stderr.take() {
            stderr.drain(pipe, done_tx.clone());
            readers += 1;
        }
        drop(done_tx);
        let waited = wait_with_timeout(&mut child, self.timeout);
        let duration = started.elapsed();
        // Collect the output; processes left in the background may hold the pipes open.
        let mut pending = readers;
        let mut deadline = Instant::now() + PIPE_GRACE;
        let mut killed_rest = false;
        while pending > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            match done_rx.recv_timeout(left) {
                Ok(()) => pending -= 1,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) if !killed_rest => {
                    kill_group(&mut child);
                    killed_rest = true;
                    deadline = Instant::now() + PIPE_GRACE;
                }
                // Something outside the group holds the pipes: keep what was read.
                Err(mpsc::RecvTimeoutError::Timeout) => break,
            }
        }
        let stderr_tail = stderr.text();
        let stdout_tail = stdout.text();
        let status = match waited {
            Ok(Some(status)) => status,
            Ok(None) => {
                return Err(TrainerError::TimedOut {
                    fold,
                    after: self.timeout.unwrap_or_default(),
                    stderr_tail,
                    command,
                })
            }
            Err(source) => {
                return Err(TrainerError::Wait {
                    fold,
                    command,
                    source,
                })
            }
        };
        if !status.success() {
            return Err(TrainerError::Failed {
                fold,
                status: TrainerStatus::from_exit(status),
                stderr_tail,
                command,
            });
        }
        let model_bytes = match std::fs::metadata(&files.model) {
            Ok(m) if m.is_file() && m.len() > 0 => m.len(),
            _ => {
                return Err(TrainerError::NoModel {
                    fold,
                    path: files.model.clone(),
                    stderr_tail,
                    command,
                })
            }
        };
        Ok(TrainerRun {
            fold,
            command,
            duration,
            stdout_tail,
            stderr_tail,
            model_bytes,
        })
    }
}

/// Quotes `value` for the shell context it stands in.
fn quote(value: &str, quoting: Quoting) -> String {
    match quoting {
        Quoting::Bare => format!("'{}'", value.replace('\'', r"'\''")),
        Quoting::Single => value.replace('\'', r"'\''"),
        Quoting::Double => {
            let mut out = String::with_capacity(value.len());
            for c in value.chars() {
                if matches!(c, '"' | '\\' | '$' | '`') {
                    out.push('\\');
                }
                out.push(c);
            }
            out
        }
    }
}

/// Waits for `child`; `Ok(None)` when it was killed at the timeout. A cancelled call
/// ([`assay_runtime::cancel`]) kills it too, and unwinds.
fn wait_with_timeout(
    child: &mut Child,
    timeout: Option<Duration>,
) -> std::io::Result<Option<ExitStatus>> {
    let deadline = timeout.map(|t| Instant::now() + t);
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if assay_runtime::cancel::requested() {
            kill_group(child);
            let _ = child.wait();
            assay_runtime::cancel::checkpoint();
        }
        let now = Instant::now();
        let left = match deadline {
            Some(d) if now >= d => {
                kill_group(child);
                child.wait()?;
                return Ok(None);
            }
            Some(d) => d - now,
            None => Duration::MAX,
        };
        std::thread::sleep(pause.min(left));
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// Kills the child's process group (it leads its own group), or the child alone where
/// process groups do not exist.
fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    {
        if let Ok(pid) = libc::pid_t::try_from(child.id()) {
            // SAFETY: kill(2) with a negative pid signals that process group; it touches no
            // memory of ours. Failure (the group is already gone) is ignored.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
            return;
        }
    }
    let _ = child.kill();
}

/// The last `cap` bytes of a stream, filled by a reader thread.
#[derive(Clone)]
struct Tail {
    cap: usize,
    buf: Arc<Mutex<VecDeque<u8>>>,
}

impl Tail {
    fn new(cap: usize) -> Tail {
        Tail {
            cap,
            buf: Arc::new(Mutex::new(VecDeque::with_capacity(cap))),
        }
    }

    /// Reads `pipe` to its end on a new thread, then signals `done`.
    fn drain<R: Read + Send + 'static>(&self, mut pipe: R, done: mpsc::Sender<()>) {
        let tail = self.clone();
        std::thread::spawn(move || {
            let mut chunk = [0u8; 8192];
            loop {
                match pipe.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => tail.push(chunk.get(..n).unwrap_or_default()),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            let _ = done.send(());
        });
    }

    fn push(&self, bytes: &[u8]) {
        let Ok(mut buf) = self.buf.lock() else { return };
        let bytes = bytes
            .get(bytes.len().saturating_sub(self.cap)..)
            .unwrap_or(bytes);
        let overflow = (buf.len() + bytes.len()).saturating_sub(self.cap);
        let drop = overflow.min(buf.len());
        buf.drain(..drop);
        buf.extend(bytes);
    }

    /// The kept bytes as text, starting at a character boundary.
    fn text(&self) -> String {
        let bytes: Vec<u8> = match self.buf.lock() {
            Ok(b) => b.iter().copied().collect(),
            Err(poisoned) => poisoned.into_inner().iter().copied().collect(),
        };
        // The cut may fall inside a UTF-8 sequence: skip its continuation bytes.
        let start = bytes
            .iter()
            .take(3)
            .take_while(|b| (**b & 0xC0) == 0x80)
            .count();
        String::from_utf8_lossy(bytes.get(start..).unwrap_or_default()).into_owned()
    }
}

/// Writes the rows `rows` of `batch` (in that order) to `path` as CSV with a header or as
/// Parquet, [`WRITE_CHUNK_ROWS`] rows at a time. A file that cannot be completed is removed.
pub fn write_rows(
    batch: &RecordBatch,
    rows: &[u32],
    path: &Path,
    format: FoldFileFormat,
) -> Result<(), TrainerError> {
    let n = batch.num_rows();
    if let Some(&row) = rows.iter().find(|&&r| r as usize >= n) {
        return Err(TrainerError::RowOutOfRange {
            path: path.to_path_buf(),
            row,
            rows: n,
        });
    }
    let result = write_rows_unchecked(batch, rows, path, format);
    if result.is_err() {
        let _ = std::fs::remove_file(path);
    }
    result
}

fn write_rows_unchecked(
    batch: &RecordBatch,
    rows: &[u32],
    path: &Path,
    format: FoldFileFormat,
) -> Result<(), TrainerError> {
    let io = |source: std::io::Error| TrainerError::Io {
        path: path.to_path_buf(),
        source,
    };
    let arrow = |source: ArrowError| TrainerError::Arrow {
        path: path.to_path_buf(),
        source,
    };
    let parquet = |source: ParquetError| TrainerError::Parquet {
        path: path.to_path_buf(),
        source,
    };
    let file = BufWriter::new(File::create(path).map_err(io)?);
    let chunks = rows.chunks(WRITE_CHUNK_ROWS);
    let take =
        |chunk: &[u32]| take_record_batch(batch, &UInt32Array::from(chunk.to_vec())).map_err(arrow);
    match format {
        FoldFileFormat::Csv => {
            let mut writer = arrow::csv::WriterBuilder::new()
                .with_header(true)
                .build(file);
            if rows.is_empty() {
                // The header alone.
                writer.write(&batch.slice(0, 0)).map_err(arrow)?;
            }
            for chunk in chunks {
                writer.write(&take(chunk)?).map_err(arrow)?;
            }
            writer.into_inner().flush().map_err(io)?;
        }
        FoldFileFormat::Parquet => {
            let props = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .build();
            let mut writer =
                ArrowWriter::try_new(file, batch.schema(), Some(props)).map_err(parquet)?;
            for chunk in chunks {
                writer.write(&take(chunk)?).map_err(parquet)?;
            }
            writer.into_inner().map_err(parquet)?.flush().map_err(io)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> FoldFiles {
        FoldFiles {
            fold: 2,
            train: "/tmp/a b/train.csv".into(),
            valid: "/tmp/it's/valid.csv".into(),
            model: "/tmp/m$x\"y`z\\.onnx".into(),
            workdir: "/tmp/w".into(),
        }
    }

    #[test]
    fn bare_placeholders_are_single_quoted() {
        let t =
            TrainerCommand::new("python t.py {train} {valid} {model} {fold} {workdir}").unwrap();
        assert_eq!(
            t.command_line(&files()).unwrap(),
            r#"python t.py '/tmp/a b/train.csv' '/tmp/it'\''s/valid.csv' '/tmp/m$x"y`z\.onnx' '2' '/tmp/w'"#
        );
    }

    #[test]
    fn quoted_placeholders_are_escaped_for_their_quotes() {
        let t = TrainerCommand::new(r#"run --train="{train}" --valid='{valid}' {model}"#).unwrap();
        assert_eq!(
            t.command_line(&files()).unwrap(),
            r#"run --train="/tmp/a b/train.csv" --valid='/tmp/it'\''s/valid.csv' '/tmp/m$x"y`z\.onnx'"#
        );
        let t = TrainerCommand::new(r#"run "{model}" {train}"#).unwrap();
        assert_eq!(
            t.command_line(&files()).unwrap(),
            r#"run "/tmp/m\$x\"y\`z\\.onnx" '/tmp/a b/train.csv'"#
        );
    }

    #[test]
    fn escaped_quotes_do_not_open_a_quote() {
        let t = TrainerCommand::new(r#"echo \" {train} "a\"b" {model}"#).unwrap();
        assert_eq!(
            t.command_line(&files()).unwrap(),
            r#"echo \" '/tmp/a b/train.csv' "a\"b" '/tmp/m$x"y`z\.onnx'"#
        );
    }

    #[test]
    fn doubled_braces_are_literal() {
        let t = TrainerCommand::new("awk '{{print}}' {train} > {model}").unwrap();
        let mut f = files();
        f.train = "x".into();
        f.model = "y".into();
        assert_eq!(t.command_line(&f).unwrap(), "awk '{print}' 'x' > 'y'");
    }

    #[test]
    fn template_errors_name_the_problem() {
        let e = TrainerCommand::new("train {trian} {model}").unwrap_err();
        let m = e.to_string();
        assert!(m.contains("unknown placeholder `{trian}`"), "{m}");
        assert!(
            m.contains("{train}, {valid}, {model}, {fold}, {workdir}"),
            "{m}"
        );
        let m = TrainerCommand::new("train {train}")
            .unwrap_err()
            .to_string();
        assert!(m.contains("must use `{model}`"), "{m}");
        let m = TrainerCommand::new("t {model}").unwrap_err().to_string();
        assert!(m.contains("must use `{train}`"), "{m}");
        let m = TrainerCommand::new("t {train} {model")
            .unwrap_err()
            .to_string();
        assert!(m.contains("unclosed `{`"), "{m}");
        let m = TrainerCommand::new("t {train} } {model}")
            .unwrap_err()
            .to_string();
        assert!(m.contains("unmatched `}`"), "{m}");
        assert!(TrainerCommand::new("  ").is_err());
    }

    #[test]
    fn tail_keeps_the_end_at_a_char_boundary() {
        let t = Tail::new(5);
        t.push(b"abc");
        t.push("déf".as_bytes()); // 4 bytes: 7 in all, the last 5 kept
        assert_eq!(t.text(), "cdéf");
        t.push("ééé".as_bytes()); // 6 bytes: the first byte of the first é is cut
        assert_eq!(t.text(), "éé");
        let t = Tail::new(4);
        t.push(b"0123456789");
        assert_eq!(t.text(), "6789");
    }

    #[test]
    fn format_parses() {
        assert_eq!("CSV".parse::<FoldFileFormat>(), Ok(FoldFileFormat::Csv));
        assert_eq!(
            "parquet".parse::<FoldFileFormat>(),
            Ok(FoldFileFormat::Parquet)
        );
        assert!("feather".parse::<FoldFileFormat>().is_err());
        assert_eq!(FoldFileFormat::default(), FoldFileFormat::Csv);
    }
}
