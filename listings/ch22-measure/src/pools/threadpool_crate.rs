//! The `threadpool` crate: `execute` queues a boxed job on an unbounded
//! channel (behind a Mutex, as in the Rust book) and returns at once;
//! `join` waits until every queued job has run.

use std::time::Duration;

use threadpool::ThreadPool;

use super::{Execute, Executed, Job, clocked};

pub fn run(team_size: usize, papers: u64, job: impl Job) -> Duration {
    let pool = ThreadPool::new(team_size);
    clocked(Executed { pool, job }, papers)
}

// ANCHOR: hand_off
impl Execute for ThreadPool {
    fn execute(&self, closure: impl FnOnce() + Send + 'static) {
        ThreadPool::execute(self, closure);
    }

    fn wait(self) {
        // Waits until the queue is empty and no job runs: the work is
        // done. The crate does not join its threads: dropping the pool
        // closes the queue and they leave on their own, unmeasured (a few
        // microseconds once, not per paper).
        self.join();
    }
}
// ANCHOR_END: hand_off
