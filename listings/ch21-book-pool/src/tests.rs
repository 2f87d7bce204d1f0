use super::{ThreadPool, check_args};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Once};
use std::time::Duration;

/// How long a test waits for something that must happen. A healthy run
/// needs milliseconds; a deadlocked one fails here instead of hanging.
const PATIENCE: Duration = Duration::from_secs(5);

/// How long a test watches for something that must NOT happen. This is not
/// synchronisation: it gives a broken claim every chance to show itself.
const CHANCE: Duration = Duration::from_millis(100);

/// Jobs in these tests panic on purpose; the default panic hook would print
/// each of them. This hook stays quiet about those and passes every other
/// panic on to the default hook. It is global: installed once.
fn quiet_about_panics_on_purpose() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|m| m.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            if !message.contains("on purpose") {
                default(info);
            }
        }));
    });
}

/// A job that says it started, then waits until the test lets it go: a
/// message on the gate, or the gate dropped. No time limit, so a test binds
/// the gate after the pool, and a failing test drops it first.
fn held_job(
    started: Sender<&'static str>,
    name: &'static str,
) -> (impl FnOnce() + Send + 'static, Sender<()>) {
    let (gate, gate_rx) = mpsc::channel::<()>();
    let job = move || {
        // Fails only once the test has stopped listening: nothing to say.
        let _ = started.send(name);
        let _ = gate_rx.recv();
    };
    (job, gate)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|m| m.to_string()))
        .unwrap_or_default()
}

#[test]
#[ntest::timeout(10_000)]
fn the_listing_takes_no_arguments() {
    assert_eq!(check_args(std::iter::empty()), Ok(()));
    let error = check_args(["--fast".to_string()].into_iter()).unwrap_err();
    assert!(
        error.contains("usage: cargo run -p ch21-book-pool"),
        "{error}"
    );
    assert!(!error.contains('\n'), "one line: {error}");
}

// ANCHOR: no_guarantee
#[test]
#[ntest::timeout(10_000)]
fn execute_returns_before_any_worker_has_taken_the_job() {
    let pool = ThreadPool::new(1);
    let (started_tx, started) = mpsc::channel();
    // The only worker is busy with job A until the test lets it go.
    let (job_a, gate_a) = held_job(started_tx.clone(), "A");
    pool.execute(job_a);
    assert_eq!(started.recv_timeout(PATIENCE), Ok("A"));

    // execute(B) returns although nobody can take B.
    pool.execute(move || {
        let _ = started_tx.send("B");
    });
    // Not a timing claim: the only worker is held, so B cannot have started.
    assert_eq!(started.try_recv(), Err(TryRecvError::Empty));

    gate_a.send(()).expect("job A holds its gate");
    assert_eq!(started.recv_timeout(PATIENCE), Ok("B"));
}
// ANCHOR_END: no_guarantee

// ANCHOR: no_deadline
#[test]
#[ntest::timeout(10_000)]
fn with_every_worker_busy_the_queue_grows_without_bound() {
    let pool = ThreadPool::new(2);
    let (started_tx, started) = mpsc::channel();
    let (job_a, gate_a) = held_job(started_tx.clone(), "A");
    let (job_b, gate_b) = held_job(started_tx, "B");
    pool.execute(job_a);
    pool.execute(job_b);
    for _ in 0..2 {
        started
            .recv_timeout(PATIENCE)
            .expect("a held job never started");
    }

    // Both workers are busy. Every execute still returns at once: the job
    // (and everything it captured) waits in the queue. Nothing in the API
    // can give up waiting or take a queued job back.
    let luggage = Arc::new(());
    let ran = Arc::new(AtomicUsize::new(0));
    for _ in 0..10_000 {
        let (luggage, ran) = (Arc::clone(&luggage), Arc::clone(&ran));
        pool.execute(move || {
            let _luggage = luggage;
            ran.fetch_add(1, Ordering::SeqCst);
        });
    }
    assert_eq!(ran.load(Ordering::SeqCst), 0);
    assert_eq!(
        Arc::strong_count(&luggage),
        10_001,
        "10,000 jobs in the queue"
    );

    // Dropping the pool runs the whole queue first: it cannot be cancelled.
    gate_a.send(()).expect("job A holds its gate");
    gate_b.send(()).expect("job B holds its gate");
    drop(pool);
    assert_eq!(ran.load(Ordering::SeqCst), 10_000);
    assert_eq!(Arc::strong_count(&luggage), 1);
}
// ANCHOR_END: no_deadline

// ANCHOR: shrinks
#[test]
#[ntest::timeout(10_000)]
fn a_panicking_job_kills_its_worker_and_the_team_shrinks() {
    quiet_about_panics_on_purpose();
    let pool = ThreadPool::new(2);
    let (started_tx, started): (Sender<&str>, Receiver<&str>) = mpsc::channel();
    {
        let started_tx = started_tx.clone();
        pool.execute(move || {
            let _ = started_tx.send("bad");
            panic!("on purpose");
        });
    }
    assert_eq!(started.recv_timeout(PATIENCE), Ok("bad"));

    // Two jobs that each hold their worker. With two workers both would
    // start; one of the two has died, so only one does.
    let (job_a, gate_a) = held_job(started_tx.clone(), "A");
    let (job_b, gate_b) = held_job(started_tx, "B");
    pool.execute(job_a);
    pool.execute(job_b);
    assert_eq!(started.recv_timeout(PATIENCE), Ok("A"));
    // Gives a second worker every chance to take B; none is left.
    assert!(
        started.recv_timeout(CHANCE).is_err(),
        "B started: nobody died"
    );
    gate_a.send(()).expect("job A holds its gate");
    assert_eq!(started.recv_timeout(PATIENCE), Ok("B"));
    gate_b.send(()).expect("job B holds its gate");

    // The panic is not lost: the join in Drop returns it, and Drop panics.
    let dropped = panic::catch_unwind(AssertUnwindSafe(move || drop(pool)));
    let payload = dropped.expect_err("dropping the pool did not report the panic");
    assert!(panic_message(&*payload).starts_with("a worker panicked"));
}
// ANCHOR_END: shrinks

#[test]
#[ntest::timeout(10_000)]
fn the_other_workers_carry_on_after_a_panic() {
    // The lock is let go before a job runs, so a panicking job does not
    // poison it: the surviving workers keep taking jobs.
    quiet_about_panics_on_purpose();
    let pool = ThreadPool::new(3);
    let (done_tx, done) = mpsc::channel();
    pool.execute(|| panic!("on purpose"));
    for n in 0..100 {
        let done_tx = done_tx.clone();
        pool.execute(move || done_tx.send(n).unwrap());
    }
    let mut got: Vec<i32> = (0..100)
        .map(|_| done.recv_timeout(PATIENCE).unwrap())
        .collect();
    got.sort_unstable();
    assert_eq!(got, (0..100).collect::<Vec<_>>());
    let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(pool)));
}

#[test]
#[ntest::timeout(10_000)]
fn a_pool_of_zero_threads_is_refused_with_a_panic() {
    quiet_about_panics_on_purpose();
    let refused = panic::catch_unwind(|| ThreadPool::new(0));
    let payload = refused.err().expect("a pool of zero was made");
    assert_eq!(
        panic_message(&*payload),
        "a thread pool needs at least one thread"
    );
}
