//! The worked example, run as a program: its exit codes and what it
//! prints. Each run is bounded in time, and each test by ntest.

#![cfg(not(miri))] // Miri cannot start a process.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// Runs the built program from the listing's folder. A run that takes
/// longer than `LIMIT` is killed and fails the test: the program must
/// never hang, and must not outlive its test.
fn run(args: &[&str]) -> Output {
    const LIMIT: Duration = Duration::from_secs(10);
    let child = Command::new(env!("CARGO_BIN_EXE_ch19-pool"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the program could not be started");
    let pid = child.id().to_string();
    let (finished_tx, finished) = mpsc::channel();
    thread::spawn(move || finished_tx.send(child.wait_with_output()));
    match finished.recv_timeout(LIMIT) {
        Ok(output) => output.expect("the program's output could not be read"),
        Err(_) => {
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
            panic!("the program did not finish in {LIMIT:?}: {args:?}");
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh folder under the system's temporary folder, removed on drop.
struct TempFolder(PathBuf);

impl TempFolder {
    fn new(name: &str) -> TempFolder {
        let path =
            std::env::temp_dir().join(format!("ch19-pool-e2e-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        TempFolder(path)
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
#[ntest::timeout(20_000)]
fn the_sample_papers_are_counted_and_the_exit_code_is_0() {
    let output = run(&["papers"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("     41 papers/monday-memo.txt\n"),
        "{stdout}"
    );
    assert!(stdout.contains("    185 words in total\n"), "{stdout}");
    assert!(stdout.contains(": 6 papers done, 0 panicked\n"), "{stdout}");
}

#[test]
#[ntest::timeout(20_000)]
fn no_arguments_or_an_unknown_flag_is_a_usage_error_with_exit_code_2() {
    for args in [&[][..], &["--team=many"], &["papers", "-v"]] {
        let output = run(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = text(&output.stderr);
        assert!(
            stderr.starts_with("error: ") && stderr.contains("usage"),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
#[ntest::timeout(20_000)]
fn help_prints_the_usage_on_stdout_with_exit_code_0() {
    for help in ["--help", "-h"] {
        let output = run(&[help]);
        assert_eq!(output.status.code(), Some(0));
        assert!(text(&output.stdout).starts_with("usage: "));
        assert!(output.stderr.is_empty());
    }
}

#[test]
#[ntest::timeout(20_000)]
fn a_path_that_does_not_exist_is_an_error_with_exit_code_1() {
    let output = run(&["papers", "no-such-notes"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output.stderr),
        "error: no such file or folder: no-such-notes\n"
    );
    assert!(output.stdout.is_empty(), "no work starts");
}

#[test]
#[ntest::timeout(20_000)]
fn a_pipe_is_refused_at_once_with_exit_code_1() {
    // Reading a pipe nobody writes to waits forever: it must be refused.
    let folder = TempFolder::new("pipe");
    let pipe = folder.0.join("pipe");
    let made = Command::new("mkfifo").arg(&pipe).status();
    if !made.is_ok_and(|status| status.success()) {
        eprintln!("note: no mkfifo on this machine: the pipe is not tested");
        return;
    }
    let output = run(&[pipe.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with("error: not a file or folder: "),
        "{stderr}"
    );
}

/// A file the program can name but not read.
fn an_unreadable_file(folder: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let locked = folder.join("locked.txt");
    fs::write(&locked, "three words here").unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&locked).is_err() {
        return locked;
    }
    // Running as root, permissions do not apply. On Linux, reading
    // /proc/self/mem from its start fails (nothing is mapped at address
    // 0), though it is a regular file.
    PathBuf::from("/proc/self/mem")
}

#[test]
#[ntest::timeout(20_000)]
fn a_file_that_cannot_be_read_is_an_error_with_exit_code_1_and_the_rest_are_counted() {
    let folder = TempFolder::new("unreadable");
    let unreadable = an_unreadable_file(&folder.0);
    let output = run(&["papers/hiring-notice.txt", unreadable.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    let named = format!("error: {}: ", unreadable.display());
    assert!(stderr.starts_with(&named), "{stderr}");
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("     25 papers/hiring-notice.txt\n"),
        "{stdout}"
    );
    assert!(stdout.contains(": 2 papers done, 0 panicked\n"), "{stdout}");
}
