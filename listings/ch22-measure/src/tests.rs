//! Tests of the claims the report rests on: every pool does every paper
//! exactly once, the work takes the time it says, and the reports come
//! from the measurements alone.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use crate::pools::Pool;
use crate::results::Measurements;
use crate::work::{WORK, Work, busy};
use crate::{report, svg};

/// Runs `papers` papers through `pool` and counts how often each was done.
fn counts(pool: Pool, team_size: usize, papers: u64) -> Vec<u32> {
    let done: Arc<Vec<AtomicU32>> = Arc::new((0..papers).map(|_| AtomicU32::new(0)).collect());
    let counter = Arc::clone(&done);
    let job = move |paper: u64| {
        counter[paper as usize].fetch_add(1, Ordering::Relaxed);
    };
    let elapsed = pool.run(team_size, papers, job);
    assert!(elapsed.is_some(), "{} is a Rust pool", pool.name());
    // Every pool has joined (or, for threadpool and rayon, waited for)
    // its team before `run` returns: these loads see every count.
    done.iter()
        .map(|count| count.load(Ordering::Relaxed))
        .collect()
}

#[test]
#[ntest::timeout(20_000)]
fn every_rust_pool_does_every_paper_exactly_once() {
    for pool in Pool::ALL.into_iter().filter(|&pool| pool != Pool::Go) {
        for team_size in [1, 3] {
            let counts = counts(pool, team_size, 2_000);
            let wrong: Vec<(usize, u32)> = counts
                .into_iter()
                .enumerate()
                .filter(|&(_, n)| n != 1)
                .collect();
            assert!(
                wrong.is_empty(),
                "{} with {team_size} employees: (paper, times done) {wrong:?}",
                pool.name()
            );
        }
    }
}

#[test]
fn the_go_pool_is_not_run_in_process() {
    assert_eq!(Pool::Go.run(1, 1, |_| {}), None);
}

#[test]
#[ntest::timeout(10_000)]
fn busy_work_takes_at_least_its_time() {
    for work in WORK.into_iter().filter(|work| !work.duration.is_zero()) {
        for _ in 0..100 {
            let start = Instant::now();
            busy(work.duration);
            assert!(start.elapsed() >= work.duration, "{}", work.name);
        }
    }
}

#[test]
#[ntest::timeout(10_000)]
fn empty_work_takes_no_time_to_speak_of() {
    let start = Instant::now();
    for _ in 0..100_000 {
        busy(Duration::ZERO);
    }
    // 100 000 calls of nothing: far below a millisecond when built with
    // optimisations, a few milliseconds without.
    assert!(start.elapsed() < Duration::from_millis(500));
}

#[test]
fn work_sizes_and_pools_are_found_by_name() {
    assert_eq!(
        Work::from_name("10us").map(|w| w.duration),
        Some(Duration::from_micros(10))
    );
    assert_eq!(Work::from_name("10 us"), None);
    for pool in Pool::ALL {
        assert_eq!(Pool::from_name(pool.name()), Some(pool));
    }
}

// The reports, from a fixture: measurements.json of a small made-up run
// (three pools, two work sizes, Go skipped), and the table.md it must give.

const FIXTURE: &str = include_str!("../fixtures/measurements.json");
const FIXTURE_TABLE: &str = include_str!("../fixtures/table.md");

fn fixture() -> Measurements {
    Measurements::from_json(FIXTURE).expect("the fixture reads")
}

#[test]
fn rendering_is_deterministic() {
    assert_eq!(report::markdown(&fixture()), FIXTURE_TABLE);
    assert_eq!(svg::chart(&fixture()), svg::chart(&fixture()));
    assert_eq!(report::text(&fixture()), report::text(&fixture()));
}

#[test]
fn measurements_survive_a_round_trip_through_json() {
    let measurements = fixture();
    let again = Measurements::from_json(&measurements.to_json()).expect("it reads back");
    assert_eq!(again, measurements);
}

#[test]
fn the_table_has_a_row_per_pool_and_work_size() {
    let measurements = fixture();
    let table = report::markdown(&measurements);
    let rows: Vec<&str> = table
        .lines()
        .filter(|line| line.starts_with("| "))
        .collect();
    // The header, then one row per series.
    assert_eq!(rows.len(), 1 + measurements.series.len());
    for series in &measurements.series {
        let label = report::work_label(&series.work);
        let start = format!("| {label} | {} |", series.pool);
        assert!(rows.iter().any(|row| row.starts_with(&start)), "{start}");
    }
    let text = report::text(&measurements);
    for pool in measurements.pools() {
        assert_eq!(text.matches(&format!("  {pool} ")).count(), 2, "{pool}");
    }
}

