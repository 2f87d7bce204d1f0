use super::*;
use crossbeam_channel::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Hires `n` test employees that wait on `rx` and report, on the returned
/// channel, whether their `recv` got a signal (`true`) or saw it closed (`false`).
fn waiting_employees(n: usize, rx: &Receiver<()>) -> Receiver<bool> {
    let (woke_tx, woke_rx) = bounded(n);
    for _ in 0..n {
        let (rx, woke_tx) = (rx.clone(), woke_tx.clone());
        thread::spawn(move || woke_tx.send(rx.recv().is_ok()).unwrap());
    }
    woke_rx
}

/// A bounded wait: gives a still-waiting employee every chance to wake.
fn still_waiting(woke: &Receiver<bool>) -> bool {
    woke.recv_timeout(Duration::from_millis(100)) == Err(RecvTimeoutError::Timeout)
}

#[test]
#[ntest::timeout(10_000)]
fn a_signal_without_data_wakes_the_waiting_employee() {
    let (tx, rx) = bounded::<()>(0);
    let woke = waiting_employees(1, &rx);
    assert!(still_waiting(&woke), "woke with no signal");
    tx.send(()).unwrap();
    assert_eq!(woke.recv(), Ok(true));
}

#[test]
#[ntest::timeout(10_000)]
fn one_send_wakes_exactly_one_employee() {
    let (tx, rx) = bounded::<()>(0);
    let woke = waiting_employees(2, &rx);
    tx.send(()).unwrap();
    assert_eq!(woke.recv(), Ok(true));
    assert!(still_waiting(&woke), "one signal woke two employees");
    tx.send(()).unwrap();
    assert_eq!(woke.recv(), Ok(true));
}

#[test]
#[ntest::timeout(10_000)]
fn closing_wakes_every_waiting_employee() {
    let (tx, rx) = bounded::<()>(0);
    let woke = waiting_employees(3, &rx);
    assert!(still_waiting(&woke), "woke before the close");
    drop(tx);
    // `recv` returned `Err` for all three: they saw the channel closed.
    let seen: Vec<bool> = (0..3).map(|_| woke.recv().unwrap()).collect();
    assert_eq!(seen, [false, false, false]);
}

#[test]
#[ntest::timeout(10_000)]
fn the_listing_starts_and_stops_a_team_of_three() {
    let recorder = Recorder::new();
    go_and_stop(3, recorder.say_fn());
    let lines = recorder.lines();
    let at = |line: &str| {
        lines
            .iter()
            .position(|l| l == line)
            .unwrap_or_else(|| panic!("{line:?} missing from {lines:?}"))
    };
    let closing = at("manager : closing the stop channel");
    at("manager : handed off 3 go signals");
    for e in 1..=3 {
        let waiting = at(&format!("employee {e} : waiting for go"));
        let go = at(&format!("employee {e} : got the go signal"));
        let stop = at(&format!("employee {e} : got the stop signal"));
        assert!(waiting < go && go < stop && closing < stop, "{lines:?}");
    }
    assert_eq!(lines.len(), 11, "{lines:?}");
}

/// Every employee quits (its `say` panics) before it takes a go signal.
/// The manager has dropped its own `go_rx`, so no Receiver is left and its
/// send fails at once. Had it kept `go_rx`, the send would wait forever and
/// the timeout would fail this test.
#[test]
#[ntest::timeout(5_000)]
fn if_every_employee_quits_before_go_the_manager_is_told_instead_of_waiting() {
    let say = |line: &str| {
        if line.ends_with("waiting for go") {
            panic!("this employee quits");
        }
    };
    let manager = thread::spawn(move || go_and_stop(3, say));
    let panic = manager.join().expect_err("the manager's send should fail");
    let message = panic
        .downcast_ref::<String>()
        .expect("the message of an `expect`");
    assert!(
        message.starts_with("every employee quit before taking a go signal"),
        "{message}"
    );
}

#[test]
#[ntest::timeout(10_000)]
fn any_argument_is_a_usage_error() {
    assert_eq!(check_args(std::iter::empty()), Ok(()));
    let err = check_args(["--fast".to_string()].into_iter()).unwrap_err();
    assert!(
        err.contains("usage: cargo run -p ch02-signals-without-data"),
        "{err}"
    );
    assert!(err.contains("--fast"), "{err}");
}

// ---- test helpers ----

/// Records every line said, in the order it is said.
#[derive(Clone, Default)]
struct Recorder {
    lines: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    fn new() -> Self {
        Self::default()
    }

    /// A `say` function to hand to the listing's code.
    fn say_fn(&self) -> impl Fn(&str) + Clone + Send + 'static {
        let lines = Arc::clone(&self.lines);
        move |line: &str| lines.lock().unwrap().push(line.to_string())
    }

    fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }
}
