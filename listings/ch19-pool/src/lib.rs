//! A pool of employees: a fixed team of threads that run one job over
//! papers handed off to them, one at a time.
//!
//! - [`Pool::new`] hires the team (a team of zero is refused).
//! - [`Pool::assign`] hands off a paper and returns only once an employee
//!   has taken it; [`Pool::assign_timeout`] gives up waiting after a
//!   timeout and hands the paper back.
//! - Each paper's [`Outcome`] arrives on [`Pool::outcomes`], including
//!   "the employee panicked on this paper"; the employee carries on.
//! - [`Pool::shutdown`] (or dropping the pool) stops new work, lets every
//!   employee finish the paper in hand, waits for the team and returns a
//!   [`Report`].
//!
//! The examples that could wait start, on a hidden line, a watchdog that
//! fails the example after ten seconds: a broken pool fails its doc tests
//! instead of hanging them.
//!
//! ```
//! # #[cfg(not(miri))] std::thread::spawn(|| { std::thread::sleep(std::time::Duration::from_secs(10)); eprintln!("the example did not finish in 10 s"); std::process::exit(101) });
//! use std::time::Duration;
//! use ch19_pool::Pool;
//!
//! let pool = Pool::new(2, |text: &str| text.split_whitespace().count())?;
//! let ticket = pool.assign("the manager hands off a paper")?;
//!
//! let outcome = pool.outcomes().recv_timeout(Duration::from_secs(5))?;
//! assert_eq!(outcome.ticket, ticket);
//! assert_eq!(outcome.result, Ok(6));
//! assert_eq!(pool.shutdown().done, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

use std::any::Any;
use std::fmt;
use std::io;
use std::mem;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle, ThreadId};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, unbounded};

use desk::Desk;

mod desk;
#[cfg(test)]
mod tests;

// ANCHOR: pool
/// A team of employees running one job over papers of type `P`, each
/// giving a result of type `R`.
///
/// ```
/// use ch19_pool::Pool;
///
/// // Papers are numbers; the result of each is its square.
/// let pool: Pool<u64, u64> = Pool::new(4, |n| n * n)?;
/// assert_eq!(pool.team_size(), 4);
/// # Ok::<(), ch19_pool::HireError>(())
/// ```
pub struct Pool<P, R = ()> {
    /// Where the manager hands papers to the employees, one at a time.
    /// Shared with the employees, who take papers from it.
    desk: Arc<Desk<(Ticket, P)>>,
    /// The employees' handles, until a shutdown takes them to join them.
    team: Mutex<Team>,
    /// Told when the shutdown that took the handles has joined them all.
    gone_home: Condvar,
    /// Each employee's thread. A job runs on one of them: a shutdown
    /// called from a job must not wait for its own thread.
    employees: Vec<ThreadId>,
    next_ticket: AtomicU64,
    /// Only the employees hold the other end: once they have all gone
    /// home, this channel is disconnected.
    outcomes: Receiver<Outcome<R>>,
    counts: Arc<Counts>,
}

struct Team {
    handles: Vec<JoinHandle<()>>,
    /// A shutdown has taken the handles and is joining them.
    joining: bool,
}

/// Kept by the employees, read by `shutdown`.
#[derive(Default)]
struct Counts {
    done: AtomicU64,
    panicked: AtomicU64,
}
// ANCHOR_END: pool

// ANCHOR: types
/// Why a team could not be hired.
///
/// ```
/// use ch19_pool::{HireError, Pool};
///
/// let refused = Pool::<u32>::new(0, |_paper| {});
/// assert_eq!(refused.err(), Some(HireError::NoEmployees));
/// assert_eq!(
///     HireError::NoEmployees.to_string(),
///     "a pool needs at least one employee"
/// );
/// ```
#[derive(Debug, PartialEq, Eq)]
pub enum HireError {
    /// `team_size` was zero: nobody would ever take a paper.
    NoEmployees,
    /// The operating system could not start an employee's thread. The
    /// employees hired before it were sent home and waited for.
    Spawn(io::ErrorKind),
}

