//! Checks that fail where mdBook and skeptic stay silent: a missing include
//! file or anchor, an include that shows nothing, an `ANCHOR` without its
//! `ANCHOR_END`, a listing no chapter uses, and a ```rust block nobody runs.

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use super::expand::expand_chapters;
use super::fences::{CodeBlock, code_blocks};
use super::files_under;

/// One thing the pipeline would otherwise render or test without complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// `{{#include path}}` names a file that does not exist.
    MissingIncludeFile { chapter: PathBuf, link: String },
    /// `{{#include path:anchor}}` names an anchor the file does not have.
    MissingAnchor { chapter: PathBuf, link: String },
    /// The include exists but shows the reader nothing.
    EmptyInclude { chapter: PathBuf, link: String },
    /// A code block that is empty (or all hidden) once expanded.
    EmptyCodeBlock { chapter: PathBuf, line: usize },
    /// `ANCHOR: name` with no `ANCHOR_END: name` after it, or the reverse.
    UnmatchedAnchor { file: PathBuf, anchor: String },
    /// `{{#` survived expansion: mdBook only logs such links.
    UnexpandedLink { chapter: PathBuf, text: String },
    /// A crate under `listings/` that no chapter includes.
    UnusedListing { listing: String },
    /// A listing's Go companion (`go/main.go`) that no chapter shows.
    UnusedCompanion { listing: String },
    /// A ```rust block that is neither compiled and run by skeptic nor by
    /// rustdoc, without a `<!-- not-run: reason -->` line before it.
    UnrunRustBlock {
        chapter: PathBuf,
        line: usize,
        info: String,
    },
    /// A fence with no language: rustdoc would compile it as Rust, skeptic
    /// would skip it.
    UnlabelledFence { chapter: PathBuf, line: usize },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::MissingIncludeFile { chapter, link } => {
                write!(
                    f,
                    "{}: `{link}` names a file that does not exist",
                    chapter.display()
                )
            }
            Problem::MissingAnchor { chapter, link } => {
                write!(
                    f,
                    "{}: `{link}` names an anchor the file does not have",
                    chapter.display()
                )
            }
            Problem::EmptyInclude { chapter, link } => {
                write!(f, "{}: `{link}` shows nothing", chapter.display())
            }
            Problem::EmptyCodeBlock { chapter, line } => write!(
                f,
                "{}: the code block at line {line} of the expanded chapter shows nothing",
                chapter.display()
            ),
            Problem::UnmatchedAnchor { file, anchor } => write!(
                f,
                "{}: anchor `{anchor}` is opened without ANCHOR_END or closed without ANCHOR",
                file.display()
            ),
            Problem::UnexpandedLink { chapter, text } => {
                write!(f, "{}: `{text}` was left unexpanded", chapter.display())
            }
            Problem::UnusedListing { listing } => {
                write!(f, "listings/{listing} is not included by any chapter")
            }
            Problem::UnusedCompanion { listing } => {
                write!(
                    f,
                    "listings/{listing}/go/main.go is not shown by any chapter"
                )
            }
            Problem::UnrunRustBlock {
                chapter,
                line,
                info,
            } => write!(
                f,
                "{}:{line}: ```{info} is not run; put `<!-- not-run: why -->` on the line before it",
                chapter.display()
            ),
            Problem::UnlabelledFence { chapter, line } => write!(
                f,
                "{}:{line}: a fence without a language (rustdoc would compile it as Rust); say `text`",
                chapter.display()
            ),
        }
    }
}

/// `{{#include path}}`, `{{#include path:anchor}}`, `{{#rustdoc_include ...}}`.
/// A leading backslash escapes the link in mdBook, so it is skipped here too.
static INCLUDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^|[^\\])(\{\{\s*#(?:include|rustdoc_include)\s+([^}:\s]+)(?::([^}\s]*))?\s*\}\})")
        .expect("the include pattern is a valid regex")
});
static ANCHOR_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR:\s*([\w_-]+)").expect("valid regex"));
static ANCHOR_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR_END:\s*([\w_-]+)").expect("valid regex"));

/// Every problem in the book rooted at `root` (a folder with `book.toml`,
/// `src/` and `listings/`).
pub fn check_book(root: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    let src = root.join("src");
    let mut included = BTreeSet::new();
    let mut included_files = BTreeSet::new();

    for chapter in markdown_files(&src) {
        let relative = chapter.strip_prefix(&src).unwrap_or(&chapter).to_path_buf();
        let text = read(&chapter);
        for link in INCLUDE.captures_iter(&text) {
            let whole = link[2].to_string();
            let target = chapter.parent().unwrap_or(&src).join(&link[3]);
            if let Some(listing) = listing_name(root, &target) {
                included.insert(listing);
            }
            included_files.insert(normalise(&target));
            problems.extend(check_include(
                &relative,
                whole,
                &target,
                link.get(4).map(|m| m.as_str()),
            ));
        }
        problems.extend(check_fences(&relative, &text));
    }

    for file in files_under(&root.join("listings")) {
        problems.extend(check_anchor_pairs(&file));
    }

    for listing in listing_crates(root) {
        let companion = root.join("listings").join(&listing).join("go/main.go");
        if companion.is_file() && !included_files.contains(&normalise(&companion)) {
            problems.push(Problem::UnusedCompanion {
                listing: listing.clone(),
            });
        }
        if !included.contains(&listing) {
            problems.push(Problem::UnusedListing { listing });
        }
    }

    match expand_chapters(root) {
        Ok(chapters) => {
            for chapter in chapters {
                problems.extend(check_expanded(&chapter.path, &chapter.content));
            }
        }
        Err(error) => panic!("mdBook could not load {}: {error:#}", root.display()),
    }
    problems
}

fn check_include(
    chapter: &Path,
    link: String,
    target: &Path,
    anchor: Option<&str>,
) -> Option<Problem> {
    let chapter = chapter.to_path_buf();
    let Ok(text) = fs::read_to_string(target) else {
        return Some(Problem::MissingIncludeFile { chapter, link });
    };
    let visible: Vec<&str> = match anchor {
        // Line ranges (`:3:10`) and whole files.
        Some(a) if !a.is_empty() && !a.starts_with(|c: char| c.is_ascii_digit()) => {
            match anchored_lines(&text, a) {
                Some(lines) => lines,
                None => return Some(Problem::MissingAnchor { chapter, link }),
            }
        }
        _ => text.lines().collect(),
    };
    if visible.iter().all(|line| line.trim().is_empty()) {
        return Some(Problem::EmptyInclude { chapter, link });
    }
    None
}

/// The lines between `ANCHOR: name` and `ANCHOR_END: name`, without any
/// anchor lines (as mdBook shows them); `None` if either marker is missing.
fn anchored_lines<'a>(text: &'a str, name: &str) -> Option<Vec<&'a str>> {
    let mut lines = text.lines();
    lines.find(|l| ANCHOR_START.captures(l).is_some_and(|c| &c[1] == name))?;
    let mut kept = Vec::new();
    for line in lines {
        if ANCHOR_END.captures(line).is_some_and(|c| &c[1] == name) {
            return Some(kept);
        }
        if !ANCHOR_START.is_match(line) && !ANCHOR_END.is_match(line) {
            kept.push(line);
        }
    }
    None
}

