// rustdoc (behind `mdbook test`) finds crates.io dependencies only by an
// `extern crate` line; cargo does not need it.
extern crate crossbeam_channel;

use crossbeam_channel::bounded;
use std::thread;
use std::time::Duration;

fn main() {
    if let Err(usage) = check_args(std::env::args().skip(1)) {
        eprintln!("{usage}");
        std::process::exit(2);
    }
    wait_for_task(|line| println!("{line}"));
}

/// The listing takes no arguments: any argument is a usage error.
fn check_args(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    match args.next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "error: unexpected argument `{arg}`; usage: cargo run -p ch03-wait-for-task"
        )),
    }
}

// ANCHOR: hire
/// One employee is hired before any work exists and waits for it.
/// `say` prints a line; the tests pass their own `say` to record the lines.
fn wait_for_task(say: impl Fn(&str) + Clone + Send + 'static) {
    let (tx, rx) = bounded::<String>(0); // the hand-off: no room in it
    let (ready_tx, ready_rx) = bounded::<()>(0); // a signal without data

    let employee = {
        let say = say.clone();
        thread::spawn(move || {
            say("employee : hired, ready for work");
            // Cannot fail: the manager keeps `ready_rx` until this signal comes.
            ready_tx.send(()).expect("the manager dropped ready_rx");
            say("employee : waiting for a paper");
            match rx.recv() {
                Ok(paper) => say(&format!("employee : received {paper}")),
                Err(_) => say("employee : no paper will come"),
            }
        })
    };
    // ANCHOR_END: hire

    // ANCHOR: hand_off
    // The employee exists and says it is ready: only now does work appear.
    if ready_rx.recv().is_err() {
        // Only if the employee panicked before signalling. `join` then
        // returns its panic (`unwrap_err` cannot fail): pass that panic on.
        std::panic::resume_unwind(employee.join().unwrap_err());
    }
    say("manager : employee is ready, preparing a paper");
    thread::sleep(Duration::from_millis(10)); // stands for: preparing takes time
    let paper = String::from("paper");

    // Returns only once the employee holds the paper.
    match tx.send(paper) {
        Ok(()) => say("manager : handed off paper"),
        Err(returned) => say(&format!("manager : nobody took {}", returned.into_inner())),
    }

    // Wait for the employee to finish, so its last line is never lost.
    // A panic in the employee is a bug in this program: pass it on.
    employee.join().expect("the employee thread panicked");
    say("manager : employee is done");
    // ANCHOR_END: hand_off
}

#[cfg(test)]
mod tests;
