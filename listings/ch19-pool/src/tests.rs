//! The pool's tests. Every test is bounded in time (`ntest::timeout`, left
//! out under Miri, which is slow) and none sleeps to synchronise: threads
//! wait on channels and joins; a sleep never stands for "the other thread
//! is done".

use super::*;

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Once;
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender, TryRecvError, bounded, unbounded};

/// Bounds every wait for something that must happen: a deadlock fails
/// the test instead of hanging it.
const PATIENCE: Duration = Duration::from_secs(5);
/// How long a test watches for something that must NOT happen. A correct
/// pool never does it, however long we watch; a broken one usually does
/// it within microseconds, and this gives it every chance to. It is a
/// bound, not a proof: a broken pool slower than this would pass.
const CHANCE: Duration = Duration::from_millis(100);
/// Slack allowed on top of a timeout, for a loaded machine.
const MARGIN: Duration = Duration::from_secs(2);

// ANCHOR: office
/// The papers of the test office.
#[derive(Debug, PartialEq, Eq)]
enum Paper {
    /// Done at once; the result is the number.
    Quick(u64),
    /// The job panics on it, on purpose.
    Torn(u64),
    /// The employee holds it until the test lets go (see `Office::release`).
    Held(u64),
}

/// A pool whose employees can be held at their papers, and that records
/// what they did.
struct Office {
    /// First, so that it is dropped first if a test fails: the employees
    /// are let go, and the pool's drop does not wait forever.
    gate: Sender<()>,
    pool: Pool<Paper, u64>,
    /// A `Held` paper's number, as an employee starts on it.
    holding: Receiver<u64>,
    /// The `Held` papers finished so far.
    finished: Arc<Mutex<Vec<u64>>>,
    /// One message per employee thread that has ended, once it has taken
    /// a paper (see `clock_in`).
    gone_home: Receiver<()>,
}

impl Office {
    fn hire(team_size: usize) -> Office {
        let (gate, wait_at_gate) = unbounded::<()>();
        let (holding_tx, holding) = unbounded();
        let (gone_home_tx, gone_home) = unbounded();
        let finished = Arc::new(Mutex::new(Vec::new()));
        let job = {
            let finished = Arc::clone(&finished);
            move |paper: Paper| {
                clock_in(&gone_home_tx);
                match paper {
                    Paper::Quick(n) => n,
                    Paper::Torn(n) => panic!("{ON_PURPOSE}: paper {n}"),
                    Paper::Held(n) => {
                        holding_tx.send(n).unwrap();
                        // Err only once the test has dropped the gate.
                        let _ = wait_at_gate.recv();
                        finished.lock().unwrap().push(n);
                        n
                    }
                }
            }
        };
        Office {
            gate,
            pool: Pool::new(team_size, job).unwrap(),
            holding,
            finished,
            gone_home,
        }
    }

    /// Lets `n` held papers be finished (now or as they arrive).
    fn release(&self, n: usize) {
        for _ in 0..n {
            self.gate.send(()).unwrap();
        }
    }

    /// Waits until `n` more `Held` papers are in employees' hands at once.
    fn wait_until_holding(&self, n: usize) -> Vec<u64> {
        let mut held: Vec<u64> = (0..n)
            .map(|_| {
                self.holding
                    .recv_timeout(PATIENCE)
                    .expect("an employee never started on a held paper")
            })
            .collect();
        held.sort_unstable();
        held
    }

    fn finished(&self) -> Vec<u64> {
        let mut finished = self.finished.lock().unwrap().clone();
        finished.sort_unstable();
        finished
    }

    /// How many employee threads have ended so far.
    fn gone_home(&self) -> usize {
        self.gone_home.try_iter().count()
    }
}

/// Sends on `gone_home` when it is dropped.
struct TimeCard(Sender<()>);

impl Drop for TimeCard {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

thread_local! {
    static TIME_CARD: RefCell<Option<TimeCard>> = const { RefCell::new(None) };
}

/// The employee's first paper leaves a time card in its thread. A thread's
/// locals are dropped as it ends, before `join` returns: once `shutdown`
/// has joined the team, every card has been sent.
fn clock_in(gone_home: &Sender<()>) {
    TIME_CARD.with(|card| {
        card.borrow_mut()
            .get_or_insert_with(|| TimeCard(gone_home.clone()));
    });
}
// ANCHOR_END: office

/// Panics on purpose start with this; `quiet_panics_on_purpose` keeps
/// them off stderr. Any other panic (a failing assert) is still printed.
const ON_PURPOSE: &str = "on purpose";

fn quiet_panics_on_purpose() {
    static QUIET: Once = Once::new();
    QUIET.call_once(|| {
        let default_hook = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let text = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied());
            let on_purpose = text.is_some_and(|text| text.starts_with(ON_PURPOSE));
            if !on_purpose && !payload.is::<Explosive>() {
                default_hook(info);
            }
        }));
    });
}

