use super::std_only::Semaphore;
use super::*;
use crossbeam_channel::{Receiver, SendTimeoutError, Sender, unbounded};
use std::sync::Mutex;

/// How long a test waits for something that must happen. A healthy run
/// needs milliseconds; a deadlocked one fails here instead of hanging.
const PATIENCE: Duration = Duration::from_secs(5);

/// How long a test watches for something that must NOT happen. This is not
/// synchronisation: a correct program never does it, however long we watch;
/// a broken one does it at once, and this gives it every chance to.
const CHANCE: Duration = Duration::from_millis(100);

/// One run of `fan_out_semaphore` on its own manager thread. Each
/// employee's work reports the paper it holds, then waits for a token from
/// `gate` before it finishes.
struct Run {
    /// The paper an employee has just started to work on.
    holding: Receiver<usize>,
    /// Each token lets one employee finish its paper.
    gate: Sender<()>,
    /// Receives the report once `fan_out_semaphore` has returned.
    returned: Receiver<Result<Report, String>>,
}

impl Run {
    fn start(papers: usize, limit: usize) -> Run {
        let (holding_tx, holding) = unbounded();
        let (gate, gate_rx) = unbounded::<()>();
        let (returned_tx, returned) = bounded(1);
        let work = move |paper: usize| {
            let _ = holding_tx.send(paper);
            // A token, or the end of the test (gate dropped), lets it go.
            let _ = gate_rx.recv();
        };
        thread::spawn(move || {
            let _ = returned_tx.send(fan_out_semaphore(papers, limit, work, |_: &str| {}));
        });
        Run {
            holding,
            gate,
            returned,
        }
    }

    /// Waits until `n` more employees are at work on their papers.
    fn wait_until_holding(&self, n: usize) {
        for _ in 0..n {
            self.holding
                .recv_timeout(PATIENCE)
                .expect("an employee never started work");
        }
    }

    /// Does one more employee start work within `CHANCE`?
    fn one_more_starts_within_chance(&self) -> bool {
        self.holding.recv_timeout(CHANCE).is_ok()
    }

    /// Lets `n` employees finish (now or later).
    fn release(&self, n: usize) {
        for _ in 0..n {
            self.gate.send(()).expect("the work is listening");
        }
    }

    fn report(&self) -> Report {
        self.returned
            .recv_timeout(PATIENCE)
            .expect("fan_out_semaphore did not return")
            .expect("the limit is not zero")
    }
}

#[test]
#[ntest::timeout(10_000)]
fn the_listing_takes_no_arguments() {
    assert_eq!(check_args(std::iter::empty()), Ok(()));
    let error = check_args(["--limit=5".to_string()].into_iter()).unwrap_err();
    assert!(
        error.contains("usage: cargo run -p ch08-fan-out-semaphore"),
        "{error}"
    );
    assert!(error.contains("--limit=5"), "{error}");
    assert!(!error.contains('\n'), "one line: {error}");
}

// ANCHOR: never_more
#[test]
#[ntest::timeout(20_000)]
fn never_more_than_the_limit_at_work_at_once() {
    for limit in [1, 2, 3, 5] {
        for _run in 0..50 {
            let work = |_paper: usize| thread::sleep(Duration::from_micros(200));
            let report =
                fan_out_semaphore(20, limit, work, |_: &str| {}).expect("the limit is not zero");
            assert!(
                report.most_at_work <= limit,
                "{} employees at work at once with a limit of {limit}",
                report.most_at_work
            );
        }
    }
}
// ANCHOR_END: never_more

