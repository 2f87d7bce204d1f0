//! The shape of the pool in the last chapter of The Rust Programming
//! Language (see chapter 21): an unbounded `mpsc::channel` of boxed jobs
//! behind `Arc<Mutex<Receiver>>`. `execute` returns at once: the job is
//! queued, and the queue has no bound.

use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::std_rendezvous::take_turns;
use super::{Execute, Executed, Job, clocked, join};

pub fn run(team_size: usize, papers: u64, job: impl Job) -> Duration {
    let pool = ThreadPool::new(team_size);
    clocked(Executed { pool, job }, papers)
}

/// Any closure, run once, on some worker.
type BoxedJob = Box<dyn FnOnce() + Send + 'static>;

struct ThreadPool {
    workers: Vec<JoinHandle<()>>,
    sender: Sender<BoxedJob>,
}

impl ThreadPool {
    fn new(size: usize) -> ThreadPool {
        let (sender, receiver) = mpsc::channel::<BoxedJob>();
        let receiver = Arc::new(Mutex::new(receiver));
        let workers = (0..size)
            .map(|_| take_turns(Arc::clone(&receiver), |job: BoxedJob| job()))
            .collect();
        ThreadPool { workers, sender }
    }
}

// ANCHOR: hand_off
impl Execute for ThreadPool {
    fn execute(&self, closure: impl FnOnce() + Send + 'static) {
        // Returns at once: the job waits in the queue. Fails only if
        // every worker is gone, which only a panic could do.
        self.sender
            .send(Box::new(closure))
            .expect("every worker quit");
    }

    /// The book does this in `Drop`.
    fn wait(self) {
        drop(self.sender); // the shutdown signal
        join(self.workers);
    }
}
// ANCHOR_END: hand_off
