//! Training gradient-boosted trees for the logistic loss, histogram style
//! (as LightGBM): every input is cut into at most [`BoostOptions::bins`]
//! quantile bins once; a tree grows leaf by leaf, always splitting the leaf
//! whose best split gains most, from per-leaf histograms of gradients
//! (the smaller child's histogram is built, the larger one's is the parent's
//! minus it). Deterministic for a seed.

use crate::io::batch::{default_threads, map_batch};

use crate::model::trees::{ForestFile, LEAF};
use crate::train::rng::Rng;

/// Settings of [`fit`].
#[derive(Clone, Debug)]
pub(crate) struct BoostOptions {
    /// Number of trees.
    pub(crate) trees: usize,
    /// Leaves per tree at most.
    pub(crate) leaves: usize,
    /// Depth of a tree at most.
    pub(crate) depth: usize,
    /// Shrinkage of every tree's output.
    pub(crate) rate: f32,
    /// L2 regularisation of leaf values.
    pub(crate) lambda: f64,
    /// Smallest sum of hessians (weighted rows) in a leaf.
    pub(crate) min_hessian: f64,
    /// Share of rows each tree sees.
    pub(crate) row_sample: f64,
    /// Share of inputs each tree may split on.
    pub(crate) input_sample: f64,
    /// Bins per input at most (≤ 256).
    pub(crate) bins: usize,
    pub(crate) seed: u64,
}

impl Default for BoostOptions {
    fn default() -> BoostOptions {
        BoostOptions {
            trees: 150,
            leaves: 31,
            depth: 10,
            rate: 0.1,
            lambda: 1.0,
            min_hessian: 2.0,
            row_sample: 0.5,
            input_sample: 0.8,
            bins: 64,
            seed: 1,
        }
    }
}

/// `f` on every element of `items` (with its index), the elements spread
/// over the machine's threads in contiguous chunks.
fn par_each<T: Send>(items: &mut [T], f: impl Fn(usize, &mut T) + Sync) {
    let threads = default_threads().get().clamp(1, items.len().max(1));
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        for (c, part) in items.chunks_mut(chunk).enumerate() {
            let f = &f;
            scope.spawn(move || {
                for (k, item) in part.iter_mut().enumerate() {
                    f(c * chunk + k, item);
                }
            });
        }
    });
}

/// One tree as it is grown: splits in creation order (the first is the
/// root; a child split is always created after its parent).
#[derive(Clone, Debug, Default)]
struct TreeBuilder {
    /// (input, threshold, left, right): go right when `x[input] > threshold`.
    splits: Vec<(u32, f32, Child, Child)>,
    leaves: Vec<f32>,
}

/// A child of a split in a [`TreeBuilder`].
#[derive(Clone, Copy, Debug, PartialEq)]
enum Child {
    Split(u32),
    Leaf(u32),
}

/// Appends a tree to the forest's arrays (see [`ForestFile`]): its nodes
/// and leaves numbered after those already there.
fn push_tree(forest: &mut ForestFile, tree: &TreeBuilder) {
    let (n0, l0) = (forest.feature.len() as u32, forest.leaves.len() as u32);
    let map = |c: Child| match c {
        Child::Split(i) => n0 + i,
        Child::Leaf(i) => LEAF | (l0 + i),
    };
    for &(feature, threshold, l, r) in &tree.splits {
        forest.feature.push(feature);
        forest.threshold.push(threshold);
        forest.left.push(map(l));
        forest.right.push(map(r));
    }
    forest.leaves.extend_from_slice(&tree.leaves);
    forest.roots.push(if tree.splits.is_empty() {
        LEAF | l0
    } else {
        n0
    });
}

/// Inputs cut into bins, column by column.
struct Binned {
    rows: usize,
    /// Per input: the cut points; bin `b` holds values `<= cuts[b]` (and
    /// above the previous cut), the last bin everything above.
    cuts: Vec<Vec<f32>>,
    /// Per input, per row: the bin (column-major).
    bins: Vec<u8>,
    /// Offset of each input's bins in a histogram.
    offsets: Vec<usize>,
    hist_len: usize,
}

