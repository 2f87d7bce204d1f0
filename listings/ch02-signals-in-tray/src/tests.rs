use super::*;
use crossbeam_channel::{RecvError, RecvTimeoutError, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[test]
#[ntest::timeout(10_000)]
fn n_sends_return_with_nobody_receiving_and_the_papers_stay_in_the_tray() {
    let (tx, rx) = in_tray(3);
    // Nobody receives: if a send waited for a taker, this test would time out.
    for n in 1..=3 {
        tx.send(format!("paper {n}")).unwrap();
    }
    // Every send returned, yet nobody took anything: no guarantee.
    assert_eq!(rx.len(), 3);
}

#[test]
#[ntest::timeout(10_000)]
fn the_send_after_the_tray_is_full_waits_for_room() {
    let (tx, rx) = in_tray(3);
    for n in 1..=3 {
        tx.send(format!("paper {n}")).unwrap();
    }
    // Deterministic: a full tray has no room for one more.
    assert!(matches!(
        tx.try_send(String::from("paper 4")),
        Err(TrySendError::Full(_))
    ));

    let (sent_tx, sent_rx) = bounded(1);
    let manager = thread::spawn(move || {
        tx.send(String::from("paper 4")).unwrap();
        sent_tx.send(()).unwrap();
    });
    // A bounded wait gives the fourth send every chance to return; it cannot.
    let early = sent_rx.recv_timeout(Duration::from_millis(100));
    assert_eq!(
        early,
        Err(RecvTimeoutError::Timeout),
        "a 4th paper fit in a tray of 3"
    );

    // Taking one paper out makes room: the waiting send returns.
    assert_eq!(rx.recv().unwrap(), "paper 1");
    sent_rx.recv().unwrap();
    manager.join().unwrap();
}

#[test]
#[ntest::timeout(10_000)]
fn the_tray_closes_only_when_every_sender_is_dropped() {
    let (tx, rx) = in_tray(3);
    let second_sender = tx.clone();
    tx.send(String::from("paper 1")).unwrap();
    drop(tx);
    // One Sender is still alive: the tray is empty but open, not closed.
    assert_eq!(rx.recv().unwrap(), "paper 1");
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    drop(second_sender);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
}

#[test]
#[ntest::timeout(10_000)]
fn after_the_last_sender_is_dropped_the_receiver_drains_the_tray_then_the_loop_ends() {
    let (tx, rx) = in_tray(3);
    for n in 1..=3 {
        tx.send(format!("paper {n}")).unwrap();
    }
    drop(tx);

    let mut drained = Vec::new();
    for paper in &rx {
        drained.push(paper);
    }
    assert_eq!(drained, ["paper 1", "paper 2", "paper 3"]);
    assert_eq!(rx.recv(), Err(RecvError));
}

#[test]
#[ntest::timeout(10_000)]
fn the_listing_fills_the_tray_closes_it_and_the_employee_empties_it() {
    let recorder = Recorder::new();
    fill_then_drain(recorder.say_fn());
    assert_eq!(
        recorder.lines(),
        [
            "manager : put paper 1 in the in-tray",
            "manager : put paper 2 in the in-tray",
            "manager : put paper 3 in the in-tray",
            "manager : the in-tray is full, paper 4 stays on my desk",
            "manager : closed the in-tray",
            "employee : received paper 1",
            "employee : received paper 2",
            "employee : received paper 3",
            "employee : the in-tray is empty and closed",
        ]
    );
}

#[test]
#[ntest::timeout(10_000)]
fn any_argument_is_a_usage_error() {
    assert_eq!(check_args(std::iter::empty()), Ok(()));
    let err = check_args(["--fast".to_string()].into_iter()).unwrap_err();
    assert!(
        err.contains("usage: cargo run -p ch02-signals-in-tray"),
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
