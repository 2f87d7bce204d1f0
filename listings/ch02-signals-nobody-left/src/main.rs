// rustdoc (behind `mdbook test`) finds crates.io dependencies only by an
// `extern crate` line; cargo does not need it.
extern crate crossbeam_channel;

use crossbeam_channel::bounded;
use std::thread;

fn main() {
    if let Err(usage) = check_args(std::env::args().skip(1)) {
        eprintln!("{usage}");
        std::process::exit(2);
    }
    nobody_left(|line| println!("{line}"));
}

/// The listing takes no arguments: any argument is a usage error.
fn check_args(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    match args.next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "error: unexpected argument `{arg}`; usage: cargo run -p ch02-signals-nobody-left"
        )),
    }
}

// ANCHOR: nobody_left
/// The only employee takes one paper and leaves; the manager's next
/// send finds nobody and gets its paper back.
/// `say` prints a line; the tests pass their own `say` to record the lines.
fn nobody_left(say: impl Fn(&str) + Clone + Send + 'static) {
    let (tx, rx) = bounded::<String>(0);

    let employee = {
        let say = say.clone();
        thread::spawn(move || {
            if let Ok(paper) = rx.recv() {
                say(&format!("employee : received {paper}, leaving"));
            }
            // The thread ends here and drops `rx`, the only Receiver.
        })
    };

    // Fails only if the employee thread died before taking the paper.
    tx.send(String::from("paper 1"))
        .expect("the employee quit before taking paper 1");
    say("manager : handed off paper 1");

    // Wait until the employee has gone, and its Receiver with it.
    employee.join().expect("the employee thread panicked");

    // A send with no Receiver left fails at once and hands the paper back.
    match tx.send(String::from("paper 2")) {
        Ok(()) => say("manager : handed off paper 2"),
        Err(returned) => say(&format!(
            "manager : nobody is left, {} came back",
            returned.into_inner()
        )),
    }
}
// ANCHOR_END: nobody_left

#[cfg(test)]
mod tests;
