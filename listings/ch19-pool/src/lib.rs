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
//! ```
//! use ch19_pool::Pool;
//!
//! let pool = Pool::new(2, |text: &str| text.split_whitespace().count())?;
//! let ticket = pool.assign("the manager hands off a paper")?;
//! let report = pool.shutdown();
//!
//! let outcome = pool.outcomes().recv()?;
//! assert_eq!(outcome.ticket, ticket);
//! assert_eq!(outcome.result, Ok(6));
//! assert_eq!(report.done, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::any::Any;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crossbeam_channel::{Receiver, SendTimeoutError, Sender, bounded, unbounded};

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
    /// The manager's end of the rendezvous channel. `None` once shut down.
    hand_off: Mutex<Option<Sender<(Ticket, P)>>>,
    /// One handle per employee; emptied by the first shutdown.
    team: Mutex<Vec<JoinHandle<()>>>,
    team_size: usize,
    next_ticket: AtomicU64,
    /// Only the employees hold the other end: once they have all gone
    /// home, this channel is disconnected.
    outcomes: Receiver<Outcome<R>>,
    counts: Arc<Counts>,
}

/// Kept by the employees, read by `shutdown` after joining them.
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
    /// The panic message, if it was a `&str` or a `String`
    /// (as with `panic!("...")`); otherwise `Box<dyn Any>`.
    pub message: String,
}

/// What the team did, as [`Pool::shutdown`] reports it.
///
/// ```
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
    /// A team of zero is refused: every `assign` would wait forever.
    ///
    /// # Panics
    ///
    /// If the operating system cannot start a thread, as `thread::spawn`.
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
        if team_size == 0 {
            return Err(HireError::NoEmployees);
        }
        // No room in the channel: a send waits until an employee takes it.
        let (hand_off, papers) = bounded(0);
        // Unbounded: an employee never waits to report an outcome.
        let (report, outcomes) = unbounded();
        let job = Arc::new(job);
        let counts = Arc::new(Counts::default());
        let team = (0..team_size)
            .map(|number| {
                let (papers, report) = (papers.clone(), report.clone());
                let (job, counts) = (Arc::clone(&job), Arc::clone(&counts));
                thread::Builder::new()
                    .name(format!("employee {number}"))
                    .spawn(move || employee(papers, &*job, report, &counts))
                    .expect("the operating system could not start an employee")
            })
            .collect();
        Ok(Pool {
            hand_off: Mutex::new(Some(hand_off)),
            team: Mutex::new(team),
            team_size,
            next_ticket: AtomicU64::new(0),
            outcomes,
            counts,
        })
    }
    // ANCHOR_END: hire

    // ANCHOR: assign
    /// Hands off `paper` and returns only once an employee has taken it:
    /// `Ok` means an employee holds the paper. Waits as long as it takes.
    ///
    /// After shutdown, the paper is handed back in
    /// [`AssignError::ShutDown`].
    ///
    /// ```
    /// use ch19_pool::Pool;
    ///
    /// let pool = Pool::new(2, |paper: u32| paper * 2)?;
    /// let ticket = pool.assign(21)?; // an employee holds paper 21
    /// let outcome = pool.outcomes().recv()?;
    /// assert_eq!((outcome.ticket, outcome.result), (ticket, Ok(42)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn assign(&self, paper: P) -> Result<Ticket, AssignError<P>> {
        let Some(hand_off) = self.hand_off() else {
            return Err(AssignError::ShutDown(paper));
        };
        let ticket = self.next_ticket();
        // Outside the lock: a manager waiting here holds up nobody else.
        hand_off
            .send((ticket, paper))
            .map(|()| ticket)
            .map_err(|error| AssignError::ShutDown(error.into_inner().1))
    }

    /// Hands off `paper`, waiting at most `timeout` for an employee to
    /// take it. `Ok` means an employee holds the paper; on
    /// [`AssignError::Timeout`] nobody took it, and it comes back.
    ///
    /// A zero timeout does not wait: the paper is handed off only if an
    /// employee is already waiting for one (or is just arriving).
    /// Otherwise it comes back at once. A timeout too large to add to
    /// the clock waits as long as [`assign`](Pool::assign).
    ///
    /// ```
    /// use std::time::Duration;
    /// use ch19_pool::{AssignError, Pool};
    ///
    /// let (gate, wait_at_gate) = crossbeam_channel::bounded::<()>(0);
    /// let pool = Pool::new(1, move |_paper: &str| {
    ///     let _ = wait_at_gate.recv(); // the employee is busy until let go
    /// })?;
    /// pool.assign("long report")?; // now the only employee is busy
    ///
    /// let memo = pool.assign_timeout("memo", Duration::from_millis(10));
    /// assert_eq!(memo, Err(AssignError::Timeout("memo")));
    ///
    /// drop(gate); // the employee finishes
    /// pool.assign_timeout("memo", Duration::from_secs(10))?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn assign_timeout(&self, paper: P, timeout: Duration) -> Result<Ticket, AssignError<P>> {
        let Some(hand_off) = self.hand_off() else {
            return Err(AssignError::ShutDown(paper));
        };
        let ticket = self.next_ticket();
        match hand_off.send_timeout((ticket, paper), timeout) {
            Ok(()) => Ok(ticket),
            Err(SendTimeoutError::Timeout((_, paper))) => Err(AssignError::Timeout(paper)),
            Err(SendTimeoutError::Disconnected((_, paper))) => Err(AssignError::ShutDown(paper)),
        }
    }

    /// A clone of the manager's Sender, taken under the lock; `None` once
    /// shut down. The clone keeps the channel open until the send ends.
    fn hand_off(&self) -> Option<Sender<(Ticket, P)>> {
        lock(&self.hand_off).clone()
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
    papers: Receiver<(Ticket, P)>,
    job: &(impl Fn(P) -> R + ?Sized),
    report: Sender<Outcome<R>>,
    counts: &Counts,
) {
    // Ends once every Sender is gone: the shutdown signal.
    for (ticket, paper) in papers {
        // AssertUnwindSafe: if the job panics, the employee drops what the
        // job left behind and never looks at it again.
        let result = panic::catch_unwind(AssertUnwindSafe(|| job(paper)));
        let result = result.map_err(|payload| Panicked {
            message: message_of(payload),
        });
        let count = match &result {
            Ok(_) => &counts.done,
            Err(_) => &counts.panicked,
        };
        count.fetch_add(1, Ordering::Relaxed);
        // Fails only if the pool is gone, and the pool waits for us first.
        let _ = report.send(Outcome { ticket, result });
    }
}

