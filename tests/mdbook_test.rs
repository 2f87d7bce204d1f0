//! What `mdbook test` checks, inside `cargo test`: rustdoc (edition 2024, as
//! `book.toml` says) compiles and runs every Rust block of every chapter, as
//! mdBook expands it. skeptic (tests/skeptic.rs) covers the same blocks with
//! its own runner; rustdoc is the one that knows edition 2024 and wraps
//! snippets in `fn main`.
//!
//! A passing run leaves a stamp (`target/book-tests/mdbook-test.passed`)
//! holding a key of everything rustdoc's verdict depends on; a later run
//! with the same key passes without running rustdoc again. The key covers:
//! every chapter exactly as mdBook hands it to rustdoc, `book.toml` (the
//! edition), `rustdoc -vV` (the toolchain rustdoc resolves to), the contents
//! of every library on rustdoc's search path, the `RUST*` environment, and
//! this test program itself (the pinned mdBook in it). Any change to any of
//! them, and rustdoc runs again. (The snippets themselves run every time in
//! tests/skeptic.rs.)

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use mdbook_driver::MDBook;
use mdbook_driver::book::BookItem;
use mdbook_driver::builtin_renderers::CmdRenderer;
use support::book_root;
use support::cargo::{built_listings, target_dir};
use support::process::within;
use support::stamp::{Key, unless_passed_before};

#[test]
fn rustdoc_compiles_and_runs_every_rust_block_of_the_book() {
    let deps = built_listings().rlib_dir.clone();
    let stamp = target_dir("book-tests").join("mdbook-test.passed");
    let ran = unless_passed_before(&stamp, &key(&deps), || {
        let library = deps.to_string_lossy().into_owned();
        let outcome = within("mdbook test", Duration::from_secs(600), move || {
            let mut book = MDBook::load(book_root()).map_err(|e| format!("{e:#}"))?;
            book.test(vec![library.as_str()])
                .map_err(|e| format!("{e:#}"))
        });
        if let Err(error) = outcome {
            panic!("mdbook test failed: {error} (rustdoc's report is above)");
        }
    });
    if !ran {
        eprintln!(
            "rustdoc passed on exactly this book before ({})",
            stamp.display()
        );
    }
}

/// Everything rustdoc's verdict depends on.
fn key(deps: &Path) -> String {
    let mut key = Key::new();
    // The chapters as `MDBook::test` preprocesses them: for a renderer named
    // "test" (that is all it is used for here; it renders nothing).
    let as_tested = CmdRenderer::new("test".into(), String::new());
    let book = MDBook::load(book_root()).expect("the book loads");
    let (book, _) = book
        .preprocess_book(&as_tested)
        .expect("the book preprocesses");
    for item in book.iter() {
        if let BookItem::Chapter(chapter) = item {
            key.add((&chapter.path, &chapter.content));
        }
    }
    key.add_file(&book_root().join("book.toml"))
        // `MDBook::test` runs rustdoc from a temporary folder; so does this.
        .add_output(
            Command::new("rustdoc")
                .arg("-vV")
                .current_dir(std::env::temp_dir()),
        )
        .add_tree(deps)
        .add_environment("RUST")
        .add_this_program()
        .finish()
}
