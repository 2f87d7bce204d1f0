//! The pools being measured. Each hires a team; then one clock, the same
//! for every pool, runs from the first hand-off to the team gone home: the
//! time, divided by the papers, is the cost per paper.

pub mod capstone;
pub mod go;
pub mod in_tray;
pub mod rayon_scope;
pub mod rust_book;
pub mod std_rendezvous;
pub mod straight;
pub mod threadpool_crate;

use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What an employee does with a paper (papers are numbered `0..papers`).
/// `Clone`: each employee, or each queued job, gets a copy; the measured
/// job is a `Copy` closure, so a copy costs nothing.
pub trait Job: Fn(u64) + Clone + Send + Sync + 'static {}

impl<F: Fn(u64) + Clone + Send + Sync + 'static> Job for F {}

/// The pools, in the order the reports show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pool {
    Straight,
    InTray,
    StdRendezvous,
    RustBook,
    Capstone,
    Threadpool,
    Rayon,
    Go,
}

impl Pool {
    /// Every pool, in report order.
    pub const ALL: [Pool; 8] = [
        Pool::Straight,
        Pool::InTray,
        Pool::StdRendezvous,
        Pool::RustBook,
        Pool::Capstone,
        Pool::Threadpool,
        Pool::Rayon,
        Pool::Go,
    ];

    /// As the command line and the reports spell it.
    pub fn name(self) -> &'static str {
        match self {
            Pool::Straight => "straight",
            Pool::InTray => "in-tray",
            Pool::StdRendezvous => "std-rendezvous",
            Pool::RustBook => "rust-book",
            Pool::Capstone => "capstone",
            Pool::Threadpool => "threadpool",
            Pool::Rayon => "rayon",
            Pool::Go => "go",
        }
    }

    /// The pool named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Pool> {
        Pool::ALL.into_iter().find(|pool| pool.name() == name)
    }

    /// What the manager knows when its hand-off returns: the guarantee
    /// the pool's cost pays for.
    pub fn guarantee(self) -> &'static str {
        match self {
            Pool::Straight => "crossbeam bounded(0): an employee holds the paper",
            Pool::InTray => "crossbeam bounded(team size): the paper is in the tray",
            Pool::StdRendezvous => {
                "std sync_channel(0), one Receiver behind a Mutex: an employee holds the paper"
            }
            Pool::RustBook => "unbounded mpsc behind a Mutex, boxed jobs: the job is queued",
            Pool::Capstone => {
                "ch19_pool::Pool: an employee holds the paper; every outcome reported"
            }
            Pool::Threadpool => "threadpool crate, boxed jobs: the job is queued",
            Pool::Rayon => "rayon scope, a spawn per paper: the job is queued",
            Pool::Go => "Go's unbuffered channel: an employee holds the paper",
        }
    }

    /// Runs `papers` papers through a team of `team_size` employees doing
    /// `job`, and returns the time from the first hand-off to the team
    /// gone home. `None` for the Go pool: it runs as a program of its own
    /// (see [`go::GoPool`]).
    pub fn run(self, team_size: usize, papers: u64, job: impl Job) -> Option<Duration> {
        let elapsed = match self {
            Pool::Straight => straight::run(team_size, papers, job),
            Pool::InTray => in_tray::run(team_size, papers, job),
            Pool::StdRendezvous => std_rendezvous::run(team_size, papers, job),
            Pool::RustBook => rust_book::run(team_size, papers, job),
            Pool::Capstone => capstone::run(team_size, papers, job),
            Pool::Threadpool => threadpool_crate::run(team_size, papers, job),
            Pool::Rayon => rayon_scope::run(team_size, papers, job),
            Pool::Go => return None,
        };
        Some(elapsed)
    }
}

/// A team as the clock sees it: a hand-off, and going home. Each pool's
/// file says what these mean for it; rayon's scope does not fit the
/// shape and keeps a clock of its own.
pub trait Team {
    /// Hands one paper to the team, returning when the pool says it may:
    /// once an employee holds the paper, or once it is queued.
    fn hand_off(&mut self, paper: u64);
    /// The shutdown signal, then the wait until every paper is done.
    fn go_home(self);
}

// ANCHOR: clocked
/// The time from the first hand-off of `papers` papers to `team` gone
/// home.
pub fn clocked(mut team: impl Team, papers: u64) -> Duration {
    let start = Instant::now();
    for paper in 0..papers {
        team.hand_off(paper);
    }
    team.go_home();
    start.elapsed()
}
// ANCHOR_END: clocked

/// A team fed through a channel: a hand-off is a send, and dropping the
/// Sender is the shutdown signal. The straight port, the in-tray and the
/// std rendezvous differ only in their channel's `send`.
pub struct Fed<S> {
    tx: S,
    team: Vec<JoinHandle<()>>,
}

/// A channel's send, for [`Fed`].
pub trait Channel {
    fn send_paper(&self, paper: u64);
}

impl<S: Channel> Team for Fed<S> {
    fn hand_off(&mut self, paper: u64) {
        self.tx.send_paper(paper);
    }

    fn go_home(self) {
        drop(self.tx); // the shutdown signal
        join(self.team);
    }
}

/// A team fed through a pool's `execute`: a hand-off queues a closure
/// that runs the job on the paper. The Rust book's pool and the
/// `threadpool` crate differ only in their `execute` and in how they wait.
pub struct Executed<P, J> {
    pool: P,
    /// What each paper's closure runs.
    job: J,
}

/// A pool that runs closures, for [`Executed`].
pub trait Execute {
    fn execute(&self, closure: impl FnOnce() + Send + 'static);
    /// The shutdown signal, then the wait until every closure has run.
    fn wait(self);
}

impl<P: Execute, J: Job> Team for Executed<P, J> {
    fn hand_off(&mut self, paper: u64) {
        let job = self.job.clone();
        self.pool.execute(move || job(paper));
    }

    fn go_home(self) {
        self.pool.wait();
    }
}

/// Waits for the team. An employee thread ends in a panic only if the job
/// panicked, and the measured job never does: pass such a panic on.
fn join(team: Vec<JoinHandle<()>>) {
    for employee in team {
        employee.join().expect("an employee panicked");
    }
}
