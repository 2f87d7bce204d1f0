//! Every ```rust block of the book, as mdBook renders it (includes expanded by
//! `build.rs`), compiled and run by skeptic, each within a time limit.

mod support;

use std::time::Duration;

use support::process::within;

/// Compiling one snippet takes seconds; running one, well under a second.
const LIMIT: Duration = Duration::from_secs(300);

/// Runs one of skeptic's steps (compile, or compile and run) and fails the
/// test if it does not finish within `LIMIT`: a listing that deadlocks fails
/// here instead of hanging `cargo test`. `build.rs` routes every generated
/// call through this function.
fn bounded(step: fn(&str, &str, &str, &str), root: &str, out: &str, target: &str, text: &str) {
    let args = [root, out, target, text].map(str::to_owned);
    within("the snippet", LIMIT, move || {
        step(&args[0], &args[1], &args[2], &args[3])
    });
}

include!(concat!(env!("OUT_DIR"), "/bounded-skeptic-tests.rs"));
