// rustdoc (behind `mdbook test`) finds crates.io dependencies only by an
// `extern crate` line; cargo does not need it.
extern crate crossbeam_channel;

use crossbeam_channel::{Receiver, Sender, bounded};
use std::thread;

fn main() {
    if let Err(usage) = check_args(std::env::args().skip(1)) {
        eprintln!("{usage}");
        std::process::exit(2);
    }
    hand_off(|line| println!("{line}"));
}

/// The listing takes no arguments: any argument is a usage error.
fn check_args(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    match args.next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "error: unexpected argument `{arg}`; usage: cargo run -p ch02-signals-rendezvous"
        )),
    }
}

// ANCHOR: rendezvous
/// A channel with no room in it: a send waits until a receiver takes the paper.
fn rendezvous() -> (Sender<String>, Receiver<String>) {
    bounded(0)
}
// ANCHOR_END: rendezvous

// ANCHOR: hand_off
/// The manager hands one paper to one employee.
/// `say` prints a line; the tests pass their own `say` to record the lines.
fn hand_off(say: impl Fn(&str) + Clone + Send + 'static) {
    let (tx, rx) = rendezvous();

    let employee = {
        let say = say.clone();
        thread::spawn(move || {
            // `recv` waits until the manager hands a paper over.
            if let Ok(paper) = rx.recv() {
                say(&format!("employee : received {paper}"));
            }
        })
    };

    say("manager : handing off paper");
    // `send` returns only once the employee has taken the paper.
    match tx.send(String::from("paper")) {
        Ok(()) => say("manager : handed off paper"),
        Err(returned) => say(&format!("manager : nobody took {}", returned.into_inner())),
    }

    // A panic in the employee is a bug in this program: pass it on.
    employee.join().expect("the employee thread panicked");
}
// ANCHOR_END: hand_off

#[cfg(test)]
mod tests;
