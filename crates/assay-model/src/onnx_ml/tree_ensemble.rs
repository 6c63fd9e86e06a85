//! Reading the node and leaf attributes shared by the ONNX-ML tree ensembles into tract's
//! [`TreeEnsemble`] evaluator, with the validation its unchecked traversal relies on: every
//! child id exists, every tree is a tree (no node reached twice), leaf targets are in range.

use std::collections::HashMap;

use tract_onnx::model::ParsingContext;
use tract_onnx::pb::{NodeProto, TensorProto};
use tract_onnx::tract_hir::internal::*;
use tract_onnx_opl::ml::tree::{Aggregate, Cmp};

use super::tree_eval::{Combine, FastNode, FastTrees};

/// Reads a float list attribute given as `NAME` (floats) or `NAME_as_tensor` (a tensor of
/// doubles or floats, ai.onnx.ml opset 3).
pub(crate) fn float_list(
    ctx: &ParsingContext,
    node: &NodeProto,
    name: &str,
) -> TractResult<Option<Vec<f32>>> {
    if let Some(v) = node.get_attr_opt_vec::<f32>(name)? {
        return Ok(Some(v));
    }
    let tensor_name = format!("{name}_as_tensor");
    match node.get_attr_opt::<&TensorProto>(&tensor_name)? {
        None => Ok(None),
        Some(proto) => {
            let t = ctx.load_tensor(proto)?.cast_to::<f32>()?.into_owned();
            Ok(Some(t.try_as_plain_ram()?.as_slice::<f32>()?.to_vec()))
        }
    }
}

fn mode(node: &NodeProto, s: &str) -> TractResult<Option<Cmp>> {
    Ok(Some(match s {
        "BRANCH_LEQ" => Cmp::LessEqual,
        "BRANCH_LT" => Cmp::Less,
        "BRANCH_GTE" => Cmp::GreaterEqual,
        "BRANCH_GT" => Cmp::Greater,
        "BRANCH_EQ" => Cmp::Equal,
        "BRANCH_NEQ" => Cmp::NotEqual,
        "LEAF" => return Ok(None),
        other => return node.bail_attr("nodes_modes", &format!("unknown node mode {other}")),
    }))
}

fn ids(node: &NodeProto, name: &str, n: usize) -> TractResult<Vec<i64>> {
    let v: Vec<i64> = node.get_attr_vec(name)?;
    node.expect_attr(name, v.len() == n, || {
        format!("{n} values, got {}", v.len())
    })?;
    node.expect_attr(name, v.iter().all(|x| *x >= 0), "non-negative ids")?;
    Ok(v)
}

