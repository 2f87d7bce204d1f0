//! The table of results: printed on the terminal, and written as Markdown
//! for the book. Both are rendered from the measurements alone, so the
//! same measurements always give the same text.

use crate::results::Measurements;
use crate::stats;
use crate::switches::PerPaper;

/// One pool at one work size, summarised.
#[derive(Clone, Debug, PartialEq)]
pub struct Row<'a> {
    pub work: &'a str,
    pub pool: &'a str,
    pub papers: u64,
    pub median: Option<f64>,
    pub spread: Option<(f64, f64)>,
    /// The median as a multiple of the Go pool's median at this work size.
    pub vs_go: Option<f64>,
    /// The median as a multiple of the straight port's median.
    pub vs_straight: Option<f64>,
    /// The medians of the context switches per paper, where counted.
    pub switches: Option<PerPaper>,
    pub skipped: Option<&'a str>,
}

/// A row per pool and work size, work sizes first, in measured order.
pub fn rows(measurements: &Measurements) -> Vec<Row<'_>> {
    let median_of = |pool: &str, work: &str| measurements.series(pool, work)?.median();
    measurements
        .series
        .iter()
        .map(|series| {
            let median = series.median();
            Row {
                work: &series.work,
                pool: &series.pool,
                papers: series.papers,
                median,
                spread: stats::spread(&series.ns_per_paper),
                vs_go: stats::ratio(median, median_of("go", &series.work)),
                vs_straight: stats::ratio(median, median_of("straight", &series.work)),
                switches: series.median_switches(),
                skipped: series.skipped.as_deref(),
            }
        })
        .collect()
}

/// The line above the table: where, when, and how the numbers were taken.
pub fn headline(measurements: &Measurements) -> String {
    let mut line = format!(
        "Measured on {}. Team of {}, {}, {} build.",
        measurements.machine.summary(),
        measurements.team_size,
        repeats(measurements.repeats),
        measurements.build
    );
    if measurements.build != "release" {
        line += " A debug build: these numbers say little.";
    }
    if measurements.quick {
        line += " A --quick run: these numbers say nothing.";
    }
    line
}

/// The line under the headline: the floor under a rendezvous hand-off,
/// when it was measured (see `wake_up`); empty when it was not.
pub fn wake_up_line(measurements: &Measurements) -> String {
    let samples = &measurements.wake_up_round_trip_ns;
    match (stats::median(samples), stats::spread(samples)) {
        (Some(median), Some((min, max))) => format!(
            "A wake-up round trip between two threads on one CPU (two wake-ups, \
             two context switches): median {} µs (min–max {}–{} µs).\n",
            micros(median),
            micros(min),
            micros(max)
        ),
        _ => String::new(),
    }
}

/// Nanoseconds as microseconds: `3.1`, `12`, `0.45`.
pub fn micros(ns: f64) -> String {
    let us = ns / 1000.0;
    // Two significant digits are as many as the repeats agree on.
    let decimals = match us {
        ..1.0 => 2,
        ..10.0 => 1,
        _ => 0,
    };
    format!("{us:.decimals$}")
}

const EXPLAINED: &str = "Cost per paper in ns, from the first hand-off to the team gone home: \
     the median and the min–max of the repeats, and the median as a multiple of Go's \
     and of the straight port's, from the same run. Switches/paper: the operating system's \
     context switches of the whole process (getrusage), voluntary (a thread waited) and \
     involuntary (a thread was preempted), the median of the repeats; – where not counted.";

/// Columns in both tables.
const COLUMNS: usize = 9;

const HEADER: [&str; COLUMNS] = [
    "work",
    "pool",
    "papers",
    "median ns/paper",
    "min–max",
    "× go",
    "× straight",
    "switches/paper voluntary",
    "involuntary",
];

