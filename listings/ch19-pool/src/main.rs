// rustdoc (behind `mdbook test`) finds crates only by an `extern crate`
// line; cargo does not need it.
extern crate ch19_pool;
extern crate num_cpus;

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ch19_pool::{Outcome, Pool, Report, Ticket};

#[cfg(test)]
mod main_tests;

const USAGE: &str = "usage: cargo run -p ch19-pool -- <file or folder>...";

// ANCHOR: main
fn main() -> ExitCode {
    let paths = match check_args(std::env::args().skip(1)) {
        Ok(paths) => paths,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    let papers = match papers_under(&paths) {
        Ok(papers) => papers,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(1);
        }
    };

    // One employee per logical CPU this program may run on.
    let team_size = num_cpus::get();
    let mut progress = Progress::new();
    let tally = count_words(papers, team_size, |done, total| {
        progress.show(done, total);
    });
    progress.finish();

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
    println!("manager : {team_size} employees went home: {done} papers done, {panicked} panicked");
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
// ANCHOR_END: main

/// Paths to count words in; no paths, or anything that looks like a flag,
/// is a usage error. (Name a file that starts with `-` as `./-file`.)
fn check_args(args: impl Iterator<Item = String>) -> Result<Vec<PathBuf>, String> {
    let mut paths = Vec::new();
    for arg in args {
        if arg.starts_with('-') {
            return Err(format!("error: unexpected argument `{arg}`; {USAGE}"));
        }
        paths.push(PathBuf::from(arg));
    }
    if paths.is_empty() {
        return Err(format!("error: no file or folder given; {USAGE}"));
    }
    Ok(paths)
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
) -> Tally {
    let total = papers.len();
    let pool = match Pool::new(team_size, |paper: PathBuf| words_in(&paper)) {
        Ok(pool) => pool,
        // Only a team of zero is refused; num_cpus::get() is at least 1.
        Err(error) => panic!("cannot hire a team of {team_size}: {error}"),
    };
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
    Tally { words, report }
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
/// white space, so a file need not be UTF-8).
fn words_in(paper: &Path) -> io::Result<usize> {
    let bytes = fs::read(paper)?;
    let words = bytes.split(|byte| byte.is_ascii_whitespace());
    Ok(words.filter(|word| !word.is_empty()).count())
}
// ANCHOR_END: count_words

/// Every file under `paths`, sorted, each once. A folder is read all the
/// way down (symbolic links inside a folder are not followed). A path
/// that does not exist is an error.
fn papers_under(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut papers = Vec::new();
    for path in paths {
        let metadata = fs::metadata(path).map_err(|error| match error.kind() {
            io::ErrorKind::NotFound => format!("no such file or folder: {}", path.display()),
            _ => format!("{}: {error}", path.display()),
        })?;
        if metadata.is_dir() {
            add_folder(path, &mut papers)
                .map_err(|error| format!("{}: {error}", path.display()))?;
        } else {
            papers.push(path.clone());
        }
    }
    papers.sort();
    papers.dedup();
    Ok(papers)
}

fn add_folder(folder: &Path, papers: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            add_folder(&entry.path(), papers)?;
        } else if kind.is_file() {
            papers.push(entry.path());
        }
    }
    Ok(())
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
