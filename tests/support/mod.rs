//! Code shared by the book's test files. Each test file uses only part of it.
#![allow(dead_code)]

pub mod cargo;
pub mod compare;
pub mod expand;
pub mod fences;
pub mod guards;
pub mod process;
pub mod render;

use std::fs;
use std::path::{Path, PathBuf};

/// The root of the repository (the book's test package).
pub fn book_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir`, sorted, skipping build output (`target/`).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if entry.file_name() != "target" {
                    pending.push(path);
                }
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Copies every file under `from` (but build output) to the same place
/// under `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for file in files_under(from) {
        let relative = file.strip_prefix(from).expect("a file under `from`");
        let target = to.join(relative);
        if let Some(folder) = target.parent() {
            fs::create_dir_all(folder)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", folder.display()));
        }
        fs::copy(&file, &target).unwrap_or_else(|e| panic!("cannot copy {}: {e}", file.display()));
    }
}
