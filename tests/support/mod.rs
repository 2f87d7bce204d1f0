//! Code shared by the book's test files. Each test file uses only part of it.
#![allow(dead_code)]

pub mod cargo;
pub mod compare;
pub mod expand;
pub mod fences;
pub mod guards;
pub mod lanes;
pub mod process;
pub mod render;
pub mod stamp;

use std::collections::BTreeMap;
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

/// Every file under `dir` (but build output), by its path relative to `dir`,
/// with its contents.
pub fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .map(|file| {
            let content =
                fs::read(&file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
            let relative = file.strip_prefix(dir).expect("a file under `dir`");
            (relative.to_path_buf(), content)
        })
        .collect()
}

/// Makes `to` hold exactly `files` (paths relative to `to`), as a fresh copy
/// would, but writes only the files whose content differs and removes the
/// others (build output aside). Unchanged files keep their time stamps, so
/// cargo, building the copy again, sees that nothing changed.
pub fn mirror(to: &Path, files: &BTreeMap<PathBuf, Vec<u8>>) {
    for old in files_under(to) {
        let relative = old.strip_prefix(to).expect("a file under `to`");
        if !files.contains_key(relative) {
            fs::remove_file(&old)
                .unwrap_or_else(|e| panic!("cannot remove {}: {e}", old.display()));
        }
    }
    for (relative, content) in files {
        let target = to.join(relative);
        if fs::read(&target).is_ok_and(|old| old == *content) {
            continue;
        }
        if let Some(folder) = target.parent() {
            fs::create_dir_all(folder)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", folder.display()));
        }
        fs::write(&target, content)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", target.display()));
    }
}

/// Makes `to` a copy of `from` (build output aside): see `mirror`.
pub fn copy_tree(from: &Path, to: &Path) {
    mirror(to, &tree(from));
}
