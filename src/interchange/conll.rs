//! CoNLL: one token per line with its BIO label (`token<TAB>B-org`), `-DOCSTART-` before
//! each article, a blank line after each sentence.
//!
//! Tokens are runs of non-blank characters with leading and trailing punctuation split
//! off (an abbreviation such as `U.S.` and an initial keep their final period, `'s` is a token
//! of its own), and are also cut where a span starts or ends. BIO cannot nest: the outermost
//! span wins, and a tag wins over a recognised mention. Sentences end at a line break and
//! after `.`, `!` or `?` (with the closing quotes or brackets that follow them), never
//! inside a span.

use crate::analysis::FileAnalysis;
use crate::text::TextRange;

use super::{ExportOptions, FileMentions, PlainSpan, spans_in};

/// The CoNLL text of one analysed file.
pub fn export(analysis: &FileAnalysis, options: ExportOptions) -> String {
    let mentions = FileMentions::new(analysis);
    let mut out = String::new();
    for (index, article) in analysis.articles.iter().enumerate() {
        out.push_str("-DOCSTART-\tO\n\n");
        let text = article.plain.text.trim_end();
        let spans = outermost(spans_in(
            analysis,
            &mentions,
            Some(index),
            &article.plain,
            options,
        ));
        write_article(text, &spans, &mut out);
    }
    out
}

/// Drops every span that overlaps an earlier (outer) one. `spans` is sorted by start,
/// longer first.
fn outermost(spans: Vec<PlainSpan>) -> Vec<PlainSpan> {
    let mut kept: Vec<PlainSpan> = Vec::new();
    for span in spans {
        if kept
            .last()
            .is_some_and(|last| last.range.end > span.range.start)
        {
            continue;
        }
        kept.push(span);
    }
    kept
}

fn write_article(text: &str, spans: &[PlainSpan], out: &mut String) {
    let mut boundaries: Vec<usize> = spans
        .iter()
        .flat_map(|s| [s.range.start, s.range.end])
        .filter(|&b| text.is_char_boundary(b))
        .collect();
    boundaries.sort_unstable();
    boundaries.dedup();
    let mut in_sentence = false;
    let mut ended = false;
    for line in lines(text) {
        for token in tokens(text, line, &boundaries) {
            let word = &text[token.start..token.end];
            let label = label(token, spans);
            // A sentence never ends inside a span (`S. Korea`).
            if ended && !is_closing(word) && !label.starts_with("I-") {
                out.push('\n');
            }
            ended = matches!(word, "." | "!" | "?") || (ended && is_closing(word));
            out.push_str(word);
            out.push('\t');
            out.push_str(&label);
            out.push('\n');
            in_sentence = true;
        }
        if in_sentence {
            out.push('\n');
            in_sentence = false;
        }
        ended = false;
    }
}

fn is_closing(word: &str) -> bool {
    matches!(word, "”" | "’" | "\"" | "'" | ")" | "]")
}

fn label(token: TextRange, spans: &[PlainSpan]) -> String {
    let index = spans.partition_point(|s| s.range.end <= token.start);
    match spans.get(index) {
        Some(span) if span.range.start == token.start => format!("B-{}", span.ty),
        Some(span) if span.range.start < token.start => format!("I-{}", span.ty),
        _ => "O".to_owned(),
    }
}

/// The byte ranges of the lines of `text`, without their line ends.
fn lines(text: &str) -> impl Iterator<Item = TextRange> + '_ {
    let mut start = 0;
    text.split('\n').map(move |line| {
        let range = TextRange::new(start, start + line.trim_end_matches('\r').len());
        start += line.len() + 1;
        range
    })
}

/// The tokens of one line, cut at span boundaries.
fn tokens(text: &str, line: TextRange, boundaries: &[usize]) -> Vec<TextRange> {
    let mut tokens = Vec::new();
    let line_text = &text[line.start..line.end];
    let mut chunk_start: Option<usize> = None;
    let mut chunks = Vec::new();
    for (i, c) in line_text.char_indices() {
        match (c.is_whitespace(), chunk_start) {
            (true, Some(start)) => {
                chunks.push(TextRange::new(line.start + start, line.start + i));
                chunk_start = None;
            }
            (false, None) => chunk_start = Some(i),
            _ => {}
        }
    }
    if let Some(start) = chunk_start {
        chunks.push(TextRange::new(line.start + start, line.end));
    }
    for chunk in chunks {
        let first = boundaries.partition_point(|&b| b <= chunk.start);
        let mut at = chunk.start;
        for &cut in boundaries[first..].iter().take_while(|&&b| b < chunk.end) {
            split_punctuation(text, TextRange::new(at, cut), &mut tokens);
            at = cut;
        }
        split_punctuation(text, TextRange::new(at, chunk.end), &mut tokens);
    }
    tokens
}

/// Splits leading and trailing punctuation off a piece, one character per token.
fn split_punctuation(text: &str, piece: TextRange, tokens: &mut Vec<TextRange>) {
    let word = &text[piece.start..piece.end];
    if word.is_empty() {
        return;
    }
    let is_punct = |c: char| !c.is_alphanumeric();
    let core_start = word.find(|c: char| !is_punct(c)).unwrap_or(word.len());
    let mut core_end = word.rfind(|c: char| !is_punct(c)).map_or(core_start, |i| {
        i + word[i..].chars().next().map_or(1, char::len_utf8)
    });
    let mut core_start = core_start;
    let core = &word[core_start..core_end];
    // `U.S.` and `e.g.` keep their final period (the core already holds one), and so do
    // initials (`S. Korea`).
    let is_initial = core.chars().count() == 1 && core.chars().all(char::is_alphabetic);
    if word[core_end..].starts_with('.') && (core.contains('.') || is_initial) {
        core_end += 1;
    }
    // The clitic `'s` is one token, as in the usual English tokenisations.
    let leading = &word[..core_start];
    if matches!(leading, "'" | "’") && matches!(&word[core_start..core_end], "s" | "S") {
        core_start = 0;
    }
    for (i, c) in word[..core_start].char_indices() {
        tokens.push(TextRange::new(
            piece.start + i,
            piece.start + i + c.len_utf8(),
        ));
    }
    if core_end > core_start {
        // `alliance's` is `alliance` and `'s`, as the usual English tokenisations split it.
        let core = &word[core_start..core_end];
        let clitic = ["'s", "’s", "'S", "’S"]
            .iter()
            .find(|c| core.len() > c.len() && core.ends_with(*c))
            .map_or(0, |c| c.len());
        let split = core_end - clitic;
        tokens.push(TextRange::new(
            piece.start + core_start,
            piece.start + split,
        ));
        if clitic > 0 {
            tokens.push(TextRange::new(piece.start + split, piece.start + core_end));
        }
    }
    for (i, c) in word[core_end..].char_indices() {
        let at = piece.start + core_end + i;
        tokens.push(TextRange::new(at, at + c.len_utf8()));
    }
}
