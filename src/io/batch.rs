//! Many documents at once: an ordered map over scoped threads.
//!
//! The one batch engine of the crate: [`JsonlStream`](crate::JsonlStream)
//! strips each batch of records with it, training vectorises documents with
//! it, and the Python bindings strip lists and Arrow arrays with it. Threads
//! are started for the batch and joined before it returns (no pool lives on
//! between batches), so a caller that asks for two threads gets two threads,
//! whatever it asked for before.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One thread per core (as far as [`std::thread::available_parallelism`]
/// can tell; one if it cannot).
///
/// # Example
///
/// ```
/// assert!(decruft::default_threads().get() >= 1);
/// ```
pub fn default_threads() -> NonZeroUsize {
    std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN)
}

/// The most threads a batch runs on: each holds a stack and scratch memory,
/// and asking the system for thousands can fail (Python's `threads=5000`
/// ended in a panic, issue 20). `decruft --threads` and Python's `threads=`
/// refuse more; [`map_batch`] uses at most this many.
pub const MAX_THREADS: usize = 1024;

/// `f` applied to every item of `items` on `threads` threads (the calling
/// thread is one of them, and at most [`MAX_THREADS`] run), the results in
/// the order of the items.
///
/// Items are handed out one at a time, so a few long documents do not leave
/// the other threads idle. A panic in `f` is resumed on the calling thread
/// once every thread has stopped.
///
/// # Example
///
/// ```
/// use decruft::{map_batch, Stripper};
///
/// let stripper = Stripper::new();
/// let pages = ["Accueil\n", "Partager sur Facebook\n", ""];
/// let cleaned = map_batch(&pages, decruft::default_threads(), |p| stripper.strip(p).text());
/// assert_eq!(cleaned.len(), 3);
/// assert_eq!(cleaned[2], "");
/// ```
pub fn map_batch<T, R, F>(items: &[T], threads: NonZeroUsize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let threads = threads.get().min(items.len()).min(MAX_THREADS);
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            done.push((i, f(item)));
        }
        done
    };
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut parts = vec![work()];
        for h in helpers {
            parts.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        for (i, r) in parts.into_iter().flatten() {
            slots[i] = Some(r);
        }
    });
    slots
        .into_iter()
        .map(|r| r.expect("every item was mapped"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u64> = (0..1000).collect();
        for threads in [1, 2, 3, 8, 2000] {
            let n = NonZeroUsize::new(threads).unwrap();
            let got = map_batch(&items, n, |&x| x * x);
            assert_eq!(got, items.iter().map(|x| x * x).collect::<Vec<_>>());
        }
        assert!(map_batch(&[] as &[u8], NonZeroUsize::MIN, |_| 0).is_empty());
    }

    /// Issue 20: `threads=5000` from Python could end in a panic (threads
    /// the system would not start). At most MAX_THREADS run.
    #[test]
    fn threads_are_capped() {
        let items: Vec<usize> = (0..5000).collect();
        let ids = map_batch(&items, NonZeroUsize::new(5000).unwrap(), |_| {
            std::thread::sleep(std::time::Duration::from_micros(200));
            std::thread::current().id()
        });
        let mut distinct = ids.clone();
        distinct.sort_by_key(|id| format!("{id:?}"));
        distinct.dedup();
        assert!(distinct.len() <= MAX_THREADS, "{}", distinct.len());
    }

    #[test]
    #[should_panic(expected = "item 7")]
    fn a_panic_reaches_the_caller() {
        let items: Vec<u32> = (0..100).collect();
        map_batch(&items, NonZeroUsize::new(4).unwrap(), |&x| {
            assert_ne!(x, 7, "item 7");
            x
        });
    }
}
