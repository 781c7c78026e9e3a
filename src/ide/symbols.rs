//! Outlines and overviews: document and workspace symbols, folding, inlay hints, code
//! lenses and the entity index.

use std::collections::{BTreeMap, BTreeSet};

use crate::recognize::EntityType;
use crate::text::TextRange;
use crate::workspace::{FileId, FileSnapshot, WorkspaceSnapshot};

use super::navigation::{acronym_definition, mention_stats, stats_line};
use super::{
    CodeLens, DocumentSymbol, EntitySummary, FileRange, InlayConfig, InlayHint, InlayKind,
    SymbolInfo, SymbolKind,
};

pub(crate) fn symbol_kind(ty: &str) -> SymbolKind {
    match EntityType::from_name(ty) {
        Some(EntityType::Org) => SymbolKind::Org,
        Some(EntityType::Person) => SymbolKind::Person,
        Some(EntityType::Place) => SymbolKind::Place,
        Some(EntityType::Agreement) => SymbolKind::Agreement,
        Some(EntityType::Event) => SymbolKind::Event,
        Some(EntityType::Date) => SymbolKind::Date,
        Some(EntityType::Money) => SymbolKind::Money,
        Some(EntityType::Percent) => SymbolKind::Percent,
        Some(EntityType::Custom(_)) | None => SymbolKind::Other,
    }
}

fn slice(file: &FileSnapshot, range: TextRange) -> &str {
    file.text.get(range.start..range.end).unwrap_or("")
}

/// An article's name for outlines: its title, or its number when it has none.
fn article_name(file: &FileSnapshot, index: usize, title: Option<TextRange>) -> String {
    match title.map(|t| slice(file, t).trim()) {
        Some(title) if !title.is_empty() => plain_title(title),
        _ => format!("Article {}", index + 1),
    }
}

