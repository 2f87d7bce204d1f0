//! The operating system's context switches: evidence of why a pool costs
//! what it costs. A thread that waits (for a paper, for a lock) gives up
//! its CPU: a voluntary switch. A thread that the scheduler takes off its
//! CPU to run another is switched involuntarily. Both cost microseconds,
//! so a pool that switches once per paper cannot hand off faster than that.

use serde::{Deserialize, Serialize};

/// Context switches counted by the operating system so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    pub voluntary: u64,
    pub involuntary: u64,
}

/// Context switches per paper: one measurement, or the median of several.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerPaper {
    pub voluntary: f64,
    pub involuntary: f64,
}

impl Counts {
    /// The switches from `before` to `self`. The counts never go down;
    /// `saturating_sub` only keeps a wrong pair from panicking.
    pub fn since(self, before: Counts) -> Counts {
        Counts {
            voluntary: self.voluntary.saturating_sub(before.voluntary),
            involuntary: self.involuntary.saturating_sub(before.involuntary),
        }
    }

    /// These switches spread over `papers` papers.
    pub fn per_paper(self, papers: u64) -> PerPaper {
        let per = |count: u64| significant(count as f64 / papers.max(1) as f64);
        PerPaper {
            voluntary: per(self.voluntary),
            involuntary: per(self.involuntary),
        }
    }
}

/// The whole process's switches so far: `getrusage(RUSAGE_SELF)` adds up
/// every thread, those that have exited too, so a team that has gone home
/// is still counted. `None` where the call fails.
#[cfg(unix)]
pub fn now() -> Option<Counts> {
    // SAFETY: getrusage only writes the struct it is given, and an
    // all-zero `rusage` is a valid value of that plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let status = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    (status == 0).then_some(Counts {
        voluntary: usage.ru_nvcsw as u64,
        involuntary: usage.ru_nivcsw as u64,
    })
}

/// No `getrusage` here: the reports show "–".
#[cfg(not(unix))]
pub fn now() -> Option<Counts> {
    None
}

/// Four significant digits: `0.1028`, not `0.10283333333333333`, and yet
/// a Go run's few switches over millions of papers do not round to zero.
fn significant(value: f64) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let scale = 10f64.powi(3 - value.abs().log10().floor() as i32);
    (value * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(voluntary: u64, involuntary: u64) -> Counts {
        Counts {
            voluntary,
            involuntary,
        }
    }

    #[test]
    fn the_difference_is_per_kind_of_switch() {
        let (before, after) = (counts(100, 7), counts(2_100, 8));
        assert_eq!(after.since(before), counts(2_000, 1));
        assert_eq!(before.since(after), counts(0, 0));
    }

    #[test]
    fn per_paper_keeps_four_significant_digits() {
        let per_paper = |counts: Counts, papers| {
            let PerPaper {
                voluntary,
                involuntary,
            } = counts.per_paper(papers);
            (voluntary, involuntary)
        };
        assert_eq!(per_paper(counts(1_234, 3), 12_000), (0.1028, 0.00025));
        assert_eq!(per_paper(counts(12_000, 0), 12_000), (1.0, 0.0));
        // No papers: no division by zero.
        assert_eq!(per_paper(counts(0, 0), 0), (0.0, 0.0));
    }

    /// The count covers threads that have exited: a thread that sleeps
    /// gives up its CPU each time (a sleep here is the thing counted, not
    /// a way to wait for another thread), and after it is joined its
    /// switches are still in the process's count.
    #[test]
    #[cfg(unix)]
    #[ntest::timeout(10_000)]
    fn an_exited_thread_s_switches_are_counted() {
        let before = now().expect("getrusage works");
        std::thread::spawn(|| {
            for _ in 0..10 {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        })
        .join()
        .expect("the thread ends");
        let switches = now().expect("getrusage works").since(before);
        // Other tests run meanwhile: they can only add switches.
        assert!(switches.voluntary >= 10, "{switches:?}");
    }
}
