//! The workspace view of a file: mentions from tags and recognition merged into one
//! list with keys, and the forms a file teaches the recognisers elsewhere.

pub mod index;

use std::collections::HashSet;
use std::sync::Arc;

use crate::analysis::FileAnalysis;
use crate::recognize::{EntityType, LearnedForm, teaching};
use crate::text::TextRange;

pub use index::{
    AnalysisContext, FileId, FileKind, FileSnapshot, PreparedFile, Replaced, Workspace,
    WorkspaceSnapshot,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MentionSource {
    Tag,
    Recognized,
}

/// A mention in file offsets. The strings are shared, so that moving the mentions of
/// a file after an edit copies no text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceMention {
    pub article: usize,
    pub ty: Arc<str>,
    /// The mention's plain text (tags inside it stripped).
    pub text: Arc<str>,
    /// The annotated text of the mention: for a tag, its span between `[` and `]`.
    pub range: TextRange,
    pub key: Option<Arc<str>>,
    pub value: Option<Arc<str>>,
    pub source: MentionSource,
}

/// Every mention of a file: all tags, and the recognised mentions that no tag covers
/// (a tag overrides the recogniser on its span).
pub fn file_mentions(analysis: &FileAnalysis) -> Vec<WorkspaceMention> {
    let mut mentions = Vec::new();
    for index in 0..analysis.articles.len() {
        article_mentions(analysis, index, &mut mentions);
    }
    mentions
}

/// The mentions of one article of a file, in file order, appended to `out`. Articles
/// do not overlap, so a file's mentions are its articles' one after another.
pub fn article_mentions(analysis: &FileAnalysis, index: usize, out: &mut Vec<WorkspaceMention>) {
    let (Some(article_syntax), Some(article)) = (
        analysis.syntax.articles.get(index),
        analysis.articles.get(index),
    ) else {
        return;
    };
    let first = out.len();
    let mentions = out;
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
                .and_then(|m| m.key.as_deref().map(Arc::from))
        };
        mentions.push(WorkspaceMention {
            article: index,
            ty: Arc::from(tag.type_name.as_str()),
            text: Arc::from(&article.plain.text[plain_span.start..plain_span.end]),
            range: tag.span,
            key: tag.value_of("ref").map(Arc::from).or_else(recognized_key),
            value: tag.value_of("value").map(Arc::from),
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
            ty: Arc::from(mention.ty.as_str()),
            text: Arc::from(&article.plain.text[mention.range.start..mention.range.end]),
            range,
            key: mention.key.as_deref().map(Arc::from),
            value: mention.value.as_deref().map(Arc::from),
            source: MentionSource::Recognized,
        });
    }
    mentions[first..].sort_by_key(|m| (m.range.start, std::cmp::Reverse(m.range.end)));
}

/// What a file teaches the recognisers elsewhere: its tagged spans of entity types,
/// and the acronyms its articles define.
pub fn learned_forms(analysis: &FileAnalysis, origin: Option<&Arc<str>>) -> Vec<LearnedForm> {
    let mut seen = HashSet::new();
    let mut forms = Vec::new();
    for index in 0..analysis.articles.len() {
        for mut form in article_forms(analysis, index) {
            form.origin = origin.cloned();
            if seen.insert(form.clone()) {
                forms.push(form);
            }
        }
    }
    forms
}

/// What one article teaches, in order, repeats included: an edit that leaves these
/// unchanged leaves the file's forms unchanged. Only forms that mean the same thing
/// elsewhere teach (see [`teaching::teaches`]); the forms carry no origin yet.
pub fn article_forms(analysis: &FileAnalysis, index: usize) -> Vec<LearnedForm> {
    let mut forms = Vec::new();
    let (Some(article_syntax), Some(article)) = (
        analysis.syntax.articles.get(index),
        analysis.articles.get(index),
    ) else {
        return forms;
    };
    let tags = &analysis.syntax.tags[article_syntax.tags.clone()];
    let plain = &article.plain.text;
    let tagged: Vec<TextRange> = tags
        .iter()
        .map(|tag| {
            TextRange::new(
                article.plain.to_plain(tag.span.start),
                article.plain.to_plain(tag.span.end),
            )
        })
        .collect();
    for (tag, span) in tags.iter().zip(&tagged) {
        // A workspace's own types teach when their tags name a thing (`ref=`).
        let ty = match EntityType::from_name(&tag.type_name) {
            Some(ty) => ty,
            None if tag.value_of("ref").is_some() => EntityType::custom(&tag.type_name),
            None => continue,
        };
        if !ty.is_keyed() {
            continue;
        }
        let surface = plain[span.start..span.end].trim();
        if !teaching::teaches(surface, ty, plain, &tagged) {
            continue;
        }
        forms.push(LearnedForm {
            surface: surface.to_owned(),
            ty,
            key: tag.value_of("ref").map(str::to_owned),
            origin: None,
        });
    }
    for acronym in &article.recognized.acronyms {
        let Some(ty) = acronym.ty else { continue };
        // The article's own mentions of the short form are recognised, not tagged, so
        // only the short form itself is judged.
        if !teaching::teaches(&acronym.short, ty, "", &[]) {
            continue;
        }
        forms.push(LearnedForm {
            surface: acronym.short.clone(),
            ty,
            key: acronym.key.clone(),
            origin: None,
        });
    }
    forms
}
