//! The inference benchmark on the example models, with tiny configurations: the figures'
//! structure and consistency are checked, never their size (no timing thresholds).

use std::fs::File;
use std::sync::Arc;

use arrow::csv::reader::Format;
use arrow::csv::ReaderBuilder;
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;

use assay_model::{bench, BenchConfig, ModelError, OnnxModel, CHUNK_ROWS};

const MODELS: [(&str, &str); 6] = [
    ("examples/adult/models/adult_lr.onnx", "adult_lr"),
    ("examples/adult/models/adult_gbt.onnx", "adult_gbt"),
    ("examples/adult/models/adult_rf.onnx", "adult_rf"),
    ("examples/bike_sharing/models/bike_ridge.onnx", "bike_ridge"),
    ("examples/bike_sharing/models/bike_gbr.onnx", "bike_gbr"),
    ("examples/bike_sharing/models/bike_rf.onnx", "bike_rf"),
];

fn model_path(path: &str) -> String {
    format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))
}

/// A parity fixture (features and reference outputs), labels as text, the rest floats.
fn fixture(name: &str) -> RecordBatch {
    let path = format!("{}/tests/fixtures/{name}.csv", env!("CARGO_MANIFEST_DIR"));
    let (inferred, _) = Format::default()
        .with_header(true)
        .infer_schema(File::open(&path).unwrap(), Some(100))
        .unwrap();
    let fields: Vec<Field> = inferred
        .fields()
        .iter()
        .map(|f| {
            let dt = if f.name().ends_with("_label") {
                DataType::Utf8
            } else {
                DataType::Float64
            };
            Field::new(f.name(), dt, true)
        })
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let reader = ReaderBuilder::new(schema.clone())
        .with_header(true)
        .build(File::open(&path).unwrap())
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(|b| b.unwrap()).collect();
    arrow::compute::concat_batches(&schema, &batches).unwrap()
}

fn columns(batch: &RecordBatch) -> Vec<String> {
    batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect()
}

fn tiny() -> BenchConfig {
    BenchConfig {
        batch_sizes: vec![1, 8, 64],
        warmup: 2,
        min_iterations: 7,
        max_seconds_per_size: 0.0,
        threads: vec![1, 2],
        throughput_rows: 3_000,
    }
}

#[test]
fn the_benchmark_reports_every_batch_size_and_thread_count() {
    let data = fixture("adult_gbt");
    let path = model_path("examples/adult/models/adult_gbt.onnx");
    let config = tiny();
    let result = bench(&path, &data, &columns(&data), None, &config).unwrap();
    assert_eq!(result.model, path);
    assert!(result.load_ms > 0.0);
    let sizes: Vec<usize> = result.latency.iter().map(|l| l.batch_rows).collect();
    assert_eq!(sizes, vec![1, 8, 64]);
    for l in &result.latency {
        assert!(l.iterations >= config.min_iterations, "{l:?}");
        assert!(l.load_ms > 0.0, "{l:?}");
        assert!(l.min_ms <= l.p50_ms, "{l:?}");
        assert!(l.p50_ms <= l.p90_ms, "{l:?}");
        assert!(l.p90_ms <= l.p99_ms, "{l:?}");
        assert!(l.p99_ms <= l.max_ms, "{l:?}");
        assert!(l.min_ms <= l.mean_ms && l.mean_ms <= l.max_ms, "{l:?}");
        assert_eq!(
            l.histogram.iter().map(|b| b.1).sum::<u64>(),
            l.iterations as u64,
            "{l:?}"
        );
        // Edges ascend and bracket the calls.
        assert!(l.histogram.windows(2).all(|w| w[0].0 < w[1].0), "{l:?}");
        let last_edge = l.histogram.last().map(|b| b.0).unwrap_or(0.0);
        assert!(last_edge >= l.max_ms * (1.0 - 1e-9), "{l:?}");
        assert!(l.rows_per_s > 0.0);
    }
    assert!(result.latency_at(8).is_some());
    assert_eq!(result.latency_at(8).map(|l| l.batch_rows), Some(8));
    assert!(result.latency_at(2).is_none());

    let threads: Vec<usize> = result.throughput.iter().map(|t| t.threads).collect();
    assert_eq!(threads, vec![1, 2]);
    for t in &result.throughput {
        assert_eq!(t.rows, 3_000);
        assert!(t.seconds > 0.0);
        assert!((t.rows_per_s - t.rows as f64 / t.seconds).abs() <= 1e-9 * t.rows_per_s);
    }

    #[cfg(target_os = "linux")]
    {
        let peak = result.peak_rss_bytes.unwrap();
        assert!(peak > 0);
        assert!(result.model_rss_bytes.is_some());
    }

    // Serializable for reports.
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json["latency"][0]["batch_rows"], 1);
    assert_eq!(json["throughput"][1]["threads"], 2);
    assert!(json["latency"][2]["histogram"][0][1].is_u64());
}

