//! Every ```rust block of the book, as mdBook renders it (includes expanded by
//! `build.rs`), compiled and run by skeptic, each within a time limit.

use std::sync::mpsc::{RecvTimeoutError, channel};
use std::thread;
use std::time::Duration;

/// Compiling one snippet takes seconds; running one, well under a second.
const LIMIT: Duration = Duration::from_secs(300);

/// Runs one of skeptic's steps (compile, or compile and run) on a thread and
/// fails the test if it does not finish within `LIMIT`: a listing that
/// deadlocks fails here instead of hanging `cargo test`.
fn bounded(step: fn(&str, &str, &str, &str), root: &str, out: &str, target: &str, text: &str) {
    let args = [root, out, target, text].map(str::to_owned);
    let (done, finished) = channel();
    thread::spawn(move || {
        step(&args[0], &args[1], &args[2], &args[3]);
        let _ = done.send(());
    });
    match finished.recv_timeout(LIMIT) {
        Ok(()) => {}
        Err(RecvTimeoutError::Timeout) => panic!("the snippet did not finish within {LIMIT:?}"),
        // skeptic panicked on its thread; its message is printed above.
        Err(RecvTimeoutError::Disconnected) => panic!("the snippet failed (see above)"),
    }
}

include!(concat!(env!("OUT_DIR"), "/bounded-skeptic-tests.rs"));
