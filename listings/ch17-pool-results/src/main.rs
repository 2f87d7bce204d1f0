// rustdoc (behind `mdbook test`) finds crates.io dependencies only by an
// `extern crate` line; cargo does not need it.
extern crate crossbeam_channel;
extern crate num_cpus;

use crossbeam_channel::{Receiver, SendError, SendTimeoutError, Sender, bounded, unbounded};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};
use std::thread::{self, JoinHandle, ThreadId};
use std::time::Duration;

#[cfg(test)]
mod tests;

// ANCHOR: pool
/// A team of employees, hired once, that run `job` on every paper the
/// manager assigns. `P` is the paper; `R` is what the job returns: it
/// comes back to the manager as an `Outcome`.
pub struct Pool<P, R = ()> {
    /// The manager's end of the rendezvous channel; `None` once shut down.
    /// A paper travels with its ticket.
    hand_off: Mutex<Option<Sender<(Ticket, P)>>>,
    /// One handle per employee; the first shutdown empties it.
    team: Mutex<Vec<JoinHandle<()>>>,
    team_size: usize,
    /// Each employee's thread id: a job that shuts down its own pool runs
    /// on one of these threads, and no thread can wait for itself.
    employees: Vec<ThreadId>,
    /// Papers finished, counted by the employees.
    done: Arc<AtomicU64>,
    /// The number the next ticket gets.
    next_ticket: AtomicU64,
    /// The manager's end of the outcomes channel. The pool keeps it as
    /// long as it lives, so an employee's report always has somewhere to go.
    outcomes: Receiver<Outcome<R>>,
}

/// What the team did, as counted when it went home.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Report {
    /// Papers the employees finished.
    pub done: u64,
}

// ANCHOR_END: pool

// ANCHOR: ticket
/// The manager's receipt for a paper an employee took. Tickets are
/// numbered in the order the papers were assigned, from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ticket(pub u64);

/// What became of the paper with this ticket: what the job returned.
#[derive(Debug)]
pub struct Outcome<R> {
    pub ticket: Ticket,
    pub result: R,
}
// ANCHOR_END: ticket

// ANCHOR: assign_error
/// Why the pool did not take a paper. The paper is handed back.
#[derive(Debug, PartialEq, Eq)]
pub enum AssignError<P> {
    /// The pool is shut down (or no employee is left to take the paper).
    ShutDown(P),
    /// No employee took the paper in time.
    Timeout(P),
}
// ANCHOR_END: assign_error

impl<P> fmt::Display for AssignError<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssignError::ShutDown(_) => write!(f, "the pool is shut down"),
            AssignError::Timeout(_) => write!(f, "no employee took the paper in time"),
        }
    }
}

