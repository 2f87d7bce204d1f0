//! Verdicts kept between runs. A stamp is a file holding a key: a hash of
//! everything a piece of work's result depends on. When the stamp holds the
//! key the work has passed before on exactly these inputs, and need not run
//! again; any change to any input changes the key, and the work runs.

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::process::{expect_success, run_bounded};
use super::tree;

/// Everything a result depends on, hashed piece by piece.
pub struct Key(DefaultHasher);

impl Key {
    pub fn new() -> Key {
        Key(DefaultHasher::new())
    }

    pub fn add(&mut self, part: impl Hash) -> &mut Key {
        part.hash(&mut self.0);
        self
    }

    /// Every file under `dir` (but build output): names and contents.
    pub fn add_tree(&mut self, dir: &Path) -> &mut Key {
        self.add(tree(dir))
    }

    /// A file's contents.
    pub fn add_file(&mut self, file: &Path) -> &mut Key {
        let contents = fs::read(file);
        self.add(contents.unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display())))
    }

    /// The test program running now: a change to the test itself is a
    /// change of input too.
    pub fn add_this_program(&mut self) -> &mut Key {
        let program = std::env::current_exe().expect("this test's program");
        self.add_file(&program)
    }

    /// What `command` prints (a tool's version, say).
    pub fn add_output(&mut self, command: &mut Command) -> &mut Key {
        let output = run_bounded(command, Duration::from_secs(60));
        expect_success(&format!("{command:?}"), &output);
        self.add(output.stdout)
    }

    /// Every environment variable whose name starts with `prefix`.
    pub fn add_environment(&mut self, prefix: &str) -> &mut Key {
        let mut variables: Vec<_> = std::env::vars_os()
            .filter(|(name, _)| name.to_string_lossy().starts_with(prefix))
            .collect();
        variables.sort();
        self.add(variables)
    }

    pub fn finish(&self) -> String {
        format!("{:016x}\n", self.0.finish())
    }
}

/// Runs `work` unless `stamp` holds `key`; when `work` returns (it panics
/// when it fails), the stamp records the key. Returns whether it ran.
pub fn unless_passed_before(stamp: &Path, key: &str, work: impl FnOnce()) -> bool {
    if fs::read_to_string(stamp).is_ok_and(|passed| passed == key) {
        return false;
    }
    // A failure must not leave an older verdict behind.
    let _ = fs::remove_file(stamp);
    work();
    if let Some(folder) = stamp.parent() {
        fs::create_dir_all(folder)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", folder.display()));
    }
    fs::write(stamp, key).unwrap_or_else(|e| panic!("cannot write {}: {e}", stamp.display()));
    true
}
