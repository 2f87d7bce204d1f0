use super::*;
use crossbeam_channel::RecvTimeoutError;
use std::sync::{Arc, Condvar, Mutex};

/// How long a test waits for something that must happen. A healthy run
/// needs milliseconds; a broken one fails here instead of hanging.
const PATIENCE: Duration = Duration::from_secs(5);

/// How long a test watches for something that must NOT happen. This is not
/// synchronisation: a correct program never does it, however long we watch;
/// a broken one does it at once, and this gives it every chance to.
const CHANCE: Duration = Duration::from_millis(100);

/// How long `no_employee_waits_for_the_manager` holds the manager for the
/// employees' lines. Long enough for twenty threads to send; shorter than
/// `PATIENCE`, so that with a rendezvous the manager is let go and returns
/// before `run_bounded` gives up, and the test fails on its own check
/// (an employee's line after the manager's), not on "never returned".
const HOLD_FOR_EVERYONE: Duration = Duration::from_secs(2);

const GONE_HOME: &str = "manager : every report is in, the team has gone home";

/// The two ways the chapter shows to collect the reports.
#[derive(Clone, Copy, Debug)]
enum Way {
    DropTheSender,
    Count,
}
const BOTH: [Way; 2] = [Way::DropTheSender, Way::Count];

fn run<R: Send + 'static>(
    way: Way,
    papers: usize,
    work: impl Fn(usize) -> R + Clone + Send + 'static,
    say: impl Fn(&str) + Clone + Send + 'static,
) -> Vec<R> {
    match way {
        Way::DropTheSender => fan_out(papers, work, say),
        Way::Count => fan_out_counting(papers, work, say),
    }
}

/// Runs `run` on a manager thread of its own, and waits (bounded) for it
/// to return, so that a manager stuck forever fails the test with a message.
fn run_bounded<R: Send + 'static>(
    way: Way,
    papers: usize,
    work: impl Fn(usize) -> R + Clone + Send + 'static,
    say: impl Fn(&str) + Clone + Send + 'static,
) -> Vec<R> {
    let (done_tx, done) = bounded(1);
    thread::spawn(move || {
        let _ = done_tx.send(run(way, papers, work, say));
    });
    done.recv_timeout(PATIENCE)
        .unwrap_or_else(|_| panic!("{way:?}: the manager never returned"))
}

fn employee_line(paper: usize) -> String {
    format!("employee {paper} : put the report on paper {paper} in the in-tray")
}

#[test]
#[ntest::timeout(10_000)]
fn any_argument_is_a_usage_error() {
    assert_eq!(check_args(std::iter::empty()), Ok(()));
    let err = check_args(["--team=3".to_string()].into_iter()).unwrap_err();
    assert!(err.contains("usage: cargo run -p ch07-fan-out"), "{err}");
    assert!(err.contains("--team=3"), "{err}");
    assert!(!err.contains('\n'), "one line: {err}");
}

#[test]
#[ntest::timeout(10_000)]
fn every_report_arrives_exactly_once() {
    let papers = 50;
    for way in BOTH {
        let recorder = Recorder::new();
        let mut reports = run_bounded(way, papers, |paper| paper, recorder.say_fn());
        reports.sort_unstable();
        assert_eq!(reports, (0..papers).collect::<Vec<_>>(), "{way:?}");

        // The manager counts down in order; each employee speaks once.
        let lines = recorder.lines();
        let manager: Vec<&String> = lines.iter().filter(|l| l.starts_with("manager")).collect();
        let mut expected = vec![format!("manager : hired {papers} employees")];
        expected.extend(
            (0..papers)
                .rev()
                .map(|left| format!("manager : received a report, {left} to go")),
        );
        expected.push(GONE_HOME.to_string());
        assert_eq!(manager, expected.iter().collect::<Vec<_>>(), "{way:?}");
        for paper in 0..papers {
            let times = lines.iter().filter(|l| **l == employee_line(paper)).count();
            assert_eq!(times, 1, "{way:?}: employee {paper} spoke {times} times");
        }
    }
}

