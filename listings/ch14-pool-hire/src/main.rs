// rustdoc (behind `mdbook test`) finds crates.io dependencies only by an
// `extern crate` line; cargo does not need it.
extern crate crossbeam_channel;
extern crate num_cpus;

use crossbeam_channel::{Sender, bounded};
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

#[cfg(test)]
mod tests;

// ANCHOR: pool
/// A team of employees, hired once, that run `job` on every paper the
/// manager assigns. `P` is the paper; `R` is what the job returns (the
/// employees throw it away for now: results come back in a later step).
pub struct Pool<P, R = ()> {
    /// The manager's end of the rendezvous channel.
    hand_off: Sender<P>,
    /// One handle per employee, to wait for the team.
    team: Vec<JoinHandle<()>>,
    /// `R` appears in no field yet; this tells the compiler it is used.
    job_returns: PhantomData<fn() -> R>,
}
// ANCHOR_END: pool

// ANCHOR: hire_error
/// Why a pool could not be hired.
#[derive(Debug, PartialEq, Eq)]
pub enum HireError {
    /// A team of zero: nobody would ever take a paper.
    NoEmployees,
}

impl fmt::Display for HireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HireError::NoEmployees => write!(f, "a pool needs at least one employee"),
        }
    }
}

impl std::error::Error for HireError {}
// ANCHOR_END: hire_error

impl<P: Send + 'static, R: Send + 'static> Pool<P, R> {
    // ANCHOR: new
    /// Hires `team_size` employees who run `job` on each paper they take.
    /// A team of zero is refused.
    pub fn new<F>(team_size: usize, job: F) -> Result<Self, HireError>
    where
        F: Fn(P) -> R + Send + Sync + 'static,
    {
        if team_size == 0 {
            return Err(HireError::NoEmployees);
        }
        // No room in the channel: a send waits until an employee takes the paper.
        let (hand_off, hand_off_rx) = bounded::<P>(0);
        // One job, shared by the whole team.
        let job = Arc::new(job);

        let mut team = Vec::with_capacity(team_size);
        for e in 0..team_size {
            let hand_off_rx = hand_off_rx.clone();
            let job = Arc::clone(&job);
            let employee = thread::Builder::new()
                .name(format!("employee {e}"))
                .spawn(move || {
                    // Ends once the Sender is gone: the shutdown signal.
                    for paper in hand_off_rx {
                        job(paper);
                    }
                })
                // `thread::spawn` would panic here too: the system is out of threads.
                .expect("the operating system could not start a thread");
            team.push(employee);
        }
        // The pool keeps no Receiver of its own: only employees take papers.
        Ok(Pool {
            hand_off,
            team,
            job_returns: PhantomData,
        })
    }
    // ANCHOR_END: new

    /// How many employees the pool hired.
    pub fn team_size(&self) -> usize {
        self.team.len()
    }

    // ANCHOR: assign
    /// Hands `paper` to an employee. Returns only once an employee has
    /// taken it: if every employee is busy, it waits for one to be free.
    pub fn assign(&self, paper: P) {
        // `send` fails only when no employee is left, that is, when the job
        // panicked in every one of them (a later step makes that impossible).
        self.hand_off
            .send(paper)
            .expect("every employee has quit: nobody can take the paper");
    }
    // ANCHOR_END: assign

    // ANCHOR: shutdown
    /// Sends the shutdown signal and waits for the team: every employee
    /// finishes the paper in hand, then goes home.
    pub fn shutdown(self) {
        // Dropping the only Sender is the shutdown signal.
        drop(self.hand_off);
        for employee in self.team {
            // `join` fails only if the job panicked: pass the panic on.
            employee.join().expect("an employee panicked");
        }
    }
    // ANCHOR_END: shutdown
}

// ANCHOR: main
fn main() {
    if let Err(usage) = check_args(std::env::args().skip(1)) {
        eprintln!("{usage}");
        std::process::exit(2);
    }

    // A team of zero is refused at once, with a clear error.
    if let Err(error) = Pool::<u32>::new(0, |_paper| {}) {
        println!("manager : cannot hire a team of 0: {error}");
    }

    // One employee per logical CPU; each paper takes a little while.
    let job = |paper: u32| {
        thread::sleep(Duration::from_millis(5));
        println!("{} : finished paper {paper}", employee_name());
    };
    let pool = match Pool::new(num_cpus::get(), job) {
        Ok(pool) => pool,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    };
    println!("manager : hired {} employees", pool.team_size());

    for paper in 0..6 {
        pool.assign(paper);
        println!("manager : assigned paper {paper}");
    }
    pool.shutdown();
    println!("manager : the team has gone home");
}
// ANCHOR_END: main

/// The name the pool gave the thread running this job ("employee 0", ...).
fn employee_name() -> String {
    thread::current()
        .name()
        .unwrap_or("an unnamed thread")
        .to_string()
}

/// The listing takes no arguments: any argument is a usage error.
fn check_args(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    match args.next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "error: unexpected argument `{arg}`; usage: cargo run -p ch14-pool-hire"
        )),
    }
}
