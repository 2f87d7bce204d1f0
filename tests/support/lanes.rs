//! Runs independent jobs a few at a time (one lane per CPU), and keeps what
//! each one came to, a panic included, so that a test can report every
//! failure at the end instead of stopping at the first.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// Runs `job` on every item, as many at once as the machine has CPUs, and
/// returns each item's outcome in the items' order: its value, or the
/// message it panicked with. Each job bounds its own time (its commands
/// run with a limit), so the lanes end when the jobs do.
pub fn in_lanes<T: Sync, R: Send>(
    items: &[T],
    job: impl Fn(&T) -> R + Sync,
) -> Vec<Result<R, String>> {
    let lanes = thread::available_parallelism().map_or(1, |n| n.get());
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<Option<Result<R, String>>>> =
        Mutex::new(items.iter().map(|_| None).collect());
    thread::scope(|scope| {
        for _ in 0..lanes.min(items.len()) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(index) else { break };
                    let outcome = panic::catch_unwind(AssertUnwindSafe(|| job(item)))
                        .map_err(|why| message(&*why));
                    outcomes.lock().unwrap_or_else(|e| e.into_inner())[index] = Some(outcome);
                }
            });
        }
    });
    outcomes
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|outcome| outcome.expect("every item was taken by a lane"))
        .collect()
}

/// A panic's message, when it has one.
pub fn message(why: &(dyn std::any::Any + Send)) -> String {
    why.downcast_ref::<String>()
        .cloned()
        .or_else(|| why.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| String::from("(a panic without a message)"))
}
