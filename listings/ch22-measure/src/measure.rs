//! The measuring loop: every pool at every work size, repeated, with the
//! pools taking turns so that the machine's noise falls on all of them.

use std::time::Duration;

use crate::machine::Machine;
use crate::pools::Pool;
use crate::pools::go::GoPool;
use crate::results::{Measurements, Series};
use crate::switches::{self, PerPaper};
use crate::wake_up::{self, RoundTrips};
use crate::work::{Work, busy};

/// What to measure, from the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub pools: Vec<Pool>,
    pub work: Vec<Work>,
    pub repeats: usize,
    /// How long one measurement should take (see [`TARGET`]).
    pub target: Duration,
    pub quick: bool,
    pub team_size: usize,
}

/// How long one measurement takes: long enough that the clock's
/// resolution and the hiring of the team do not show, short enough that
/// five repeats of every pool at every work size take about a minute.
pub const TARGET: Duration = Duration::from_millis(200);

/// `--quick`: numbers that mean nothing, fast, for tests.
pub const QUICK_TARGET: Duration = Duration::from_millis(2);

/// Measures what `plan` asks for. `go` is the built Go pool, or why there
/// is none; `progress` hears a line after each step.
pub fn measure(
    plan: &Plan,
    go: &Result<GoPool, String>,
    machine: Machine,
    mut progress: impl FnMut(&str),
) -> Result<Measurements, String> {
    let mut series: Vec<Series> = Vec::new();
    for work in &plan.work {
        for &pool in &plan.pools {
            let skipped = match (pool, go) {
                (Pool::Go, Err(why)) => Some(why.clone()),
                _ => None,
            };
            let papers = match skipped {
                Some(_) => 0,
                None => calibrate(plan, go, pool, work)?,
            };
            series.push(Series {
                pool: pool.name().to_string(),
                work: work.name.to_string(),
                papers,
                ns_per_paper: Vec::with_capacity(plan.repeats),
                switches_per_paper: Vec::with_capacity(plan.repeats),
                skipped,
            });
        }
    }
    progress("papers per measurement chosen");
    // No longer than a pool's measurement: 100 ms, or 2 ms with --quick.
    let mut round_trips = RoundTrips::calibrate(plan.target.min(wake_up::TARGET));
    let mut round_trip_ns = Vec::with_capacity(plan.repeats);

    // ANCHOR: measure
    for repeat in 0..plan.repeats {
        // Round robin: every pool runs once at a work size before any runs
        // again, so a burst of noise (another program, a change of clock
        // speed) falls on all pools alike, not on one. Each repeat starts
        // one pool further on: no pool always runs first.
        for (w, work) in plan.work.iter().enumerate() {
            for turn in 0..plan.pools.len() {
                let p = (turn + repeat) % plan.pools.len();
                let sample = &mut series[w * plan.pools.len() + p];
                if sample.skipped.is_none() {
                    let one = run(plan, go, plan.pools[p], work, sample.papers)?;
                    sample.ns_per_paper.push(round(one.ns_per_paper));
                    sample.switches_per_paper.extend(one.switches);
                }
            }
        }
        // The round trip measures the machine, not a pool at a work size,
        // so it has no place in a work size's rotation. Taken once per
        // repeat, right after the repeat's pools, it meets the noise that
        // repeat met, and its median throws out a noisy repeat as theirs do.
        if let Ok(trips) = round_trips {
            match trips.ns_per_trip() {
                Ok(ns) => round_trip_ns.push(round(ns)),
                Err(why) => round_trips = Err(why),
            }
        }
        progress(&format!("repeat {} of {} done", repeat + 1, plan.repeats));
    }
    // ANCHOR_END: measure
    if let Err(why) = &round_trips {
        // Some repeats without it would make a median of others' noise.
        round_trip_ns.clear();
        progress(&format!(
            "note: the wake-up round trip is not measured: {why}"
        ));
    }

    Ok(Measurements {
        machine,
        team_size: plan.team_size,
        repeats: plan.repeats,
        build: build().to_string(),
        quick: plan.quick,
        wake_up_round_trip_ns: round_trip_ns,
        series,
    })
}

/// How many papers make one measurement of `pool` take about
/// `plan.target`. The pools differ a hundredfold in cost per paper, so
/// one count for all would make the slowest take seconds or the fastest
/// take milliseconds. Doubling from 100 papers until a run takes a quarter
/// of the target also warms the pool up; the count is rounded to two
/// significant digits so that the tables read easily.
fn calibrate(
    plan: &Plan,
    go: &Result<GoPool, String>,
    pool: Pool,
    work: &Work,
) -> Result<u64, String> {
    const LIMIT: u64 = 100_000_000;
    let mut papers = 100;
    loop {
        let ns = run(plan, go, pool, work, papers)?.ns_per_paper;
        let elapsed = ns * papers as f64;
        if elapsed >= plan.target.as_nanos() as f64 / 4.0 || papers >= LIMIT {
            let wanted = plan.target.as_nanos() as f64 / ns.max(1.0);
            return Ok(two_digits(wanted.clamp(100.0, LIMIT as f64)));
        }
        papers *= 2;
    }
}

