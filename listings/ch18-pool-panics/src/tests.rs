use super::{AssignError, HireError, Outcome, Panicked, Pool, Report, Ticket, check_args};
use crossbeam_channel::{Receiver, SendTimeoutError, Sender, bounded, unbounded};
use std::collections::HashMap;
use std::panic;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::thread;
use std::time::{Duration, Instant};

/// How long a test waits for something that must happen. A healthy run
/// needs milliseconds; a deadlocked one fails here instead of hanging.
const PATIENCE: Duration = Duration::from_secs(5);

/// How long a test watches for something that must NOT happen. This is not
/// synchronisation: a correct pool never does it, however long we watch;
/// a broken one does it at once, and this gives it every chance to.
const CHANCE: Duration = Duration::from_millis(300);

/// A pool whose employees each hold their paper until the test lets one go.
struct Gated {
    pool: Pool<u32, u32>,
    /// An employee says which paper it holds here.
    holding: Receiver<u32>,
    /// One message lets one employee finish its paper.
    gate: Sender<()>,
}

impl Gated {
    fn hire(team_size: usize) -> Gated {
        let (holding_tx, holding) = unbounded();
        let (gate, gate_rx) = unbounded::<()>();
        let job = move |paper: u32| {
            holding_tx.send(paper).unwrap();
            // Bounded, so that a failing test cannot leave an employee stuck.
            let _ = gate_rx.recv_timeout(PATIENCE);
            paper * 10
        };
        Gated {
            pool: Pool::new(team_size, job).unwrap(),
            holding,
            gate,
        }
    }

    /// Waits until an employee holds a paper, and says which.
    fn next_held(&self) -> u32 {
        self.holding
            .recv_timeout(PATIENCE)
            .expect("no employee started on a paper")
    }

    fn release(&self, n: usize) {
        for _ in 0..n {
            self.gate.send(()).unwrap();
        }
    }
}

/// Runs `f` on a thread of its own; `Some(result)` if it returns within `limit`.
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (done_tx, done) = bounded(1);
    thread::spawn(move || {
        let _ = done_tx.send(f());
    });
    done.recv_timeout(limit).ok()
}

/// Papers in these tests panic on purpose, and Rust's default panic hook
/// would print every one of those panics to stderr. This hook stays quiet
/// about them and passes every other panic (a failing assert) on to the
/// default hook. A hook is global to the process: the first test that
/// needs it installs it, once.
fn quiet_about_panics_on_purpose() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|m| m.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            if !message.contains("on purpose") {
                default(info);
            }
        }));
    });
}

#[test]
#[ntest::timeout(10_000)]
fn the_listing_takes_no_arguments() {
    assert_eq!(check_args(std::iter::empty()), Ok(()));
    let error = check_args(["--fast".to_string()].into_iter()).unwrap_err();
    assert!(
        error.contains("usage: cargo run -p ch18-pool-panics"),
        "{error}"
    );
    assert!(!error.contains('\n'), "one line: {error}");
}

// ANCHOR: in_order
#[test]
#[ntest::timeout(10_000)]
fn tickets_are_numbered_in_assignment_order() {
    let pool = Pool::new(2, |paper: u32| paper).unwrap();
    let tickets: Vec<Ticket> = (0..10).map(|p| pool.assign(p).unwrap()).collect();
    assert_eq!(tickets, (0..10).map(Ticket).collect::<Vec<_>>());
}
// ANCHOR_END: in_order

#[test]
#[ntest::timeout(10_000)]
fn a_paper_that_comes_back_takes_its_number_with_it() {
    let gated = Gated::hire(1);
    assert_eq!(gated.pool.assign(1), Ok(Ticket(0)));
    assert_eq!(gated.next_held(), 1);
    // The only employee is busy: paper 2 comes back, and number 1 with it.
    assert_eq!(
        gated.pool.assign_timeout(2, Duration::from_millis(20)),
        Err(AssignError::Timeout(2))
    );
    gated.release(1);
    assert_eq!(gated.pool.assign(3), Ok(Ticket(2)));
    gated.release(1);
    // A paper refused after shutdown uses no number at all.
    assert_eq!(
        gated.pool.shutdown(),
        Report {
            done: 2,
            panicked: 0
        }
    );
    assert_eq!(gated.pool.assign(4), Err(AssignError::ShutDown(4)));
}