impl<P: fmt::Debug> std::error::Error for AssignError<P> {}

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
        let (hand_off, hand_off_rx) = bounded::<(Ticket, P)>(0);
        // ANCHOR: outcomes_channel
        // Unbounded: an employee never waits to report an outcome.
        let (report, outcomes) = unbounded::<Outcome<R>>();
        // ANCHOR_END: outcomes_channel
        // One job, shared by the whole team.
        let job = Arc::new(job);
        let done = Arc::new(AtomicU64::new(0));

        let mut team = Vec::with_capacity(team_size);
        for e in 0..team_size {
            let (hand_off_rx, report) = (hand_off_rx.clone(), report.clone());
            let (job, done) = (Arc::clone(&job), Arc::clone(&done));
            let employee = thread::Builder::new()
                .name(format!("employee {e}"))
                .spawn(move || {
                    // ANCHOR: employee
                    // Ends once every Sender is gone: the shutdown signal.
                    for (ticket, paper) in hand_off_rx {
                        let result = job(paper);
                        done.fetch_add(1, Ordering::Relaxed);
                        // Never waits: the channel has no bound. It cannot
                        // fail either: the pool keeps the Receiver until
                        // every employee has gone home.
                        let _ = report.send(Outcome { ticket, result });
                    }
                    // ANCHOR_END: employee
                })
                // `thread::spawn` would panic here too: the system is out of threads.
                .expect("the operating system could not start a thread");
            team.push(employee);
        }
        let employees = team.iter().map(|e| e.thread().id()).collect();
        // The pool keeps no Receiver of its own: only employees take papers.
        Ok(Pool {
            hand_off: Mutex::new(Some(hand_off)),
            team: Mutex::new(team),
            team_size,
            employees,
            done,
            next_ticket: AtomicU64::new(0),
            outcomes,
        })
    }
    // ANCHOR_END: new

    // ANCHOR: assign
    /// Hands `paper` to an employee. Returns only once an employee has
    /// taken it: if every employee is busy, it waits for one to be free.
    /// The ticket is the one the paper's outcome will carry.
    /// After shutdown, the paper comes back in `AssignError::ShutDown`.
    pub fn assign(&self, paper: P) -> Result<Ticket, AssignError<P>> {
        let Some((hand_off, ticket)) = self.hand_off() else {
            return Err(AssignError::ShutDown(paper));
        };
        // `send` fails only when no employee is left (the job panicked in
        // every one of them): nobody will ever take the paper.
        match hand_off.send((ticket, paper)) {
            Ok(()) => Ok(ticket),
            Err(SendError((_, paper))) => Err(AssignError::ShutDown(paper)),
        }
    }
    // ANCHOR_END: assign

    // ANCHOR: assign_timeout
    /// Like `assign`, but gives up waiting after `timeout`: if no employee
    /// has taken the paper by then, it comes back in `AssignError::Timeout`.
    ///
    /// A zero timeout does not wait: the paper is handed off only if an
    /// employee is already waiting for one (or arrives in that very
    /// instant), and comes back at once otherwise. A timeout too large to
    /// add to the current time (`Duration::MAX`) waits with no bound, like
    /// `assign`.
    ///
    /// A paper that comes back takes its ticket's number with it: the next
    /// ticket skips that number.
    pub fn assign_timeout(&self, paper: P, timeout: Duration) -> Result<Ticket, AssignError<P>> {
        let Some((hand_off, ticket)) = self.hand_off() else {
            return Err(AssignError::ShutDown(paper));
        };
        match hand_off.send_timeout((ticket, paper), timeout) {
            Ok(()) => Ok(ticket),
            Err(SendTimeoutError::Timeout((_, paper))) => Err(AssignError::Timeout(paper)),
            Err(SendTimeoutError::Disconnected((_, paper))) => Err(AssignError::ShutDown(paper)),
        }
    }

    /// A copy of the pool's Sender and the next ticket, or `None` once the
    /// pool is shut down. The Sender is copied under the lock and used
    /// outside it: assigns from several threads do not wait for each
    /// other's hand-offs.
    fn hand_off(&self) -> Option<(Sender<(Ticket, P)>, Ticket)> {
        let hand_off = lock(&self.hand_off).clone()?;
        let ticket = Ticket(self.next_ticket.fetch_add(1, Ordering::Relaxed));
        Some((hand_off, ticket))
    }
    // ANCHOR_END: assign_timeout

    // ANCHOR: outcomes
    /// Where the outcomes come back: one per ticket, in the order the
    /// employees finish. Read them with `recv`, `try_recv` or
    /// `recv_timeout`. Once the pool is shut down and every outcome has
    /// been read, iterating ends.
    pub fn outcomes(&self) -> &Receiver<Outcome<R>> {
        &self.outcomes
    }
    // ANCHOR_END: outcomes
}

impl<P, R> Pool<P, R> {
    /// How many employees the pool hired.
    pub fn team_size(&self) -> usize {
        self.team_size
    }

