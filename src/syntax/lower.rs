//! Lowering: one walk over the tree that builds the owned model of a file (articles,
//! date markers, tags with attributes, escapes) and reports the problems of syntax and
//! article structure.
//!
//! The walk is iterative: a line of a hundred thousand nested `[` makes a tree that
//! deep, and recursion would overflow the stack.

use std::ops::Range;

use serde::Serialize;
use tree_sitter::{Node, Tree};

use crate::diagnostic::{Diagnostic, DiagnosticCode, Fix, Related};
use crate::text::TextRange;

use super::views::range_of;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FileSyntax {
    /// Whether the file opens with a byte order mark (kept on output).
    pub bom: bool,
    pub articles: Vec<ArticleSyntax>,
    pub separators: Vec<TextRange>,
    /// Every tag of the file in document order; an outer tag comes before the tags
    /// nested in it.
    pub tags: Vec<TagSyntax>,
    /// `\[`, `\]`, `\{`, `\}` and `\\` in text, which stand for their second character.
    pub escapes: Vec<TextRange>,
    /// Problems of syntax and article structure, in document order.
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ArticleSyntax {
    pub range: TextRange,
    /// The title line's content.
    pub title: Option<TextRange>,
    pub body: Option<TextRange>,
    /// The date markers, in order; the first is the article date.
    pub dates: Vec<DateMarker>,
    /// The article's tags, as indices into [`FileSyntax::tags`].
    pub tags: Range<usize>,
}

impl ArticleSyntax {
    /// The article date, when the first marker names a real day.
    pub fn date(&self) -> Option<jiff::civil::Date> {
        self.dates.first().and_then(|marker| marker.date)
    }

    /// Where the text of the article ends for recognition: before its date marker when
    /// that marker ends the article, else at the end of the article.
    pub fn content_end(&self) -> usize {
        match self.dates.first() {
            Some(marker) => marker.range.start,
            None => self.range.end,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DateMarker {
    /// The whole marker, `date2025-12-10` or `date: 2025-12-10`.
    pub range: TextRange,
    /// The `YYYY-MM-DD` part.
    pub value_range: TextRange,
    /// The day, when it exists in the calendar.
    pub date: Option<jiff::civil::Date>,
    /// Whether the marker is spelled `dateYYYY-MM-DD`.
    pub canonical: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TagSyntax {
    /// From `[` to `}`.
    pub range: TextRange,
    /// The annotated text between `[` and `]`.
    pub span: TextRange,
    pub type_range: Option<TextRange>,
    pub type_name: String,
    pub attributes: Vec<AttributeSyntax>,
    /// The tag this one is nested in, as an index into [`FileSyntax::tags`].
    pub parent: Option<usize>,
    /// The article the tag is in, as an index into [`FileSyntax::articles`].
    pub article: usize,
}

impl TagSyntax {
    pub fn attribute(&self, name: &str) -> Option<&AttributeSyntax> {
        self.attributes.iter().find(|attr| attr.name == name)
    }

    /// The value of an attribute, unescaped.
    pub fn value_of(&self, name: &str) -> Option<&str> {
        self.attribute(name).and_then(|attr| attr.value.as_deref())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttributeSyntax {
    /// From the name to the end of the value.
    pub range: TextRange,
    pub name_range: TextRange,
    pub name: String,
    /// The value as written, quotes included.
    pub value_range: Option<TextRange>,
    /// The value with quotes removed and `\"`, `\\` unescaped.
    pub value: Option<String>,
}

/// Splits a date marker's text into the range of its `YYYY-MM-DD` part (relative to
/// the marker) and whether it is spelled canonically. Accepts `dateYYYY-MM-DD`,
/// `date: YYYY-MM-DD` and `date YYYY-MM-DD`.
pub fn parse_date_marker(marker: &str) -> Option<(Range<usize>, bool)> {
    let rest = marker.strip_prefix("date")?;
    let value_start = rest
        .find(|c: char| c.is_ascii_digit())
        .filter(|&i| rest[..i].chars().all(|c| c == ':' || c == ' ' || c == '\t'))?;
    let value = rest[value_start..].trim_end();
    let bytes = value.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return None;
    }
    let start = 4 + value_start;
    Some((start..start + 10, value_start == 0))
}

/// The date marker that ends `range`'s text after a blank, if there is one.
fn trailing_date_marker(text: &str, range: TextRange) -> Option<TextRange> {
    let content = text[range.start..range.end].trim_end();
    content
        .match_indices("date")
        .map(|(at, _)| at)
        .filter(|&at| at > 0 && matches!(content.as_bytes()[at - 1], b' ' | b'\t'))
        .find(|&at| parse_date_marker(&content[at..]).is_some())
        .map(|at| TextRange::new(range.start + at, range.start + content.len()))
}

pub(super) struct Lowering<'a> {
    text: &'a str,
    pub(super) file: FileSyntax,
    /// Tags whose subtree the walk is in, innermost last.
    open_tags: Vec<usize>,
    pub(super) current_article: Option<usize>,
    /// Byte offset of the start of the line of the last malformed-tag report, so that
    /// one bad line yields one diagnostic.
    last_malformed_line: Option<usize>,
    /// Tags whose subtree holds a syntax error: they are text, not tags.
    malformed_tags: std::collections::HashSet<usize>,
}

/// The diagnostic of a separator that follows another with nothing but blank lines
/// between them.
pub(super) fn empty_article(
    text: &str,
    previous: TextRange,
    separator: TextRange,
) -> Option<Diagnostic> {
    let between = text.get(previous.end..separator.start)?;
    between.trim().is_empty().then(|| {
        Diagnostic::new(
            DiagnosticCode::MissingTitle,
            separator,
            "empty article: two separators with no title between them",
        )
    })
}

/// Builds the owned model of a parsed file and its syntax diagnostics.
pub fn lower(text: &str, tree: &Tree) -> FileSyntax {
    let mut lowering = Lowering::new(text);
    let mut cursor = tree.walk();
    // Depth-first walk with explicit enter and leave events.
    'walk: loop {
        let node = cursor.node();
        let field = cursor.field_name();
        lowering.enter(node, field);
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            lowering.leave(cursor.node());
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    lowering.finish()
}

impl<'a> Lowering<'a> {
    pub(super) fn new(text: &'a str) -> Lowering<'a> {
        Lowering {
            text,
            file: FileSyntax {
                bom: text.starts_with('\u{feff}'),
                ..FileSyntax::default()
            },
            open_tags: Vec::new(),
            current_article: None,
            last_malformed_line: None,
            malformed_tags: std::collections::HashSet::new(),
        }
    }

    /// The checks that need the whole file, then the file's syntax.
    pub(super) fn finish(mut self) -> FileSyntax {
        self.drop_malformed_tags();
        self.assign_tags();
        self.finish_articles();
        self.file
            .diagnostics
            .sort_by_key(|d| (d.range.start, d.range.end));
        self.file
    }

    fn enter(&mut self, node: Node<'_>, field: Option<&str>) {
        if node.is_error() || node.is_missing() {
            self.malformed(node);
            return;
        }
        match node.kind() {
            "article" => {
                let start = self.file.tags.len();
                self.file.articles.push(ArticleSyntax {
                    range: range_of(node),
                    tags: start..start,
                    ..ArticleSyntax::default()
                });
                self.current_article = Some(self.file.articles.len() - 1);
            }
            "separator" => {
                self.file.separators.push(range_of(node));
                self.current_article = None;
            }
            "title" => {
                if let Some(article) = self.article_mut() {
                    article.title = Some(range_of(node));
                }
            }
            "body" => {
                if let Some(article) = self.article_mut() {
                    article.body = Some(range_of(node));
                }
            }
            "article_date" => self.date_marker(range_of(node)),
            "tag" => {
                let range = range_of(node);
                self.file.tags.push(TagSyntax {
                    range,
                    // Narrowed when the span node is seen; an empty span has none.
                    span: TextRange::empty(range.start + 1),
                    type_range: None,
                    type_name: String::new(),
                    attributes: Vec::new(),
                    parent: self.open_tags.last().copied(),
                    article: self.current_article.unwrap_or(0),
                });
                self.open_tags.push(self.file.tags.len() - 1);
            }
            "span" if field == Some("span") => {
                if let Some(tag) = self.innermost_tag() {
                    tag.span = range_of(node);
                }
            }
            "tag_type" => {
                let range = range_of(node);
                let name = self.text[range.start..range.end].to_owned();
                if let Some(tag) = self.innermost_tag() {
                    tag.type_range = Some(range);
                    tag.type_name = name;
                }
            }
            "attribute" => {
                let range = range_of(node);
                if let Some(tag) = self.innermost_tag() {
                    tag.attributes.push(AttributeSyntax {
                        range,
                        name_range: TextRange::empty(range.start),
                        name: String::new(),
                        value_range: None,
                        value: None,
                    });
                }
            }
            "attribute_name" => {
                let range = range_of(node);
                let name = self.text[range.start..range.end].to_owned();
                if let Some(attr) = self.innermost_attribute() {
                    attr.name_range = range;
                    attr.name = name;
                }
            }
            "bare_value" | "quoted_value" => {
                let range = range_of(node);
                let value = unquote(&self.text[range.start..range.end]);
                if let Some(attr) = self.innermost_attribute() {
                    attr.value_range = Some(range);
                    attr.value = Some(value);
                }
            }
            "escape" => self.file.escapes.push(range_of(node)),
            "text" => self.stray_tag_close(range_of(node)),
            _ => {}
        }
    }

    fn leave(&mut self, node: Node<'_>) {
        if node.kind() == "tag" && !node.is_error() && !node.is_missing() {
            if let Some(index) = self.open_tags.pop() {
                self.check_tag(index);
            }
        } else if node.kind() == "article" {
            let end = self.file.tags.len();
            if let Some(article) = self.article_mut() {
                article.tags.end = end;
            }
        }
    }

    fn article_mut(&mut self) -> Option<&mut ArticleSyntax> {
        let index = self.current_article?;
        self.file.articles.get_mut(index)
    }

    fn innermost_tag(&mut self) -> Option<&mut TagSyntax> {
        let index = *self.open_tags.last()?;
        self.file.tags.get_mut(index)
    }

    fn innermost_attribute(&mut self) -> Option<&mut AttributeSyntax> {
        self.innermost_tag()?.attributes.last_mut()
    }

    /// The byte range of the line containing `offset`, without its line end.
    fn line_around(&self, offset: usize) -> TextRange {
        let bytes = self.text.as_bytes();
        let start = super::line_start_before(bytes, offset);
        let end = super::line_end_after(bytes, offset);
        TextRange::new(start, end.max(start))
    }

    /// Reports a malformed tag from its `[` (or the error's start) to the end of the
    /// line's content, once per line.
    fn malformed(&mut self, node: Node<'_>) {
        let mut start = node.start_byte();
        // The tags around the error are not tags: their text stays as written. An error
        // right after a tag on its line (`[x]{org ref=}`) belongs to that tag too.
        self.malformed_tags.extend(self.open_tags.iter().copied());
        if let Some(last) = self.file.tags.len().checked_sub(1)
            && self.file.tags[last].range.end == start
        {
            self.malformed_tags.insert(last);
        }
        // A MISSING token is empty; the problem starts at the tag it belongs to.
        if let Some(&tag_index) = self.open_tags.first() {
            let tag_start = self.file.tags[tag_index].range.start;
            if self.line_around(tag_start) == self.line_around(start) {
                start = start.min(tag_start);
            }
        }
        let line = self.line_around(start);
        if self.last_malformed_line == Some(line.start) {
            return;
        }
        self.last_malformed_line = Some(line.start);
        // Start at the `[` that opened the broken tag when the error begins after it.
        let before = &self.text[line.start..start];
        if let Some(open) = before.rfind('[')
            && !before[open..].contains('}')
        {
            start = line.start + open;
        }
        let mut end = line.end.max(start);
        // A date marker that ends the line is the article's, not the broken tag's: the
        // bad tag ends before it, so the article keeps its date.
        if let Some(marker) = trailing_date_marker(self.text, TextRange::new(start, end)) {
            end = start + self.text[start..marker.start].trim_end().len();
            self.date_marker(marker);
        }
        let snippet = &self.text[start..end];
        let message = if !snippet.contains("]{") && !snippet.contains('{') {
            "malformed tag: expected `]{type ...}` after the span".to_owned()
        } else if !snippet.contains('}') {
            "malformed tag: `{` is not closed by `}` on this line".to_owned()
        } else if snippet.matches('"').count() % 2 == 1 {
            "malformed tag: a quoted value is not closed".to_owned()
        } else {
            "malformed tag: expected `[span]{type key=value ...}`".to_owned()
        };
        self.file.diagnostics.push(Diagnostic::new(
            DiagnosticCode::MalformedTag,
            TextRange::new(start, end),
            message,
        ));
    }

    /// `]{` in plain text: the tag lost its `[`, or the tag runs across a line end.
    fn stray_tag_close(&mut self, range: TextRange) {
        let slice = &self.text[range.start..range.end];
        for found in memchr::memmem::find_iter(slice.as_bytes(), b"]{") {
            let start = range.start + found;
            let line = self.line_around(start);
            if self.last_malformed_line == Some(line.start) {
                continue;
            }
            self.last_malformed_line = Some(line.start);
            let rest = &self.text[start..line.end];
            let end = rest.find('}').map_or(line.end, |i| start + i + 1);
            self.file.diagnostics.push(Diagnostic::new(
                DiagnosticCode::MalformedTag,
                TextRange::new(start, end),
                "malformed tag: `]{` without a matching `[` on the same line (a tag lies within one line)",
            ));
        }
    }

    pub(super) fn check_tag(&mut self, index: usize) {
        let tag = &self.file.tags[index];
        let span_text = &self.text[tag.span.start..tag.span.end];
        if span_text.trim().is_empty() {
            self.file.diagnostics.push(Diagnostic::new(
                DiagnosticCode::EmptySpan,
                tag.range,
                "the tag annotates no text",
            ));
        }
        let tag = &self.file.tags[index];
        for (i, attr) in tag.attributes.iter().enumerate() {
            if let Some(first) = tag.attributes[..i].iter().find(|a| a.name == attr.name) {
                // Removing the repeat includes the blank before it.
                let removal_start = self.text[..attr.range.start]
                    .trim_end_matches([' ', '\t'])
                    .len()
                    .max(tag.range.start);
                let fix = if first.value == attr.value {
                    Some(Fix::replace(
                        format!("remove the repeated `{}`", attr.name),
                        TextRange::new(removal_start, attr.range.end),
                        "",
                    ))
                } else {
                    None
                };
                let mut diagnostic = Diagnostic::new(
                    DiagnosticCode::DuplicateAttribute,
                    attr.range,
                    format!("attribute `{}` is given twice", attr.name),
                )
                .with_related(Related {
                    path: None,
                    range: first.range,
                    message: "first given here".to_owned(),
                });
                diagnostic.fix = fix;
                self.file.diagnostics.push(diagnostic);
            }
        }
    }

    pub(super) fn date_marker(&mut self, range: TextRange) {
        let marker_text = &self.text[range.start..range.end];
        let Some((value, canonical)) = parse_date_marker(marker_text) else {
            return;
        };
        let value_range = TextRange::new(range.start + value.start, range.start + value.end);
        let value_text = &self.text[value_range.start..value_range.end];
        let date = value_text.parse::<jiff::civil::Date>().ok();
        let marker = DateMarker {
            range,
            value_range,
            date,
            canonical,
        };
        if let Some(article) = self.article_mut()
            && !article.dates.iter().any(|known| known.range == range)
        {
            // Error recovery can leave the marker's line outside the article's node; the
            // article runs at least to its marker.
            article.range.end = article.range.end.max(range.end);
            article.dates.push(marker);
        }
    }

    /// Removes the tags that hold a syntax error: their text stays as written, so
    /// stripping keeps it and no check reads a half-parsed tag. Tags nested in them
    /// stay tags.
    fn drop_malformed_tags(&mut self) {
        if self.malformed_tags.is_empty() {
            return;
        }
        let old_tags = std::mem::take(&mut self.file.tags);
        let old_parents: Vec<Option<usize>> = old_tags.iter().map(|t| t.parent).collect();
        let mut new_index: Vec<Option<usize>> = vec![None; old_tags.len()];
        for (old, mut tag) in old_tags.into_iter().enumerate() {
            if self.malformed_tags.contains(&old) {
                continue;
            }
            // The nearest enclosing tag that survives becomes the parent; parents come
            // before their children, so their new index is already known.
            let mut parent = tag.parent;
            while let Some(p) = parent {
                if new_index[p].is_some() {
                    break;
                }
                parent = old_parents[p];
            }
            tag.parent = parent.and_then(|p| new_index[p]);
            new_index[old] = Some(self.file.tags.len());
            self.file.tags.push(tag);
        }
    }

    /// Gives every article the tags that name it. A tag that error recovery left
    /// outside its article's node still belongs to the article it was found in, whether
    /// or not other tags of the file were malformed.
    fn assign_tags(&mut self) {
        for (index, article) in self.file.articles.iter_mut().enumerate() {
            let start = self.file.tags.partition_point(|t| t.article < index);
            let end = self.file.tags.partition_point(|t| t.article <= index);
            article.tags = start..end;
        }
    }

    /// Checks that need a whole article: title, date markers, their place.
    fn finish_articles(&mut self) {
        let mut diagnostics = Vec::new();
        // Two separators with nothing but blank lines between them leave an empty article.
        for pair in self.file.separators.windows(2) {
            diagnostics.extend(empty_article(self.text, pair[0], pair[1]));
        }
        for article in &mut self.file.articles {
            // A first line that is only a date marker is a marker, not a title.
            if let Some(title) = article.title {
                let title_text = &self.text[title.start..title.end];
                if let Some((value, canonical)) = parse_date_marker(title_text.trim_end()) {
                    let range =
                        TextRange::new(title.start, title.start + title_text.trim_end().len());
                    let value_range =
                        TextRange::new(title.start + value.start, title.start + value.end);
                    let date = self.text[value_range.start..value_range.end].parse().ok();
                    article.dates.insert(
                        0,
                        DateMarker {
                            range,
                            value_range,
                            date,
                            canonical,
                        },
                    );
                    article.title = None;
                }
            }
            let Some(title) = article.title else {
                let range = article
                    .dates
                    .first()
                    .map_or(TextRange::empty(article.range.start), |d| d.range);
                diagnostics.push(Diagnostic::new(
                    DiagnosticCode::MissingTitle,
                    range,
                    "the article has no title: its first line must be the title",
                ));
                continue;
            };
            match article.dates.first() {
                None => diagnostics.push(Diagnostic::new(
                    DiagnosticCode::MissingDate,
                    title,
                    "the article has no date marker (`dateYYYY-MM-DD` at its end), so relative dates cannot be resolved",
                )),
                Some(first) => {
                    for marker in &article.dates {
                        if marker.date.is_none() {
                            let value = &self.text[marker.value_range.start..marker.value_range.end];
                            diagnostics.push(Diagnostic::new(
                                DiagnosticCode::InvalidDate,
                                marker.range,
                                format!("`{value}` is not a day of the calendar"),
                            ));
                        }
                        if !marker.canonical {
                            let value = &self.text[marker.value_range.start..marker.value_range.end];
                            diagnostics.push(
                                Diagnostic::new(
                                    DiagnosticCode::NoncanonicalDate,
                                    marker.range,
                                    format!("write the date marker as `date{value}`"),
                                )
                                .with_fix(Fix::replace(
                                    format!("write `date{value}`"),
                                    marker.range,
                                    format!("date{value}"),
                                )),
                            );
                        }
                    }
                    for extra in &article.dates[1..] {
                        diagnostics.push(
                            Diagnostic::new(
                                DiagnosticCode::DuplicateDate,
                                extra.range,
                                "the article already has a date marker",
                            )
                            .with_related(Related {
                                path: None,
                                range: first.range,
                                message: "the article date is given here".to_owned(),
                            }),
                        );
                    }
                    // Only the last marker may have text after it; earlier ones are
                    // already reported as duplicates.
                    if article.dates.len() == 1 {
                        let after = &self.text[first.range.end..article.range.end];
                        if !after.trim().is_empty() {
                            diagnostics.push(Diagnostic::new(
                                DiagnosticCode::MisplacedDate,
                                first.range,
                                "the date marker must end the article, but more text follows it",
                            ));
                        }
                    }
                }
            }
        }
        self.file.diagnostics.extend(diagnostics);
    }
}

/// Removes the quotes of a quoted value and resolves `\"` and `\\`; bare values are
/// returned as they are.
pub(super) fn unquote(raw: &str) -> String {
    let Some(inner) = raw.strip_prefix('"') else {
        return raw.to_owned();
    };
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut value = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(next @ ('"' | '\\')) => value.push(next),
                Some(other) => {
                    value.push('\\');
                    value.push(other);
                }
                None => value.push('\\'),
            }
        } else {
            value.push(c);
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_marker_spellings() {
        assert_eq!(parse_date_marker("date2025-12-10"), Some((4..14, true)));
        assert_eq!(parse_date_marker("date: 2025-12-10"), Some((6..16, false)));
        assert_eq!(parse_date_marker("date 2025-12-10"), Some((5..15, false)));
        assert_eq!(parse_date_marker("date2025-12-1"), None);
        assert_eq!(parse_date_marker("dated 2025-12-10"), None);
        assert_eq!(parse_date_marker("date2025-13-40"), Some((4..14, true)));
    }

    /// A tag left open swallows no date marker that ends its line: the article keeps its
    /// date, and the malformed tag ends before the marker.
    #[test]
    fn an_unclosed_tag_ends_before_a_trailing_date_marker() {
        for (line, marker) in [
            (
                "Unclosed [tag here]{org and more text follows. date2025-01-03",
                "date2025-01-03",
            ),
            (
                "Unclosed [tag here]{org ref=x date: 2025-01-03",
                "date: 2025-01-03",
            ),
            ("A [span]{org ref=\"open date2025-01-03", "date2025-01-03"),
        ] {
            let text = format!("Title here\n{line}\n");
            let syntax = lower(&text, &super::super::parse(&text));
            let codes: Vec<&str> = syntax
                .diagnostics
                .iter()
                .map(|d| d.code.as_str())
                .filter(|code| *code != "noncanonical-date")
                .collect();
            assert_eq!(codes, ["malformed-tag"], "{line}");
            let article = &syntax.articles[0];
            assert_eq!(article.dates.len(), 1, "{line}");
            let found = &text[article.dates[0].range.start..article.dates[0].range.end];
            assert_eq!(found, marker);
            let bad = syntax.diagnostics[0].range;
            assert!(bad.end <= article.dates[0].range.start, "{line}");
            assert!(!text[bad.start..bad.end].ends_with(' '), "{line}");
        }
    }

    #[test]
    fn unquoting() {
        assert_eq!(unquote("plain"), "plain");
        assert_eq!(unquote(r#""a \"b\" \\ c""#), r#"a "b" \ c"#);
        assert_eq!(unquote(r#""\q""#), r"\q");
    }
}
