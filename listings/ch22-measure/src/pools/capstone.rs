//! The book's own pool, `ch19_pool::Pool`: `assign` returns only once an
//! employee holds the paper, and every paper's outcome is reported.

use std::time::Duration;

use ch19_pool::Pool;

use super::{Job, Team, clocked};

pub fn run(team_size: usize, papers: u64, job: impl Job) -> Duration {
    // Refused only for a team of zero, or if no thread can be started:
    // nothing to measure then.
    let pool = Pool::new(team_size, job).expect("a team could be hired");
    let elapsed = clocked(&pool, papers);

    // The employees' sends to the outcomes channel happened inside the
    // measured time: reporting every outcome is part of what this pool
    // does. Reading them back is not counted: the other pools give the
    // manager nothing to read, and reading while assigning would add a
    // second duty to the manager's loop. One outcome per paper, or the
    // number above means nothing.
    let outcomes = pool.outcomes().try_iter().count();
    assert_eq!(outcomes as u64, papers, "one outcome per paper");
    elapsed
}

// ANCHOR: hand_off
impl Team for &Pool<u64> {
    fn hand_off(&mut self, paper: u64) {
        // Refused only after shutdown, which comes after the last paper.
        self.assign(paper).expect("the pool is not shut down yet");
    }

    fn go_home(self) {
        self.shutdown(); // waits for the team
    }
}
// ANCHOR_END: hand_off
