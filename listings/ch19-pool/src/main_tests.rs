//! Tests of the worked example. The pool itself is tested in `tests.rs`.

use super::*;

fn sample_papers() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("papers")
}

/// A fresh folder under the system's temporary folder, removed on drop.
struct TempFolder(PathBuf);

impl TempFolder {
    fn new(name: &str) -> TempFolder {
        let path = std::env::temp_dir().join(format!("ch19-pool-{name}-{}", std::process::id()));
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

fn args(list: &[&str]) -> impl Iterator<Item = String> {
    list.iter()
        .map(|arg| arg.to_string())
        .collect::<Vec<_>>()
        .into_iter()
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn no_paths_or_a_flag_is_a_usage_error() {
    for wrong in [&[][..], &["--team=many"], &["papers", "-v"]] {
        let error = check_args(args(wrong)).unwrap_err();
        assert!(error.contains(USAGE), "{error}");
        assert!(!error.contains('\n'), "one line: {error}");
    }
    let paths = check_args(args(&["a.txt", "notes"])).unwrap();
    let expected = [PathBuf::from("a.txt"), PathBuf::from("notes")];
    assert_eq!(paths, Command::Count(expected.to_vec()));
    for help in ["--help", "-h"] {
        assert_eq!(check_args(args(&["notes", help])), Ok(Command::Help));
    }
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn papers_and_employees_are_counted_in_words() {
    assert_eq!(count(1, "paper", "papers"), "1 paper");
    assert_eq!(count(0, "paper", "papers"), "0 papers");
    assert_eq!(count(6, "paper", "papers"), "6 papers");
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
#[cfg_attr(miri, ignore = "reads files, which Miri's isolation forbids")]
fn a_path_that_does_not_exist_is_a_clear_error() {
    let missing = sample_papers().join("no-such-memo.txt");
    let error = papers_under(&[sample_papers(), missing.clone()]).unwrap_err();
    assert_eq!(
        error,
        format!("no such file or folder: {}", missing.display())
    );
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
#[cfg_attr(miri, ignore = "reads files, which Miri's isolation forbids")]
fn every_file_under_a_folder_is_a_paper_once_and_in_order() {
    let folder = sample_papers();
    let memo = folder.join("monday-memo.txt");
    // The memo is named twice: once inside the folder, once on its own.
    let papers = papers_under(&[memo, folder.clone()]).unwrap();
    assert!(papers.unreadable.is_empty());
    let names: Vec<_> = papers
        .files
        .iter()
        .map(|paper| paper.strip_prefix(&folder).unwrap().to_owned())
        .collect();
    let expected = [
        "archive/closing-time.txt",
        "blank-form.txt",
        "deadline-policy.txt",
        "hiring-notice.txt",
        "incident-report.txt",
        "monday-memo.txt",
    ];
    assert_eq!(names, expected.map(PathBuf::from));
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
#[cfg_attr(miri, ignore = "reads files, which Miri's isolation forbids")]
fn words_are_runs_of_bytes_between_white_space() {
    let folder = TempFolder::new("words");
    let file = folder.0.join("paper.txt");
    for (bytes, words) in [
        (&b""[..], 0),
        (b"  \n\t ", 0),
        (b"one", 1),
        (b" hand off\tthe\npaper \n", 4),
        (b"caf\xe9 au lait", 3), // not UTF-8: still counted
    ] {
        fs::write(&file, bytes).unwrap();
        assert_eq!(words_in(&file).unwrap(), words, "{bytes:?}");
    }
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
#[cfg_attr(miri, ignore = "reads files, which Miri's isolation forbids")]
fn the_team_counts_every_paper_once() {
    let papers = papers_under(&[sample_papers()]).unwrap().files;
    for team_size in [1, 2, 5] {
        let mut shown = Vec::new();
        let tally = count_words(papers.clone(), team_size, |done, total| {
            shown.push((done, total));
        })
        .unwrap();
        assert_eq!(
            tally.report,
            Report {
                done: 6,
                panicked: 0
            }
        );
        let counts: Vec<usize> = tally.words.values().map(|w| *w.as_ref().unwrap()).collect();
        assert_eq!(counts, [32, 0, 51, 25, 36, 41]);
        // One progress call per paper, ending at "6 of 6".
        assert_eq!(shown.len(), 6);
        assert_eq!(shown.last(), Some(&(6, 6)));
    }
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
#[cfg_attr(miri, ignore = "reads files, which Miri's isolation forbids")]
fn a_file_that_cannot_be_read_is_reported_and_the_rest_are_counted() {
    let folder = sample_papers();
    // A folder handed off as a paper: reading it fails in the employee.
    let papers = vec![folder.join("archive"), folder.join("hiring-notice.txt")];
    let tally = count_words(papers, 2, |_, _| {}).unwrap();
    assert!(tally.words[&folder.join("archive")].is_err());
    assert_eq!(tally.words[&folder.join("hiring-notice.txt")], Ok(25));
    // The job returned an io::Error: the paper was done, not panicked.
    assert_eq!(
        tally.report,
        Report {
            done: 2,
            panicked: 0
        }
    );
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
fn progress_is_quiet_for_a_second_then_shown_four_times_a_second() {
    let mut progress = Progress::new();
    let start = progress.started;
    let at = |millis| start + Duration::from_millis(millis);
    assert!(!progress.due(at(0)));
    assert!(!progress.due(at(999)));
    assert!(progress.due(at(1_000)));
    assert!(!progress.due(at(1_249)));
    assert!(progress.due(at(1_250)));
    assert!(progress.due(at(1_600)));
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
#[cfg_attr(miri, ignore = "reads files, which Miri's isolation forbids")]
fn a_file_named_in_two_ways_is_counted_once_under_the_first_name() {
    let folder = sample_papers();
    let memo = folder.join("monday-memo.txt");
    let memo_again = folder.join("archive").join("..").join("monday-memo.txt");
    let papers = papers_under(&[memo_again.clone(), memo.clone(), folder.clone()]).unwrap();
    assert_eq!(papers.files.len(), 6);
    let memos: Vec<_> = papers
        .files
        .iter()
        .filter(|f| f.ends_with("monday-memo.txt"))
        .collect();
    // `papers/archive/../monday-memo.txt` sorts before `papers/monday-memo.txt`.
    assert_eq!(memos, [&memo_again]);
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
#[cfg_attr(miri, ignore = "reads files, which Miri's isolation forbids")]
fn inside_a_folder_symbolic_links_are_skipped() {
    let folder = TempFolder::new("links");
    let file = folder.0.join("memo.txt");
    fs::write(&file, "one two").unwrap();
    std::os::unix::fs::symlink(&file, folder.0.join("link-to-memo.txt")).unwrap();
    std::os::unix::fs::symlink(&folder.0, folder.0.join("link-to-folder")).unwrap();
    let papers = papers_under(std::slice::from_ref(&folder.0)).unwrap();
    assert_eq!(papers.files, [file]);
    assert!(papers.unreadable.is_empty());
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
#[cfg_attr(miri, ignore = "reads files, which Miri's isolation forbids")]
fn a_path_that_is_neither_file_nor_folder_is_refused() {
    // /dev/null is a device: reading a device or a pipe could wait forever.
    let error = papers_under(&[PathBuf::from("/dev/null")]).unwrap_err();
    assert_eq!(error, "not a file or folder: /dev/null");
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
#[cfg_attr(miri, ignore = "reads files, which Miri's isolation forbids")]
fn a_folder_that_cannot_be_read_is_a_failed_paper_and_the_rest_are_counted() {
    use std::os::unix::fs::PermissionsExt;
    let folder = TempFolder::new("locked");
    fs::write(folder.0.join("memo.txt"), "one two").unwrap();
    let locked = folder.0.join("locked");
    fs::create_dir(&locked).unwrap();
    fs::write(locked.join("secret.txt"), "three").unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read_dir(&locked).is_ok() {
        // Running as root: permissions do not apply, and this test has
        // no way to make a folder unreadable. Say so rather than pass.
        eprintln!("note: running as root, a locked folder is still readable: not tested");
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    let papers = papers_under(std::slice::from_ref(&folder.0)).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(papers.files, [folder.0.join("memo.txt")]);
    assert_eq!(papers.unreadable.len(), 1);
    let (named, error) = &papers.unreadable[0];
    assert_eq!(named, &locked, "the error names the folder that failed");
    assert!(
        error
            .as_ref()
            .unwrap_err()
            .starts_with("cannot read the folder")
    );
}
