use super::{check_args, pooling};
use crossbeam_channel::{Receiver, RecvTimeoutError, SendTimeoutError, Sender, bounded, unbounded};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long a test waits for something that must happen. A healthy run
/// needs milliseconds; a deadlocked one fails here instead of hanging.
const PATIENCE: Duration = Duration::from_secs(5);

/// How long a test watches for something that must NOT happen. This is not
/// synchronisation: a correct program never does it, however long we watch;
/// a broken one does it at once, and this gives it every chance to.
const CHANCE: Duration = Duration::from_millis(100);

/// One run of `pooling` on its own manager thread, watched and steered by
/// the test. Each employee's work reports the paper it holds, then waits
/// for a token from `gate` before it finishes that paper.
struct Run {
    team_size: usize,
    /// Every line, in the order it was said. When `pooling` returns, the
    /// manager thread adds `RETURNED`.
    log: Arc<Mutex<Vec<String>>>,
    /// The same lines, as they are said.
    lines: Receiver<String>,
    /// The paper an employee has just started to work on.
    holding: Receiver<usize>,
    /// Each token lets one employee finish the paper in hand.
    gate: Sender<()>,
    /// Papers whose work is done, in the order they were done.
    finished: Arc<Mutex<Vec<usize>>>,
    /// Manager lines said while the manager was more than `team_size`
    /// papers ahead of the finished work.
    too_far_ahead: Arc<Mutex<Vec<String>>>,
    /// Receives once, when `pooling` has returned.
    returned: Receiver<()>,
}

const RETURNED: &str = "test : pooling returned";

impl Run {
    fn start(team_size: usize, papers: usize) -> Run {
        let log = Arc::new(Mutex::new(Vec::new()));
        let finished = Arc::new(Mutex::new(Vec::new()));
        let too_far_ahead = Arc::new(Mutex::new(Vec::new()));
        let (lines_tx, lines) = unbounded();
        let (holding_tx, holding) = unbounded();
        let (gate, gate_rx) = unbounded::<()>();
        let (returned_tx, returned) = bounded(1);

        let work = {
            let finished = Arc::clone(&finished);
            move |paper: usize| {
                let _ = holding_tx.send(paper);
                // A token, or the end of the test (gate dropped), lets it go.
                let _ = gate_rx.recv();
                finished.lock().unwrap().push(paper);
            }
        };

        let say = {
            let (log, finished, too_far_ahead) = (
                Arc::clone(&log),
                Arc::clone(&finished),
                Arc::clone(&too_far_ahead),
            );
            move |line: &str| {
                // Right after the manager's send of paper p returned: p + 1
                // papers are out; at most one per employee may be unfinished.
                if let Some(paper) = line.strip_prefix("manager : handed off paper ") {
                    let handed_off = paper.parse::<usize>().unwrap() + 1;
                    let done = finished.lock().unwrap().len();
                    if handed_off > done + team_size {
                        too_far_ahead
                            .lock()
                            .unwrap()
                            .push(format!("{line} (only {done} papers finished)"));
                    }
                }
                log.lock().unwrap().push(line.to_string());
                let _ = lines_tx.send(line.to_string());
            }
        };

        {
            let log = Arc::clone(&log);
            thread::spawn(move || {
                pooling(team_size, papers, work, say);
                log.lock().unwrap().push(RETURNED.to_string());
                let _ = returned_tx.send(());
            });
        }

        Run {
            team_size,
            log,
            lines,
            holding,
            gate,
            finished,
            too_far_ahead,
            returned,
        }
    }

    /// Lets `n` employees finish the paper in hand (now or later).
    fn release(&self, n: usize) {
        for _ in 0..n {
            self.gate.send(()).unwrap();
        }
    }

    /// Waits until `n` more papers are in employees' hands.
    fn wait_until_holding(&self, n: usize) -> Vec<usize> {
        (0..n)
            .map(|_| {
                self.holding
                    .recv_timeout(PATIENCE)
                    .expect("an employee never started on a paper")
            })
            .collect()
    }