/// Why a paper was not handed off. Either way, the paper comes back.
///
/// ```
/// use ch19_pool::{AssignError, Pool};
///
/// let pool = Pool::new(1, |_paper: String| {})?;
/// pool.shutdown();
/// let refused = pool.assign("memo".to_string());
/// assert_eq!(refused, Err(AssignError::ShutDown("memo".to_string())));
/// # Ok::<(), ch19_pool::HireError>(())
/// ```
#[derive(Debug, PartialEq, Eq)]
pub enum AssignError<P> {
    /// The pool is shut down: the paper is handed back.
    ShutDown(P),
    /// No employee took the paper in time: the paper is handed back.
    Timeout(P),
}

/// The number of a paper handed off, as [`Pool::assign`] returns it and
/// as its [`Outcome`] carries it.
///
/// Tickets are numbered from 0 in the order `assign` (or `assign_timeout`)
/// is called. A paper that comes back (timeout, shut down) uses up its
/// number, so numbers can have gaps; no number is ever given twice.
///
/// ```
/// # #[cfg(not(miri))] std::thread::spawn(|| { std::thread::sleep(std::time::Duration::from_secs(10)); eprintln!("the example did not finish in 10 s"); std::process::exit(101) });
/// use ch19_pool::{Pool, Ticket};
///
/// let pool = Pool::new(1, |_paper: u32| {})?;
/// assert_eq!(pool.assign(10)?, Ticket(0));
/// assert_eq!(pool.assign(20)?, Ticket(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ticket(pub u64);

/// What became of one paper: its job's result, or the panic that ended it.
///
/// ```
/// # #[cfg(not(miri))] std::thread::spawn(|| { std::thread::sleep(std::time::Duration::from_secs(10)); eprintln!("the example did not finish in 10 s"); std::process::exit(101) });
/// use ch19_pool::Pool;
///
/// let pool = Pool::new(1, |n: u32| n + 1)?;
/// let ticket = pool.assign(41)?;
/// let outcome = pool.outcomes().recv()?;
/// assert_eq!(outcome.ticket, ticket);
/// assert_eq!(outcome.result, Ok(42));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Outcome<R> {
    /// The ticket `assign` returned for this paper.
    pub ticket: Ticket,
    /// The job's result, or `Err` if the job panicked on this paper.
    pub result: Result<R, Panicked>,
}

/// The job panicked on a paper. The employee caught it and carried on.
///
/// ```
/// # #[cfg(not(miri))] std::thread::spawn(|| { std::thread::sleep(std::time::Duration::from_secs(10)); eprintln!("the example did not finish in 10 s"); std::process::exit(101) });
/// use ch19_pool::{Panicked, Pool};
///
/// let pool = Pool::new(1, |n: u32| if n == 13 { panic!("unlucky {n}") } else { n })?;
/// pool.assign(13)?;
/// let outcome = pool.outcomes().recv()?;
/// let message = "unlucky 13".to_string();
/// assert_eq!(outcome.result, Err(Panicked { message }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panicked {
    /// The panic message, if it was a `&str` or a `String` (as with
    /// `panic!("...")`); otherwise the text `"Box<dyn Any>"`.
    pub message: String,
}

/// What the team did, as [`Pool::shutdown`] reports it.
///
/// ```
/// # #[cfg(not(miri))] std::thread::spawn(|| { std::thread::sleep(std::time::Duration::from_secs(10)); eprintln!("the example did not finish in 10 s"); std::process::exit(101) });
/// use ch19_pool::{Pool, Report};
///
/// let pool = Pool::new(2, |_paper: u32| {})?;
/// for paper in 0..5 {
///     pool.assign(paper)?;
/// }
/// assert_eq!(pool.shutdown(), Report { done: 5, panicked: 0 });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Report {
    /// Papers whose job returned.
    pub done: u64,
    /// Papers whose job panicked.
    pub panicked: u64,
}
// ANCHOR_END: types

