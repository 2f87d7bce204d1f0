use super::{Tally, check_args, hire, offer, rush, shutdown};
use crossbeam_channel::{Select, Sender, TrySendError, bounded};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long a test waits for something that must happen. A healthy run
/// needs milliseconds; a deadlocked one fails here instead of hanging.
const PATIENCE: Duration = Duration::from_secs(5);

/// How long a test watches for something that must NOT happen. This is not
/// synchronisation: a correct program never does it, however long we watch;
/// a broken one does it at once, and this gives it every chance to.
const CHANCE: Duration = Duration::from_millis(100);

/// A `say` that records every line, and the lines it recorded.
fn recorder() -> (
    impl Fn(&str) + Clone + Send + 'static,
    Arc<Mutex<Vec<String>>>,
) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let say = {
        let log = Arc::clone(&log);
        move |line: &str| log.lock().unwrap().push(line.to_string())
    };
    (say, log)
}

/// The papers the employees said they received, sorted.
fn received(log: &[String]) -> Vec<usize> {
    let mut papers: Vec<usize> = log
        .iter()
        .filter_map(|line| line.split_once(" : received paper "))
        .map(|(_, paper)| paper.parse().unwrap())
        .collect();
    papers.sort_unstable();
    papers
}

/// Runs `rush` on a thread of its own and waits, at most `PATIENCE`, for it
/// to return. A manager that waited for a held team would never return.
fn rush_bounded(team_size: usize, capacity: usize, papers: usize) -> (Tally, Vec<String>) {
    let (say, log) = recorder();
    let (done_tx, done) = bounded(1);
    thread::spawn(move || {
        let _ = done_tx.send(rush(team_size, capacity, papers, say));
    });
    let tally = done
        .recv_timeout(PATIENCE)
        .expect("rush did not return: did the manager wait for the busy team?");
    let log = log.lock().unwrap().clone();
    (tally, log)
}

/// Waits until an employee is blocked in `recv` on the other side of `tx`,
/// then offers `paper` with `try_send`. crossbeam's `Select::ready` returns
/// once a send on `tx` would not have to wait, that is, once a receiver is
/// waiting. Its docs allow it to wake up spuriously, so a `Full` answer is
/// retried; every attempt is bounded by `PATIENCE`.
fn try_send_once_an_employee_waits(tx: &Sender<usize>, paper: usize) -> Result<(), usize> {
    let deadline = Instant::now() + PATIENCE;
    let mut paper = paper;
    loop {
        let mut select = Select::new();
        select.send(tx);
        if select.ready_deadline(deadline).is_err() {
            return Err(paper); // nobody came in time
        }
        match tx.try_send(paper) {
            Ok(()) => return Ok(()),
            Err(TrySendError::Full(back)) => paper = back,
            Err(TrySendError::Disconnected(back)) => return Err(back),
        }
    }
}

#[test]
#[ntest::timeout(10_000)]
fn the_listing_takes_no_arguments() {
    assert_eq!(check_args(std::iter::empty()), Ok(()));
    let error = check_args(["--fast".to_string()].into_iter()).unwrap_err();
    assert!(error.contains("usage: cargo run -p ch10-drop"), "{error}");
    assert!(!error.contains('\n'), "one line: {error}");
}

// ANCHOR: full
#[test]
#[ntest::timeout(10_000)]
fn with_the_team_busy_the_in_tray_takes_capacity_papers_and_the_rest_are_dropped() {
    for (team_size, capacity) in [(1, 0), (1, 1), (2, 3), (3, 2), (1, 6)] {
        let papers = 6;
        let (tally, log) = rush_bounded(team_size, capacity, papers);

        // The rush starts at paper `team_size`: the first `capacity` of
        // it fit in the in-tray, in order; every later one is dropped.
        let rush: Vec<usize> = (team_size..team_size + papers).collect();
        let fit = capacity.min(papers);
        let expected = Tally {
            accepted: rush[..fit].to_vec(),
            dropped: rush[fit..].to_vec(),
        };
        assert_eq!(tally, expected, "team {team_size}, in-tray {capacity}");

        // No accepted paper is lost: after the gate opens, the team takes
        // everything in the in-tray. No dropped paper reaches anyone.
        let delivered: Vec<usize> = (0..team_size + fit).collect();
        assert_eq!(received(&log), delivered, "{log:#?}");
    }
}
// ANCHOR_END: full

