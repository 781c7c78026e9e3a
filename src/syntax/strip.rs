//! Stripping tags: the plain text under the annotations, with a map between plain and
//! annotated offsets.
//!
//! `[Korea]{place}` becomes `Korea` and `\[` becomes `[`, so stripping an annotated
//! file gives back the text it was annotated from, byte for byte (docs/format.md §2). Malformed
//! tags are not tags: their text is kept as written.

use crate::text::TextRange;

use super::FileSyntax;

/// A run of bytes kept from the annotated text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Segment {
    plain: usize,
    annotated: usize,
    len: usize,
}

/// Plain text and the map back to the annotated text it came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlainText {
    pub text: String,
    segments: Vec<Segment>,
}

impl PlainText {
    /// The annotated offset of a plain offset that starts a range: a range starting
    /// where a tag's span starts maps to just after the `[`.
    pub fn to_annotated_start(&self, plain: usize) -> usize {
        let idx = self.segments.partition_point(|s| s.plain + s.len <= plain);
        match self.segments.get(idx) {
            Some(s) if s.plain <= plain => s.annotated + (plain - s.plain),
            Some(s) => s.annotated,
            None => self.end_annotated(),
        }
    }

    /// The annotated offset of a plain offset that ends a range: a range ending where a
    /// tag's span ends maps to just before the `]`.
    pub fn to_annotated_end(&self, plain: usize) -> usize {
        let idx = self.segments.partition_point(|s| s.plain + s.len < plain);
        match self.segments.get(idx) {
            Some(s) if s.plain <= plain => s.annotated + (plain - s.plain),
            Some(s) => s.annotated,
            None => self.end_annotated(),
        }
    }

    pub fn to_annotated(&self, range: TextRange) -> TextRange {
        let start = self.to_annotated_start(range.start);
        let end = self.to_annotated_end(range.end).max(start);
        TextRange::new(start, end)
    }

    /// The plain offset of an annotated offset; offsets inside tag syntax map to the
    /// nearest kept byte after them.
    pub fn to_plain(&self, annotated: usize) -> usize {
        let idx = self
            .segments
            .partition_point(|s| s.annotated + s.len <= annotated);
        match self.segments.get(idx) {
            Some(s) if s.annotated <= annotated => s.plain + (annotated - s.annotated),
            Some(s) => s.plain,
            None => self.text.len(),
        }
    }

    /// The same plain text, for annotated text that moved by `delta` bytes.
    pub fn moved(&self, delta: isize) -> PlainText {
        PlainText {
            text: self.text.clone(),
            segments: self
                .segments
                .iter()
                .map(|s| Segment {
                    annotated: s.annotated.saturating_add_signed(delta),
                    ..*s
                })
                .collect(),
        }
    }

    fn end_annotated(&self) -> usize {
        self.segments.last().map_or(0, |s| s.annotated + s.len)
    }
}

/// Strips the tags and escapes of `range` of a file.
pub fn strip_range(text: &str, syntax: &FileSyntax, range: TextRange) -> PlainText {
    // The bytes to drop: each tag's `[` and its `]{...}`, and each escape's backslash.
    let mut drops: Vec<TextRange> = Vec::new();
    let first_tag = syntax.tags.partition_point(|t| t.range.start < range.start);
    for tag in &syntax.tags[first_tag..] {
        if tag.range.start >= range.end {
            break;
        }
        drops.push(TextRange::new(tag.range.start, tag.span.start));
        drops.push(TextRange::new(tag.span.end, tag.range.end));
    }
    let first_escape = syntax.escapes.partition_point(|e| e.start < range.start);
    for escape in &syntax.escapes[first_escape..] {
        if escape.start >= range.end {
            break;
        }
        drops.push(TextRange::new(escape.start, escape.start + 1));
    }
    drops.sort_unstable_by_key(|d| d.start);

    let mut plain = PlainText {
        text: String::with_capacity(range.len()),
        segments: Vec::with_capacity(drops.len() + 1),
    };
    let mut at = range.start;
    let keep = |from: usize, to: usize, plain: &mut PlainText| {
        if to > from {
            plain.segments.push(Segment {
                plain: plain.text.len(),
                annotated: from,
                len: to - from,
            });
            push_with_lf_line_ends(&mut plain.text, text, from, to);
        }
    };
    for drop in drops {
        let start = drop.start.max(at).min(range.end);
        keep(at, start, &mut plain);
        at = at.max(drop.end.min(range.end));
    }
    keep(at, range.end, &mut plain);
    plain
}

/// Appends `text[from..to]`, with each lone CR of `text` as an LF: the recognisers
/// then read a file with old Mac line ends as its LF twin, at the same offsets.
fn push_with_lf_line_ends(out: &mut String, text: &str, from: usize, to: usize) {
    let piece = &text[from..to];
    if memchr::memchr(b'\r', piece.as_bytes()).is_none() {
        out.push_str(piece);
        return;
    }
    for (i, c) in piece.char_indices() {
        let lone_cr = c == '\r' && text.as_bytes().get(from + i + 1) != Some(&b'\n');
        out.push(if lone_cr { '\n' } else { c });
    }
}

/// Strips a whole file.
pub fn strip_file(text: &str, syntax: &FileSyntax) -> PlainText {
    strip_range(text, syntax, TextRange::new(0, text.len()))
}