// ANCHOR: hire
impl<P: Send + 'static, R: Send + 'static> Pool<P, R> {
    /// Hires `team_size` employees, each running `job` on the papers it
    /// takes. The team shares one `job` (behind an `Arc`), hence `Sync`.
    ///
    /// A team of zero is refused: every `assign` would wait forever. If
    /// the operating system cannot start a thread, the employees already
    /// hired are sent home and waited for, and the error is
    /// [`HireError::Spawn`]: no thread is left behind.
    ///
    /// ```
    /// use ch19_pool::{HireError, Pool};
    ///
    /// let team_size = num_cpus::get(); // one employee per logical CPU
    /// let pool = Pool::new(team_size, |paper: String| paper.len())?;
    /// assert_eq!(pool.team_size(), team_size);
    /// # Ok::<(), HireError>(())
    /// ```
    pub fn new<F>(team_size: usize, job: F) -> Result<Self, HireError>
    where
        F: Fn(P) -> R + Send + Sync + 'static,
    {
        Self::hire(team_size, job, |builder, employee| builder.spawn(employee))
    }

    /// `new`, with the way a thread is started passed in, so that a test
    /// can make it fail.
    fn hire<F>(
        team_size: usize,
        job: F,
        mut spawn: impl FnMut(thread::Builder, Box<dyn FnOnce() + Send>) -> io::Result<JoinHandle<()>>,
    ) -> Result<Self, HireError>
    where
        F: Fn(P) -> R + Send + Sync + 'static,
    {
        if team_size == 0 {
            return Err(HireError::NoEmployees);
        }
        // No room on the desk: a hand-off waits until an employee takes it.
        let desk = Arc::new(Desk::new());
        // Unbounded: an employee never waits to report an outcome.
        let (report, outcomes) = unbounded();
        let job = Arc::new(job);
        let counts = Arc::new(Counts::default());
        let mut handles = Vec::with_capacity(team_size);
        for number in 0..team_size {
            let (hired_desk, report) = (Arc::clone(&desk), report.clone());
            let (job, counts) = (Arc::clone(&job), Arc::clone(&counts));
            let builder = thread::Builder::new().name(format!("employee {number}"));
            match spawn(
                builder,
                Box::new(move || employee(&hired_desk, &*job, report, &counts)),
            ) {
                Ok(handle) => handles.push(handle),
                Err(error) => {
                    // The shutdown signal for those already hired; then
                    // wait for them, so that none is left detached.
                    desk.close();
                    handles.into_iter().for_each(join);
                    return Err(HireError::Spawn(error.kind()));
                }
            }
        }
        Ok(Pool {
            desk,
            employees: handles.iter().map(|handle| handle.thread().id()).collect(),
            team: Mutex::new(Team {
                handles,
                joining: false,
            }),
            gone_home: Condvar::new(),
            next_ticket: AtomicU64::new(0),
            outcomes,
            counts,
        })
    }
    // ANCHOR_END: hire

