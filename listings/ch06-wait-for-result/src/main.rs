// rustdoc (behind `mdbook test`) finds crates.io dependencies only by an
// `extern crate` line; cargo does not need it.
extern crate crossbeam_channel;

use crossbeam_channel::bounded;
use std::fmt::Display;
use std::thread;
use std::time::Duration;

#[cfg(test)]
mod tests;

// ANCHOR: main
fn main() {
    if let Err(usage) = check_args(std::env::args().skip(1)) {
        eprintln!("{usage}");
        std::process::exit(2);
    }

    // The job is known before anyone is hired: add up these figures.
    let figures = [12, 30, 7];
    let job = move || {
        thread::sleep(Duration::from_millis(10)); // stands for: the job takes time
        figures.iter().sum::<u32>()
    };

    let total = wait_for_result(job, |line| println!("{line}"));
    println!("manager : going on with the total {total}");
}
// ANCHOR_END: main

/// The listing takes no arguments: any argument is a usage error.
fn check_args(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    match args.next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "error: unexpected argument `{arg}`; usage: cargo run -p ch06-wait-for-result"
        )),
    }
}

// ANCHOR: wait_for_result
// ANCHOR: hire
/// The manager hires one employee who already knows its `job`, waits for
/// the result, waits for the employee to go home, and returns the result.
/// `say` prints a line; the tests pass their own `say` to record the lines.
fn wait_for_result<R: Display + Send + 'static>(
    job: impl FnOnce() -> R + Send + 'static,
    say: impl Fn(&str) + Clone + Send + 'static,
) -> R {
    // No room in the channel: the employee's send waits for the manager.
    let (tx, rx) = bounded::<R>(0);

    let employee = {
        let say = say.clone();
        // Hire the employee with its job: there is no paper to hand off.
        thread::spawn(move || {
            say("employee : hired, working on the job");
            let result = job();
            say("employee : handing off the result");
            // A hand-off: returns only once the manager holds the result.
            // It fails only if the manager's Receiver is gone, which cannot
            // happen here: the manager keeps `rx` until it has received.
            tx.send(result).expect("the manager has left");
            say("employee : handed off the result, going home");
        })
    };
    // ANCHOR_END: hire

    // ANCHOR: wait
    say("manager : waiting for the result");
    // Fails only if the employee ended without sending: it panicked, and
    // its Sender was dropped. Then there is no result to wait for.
    let result = rx.recv().expect("the employee quit without a result");
    say(&format!("manager : received the result {result}"));

    // Wait for the team, so the employee's last line is never lost.
    employee.join().expect("the employee panicked");
    say("manager : the employee has gone home");
    result
    // ANCHOR_END: wait
}
// ANCHOR_END: wait_for_result
