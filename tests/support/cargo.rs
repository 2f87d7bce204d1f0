//! Builds every listing once per test process, in a target folder of its own
//! (`target/book-tests`), and remembers exactly which files that build made.
//!
//! Exact file names matter: `target/debug/deps` can hold two builds of one
//! crate (after a dependency bump, or with other RUSTFLAGS), and rustdoc, given
//! that folder with `-L`, stops with E0464. Copying just this build's rlibs
//! into a fresh folder avoids that.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Duration;

use super::book_root;
use super::guards::listing_crates;
use super::process::{expect_success, run_bounded};

pub struct Built {
    /// Each listing's executable, by package name.
    pub executables: BTreeMap<String, PathBuf>,
    /// A folder holding exactly one rlib of each crate the listings use (and
    /// of the listings that are libraries).
    pub rlib_dir: PathBuf,
}

/// A cold build of the listings' dependencies takes a minute or two on two cores.
const BUILD_LIMIT: Duration = Duration::from_secs(900);

pub fn target_dir(purpose: &str) -> PathBuf {
    book_root().join("target").join(purpose)
}

pub fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

pub fn built_listings() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(build_listings)
}

fn build_listings() -> Built {
    let root = book_root();
    let target = target_dir("book-tests");
    let mut command = cargo();
    command
        .current_dir(&root)
        .args([
            "build",
            "--offline",
            "--message-format=json-render-diagnostics",
        ])
        .arg("--target-dir")
        .arg(&target);
    for listing in listing_crates(&root) {
        command.args(["-p", &listing]);
    }
    let output = run_bounded(&mut command, BUILD_LIMIT);
    expect_success("building the listings", &output);

    let mut executables = BTreeMap::new();
    let mut rlibs = Vec::new();
    for message in artifacts(&output) {
        if let Some(executable) = message["executable"].as_str() {
            let name = message["target"]["name"].as_str().unwrap_or_default();
            executables.insert(name.to_string(), PathBuf::from(executable));
        }
        for file in message["filenames"].as_array().into_iter().flatten() {
            let file = PathBuf::from(file.as_str().unwrap_or_default());
            // Only rlibs: for a workspace library cargo also reports an
            // `.rmeta` under another name, and rustc, given both, refuses
            // the crate ("required to be available in rlib format").
            if file.extension().is_some_and(|e| e == "rlib") {
                rlibs.push(file);
            }
        }
    }
    let rlib_dir = target.join("rustdoc-deps");
    fresh_folder_with(&rlib_dir, &rlibs);
    Built {
        executables,
        rlib_dir,
    }
}

/// What a `cargo build --message-format=json...` says it built (or found
/// fresh): its `compiler-artifact` messages.
pub fn artifacts(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .collect()
}

fn fresh_folder_with(dir: &Path, files: &[PathBuf]) {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    for file in files {
        let name = file.file_name().unwrap_or_default();
        fs::copy(file, dir.join(name))
            .unwrap_or_else(|e| panic!("cannot copy {}: {e}", file.display()));
    }
}
