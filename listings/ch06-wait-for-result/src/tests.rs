use super::*;
use crossbeam_channel::SendTimeoutError;
use std::sync::{Arc, Condvar, Mutex};

const HIRED: &str = "employee : hired, working on the job";
const HANDING: &str = "employee : handing off the result";
const KNOWS: &str = "employee : handed off the result, going home";
const WAITING: &str = "manager : waiting for the result";
const RECEIVED: &str = "manager : received the result";
const GONE: &str = "manager : the employee has gone home";

#[test]
#[ntest::timeout(10_000)]
fn any_argument_is_a_usage_error() {
    assert_eq!(check_args(std::iter::empty()), Ok(()));
    let err = check_args(["--fast".to_string()].into_iter()).unwrap_err();
    assert!(
        err.contains("usage: cargo run -p ch06-wait-for-result"),
        "{err}"
    );
    assert!(err.contains("--fast"), "{err}");
    assert!(!err.contains('\n'), "one line: {err}");
}

// ANCHOR: exactly
#[test]
#[ntest::timeout(10_000)]
fn the_manager_gets_exactly_the_result_of_the_job() {
    let recorder = Recorder::new();
    let report = String::from("March: 49 sheets");
    let job = move || report; // the job is moved in when the employee is hired
    let result = wait_for_result(job, recorder.say_fn());
    assert_eq!(result, "March: 49 sheets");

    // Every line is said once; the manager names the result it received.
    let mut lines = recorder.lines();
    lines.sort();
    let received = format!("{RECEIVED} March: 49 sheets");
    let mut expected = [HIRED, HANDING, KNOWS, WAITING, &received, GONE];
    expected.sort();
    assert_eq!(lines, expected);
}
// ANCHOR_END: exactly

#[test]
#[ntest::timeout(10_000)]
fn the_manager_lines_come_in_program_order() {
    let recorder = Recorder::new();
    assert_eq!(wait_for_result(|| 49, recorder.say_fn()), 49);
    let manager: Vec<String> = recorder
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("manager"))
        .collect();
    assert_eq!(manager, [WAITING, &format!("{RECEIVED} 49"), GONE]);
}

// ANCHOR: send_waits
/// The manager is held just before it starts to receive: first until the
/// employee is about to send (that line is sure to come, so `PATIENCE`
/// bounds it), then for `HOLD` more, which gives the employee every chance
/// to get past its send. On the rendezvous it cannot: its send returns
/// only once the manager has taken the result. With an in-tray of one, it
/// would, and `KNOWS` would come first.
#[test]
#[ntest::timeout(10_000)]
fn the_employee_send_returns_only_once_the_manager_has_the_result() {
    let recorder = Recorder::holding(&[(WAITING, HANDING, PATIENCE), (WAITING, KNOWS, HOLD)]);
    wait_for_result(|| 49, recorder.say_fn());
    let lines = recorder.lines();
    assert!(
        recorder.position(HANDING) < recorder.position(WAITING)
            && recorder.position(WAITING) < recorder.position(KNOWS),
        "the employee went on before the manager received: {lines:#?}"
    );
}
// ANCHOR_END: send_waits

/// The employee's last line is held until the manager says the employee
/// has gone home (or `HOLD` runs out). The join keeps the manager from
/// saying so, and from returning, before the employee is done.
#[test]
#[ntest::timeout(10_000)]
fn the_manager_waits_for_the_employee_to_go_home() {
    let recorder = Recorder::holding(&[(KNOWS, GONE, HOLD)]);
    wait_for_result(|| 49, recorder.say_fn());
    // What was recorded when `wait_for_result` returned.
    let at_return = recorder.lines();
    assert!(at_return.iter().any(|l| l == KNOWS), "{at_return:#?}");
    assert!(
        recorder.position(KNOWS) < recorder.position(GONE),
        "{at_return:#?}"
    );
}

/// The employee's "handing over" line is held until the manager says it
/// received (or `HOLD` runs out). The manager cannot receive before the
/// employee sends, and the employee says that line before it sends.
#[test]
#[ntest::timeout(10_000)]
fn the_manager_receives_only_after_the_employee_hands_off() {
    let recorder = Recorder::holding(&[(HANDING, RECEIVED, HOLD)]);
    wait_for_result(|| 49, recorder.say_fn());
    assert!(
        recorder.position(HANDING) < recorder.position(RECEIVED),
        "{:#?}",
        recorder.lines()
    );
}

