use super::{check_args, hand_off, hire, rush};
use crossbeam_channel::{Receiver, Select, SendTimeoutError, Sender, bounded, unbounded};
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

/// How long "back at once" may take. It bounds something that must be
/// quick, not something that must not happen, so it stays generous: a
/// loaded machine may pause a correct test for a while.
const AT_ONCE: Duration = Duration::from_millis(300);

/// The manager's patience in these tests.
const WAIT: Duration = Duration::from_millis(50);

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

/// A team hired by the listing's `hire`, every employee held at its first
/// paper until the test drops `gate`.
struct BusyTeam {
    tx: Sender<usize>,
    team: Vec<thread::JoinHandle<()>>,
    gate: Sender<()>,
    log: Arc<Mutex<Vec<String>>>,
}

impl BusyTeam {
    fn hire(team_size: usize) -> BusyTeam {
        let (say, log) = recorder();
        let (holding_tx, holding) = unbounded::<usize>();
        let (gate, gate_rx) = bounded::<()>(0);
        let work = move |paper: usize| {
            let _ = holding_tx.send(paper);
            let _ = gate_rx.recv(); // returns once `gate` is dropped
        };
        let (tx, team) = hire(team_size, work, say);
        // One paper each; wait until every employee holds one.
        for paper in 0..team_size {
            tx.send(paper).unwrap();
            holding
                .recv_timeout(PATIENCE)
                .expect("an employee never started on its paper");
        }
        BusyTeam {
            tx,
            team,
            gate,
            log,
        }
    }

    /// Opens the gate, sends the shutdown signal, waits for the team.
    fn go_home(self) -> Vec<String> {
        drop(self.gate);
        drop(self.tx);
        for employee in self.team {
            employee.join().unwrap();
        }
        self.log.lock().unwrap().clone()
    }
}

/// Waits until an employee is blocked in `recv` on the other side of `tx`,
/// then calls `send` with the paper. crossbeam's `Select::ready` returns
/// once a send on `tx` would not have to wait, that is, once a receiver is
/// waiting. Its docs allow it to wake up spuriously, so a paper that comes
/// back is offered again; the whole thing is bounded by `PATIENCE`.
fn once_an_employee_waits(
    tx: &Sender<usize>,
    paper: usize,
    send: impl Fn(usize) -> Result<(), usize>,
) -> Result<(), usize> {
    let deadline = Instant::now() + PATIENCE;
    let mut paper = paper;
    loop {
        let mut select = Select::new();
        select.send(tx);
        if select.ready_deadline(deadline).is_err() {
            return Err(paper); // nobody came in time
        }
        match send(paper) {
            Ok(()) => return Ok(()),
            Err(back) => paper = back,
        }
    }
}

/// An employee that receives one paper and returns it.
fn one_paper_employee(rx: Receiver<usize>) -> thread::JoinHandle<Option<usize>> {
    thread::spawn(move || rx.recv().ok())
}

#[test]
#[ntest::timeout(10_000)]
fn the_listing_takes_no_arguments() {
    assert_eq!(check_args(std::iter::empty()), Ok(()));
    let error = check_args(["--fast".to_string()].into_iter()).unwrap_err();
    assert!(
        error.contains("usage: cargo run -p ch11-timeouts"),
        "{error}"
    );
    assert!(!error.contains('\n'), "one line: {error}");
}

// ANCHOR: busy
#[test]
#[ntest::timeout(10_000)]
fn with_every_employee_busy_the_same_paper_comes_back_after_the_timeout() {
    let busy = BusyTeam::hire(2);

    // The manager's hand-off, on a thread of its own, so that a hand-off
    // that never gives up fails this test instead of hanging it.
    let (outcome_tx, outcome) = bounded(1);
    let tx = busy.tx.clone();
    thread::spawn(move || {
        let start = Instant::now();
        let result = hand_off(&tx, 7, WAIT, &|_: &str| {});
        let _ = outcome_tx.send((result, start.elapsed()));
    });

    let (result, waited) = outcome
        .recv_timeout(WAIT + Duration::from_secs(2))
        .expect("the hand-off did not give up: does it wait without a bound?");
    // The same paper is back; nobody took it.
    assert_eq!(result, Err(7));
    // And the manager did wait its full patience first.
    assert!(waited >= WAIT, "gave up after {waited:?}");

    let log = busy.go_home();
    assert_eq!(received(&log), [0, 1], "paper 7 reached an employee");
}
// ANCHOR_END: busy

// ANCHOR: idle
#[test]
#[ntest::timeout(10_000)]
fn with_an_employee_waiting_the_paper_is_handed_off() {
    let (say, log) = recorder();
    let (tx, team) = hire(1, |_paper: usize| {}, say);

    let handed_off = once_an_employee_waits(&tx, 7, |paper| hand_off(&tx, paper, WAIT, &|_| {}));
    assert_eq!(handed_off, Ok(()));

    drop(tx);
    for employee in team {
        employee.join().unwrap();
    }
    let log = log.lock().unwrap().clone();
    assert_eq!(received(&log), [7]);
}
// ANCHOR_END: idle

