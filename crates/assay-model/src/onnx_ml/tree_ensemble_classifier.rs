//! `TreeEnsembleClassifier` (ai.onnx.ml), replacing tract's: scikit-learn exports binary
//! classifiers (gradient boosting, random forests) with a single score per row — every leaf
//! weight under one class id, one base value — which tract's version rejects. This one
//! follows onnxruntime: in that binary layout the score `s` is the positive class's, the two
//! class scores are `[1 − s, s]` when every weight is non-negative and there is no transform
//! (forests), else `[−s, s]` before the post-transform (boosting: `[σ(−s), σ(s)]`); otherwise
//! one score per class plus base values, then the post-transform. Labels are the class of the
//! highest score.

use tract_onnx::model::ParsingContext;
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_core::ops::nn::{Reduce, Reducer, Softmax};
use tract_onnx::tract_hir::internal::*;
use tract_onnx::tract_hir::ops::array::TypedConcat;
use tract_onnx_opl::ml::tree::Aggregate;

use super::tree_eval::FastTrees;

use super::tree_ensemble::{build, float_list, wire_scores};

/// Transform applied to the class scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transform {
    None,
    Logistic,
    Softmax,
}

/// The classifier.
#[derive(Debug, Clone)]
pub struct TreeEnsembleClassifier {
    ensemble: FastTrees,
    labels: Arc<Tensor>,
    base_values: Option<Arc<Tensor>>,
    transform: Transform,
    /// One score per row (the binary layout).
    single_score: bool,
    non_negative: bool,
}

pub(crate) fn parse(
    ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let ints = node.get_attr_opt_slice::<i64>("classlabels_int64s")?;
    let strings = node.get_attr_opt_tvec::<String>("classlabels_strings")?;
    let labels = match (ints, strings) {
        (Some(i), None) if !i.is_empty() => rctensor1(i),
        (None, Some(s)) if !s.is_empty() => rctensor1(&s.into_iter().collect::<Vec<_>>()),
        _ => bail!("exactly one of classlabels_int64s and classlabels_strings must be set"),
    };
    let n_classes = labels.len();
    let class_ids: Vec<i64> = node.get_attr_vec("class_ids")?;
    let weights = float_list(ctx, node, "class_weights")?.unwrap_or_default();
    let single_score = n_classes == 2 && class_ids.windows(2).all(|w| w[0] == w[1]);
    let transform = match node
        .get_attr_opt::<&str>("post_transform")?
        .unwrap_or("NONE")
    {
        "NONE" => Transform::None,
        "LOGISTIC" => Transform::Logistic,
        "SOFTMAX" => Transform::Softmax,
        other => bail!("post_transform {other} is not supported"),
    };
    let outputs = if single_score { 1 } else { n_classes };
    // In the single-score layout every leaf counts towards output 0.
    let ensemble = if single_score {
        build_single(ctx, node)?
    } else {
        build(ctx, node, "class", outputs, Aggregate::Sum)?
    };
    let base_values = float_list(ctx, node, "base_values")?;
    if let Some(b) = &base_values {
        node.expect_attr("base_values", b.len() == outputs, || {
            format!("{outputs} value(s) for this layout, got {}", b.len())
        })?;
    }
    Ok((
        expand(TreeEnsembleClassifier {
            ensemble,
            labels,
            base_values: base_values.map(|b| rctensor1(&b)),
            transform,
            single_score,
            non_negative: weights.iter().all(|w| *w >= 0.0),
        }),
        vec![],
    ))
}

/// The ensemble of the single-score layout: class ids read as 0 whatever they are.
fn build_single(ctx: &ParsingContext, node: &NodeProto) -> TractResult<FastTrees> {
    let mut copy = node.clone();
    for a in copy.attribute.iter_mut() {
        if a.name == "class_ids" {
            a.ints.iter_mut().for_each(|i| *i = 0);
        }
    }
    build(ctx, &copy, "class", 1, Aggregate::Sum)
}

impl Expansion for TreeEnsembleClassifier {
    fn name(&self) -> StaticName {
        "TreeEnsembleClassifier".into()
    }

    fn nboutputs(&self) -> TractResult<usize> {
        Ok(2)
    }

    fn rules<'r, 'p: 'r, 's: 'r>(
        &'s self,
        s: &mut Solver<'r>,
        inputs: &'p [TensorProxy],
        outputs: &'p [TensorProxy],
    ) -> InferenceResult {
        check_input_arity(inputs, 1)?;
        check_output_arity(outputs, 2)?;
        s.equals(&outputs[0].datum_type, self.labels.datum_type())?;
        s.equals(&outputs[1].datum_type, DatumType::F32)?;
        s.equals(&outputs[0].rank, 1)?;
        s.equals(&outputs[1].rank, 2)?;
        s.equals(&outputs[0].shape[0], &inputs[0].shape[0])?;
        s.equals(&outputs[1].shape[0], &inputs[0].shape[0])?;
        s.equals(&outputs[1].shape[1], self.labels.len().to_dim())?;
        Ok(())
    }

    fn wire(
        &self,
        prefix: &str,
        model: &mut TypedModel,
        inputs: &[OutletId],
    ) -> TractResult<TVec<OutletId>> {
        use tract_onnx::tract_core::ops::math;
        let mut scores = wire_scores(
            prefix,
            model,
            &self.ensemble,
            self.base_values.as_ref(),
            inputs,
        )?;
        if self.single_score {
            let first = if self.transform == Transform::None && self.non_negative {
                let one = model.add_const(format!("{prefix}.one"), rctensor2(&[[1f32]]))?;
                model.wire_node(
                    format!("{prefix}.complement"),
                    math::sub(),
                    &[one, scores[0]],
                )?
            } else {
                model.wire_node(format!("{prefix}.negated"), math::neg(), &scores)?
            };
            scores = model.wire_node(
                format!("{prefix}.two_scores"),
                TypedConcat::new(1),
                &[first[0], scores[0]],
            )?;
        }
        scores = match self.transform {
            Transform::None => scores,
            Transform::Logistic => model.wire_node(
                format!("{prefix}.logistic"),
                tract_onnx::tract_core::ops::nn::sigmoid(),
                &scores,
            )?,
            Transform::Softmax => model.wire_node(
                format!("{prefix}.softmax"),
                Softmax {
                    axes: tvec!(1),
                    ..Softmax::default()
                },
                &scores,
            )?,
        };
        let winners = model.wire_node(
            format!("{prefix}.argmax"),
            Reduce::new(tvec!(1), Reducer::ArgMax(false)),
            &scores,
        )?;
        let winners = model.wire_node(format!("{prefix}.rm_axis"), AxisOp::Rm(1), &winners)?;
        let winners = model.wire_node(
            format!("{prefix}.as_i32"),
            tract_onnx::tract_core::ops::cast::cast(i32::datum_type()),
            &winners,
        )?;
        // Indices are always in range; the fallback value is never used.
        let fallback = if self.labels.datum_type() == String::datum_type() {
            tensor0(String::new())
        } else {
            Tensor::zero_dt(self.labels.datum_type(), &[])?
        };
        let labels = model.wire_node(
            format!("{prefix}.labels"),
            tract_onnx_opl::ml::DirectLookup::new(self.labels.clone(), fallback.into_arc_tensor())?,
            &winners,
        )?[0];
        Ok(tvec!(labels, scores[0]))
    }
}
