//! The command as a user runs it: usage errors, a quick measurement, and
//! `--render` giving the same files from the same measurements.

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

use ch22_measure::results::Measurements;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ch22-measure"))
        .args(args)
        .output()
        .expect("the program starts")
}

/// A fresh folder of this test's own.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ch22-measure-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
#[ntest::timeout(10_000)]
fn a_bad_argument_is_a_usage_error() {
    for args in [
        &["--team=many"][..],
        &["--repeats", "zero"],
        &["--render", "--quick"],
    ] {
        let output = run(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}: did work");
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains("usage: cargo run --release -p ch22-measure"),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
#[ntest::timeout(10_000)]
fn help_names_every_pool() {
    let output = run(&["--help"]);
    assert!(output.status.success());
    let stdout = text(&output.stdout);
    for pool in [
        "straight",
        "in-tray",
        "std-rendezvous",
        "rust-book",
        "capstone",
        "threadpool",
        "rayon",
        "go",
    ] {
        assert!(stdout.contains(&format!("  {pool} ")), "{pool}");
    }
}

#[test]
#[ntest::timeout(10_000)]
fn rendering_without_measurements_fails_cleanly() {
    let dir = folder("empty");
    let output = run(&["--render", "--out", dir.to_str().expect("a UTF-8 path")]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("cannot read") && stderr.contains("measurements.json"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
#[ntest::timeout(60_000)]
fn a_quick_run_writes_the_results_and_render_writes_them_again() {
    let dir = folder("quick");
    let out = dir.to_str().expect("a UTF-8 path");
    let measured = run(&[
        "--quick",
        "--out",
        out,
        "--pools",
        "straight,capstone",
        "--work",
        "empty,1us",
    ]);
    assert!(measured.status.success(), "{}", text(&measured.stderr));
    // The program was built as this test was: a debug build says what its
    // numbers are worth, a release build does not.
    let warned = text(&measured.stderr).contains("warning: a debug build measures");
    assert_eq!(warned, cfg!(debug_assertions), "{}", text(&measured.stderr));
    let read = |name: &str| fs::read_to_string(dir.join(name)).expect(name);
    let (json, table, chart) = (
        read("measurements.json"),
        read("table.md"),
        read("chart.svg"),
    );
    assert!(json.contains("\"pool\": \"capstone\""));
    assert_eq!(
        table.lines().filter(|line| line.starts_with("| ")).count(),
        1 + 4
    );
    assert!(table.contains("A --quick run: these numbers say nothing."));
    // Two threads pinned to one CPU: Linux only.
    if cfg!(target_os = "linux") {
        let measurements = Measurements::from_json(&json).expect("it reads");
        let round_trips = &measurements.wake_up_round_trip_ns;
        assert_eq!(round_trips.len(), 1, "one per repeat");
        assert!(round_trips.iter().all(|&ns| ns > 0.0), "{round_trips:?}");
        assert!(table.contains("A wake-up round trip between two threads on one CPU"));
    }
    assert!(chart.starts_with("<svg "));
    assert!(!chart.lines().any(|line| line.trim().is_empty()));

    // Render twice from those measurements: the same files, the same words.
    let first = run(&["--render", "--out", out]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert_eq!((read("table.md"), read("chart.svg")), (table, chart));
    let second = run(&["--render", "--out", out]);
    assert_eq!(text(&first.stdout), text(&second.stdout));
    assert_eq!(read("measurements.json"), json, "render measures nothing");
    let _ = fs::remove_dir_all(&dir);
}

/// A Rust pool's switches are counted in the run itself: one count per
/// repeat, in measurements.json, for the straight port and the in-tray.
#[test]
#[cfg(unix)]
#[ntest::timeout(60_000)]
fn a_quick_run_counts_the_context_switches_of_a_rust_pool() {
    let dir = folder("switches");
    let out = dir.to_str().expect("a UTF-8 path");
    let args = ["--quick", "--out", out, "--pools", "straight,in-tray"];
    let measured = run(&[&args[..], &["--work", "empty,10us"]].concat());
    assert!(measured.status.success(), "{}", text(&measured.stderr));
    let json = fs::read_to_string(dir.join("measurements.json")).expect("measurements.json");
    let measurements = Measurements::from_json(&json).expect("it reads");
    assert_eq!(measurements.series.len(), 4);
    for series in &measurements.series {
        assert_eq!(series.switches_per_paper.len(), 1, "{series:?}");
        let median = series.median_switches().expect("a median");
        for count in [median.voluntary, median.involuntary] {
            assert!(count.is_finite() && count >= 0.0, "{series:?}");
        }
    }
    // The handoffs through a rendezvous at 10 µs of work: the manager
    // waits for an employee, and the OS sees some of that waiting.
    let straight = measurements.series("straight", "10us").expect("measured");
    let switches = straight.median_switches().expect("counted");
    assert!(
        switches.voluntary + switches.involuntary > 0.0,
        "{straight:?}"
    );
    let table = fs::read_to_string(dir.join("table.md")).expect("table.md");
    assert!(table.contains("switches/paper voluntary"), "{table}");
    let _ = fs::remove_dir_all(&dir);
}