// ANCHOR: reached
#[test]
#[ntest::timeout(10_000)]
fn the_limit_is_reached_and_not_one_more_starts() {
    let (papers, limit) = (20, 3);
    let run = Run::start(papers, limit);

    // Three employees get a permit and are held at their papers.
    run.wait_until_holding(limit);
    // Every permit is taken: the other seventeen wait for one.
    assert!(
        !run.one_more_starts_within_chance(),
        "a fourth employee started while three were at work"
    );

    // One finishes and gives its permit back: exactly one more starts.
    run.release(1);
    run.wait_until_holding(1);
    assert!(!run.one_more_starts_within_chance());

    run.release(papers);
    let report = run.report();
    // The counter saw the three at work together: it really counts.
    assert_eq!(report.most_at_work, limit);
    assert_eq!(report.results.len(), papers);
}
// ANCHOR_END: reached

// ANCHOR: never_blocks
#[test]
#[ntest::timeout(10_000)]
fn the_results_in_tray_never_blocks_an_employee() {
    // The manager's `say` holds the manager back, before it receives any
    // result, until every employee has said its last line: the one it says
    // after its result is sent. Only an in-tray with room for every result
    // lets all twenty sends finish while nobody receives.
    let papers = 20;
    let (sent_tx, sent) = unbounded::<()>();
    let say = move |line: &str| {
        if line.contains(" : sent the result of paper") {
            sent_tx.send(()).expect("the manager is listening");
        }
        if line.starts_with("manager : hired") {
            for _ in 0..papers {
                sent.recv_timeout(PATIENCE)
                    .expect("an employee is stuck sending its result");
            }
        }
    };
    let report = fan_out_semaphore(papers, 3, |_: usize| {}, say).expect("the limit is not zero");
    assert_eq!(report.results.len(), papers);
}
// ANCHOR_END: never_blocks

#[test]
#[ntest::timeout(10_000)]
fn every_paper_is_done_exactly_once() {
    for limit in 1..=4 {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let work = move |paper: usize| record.lock().unwrap().push(paper);
        let report = fan_out_semaphore(30, limit, work, |_: &str| {}).unwrap();

        let mut seen = seen.lock().unwrap().clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..30).collect::<Vec<_>>(), "the work");

        let mut results = report.results;
        results.sort_unstable();
        assert_eq!(results, (0..30).collect::<Vec<_>>(), "the results");
    }
}

// ANCHOR: lines
#[test]
#[ntest::timeout(10_000)]
fn the_lines_never_show_more_than_the_limit_at_work() {
    let (papers, limit) = (20, 3);
    for _run in 0..20 {
        let log = Arc::new(Mutex::new(Vec::<String>::new()));
        let record = Arc::clone(&log);
        let say = move |line: &str| record.lock().unwrap().push(line.to_string());
        let work = |_paper: usize| thread::sleep(Duration::from_micros(200));
        fan_out_semaphore(papers, limit, work, say).unwrap();
        let log = log.lock().unwrap().clone();

        // Read top to bottom, the lines never have more than `limit`
        // employees between "got a permit" and "giving the permit back".
        let mut at_work = 0;
        for line in &log {
            if line.contains(" : got a permit") {
                at_work += 1;
                assert!(at_work <= limit, "{log:#?}");
            }
            if line.ends_with("giving the permit back") {
                at_work -= 1;
            }
        }

        // Each employee says its two lines, for its own paper.
        for e in 0..papers {
            let mine: Vec<String> = log
                .iter()
                .filter(|l| l.starts_with(&format!("employee {e} :")))
                .cloned()
                .collect();
            assert_eq!(
                mine,
                [
                    format!("employee {e} : got a permit, working on paper {e}"),
                    format!("employee {e} : sent the result of paper {e}, giving the permit back"),
                ]
            );
        }
        let manager: Vec<&String> = log.iter().filter(|l| l.starts_with("manager")).collect();
        assert_eq!(
            manager,
            ["manager : hired 20 employees, 3 may work at once"]
        );
    }
}
// ANCHOR_END: lines

