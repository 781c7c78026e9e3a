//! Interchange: the formats other annotation tools read — brat standoff, JSON lines in
//! the shape spaCy and Prodigy users load, CoNLL BIO — and the import of brat back to
//! inline tags.
//!
//! Every function here is pure: it takes text and the core's analysis and returns
//! text (or located errors). Reading and writing files is the command line's job.
//! Offsets are bytes inside; the formats speak characters, converted at the edge by
//! [`CharIndex`].

pub mod brat;
pub mod conll;
pub mod jsonl;

use std::collections::HashMap;

use crate::analysis::FileAnalysis;
use crate::syntax::{PlainText, TagSyntax};
use crate::text::TextRange;
use crate::workspace::{self, MentionSource, WorkspaceMention};

/// Whether a span comes from the analyst's tag or from the recognisers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpanSource {
    Tag,
    Recognized,
}

/// One annotation in plain-text coordinates, whatever format it is written to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlainSpan {
    /// Byte offsets into the plain text the span belongs to.
    pub range: TextRange,
    pub ty: String,
    /// The tag's `ref`, or the recogniser's key for a recognised mention.
    pub key: Option<String>,
    pub value: Option<String>,
    /// Every attribute of the tag in written order (empty for recognised mentions).
    pub attributes: Vec<(String, Option<String>)>,
    pub source: SpanSource,
}

/// What an export includes besides the analyst's tags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Adds the recognised mentions that no tag covers.
    pub include_recognized: bool,
}

/// Converts between byte offsets and character (Unicode scalar value) offsets of one
/// text. brat and spaCy count characters, the core counts bytes.
pub struct CharIndex {
    /// The byte offset of every character, or nothing when the text is ASCII (then
    /// bytes and characters coincide).
    char_starts: Option<Vec<usize>>,
    len: usize,
}

impl CharIndex {
    pub fn new(text: &str) -> CharIndex {
        let char_starts = if text.is_ascii() {
            None
        } else {
            Some(text.char_indices().map(|(i, _)| i).collect())
        };
        CharIndex {
            char_starts,
            len: text.len(),
        }
    }

    /// The character offset of a byte offset (one inside a character counts that
    /// character as before it).
    pub fn to_char(&self, byte: usize) -> usize {
        let byte = byte.min(self.len);
        match &self.char_starts {
            None => byte,
            Some(starts) => starts.partition_point(|&s| s < byte),
        }
    }

    /// The byte offset of a character offset, or `None` past the end of the text.
    pub fn to_byte(&self, char_offset: usize) -> Option<usize> {
        match &self.char_starts {
            None => (char_offset <= self.len).then_some(char_offset),
            Some(starts) => match starts.get(char_offset) {
                Some(&byte) => Some(byte),
                None => (char_offset == starts.len()).then_some(self.len),
            },
        }
    }
}

/// Writes an attribute value as the tag syntax reads it back: bare when it can be,
/// else quoted with `\"` and `\\` escaped.
pub fn quote_value(value: &str) -> String {
    let bare = !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '{' | '}'));
    if bare {
        return value.to_owned();
    }
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    for c in value.chars() {
        if matches!(c, '"' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted
}

/// Writes attributes as they appear inside a tag: `name=value name2="two words"`.
pub fn format_attributes<'a>(
    attributes: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
) -> String {
    let mut out = String::new();
    for (name, value) in attributes {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(name);
        if let Some(value) = value {
            out.push('=');
            out.push_str(&quote_value(value));
        }
    }
    out
}

fn tag_attributes(tag: &TagSyntax) -> Vec<(String, Option<String>)> {
    tag.attributes
        .iter()
        .map(|attr| (attr.name.clone(), attr.value.clone()))
        .collect()
}

/// The merged mentions of a file (tags and recognised mentions, as `accord entities`
/// lists them), grouped for the exports: computed once per file, so that exporting a
/// file of many articles stays linear.
pub struct FileMentions {
    /// The key the workspace gives each tag span: its `ref`, else the recogniser's key.
    tag_keys: HashMap<TextRange, String>,
    /// Recognised mentions no tag covers, by article.
    recognized: Vec<Vec<WorkspaceMention>>,
}