    /// Waits until `wanted` is said.
    fn wait_for_line(&self, wanted: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            match self.lines.recv_deadline(deadline) {
                Ok(line) if line == wanted => return,
                Ok(_) => continue,
                Err(_) => panic!("never said: {wanted}"),
            }
        }
    }

    /// Watches the lines for `CHANCE`: is `unwanted` said?
    fn says_within_chance(&self, unwanted: &str) -> bool {
        let deadline = Instant::now() + CHANCE;
        while let Ok(line) = self.lines.recv_deadline(deadline) {
            if line == unwanted {
                return true;
            }
        }
        false
    }

    /// Waits until `pooling` returns; a Sender left alive means it never does.
    fn wait_until_returned(&self) {
        self.returned.recv_timeout(PATIENCE).expect(
            "pooling did not return: is a Sender still alive, or an employee still working?",
        );
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    fn finished(&self) -> Vec<usize> {
        self.finished.lock().unwrap().clone()
    }

    fn too_far_ahead(&self) -> Vec<String> {
        self.too_far_ahead.lock().unwrap().clone()
    }
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
    let error = check_args(["--fast".to_string()].into_iter()).unwrap_err();
    assert!(
        error.contains("usage: cargo run -p ch04-pooling"),
        "{error}"
    );
    assert!(!error.contains('\n'), "one line: {error}");
}

#[test]
#[ntest::timeout(10_000)]
fn every_paper_is_received_and_finished_exactly_once() {
    let papers = 100;
    let run = Run::start(4, papers);
    run.release(papers); // nobody is held up
    run.wait_until_returned();

    let mut finished = run.finished();
    finished.sort_unstable();
    assert_eq!(finished, (0..papers).collect::<Vec<_>>());

    let log = run.log();
    for paper in 0..papers {
        let received = format!(" : received paper {paper}");
        let times = log.iter().filter(|line| line.ends_with(&received)).count();
        assert_eq!(times, 1, "paper {paper} received {times} times");
    }
    assert_eq!(run.too_far_ahead(), Vec::<String>::new());
}

// ANCHOR: shape
#[test]
#[ntest::timeout(10_000)]
fn the_lines_come_in_the_order_the_chapter_describes() {
    let (team_size, papers) = (3, 10);
    let run = Run::start(team_size, papers);
    run.release(papers);
    run.wait_until_returned();
    let log = run.log();

    // The manager's own lines come in program order.
    let mut expected: Vec<String> = (0..papers)
        .map(|p| format!("manager : handed off paper {p}"))
        .collect();
    expected.push("manager : sent shutdown signal".into());
    expected.push("manager : the team has gone home".into());
    let manager: Vec<String> = log
        .iter()
        .filter(|l| l.starts_with("manager"))
        .cloned()
        .collect();
    assert_eq!(manager, expected);

    // Paper p + 1 is received only after the manager handed off paper p.
    for p in 0..papers - 1 {
        let handed_off = position(&log, &format!("manager : handed off paper {p}"));
        let next = log
            .iter()
            .position(|l| l.ends_with(&format!(" : received paper {}", p + 1)))
            .unwrap();
        assert!(handed_off < next, "paper {} received too early", p + 1);
    }

    // Every employee says its shutdown line once, as its last line, and
    // before the manager says the team has gone home.
    let gone_home = position(&log, "manager : the team has gone home");
    for e in 0..team_size {
        let mine: Vec<&String> = log
            .iter()
            .filter(|l| l.starts_with(&format!("employee {e} :")))
            .collect();
        let shutdown = format!("employee {e} : received shutdown signal");
        assert_eq!(mine.last().map(|l| l.as_str()), Some(shutdown.as_str()));
        assert_eq!(mine.iter().filter(|l| ***l == shutdown).count(), 1);
        assert!(position(&log, &shutdown) < gone_home);
    }
    assert_eq!(log.last().map(|l| l.as_str()), Some(RETURNED));
}
// ANCHOR_END: shape