/// Every outcome still waiting on the channel, by ticket; a ticket seen
/// twice fails the test.
fn outcomes_by_ticket<R: std::fmt::Debug>(
    pool: &Pool<impl Sized, R>,
) -> HashMap<Ticket, Outcome<R>> {
    let mut outcomes = HashMap::new();
    for outcome in pool.outcomes().try_iter() {
        let ticket = outcome.ticket;
        if let Some(first) = outcomes.insert(ticket, outcome) {
            panic!("two outcomes for {ticket:?}; the first: {first:?}");
        }
    }
    outcomes
}

/// Waits until an employee is at the desk, waiting for a paper. Only the
/// test hands off papers, so the employee stays there until it does.
fn wait_until_an_employee_waits<P, R>(pool: &Pool<P, R>) {
    wait_until("an employee waits for a paper", || pool.desk.waiting() > 0);
}

/// Waits until `happened()` is true; fails the test after PATIENCE. For
/// a state of the pool's insides that no channel reports (the tests are
/// in the library's own module, so they can look).
fn wait_until(what: &str, happened: impl Fn() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !happened() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        thread::yield_now();
    }
}

/// How many tickets the pool has given out: a manager that has its
/// ticket has begun its hand-off at the desk.
fn tickets_given<P, R>(pool: &Pool<P, R>) -> u64 {
    pool.next_ticket.load(Ordering::Relaxed)
}

// ---------------------------------------------------------------------
// Exactly once
// ---------------------------------------------------------------------

/// A small pseudo-random number per paper (xorshift64).
fn random(paper: u64) -> u64 {
    let mut x = paper.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

/// Work that takes a random little time: a spin of 0 to 20 µs. (Under
/// Miri, half the papers just let another thread run.)
fn work_on(paper: u64) -> u64 {
    if cfg!(miri) {
        if random(paper).is_multiple_of(2) {
            thread::yield_now();
        }
    } else {
        let spin = Duration::from_micros(random(paper) % 21);
        let start = Instant::now();
        while start.elapsed() < spin {
            std::hint::spin_loop();
        }
    }
    paper
}

const PAPERS: u64 = if cfg!(miri) { 200 } else { 10_000 };

// ANCHOR: exactly_once
fn every_outcome_arrives_exactly_once(team_size: usize, managers: u64) {
    let pool = Pool::new(team_size, work_on).unwrap();
    // Each manager hands off its share of the papers, at the same time.
    let share = PAPERS / managers;
    let given: Vec<Vec<(Ticket, u64)>> = thread::scope(|scope| {
        let pool = &pool;
        let managers: Vec<_> = (0..managers)
            .map(|m| scope.spawn(move || assign_all(pool, m * share..(m + 1) * share)))
            .collect();
        managers.into_iter().map(|m| m.join().unwrap()).collect()
    });
    let mut paper_on_ticket = HashMap::new();
    for (ticket, paper) in given.into_iter().flatten() {
        let twice = paper_on_ticket.insert(ticket, paper);
        assert_eq!(twice, None, "{ticket:?} given twice");
    }
    let report = pool.shutdown();
    assert_eq!(
        report,
        Report {
            done: PAPERS,
            panicked: 0
        }
    );

    // One outcome per ticket (no more: outcomes_by_ticket checks), each
    // the result of that ticket's paper.
    let outcomes = outcomes_by_ticket(&pool);
    assert_eq!(outcomes.len(), paper_on_ticket.len());
    for (ticket, paper) in paper_on_ticket {
        let outcome = &outcomes[&ticket];
        assert_eq!(outcome.result, Ok(paper), "{ticket:?}");
    }
}

/// One manager's share: its tickets rise in the order of its assigns.
fn assign_all(pool: &Pool<u64, u64>, papers: std::ops::Range<u64>) -> Vec<(Ticket, u64)> {
    let mut given: Vec<(Ticket, u64)> = Vec::new();
    for paper in papers {
        let ticket = pool.assign(paper).unwrap();
        if let Some(&(last, _)) = given.last() {
            assert!(ticket > last, "{ticket:?} after {last:?}");
        }
        given.push((ticket, paper));
    }
    given
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(60_000))]
fn exactly_once_with_a_team_of_1() {
    every_outcome_arrives_exactly_once(1, 1);
}
// ANCHOR_END: exactly_once

