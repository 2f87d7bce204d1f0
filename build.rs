//! Expands every chapter exactly as `mdbook build` would (mdBook's own link
//! preprocessor, from the pinned `mdbook-driver`), writes the expanded text to
//! `OUT_DIR/chapters/`, and hands those files to skeptic. skeptic then turns
//! every ```rust block of the rendered book into a test (`tests/skeptic.rs`).

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

#[path = "tests/support/expand.rs"]
mod expand;

fn main() {
    // Every input of the expansion: the chapters, the listings they include,
    // and the book's configuration.
    for input in ["book.toml", "src", "listings", "tests/support/expand.rs"] {
        println!("cargo::rerun-if-changed={input}");
    }

    let root =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));

    let chapters = match expand::expand_chapters(&root) {
        Ok(chapters) => chapters,
        Err(error) => panic!("mdBook could not expand the chapters: {error:#}"),
    };
    let mut files = Vec::new();
    for chapter in chapters {
        let file = out_dir.join("chapters").join(&chapter.path);
        if let Err(error) = write_if_changed(&file, &chapter.content) {
            panic!("could not write {}: {error}", file.display());
        }
        files.push(file);
    }
    skeptic::generate_doc_tests(&files);
    bound_skeptic_tests(&out_dir);
}

/// skeptic runs each snippet with no time limit, so a listing that deadlocks
/// would hang `cargo test`. Route every generated call through
/// `tests/skeptic.rs`'s `bounded`, which fails the test after a time limit.
fn bound_skeptic_tests(out_dir: &Path) {
    let generated = out_dir.join("skeptic-tests.rs");
    let text = fs::read_to_string(&generated).expect("skeptic wrote its tests");
    // skeptic writes each call on a line of its own, four spaces in; code
    // quoted from the book sits in raw strings and never starts that way.
    let mut calls = 0;
    let mut bounded = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        match ["run_test(", "compile_test("]
            .iter()
            .find(|call| line.starts_with(&format!("    skeptic::rt::{call}")))
        {
            Some(call) => {
                calls += 1;
                let function = call.trim_end_matches('(');
                bounded.push_str(&line.replacen(
                    &format!("skeptic::rt::{call}"),
                    &format!("bounded(skeptic::rt::{function}, "),
                    1,
                ));
            }
            None => bounded.push_str(line),
        }
    }
    // Fails loudly if a skeptic update changes what it generates.
    let tests = text
        .lines()
        .filter(|l| l.starts_with("#[test] fn "))
        .count();
    assert_eq!(
        calls, tests,
        "skeptic's generated tests no longer look as build.rs expects"
    );
    let file = out_dir.join("bounded-skeptic-tests.rs");
    if let Err(error) = write_if_changed(&file, &bounded) {
        panic!("could not write {}: {error}", file.display());
    }
}

/// Rewriting an unchanged file would bump its time stamp, and cargo would
/// then rerun this script on every build.
fn write_if_changed(file: &Path, content: &str) -> std::io::Result<()> {
    if fs::read_to_string(file).is_ok_and(|old| old == content) {
        return Ok(());
    }
    if let Some(parent) = file.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(file, content)
}