/// Both lines come after the same rendezvous, on two threads: holding
/// either one until the other shows that both orders happen.
#[test]
#[ntest::timeout(10_000)]
fn received_and_the_employee_knowing_may_print_in_either_order() {
    let employee_first = Recorder::holding(&[(RECEIVED, KNOWS, PATIENCE)]);
    wait_for_result(|| 49, employee_first.say_fn());
    assert!(employee_first.position(KNOWS) < employee_first.position(RECEIVED));

    let manager_first = Recorder::holding(&[(KNOWS, RECEIVED, PATIENCE)]);
    wait_for_result(|| 49, manager_first.say_fn());
    assert!(manager_first.position(RECEIVED) < manager_first.position(KNOWS));
}

/// An employee that panics drops its Sender without sending: the
/// manager's `recv` fails at once instead of waiting forever.
#[test]
#[ntest::timeout(10_000)]
fn if_the_employee_panics_the_manager_is_told_instead_of_waiting_forever() {
    let manager =
        thread::spawn(|| wait_for_result(|| -> u32 { panic!("on purpose") }, |_line: &str| {}));
    let panic = manager
        .join()
        .expect_err("the manager should have panicked");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        message.contains("the employee quit without a result"),
        "{message:?}"
    );
}

/// The other choice, for contrast: with an in-tray of one, the send
/// returns although nobody has received, so it tells the employee nothing.
#[test]
#[ntest::timeout(10_000)]
fn an_in_tray_of_one_lets_the_employee_go_without_knowing() {
    let wait = Duration::from_millis(50);

    let (tx, _manager_not_receiving) = bounded::<u32>(0);
    assert_eq!(
        tx.send_timeout(49, wait),
        Err(SendTimeoutError::Timeout(49))
    );

    let (tx, _manager_not_receiving) = bounded::<u32>(1);
    assert_eq!(tx.send_timeout(49, wait), Ok(()));
}

/// The manager waits as long as the job takes: it returns only once the
/// job is done. (A job that never ends would keep it waiting forever.)
#[test]
#[ntest::timeout(10_000)]
fn the_manager_waits_as_long_as_the_job_takes() {
    let (gate, gate_rx) = bounded::<()>(0);
    let job = move || {
        let _ = gate_rx.recv(); // the job ends when the test says so
        49
    };
    let (returned_tx, returned) = bounded(1);
    thread::spawn(move || {
        let _ = returned_tx.send(wait_for_result(job, |_line: &str| {}));
    });
    // Not synchronisation: the manager gets every chance to return early.
    assert!(returned.recv_timeout(Duration::from_millis(100)).is_err());
    gate.send(()).unwrap();
    assert_eq!(returned.recv_timeout(PATIENCE), Ok(49));
}

/// Rust's other way: the thread returns the result, and `join` hands it
/// to the manager once the thread has ended. No channel is involved.
#[test]
#[ntest::timeout(10_000)]
fn join_hands_over_what_the_thread_returns() {
    let figures = [12, 30, 7];
    let job = move || figures.iter().sum::<u32>();
    assert_eq!(thread::spawn(job).join().unwrap(), 49);
}

// ---- test helpers ----

/// How long a held line waits for a line the code under test rules out.
/// Only a bound: it gives the other thread every chance to run ahead. In
/// the passing case the wait runs out and the test goes on.
const HOLD: Duration = Duration::from_millis(100);

/// How long a test waits for something that is sure to come. A passing
/// run waits only until it comes; the bound turns a hang into a failure.
const PATIENCE: Duration = Duration::from_secs(5);

/// Records every line said, in the order it is said. A line may be held:
/// the thread saying it stops there until a line starting with `until`
/// has been recorded (or the hold's bound runs out), and only then records
/// it. Several holds on the same line run one after the other.
#[derive(Clone, Default)]
struct Recorder {
    lines: Arc<(Mutex<Vec<String>>, Condvar)>,
    holds: Vec<(&'static str, &'static str, Duration)>,
}

impl Recorder {
    fn new() -> Self {
        Self::default()
    }

    /// `(held, until, bound)`: holds the line starting with `held` until a
    /// line starting with `until` has been recorded, or `bound` passes.
    fn holding(holds: &[(&'static str, &'static str, Duration)]) -> Self {
        Recorder {
            holds: holds.to_vec(),
            ..Self::default()
        }
    }

    fn say(&self, line: &str) {
        let (lines, changed) = &*self.lines;
        let mut lines = lines.lock().unwrap();
        for (held, until, bound) in &self.holds {
            if line.starts_with(held) {
                lines = changed
                    .wait_timeout_while(lines, *bound, |l| !l.iter().any(|x| x.starts_with(until)))
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
            .unwrap_or_else(|| panic!("no line starting with {prefix:?} in {lines:#?}"))
    }
}