/// What one measurement gives.
struct Sample {
    ns_per_paper: f64,
    /// `None` where the operating system's count could not be read.
    switches: Option<PerPaper>,
}

/// One measurement: `papers` papers of `work` through `pool`.
fn run(
    plan: &Plan,
    go: &Result<GoPool, String>,
    pool: Pool,
    work: &Work,
    papers: u64,
) -> Result<Sample, String> {
    if let (Pool::Go, Ok(go)) = (pool, go) {
        let sample = go.run(papers, work.duration)?;
        // The same team size, or the comparison is not fair.
        if sample.team_size != plan.team_size {
            return Err(format!(
                "the Go team has {} employees, the Rust teams {}",
                sample.team_size, plan.team_size
            ));
        }
        return Ok(Sample {
            ns_per_paper: sample.ns_per_paper,
            switches: sample.switches.map(|counts| counts.per_paper(papers)),
        });
    }
    let duration = work.duration;
    // `move`: the job is a copy of one Duration, cheap to clone per paper.
    let job = move |_paper: u64| busy(duration);
    // The switches of the whole run, hiring and going home included (a
    // few per employee, against thousands of papers): each pool's clock
    // is inside its `run`, rayon's its own. Only the manager and this
    // pool's team run meanwhile, and perhaps the last of a team that
    // left unjoined (rayon's, threadpool's).
    let before = switches::now();
    let elapsed = pool
        .run(plan.team_size, papers, job)
        .ok_or_else(|| format!("the {} pool was not built", pool.name()))?;
    let after = switches::now();
    Ok(Sample {
        ns_per_paper: elapsed.as_nanos() as f64 / papers as f64,
        switches: before
            .zip(after)
            .map(|(before, after)| after.since(before).per_paper(papers)),
    })
}

/// `12_345.6` as `12_000`: two significant digits.
pub(crate) fn two_digits(value: f64) -> u64 {
    let power = 10f64.powi(value.log10().floor() as i32 - 1).max(1.0);
    ((value / power).round() * power) as u64
}

/// To the thousandth of a nanosecond: finer than any clock here, and it
/// keeps measurements.json readable.
fn round(ns: f64) -> f64 {
    (ns * 1000.0).round() / 1000.0
}

/// The profile this program was built with.
pub fn build() -> &'static str {
    if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::work::WORK;

    #[test]
    fn paper_counts_have_two_significant_digits() {
        assert_eq!(two_digits(12_345.6), 12_000);
        assert_eq!(two_digits(987_654.0), 990_000);
        assert_eq!(two_digits(100.0), 100);
        assert_eq!(two_digits(149.0), 150);
    }

    /// A whole quick measurement of two Rust pools: a sample per repeat,
    /// and paper counts that make a run take about the target.
    #[test]
    #[ntest::timeout(20_000)]
    fn every_series_gets_a_sample_per_repeat() {
        let plan = Plan {
            pools: vec![Pool::Straight, Pool::InTray, Pool::Go],
            work: vec![WORK[0], WORK[2]],
            repeats: 2,
            target: QUICK_TARGET,
            quick: true,
            team_size: 2,
        };
        let go = Err("not wanted here".to_string());
        let mut lines = Vec::new();
        let machine = Machine::describe(None);
        let measured = measure(&plan, &go, machine, |line| lines.push(line.to_string()));
        let measured = measured.expect("a measurement");
        assert_eq!(measured.series.len(), 6);
        for series in &measured.series {
            match series.pool.as_str() {
                "go" => {
                    assert_eq!(series.skipped.as_deref(), Some("not wanted here"));
                    assert!(series.ns_per_paper.is_empty());
                    assert!(series.switches_per_paper.is_empty());
                }
                _ => {
                    assert_eq!(series.ns_per_paper.len(), 2, "{series:?}");
                    let counted = if cfg!(unix) { 2 } else { 0 };
                    assert_eq!(series.switches_per_paper.len(), counted, "{series:?}");
                    assert!(series.papers >= 100, "{series:?}");
                }
            }
        }
        assert_eq!(lines.last().map(String::as_str), Some("repeat 2 of 2 done"));
        // One wake-up round trip per repeat, where threads can be pinned.
        let round_trips = if cfg!(target_os = "linux") { 2 } else { 0 };
        assert_eq!(measured.wake_up_round_trip_ns.len(), round_trips);
    }
}
