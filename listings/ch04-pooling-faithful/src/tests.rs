use super::{check_args, pooling};
use crossbeam_channel::{bounded, unbounded};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long a test waits for something that must happen. A healthy run
/// needs milliseconds; a deadlocked one fails here instead of hanging.
const PATIENCE: Duration = Duration::from_secs(5);

#[test]
#[ntest::timeout(10_000)]
fn the_listing_takes_no_arguments() {
    assert_eq!(check_args(std::iter::empty()), Ok(()));
    let error = check_args(["--fast".to_string()].into_iter()).unwrap_err();
    assert!(
        error.contains("usage: cargo run -p ch04-pooling-faithful"),
        "{error}"
    );
    assert!(!error.contains('\n'), "one line: {error}");
}

// ANCHOR: too_short
#[test]
#[ntest::timeout(10_000)]
fn the_sleep_ends_whether_or_not_the_team_has_finished() {
    let team_size = 2;
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let say = {
        let log = Arc::clone(&log);
        move |line: &str| log.lock().unwrap().push(line.to_string())
    };
    // Each employee holds its paper until the test lets it go.
    let (gate, gate_rx) = unbounded::<()>();
    let work = move |_paper: usize| {
        let _ = gate_rx.recv();
    };

    // The manager runs on its own thread, so the test can watch it return.
    let (returned_tx, returned) = bounded(1);
    let grace = Duration::from_millis(20);
    thread::spawn(move || {
        pooling(team_size, team_size, grace, work, say);
        returned_tx.send(()).unwrap();
    });

    // The manager's sleep ends, and it leaves, while both employees still
    // hold a paper.
    returned
        .recv_timeout(PATIENCE)
        .expect("the manager never gave up waiting");
    let said = log.lock().unwrap().clone();
    assert!(said.contains(&"manager : sent shutdown signal".to_string()));
    assert!(
        !said.iter().any(|l| l.ends_with("received shutdown signal")),
        "{said:#?}"
    );

    // Let the employees go, so they do not outlive the test by much.
    drop(gate);
}
// ANCHOR_END: too_short

// ANCHOR: too_long
#[test]
#[ntest::timeout(10_000)]
fn the_manager_sleeps_the_whole_time_even_when_the_team_is_done() {
    let team_size = 2;
    let grace = Duration::from_millis(200);
    let (home_tx, home) = unbounded::<()>();
    let went_home = Arc::new(Mutex::new(None));
    let say = {
        let went_home = Arc::clone(&went_home);
        move |line: &str| {
            if line.ends_with("received shutdown signal") {
                home_tx.send(()).unwrap();
            }
            // The signal is out: hold the manager here until the whole
            // team has gone home, before it starts its sleep.
            if line == "manager : sent shutdown signal" {
                for _ in 0..team_size {
                    home.recv_timeout(PATIENCE)
                        .expect("an employee did not see the shutdown signal");
                }
                *went_home.lock().unwrap() = Some(Instant::now());
            }
        }
    };

    pooling(team_size, 10, grace, |_paper: usize| {}, say);

    // Every employee was done, yet the manager slept the whole grace period.
    let went_home = went_home.lock().unwrap().expect("the team went home");
    assert!(went_home.elapsed() >= grace);
}
// ANCHOR_END: too_long

#[test]
#[ntest::timeout(10_000)]
fn when_the_guess_holds_every_paper_is_received_once() {
    let (team_size, papers) = (3, 10);
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let (home_tx, home) = unbounded::<()>();
    let say = {
        let log = Arc::clone(&log);
        move |line: &str| {
            log.lock().unwrap().push(line.to_string());
            if line.ends_with("received shutdown signal") {
                home_tx.send(()).unwrap();
            }
        }
    };
    pooling(team_size, papers, Duration::ZERO, |_paper: usize| {}, say);

    // The test, unlike the program, waits for the whole team.
    for _ in 0..team_size {
        home.recv_timeout(PATIENCE)
            .expect("an employee did not see the shutdown signal");
    }
    let said = log.lock().unwrap().clone();
    for paper in 0..papers {
        let received = format!(" : received paper {paper}");
        assert_eq!(said.iter().filter(|l| l.ends_with(&received)).count(), 1);
        assert!(said.contains(&format!("manager : handed off paper {paper}")));
    }
    for e in 0..team_size {
        assert!(said.contains(&format!("employee {e} : received shutdown signal")));
    }
}

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
                Duration::ZERO,
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
fn an_employee_may_say_it_received_a_paper_after_the_shutdown_signal() {
    // The employee takes paper 0 before the manager's send returns. Here its
    // `say` holds that line back until the manager has sent the shutdown
    // signal: the run completes, so the recorded order can happen.
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let (signal_said_tx, signal_said) = unbounded::<()>();
    let (home_tx, home) = unbounded::<()>();
    let say = {
        let log = Arc::clone(&log);
        move |line: &str| {
            if line == "employee 0 : received paper 0" {
                signal_said
                    .recv_timeout(PATIENCE)
                    .expect("the manager never sent the shutdown signal");
            }
            log.lock().unwrap().push(line.to_string());
            if line == "manager : sent shutdown signal" {
                signal_said_tx.send(()).unwrap();
            }
            if line.ends_with("received shutdown signal") {
                home_tx.send(()).unwrap();
            }
        }
    };
    pooling(1, 1, Duration::ZERO, |_paper: usize| {}, say);

    // The test, unlike the program, waits for the employee.
    home.recv_timeout(PATIENCE)
        .expect("the employee did not see the shutdown signal");
    let said = log.lock().unwrap().clone();
    assert_eq!(
        said,
        [
            "manager : handed off paper 0",
            "manager : sent shutdown signal",
            "employee 0 : received paper 0",
            "employee 0 : received shutdown signal",
        ]
    );
}
