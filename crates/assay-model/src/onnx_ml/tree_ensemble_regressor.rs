//! `TreeEnsembleRegressor` (ai.onnx.ml): scikit-learn's decision-tree, random-forest,
//! extra-trees and gradient-boosting regressors. Scores come from tract's tree evaluator,
//! aggregated as the `aggregate_function` attribute says (`SUM` for boosting, `AVERAGE` for
//! forests), then `base_values` are added.

use tract_onnx::model::ParsingContext;
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;
use tract_onnx_opl::ml::tree::Aggregate;

use super::tree_eval::FastTrees;

use super::tree_ensemble::{build, float_list, wire_scores};

/// The regressor: the ensemble and its base values.
#[derive(Debug, Clone)]
pub struct TreeEnsembleRegressor {
    ensemble: FastTrees,
    base_values: Option<Arc<Tensor>>,
    n_targets: usize,
}

pub(crate) fn parse(
    ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let n_targets: i64 = node.get_attr_opt("n_targets")?.unwrap_or(1);
    node.expect_attr("n_targets", n_targets > 0, "at least one target")?;
    let n_targets = n_targets as usize;
    let aggregate = match node
        .get_attr_opt::<&str>("aggregate_function")?
        .unwrap_or("SUM")
    {
        "SUM" => Aggregate::Sum,
        "AVERAGE" => Aggregate::Avg,
        "MIN" => Aggregate::Min,
        "MAX" => Aggregate::Max,
        other => bail!("unknown aggregate_function {other}"),
    };
    let post = node
        .get_attr_opt::<&str>("post_transform")?
        .unwrap_or("NONE");
    node.expect_attr("post_transform", post == "NONE", || {
        format!("NONE for a regressor (got {post}; not supported)")
    })?;
    let base_values = float_list(ctx, node, "base_values")?;
    if let Some(b) = &base_values {
        node.expect_attr("base_values", b.len() == n_targets, "one value per target")?;
    }
    let ensemble = build(ctx, node, "target", n_targets, aggregate)?;
    Ok((
        expand(TreeEnsembleRegressor {
            ensemble,
            base_values: base_values.map(|b| rctensor1(&b)),
            n_targets,
        }),
        vec![],
    ))
}

impl Expansion for TreeEnsembleRegressor {
    fn name(&self) -> StaticName {
        "TreeEnsembleRegressor".into()
    }

    fn rules<'r, 'p: 'r, 's: 'r>(
        &'s self,
        s: &mut Solver<'r>,
        inputs: &'p [TensorProxy],
        outputs: &'p [TensorProxy],
    ) -> InferenceResult {
        check_input_arity(inputs, 1)?;
        check_output_arity(outputs, 1)?;
        s.equals(&outputs[0].datum_type, DatumType::F32)?;
        s.equals(&outputs[0].rank, 2)?;
        s.equals(&outputs[0].shape[0], &inputs[0].shape[0])?;
        s.equals(&outputs[0].shape[1], self.n_targets.to_dim())?;
        Ok(())
    }

    fn wire(
        &self,
        prefix: &str,
        model: &mut TypedModel,
        inputs: &[OutletId],
    ) -> TractResult<TVec<OutletId>> {
        wire_scores(
            prefix,
            model,
            &self.ensemble,
            self.base_values.as_ref(),
            inputs,
        )
    }
}