// ANCHOR: exactly_once
#[test]
#[ntest::timeout(20_000)]
fn every_tickets_outcome_arrives_exactly_once() {
    let papers = 2_000;
    for team_size in [1, 2, 8] {
        let pool = Pool::new(team_size, |paper: u32| paper + 1).unwrap();
        let mut tickets: Vec<Ticket> = (0..papers).map(|p| pool.assign(p).unwrap()).collect();
        let report = pool.shutdown();

        // The team has gone home, so no more outcomes can come:
        // iterating the outcomes ends once it has taken what is there.
        let mut reported: Vec<Ticket> = pool.outcomes().iter().map(|o| o.ticket).collect();
        tickets.sort_unstable();
        reported.sort_unstable();
        assert_eq!(reported, tickets, "team of {team_size}");
        assert_eq!(report.done, u64::from(papers));
    }
}
// ANCHOR_END: exactly_once

// ANCHOR: belongs
#[test]
#[ntest::timeout(20_000)]
fn the_outcome_belongs_to_its_ticket() {
    let pool = Pool::new(4, |paper: u64| paper * 3).unwrap();
    // Four managers assign at the same time; each paper is different.
    let handed: HashMap<Ticket, u64> = thread::scope(|s| {
        let managers: Vec<_> = (0..4u64)
            .map(|m| {
                let pool = &pool;
                s.spawn(move || {
                    (0..500u64)
                        .map(|i| {
                            let paper = m * 1_000 + i;
                            (pool.assign(paper).unwrap(), paper)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        managers
            .into_iter()
            .flat_map(|m| m.join().unwrap())
            .collect()
    });
    assert_eq!(handed.len(), 2_000, "two papers got the same ticket");

    for _ in 0..handed.len() {
        let Outcome { ticket, result } = pool.outcomes().recv_timeout(PATIENCE).unwrap();
        assert_eq!(
            result,
            Ok(handed[&ticket] * 3),
            "{ticket:?} got another paper's result"
        );
    }
}
// ANCHOR_END: belongs

// ANCHOR: never_blocks
#[test]
#[ntest::timeout(10_000)]
fn reporting_never_blocks_an_employee() {
    // A team of one, and a manager that assigns 1,000 papers before it reads
    // a single outcome. Each assign needs the employee back at the channel,
    // so it must have reported the paper before without waiting for anyone.
    let pool = Arc::new(Pool::new(1, |paper: u32| paper).unwrap());
    let manager = {
        let pool = Arc::clone(&pool);
        move || {
            for paper in 0..1_000 {
                pool.assign(paper).unwrap();
            }
        }
    };
    assert!(
        within(PATIENCE, manager).is_some(),
        "the manager is stuck assigning: is the employee waiting to report?"
    );
    // The last paper may still be in the employee's hands: wait for the team,
    // then every outcome is in the channel, unread.
    pool.shutdown();
    assert_eq!(pool.outcomes().len(), 1_000);
}
// ANCHOR_END: never_blocks

#[test]
#[ntest::timeout(10_000)]
fn dropping_a_pool_whose_outcomes_nobody_read_still_returns() {
    let pool = Pool::new(2, |paper: u32| paper).unwrap();
    for paper in 0..50 {
        pool.assign(paper).unwrap();
    }
    assert!(
        within(PATIENCE, move || drop(pool)).is_some(),
        "drop waits for employees who wait to report"
    );
}

// ANCHOR: deadlock
#[test]
#[ntest::timeout(10_000)]
fn with_no_room_for_outcomes_a_manager_that_assigns_first_deadlocks() {
    // The pool's two channels, by hand, for a team of one; but here the
    // outcomes channel is a rendezvous too.
    let (hand_off, papers) = bounded::<u32>(0);
    let (report, outcomes) = bounded::<u32>(0);
    let employee = thread::spawn(move || {
        for paper in papers {
            report.send(paper * 10).unwrap(); // waits for the manager
        }
    });

    hand_off.send(1).unwrap();
    // The employee is waiting to report paper 1 to the manager, and the
    // manager is waiting to hand paper 2 to the employee: nobody moves.
    // (No timing here: the employee cannot take paper 2 before its report
    // is read, however long we wait.)
    assert_eq!(
        hand_off.send_timeout(2, CHANCE),
        Err(SendTimeoutError::Timeout(2))
    );

    // Only reading breaks the knot.
    assert_eq!(outcomes.recv(), Ok(10));
    hand_off.send(2).unwrap();
    assert_eq!(outcomes.recv(), Ok(20));
    drop(hand_off);
    employee.join().unwrap();
}
// ANCHOR_END: deadlock

// The guarantees of the earlier steps still hold.

#[test]
#[ntest::timeout(10_000)]
fn a_team_of_zero_is_refused() {
    let refused = Pool::new(0, |paper: u32| paper).err();
    assert_eq!(refused, Some(HireError::NoEmployees));
    assert_eq!(
        HireError::NoEmployees.to_string(),
        "a pool needs at least one employee"
    );
    assert_eq!(Pool::new(3, |paper: u32| paper).unwrap().team_size(), 3);
}

#[test]
#[ntest::timeout(10_000)]
fn assign_returns_only_once_an_employee_holds_the_paper() {
    let gated = Gated::hire(2);
    let mut held = [0, 0];
    for (slot, paper) in held.iter_mut().zip([1, 2]) {
        gated.pool.assign(paper).unwrap();
        *slot = gated.next_held();
    }
    held.sort_unstable();
    assert_eq!(held, [1, 2]);
    // Both employees are busy: nobody can take paper 3, and it comes back.
    assert_eq!(
        gated.pool.assign_timeout(3, CHANCE),
        Err(AssignError::Timeout(3))
    );
    gated.release(1);
    assert!(gated.pool.assign_timeout(3, PATIENCE).is_ok());
    gated.release(2);
}

#[test]
#[ntest::timeout(10_000)]
fn shutdown_waits_for_the_papers_in_hand_and_loses_none() {
    let gated = Arc::new(Gated::hire(3));
    for paper in 0..3 {
        gated.pool.assign(paper).unwrap();
        gated.next_held();
    }
    let (report_tx, report) = bounded(1);
    {
        let gated = Arc::clone(&gated);
        thread::spawn(move || report_tx.send(gated.pool.shutdown()).unwrap());
    }
    // Three papers are in hand: shutdown cannot return.
    assert!(
        report.recv_timeout(CHANCE).is_err(),
        "shutdown left papers in hand"
    );
    gated.release(3);
    assert_eq!(
        report.recv_timeout(PATIENCE),
        Ok(Report {
            done: 3,
            panicked: 0
        })
    );

    let mut results: Vec<u32> = gated
        .pool
        .outcomes()
        .iter()
        .map(|o| o.result.unwrap())
        .collect();
    results.sort_unstable();
    assert_eq!(results, [0, 10, 20]);
    // Shutting down again reports the same, and a late paper comes back.
    assert_eq!(
        gated.pool.shutdown(),
        Report {
            done: 3,
            panicked: 0
        }
    );
    assert_eq!(gated.pool.assign(7), Err(AssignError::ShutDown(7)));
    assert_eq!(
        gated.pool.assign_timeout(8, PATIENCE),
        Err(AssignError::ShutDown(8))
    );
}

#[test]
#[ntest::timeout(10_000)]
fn dropping_the_pool_waits_for_the_team() {
    let finished = Arc::new(AtomicU64::new(0));
    let (holding_tx, holding) = unbounded();
    let (gate, gate_rx) = unbounded::<()>();
    let job = {
        let finished = Arc::clone(&finished);
        move |_paper: u32| {
            holding_tx.send(()).unwrap();
            let _ = gate_rx.recv_timeout(PATIENCE);
            finished.fetch_add(1, Ordering::SeqCst);
        }
    };
    let pool: Pool<u32> = Pool::new(2, job).unwrap();
    for paper in 0..2 {
        pool.assign(paper).unwrap();
        holding.recv_timeout(PATIENCE).unwrap();
    }
    let (dropped_tx, dropped) = bounded(1);
    thread::spawn(move || {
        drop(pool);
        dropped_tx.send(()).unwrap();
    });
    assert!(
        dropped.recv_timeout(CHANCE).is_err(),
        "drop left employees working"
    );
    gate.send(()).unwrap();
    gate.send(()).unwrap();
    dropped.recv_timeout(PATIENCE).unwrap();
    assert_eq!(finished.load(Ordering::SeqCst), 2);
}

#[test]
#[ntest::timeout(10_000)]
fn a_zero_timeout_hands_off_only_to_an_employee_already_waiting() {
    let gated = Gated::hire(1);
    gated.pool.assign(1).unwrap();
    gated.next_held();
    // The only employee is busy: the paper comes back at once.
    let start = Instant::now();
    assert_eq!(
        gated.pool.assign_timeout(2, Duration::ZERO),
        Err(AssignError::Timeout(2))
    );
    assert!(start.elapsed() < CHANCE);
    gated.release(1);
    // Once the employee waits at the channel again, a zero timeout is
    // enough. We do not know when that is, so we try until it works.
    let deadline = Instant::now() + PATIENCE;
    let mut paper = 2;
    loop {
        match gated.pool.assign_timeout(paper, Duration::ZERO) {
            Ok(_) => break,
            Err(AssignError::Timeout(back)) if Instant::now() < deadline => {
                paper = back;
                thread::yield_now();
            }
            Err(error) => panic!("never handed off: {error:?}"),
        }
    }
    assert_eq!(gated.next_held(), 2);
    gated.release(1);
}

// What this step adds: panics.

// ANCHOR: message
#[test]
#[ntest::timeout(10_000)]
fn a_panicking_paper_comes_back_as_panicked_with_its_message() {
    quiet_about_panics_on_purpose();
    let pool = Pool::new(1, |paper: u32| match paper {
        0 => panic!("on purpose"),
        1 => panic!("on purpose, paper {paper}"),
        2 => panic::panic_any(42), // on purpose, with no message
        _ => paper,
    })
    .unwrap();
    for paper in 0..4 {
        assert_eq!(pool.assign(paper), Ok(Ticket(paper.into())));
    }
    assert_eq!(
        pool.shutdown(),
        Report {
            done: 1,
            panicked: 3
        }
    );

    let mut outcomes: Vec<Outcome<u32>> = pool.outcomes().iter().collect();
    outcomes.sort_by_key(|outcome| outcome.ticket);
    let results: Vec<Result<u32, Panicked>> = outcomes.into_iter().map(|o| o.result).collect();
    let panicked = |message: &str| {
        Err(Panicked {
            message: message.to_string(),
        })
    };
    assert_eq!(
        results,
        [
            panicked("on purpose"),          // a &'static str
            panicked("on purpose, paper 1"), // a String
            panicked("Box<dyn Any>"),        // anything else
            Ok(3),
        ]
    );
}
// ANCHOR_END: message

/// The papers of the storm tests.
#[derive(Debug, PartialEq, Eq)]
enum Paper {
    /// Comes back as its number.
    Work(u32),
    /// The job panics on it.
    Bad(u32),
    /// The employee holds it until the test lets it go.
    Hold,
}

// ANCHOR: storm
#[test]
#[ntest::timeout(20_000)]
fn a_panic_storm_loses_nothing_and_the_team_stays_at_full_strength() {
    quiet_about_panics_on_purpose();
    let (team_size, papers, k) = (4, 1_000, 7);
    let (holding_tx, holding) = unbounded();
    let (gate, gate_rx) = unbounded::<()>();
    let job = move |paper: Paper| match paper {
        Paper::Work(n) => n,
        Paper::Bad(n) => panic!("on purpose: paper {n}"),
        Paper::Hold => {
            holding_tx.send(()).unwrap();
            let _ = gate_rx.recv_timeout(PATIENCE);
            0
        }
    };
    let pool = Pool::new(team_size, job).unwrap();

    // The storm: every k-th paper panics.
    let mut handed = HashMap::new();
    for n in 0..papers {
        let paper = if n % k == 0 {
            Paper::Bad(n)
        } else {
            Paper::Work(n)
        };
        let ticket = pool
            .assign(paper)
            .unwrap_or_else(|e| panic!("paper {n} came back: nobody is left to take it ({e})"));
        handed.insert(ticket, n);
    }

    // Every paper accounted for, exactly once, as done or as panicked.
    for _ in 0..papers {
        let Outcome { ticket, result } = pool.outcomes().recv_timeout(PATIENCE).unwrap();
        let n = handed
            .remove(&ticket)
            .expect("an outcome for no ticket, or twice");
        match result {
            Ok(got) => assert_eq!(got, n),
            Err(panicked) => {
                assert_eq!(n % k, 0, "paper {n} should not have panicked");
                assert_eq!(panicked.message, format!("on purpose: paper {n}"));
            }
        }
    }
    assert!(handed.is_empty());

    // Full strength: all team_size employees can hold a paper at once.
    for _ in 0..team_size {
        assert!(
            pool.assign_timeout(Paper::Hold, PATIENCE).is_ok(),
            "an employee is missing"
        );
        holding.recv_timeout(PATIENCE).unwrap();
    }
    for _ in 0..team_size {
        gate.send(()).unwrap();
    }

    // And the pool still shuts down cleanly, every count right.
    let bad = u64::from(papers.div_ceil(k));
    let report = within(PATIENCE, move || pool.shutdown()).expect("shutdown hung");
    assert_eq!(
        report,
        Report {
            done: u64::from(papers) - bad + team_size as u64,
            panicked: bad,
        }
    );
}
// ANCHOR_END: storm

#[test]
#[ntest::timeout(10_000)]
fn a_lock_the_job_held_when_it_panicked_stays_poisoned() {
    // Why the pool's `AssertUnwindSafe` is a promise the job must keep:
    // the pool forgets the panic, but the job's own state remembers it.
    quiet_about_panics_on_purpose();
    let seen = Mutex::new(Vec::new());
    let pool = Pool::new(1, move |paper: u32| {
        let mut seen = match seen.lock() {
            Ok(seen) => seen,
            Err(_) => return false, // poisoned by an earlier paper
        };
        seen.push(paper);
        if paper == 0 {
            panic!("on purpose, while holding the lock");
        }
        true
    })
    .unwrap();
    for paper in 0..3 {
        pool.assign(paper).unwrap();
    }
    pool.shutdown();
    let mut outcomes: Vec<Outcome<bool>> = pool.outcomes().iter().collect();
    outcomes.sort_by_key(|outcome| outcome.ticket);
    let results: Vec<Result<bool, Panicked>> = outcomes.into_iter().map(|o| o.result).collect();
    assert_eq!(
        results,
        [
            Err(Panicked {
                message: "on purpose, while holding the lock".to_string()
            }),
            Ok(false),
            Ok(false),
        ]
    );
}

#[test]
#[ntest::timeout(10_000)]
fn a_pool_can_run_any_closure_when_the_paper_is_one() {
    // The shape of a pool of jobs: the paper is a boxed closure, and the
    // job calls it.
    type Work = Box<dyn FnOnce() -> String + Send>;
    let pool = Pool::new(2, |work: Work| work()).unwrap();
    let name = String::from("paper");
    let work_a: Work = Box::new(move || format!("{name} a"));
    let work_b: Work = Box::new(|| "paper b".to_string());
    let Ok(a) = pool.assign(work_a) else {
        panic!("paper a came back")
    };
    let Ok(b) = pool.assign(work_b) else {
        panic!("paper b came back")
    };
    pool.shutdown();
    let mut outcomes: Vec<Outcome<String>> = pool.outcomes().iter().collect();
    outcomes.sort_by_key(|outcome| outcome.ticket);
    let got: Vec<(Ticket, String)> = outcomes
        .into_iter()
        .map(|o| (o.ticket, o.result.unwrap()))
        .collect();
    assert_eq!(
        got,
        [(a, "paper a".to_string()), (b, "paper b".to_string())]
    );
}
