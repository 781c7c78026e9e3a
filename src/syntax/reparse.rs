//! Re-parsing after an edit: only the articles around the edit are parsed and lowered
//! again; the syntax of every other article is moved by the edit's length difference.
//!
//! A separator line (`-` alone on its line) ends whatever came before it: the grammar
//! starts afresh after it, and no tag or date runs across a line end. So the text from
//! the start of a separator line to the start of a later one parses on its own exactly
//! as it does inside the file, and a file is the concatenation of such windows.

use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::text::TextRange;

use super::{ArticleSyntax, FileSyntax, TagSyntax};

/// The syntax of an edited file, and which part of it is new.
#[derive(Debug)]
pub struct Reparsed {
    pub syntax: FileSyntax,
    /// The window parsed again, in the old text.
    pub old_window: Window,
    /// The same window in the new text.
    pub new_window: TextRange,
    /// The articles of the window: indices into the old and into the new syntax.
    pub old_articles: std::ops::Range<usize>,
    pub new_articles: std::ops::Range<usize>,
    /// New length minus old length.
    pub delta: isize,
}

/// The syntax of `new_text`, which is `old_text` with `edit` replaced by text of
/// length `inserted`, computed from `old` (the syntax of `old_text`) by parsing only
/// the window of articles the edit touches.
///
/// `None` when the old syntax does not split at the window's edges: error recovery
/// can let an article run over a separator line in badly broken text, and then only
/// a whole parse gives the same result.
pub fn reparse(
    old_text: &str,
    old: &FileSyntax,
    edit: TextRange,
    new_text: &str,
    inserted: usize,
) -> Option<Reparsed> {
    let delta = new_text.len() as isize - old_text.len() as isize;
    let old_window = window(old_text, old, edit);
    let new_window = TextRange::new(
        old_window.start,
        moved(old_window.end, delta).max(old_window.start),
    );
    debug_assert_eq!(new_window.end, old_window.end - edit.len() + inserted);
    let fragment_text = &new_text[new_window.start..new_window.end];
    // Lowered without a tree where the window is well formed, as a whole file is.
    let mut fragment = super::parse_and_lower(fragment_text);
    let at = new_window.start as isize;

    // Everything the old syntax holds falls before, inside or after the old window.
    let window = Window {
        range: old_window,
        reaches_end: old_window.end == old_text.len(),
    };
    let (articles_before, articles_inside) = window.split(&old.articles, |a| a.range.start);
    let (tags_before, tags_inside) = window.split(&old.tags, |t| t.range.start);
    let crosses_start = old.articles[..articles_before]
        .last()
        .is_some_and(|a| a.range.end > old_window.start);
    let crosses_end = old.articles[articles_before..articles_before + articles_inside]
        .last()
        .is_some_and(|a| a.range.end > old_window.end);
    if crosses_start || crosses_end {
        return None;
    }
    let article_delta = fragment.articles.len() as isize - articles_inside as isize;
    let tag_delta = fragment.tags.len() as isize - tags_inside as isize;

    let mut articles = Vec::with_capacity(old.articles.len().saturating_add_signed(article_delta));
    articles.extend_from_slice(&old.articles[..articles_before]);
    for article in &mut fragment.articles {
        move_article(article, at, tags_before as isize);
    }
    articles.append(&mut fragment.articles);
    for article in &old.articles[articles_before + articles_inside..] {
        let mut article = article.clone();
        move_article(&mut article, delta, tag_delta);
        articles.push(article);
    }

    let mut tags = Vec::with_capacity(old.tags.len().saturating_add_signed(tag_delta));
    tags.extend_from_slice(&old.tags[..tags_before]);
    for tag in &mut fragment.tags {
        move_tag(tag, at, tags_before as isize, articles_before as isize);
    }
    tags.append(&mut fragment.tags);
    for tag in &old.tags[tags_before + tags_inside..] {
        let mut tag = tag.clone();
        move_tag(&mut tag, delta, tag_delta, article_delta);
        tags.push(tag);
    }

    let separators = splice_ranges(&old.separators, &fragment.separators, window, at, delta);
    let escapes = splice_ranges(&old.escapes, &fragment.escapes, window, at, delta);
    let mut diagnostics =
        splice_diagnostics(&old.diagnostics, &fragment.diagnostics, window, at, delta);
    // Whether an article between two separators is empty is the one check that looks
    // across a window's edge: decide it again for the separators on both edges.
    for edge in [new_window.start, new_window.end] {
        let index = separators.partition_point(|sep| sep.start < edge);
        let Some(&separator) = separators.get(index) else {
            continue;
        };
        diagnostics.retain(|d| !(d.code == DiagnosticCode::MissingTitle && d.range == separator));
        let previous = index.checked_sub(1).map(|i| separators[i]);
        if let Some(diagnostic) =
            previous.and_then(|previous| super::lower::empty_article(new_text, previous, separator))
        {
            let at = diagnostics.partition_point(|d| {
                (d.range.start, d.range.end) <= (separator.start, separator.end)
            });
            diagnostics.insert(at, diagnostic);
        }
    }

    let bom = if new_window.start == 0 {
        fragment.bom
    } else {
        old.bom
    };
    let fragment_crosses = fragment
        .articles
        .last()
        .is_some_and(|a| a.range.end > new_window.end);
    if fragment_crosses {
        return None;
    }
    Some(Reparsed {
        syntax: FileSyntax {
            bom,
            articles,
            separators,
            tags,
            escapes,
            diagnostics,
        },
        old_window: window,
        new_window,
        old_articles: articles_before..articles_before + articles_inside,
        new_articles: articles_before
            ..articles_before + articles_inside.saturating_add_signed(article_delta),
        delta,
    })
}