    // ANCHOR: assign
    /// Hands off `paper` and returns only once an employee has taken it:
    /// `Ok` means an employee holds the paper, or was waiting for one and
    /// has it in front of it, with nothing before it (the moment a
    /// rendezvous channel's send returns too). Waits as long as it takes.
    ///
    /// After shutdown, the paper is handed back in
    /// [`AssignError::ShutDown`].
    ///
    /// # Deadlocks
    ///
    /// A job that assigns to its own pool can wait forever: if every
    /// employee does it at once, nobody is left to take a paper.
    ///
    /// ```
    /// # #[cfg(not(miri))] std::thread::spawn(|| { std::thread::sleep(std::time::Duration::from_secs(10)); eprintln!("the example did not finish in 10 s"); std::process::exit(101) });
    /// use ch19_pool::Pool;
    ///
    /// let pool = Pool::new(2, |paper: u32| paper * 2)?;
    /// let ticket = pool.assign(21)?; // an employee holds paper 21
    /// let outcome = pool.outcomes().recv()?;
    /// assert_eq!((outcome.ticket, outcome.result), (ticket, Ok(42)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn assign(&self, paper: P) -> Result<Ticket, AssignError<P>> {
        self.hand_off(paper, None)
    }

    /// Hands off `paper`, waiting at most `timeout` for an employee to
    /// take it. `Ok` means what it means for [`assign`](Pool::assign); on
    /// [`AssignError::Timeout`] nobody took it, and it comes back.
    ///
    /// A zero timeout does not wait: the paper is handed off only if an
    /// employee is already waiting for one (or is just arriving).
    /// Otherwise it comes back at once. A timeout too large to add to
    /// the clock waits as long as [`assign`](Pool::assign).
    ///
    /// # Deadlocks
    ///
    /// As with `assign`. And a timed assign that is waiting when
    /// [`shutdown`](Pool::shutdown) begins keeps the shutdown signal from
    /// reaching the team until it ends: the shutdown can be delayed by up
    /// to the timeout, and the paper then comes back as `Timeout`, not
    /// `ShutDown`.
    ///
    /// ```
    /// # #[cfg(not(miri))] std::thread::spawn(|| { std::thread::sleep(std::time::Duration::from_secs(10)); eprintln!("the example did not finish in 10 s"); std::process::exit(101) });
    /// use std::time::Duration;
    /// use ch19_pool::{AssignError, Pool};
    ///
    /// let (gate, wait_at_gate) = crossbeam_channel::bounded::<()>(0);
    /// let pool = Pool::new(1, move |_paper: &str| {
    ///     // The employee is busy until let go (five seconds at most, so
    ///     // that a broken pool fails this example instead of hanging it).
    ///     let _ = wait_at_gate.recv_timeout(Duration::from_secs(5));
    /// })?;
    /// pool.assign("long report")?; // now the only employee is busy
    ///
    /// let memo = pool.assign_timeout("memo", Duration::from_millis(10));
    /// assert_eq!(memo, Err(AssignError::Timeout("memo")));
    ///
    /// drop(gate); // the employee finishes
    /// pool.assign_timeout("memo", Duration::from_secs(5))?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn assign_timeout(&self, paper: P, timeout: Duration) -> Result<Ticket, AssignError<P>> {
        // `None` (no deadline) when the sum overflows the clock.
        self.hand_off(paper, Instant::now().checked_add(timeout))
    }

    /// Both assigns: the ticket is given only once the hand-off has begun,
    /// so a shutdown from then on waits for this paper to be taken.
    fn hand_off(&self, paper: P, deadline: Option<Instant>) -> Result<Ticket, AssignError<P>> {
        let Some(handing) = self.desk.begin() else {
            return Err(AssignError::ShutDown(paper));
        };
        let ticket = self.next_ticket();
        match handing.hand_off((ticket, paper), deadline) {
            Ok(()) => Ok(ticket),
            Err((_, paper)) => Err(AssignError::Timeout(paper)),
        }
    }

    fn next_ticket(&self) -> Ticket {
        Ticket(self.next_ticket.fetch_add(1, Ordering::Relaxed))
    }
}
// ANCHOR_END: assign

// ANCHOR: employee
/// One employee: takes papers until the shutdown signal, runs the job on
/// each, catches a panic, and reports every outcome.
fn employee<P, R>(
    desk: &Desk<(Ticket, P)>,
    job: &(impl Fn(P) -> R + ?Sized),
    report: Sender<Outcome<R>>,
    counts: &Counts,
) {
    // Ends after the shutdown signal, once no hand-off is under way.
    while let Some((ticket, paper)) = desk.take() {
        // AssertUnwindSafe: if the job panics, the employee drops what the
        // job left behind and never looks at it again.
        let result = panic::catch_unwind(AssertUnwindSafe(|| job(paper)));
        let result = result.map_err(panicked);
        let count = match &result {
            Ok(_) => &counts.done,
            Err(_) => &counts.panicked,
        };
        count.fetch_add(1, Ordering::Relaxed);
        // Fails only if nobody can read outcomes any more: nothing to do.
        let _ = report.send(Outcome { ticket, result });
    }
}

