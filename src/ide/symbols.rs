//! Outlines and overviews: document and workspace symbols, folding, inlay hints, code
//! lenses and the entity index.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::recognize::EntityType;
use crate::text::TextRange;
use crate::workspace::{
    FileId, FileMention, FileSnapshot, MentionSource, WorkspaceSnapshot, plain_of_markup,
};

use super::navigation::{acronym_definition, mention_stats, stats_line, target_at};
use super::{
    CodeLens, DocumentSymbol, EntitySummary, FilePosition, FileRange, InlayConfig, InlayHint,
    InlayKind, SymbolInfo, SymbolKind, TimelineEntry,
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
        Some(title) if !title.is_empty() => plain_of_markup(title).into_owned(),
        _ => format!("Article {}", index + 1),
    }
}

/// The outline: each article, and under it each entity it mentions once (tagged or
/// recognised, at its first mention, named as the knowledge base names it), then each
/// tag that names no entity (a date, an amount, a custom type). Recognised dates and
/// amounts are left out: there are dozens per article.
pub fn document_symbols(snap: &WorkspaceSnapshot, file: FileId) -> Vec<DocumentSymbol> {
    let Some(file) = snap.file(file) else {
        return Vec::new();
    };
    let mut by_article: Vec<Vec<FileMention<'_>>> = vec![Vec::new(); file.articles.len()];
    for mention in file.mentions() {
        if let Some(list) = by_article.get_mut(mention.article) {
            list.push(mention);
        }
    }
    file.articles
        .iter()
        .enumerate()
        .map(|(index, article)| DocumentSymbol {
            name: article_name(file, index, article.title),
            detail: article.date.map(|d| d.to_string()),
            kind: SymbolKind::Article,
            range: article.range,
            selection_range: article.title.unwrap_or(article.range),
            children: article_entities(snap, &by_article[index]),
        })
        .collect()
}

/// The entities of one article, once each, in the order of their first mentions.
fn article_entities(snap: &WorkspaceSnapshot, mentions: &[FileMention<'_>]) -> Vec<DocumentSymbol> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for key in mentions.iter().filter_map(|m| m.key()) {
        *counts.entry(key).or_default() += 1;
    }
    let mut seen: HashSet<&str> = HashSet::new();
    let mut children = Vec::new();
    for mention in mentions {
        let (name, detail) = match mention.key() {
            Some(key) => {
                if !seen.insert(key) {
                    continue;
                }
                let name = snap.entry(key).map_or_else(
                    || mention.text().trim().to_owned(),
                    |(entry, _)| entry.name.clone(),
                );
                let count = counts.get(key).copied().unwrap_or(1);
                let times = if count == 1 {
                    String::new()
                } else {
                    format!(", {count} mentions")
                };
                (name, format!("{} {key}{times}", mention.ty()))
            }
            None if mention.source == MentionSource::Tag => (
                mention.text().trim().to_owned(),
                match mention.value() {
                    Some(value) => format!("{} {value}", mention.ty()),
                    None => mention.ty().to_string(),
                },
            ),
            None => continue,
        };
        children.push(DocumentSymbol {
            name,
            detail: Some(detail),
            kind: symbol_kind(mention.ty()),
            range: mention.range,
            selection_range: mention.range,
            children: Vec::new(),
        });
    }
    children
}

