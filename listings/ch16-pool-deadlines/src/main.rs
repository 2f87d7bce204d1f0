// rustdoc (behind `mdbook test`) finds crates.io dependencies only by an
// `extern crate` line; cargo does not need it.
extern crate crossbeam_channel;
extern crate num_cpus;

use crossbeam_channel::{SendError, SendTimeoutError, Sender, bounded};
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};
use std::thread::{self, JoinHandle, ThreadId};
use std::time::Duration;

#[cfg(test)]
mod tests;

// ANCHOR: pool
/// A team of employees, hired once, that run `job` on every paper the
/// manager assigns. `P` is the paper; `R` is what the job returns (the
/// employees throw it away for now: results come back in a later step).
pub struct Pool<P, R = ()> {
    /// The manager's end of the rendezvous channel; `None` once shut down.
    hand_off: Mutex<Option<Sender<P>>>,
    /// One handle per employee; the first shutdown empties it.
    team: Mutex<Vec<JoinHandle<()>>>,
    team_size: usize,
    /// Each employee's thread id: a job that shuts down its own pool runs
    /// on one of these threads, and no thread can wait for itself.
    employees: Vec<ThreadId>,
    /// Papers finished, counted by the employees.
    done: Arc<AtomicU64>,
    /// `R` appears in no field yet; this tells the compiler it is used.
    job_returns: PhantomData<fn() -> R>,
}

/// What the team did, as counted when it went home.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Report {
    /// Papers the employees finished.
    pub done: u64,
}

// ANCHOR_END: pool

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
        let (hand_off, hand_off_rx) = bounded::<P>(0);
        // One job, shared by the whole team.
        let job = Arc::new(job);
        let done = Arc::new(AtomicU64::new(0));

        let mut team = Vec::with_capacity(team_size);
        for e in 0..team_size {
            let hand_off_rx = hand_off_rx.clone();
            let (job, done) = (Arc::clone(&job), Arc::clone(&done));
            let employee = thread::Builder::new()
                .name(format!("employee {e}"))
                .spawn(move || {
                    // Ends once every Sender is gone: the shutdown signal.
                    for paper in hand_off_rx {
                        job(paper);
                        done.fetch_add(1, Ordering::Relaxed);
                    }
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
            job_returns: PhantomData,
        })
    }
    // ANCHOR_END: new

    // ANCHOR: assign
    /// Hands `paper` to an employee. Returns only once an employee has
    /// taken it: if every employee is busy, it waits for one to be free.
    /// After shutdown, the paper comes back in `AssignError::ShutDown`.
    pub fn assign(&self, paper: P) -> Result<(), AssignError<P>> {
        let Some(hand_off) = self.hand_off() else {
            return Err(AssignError::ShutDown(paper));
        };
        // `send` fails only when no employee is left (the job panicked in
        // every one of them): nobody will ever take the paper.
        hand_off
            .send(paper)
            .map_err(|SendError(paper)| AssignError::ShutDown(paper))
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
    pub fn assign_timeout(&self, paper: P, timeout: Duration) -> Result<(), AssignError<P>> {
        let Some(hand_off) = self.hand_off() else {
            return Err(AssignError::ShutDown(paper));
        };
        hand_off
            .send_timeout(paper, timeout)
            .map_err(|error| match error {
                SendTimeoutError::Timeout(paper) => AssignError::Timeout(paper),
                SendTimeoutError::Disconnected(paper) => AssignError::ShutDown(paper),
            })
    }

    /// A copy of the pool's Sender, or `None` once the pool is shut down.
    /// It is copied under the lock and used outside it: assigns from
    /// several threads do not wait for each other's hand-offs.
    fn hand_off(&self) -> Option<Sender<P>> {
        lock(&self.hand_off).clone()
    }
    // ANCHOR_END: assign_timeout
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

    // Each employee holds its paper until the manager opens the gate: the
    // team is busy for as long as the manager wants, on every machine.
    let (open_gate, gate) = bounded::<()>(0);
    let job = move |paper: u32| {
        // Returns once `open_gate` is dropped.
        let _ = gate.recv();
        println!("{} : finished paper {paper}", employee_name());
    };
    // `num_cpus::get()` is at least 1, so the hire cannot be refused.
    let pool = Pool::new(num_cpus::get(), job).expect("a team of at least one");
    // Bound again after the pool, so it is dropped first: if anything below
    // panics, the gate opens before the pool's drop waits for the team.
    let open_gate = open_gate;
    let team_size = pool.team_size() as u32;
    println!("manager : hired {team_size} employees");

    // One paper per employee: now every employee is busy.
    for paper in 0..team_size {
        assign_and_say(&pool, paper, None);
    }
    // Nobody can take these: they come back.
    let (patient, impatient) = (team_size, team_size + 1);
    assign_and_say(&pool, patient, Some(Duration::from_millis(10)));
    assign_and_say(&pool, impatient, Some(Duration::ZERO));

    drop(open_gate);
    println!("manager : opened the gate");
    // Once the team is free again, the papers that came back are assigned.
    assign_and_say(&pool, patient, None);
    assign_and_say(&pool, impatient, None);
    let report = pool.shutdown();
    println!("manager : shut down, {} papers done", report.done);
}

/// Assigns with `assign`, or with `assign_timeout` when given a timeout.
fn assign_and_say(pool: &Pool<u32>, paper: u32, timeout: Option<Duration>) {
    let assigned = match timeout {
        None => pool.assign(paper),
        Some(timeout) => pool.assign_timeout(paper, timeout),
    };
    match assigned {
        Ok(()) => println!("manager : assigned paper {paper}"),
        // The paper is handed back: the manager still has it.
        Err(AssignError::Timeout(paper)) if timeout == Some(Duration::ZERO) => {
            println!("manager : paper {paper} came back, nobody was waiting for it")
        }
        Err(AssignError::Timeout(paper)) => {
            println!("manager : paper {paper} came back, no employee took it in time")
        }
        Err(AssignError::ShutDown(paper)) => {
            println!("manager : paper {paper} came back, the pool is shut down")
        }
    }
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
            "error: unexpected argument `{arg}`; usage: cargo run -p ch16-pool-deadlines"
        )),
    }
}
