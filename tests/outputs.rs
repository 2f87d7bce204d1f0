//! Every runnable listing's `output.txt` is a recording of a real run. These
//! tests rerun each listing and compare, allowing only the non-determinism
//! the chapters explain:
//!
//! - lines printed by different threads may come in any order, so lines are
//!   compared as a multiset; but the manager is one thread, so the lines that
//!   start with `manager` must keep their order;
//! - which employee did what varies, so `employee 3` is read as `employee N`;
//! - the team size is the machine's CPU count, so listings are run (and
//!   recorded) pinned to `PINNED_CPUS` CPUs with `taskset`.
//!
//! Any other difference (a word, a count, a missing or extra line) fails.
//!
//! To re-record every output after changing listings on purpose:
//!
//! ```text
//! BOOK_RECORD=1 cargo test --test outputs
//! ```
//!
//! or only some: `BOOK_RECORD=ch04-pooling,ch03-wait-for-task`.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;
use support::book_root;
use support::cargo::built_listings;
use support::guards::listing_crates;
use support::process::{expect_success, run_bounded};

/// The CPU count of the machine the outputs were recorded on.
const PINNED_CPUS: usize = 2;
/// A listing is a small program: a few hundred milliseconds at most.
const RUN_LIMIT: Duration = Duration::from_secs(30);

static EMPLOYEE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"employee \d+").expect("a valid regex"));

#[test]
fn every_listing_still_prints_what_its_recording_shows() {
    let record = std::env::var("BOOK_RECORD").unwrap_or_default();
    let to_record =
        |listing: &str| record == "1" || record.split(',').any(|name| name.trim() == listing);
    let mut failures = Vec::new();
    for listing in listing_crates(&book_root()) {
        let recording = book_root()
            .join("listings")
            .join(&listing)
            .join("output.txt");
        let Some(executable) = built_listings().executables.get(&listing) else {
            continue; // a library listing: nothing to run
        };
        let fresh = run_pinned(executable);
        let command = format!("$ cargo run -p {listing}");
        if to_record(&listing) {
            let text = format!("{command}\n{fresh}");
            fs::write(&recording, text).expect("a writable output.txt");
            continue;
        }
        let Ok(recorded) = fs::read_to_string(&recording) else {
            failures.push(format!(
                "{listing}: no output.txt (record it with BOOK_RECORD=1)"
            ));
            continue;
        };
        let Some((first, recorded)) = recorded.split_once('\n') else {
            failures.push(format!("{listing}: output.txt is empty"));
            continue;
        };
        if first != command {
            failures.push(format!("{listing}: output.txt must start with `{command}`"));
        }
        if let Err(difference) = compare(recorded, &fresh) {
            failures.push(format!("{listing}: {difference}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(if a listing changed on purpose: BOOK_RECORD=1 cargo test --test outputs)",
        failures.join("\n")
    );
}

#[test]
fn every_listing_rejects_arguments_it_does_not_understand() {
    for (listing, executable) in &built_listings().executables {
        let output = run_bounded(Command::new(executable).arg("--team=many"), RUN_LIMIT);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{listing}: exit code for a bad argument"
        );
        assert!(
            output.stdout.is_empty(),
            "{listing} did work despite a bad argument"
        );
        assert!(
            stderr.contains("usage"),
            "{listing}: no usage line in {stderr:?}"
        );
        assert!(!stderr.contains("panicked"), "{listing} panicked: {stderr}");
    }
}

/// Runs a listing with its team size pinned, as the recording was.
fn run_pinned(executable: &Path) -> String {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert!(
        cpus >= PINNED_CPUS,
        "the outputs were recorded with {PINNED_CPUS} CPUs; this machine has {cpus}"
    );
    let mut command = Command::new("taskset");
    command
        .arg("--cpu-list")
        .arg(format!("0-{}", PINNED_CPUS - 1))
        .arg(executable);
    let output = run_bounded(&mut command, RUN_LIMIT);
    expect_success(&format!("{}", executable.display()), &output);
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `Ok` when `fresh` is `recorded` up to the allowed non-determinism; else
/// what differs, in words.
fn compare(recorded: &str, fresh: &str) -> Result<(), String> {
    let count = |text: &str| {
        let mut lines: BTreeMap<String, usize> = BTreeMap::new();
        for line in text.lines() {
            *lines.entry(normalise(line)).or_default() += 1;
        }
        lines
    };
    let (want, got) = (count(recorded), count(fresh));
    let mut differences = Vec::new();
    for (line, &n) in &want {
        let m = got.get(line).copied().unwrap_or(0);
        if m != n {
            differences.push(format!("expected {n}× {line:?}, got {m}×"));
        }
    }
    for (line, &m) in &got {
        if !want.contains_key(line) {
            differences.push(format!("unexpected {m}× {line:?}"));
        }
    }
    let manager = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|line| line.starts_with("manager"))
            .map(normalise)
            .collect()
    };
    if differences.is_empty() && manager(recorded) != manager(fresh) {
        differences.push(format!(
            "the manager's lines came in another order:\nrecorded {:#?}\nfresh {:#?}",
            manager(recorded),
            manager(fresh)
        ));
    }
    if differences.is_empty() {
        Ok(())
    } else {
        Err(differences.join("\n"))
    }
}

fn normalise(line: &str) -> String {
    EMPLOYEE
        .replace_all(line.trim_end(), "employee N")
        .into_owned()
}

// The comparison itself must accept exactly what it claims to accept.

const RECORDED: &str = "manager : sent paper 0\n\
                        employee 0 : received paper 0\n\
                        manager : sent paper 1\n\
                        employee 1 : received paper 1\n";

#[test]
fn lines_from_different_threads_may_come_in_any_order() {
    let fresh = "employee 1 : received paper 0\n\
                 manager : sent paper 0\n\
                 manager : sent paper 1\n\
                 employee 0 : received paper 1\n";
    assert_eq!(compare(RECORDED, fresh), Ok(()));
}

#[test]
fn the_managers_lines_must_keep_their_order() {
    let fresh = "manager : sent paper 1\n\
                 employee 0 : received paper 0\n\
                 manager : sent paper 0\n\
                 employee 1 : received paper 1\n";
    assert!(compare(RECORDED, fresh).is_err());
}

#[test]
fn a_changed_word_fails() {
    let fresh = RECORDED.replace("received paper 1", "took paper 1");
    assert!(compare(RECORDED, &fresh).is_err());
}

#[test]
fn a_missing_or_extra_line_fails() {
    let missing = RECORDED.replace("employee 1 : received paper 1\n", "");
    assert!(compare(RECORDED, &missing).is_err());
    let extra = format!("{RECORDED}employee 1 : received paper 1\n");
    assert!(compare(RECORDED, &extra).is_err());
}

#[test]
fn a_different_count_fails() {
    let fresh = RECORDED.replace("paper 1", "paper 2");
    assert!(compare(RECORDED, &fresh).is_err());
}
