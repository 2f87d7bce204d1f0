use super::{check_args, go_home, hire, wait_for_result};
use crossbeam_channel::{
    Receiver, RecvTimeoutError, Select, SendError, Sender, TryRecvError, bounded, unbounded,
};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long a test waits for something that must happen. A healthy run
/// needs milliseconds; a broken one fails here instead of hanging.
const PATIENCE: Duration = Duration::from_secs(5);

/// How long a test watches for something that must NOT happen (see "No
/// paper is lost" in the pooling chapter). This is not synchronisation: a correct program never does it, however long we watch;
/// a broken one does it at once, and this gives it every chance to.
const CHANCE: Duration = Duration::from_millis(100);

/// How late the manager may come back after its deadline: generous, so a
/// busy machine does not fail the test, and far below `PATIENCE`.
const MARGIN: Duration = Duration::from_secs(2);

/// The result every test job hands in.
const ANSWER: i32 = 42;

/// Records what employees say, and passes each line on as it is said.
#[derive(Clone)]
struct Log {
    lines: Arc<Mutex<Vec<String>>>,
    said_tx: Sender<String>,
    said: Receiver<String>,
}

impl Default for Log {
    fn default() -> Log {
        let (said_tx, said) = unbounded();
        Log {
            lines: Arc::default(),
            said_tx,
            said,
        }
    }
}

impl Log {
    fn say(&self) -> impl Fn(&str) + Send + 'static {
        let (lines, said_tx) = (Arc::clone(&self.lines), self.said_tx.clone());
        move |line: &str| {
            lines.lock().unwrap().push(line.to_string());
            let _ = said_tx.send(line.to_string());
        }
    }
    fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }
    /// Watches for `CHANCE`: does anybody say anything?
    fn says_something_within_chance(&self) -> bool {
        self.said.recv_timeout(CHANCE).is_ok()
    }
}

/// Runs `wait_for_result` on a manager thread of its own, so that a manager
/// that never returns fails the test after `PATIENCE` instead of hanging it.
/// Returns what the manager got and how long it took.
fn manager_waits(
    result: Receiver<i32>,
    timeout: Duration,
) -> (Result<i32, RecvTimeoutError>, Duration) {
    let (done_tx, done) = bounded(1);
    thread::spawn(move || {
        let start = Instant::now();
        let outcome = wait_for_result(result, timeout);
        let _ = done_tx.send((outcome, start.elapsed()));
    });
    done.recv_timeout(PATIENCE)
        .expect("the manager did not come back: is it still waiting without a deadline?")
}

/// Joins an employee, but fails the test instead of waiting forever.
fn join_within<T: Send + 'static>(employee: JoinHandle<T>) -> T {
    let (done_tx, done) = bounded(1);
    thread::spawn(move || {
        let _ = done_tx.send(employee.join());
    });
    done.recv_timeout(PATIENCE)
        .expect("the employee never went home")
        .expect("the employee panicked")
}

/// A job that waits until the test drops the returned gate.
fn held_job() -> (Sender<()>, impl FnOnce() -> i32 + Send + 'static) {
    let (gate, held) = bounded::<()>(0);
    let job = move || {
        let _ = held.recv();
        ANSWER
    };
    (gate, job)
}

#[test]
#[ntest::timeout(10_000)]
fn the_listing_takes_no_arguments() {
    assert_eq!(check_args(std::iter::empty()), Ok(()));
    let error = check_args(["--fast".to_string()].into_iter()).unwrap_err();
    assert!(
        error.contains("usage: cargo run -p ch12-cancellation"),
        "{error}"
    );
    assert!(!error.contains('\n'), "one line: {error}");
}

