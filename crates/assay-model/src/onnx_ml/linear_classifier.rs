//! `LinearClassifier` (ai.onnx.ml) with text class labels: tract's operator cannot build its
//! label lookup for strings, so the node is handed to it with the labels replaced by their
//! indices (`classlabels_ints = 0..k`); [`crate::OnnxModel`] reads the index back as the class
//! (the class names come from the model file).

use tract_onnx::model::ParsingContext;
use tract_onnx::pb::{attribute_proto::AttributeType, AttributeProto, NodeProto};
use tract_onnx::tract_hir::internal::*;

pub(crate) fn parse(
    ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let tract = tract_onnx::onnx();
    let builder = *tract
        .op_register
        .0
        .get("LinearClassifier")
        .context("tract has no LinearClassifier")?;
    let strings = node.get_attr_opt_tvec::<String>("classlabels_strings")?;
    match strings {
        Some(labels) if !labels.is_empty() => {
            let mut copy = node.clone();
            copy.attribute.retain(|a| a.name != "classlabels_strings");
            copy.attribute.push(AttributeProto {
                name: "classlabels_ints".into(),
                r#type: AttributeType::Ints as i32,
                ints: (0..labels.len() as i64).collect(),
                ..Default::default()
            });
            builder(ctx, &copy)
        }
        _ => builder(ctx, node),
    }
}
