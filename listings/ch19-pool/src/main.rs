// rustdoc (behind `mdbook test`) finds crates only by an `extern crate`
// line; cargo does not need it.
extern crate ch19_pool;
extern crate num_cpus;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ch19_pool::{HireError, Outcome, Pool, Report, Ticket};

#[cfg(test)]
mod main_tests;

const USAGE: &str = "usage: cargo run -p ch19-pool -- <file or folder>...";

// ANCHOR: main
fn main() -> ExitCode {
    let paths = match check_args(std::env::args().skip(1)) {
        Ok(Command::Count(paths)) => paths,
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    let Papers { files, unreadable } = match papers_under(&paths) {
        Ok(papers) => papers,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(1);
        }
    };

    // One employee per logical CPU this program may run on.
    let team_size = num_cpus::get();
    let mut progress = Progress::new();
    let counted = count_words(files, team_size, |done, total| {
        progress.show(done, total);
    });
    progress.finish();
    let mut tally = match counted {
        Ok(tally) => tally,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(1);
        }
    };
    // A folder that could not be read is a paper that failed.
    tally.words.extend(unreadable);

    let mut total = 0;
    let mut failed = false;
    for (paper, words) in &tally.words {
        match words {
            Ok(words) => {
                println!("{words:>7} {}", paper.display());
                total += words;
            }
            Err(error) => {
                eprintln!("error: {}: {error}", paper.display());
                failed = true;
            }
        }
    }
    println!("{total:>7} words in total");
    let Report { done, panicked } = tally.report;
    let team = count(team_size as u64, "employee", "employees");
    let done = count(done, "paper", "papers");
    println!("manager : {team} went home: {done} done, {panicked} panicked");
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
// ANCHOR_END: main

/// "1 paper", "2 papers".
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What the command line asks for.
#[derive(Debug, PartialEq)]
enum Command {
    /// Count the words in every file under these paths.
    Count(Vec<PathBuf>),
    /// `--help` or `-h`: print the usage.
    Help,
}

/// Paths to count words in; no paths, or anything else that looks like a
/// flag, is a usage error. (Name a file that starts with `-` as `./-file`.)
fn check_args(args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut paths = Vec::new();
    for arg in args {
        if arg == "--help" || arg == "-h" {
            return Ok(Command::Help);
        }
        if arg.starts_with('-') {
            return Err(format!("error: unexpected argument `{arg}`; {USAGE}"));
        }
        paths.push(PathBuf::from(arg));
    }
    if paths.is_empty() {
        return Err(format!("error: no file or folder given; {USAGE}"));
    }
    Ok(Command::Count(paths))
}

// ANCHOR: count_words
/// Per file, its word count or why it could not be read; and what the
/// team did.
struct Tally {
    words: BTreeMap<PathBuf, Result<usize, String>>,
    report: Report,
}

/// The manager hires `team_size` employees and hands each of them files
/// to count words in. `progress(done, total)` is told as outcomes arrive.
fn count_words(
    papers: Vec<PathBuf>,
    team_size: usize,
    mut progress: impl FnMut(usize, usize),
) -> Result<Tally, HireError> {
    let total = papers.len();
    let pool = Pool::new(team_size, |paper: PathBuf| words_in(&paper))?;
    let mut on_ticket = HashMap::new();
    let mut words = BTreeMap::new();

    for paper in papers {
        // Returns once an employee holds the paper.
        match pool.assign(paper.clone()) {
            Ok(ticket) => on_ticket.insert(ticket, paper),
            // Nobody shuts this pool down while we assign.
            Err(error) => unreachable!("{error}"),
        };
        // Whatever is done by now, for the progress line.
        for outcome in pool.outcomes().try_iter() {
            record(outcome, &mut on_ticket, &mut words);
            progress(words.len(), total);
        }
    }
    // Every employee finishes the paper in hand; then the team goes home.
    let report = pool.shutdown();
    for outcome in pool.outcomes().try_iter() {
        record(outcome, &mut on_ticket, &mut words);
        progress(words.len(), total);
    }
    Ok(Tally { words, report })
}