/// The text of a panic, as the default panic hook would print it.
fn panicked(payload: Box<dyn Any + Send>) -> Panicked {
    let message = if let Some(text) = payload.downcast_ref::<&'static str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "Box<dyn Any>".to_string()
    };
    // The payload is a value of the job's making: dropping it runs the
    // job's code, which may panic too. Drop it where that panic is caught.
    // The second panic's payload is leaked, not dropped: its drop could
    // panic again, and this time nothing would catch it.
    if let Err(again) = panic::catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        mem::forget(again);
    }
    Panicked { message }
}
// ANCHOR_END: employee

// ANCHOR: shutdown
impl<P, R> Pool<P, R> {
    /// How many employees were hired. The team stays this size: an
    /// employee that panics on a paper carries on with the next one.
    ///
    /// ```
    /// let pool = ch19_pool::Pool::new(3, |_paper: u8| {})?;
    /// assert_eq!(pool.team_size(), 3);
    /// # Ok::<(), ch19_pool::HireError>(())
    /// ```
    pub fn team_size(&self) -> usize {
        self.employees.len()
    }

    /// Where each paper's [`Outcome`] arrives, in the order the employees
    /// finish them (not in ticket order). Exactly one outcome arrives per
    /// ticket. The channel is unbounded: an employee never waits to
    /// report, so outcomes nobody reads pile up in memory. Once the team
    /// has gone home and every outcome is read, `recv` returns `Err`.
    ///
    /// # Deadlocks
    ///
    /// Reading outcomes until the channel ends (`for outcome in
    /// pool.outcomes()`, `iter()`, or `recv()` once all are read) waits
    /// forever before [`shutdown`](Pool::shutdown): the employees hold
    /// the other end until they go home. Before shutdown, read as many
    /// outcomes as you have tickets, or use `try_iter` or `recv_timeout`.
    ///
    /// ```
    /// # #[cfg(not(miri))] std::thread::spawn(|| { std::thread::sleep(std::time::Duration::from_secs(10)); eprintln!("the example did not finish in 10 s"); std::process::exit(101) });
    /// use ch19_pool::Pool;
    ///
    /// let pool = Pool::new(2, |n: u32| n % 2 == 0)?;
    /// for paper in 0..4 {
    ///     pool.assign(paper)?;
    /// }
    /// pool.shutdown(); // now `iter` ends once every outcome is read
    /// let evens = pool.outcomes().iter().filter(|o| o.result == Ok(true));
    /// assert_eq!(evens.count(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn outcomes(&self) -> &Receiver<Outcome<R>> {
        &self.outcomes
    }

    /// Shuts the pool down gracefully: no new paper is accepted, every
    /// employee finishes the paper in hand (and any paper a manager is
    /// handing off right now), then the manager waits for the team.
    /// Returns what the team did.
    ///
    /// Calling it again, or from several threads at once, is fine: every
    /// call waits for the same team and returns the same report.
    ///
    /// Called from inside a job (on one of this pool's own employees), it
    /// gives the shutdown signal but does not wait: no thread can wait
    /// for itself. It returns the counts so far, which do not include the
    /// calling job's paper. The manager's own `shutdown` (or the drop of
    /// the pool) still waits for the whole team and reports everything.
    ///
    /// # Deadlocks
    ///
    /// It waits for every paper in hand. A job that waits for something
    /// the manager would do only after `shutdown` returns waits forever,
    /// and so does the manager. A timed assign still waiting when
    /// `shutdown` begins delays it by up to its timeout (see
    /// [`assign_timeout`](Pool::assign_timeout)).
    ///
    /// ```
    /// # #[cfg(not(miri))] std::thread::spawn(|| { std::thread::sleep(std::time::Duration::from_secs(10)); eprintln!("the example did not finish in 10 s"); std::process::exit(101) });
    /// use ch19_pool::{Pool, Report};
    ///
    /// let pool = Pool::new(2, |_paper: u32| {})?;
    /// pool.assign(1)?;
    /// let report = pool.shutdown();
    /// assert_eq!(report, Report { done: 1, panicked: 0 });
    /// assert_eq!(pool.shutdown(), report);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn shutdown(&self) -> Report {
        // The shutdown signal: once the hand-offs under way have ended,
        // `desk.take()` sends the employees home.
        self.desk.close();
        if self.employees.contains(&thread::current().id()) {
            // Called from a job. Waiting for the team would mean waiting
            // for this very thread; the manager's shutdown waits instead.
            return self.counts();
        }
        let mut team = lock(&self.team);
        if team.joining {
            // Another shutdown is joining the team: wait until it has.
            while team.joining {
                team = self
                    .gone_home
                    .wait(team)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        } else {
            // Take the handles and join them outside the lock.
            let handles = mem::take(&mut team.handles);
            team.joining = true;
            drop(team);
            let _joined = Joined(self);
            handles.into_iter().for_each(join);
        }
        // The joins happen-before these loads: the counts are final.
        self.counts()
    }

    fn counts(&self) -> Report {
        Report {
            done: self.counts.done.load(Ordering::Relaxed),
            panicked: self.counts.panicked.load(Ordering::Relaxed),
        }
    }
}

