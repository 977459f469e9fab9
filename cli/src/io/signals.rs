//! SIGINT and SIGTERM: noted, never acted on in the handler.
//!
//! A handler that exits cuts the output wherever the writer was, mid-record
//! or mid-character. So the handler only records the signal; the JSONL loop
//! sees it between batches (and while input is idle), writes what it
//! handed over whole, flushes and exits with 128 + the signal's number. A
//! second signal changes nothing: the records in hand are still written
//! whole (SIGKILL remains for a run that must die at once).

use std::sync::atomic::{AtomicI32, Ordering};

/// The first signal received, or 0.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// The first signal received, if any (its number: 2 for SIGINT, 15 for
/// SIGTERM).
pub fn received() -> Option<i32> {
    match RECEIVED.load(Ordering::Relaxed) {
        0 => None,
        n => Some(n),
    }
}

/// Installs the handlers for SIGINT and SIGTERM.
#[cfg(unix)]
pub fn install() {
    extern "C" fn note(signal: libc::c_int) {
        // An atomic store is async-signal-safe.
        let _ = RECEIVED.compare_exchange(0, signal, Ordering::Relaxed, Ordering::Relaxed);
    }
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: `sigaction` with a zeroed struct, an empty mask and a
        // handler that only stores to an atomic. SA_RESTART: reads and
        // writes in progress resume rather than fail with EINTR.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = note as extern "C" fn(libc::c_int) as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// Ignores SIGXFSZ: past a file size limit (`ulimit -f`) a write then
/// fails with EFBIG, which the run reports naming the file (and removes
/// what it wrote), instead of dying of the signal without a word.
#[cfg(unix)]
pub fn ignore_file_size_limit() {
    // SAFETY: setting a signal's disposition to SIG_IGN.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

#[cfg(not(unix))]
pub fn ignore_file_size_limit() {}

/// Installs the handler for Ctrl-C.
#[cfg(not(unix))]
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        let _ = RECEIVED.compare_exchange(0, 2, Ordering::Relaxed, Ordering::Relaxed);
    });
}