impl Binned {
    fn new(x: &[f32], inputs: usize, max_bins: usize) -> Binned {
        let rows = x.len() / inputs;
        let step = (rows / 50_000).max(1);
        let columns: Vec<usize> = (0..inputs).collect();
        let cuts: Vec<Vec<f32>> = map_batch(&columns, default_threads(), |&j| {
            let mut v: Vec<f32> = (0..rows).step_by(step).map(|r| x[r * inputs + j]).collect();
            v.sort_by(f32::total_cmp);
            v.dedup();
            if v.len() <= max_bins {
                v.pop();
                return v;
            }
            let mut cuts: Vec<f32> = (1..max_bins).map(|q| v[q * v.len() / max_bins]).collect();
            cuts.dedup();
            cuts
        });
        let mut bins = vec![0u8; rows * inputs];
        let mut columns: Vec<&mut [u8]> = bins.chunks_mut(rows.max(1)).collect();
        par_each(&mut columns, |j, col| {
            let c = &cuts[j];
            for (r, b) in col.iter_mut().enumerate() {
                let v = x[r * inputs + j];
                *b = c.partition_point(|&cut| cut < v) as u8;
            }
        });
        let mut offsets = Vec::with_capacity(inputs);
        let mut hist_len = 0;
        for c in &cuts {
            offsets.push(hist_len);
            hist_len += c.len() + 1;
        }
        Binned {
            rows,
            cuts,
            bins,
            offsets,
            hist_len,
        }
    }

    fn col(&self, j: usize) -> &[u8] {
        &self.bins[j * self.rows..(j + 1) * self.rows]
    }
}

/// Sums of gradient, hessian and rows of one bin.
#[derive(Clone, Copy, Default)]
struct Cell {
    g: f64,
    h: f64,
}

#[derive(Clone, Copy, Debug)]
struct Split {
    gain: f64,
    input: usize,
    bin: u8,
}

struct Leaf {
    /// The rows of the leaf: `idx[start..end]`.
    start: usize,
    end: usize,
    g: f64,
    h: f64,
    depth: usize,
    hist: Vec<Cell>,
    best: Option<Split>,
    /// Where the leaf hangs in the tree: (split, right child?).
    slot: Option<(usize, bool)>,
}

fn histogram(data: &Binned, gh: &[(f32, f32)], rows: &[u32], inputs: &[usize], out: &mut [Cell]) {
    out.fill(Cell::default());
    // Inputs are independent: fill their parts of the histogram in parallel.
    let mut parts: Vec<(usize, &mut [Cell])> = Vec::with_capacity(inputs.len());
    let mut rest = out;
    let mut at = 0;
    for (j, &off) in data.offsets.iter().enumerate() {
        let len = data.cuts[j].len() + 1;
        let (_, tail) = rest.split_at_mut(off - at);
        let (mine, tail) = tail.split_at_mut(len);
        at = off + len;
        rest = tail;
        if inputs.binary_search(&j).is_ok() {
            parts.push((j, mine));
        }
    }
    par_each(&mut parts, |_, (j, cells)| {
        let col = data.col(*j);
        for &r in rows {
            let (g, h) = gh[r as usize];
            let c = &mut cells[col[r as usize] as usize];
            c.g += g as f64;
            c.h += h as f64;
        }
    });
}

fn best_split(data: &Binned, leaf: &Leaf, inputs: &[usize], opts: &BoostOptions) -> Option<Split> {
    let score = |g: f64, h: f64| g * g / (h + opts.lambda);
    let parent = score(leaf.g, leaf.h);
    let mut best: Option<Split> = None;
    for &j in inputs {
        let off = data.offsets[j];
        let n = data.cuts[j].len() + 1;
        let (mut gl, mut hl) = (0.0, 0.0);
        for b in 0..n - 1 {
            let c = leaf.hist[off + b];
            gl += c.g;
            hl += c.h;
            let (gr, hr) = (leaf.g - gl, leaf.h - hl);
            if hl < opts.min_hessian || hr < opts.min_hessian {
                continue;
            }
            let gain = score(gl, hl) + score(gr, hr) - parent;
            if gain > 1e-9 && best.is_none_or(|s| gain > s.gain) {
                best = Some(Split {
                    gain,
                    input: j,
                    bin: b as u8,
                });
            }
        }
    }
    best
}

