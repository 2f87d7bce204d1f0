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
//! BOOK_RECORD=1 cargo test --test listings outputs
//! ```
//!
//! or only some: `BOOK_RECORD=ch04-pooling,ch03-wait-for-task`.

use std::fs;
use std::path::Path;

use crate::support::cargo::built_listings;
use crate::support::compare::{compare, expect_usage_error, recorded_args, run_pinned};
use crate::support::guards::listing_crates;
use crate::support::lanes::in_lanes;
use crate::support::{book_root, copy_tree};

/// Recorded runs that write into their listing's folder, and the arguments
/// that send what they write elsewhere: `ch22-measure -- --render` rewrites
/// table.md and chart.svg in the listing's results/. A rerun must not touch
/// the repository (a new time stamp under `listings/` would also make cargo
/// rebuild the book's tests on every run), so such a listing reruns from a
/// scratch copy of the repository's layout, writing into the copy: the same
/// relative path, so it prints the same words.
const WRITES_INTO_ITS_FOLDER: &[(&str, [&str; 2])] =
    &[("ch22-measure", ["--out", "listings/ch22-measure/results"])];

/// The listings run a few at a time (each with its own time limit), each
/// pinned to the same CPUs as its recording; every listing that differs or
/// fails is reported, not only the first.
#[test]
fn every_listing_still_prints_what_its_recording_shows() {
    let record = std::env::var("BOOK_RECORD").unwrap_or_default();
    let to_record =
        |listing: &str| record == "1" || record.split(',').any(|name| name.trim() == listing);
    let listings = listing_crates(&book_root());
    let outcomes = in_lanes(&listings, |listing| {
        rerun_and_compare(listing, to_record(listing))
    });
    let failures: Vec<String> = listings
        .iter()
        .zip(outcomes)
        .filter_map(|(listing, outcome)| match outcome {
            Ok(Ok(())) => None,
            Ok(Err(difference)) => Some(difference),
            Err(why) => Some(format!("{listing}: {why}")),
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{}\n(if a listing changed on purpose: BOOK_RECORD=1 cargo test --test listings outputs)",
        failures.join("\n")
    );
}

/// Reruns one listing and compares what it printed with its recording (or,
/// with `record`, records it again). `Err` says what differs.
fn rerun_and_compare(listing: &str, record: bool) -> Result<(), String> {
    let recording = book_root()
        .join("listings")
        .join(listing)
        .join("output.txt");
    let Some(executable) = built_listings().executables.get(listing) else {
        return Ok(()); // a library listing: nothing to run
    };
    let recorded = fs::read_to_string(&recording).unwrap_or_default();
    let (first, recorded) = recorded.split_once('\n').unwrap_or(("", ""));
    // The recording's first line is the command, arguments and all:
    // `$ cargo run -p ch19-pool -- listings/ch19-pool/papers`.
    let command = format!("$ cargo run -p {listing}");
    let args = recorded_args(listing, first);
    let command = match args.is_empty() {
        true => command,
        false => format!("{command} -- {}", args.join(" ")),
    };
    // Arguments name paths relative to the top of the repository.
    let fresh = match WRITES_INTO_ITS_FOLDER.iter().find(|(l, _)| *l == listing) {
        None => run_pinned(executable, &args, &book_root()),
        Some((_, redirect)) => {
            let scratch = tempfile::tempdir().expect("a temporary folder");
            let inside = Path::new("listings").join(listing);
            copy_tree(&book_root().join(&inside), &scratch.path().join(&inside));
            let args: Vec<String> = args
                .iter()
                .cloned()
                .chain(redirect.map(String::from))
                .collect();
            run_pinned(executable, &args, scratch.path())
        }
    };
    if record {
        let text = format!("{command}\n{fresh}");
        fs::write(&recording, text).expect("a writable output.txt");
        return Ok(());
    }
    if first.is_empty() {
        return Err(format!(
            "{listing}: no output.txt (record it with BOOK_RECORD={listing})"
        ));
    }
    let mut differences = Vec::new();
    if first != command {
        differences.push(format!("{listing}: output.txt must start with `{command}`"));
    }
    if let Err(difference) = compare(recorded, &fresh) {
        differences.push(format!("{listing}: {difference}"));
    }
    match differences.is_empty() {
        true => Ok(()),
        false => Err(differences.join("\n")),
    }
}

#[test]
fn every_listing_rejects_arguments_it_does_not_understand() {
    for (listing, executable) in &built_listings().executables {
        expect_usage_error(listing, executable);
    }
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
