//! What a run measured, as `measurements.json` keeps it: every sample, and
//! the machine it was taken on. Everything else (the table, the chart) is
//! rendered from it, so `--render` can redo them without measuring.

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::machine::Machine;
use crate::stats;
use crate::switches::PerPaper;

pub const MEASUREMENTS: &str = "measurements.json";
pub const TABLE: &str = "table.md";
pub const CHART: &str = "chart.svg";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measurements {
    pub machine: Machine,
    /// Employees per Rust pool: `num_cpus::get()`.
    pub team_size: usize,
    pub repeats: usize,
    /// `release` or `debug`: only release numbers mean anything.
    pub build: String,
    /// `--quick`: a few papers, one repeat, for tests.
    pub quick: bool,
    /// One wake-up round trip between two threads pinned to one CPU, in
    /// ns, one per repeat (see `wake_up`). Empty where they could not be
    /// pinned, and in measurements taken before it was measured.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wake_up_round_trip_ns: Vec<f64>,
    /// One series per pool and work size, in report order: pools in the
    /// order of the command line, work sizes likewise.
    pub series: Vec<Series>,
}

/// Every sample of one pool at one work size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub pool: String,
    pub work: String,
    pub papers: u64,
    /// One per repeat, in the order they were taken.
    pub ns_per_paper: Vec<f64>,
    /// The operating system's context switches per paper, one per repeat
    /// where they could be counted. Empty in measurements taken before
    /// they were counted, and the reports say so ("–").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub switches_per_paper: Vec<PerPaper>,
    /// Why this pool was not measured (the Go pool without `go`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

impl Series {
    pub fn median(&self) -> Option<f64> {
        stats::median(&self.ns_per_paper)
    }

    /// The median of each kind of switch, over the repeats.
    pub fn median_switches(&self) -> Option<PerPaper> {
        let median = |kind: fn(&PerPaper) -> f64| {
            let samples: Vec<f64> = self.switches_per_paper.iter().map(kind).collect();
            stats::median(&samples)
        };
        Some(PerPaper {
            voluntary: median(|s| s.voluntary)?,
            involuntary: median(|s| s.involuntary)?,
        })
    }
}

impl Measurements {
    /// The series of `pool` at `work`, if it was measured.
    pub fn series(&self, pool: &str, work: &str) -> Option<&Series> {
        self.series
            .iter()
            .find(|series| series.pool == pool && series.work == work)
    }

    /// The work sizes, in the order of first appearance.
    pub fn work_sizes(&self) -> Vec<&str> {
        distinct(self.series.iter().map(|series| series.work.as_str()))
    }

    /// The pools, in the order of first appearance.
    pub fn pools(&self) -> Vec<&str> {
        distinct(self.series.iter().map(|series| series.pool.as_str()))
    }

    pub fn to_json(&self) -> String {
        // Plain data, string keys: serialising it cannot fail.
        let text = serde_json::to_string_pretty(self).expect("measurements serialise");
        text + "\n"
    }

    pub fn from_json(text: &str) -> Result<Measurements, String> {
        serde_json::from_str(text).map_err(|error| format!("not a {MEASUREMENTS}: {error}"))
    }

    pub fn read(dir: &Path) -> Result<Measurements, String> {
        let path = dir.join(MEASUREMENTS);
        let text = fs::read_to_string(&path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        Measurements::from_json(&text).map_err(|error| format!("{}: {error}", path.display()))
    }
}

fn distinct<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = Vec::new();
    for name in names {
        if !seen.contains(&name) {
            seen.push(name);
        }
    }
    seen
}

/// Writes `text` to `dir/name` through a temporary file and a rename, so
/// that a reader (a test, `mdbook serve`) never sees half a file.
pub fn write(dir: &Path, name: &str, text: &str) -> Result<(), String> {
    fs::create_dir_all(dir).map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
    let path = dir.join(name);
    let temporary = dir.join(format!(".{name}.{}", std::process::id()));
    fs::write(&temporary, text)
        .and_then(|()| fs::rename(&temporary, &path))
        .map_err(|error| format!("cannot write {}: {error}", path.display()))
}