    // ANCHOR: shutdown
    /// Stops new work, lets every employee finish the paper in hand, waits
    /// for the whole team, and reports what it did. Calling it again (or
    /// from several threads) is fine: every call returns once the team has
    /// gone home, with the same report.
    ///
    /// Do not call it from one of the pool's own jobs, nor drop the pool
    /// there. If a job does, the call never waits for the employee running
    /// that job, and returns at once if another shutdown is already waiting
    /// for the team; its report cannot count that job's paper.
    pub fn shutdown(&self) -> Report {
        // The pool's Sender goes: the shutdown signal. A new assign now gets
        // its paper back. An assign already sending holds a copy of the
        // Sender: the signal reaches the team once that paper is taken.
        drop(lock(&self.hand_off).take());

        // Never shut down or drop a pool from its own job. If a job does it
        // anyway, its employee must not wait for itself, nor for a shutdown
        // that is waiting for it.
        let me = thread::current().id();
        let mut team = if self.employees.contains(&me) {
            match self.team.try_lock() {
                Ok(team) => team,
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                // Another shutdown holds the list: it is joining the team,
                // this employee included. Waiting for it would be a knot.
                Err(TryLockError::WouldBlock) => return self.report(),
            }
        } else {
            // Hold the lock while joining: a second shutdown waits here until
            // the first has seen the whole team go home.
            lock(&self.team)
        };
        let mut own = None;
        for employee in team.drain(..) {
            if employee.thread().id() == me {
                // No thread can join itself. Keep the handle: a later
                // shutdown, from outside the team, joins it.
                own = Some(employee);
                continue;
            }
            // `join` fails only if the job panicked, and that employee
            // has stopped already. Passing the panic on here, or even
            // dropping its payload (the job's value), could panic inside
            // `drop`: it is leaked. A later step handles panics properly.
            if let Err(payload) = employee.join() {
                std::mem::forget(payload);
            }
        }
        team.extend(own);
        self.report()
    }

    /// The counts so far. After a shutdown has joined every employee, they
    /// are final: a join makes everything that employee did visible here.
    fn report(&self) -> Report {
        Report {
            done: self.done.load(Ordering::Relaxed),
        }
    }
    // ANCHOR_END: shutdown
}

// ANCHOR: drop
/// Dropping the pool shuts it down: no employee is ever left running on
/// its own, detached.
impl<P, R> Drop for Pool<P, R> {
    fn drop(&mut self) {
        self.shutdown();
    }
}
// ANCHOR_END: drop

/// Nothing panics while holding the pool's locks; if something ever did,
/// the data behind them (a Sender, a list of handles) is still fine to use.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

// ANCHOR: main
fn main() {
    if let Err(usage) = check_args(std::env::args().skip(1)) {
        eprintln!("{usage}");
        std::process::exit(2);
    }

    // The job: count the words on a paper.
    let count_words = |paper: &str| paper.split_whitespace().count();
    // `num_cpus::get()` is at least 1, so the hire cannot be refused.
    let pool = Pool::new(num_cpus::get(), count_words).expect("a team of at least one");

    // The manager assigns every paper before it reads a single outcome.
    let papers = ["the cat sat", "on the mat", "", "and purred all day long"];
    let mut tickets = Vec::new();
    for paper in papers {
        match pool.assign(paper) {
            Ok(ticket) => {
                println!("manager : {paper:?} has ticket {}", ticket.0);
                tickets.push(ticket);
            }
            Err(error) => println!("manager : {error}"),
        }
    }

    // One outcome per ticket. They come in the order the employees finish
    // their papers, so the manager sorts them by ticket before printing.
    let mut outcomes: Vec<Outcome<usize>> = pool.outcomes().iter().take(tickets.len()).collect();
    outcomes.sort_by_key(|outcome| outcome.ticket);
    for outcome in outcomes {
        println!(
            "manager : ticket {} : {} words",
            outcome.ticket.0, outcome.result
        );
    }

    let report = pool.shutdown();
    println!(
        "manager : the team has gone home, {} papers done",
        report.done
    );

    // After shutdown, a paper comes back to the manager at once.
    match pool.assign_timeout("too late", Duration::ZERO) {
        Ok(ticket) => println!("manager : \"too late\" has ticket {}", ticket.0),
        Err(AssignError::ShutDown(paper)) => println!("manager : shut down, {paper:?} is back"),
        Err(AssignError::Timeout(paper)) => println!("manager : nobody took {paper:?} in time"),
    }
}
// ANCHOR_END: main

/// The listing takes no arguments: any argument is a usage error.
fn check_args(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    match args.next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "error: unexpected argument `{arg}`; usage: cargo run -p ch17-pool-results"
        )),
    }
}