#[test]
fn batches_larger_than_the_sample_cycle_it() {
    let data = fixture("bike_ridge").slice(0, 5);
    let path = model_path("examples/bike_sharing/models/bike_ridge.onnx");
    let config = BenchConfig {
        batch_sizes: vec![CHUNK_ROWS, 12],
        warmup: 0,
        min_iterations: 3,
        max_seconds_per_size: 0.0,
        threads: vec![2],
        throughput_rows: 11,
    };
    let result = bench(&path, &data, &columns(&data), None, &config).unwrap();
    assert_eq!(result.latency.len(), 2);
    // The default-size model is the one loaded for `load_ms`.
    assert_eq!(
        result.latency_at(CHUNK_ROWS).map(|l| l.load_ms),
        Some(result.load_ms)
    );
    assert_eq!(result.latency_at(12).map(|l| l.iterations), Some(3));
    assert_eq!(result.throughput.len(), 1);
    assert_eq!(result.throughput[0].rows, 11);
}

#[test]
fn invalid_benchmark_settings_are_config_errors() {
    let data = fixture("bike_ridge").slice(0, 5);
    let path = model_path("examples/bike_sharing/models/bike_ridge.onnx");
    let cols = columns(&data);
    for config in [
        BenchConfig {
            batch_sizes: vec![1, 0],
            ..tiny()
        },
        BenchConfig {
            threads: vec![0],
            ..tiny()
        },
        BenchConfig {
            min_iterations: 0,
            ..tiny()
        },
        BenchConfig {
            max_seconds_per_size: f64::NAN,
            ..tiny()
        },
    ] {
        let err = bench(&path, &data, &cols, None, &config).unwrap_err();
        assert!(matches!(err, ModelError::Config { .. }), "{err:?}");
    }
    let err = bench(&path, &data.slice(0, 0), &cols, None, &tiny()).unwrap_err();
    assert!(err.to_string().contains("at least one sample row"), "{err}");
    let err = bench(&path, &data, &["nothing".to_string()], None, &tiny()).unwrap_err();
    assert!(matches!(err, ModelError::Binding { .. }), "{err:?}");
    let err = OnnxModel::load_with_batch_rows(&path, 0).unwrap_err();
    assert!(matches!(err, ModelError::Config { .. }), "{err:?}");
}

/// Linear models run a float32 matrix product whose kernel tract picks by the number of rows,
/// so the summation order, and the last bits of a sum, can change with the batch size
/// (measured on bike_ridge: up to 4.6e-5 on predictions of about 100 for batches of 16 rows
/// or fewer, a few float32 ulps; onnxruntime is 5.3e-5 from scikit-learn on the same rows).
const MATMUL_VALUE_TOLERANCE: f64 = 1e-4;
/// The same for class probabilities (adult_lr measured exact here; not guaranteed).
const MATMUL_PROBA_TOLERANCE: f64 = 1e-6;

#[test]
fn models_prepared_for_small_batches_predict_like_the_default() {
    for (path, fixture_name) in MODELS {
        let path = model_path(path);
        let data = fixture(fixture_name).slice(0, 150);
        let cols = columns(&data);
        let default = OnnxModel::load(&path).unwrap();
        assert_eq!(default.batch_rows(), CHUNK_ROWS);
        let binding = default.bind(&cols, None).unwrap();
        let want = default.predict(&binding, &data, 1).unwrap();
        assert!(want.labels.is_some() || want.values.is_some());
        // Tree ensembles run assay's own evaluator row by row: exact at any batch size.
        let exact = !fixture_name.ends_with("_lr") && !fixture_name.ends_with("_ridge");
        for rows in [1, 7] {
            let small = OnnxModel::load_with_batch_rows(&path, rows).unwrap();
            assert_eq!(small.batch_rows(), rows);
            assert_eq!(small.bind(&cols, None).unwrap(), binding);
            for threads in [1, 2] {
                let got = small.predict(&binding, &data, threads).unwrap();
                let context = format!("{path}: {rows}-row model, {threads} threads");
                if exact {
                    assert_eq!(got, want, "{context}");
                    continue;
                }
                assert_eq!(got.labels, want.labels, "{context}");
                for (name, got, want, tolerance) in [
                    (
                        "probability",
                        got.probabilities,
                        &want.probabilities,
                        MATMUL_PROBA_TOLERANCE,
                    ),
                    ("value", got.values, &want.values, MATMUL_VALUE_TOLERANCE),
                ] {
                    assert_eq!(got.is_some(), want.is_some(), "{context}: {name}");
                    let (Some(got), Some(want)) = (got, want) else {
                        continue;
                    };
                    assert_eq!(got.len(), want.len(), "{context}");
                    for (i, (g, w)) in got.iter().zip(want).enumerate() {
                        assert!(
                            (g - w).abs() <= tolerance,
                            "{context}: {name} {i}: {g} vs {w}"
                        );
                    }
                }
            }
        }
    }
}
