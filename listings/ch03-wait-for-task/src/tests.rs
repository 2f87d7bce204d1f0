use super::*;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

const HIRED: &str = "employee : hired, ready for work";
const PREPARING: &str = "manager : employee is ready, preparing a paper";
const WAITING: &str = "employee : waiting for a paper";
const SENT: &str = "manager : handed off paper";
const RECEIVED: &str = "employee : received paper";
const DONE: &str = "manager : employee is done";
const NO_PAPER: &str = "employee : no paper will come";

#[test]
#[ntest::timeout(10_000)]
fn the_listing_says_six_lines() {
    let recorder = Recorder::new();
    wait_for_task(recorder.say_fn());
    let mut lines = recorder.lines();
    lines.sort();
    let mut expected = [HIRED, PREPARING, WAITING, SENT, RECEIVED, DONE];
    expected.sort();
    assert_eq!(lines, expected);
}

/// The employee is hired, and says it is ready, before the paper exists.
/// The employee's line is held back to give the manager every chance to
/// prepare the paper first: the manager cannot, it waits for the signal.
#[test]
#[ntest::timeout(10_000)]
fn the_employee_is_ready_before_the_paper_exists() {
    let recorder = Recorder::holding(HIRED, PREPARING);
    wait_for_task(recorder.say_fn());
    assert!(
        recorder.position(HIRED) < recorder.position(PREPARING),
        "{:?}",
        recorder.lines()
    );
}

// ANCHOR: send_waits
/// The employee is held back before it starts waiting on the channel. On
/// a rendezvous the manager's send cannot return meanwhile; on an in-tray
/// it would, and "sent" would come first.
#[test]
#[ntest::timeout(10_000)]
fn the_send_does_not_return_until_the_employee_takes_the_paper() {
    let recorder = Recorder::holding(WAITING, SENT);
    wait_for_task(recorder.say_fn());
    assert!(
        recorder.position(WAITING) < recorder.position(SENT),
        "{:?}",
        recorder.lines()
    );
}
// ANCHOR_END: send_waits

/// The employee's work (its "received" line) is held back. The manager
/// must not go past the join, so its last line, and its return, come
/// after the employee's line.
#[test]
#[ntest::timeout(10_000)]
fn the_manager_waits_for_the_employee() {
    let recorder = Recorder::holding(RECEIVED, DONE);
    wait_for_task(recorder.say_fn());
    // What was recorded when `wait_for_task` returned.
    let at_return = recorder.lines();
    assert!(at_return.iter().any(|l| l == RECEIVED), "{at_return:?}");
    assert!(
        recorder.position(RECEIVED) < recorder.position(DONE),
        "{at_return:?}"
    );
}

/// The hand-off is a rendezvous, yet "sent" and "received" are printed
/// after it, on two threads: both orders happen with the same code.
#[test]
#[ntest::timeout(10_000)]
fn handed_off_and_received_may_print_in_either_order() {
    let employee_first = Recorder::holding_for_sure(SENT, RECEIVED);
    wait_for_task(employee_first.say_fn());
    assert!(employee_first.position(RECEIVED) < employee_first.position(SENT));

    let manager_first = Recorder::holding_for_sure(RECEIVED, SENT);
    wait_for_task(manager_first.say_fn());
    assert!(manager_first.position(SENT) < manager_first.position(RECEIVED));
}

/// The employee panics before it signals (its first `say` fails, as a
/// `println!` can when stdout is gone). The manager passes on the
/// employee's own panic, not a vaguer one of its own.
#[test]
#[ntest::timeout(10_000)]
fn an_employee_panic_before_the_ready_signal_reaches_the_manager() {
    let say = |line: &str| {
        if line == HIRED {
            panic!("the employee cannot say it is hired");
        }
    };
    let manager = thread::spawn(move || wait_for_task(say));
    let panic = manager.join().expect_err("the employee panicked");
    assert_eq!(
        panic.downcast_ref::<&str>(),
        Some(&"the employee cannot say it is hired")
    );
}