// ANCHOR: zero
#[test]
#[ntest::timeout(10_000)]
fn a_zero_timeout_takes_the_paper_only_if_it_need_not_wait() {
    // Rendezvous, the employee busy (not in `recv`): back at once.
    let (tx, rx) = bounded::<usize>(0);
    let start = Instant::now();
    assert_eq!(
        tx.send_timeout(7, Duration::ZERO),
        Err(SendTimeoutError::Timeout(7))
    );
    assert!(start.elapsed() < AT_ONCE, "took {:?}", start.elapsed());

    // Rendezvous, an employee already waiting in `recv`: handed off.
    let employee = one_paper_employee(rx);
    let send = |paper| {
        tx.send_timeout(paper, Duration::ZERO)
            .map_err(|e| e.into_inner())
    };
    assert_eq!(once_an_employee_waits(&tx, 7, send), Ok(()));
    assert_eq!(employee.join().unwrap(), Some(7));

    // In-tray with room: the paper goes in, although nobody is working.
    let (tx, _nobody_working) = bounded::<usize>(1);
    assert_eq!(tx.send_timeout(7, Duration::ZERO), Ok(()));
    // In-tray full: back at once.
    assert_eq!(
        tx.send_timeout(8, Duration::ZERO),
        Err(SendTimeoutError::Timeout(8))
    );
}
// ANCHOR_END: zero

#[test]
#[ntest::timeout(10_000)]
fn a_timeout_too_large_to_add_to_now_is_a_plain_send() {
    // `Instant::now() + Duration::MAX` overflows; crossbeam then calls
    // `send`, which waits with no bound.
    let (tx, rx) = bounded::<usize>(0);
    let (outcome_tx, outcome) = bounded(1);
    thread::spawn(move || {
        let _ = outcome_tx.send(tx.send_timeout(7, Duration::MAX));
    });
    assert!(
        outcome.recv_timeout(CHANCE).is_err(),
        "send_timeout(Duration::MAX) gave up"
    );
    // Only an employee taking the paper ends it.
    assert_eq!(rx.recv_timeout(PATIENCE), Ok(7));
    assert_eq!(outcome.recv_timeout(PATIENCE), Ok(Ok(())));
}

// ANCHOR: in_tray
#[test]
#[ntest::timeout(10_000)]
fn an_in_tray_says_ok_while_nobody_is_working() {
    let (tx, rx) = bounded::<usize>(1);
    // Nobody is receiving, and yet the timed send succeeds at once.
    assert_eq!(tx.send_timeout(7, WAIT), Ok(()));
    // The paper was not taken by anyone: it sits in the in-tray.
    assert_eq!(rx.len(), 1);
    assert_eq!(rx.try_recv(), Ok(7));
}
// ANCHOR_END: in_tray

/// Runs `rush` on a thread of its own; waits at most `PATIENCE`.
fn rush_bounded(team_size: usize, papers: usize) -> (Vec<usize>, Vec<String>) {
    let (say, log) = recorder();
    let (done_tx, done) = bounded(1);
    thread::spawn(move || {
        let _ = done_tx.send(rush(team_size, papers, WAIT, say));
    });
    let kept = done
        .recv_timeout(PATIENCE)
        .expect("rush did not return: did a hand-off wait without a bound?");
    let log = log.lock().unwrap().clone();
    (kept, log)
}

#[test]
#[ntest::timeout(10_000)]
fn in_the_rush_every_paper_times_out_and_is_handed_off_later() {
    let (kept, log) = rush_bounded(2, 3);
    assert_eq!(kept, [2, 3, 4]);
    // Every paper reaches exactly one employee in the end.
    assert_eq!(received(&log), [0, 1, 2, 3, 4]);
    let manager: Vec<&str> = log
        .iter()
        .filter(|l| l.starts_with("manager"))
        .map(|l| l.as_str())
        .collect();
    assert_eq!(
        manager,
        [
            "manager : every employee is busy",
            "manager : nobody took paper 2 in time",
            "manager : keeping paper 2 for later",
            "manager : nobody took paper 3 in time",
            "manager : keeping paper 3 for later",
            "manager : nobody took paper 4 in time",
            "manager : keeping paper 4 for later",
            "manager : opened the gate",
            "manager : handed off kept paper 2",
            "manager : handed off kept paper 3",
            "manager : handed off kept paper 4",
            "manager : sent shutdown signal",
            "manager : the team has gone home",
        ]
    );
}

#[test]
#[ntest::timeout(10_000)]
fn with_no_team_at_all_the_manager_gets_every_paper_back_at_once() {
    let (kept, log) = rush_bounded(0, 2);
    assert_eq!(kept, [0, 1]);
    assert!(
        log.contains(&"manager : nobody left to take paper 0".to_string()),
        "{log:#?}"
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
            rush(1, 1, WAIT, say);
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