#[test]
#[cfg_attr(not(miri), ntest::timeout(60_000))]
fn exactly_once_with_4_managers_and_a_team_of_3() {
    every_outcome_arrives_exactly_once(3, 4);
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(60_000))]
#[cfg_attr(miri, ignore = "Miri runs the team of 3 instead")]
fn exactly_once_with_a_team_of_2() {
    every_outcome_arrives_exactly_once(2, 1);
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(60_000))]
fn exactly_once_with_a_team_of_3() {
    every_outcome_arrives_exactly_once(3, 1);
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(60_000))]
#[cfg_attr(miri, ignore = "Miri runs the teams of 1 and 3")]
fn exactly_once_with_a_team_of_8() {
    every_outcome_arrives_exactly_once(8, 1);
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(60_000))]
#[cfg_attr(miri, ignore = "Miri runs the teams of 1 and 3")]
fn exactly_once_with_a_team_of_32() {
    every_outcome_arrives_exactly_once(32, 1);
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn an_employee_never_waits_to_report_an_outcome() {
    // Nobody reads the outcomes until the end. With a rendezvous for the
    // outcomes, the one employee would wait to report its first paper,
    // and the second assign would wait forever.
    let pool = Pool::new(1, |paper: u64| paper).unwrap();
    for paper in 0..100 {
        pool.assign(paper).unwrap();
    }
    pool.shutdown();
    assert_eq!(pool.outcomes().try_iter().count(), 100);
    // The team has gone home: the channel is now disconnected.
    assert!(pool.outcomes().recv().is_err());
}

// ---------------------------------------------------------------------
// Shutdown
// ---------------------------------------------------------------------

// ANCHOR: shutdown_while_busy
#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn shutdown_while_busy_finishes_every_paper_in_hand_and_joins_the_team() {
    let office = Office::hire(3);
    for n in 0..3 {
        office.pool.assign(Paper::Held(n)).unwrap();
    }
    assert_eq!(office.wait_until_holding(3), [0, 1, 2]);

    let (returned_tx, returned) = bounded(1);
    thread::scope(|scope| {
        scope.spawn(|| returned_tx.send(office.pool.shutdown()).unwrap());

        // Shutdown waits while the employees hold their papers.
        assert!(
            returned.recv_timeout(CHANCE).is_err(),
            "shutdown returned while employees held papers"
        );
        // Meanwhile, the pool takes no new paper: it comes back at once.
        // (Shutdown has begun once the desk is closing.)
        wait_until("shutdown closed the desk", || office.pool.desk.closing());
        assert_eq!(
            office.pool.assign(Paper::Quick(99)),
            Err(AssignError::ShutDown(Paper::Quick(99)))
        );

        office.release(3);
    });
    let report = returned.recv().unwrap();

    // Every paper in hand was finished; the team has gone home.
    assert_eq!(
        report,
        Report {
            done: 3,
            panicked: 0
        }
    );
    assert_eq!(office.finished(), [0, 1, 2]);
    assert_eq!(office.gone_home(), 3, "an employee thread was not joined");
    // Nothing was started after shutdown returned, and nothing can be.
    assert_eq!(
        office.pool.assign(Paper::Held(7)),
        Err(AssignError::ShutDown(Paper::Held(7)))
    );
    assert_eq!(office.holding.try_recv(), Err(TryRecvError::Disconnected));
}
// ANCHOR_END: shutdown_while_busy

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn a_paper_being_handed_off_when_shutdown_begins_is_finished() {
    // A second manager is handing off while the first shuts down: its
    // paper is taken and done, not lost.
    let office = Office::hire(1);
    office.pool.assign(Paper::Held(0)).unwrap();
    office.wait_until_holding(1);
    let (assigned_tx, assigned) = bounded(1);
    let (returned_tx, returned) = bounded(1);
    thread::scope(|scope| {
        let pool = &office.pool;
        scope.spawn(move || assigned_tx.send(pool.assign(Paper::Quick(1))).unwrap());
        // Once it has its ticket, its hand-off has begun: the team will
        // wait for it.
        wait_until("the second manager took a ticket", || {
            tickets_given(pool) == 2
        });
        assert!(
            assigned.recv_timeout(CHANCE).is_err(),
            "assign returned while the only employee was held"
        );
        scope.spawn(move || returned_tx.send(pool.shutdown()).unwrap());
        assert!(
            returned.recv_timeout(CHANCE).is_err(),
            "shutdown returned while the employee held a paper"
        );
        office.release(1);
    });
    let ticket = assigned
        .recv()
        .unwrap()
        .expect("the paper in flight was refused");
    let report = returned.recv().unwrap();
    assert_eq!(
        report,
        Report {
            done: 2,
            panicked: 0
        }
    );
    assert_eq!(outcomes_by_ticket(&office.pool)[&ticket].result, Ok(1));
    assert_eq!(office.gone_home(), 1);
}

