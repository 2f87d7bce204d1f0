use super::{Employee, RetryError, check_args, hire, retry};
use crossbeam_channel::{Sender, bounded, tick};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long a test waits for something that must happen. A healthy run
/// needs milliseconds; a broken one fails here instead of hanging.
const PATIENCE: Duration = Duration::from_secs(5);

/// How late the manager may come back after its deadline, or start an
/// attempt after its interval: generous, so a busy machine does not fail
/// the test, and far below `PATIENCE`.
const MARGIN: Duration = Duration::from_secs(2);

type Outcome = Result<(u32, usize), RetryError>;

/// Runs `retry` on a manager thread of its own, so that a manager that
/// never comes back fails the test after `PATIENCE` instead of hanging it.
/// Returns what the manager came back with and how long it took.
fn manager_retries(
    employee: Employee<u32, &'static str>,
    interval: Duration,
    timeout: Duration,
) -> (Outcome, Duration) {
    let (done_tx, done) = bounded(1);
    thread::spawn(move || {
        let start = Instant::now();
        let outcome = retry(employee, interval, timeout);
        let _ = done_tx.send((outcome, start.elapsed()));
    });
    done.recv_timeout(PATIENCE)
        .expect("the manager did not come back: is there no deadline?")
}

/// Joins an employee, but fails the test instead of waiting forever.
fn join_within(handle: JoinHandle<()>) {
    let (done_tx, done) = bounded(1);
    thread::spawn(move || {
        let _ = done_tx.send(handle.join());
    });
    done.recv_timeout(PATIENCE)
        .expect("the employee never went home")
        .expect("the employee panicked");
}

/// An operation that fails `failures` times, then returns 42, and records
/// when each attempt started and ended.
type Times = Arc<Mutex<Vec<(usize, Instant, Instant)>>>;

fn scripted(
    failures: usize,
) -> (
    Times,
    impl FnMut(usize) -> Result<u32, &'static str> + Send + 'static,
) {
    let times: Times = Arc::default();
    let record = Arc::clone(&times);
    let attempt = move |n: usize| {
        let started = Instant::now();
        let outcome = if n <= failures { Err("busy") } else { Ok(42) };
        record.lock().unwrap().push((n, started, Instant::now()));
        outcome
    };
    (times, attempt)
}

/// An operation whose first attempt waits until the test drops the gate.
fn hanging() -> (
    Sender<()>,
    impl FnMut(usize) -> Result<u32, &'static str> + Send + 'static,
) {
    let (gate, held) = bounded::<()>(0);
    let attempt = move |_n: usize| {
        let _ = held.recv();
        Err("hung up")
    };
    (gate, attempt)
}

#[test]
#[ntest::timeout(10_000)]
fn the_listing_takes_no_arguments() {
    assert_eq!(check_args(std::iter::empty()), Ok(()));
    let error = check_args(["--fast".to_string()].into_iter()).unwrap_err();
    assert!(
        error.contains("usage: cargo run -p ch13-retry-deadline"),
        "{error}"
    );
    assert!(!error.contains('\n'), "one line: {error}");
}

#[test]
#[ntest::timeout(10_000)]
fn a_scripted_success_comes_back_on_the_right_attempt() {
    for failures in [0, 1, 2, 5] {
        let (times, attempt) = scripted(failures);
        let (employee, handle) = hire(attempt);
        let (outcome, _) = manager_retries(employee, Duration::from_millis(1), PATIENCE);
        assert_eq!(outcome, Ok((42, failures + 1)));
        let numbers: Vec<usize> = times.lock().unwrap().iter().map(|t| t.0).collect();
        assert_eq!(numbers, (1..=failures + 1).collect::<Vec<_>>());
        join_within(handle);
    }
}

// ANCHOR: apart
#[test]
#[ntest::timeout(10_000)]
fn attempts_are_at_least_one_interval_apart() {
    let interval = Duration::from_millis(20);
    let (times, attempt) = scripted(3);
    let (employee, handle) = hire(attempt);
    let (outcome, _) = manager_retries(employee, interval, PATIENCE);
    assert_eq!(outcome, Ok((42, 4)));
    join_within(handle);

    let times = times.lock().unwrap().clone();
    for pair in times.windows(2) {
        let ((_, _, failed), (n, started, _)) = (pair[0], pair[1]);
        let pause = started - failed;
        // Timers fire late, never early: no tolerance below the interval.
        assert!(
            pause >= interval,
            "attempt {n} came {pause:?} after a failure"
        );
        assert!(pause < interval + MARGIN, "attempt {n} came {pause:?} late");
    }
}
// ANCHOR_END: apart

