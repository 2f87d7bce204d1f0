//! An instructor copies one listing folder into a workshop and runs it. This
//! test does exactly that for every listing: copy the folder into a workshop
//! folder outside the workspace, beside only the listings it builds on (a
//! path dependency `../<listing>`, the one kind a listing may have), build it
//! (code and tests), and run it as its recording was made.
//!
//! The workshops stay between runs (in the system's temporary folder), and a
//! copy is brought up to date by writing only the files that differ from the
//! listing and removing the ones it no longer has: an unchanged listing keeps
//! its time stamps, and cargo's own freshness check makes the rebuild a
//! no-op, while any change to a listing is copied and rebuilt. The copies
//! share one target folder (`target/standalone`) so that the dependencies
//! compile once, and they build `--offline`: every crate they need is already
//! in cargo's cache, because the workspace's `Cargo.lock`, copied in beside
//! them, pins the same versions. A build that passed is not asked again
//! while its workshop, the toolchain and the build environment stay the same
//! (see `build_unless_built_before`); every listing still runs every time.

use std::collections::BTreeMap;
use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;
use std::time::Duration;

use crate::support::cargo::{artifacts, cargo, target_dir};
use crate::support::compare::recorded_args;
use crate::support::guards::listing_crates;
use crate::support::lanes::in_lanes;
use crate::support::process::{expect_success, run_bounded};
use crate::support::stamp::Key;
use crate::support::{book_root, mirror, tree};
use regex::Regex;

const BUILD_LIMIT: Duration = Duration::from_secs(900);
const RUN_LIMIT: Duration = Duration::from_secs(60);

static PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"path\s*=\s*"([^"]*)""#).expect("a valid regex"));

/// The listings are independent (a workshop each), so they are copied,
/// built and run a few at a time; the builds take turns on cargo's lock of
/// the shared target folder, and each command keeps its own time limit.
/// Every listing that fails is reported, not only the first.
#[test]
fn every_listing_builds_and_runs_when_copied_out_alone() {
    let listings = listing_crates(&book_root());
    assert!(!listings.is_empty(), "no listings found");
    let lock = fs::read(book_root().join("Cargo.lock")).expect("a lock file");
    let outcomes = in_lanes(&listings, |listing| {
        copy_build_and_run(listing, &listings, &lock);
    });
    let failures: Vec<String> = listings
        .iter()
        .zip(outcomes)
        .filter_map(|(listing, outcome)| outcome.err().map(|why| format!("{listing}: {why}")))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// One listing, as an instructor would take it: its folder (and those of
/// the listings it builds on) alone in a workshop, built, and run.
fn copy_build_and_run(listing: &str, listings: &[String], lock: &[u8]) {
    let workshop = workshops().join(listing);
    let copied = with_what_it_builds_on(&book_root(), listing, listings);
    // Nothing else in the workshop: a listing that reached for another
    // one without saying so would not build.
    for entry in fs::read_dir(&workshop).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !copied.contains(&name) {
            fs::remove_dir_all(entry.path()).expect("a removable folder");
        }
    }
    for name in &copied {
        let mut files = tree(&book_root().join("listings").join(name));
        if name == listing {
            files.insert(PathBuf::from("Cargo.lock"), lock.to_vec());
        }
        mirror(&workshop.join(name), &files);
    }
    let copy = workshop.join(listing);
    let program = build_unless_built_before(listing, &workshop, &copy);

    // Run it as its recording was made (what `cargo run` would start),
    // with any paths the recording names under `listings/<listing>/` now
    // inside the copy.
    let recording = fs::read_to_string(copy.join("output.txt")).unwrap_or_default();
    let first_line = recording.lines().next().unwrap_or_default();
    let inside = format!("listings/{listing}/");
    let args: Vec<String> = recorded_args(listing, first_line)
        .into_iter()
        .map(|arg| arg.strip_prefix(&inside).unwrap_or(&arg).to_string())
        .collect();
    let output = run_bounded(
        Command::new(&program).args(&args).current_dir(&copy),
        RUN_LIMIT,
    );
    expect_success(
        &format!("{listing}: cargo run -- {}", args.join(" ")),
        &output,
    );
}

/// Where the workshops are: outside the workspace (cargo would otherwise
/// take a copy for a member of it), one folder per book checkout.
fn workshops() -> PathBuf {
    let mut hasher = DefaultHasher::new();
    book_root().hash(&mut hasher);
    std::env::temp_dir().join(format!("pooling-book-workshops-{:016x}", hasher.finish()))
}

/// `listing` and every listing it builds on, directly or not. A listing
/// leans on nothing of the workspace, and its only path dependencies are
/// other listings, `../<listing>`, which the instructor copies beside it.
fn with_what_it_builds_on(root: &Path, listing: &str, listings: &[String]) -> Vec<String> {
    let mut copied = vec![listing.to_string()];
    let mut next = 0;
    while let Some(name) = copied.get(next).cloned() {
        next += 1;
        let manifest = root.join("listings").join(&name).join("Cargo.toml");
        let manifest = fs::read_to_string(&manifest).expect("a manifest");
        assert!(
            !manifest.contains("workspace"),
            "{name}: a listing may not lean on the workspace"
        );
        for path in PATH.captures_iter(&manifest) {
            let other = path[1].strip_prefix("../").unwrap_or_default();
            assert!(
                listings.iter().any(|l| l == other),
                "{name}: `path = \"{}\"`: a listing may depend by path only on another \
                 listing, as `../<listing>`",
                &path[1]
            );
            if !copied.iter().any(|c| c == other) {
                copied.push(other.to_string());
            }
        }
    }
    copied
}

/// Builds the copy (see `build`) unless it built before on exactly the same
/// inputs: a stamp per listing (`target/standalone/<listing>.built`) holds
/// the key of its last passing build and the program it made. The key
/// covers every file in the workshop (the listing, the listings it builds
/// on, the lock file), `cargo -V` and `rustc -vV`, and the `RUST*` and
/// `CARGO*` environment. Any change to any of them, or a program that is
/// gone, and cargo builds again. The program runs every time.
fn build_unless_built_before(listing: &str, workshop: &Path, copy: &Path) -> PathBuf {
    static TOOLCHAIN: LazyLock<String> = LazyLock::new(|| {
        Key::new()
            .add_output(cargo().arg("-V"))
            .add_output(Command::new("rustc").arg("-vV"))
            .add_environment("RUST")
            .add_environment("CARGO")
            .finish()
    });
    let key = Key::new().add(&*TOOLCHAIN).add_tree(workshop).finish();
    let stamp = target_dir("standalone").join(format!("{listing}.built"));
    let before = fs::read_to_string(&stamp).unwrap_or_default();
    if let Some(program) = before.strip_prefix(&key).map(PathBuf::from)
        && program.is_file()
    {
        return program;
    }
    // A failure must not leave an older verdict behind.
    let _ = fs::remove_file(&stamp);
    let program = build(listing, copy);
    fs::write(&stamp, format!("{key}{}", program.display()))
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", stamp.display()));
    program
}

/// Builds the copy, code and tests (`cargo build --all-targets`), and returns
/// its program: the one binary `cargo run` would start.
fn build(listing: &str, copy: &Path) -> PathBuf {
    let output = run_bounded(
        cargo()
            .current_dir(copy)
            .args([
                "build",
                "--offline",
                "--all-targets",
                "--message-format=json-render-diagnostics",
            ])
            .env("CARGO_TARGET_DIR", target_dir("standalone"))
            // The outer `cargo test` may have set these for the book.
            .env_remove("CARGO_MANIFEST_DIR")
            .env_remove("CARGO_PRIMARY_PACKAGE"),
        BUILD_LIMIT,
    );
    expect_success(&format!("{listing}: cargo build --all-targets"), &output);
    let manifest = copy.join("Cargo.toml");
    let mut programs = BTreeMap::new();
    for message in artifacts(&output) {
        let is_program = message["target"]["kind"] == serde_json::json!(["bin"])
            && message["profile"]["test"] == false
            && message["manifest_path"].as_str().map(Path::new) == Some(manifest.as_path());
        if let (true, Some(executable)) = (is_program, message["executable"].as_str()) {
            let name = message["target"]["name"].as_str().unwrap_or_default();
            programs.insert(name.to_string(), PathBuf::from(executable));
        }
    }
    assert_eq!(
        programs.len(),
        1,
        "{listing}: `cargo run` needs exactly one program, found {programs:?}"
    );
    programs.into_values().next().expect("one program")
}

/// What makes the rebuild a no-op, and still a real copy: an unchanged file
/// keeps its time stamp, a changed one is rewritten, a removed one goes.
#[test]
fn a_copy_brought_up_to_date_rewrites_only_what_changed() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (from, to) = (dir.path().join("from"), dir.path().join("to"));
    let write = |file: &Path, text: &str| {
        fs::create_dir_all(file.parent().expect("a folder")).expect("a folder");
        fs::write(file, text).expect("a writable file");
    };
    write(&from.join("kept.rs"), "kept");
    write(&from.join("src/changed.rs"), "before");
    mirror(&to, &tree(&from));
    let long_ago = std::time::UNIX_EPOCH + Duration::from_secs(1_000_000);
    let kept = fs::File::options().write(true).open(to.join("kept.rs"));
    kept.and_then(|file| file.set_modified(long_ago))
        .expect("a time stamp");
    write(&from.join("src/changed.rs"), "after");
    write(&to.join("src/gone.rs"), "left over");

    mirror(&to, &tree(&from));
    let stamp = fs::metadata(to.join("kept.rs")).and_then(|m| m.modified());
    assert_eq!(stamp.expect("a time stamp"), long_ago);
    let changed = fs::read_to_string(to.join("src/changed.rs"));
    assert_eq!(changed.expect("a copied file"), "after");
    assert!(!to.join("src/gone.rs").exists());
}

/// A listing may build on another listing by path, and on nothing else.
#[test]
fn a_path_dependency_is_allowed_only_on_another_listing() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let manifest = |listing: &str, dependency: &str| {
        let folder = dir.path().join("listings").join(listing);
        fs::create_dir_all(&folder).expect("a folder");
        let text = format!("[package]\nname = \"{listing}\"\n\n[dependencies]\n{dependency}\n");
        fs::write(folder.join("Cargo.toml"), text).expect("a manifest");
    };
    manifest("pool", "");
    manifest("measure", "pool = { path = \"../pool\" }");
    manifest("uses-measure", "measure = { path = \"../measure\" }");
    manifest("elsewhere", "helper = { path = \"../../helper\" }");
    manifest("leaning", "serde = { workspace = true }");
    let listings = ["elsewhere", "leaning", "measure", "pool", "uses-measure"].map(String::from);
    let builds_on = |listing: &str| {
        let (root, listings) = (dir.path().to_path_buf(), listings.clone());
        let listing = listing.to_string();
        std::panic::catch_unwind(move || with_what_it_builds_on(&root, &listing, &listings))
    };
    assert_eq!(builds_on("pool").ok(), Some(vec!["pool".to_string()]));
    let copied = builds_on("uses-measure").ok();
    assert_eq!(
        copied,
        Some(["uses-measure", "measure", "pool"].map(String::from).into())
    );
    assert!(builds_on("elsewhere").is_err());
    assert!(builds_on("leaning").is_err());
}