// ANCHOR: drop
#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn dropping_the_pool_waits_for_the_team() {
    let Office {
        gate,
        pool,
        holding,
        finished,
        gone_home,
    } = Office::hire(2);
    pool.assign(Paper::Held(0)).unwrap();
    pool.assign(Paper::Held(1)).unwrap();
    for _ in 0..2 {
        holding.recv_timeout(PATIENCE).unwrap();
    }

    let (dropped_tx, dropped) = bounded(1);
    thread::spawn(move || {
        drop(pool);
        dropped_tx.send(()).unwrap();
    });
    assert!(
        dropped.recv_timeout(CHANCE).is_err(),
        "the pool was dropped while employees held papers: they are detached"
    );

    gate.send(()).unwrap();
    gate.send(()).unwrap();
    dropped.recv_timeout(PATIENCE).unwrap();
    let mut finished = finished.lock().unwrap().clone();
    finished.sort_unstable();
    assert_eq!(finished, [0, 1]);
    assert_eq!(
        gone_home.try_iter().count(),
        2,
        "an employee was not joined"
    );
}
// ANCHOR_END: drop

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn shutdown_can_be_called_again_and_reports_the_same() {
    let pool = Pool::new(2, |paper: u64| paper).unwrap();
    pool.assign(1).unwrap();
    pool.assign(2).unwrap();
    let report = pool.shutdown();
    assert_eq!(
        report,
        Report {
            done: 2,
            panicked: 0
        }
    );
    assert_eq!(pool.shutdown(), report);
    drop(pool); // shuts down a third time: nothing left to do
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn a_second_shutdown_waits_for_the_same_team() {
    let office = Office::hire(2);
    office.pool.assign(Paper::Held(0)).unwrap();
    office.wait_until_holding(1);
    let (returned_tx, returned) = unbounded();
    thread::scope(|scope| {
        for _ in 0..2 {
            let (returned_tx, pool) = (returned_tx.clone(), &office.pool);
            scope.spawn(move || returned_tx.send(pool.shutdown()).unwrap());
        }
        // Neither may return before the held paper is finished.
        assert!(returned.recv_timeout(CHANCE).is_err());
        office.release(1);
    });
    let reports: Vec<Report> = returned.try_iter().collect();
    assert_eq!(
        reports,
        [Report {
            done: 1,
            panicked: 0
        }; 2]
    );
}

// ---------------------------------------------------------------------
// Panics
// ---------------------------------------------------------------------

const STORM: u64 = if cfg!(miri) { 30 } else { 3_000 };
const EVERY_KTH: u64 = 3;

// ANCHOR: panic_storm
#[test]
#[cfg_attr(not(miri), ntest::timeout(30_000))]
fn a_panic_storm_loses_nothing_and_the_team_stays_at_full_strength() {
    quiet_panics_on_purpose();
    let team_size = 4;
    let office = Office::hire(team_size);

    // Every third paper tears.
    let mut paper_on_ticket = HashMap::new();
    for n in 0..STORM {
        let paper = match n % EVERY_KTH {
            0 => Paper::Torn(n),
            _ => Paper::Quick(n),
        };
        paper_on_ticket.insert(office.pool.assign(paper).unwrap(), n);
    }

    // The whole team is still there: team_size employees hold a paper
    // each, at the same time. (A team one short would leave the last
    // hand-off waiting until PATIENCE runs out.)
    for n in 0..team_size as u64 {
        let held = office.pool.assign_timeout(Paper::Held(n), PATIENCE);
        assert!(held.is_ok(), "the team is short of employees");
    }
    office.wait_until_holding(team_size);
    office.release(team_size);

    // The pool still shuts down cleanly, and every paper is accounted for.
    let report = office.pool.shutdown();
    let torn = STORM.div_ceil(EVERY_KTH);
    let done = STORM - torn + team_size as u64;
    assert_eq!(
        report,
        Report {
            done,
            panicked: torn
        }
    );
    assert_eq!(office.gone_home(), team_size);

    let outcomes = outcomes_by_ticket(&office.pool);
    assert_eq!(outcomes.len() as u64, STORM + team_size as u64);
    for (ticket, n) in paper_on_ticket {
        let expected = match n % EVERY_KTH {
            0 => Err(Panicked {
                message: format!("{ON_PURPOSE}: paper {n}"),
            }),
            _ => Ok(n),
        };
        assert_eq!(outcomes[&ticket].result, expected);
    }
}
// ANCHOR_END: panic_storm

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn the_panic_message_is_kept_when_it_is_text() {
    quiet_panics_on_purpose();
    let pool = Pool::new(1, |kind: u8| match kind {
        0 => panic!("{ON_PURPOSE}: a String"),
        1 => panic!("on purpose: a &str"),
        _ => panic::panic_any(ON_PURPOSE.len()), // neither: a usize
    })
    .unwrap();
    for kind in 0..3 {
        pool.assign(kind).unwrap();
    }
    pool.shutdown();
    let messages: Vec<String> = pool
        .outcomes()
        .try_iter()
        .map(|outcome| outcome.result.unwrap_err().message)
        .collect();
    assert_eq!(
        messages,
        ["on purpose: a String", "on purpose: a &str", "Box<dyn Any>"]
    );
}

// ---------------------------------------------------------------------
// Deadlines
// ---------------------------------------------------------------------

// ANCHOR: deadlines
#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn under_load_a_timed_assign_hands_the_paper_back_in_time() {
    let office = Office::hire(2);
    office.pool.assign(Paper::Held(0)).unwrap();
    office.pool.assign(Paper::Held(1)).unwrap();
    office.wait_until_holding(2); // every employee is busy

    let timeout = Duration::from_millis(100);
    let start = Instant::now();
    let back = office.pool.assign_timeout(Paper::Quick(7), timeout);
    let waited = start.elapsed();
    assert_eq!(back, Err(AssignError::Timeout(Paper::Quick(7))));
    assert!(waited >= timeout, "gave up early, after {waited:?}");
    assert!(waited < timeout + MARGIN, "gave up late, after {waited:?}");

    // One employee comes back: the same timed assign is delivered.
    office.release(1);
    let ticket = office.pool.assign_timeout(Paper::Quick(7), PATIENCE);
    let ticket = ticket.expect("an idle employee did not take the paper");
    office.release(1);
    office.pool.shutdown();
    assert_eq!(outcomes_by_ticket(&office.pool)[&ticket].result, Ok(7));
}
// ANCHOR_END: deadlines

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn a_waiting_assign_does_not_hold_up_another_manager() {
    // A manager stuck in `assign` holds the desk, and another one waits
    // for the desk: it still gives up in time.
    let office = Office::hire(1);
    office.pool.assign(Paper::Held(0)).unwrap();
    office.wait_until_holding(1);
    thread::scope(|scope| {
        let (stuck_tx, stuck) = bounded(1);
        let pool = &office.pool;
        scope.spawn(move || stuck_tx.send(pool.assign(Paper::Quick(1))).unwrap());
        // The other manager has its ticket: it has begun its hand-off.
        wait_until("the other manager took a ticket", || {
            tickets_given(pool) == 2
        });
        // It waits: nobody is free.
        assert!(stuck.recv_timeout(CHANCE).is_err());

        let timeout = Duration::from_millis(100);
        let start = Instant::now();
        let back = office.pool.assign_timeout(Paper::Quick(2), timeout);
        assert_eq!(back, Err(AssignError::Timeout(Paper::Quick(2))));
        assert!(start.elapsed() < timeout + MARGIN);

        office.release(1);
        assert!(stuck.recv_timeout(PATIENCE).unwrap().is_ok());
    });
}