/// Dropped once a shutdown has joined the handles it took (or if it ever
/// unwound instead): other shutdowns stop waiting.
struct Joined<'a, P, R>(&'a Pool<P, R>);

impl<P, R> Drop for Joined<'_, P, R> {
    fn drop(&mut self) {
        lock(&self.0.team).joining = false;
        self.0.gone_home.notify_all();
    }
}

impl<P, R> Drop for Pool<P, R> {
    /// Dropping the pool shuts it down and waits for every employee: no
    /// thread is left detached.
    ///
    /// If the last owner of the pool is one of its own jobs (the pool is
    /// dropped on an employee's thread, even while that job panics), the
    /// drop waits for every other employee. The employee running that job
    /// cannot wait for itself; it goes home as soon as its job returns.
    ///
    /// # Deadlocks
    ///
    /// The drop waits for every paper in hand, even while the manager is
    /// unwinding from a panic. A job waiting for something the manager
    /// would send hangs the drop, and with it the unwinding manager.
    fn drop(&mut self) {
        self.desk.close(); // the shutdown signal
        let me = thread::current().id();
        // `&mut self`: no shutdown is running, nobody else can start one.
        let handles = mem::take(&mut lock(&self.team).handles);
        for handle in handles {
            if handle.thread().id() != me {
                join(handle);
            }
        }
    }
}
// ANCHOR_END: shutdown

/// Waits for an employee to go home. An employee catches every panic of
/// the job, so it returns normally. Should it not, its payload is leaked:
/// passing it on, or even dropping it, could panic inside `drop`.
fn join(employee: JoinHandle<()>) {
    if let Err(payload) = employee.join() {
        mem::forget(payload);
    }
}

/// Locks a mutex. The code holding these locks does not panic, but if it
/// ever did, the data would still be consistent: carry on.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl fmt::Display for HireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HireError::NoEmployees => f.write_str("a pool needs at least one employee"),
            HireError::Spawn(kind) => {
                write!(
                    f,
                    "the operating system could not start an employee: {kind}"
                )
            }
        }
    }
}

impl std::error::Error for HireError {}

impl<P> AssignError<P> {
    /// The paper that was not handed off.
    ///
    /// ```
    /// use ch19_pool::AssignError;
    ///
    /// assert_eq!(AssignError::Timeout("memo").into_paper(), "memo");
    /// ```
    pub fn into_paper(self) -> P {
        match self {
            AssignError::ShutDown(paper) | AssignError::Timeout(paper) => paper,
        }
    }
}

impl<P> fmt::Display for AssignError<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssignError::ShutDown(_) => f.write_str("the pool is shut down"),
            AssignError::Timeout(_) => f.write_str("no employee took the paper in time"),
        }
    }
}

impl<P: fmt::Debug> std::error::Error for AssignError<P> {}

impl fmt::Display for Panicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the employee panicked: {}", self.message)
    }
}

impl std::error::Error for Panicked {}
