// rustdoc (behind `mdbook test`) finds crates.io dependencies only by an
// `extern crate` line; cargo does not need it.
extern crate crossbeam_channel;

use crossbeam_channel::{Sender, bounded};
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

    // Twenty papers, so twenty employees: one for each paper.
    let papers = 20;
    // Papers differ in length: each takes 1 to 4 ms.
    let work = |paper: usize| {
        thread::sleep(Duration::from_millis(1 + paper as u64 % 4)); // stands for: work takes time
        format!("report on paper {paper}")
    };

    let reports = fan_out(papers, work, |line| println!("{line}"));
    println!("manager : {} reports in hand", reports.len());
}
// ANCHOR_END: main

/// The listing takes no arguments: any argument is a usage error.
fn check_args(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    match args.next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "error: unexpected argument `{arg}`; usage: cargo run -p ch07-fan-out"
        )),
    }
}

// ANCHOR: hire
/// Hires one employee per paper. Each employee is hired with its paper and
/// its own clone of the Sender of the in-tray, `reports`.
/// `work` stands for what an employee does with a paper; `say` prints a line.
fn hire_team<R: Send + 'static>(
    papers: usize,
    work: impl Fn(usize) -> R + Clone + Send + 'static,
    say: impl Fn(&str) + Clone + Send + 'static,
    reports: &Sender<R>,
) -> Vec<JoinHandle<()>> {
    (0..papers)
        .map(|paper| {
            let (work, say, reports) = (work.clone(), say.clone(), reports.clone());
            thread::spawn(move || {
                let report = work(paper);
                // Never waits: the in-tray has room for every employee's
                // report. Fails only if the manager's Receiver is gone.
                reports.send(report).expect("the manager has left");
                say(&format!(
                    "employee {paper} : put the report on paper {paper} in the in-tray"
                ));
            })
        })
        .collect()
}
// ANCHOR_END: hire

// ANCHOR: fan_out
/// The manager hires one employee per paper, collects every report from
/// the in-tray, waits for the team, and returns the reports.
fn fan_out<R: Send + 'static>(
    papers: usize,
    work: impl Fn(usize) -> R + Clone + Send + 'static,
    say: impl Fn(&str) + Clone + Send + 'static,
) -> Vec<R> {
    // An in-tray with room for one report per employee.
    let (tx, rx) = bounded::<R>(papers);
    let team = hire_team(papers, work, say.clone(), &tx);
    say(&format!("manager : hired {papers} employees"));

    // The manager writes no report. Without this drop, the manager's own
    // Sender would keep the in-tray open, and the loop below would never end.
    drop(tx);

    let mut reports = Vec::with_capacity(papers);
    // Ends once every employee has sent its report and dropped its Sender.
    for report in rx {
        reports.push(report);
        let left = papers - reports.len();
        say(&format!("manager : received a report, {left} to go"));
    }

    // Wait for the team, so no employee's last line is lost.
    for employee in team {
        employee.join().expect("an employee panicked");
    }
    say("manager : every report is in, the team has gone home");
    reports
}
// ANCHOR_END: fan_out

// `main` runs `fan_out`; the chapter shows this other way, and the tests run it.
#[cfg_attr(not(test), allow(dead_code))]
// ANCHOR: fan_out_counting
/// The same, but the manager keeps its Sender and counts the reports.
fn fan_out_counting<R: Send + 'static>(
    papers: usize,
    work: impl Fn(usize) -> R + Clone + Send + 'static,
    say: impl Fn(&str) + Clone + Send + 'static,
) -> Vec<R> {
    let (tx, rx) = bounded::<R>(papers);
    let team = hire_team(papers, work, say.clone(), &tx);
    say(&format!("manager : hired {papers} employees"));

    let mut reports = Vec::with_capacity(papers);
    // Exactly one report per employee: receive that many, then stop.
    for left in (0..papers).rev() {
        // Cannot fail: `tx`, still alive, keeps the in-tray open. And so
        // it waits forever if an employee died: see "Which way?".
        let report = rx.recv().expect("the in-tray is open while tx lives");
        reports.push(report);
        say(&format!("manager : received a report, {left} to go"));
    }

    for employee in team {
        employee.join().expect("an employee panicked");
    }
    say("manager : every report is in, the team has gone home");
    reports
    // `tx` is dropped only here, and nobody needed it gone.
}
// ANCHOR_END: fan_out_counting