/// The text of a panic, as the default panic hook would print it.
fn message_of(payload: Box<dyn Any + Send>) -> String {
    match payload.downcast::<&'static str>() {
        Ok(text) => (*text).to_string(),
        Err(payload) => match payload.downcast::<String>() {
            Ok(text) => *text,
            Err(_) => "Box<dyn Any>".to_string(),
        },
    }
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
        self.team_size
    }

    /// Where each paper's [`Outcome`] arrives, in the order the employees
    /// finish them (not in ticket order). Exactly one outcome arrives per
    /// ticket. The channel is unbounded: an employee never waits to
    /// report, so outcomes nobody reads pile up in memory. Once the team
    /// has gone home and every outcome is read, `recv` returns `Err`.
    ///
    /// ```
    /// use ch19_pool::Pool;
    ///
    /// let pool = Pool::new(2, |n: u32| n % 2 == 0)?;
    /// for paper in 0..4 {
    ///     pool.assign(paper)?;
    /// }
    /// pool.shutdown();
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
    /// Calling it again (or dropping the pool) waits for the same team
    /// and returns the same report.
    ///
    /// ```
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
        // The shutdown signal: once the assigns in flight have dropped
        // their clones, no Sender is left and `for ... in papers` ends.
        drop(lock(&self.hand_off).take());
        // Wait for the team. Holding the lock while joining makes a second
        // caller wait for the same team instead of returning early.
        let mut team = lock(&self.team);
        for employee in team.drain(..) {
            // An employee catches every panic of the job, so it returns
            // normally; there is nothing to report if it did not.
            let _ = employee.join();
        }
        // The joins happen-before these loads: the counts are final.
        Report {
            done: self.counts.done.load(Ordering::Relaxed),
            panicked: self.counts.panicked.load(Ordering::Relaxed),
        }
    }
}

impl<P, R> Drop for Pool<P, R> {
    /// Dropping the pool shuts it down: no employee is left detached.
    fn drop(&mut self) {
        self.shutdown();
    }
}
// ANCHOR_END: shutdown

/// Locks a mutex. Nothing panics while holding these locks, but if
/// something ever did, the data is still consistent: carry on.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl fmt::Display for HireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HireError::NoEmployees => f.write_str("a pool needs at least one employee"),
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