// ANCHOR: deadline
#[test]
#[ntest::timeout(10_000)]
fn the_manager_comes_back_at_the_deadline_even_if_the_employee_never_finishes() {
    let timeout = Duration::from_millis(50);
    // The gate stays shut while the manager waits: the job never finishes.
    let (gate, job) = held_job();
    let (result, employee) = hire(1, job, Log::default().say());

    let (outcome, took) = manager_waits(result, timeout);
    assert_eq!(outcome, Err(RecvTimeoutError::Timeout));
    // Never before the deadline; after it, only as late as a busy machine is.
    assert!(took >= timeout, "gave up early, after {took:?}");
    assert!(took < timeout + MARGIN, "gave up late, after {took:?}");

    drop(gate);
    join_within(employee).unwrap_err();
}
// ANCHOR_END: deadline

// ANCHOR: late
#[test]
#[ntest::timeout(10_000)]
fn a_late_employee_gets_its_result_back_and_goes_home() {
    let log = Log::default();
    let (gate, job) = held_job();
    let (result, employee) = hire(2, job, log.say());

    // The manager gives up and drops its Receiver...
    let (outcome, _) = manager_waits(result, Duration::from_millis(10));
    assert_eq!(outcome, Err(RecvTimeoutError::Timeout));
    // ...and only then lets the employee finish.
    drop(gate);

    // The send failed at once, with the result inside. No panic, no hang.
    assert_eq!(join_within(employee), Err(SendError(ANSWER)));
    assert_eq!(
        log.lines(),
        ["employee 2 : nobody is waiting for my result"]
    );
}
// ANCHOR_END: late

#[test]
#[ntest::timeout(10_000)]
fn an_employee_that_finishes_in_time_hands_off_its_result() {
    let log = Log::default();
    let (result, employee) = hire(1, || ANSWER, log.say());
    let (outcome, _) = manager_waits(result, PATIENCE);
    assert_eq!(outcome, Ok(ANSWER));
    assert_eq!(join_within(employee), Ok(()));
    assert_eq!(log.lines(), ["employee 1 : handed off my result"]);
}

// ANCHOR: rendezvous
#[test]
#[ntest::timeout(10_000)]
fn handed_off_means_the_manager_has_taken_the_result() {
    let log = Log::default();
    // The job is done at once, but the manager is not listening yet.
    let (result, employee) = hire(1, || ANSWER, log.say());
    // The employee waits at the hand-off (see CHANCE): it cannot say
    // "handed off", because nobody has taken the result.
    assert!(
        !log.says_something_within_chance(),
        "the employee said {:?} before anyone took its result",
        log.lines()
    );
    assert!(!employee.is_finished());

    let (outcome, _) = manager_waits(result, PATIENCE);
    assert_eq!(outcome, Ok(ANSWER));
    assert_eq!(join_within(employee), Ok(()));
    assert_eq!(log.lines(), ["employee 1 : handed off my result"]);
}
// ANCHOR_END: rendezvous

// ANCHOR: any_capacity
#[test]
#[ntest::timeout(10_000)]
fn with_the_receiver_gone_a_send_fails_at_once_whatever_the_capacity() {
    for capacity in [0, 1, 10] {
        let (tx, rx) = bounded(capacity);
        drop(rx);
        // Not even an in-tray with room takes the result: nobody could read it.
        assert_eq!(
            tx.send(ANSWER),
            Err(SendError(ANSWER)),
            "capacity {capacity}"
        );
    }
}
// ANCHOR_END: any_capacity

/// Waits until the employee is blocked in `send` on the other side of
/// `result`: until a `recv` could go ahead at once, without taking the
/// result. `ready_deadline` may wake up spuriously (crossbeam's docs say
/// so); `try_ready` then checks the channel itself, and we wait again.
fn until_the_employee_waits_at_the_hand_off(result: &Receiver<i32>) {
    let deadline = Instant::now() + PATIENCE;
    let mut select = Select::new();
    select.recv(result);
    loop {
        select
            .ready_deadline(deadline)
            .expect("the employee never came to the hand-off");
        if select.try_ready().is_ok() {
            return;
        }
    }
}

