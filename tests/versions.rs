//! The book promises that `mdbook build` renders, and `cargo test` tests,
//! the same expansion of every chapter. That holds only while the mdbook CLI
//! the README installs and the `mdbook-driver` build dependency are the same
//! version, and while everything is edition 2024.

mod support;

use std::fs;
use std::sync::LazyLock;

use regex::Regex;
use support::book_root;
use support::guards::listing_crates;

fn read(file: &str) -> String {
    fs::read_to_string(book_root().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn all(pattern: &str, text: &str) -> Vec<String> {
    let regex = Regex::new(pattern).expect("a valid regex");
    regex
        .captures_iter(text)
        .map(|c| c[1].to_string())
        .collect()
}

static PINNED: LazyLock<String> = LazyLock::new(|| {
    let script = all(r"MDBOOK_VERSION=(\S+)", &read(".ci/install-mdbook"));
    assert_eq!(script.len(), 1, ".ci/install-mdbook pins one version");
    script[0].clone()
});

#[test]
fn the_mdbook_cli_and_mdbook_driver_are_pinned_to_one_version() {
    let manifest = all(r#"mdbook-driver = "=([^"]+)""#, &read("Cargo.toml"));
    assert_eq!(
        manifest.len(),
        2,
        "a build- and a dev-dependency, both exact"
    );
    let lock = all(
        r#"name = "mdbook-driver"\nversion = "([^"]+)""#,
        &read("Cargo.lock"),
    );
    for version in manifest.iter().chain(&lock) {
        assert_eq!(version, &*PINNED);
    }
}

#[test]
fn the_readme_installs_the_pinned_mdbook() {
    let readme = all(r"mdbook@(\d+\.\d+\.\d+)", &read("README.md"));
    assert!(
        !readme.is_empty(),
        "the README says which mdbook to install"
    );
    for version in readme {
        assert_eq!(version, *PINNED);
    }
}

#[test]
fn everything_is_edition_2024() {
    assert!(read("book.toml").contains("[rust]\nedition = \"2024\""));
    assert!(read("Cargo.toml").contains("edition = \"2024\""));
    for listing in listing_crates(&book_root()) {
        let manifest = read(&format!("listings/{listing}/Cargo.toml"));
        assert!(
            manifest.contains("edition = \"2024\""),
            "{listing} is not edition 2024"
        );
    }
}