/// The window of `old_text` to parse again for an edit of `edit`: from the start of
/// the last separator line that ends before the edit (or the file start) to the start
/// of the first separator line after it (or the file end).
fn window(old_text: &str, old: &FileSyntax, edit: TextRange) -> TextRange {
    let bytes = old_text.as_bytes();
    let line_start = |at: usize| super::line_start_before(bytes, at);
    // The last line has no line break: an edit at the end of the file continues it.
    let line_end = |at: usize| super::next_line_start(bytes, at).unwrap_or(usize::MAX);
    // A separator line still stands when the edit starts after its line break.
    let first_after = old
        .separators
        .partition_point(|sep| line_end(sep.end) <= edit.start);
    let start = first_after
        .checked_sub(1)
        .map_or(0, |i| line_start(old.separators[i].start));
    // Text inserted right before a separator line could join it; the window ends at a
    // separator line that starts after the edit's end.
    let end = old.separators[first_after..]
        .iter()
        .map(|sep| line_start(sep.start))
        .find(|&line| line > edit.end)
        .unwrap_or(bytes.len());
    TextRange::new(start, end)
}

fn moved(offset: usize, delta: isize) -> usize {
    offset.saturating_add_signed(delta)
}

fn move_range(range: &mut TextRange, delta: isize) {
    range.start = moved(range.start, delta);
    range.end = moved(range.end, delta);
}

pub(super) fn move_article(article: &mut ArticleSyntax, delta: isize, tag_delta: isize) {
    move_range(&mut article.range, delta);
    if let Some(title) = &mut article.title {
        move_range(title, delta);
    }
    if let Some(body) = &mut article.body {
        move_range(body, delta);
    }
    for marker in &mut article.dates {
        move_range(&mut marker.range, delta);
        move_range(&mut marker.value_range, delta);
    }
    article.tags = moved(article.tags.start, tag_delta)..moved(article.tags.end, tag_delta);
}

pub(super) fn move_tag(tag: &mut TagSyntax, delta: isize, tag_delta: isize, article_delta: isize) {
    move_range(&mut tag.range, delta);
    move_range(&mut tag.span, delta);
    if let Some(range) = &mut tag.type_range {
        move_range(range, delta);
    }
    for attribute in &mut tag.attributes {
        move_range(&mut attribute.range, delta);
        move_range(&mut attribute.name_range, delta);
        if let Some(range) = &mut attribute.value_range {
            move_range(range, delta);
        }
    }
    if let Some(parent) = &mut tag.parent {
        *parent = moved(*parent, tag_delta);
    }
    tag.article = moved(tag.article, article_delta);
}

/// Moves a diagnostic and everything it points at in its own file.
pub fn move_diagnostic(diagnostic: &mut Diagnostic, delta: isize) {
    move_range(&mut diagnostic.range, delta);
    for related in diagnostic.related.iter_mut().filter(|r| r.path.is_none()) {
        move_range(&mut related.range, delta);
    }
    if let Some(fix) = &mut diagnostic.fix {
        for edit in &mut fix.edits {
            move_range(&mut edit.range, delta);
        }
    }
}

/// Where an edit's window lies in the old text.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub range: TextRange,
    /// Whether the window runs to the end of the file: what starts there is inside.
    pub reaches_end: bool,
}

impl Window {
    fn before(self, start: usize) -> bool {
        start < self.range.start
    }

    fn holds(self, start: usize) -> bool {
        self.range.contains(start) || (self.reaches_end && start == self.range.end)
    }

    /// How many items, in document order, lie before the window and inside it.
    pub fn split<T>(self, items: &[T], start_of: impl Fn(&T) -> usize) -> (usize, usize) {
        let before = items.partition_point(|item| self.before(start_of(item)));
        let inside = items[before..]
            .iter()
            .take_while(|item| self.holds(start_of(item)))
            .count();
        (before, inside)
    }
}

/// Old items before the window, the fragment's items moved to the window, and old
/// items after the window moved by `delta`.
fn splice_ranges(
    old: &[TextRange],
    fragment: &[TextRange],
    window: Window,
    at: isize,
    delta: isize,
) -> Vec<TextRange> {
    let (before, inside) = window.split(old, |r| r.start);
    let after = &old[before + inside..];
    let mut out = Vec::with_capacity(before + fragment.len() + after.len());
    out.extend_from_slice(&old[..before]);
    out.extend(fragment.iter().map(|r| {
        let mut r = *r;
        move_range(&mut r, at);
        r
    }));
    out.extend(after.iter().map(|r| {
        let mut r = *r;
        move_range(&mut r, delta);
        r
    }));
    out
}