/// A line under the table for each pool that was skipped, and why.
fn skipped(measurements: &Measurements) -> String {
    let mut notes: Vec<String> = Vec::new();
    for series in &measurements.series {
        if let Some(why) = &series.skipped {
            let note = format!("{} was skipped: {why}.", series.pool);
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
    }
    notes.iter().map(|note| format!("\n{note}\n")).collect()
}

/// The cells of a row, as both tables show them.
fn cells(row: &Row) -> [String; COLUMNS] {
    let (median, spread) = match (row.skipped, row.median, row.spread) {
        (Some(_), _, _) => ("skipped".to_string(), String::new()),
        (None, Some(median), Some((min, max))) => (ns(median), format!("{}–{}", ns(min), ns(max))),
        _ => ("no samples".to_string(), String::new()),
    };
    [
        work_label(row.work),
        row.pool.to_string(),
        row.papers.to_string(),
        median,
        spread,
        times(row.vs_go),
        times(row.vs_straight),
        row.switches.map_or_else(none, |s| switches(s.voluntary)),
        row.switches.map_or_else(none, |s| switches(s.involuntary)),
    ]
}

/// The table for the terminal: aligned columns, a blank line between work
/// sizes.
/// The machine, the round trip (if measured) and what the columns mean,
/// `between` each, and a blank line before the table.
fn above_the_table(measurements: &Measurements, between: &str) -> String {
    let (headline, wake_up) = (headline(measurements), wake_up_line(measurements));
    let lines = [headline.as_str(), wake_up.trim_end(), EXPLAINED];
    let lines: Vec<&str> = lines.into_iter().filter(|line| !line.is_empty()).collect();
    lines.join(between) + "\n\n"
}

pub fn text(measurements: &Measurements) -> String {
    let rows = rows(measurements);
    let all: Vec<[String; COLUMNS]> = std::iter::once(HEADER.map(String::from))
        .chain(rows.iter().map(cells))
        .collect();
    let widths: Vec<usize> = (0..HEADER.len())
        .map(|c| {
            all.iter()
                .map(|cells| cells[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String; COLUMNS]| {
        let mut line = String::new();
        for (c, cell) in cells.iter().enumerate() {
            let pad = " ".repeat(widths[c] - cell.chars().count());
            // Words to the left, numbers to the right.
            match c {
                0 | 1 => line += &format!("{cell}{pad}  "),
                _ => line += &format!("{pad}{cell}  "),
            }
        }
        line.trim_end().to_string() + "\n"
    };
    let mut out = above_the_table(measurements, "\n");
    out += &line(&all[0]);
    for (i, row) in rows.iter().enumerate() {
        if i > 0 && rows[i - 1].work != row.work {
            out += "\n";
        }
        out += &line(&all[i + 1]);
    }
    out + &skipped(measurements)
}

/// The table for the book: a Markdown table, with the line naming the
/// machine above it.
pub fn markdown(measurements: &Measurements) -> String {
    let row = |cells: &[String]| {
        let cells: Vec<String> = cells.iter().map(|cell| cell.replace('|', "\\|")).collect();
        format!("| {} |\n", cells.join(" | "))
    };
    // A blank line between the lines above the table: Markdown would
    // run them into one paragraph.
    let mut out = above_the_table(measurements, "\n\n");
    out += &row(&HEADER.map(String::from));
    // Words to the left, numbers to the right.
    out += &format!("|:--|:--|{}\n", "--:|".repeat(COLUMNS - 2));
    for r in rows(measurements) {
        out += &row(&cells(&r));
    }
    out + &skipped(measurements)
}

/// `1 repeat`, `5 repeats`.
pub fn repeats(n: usize) -> String {
    match n {
        1 => "1 repeat".to_string(),
        _ => format!("{n} repeats"),
    }
}

/// `1us` as `1 µs`; `empty` as it is.
pub fn work_label(work: &str) -> String {
    match work.strip_suffix("us") {
        Some(micros) => format!("{micros} µs"),
        None => work.to_string(),
    }
}

/// Nanoseconds with three or so significant digits.
pub fn ns(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.2}")
    } else if value < 100.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    }
}

/// Context switches per paper: two decimals from 0.1 up, two significant
/// digits below (Go's few switches over millions of papers), `0` for none.
pub fn switches(value: f64) -> String {
    if value == 0.0 {
        "0".to_string()
    } else if value >= 0.1 {
        format!("{value:.2}")
    } else {
        let decimals = (1.0 - value.log10().floor()) as usize;
        format!("{value:.decimals$}")
    }
}

fn times(ratio: Option<f64>) -> String {
    ratio.map_or_else(none, |ratio| format!("{ratio:.2}×"))
}

/// A cell with nothing to show.
fn none() -> String {
    "–".to_string()
}