/// A title without its tag syntax, for display.
fn plain_title(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut chars = title.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' => {}
            ']' if chars.peek() == Some(&'{') => {
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out
}

pub fn document_symbols(snap: &WorkspaceSnapshot, file: FileId) -> Vec<DocumentSymbol> {
    let Some(file) = snap.file(file) else {
        return Vec::new();
    };
    let Some(analysis) = file.analysis.as_deref() else {
        return Vec::new();
    };
    analysis
        .syntax
        .articles
        .iter()
        .enumerate()
        .map(|(index, article)| {
            let tags = analysis
                .syntax
                .tags
                .get(article.tags.clone())
                .unwrap_or(&[]);
            let children = tags
                .iter()
                .filter(|tag| tag.type_range.is_some())
                .map(|tag| DocumentSymbol {
                    name: slice(file, tag.span).to_owned(),
                    detail: Some(match tag.value_of("ref").or(tag.value_of("value")) {
                        Some(value) => format!("{} {value}", tag.type_name),
                        None => tag.type_name.clone(),
                    }),
                    kind: symbol_kind(&tag.type_name),
                    range: tag.range,
                    selection_range: tag.span,
                    children: Vec::new(),
                })
                .collect();
            DocumentSymbol {
                name: article_name(file, index, article.title),
                detail: article.date().map(|d| d.to_string()),
                kind: SymbolKind::Article,
                range: article.range,
                selection_range: article.title.unwrap_or(article.range),
                children,
            }
        })
        .collect()
}

pub fn folding_ranges(snap: &WorkspaceSnapshot, file: FileId) -> Vec<TextRange> {
    let Some(file) = snap.file(file) else {
        return Vec::new();
    };
    let Some(analysis) = file.analysis.as_deref() else {
        return Vec::new();
    };
    analysis
        .syntax
        .articles
        .iter()
        .map(|article| {
            // An article's range may end with its line break; folding ends on the last
            // line with text.
            let text = slice(file, article.range);
            TextRange::new(
                article.range.start,
                article.range.start + text.trim_end().len(),
            )
        })
        // One that fits on a line does not fold; a lone CR ends a line too.
        .filter(|range| slice(file, *range).contains(['\n', '\r']))
        .collect()
}

pub fn inlay_hints(
    snap: &WorkspaceSnapshot,
    file: FileId,
    range: TextRange,
    config: &InlayConfig,
) -> Vec<InlayHint> {
    let Some(file) = snap.file(file) else {
        return Vec::new();
    };
    let mut hints = Vec::new();
    // An acronym is expanded once per article, at its first mention: an article that
    // defines it needs no hint, and one on every mention drowns the text. The whole file
    // is walked so that a range request agrees with a request for the whole file.
    let mut explained: std::collections::HashSet<(usize, &str)> = Default::default();
    for mention in &file.mentions {
        let in_range = mention.range.intersects(range);
        // A tag already shows its value; hints explain what is not written.
        let is_tag = mention.source == crate::workspace::MentionSource::Tag;
        if !in_range && !config.acronym_expansions {
            continue;
        }
        if config.date_values && &*mention.ty == "date" && !is_tag {
            if !in_range {
                continue;
            }
            if let Some(value) = &mention.value {
                hints.push(InlayHint {
                    offset: mention.range.end,
                    label: format!(": {value}"),
                    kind: InlayKind::DateValue,
                });
            }
        } else if config.acronym_expansions
            && let Some((def_file, article, def)) = acronym_definition(snap, file, mention)
        {
            // The definition itself needs no hint.
            let at_definition = def_file.id == file.id
                && article == mention.article
                && def_file
                    .analysis
                    .as_deref()
                    .and_then(|a| a.articles.get(article))
                    .is_some_and(|a| a.plain.to_annotated(def.short_range) == mention.range);
            let first_in_article = explained.insert((mention.article, &mention.text));
            if first_in_article && !at_definition && in_range {
                hints.push(InlayHint {
                    offset: mention.range.end,
                    label: format!(" ({})", def.long),
                    kind: InlayKind::AcronymExpansion,
                });
            }
        }
    }
    hints
}

pub fn code_lenses(snap: &WorkspaceSnapshot, file: FileId) -> Vec<CodeLens> {
    let Some(file) = snap.file(file) else {
        return Vec::new();
    };
    let mut lenses = Vec::new();
    // One lens per entity key, on its first mention in each article.
    let mut seen = BTreeSet::new();
    for mention in &file.mentions {
        let Some(key) = &mention.key else { continue };
        if !seen.insert((mention.article, &**key)) {
            continue;
        }
        lenses.push(lens(snap, key, mention.range));
    }
    for entry in &file.entries {
        if let Some(source) = &entry.source {
            lenses.push(lens(
                snap,
                &entry.key,
                source.key_range.unwrap_or(source.range),
            ));
        }
    }
    lenses
}

fn lens(snap: &WorkspaceSnapshot, key: &str, range: TextRange) -> CodeLens {
    let stats = mention_stats(snap, key);
    CodeLens {
        range,
        title: stats_line(&stats),
        targets: snap
            .mentions_of(key)
            .into_iter()
            .map(|(file, m)| FileRange {
                file: file.id,
                range: m.range,
            })
            .collect(),
    }
}

/// Whether `query` is a subsequence of `name`, ignoring case; the score is lower for
/// tighter, earlier matches, and `None` when it does not match.
pub(crate) fn fuzzy_score(name: &str, query: &str) -> Option<usize> {
    let name: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    let mut first = None;
    let mut last = 0;
    let mut at = 0;
    for q in query.chars().flat_map(char::to_lowercase) {
        if q.is_whitespace() {
            continue;
        }
        let found = name.get(at..)?.iter().position(|&c| c == q)? + at;
        first.get_or_insert(found);
        last = found;
        at = found + 1;
    }
    let first = first.unwrap_or(0);
    // Spread of the match first, then how late it starts, then length of the name.
    Some((last - first) * 1000 + first * 10 + name.len().min(9))
}

pub fn workspace_symbols(snap: &WorkspaceSnapshot, query: &str) -> Vec<SymbolInfo> {
    let mut scored: Vec<(usize, SymbolInfo)> = Vec::new();
    for key in snap.keys() {
        let mentions = snap.mentions_of(key);
        let Some((file, first)) = mentions.first() else {
            continue;
        };
        let entry = snap.entry(key).map(|(entry, _)| entry);
        let name = entry.map_or_else(|| first.text.trim().to_owned(), |e| e.name.clone());
        let mut names = vec![name.clone(), key.to_owned()];
        names.extend(entry.iter().flat_map(|e| e.aliases.iter().cloned()));
        names.extend(mentions.iter().map(|(_, m)| m.text.trim().to_owned()));
        let Some(score) = names.iter().filter_map(|n| fuzzy_score(n, query)).min() else {
            continue;
        };
        scored.push((
            score,
            SymbolInfo {
                name,
                kind: symbol_kind(&first.ty),
                location: FileRange {
                    file: file.id,
                    range: first.range,
                },
                container: Some(key.to_owned()),
            },
        ));
    }
    scored.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    scored.into_iter().map(|(_, symbol)| symbol).collect()
}

pub fn entity_index(snap: &WorkspaceSnapshot) -> Vec<EntitySummary> {
    snap.keys()
        .into_iter()
        .filter_map(|key| {
            let mentions = snap.mentions_of(key);
            let (_, first) = mentions.first()?;
            let entry = snap.entry(key).map(|(entry, _)| entry);
            // The most frequent type among mentions names the entity when no entry does.
            let mut types: BTreeMap<&str, usize> = BTreeMap::new();
            for (_, m) in &mentions {
                *types.entry(&*m.ty).or_default() += 1;
            }
            let ty = entry.map_or_else(
                || {
                    types
                        .iter()
                        .max_by_key(|(_, n)| **n)
                        .map_or(first.ty.to_string(), |(t, _)| (*t).to_owned())
                },
                |e| e.ty.clone(),
            );
            let stats = mention_stats(snap, key);
            Some(EntitySummary {
                key: key.to_owned(),
                ty,
                name: entry.map_or_else(|| first.text.trim().to_owned(), |e| e.name.clone()),
                mentions: stats.mentions,
                articles: stats.articles,
            })
        })
        .collect()
}