/// The manager panics while preparing, so it drops `tx` without sending.
/// The employee's `recv` returns `Err`, and the employee says so and ends.
#[test]
#[ntest::timeout(10_000)]
fn if_the_manager_drops_tx_without_sending_the_employee_is_told() {
    let recorder = Recorder::new();
    let record = recorder.say_fn();
    let say = move |line: &str| {
        if line == PREPARING {
            panic!("the manager gives up while preparing");
        }
        record(line);
    };
    let manager = thread::spawn(move || wait_for_task(say));
    assert!(manager.join().is_err(), "the manager should have panicked");
    // The employee was left running: wait (bounded) for its last line.
    recorder.wait_for(NO_PAPER);
    assert_eq!(recorder.lines(), [HIRED, WAITING, NO_PAPER]);
}

#[test]
#[ntest::timeout(10_000)]
fn any_argument_is_a_usage_error() {
    assert_eq!(check_args(std::iter::empty()), Ok(()));
    let err = check_args(["--fast".to_string()].into_iter()).unwrap_err();
    assert!(
        err.contains("usage: cargo run -p ch03-wait-for-task"),
        "{err}"
    );
    assert!(err.contains("--fast"), "{err}");
}

// ---- test helpers ----

/// How long a held line waits for a line the code under test rules out.
/// Only a bound: it gives the other thread every chance to run ahead. In
/// the passing case the wait runs out and the test goes on.
const HOLD: Duration = Duration::from_millis(100);

/// How long a held line waits for a line that is sure to come. A passing
/// run waits only until it comes; the bound turns a hang into a failure.
const PATIENCE: Duration = Duration::from_secs(5);

/// Records every line said, in the order it is said. A line may be held:
/// the thread saying it stops there until a line starting with `until`
/// has been recorded (or the hold's bound runs out), and only then records it.
#[derive(Clone, Default)]
struct Recorder {
    lines: Arc<(Mutex<Vec<String>>, Condvar)>,
    holds: Vec<(&'static str, &'static str)>,
    bound: Duration,
}

impl Recorder {
    fn new() -> Self {
        Self::default()
    }

    /// Holds the line starting with `held` until a line starting with
    /// `until`, which must not come first (at most `HOLD`).
    fn holding(held: &'static str, until: &'static str) -> Self {
        Recorder {
            holds: vec![(held, until)],
            bound: HOLD,
            ..Self::default()
        }
    }

    /// Holds the line starting with `held` until a line starting with
    /// `until`, which is sure to come (at most `PATIENCE`).
    fn holding_for_sure(held: &'static str, until: &'static str) -> Self {
        Recorder {
            bound: PATIENCE,
            ..Self::holding(held, until)
        }
    }

    fn say(&self, line: &str) {
        let (lines, changed) = &*self.lines;
        let mut lines = lines.lock().unwrap();
        for (held, until) in &self.holds {
            if line.starts_with(held) {
                lines = changed
                    .wait_timeout_while(lines, self.bound, |l| {
                        !l.iter().any(|x| x.starts_with(until))
                    })
                    .unwrap()
                    .0;
            }
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

    /// Waits until a line starting with `prefix` has been recorded. The
    /// bound only turns a missing line into a failure instead of a hang.
    fn wait_for(&self, prefix: &str) {
        let (lines, changed) = &*self.lines;
        let lines = lines.lock().unwrap();
        let (lines, _) = changed
            .wait_timeout_while(lines, PATIENCE, |l| {
                !l.iter().any(|x| x.starts_with(prefix))
            })
            .unwrap();
        assert!(
            lines.iter().any(|x| x.starts_with(prefix)),
            "no line starting with {prefix:?} in {lines:?}"
        );
    }

    /// Where the first line starting with `prefix` was recorded.
    fn position(&self, prefix: &str) -> usize {
        let lines = self.lines();
        lines
            .iter()
            .position(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starting with {prefix:?} in {lines:?}"))
    }
}
