// rustdoc (behind `mdbook test`) finds crates.io dependencies only by an
// `extern crate` line; cargo does not need it.
extern crate crossbeam_channel;
extern crate num_cpus;

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded, unbounded};
use std::thread::{self, JoinHandle};

#[cfg(test)]
mod tests;

// ANCHOR: main
fn main() {
    if let Err(usage) = check_args(std::env::args().skip(1)) {
        eprintln!("{usage}");
        std::process::exit(2);
    }

    // One employee per CPU this program may run on.
    let team_size = num_cpus::get();
    // An in-tray with room for three papers, and a rush of six papers
    // that arrives while every employee is busy.
    rush(team_size, 3, 6, |line| println!("{line}"));
}
// ANCHOR_END: main

/// The listing takes no arguments: any argument is a usage error.
fn check_args(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    match args.next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "error: unexpected argument `{arg}`; usage: cargo run -p ch10-drop"
        )),
    }
}

/// What became of the papers the manager offered.
#[derive(Debug, Default, PartialEq)]
struct Tally {
    /// Taken by a waiting employee, or put in the in-tray.
    accepted: Vec<usize>,
    /// Given back by `try_send`, and dropped.
    dropped: Vec<usize>,
}

// ANCHOR: offer
/// Offers `paper` without waiting. `Ok` if it was accepted; otherwise the
/// manager gets the paper back and drops it.
fn offer(in_tray: &Sender<usize>, paper: usize, say: &impl Fn(&str)) -> Result<(), usize> {
    match in_tray.try_send(paper) {
        // The in-tray had room. (An employee waiting in `recv` takes it
        // from there; on a `bounded(0)` channel, it would be a hand-off.)
        Ok(()) => {
            say(&format!("manager : put paper {paper} in the in-tray"));
            Ok(())
        }
        // The in-tray is full: the paper comes back, and the manager drops it.
        Err(TrySendError::Full(paper)) => {
            say(&format!("manager : in-tray full, dropped paper {paper}"));
            Err(paper)
        }
        // Every employee has quit: nobody will ever take it.
        Err(TrySendError::Disconnected(paper)) => {
            say(&format!("manager : nobody left, dropped paper {paper}"));
            Err(paper)
        }
    }
}
// ANCHOR_END: offer

// ANCHOR: hire
/// Hires `team_size` employees; each takes papers from `in_tray` until the
/// shutdown signal. `work` stands for what an employee does with a paper.
fn hire(
    team_size: usize,
    in_tray: Receiver<usize>,
    work: impl Fn(usize) + Clone + Send + 'static,
    say: impl Fn(&str) + Clone + Send + 'static,
) -> Vec<JoinHandle<()>> {
    (0..team_size)
        .map(|e| {
            let (rx, work, say) = (in_tray.clone(), work.clone(), say.clone());
            thread::spawn(move || {
                for paper in rx {
                    say(&format!("employee {e} : received paper {paper}"));
                    work(paper);
                }
                say(&format!("employee {e} : received shutdown signal"));
            })
        })
        .collect()
}
// ANCHOR_END: hire

/// Sends the shutdown signal and waits for the team. Papers still in the
/// in-tray are taken and finished first.
fn shutdown(in_tray: Sender<usize>, team: Vec<JoinHandle<()>>, say: &impl Fn(&str)) {
    drop(in_tray);
    say("manager : sent shutdown signal");
    for employee in team {
        // `join` fails only if the employee panicked: pass the panic on.
        employee.join().expect("an employee panicked");
    }
    say("manager : the team has gone home");
}

// ANCHOR: rush
/// Every employee is busy when `papers` papers arrive at once. The manager
/// offers each one without waiting; what the in-tray cannot hold is dropped.
fn rush(
    team_size: usize,
    capacity: usize,
    papers: usize,
    say: impl Fn(&str) + Clone + Send + 'static,
) -> Tally {
    // ANCHOR: in_tray
    let (in_tray, rx) = bounded::<usize>(capacity);
    // ANCHOR_END: in_tray

    // To make every run the same, an employee holds each paper until the
    // manager opens a gate (drops `open_gate`). It stands for slow work.
    let (holding_tx, holding) = unbounded::<usize>();
    let (open_gate, gate) = bounded::<()>(0);
    let work = move |paper: usize| {
        let _ = holding_tx.send(paper);
        let _ = gate.recv(); // returns once `open_gate` is dropped
    };
    let team = hire(team_size, rx, work, say.clone());

    // Make the team busy: one paper each, and wait until each one holds it.
    for paper in 0..team_size {
        in_tray.send(paper).expect("every employee has quit");
        holding.recv().expect("every employee has quit");
    }
    say("manager : every employee is busy");

    // The rush: offer each paper once, and never wait.
    let mut tally = Tally::default();
    for paper in team_size..team_size + papers {
        match offer(&in_tray, paper, &say) {
            Ok(()) => tally.accepted.push(paper),
            Err(paper) => tally.dropped.push(paper),
        }
    }
    let (accepted, dropped) = (tally.accepted.len(), tally.dropped.len());
    say(&format!("manager : accepted {accepted}, dropped {dropped}"));

    drop(open_gate);
    say("manager : opened the gate");
    shutdown(in_tray, team, &say);
    tally
}
// ANCHOR_END: rush
