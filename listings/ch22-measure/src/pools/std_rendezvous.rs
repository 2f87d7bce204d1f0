//! A rendezvous with the standard library alone: `sync_channel(0)`. Its
//! Receiver cannot be cloned, so the employees share one behind a Mutex
//! and take turns waiting on it, as the Rust book's pool does.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use super::{Channel, Fed, Job, clocked};

pub fn run(team_size: usize, papers: u64, job: impl Job) -> Duration {
    let (tx, rx) = sync_channel::<u64>(0);
    let rx = Arc::new(Mutex::new(rx));
    let team = (0..team_size)
        .map(|_| take_turns(Arc::clone(&rx), job.clone()))
        .collect();
    clocked(Fed { tx, team }, papers)
}

// ANCHOR: hand_off
impl Channel for SyncSender<u64> {
    fn send_paper(&self, paper: u64) {
        // Waits until the employee holding the lock takes the paper.
        self.send(paper).expect("every employee quit");
    }
}
// ANCHOR_END: hand_off

// ANCHOR: take_turns
/// Hires an employee that shares `papers` with the rest of the team: it
/// waits for the lock, then for a paper, lets go of the lock and runs
/// `work` on the paper, until the channel is closed and empty.
pub(super) fn take_turns<T: Send + 'static>(
    papers: Arc<Mutex<Receiver<T>>>,
    work: impl Fn(T) + Send + 'static,
) -> JoinHandle<()> {
    thread::spawn(move || {
        loop {
            // The guard is a temporary: the lock is let go at the end of
            // the statement, before the work starts. A poisoned lock
            // (an employee panicked while holding it) still holds a sound
            // Receiver: carry on.
            let paper = papers
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .recv();
            match paper {
                Ok(paper) => work(paper),
                Err(_) => break, // closed and empty: the shutdown signal
            }
        }
    })
}
// ANCHOR_END: take_turns