#[test]
#[ntest::timeout(10_000)]
fn an_employee_may_say_it_got_the_shutdown_signal_before_the_manager_says_it_sent_it() {
    // Dropping the Sender IS the signal; the manager's line comes after.
    // Here the manager's `say` holds that line back until every employee
    // has said its shutdown line: it can, because the signal is already out.
    let team_size = 2;
    let log = Arc::new(Mutex::new(Vec::new()));
    let (home_tx, home) = unbounded::<()>();
    let say = {
        let log = Arc::clone(&log);
        move |line: &str| {
            if line == "manager : sent shutdown signal" {
                for _ in 0..team_size {
                    home.recv_timeout(PATIENCE)
                        .expect("an employee did not see the shutdown signal");
                }
            }
            log.lock().unwrap().push(line.to_string());
            // Only once the line is in the log: the manager's comes after it.
            if line.ends_with("received shutdown signal") {
                home_tx.send(()).unwrap();
            }
        }
    };
    pooling(team_size, 4, |_paper: usize| {}, say);

    let log = log.lock().unwrap().clone();
    let manager = position(&log, "manager : sent shutdown signal");
    for e in 0..team_size {
        let employee = position(&log, &format!("employee {e} : received shutdown signal"));
        assert!(employee < manager, "{log:#?}");
    }
}

// ANCHOR: blocked
#[test]
#[ntest::timeout(10_000)]
fn the_manager_cannot_hand_off_while_every_employee_holds_a_paper() {
    let (team_size, papers) = (3, 8);
    let run = Run::start(team_size, papers);

    // Papers 0, 1, 2 are in the hands of the three employees.
    let mut held = run.wait_until_holding(team_size);
    held.sort_unstable();
    assert_eq!(held, [0, 1, 2]);

    // Nobody is free, so the manager's send of paper 3 cannot complete.
    assert!(
        !run.says_within_chance("manager : handed off paper 3"),
        "the manager handed off paper 3 while every employee was busy"
    );

    // One employee finishes its paper, comes back, and takes paper 3.
    run.release(1);
    run.wait_for_line("manager : handed off paper 3");

    run.release(papers - 1);
    run.wait_until_returned();
    // At no point was the manager more than team_size papers ahead.
    assert_eq!(run.too_far_ahead(), Vec::<String>::new());
}
// ANCHOR_END: blocked

// ANCHOR: finish_in_hand
#[test]
#[ntest::timeout(10_000)]
fn after_the_shutdown_signal_the_team_finishes_and_the_manager_waits() {
    let (team_size, papers) = (3, 5);
    let run = Run::start(team_size, papers);

    // Two papers are done and three are in the employees' hands when
    // the manager sends the shutdown signal.
    run.release(2);
    run.wait_for_line("manager : sent shutdown signal");
    assert_eq!(run.finished().len(), 2);

    // The manager waits for the team: it cannot return while they work.
    assert!(
        run.returned.recv_timeout(CHANCE).is_err(),
        "pooling returned while employees still held papers"
    );

    // The employees finish the papers in hand, then go home.
    run.release(team_size);
    run.wait_until_returned();
    let mut finished = run.finished();
    finished.sort_unstable();
    assert_eq!(finished, [0, 1, 2, 3, 4]);

    // Every shutdown line was said before pooling returned.
    let log = run.log();
    let returned = position(&log, RETURNED);
    for e in 0..run.team_size {
        let shutdown = format!("employee {e} : received shutdown signal");
        assert!(position(&log, &shutdown) < returned, "{log:#?}");
    }
}
// ANCHOR_END: finish_in_hand

