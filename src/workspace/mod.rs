//! The workspace view of a file: mentions from tags and recognition merged into one
//! list with keys, and the forms a file teaches the recognisers elsewhere.

pub mod index;

use std::collections::HashSet;

use crate::analysis::FileAnalysis;
use crate::recognize::{EntityType, LearnedForm};
use crate::text::TextRange;

pub use index::{
    AnalysisContext, FileId, FileKind, FileSnapshot, PreparedFile, Workspace, WorkspaceSnapshot,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MentionSource {
    Tag,
    Recognized,
}

/// A mention in file offsets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceMention {
    pub article: usize,
    pub ty: String,
    /// The mention's plain text (tags inside it stripped).
    pub text: String,
    /// The annotated text of the mention: for a tag, its span between `[` and `]`.
    pub range: TextRange,
    pub key: Option<String>,
    pub value: Option<String>,
    pub source: MentionSource,
}

/// Every mention of a file: all tags, and the recognised mentions that no tag covers
/// (a tag overrides the recogniser on its span).
pub fn file_mentions(analysis: &FileAnalysis) -> Vec<WorkspaceMention> {
    let mut mentions = Vec::new();
    for (index, (article_syntax, article)) in analysis
        .syntax
        .articles
        .iter()
        .zip(&analysis.articles)
        .enumerate()
    {
        let tags = &analysis.syntax.tags[article_syntax.tags.clone()];
        for tag in tags {
            if tag.type_range.is_none() {
                continue;
            }
            let plain_span = TextRange::new(
                article.plain.to_plain(tag.span.start),
                article.plain.to_plain(tag.span.end),
            );
            let recognized_key = || {
                article
                    .recognized
                    .mentions
                    .iter()
                    .find(|m| m.range == plain_span)
                    .and_then(|m| m.key.clone())
            };
            mentions.push(WorkspaceMention {
                article: index,
                ty: tag.type_name.clone(),
                text: article.plain.text[plain_span.start..plain_span.end].to_owned(),
                range: tag.span,
                key: tag
                    .value_of("ref")
                    .map(str::to_owned)
                    .or_else(recognized_key),
                value: tag.value_of("value").map(str::to_owned),
                source: MentionSource::Tag,
            });
        }
        for mention in &article.recognized.mentions {
            let range = article.plain.to_annotated(mention.range);
            if tags.iter().any(|tag| tag.range.intersects(range)) {
                continue;
            }
            mentions.push(WorkspaceMention {
                article: index,
                ty: mention.ty.as_str().to_owned(),
                text: article.plain.text[mention.range.start..mention.range.end].to_owned(),
                range,
                key: mention.key.clone(),
                value: mention.value.clone(),
                source: MentionSource::Recognized,
            });
        }
    }
    mentions.sort_by_key(|m| (m.range.start, std::cmp::Reverse(m.range.end)));
    mentions
}

/// What a file teaches the recognisers elsewhere: its tagged spans of entity types,
/// and the acronyms its articles define.
pub fn learned_forms(analysis: &FileAnalysis) -> Vec<LearnedForm> {
    let mut seen = HashSet::new();
    let mut forms = Vec::new();
    for (article_syntax, article) in analysis.syntax.articles.iter().zip(&analysis.articles) {
        for tag in &analysis.syntax.tags[article_syntax.tags.clone()] {
            let Some(ty) = EntityType::from_name(&tag.type_name).filter(|t| t.is_keyed()) else {
                continue;
            };
            let start = article.plain.to_plain(tag.span.start);
            let end = article.plain.to_plain(tag.span.end);
            let surface = article.plain.text[start..end].trim();
            if surface.is_empty() {
                continue;
            }
            let form = LearnedForm {
                surface: surface.to_owned(),
                ty,
                key: tag.value_of("ref").map(str::to_owned),
            };
            if seen.insert(form.clone()) {
                forms.push(form);
            }
        }
        for acronym in &article.recognized.acronyms {
            let Some(ty) = acronym.ty else { continue };
            let form = LearnedForm {
                surface: acronym.short.clone(),
                ty,
                key: acronym.key.clone(),
            };
            if seen.insert(form.clone()) {
                forms.push(form);
            }
        }
    }
    forms
}
