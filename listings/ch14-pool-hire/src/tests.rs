use super::{HireError, Pool, check_args};
use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use std::sync::{Arc, Weak};
use std::thread;
use std::time::Duration;

/// How long a test waits for something that must happen. A healthy run
/// needs milliseconds; a deadlocked one fails here instead of hanging.
const PATIENCE: Duration = Duration::from_secs(5);

/// How long a test watches for something that must NOT happen. This is not
/// synchronisation: a correct pool never does it, however long we watch;
/// a broken one does it at once, and this gives it every chance to.
const CHANCE: Duration = Duration::from_millis(100);

/// A pool of `u32` papers whose job the test steers. The job reports the
/// paper it holds, waits for a token from `gate`, then reports the paper
/// finished.
struct Office {
    /// Each token lets one employee finish the paper in hand. The first
    /// field, so it is dropped first: a failing test lets everyone go.
    gate: Sender<()>,
    /// `None` once a test has taken the pool (to shut it down).
    pool: Option<Pool<u32>>,
    /// The paper an employee has just taken.
    holding: Receiver<u32>,
    /// Papers whose work is done, in the order they were done.
    finished: Receiver<u32>,
    /// Alive while any employee still holds the job: dead once every
    /// employee has left its loop, that is, has gone home.
    job: Weak<()>,
}

impl Office {
    fn hire(team_size: usize) -> Office {
        let (gate, gate_rx) = unbounded::<()>();
        let (holding_tx, holding) = unbounded();
        let (finished_tx, finished) = unbounded();
        let alive = Arc::new(());
        let job = Arc::downgrade(&alive);
        let pool = Pool::new(team_size, move |paper: u32| {
            let _alive = &alive; // the job owns it, so it lives as long as the job
            let _ = holding_tx.send(paper);
            // A token, or the end of the test (gate dropped), lets it go.
            let _ = gate_rx.recv();
            let _ = finished_tx.send(paper);
        })
        .expect("a team of at least one");
        Office {
            gate,
            pool: Some(pool),
            holding,
            finished,
            job,
        }
    }

    fn take_pool(&mut self) -> Pool<u32> {
        self.pool.take().expect("the pool was taken")
    }

    /// Lets `n` employees finish the paper in hand (now or later).
    fn release(&self, n: usize) {
        for _ in 0..n {
            // Fails only once the team has gone home: nobody needs a token.
            let _ = self.gate.send(());
        }
    }

    /// Waits until `n` more papers are in employees' hands.
    fn wait_until_holding(&self, n: usize) -> Vec<u32> {
        let mut held: Vec<u32> = (0..n)
            .map(|_| {
                self.holding
                    .recv_timeout(PATIENCE)
                    .expect("an employee never took a paper")
            })
            .collect();
        held.sort_unstable();
        held
    }

    /// Waits until `n` more papers are finished.
    fn wait_until_finished(&self, n: usize) -> Vec<u32> {
        let mut done: Vec<u32> = (0..n)
            .map(|_| {
                self.finished
                    .recv_timeout(PATIENCE)
                    .expect("an employee never finished a paper")
            })
            .collect();
        done.sort_unstable();
        done
    }

    fn team_has_gone_home(&self) -> bool {
        self.job.upgrade().is_none()
    }
}

/// Runs `assign` on a thread of its own; the receiver hears when it returns.
fn assign_in_background(pool: Arc<Pool<u32>>, paper: u32) -> Receiver<()> {
    let (returned_tx, returned) = bounded(1);
    thread::spawn(move || {
        pool.assign(paper);
        let _ = returned_tx.send(());
    });
    returned
}

#[test]
#[ntest::timeout(10_000)]
fn the_listing_takes_no_arguments() {
    assert_eq!(check_args(std::iter::empty()), Ok(()));
    let error = check_args(["--fast".to_string()].into_iter()).unwrap_err();
    assert!(
        error.contains("usage: cargo run -p ch14-pool-hire"),
        "{error}"
    );
    assert!(!error.contains('\n'), "one line: {error}");
}

// ANCHOR: zero
#[test]
#[ntest::timeout(10_000)]
fn a_team_of_zero_is_refused_at_once() {
    let refused = Pool::<u32>::new(0, |_paper| {});
    assert_eq!(refused.err(), Some(HireError::NoEmployees));
    assert_eq!(
        HireError::NoEmployees.to_string(),
        "a pool needs at least one employee"
    );
}
// ANCHOR_END: zero

#[test]
#[ntest::timeout(10_000)]
fn the_pool_hires_the_team_size_it_was_asked_for() {
    for team_size in [1, 3, 8] {
        let pool = Pool::<u32>::new(team_size, |_paper| {}).unwrap();
        assert_eq!(pool.team_size(), team_size);
        pool.shutdown();
    }
}

