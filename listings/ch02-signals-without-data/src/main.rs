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
    go_and_stop(2, |line| println!("{line}"));
}

/// The listing takes no arguments: any argument is a usage error.
fn check_args(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    match args.next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "error: unexpected argument `{arg}`; usage: cargo run -p ch02-signals-without-data"
        )),
    }
}

// ANCHOR: go_and_stop
/// Two signals that carry no paper: "go", sent once per employee,
/// and "stop", given to everyone at once by closing a channel.
/// `say` prints a line; the tests pass their own `say` to record the lines.
fn go_and_stop(team_size: usize, say: impl Fn(&str) + Clone + Send + 'static) {
    let (go_tx, go_rx) = bounded::<()>(0);
    let (stop_tx, stop_rx) = bounded::<()>(0);

    let mut team = Vec::new();
    for e in 1..=team_size {
        let (go_rx, stop_rx, say) = (go_rx.clone(), stop_rx.clone(), say.clone());
        team.push(thread::spawn(move || {
            say(&format!("employee {e} : waiting for go"));
            // Waits for a `()`: the signal is the arrival itself.
            if go_rx.recv().is_ok() {
                say(&format!("employee {e} : got the go signal"));
            }
            // Nobody ever sends on `stop`: `recv` returns `Err` once it is closed.
            let _closed = stop_rx.recv();
            say(&format!("employee {e} : got the stop signal"));
        }));
    }
    // The employees hold their clones. The manager drops its own Receivers:
    // a forgotten one would keep a channel open, and a send on `go` would
    // wait forever, instead of failing, if every employee had quit.
    drop(go_rx);
    drop(stop_rx);

    // One send wakes exactly one employee, so the manager sends once each.
    for _ in 0..team_size {
        go_tx
            .send(())
            .expect("every employee quit before taking a go signal");
    }
    say(&format!("manager : handed off {team_size} go signals"));

    // One close wakes every employee waiting on the channel.
    say("manager : closing the stop channel");
    drop(stop_tx);

    for employee in team {
        // A panic in an employee is a bug in this program: pass it on.
        employee.join().expect("an employee thread panicked");
    }
}
// ANCHOR_END: go_and_stop

#[cfg(test)]
mod tests;
