//! Renders a book to HTML in-process, with the pinned mdBook, and reports
//! what `mdbook build` would only log: ERROR lines, and `{{#` links that
//! reached the HTML.

use std::fmt;
use std::fs;
use std::path::Path;
use std::sync::{Arc, Mutex};

use mdbook_driver::MDBook;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

#[derive(Debug, Default)]
pub struct Rendered {
    /// Messages mdBook logged at ERROR level while building.
    pub errors: Vec<String>,
    /// `file: line` for every line of HTML that still holds `{{#`.
    pub leftover_links: Vec<String>,
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
    let mut pending = vec![out.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
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
            }
        }
    }
    rendered
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
