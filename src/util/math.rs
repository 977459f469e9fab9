//! Small numeric helpers shared by the model's stages and training: the
//! logistic function, a table-backed `ln(1 + n)`, a vectorisable dot
//! product, window sums over prefix sums.

use std::sync::LazyLock;

/// The logistic function: the probability whose log-odds are `z`.
#[inline]
pub(crate) fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// `ln(1 + n)` of a count, from a table for the small counts that most
/// lines have (the same values `f32::ln` gives).
#[inline]
pub(crate) fn ln_1p(n: u32) -> f32 {
    static TABLE: LazyLock<Vec<f32>> =
        LazyLock::new(|| (0..1024u32).map(|n| (1.0 + n as f32).ln()).collect());
    match TABLE.get(n as usize) {
        Some(&v) => v,
        None => (1.0 + n as f32).ln(),
    }
}

/// The dot product of `w` and `x` (over the shorter of the two), summed in
/// eight lanes so that the compiler can vectorise it: a serial float sum
/// waits on every addition.
#[inline]
pub(crate) fn dot(w: &[f32], x: &[f32]) -> f32 {
    let n = w.len().min(x.len());
    let (w, x) = (&w[..n], &x[..n]);
    let mut lanes = [0.0f32; 8];
    let (wc, xc) = (w.chunks_exact(8), x.chunks_exact(8));
    let (wr, xr) = (wc.remainder(), xc.remainder());
    for (a, b) in wc.zip(xc) {
        for k in 0..8 {
            lanes[k] += a[k] * b[k];
        }
    }
    let tail: f32 = wr.iter().zip(xr).map(|(a, b)| a * b).sum();
    lanes.iter().sum::<f32>() + tail
}

/// The sum of lines `i - k ..= i + k` (clipped to the document) of the
/// values whose prefix sums are `prefix` (one longer than the lines).
pub(crate) fn window(prefix: &[f32], i: usize, k: usize) -> f32 {
    let lo = i.saturating_sub(k);
    let hi = (i + k + 1).min(prefix.len() - 1);
    prefix[hi] - prefix[lo]
}

/// `part`'s share of `whole` over the window of line `i` (see [`window`]);
/// 0 where `whole` is 0.
pub(crate) fn window_share(part: &[f32], whole: &[f32], i: usize, k: usize) -> f32 {
    let w = window(whole, i, k);
    if w > 0.0 {
        window(part, i, k) / w
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        assert_eq!(sigmoid(0.0), 0.5);
        for n in [0, 1, 7, 1023, 1024, 100_000] {
            assert_eq!(ln_1p(n), (1.0 + n as f32).ln());
        }
        let x: Vec<f32> = (0..19).map(|i| i as f32).collect();
        assert_eq!(dot(&x, &x), x.iter().map(|v| v * v).sum::<f32>());
        let prefix = [0.0, 1.0, 3.0, 6.0, 10.0]; // values 1, 2, 3, 4
        assert_eq!(window(&prefix, 0, 1), 3.0);
        assert_eq!(window(&prefix, 3, 5), 10.0);
        assert_eq!(window_share(&prefix, &[0.0; 5], 2, 1), 0.0);
    }
}
