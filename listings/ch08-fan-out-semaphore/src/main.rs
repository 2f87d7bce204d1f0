// rustdoc (behind `mdbook test`) finds crates.io dependencies only by an
// `extern crate` line; cargo does not need it.
extern crate crossbeam_channel;

use crossbeam_channel::{Receiver, Sender, bounded};
use std::process;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

#[cfg(test)]
mod tests;

/// How many papers, and so how many employees: one each.
const PAPERS: usize = 20;
/// How many employees may be at work at the same time.
const LIMIT: usize = 3;

// ANCHOR: main
fn main() {
    if let Err(usage) = check_args(std::env::args().skip(1)) {
        eprintln!("{usage}");
        process::exit(2);
    }

    // Each paper takes a little while, so employees would overlap if they could.
    let work = |_paper: usize| thread::sleep(Duration::from_millis(2));

    let report = match fan_out_semaphore(PAPERS, LIMIT, work, |line| println!("{line}")) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {error}");
            process::exit(1);
        }
    };
    println!("manager : received {} results", report.results.len());
    // The counter, not a hope, decides what the manager may claim.
    if let Err(error) = within_limit(report.most_at_work, LIMIT) {
        eprintln!("error: {error}");
        process::exit(1);
    }
    println!("manager : at most {LIMIT} employees were ever at work at once");
}
// ANCHOR_END: main

/// The listing takes no arguments: any argument is a usage error.
fn check_args(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    match args.next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "error: unexpected argument `{arg}`; usage: cargo run -p ch08-fan-out-semaphore"
        )),
    }
}

/// Checks what the counter saw against the limit.
fn within_limit(most_at_work: usize, limit: usize) -> Result<(), String> {
    if most_at_work > limit {
        return Err(format!(
            "{most_at_work} employees were at work at once, more than {limit}"
        ));
    }
    Ok(())
}

// ANCHOR: counter
/// Counts the employees at work right now, and the most ever at work at once.
#[derive(Default)]
struct AtWork {
    now: AtomicUsize,
    most: AtomicUsize,
}

impl AtWork {
    fn start(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
    }

    fn stop(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}
// ANCHOR_END: counter

// ANCHOR: permit
/// A permit from the semaphore. `Drop` gives it back, so an employee
/// returns its permit however it leaves its work: done, or unwinding from
/// a panic.
struct Permit {
    // Kept alive until after `drop` has run: while this Sender lives, the
    // receive in `drop` cannot fail.
    _enter: Sender<()>,
    leave: Receiver<()>,
}

impl Permit {
    /// Puts a permit in the tray: waits while it already holds `limit`.
    fn take(enter: Sender<()>, leave: Receiver<()>) -> Permit {
        // It cannot fail: `leave`, a Receiver of the same channel, is alive.
        enter.send(()).expect("this employee holds a Receiver");
        Permit {
            _enter: enter,
            leave,
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        // Takes a permit out of the tray. Never waits: this employee's own
        // permit is in it. Never fails: `_enter` is alive. (A panic here,
        // during an unwind, would abort the process: nothing to unwrap.)
        let _ = self.leave.recv();
    }
}
// ANCHOR_END: permit

/// What the manager learns once every employee has finished.
struct Report {
    /// The result of every paper, in the order they came back.
    results: Vec<usize>,
    /// The most employees that were ever at work at once.
    most_at_work: usize,
}

// ANCHOR: fan_out_semaphore
/// Hires one employee per paper, but lets at most `limit` of them work at
/// the same time. `work` stands for what an employee does with its paper;
/// `say` prints a line.
fn fan_out_semaphore(
    papers: usize,
    limit: usize,
    work: impl Fn(usize) + Clone + Send + 'static,
    say: impl Fn(&str) + Clone + Send + 'static,
) -> Result<Report, String> {
    if limit == 0 {
        // No permit at all: every employee would wait for one forever.
        return Err("the limit must be at least 1: with no permit, \
                    no employee could ever start work"
            .to_string());
    }

    // ANCHOR: channels
    // The semaphore: an in-tray with room for `limit` permits. An employee
    // puts a permit in before it starts, and takes one out when it is done.
    let (enter, leave) = bounded::<()>(limit);
    // The results come back on an in-tray with room for every paper's
    // result: sending one never waits for the manager.
    let (results_tx, results) = bounded::<usize>(papers);
    // ANCHOR_END: channels
    let at_work = Arc::new(AtWork::default());

    // ANCHOR: hire
    let mut team = Vec::with_capacity(papers);
    for e in 0..papers {
        // One employee per paper: employee e is hired for paper e.
        let paper = e;
        let (enter, leave, results_tx) = (enter.clone(), leave.clone(), results_tx.clone());
        let (at_work, work, say) = (Arc::clone(&at_work), work.clone(), say.clone());
        team.push(thread::spawn(move || {
            // Waits while `limit` employees hold a permit.
            let permit = Permit::take(enter, leave);
            at_work.start();
            say(&format!(
                "employee {e} : got a permit, working on paper {paper}"
            ));
            work(paper);
            // Never waits: the results in-tray has room for every paper.
            // It cannot fail: the manager keeps its Receiver until every
            // employee has dropped its Sender.
            results_tx.send(paper).expect("the manager is receiving");
            say(&format!(
                "employee {e} : sent the result of paper {paper}, giving the permit back"
            ));
            at_work.stop();
            // Gives the permit back. Had the work panicked, the unwind
            // would have dropped the permit, and given it back, too.
            drop(permit);
        }));
    }
    // The employees hold the only Senders now: when the last one is done,
    // the manager's loop below ends.
    drop(results_tx);
    say(&format!(
        "manager : hired {papers} employees, {limit} may work at once"
    ));
    // ANCHOR_END: hire

    // ANCHOR: collect
    // Ends when every employee has sent its result and dropped its Sender.
    let results: Vec<usize> = results.iter().collect();

    for employee in team {
        employee
            .join()
            .map_err(|_| "an employee panicked".to_string())?;
    }
    // ANCHOR_END: collect
    let most_at_work = at_work.most.load(Ordering::SeqCst);
    Ok(Report {
        results,
        most_at_work,
    })
}
// ANCHOR_END: fan_out_semaphore

// ANCHOR: condvar
/// The same limit without a channel. The standard library has no
/// semaphore, but it has the two parts of one: a count of free permits
/// behind a `Mutex`, and a `Condvar` to sleep on while there is none.
#[allow(dead_code)] // main uses the channel; the tests use this one
mod std_only {
    use std::sync::{Condvar, Mutex};

    pub struct Semaphore {
        free: Mutex<usize>,
        freed: Condvar,
    }

    impl Semaphore {
        pub fn new(permits: usize) -> Semaphore {
            Semaphore {
                free: Mutex::new(permits),
                freed: Condvar::new(),
            }
        }

        /// Takes a permit, waiting while there is none.
        pub fn acquire(&self) {
            let mut free = self.free.lock().expect("nobody panics holding the lock");
            // A loop, not an `if`: a Condvar may wake up with nothing changed.
            while *free == 0 {
                free = self
                    .freed
                    .wait(free)
                    .expect("nobody panics holding the lock");
            }
            *free -= 1;
        }

        /// Gives a permit back, and wakes one waiting employee.
        pub fn release(&self) {
            *self.free.lock().expect("nobody panics holding the lock") += 1;
            self.freed.notify_one();
        }
    }
}
// ANCHOR_END: condvar
