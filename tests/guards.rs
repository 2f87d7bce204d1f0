//! The guards: the real book has none of the problems mdBook and skeptic
//! would stay silent about, and each guard fires on a fixture broken on
//! purpose (a copy of `tests/fixtures/good-book` with one thing changed).

mod support;

use std::fs;
use std::path::Path;

use support::cargo::target_dir;
use support::guards::{Problem, check_book};
use support::render::render_html;
use support::stamp::{Key, unless_passed_before};
use support::{book_root, copy_tree};

#[test]
fn the_book_has_no_silent_problems() {
    let problems = check_book(&book_root());
    let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(problems.is_empty(), "{}", list.join("\n"));
}

/// A passing render leaves a stamp (`target/book-tests/rendered-book.passed`)
/// holding a key of everything the render reads: `book.toml`, `src/`,
/// `listings/` (the includes), `theme/`, the `MDBOOK*` environment (mdBook
/// takes settings from it) and this test program (the pinned mdBook, and
/// the checks). A later run with the same key passes without rendering
/// again; any change to any of them, and the book is rendered again.
#[test]
fn the_rendered_book_has_no_error_and_no_unexpanded_link() {
    let root = book_root();
    let key = Key::new()
        .add_file(&root.join("book.toml"))
        .add_tree(&root.join("src"))
        .add_tree(&root.join("listings"))
        .add_tree(&root.join("theme"))
        .add_environment("MDBOOK")
        .add_this_program()
        .finish();
    let stamp = target_dir("book-tests").join("rendered-book.passed");
    let rendered = unless_passed_before(&stamp, &key, || {
        let out = tempfile::tempdir().expect("a temporary folder");
        let rendered = render_html(&root, out.path());
        assert!(rendered.pages > 1, "mdBook wrote no pages");
        assert!(
            rendered.errors.is_empty(),
            "mdBook logged errors: {:#?}",
            rendered.errors
        );
        assert!(
            rendered.leftover_links.is_empty(),
            "links left in the HTML: {:#?}",
            rendered.leftover_links
        );
        assert!(
            rendered.broken_links.is_empty(),
            "links to pages or headings that do not exist: {:#?}",
            rendered.broken_links
        );
    });
    if !rendered {
        eprintln!(
            "mdBook rendered exactly this book before, cleanly ({})",
            stamp.display()
        );
    }
}

#[test]
fn a_link_to_a_heading_that_does_not_exist_is_caught() {
    let book = Fixture::new();
    book.replace(
        "src/chapter.md",
        "What it prints:",
        "What it [prints](chapter.md#no-such-heading):",
    );
    let out = tempfile::tempdir().expect("a temporary folder");
    let rendered = render_html(book.root(), out.path());
    assert!(!rendered.broken_links.is_empty());
    for broken in &rendered.broken_links {
        assert!(broken.contains("#no-such-heading"), "{broken}");
    }
}

#[test]
fn the_fixture_is_clean_so_each_failure_below_is_the_mutation() {
    let book = Fixture::new();
    assert_eq!(check_book(book.root()), Vec::new());
    let out = tempfile::tempdir().expect("a temporary folder");
    let rendered = render_html(book.root(), out.path());
    assert!(rendered.errors.is_empty() && rendered.leftover_links.is_empty());
    assert!(
        rendered.broken_links.is_empty(),
        "{:#?}",
        rendered.broken_links
    );
}

#[test]
fn a_missing_include_file_is_caught_and_would_reach_the_html() {
    let book = Fixture::new();
    book.replace("src/chapter.md", "demo/output.txt", "demo/outptu.txt");
    let problems = check_book(book.root());
    assert!(
        has(&problems, |p| matches!(
            p,
            Problem::MissingIncludeFile { .. }
        )),
        "{problems:?}"
    );
    assert!(
        has(&problems, |p| matches!(p, Problem::UnexpandedLink { .. })),
        "{problems:?}"
    );

    // What the guard prevents: mdBook logs an error, exits fine, and ships
    // the raw link to the reader.
    let out = tempfile::tempdir().expect("a temporary folder");
    let rendered = render_html(book.root(), out.path());
    assert!(!rendered.errors.is_empty());
    assert!(!rendered.leftover_links.is_empty());
}

