//! `Scaler` (ai.onnx.ml): `Y = (X - offset) * scale`, per feature (or one value for all), as
//! scikit-learn's `StandardScaler`, `MinMaxScaler` and `RobustScaler` export it. Wired from
//! tract's own subtraction and multiplication.

use tract_onnx::model::ParsingContext;
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

/// `Scaler` with its per-feature offset and scale.
#[derive(Debug, Clone)]
pub struct Scaler {
    offset: Arc<Tensor>,
    scale: Arc<Tensor>,
}

pub(crate) fn parse(
    _ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let offset: Vec<f32> = node
        .get_attr_opt_vec("offset")?
        .unwrap_or_else(|| vec![0.0]);
    let scale: Vec<f32> = node.get_attr_opt_vec("scale")?.unwrap_or_else(|| vec![1.0]);
    node.expect(!offset.is_empty(), "a non-empty offset")?;
    node.expect(!scale.is_empty(), "a non-empty scale")?;
    Ok((
        expand(Scaler {
            offset: rctensor1(&offset),
            scale: rctensor1(&scale),
        }),
        vec![],
    ))
}

impl Expansion for Scaler {
    fn name(&self) -> StaticName {
        "Scaler".into()
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
        s.equals(&outputs[0].shape, &inputs[0].shape)?;
        Ok(())
    }

    fn wire(
        &self,
        prefix: &str,
        model: &mut TypedModel,
        inputs: &[OutletId],
    ) -> TractResult<TVec<OutletId>> {
        let mut x = inputs[0];
        if model.outlet_fact(x)?.datum_type != f32::datum_type() {
            x = model.wire_node(
                format!("{prefix}.to_f32"),
                tract_onnx::tract_core::ops::cast::cast(f32::datum_type()),
                &[x],
            )?[0];
        }
        let rank = model.outlet_fact(x)?.rank();
        let width = if rank >= 1 {
            model.outlet_fact(x)?.shape[rank - 1].to_usize().ok()
        } else {
            None
        };
        for (name, values) in [("offset", &self.offset), ("scale", &self.scale)] {
            if let Some(w) = width {
                ensure!(
                    values.len() == 1 || values.len() == w,
                    "Scaler {name} has {} values for {w} features",
                    values.len()
                );
            }
        }
        let offset = self
            .offset
            .clone()
            .into_tensor()
            .broadcast_into_rank(rank.max(1))?
            .into_arc_tensor();
        let scale = self
            .scale
            .clone()
            .into_tensor()
            .broadcast_into_rank(rank.max(1))?
            .into_arc_tensor();
        let offset = model.add_const(format!("{prefix}.offset"), offset)?;
        let scale = model.add_const(format!("{prefix}.scale"), scale)?;
        let centred = model.wire_node(
            format!("{prefix}.sub"),
            tract_onnx::tract_core::ops::math::sub(),
            &[x, offset],
        )?;
        model.wire_node(
            format!("{prefix}.mul"),
            tract_onnx::tract_core::ops::math::mul(),
            &[centred[0], scale],
        )
    }
}
