//! Every ```rust block of the book, as mdBook renders it (includes expanded by
//! `build.rs`), compiled and run by skeptic, each within a time limit.

mod support;

use std::any::Any;
use std::collections::HashMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::Duration;

use support::lanes::message;
use support::process::within;

/// Compiling one snippet takes seconds; running one, well under a second.
const LIMIT: Duration = Duration::from_secs(300);

/// Runs one of skeptic's steps (compile, or compile and run) and fails the
/// test if it does not finish within `LIMIT`: a listing that deadlocks fails
/// here instead of hanging `cargo test`. `build.rs` routes every generated
/// call through this function.
///
/// Several blocks of the book have the same text (one file included with
/// different anchors, or the same anchor twice). The same step on the same
/// text builds the same program, so it runs once per test process: the
/// first block to come runs it, and every other block with that text waits
/// for it and takes its verdict, a failure included. Each block is still a
/// test of its own, so a failure names every block that shows the code.
///
/// What is left is the kernel's own race (a program written by one thread
/// while another thread starts a process can be "busy" for an instant): the
/// step is then tried again, since skeptic could not start the program at all.
fn bounded(step: fn(&str, &str, &str, &str), root: &str, out: &str, target: &str, text: &str) {
    let args = [root, out, target, text].map(str::to_owned);
    within("the snippet", LIMIT, move || {
        let verdict = verdict_for(step, &args);
        let mut verdict = verdict.lock().unwrap_or_else(PoisonError::into_inner);
        match &*verdict {
            Some(Ok(())) => return,
            Some(Err(why)) => panic!(
                "a block with the same text already ran in this test process, and failed:\n{why}"
            ),
            None => {}
        }
        let mut attempts = 0;
        loop {
            attempts += 1;
            let tried = panic::catch_unwind(AssertUnwindSafe(|| {
                step(&args[0], &args[1], &args[2], &args[3])
            }));
            match tried {
                Ok(()) => {
                    *verdict = Some(Ok(()));
                    return;
                }
                Err(why) if attempts < 3 && could_not_start_a_busy_program(&*why) => {}
                Err(why) => {
                    *verdict = Some(Err(message(&*why)));
                    panic::resume_unwind(why)
                }
            }
        }
    });
}

/// What one step on one text came to: `None` until it has run.
type Verdict = Arc<Mutex<Option<Result<(), String>>>>;

/// One verdict per step and text (and skeptic's folders, the same for every
/// block). Its lock also makes the blocks with the same text take turns.
fn verdict_for(step: fn(&str, &str, &str, &str), args: &[String; 4]) -> Verdict {
    type Step = (usize, [String; 4]);
    static VERDICTS: LazyLock<Mutex<HashMap<Step, Verdict>>> = LazyLock::new(Mutex::default);
    let mut verdicts = VERDICTS.lock().unwrap_or_else(PoisonError::into_inner);
    let key = (step as usize, args.clone());
    Arc::clone(verdicts.entry(key).or_default())
}

/// skeptic's message when it could not start a program: ETXTBSY is error 26.
fn could_not_start_a_busy_program(why: &(dyn Any + Send)) -> bool {
    let message = message(why);
    message.starts_with("Could not run") && message.contains("(os error 26)")
}

include!(concat!(env!("OUT_DIR"), "/bounded-skeptic-tests.rs"));
