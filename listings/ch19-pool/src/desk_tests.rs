//! The desk's own tests: the guarantee on both paths (an employee awake at
//! the desk, an employee asleep), deadlines, the shutdown signal, and
//! races between many managers, employees and deadlines. Bounded in time
//! like the pool's tests; no sleep stands for "the other thread is done".

use super::*;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Bounds every wait for something that must happen.
const PATIENCE: Duration = Duration::from_secs(5);
/// How long a test watches for something that must not happen.
const CHANCE: Duration = Duration::from_millis(100);
/// Slack on top of a deadline, for a loaded machine.
const MARGIN: Duration = Duration::from_secs(2);
/// Papers per manager in the races: fewer under Miri, which is slow.
const PAPERS: u64 = if cfg!(miri) { 30 } else { 3_000 };

/// An employee that takes papers until sent home, and returns them all.
fn employee(desk: &Arc<Desk<u64>>) -> JoinHandle<Vec<u64>> {
    let desk = Arc::clone(desk);
    thread::spawn(move || std::iter::from_fn(|| desk.take()).collect())
}

/// Runs a hand-off on its own thread; its result arrives on the receiver.
fn manager(desk: &Arc<Desk<u64>>, paper: u64) -> mpsc::Receiver<Result<(), u64>> {
    let (done_tx, done) = mpsc::channel();
    let desk = Arc::clone(desk);
    thread::spawn(move || {
        let handing = desk.begin().expect("the desk is closing");
        done_tx.send(handing.hand_off(paper, None)).unwrap();
    });
    done
}

fn wait_until(what: &str, happened: impl Fn() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !happened() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        thread::yield_now();
    }
}

