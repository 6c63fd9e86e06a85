//! The external trainer protocol with real processes (`sh`), and fold files read back.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow::array::{ArrayRef, BooleanArray, Float64Array, Int64Array, StringArray, UInt32Array};
use arrow::compute::take_record_batch;
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use assay_model::{
    write_rows, FoldFileFormat, FoldFiles, ModelTask, OnnxModel, TrainerCommand, TrainerError,
    TrainerStatus, STDERR_TAIL_BYTES, WRITE_CHUNK_ROWS,
};

fn fixture_model() -> String {
    format!(
        "{}/../../examples/adult/models/adult_lr.onnx",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Fold files in `dir`, with a non-empty training file.
fn fold_files(dir: &Path, fold: usize) -> FoldFiles {
    std::fs::create_dir_all(dir).unwrap();
    let train = dir.join("train.csv");
    std::fs::write(&train, "a,b\n1,2\n").unwrap();
    let valid = dir.join("valid.csv");
    std::fs::write(&valid, "a,b\n3,4\n").unwrap();
    FoldFiles {
        fold,
        train,
        valid,
        model: dir.join("model.onnx"),
        workdir: dir.to_path_buf(),
    }
}

#[test]
fn a_trainer_that_writes_the_model_succeeds_and_the_model_loads() {
    let tmp = tempfile::tempdir().unwrap();
    let files = fold_files(tmp.path(), 0);
    let trainer = TrainerCommand::new(
        "test -s {train} && echo trained fold {fold} && echo note >&2 && cp \"$SRC\" {model}",
    )
    .unwrap()
    .with_env("SRC", fixture_model());
    let run = trainer.run(&files).unwrap();
    assert_eq!(run.fold, 0);
    assert_eq!(run.stdout_tail, "trained fold 0\n");
    assert_eq!(run.stderr_tail, "note\n");
    assert_eq!(
        run.model_bytes,
        std::fs::metadata(fixture_model()).unwrap().len()
    );
    assert!(run.command.contains("cp \"$SRC\" '"), "{}", run.command);
    let model = OnnxModel::load(files.model.to_str().unwrap()).unwrap();
    assert!(matches!(model.task(), ModelTask::Classifier { .. }));
}

#[test]
fn a_failing_trainer_reports_its_status_fold_and_stderr() {
    let tmp = tempfile::tempdir().unwrap();
    let files = fold_files(tmp.path(), 4);
    let trainer = TrainerCommand::new(
        "test -n {train} && test -n {model} && echo 'boom: the labels are all one class' >&2 \
         && exit 3",
    )
    .unwrap();
    let err = trainer.run(&files).unwrap_err();
    let message = err.to_string();
    match &err {
        TrainerError::Failed {
            fold,
            status,
            stderr_tail,
            command,
        } => {
            assert_eq!(*fold, 4);
            assert_eq!(*status, TrainerStatus::Code(3));
            assert_eq!(stderr_tail, "boom: the labels are all one class\n");
            assert!(command.starts_with("test -n '"), "{command}");
        }
        other => panic!("expected Failed, got {other:?}"),
    }
    assert!(message.contains("fold 4"), "{message}");
    assert!(message.contains("exit code 3"), "{message}");
    assert!(
        message.contains("boom: the labels are all one class"),
        "{message}"
    );
    assert!(message.contains("test -n '"), "{message}");
}

#[test]
fn a_trainer_killed_by_a_signal_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let files = fold_files(tmp.path(), 1);
    let trainer = TrainerCommand::new("kill -9 $$ # {train} {model}").unwrap();
    let err = trainer.run(&files).unwrap_err();
    assert!(
        matches!(
            err,
            TrainerError::Failed {
                status: TrainerStatus::Signal(9),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("killed by signal 9"), "{err}");
}

#[test]
fn exit_zero_without_a_model_is_no_model() {
    let tmp = tempfile::tempdir().unwrap();
    let files = fold_files(tmp.path(), 2);
    // A model left by an earlier run does not count.
    std::fs::write(&files.model, b"stale").unwrap();
    let trainer = TrainerCommand::new("echo forgot to save >&2 # {train} {model}").unwrap();
    let err = trainer.run(&files).unwrap_err();
    match &err {
        TrainerError::NoModel {
            fold,
            path,
            stderr_tail,
            ..
        } => {
            assert_eq!(*fold, 2);
            assert_eq!(path, &files.model);
            assert_eq!(stderr_tail, "forgot to save\n");
        }
        other => panic!("expected NoModel, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("fold 2"), "{message}");
    assert!(message.contains("forgot to save"), "{message}");
    assert!(!files.model.exists());

    // An empty model file is no model either.
    let trainer = TrainerCommand::new(": > {model} # {train}").unwrap();
    let err = trainer.run(&files).unwrap_err();
    assert!(matches!(err, TrainerError::NoModel { .. }), "{err:?}");
    assert_eq!(std::fs::metadata(&files.model).unwrap().len(), 0);
}

#[cfg(target_os = "linux")]
fn alive(pid: u32) -> bool {
    // A killed process whose parent is gone may linger as a zombie until reaped.
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

#[test]
fn a_trainer_past_its_timeout_is_killed_with_its_children() {
    let tmp = tempfile::tempdir().unwrap();
    let files = fold_files(tmp.path(), 5);
    let pid_file = tmp.path().join("child.pid");
    let trainer = TrainerCommand::new(
        "echo started >&2; sleep 30 & echo $! > {workdir}/child.pid; sleep 30; wait \
         # {train} {model}",
    )
    .unwrap()
    .with_timeout(Duration::from_secs(1));
    let started = Instant::now();
    let err = trainer.run(&files).unwrap_err();
    // It returned long before the 30 s sleep ended (a loose bound, not a timing test).
    assert!(started.elapsed() < Duration::from_secs(25));
    match &err {
        TrainerError::TimedOut {
            fold,
            after,
            stderr_tail,
            ..
        } => {
            assert_eq!(*fold, 5);
            assert_eq!(*after, Duration::from_secs(1));
            assert_eq!(stderr_tail, "started\n");
        }
        other => panic!("expected TimedOut, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("fold 5"), "{message}");
    assert!(message.contains("1.0 s"), "{message}");
    // The background child was in the trainer's process group: killed too.
    #[cfg(target_os = "linux")]
    {
        let pid: u32 = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let mut gone = false;
        for _ in 0..100 {
            if !alive(pid) {
                gone = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(gone, "background process {pid} still runs");
    }
    let _ = pid_file;
}

#[test]
fn a_background_process_holding_the_pipes_does_not_hang_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let files = fold_files(tmp.path(), 0);
    let trainer = TrainerCommand::new("sleep 30 & cp \"$SRC\" {model} # {train}")
        .unwrap()
        .with_env("SRC", fixture_model());
    let started = Instant::now();
    let run = trainer.run(&files).unwrap();
    assert!(started.elapsed() < Duration::from_secs(25));
    assert!(run.model_bytes > 0);
}

#[test]
fn a_chatty_trainer_does_not_block_on_full_pipes() {
    let tmp = tempfile::tempdir().unwrap();
    let files = fold_files(tmp.path(), 0);
    // 2 MB on each stream: far more than a pipe buffer.
    let trainer = TrainerCommand::new(
        "i=0; while [ $i -lt 2000 ]; do printf '%01000d\\n' $i; printf '%01000d\\n' $i >&2; \
         i=$((i+1)); done; cp \"$SRC\" {model} # {train}",
    )
    .unwrap()
    .with_env("SRC", fixture_model())
    .with_timeout(Duration::from_secs(120));
    let run = trainer.run(&files).unwrap();
    assert!(run.stderr_tail.len() <= STDERR_TAIL_BYTES);
    assert!(run.stderr_tail.len() > STDERR_TAIL_BYTES - 1001);
    assert!(
        run.stderr_tail.ends_with(&format!("{:01000}\n", 1999)),
        "{}",
        run.stderr_tail
    );
    assert!(run.stdout_tail.ends_with(&format!("{:01000}\n", 1999)));
}

#[test]
fn paths_with_spaces_quotes_and_dollars_are_passed_verbatim() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("it's a \"fold\" $HOME `x`");
    let mut files = fold_files(&dir, 7);
    let train = dir.join("tr ain's.csv");
    std::fs::write(&train, "x\n42\n").unwrap();
    files.train = train.clone();
    files.model = dir.join("mo'del \"1\".onnx");
    for template in [
        "cp \"$SRC\" {model} && cat {train} > {workdir}/seen.csv && echo {fold} {valid} > \
         {workdir}/args.txt",
        // Placeholders the user quoted themselves.
        "cp \"$SRC\" \"{model}\" && cat '{train}' > \"{workdir}/seen.csv\" && echo {fold} \
         \"{valid}\" > '{workdir}/args.txt'",
    ] {
        let _ = std::fs::remove_file(dir.join("seen.csv"));
        let trainer = TrainerCommand::new(template)
            .unwrap()
            .with_env("SRC", fixture_model());
        let run = trainer.run(&files).unwrap();
        assert!(run.model_bytes > 0, "{template}");
        assert_eq!(
            std::fs::read_to_string(dir.join("seen.csv")).unwrap(),
            "x\n42\n",
            "{template}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("args.txt")).unwrap(),
            format!("7 {}\n", files.valid.to_str().unwrap()),
            "{template}"
        );
        OnnxModel::load(files.model.to_str().unwrap()).unwrap();
    }
}

#[test]
fn working_dir_and_fold_variables_reach_the_trainer() {
    let tmp = tempfile::tempdir().unwrap();
    let files = fold_files(&tmp.path().join("fold"), 3);
    let run_dir = tmp.path().join("project");
    std::fs::create_dir_all(&run_dir).unwrap();
    let trainer = TrainerCommand::new(
        "pwd > {workdir}/pwd.txt && echo \"$ASSAY_FOLD $ASSAY_MODEL\" > {workdir}/env.txt && \
         cp \"$SRC\" {model} # {train}",
    )
    .unwrap()
    .with_working_dir(run_dir.clone())
    .with_env("SRC", fixture_model());
    trainer.run(&files).unwrap();
    let pwd = std::fs::read_to_string(files.workdir.join("pwd.txt")).unwrap();
    assert_eq!(
        PathBuf::from(pwd.trim()).canonicalize().unwrap(),
        run_dir.canonicalize().unwrap()
    );
    assert_eq!(
        std::fs::read_to_string(files.workdir.join("env.txt")).unwrap(),
        format!("3 {}\n", files.model.display())
    );
}

#[test]
fn a_missing_working_dir_is_a_spawn_error() {
    let tmp = tempfile::tempdir().unwrap();
    let files = fold_files(tmp.path(), 6);
    let trainer = TrainerCommand::new("cp {train} {model}")
        .unwrap()
        .with_working_dir(tmp.path().join("no such dir"));
    let err = trainer.run(&files).unwrap_err();
    assert!(
        matches!(err, TrainerError::Spawn { fold: 6, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("fold 6"), "{err}");
}

#[test]
fn unknown_placeholders_are_errors_listing_the_valid_ones() {
    let err = TrainerCommand::new("python train.py {training} {model}").unwrap_err();
    assert!(matches!(err, TrainerError::Template { .. }));
    let message = err.to_string();
    assert!(message.contains("`{training}`"), "{message}");
    assert!(
        message.contains("{train}, {valid}, {model}, {fold}, {workdir}"),
        "{message}"
    );
    // Literal braces are doubled.
    let t = TrainerCommand::new("echo ${{HOME}} {train} {model}").unwrap();
    assert_eq!(t.template(), "echo ${{HOME}} {train} {model}");
}

fn sample_batch(rows: usize) -> RecordBatch {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("x", DataType::Float64, true),
        Field::new("name", DataType::Utf8, false),
        Field::new("flag", DataType::Boolean, true),
    ]));
    let ids: ArrayRef = Arc::new(Int64Array::from_iter_values(
        (0..rows as i64).map(|i| i * 7),
    ));
    let xs: ArrayRef = Arc::new(Float64Array::from_iter((0..rows).map(|i| {
        if i % 5 == 3 {
            None
        } else {
            Some(i as f64 / 3.0 - 1e10)
        }
    })));
    let names: ArrayRef = Arc::new(StringArray::from_iter_values(
        (0..rows).map(|i| format!("row {i}, \"quoted\"")),
    ));
    let flags: ArrayRef = Arc::new(BooleanArray::from_iter((0..rows).map(|i| match i % 3 {
        0 => Some(true),
        1 => Some(false),
        _ => None,
    })));
    RecordBatch::try_new(schema, vec![ids, xs, names, flags]).unwrap()
}

fn read_csv(path: &Path, schema: Arc<Schema>) -> RecordBatch {
    let header = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert_eq!(header, "id,x,name,flag");
    let reader = arrow::csv::ReaderBuilder::new(schema.clone())
        .with_header(true)
        .build(File::open(path).unwrap())
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(|b| b.unwrap()).collect();
    arrow::compute::concat_batches(&schema, &batches).unwrap()
}

fn read_parquet(path: &Path) -> RecordBatch {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    let schema = builder.schema().clone();
    let batches: Vec<RecordBatch> = builder.build().unwrap().map(|b| b.unwrap()).collect();
    arrow::compute::concat_batches(&schema, &batches).unwrap()
}

fn assert_same(got: &RecordBatch, want: &RecordBatch) {
    assert_eq!(got.num_rows(), want.num_rows());
    assert_eq!(got.num_columns(), want.num_columns());
    for (i, field) in want.schema().fields().iter().enumerate() {
        assert_eq!(got.schema().field(i).name(), field.name());
        assert_eq!(got.schema().field(i).data_type(), field.data_type());
        assert_eq!(
            got.column(i).as_ref(),
            want.column(i).as_ref(),
            "column {}",
            field.name()
        );
    }
}

#[test]
fn fold_files_hold_the_selected_rows_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = sample_batch(20);
    let rows = [5u32, 0, 3, 3, 19, 8];
    let want = take_record_batch(&batch, &UInt32Array::from(rows.to_vec())).unwrap();

    let csv = tmp.path().join("fold.csv");
    write_rows(&batch, &rows, &csv, FoldFileFormat::Csv).unwrap();
    assert_same(&read_csv(&csv, batch.schema()), &want);
    // Spot-check the text: the quoted string and the null float.
    let text = std::fs::read_to_string(&csv).unwrap();
    let line = text.lines().nth(3).unwrap();
    assert_eq!(line, "21,,\"row 3, \"\"quoted\"\"\",true");

    let pq = tmp.path().join("fold.parquet");
    write_rows(&batch, &rows, &pq, FoldFileFormat::Parquet).unwrap();
    assert_same(&read_parquet(&pq), &want);
}

#[test]
fn large_folds_are_written_in_chunks_without_losing_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let n = 2 * WRITE_CHUNK_ROWS + 1_000;
    let batch = sample_batch(n);
    // Two rows of every three, last first: more than one chunk.
    let rows: Vec<u32> = (0..n as u32).rev().filter(|r| r % 3 != 1).collect();
    assert!(rows.len() > WRITE_CHUNK_ROWS);
    let want = take_record_batch(&batch, &UInt32Array::from(rows.clone())).unwrap();
    for format in [FoldFileFormat::Csv, FoldFileFormat::Parquet] {
        let path = tmp.path().join(format!("fold.{}", format.extension()));
        write_rows(&batch, &rows, &path, format).unwrap();
        let got = match format {
            FoldFileFormat::Csv => read_csv(&path, batch.schema()),
            FoldFileFormat::Parquet => read_parquet(&path),
        };
        assert_same(&got, &want);
    }
}

#[test]
fn empty_folds_and_bad_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = sample_batch(4);
    let csv = tmp.path().join("empty.csv");
    write_rows(&batch, &[], &csv, FoldFileFormat::Csv).unwrap();
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), "id,x,name,flag\n");
    let pq = tmp.path().join("empty.parquet");
    write_rows(&batch, &[], &pq, FoldFileFormat::Parquet).unwrap();
    let got = read_parquet(&pq);
    assert_eq!(got.num_rows(), 0);
    assert_eq!(got.schema().fields().len(), 4);

    let bad = tmp.path().join("bad.csv");
    let err = write_rows(&batch, &[1, 4], &bad, FoldFileFormat::Csv).unwrap_err();
    assert!(
        matches!(
            err,
            TrainerError::RowOutOfRange {
                row: 4,
                rows: 4,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("row 4"), "{err}");
    assert!(!bad.exists());

    let err = write_rows(
        &batch,
        &[0],
        &tmp.path().join("no dir/x.csv"),
        FoldFileFormat::Csv,
    )
    .unwrap_err();
    assert!(matches!(err, TrainerError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("no dir/x.csv"), "{err}");
}
