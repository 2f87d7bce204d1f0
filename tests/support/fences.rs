//! Finds fenced code blocks in Markdown the way CommonMark does for the
//! fences this book uses (``` or ~~~, possibly indented inside a list).

/// A fenced code block.
pub struct CodeBlock {
    /// 1-based line number of the opening fence.
    pub line: usize,
    /// The info string after the fence (`rust,ignore`, `text`, ...).
    pub info: String,
    pub body: Vec<String>,
}

impl CodeBlock {
    /// The info string's words, split as rustdoc and skeptic split them.
    fn tags(&self) -> impl Iterator<Item = &str> {
        self.info
            .split(|c: char| !(c == '_' || c == '-' || c.is_alphanumeric()))
            .filter(|tag| !tag.is_empty())
    }

    pub fn is_rust(&self) -> bool {
        self.tags().any(|tag| tag == "rust")
    }

    /// Compiled *and* run by skeptic and rustdoc.
    pub fn is_run(&self) -> bool {
        !self
            .tags()
            .any(|tag| matches!(tag, "ignore" | "no_run" | "compile_fail"))
    }

    /// The lines a reader sees: in Rust blocks, `# `-prefixed lines are hidden.
    pub fn visible_lines(&self) -> impl Iterator<Item = &str> {
        let rust = self.is_rust();
        self.body.iter().map(String::as_str).filter(move |line| {
            let trimmed = line.trim_start();
            !(rust && (trimmed == "#" || trimmed.starts_with("# ")))
        })
    }
}

pub fn code_blocks(markdown: &str) -> Vec<CodeBlock> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, CodeBlock)> = None;
    for (index, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        let fence: String = trimmed
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .collect();
        let is_fence = fence.len() >= 3 && fence.chars().all(|c| c == fence.as_bytes()[0] as char);
        match open.take() {
            Some((opener, block))
                if is_fence
                    && fence.starts_with(&opener[..1])
                    && fence.len() >= opener.len()
                    && trimmed[fence.len()..].trim().is_empty() =>
            {
                blocks.push(block);
            }
            Some((opener, mut block)) => {
                block.body.push(line.to_string());
                open = Some((opener, block));
            }
            None if is_fence => {
                let info = trimmed[fence.len()..].trim().to_string();
                open = Some((
                    fence,
                    CodeBlock {
                        line: index + 1,
                        info,
                        body: Vec::new(),
                    },
                ));
            }
            None => {}
        }
    }
    // An unclosed fence runs to the end of the document in CommonMark.
    if let Some((_, block)) = open {
        blocks.push(block);
    }
    blocks
}
