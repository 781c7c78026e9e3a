//! The syntax of a whole file, window by window: the windows that are well formed are
//! lowered directly, and only the others are parsed with tree-sitter.
//!
//! A window runs from the start of a separator line to the start of the next one (the
//! first from the start of the file), as in `reparse`. A broken tag in one article
//! then costs a parse of that article and its two neighbours instead of the whole
//! file. The neighbours are parsed to make sure the broken window's error recovery
//! stays inside it: they must come out as they do alone, and every separator line
//! must still be a separator, or the whole file is parsed.

use crate::text::TextRange;

use super::FileSyntax;
use super::direct::lower_direct;
use super::lower::empty_article;
use super::reparse::{move_article, move_diagnostic, move_tag};

/// The syntax of a file: what parsing and lowering it gives, computed without a parse
/// where the text is well formed.
pub fn parse_and_lower(text: &str) -> FileSyntax {
    by_windows(text).unwrap_or_else(|| parse_whole(text))
}

fn parse_whole(text: &str) -> FileSyntax {
    super::lower(text, &super::parse(text))
}

/// Where the windows of `text` start, and the separator each one opens with.
fn windows(text: &str) -> (Vec<usize>, Vec<Option<TextRange>>) {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut separators = vec![None];
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let line = &bytes[start..end];
        if let Some(dash) = line.iter().position(|&b| b != b' ' && b != b'\t')
            && line[dash] == b'-'
            && line[dash + 1..].iter().all(|&b| b == b' ' || b == b'\t')
        {
            let separator = TextRange::new(start + dash, start + dash + 1);
            if start == 0 {
                separators[0] = Some(separator);
            } else {
                starts.push(start);
                separators.push(Some(separator));
            }
        }
        start = end + 1;
    }
    (starts, separators)
}

fn by_windows(text: &str) -> Option<FileSyntax> {
    // Lone CRs end lines for the parser, and CRLF files are left to it whole.
    if memchr::memchr(b'\r', text.as_bytes()).is_some() {
        return None;
    }
    let (starts, separators) = windows(text);
    let count = starts.len();
    // Going window by window from the start, rather than trying the whole file first,
    // spares lowering twice what comes before a broken window: most files of an
    // archive have one.
    if count < 2 {
        return lower_direct(text);
    }
    let end_of = |w: usize| starts.get(w + 1).copied().unwrap_or(text.len());
    let mut fragments: Vec<Option<FileSyntax>> = (0..count)
        .map(|w| lower_direct(&text[starts[w]..end_of(w)]))
        .collect();
    let mut first = 0;
    while first < count {
        if fragments[first].is_some() {
            first += 1;
            continue;
        }
        let mut last = first;
        while last + 1 < count && fragments[last + 1].is_none() {
            last += 1;
        }
        let low = first.saturating_sub(1);
        let high = (last + 1).min(count - 1);
        let from = starts[low];
        let parsed = parse_whole(&text[from..end_of(high)]);
        let relative: Vec<usize> = starts[low..=high].iter().map(|s| s - from).collect();
        let expected: Vec<TextRange> = separators[low..=high]
            .iter()
            .flatten()
            .map(|s| TextRange::new(s.start - from, s.end - from))
            .collect();
        if parsed.separators != expected {
            return None;
        }
        for (w, piece) in (low..=high).zip(split(&parsed, &relative)?) {
            if (first..=last).contains(&w) {
                fragments[w] = Some(piece);
            } else if fragments[w].as_ref() != Some(&piece) {
                return None;
            }
        }
        first = last + 1;
    }
    Some(join(text, &starts, fragments.into_iter().flatten()))
}

