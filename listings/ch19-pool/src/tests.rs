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
/// pool never does it, however long we watch; a broken one does it at
/// once, and this gives it every chance to.
const CHANCE: Duration = Duration::from_millis(300);
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
    /// One message per employee thread that has ended.
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
            if !text.is_some_and(|text| text.starts_with(ON_PURPOSE)) {
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

const PAPERS: u64 = if cfg!(miri) { 200 } else { 100_000 };

// ANCHOR: exactly_once
fn every_outcome_arrives_exactly_once(team_size: usize) {
    let pool = Pool::new(team_size, work_on).unwrap();
    let mut paper_on_ticket = HashMap::new();
    let mut last_ticket = None;
    for paper in 0..PAPERS {
        let ticket = pool.assign(paper).unwrap();
        // Numbered in assignment order.
        assert!(
            Some(ticket) > last_ticket,
            "{ticket:?} after {last_ticket:?}"
        );
        last_ticket = Some(ticket);
        paper_on_ticket.insert(ticket, paper);
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

#[test]
#[cfg_attr(not(miri), ntest::timeout(60_000))]
fn exactly_once_with_a_team_of_1() {
    every_outcome_arrives_exactly_once(1);
}
// ANCHOR_END: exactly_once

#[test]
#[cfg_attr(not(miri), ntest::timeout(60_000))]
#[cfg_attr(miri, ignore = "Miri runs the team of 3 instead")]
fn exactly_once_with_a_team_of_2() {
    every_outcome_arrives_exactly_once(2);
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(60_000))]
fn exactly_once_with_a_team_of_3() {
    every_outcome_arrives_exactly_once(3);
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(60_000))]
#[cfg_attr(miri, ignore = "Miri runs the teams of 1 and 3")]
fn exactly_once_with_a_team_of_8() {
    every_outcome_arrives_exactly_once(8);
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(60_000))]
#[cfg_attr(miri, ignore = "Miri runs the teams of 1 and 3")]
fn exactly_once_with_a_team_of_32() {
    every_outcome_arrives_exactly_once(32);
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
        // Meanwhile, the pool takes no new paper: it comes back. (Until
        // shutdown has begun, a zero-timeout assign comes back as Timeout,
        // because everyone is busy; we ask again until it says ShutDown.)
        let deadline = Instant::now() + PATIENCE;
        let mut paper = Paper::Quick(99);
        loop {
            match office.pool.assign_timeout(paper, Duration::ZERO) {
                Err(AssignError::ShutDown(back)) => break assert_eq!(back, Paper::Quick(99)),
                Err(AssignError::Timeout(back)) if Instant::now() < deadline => paper = back,
                other => panic!("{other:?}"),
            }
            thread::yield_now();
        }

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
fn a_paper_being_handed_off_during_shutdown_is_finished_or_handed_back() {
    // Either way, never lost: a second manager is handing off while the
    // first shuts down.
    let office = Office::hire(1);
    office.pool.assign(Paper::Held(0)).unwrap();
    office.wait_until_holding(1);
    let (result, report) = thread::scope(|scope| {
        let second = scope.spawn(|| office.pool.assign(Paper::Quick(1)));
        let first = scope.spawn(|| office.pool.shutdown());
        office.release(1);
        (second.join().unwrap(), first.join().unwrap())
    });
    let outcomes = outcomes_by_ticket(&office.pool);
    match result {
        Ok(ticket) => {
            assert_eq!(outcomes[&ticket].result, Ok(1));
            assert_eq!(report.done, 2);
        }
        Err(error) => {
            assert_eq!(error, AssignError::ShutDown(Paper::Quick(1)));
            assert_eq!(report.done, 1);
        }
    }
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
    // The Sender is cloned under the lock and used outside it: a manager
    // stuck in `assign` does not keep another from giving up in time.
    let office = Office::hire(1);
    office.pool.assign(Paper::Held(0)).unwrap();
    office.wait_until_holding(1);
    thread::scope(|scope| {
        let (stuck_tx, stuck) = bounded(1);
        let pool = &office.pool;
        scope.spawn(move || stuck_tx.send(pool.assign(Paper::Quick(1))).unwrap());
        // The other manager waits: nobody is free. (CHANCE also lets it
        // reach its send before we try ours.)
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

    // The employee finishes and comes back to wait for a paper. We cannot
    // see the moment it starts waiting, so we ask again until it takes
    // the paper; a zero timeout that never hands off fails at PATIENCE.
    office.release(1);
    let deadline = Instant::now() + PATIENCE;
    let mut paper = Paper::Quick(2);
    let ticket = loop {
        match office.pool.assign_timeout(paper, Duration::ZERO) {
            Ok(ticket) => break ticket,
            Err(AssignError::Timeout(back)) if Instant::now() < deadline => paper = back,
            Err(error) => panic!("the idle employee never took it: {error:?}"),
        }
        thread::yield_now();
    };
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
