//! The example models (trained and exported by `scripts/train_models.py` with scikit-learn
//! 1.9.1 and skl2onnx 1.20.0, default converter options) run in assay and give the outputs
//! of scikit-learn and onnxruntime 1.32.0, recorded in `tests/fixtures/*.csv` for 2,000 rows of
//! each model's test split.

use std::fs::File;
use std::sync::Arc;

use arrow::array::{Array, AsArray};
use arrow::csv::reader::Format;
use arrow::csv::ReaderBuilder;
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;

use assay_model::{column_f64, ModelTask, OnnxModel};

/// Probabilities: assay (tract, float32) against onnxruntime (float32): same arithmetic, so
/// the gap is float32 rounding of the final transform.
const PROBA_VS_ORT: f64 = 1e-6;
/// Probabilities against scikit-learn (float64): onnxruntime itself is 4.2e-7 away at most.
const PROBA_VS_SKLEARN: f64 = 2e-6;
/// Regression predictions against onnxruntime: both sum float32 tree scores in tree order.
const VALUE_VS_ORT: f64 = 1e-4;
/// Regression predictions against scikit-learn (float64 sums): onnxruntime is 2.2e-4 away.
const VALUE_VS_SKLEARN: f64 = 1e-3;

fn fixture(name: &str) -> RecordBatch {
    let path = format!("{}/tests/fixtures/{name}.csv", env!("CARGO_MANIFEST_DIR"));
    let (inferred, _) = Format::default()
        .with_header(true)
        .infer_schema(File::open(&path).unwrap(), Some(100))
        .unwrap();
    // Labels are text; every other column a float.
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
        .with_batch_size(10_000)
        .build(File::open(&path).unwrap())
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(|b| b.unwrap()).collect();
    arrow::compute::concat_batches(&schema, &batches).unwrap()
}

fn model(path: &str) -> OnnxModel {
    OnnxModel::load(&format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn texts(batch: &RecordBatch, name: &str) -> Vec<String> {
    let c = batch.column_by_name(name).unwrap();
    let c = c.as_string::<i32>();
    (0..c.len()).map(|i| c.value(i).to_string()).collect()
}

fn columns(batch: &RecordBatch) -> Vec<String> {
    batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect()
}

fn check_classifier(model_path: &str, fixture_name: &str) {
    let m = model(model_path);
    let batch = fixture(fixture_name);
    let ModelTask::Classifier { classes } = m.task().clone() else {
        panic!("{model_path} should be a classifier");
    };
    assert_eq!(classes, vec!["<=50K".to_string(), ">50K".to_string()]);
    let binding = m.bind(&columns(&batch), None).unwrap();
    assert_eq!(
        binding.all_columns(),
        vec![
            "age",
            "fnlwgt",
            "education-num",
            "capital-gain",
            "capital-loss",
            "hours-per-week"
        ]
    );
    for threads in [1, 2] {
        let p = m.predict(&binding, &batch, threads).unwrap();
        let labels = p.labels.unwrap();
        let proba = p.probabilities.unwrap();
        assert_eq!(labels.len(), 2000);
        assert_eq!(proba.len(), 4000);
        let ort = texts(&batch, "ort_label");
        let sk = texts(&batch, "sk_label");
        for i in 0..2000 {
            let label = &classes[labels[i] as usize];
            assert_eq!(label, &ort[i], "{model_path} row {i}: label vs onnxruntime");
            assert_eq!(label, &sk[i], "{model_path} row {i}: label vs scikit-learn");
        }
        for (c, class) in classes.iter().enumerate() {
            let ort_p = column_f64(&batch, &format!("ort_proba_{class}")).unwrap();
            let sk_p = column_f64(&batch, &format!("sk_proba_{class}")).unwrap();
            let mut worst: f64 = 0.0;
            for i in 0..2000 {
                let got = proba[i * 2 + c];
                assert!(
                    (got - ort_p[i]).abs() <= PROBA_VS_ORT,
                    "{model_path} row {i} P({class}) = {got}, onnxruntime {}",
                    ort_p[i]
                );
                assert!(
                    (got - sk_p[i]).abs() <= PROBA_VS_SKLEARN,
                    "{model_path} row {i} P({class}) = {got}, scikit-learn {}",
                    sk_p[i]
                );
                worst = worst.max((got - sk_p[i]).abs());
            }
            eprintln!("{model_path}: max |assay - sklearn| P({class}) = {worst:.3e}");
        }
    }
}

fn check_regressor(model_path: &str, fixture_name: &str) {
    let m = model(model_path);
    assert_eq!(m.task(), &ModelTask::Regressor);
    let batch = fixture(fixture_name);
    let binding = m.bind(&columns(&batch), None).unwrap();
    assert_eq!(binding.all_columns().len(), 12);
    let values = m.predict(&binding, &batch, 2).unwrap().values.unwrap();
    let ort = column_f64(&batch, "ort_pred").unwrap();
    let sk = column_f64(&batch, "sk_pred").unwrap();
    let mut worst: f64 = 0.0;
    for i in 0..2000 {
        assert!(
            (values[i] - ort[i]).abs() <= VALUE_VS_ORT,
            "{model_path} row {i}: {} vs onnxruntime {}",
            values[i],
            ort[i]
        );
        assert!(
            (values[i] - sk[i]).abs() <= VALUE_VS_SKLEARN,
            "{model_path} row {i}: {} vs scikit-learn {}",
            values[i],
            sk[i]
        );
        worst = worst.max((values[i] - sk[i]).abs());
    }
    eprintln!("{model_path}: max |assay - sklearn| = {worst:.3e}");
}

#[test]
fn gradient_boosting_classifier_with_zipmap() {
    check_classifier("examples/adult/models/adult_gbt.onnx", "adult_gbt");
}

#[test]
fn random_forest_classifier_with_zipmap() {
    check_classifier("examples/adult/models/adult_rf.onnx", "adult_rf");
}

#[test]
fn scaler_logistic_regression_one_input_per_column() {
    // Inputs are named education_num etc. (skl2onnx replaces `-`); bound by name and metadata.
    let m = model("examples/adult/models/adult_lr.onnx");
    assert_eq!(m.inputs().len(), 6);
    assert!(m.operators().contains(&"Scaler".to_string()));
    assert!(m.operators().contains(&"FeatureVectorizer".to_string()));
    check_classifier("examples/adult/models/adult_lr.onnx", "adult_lr");
}

#[test]
fn gradient_boosting_regressor() {
    check_regressor("examples/bike_sharing/models/bike_gbr.onnx", "bike_gbr");
}

#[test]
fn random_forest_regressor() {
    check_regressor("examples/bike_sharing/models/bike_rf.onnx", "bike_rf");
}

#[test]
fn scaler_ridge_regressor() {
    check_regressor("examples/bike_sharing/models/bike_ridge.onnx", "bike_ridge");
}
