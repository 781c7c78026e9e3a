//! JSON lines: one object per article with its plain text and its spans in character
//! offsets, the shape spaCy (`Doc.char_span`) and Prodigy (`{"text", "spans"}`) load.

use serde::Serialize;

use crate::analysis::FileAnalysis;

use super::{CharIndex, ExportOptions, FileMentions, SpanSource, spans_in};

/// One article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArticleRecord {
    pub file: String,
    /// The article's index in its file, from 0.
    pub article: usize,
    pub title: String,
    /// The article date as written (`YYYY-MM-DD`).
    pub date: Option<String>,
    /// The title line and the body, tags stripped, without the date marker.
    pub text: String,
    pub spans: Vec<SpanRecord>,
}

/// One span; `start` and `end` count characters (Unicode scalar values) of `text`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SpanRecord {
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub key: Option<String>,
    pub value: Option<String>,
    pub source: SpanSource,
}

/// The records of one analysed file.
pub fn records(
    file: &str,
    text: &str,
    analysis: &FileAnalysis,
    options: ExportOptions,
) -> Vec<ArticleRecord> {
    let mentions = FileMentions::new(analysis);
    analysis
        .syntax
        .articles
        .iter()
        .zip(&analysis.articles)
        .enumerate()
        .map(|(index, (article_syntax, article))| {
            // The plain text runs up to the date marker; the blank before it is no part
            // of the article.
            let body = article.plain.text.trim_end();
            let title_end = article_syntax
                .title
                .map_or(0, |t| article.plain.to_plain(t.end).min(body.len()));
            let chars = CharIndex::new(body);
            // A span reaching into the trimmed blanks ends with the text.
            let spans = spans_in(analysis, &mentions, Some(index), &article.plain, options)
                .into_iter()
                .map(|span| SpanRecord {
                    start: chars.to_char(span.range.start.min(body.len())),
                    end: chars.to_char(span.range.end.min(body.len())),
                    label: span.ty,
                    key: span.key,
                    value: span.value,
                    source: span.source,
                })
                .collect();
            ArticleRecord {
                file: file.to_owned(),
                article: index,
                title: body[..title_end].to_owned(),
                date: article_syntax
                    .dates
                    .first()
                    .and_then(|d| text.get(d.value_range.start..d.value_range.end))
                    .map(str::to_owned),
                text: body.to_owned(),
                spans,
            }
        })
        .collect()
}