/// Cuts the syntax of consecutive windows (starting at `starts`, relative to the
/// parsed text) into the syntax of each, in its own offsets; `None` when an article,
/// or a tag with its article or parent, lies across a window's edge.
fn split(parsed: &FileSyntax, starts: &[usize]) -> Option<Vec<FileSyntax>> {
    let window_of = |at: usize| starts.partition_point(|&s| s <= at).saturating_sub(1);
    let mut pieces: Vec<FileSyntax> = (0..starts.len()).map(|_| FileSyntax::default()).collect();
    let mut article_window = Vec::with_capacity(parsed.articles.len());
    let mut article_base = vec![usize::MAX; starts.len()];
    for (index, article) in parsed.articles.iter().enumerate() {
        let w = window_of(article.range.start);
        if window_of(article.range.end.max(article.range.start + 1) - 1) != w {
            return None;
        }
        article_window.push(w);
        article_base[w] = article_base[w].min(index);
    }
    let mut tag_base = vec![usize::MAX; starts.len()];
    for (index, tag) in parsed.tags.iter().enumerate() {
        let w = window_of(tag.range.start);
        tag_base[w] = tag_base[w].min(index);
        let parent_inside = tag.parent.is_none_or(|p| p >= tag_base[w]);
        if article_window.get(tag.article) != Some(&w) || !parent_inside {
            return None;
        }
    }
    for (index, article) in parsed.articles.iter().enumerate() {
        let w = article_window[index];
        let mut article = article.clone();
        let tags_before = if article.tags.is_empty() {
            article.tags.start.min(tag_base[w])
        } else {
            tag_base[w]
        };
        move_article(&mut article, -(starts[w] as isize), -(tags_before as isize));
        pieces[w].articles.push(article);
    }
    for tag in &parsed.tags {
        let w = window_of(tag.range.start);
        let mut tag = tag.clone();
        move_tag(
            &mut tag,
            -(starts[w] as isize),
            -(tag_base[w] as isize),
            -(article_base[w] as isize),
        );
        pieces[w].tags.push(tag);
    }
    for separator in &parsed.separators {
        let w = window_of(separator.start);
        pieces[w].separators.push(TextRange::new(
            separator.start - starts[w],
            separator.end - starts[w],
        ));
    }
    for escape in &parsed.escapes {
        let w = window_of(escape.start);
        pieces[w].escapes.push(TextRange::new(
            escape.start - starts[w],
            escape.end - starts[w],
        ));
    }
    for diagnostic in &parsed.diagnostics {
        // Empty articles between separators are decided again over the whole file.
        if diagnostic.code == crate::DiagnosticCode::MissingTitle
            && parsed.separators.contains(&diagnostic.range)
        {
            continue;
        }
        let w = window_of(diagnostic.range.start);
        let mut diagnostic = diagnostic.clone();
        move_diagnostic(&mut diagnostic, -(starts[w] as isize));
        pieces[w].diagnostics.push(diagnostic);
    }
    // A window with no tags keeps an empty tag range at its first tag's place, which
    // only the window knows.
    for piece in &mut pieces {
        let mut next = 0;
        for article in &mut piece.articles {
            if article.tags.is_empty() {
                article.tags = next..next;
            }
            next = article.tags.end;
        }
    }
    Some(pieces)
}

/// The syntax of the file from the syntax of its windows, in order.
fn join(text: &str, starts: &[usize], fragments: impl Iterator<Item = FileSyntax>) -> FileSyntax {
    let mut file = FileSyntax {
        bom: text.starts_with('\u{feff}'),
        ..FileSyntax::default()
    };
    for (fragment, &start) in fragments.zip(starts) {
        let at = start as isize;
        let tags = file.tags.len() as isize;
        let articles = file.articles.len() as isize;
        file.articles
            .extend(fragment.articles.into_iter().map(|mut article| {
                move_article(&mut article, at, tags);
                article
            }));
        file.tags.extend(fragment.tags.into_iter().map(|mut tag| {
            move_tag(&mut tag, at, tags, articles);
            tag
        }));
        let moved = |r: TextRange| TextRange::new(r.start + start, r.end + start);
        file.separators
            .extend(fragment.separators.into_iter().map(moved));
        file.escapes.extend(fragment.escapes.into_iter().map(moved));
        file.diagnostics
            .extend(fragment.diagnostics.into_iter().map(|mut diagnostic| {
                move_diagnostic(&mut diagnostic, at);
                diagnostic
            }));
    }
    let empty: Vec<_> = file
        .separators
        .windows(2)
        .filter_map(|pair| empty_article(text, pair[0], pair[1]))
        .collect();
    file.diagnostics.extend(empty);
    file.diagnostics
        .sort_by_key(|d| (d.range.start, d.range.end));
    file
}
