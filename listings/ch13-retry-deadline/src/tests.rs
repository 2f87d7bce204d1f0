use super::{Employee, RetryError, check_args, go_home, hire, retry};
use crossbeam_channel::{Receiver, Select, Sender, TryRecvError, bounded, tick, unbounded};
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

/// How long a test watches for something that must NOT happen (see "No
/// paper is lost" in the pooling chapter). Not synchronisation: a correct
/// program never does it, however long we watch; a broken one does it at
/// once, and this gives it every chance to.
const CHANCE: Duration = Duration::from_millis(100);

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

/// What an employee's thread returns: the report nobody took, if any.
type Unread = super::Unread<u32, &'static str>;

/// Joins an employee, but fails the test instead of waiting forever.
fn join_within(handle: JoinHandle<Unread>) -> Unread {
    let (done_tx, done) = bounded(1);
    thread::spawn(move || {
        let _ = done_tx.send(handle.join());
    });
    done.recv_timeout(PATIENCE)
        .expect("the employee never went home")
        .expect("the employee panicked")
}

/// Waits until a `send` is blocked on the other side of `rx`, or a value
/// sits in it: until a `recv` could go ahead at once, without taking
/// anything. `ready_deadline` may wake up spuriously (crossbeam's docs say
/// so); `try_ready` then checks the channel itself, and we wait again.
fn until_something_is_at_the_door<T>(rx: &Receiver<T>) {
    let deadline = Instant::now() + PATIENCE;
    let mut select = Select::new();
    select.recv(rx);
    loop {
        select
            .ready_deadline(deadline)
            .expect("nothing came to the door");
        if select.try_ready().is_ok() {
            return;
        }
    }
}

/// When each attempt started and ended.
type Times = Arc<Mutex<Vec<(usize, Instant, Instant)>>>;

/// An operation that fails `failures` times, then returns 42, and records
/// when each attempt started and ended.
fn scripted(
    failures: usize,
) -> (
    Times,
    impl FnMut(usize) -> Result<u32, &'static str> + Send + 'static,
) {
    slow_scripted(failures, Duration::ZERO)
}

/// The same, but each attempt takes `work` (a sleep that stands for work).
fn slow_scripted(
    failures: usize,
    work: Duration,
) -> (
    Times,
    impl FnMut(usize) -> Result<u32, &'static str> + Send + 'static,
) {
    let times: Times = Arc::default();
    let record = Arc::clone(&times);
    let attempt = move |n: usize| {
        let started = Instant::now();
        thread::sleep(work);
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
    let interval = Duration::from_millis(10);
    // Each attempt takes twice the interval: a clock that kept its own
    // time would have a tick ready when the attempt fails.
    let (times, attempt) = slow_scripted(3, 2 * interval);
    let (employee, handle) = hire(attempt);
    let (outcome, _) = manager_retries(employee, interval, PATIENCE);
    assert_eq!(outcome, Ok((42, 4)));
    join_within(handle);

    let times = times.lock().unwrap().clone();
    assert_eq!(times.len(), 4);
    for pair in times.windows(2) {
        let ((_, _, failed), (n, started, _)) = (pair[0], pair[1]);
        let pause = started - failed;
        // Counted from the failure. Timers fire late, never early: no
        // tolerance below the interval.
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
    // Once the attempt returns, its report fails and the employee goes home
    // with it.
    drop(gate);
    assert_eq!(join_within(handle), Some(Err("hung up")));
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
fn a_ticker_made_before_a_slow_attempt_has_a_tick_waiting_when_it_fails() {
    let interval = Duration::from_millis(10);
    let ticker = tick(interval);
    // An attempt that takes three intervals (the sleep stands for work).
    thread::sleep(3 * interval);
    // The attempt has failed. A tick has been waiting since the first
    // interval ended: a retry driven by this ticker would start the next
    // attempt at once, with no pause after the failure.
    assert!(ticker.try_recv().is_ok());
}
// ANCHOR_END: ticker

// ANCHOR: door
#[test]
#[ntest::timeout(10_000)]
fn a_report_the_manager_never_took_comes_back_to_the_employee() {
    let (employee, handle) = hire(|n: usize| -> Result<u32, &'static str> { Ok(n as u32) });
    employee.tries.send(1).unwrap();
    // Attempt 1 is made, and its report is at the door.
    until_something_is_at_the_door(&employee.reports);
    // The manager gives up waiting without taking it, as `retry` does at
    // the deadline: it drops both channels.
    drop(employee);
    // On a hand-off, the send fails: the employee knows nobody took the
    // report, and brings it back. Had `reports` been an in-tray, the
    // report would have dropped into it, lost, and the employee would
    // have gone home believing it delivered (`None`).
    assert_eq!(join_within(handle), Some(Ok(1)));
}
// ANCHOR_END: door

#[test]
#[ntest::timeout(10_000)]
fn asking_for_an_attempt_never_waits_for_the_employee() {
    // The employee says when it is inside attempt 1, and stays there until
    // the test drops the gate.
    let (inside_tx, inside) = bounded::<()>(1);
    let (gate, held) = bounded::<()>(0);
    let (employee, handle) = hire(move |n: usize| -> Result<u32, &'static str> {
        if n == 1 {
            let _ = inside_tx.send(());
            let _ = held.recv();
        }
        Err("busy")
    });
    employee.tries.send(1).unwrap();
    inside
        .recv_timeout(PATIENCE)
        .expect("attempt 1 never started");
    // The employee is busy, nowhere near `recv`; the in-tray is empty. The
    // next request still goes through at once. A hand-off would say Full.
    assert_eq!(employee.tries.try_send(2), Ok(()));

    drop(gate);
    drop(employee);
    assert_eq!(join_within(handle), Some(Err("busy")));
}

#[test]
#[ntest::timeout(10_000)]
fn go_home_says_its_line_only_once_the_employee_has_gone() {
    let (gate, held) = bounded::<()>(0);
    // `alive` is dropped when the employee's thread ends.
    let (alive, gone) = bounded::<()>(0);
    let handle = thread::spawn(move || -> Unread {
        let _alive = alive;
        let _ = held.recv(); // returns once the test drops `gate`
        None
    });
    let (said_tx, said) = unbounded();
    let manager = thread::spawn(move || {
        go_home(3, handle, |line: &str| {
            let gone_yet = gone.try_recv() == Err(TryRecvError::Disconnected);
            let _ = said_tx.send((line.to_string(), gone_yet));
        })
    });
    // The employee is held: a correct go_home says nothing (see CHANCE).
    assert!(
        said.recv_timeout(CHANCE).is_err(),
        "go_home said its line while the employee was still at work"
    );
    drop(gate);
    let (line, gone_yet) = said
        .recv_timeout(PATIENCE)
        .expect("go_home never said its line");
    assert_eq!(line, "manager : employee 3 has gone home");
    assert!(
        gone_yet,
        "go_home said its line before the employee had gone"
    );
    manager.join().unwrap();
}
