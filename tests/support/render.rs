//! Renders a book to HTML in-process, with the pinned mdBook, and reports
//! what `mdbook build` would only log: ERROR lines, and `{{#` links that
//! reached the HTML.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

use regex::Regex;

use mdbook_driver::MDBook;

use super::files_under;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

#[derive(Debug, Default)]
pub struct Rendered {
    /// Messages mdBook logged at ERROR level while building.
    pub errors: Vec<String>,
    /// `file: line` for every line of HTML that still holds `{{#`.
    pub leftover_links: Vec<String>,
    /// Links between pages (or within one) whose target page or heading
    /// does not exist: mdBook renders them without a word.
    pub broken_links: Vec<String>,
    /// How many HTML files were written.
    pub pages: usize,
}

pub fn render_html(book_root: &Path, out: &Path) -> Rendered {
    let errors = Arc::new(Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::registry().with(ErrorLog(Arc::clone(&errors)));
    let built = tracing::subscriber::with_default(subscriber, || {
        let mut book = MDBook::load(book_root)?;
        book.config.build.build_dir = out.to_path_buf();
        book.build()
    });
    if let Err(error) = built {
        panic!("mdbook build failed for {}: {error:#}", book_root.display());
    }

    let mut rendered = Rendered {
        errors: errors.lock().map(|e| e.clone()).unwrap_or_default(),
        ..Rendered::default()
    };
    let mut pages = BTreeMap::new();
    for path in files_under(out) {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        rendered.pages += 1;
        let html = fs::read_to_string(&path).unwrap_or_default();
        for (index, line) in html.lines().enumerate() {
            if line.contains("{{#") {
                rendered.leftover_links.push(format!(
                    "{}:{}: {}",
                    path.display(),
                    index + 1,
                    line.trim()
                ));
            }
        }
        pages.insert(path, html);
    }
    rendered.broken_links = broken_links(out, &pages);
    rendered
}

static LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r##"href="([^"#:?]*)(?:#([^"]*))?""##).expect("a valid regex"));

/// Relative links from one page to another page or to a heading: the page
/// must exist, and so must an element with the heading's `id`.
fn broken_links(out: &Path, pages: &BTreeMap<PathBuf, String>) -> Vec<String> {
    let mut broken = Vec::new();
    for (page, html) in pages {
        // print.html repeats every chapter with rewritten links; the chapter
        // pages are the ones readers follow.
        if page.ends_with("print.html") || page.ends_with("404.html") {
            continue;
        }
        for link in LINK.captures_iter(html) {
            let file = &link[1];
            if !file.is_empty() && !file.ends_with(".html") {
                continue; // a stylesheet, an image, a folder
            }
            let target = if file.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap_or(out).join(file)
            };
            let Some(text) = pages.get(&target) else {
                broken.push(format!("{}: no page {file}", page.display()));
                continue;
            };
            let id = link.get(2).map_or("", |m| m.as_str());
            if !id.is_empty() && !text.contains(&format!("id=\"{id}\"")) {
                broken.push(format!(
                    "{}: no heading #{id} in {}",
                    page.display(),
                    target.display()
                ));
            }
        }
    }
    broken
}

/// A tracing layer that keeps the message of every ERROR event.
struct ErrorLog(Arc<Mutex<Vec<String>>>);

impl<S: Subscriber> Layer<S> for ErrorLog {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if *event.metadata().level() == Level::ERROR {
            let mut message = Message(String::new());
            event.record(&mut message);
            if let Ok(mut errors) = self.0.lock() {
                errors.push(message.0);
            }
        }
    }
}

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}
