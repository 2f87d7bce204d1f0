//! Tests of the worked example. The pool itself is tested in `tests.rs`.

use super::*;

fn sample_papers() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("papers")
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
    assert_eq!(paths, [PathBuf::from("a.txt"), PathBuf::from("notes")]);
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
    let names: Vec<_> = papers
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
    let folder = std::env::temp_dir().join(format!("ch19-pool-words-{}", std::process::id()));
    fs::create_dir_all(&folder).unwrap();
    let file = folder.join("paper.txt");
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
    fs::remove_dir_all(&folder).unwrap();
}

#[test]
#[cfg_attr(not(miri), ntest::timeout(10_000))]
#[cfg_attr(miri, ignore = "reads files, which Miri's isolation forbids")]
fn the_team_counts_every_paper_once() {
    let papers = papers_under(&[sample_papers()]).unwrap();
    for team_size in [1, 2, 5] {
        let mut shown = Vec::new();
        let tally = count_words(papers.clone(), team_size, |done, total| {
            shown.push((done, total));
        });
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
    let tally = count_words(papers, 2, |_, _| {});
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
