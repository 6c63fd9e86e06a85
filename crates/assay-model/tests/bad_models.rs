//! Models that cannot run, or do not match the data, give clear errors naming the file.

use std::sync::Arc;

use arrow::array::{Float64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use prost::Message;
use tract_onnx::pb;

use assay_model::{ModelError, OnnxModel};

fn example(path: &str) -> String {
    format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))
}

fn tensor_input(name: &str, elem_type: i32, dims: &[Option<i64>]) -> pb::ValueInfoProto {
    use pb::tensor_shape_proto::{dimension::Value, Dimension};
    pb::ValueInfoProto {
        name: name.into(),
        r#type: Some(pb::TypeProto {
            denotation: String::new(),
            value: Some(pb::type_proto::Value::TensorType(pb::type_proto::Tensor {
                elem_type,
                shape: Some(pb::TensorShapeProto {
                    dim: dims
                        .iter()
                        .map(|d| Dimension {
                            denotation: String::new(),
                            value: Some(match d {
                                Some(v) => Value::DimValue(*v),
                                None => Value::DimParam("N".into()),
                            }),
                        })
                        .collect(),
                }),
            })),
        }),
        ..Default::default()
    }
}

fn write_model(dir: &tempfile::TempDir, op: &str, input: pb::ValueInfoProto) -> String {
    let node = pb::NodeProto {
        input: vec![input.name.clone()],
        output: vec!["y".into()],
        op_type: op.into(),
        domain: "ai.onnx.ml".into(),
        ..Default::default()
    };
    let model = pb::ModelProto {
        ir_version: 8,
        opset_import: vec![pb::OperatorSetIdProto {
            domain: "ai.onnx.ml".into(),
            version: 1,
        }],
        graph: Some(pb::GraphProto {
            node: vec![node],
            name: "g".into(),
            input: vec![input],
            output: vec![tensor_input("y", 1, &[None, Some(1)])],
            ..Default::default()
        }),
        ..Default::default()
    };
    let path = dir.path().join(format!("{op}.onnx"));
    std::fs::write(&path, model.encode_to_vec()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn missing_file_and_garbage_are_read_errors() {
    let e = OnnxModel::load("/nonexistent/model.onnx").unwrap_err();
    assert!(matches!(e, ModelError::Read { .. }));
    assert!(e.to_string().contains("/nonexistent/model.onnx"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.onnx");
    std::fs::write(&p, b"this is not protobuf \xff\xff\xff").unwrap();
    let e = OnnxModel::load(p.to_str().unwrap()).unwrap_err();
    assert!(e.to_string().contains("bad.onnx"), "{e}");
    assert!(e.to_string().contains("not a valid ONNX file"), "{e}");
}

#[test]
fn unsupported_operator_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(
        &dir,
        "SVMRegressorX",
        tensor_input("x", 1, &[None, Some(3)]),
    );
    let e = OnnxModel::load(&path).unwrap_err();
    assert!(
        matches!(e, ModelError::UnsupportedOperators { .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("ai.onnx.ml:SVMRegressorX"), "{e}");
}

#[test]
fn string_inputs_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(&dir, "Scaler", tensor_input("colour", 8, &[None, Some(1)]));
    let e = OnnxModel::load(&path).unwrap_err();
    assert!(
        e.to_string().contains("input `colour` takes strings"),
        "{e}"
    );
}

#[test]
fn binding_names_the_missing_column_and_width() {
    let m = OnnxModel::load(&example("examples/adult/models/adult_gbt.onnx")).unwrap();
    let cols: Vec<String> = ["age", "fnlwgt"].iter().map(|s| s.to_string()).collect();
    let e = m.bind(&cols, None).unwrap_err();
    assert!(
        e.to_string()
            .contains("needs column `education-num`, which the data does not have"),
        "{e}"
    );
    let e = m.bind(&cols, Some(&cols)).unwrap_err();
    assert!(
        e.to_string()
            .contains("takes 6 values per row but 2 feature columns were given"),
        "{e}"
    );
}

#[test]
fn text_feature_column_is_a_binding_error() {
    let m = OnnxModel::load(&example("examples/adult/models/adult_gbt.onnx")).unwrap();
    let names = [
        "age",
        "fnlwgt",
        "education-num",
        "capital-gain",
        "capital-loss",
        "hours-per-week",
    ];
    let mut fields = vec![Field::new(names[0], DataType::Utf8, true)];
    fields.extend(
        names[1..]
            .iter()
            .map(|n| Field::new(*n, DataType::Float64, true)),
    );
    let mut columns: Vec<Arc<dyn arrow::array::Array>> =
        vec![Arc::new(StringArray::from(vec!["forty"]))];
    columns.extend((1..6).map(|_| Arc::new(Float64Array::from(vec![1.0])) as _));
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap();
    let cols: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    let binding = m.bind(&cols, None).unwrap();
    let e = m.predict(&binding, &batch, 1).unwrap_err();
    assert!(
        e.to_string()
            .contains("column `age` (feeding input `float_input`) is Utf8, not numeric"),
        "{e}"
    );
}