impl FileMentions {
    pub fn new(analysis: &FileAnalysis) -> FileMentions {
        let mut tag_keys = HashMap::new();
        let mut recognized: Vec<Vec<WorkspaceMention>> = vec![Vec::new(); analysis.articles.len()];
        for mention in workspace::file_mentions(analysis) {
            match mention.source {
                MentionSource::Tag => {
                    if let Some(key) = mention.key {
                        tag_keys.entry(mention.range).or_insert(key.to_string());
                    }
                }
                MentionSource::Recognized => {
                    if let Some(list) = recognized.get_mut(mention.article) {
                        list.push(mention);
                    }
                }
            }
        }
        FileMentions {
            tag_keys,
            recognized,
        }
    }
}

/// The spans of one article (or of the whole file) in the coordinates of `plain` (the
/// article's or the file's plain text): its tags, and with `include_recognized` the
/// recognised mentions no tag covers. Sorted by start, outer spans first.
pub fn spans_in(
    analysis: &FileAnalysis,
    mentions: &FileMentions,
    article: Option<usize>,
    plain: &PlainText,
    options: ExportOptions,
) -> Vec<PlainSpan> {
    let to_plain = |range: TextRange| {
        let start = plain.to_plain(range.start);
        TextRange::new(start, plain.to_plain(range.end).max(start))
    };
    let tags = match article.and_then(|a| analysis.syntax.articles.get(a)) {
        Some(article_syntax) => analysis
            .syntax
            .tags
            .get(article_syntax.tags.clone())
            .unwrap_or_default(),
        None => &analysis.syntax.tags[..],
    };
    let mut spans: Vec<PlainSpan> = Vec::new();
    for tag in tags.iter().filter(|tag| tag.type_range.is_some()) {
        let key = tag
            .value_of("ref")
            .map(str::to_owned)
            .or_else(|| mentions.tag_keys.get(&tag.span).cloned());
        spans.push(PlainSpan {
            range: to_plain(tag.span),
            ty: tag.type_name.clone(),
            key,
            value: tag.value_of("value").map(str::to_owned),
            attributes: tag_attributes(tag),
            source: SpanSource::Tag,
        });
    }
    if options.include_recognized {
        let recognized: Vec<&WorkspaceMention> = match article {
            Some(a) => mentions.recognized.get(a).into_iter().flatten().collect(),
            None => mentions.recognized.iter().flatten().collect(),
        };
        for mention in recognized {
            spans.push(PlainSpan {
                range: to_plain(mention.range),
                ty: mention.ty.to_string(),
                key: mention.key.as_deref().map(str::to_owned),
                value: mention.value.as_deref().map(str::to_owned),
                attributes: Vec::new(),
                source: SpanSource::Recognized,
            });
        }
    }
    // A stable sort keeps tags before recognised mentions on the same span, and an
    // outer tag before the tags nested in it.
    spans.sort_by_key(|span| (span.range.start, std::cmp::Reverse(span.range.end)));
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_index_counts_scalar_values() {
        let text = "é–😀a";
        let index = CharIndex::new(text);
        let bytes: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        assert_eq!(bytes, vec![0, 2, 5, 9]);
        for (chars, &byte) in bytes.iter().enumerate() {
            assert_eq!(index.to_char(byte), chars);
            assert_eq!(index.to_byte(chars), Some(byte));
        }
        assert_eq!(index.to_char(text.len()), 4);
        assert_eq!(index.to_byte(4), Some(text.len()));
        assert_eq!(index.to_byte(5), None);
        let ascii = CharIndex::new("abc");
        assert_eq!(ascii.to_byte(3), Some(3));
        assert_eq!(ascii.to_byte(4), None);
    }

    #[test]
    fn values_are_quoted_only_when_needed() {
        assert_eq!(quote_value("2026-03"), "2026-03");
        assert_eq!(quote_value("USD 350"), "\"USD 350\"");
        assert_eq!(quote_value(""), "\"\"");
        assert_eq!(quote_value(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(
            format_attributes([("ref", Some("motir")), ("flag", None)]),
            "ref=motir flag"
        );
    }
}

#[cfg(test)]
mod format_tests;
