//! A forest of regression trees: the non-linear half of the line model.
//!
//! Gradient-boosted trees (trained by [`crate::boost`]) add up to a
//! log-odds. A tree is a flat array of split nodes; a child index with the
//! top bit set names a leaf value instead of a node, so that evaluating a
//! tree is a short loop of one comparison and one load per level.

use serde::{Deserialize, Serialize};

use crate::Error;

/// Marks a child index as a leaf.
const LEAF: u32 = 1 << 31;

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
    pub base: f32,
    nodes: Vec<Node>,
    leaves: Vec<f32>,
    /// Per tree: its root (a node index, or a leaf index with [`LEAF`]).
    roots: Vec<u32>,
}

/// One tree as it is built: nodes in creation order.
#[cfg(any(feature = "train", test))]
#[derive(Clone, Debug, Default)]
pub(crate) struct TreeBuilder {
    /// (feature, threshold, left, right) with children as [`Child`]ren.
    pub splits: Vec<(u32, f32, Child, Child)>,
    pub leaves: Vec<f32>,
}

/// A child of a split in a [`TreeBuilder`].
#[cfg(any(feature = "train", test))]
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Child {
    Split(u32),
    Leaf(u32),
}

impl Forest {
    /// A forest with no trees and a constant log-odds.
    #[cfg(any(feature = "train", test))]
    pub(crate) fn constant(base: f32) -> Forest {
        Forest {
            base,
            ..Forest::default()
        }
    }

    /// Appends a tree (its root is its first split, or its only leaf).
    #[cfg(any(feature = "train", test))]
    pub(crate) fn push(&mut self, tree: &TreeBuilder) {
        let (n0, l0) = (self.nodes.len() as u32, self.leaves.len() as u32);
        let map = |c: Child| match c {
            Child::Split(i) => n0 + i,
            Child::Leaf(i) => LEAF | (l0 + i),
        };
        for &(feature, threshold, l, r) in &tree.splits {
            self.nodes.push(Node {
                threshold,
                feature,
                children: [map(l), map(r)],
            });
        }
        self.leaves.extend_from_slice(&tree.leaves);
        self.roots.push(if tree.splits.is_empty() {
            LEAF | l0
        } else {
            n0
        });
    }

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

    /// The on-disk form.
    #[cfg(any(feature = "train", test))]
    pub(crate) fn to_file(&self) -> ForestFile {
        let round = |v: f32| (v * 1e5).round() / 1e5;
        ForestFile {
            base: round(self.base),
            roots: self.roots.clone(),
            feature: self.nodes.iter().map(|n| n.feature).collect(),
            threshold: self.nodes.iter().map(|n| n.threshold).collect(),
            left: self.nodes.iter().map(|n| n.children[0]).collect(),
            right: self.nodes.iter().map(|n| n.children[1]).collect(),
            leaves: self.leaves.iter().map(|&v| round(v)).collect(),
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
        Ok(Forest {
            base: f.base,
            nodes,
            leaves: f.leaves,
            roots: f.roots,
        })
    }
}

/// A [`Forest`] as stored in a model file: parallel arrays.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct ForestFile {
    base: f32,
    roots: Vec<u32>,
    feature: Vec<u32>,
    threshold: Vec<f32>,
    left: Vec<u32>,
    right: Vec<u32>,
    leaves: Vec<f32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stump(feature: u32, threshold: f32, lo: f32, hi: f32) -> TreeBuilder {
        TreeBuilder {
            splits: vec![(feature, threshold, Child::Leaf(0), Child::Leaf(1))],
            leaves: vec![lo, hi],
        }
    }

    #[test]
    fn evaluates_and_round_trips() {
        let mut f = Forest::constant(0.5);
        f.push(&stump(0, 1.0, -1.0, 1.0));
        f.push(&TreeBuilder {
            splits: vec![
                (1, 0.0, Child::Split(1), Child::Leaf(0)),
                (0, 2.0, Child::Leaf(1), Child::Leaf(2)),
            ],
            leaves: vec![10.0, 20.0, 30.0],
        });
        f.push(&TreeBuilder {
            splits: vec![],
            leaves: vec![0.25],
        });
        assert_eq!(f.eval(&[0.0, 0.0]), 0.5 - 1.0 + 20.0 + 0.25);
        assert_eq!(f.eval(&[3.0, 0.0]), 0.5 + 1.0 + 30.0 + 0.25);
        assert_eq!(f.eval(&[3.0, 1.0]), 0.5 + 1.0 + 10.0 + 0.25);
        let back = Forest::from_file(f.to_file(), 2).unwrap();
        assert_eq!(back, f);
        assert!(
            Forest::from_file(f.to_file(), 1).is_err(),
            "input out of range"
        );
        let mut bad = f.to_file();
        bad.left[0] = 0;
        assert!(Forest::from_file(bad, 2).is_err(), "a cycle");
    }
}