// ANCHOR: never_blocks
/// The manager is held just after hiring, before it receives anything,
/// until every employee says it put its report in the in-tray (at most
/// `HOLD_FOR_EVERYONE`). With an in-tray of one place per employee, every send
/// completes while nobody receives. With a rendezvous, no send could.
#[test]
#[ntest::timeout(10_000)]
fn no_employee_waits_for_the_manager() {
    let papers = 20;
    for way in BOTH {
        let everyone_sent = (0..papers).map(employee_line).collect::<Vec<_>>();
        let recorder = Recorder::new().hold_until(
            "manager : hired",
            move |lines| everyone_sent.iter().all(|l| lines.contains(l)),
            HOLD_FOR_EVERYONE,
        );
        run_bounded(way, papers, |paper| paper, recorder.say_fn());

        let hired = recorder.position("manager : hired");
        for paper in 0..papers {
            assert!(
                recorder.position(&employee_line(paper)) < hired,
                "{way:?}: employee {paper} waited for the manager to receive"
            );
        }
    }
}
// ANCHOR_END: never_blocks

/// One employee's line is held until the manager's last line (or `HOLD`
/// runs out). The joins keep the manager from saying it, and from
/// returning, before every employee has finished.
#[test]
#[ntest::timeout(10_000)]
fn the_manager_waits_for_the_team() {
    let papers = 5;
    for way in BOTH {
        let recorder = Recorder::new().hold_until(
            &employee_line(0),
            |lines| lines.iter().any(|l| l == GONE_HOME),
            HOLD,
        );
        run_bounded(way, papers, |paper| paper, recorder.say_fn());
        // What was recorded when the manager returned.
        let at_return = recorder.lines();
        for paper in 0..papers {
            assert!(
                at_return.contains(&employee_line(paper)),
                "{way:?}: the manager returned before employee {paper} was done: {at_return:#?}"
            );
        }
        assert_eq!(at_return.last().map(String::as_str), Some(GONE_HOME));
    }
}

// ANCHOR: trap
/// The trap, on the listing's own `hire_team`: while the manager keeps a
/// Sender, `for report in rx` never ends, even after every report is in.
#[test]
#[ntest::timeout(10_000)]
fn a_sender_kept_by_the_manager_keeps_the_loop_waiting() {
    let papers = 5;
    let (tx, rx) = bounded::<usize>(papers);
    let team = hire_team(papers, |paper| paper, |_line: &str| {}, &tx);
    for employee in team {
        employee.join().unwrap(); // every report is now in the in-tray
    }

    let (loop_ended_tx, loop_ended) = bounded(1);
    thread::spawn(move || {
        let mut received = 0;
        for _report in rx {
            received += 1;
        }
        let _ = loop_ended_tx.send(received);
    });

    // Five reports are there to take, yet the loop does not end: the
    // manager's `tx` could still send a sixth.
    assert_eq!(
        loop_ended.recv_timeout(CHANCE),
        Err(RecvTimeoutError::Timeout)
    );

    // Drop it, and the loop ends at once, with every report.
    drop(tx);
    assert_eq!(loop_ended.recv_timeout(PATIENCE), Ok(papers));
}
// ANCHOR_END: trap

/// Counting ends although the manager's Sender is alive the whole time.
#[test]
#[ntest::timeout(10_000)]
fn counting_ends_although_the_manager_keeps_its_sender() {
    let reports = run_bounded(Way::Count, 5, |paper| paper, |_line: &str| {});
    assert_eq!(reports.len(), 5);
}

/// A team of zero: no papers, so nobody is hired and no report comes.
/// The in-tray is then `bounded(0)`; nobody ever sends on it, so that is
/// harmless. Both ways return at once with no reports.
#[test]
#[ntest::timeout(10_000)]
fn zero_papers_means_zero_employees_and_no_reports() {
    for way in BOTH {
        let recorder = Recorder::new();
        let reports: Vec<usize> = run_bounded(way, 0, |paper| paper, recorder.say_fn());
        assert!(reports.is_empty(), "{way:?}");
        assert_eq!(
            recorder.lines(),
            ["manager : hired 0 employees", GONE_HOME],
            "{way:?}"
        );
    }
}