#[test]
fn a_typo_in_an_anchor_name_is_caught() {
    let book = Fixture::new();
    book.replace("src/chapter.md", "main.rs:greet}}", "main.rs:gret}}");
    let problems = check_book(book.root());
    assert!(
        has(&problems, |p| matches!(p, Problem::MissingAnchor { .. })),
        "{problems:?}"
    );
    // The rustdoc_include of a missing anchor hides every line: an empty block.
    assert!(
        has(&problems, |p| matches!(p, Problem::EmptyCodeBlock { .. })),
        "{problems:?}"
    );
}

#[test]
fn an_include_that_shows_nothing_is_caught() {
    let book = Fixture::new();
    book.replace(
        "listings/demo/src/main.rs",
        "fn main() {",
        "// ANCHOR: nothing\n// ANCHOR_END: nothing\nfn main() {",
    );
    book.replace(
        "src/chapter.md",
        "main.rs:greet}}\n```\n",
        "main.rs:nothing}}\n```\n",
    );
    let problems = check_book(book.root());
    assert!(
        has(&problems, |p| matches!(p, Problem::EmptyInclude { .. })),
        "{problems:?}"
    );
}

#[test]
fn an_anchor_without_its_end_is_caught() {
    let book = Fixture::new();
    book.replace(
        "listings/demo/src/main.rs",
        "    // ANCHOR_END: greet\n",
        "",
    );
    let problems = check_book(book.root());
    let unmatched =
        |p: &Problem| matches!(p, Problem::UnmatchedAnchor { anchor, .. } if anchor == "greet");
    assert!(has(&problems, unmatched), "{problems:?}");
}

#[test]
fn a_listing_no_chapter_includes_is_caught() {
    let book = Fixture::new();
    book.write("listings/spare/Cargo.toml", "[package]\nname = \"spare\"\n");
    let problems = check_book(book.root());
    let spare = |p: &Problem| matches!(p, Problem::UnusedListing { listing } if listing == "spare");
    assert!(has(&problems, spare), "{problems:?}");
}

#[test]
fn a_go_companion_no_chapter_shows_is_caught() {
    let book = Fixture::new();
    book.write(
        "listings/demo/go/main.go",
        "package main\n\nfunc main() {}\n",
    );
    let problems = check_book(book.root());
    let demo = |p: &Problem| matches!(p, Problem::UnusedCompanion { listing } if listing == "demo");
    assert!(has(&problems, demo), "{problems:?}");
}

#[test]
fn a_rust_block_nobody_runs_must_say_why() {
    let book = Fixture::new();
    book.replace(
        "src/chapter.md",
        "<!-- not-run: a fragment, shown on its own -->\n",
        "",
    );
    let problems = check_book(book.root());
    assert!(
        has(&problems, |p| matches!(p, Problem::UnrunRustBlock { .. })),
        "{problems:?}"
    );
}

#[test]
fn a_fence_without_a_language_is_caught() {
    let book = Fixture::new();
    book.replace("src/chapter.md", "```text\n", "```\n");
    let problems = check_book(book.root());
    assert!(
        has(&problems, |p| matches!(p, Problem::UnlabelledFence { .. })),
        "{problems:?}"
    );
}

fn has(problems: &[Problem], wanted: impl Fn(&Problem) -> bool) -> bool {
    problems.iter().any(wanted)
}

/// A private copy of the fixture book, removed when dropped.
struct Fixture(tempfile::TempDir);

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("a temporary folder");
        copy_tree(&book_root().join("tests/fixtures/good-book"), dir.path());
        Fixture(dir)
    }

    fn root(&self) -> &Path {
        self.0.path()
    }

    /// Changes one piece of text, and insists that it was there to change.
    fn replace(&self, file: &str, from: &str, to: &str) {
        let path = self.root().join(file);
        let text = fs::read_to_string(&path).expect("a fixture file");
        assert!(text.contains(from), "{file} has no {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).expect("a writable fixture");
    }

    fn write(&self, file: &str, text: &str) {
        let path = self.root().join(file);
        fs::create_dir_all(path.parent().expect("a file in a folder")).expect("a folder");
        fs::write(path, text).expect("a writable fixture");
    }
}
