//! A forest of regression trees: the non-linear half of the line model.
//!
//! Gradient-boosted trees (trained by [`crate::train::boost`]) add up to a
//! log-odds. A tree is a flat array of split nodes; a child index with the
//! top bit set names a leaf value instead of a node, so that evaluating a
//! tree is a short loop of one comparison and one load per level.

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Marks a child index as a leaf (in a [`ForestFile`] too).
pub(crate) const LEAF: u32 = 1 << 31;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Node {
    /// Go right when `x[feature] > threshold`.
    threshold: f32,
    feature: u32,
    /// Left and right children: node indices, or leaf indices with [`LEAF`].
    children: [u32; 2],
}

/// Trees over a fixed input layout.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Forest {
    /// The log-odds before any tree.
    pub(crate) base: f32,
    nodes: Vec<Node>,
    leaves: Vec<f32>,
    /// Per tree: its root (a node index, or a leaf index with [`LEAF`]).
    roots: Vec<u32>,
    /// The same trees laid out for [`Forest::eval_rows`]; `None` if a tree
    /// or an input index is too large for its compact nodes.
    flat: Option<Flat>,
}

/// The trees for evaluating many rows at once: per tree, its splits and
/// leaves as one array of compact nodes (the root first), a leaf being a
/// node that never goes right (threshold +∞) and whose left child is
/// itself. A row then takes exactly `depth` steps through a tree, with no
/// branch on where it is, so the steps of several rows interleave instead
/// of each waiting on the load of its next node.
#[derive(Clone, Debug, Default, PartialEq)]
struct Flat {
    /// Every tree's nodes, each tree padded to `size` nodes.
    nodes: Vec<FlatNode>,
    /// Per flat node: the leaf value (0 for splits and padding).
    values: Vec<f32>,
    /// Per tree: the steps from its root to its deepest leaf.
    depths: Vec<u32>,
    /// Nodes per tree: a power of two from 32 to 1024.
    size: usize,
}

/// A split (or a leaf) of a [`Flat`] tree.
#[derive(Clone, Copy, Debug, PartialEq)]
struct FlatNode {
    threshold: f32,
    feature: u16,
    /// The left child, relative to the tree's first node; the right child
    /// follows it.
    left: u16,
}

/// How many inputs a [`Flat`] forest may read.
const FLAT_INPUTS: usize = 128;

/// Rows evaluated together through each tree.
const BLOCK: usize = 16;

impl Forest {
    /// The log-odds for input `x`.
    #[inline]
    pub(crate) fn eval(&self, x: &[f32]) -> f32 {
        let mut sum = self.base;
        for &root in &self.roots {
            let mut at = root;
            while at & LEAF == 0 {
                let node = &self.nodes[at as usize];
                let right = x[node.feature as usize] > node.threshold;
                at = node.children[right as usize];
            }
            sum += self.leaves[(at & !LEAF) as usize];
        }
        sum
    }

    /// The log-odds of many inputs at once: `out[r]` is [`Forest::eval`] of
    /// row `r` of `xs` (rows of `stride` values; `out.len()` rows), to the
    /// bit: each row adds up the same leaves in the same order.
    pub(crate) fn eval_rows(&self, xs: &[f32], stride: usize, out: &mut [f32]) {
        let rows = out.len();
        assert!(xs.len() >= rows * stride);
        let Some(flat) = &self.flat else {
            for (r, o) in out.iter_mut().enumerate() {
                *o = self.eval(&xs[r * stride..(r + 1) * stride]);
            }
            return;
        };
        // The trees' nodes sit in arrays of a power-of-two length, so
        // that a node index masked to it needs no bounds check.
        match flat.size {
            32 => self.eval_flat::<32>(flat, xs, stride, out),
            64 => self.eval_flat::<64>(flat, xs, stride, out),
            128 => self.eval_flat::<128>(flat, xs, stride, out),
            256 => self.eval_flat::<256>(flat, xs, stride, out),
            512 => self.eval_flat::<512>(flat, xs, stride, out),
            _ => self.eval_flat::<1024>(flat, xs, stride, out),
        }
    }

