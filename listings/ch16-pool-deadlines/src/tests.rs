use super::{AssignError, HireError, Pool, Report, check_args, lock};
use crossbeam_channel::{Receiver, Select, Sender, bounded, select, unbounded};
use std::sync::{Arc, Weak};
use std::thread;
use std::time::{Duration, Instant};

/// How long a test waits for something that must happen. A healthy run
/// needs milliseconds; a deadlocked one fails here instead of hanging.
const PATIENCE: Duration = Duration::from_secs(5);

/// How long a test watches for something that must NOT happen. This is not
/// synchronisation: a correct pool never does it, however long we watch;
/// a broken one does it at once, and this gives it every chance to.
const CHANCE: Duration = Duration::from_millis(100);

/// The timeout the deadline tests give `assign_timeout`.
const TIMEOUT: Duration = Duration::from_millis(50);

/// How late past its timeout `assign_timeout` may return: generous, for a
/// loaded machine that is slow to wake the manager up. A correct pool
/// needs microseconds of it.
const MARGIN: Duration = Duration::from_secs(2);

/// A pool of `u32` papers whose job the test steers. The job reports the
/// paper it holds, waits for a token from `gate`, then reports the paper
/// finished.
struct Office {
    /// Each token lets one employee finish the paper in hand. The first
    /// field, so it is dropped first: a failing test lets everyone go
    /// before the pool (which waits for them) is dropped.
    gate: Sender<()>,
    /// `None` once a test has taken the pool (to drop it).
    pool: Option<Arc<Pool<u32>>>,
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
            pool: Some(Arc::new(pool)),
            holding,
            finished,
            job,
        }
    }

    /// The pool, to share with a thread.
    fn pool(&self) -> Arc<Pool<u32>> {
        Arc::clone(self.pool.as_ref().expect("the pool was taken"))
    }

    /// The office's own handle on the pool: once the test drops it (and
    /// every copy), the pool is dropped.
    fn take_pool(&mut self) -> Arc<Pool<u32>> {
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

    /// Every paper finished so far.
    fn finished_so_far(&self) -> Vec<u32> {
        let mut done: Vec<u32> = self.finished.try_iter().collect();
        done.sort_unstable();
        done
    }

    fn team_has_gone_home(&self) -> bool {
        self.job.upgrade().is_none()
    }
}

/// Runs `work` on a thread of its own. The receiver hears what it returned
/// and whether, at that moment, the team had gone home.
fn in_background<T: Send + 'static>(
    job: Weak<()>,
    work: impl FnOnce() -> T + Send + 'static,
) -> Receiver<(T, bool)> {
    let (returned_tx, returned) = bounded(1);
    thread::spawn(move || {
        let value = work();
        let gone_home = job.upgrade().is_none();
        let _ = returned_tx.send((value, gone_home));
    });
    returned
}

/// Spins, yielding the processor, until `done()` holds; fails after
/// `PATIENCE`. Not a sleep: it checks the very thing it waits for.
fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "{what}");
        thread::yield_now();
    }
}

/// A paper that carries its own work. The work may capture an `Arc` of the
/// pool: that is how a job can reach its own pool.
type Work = Box<dyn FnOnce() + Send>;

/// Says when it is dropped: at the very end of a thread that owns it first.
struct SayWhenGone(Sender<()>);