/// Fits a forest to rows `x` (row-major, `inputs` values a row) with labels
/// `y` (0 or 1) and weights `w`; gives it as a model file holds it
/// ([`Forest::from_file`](crate::model::trees::Forest::from_file) makes it
/// one to evaluate).
pub(crate) fn fit(
    x: &[f32],
    inputs: usize,
    y: &[f32],
    w: &[f32],
    opts: &BoostOptions,
) -> ForestFile {
    let data = Binned::new(x, inputs, opts.bins.clamp(2, 256));
    let n = data.rows;
    let (mut pos, mut all) = (0.0f64, 0.0f64);
    for (yi, wi) in y.iter().zip(w) {
        pos += (*yi * *wi) as f64;
        all += *wi as f64;
    }
    let prior = ((pos + 1.0) / (all - pos + 1.0)).ln() as f32;
    let mut forest = ForestFile {
        base: prior,
        ..ForestFile::default()
    };
    let mut score = vec![prior; n];
    let mut gh = vec![(0.0f32, 0.0f32); n];
    let mut rng = Rng::seeded(opts.seed);
    let mut idx: Vec<u32> = Vec::with_capacity(n);
    let mut leaf_of = vec![0u32; n];
    for _ in 0..opts.trees {
        for ((gh, &s), (&y, &w)) in gh.iter_mut().zip(&score).zip(y.iter().zip(w)) {
            let p = 1.0 / (1.0 + (-s).exp());
            *gh = ((p - y) * w, (p * (1.0 - p)).max(1e-6) * w);
        }
        idx.clear();
        for (r, &wr) in w.iter().enumerate() {
            if wr > 0.0 && rng.unit() < opts.row_sample {
                idx.push(r as u32);
            }
        }
        let inputs_used: Vec<usize> = (0..inputs)
            .filter(|_| rng.unit() < opts.input_sample)
            .collect();
        let tree = grow(&data, &gh, &mut idx, &inputs_used, opts);
        // Every row's leaf, by walking the binned inputs.
        par_each(&mut leaf_of, |r, leaf| {
            let mut at = if tree.builder.splits.is_empty() {
                Child::Leaf(0)
            } else {
                Child::Split(0)
            };
            while let Child::Split(s) = at {
                let (j, bin, l, rt) = tree_split(&tree, s as usize);
                at = if data.bins[j * n + r] > bin { rt } else { l };
            }
            if let Child::Leaf(k) = at {
                *leaf = k;
            }
        });
        for (s, &l) in score.iter_mut().zip(&leaf_of) {
            *s += tree.builder.leaves[l as usize];
        }
        push_tree(&mut forest, &tree.builder);
    }
    forest
}

/// A grown tree: the builder (thresholds as raw values) and each split's bin.
struct Grown {
    builder: TreeBuilder,
    bins: Vec<u8>,
}

fn tree_split(t: &Grown, s: usize) -> (usize, u8, Child, Child) {
    let (j, _, l, r) = t.builder.splits[s];
    (j as usize, t.bins[s], l, r)
}

