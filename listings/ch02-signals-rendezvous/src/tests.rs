use super::*;
use crossbeam_channel::{RecvTimeoutError, TrySendError};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

// ANCHOR: send_waits
#[test]
#[ntest::timeout(10_000)]
fn a_send_does_not_return_before_a_receiver_takes_the_paper() {
    let (tx, rx) = rendezvous();
    let (sent_tx, sent_rx) = bounded(1);
    let manager = thread::spawn(move || {
        tx.send(String::from("paper")).unwrap();
        sent_tx.send(()).unwrap();
    });

    // Nobody receives yet. A bounded wait gives the manager every chance to
    // return from `send`; on a rendezvous it cannot.
    let early = sent_rx.recv_timeout(Duration::from_millis(100));
    assert_eq!(
        early,
        Err(RecvTimeoutError::Timeout),
        "send returned with nobody receiving"
    );

    // An employee takes the paper: now, and only now, the send returns.
    assert_eq!(rx.recv().unwrap(), "paper");
    sent_rx.recv().unwrap();
    manager.join().unwrap();
}
// ANCHOR_END: send_waits

#[test]
#[ntest::timeout(10_000)]
fn with_nobody_waiting_there_is_no_room_for_a_paper() {
    // Deterministic: with no receiver waiting, the paper has nowhere to go.
    let (tx, _rx) = rendezvous();
    match tx.try_send(String::from("paper")) {
        Err(TrySendError::Full(paper)) => assert_eq!(paper, "paper"),
        other => panic!("a rendezvous has no room, got {other:?}"),
    }
}

#[test]
#[ntest::timeout(10_000)]
fn the_hand_off_reports_both_sides() {
    let recorder = Recorder::new();
    hand_off(recorder.say_fn());
    let mut lines = recorder.lines();
    lines.sort();
    assert_eq!(
        lines,
        [
            "employee : received paper",
            "manager : handed off paper",
            "manager : handing off paper",
        ]
    );
}

/// The hand-off is a rendezvous, but the two lines are printed after it, on
/// two threads: either may come first. Holding one line until the other
/// appears shows that both orders happen with the very same code.
#[test]
#[ntest::timeout(10_000)]
fn handed_off_and_received_may_print_in_either_order() {
    let employee_first = Recorder::holding("manager : handed off", "employee : received");
    hand_off(employee_first.say_fn());
    assert!(
        employee_first.position("employee : received")
            < employee_first.position("manager : handed off")
    );

    let manager_first = Recorder::holding("employee : received", "manager : handed off");
    hand_off(manager_first.say_fn());
    assert!(
        manager_first.position("manager : handed off")
            < manager_first.position("employee : received")
    );
}

#[test]
#[ntest::timeout(10_000)]
fn any_argument_is_a_usage_error() {
    assert_eq!(check_args(std::iter::empty()), Ok(()));
    let err = check_args(["--fast".to_string()].into_iter()).unwrap_err();
    assert!(
        err.contains("usage: cargo run -p ch02-signals-rendezvous"),
        "{err}"
    );
    assert!(err.contains("--fast"), "{err}");
}

// ---- test helpers ----

/// How long a held line waits for the line it is held for. Only a bound:
/// it gives the other thread every chance to run ahead. In the passing
/// case either the awaited line arrives at once or, when the code under
/// test rules it out, the wait runs out and the test goes on.
const HOLD: Duration = Duration::from_millis(200);

/// Records every line said, in the order it is said. A line may be held:
/// the thread saying it stops there until a line starting with `until`
/// has been recorded (or `HOLD` runs out), and only then records it.
#[derive(Clone, Default)]
struct Recorder {
    lines: Arc<(Mutex<Vec<String>>, Condvar)>,
    holds: Vec<(&'static str, &'static str)>,
}

impl Recorder {
    fn new() -> Self {
        Self::default()
    }

    /// Holds the line starting with `held` until a line starting with `until`.
    fn holding(held: &'static str, until: &'static str) -> Self {
        Recorder {
            holds: vec![(held, until)],
            ..Self::default()
        }
    }

    fn say(&self, line: &str) {
        let (lines, changed) = &*self.lines;
        let mut lines = lines.lock().unwrap();
        for (held, until) in &self.holds {
            if line.starts_with(held) {
                lines = changed
                    .wait_timeout_while(lines, HOLD, |l| !l.iter().any(|x| x.starts_with(until)))
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

    /// Where the first line starting with `prefix` was recorded.
    fn position(&self, prefix: &str) -> usize {
        let lines = self.lines();
        lines
            .iter()
            .position(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starting with {prefix:?} in {lines:?}"))
    }
}