// ANCHOR: rendezvous
#[test]
#[ntest::timeout(10_000)]
fn assign_returns_only_once_an_employee_has_taken_the_paper() {
    let mut office = Office::hire(2);
    let pool = Arc::new(office.take_pool());

    // Papers 0 and 1: each assign returns once an employee holds it.
    pool.assign(0);
    pool.assign(1);
    assert_eq!(office.wait_until_holding(2), [0, 1]);

    // Both employees are busy: nobody can take paper 2, so its assign waits.
    let returned = assign_in_background(Arc::clone(&pool), 2);
    assert!(
        returned.recv_timeout(CHANCE).is_err(),
        "assign returned while every employee held a paper"
    );

    // One employee finishes, comes back, and takes paper 2.
    office.release(1);
    returned
        .recv_timeout(PATIENCE)
        .expect("assign still waiting after an employee came back");
    assert_eq!(office.wait_until_holding(1), [2]);
    office.release(2);
}
// ANCHOR_END: rendezvous

#[test]
#[ntest::timeout(10_000)]
fn every_paper_is_processed_exactly_once() {
    let papers = 1_000;
    let mut office = Office::hire(4);
    office.release(papers as usize); // nobody is held up
    let pool = office.take_pool();
    for paper in 0..papers {
        pool.assign(paper);
    }
    pool.shutdown();
    let mut finished: Vec<u32> = office.finished.try_iter().collect();
    finished.sort_unstable();
    assert_eq!(finished, (0..papers).collect::<Vec<_>>());
}

// ANCHOR: shutdown
#[test]
#[ntest::timeout(10_000)]
fn shutdown_waits_for_every_employee_to_go_home() {
    let mut office = Office::hire(3);
    let pool = office.take_pool();
    for paper in 0..3 {
        pool.assign(paper);
    }
    assert_eq!(office.wait_until_holding(3), [0, 1, 2]);

    // Shut down on another thread, which then checks the team.
    let job = office.job.clone();
    let (returned_tx, returned) = bounded(1);
    thread::spawn(move || {
        pool.shutdown();
        let gone_home = job.upgrade().is_none();
        let _ = returned_tx.send(gone_home);
    });

    // The employees hold their papers: shutdown cannot return.
    assert!(
        returned.recv_timeout(CHANCE).is_err(),
        "shutdown returned while employees still held papers"
    );

    // They finish the papers in hand, then go home; only then does it return.
    office.release(3);
    let gone_home = returned
        .recv_timeout(PATIENCE)
        .expect("shutdown never returned");
    assert!(
        gone_home,
        "shutdown returned before every employee went home"
    );
    assert_eq!(office.wait_until_finished(3), [0, 1, 2]);
}
// ANCHOR_END: shutdown

// ANCHOR: detached
#[test]
#[ntest::timeout(10_000)]
fn a_pool_dropped_without_shutdown_leaves_its_team_running() {
    let mut office = Office::hire(2);
    let pool = office.take_pool();
    pool.assign(0);
    pool.assign(1);
    assert_eq!(office.wait_until_holding(2), [0, 1]);

    // No shutdown: dropping the pool drops the Sender and the JoinHandles.
    // It returns at once, and nobody waits for the team.
    drop(pool);
    assert!(!office.team_has_gone_home());

    // The employees run on, detached: they finish their papers later,
    // after the pool is gone.
    office.release(2);
    assert_eq!(office.wait_until_finished(2), [0, 1]);
}
// ANCHOR_END: detached

#[test]
#[ntest::timeout(10_000)]
fn when_every_employee_has_quit_assign_panics_instead_of_waiting() {
    // The job panics, so each employee quits on its first paper. The pool
    // keeps no Receiver, so once they are all gone, `send` fails: assign
    // panics with a clear message instead of waiting forever.
    let (outcome_tx, outcome) = bounded(1);
    thread::spawn(move || {
        let pool = Pool::<u32>::new(2, |_paper| panic!("on purpose")).unwrap();
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            for paper in 0..3 {
                pool.assign(paper);
            }
        }));
        let message = run
            .err()
            .and_then(|panic| panic.downcast_ref::<String>().cloned());
        let _ = outcome_tx.send(message);
    });
    let message = outcome
        .recv_timeout(PATIENCE)
        .expect("assign kept waiting for employees who had all quit");
    assert!(
        message
            .as_deref()
            .is_some_and(|m| m.contains("every employee has quit")),
        "{message:?}"
    );
}