/// Each `ANCHOR: x` must be followed by an `ANCHOR_END: x`, and each end
/// must close an open anchor.
fn check_anchor_pairs(file: &Path) -> Vec<Problem> {
    let Ok(text) = fs::read_to_string(file) else {
        return Vec::new(); // not text: nothing to anchor
    };
    let mut open: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    for line in text.lines() {
        if let Some(end) = ANCHOR_END.captures(line) {
            match open.iter().position(|name| name == &end[1]) {
                Some(at) => {
                    open.remove(at);
                }
                None => problems.push(Problem::UnmatchedAnchor {
                    file: file.to_path_buf(),
                    anchor: end[1].to_string(),
                }),
            }
        } else if let Some(start) = ANCHOR_START.captures(line) {
            open.push(start[1].to_string());
        }
    }
    problems.extend(open.into_iter().map(|anchor| Problem::UnmatchedAnchor {
        file: file.to_path_buf(),
        anchor,
    }));
    problems
}

/// Fences in the chapter as written: every fence names its language, and a
/// Rust block that is not run says why.
fn check_fences(chapter: &Path, text: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    for block in code_blocks(text) {
        if block.info.trim().is_empty() {
            problems.push(Problem::UnlabelledFence {
                chapter: chapter.to_path_buf(),
                line: block.line,
            });
        } else if block.is_rust() && !block.is_run() && !has_not_run_reason(text, &block) {
            problems.push(Problem::UnrunRustBlock {
                chapter: chapter.to_path_buf(),
                line: block.line,
                info: block.info.clone(),
            });
        }
    }
    problems
}

/// The line before the fence reads `<!-- not-run: some reason -->`.
fn has_not_run_reason(text: &str, block: &CodeBlock) -> bool {
    let Some(previous) = block.line.checked_sub(2).and_then(|i| text.lines().nth(i)) else {
        return false;
    };
    let previous = previous.trim();
    previous
        .strip_prefix("<!-- not-run:")
        .and_then(|rest| rest.strip_suffix("-->"))
        .is_some_and(|reason| !reason.trim().is_empty())
}

/// The chapter as rendered: nothing left unexpanded, no empty code block.
fn check_expanded(chapter: &Path, text: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if let Some(at) = line.find("{{#") {
            // `\{{#` is mdBook's escape for showing a link literally.
            if at == 0 || !line[..at].ends_with('\\') {
                problems.push(Problem::UnexpandedLink {
                    chapter: chapter.to_path_buf(),
                    text: format!(
                        "{} (line {} of the expanded chapter)",
                        line.trim(),
                        index + 1
                    ),
                });
            }
        }
    }
    for block in code_blocks(text) {
        if block.visible_lines().all(|line| line.trim().is_empty()) {
            problems.push(Problem::EmptyCodeBlock {
                chapter: chapter.to_path_buf(),
                line: block.line,
            });
        }
    }
    problems
}

/// The listing crate (`listings/<name>/`) a path points into, if any.
fn listing_name(root: &Path, target: &Path) -> Option<String> {
    let listings = root.join("listings");
    let normal = normalise(target);
    let rest = normal.strip_prefix(normalise(&listings)).ok()?;
    Some(
        rest.components()
            .next()?
            .as_os_str()
            .to_string_lossy()
            .into_owned(),
    )
}

/// Resolves `..` without touching the file system (the file may not exist).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Names of the crates under `listings/` (folders with a `Cargo.toml`).
pub fn listing_crates(root: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(root.join("listings")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    files_under(dir)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "md"))
        .collect()
}

fn read(path: &Path) -> String {
    match fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => panic!("cannot read {}: {error}", path.display()),
    }
}