#[test]
#[ntest::timeout(10_000)]
fn dropped_plus_delivered_is_everything_that_was_sent() {
    // Many runs with work times that vary by paper: how many papers are
    // dropped varies with scheduling, but each paper is either delivered
    // once or dropped, never both.
    for run in 0..40_usize {
        let (team_size, capacity, papers) = (1 + run % 3, run % 5, 200);
        let (say, log) = recorder();
        let (in_tray, rx) = bounded::<usize>(capacity);
        // Work takes 0 to 63 microseconds, by a fixed formula of the paper.
        let work = move |paper: usize| {
            let micros = (paper.wrapping_mul(2_654_435_761) ^ run) % 64;
            thread::sleep(Duration::from_micros(micros as u64));
        };
        let team = hire(team_size, rx, work, say.clone());

        let mut tally = Tally::default();
        for paper in 0..papers {
            match offer(&in_tray, paper, &say) {
                Ok(()) => tally.accepted.push(paper),
                Err(paper) => tally.dropped.push(paper),
            }
        }
        shutdown(in_tray, team, &say);

        let log = log.lock().unwrap().clone();
        assert_eq!(received(&log), tally.accepted, "run {run}");
        let mut all = [tally.accepted.clone(), tally.dropped.clone()].concat();
        all.sort_unstable();
        assert_eq!(all, (0..papers).collect::<Vec<_>>(), "run {run}");
    }
}

// ANCHOR: rendezvous
#[test]
#[ntest::timeout(10_000)]
fn try_send_on_a_rendezvous_succeeds_only_if_an_employee_is_already_waiting() {
    let (tx, rx) = bounded::<usize>(0);

    // The employee exists, but it is not in `recv` (busy): dropped.
    assert_eq!(tx.try_send(7), Err(TrySendError::Full(7)));

    // Now the employee waits in `recv`: the same offer is taken.
    let employee = thread::spawn(move || rx.recv());
    assert_eq!(try_send_once_an_employee_waits(&tx, 7), Ok(()));
    assert_eq!(employee.join().unwrap(), Ok(7));
}
// ANCHOR_END: rendezvous

#[test]
#[ntest::timeout(10_000)]
fn with_no_team_at_all_every_paper_is_dropped_and_the_manager_does_not_wait() {
    let (tally, log) = rush_bounded(0, 3, 4);
    assert_eq!(tally.accepted, Vec::<usize>::new());
    assert_eq!(tally.dropped, [0, 1, 2, 3]);
    assert!(
        log.contains(&"manager : nobody left, dropped paper 0".to_string()),
        "{log:#?}"
    );
}

#[test]
#[ntest::timeout(10_000)]
fn the_manager_lines_come_in_program_order() {
    let (_, log) = rush_bounded(2, 3, 6);
    let manager: Vec<&str> = log
        .iter()
        .filter(|l| l.starts_with("manager"))
        .map(|l| l.as_str())
        .collect();
    assert_eq!(
        manager,
        [
            "manager : every employee is busy",
            "manager : put paper 2 in the in-tray",
            "manager : put paper 3 in the in-tray",
            "manager : put paper 4 in the in-tray",
            "manager : in-tray full, dropped paper 5",
            "manager : in-tray full, dropped paper 6",
            "manager : in-tray full, dropped paper 7",
            "manager : accepted 3, dropped 3",
            "manager : opened the gate",
            "manager : sent shutdown signal",
            "manager : the team has gone home",
        ]
    );
}

#[test]
#[ntest::timeout(10_000)]
fn the_manager_waits_for_the_team_before_it_returns() {
    // The employee's last line is held back until the test says so: the
    // employee is still at work, and `rush` must not return.
    let log = Arc::new(Mutex::new(Vec::new()));
    let (let_go, held) = bounded::<()>(0);
    let say = {
        let log = Arc::clone(&log);
        move |line: &str| {
            if line.ends_with("received shutdown signal") {
                let _ = held.recv(); // returns once `let_go` is dropped
            }
            log.lock().unwrap().push(line.to_string());
        }
    };
    let (done_tx, done) = bounded(1);
    {
        let log = Arc::clone(&log);
        thread::spawn(move || {
            rush(1, 1, 2, say);
            log.lock().unwrap().push("returned".to_string());
            let _ = done_tx.send(());
        });
    }
    // A correct manager never returns here; a broken one returns at once,
    // and CHANCE gives it every chance to.
    assert!(
        done.recv_timeout(CHANCE).is_err(),
        "rush returned while an employee was still at work"
    );
    drop(let_go);
    done.recv_timeout(PATIENCE).expect("rush never returned");
    let log = log.lock().unwrap().clone();
    let last = log
        .iter()
        .position(|l| l == "employee 0 : received shutdown signal");
    assert_eq!(last, Some(log.len() - 3), "{log:#?}");
}
