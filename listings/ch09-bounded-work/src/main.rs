// rustdoc (behind `mdbook test`) finds crates.io dependencies only by an
// `extern crate` line; cargo does not need it.
extern crate crossbeam_channel;
extern crate num_cpus;

use crossbeam_channel::bounded;
use std::process;
use std::thread;
use std::time::Duration;

#[cfg(test)]
mod tests;

// ANCHOR: main
fn main() {
    if let Err(usage) = check_args(std::env::args().skip(1)) {
        eprintln!("{usage}");
        process::exit(2);
    }

    // One employee per CPU this program may run on. Without a crate,
    // `std::thread::available_parallelism()` answers the same question.
    let team_size = num_cpus::get();
    // Each paper takes a little while.
    let work = |_paper: usize| thread::sleep(Duration::from_millis(2));

    if let Err(error) = bounded_work(team_size, 10, work, |line| println!("{line}")) {
        eprintln!("error: {error}");
        process::exit(1);
    }
}
// ANCHOR_END: main

/// The listing takes no arguments: any argument is a usage error.
fn check_args(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    match args.next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "error: unexpected argument `{arg}`; usage: cargo run -p ch09-bounded-work"
        )),
    }
}

// ANCHOR: bounded_work
/// The manager stages `papers` papers in an in-tray, closes it, hires
/// `team_size` employees to empty it, and waits until all of it is done.
/// `work` stands for what an employee does with a paper; `say` prints a line.
fn bounded_work(
    team_size: usize,
    papers: usize,
    work: impl Fn(usize) + Clone + Send + 'static,
    say: impl Fn(&str) + Clone + Send + 'static,
) -> Result<(), String> {
    if team_size == 0 {
        // Nobody would ever empty the in-tray: refuse before staging anything.
        return Err("team size must be at least 1: with no employee, \
                    the staged papers would never be done"
            .to_string());
    }

    // ANCHOR: stage
    // An in-tray with room for all the work: staging never waits.
    let (tx, rx) = bounded::<usize>(papers);
    for paper in 0..papers {
        // There is always room, and `rx` is alive: this cannot fail.
        tx.send(paper)
            .expect("the in-tray has room for every paper");
        say(&format!("manager : put paper {paper} in the in-tray"));
    }
    // Nothing more will come: dropping the only Sender is the shutdown
    // signal. The papers already in the tray stay there to be taken.
    drop(tx);
    say("manager : sent shutdown signal");
    // ANCHOR_END: stage

    // ANCHOR: hire
    let mut team = Vec::with_capacity(team_size);
    for e in 0..team_size {
        let rx = rx.clone();
        let (work, say) = (work.clone(), say.clone());
        team.push(thread::spawn(move || {
            let mut done = 0;
            // Takes papers until the tray is empty AND closed.
            for paper in rx {
                say(&format!("employee {e} : received paper {paper}"));
                work(paper);
                done += 1;
            }
            say(&format!("employee {e} : received shutdown signal"));
            done
        }));
    }
    say(&format!("manager : hired {team_size} employees"));
    // ANCHOR_END: hire

    // ANCHOR: wait
    // Wait for the team: every paper is done when the last join returns.
    let mut done = 0;
    for employee in team {
        done += employee
            .join()
            .map_err(|_| "an employee panicked".to_string())?;
    }
    say(&format!("manager : all {done} papers done, moving on"));
    // ANCHOR_END: wait
    Ok(())
}
// ANCHOR_END: bounded_work
