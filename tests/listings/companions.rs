//! The Go companions. A listing's `go/` folder holds a Go program, written for
//! this book, that does what the Rust listing does. These tests build each
//! one, run it pinned to the recording machine's CPU count, and compare what
//! it prints with the Rust listing's recorded `output.txt`, under the same
//! rules as `outputs.rs`: the same lines, up to the same
//! non-determinism, with the same counts.
//!
//! Go is not needed to read the book or to run the Rust tests. Without `go`
//! on the PATH these tests say so and pass, except in CI (`CI` set), where
//! `.ci/run` installs Go first and a missing `go` fails.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use crate::support::book_root;
use crate::support::cargo::target_dir;
use crate::support::compare::{compare, expect_usage_error, run_pinned};
use crate::support::guards::listing_crates;
use crate::support::lanes::in_lanes;
use crate::support::process::{expect_success, run_bounded};
use crate::support::stamp::{Key, unless_passed_before};

/// A cold `go build` of a small program takes a few seconds.
const BUILD_LIMIT: Duration = Duration::from_secs(300);

/// The companions are independent programs, so they run a few at a time
/// (each with its own time limit); every one that differs or fails is
/// reported, not only the first.
#[test]
fn every_go_companion_prints_what_its_rust_twin_recorded() {
    if !go_is_available() {
        return;
    }
    let built = built_companions();
    let outcomes = in_lanes(built, |(listing, program)| {
        let fresh = run_pinned(program, &[], &book_root());
        let recording = book_root()
            .join("listings")
            .join(listing)
            .join("output.txt");
        let recorded = fs::read_to_string(&recording).expect("the Rust twin's output.txt");
        // The first line is the Rust command; the rest is what both print.
        let recorded = recorded.split_once('\n').map_or("", |(_, rest)| rest);
        compare(recorded, &fresh)
    });
    let failures: Vec<String> = built
        .iter()
        .zip(outcomes)
        .filter_map(|((listing, _), outcome)| match outcome {
            Ok(Ok(())) => None,
            Ok(Err(difference)) | Err(difference) => Some(format!("{listing} (Go): {difference}")),
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_go_companion_rejects_arguments_it_does_not_understand() {
    if !go_is_available() {
        return;
    }
    for (listing, program) in built_companions() {
        expect_usage_error(&format!("{listing} (Go)"), program);
    }
}

#[test]
fn every_go_companion_is_formatted_and_vetted() {
    if !go_is_available() {
        return;
    }
    for (listing, source) in companions() {
        // gofmt's and go vet's verdicts depend on nothing but the sources
        // and the toolchain.
        let stamp = target_dir("go-companions").join(format!("{listing}.vetted"));
        unless_passed_before(&stamp, &source_key(&source), || {
            let unformatted =
                run_bounded(Command::new("gofmt").arg("-l").arg(&source), BUILD_LIMIT);
            expect_success(&format!("gofmt on {listing}"), &unformatted);
            assert!(
                unformatted.stdout.is_empty(),
                "{listing}: run gofmt -w on {}",
                String::from_utf8_lossy(&unformatted.stdout)
            );
            let vet = run_bounded(go(&source).args(["vet", "./..."]), BUILD_LIMIT);
            expect_success(&format!("go vet on {listing}"), &vet);
        });
    }
}

/// Everything a companion's build (and vetting) depends on: its files, and
/// the Go toolchain with the settings that shape a build, read as the tests
/// run go. (Not all of `go env`: its GOGCCFLAGS names a fresh temporary
/// folder every time.)
fn source_key(source: &Path) -> String {
    static TOOLCHAIN: OnceLock<String> = OnceLock::new();
    let toolchain = TOOLCHAIN.get_or_init(|| {
        let root = book_root();
        Key::new()
            .add_output(go(&root).arg("version"))
            .add_output(go(&root).args([
                "env",
                "GOROOT",
                "GOVERSION",
                "GOOS",
                "GOARCH",
                "GOAMD64",
                "GOEXPERIMENT",
                "GOFLAGS",
                "CGO_ENABLED",
                "CC",
                "CGO_CFLAGS",
                "CGO_LDFLAGS",
            ]))
            .finish()
    });
    Key::new().add(toolchain).add_tree(source).finish()
}

/// Part III builds one Rust library step by step; Go companions are for the
/// patterns of Parts I and II (chapters 2 to 13).
const FIRST_CHAPTER_WITHOUT_COMPANION: u32 = 14;

#[test]
fn every_listing_of_parts_one_and_two_has_a_go_companion() {
    let missing: Vec<String> = listing_crates(&book_root())
        .into_iter()
        .filter(|listing| chapter_of(listing) < FIRST_CHAPTER_WITHOUT_COMPANION)
        .filter(|listing| {
            let go = book_root().join("listings").join(listing).join("go");
            !go.join("go.mod").is_file() || !go.join("main.go").is_file()
        })
        .collect();
    assert!(
        missing.is_empty(),
        "no Go companion (go/go.mod, go/main.go): {missing:?}"
    );
}

/// `ch04-pooling` → 4.
fn chapter_of(listing: &str) -> u32 {
    listing
        .strip_prefix("ch")
        .and_then(|rest| rest.split('-').next())
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("{listing} is not named chNN-slug"))
}

/// `(listing, its go/ folder)` for every listing that has a Go companion.
fn companions() -> Vec<(String, PathBuf)> {
    listing_crates(&book_root())
        .into_iter()
        .map(|listing| {
            let source = book_root().join("listings").join(&listing).join("go");
            (listing, source)
        })
        .filter(|(_, source)| source.join("go.mod").is_file())
        .collect()
}

/// Every companion, built once per test process: the tests run at the same
/// time, and two builds writing one program while another test runs it
/// would fail with "text file busy".
fn built_companions() -> &'static [(String, PathBuf)] {
    static BUILT: OnceLock<Vec<(String, PathBuf)>> = OnceLock::new();
    BUILT.get_or_init(|| {
        companions()
            .into_iter()
            .map(|(listing, source)| {
                let program = build(&listing, &source);
                (listing, program)
            })
            .collect()
    })
}

/// Builds one companion into `target/go-companions/` and returns the program.
/// The build is kept while its sources and the toolchain stay the same.
fn build(listing: &str, source: &Path) -> PathBuf {
    let program = target_dir("go-companions").join(listing);
    let mut stamp = program.clone().into_os_string();
    stamp.push(".built");
    let stamp = PathBuf::from(stamp);
    if !program.is_file() {
        let _ = fs::remove_file(&stamp);
    }
    unless_passed_before(&stamp, &source_key(source), || {
        let output = run_bounded(
            go(source).arg("build").arg("-o").arg(&program).arg("."),
            BUILD_LIMIT,
        );
        expect_success(&format!("go build of {listing}"), &output);
    });
    program
}

/// `go` in `dir`, never reaching for the network: the companions use only
/// Go's standard library.
fn go(dir: &Path) -> Command {
    let mut command = Command::new("go");
    command
        .current_dir(dir)
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod");
    command
}

fn go_is_available() -> bool {
    let found = Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "Go is missing in CI: .ci/install-go installs it"
        );
        eprintln!("skipped: `go` is not on the PATH (.ci/install-go installs it)");
    }
    found
}