/// An employee that panics drops its Sender without sending. When the
/// manager dropped its own, the loop ends and the join passes the panic
/// on. When the manager counts, it waits for that report forever.
#[test]
#[ntest::timeout(10_000)]
fn an_employee_that_dies_ends_the_loop_but_not_the_count() {
    let work = |paper: usize| {
        if paper == 2 {
            panic!("on purpose");
        }
        paper
    };

    let (outcome_tx, outcome) = bounded(1);
    thread::spawn(move || {
        let run = std::panic::catch_unwind(|| fan_out(4, work, |_line: &str| {}));
        let _ = outcome_tx.send(run.map(|reports| reports.len()));
    });
    let run = outcome
        .recv_timeout(PATIENCE)
        .expect("the manager never returned");
    assert!(
        run.is_err(),
        "the manager should pass the panic on: {run:?}"
    );

    let (done_tx, done) = bounded(1);
    thread::spawn(move || {
        let _ = done_tx.send(fan_out_counting(4, work, |_line: &str| {}));
    });
    // This manager never returns; the thread is left behind when the
    // test ends.
    assert!(done.recv_timeout(CHANCE).is_err());
}

/// Counting with the manager's Sender dropped: a dead employee's missing
/// report makes `recv` fail instead of waiting forever.
#[test]
#[ntest::timeout(10_000)]
fn counting_with_the_sender_dropped_cannot_hang() {
    let (tx, rx) = bounded::<usize>(4);
    let work = |paper: usize| {
        if paper == 2 {
            panic!("on purpose");
        }
        paper
    };
    let team = hire_team(4, work, |_line: &str| {}, &tx);
    drop(tx);
    let received: Vec<_> = (0..4).map(|_| rx.recv_timeout(PATIENCE)).collect();
    assert_eq!(received.iter().filter(|r| r.is_ok()).count(), 3);
    assert_eq!(received[3], Err(RecvTimeoutError::Disconnected));
    assert_eq!(
        team.into_iter()
            .map(|e| e.join().is_err())
            .filter(|&died| died)
            .count(),
        1
    );
}

/// The employee speaks after its send returns; the manager may already
/// have the report and say so first. Held this way round, it does.
#[test]
#[ntest::timeout(10_000)]
fn the_manager_may_say_received_before_the_employee_says_sent() {
    let recorder = Recorder::new().hold_until(
        &employee_line(0),
        |lines| {
            lines
                .iter()
                .any(|l| l == "manager : received a report, 0 to go")
        },
        PATIENCE,
    );
    run_bounded(Way::DropTheSender, 1, |paper| paper, recorder.say_fn());
    assert!(
        recorder.position("manager : received a report, 0 to go")
            < recorder.position(&employee_line(0))
    );
}

// ---- test helpers ----

/// How long a held line waits, when the test expects the wait to run out.
/// Only a bound: it gives the other threads every chance to run ahead.
const HOLD: Duration = Duration::from_millis(100);

type Until = Arc<dyn Fn(&[String]) -> bool + Send + Sync>;

/// Records every line said, in the order it is said. A line may be held:
/// the thread saying it stops there until `until` holds for the lines
/// recorded so far (or a bound runs out), and only then records it.
#[derive(Clone, Default)]
struct Recorder {
    lines: Arc<(Mutex<Vec<String>>, Condvar)>,
    hold: Option<(String, Until, Duration)>,
}

impl Recorder {
    fn new() -> Self {
        Self::default()
    }

    /// Holds the line starting with `held` until `until` holds, or `bound` passes.
    fn hold_until(
        self,
        held: &str,
        until: impl Fn(&[String]) -> bool + Send + Sync + 'static,
        bound: Duration,
    ) -> Self {
        Recorder {
            hold: Some((held.to_string(), Arc::new(until), bound)),
            ..self
        }
    }

    fn say(&self, line: &str) {
        let (lines, changed) = &*self.lines;
        let mut lines = lines.lock().unwrap();
        if let Some((held, until, bound)) = &self.hold
            && line.starts_with(held.as_str())
        {
            lines = changed
                .wait_timeout_while(lines, *bound, |l| !until(l))
                .unwrap()
                .0;
        }
        lines.push(line.to_string());
        changed.notify_all();
    }

    /// A `say` function to hand to the listing's code.
    fn say_fn(&self) -> impl Fn(&str) + Clone + Send + 'static {
        let recorder = self.clone();
        move |line: &str| recorder.say(line)
    }

    fn lines(&self) -> Vec<String> {
        self.lines.0.lock().unwrap().clone()
    }

    /// Where the first line starting with `prefix` was recorded.
    fn position(&self, prefix: &str) -> usize {
        let lines = self.lines();
        lines
            .iter()
            .position(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starting with {prefix:?} in {lines:#?}"))
    }
}
