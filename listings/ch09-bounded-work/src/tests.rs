use super::{bounded_work, check_args};
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, bounded, unbounded};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// How long a test waits for something that must happen. A healthy run
/// needs milliseconds; a deadlocked one fails here instead of hanging.
const PATIENCE: Duration = Duration::from_secs(5);

/// How long a test watches for something that must NOT happen. This is not
/// synchronisation: a correct program never does it, however long we watch;
/// a broken one does it at once, and this gives it every chance to.
const CHANCE: Duration = Duration::from_millis(100);

/// One run of `bounded_work` on its own manager thread. Each employee's
/// work reports the paper it holds, waits for a token from `gate`, then
/// records the paper as finished.
struct Run {
    /// The paper an employee has just started to work on.
    holding: Receiver<usize>,
    /// Each token lets one employee finish the paper in hand.
    gate: Sender<()>,
    /// Receives, once `bounded_work` has returned, what it returned and
    /// the papers that were finished at that moment.
    returned: Receiver<(Result<(), String>, Vec<usize>)>,
}

impl Run {
    fn start(team_size: usize, papers: usize) -> Run {
        let (holding_tx, holding) = unbounded();
        let (gate, gate_rx) = unbounded::<()>();
        let (returned_tx, returned) = bounded(1);
        let finished = Arc::new(Mutex::new(Vec::new()));
        let work = {
            let finished = Arc::clone(&finished);
            move |paper: usize| {
                let _ = holding_tx.send(paper);
                // A token, or the end of the test (gate dropped), lets it go.
                let _ = gate_rx.recv();
                finished.lock().unwrap().push(paper);
            }
        };
        thread::spawn(move || {
            let outcome = bounded_work(team_size, papers, work, |_: &str| {});
            // What was finished at the very moment the manager moved on.
            let snapshot = finished.lock().unwrap().clone();
            let _ = returned_tx.send((outcome, snapshot));
        });
        Run {
            holding,
            gate,
            returned,
        }
    }

    fn wait_until_holding(&self, n: usize) {
        for _ in 0..n {
            self.holding
                .recv_timeout(PATIENCE)
                .expect("an employee never started on a paper");
        }
    }

    fn release(&self, n: usize) {
        for _ in 0..n {
            self.gate.send(()).expect("the work is listening");
        }
    }
}

/// Runs `bounded_work` with work that does nothing and records every line.
/// Bounded in time: a manager stuck anywhere fails the test.
fn record(team_size: usize, papers: usize) -> Vec<String> {
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let (returned_tx, returned) = bounded(1);
    {
        let log = Arc::clone(&log);
        thread::spawn(move || {
            let say = move |line: &str| log.lock().unwrap().push(line.to_string());
            let _ = returned_tx.send(bounded_work(team_size, papers, |_: usize| {}, say));
        });
    }
    returned
        .recv_timeout(PATIENCE)
        .expect("bounded_work did not return")
        .expect("the team is not empty");
    log.lock().unwrap().clone()
}

fn position(log: &[String], wanted: &str) -> usize {
    log.iter()
        .position(|line| line == wanted)
        .unwrap_or_else(|| panic!("never said: {wanted}\n{log:#?}"))
}

#[test]
#[ntest::timeout(10_000)]
fn the_listing_takes_no_arguments() {
    assert_eq!(check_args(std::iter::empty()), Ok(()));
    let error = check_args(["--papers=100".to_string()].into_iter()).unwrap_err();
    assert!(
        error.contains("usage: cargo run -p ch09-bounded-work"),
        "{error}"
    );
    assert!(error.contains("--papers=100"), "{error}");
    assert!(!error.contains('\n'), "one line: {error}");
}

// ANCHOR: all_done
#[test]
#[ntest::timeout(10_000)]
fn every_staged_paper_is_done_before_the_manager_moves_on() {
    let (team_size, papers) = (3, 10);
    let run = Run::start(team_size, papers);

    // Three employees are held at their papers.
    run.wait_until_holding(team_size);
    // The manager waits for the team: it cannot move on while they work.
    assert!(
        run.returned.recv_timeout(CHANCE).is_err(),
        "bounded_work returned while employees still held papers"
    );

    run.release(papers);
    let (outcome, finished_when_it_returned) = run
        .returned
        .recv_timeout(PATIENCE)
        .expect("bounded_work did not return: is a Sender still alive?");
    assert_eq!(outcome, Ok(()));
    // When the manager moved on, every paper was finished, each once.
    let mut finished = finished_when_it_returned;
    finished.sort_unstable();
    assert_eq!(finished, (0..papers).collect::<Vec<_>>());
}
// ANCHOR_END: all_done

