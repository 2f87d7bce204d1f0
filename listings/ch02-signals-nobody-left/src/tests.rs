use super::*;
use crossbeam_channel::SendError;
use std::sync::{Arc, Mutex};

#[test]
#[ntest::timeout(10_000)]
fn a_send_with_every_receiver_gone_returns_the_paper_in_the_error() {
    let (tx, rx) = bounded::<String>(0);
    let second_receiver = rx.clone();
    drop(rx);
    // One Receiver is left: a rendezvous send would wait, `try_send` says Full.
    assert!(tx.try_send(String::from("paper")).unwrap_err().is_full());
    drop(second_receiver);
    // None is left: the send fails at once, and the paper comes back.
    assert_eq!(
        tx.send(String::from("paper")),
        Err(SendError(String::from("paper")))
    );
}

#[test]
#[ntest::timeout(10_000)]
fn a_waiting_send_gets_the_paper_back_when_the_last_receiver_goes() {
    let (tx, rx) = bounded::<String>(0);
    let (back_tx, back_rx) = bounded(1);
    let manager = thread::spawn(move || back_tx.send(tx.send(String::from("paper"))).unwrap());
    // A bounded wait: gives the send every chance to return; with a Receiver
    // alive and nobody taking, it cannot.
    assert!(
        back_rx
            .recv_timeout(std::time::Duration::from_millis(100))
            .is_err()
    );
    drop(rx);
    assert_eq!(
        back_rx.recv().unwrap(),
        Err(SendError(String::from("paper")))
    );
    manager.join().unwrap();
}

#[test]
#[ntest::timeout(10_000)]
fn an_in_tray_with_every_receiver_gone_refuses_papers_too() {
    // Even with room in the tray, nobody would ever take the paper.
    let (tx, rx) = bounded::<String>(3);
    drop(rx);
    assert_eq!(
        tx.send(String::from("paper")),
        Err(SendError(String::from("paper")))
    );
}

#[test]
#[ntest::timeout(10_000)]
fn the_listing_gets_paper_2_back() {
    let recorder = Recorder::new();
    nobody_left(recorder.say_fn());
    let lines = recorder.lines();
    // The first two lines are printed on two threads, in either order; the
    // last one comes after the join, so it is always last.
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[..2].contains(&String::from("employee : received paper 1, leaving")));
    assert!(lines[..2].contains(&String::from("manager : handed off paper 1")));
    assert_eq!(lines[2], "manager : nobody is left, paper 2 came back");
}

#[test]
#[ntest::timeout(10_000)]
fn any_argument_is_a_usage_error() {
    assert_eq!(check_args(std::iter::empty()), Ok(()));
    let err = check_args(["--fast".to_string()].into_iter()).unwrap_err();
    assert!(
        err.contains("usage: cargo run -p ch02-signals-nobody-left"),
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
