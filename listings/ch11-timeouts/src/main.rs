// rustdoc (behind `mdbook test`) finds crates.io dependencies only by an
// `extern crate` line; cargo does not need it.
extern crate crossbeam_channel;
extern crate num_cpus;

use crossbeam_channel::{SendTimeoutError, Sender, bounded, unbounded};
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

    // One employee per CPU this program may run on.
    let team_size = num_cpus::get();
    // Two papers arrive while every employee is busy. For each one, the
    // manager waits at most 10 ms for an employee to take it.
    rush(team_size, 2, Duration::from_millis(10), |line| {
        println!("{line}")
    });
}
// ANCHOR_END: main

/// The listing takes no arguments: any argument is a usage error.
fn check_args(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    match args.next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "error: unexpected argument `{arg}`; usage: cargo run -p ch11-timeouts"
        )),
    }
}

// ANCHOR: hand_off
/// Hands `paper` to an employee, waiting at most `patience`. `Ok` once an
/// employee holds it; otherwise the paper comes back to the manager.
fn hand_off(
    tx: &Sender<usize>,
    paper: usize,
    patience: Duration,
    say: &impl Fn(&str),
) -> Result<(), usize> {
    match tx.send_timeout(paper, patience) {
        Ok(()) => {
            say(&format!("manager : handed off paper {paper}"));
            Ok(())
        }
        // Nobody took it in time: the manager has the paper back.
        Err(SendTimeoutError::Timeout(paper)) => {
            say(&format!("manager : nobody took paper {paper} in time"));
            Err(paper)
        }
        // Every employee has quit: nobody ever will.
        Err(SendTimeoutError::Disconnected(paper)) => {
            say(&format!("manager : nobody left to take paper {paper}"));
            Err(paper)
        }
    }
}
// ANCHOR_END: hand_off

// ANCHOR: hire
/// Hires `team_size` employees on a rendezvous channel and returns the
/// manager's `Sender` with the team. `work` stands for what an employee
/// does with a paper.
fn hire(
    team_size: usize,
    work: impl Fn(usize) + Clone + Send + 'static,
    say: impl Fn(&str) + Clone + Send + 'static,
) -> (Sender<usize>, Vec<JoinHandle<()>>) {
    // No room in the channel: a send completes only when an employee
    // takes the paper, so a timed-out send means nobody took it.
    let (tx, rx) = bounded::<usize>(0);
    let team = (0..team_size)
        .map(|e| {
            let (rx, work, say) = (rx.clone(), work.clone(), say.clone());
            thread::spawn(move || {
                for paper in rx {
                    say(&format!("employee {e} : received paper {paper}"));
                    work(paper);
                }
                say(&format!("employee {e} : received shutdown signal"));
            })
        })
        .collect();
    (tx, team)
}
// ANCHOR_END: hire

// ANCHOR: rush
/// Every employee is busy when `papers` papers arrive. The manager gives
/// each one `patience` to be taken, keeps what comes back, and hands the
/// kept papers off once the team is free again. Returns the kept papers.
fn rush(
    team_size: usize,
    papers: usize,
    patience: Duration,
    say: impl Fn(&str) + Clone + Send + 'static,
) -> Vec<usize> {
    // To make every run the same, an employee holds each paper until the
    // manager opens a gate (drops `open_gate`). It stands for slow work.
    let (holding_tx, holding) = unbounded::<usize>();
    let (open_gate, gate) = bounded::<()>(0);
    let work = move |paper: usize| {
        let _ = holding_tx.send(paper);
        let _ = gate.recv(); // returns once `open_gate` is dropped
    };
    let (tx, team) = hire(team_size, work, say.clone());

    // Make the team busy: one paper each, and wait until each one holds it.
    for paper in 0..team_size {
        tx.send(paper).expect("every employee has quit");
        holding.recv().expect("every employee has quit");
    }
    say("manager : every employee is busy");

    // The rush: wait a bounded time for each paper; keep what comes back.
    let mut kept = Vec::new();
    for paper in team_size..team_size + papers {
        if let Err(paper) = hand_off(&tx, paper, patience, &say) {
            say(&format!("manager : keeping paper {paper} for later"));
            kept.push(paper);
        }
    }

    drop(open_gate);
    say("manager : opened the gate");

    // The rush is over: hand off what was kept, waiting as long as it takes.
    for &paper in &kept {
        // A real manager would use send_timeout here too; a plain send
        // only keeps this demo's output stable.
        match tx.send(paper) {
            Ok(()) => say(&format!("manager : handed off kept paper {paper}")),
            Err(_) => say(&format!("manager : nobody left to take paper {paper}")),
        }
    }

    drop(tx);
    say("manager : sent shutdown signal");
    for employee in team {
        // `join` fails only if the employee panicked: pass the panic on.
        employee.join().expect("an employee panicked");
    }
    say("manager : the team has gone home");
    kept
}
// ANCHOR_END: rush