    /// [`Forest::eval_rows`] over trees of `P` flat nodes each.
    fn eval_flat<const P: usize>(&self, flat: &Flat, xs: &[f32], stride: usize, out: &mut [f32]) {
        debug_assert_eq!(flat.size, P);
        let rows = out.len();
        // The block's inputs input-major, padded to a power of two so that
        // an input index masked to it needs no bounds check; rows past the
        // end are zeros, evaluated and dropped.
        let mut block = [[0f32; BLOCK]; FLAT_INPUTS];
        for r0 in (0..rows).step_by(BLOCK) {
            let n = (rows - r0).min(BLOCK);
            for (j, row) in xs[r0 * stride..(r0 + n) * stride]
                .chunks_exact(stride)
                .enumerate()
            {
                for (k, &v) in row.iter().enumerate().take(FLAT_INPUTS) {
                    block[k][j] = v;
                }
            }
            for column in &mut block {
                column[n..].fill(0.0);
            }
            let mut sum = [self.base; BLOCK];
            for ((nodes, values), &depth) in flat
                .nodes
                .chunks_exact(P)
                .zip(flat.values.chunks_exact(P))
                .zip(&flat.depths)
            {
                let nodes: &[FlatNode; P] = nodes.try_into().expect("trees of P nodes");
                let values: &[f32; P] = values.try_into().expect("trees of P nodes");
                let mut at = [0usize; BLOCK];
                for _ in 0..depth {
                    for j in 0..BLOCK {
                        let node = nodes[at[j] % P];
                        let x = block[node.feature as usize % FLAT_INPUTS][j];
                        at[j] = node.left as usize + (x > node.threshold) as usize;
                    }
                }
                for j in 0..BLOCK {
                    sum[j] += values[at[j] % P];
                }
            }
            out[r0..r0 + n].copy_from_slice(&sum[..n]);
        }
    }

    /// Whether the base and every leaf value are at most `max` in size.
    pub(crate) fn values_within(&self, max: f32) -> bool {
        self.base.abs() <= max && self.leaves.iter().all(|v| v.abs() <= max)
    }

    /// Reads the on-disk form, checking every index (`inputs`: the number of
    /// inputs the trees may read).
    pub(crate) fn from_file(f: ForestFile, inputs: usize) -> Result<Forest, Error> {
        let n = f.feature.len();
        if [f.threshold.len(), f.left.len(), f.right.len()]
            .iter()
            .any(|&m| m != n)
        {
            return Err(Error::model("tree arrays differ in length"));
        }
        let child_ok = |c: u32| {
            if c & LEAF != 0 {
                ((c & !LEAF) as usize) < f.leaves.len()
            } else {
                (c as usize) < n
            }
        };
        let mut nodes = Vec::with_capacity(n);
        for k in 0..n {
            let node = Node {
                threshold: f.threshold[k],
                feature: f.feature[k],
                children: [f.left[k], f.right[k]],
            };
            // Children point forward, so every path ends at a leaf.
            let forward = node
                .children
                .iter()
                .all(|&c| c & LEAF != 0 || c as usize > k);
            if node.feature as usize >= inputs
                || !node.threshold.is_finite()
                || !node.children.iter().all(|&c| child_ok(c))
                || !forward
            {
                return Err(Error::model(format!("tree node {k} is malformed")));
            }
            nodes.push(node);
        }
        if !f.roots.iter().all(|&r| child_ok(r))
            || !f.leaves.iter().all(|v| v.is_finite())
            || !f.base.is_finite()
        {
            return Err(Error::model("tree roots or leaf values are malformed"));
        }
        let flat = flatten(&nodes, &f.leaves, &f.roots);
        Ok(Forest {
            base: f.base,
            nodes,
            leaves: f.leaves,
            roots: f.roots,
            flat,
        })
    }
}

