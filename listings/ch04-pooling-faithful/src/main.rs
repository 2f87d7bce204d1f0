// rustdoc (behind `mdbook test`) finds crates.io dependencies only by an
// `extern crate` line; cargo does not need it.
extern crate crossbeam_channel;
extern crate num_cpus;

use crossbeam_channel::bounded;
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

    // One employee per logical CPU this program may run on.
    let team_size = num_cpus::get();
    // How long the manager hangs around after the shutdown signal: a whole
    // second, as in the notes. Any length is a guess.
    let grace = Duration::from_secs(1);
    // The employees do nothing with a paper but say they received it.
    let work = |_paper: usize| {};

    pooling(team_size, 10, grace, work, |line| println!("{line}"));
}
// ANCHOR_END: main

/// The listing takes no arguments: any argument is a usage error.
fn check_args(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    match args.next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "error: unexpected argument `{arg}`; usage: cargo run -p ch04-pooling-faithful"
        )),
    }
}

// ANCHOR: pooling
// ANCHOR: hire
/// The manager hires `team_size` employees, hands off `papers` papers one
/// at a time, sends the shutdown signal, then sleeps for `grace` and hopes.
/// `work` stands for what an employee does with a paper; `say` prints a line.
fn pooling(
    team_size: usize,
    papers: usize,
    grace: Duration,
    work: impl Fn(usize) + Clone + Send + 'static,
    say: impl Fn(&str) + Clone + Send + 'static,
) {
    // No room in the channel: a send waits until an employee takes the paper.
    let (tx, rx) = bounded::<usize>(0);

    for e in 0..team_size {
        let rx = rx.clone();
        let (work, say) = (work.clone(), say.clone());
        // Hire an employee. It waits for papers; it does not know what comes.
        // Its JoinHandle is dropped at once: nobody can wait for it later.
        thread::spawn(move || {
            // Ends once every Sender is gone and nothing is left to receive.
            for paper in rx {
                say(&format!("employee {e} : received paper {paper}"));
                work(paper);
            }
            say(&format!("employee {e} : received shutdown signal"));
        });
    }
    // The manager hands papers out; it never takes one itself.
    drop(rx);
    // ANCHOR_END: hire

    // ANCHOR: hand_off
    for paper in 0..papers {
        // Waits until some employee is free and takes this paper.
        // `send` fails only when no Receiver is left, that is, when every
        // employee has panicked: then there is nobody to hand papers to.
        tx.send(paper)
            .expect("every employee quit before taking a paper");
        say(&format!("manager : handed off paper {paper}"));
    }
    // ANCHOR_END: hand_off

    // ANCHOR: shutdown
    // Dropping the only Sender is the shutdown signal.
    drop(tx);
    say("manager : sent shutdown signal");

    // Give the team some time, and hope it is enough.
    // Do not copy: ch04-pooling joins instead.
    thread::sleep(grace);
    // ANCHOR_END: shutdown
}
// ANCHOR_END: pooling
