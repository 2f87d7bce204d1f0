//! The work an employee does with one paper: nothing at all, or busy-work
//! that keeps its CPU busy for a given time.

use std::time::{Duration, Instant};

/// One size of work per paper.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Work {
    /// As the command line and the reports spell it: `empty`, `1us`, ...
    pub name: &'static str,
    /// How long one paper keeps an employee busy.
    pub duration: Duration,
}

/// Every work size the command knows, smallest first.
pub const WORK: [Work; 4] = [
    Work {
        name: "empty",
        duration: Duration::ZERO,
    },
    Work {
        name: "1us",
        duration: Duration::from_micros(1),
    },
    Work {
        name: "10us",
        duration: Duration::from_micros(10),
    },
    Work {
        name: "100us",
        duration: Duration::from_micros(100),
    },
];

impl Work {
    /// The work size named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Work> {
        WORK.into_iter().find(|work| work.name == name)
    }
}

// ANCHOR: busy
/// Keeps the CPU busy for `duration`: spins until the clock has passed
/// start + `duration`. The work is measured in time, not in loop counts,
/// so that the Go pool (which spins on `time.Now()` the same way) does the
/// same work whatever either compiler makes of a loop. Sleeping would not
/// do: a sleeping employee gives its CPU away, and the operating system's
/// timer slack is longer than the 1 µs being measured.
pub fn busy(duration: Duration) {
    // Empty work: not even a look at the clock.
    if duration.is_zero() {
        return;
    }
    let start = Instant::now();
    while start.elapsed() < duration {}
}
// ANCHOR_END: busy