/// Lays the trees out for [`Forest::eval_rows`] (see [`Flat`]); `None` if
/// a tree has more nodes or an input index is larger than compact nodes
/// hold.
fn flatten(nodes: &[Node], leaves: &[f32], roots: &[u32]) -> Option<Flat> {
    let mut trees = Vec::with_capacity(roots.len());
    for &root in roots {
        let mut tree = Vec::new();
        // Breadth first from the root: a node's index in `queue` is its
        // index in `tree`.
        let mut queue = vec![root];
        let mut k = 0;
        let mut depth = 0u32;
        let mut level_end = 1;
        while k < queue.len() {
            let at = queue[k];
            if at & LEAF != 0 {
                let node = FlatNode {
                    threshold: f32::INFINITY,
                    feature: 0,
                    left: u16::try_from(k).ok()?,
                };
                tree.push((node, leaves[(at & !LEAF) as usize]));
            } else {
                let node = &nodes[at as usize];
                if node.feature as usize >= FLAT_INPUTS {
                    return None;
                }
                let left = u16::try_from(queue.len()).ok()?;
                queue.extend_from_slice(&node.children);
                let node = FlatNode {
                    threshold: node.threshold,
                    feature: node.feature as u16,
                    left,
                };
                tree.push((node, 0.0));
            }
            k += 1;
            if k == level_end && k < queue.len() {
                depth += 1;
                level_end = queue.len();
            }
        }
        trees.push((tree, depth));
    }
    let size = trees
        .iter()
        .map(|(t, _)| t.len())
        .max()
        .unwrap_or(1)
        .next_power_of_two()
        .max(32);
    if size > 1024 {
        return None;
    }
    let mut flat = Flat {
        size,
        ..Flat::default()
    };
    let pad = FlatNode {
        threshold: f32::INFINITY,
        feature: 0,
        left: 0,
    };
    for (tree, depth) in trees {
        let len = tree.len();
        for (node, value) in tree {
            flat.nodes.push(node);
            flat.values.push(value);
        }
        flat.nodes.extend(std::iter::repeat_n(pad, size - len));
        flat.values.extend(std::iter::repeat_n(0.0, size - len));
        flat.depths.push(depth);
    }
    Some(flat)
}

