// rustdoc (behind `mdbook test`) finds crates.io dependencies only by an
// `extern crate` line; cargo does not need it.
extern crate crossbeam_channel;

use crossbeam_channel::{RecvTimeoutError, SendError, after, bounded, select};
use std::thread::{self, JoinHandle};
use std::time::Duration;

#[cfg(test)]
mod tests;

// ANCHOR: main
fn main() {
    if let Err(usage) = check_args(std::env::args().skip(1)) {
        eprintln!("{usage}");
        std::process::exit(2);
    }
    let say = |line: &str| println!("{line}");

    // Job 1 is quick, and the manager gives it a whole second.
    say("manager : hired employee 1 for job 1");
    let (result, employee) = hire(1, || 6 * 7, say);
    report(1, wait_for_result(result, Duration::from_secs(1)), say);
    go_home(1, employee, say);

    // Job 2 is slower than the manager's patience. Here "slow" is a gate
    // that only the manager opens, and only after it has given up: so the
    // manager gives up on every run, not just on most of them.
    let (gate, held) = bounded::<()>(0);
    say("manager : hired employee 2 for job 2");
    let (result, employee) = hire(
        2,
        move || {
            // Returns once the manager drops `gate`.
            let _ = held.recv();
            6 * 7
        },
        say,
    );
    report(2, wait_for_result(result, Duration::from_millis(20)), say);
    // The manager has given up waiting. Let the employee finish now, and
    // wait for it, so that its last line is printed before the program ends.
    drop(gate);
    go_home(2, employee, say);
}
// ANCHOR_END: main

/// The listing takes no arguments: any argument is a usage error.
fn check_args(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    match args.next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "error: unexpected argument `{arg}`; usage: cargo run -p ch12-cancellation"
        )),
    }
}

// ANCHOR: hire
/// Hires employee `e` to do `work` and hand off its result. Returns the
/// manager's end of the result channel and the employee's handle. The
/// employee's thread returns what its send returned: `Err` holds the result
/// nobody took.
fn hire<T: Send + 'static>(
    e: usize,
    work: impl FnOnce() -> T + Send + 'static,
    say: impl Fn(&str) + Send + 'static,
) -> (
    crossbeam_channel::Receiver<T>,
    JoinHandle<Result<(), SendError<T>>>,
) {
    // A hand-off: the send completes only when the manager takes the result.
    let (tx, rx) = bounded(0);
    let employee = thread::spawn(move || {
        let result = work();
        // Fails at once, with the result inside, if the manager has
        // dropped its Receiver: nobody is waiting any more.
        let sent = tx.send(result);
        match &sent {
            Ok(()) => say(&format!("employee {e} : handed off my result")),
            Err(_) => say(&format!("employee {e} : nobody is waiting for my result")),
        }
        sent
    });
    (rx, employee)
}
// ANCHOR_END: hire

// ANCHOR: wait
/// The manager waits for the result, but not for longer than `timeout`.
/// It takes the Receiver by value: when this function returns, the
/// Receiver is dropped, and nobody is waiting for the result any more.
fn wait_for_result<T>(
    result: crossbeam_channel::Receiver<T>,
    timeout: Duration,
) -> Result<T, RecvTimeoutError> {
    select! {
        // The result, or Err if the employee quit (panicked) without one.
        recv(result) -> received => received.map_err(|_| RecvTimeoutError::Disconnected),
        // A channel that delivers one message once `timeout` has passed.
        recv(after(timeout)) -> _ => Err(RecvTimeoutError::Timeout),
    }
}
// ANCHOR_END: wait

/// Says what the manager got for `job`.
fn report(job: usize, outcome: Result<i32, RecvTimeoutError>, say: impl Fn(&str)) {
    match outcome {
        Ok(answer) => say(&format!(
            "manager : received the result of job {job}: {answer}"
        )),
        Err(RecvTimeoutError::Timeout) => say(&format!("manager : gave up waiting for job {job}")),
        Err(RecvTimeoutError::Disconnected) => {
            say(&format!("manager : employee {job} quit without a result"))
        }
    }
}

/// Waits for employee `e` to finish.
fn go_home<T>(e: usize, employee: JoinHandle<T>, say: impl Fn(&str)) {
    match employee.join() {
        Ok(_) => say(&format!("manager : employee {e} has gone home")),
        Err(_) => say(&format!("manager : employee {e} panicked")),
    }
}
