// rustdoc (behind `mdbook test`) finds crates.io dependencies only by an
// `extern crate` line; cargo does not need it.
extern crate crossbeam_channel;

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};
use std::thread;

fn main() {
    if let Err(usage) = check_args(std::env::args().skip(1)) {
        eprintln!("{usage}");
        std::process::exit(2);
    }
    fill_then_drain(|line| println!("{line}"));
}

/// The listing takes no arguments: any argument is a usage error.
fn check_args(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    match args.next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "error: unexpected argument `{arg}`; usage: cargo run -p ch02-signals-in-tray"
        )),
    }
}

// ANCHOR: in_tray
/// An in-tray with room for `room` papers: a send returns as soon as
/// the paper lies in the tray, whether or not anyone will take it.
fn in_tray(room: usize) -> (Sender<String>, Receiver<String>) {
    bounded(room)
}
// ANCHOR_END: in_tray

// ANCHOR: fill_then_drain
/// The manager fills an in-tray before anyone is hired, closes it,
/// and only then hires an employee to empty it.
/// `say` prints a line; the tests pass their own `say` to record the lines.
fn fill_then_drain(say: impl Fn(&str) + Clone + Send + 'static) {
    let (tx, rx) = in_tray(3);

    // Nobody is hired yet, and still each send returns: the tray holds the paper.
    for n in 1..=3 {
        // Cannot fail: the manager still holds `rx`, so a receiver exists.
        tx.send(format!("paper {n}")).expect("a receiver exists");
        say(&format!("manager : put paper {n} in the in-tray"));
    }

    // A fourth `send` would wait for room. `try_send` reports instead of waiting.
    match tx.try_send(String::from("paper 4")) {
        Ok(()) => say("manager : put paper 4 in the in-tray"),
        Err(TrySendError::Full(paper)) => say(&format!(
            "manager : the in-tray is full, {paper} stays on my desk"
        )),
        Err(TrySendError::Disconnected(paper)) => {
            say(&format!("manager : nobody is left to take {paper}"))
        }
    }

    // Dropping the only Sender closes the tray: the shutdown signal.
    drop(tx);
    say("manager : closed the in-tray");

    let employee = thread::spawn(move || {
        // A closed tray still hands out what lies in it; then the loop ends.
        for paper in rx {
            say(&format!("employee : received {paper}"));
        }
        say("employee : the in-tray is empty and closed");
    });
    // A panic in the employee is a bug in this program: pass it on.
    employee.join().expect("the employee thread panicked");
}
// ANCHOR_END: fill_then_drain

#[cfg(test)]
mod tests;