#[test]
fn ratios_are_to_the_same_runs_medians() {
    let measurements = fixture();
    let rows = report::rows(&measurements);
    let row = |pool: &str, work: &str| {
        rows.iter()
            .find(|row| row.pool == pool && row.work == work)
            .expect("a row")
    };
    // capstone at empty: median 600 against straight's 300; Go skipped.
    let capstone = row("capstone", "empty");
    assert_eq!(capstone.median, Some(600.0));
    assert_eq!(capstone.spread, Some((550.0, 900.0)));
    assert_eq!(capstone.vs_straight, Some(2.0));
    assert_eq!(capstone.vs_go, None);
    assert_eq!(row("straight", "10us").vs_straight, Some(1.0));
    assert_eq!(row("go", "empty").skipped, Some("`go` is not on the PATH"));
    let table = report::markdown(&measurements);
    assert_eq!(
        table
            .matches("go was skipped: `go` is not on the PATH.")
            .count(),
        1
    );
}

#[test]
fn the_chart_can_be_included_inline_in_a_chapter() {
    let chart = svg::chart(&fixture());
    assert!(chart.starts_with("<svg "), "{}", &chart[..20]);
    // The whole opening tag on the first line.
    assert!(chart.lines().next().is_some_and(|line| line.ends_with('>')));
    assert!(
        !chart.lines().any(|line| line.trim().is_empty()),
        "a blank line"
    );
    assert!(chart.trim_end().ends_with("</svg>"));
    // Every pool in the legend, every measured bar with its numbers.
    for pool in fixture().pools() {
        assert!(chart.contains(&format!(">{pool}</text>")), "{pool}");
    }
    assert!(chart.contains("capstone at empty: 600 ns per paper (min–max 550–900)"));
    assert!(chart.contains("go skipped"));
}

/// The committed results are what `--render` makes of the committed
/// measurements: nobody edited table.md or chart.svg by hand, and the
/// renderer has not changed since they were written.
#[test]
fn the_committed_results_are_rendered_from_the_committed_measurements() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("results");
    let measurements = Measurements::read(&dir).expect("results/measurements.json");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect(name);
    assert_eq!(read("table.md"), report::markdown(&measurements));
    assert_eq!(read("chart.svg"), svg::chart(&measurements));
}

/// The two columns of switches: the medians of the repeats where they
/// were counted, "–" where they were not (a measurements.json from before
/// they were counted reads the same way).
#[test]
fn the_table_shows_the_medians_of_the_switches_and_a_dash_without_them() {
    let measurements = fixture();
    let table = report::markdown(&measurements);
    assert!(table.contains("| × straight | switches/paper voluntary | involuntary |"));
    // straight at empty: voluntary 1.02, 0.98, 1.5; involuntary 0.01, 0.03, 0.02.
    assert!(
        table.contains("| empty | straight | 200000 | 300 | 290–310 | – | 1.00× | 1.02 | 0.020 |")
    );
    assert!(
        table.contains("| empty | capstone | 200000 | 600 | 550–900 | – | 2.00× | 2.10 | 0.0010 |")
    );
    assert!(table.contains("| 10 µs | straight | 30000 | 5200 | 5100–5300 | – | 1.00× | – | – |"));
    let text = report::text(&measurements);
    assert!(
        text.lines()
            .any(|line| line.ends_with("switches/paper voluntary  involuntary"))
    );
}

#[test]
fn switches_per_paper_read_easily_at_every_size() {
    assert_eq!(report::switches(0.0), "0");
    assert_eq!(report::switches(12.345), "12.35");
    assert_eq!(report::switches(1.0), "1.00");
    assert_eq!(report::switches(0.1028), "0.10");
    assert_eq!(report::switches(0.05), "0.050");
    assert_eq!(report::switches(0.01), "0.010");
    assert_eq!(report::switches(0.00025), "0.00025");
}

/// The wake-up round trip's line: right under the headline when it was
/// measured, in both tables; nowhere when it was not (the fixture, like
/// measurements from before it was measured, has none).
#[test]
fn the_wake_up_round_trip_is_reported_only_when_measured() {
    const LINE: &str = "A wake-up round trip between two threads on one CPU (two wake-ups, \
         two context switches): median 3.1 µs (min–max 2.9–3.6 µs).";
    let without = fixture();
    assert!(without.wake_up_round_trip_ns.is_empty());
    let mut with = fixture();
    with.wake_up_round_trip_ns = vec![3_100.0, 3_600.0, 2_900.0];
    // Markdown keeps a blank line after each line above the table, so
    // that they stay paragraphs of their own; the text table does not.
    type Render = fn(&Measurements) -> String;
    let renders: [(Render, &str); 2] = [(report::markdown, "\n\n"), (report::text, "\n")];
    for (render, after) in renders {
        assert!(!render(&without).contains("wake-up"));
        let table = render(&with);
        let (headline, rest) = table.split_once(after).expect("a headline");
        assert!(rest.starts_with(&format!("{LINE}{after}")), "{table}");
        // Nothing else moved.
        let without_line = format!("{headline}{after}{}", &rest[LINE.len() + after.len()..]);
        assert_eq!(without_line, render(&without));
    }
    let again = Measurements::from_json(&with.to_json()).expect("it reads back");
    assert_eq!(again, with);
}

#[test]
fn round_trips_read_in_microseconds_with_two_digits() {
    assert_eq!(report::micros(450.0), "0.45");
    assert_eq!(report::micros(3_140.0), "3.1");
    assert_eq!(report::micros(12_345.0), "12");
}