pub fn folding_ranges(snap: &WorkspaceSnapshot, file: FileId) -> Vec<TextRange> {
    let Some(file) = snap.file(file) else {
        return Vec::new();
    };
    file.articles
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
    let mut explained: std::collections::HashSet<(usize, String)> = Default::default();
    for mention in file.mentions() {
        let in_range = mention.range.intersects(range);
        // A tag already shows its value; hints explain what is not written.
        let is_tag = mention.source == crate::workspace::MentionSource::Tag;
        if !in_range && !config.acronym_expansions {
            continue;
        }
        if config.date_values && mention.ty() == "date" && !is_tag {
            if !in_range {
                continue;
            }
            if let Some(value) = mention.value() {
                hints.push(InlayHint {
                    offset: mention.range.end,
                    label: format!(": {value}"),
                    kind: InlayKind::DateValue,
                });
            }
        } else if config.acronym_expansions
            && let Some((def_file, def)) = acronym_definition(snap, file, mention)
        {
            // The definition itself needs no hint.
            let at_definition = def_file.id == file.id
                && def.article == mention.article
                && def.short_range == mention.range;
            let first_in_article = explained.insert((mention.article, mention.text().into_owned()));
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

/// The lenses of a file: one per article, on its title, for the entity the article
/// mentions most (its first mention is where references are asked from); one per entry
/// of a knowledge-base file. Their titles are computed on demand ([`code_lens_title`]):
/// an editor resolves only the lenses it shows.
pub fn code_lenses(snap: &WorkspaceSnapshot, file: FileId) -> Vec<CodeLens> {
    let Some(file) = snap.file(file) else {
        return Vec::new();
    };
    let mut lenses = Vec::new();
    if file.kind == crate::workspace::FileKind::Article {
        let mut by_article: Vec<Vec<FileMention<'_>>> = vec![Vec::new(); file.articles.len()];
        for mention in file.mentions().filter(|m| m.key().is_some()) {
            if let Some(list) = by_article.get_mut(mention.article) {
                list.push(mention);
            }
        }
        for (article, mentions) in file.articles.iter().zip(&by_article) {
            let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
            for (order, mention) in mentions.iter().enumerate() {
                let key = mention.key().unwrap_or_default();
                counts.entry(key).or_insert((0, order)).0 += 1;
            }
            // The most mentioned; among equals, the first mentioned.
            let Some((&key, &(_, order))) = counts
                .iter()
                .max_by_key(|(_, (count, order))| (*count, std::cmp::Reverse(*order)))
            else {
                continue;
            };
            let first = mentions[order];
            let at = article.title.unwrap_or(article.range);
            lenses.push(CodeLens {
                range: TextRange::empty(at.start),
                key: key.to_owned(),
                name: first.text().trim().to_owned(),
                target: first.range,
            });
        }
    }
    for entry in &file.entries {
        if let Some(source) = &entry.source {
            let at = source.key_range.unwrap_or(source.range);
            lenses.push(CodeLens {
                range: at,
                key: entry.key.clone(),
                name: entry.name.clone(),
                target: at,
            });
        }
    }
    lenses
}

/// What a lens says: the entity and how often the workspace mentions it, e.g. `KORUS
/// FTA · 18 mentions in 6 articles (first 2024-03-02, latest 2025-12-12)`.
pub fn code_lens_title(snap: &WorkspaceSnapshot, key: &str, name: &str) -> String {
    format!("{name} · {}", stats_line(&mention_stats(snap, key)))
}

/// The articles that mention the entity at `pos`, oldest first, each with its first
/// mention and how often it mentions the entity: what happened to an agreement, in
/// order. Undated articles come last; articles of one date keep the order of their
/// paths and of the articles in a file. Empty when nothing at `pos` names an entity.
pub fn entity_timeline(snap: &WorkspaceSnapshot, pos: FilePosition) -> Vec<TimelineEntry> {
    let Some(key) = target_at(snap, pos).and_then(|target| target.key().map(str::to_owned)) else {
        return Vec::new();
    };
    let mut entries: Vec<(&std::path::Path, usize, TimelineEntry)> = Vec::new();
    for file in snap.files_mentioning(&key) {
        for mention in file.mentions_of(&key) {
            match entries.last_mut() {
                Some((_, article, entry))
                    if entry.first_mention.file == file.id && *article == mention.article =>
                {
                    entry.mentions += 1;
                }
                _ => {
                    let summary = file.articles.get(mention.article);
                    entries.push((
                        &file.path,
                        mention.article,
                        TimelineEntry {
                            first_mention: FileRange {
                                file: file.id,
                                range: mention.range,
                            },
                            title: article_name(
                                file,
                                mention.article,
                                summary.and_then(|a| a.title),
                            ),
                            date: summary.and_then(|a| a.date),
                            mentions: 1,
                        },
                    ));
                }
            }
        }
    }
    entries.sort_by(|(path_a, article_a, a), (path_b, article_b, b)| {
        (a.date.is_none(), a.date, path_a, article_a).cmp(&(
            b.date.is_none(),
            b.date,
            path_b,
            article_b,
        ))
    });
    entries.into_iter().map(|(_, _, entry)| entry).collect()
}

/// How well `name` matches a workspace-symbol query, lower is better: the query's words
/// must each start a word of the name, in order (`korea free` finds "Korea–U.S. Free
/// Trade Agreement", `rce` finds "RCEP"); a match at the name's start ranks first, then
/// shorter names. Letters scattered through a name do not match: they drowned the
/// answer in loose hits.
pub(crate) fn word_start_score(name: &str, query: &str) -> Option<usize> {
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let query = words(query);
    let name_words = words(name);
    let mut at = 0;
    let mut first = None;
    for part in &query {
        let found = name_words
            .get(at..)?
            .iter()
            .position(|w| w.starts_with(part.as_str()))?
            + at;
        first.get_or_insert(found);
        at = found + 1;
    }
    Some(first.unwrap_or(0) * 100 + name.chars().count().min(99))
}

pub fn workspace_symbols(snap: &WorkspaceSnapshot, query: &str) -> Vec<SymbolInfo> {
    let mut scored: Vec<(usize, SymbolInfo)> = Vec::new();
    for key in snap.keys() {
        let mentions = snap.mentions_of(key);
        let Some((file, first)) = mentions.first() else {
            continue;
        };
        let entry = snap.entry(key).map(|(entry, _)| entry);
        let name = entry.map_or_else(|| first.text().trim().to_owned(), |e| e.name.clone());
        let mut names = vec![name.clone(), key.to_owned()];
        names.extend(entry.iter().flat_map(|e| e.aliases.iter().cloned()));
        names.extend(mentions.iter().map(|(_, m)| m.text().trim().to_owned()));
        let Some(score) = names
            .iter()
            .filter_map(|n| word_start_score(n, query))
            .min()
        else {
            continue;
        };
        scored.push((
            score,
            SymbolInfo {
                name,
                kind: symbol_kind(first.ty()),
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
                *types.entry(m.ty()).or_default() += 1;
            }
            let ty = entry.map_or_else(
                || {
                    types
                        .iter()
                        .max_by_key(|(_, n)| **n)
                        .map_or(first.ty().to_string(), |(t, _)| (*t).to_owned())
                },
                |e| e.ty.clone(),
            );
            let stats = mention_stats(snap, key);
            Some(EntitySummary {
                key: key.to_owned(),
                ty,
                name: entry.map_or_else(|| first.text().trim().to_owned(), |e| e.name.clone()),
                mentions: stats.mentions,
                articles: stats.articles,
            })
        })
        .collect()
}
