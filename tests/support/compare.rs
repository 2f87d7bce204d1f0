//! How a fresh run is compared with a recorded one, allowing only the
//! non-determinism the chapters explain:
//!
//! - lines printed by different threads may come in any order, so lines are
//!   compared as a multiset; but the manager is one thread, so the lines that
//!   start with `manager` must keep their order;
//! - which employee did what varies, so `employee 3` is read as `employee N`;
//! - the team size is the machine's CPU count, so programs are run (and
//!   recorded) pinned to `PINNED_CPUS` CPUs with `taskset`.
//!
//! Any other difference (a word, a count, a missing or extra line) fails.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;

use super::process::{expect_success, run_bounded};

/// The CPU count of the machine the outputs were recorded on.
pub const PINNED_CPUS: usize = 2;
/// A listing is a small program: a second or two at most.
pub const RUN_LIMIT: Duration = Duration::from_secs(30);

static EMPLOYEE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"employee \d+").expect("a valid regex"));

/// Runs `program` with `args` on `PINNED_CPUS` CPUs, so that its team size
/// is the recording machine's, and returns what it printed. It runs from
/// `dir`: the top of the repository (where recorded paths start), or a
/// scratch copy of its layout.
pub fn run_pinned(program: &Path, args: &[String], dir: &Path) -> String {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert!(
        cpus >= PINNED_CPUS,
        "the outputs were recorded with {PINNED_CPUS} CPUs; this machine has {cpus}"
    );
    let mut command = Command::new("taskset");
    command
        .arg("--cpu-list")
        .arg(format!("0-{}", PINNED_CPUS - 1))
        .arg(program)
        .args(args)
        .current_dir(dir);
    let output = run_bounded(&mut command, RUN_LIMIT);
    expect_success(&format!("{}", program.display()), &output);
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `Ok` when `fresh` is `recorded` up to the allowed non-determinism; else
/// what differs, in words.
pub fn compare(recorded: &str, fresh: &str) -> Result<(), String> {
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

pub fn normalise(line: &str) -> String {
    EMPLOYEE
        .replace_all(line.trim_end(), "employee N")
        .into_owned()
}

/// The arguments a listing's recording was made with: its `output.txt`
/// starts with the command, e.g.
/// `$ cargo run -p ch19-pool -- listings/ch19-pool/papers`.
/// Paths in them are relative to the top of the repository.
pub fn recorded_args(listing: &str, first_line: &str) -> Vec<String> {
    let command = format!("$ cargo run -p {listing}");
    let Some(rest) = first_line.strip_prefix(&command) else {
        return Vec::new();
    };
    let rest = rest.trim();
    rest.strip_prefix("--")
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// Runs `program` with an argument no listing understands, and checks the
/// answer every listing gives: exit code 2, a usage line on stderr, no work
/// done and no panic.
pub fn expect_usage_error(what: &str, program: &Path) {
    let output: Output = run_bounded(Command::new(program).arg("--team=many"), RUN_LIMIT);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{what}: exit code for a bad argument"
    );
    assert!(
        output.stdout.is_empty(),
        "{what} did work despite a bad argument"
    );
    assert!(
        stderr.contains("usage"),
        "{what}: no usage line in {stderr:?}"
    );
    assert!(!stderr.contains("panicked"), "{what} panicked: {stderr}");
}
