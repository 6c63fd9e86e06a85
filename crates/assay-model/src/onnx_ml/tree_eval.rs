//! A tree-ensemble evaluator for tract graphs: tract's own (`tract_onnx_opl::ml::tree`) finds
//! a leaf's weights by skipping through the whole leaf table on every visit, O(leaves) per tree
//! per row, which made a 100-tree model run at about 2,000 rows/s. This one keeps each leaf's
//! weights as a range into a flat table: O(depth + weights) per tree per row.

use tract_onnx::tract_core::internal::*;

/// One node: a branch (`feature`, `threshold`, `mode`, children) or a leaf (weight range).
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub struct FastNode {
    /// Feature index (branches).
    pub feature: u32,
    /// Threshold as f32 bits (branches).
    pub threshold: u32,
    /// Comparison: 1 ==, 2 !=, 3 <, 4 >, 5 <=, 6 >=; 0 for a leaf.
    pub mode: u8,
    /// Missing values go to the true child.
    pub nan_true: bool,
    /// True child (branches) or first weight (leaves).
    pub a: u32,
    /// False child (branches) or one past the last weight (leaves).
    pub b: u32,
}

/// How scores of the trees are combined.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub enum Combine {
    /// Sum.
    Sum,
    /// Average over the trees that contributed.
    Average,
    /// Minimum.
    Min,
    /// Maximum.
    Max,
}

/// The evaluator op: input `[N, F]`, output `[N, outputs]` f32 scores.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct FastTrees {
    /// All nodes.
    pub nodes: Vec<FastNode>,
    /// Root node of each tree.
    pub roots: Vec<u32>,
    /// Leaf weights: (output index, weight as f32 bits).
    pub weights: Vec<(u32, u32)>,
    /// Scores per row.
    pub outputs: usize,
    /// Highest feature index used.
    pub max_feature: usize,
    /// Combination of tree scores.
    pub combine: Combine,
}

impl FastTrees {
    fn score_row(&self, x: &[f32], out: &mut [f32], counts: &mut [u32]) {
        out.iter_mut().for_each(|o| *o = 0.0);
        counts.iter_mut().for_each(|c| *c = 0);
        for root in &self.roots {
            let mut id = *root as usize;
            loop {
                let n = &self.nodes[id];
                if n.mode == 0 {
                    for (o, w) in &self.weights[n.a as usize..n.b as usize] {
                        let (o, w) = (*o as usize, f32::from_bits(*w));
                        let c = &mut counts[o];
                        let s = &mut out[o];
                        *s = match self.combine {
                            Combine::Sum | Combine::Average => *s + w,
                            Combine::Min if *c == 0 => w,
                            Combine::Min => s.min(w),
                            Combine::Max if *c == 0 => w,
                            Combine::Max => s.max(w),
                        };
                        *c += 1;
                    }
                    break;
                }
                let v = x[n.feature as usize];
                let t = f32::from_bits(n.threshold);
                let go_true = if v.is_nan() {
                    n.nan_true
                } else {
                    match n.mode {
                        1 => v == t,
                        2 => v != t,
                        3 => v < t,
                        4 => v > t,
                        5 => v <= t,
                        _ => v >= t,
                    }
                };
                id = if go_true { n.a } else { n.b } as usize;
            }
        }
        if self.combine == Combine::Average {
            for (s, c) in out.iter_mut().zip(counts.iter()) {
                if *c > 1 {
                    *s /= *c as f32;
                }
            }
        }
    }
}

impl Op for FastTrees {
    fn name(&self) -> StaticName {
        "AssayTreeEnsemble".into()
    }

    op_as_typed_op!();
}

impl EvalOp for FastTrees {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let input = args_1!(inputs);
        let input = input.cast_to::<f32>()?;
        let shape = input.shape().to_vec();
        ensure!(
            shape.len() == 2,
            "tree ensemble input must be [N, F], got {shape:?}"
        );
        let (n, f) = (shape[0], shape[1]);
        ensure!(
            f > self.max_feature,
            "the input has {f} features, the trees use feature #{}",
            self.max_feature
        );
        let x = input.try_as_plain_ram()?;
        let x = x.as_slice::<f32>()?;
        let mut scores = vec![0f32; n * self.outputs];
        let mut counts = vec![0u32; self.outputs];
        for (row, out) in x.chunks(f).zip(scores.chunks_mut(self.outputs)) {
            self.score_row(row, out, &mut counts);
        }
        Ok(tvec!(
            Tensor::from_shape(&[n, self.outputs], &scores)?.into_tvalue()
        ))
    }
}

impl TypedOp for FastTrees {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let n = &inputs[0].shape[0];
        Ok(tvec!(f32::fact(&[n.clone(), self.outputs.to_dim()])))
    }

    as_op!();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two stumps on feature 0 (threshold 0.5, `<=`): leaves (1.0 | 3.0) and (5.0 | 7.0).
    fn stumps(combine: Combine) -> FastTrees {
        let branch = |a, b| FastNode {
            feature: 0,
            threshold: 0.5f32.to_bits(),
            mode: 5,
            nan_true: true,
            a,
            b,
        };
        let leaf = |a, b| FastNode {
            feature: 0,
            threshold: 0,
            mode: 0,
            nan_true: false,
            a,
            b,
        };
        FastTrees {
            nodes: vec![
                branch(1, 2),
                leaf(0, 1),
                leaf(1, 2),
                branch(4, 5),
                leaf(2, 3),
                leaf(3, 4),
            ],
            roots: vec![0, 3],
            weights: [1.0f32, 3.0, 5.0, 7.0]
                .iter()
                .map(|w| (0, w.to_bits()))
                .collect(),
            outputs: 1,
            max_feature: 0,
            combine,
        }
    }

    fn score(t: &FastTrees, x: f32) -> f32 {
        let mut out = [0f32];
        t.score_row(&[x], &mut out, &mut [0]);
        out[0]
    }

    #[test]
    fn every_aggregation_and_missing_values() {
        assert_eq!(score(&stumps(Combine::Sum), 0.0), 6.0);
        assert_eq!(score(&stumps(Combine::Sum), 1.0), 10.0);
        assert_eq!(score(&stumps(Combine::Average), 1.0), 5.0);
        assert_eq!(score(&stumps(Combine::Min), 0.0), 1.0);
        assert_eq!(score(&stumps(Combine::Max), 0.0), 5.0);
        // NaN follows the true branch here (nan_true).
        assert_eq!(score(&stumps(Combine::Sum), f32::NAN), 6.0);
        // The boundary belongs to `<=`.
        assert_eq!(score(&stumps(Combine::Sum), 0.5), 6.0);
    }
}
