//! rayon, with one spawn per paper in a scope. Each spawn queues the job
//! on rayon's unbounded queue and returns at once; the scope ends once
//! every job has run.
//!
//! Why a spawn per paper and not `par_iter`: `par_iter` over the papers
//! splits them into a few large chunks, one per thread or so, and never
//! hands off single papers: it would measure batching, which every pool
//! here could do, not the hand-off. A spawn per paper does for rayon what
//! the others do: one job per paper, through rayon's own queue. What it
//! gives up is the guarantee that an employee holds the paper (and any
//! bound on the queue), as the Rust book's pool does.

use std::time::{Duration, Instant};

use rayon::ThreadPoolBuilder;

use super::Job;

pub fn run(team_size: usize, papers: u64, job: impl Job) -> Duration {
    // A pool of its own, of the same size as the other teams, not the
    // global one (which is sized once, for the whole process). Fails only
    // if no thread can be started: nothing to measure then.
    let pool = ThreadPoolBuilder::new()
        .num_threads(team_size)
        .build()
        .expect("a team could be hired");

    // ANCHOR: hand_off
    let start = Instant::now();
    // `in_place_scope` runs the loop on this thread, the manager, which
    // is not one of the team: like every manager here, it only hands off.
    pool.in_place_scope(|scope| {
        for paper in 0..papers {
            let job = &job;
            scope.spawn(move |_| job(paper));
        }
    }); // waits until every spawned job has run
    let elapsed = start.elapsed();
    // ANCHOR_END: hand_off

    // Dropping a rayon pool tells its threads to leave but does not wait
    // for them: their going home is not in the measured time.
    drop(pool);
    elapsed
}
