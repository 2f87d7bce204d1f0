//! An in-tray: the straight port with room for one paper per employee,
//! `bounded(team_size)`. A send returns once the paper is in the tray, so
//! the manager no longer knows that an employee holds it; in exchange it
//! waits less often.

use std::time::Duration;

use super::{Job, clocked, straight};

pub fn run(team_size: usize, papers: u64, job: impl Job) -> Duration {
    // ANCHOR: in_tray
    let room = team_size;
    clocked(straight::hire(room, team_size, job), papers)
    // ANCHOR_END: in_tray
}