// ANCHOR: zero
#[test]
#[ntest::timeout(2_000)]
fn a_limit_of_zero_is_refused_not_left_waiting() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let work = move |_paper: usize| {
        counter.fetch_add(1, Ordering::SeqCst);
    };
    let error = fan_out_semaphore(20, 0, work, |_: &str| {})
        .err()
        .expect("a limit of zero must be refused");
    assert!(error.starts_with("the limit must be at least 1"), "{error}");
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}
// ANCHOR_END: zero

/// Why the check matters: a semaphore of `bounded(0)` has no room for a
/// permit, so putting one in waits for a receiver, and every employee is
/// waiting to put one in. 50 ms gives a receiver every chance; none comes.
#[test]
#[ntest::timeout(2_000)]
fn a_semaphore_with_no_room_lets_nobody_in() {
    let (enter, _leave) = bounded::<()>(0);
    let entered = enter.send_timeout((), Duration::from_millis(50));
    assert_eq!(entered, Err(SendTimeoutError::Timeout(())));
}

#[test]
#[ntest::timeout(2_000)]
fn the_manager_claims_the_limit_only_if_the_counter_agrees() {
    assert_eq!(within_limit(3, 3), Ok(()));
    assert_eq!(within_limit(1, 3), Ok(()));
    let error = within_limit(4, 3).expect_err("4 is over the limit of 3");
    assert_eq!(error, "4 employees were at work at once, more than 3");
}

// ANCHOR: condvar_test
#[test]
#[ntest::timeout(10_000)]
fn the_mutex_and_condvar_semaphore_also_lets_only_the_limit_in() {
    let semaphore = Arc::new(Semaphore::new(2));
    let (holding_tx, holding) = unbounded::<usize>();
    let (gate, gate_rx) = unbounded::<()>();
    let team: Vec<_> = (0..5)
        .map(|paper| {
            let (semaphore, holding_tx, gate_rx) =
                (Arc::clone(&semaphore), holding_tx.clone(), gate_rx.clone());
            thread::spawn(move || {
                semaphore.acquire();
                holding_tx.send(paper).unwrap();
                gate_rx.recv().unwrap();
                semaphore.release();
            })
        })
        .collect();

    // Two get in; the third waits (CHANCE gives it every chance not to).
    for _ in 0..2 {
        holding.recv_timeout(PATIENCE).expect("two get a permit");
    }
    assert!(holding.recv_timeout(CHANCE).is_err());
    // One leaves: exactly one more gets in.
    gate.send(()).unwrap();
    holding.recv_timeout(PATIENCE).expect("a permit came back");
    assert!(holding.recv_timeout(CHANCE).is_err());

    for _ in 0..4 {
        gate.send(()).unwrap();
    }
    for employee in team {
        employee.join().unwrap();
    }
    // The last two got in too: all five had their turn.
    assert_eq!(holding.try_iter().count(), 2);
}
// ANCHOR_END: condvar_test

#[test]
#[ntest::timeout(5_000)]
fn an_employee_that_panics_is_reported_not_hidden() {
    let work = |paper: usize| assert!(paper != 2, "paper 2 was too much");
    let outcome = fan_out_semaphore(6, 3, work, |_: &str| {});
    assert_eq!(outcome.err(), Some("an employee panicked".to_string()));
}

// ANCHOR: leak
/// An employee that panics at work still gives its permit back: the
/// unwind drops its `Permit`. With a limit of 1 and every paper panicking,
/// a permit kept for good would leave the second employee waiting forever,
/// and the manager would never return.
#[test]
#[ntest::timeout(10_000)]
fn a_panicking_employee_gives_its_permit_back() {
    let (returned_tx, returned) = bounded(1);
    thread::spawn(move || {
        let work = |_paper: usize| panic!("on purpose");
        let _ = returned_tx.send(fan_out_semaphore(3, 1, work, |_: &str| {}));
    });
    let outcome = returned
        .recv_timeout(PATIENCE)
        .expect("the manager never returned: was a permit kept for good?");
    assert_eq!(outcome.err(), Some("an employee panicked".to_string()));
}
// ANCHOR_END: leak
