// Only the standard library: the shape this listing shows needs nothing else.
use std::sync::{Arc, Mutex, mpsc};
use std::thread::{self, JoinHandle};

#[cfg(test)]
mod tests;

// ANCHOR: main
fn main() {
    if let Err(usage) = check_args(std::env::args().skip(1)) {
        eprintln!("{usage}");
        std::process::exit(2);
    }

    // The results come back on a channel of the caller's own making.
    let (results_tx, results) = mpsc::channel();
    {
        let pool = ThreadPool::new(2);
        for paper in ["the cat sat", "on the mat", "and purred all day long"] {
            let results_tx = results_tx.clone();
            pool.execute(move || {
                let words = paper.split_whitespace().count();
                let _ = results_tx.send(format!("{paper:?} has {words} words"));
            });
            println!("manager : execute returned for {paper:?}");
        }
        // The pool is dropped here: its Drop waits for the workers.
    }
    println!("manager : the pool is dropped");

    drop(results_tx);
    let mut lines: Vec<String> = results.iter().collect();
    lines.sort();
    for line in lines {
        println!("manager : {line}");
    }
}
// ANCHOR_END: main

/// The listing takes no arguments: any argument is a usage error.
fn check_args(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    match args.next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "error: unexpected argument `{arg}`; usage: cargo run -p ch21-book-pool"
        )),
    }
}

// ANCHOR: pool
/// A job: any closure, run once, on some worker.
type Job = Box<dyn FnOnce() + Send + 'static>;

pub struct ThreadPool {
    workers: Vec<JoinHandle<()>>,
    /// `None` once the pool is being dropped: that closes the channel.
    sender: Option<mpsc::Sender<Job>>,
}
// ANCHOR_END: pool

impl ThreadPool {
    // ANCHOR: new
    /// Starts `size` workers. Panics if `size` is zero.
    pub fn new(size: usize) -> ThreadPool {
        assert!(size > 0, "a thread pool needs at least one thread");
        // An unbounded channel: sending never waits.
        let (sender, receiver) = mpsc::channel::<Job>();
        // The standard library's Receiver cannot be cloned, so the workers
        // share one, and take turns with a Mutex.
        let receiver = Arc::new(Mutex::new(receiver));
        let workers = (0..size).map(|_| worker(Arc::clone(&receiver))).collect();
        ThreadPool {
            workers,
            sender: Some(sender),
        }
    }
    // ANCHOR_END: new

    // ANCHOR: execute
    /// Queues `f` to run on some worker, and returns at once.
    pub fn execute<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        let job: Job = Box::new(f);
        // Fails only if every worker has died (and the Receiver with them).
        self.sender
            .as_ref()
            .expect("the sender is only taken by drop")
            .send(job)
            .expect("every worker has died");
    }
    // ANCHOR_END: execute
}

// ANCHOR: worker
/// Starts a worker: it takes jobs off the shared Receiver until the
/// channel is closed and empty.
fn worker(receiver: Arc<Mutex<mpsc::Receiver<Job>>>) -> JoinHandle<()> {
    thread::spawn(move || {
        loop {
            // The guard is a temporary: the lock is let go at the end of
            // this statement, before the job runs. While one worker
            // waits in `recv`, the others wait for the lock.
            let message = receiver
                .lock()
                .expect("no worker panics while holding the lock")
                .recv();
            match message {
                Ok(job) => job(),
                // The Sender is gone: time to stop.
                Err(_) => break,
            }
        }
    })
}
// ANCHOR_END: worker

// ANCHOR: drop
impl Drop for ThreadPool {
    fn drop(&mut self) {
        // Closing the channel: each worker's `recv` fails once the queue
        // is empty, and the worker stops.
        drop(self.sender.take());
        for worker in self.workers.drain(..) {
            // A worker whose job panicked has died: its join returns the
            // panic, and this passes it on.
            worker.join().expect("a worker panicked");
        }
    }
}
// ANCHOR_END: drop
