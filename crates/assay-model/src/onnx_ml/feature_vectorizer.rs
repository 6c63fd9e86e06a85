//! `FeatureVectorizer` (ai.onnx.ml): concatenates its inputs (each `[N]` or `[N, d]`) into one
//! `[N, Σd]` float matrix, as scikit-learn's converters do when a model is exported with one
//! input per column. Wired from tract's cast, axis and concatenation ops.

use tract_onnx::model::ParsingContext;
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;
use tract_onnx::tract_hir::ops::array::TypedConcat;

/// `FeatureVectorizer` with its per-input widths.
#[derive(Debug, Clone)]
pub struct FeatureVectorizer {
    widths: Vec<usize>,
}

pub(crate) fn parse(
    _ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let widths: Vec<i64> = node
        .get_attr_opt_vec("inputdimensions")?
        .unwrap_or_else(|| vec![1; node.input.len()]);
    node.expect_attr(
        "inputdimensions",
        widths.len() == node.input.len() && widths.iter().all(|w| *w > 0),
        "one positive width per input",
    )?;
    Ok((
        expand(FeatureVectorizer {
            widths: widths.iter().map(|w| *w as usize).collect(),
        }),
        vec![],
    ))
}

impl Expansion for FeatureVectorizer {
    fn name(&self) -> StaticName {
        "FeatureVectorizer".into()
    }

    fn rules<'r, 'p: 'r, 's: 'r>(
        &'s self,
        s: &mut Solver<'r>,
        inputs: &'p [TensorProxy],
        outputs: &'p [TensorProxy],
    ) -> InferenceResult {
        check_input_arity(inputs, self.widths.len())?;
        check_output_arity(outputs, 1)?;
        s.equals(&outputs[0].datum_type, DatumType::F32)?;
        s.equals(&outputs[0].rank, 2)?;
        s.equals(&outputs[0].shape[0], &inputs[0].shape[0])?;
        s.equals(
            &outputs[0].shape[1],
            self.widths.iter().sum::<usize>().to_dim(),
        )?;
        Ok(())
    }

    fn wire(
        &self,
        prefix: &str,
        model: &mut TypedModel,
        inputs: &[OutletId],
    ) -> TractResult<TVec<OutletId>> {
        let mut parts = TVec::new();
        for (i, input) in inputs.iter().enumerate() {
            let mut x = *input;
            if model.outlet_fact(x)?.datum_type != f32::datum_type() {
                x = model.wire_node(
                    format!("{prefix}.to_f32.{i}"),
                    tract_onnx::tract_core::ops::cast::cast(f32::datum_type()),
                    &[x],
                )?[0];
            }
            if model.outlet_fact(x)?.rank() == 1 {
                x = model.wire_node(format!("{prefix}.column.{i}"), AxisOp::Add(1), &[x])?[0];
            }
            parts.push(x);
        }
        if parts.len() == 1 {
            return Ok(parts);
        }
        model.wire_node(format!("{prefix}.concat"), TypedConcat::new(1), &parts)
    }
}