/// Builds the ensemble of a tree node whose leaves are named `{leaf_prefix}_ids`,
/// `{leaf_prefix}_nodeids`, `{leaf_prefix}_treeids`, `{leaf_prefix}_weights` (`target` for
/// regressors, `class` for classifiers), with `n_outputs` scores per row.
pub(crate) fn build(
    ctx: &ParsingContext,
    node: &NodeProto,
    leaf_prefix: &str,
    n_outputs: usize,
    aggregate: Aggregate,
) -> TractResult<FastTrees> {
    let n = node.get_attr_slice::<i64>("nodes_featureids")?.len();
    node.expect_attr("nodes_featureids", n > 0, "at least one node")?;
    let tree_ids = ids(node, "nodes_treeids", n)?;
    let node_ids = ids(node, "nodes_nodeids", n)?;
    let feature_ids = ids(node, "nodes_featureids", n)?;
    let true_ids = ids(node, "nodes_truenodeids", n)?;
    let false_ids = ids(node, "nodes_falsenodeids", n)?;
    let values = float_list(ctx, node, "nodes_values")?.unwrap_or_default();
    node.expect_attr("nodes_values", values.len() == n, "one value per node")?;
    let modes: Vec<Option<Cmp>> = node
        .get_attr_vec::<String>("nodes_modes")?
        .iter()
        .map(|s| mode(node, s))
        .collect::<TractResult<_>>()?;
    node.expect_attr("nodes_modes", modes.len() == n, "one mode per node")?;
    let nan_true: Vec<bool> =
        match node.get_attr_opt_vec::<i64>("nodes_missing_value_tracks_true")? {
            Some(v) => {
                node.expect_attr(
                    "nodes_missing_value_tracks_true",
                    v.len() == n,
                    "one per node",
                )?;
                v.iter().map(|x| *x != 0).collect()
            }
            None => vec![false; n],
        };
    let leaf = |s: &str| format!("{leaf_prefix}_{s}");
    let m = node.get_attr_slice::<i64>(&leaf("ids"))?.len();
    node.expect_attr(&leaf("ids"), m > 0, "at least one leaf weight")?;
    let leaf_targets = ids(node, &leaf("ids"), m)?;
    let leaf_nodes = ids(node, &leaf("nodeids"), m)?;
    let leaf_trees = ids(node, &leaf("treeids"), m)?;
    let leaf_weights = float_list(ctx, node, &leaf("weights"))?.unwrap_or_default();
    node.expect_attr(
        &leaf("weights"),
        leaf_weights.len() == m,
        "one weight per leaf entry",
    )?;
    node.expect_attr(
        &leaf("ids"),
        leaf_targets.iter().all(|t| (*t as usize) < n_outputs),
        || format!("target ids below {n_outputs}"),
    )?;

    // Rows: nodes ordered by (tree, node id); trees renumbered densely.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (tree_ids[i], node_ids[i]));
    let mut row_of: HashMap<(i64, i64), usize> = HashMap::with_capacity(n);
    for (row, &i) in order.iter().enumerate() {
        if row_of.insert((tree_ids[i], node_ids[i]), row).is_some() {
            bail!("tree {} has node id {} twice", tree_ids[i], node_ids[i]);
        }
    }
    let mut leaf_entries: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for j in 0..m {
        leaf_entries
            .entry((leaf_trees[j], leaf_nodes[j]))
            .or_default()
            .push(j);
    }
    let child = |tree: i64, id: i64| -> TractResult<usize> {
        row_of
            .get(&(tree, id))
            .copied()
            .with_context(|| format!("tree {tree} refers to missing node {id}"))
    };
    let mut nodes: Vec<u32> = Vec::with_capacity(n * 5);
    let mut leaves: Vec<u32> = Vec::new();
    let mut children: Vec<Option<(usize, usize)>> = Vec::with_capacity(n);
    let mut max_feature = 0usize;
    for &i in &order {
        let (t, id) = (tree_ids[i], node_ids[i]);
        match modes[i] {
            Some(cmp) => {
                let (yes, no) = (child(t, true_ids[i])?, child(t, false_ids[i])?);
                max_feature = max_feature.max(feature_ids[i] as usize);
                nodes.extend([
                    u32::try_from(feature_ids[i]).context("feature id too large")?,
                    yes as u32,
                    no as u32,
                    values[i].to_bits(),
                    (0x0100u32 * u32::from(nan_true[i])) | u32::from(cmp.to_u8()),
                ]);
                children.push(Some((yes, no)));
            }
            None => {
                let start = leaves.len() / 2;
                for &j in leaf_entries.get(&(t, id)).map(Vec::as_slice).unwrap_or(&[]) {
                    leaves.push(leaf_targets[j] as u32);
                    leaves.push(leaf_weights[j].to_bits());
                }
                nodes.extend([start as u32, (leaves.len() / 2) as u32, 0, 0, 0]);
                children.push(None);
            }
        }
    }
    // Roots: per tree, the one node no branch points to; every tree must be a tree.
    let mut pointed = vec![false; n];
    for (yes, no) in children.iter().flatten() {
        pointed[*yes] = true;
        pointed[*no] = true;
    }
    let mut roots: Vec<u32> = Vec::new();
    let mut roots_per_tree: HashMap<i64, usize> = HashMap::new();
    let mut seen = vec![false; n];
    for (row, &i) in order.iter().enumerate() {
        *roots_per_tree.entry(tree_ids[i]).or_default() += usize::from(!pointed[row]);
        if pointed[row] {
            continue;
        }
        roots.push(row as u32);
        let mut stack = vec![row];
        while let Some(r) = stack.pop() {
            if std::mem::replace(&mut seen[r], true) {
                bail!(
                    "tree {} is not a tree: one of its nodes is reached twice",
                    tree_ids[i]
                );
            }
            if let Some((yes, no)) = children[r] {
                stack.push(yes);
                stack.push(no);
            }
        }
    }
    if let Some((t, k)) = roots_per_tree.iter().find(|(_, k)| **k != 1) {
        bail!("tree {t} has {k} root nodes (expected exactly one)");
    }
    let fast: Vec<FastNode> = nodes
        .chunks(5)
        .map(|r| {
            let mode = (r[4] & 0xFF) as u8;
            FastNode {
                feature: r[0],
                threshold: r[3],
                mode,
                nan_true: r[4] & 0x0100 != 0,
                a: r[if mode == 0 { 0 } else { 1 }],
                b: r[if mode == 0 { 1 } else { 2 }],
            }
        })
        .collect();
    Ok(FastTrees {
        nodes: fast,
        roots,
        weights: leaves.chunks(2).map(|p| (p[0], p[1])).collect(),
        outputs: n_outputs,
        max_feature,
        combine: match aggregate {
            Aggregate::Sum => Combine::Sum,
            Aggregate::Avg => Combine::Average,
            Aggregate::Min => Combine::Min,
            Aggregate::Max => Combine::Max,
        },
    })
}

/// Wires the ensemble's raw scores `[N, outputs]` and adds `base_values` when given.
pub(crate) fn wire_scores(
    prefix: &str,
    model: &mut TypedModel,
    ensemble: &FastTrees,
    base_values: Option<&Arc<Tensor>>,
    inputs: &[OutletId],
) -> TractResult<TVec<OutletId>> {
    let mut scores = model.wire_node(format!("{prefix}.trees"), ensemble.clone(), inputs)?;
    if let Some(base) = base_values {
        let base = base
            .clone()
            .into_tensor()
            .broadcast_into_rank(2)?
            .into_arc_tensor();
        let base = model.add_const(format!("{prefix}.base_values"), base)?;
        scores = model.wire_node(
            format!("{prefix}.add_base"),
            tract_onnx::tract_core::ops::math::add(),
            &[scores[0], base],
        )?;
    }
    Ok(scores)
}