fn grow(
    data: &Binned,
    gh: &[(f32, f32)],
    idx: &mut [u32],
    inputs: &[usize],
    opts: &BoostOptions,
) -> Grown {
    let n = data.rows;
    let mut leaves: Vec<Leaf> = Vec::new();
    let (mut g, mut h) = (0.0, 0.0);
    for &r in idx.iter() {
        g += gh[r as usize].0 as f64;
        h += gh[r as usize].1 as f64;
    }
    let mut root = Leaf {
        start: 0,
        end: idx.len(),
        g,
        h,
        depth: 0,
        hist: vec![Cell::default(); data.hist_len],
        best: None,
        slot: None,
    };
    histogram(data, gh, idx, inputs, &mut root.hist);
    root.best = best_split(data, &root, inputs, opts);
    leaves.push(root);
    let mut splits: Vec<(u32, f32, Child, Child)> = Vec::new();
    let mut split_bins: Vec<u8> = Vec::new();
    while leaves.len() < opts.leaves {
        let Some((k, split)) = leaves
            .iter()
            .enumerate()
            .filter(|(_, l)| l.depth < opts.depth)
            .filter_map(|(k, l)| l.best.map(|s| (k, s)))
            .max_by(|a, b| a.1.gain.total_cmp(&b.1.gain).then(b.0.cmp(&a.0)))
        else {
            break;
        };
        let parent = leaves.swap_remove(k);
        let col = &data.bins[split.input * n..(split.input + 1) * n];
        // Partition the parent's rows: left (bin <= split) first.
        let rows = &mut idx[parent.start..parent.end];
        let mut mid = 0;
        for i in 0..rows.len() {
            if col[rows[i] as usize] <= split.bin {
                rows.swap(i, mid);
                mid += 1;
            }
        }
        let mid = parent.start + mid;
        let s = splits.len();
        let threshold = data.cuts[split.input][split.bin as usize];
        splits.push((
            split.input as u32,
            threshold,
            Child::Leaf(0),
            Child::Leaf(0),
        ));
        split_bins.push(split.bin);
        if let Some((p, right)) = parent.slot {
            if right {
                splits[p].3 = Child::Split(s as u32);
            } else {
                splits[p].2 = Child::Split(s as u32);
            }
        }
        let sums = |a: usize, b: usize| {
            idx[a..b].iter().fold((0.0, 0.0), |(g, h), &r| {
                (g + gh[r as usize].0 as f64, h + gh[r as usize].1 as f64)
            })
        };
        let (gl, hl) = sums(parent.start, mid);
        let mut left = Leaf {
            start: parent.start,
            end: mid,
            g: gl,
            h: hl,
            depth: parent.depth + 1,
            hist: Vec::new(),
            best: None,
            slot: Some((s, false)),
        };
        let mut right = Leaf {
            start: mid,
            end: parent.end,
            g: parent.g - gl,
            h: parent.h - hl,
            depth: parent.depth + 1,
            hist: Vec::new(),
            best: None,
            slot: Some((s, true)),
        };
        // Build the smaller child's histogram; the larger is the parent's
        // minus it.
        let mut parent_hist = parent.hist;
        let (small, large) = if left.end - left.start <= right.end - right.start {
            (&mut left, &mut right)
        } else {
            (&mut right, &mut left)
        };
        let mut hist = vec![Cell::default(); data.hist_len];
        histogram(data, gh, &idx[small.start..small.end], inputs, &mut hist);
        for (p, c) in parent_hist.iter_mut().zip(&hist) {
            p.g -= c.g;
            p.h -= c.h;
        }
        small.hist = hist;
        large.hist = parent_hist;
        left.best = best_split(data, &left, inputs, opts);
        right.best = best_split(data, &right, inputs, opts);
        leaves.push(left);
        leaves.push(right);
    }
    // Number the leaves and hang them in the tree.
    let mut values = Vec::with_capacity(leaves.len());
    for (k, leaf) in leaves.iter().enumerate() {
        values.push((-leaf.g / (leaf.h + opts.lambda)) as f32 * opts.rate);
        if let Some((p, right)) = leaf.slot {
            if right {
                splits[p].3 = Child::Leaf(k as u32);
            } else {
                splits[p].2 = Child::Leaf(k as u32);
            }
        }
    }
    Grown {
        builder: TreeBuilder {
            splits,
            leaves: values,
        },
        bins: split_bins,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::trees::Forest;

    #[test]
    fn learns_an_interaction_a_linear_model_cannot() {
        // y = x0 XOR x1, with a noise input: no single split gains, a
        // greedy tree finds it through the noise input's splits.
        let mut x = Vec::new();
        let mut y = Vec::new();
        let mut rng = Rng::from_state(7);
        for _ in 0..4000 {
            let a = (rng.next() % 2) as f32;
            let b = (rng.next() % 2) as f32;
            x.extend_from_slice(&[a, b, rng.unit() as f32]);
            y.push(((a != b) as u8) as f32);
        }
        let w = vec![1.0; y.len()];
        let opts = BoostOptions {
            trees: 60,
            leaves: 4,
            input_sample: 1.0,
            ..BoostOptions::default()
        };
        let file = fit(&x, 3, &y, &w, &opts);
        let f = Forest::from_file(file.clone(), 3).unwrap();
        assert!(f.eval(&[0.0, 1.0, 0.5]) > 1.0);
        assert!(f.eval(&[1.0, 0.0, 0.5]) > 1.0);
        assert!(f.eval(&[1.0, 1.0, 0.5]) < -1.0);
        assert!(f.eval(&[0.0, 0.0, 0.5]) < -1.0);
        assert_eq!(file, fit(&x, 3, &y, &w, &opts), "deterministic");
    }
}