// ANCHOR: staging
#[test]
#[ntest::timeout(10_000)]
fn staging_completes_before_any_employee_is_hired() {
    let papers = 10;
    let log = record(4, papers);

    // Every paper is staged and the in-tray closed before the manager hires
    // anyone: no employee was there to receive, and no send waited for one.
    let hired = position(&log, "manager : hired 4 employees");
    let shutdown = position(&log, "manager : sent shutdown signal");
    for paper in 0..papers {
        assert!(position(&log, &format!("manager : put paper {paper} in the in-tray")) < shutdown);
    }
    assert!(shutdown < hired);
    assert!(
        log[..=shutdown]
            .iter()
            .all(|line| line.starts_with("manager")),
        "{log:#?}"
    );
}
// ANCHOR_END: staging

#[test]
#[ntest::timeout(10_000)]
fn the_lines_come_in_the_order_the_chapter_describes() {
    // More employees than papers: some receive none, and still go home.
    for team_size in [1, 3, 16] {
        let papers = 10;
        let log = record(team_size, papers);

        let mut expected: Vec<String> = (0..papers)
            .map(|p| format!("manager : put paper {p} in the in-tray"))
            .collect();
        expected.push("manager : sent shutdown signal".into());
        expected.push(format!("manager : hired {team_size} employees"));
        expected.push(format!("manager : all {papers} papers done, moving on"));
        let manager: Vec<String> = log
            .iter()
            .filter(|l| l.starts_with("manager"))
            .cloned()
            .collect();
        assert_eq!(manager, expected);

        // Each paper received once.
        for paper in 0..papers {
            let received = format!(" : received paper {paper}");
            let times = log.iter().filter(|l| l.ends_with(&received)).count();
            assert_eq!(times, 1, "paper {paper} received {times} times");
        }

        // Each employee's last line is its shutdown line, said before the
        // manager moves on.
        let moving_on = position(
            &log,
            &format!("manager : all {papers} papers done, moving on"),
        );
        for e in 0..team_size {
            let mine: Vec<&String> = log
                .iter()
                .filter(|l| l.starts_with(&format!("employee {e} :")))
                .collect();
            let shutdown = format!("employee {e} : received shutdown signal");
            assert_eq!(mine.last().map(|l| l.as_str()), Some(shutdown.as_str()));
            assert!(position(&log, &shutdown) < moving_on);
        }
    }
}

// ANCHOR: sender_alive
#[test]
#[ntest::timeout(10_000)]
fn the_loop_ends_only_because_the_sender_is_dropped() {
    // Three papers staged; the manager keeps its Sender for now.
    let (tx, rx) = bounded::<usize>(3);
    for paper in 0..3 {
        tx.send(paper).unwrap();
    }
    let (took_tx, took) = unbounded();
    let employee = thread::spawn(move || {
        for paper in rx {
            took_tx.send(paper).unwrap();
        }
    });
    for paper in 0..3 {
        assert_eq!(took.recv_timeout(PATIENCE), Ok(paper));
    }

    // The tray is empty, but not closed: the employee waits for more.
    // CHANCE gives its loop every chance to end; it does not.
    assert_eq!(
        took.recv_timeout(CHANCE),
        Err(RecvTimeoutError::Timeout),
        "the employee's loop ended while a Sender was alive"
    );
    assert!(!employee.is_finished());

    // The shutdown signal: the loop ends, and the employee goes home.
    drop(tx);
    assert_eq!(
        took.recv_timeout(PATIENCE),
        Err(RecvTimeoutError::Disconnected)
    );
    employee.join().unwrap();
}
// ANCHOR_END: sender_alive

// ANCHOR: zero
#[test]
#[ntest::timeout(2_000)]
fn a_team_of_zero_is_refused_not_left_waiting() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let work = move |_paper: usize| {
        counter.fetch_add(1, Ordering::SeqCst);
    };
    let said = Arc::new(Mutex::new(Vec::<String>::new()));
    let say = {
        let said = Arc::clone(&said);
        move |line: &str| said.lock().unwrap().push(line.to_string())
    };
    let error = bounded_work(0, 10, work, say).expect_err("a team of zero must be refused");
    assert!(error.starts_with("team size must be at least 1"), "{error}");
    // Refused before anything was staged.
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    assert_eq!(*said.lock().unwrap(), Vec::<String>::new());
}
// ANCHOR_END: zero

#[test]
#[ntest::timeout(5_000)]
fn no_papers_at_all_is_fine() {
    // An in-tray sized to no work is `bounded(0)`; nothing is ever sent on it.
    let log = record(2, 0);
    assert_eq!(
        log.last().map(|l| l.as_str()),
        Some("manager : all 0 papers done, moving on")
    );
}

#[test]
#[ntest::timeout(5_000)]
fn an_employee_that_panics_is_reported_not_hidden() {
    let outcome = bounded_work(2, 4, |paper: usize| assert!(paper != 2), |_: &str| {});
    assert_eq!(outcome, Err("an employee panicked".to_string()));
}
