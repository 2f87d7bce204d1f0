//! An instructor copies one listing folder into a workshop and runs it. This
//! test does exactly that for every listing: copy the folder alone into an
//! empty temporary folder outside the workspace, build it (code and tests),
//! and run it.
//!
//! The copies share one target folder (`target/standalone`) so that the
//! dependencies compile once, and they build `--offline`: every crate they
//! need is already in cargo's cache, because the workspace's `Cargo.lock`,
//! copied in beside them, pins the same versions.

mod support;

use std::fs;

use std::time::Duration;

use support::cargo::{cargo, target_dir};
use support::compare::recorded_args;
use support::guards::listing_crates;
use support::process::{expect_success, run_bounded};
use support::{book_root, copy_tree};

const BUILD_LIMIT: Duration = Duration::from_secs(900);
const RUN_LIMIT: Duration = Duration::from_secs(60);

#[test]
fn every_listing_builds_and_runs_when_copied_out_alone() {
    let listings = listing_crates(&book_root());
    assert!(!listings.is_empty(), "no listings found");
    for listing in listings {
        let workshop = tempfile::tempdir().expect("a temporary folder");
        let copy = workshop.path().join(&listing);
        // The listing's own files: everything but build output.
        copy_tree(&book_root().join("listings").join(&listing), &copy);
        fs::copy(book_root().join("Cargo.lock"), copy.join("Cargo.lock")).expect("a lock file");

        let manifest = fs::read_to_string(copy.join("Cargo.toml")).expect("a manifest");
        assert!(
            !manifest.contains("workspace") && !manifest.contains("path ="),
            "{listing}: a listing may not lean on the workspace or on another listing"
        );

        // Run it as its recording was made, with any paths the recording
        // names under `listings/<listing>/` now inside the copy.
        let recording = fs::read_to_string(copy.join("output.txt")).unwrap_or_default();
        let first_line = recording.lines().next().unwrap_or_default();
        let inside = format!("listings/{listing}/");
        let mut run: Vec<String> = ["run", "--offline", "--quiet", "--"]
            .map(String::from)
            .into();
        for arg in recorded_args(&listing, first_line) {
            run.push(arg.strip_prefix(&inside).unwrap_or(&arg).to_string());
        }
        let build: Vec<String> = ["build", "--offline", "--all-targets"]
            .map(String::from)
            .into();
        for args in [build, run] {
            let output = run_bounded(
                cargo()
                    .current_dir(&copy)
                    .args(&args)
                    .env("CARGO_TARGET_DIR", target_dir("standalone"))
                    // The outer `cargo test` may have set these for the book.
                    .env_remove("CARGO_MANIFEST_DIR")
                    .env_remove("CARGO_PRIMARY_PACKAGE"),
                if args[0] == "build" {
                    BUILD_LIMIT
                } else {
                    RUN_LIMIT
                },
            );
            expect_success(&format!("{listing}: cargo {}", args.join(" ")), &output);
        }
    }
}