// ANCHOR: zero_timeout
#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn a_zero_timeout_hands_off_only_to_an_employee_already_waiting() {
    let office = Office::hire(1);
    office.pool.assign(Paper::Held(0)).unwrap();
    office.wait_until_holding(1);

    // Busy: the paper comes back at once.
    let start = Instant::now();
    let back = office.pool.assign_timeout(Paper::Quick(1), Duration::ZERO);
    assert_eq!(back, Err(AssignError::Timeout(Paper::Quick(1))));
    assert!(start.elapsed() < MARGIN, "a zero timeout waited");

    // The employee finishes and comes back to wait at the desk: now the
    // first zero-timeout assign is taken.
    office.release(1);
    wait_until_an_employee_waits(&office.pool);
    let ticket = office.pool.assign_timeout(Paper::Quick(2), Duration::ZERO);
    let ticket = ticket.expect("the waiting employee did not take the paper");
    office.pool.shutdown();
    assert_eq!(outcomes_by_ticket(&office.pool)[&ticket].result, Ok(2));
}
// ANCHOR_END: zero_timeout

// ---------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------

// ANCHOR: bad_input
#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn a_team_of_zero_is_refused() {
    let refused = Pool::<u64>::new(0, |_paper| {});
    assert_eq!(refused.err(), Some(HireError::NoEmployees));
    assert_eq!(
        HireError::NoEmployees.to_string(),
        "a pool needs at least one employee"
    );
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn after_shutdown_every_assign_hands_the_paper_back() {
    let pool = Pool::new(2, |paper: String| paper.len()).unwrap();
    pool.shutdown();
    let memo = || "memo".to_string();
    assert_eq!(pool.assign(memo()), Err(AssignError::ShutDown(memo())));
    for timeout in [Duration::ZERO, PATIENCE] {
        let back = pool.assign_timeout(memo(), timeout);
        assert_eq!(back, Err(AssignError::ShutDown(memo())));
    }
    assert_eq!(pool.assign(memo()).unwrap_err().into_paper(), memo());
}
// ANCHOR_END: bad_input

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn a_huge_timeout_waits_like_assign() {
    // Instant + Duration::MAX overflows; the pool then waits without a
    // deadline instead of panicking.
    let pool = Pool::new(1, |paper: u64| paper).unwrap();
    let ticket = pool.assign_timeout(5, Duration::MAX).unwrap();
    pool.shutdown();
    assert_eq!(outcomes_by_ticket(&pool)[&ticket].result, Ok(5));
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn errors_say_what_happened() {
    assert_eq!(
        AssignError::ShutDown(1).to_string(),
        "the pool is shut down"
    );
    assert_eq!(
        AssignError::Timeout(1).to_string(),
        "no employee took the paper in time"
    );
    let panicked = Panicked {
        message: "torn".into(),
    };
    assert_eq!(panicked.to_string(), "the employee panicked: torn");
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn a_paper_that_comes_back_uses_up_its_ticket() {
    let office = Office::hire(1);
    assert_eq!(office.pool.assign(Paper::Held(0)), Ok(Ticket(0)));
    office.wait_until_holding(1);
    let back = office.pool.assign_timeout(Paper::Quick(1), Duration::ZERO);
    assert_eq!(back, Err(AssignError::Timeout(Paper::Quick(1))));
    office.release(1);
    // Ticket 1 went with the paper that came back: no number twice.
    assert_eq!(office.pool.assign(Paper::Quick(2)), Ok(Ticket(2)));
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn employees_are_named_so_a_panic_message_says_who() {
    let pool = Pool::new(3, |_paper: u64| {
        thread::current().name().map(str::to_string)
    })
    .unwrap();
    for paper in 0..30 {
        pool.assign(paper).unwrap();
    }
    pool.shutdown();
    for outcome in pool.outcomes().try_iter() {
        let name = outcome.result.unwrap().expect("a named thread");
        let number = name.strip_prefix("employee ").expect("employee N");
        assert!(number.parse::<usize>().is_ok_and(|n| n < 3), "{name}");
    }
}

// ---------------------------------------------------------------------
// A job that shuts down, or drops, its own pool
// ---------------------------------------------------------------------

/// A paper that is a piece of work: the job runs it. It can reach the
/// pool it runs in.
type Work = Box<dyn FnOnce() -> Option<Report> + Send>;

/// A pool of `Work`, shared, with time cards; and one gate per paper.
struct Errands {
    /// First, so that a failing test lets every employee go before the
    /// pool is dropped.
    gates: Vec<Sender<()>>,
    pool: Arc<Pool<Work, Option<Report>>>,
    holding: Receiver<usize>,
    holding_tx: Sender<usize>,
    waits: Vec<Receiver<()>>,
    gone_home: Receiver<()>,
}

impl Errands {
    fn hire(team_size: usize) -> Errands {
        let (gone_home_tx, gone_home) = unbounded();
        let job = move |work: Work| {
            clock_in(&gone_home_tx);
            work()
        };
        let (gates, waits) = (0..team_size).map(|_| unbounded()).unzip();
        let (holding_tx, holding) = unbounded();
        Errands {
            gates,
            pool: Arc::new(Pool::new(team_size, job).unwrap()),
            holding,
            holding_tx,
            waits,
            gone_home,
        }
    }

    /// Paper `n`: says it is held, waits at gate `n`, then does `then`.
    fn held(&self, n: usize, then: impl FnOnce() -> Option<Report> + Send + 'static) -> Work {
        let (holding, wait) = (self.holding_tx.clone(), self.waits[n].clone());
        Box::new(move || {
            holding.send(n).unwrap();
            // Err only once the test has dropped the gate.
            let _ = wait.recv();
            then()
        })
    }

    /// Hands off one held paper per employee and waits until the whole
    /// team holds them: every employee has clocked in.
    fn hold_everyone(&self, first: Work) -> Ticket {
        let handed_off = |work| self.pool.assign(work).ok().expect("a paper was refused");
        let ticket = handed_off(first);
        for n in 1..self.pool.team_size() {
            handed_off(self.held(n, || None));
        }
        for _ in 0..self.pool.team_size() {
            self.holding.recv_timeout(PATIENCE).unwrap();
        }
        ticket
    }

    fn release(&self, n: usize) {
        self.gates[n].send(()).unwrap();
    }
}

// ANCHOR: shutdown_from_a_job
#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn a_job_that_shuts_down_its_own_pool_gives_the_signal_without_waiting() {
    let errands = Errands::hire(2);
    let pool = Arc::downgrade(&errands.pool);
    let ticket = errands.hold_everyone(errands.held(0, move || {
        Some(pool.upgrade().expect("the pool").shutdown())
    }));

    // Paper 0's job shuts down its pool while paper 1 is still held. It
    // must not wait for the team: its own thread is part of it.
    errands.release(0);
    let outcome = errands.pool.outcomes().recv_timeout(PATIENCE);
    let outcome = outcome.expect("the job's shutdown waited for the team");
    assert_eq!(outcome.ticket, ticket);
    // The counts so far: paper 0 was still in hand, paper 1 held.
    assert_eq!(outcome.result, Ok(Some(Report::default())));

    // The shutdown signal was given: a new paper comes back.
    let back = errands.pool.assign(Box::new(|| None));
    assert!(matches!(back, Err(AssignError::ShutDown(_))));

    // The manager's shutdown waits for the whole team and reports all.
    errands.release(1);
    let report = errands.pool.shutdown();
    assert_eq!(
        report,
        Report {
            done: 2,
            panicked: 0
        }
    );
    assert_eq!(
        errands.gone_home.try_iter().count(),
        2,
        "an employee was not joined"
    );
}
// ANCHOR_END: shutdown_from_a_job

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn a_manager_and_a_job_shutting_down_at_once_do_not_wait_for_each_other() {
    let errands = Errands::hire(2);
    let pool = Arc::downgrade(&errands.pool);
    let ticket = errands.hold_everyone(errands.held(0, move || {
        Some(pool.upgrade().expect("the pool").shutdown())
    }));

    let (returned_tx, returned) = bounded(1);
    let pool = Arc::clone(&errands.pool);
    thread::spawn(move || returned_tx.send(pool.shutdown()).unwrap());
    // The manager's shutdown waits for the held papers. CHANCE also gives
    // it every chance to be joining the team before the job calls.
    assert!(returned.recv_timeout(CHANCE).is_err());

    errands.release(0);
    let outcome = errands.pool.outcomes().recv_timeout(PATIENCE);
    let outcome = outcome.expect("the job's shutdown waited for the manager's");
    assert_eq!(outcome.ticket, ticket);

    errands.release(1);
    let report = returned.recv_timeout(PATIENCE).unwrap();
    assert_eq!(
        report,
        Report {
            done: 2,
            panicked: 0
        }
    );
    assert_eq!(
        errands.gone_home.try_iter().count(),
        2,
        "an employee was not joined"
    );
}

/// When dropped, sends how many time cards had arrived by then, and
/// whether its thread was unwinding from a panic.
struct CountOnDrop {
    cards: Receiver<()>,
    count: Sender<(usize, bool)>,
}

impl Drop for CountOnDrop {
    fn drop(&mut self) {
        let cards = self.cards.try_iter().count();
        let _ = self.count.send((cards, thread::panicking()));
    }
}

/// A job holds the last owner of its pool and drops it, by returning or
/// while it panics. The drop must neither abort nor panic, and must wait
/// for every other employee; the employee running the job goes home
/// right after.
fn a_job_drops_the_last_owner_of_its_pool(panics: bool) {
    quiet_panics_on_purpose();
    let errands = Errands::hire(3);
    let (count_tx, count) = bounded(1);
    let counter = CountOnDrop {
        cards: errands.gone_home.clone(),
        count: count_tx,
    };
    let last_owner = Arc::clone(&errands.pool);
    errands.hold_everyone(errands.held(0, move || {
        // Declared first, so dropped last: it counts once the pool's drop
        // has returned.
        let _counter = counter;
        let pool = last_owner;
        if panics {
            let _pool = pool; // dropped as the panic unwinds
            panic!("{ON_PURPOSE}: a job panics with the last owner of its pool");
        }
        drop(pool);
        None
    }));
    // Papers 1 and 2 are finished; then the job's `Arc` is the last one.
    errands.release(1);
    errands.release(2);
    let Errands {
        gates,
        pool,
        gone_home,
        ..
    } = errands;
    drop(pool);
    gates[0].send(()).unwrap();

    let (cards, unwinding) = count.recv_timeout(PATIENCE).expect("the job never ended");
    assert_eq!(unwinding, panics, "the pool's drop panicked");
    assert_eq!(cards, 2, "the drop did not wait for the other employees");
    // The employee that dropped the pool goes home as its job returns.
    gone_home
        .recv_timeout(PATIENCE)
        .expect("the employee that dropped the pool never went home");
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn a_pool_dropped_by_its_own_job_waits_for_the_other_employees() {
    a_job_drops_the_last_owner_of_its_pool(false);
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn a_pool_dropped_while_its_own_job_panics_does_not_abort() {
    a_job_drops_the_last_owner_of_its_pool(true);
}

// ---------------------------------------------------------------------
// A panic payload that panics when dropped; a failed hire
// ---------------------------------------------------------------------

/// A panic payload whose drop panics too.
struct Explosive;

impl Drop for Explosive {
    fn drop(&mut self) {
        panic!("{ON_PURPOSE}: the payload's drop panics");
    }
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
#[cfg_attr(
    miri,
    ignore = "leaks the second panic's payload on purpose, which Miri reports"
)]
fn a_payload_whose_drop_panics_is_still_one_panicked_outcome() {
    quiet_panics_on_purpose();
    let pool = Pool::new(1, |paper: u64| {
        if paper == 0 {
            panic::panic_any(Explosive);
        }
        paper
    })
    .unwrap();
    let torn = pool.assign(0).unwrap();
    // The one employee is still there: it takes the next paper.
    let next = pool.assign_timeout(1, PATIENCE);
    let next = next.expect("the employee died of the payload's drop");
    assert_eq!(
        pool.shutdown(),
        Report {
            done: 1,
            panicked: 1
        }
    );
    let outcomes = outcomes_by_ticket(&pool);
    assert_eq!(outcomes.len(), 2);
    let message = "Box<dyn Any>".to_string();
    assert_eq!(outcomes[&torn].result, Err(Panicked { message }));
    assert_eq!(outcomes[&next].result, Ok(1));
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn a_failed_hire_waits_for_the_employees_already_hired() {
    // The third thread cannot be started. Each thread that is started
    // runs the employee, then waits at the gate, then says it has ended.
    let (gate, wait) = unbounded::<()>();
    let (ended_tx, ended) = unbounded();
    let (returned_tx, returned) = bounded(1);
    thread::scope(|scope| {
        scope.spawn(move || {
            let mut started = 0;
            let spawn = |builder: thread::Builder, employee: Box<dyn FnOnce() + Send>| {
                started += 1;
                if started == 3 {
                    return Err(io::Error::other("no more threads"));
                }
                let (wait, ended) = (wait.clone(), ended_tx.clone());
                builder.spawn(move || {
                    employee();
                    let _ = wait.recv();
                    ended.send(()).unwrap();
                })
            };
            let hired = Pool::<u64>::hire(4, |_paper| {}, spawn);
            returned_tx.send(hired.err()).unwrap();
        });
        // The two already hired got the shutdown signal; `new` waits for
        // them, and they wait at the gate.
        assert!(
            returned.recv_timeout(CHANCE).is_err(),
            "new returned without waiting for the employees it had hired"
        );
        drop(gate);
    });
    let error = returned.recv().unwrap();
    assert_eq!(error, Some(HireError::Spawn(io::ErrorKind::Other)));
    assert_eq!(ended.try_iter().count(), 2);
    assert_eq!(
        HireError::Spawn(io::ErrorKind::Other).to_string(),
        "the operating system could not start an employee: other error"
    );
}