#[test]
#[ntest::timeout(10_000)]
fn an_in_tray_is_emptied_before_the_shutdown_signal_ends_the_loop() {
    // Papers left in an in-tray are not lost either: `for p in rx` takes
    // them all before it sees that the Sender is gone.
    let (tx, rx) = bounded(3);
    for paper in 0..3 {
        tx.send(paper).unwrap();
    }
    drop(tx);
    assert_eq!(rx.into_iter().collect::<Vec<usize>>(), [0, 1, 2]);
}

#[test]
#[ntest::timeout(10_000)]
fn a_sender_left_alive_keeps_the_shutdown_signal_from_arriving() {
    let (tx, rx) = bounded::<usize>(0);
    // An employee (or the manager) that keeps a clone of the Sender...
    let stray = tx.clone();
    drop(tx);
    // ...means the channel is not disconnected: a receiver just waits.
    assert_eq!(
        rx.recv_timeout(Duration::from_millis(10)),
        Err(RecvTimeoutError::Timeout)
    );
    // Only when the last Sender goes does the loop get its signal.
    drop(stray);
    assert_eq!(rx.recv(), Err(crossbeam_channel::RecvError));
}

// ANCHOR: preview
#[test]
#[ntest::timeout(10_000)]
fn a_timed_out_hand_off_means_no_employee_took_the_paper() {
    let wait = Duration::from_millis(50);

    // A team of one, busy: its Receiver exists, but nobody is receiving.
    let (tx, busy_employee) = bounded::<usize>(0);
    assert_eq!(tx.send_timeout(7, wait), Err(SendTimeoutError::Timeout(7)));

    // When the employee comes for it, the same hand-off succeeds.
    let employee = thread::spawn(move || busy_employee.recv());
    assert_eq!(tx.send_timeout(7, PATIENCE), Ok(()));
    assert_eq!(employee.join().unwrap(), Ok(7));

    // An in-tray with room takes the paper although nobody is working.
    let (tx, _nobody_working) = bounded::<usize>(1);
    assert_eq!(tx.send_timeout(7, wait), Ok(()));
}
// ANCHOR_END: preview

#[test]
#[ntest::timeout(10_000)]
fn when_every_employee_has_quit_the_hand_off_fails_instead_of_waiting() {
    // Every employee panics on its first paper. The manager dropped its own
    // Receiver, so once they are all gone its `send` fails: it does not
    // wait forever for an employee who will never come.
    let (outcome_tx, outcome) = bounded(1);
    thread::spawn(move || {
        let run = std::panic::catch_unwind(|| {
            pooling(
                2,
                10,
                |_paper: usize| panic!("on purpose"),
                |_line: &str| {},
            )
        });
        let _ = outcome_tx.send(run.is_err());
    });
    let manager_panicked = outcome
        .recv_timeout(PATIENCE)
        .expect("the manager kept waiting for employees who had all quit");
    assert!(manager_panicked);
}

#[test]
#[ntest::timeout(10_000)]
fn the_manager_and_the_employee_can_report_a_hand_off_in_either_order() {
    // Both lines come after the same hand-off, on different threads.
    // Here `say` holds one of them back until the other is said: both ways
    // round the run completes, so neither order is guaranteed.
    for employee_first in [true, false] {
        let (first, second) = if employee_first {
            (
                "employee 0 : received paper 0",
                "manager : handed off paper 0",
            )
        } else {
            (
                "manager : handed off paper 0",
                "employee 0 : received paper 0",
            )
        };
        let log = Arc::new(Mutex::new(Vec::new()));
        let (first_said_tx, first_said) = unbounded::<()>();
        let say = {
            let log = Arc::clone(&log);
            move |line: &str| {
                if line == second {
                    first_said
                        .recv_timeout(PATIENCE)
                        .expect("the other line never came");
                }
                log.lock().unwrap().push(line.to_string());
                if line == first {
                    first_said_tx.send(()).unwrap();
                }
            }
        };
        pooling(1, 1, |_paper: usize| {}, say);
        let log = log.lock().unwrap().clone();
        assert!(position(&log, first) < position(&log, second), "{log:#?}");
    }
}
