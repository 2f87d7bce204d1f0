//! What `mdbook test` checks, inside `cargo test`: rustdoc (edition 2024, as
//! `book.toml` says) compiles and runs every Rust block of every chapter, as
//! mdBook expands it. skeptic (tests/skeptic.rs) covers the same blocks with
//! its own runner; rustdoc is the one that knows edition 2024 and wraps
//! snippets in `fn main`.

mod support;

use std::time::Duration;

use mdbook_driver::MDBook;
use support::book_root;
use support::cargo::built_listings;
use support::process::within;

#[test]
fn rustdoc_compiles_and_runs_every_rust_block_of_the_book() {
    let deps = built_listings().rlib_dir.to_string_lossy().into_owned();
    let outcome = within("mdbook test", Duration::from_secs(600), move || {
        let mut book = MDBook::load(book_root()).map_err(|e| format!("{e:#}"))?;
        book.test(vec![deps.as_str()]).map_err(|e| format!("{e:#}"))
    });
    if let Err(error) = outcome {
        panic!("mdbook test failed: {error} (rustdoc's report is above)");
    }
}