fn asleep(desk: &Desk<u64>, room: fn(&Desk<u64>) -> &Room) -> usize {
    room(desk).sleepers.load(SeqCst)
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn a_hand_off_waits_until_an_employee_takes_the_paper() {
    let desk = Arc::new(Desk::new());
    let done = manager(&desk, 7);
    // Nobody takes it: the manager spins, then sleeps, and does not return.
    assert_eq!(done.recv_timeout(CHANCE), Err(RecvTimeoutError::Timeout));
    wait_until("the manager sleeps", || {
        asleep(&desk, |desk| &desk.holder) == 1
    });

    // An employee arrives and takes it: now the hand-off returns.
    assert_eq!(desk.take(), Some(7));
    assert_eq!(done.recv_timeout(PATIENCE), Ok(Ok(())));
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn a_sleeping_employee_is_woken_for_a_paper() {
    let desk = Arc::new(Desk::new());
    let team = employee(&desk);
    // Past its spin: asleep in the room, where only a ring wakes it.
    wait_until("the employee sleeps", || {
        asleep(&desk, |desk| &desk.employees) == 1
    });
    let done = manager(&desk, 1);
    assert_eq!(done.recv_timeout(PATIENCE), Ok(Ok(())));
    desk.close();
    assert_eq!(team.join().unwrap(), [1]);
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn a_deadline_hands_the_paper_back_when_nobody_takes_it() {
    let desk = Desk::new();
    let timeout = Duration::from_millis(50);
    let start = Instant::now();
    let handing = desk.begin().unwrap();
    assert_eq!(handing.hand_off(3, Some(start + timeout)), Err(3));
    let waited = start.elapsed();
    assert!(waited >= timeout, "gave up early, after {waited:?}");
    assert!(waited < timeout + MARGIN, "gave up late, after {waited:?}");
    // The desk is free again: the next paper goes to the next employee.
    let desk = Arc::new(desk);
    let done = manager(&desk, 4);
    assert_eq!(desk.take(), Some(4));
    assert_eq!(done.recv_timeout(PATIENCE), Ok(Ok(())));
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn a_deadline_already_past_still_reaches_a_waiting_employee() {
    let desk = Arc::new(Desk::new());
    let team = employee(&desk);
    wait_until("the employee waits", || desk.waiting() == 1);
    let handing = desk.begin().unwrap();
    assert_eq!(handing.hand_off(5, Some(Instant::now())), Ok(()));
    desk.close();
    assert_eq!(team.join().unwrap(), [5]);
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn closing_sends_every_waiting_employee_home() {
    let desk = Arc::new(Desk::new());
    let team: Vec<_> = (0..3).map(|_| employee(&desk)).collect();
    wait_until("the team waits", || desk.waiting() == 3);
    desk.close();
    for employee in team {
        assert_eq!(employee.join().unwrap(), Vec::<u64>::new());
    }
    // And nobody may begin a hand-off any more.
    assert!(desk.begin().is_none());
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn a_hand_off_begun_before_closing_is_still_taken() {
    let desk = Arc::new(Desk::new());
    let (went_home_tx, went_home) = mpsc::channel();
    let team = employee(&desk);
    thread::spawn(move || went_home_tx.send(team.join().unwrap()).unwrap());
    let handing = desk.begin().unwrap();
    desk.close();
    // The employee stays for the paper this manager is handing off...
    assert_eq!(
        went_home.recv_timeout(CHANCE),
        Err(RecvTimeoutError::Timeout)
    );
    assert_eq!(handing.hand_off(9, None), Ok(()));
    // ...and goes home after it.
    assert_eq!(went_home.recv_timeout(PATIENCE), Ok(vec![9]));
}

/// Many managers and employees at once, some managers with deadlines so
/// short that papers come back while employees race to take them: every
/// paper is either taken exactly once or handed back, never both, never
/// lost.
#[test]
#[cfg_attr(not(miri), ntest::timeout(60_000))]
fn every_paper_is_taken_once_or_handed_back() {
    let desk = Arc::new(Desk::new());
    let team: Vec<_> = (0..3).map(|_| employee(&desk)).collect();
    let managers: Vec<_> = (0..3)
        .map(|number| {
            let desk = Arc::clone(&desk);
            thread::spawn(move || {
                let mut back = Vec::new();
                for paper in number * PAPERS..(number + 1) * PAPERS {
                    // Manager 0 never gives up; the others, after 0 to 9 µs.
                    let patience = Duration::from_micros(paper % 10);
                    let deadline = (number > 0).then(|| Instant::now() + patience);
                    let handing = desk.begin().unwrap();
                    if let Err(paper) = handing.hand_off(paper, deadline) {
                        back.push(paper);
                    }
                }
                back
            })
        })
        .collect();
    let back: Vec<u64> = managers
        .into_iter()
        .flat_map(|m| m.join().unwrap())
        .collect();
    desk.close();
    let taken: Vec<u64> = team.into_iter().flat_map(|e| e.join().unwrap()).collect();

    let mut seen = HashSet::new();
    for paper in taken.iter().chain(&back) {
        assert!(
            seen.insert(*paper),
            "paper {paper} was taken or handed back twice"
        );
    }
    assert_eq!(seen.len() as u64, 3 * PAPERS, "a paper was lost");
    assert!(
        back.iter().all(|paper| *paper >= PAPERS),
        "manager 0 got a paper back"
    );
}

/// The way back for the manager when an employee is already waiting: the
/// paper is left for it. That employee gets that one paper, not a second:
/// the next hand-off waits until an employee comes back for it.
#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn a_waiting_employee_is_left_one_paper_not_two() {
    let desk = Arc::new(Desk::new());
    let (gate_tx, gate) = mpsc::channel::<()>();
    let (holding_tx, holding) = mpsc::channel();
    let worker = Arc::clone(&desk);
    let team = thread::spawn(move || {
        let mut taken = Vec::new();
        while let Some(paper) = worker.take() {
            holding_tx.send(paper).unwrap();
            // Busy with this paper until the test lets it go.
            gate.recv_timeout(PATIENCE).unwrap();
            taken.push(paper);
        }
        taken
    });
    wait_until("the employee waits", || desk.waiting() == 1);
    // An employee waits: the hand-off returns without waiting for it.
    let handing = desk.begin().unwrap();
    assert_eq!(handing.hand_off(1, None), Ok(()));
    assert_eq!(holding.recv_timeout(PATIENCE), Ok(1));

    // The employee is busy with paper 1: the next hand-off waits.
    let done = manager(&desk, 2);
    assert_eq!(done.recv_timeout(CHANCE), Err(RecvTimeoutError::Timeout));
    gate_tx.send(()).unwrap();
    assert_eq!(done.recv_timeout(PATIENCE), Ok(Ok(())));
    assert_eq!(holding.recv_timeout(PATIENCE), Ok(2));
    gate_tx.send(()).unwrap();
    desk.close();
    assert_eq!(team.join().unwrap(), [1, 2]);
}

/// A spin goes on only while spinning pays: a few spins that caught
/// nobody stop it, one that caught the other side brings it back.
#[test]
fn a_spin_goes_on_only_while_spinning_pays() {
    let score = Score::default();
    let full = Duration::from_micros(2);
    assert_eq!(score.limit(full), full);
    for _ in 0..3 {
        score.paid(false);
    }
    assert_eq!(score.limit(full), Duration::ZERO);
    score.paid(true);
    assert_eq!(score.limit(full), full);
}

/// One employee at most watches the desk, and only for a while: a team
/// with nothing to do ends up asleep, every one of them, and costs no CPU.
#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn an_idle_team_falls_asleep() {
    let desk = Arc::new(Desk::new());
    let team: Vec<_> = (0..3).map(|_| employee(&desk)).collect();
    wait_until("the whole team sleeps", || {
        asleep(&desk, |desk| &desk.employees) == 3
    });
    assert!(!watched(desk.state().load(SeqCst)), "still watched");
    desk.close();
    for employee in team {
        assert_eq!(employee.join().unwrap(), Vec::<u64>::new());
    }
}
