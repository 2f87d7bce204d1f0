//! The straight port of chapter 4: a crossbeam rendezvous channel,
//! `bounded(0)`. A send returns only once an employee holds the paper.

use std::thread;
use std::time::Duration;

use crossbeam_channel::{Sender, bounded};

use super::{Channel, Fed, Job, clocked};

/// The straight port: no room in the channel.
pub fn run(team_size: usize, papers: u64, job: impl Job) -> Duration {
    clocked(hire(0, team_size, job), papers)
}

/// The straight port with `room` papers of room in the channel: 0 is the
/// rendezvous, anything more is an in-tray. Nothing else differs, so the
/// difference in cost is the price of the guarantee.
pub fn hire(room: usize, team_size: usize, job: impl Job) -> Fed<Sender<u64>> {
    let (tx, rx) = bounded::<u64>(room);
    let team = (0..team_size)
        .map(|_| {
            let (rx, job) = (rx.clone(), job.clone());
            thread::spawn(move || rx.iter().for_each(job))
        })
        .collect();
    // The manager hands papers out; it never takes one itself.
    Fed { tx, team }
}

// ANCHOR: hand_off
impl Channel for Sender<u64> {
    fn send_paper(&self, paper: u64) {
        // With no room: waits until an employee takes the paper. Fails
        // only if every employee is gone, which only a panic could do.
        self.send(paper).expect("every employee quit");
    }
}
// ANCHOR_END: hand_off
