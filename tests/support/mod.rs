//! Code shared by the book's test files. Each test file uses only part of it.
#![allow(dead_code)]

pub mod cargo;
pub mod compare;
pub mod expand;
pub mod fences;
pub mod guards;
pub mod process;
pub mod render;

use std::path::PathBuf;

/// The root of the repository (the book's test package).
pub fn book_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