/// Like [`splice_ranges`] for diagnostics sorted by position.
pub fn splice_diagnostics(
    old: &[Diagnostic],
    fragment: &[Diagnostic],
    window: Window,
    at: isize,
    delta: isize,
) -> Vec<Diagnostic> {
    let (before, inside) = window.split(old, |d| d.range.start);
    let after = &old[before + inside..];
    let mut out = Vec::with_capacity(before + fragment.len() + after.len());
    out.extend_from_slice(&old[..before]);
    out.extend(fragment.iter().cloned().map(|mut d| {
        move_diagnostic(&mut d, at);
        d
    }));
    out.extend(after.iter().cloned().map(|mut d| {
        move_diagnostic(&mut d, delta);
        d
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64, so that a failing edit script can be replayed from its seed.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    /// Pieces that change structure: separators, line breaks, brackets, tag parts,
    /// date markers, multi-byte characters and CRLF.
    const PIECES: &[&str] = &[
        "-",
        "\n",
        "\n-\n",
        "\n\n",
        "-\n",
        "[",
        "]",
        "]{org}",
        "{",
        "}",
        "[Seoul]{place}",
        "x",
        " ",
        "date2025-01-02",
        " date2026-02-30",
        "é",
        "한국",
        "\r\n",
        "\\[",
        "ref=a",
        "[a [b]{org}]{event}",
        "\u{feff}",
    ];

    fn texts(folders: &[&str]) -> Vec<(String, String)> {
        let mut texts = vec![(
            "inline".to_owned(),
            "\u{feff}Title one\nBody [Korea]{place ref=korea} date2025-01-02\n-\n\n-\nSecond [x]{org\n  - not a separator\nBody \\[ [unclosed date2024-02-30\n-\r\nThird\r\n[EU]{place} said date: 2025-03-04\r\n\n"
                .to_owned(),
        )];
        for folder in folders {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
            let mut paths: Vec<_> = std::fs::read_dir(&root)
                .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|path| {
                    path.extension()
                        .is_some_and(|ext| ext == "article" || ext == "txt")
                })
                .collect();
            paths.sort();
            for path in paths {
                // The one example saved in Latin-1 on purpose is never parsed as text.
                if path.ends_with("broken/invalid-utf8.article") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("example files are UTF-8");
                // Long files are cut at a line so every edit can be checked against a
                // full parse quickly.
                let cut = text
                    .char_indices()
                    .map(|(i, _)| i)
                    .find(|&i| i >= 6_000 && text.as_bytes()[i - 1] == b'\n')
                    .unwrap_or(text.len());
                texts.push((path.display().to_string(), text[..cut].to_owned()));
            }
        }
        texts
    }

    fn full(text: &str) -> FileSyntax {
        super::super::lower(text, &super::super::parse(text))
    }

    #[test]
    fn reparsing_a_window_equals_parsing_the_whole_file() {
        reparse_windows_of(&["examples", "examples/broken", "examples/eval"]);
    }

    /// Needs the shared seeds beside the repository: `cargo test -- --ignored shared_data`.
    #[test]
    #[ignore = "reads ../shared, which CI puts beside the checkout"]
    fn shared_data_reparsing_seed_windows_equals_parsing_the_whole_file() {
        reparse_windows_of(&["../shared/seeds"]);
    }

    fn reparse_windows_of(folders: &[&str]) {
        // More steps for a longer search: `ACCORD_REPARSE_STEPS=5000 cargo test reparse`.
        let steps: usize = std::env::var("ACCORD_REPARSE_STEPS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(150);
        let mut whole = 0;
        let mut edits = 0;
        for (name, original) in texts(folders) {
            edits += steps;
            let mut rng = Rng(0x5eed ^ original.len() as u64);
            let mut text = original;
            let mut syntax = full(&text);
            for step in 0..steps {
                let mut start = rng.below(text.len() + 1);
                while !text.is_char_boundary(start) {
                    start -= 1;
                }
                let mut end = (start + rng.below(12)).min(text.len());
                if rng.below(3) == 0 {
                    end = start;
                }
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                let inserted = if rng.below(4) == 0 {
                    ""
                } else {
                    PIECES[rng.below(PIECES.len())]
                };
                let mut new_text = String::with_capacity(text.len() + inserted.len());
                new_text.push_str(&text[..start]);
                new_text.push_str(inserted);
                new_text.push_str(&text[end..]);
                let reparsed = reparse(
                    &text,
                    &syntax,
                    TextRange::new(start, end),
                    &new_text,
                    inserted.len(),
                );
                let expected = full(&new_text);
                let Some(reparsed) = reparsed else {
                    whole += 1;
                    text = new_text;
                    syntax = expected;
                    continue;
                };
                assert_eq!(
                    reparsed.syntax, expected,
                    "{name}, step {step}: replacing {start}..{end} with {inserted:?}"
                );
                text = new_text;
                syntax = reparsed.syntax;
            }
        }
        // Falling back to a whole parse is for badly broken text only.
        assert!(whole * 20 < edits, "{whole} of {edits} edits parsed whole");
    }
}
