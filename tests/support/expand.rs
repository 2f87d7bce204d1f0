//! Expands a book's chapters with mdBook's own preprocessors. Shared by
//! `build.rs` (which feeds skeptic) and the guard tests, so both see exactly
//! the text `mdbook build` renders.

use std::path::{Path, PathBuf};

use mdbook_driver::MDBook;
use mdbook_driver::book::BookItem;
use mdbook_driver::builtin_renderers::MarkdownRenderer;
use mdbook_driver::errors::Result;

/// One chapter after `{{#include}}` and friends have been replaced.
pub struct ExpandedChapter {
    /// The chapter's path relative to the book's `src/`.
    pub path: PathBuf,
    pub content: String,
}

pub fn expand_chapters(book_root: &Path) -> Result<Vec<ExpandedChapter>> {
    let book = MDBook::load(book_root)?;
    // The link preprocessor runs for every renderer; the markdown renderer is
    // simply the one whose output is the expanded Markdown itself.
    let (expanded, _) = book.preprocess_book(&MarkdownRenderer::new())?;
    let mut chapters = Vec::new();
    for item in expanded.iter() {
        let BookItem::Chapter(chapter) = item else {
            continue;
        };
        let Some(path) = chapter.path.as_ref() else {
            continue;
        };
        chapters.push(ExpandedChapter {
            path: path.clone(),
            content: chapter.content.clone(),
        });
    }
    Ok(chapters)
}
