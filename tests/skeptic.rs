//! Every ```rust block of the book, as mdBook renders it (includes expanded by
//! `build.rs`), compiled and run by skeptic, each within a time limit.

mod support;

use std::any::Any;
use std::collections::HashMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::Duration;

use support::process::within;

/// Compiling one snippet takes seconds; running one, well under a second.
const LIMIT: Duration = Duration::from_secs(300);

/// Runs one of skeptic's steps (compile, or compile and run) and fails the
/// test if it does not finish within `LIMIT`: a listing that deadlocks fails
/// here instead of hanging `cargo test`. `build.rs` routes every generated
/// call through this function.
///
/// skeptic's binary cache keeps one program per snippet text, and several
/// blocks of the book have the same text: they take turns, so that no block
/// rewrites or touches a program another one is starting. What is left is
/// the kernel's own race (a program written by one thread while another
/// thread starts a process can be "busy" for an instant): the step is then
/// tried again, since skeptic could not start the program at all.
fn bounded(step: fn(&str, &str, &str, &str), root: &str, out: &str, target: &str, text: &str) {
    let args = [root, out, target, text].map(str::to_owned);
    within("the snippet", LIMIT, move || {
        let turn = turn_for(&args[3]);
        let _turn = turn.lock().unwrap_or_else(PoisonError::into_inner);
        let mut attempts = 0;
        loop {
            attempts += 1;
            let tried = panic::catch_unwind(AssertUnwindSafe(|| {
                step(&args[0], &args[1], &args[2], &args[3])
            }));
            match tried {
                Ok(()) => return,
                Err(why) if attempts < 3 && could_not_start_a_busy_program(&*why) => {}
                Err(why) => panic::resume_unwind(why),
            }
        }
    });
}

/// One lock per snippet text.
fn turn_for(text: &str) -> Arc<Mutex<()>> {
    static TURNS: LazyLock<Mutex<HashMap<String, Arc<Mutex<()>>>>> = LazyLock::new(Mutex::default);
    let mut turns = TURNS.lock().unwrap_or_else(PoisonError::into_inner);
    Arc::clone(turns.entry(text.to_owned()).or_default())
}

/// skeptic's message when it could not start a program: ETXTBSY is error 26.
fn could_not_start_a_busy_program(why: &(dyn Any + Send)) -> bool {
    let message = why
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| why.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    message.starts_with("Could not run") && message.contains("(os error 26)")
}

include!(concat!(env!("OUT_DIR"), "/bounded-skeptic-tests.rs"));