impl Drop for SayWhenGone {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

/// A manager thread that owns a gate and a pool, assigns a paper that the
/// gate holds, then panics. `gate_after_pool` says which it binds last, and
/// so drops first while unwinding. `escape` lets the employee go too, so a
/// test can end a manager that is stuck. The receiver hears when the
/// manager's thread has ended.
fn a_manager_that_panics(gate_after_pool: bool, escape: Receiver<()>) -> Receiver<()> {
    let (gone_tx, gone) = bounded(1);
    thread::spawn(move || {
        let _say_when_gone = SayWhenGone(gone_tx); // bound first, dropped last
        let (gate, gate_rx) = unbounded::<()>();
        let mut gate_before = Some(gate);
        let pool = Pool::new(1, move |_paper: u32| {
            select! {
                recv(gate_rx) -> _ => {}
                recv(escape) -> _ => {}
            }
        })
        .expect("a team of one");
        let _gate_after = if gate_after_pool {
            gate_before.take()
        } else {
            None
        };
        let _ = pool.assign(0); // the employee now holds paper 0, at the gate
        panic!("on purpose: the manager fails while its gate holds an employee");
    });
    gone
}

#[test]
#[ntest::timeout(10_000)]
fn the_listing_takes_no_arguments() {
    assert_eq!(check_args(std::iter::empty()), Ok(()));
    let error = check_args(["--fast".to_string()].into_iter()).unwrap_err();
    assert!(
        error.contains("usage: cargo run -p ch16-pool-deadlines"),
        "{error}"
    );
    assert!(!error.contains('\n'), "one line: {error}");
}

// Still true from chapter 14.

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

#[test]
#[ntest::timeout(10_000)]
fn the_pool_hires_the_team_size_it_was_asked_for() {
    for team_size in [1, 3, 8] {
        let pool = Pool::<u32>::new(team_size, |_paper| {}).unwrap();
        assert_eq!(pool.team_size(), team_size);
        pool.shutdown();
        assert_eq!(pool.team_size(), team_size);
    }
}

#[test]
#[ntest::timeout(10_000)]
fn assign_returns_only_once_an_employee_has_taken_the_paper() {
    let office = Office::hire(2);
    let pool = office.pool();

    // Papers 0 and 1: each assign returns once an employee holds it.
    pool.assign(0).unwrap();
    pool.assign(1).unwrap();
    assert_eq!(office.wait_until_holding(2), [0, 1]);

    // Both employees are busy: nobody can take paper 2, so its assign waits.
    let returned = in_background(office.job.clone(), move || pool.assign(2));
    assert!(
        returned.recv_timeout(CHANCE).is_err(),
        "assign returned while every employee held a paper"
    );

    // One employee finishes, comes back, and takes paper 2.
    office.release(1);
    let (assigned, _) = returned
        .recv_timeout(PATIENCE)
        .expect("assign still waiting after an employee came back");
    assert_eq!(assigned, Ok(()));
    assert_eq!(office.wait_until_holding(1), [2]);
    office.release(2);
}

#[test]
#[ntest::timeout(10_000)]
fn every_paper_is_processed_exactly_once_and_counted() {
    let papers = 1_000;
    let office = Office::hire(4);
    office.release(papers as usize); // nobody is held up
    let pool = office.pool();
    for paper in 0..papers {
        pool.assign(paper).unwrap();
    }
    let report = pool.shutdown();
    assert_eq!(
        report,
        Report {
            done: papers.into()
        }
    );
    assert_eq!(office.finished_so_far(), (0..papers).collect::<Vec<_>>());
}

#[test]
#[ntest::timeout(10_000)]
fn shutdown_waits_for_every_employee_to_go_home() {
    let office = Office::hire(3);
    let pool = office.pool();
    for paper in 0..3 {
        pool.assign(paper).unwrap();
    }
    assert_eq!(office.wait_until_holding(3), [0, 1, 2]);

    let returned = in_background(office.job.clone(), move || pool.shutdown());
    assert!(
        returned.recv_timeout(CHANCE).is_err(),
        "shutdown returned while employees still held papers"
    );
    office.release(3);
    let (report, gone_home) = returned
        .recv_timeout(PATIENCE)
        .expect("shutdown never returned");
    assert!(
        gone_home,
        "shutdown returned before every employee went home"
    );
    assert_eq!(report, Report { done: 3 });
    assert_eq!(office.finished_so_far(), [0, 1, 2]);
}

// New in this chapter.

// ANCHOR: busy
#[test]
#[ntest::timeout(10_000)]
fn shutdown_while_busy_finishes_what_was_handed_off_and_starts_nothing_after() {
    let office = Office::hire(3);
    let pool = office.pool();
    for paper in 0..3 {
        pool.assign(paper).unwrap();
    }
    assert_eq!(office.wait_until_holding(3), [0, 1, 2]);

    // Another manager thread keeps assigning papers 3, 4, 5, ... until one
    // comes back. Paper 3 waits: every employee is busy.
    let assigner = {
        let pool = office.pool();
        in_background(office.job.clone(), move || {
            let mut accepted = Vec::new();
            for paper in 3.. {
                match pool.assign(paper) {
                    Ok(()) => accepted.push(paper),
                    Err(AssignError::ShutDown(back)) => return (accepted, back),
                    Err(other) => panic!("{other:?}"),
                }
            }
            unreachable!("the pool never shut down")
        })
    };

    // Shut down while every employee holds a paper.
    let shutdown = in_background(office.job.clone(), move || pool.shutdown());
    assert!(
        shutdown.recv_timeout(CHANCE).is_err(),
        "shutdown returned while employees still held papers"
    );

    // Wait until the shutdown has taken the pool's Sender: from then on,
    // no new paper gets in. Then let everyone finish: the three papers in
    // hand, and paper 3 if it was on its way when the signal went out.
    let watched = office.pool();
    wait_until("shutdown never took the pool's Sender", || {
        lock(&watched.hand_off).is_none()
    });
    office.release(4);
    let (report, gone_home) = shutdown
        .recv_timeout(PATIENCE)
        .expect("shutdown never returned");
    let ((accepted, came_back), _) = assigner
        .recv_timeout(PATIENCE)
        .expect("assign never returned");

    // All threads joined: nothing can start any more.
    assert!(
        gone_home,
        "shutdown returned before every employee went home"
    );
    // Every paper handed off was finished, and counted.
    let mut handed_off: Vec<u32> = (0..3).chain(accepted).collect();
    handed_off.sort_unstable();
    assert_eq!(office.finished_so_far(), handed_off);
    assert_eq!(report.done, handed_off.len() as u64);
    // The paper that came back was never started.
    let started: Vec<u32> = office.holding.try_iter().collect();
    assert!(!started.contains(&came_back), "{came_back} in {started:?}");
}
// ANCHOR_END: busy

#[test]
#[ntest::timeout(10_000)]
fn shutdown_twice_is_fine_and_reports_the_same() {
    let office = Office::hire(2);
    office.release(5);
    let pool = office.pool();
    for paper in 0..5 {
        pool.assign(paper).unwrap();
    }
    assert_eq!(pool.shutdown(), Report { done: 5 });
    assert_eq!(pool.shutdown(), Report { done: 5 });
}

// ANCHOR: twice
#[test]
#[ntest::timeout(10_000)]
fn a_second_shutdown_at_the_same_time_also_waits_for_the_team() {
    let office = Office::hire(2);
    let pool = office.pool();
    pool.assign(0).unwrap();
    pool.assign(1).unwrap();
    assert_eq!(office.wait_until_holding(2), [0, 1]);

    let first = in_background(office.job.clone(), {
        let pool = office.pool();
        move || pool.shutdown()
    });
    let second = in_background(office.job.clone(), move || pool.shutdown());
    for shutdown in [&first, &second] {
        assert!(
            shutdown.recv_timeout(CHANCE).is_err(),
            "a shutdown returned while employees still held papers"
        );
    }
    office.release(2);
    for shutdown in [first, second] {
        let (report, gone_home) = shutdown.recv_timeout(PATIENCE).expect("never returned");
        assert!(gone_home, "a shutdown returned before the team went home");
        assert_eq!(report, Report { done: 2 });
    }
}
// ANCHOR_END: twice

// ANCHOR: after
#[test]
#[ntest::timeout(10_000)]
fn assign_after_shutdown_hands_the_paper_back() {
    let office = Office::hire(2);
    let pool = office.pool();
    pool.shutdown();
    assert!(office.team_has_gone_home());

    let error = pool.assign(7).unwrap_err();
    assert_eq!(error.to_string(), "the pool is shut down");
    assert_eq!(error, AssignError::ShutDown(7));
    // Nobody ever started it.
    assert_eq!(office.holding.try_iter().count(), 0);
}
// ANCHOR_END: after

#[test]
#[ntest::timeout(10_000)]
fn assign_hands_back_papers_that_are_not_copy() {
    // The paper is moved into `assign`, and moved back out in the error.
    let pool = Pool::new(1, |_paper: String| {}).unwrap();
    pool.shutdown();
    let paper = String::from("the only copy");
    assert_eq!(
        pool.assign(paper),
        Err(AssignError::ShutDown(String::from("the only copy")))
    );
}

// ANCHOR: drop
#[test]
#[ntest::timeout(10_000)]
fn dropping_the_pool_waits_for_the_team() {
    let mut office = Office::hire(2);
    let pool = office.take_pool();
    pool.assign(0).unwrap();
    pool.assign(1).unwrap();
    assert_eq!(office.wait_until_holding(2), [0, 1]);

    // Drop the pool (its only handle) on another thread.
    let dropped = in_background(office.job.clone(), move || drop(pool));
    assert!(
        dropped.recv_timeout(CHANCE).is_err(),
        "the pool was dropped while employees still held papers: they run on, detached"
    );
    office.release(2);
    let ((), gone_home) = dropped.recv_timeout(PATIENCE).expect("drop never returned");
    assert!(gone_home, "drop returned before every employee went home");
    assert_eq!(office.finished_so_far(), [0, 1]);
}
// ANCHOR_END: drop

#[test]
#[ntest::timeout(10_000)]
fn when_every_employee_has_quit_assign_hands_the_paper_back() {
    // The job panics, so each employee quits on its first paper. Once
    // they are all gone, nobody can take a paper: it comes back, and the
    // pool still shuts down cleanly.
    let pool = Pool::<u32>::new(2, |_paper| panic!("on purpose")).unwrap();
    let (outcome_tx, outcome) = bounded(1);
    thread::spawn(move || {
        let mut paper = 0;
        let back = loop {
            match pool.assign(paper) {
                Ok(()) => paper += 1,
                Err(AssignError::ShutDown(back)) => break back,
                Err(other) => panic!("{other:?}"),
            }
        };
        let _ = outcome_tx.send((paper, back, pool.shutdown()));
    });
    let (taken, back, report) = outcome
        .recv_timeout(PATIENCE)
        .expect("assign kept waiting for employees who had all quit");
    assert_eq!(taken, 2, "each employee took one paper, then quit");
    assert_eq!(back, 2);
    assert_eq!(report, Report { done: 0 });
}

// New in this chapter.

/// Waits until an employee is blocked in `recv`, waiting for a paper.
/// crossbeam's `Select::ready_deadline` on a send returns once a send would
/// not have to wait: on a rendezvous channel, once a receiver is waiting.
/// It may wake up without reason, so `try_ready` checks again. An employee
/// blocked in `recv` stays there until a paper or the shutdown signal comes,
/// so after this returns, the test's next send pairs with it at once.
fn wait_until_an_employee_waits(pool: &Pool<u32>) {
    let hand_off = pool.hand_off().expect("the pool is shut down");
    let deadline = Instant::now() + PATIENCE;
    let mut select = Select::new();
    select.send(&hand_off);
    loop {
        select
            .ready_deadline(deadline)
            .expect("no employee came to wait for a paper");
        if select.try_ready().is_ok() {
            return;
        }
    }
}

// ANCHOR: busy_timeout
#[test]
#[ntest::timeout(10_000)]
fn with_every_employee_busy_the_same_paper_comes_back_in_time() {
    let office = Office::hire(2);
    let pool = office.pool();
    pool.assign(0).unwrap();
    pool.assign(1).unwrap();
    assert_eq!(office.wait_until_holding(2), [0, 1]);

    // Both employees are held at their papers: nobody can take paper 7.
    let returned = in_background(office.job.clone(), move || {
        let start = Instant::now();
        let assigned = pool.assign_timeout(7, TIMEOUT);
        (assigned, start.elapsed())
    });
    let ((assigned, waited), _) = returned
        .recv_timeout(TIMEOUT + MARGIN)
        .expect("assign_timeout did not give up in time");

    assert_eq!(assigned, Err(AssignError::Timeout(7)));
    assert!(waited >= TIMEOUT, "gave up early, after {waited:?}");
    // Nobody ever started paper 7.
    office.release(2);
    assert_eq!(office.holding.try_iter().count(), 0);
}
// ANCHOR_END: busy_timeout

// ANCHOR: idle_timeout
#[test]
#[ntest::timeout(10_000)]
fn with_an_employee_waiting_the_paper_is_delivered() {
    let office = Office::hire(2);
    let pool = office.pool();

    wait_until_an_employee_waits(&pool);
    assert_eq!(pool.assign_timeout(7, TIMEOUT), Ok(()));
    assert_eq!(office.wait_until_holding(1), [7]);
    office.release(1);
    assert_eq!(pool.shutdown(), Report { done: 1 });
}
// ANCHOR_END: idle_timeout

#[test]
#[ntest::timeout(10_000)]
fn an_employee_who_comes_back_in_time_takes_the_paper() {
    let office = Office::hire(1);
    let pool = office.pool();
    pool.assign(0).unwrap();
    assert_eq!(office.wait_until_holding(1), [0]);

    // The only employee is busy; the manager is willing to wait.
    let returned = in_background(office.job.clone(), {
        let pool = office.pool();
        move || pool.assign_timeout(1, PATIENCE)
    });
    assert!(returned.recv_timeout(CHANCE).is_err(), "it gave up early");
    // The employee finishes paper 0, comes back, and takes paper 1.
    office.release(2);
    let (assigned, _) = returned.recv_timeout(PATIENCE).expect("never returned");
    assert_eq!(assigned, Ok(()));
    assert_eq!(pool.shutdown(), Report { done: 2 });
}

// ANCHOR: zero
#[test]
#[ntest::timeout(10_000)]
fn a_zero_timeout_hands_off_only_to_an_employee_already_waiting() {
    let office = Office::hire(1);
    let pool = office.pool();

    // An employee waiting in `recv`: the paper is delivered, first time.
    wait_until_an_employee_waits(&pool);
    assert_eq!(pool.assign_timeout(7, Duration::ZERO), Ok(()));
    assert_eq!(office.wait_until_holding(1), [7]);

    // The employee is held at paper 7: paper 8 comes back. A pool that
    // waited instead would wait until the test's own time limit.
    assert_eq!(
        pool.assign_timeout(8, Duration::ZERO),
        Err(AssignError::Timeout(8))
    );

    office.release(1);
    assert_eq!(pool.shutdown(), Report { done: 1 });
}
// ANCHOR_END: zero

#[test]
#[ntest::timeout(10_000)]
fn a_timeout_too_large_for_the_clock_waits_like_assign() {
    let office = Office::hire(1);
    let pool = office.pool();
    pool.assign(0).unwrap();
    assert_eq!(office.wait_until_holding(1), [0]);

    // `Instant::now() + Duration::MAX` cannot be represented: crossbeam
    // then waits with no bound, as `assign` does.
    let returned = in_background(office.job.clone(), {
        let pool = office.pool();
        move || pool.assign_timeout(1, Duration::MAX)
    });
    assert!(
        returned.recv_timeout(CHANCE).is_err(),
        "assign_timeout(Duration::MAX) gave up"
    );
    office.release(2);
    let (assigned, _) = returned.recv_timeout(PATIENCE).expect("never returned");
    assert_eq!(assigned, Ok(()));
}

// ANCHOR: timeout_after_shutdown
#[test]
#[ntest::timeout(10_000)]
fn assign_timeout_after_shutdown_hands_the_paper_back() {
    let pool = Pool::new(1, |_paper: u32| {}).expect("a team of one");
    pool.shutdown();
    // A pool that waited out any of these would not finish in time.
    let an_hour = Duration::from_secs(3_600);
    for timeout in [Duration::ZERO, an_hour, Duration::MAX] {
        assert_eq!(
            pool.assign_timeout(7, timeout),
            Err(AssignError::ShutDown(7))
        );
    }
}
// ANCHOR_END: timeout_after_shutdown

#[test]
#[ntest::timeout(10_000)]
fn the_errors_say_what_happened() {
    assert_eq!(
        AssignError::Timeout(7).to_string(),
        "no employee took the paper in time"
    );
    assert_eq!(
        AssignError::ShutDown(7).to_string(),
        "the pool is shut down"
    );
}

#[test]
#[ntest::timeout(10_000)]
fn a_manager_that_panics_drops_its_pool_and_waits_for_what_it_still_holds() {
    // Gate bound before the pool: unwinding drops the pool first, and its
    // drop waits for the employee the gate (not yet dropped) still holds.
    let (escape, escape_rx) = unbounded::<()>();
    let gone = a_manager_that_panics(false, escape_rx);
    assert!(
        gone.recv_timeout(CHANCE).is_err(),
        "the pool's drop did not wait for the held employee"
    );
    drop(escape);
    gone.recv_timeout(PATIENCE)
        .expect("the manager never ended, even with the employee let go");

    // Gate bound after the pool: it is dropped first, the employee goes,
    // and the pool's drop returns.
    let (_escape, escape_rx) = unbounded::<()>();
    let gone = a_manager_that_panics(true, escape_rx);
    gone.recv_timeout(PATIENCE)
        .expect("the manager is stuck: was the gate dropped after the pool?");
}

#[test]
#[ntest::timeout(10_000)]
fn a_job_that_shuts_down_its_own_pool_does_not_wait_for_itself() {
    let pool: Arc<Pool<Work>> = Arc::new(Pool::new(2, |work: Work| work()).expect("a team of two"));
    let (inside_tx, inside) = unbounded();
    let (gate, gate_rx) = unbounded::<()>();
    let own = Arc::clone(&pool);
    let work: Work = Box::new(move || {
        let _ = inside_tx.send(own.shutdown());
        let _ = gate_rx.recv(); // holds this employee until the test lets go
    });
    assert!(pool.assign(work).is_ok(), "the pool refused the paper");

    // Inside the job, shutdown waited for the other employee, not for its own.
    let inside = inside
        .recv_timeout(PATIENCE)
        .expect("shutdown inside a job never returned, or panicked");
    assert_eq!(inside.done, 0, "the job's own paper cannot be done yet");

    // The job's employee was not forgotten: a shutdown from outside waits for it.
    let (outside_tx, outside) = bounded(1);
    let shut = Arc::clone(&pool);
    thread::spawn(move || {
        let _ = outside_tx.send(shut.shutdown());
    });
    assert!(
        outside.recv_timeout(CHANCE).is_err(),
        "shutdown returned while an employee still worked: its handle was lost"
    );
    drop(gate);
    let outside = outside.recv_timeout(PATIENCE).expect("never returned");
    assert_eq!(outside.done, 1);
}

#[test]
#[ntest::timeout(10_000)]
fn a_job_that_shuts_down_its_pool_during_a_shutdown_does_not_tie_a_knot() {
    let pool: Arc<Pool<Work>> = Arc::new(Pool::new(1, |work: Work| work()).expect("a team of one"));
    let (go, go_rx) = unbounded::<()>();
    let (inside_tx, inside) = unbounded();
    let own = Arc::clone(&pool);
    let work: Work = Box::new(move || {
        let _ = go_rx.recv();
        let _ = inside_tx.send(own.shutdown());
    });
    assert!(pool.assign(work).is_ok(), "the pool refused the paper");

    // A shutdown from outside takes the list of the team and waits for the
    // only employee, who is still at the paper.
    let (outside_tx, outside) = bounded(1);
    let shut = Arc::clone(&pool);
    thread::spawn(move || {
        let _ = outside_tx.send(shut.shutdown());
    });
    let deadline = Instant::now() + PATIENCE;
    while pool.team.try_lock().is_ok() {
        assert!(
            Instant::now() < deadline,
            "the shutdown never took the list"
        );
        thread::yield_now(); // a bounded spin on the very thing awaited
    }

    // Now the job shuts down its own pool. It must not wait for the list:
    // its holder is waiting for this very employee.
    drop(go);
    inside
        .recv_timeout(PATIENCE)
        .expect("the job waited for a shutdown that waits for it");
    outside
        .recv_timeout(PATIENCE)
        .expect("the shutdown from outside never returned");
}

#[test]
#[ntest::timeout(10_000)]
fn a_job_that_drops_the_last_handle_on_its_pool_waits_for_the_others_only() {
    let pool: Arc<Pool<Work>> = Arc::new(Pool::new(2, |work: Work| work()).expect("a team of two"));
    // Paper A holds one employee at a gate.
    let (holding_tx, holding) = unbounded();
    let (gate, gate_rx) = unbounded::<()>();
    let hold: Work = Box::new(move || {
        let _ = holding_tx.send(());
        let _ = gate_rx.recv();
    });
    assert!(pool.assign(hold).is_ok(), "the pool refused paper A");
    holding
        .recv_timeout(PATIENCE)
        .expect("paper A was never started");

    // Paper B, on the other employee, drops the pool once the test lets go
    // of it, then says so.
    let (go, go_rx) = unbounded::<()>();
    let (dropped_tx, dropped) = unbounded();
    let own = Arc::clone(&pool);
    let drop_it: Work = Box::new(move || {
        let _ = go_rx.recv();
        drop(own);
        let _ = dropped_tx.send(());
    });
    assert!(pool.assign(drop_it).is_ok(), "the pool refused paper B");
    drop(pool); // paper B now holds the only handle on the pool
    drop(go);

    assert!(
        dropped.recv_timeout(CHANCE).is_err(),
        "the drop did not wait for the employee still at paper A"
    );
    drop(gate);
    dropped
        .recv_timeout(PATIENCE)
        .expect("dropping its own pool killed the job's employee, or hung");
}

// ANCHOR: knot
#[test]
#[ntest::timeout(10_000)]
fn a_job_that_assigns_to_its_own_pool_can_tie_a_knot() {
    // A team of one, and a job that assigns to its own pool. The only
    // employee is busy with that very job, so nobody can take the paper:
    // with `assign`, the job would wait forever, and so would shutdown.
    let pool: Arc<Pool<Work>> = Arc::new(Pool::new(1, |work: Work| work()).expect("a team of one"));
    let (came_back_tx, came_back) = unbounded();
    let own = Arc::clone(&pool);
    let knot: Work = Box::new(move || {
        let inner: Work = Box::new(|| {});
        let assigned = own.assign_timeout(inner, Duration::from_millis(50));
        let _ = came_back_tx.send(matches!(assigned, Err(AssignError::Timeout(_))));
    });
    assert!(pool.assign(knot).is_ok(), "the pool refused the paper");
    assert_eq!(
        came_back.recv_timeout(PATIENCE),
        Ok(true),
        "the inner paper should have come back: nobody was free to take it"
    );
}
// ANCHOR_END: knot