// ANCHOR: waiting
#[test]
#[ntest::timeout(10_000)]
fn an_employee_already_waiting_at_the_hand_off_is_let_go_when_the_manager_leaves() {
    let log = Log::default();
    let (result, employee) = hire(3, || ANSWER, log.say());
    // The employee is inside `send`, blocked: nobody has taken the result.
    until_the_employee_waits_at_the_hand_off(&result);
    // The manager gives up waiting, and drops its Receiver.
    drop(result);
    // The blocked send wakes up with Err, the result inside.
    assert_eq!(join_within(employee), Err(SendError(ANSWER)));
    assert_eq!(
        log.lines(),
        ["employee 3 : nobody is waiting for my result"]
    );
}
// ANCHOR_END: waiting

#[test]
#[ntest::timeout(10_000)]
fn go_home_says_its_line_only_once_the_employee_has_gone() {
    let (gate, held) = bounded::<()>(0);
    // `alive` is dropped when the employee's thread ends.
    let (alive, gone) = bounded::<()>(0);
    let employee = thread::spawn(move || {
        let _alive = alive;
        let _ = held.recv(); // returns once the test drops `gate`
    });
    let (said_tx, said) = unbounded();
    let manager = thread::spawn(move || {
        go_home(6, employee, |line: &str| {
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
    assert_eq!(line, "manager : employee 6 has gone home");
    assert!(
        gone_yet,
        "go_home said its line before the employee had gone"
    );
    manager.join().unwrap();
}

#[test]
#[ntest::timeout(10_000)]
fn an_employee_who_quits_is_noticed_at_once_not_at_the_deadline() {
    let (result, employee) = hire(
        4,
        || -> i32 { panic!("on purpose: the employee quits") },
        Log::default().say(),
    );
    // An hour: if the manager waited for the deadline, PATIENCE would fail.
    let (outcome, _) = manager_waits(result, Duration::from_secs(3600));
    assert_eq!(outcome, Err(RecvTimeoutError::Disconnected));
    assert!(
        employee.join().is_err(),
        "the employee should have panicked"
    );
}

// ANCHOR: zero
#[test]
#[ntest::timeout(10_000)]
fn a_zero_deadline_gives_up_at_once_unless_a_result_is_already_there() {
    // Nothing there: the manager gives up at once.
    let (gate, job) = held_job();
    let (result, employee) = hire(5, job, Log::default().say());
    let (outcome, took) = manager_waits(result, Duration::ZERO);
    assert_eq!(outcome, Err(RecvTimeoutError::Timeout));
    assert!(took < MARGIN, "took {took:?}");
    drop(gate);
    assert_eq!(join_within(employee), Err(SendError(ANSWER)));

    // A result already there AND a deadline already passed: both arms of
    // `select!` are ready, and it picks one at random. Over 200 tries both
    // happen (the chance that one never does is 2 in 2^200).
    let (mut taken, mut given_up) = (0, 0);
    for _ in 0..200 {
        let (tx, result) = bounded(1);
        tx.send(ANSWER).unwrap();
        match wait_for_result(result, Duration::ZERO) {
            Ok(ANSWER) => taken += 1,
            Err(RecvTimeoutError::Timeout) => given_up += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(
        taken > 0 && given_up > 0,
        "taken {taken}, given up {given_up}"
    );

    // recv_timeout looks at the channel first: a ready result always wins.
    for _ in 0..200 {
        let (tx, result) = bounded(1);
        tx.send(ANSWER).unwrap();
        assert_eq!(result.recv_timeout(Duration::ZERO), Ok(ANSWER));
    }
}
// ANCHOR_END: zero

#[test]
#[ntest::timeout(10_000)]
fn recv_timeout_gives_the_same_answers_as_the_select() {
    // In time.
    let (tx, result) = bounded(1);
    tx.send(ANSWER).unwrap();
    assert_eq!(result.recv_timeout(PATIENCE), Ok(ANSWER));
    // Too late.
    let (_tx, result) = bounded::<i32>(1);
    assert_eq!(
        result.recv_timeout(Duration::from_millis(10)),
        Err(RecvTimeoutError::Timeout)
    );
    // The employee quit.
    let (tx, result) = bounded::<i32>(1);
    drop(tx);
    assert_eq!(
        result.recv_timeout(PATIENCE),
        Err(RecvTimeoutError::Disconnected)
    );
}