// ANCHOR: hangs
#[test]
#[ntest::timeout(10_000)]
fn the_manager_comes_back_at_the_deadline_even_if_an_attempt_hangs() {
    let timeout = Duration::from_millis(50);
    let (gate, attempt) = hanging();
    let (employee, handle) = hire(attempt);

    let (outcome, took) = manager_retries(employee, Duration::from_millis(10), timeout);
    assert_eq!(outcome, Err(RetryError::DeadlinePassed { attempts: 1 }));
    assert!(took >= timeout, "gave up early, after {took:?}");
    assert!(took < timeout + MARGIN, "gave up late, after {took:?}");

    // The limit: nothing can stop the attempt. The employee is still in it.
    assert!(!handle.is_finished());
    // Once the attempt returns, its report fails and the employee goes home.
    drop(gate);
    join_within(handle);
}
// ANCHOR_END: hangs

#[test]
#[ntest::timeout(10_000)]
fn an_operation_that_never_succeeds_is_given_up_at_the_deadline() {
    let (interval, timeout) = (Duration::from_millis(10), Duration::from_millis(50));
    let (times, attempt) = scripted(usize::MAX);
    let (employee, handle) = hire(attempt);
    let (outcome, took) = manager_retries(employee, interval, timeout);

    let Err(RetryError::DeadlinePassed { attempts }) = outcome else {
        panic!("expected the deadline, got {outcome:?}");
    };
    assert!(took >= timeout, "gave up early, after {took:?}");
    assert!(took < timeout + MARGIN, "gave up late, after {took:?}");
    // Each attempt starts at least one interval after the one before, and
    // none starts once the deadline has passed: at most 5 fit in 50 ms.
    // How many did fit depends on the machine.
    assert!((1..=5).contains(&attempts), "{attempts} attempts");
    join_within(handle);
    assert_eq!(times.lock().unwrap().len(), attempts);
}

#[test]
#[ntest::timeout(10_000)]
fn the_deadline_cuts_the_wait_between_attempts_short() {
    // The next attempt would come a minute after the first one fails; the
    // deadline comes first, and the manager does not sit out the minute.
    let timeout = Duration::from_millis(50);
    let (times, attempt) = scripted(usize::MAX);
    let (employee, handle) = hire(attempt);
    let (outcome, took) = manager_retries(employee, Duration::from_secs(60), timeout);
    assert_eq!(outcome, Err(RetryError::DeadlinePassed { attempts: 1 }));
    assert!(took >= timeout, "gave up early, after {took:?}");
    assert!(took < timeout + MARGIN, "gave up late, after {took:?}");
    join_within(handle);
    assert_eq!(times.lock().unwrap().len(), 1);
}

#[test]
#[ntest::timeout(10_000)]
fn an_employee_who_quits_is_noticed_at_once_not_at_the_deadline() {
    let (employee, handle) =
        hire(|_n: usize| -> Result<u32, &'static str> { panic!("on purpose: the employee quits") });
    let (outcome, _) = manager_retries(
        employee,
        Duration::from_millis(1),
        Duration::from_secs(3600),
    );
    assert_eq!(outcome, Err(RetryError::EmployeeQuit));
    assert!(handle.join().is_err(), "the employee should have panicked");
}

// ANCHOR: zero
#[test]
#[ntest::timeout(10_000)]
fn a_zero_deadline_starts_no_attempt_and_a_zero_interval_is_refused() {
    // A zero deadline has passed already: not a single attempt is started.
    let (times, attempt) = scripted(0);
    let (employee, handle) = hire(attempt);
    let (outcome, _) = manager_retries(employee, Duration::from_millis(10), Duration::ZERO);
    assert_eq!(outcome, Err(RetryError::DeadlinePassed { attempts: 0 }));
    join_within(handle);
    assert!(times.lock().unwrap().is_empty());

    // A zero interval would hammer the operation: refused before any attempt.
    let (times, attempt) = scripted(0);
    let (employee, handle) = hire(attempt);
    let (outcome, _) = manager_retries(employee, Duration::ZERO, PATIENCE);
    assert!(
        matches!(outcome, Err(RetryError::Invalid(_))),
        "{outcome:?}"
    );
    join_within(handle);
    assert!(times.lock().unwrap().is_empty());
}
// ANCHOR_END: zero

#[test]
#[ntest::timeout(10_000)]
fn a_deadline_too_far_away_is_refused_not_a_panic() {
    let (_times, attempt) = scripted(0);
    let (employee, handle) = hire(attempt);
    let (outcome, _) = manager_retries(employee, Duration::from_millis(10), Duration::MAX);
    assert_eq!(
        outcome,
        Err(RetryError::Invalid("the deadline is too far away"))
    );
    join_within(handle);
}

// ANCHOR: ticker
#[test]
#[ntest::timeout(10_000)]
fn a_ticker_does_not_wait_after_a_slow_attempt() {
    let interval = Duration::from_millis(10);
    let ticker = tick(interval);
    // An attempt that takes three intervals (the sleep stands for work).
    thread::sleep(3 * interval);
    // A tick has been waiting since the first interval ended: a retry
    // driven by this ticker would start at once, not one interval later.
    assert!(ticker.try_recv().is_ok());
}
// ANCHOR_END: ticker