/// Files the outcome under the paper its ticket stands for.
fn record(
    outcome: Outcome<io::Result<usize>>,
    on_ticket: &mut HashMap<Ticket, PathBuf>,
    words: &mut BTreeMap<PathBuf, Result<usize, String>>,
) {
    let paper = on_ticket.remove(&outcome.ticket);
    let paper = paper.expect("one outcome per ticket handed out");
    let count = match outcome.result {
        Ok(Ok(count)) => Ok(count),
        Ok(Err(error)) => Err(error.to_string()),
        Err(panicked) => Err(panicked.to_string()),
    };
    words.insert(paper, count);
}

/// The job: the number of words in one file (runs of bytes between ASCII
/// white space, so a file need not be UTF-8). It reads the whole file into
/// memory at once: simple, and fine for the files of this example.
fn words_in(paper: &Path) -> io::Result<usize> {
    let bytes = fs::read(paper)?;
    let words = bytes.split(|byte| byte.is_ascii_whitespace());
    Ok(words.filter(|word| !word.is_empty()).count())
}
// ANCHOR_END: count_words

/// The files to count, and the folders that could not be read.
#[derive(Debug, Default)]
struct Papers {
    files: Vec<PathBuf>,
    unreadable: Vec<(PathBuf, Result<usize, String>)>,
}

/// Every file under `paths`, sorted, each once, even if it is named
/// twice in different ways (`notes/a.txt`, `./notes/a.txt`). A folder is
/// read all the way down; inside a folder, only files and folders count:
/// symbolic links and special files (pipes, devices) are skipped. A path
/// that does not exist, or is neither a file nor a folder, is an error.
fn papers_under(paths: &[PathBuf]) -> Result<Papers, String> {
    let mut papers = Papers::default();
    for path in paths {
        let metadata = fs::metadata(path).map_err(|error| match error.kind() {
            io::ErrorKind::NotFound => format!("no such file or folder: {}", path.display()),
            _ => format!("{}: {error}", path.display()),
        })?;
        if metadata.is_dir() {
            add_folder(path, &mut papers);
        } else if metadata.is_file() {
            papers.files.push(path.clone());
        } else {
            // Reading a pipe or a device could wait forever.
            return Err(format!("not a file or folder: {}", path.display()));
        }
    }
    papers.files.sort();
    // The same file under two names is counted once, under the first name
    // in sorted order.
    let mut seen = HashSet::new();
    papers
        .files
        .retain(|file| seen.insert(fs::canonicalize(file).unwrap_or_else(|_| file.clone())));
    Ok(papers)
}

/// Adds the files under `folder`. A folder that cannot be read is noted,
/// and the rest are still read.
fn add_folder(folder: &Path, papers: &mut Papers) {
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) => {
            let error = format!("cannot read the folder: {error}");
            return papers.unreadable.push((folder.to_path_buf(), Err(error)));
        }
    };
    for entry in entries {
        let kind = entry.and_then(|entry| Ok((entry.file_type()?, entry.path())));
        match kind {
            Ok((kind, path)) if kind.is_dir() => add_folder(&path, papers),
            Ok((kind, path)) if kind.is_file() => papers.files.push(path),
            Ok(_) => {} // a symbolic link or a special file: skipped
            Err(error) => {
                let error = format!("cannot read the folder: {error}");
                papers.unreadable.push((folder.to_path_buf(), Err(error)));
            }
        }
    }
}

/// A progress line on stderr, only for runs longer than a second, at most
/// four times a second. Short runs print nothing.
struct Progress {
    started: Instant,
    shown: Option<Instant>,
}

impl Progress {
    const QUIET_FOR: Duration = Duration::from_secs(1);
    const EVERY: Duration = Duration::from_millis(250);

    fn new() -> Self {
        Progress {
            started: Instant::now(),
            shown: None,
        }
    }

    fn show(&mut self, done: usize, total: usize) {
        if self.due(Instant::now()) {
            eprint!("\rmanager : {done} of {total} papers counted");
        }
    }

    /// Is a progress line due at `now`? If so, it counts as shown.
    fn due(&mut self, now: Instant) -> bool {
        let due = match self.shown {
            None => now.duration_since(self.started) >= Self::QUIET_FOR,
            Some(shown) => now.duration_since(shown) >= Self::EVERY,
        };
        if due {
            self.shown = Some(now);
        }
        due
    }

    fn finish(&self) {
        if self.shown.is_some() {
            eprintln!();
        }
    }
}