/// A [`Forest`] as stored in a model file, and as training builds one:
/// parallel arrays, split `k` going right when `x[feature[k]] >
/// threshold[k]`, children as in [`Forest`] (a node index, or a leaf index
/// with [`LEAF`]). [`Forest::from_file`] checks every index.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct ForestFile {
    /// The log-odds before any tree.
    pub(crate) base: f32,
    /// Per tree: its root.
    pub(crate) roots: Vec<u32>,
    pub(crate) feature: Vec<u32>,
    pub(crate) threshold: Vec<f32>,
    pub(crate) left: Vec<u32>,
    pub(crate) right: Vec<u32>,
    pub(crate) leaves: Vec<f32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A child of a split in a [`TreeBuilder`].
    #[derive(Clone, Copy)]
    enum Child {
        Split(u32),
        Leaf(u32),
    }

    /// One tree as a test writes it: splits (feature, threshold, left,
    /// right), the first the root, and leaf values.
    struct TreeBuilder {
        splits: Vec<(u32, f32, Child, Child)>,
        leaves: Vec<f32>,
    }

    /// Appends `tree` to the arrays of `f`.
    fn push(f: &mut ForestFile, tree: &TreeBuilder) {
        let (n0, l0) = (f.feature.len() as u32, f.leaves.len() as u32);
        let map = |c: Child| match c {
            Child::Split(i) => n0 + i,
            Child::Leaf(i) => LEAF | (l0 + i),
        };
        for &(feature, threshold, l, r) in &tree.splits {
            f.feature.push(feature);
            f.threshold.push(threshold);
            f.left.push(map(l));
            f.right.push(map(r));
        }
        f.leaves.extend_from_slice(&tree.leaves);
        f.roots.push(if tree.splits.is_empty() {
            LEAF | l0
        } else {
            n0
        });
    }

    fn constant(base: f32) -> ForestFile {
        ForestFile {
            base,
            ..ForestFile::default()
        }
    }

    fn stump(feature: u32, threshold: f32, lo: f32, hi: f32) -> TreeBuilder {
        TreeBuilder {
            splits: vec![(feature, threshold, Child::Leaf(0), Child::Leaf(1))],
            leaves: vec![lo, hi],
        }
    }

    #[test]
    fn evaluates_and_round_trips() {
        let mut file = constant(0.5);
        push(&mut file, &stump(0, 1.0, -1.0, 1.0));
        push(
            &mut file,
            &TreeBuilder {
                splits: vec![
                    (1, 0.0, Child::Split(1), Child::Leaf(0)),
                    (0, 2.0, Child::Leaf(1), Child::Leaf(2)),
                ],
                leaves: vec![10.0, 20.0, 30.0],
            },
        );
        push(
            &mut file,
            &TreeBuilder {
                splits: vec![],
                leaves: vec![0.25],
            },
        );
        let f = Forest::from_file(file.clone(), 2).unwrap();
        assert_eq!(f.eval(&[0.0, 0.0]), 0.5 - 1.0 + 20.0 + 0.25);
        assert_eq!(f.eval(&[3.0, 0.0]), 0.5 + 1.0 + 30.0 + 0.25);
        assert_eq!(f.eval(&[3.0, 1.0]), 0.5 + 1.0 + 10.0 + 0.25);
        assert!(
            Forest::from_file(file.clone(), 1).is_err(),
            "input out of range"
        );
        let xs = [0.0, 0.0, 3.0, 0.0, 3.0, 1.0];
        let mut out = [0.0; 3];
        f.eval_rows(&xs, 2, &mut out);
        assert_eq!(
            out,
            [f.eval(&xs[0..2]), f.eval(&xs[2..4]), f.eval(&xs[4..6])]
        );
        let mut bad = file;
        bad.left[0] = 0;
        assert!(Forest::from_file(bad, 2).is_err(), "a cycle");
    }

    /// A deterministic pseudo-random tree over `inputs` inputs, grown by
    /// splitting random leaves (so it is unbalanced, as boosting grows them).
    fn random_tree(seed: &mut u64, inputs: u32, leaves: usize) -> TreeBuilder {
        let mut next = || {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            *seed
        };
        let mut tree = TreeBuilder {
            splits: Vec::new(),
            leaves: vec![0.0],
        };
        // Each leaf's parent slot: (split, side) or the root.
        let mut parent: Vec<Option<(usize, usize)>> = vec![None];
        while tree.leaves.len() < leaves {
            let l = next() as usize % tree.leaves.len();
            let s = tree.splits.len() as u32;
            let new = tree.leaves.len() as u32;
            tree.splits.push((
                next() as u32 % inputs,
                (next() % 200) as f32 / 100.0 - 1.0,
                Child::Leaf(l as u32),
                Child::Leaf(new),
            ));
            // Only the first split replaces the root (a tree's root is its
            // first split); every later one hangs below a split.
            if let Some((p, side)) = parent[l] {
                let split = &mut tree.splits[p];
                if side == 0 {
                    split.2 = Child::Split(s);
                } else {
                    split.3 = Child::Split(s);
                }
            }
            parent[l] = Some((s as usize, 0));
            parent.push(Some((s as usize, 1)));
            tree.leaves.push(0.0);
        }
        for (k, v) in tree.leaves.iter_mut().enumerate() {
            *v = (next() % 1000) as f32 / 997.0 - 0.5 + k as f32 * 1e-3;
        }
        tree
    }

    #[test]
    fn rows_at_once_equal_one_at_a_time() {
        let mut seed = 0x9E37_79B9_7F4A_7C15;
        for (trees, leaves, inputs) in [(1, 1, 3), (5, 2, 3), (40, 63, 66), (7, 200, 9)] {
            let mut file = constant(0.125);
            for _ in 0..trees {
                push(&mut file, &random_tree(&mut seed, inputs, leaves));
            }
            let f = Forest::from_file(file, inputs as usize).unwrap();
            for rows in [0, 1, 15, 16, 17, 40] {
                let xs: Vec<f32> = (0..rows * inputs as usize)
                    .map(|k| ((k as u64 * 2_654_435_761) % 400) as f32 / 200.0 - 1.0)
                    .collect();
                let mut out = vec![f32::NAN; rows];
                f.eval_rows(&xs, inputs as usize, &mut out);
                for (r, &o) in out.iter().enumerate() {
                    let x = &xs[r * inputs as usize..(r + 1) * inputs as usize];
                    assert_eq!(o.to_bits(), f.eval(x).to_bits(), "{trees} trees, row {r}");
                }
            }
        }
    }
}
