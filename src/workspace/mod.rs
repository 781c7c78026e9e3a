//! The workspace view of a file: mentions from tags and recognition merged into one
//! list with keys, and the forms a file teaches the recognisers elsewhere.

pub mod cache;
pub mod index;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::analysis::FileAnalysis;
use crate::recognize::tokens::FastHashBuilder;
use crate::recognize::{AcronymDef, EntityType, LearnedForm, teaching};
use crate::syntax::{PlainText, TagSyntax};
use crate::text::TextRange;

pub use index::{
    AcronymSummary, AnalysisContext, ArticleSummary, ClosedSummaries, CopiedSummaries, FileId,
    FileKind, FileSnapshot, Keep, PreparedFile, Replaced, Workspace, WorkspaceSnapshot,
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
        let first = mentions.len();
        visit_article_mentions(analysis, index, &mut |found: FoundMention<'_>| {
            mentions.push(WorkspaceMention {
                article: index,
                ty: Arc::from(found.ty),
                text: Arc::from(found.text),
                range: found.range,
                key: found.key.map(Arc::from),
                value: found.value.map(Arc::from),
                source: found.source,
            })
        });
        mentions[first..].sort_by_key(|m| (m.range.start, std::cmp::Reverse(m.range.end)));
    }
    mentions
}

/// A mention as [`visit_article_mentions`] finds it.
struct FoundMention<'a> {
    ty: &'a str,
    text: &'a str,
    range: TextRange,
    key: Option<&'a str>,
    value: Option<&'a str>,
    source: MentionSource,
}

/// Gives `visit` the mentions of one article of a file: its tags, then the recognised
/// mentions no tag covers. Callers sort them into file order.
fn visit_article_mentions(
    analysis: &FileAnalysis,
    index: usize,
    visit: &mut dyn FnMut(FoundMention<'_>),
) {
    let (Some(article_syntax), Some(article)) = (
        analysis.syntax.articles.get(index),
        analysis.articles.get(index),
    ) else {
        return;
    };
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
                .and_then(|m| m.key.as_deref())
        };
        visit(FoundMention {
            ty: &tag.type_name,
            text: &article.plain.text[plain_span.start..plain_span.end],
            range: tag.span,
            key: tag.value_of("ref").or_else(recognized_key),
            value: tag.value_of("value"),
            source: MentionSource::Tag,
        });
    }
    for mention in &article.recognized.mentions {
        let range = article.plain.to_annotated(mention.range);
        if tags.iter().any(|tag| tag.range.intersects(range)) {
            continue;
        }
        visit(FoundMention {
            ty: mention.ty.as_str(),
            text: &article.plain.text[mention.range.start..mention.range.end],
            range,
            key: mention.key.as_deref(),
            value: mention.value.as_deref(),
            source: MentionSource::Recognized,
        });
    }
}

/// No name: the index a [`StoredMention`] gives for a mention without key or value.
const NO_NAME: u32 = u32::MAX;

/// A mention as a file keeps it: offsets and indices into the file's names, a few
/// bytes each, so that a large archive's mentions stay small and moving them after an
/// edit copies no text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct StoredMention {
    start: u32,
    end: u32,
    /// Index into the table's kinds: an archive mentions the same few entities many
    /// times, so 12 bytes a mention instead of 28 (its article is where it lies
    /// among [`MentionTable::article_starts`]).
    kind: u32,
}

/// What many mentions of a file share: their type, key, value and source, as indices
/// into the table's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct MentionKind {
    ty: u32,
    key: u32,
    value: u32,
    source: MentionSource,
}

/// Every mention of a file, in file order, with the names (types, keys, values) they
/// share.
#[derive(Clone, Debug, Default)]
pub struct MentionTable {
    items: Vec<StoredMention>,
    /// For each article of the file, the index of its first mention: its mentions run
    /// to the next article's first.
    article_starts: Vec<u32>,
    kinds: Vec<MentionKind>,
    names: Vec<Arc<str>>,
}

/// Names (types, keys, values) shared by the mention tables of many files: a key
/// mentioned in every file of an archive is held once.
#[derive(Default)]
pub(crate) struct SharedNames(std::collections::HashSet<Arc<str>>);

impl SharedNames {
    /// The shared copy of `name`, made on first sight.
    pub(crate) fn get(&mut self, name: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(name) {
            return shared.clone();
        }
        let shared: Arc<str> = Arc::from(name);
        self.0.insert(shared.clone());
        shared
    }
}

/// Builds a [`MentionTable`], giving each distinct name one index.
struct MentionTableBuilder {
    items: Vec<StoredMention>,
    article_starts: Vec<u32>,
    kinds: Vec<MentionKind>,
    kind_index: HashMap<MentionKind, u32, FastHashBuilder>,
    names: Vec<Arc<str>>,
    index: HashMap<Arc<str>, u32, FastHashBuilder>,
}

impl MentionTableBuilder {
    /// Starts from the names and kinds of `table`, so that the mentions it keeps stay
    /// valid.
    fn with_names_of(table: &MentionTable, capacity: usize) -> MentionTableBuilder {
        let index = table
            .names
            .iter()
            .enumerate()
            .map(|(i, name)| (name.clone(), i as u32))
            .collect();
        let kind_index = table
            .kinds
            .iter()
            .enumerate()
            .map(|(i, &kind)| (kind, i as u32))
            .collect();
        MentionTableBuilder {
            items: Vec::with_capacity(capacity),
            article_starts: Vec::new(),
            kinds: table.kinds.clone(),
            kind_index,
            names: table.names.clone(),
            index,
        }
    }

    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        let name: Arc<str> = Arc::from(name);
        self.names.push(name.clone());
        self.index.insert(name, i);
        i
    }

    fn intern_kind(&mut self, kind: MentionKind) -> u32 {
        if let Some(&i) = self.kind_index.get(&kind) {
            return i;
        }
        let i = self.kinds.len() as u32;
        self.kinds.push(kind);
        self.kind_index.insert(kind, i);
        i
    }

    /// Appends the mentions of one article, the next of the file, in file order.
    fn push_article(&mut self, analysis: &FileAnalysis, index: usize) {
        let first = self.items.len();
        self.article_starts.push(offset_u32(first));
        // Names are interned as they are visited: a copy of each would cost an
        // allocation per name of every mention of an archive.
        visit_article_mentions(analysis, index, &mut |m: FoundMention<'_>| {
            let kind = MentionKind {
                ty: self.intern(m.ty),
                key: m.key.map_or(NO_NAME, |key| self.intern(key)),
                value: m.value.map_or(NO_NAME, |value| self.intern(value)),
                source: m.source,
            };
            let stored = StoredMention {
                start: offset_u32(m.range.start),
                end: offset_u32(m.range.end),
                kind: self.intern_kind(kind),
            };
            self.items.push(stored);
        });
        self.items[first..].sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    }

    fn finish(self) -> MentionTable {
        let mut items = self.items;
        items.shrink_to_fit();
        let mut article_starts = self.article_starts;
        article_starts.shrink_to_fit();
        let mut kinds = self.kinds;
        kinds.shrink_to_fit();
        let mut names = self.names;
        names.shrink_to_fit();
        MentionTable {
            items,
            article_starts,
            kinds,
            names,
        }
    }
}

/// Offsets are kept in 32 bits: a file over 4 GB is not an article file anyone edits.
fn offset_u32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

impl MentionTable {
    /// The same table in allocations of its own, with its names taken from `shared`,
    /// so that the files of a workspace hold one allocation per key, not one per file
    /// that mentions it.
    pub(crate) fn copied(&self, shared: &mut SharedNames) -> MentionTable {
        MentionTable {
            items: self.items.clone(),
            article_starts: self.article_starts.clone(),
            kinds: self.kinds.clone(),
            names: self.names.iter().map(|name| shared.get(name)).collect(),
        }
    }

    /// The mentions of a file's analysis.
    pub fn of_analysis(analysis: &FileAnalysis) -> MentionTable {
        let mut builder = MentionTableBuilder::with_names_of(&MentionTable::default(), 0);
        for index in 0..analysis.articles.len() {
            builder.push_article(analysis, index);
        }
        builder.finish()
    }

    /// After an edit: the mentions before article `old.start`, those of `new`'s
    /// articles in `analysis`, and those from article `old.end` on moved by `delta`
    /// bytes and the change in the number of articles. Returns the table, the keys of
    /// the mentions replaced, and where the new ones lie.
    pub(crate) fn edited(
        &self,
        analysis: &FileAnalysis,
        old: std::ops::Range<usize>,
        new: std::ops::Range<usize>,
        delta: isize,
    ) -> (MentionTable, Vec<Arc<str>>, std::ops::Range<usize>) {
        let items = &self.items;
        let first_of = |article: usize| {
            self.article_starts
                .get(article)
                .map_or(items.len(), |&first| (first as usize).min(items.len()))
        };
        let before = first_of(old.start);
        let after = first_of(old.end).max(before);
        let mut builder = MentionTableBuilder::with_names_of(self, items.len());
        builder.items.extend_from_slice(&items[..before]);
        builder
            .article_starts
            .extend_from_slice(&self.article_starts[..old.start.min(self.article_starts.len())]);
        let added_start = builder.items.len();
        for index in new {
            builder.push_article(analysis, index);
        }
        let added = added_start..builder.items.len();
        let moved_by = added.end as isize - after as isize;
        builder.article_starts.extend(
            self.article_starts
                .iter()
                .skip(old.end)
                .map(|&first| offset_u32((first as usize).saturating_add_signed(moved_by))),
        );
        let shift = |offset: u32| offset_u32((offset as usize).saturating_add_signed(delta));
        builder
            .items
            .extend(items[after..].iter().map(|m| StoredMention {
                start: shift(m.start),
                end: shift(m.end),
                ..*m
            }));
        let removed = items[before..after]
            .iter()
            .filter_map(|m| self.name(self.kind(m).key).cloned())
            .collect();
        (builder.finish(), removed, added)
    }

    fn name(&self, index: u32) -> Option<&Arc<str>> {
        self.names.get(index as usize)
    }

    fn kind(&self, stored: &StoredMention) -> MentionKind {
        self.kinds[stored.kind as usize]
    }

    /// The article of the `index`th mention.
    fn article_of(&self, index: usize) -> usize {
        self.article_starts
            .partition_point(|&first| first as usize <= index)
            .saturating_sub(1)
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The `index`th mention, read against the file's text.
    pub fn get<'a>(&'a self, text: &'a str, index: usize) -> Option<FileMention<'a>> {
        let stored = self.items.get(index)?;
        Some(self.view(text, index, stored))
    }

    fn view<'a>(&'a self, text: &'a str, index: usize, stored: &StoredMention) -> FileMention<'a> {
        let kind = self.kind(stored);
        FileMention {
            article: self.article_of(index),
            range: TextRange::new(stored.start as usize, stored.end as usize),
            source: kind.source,
            ty: self.name(kind.ty).map_or("", |name| &**name),
            key: self.name(kind.key),
            value: self.name(kind.value),
            file_text: text,
        }
    }

    /// Every mention in file order, read against the file's text.
    pub fn iter<'a>(
        &'a self,
        text: &'a str,
    ) -> impl DoubleEndedIterator<Item = FileMention<'a>> + ExactSizeIterator + Clone {
        self.items
            .iter()
            .enumerate()
            .map(move |(index, stored)| self.view(text, index, stored))
    }

    /// The mentions of the key of each index, counted.
    pub(crate) fn key_counts(&self) -> HashMap<Arc<str>, u32> {
        let mut by_index: HashMap<u32, u32> = HashMap::new();
        for m in &self.items {
            let key = self.kind(m).key;
            if key != NO_NAME {
                *by_index.entry(key).or_default() += 1;
            }
        }
        by_index
            .into_iter()
            .filter_map(|(index, count)| Some((self.name(index)?.clone(), count)))
            .collect()
    }
}

/// Annotated text read as plain text: tag syntax (`[`, `]{…}`) left out and escapes
/// read. Exact for the well-formed tags a mention's span holds, which is what names
/// shown to the analyst need; a stray bracket inside a name is left out too.
pub fn plain_of_markup(annotated: &str) -> std::borrow::Cow<'_, str> {
    if !annotated.contains(['[', ']', '\\']) {
        return std::borrow::Cow::Borrowed(annotated);
    }
    let mut out = String::with_capacity(annotated.len());
    let mut chars = annotated.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some('[' | ']' | '{' | '}' | '\\')) => {
                out.extend(chars.next());
            }
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
    std::borrow::Cow::Owned(out)
}

/// A mention of a file as features read it: its place, and its type, key and value as
/// the file's names hold them. Its text is read from the file's text.
#[derive(Clone, Copy, Debug)]
pub struct FileMention<'a> {
    pub article: usize,
    /// The annotated text of the mention: for a tag, its span between `[` and `]`.
    pub range: TextRange,
    pub source: MentionSource,
    ty: &'a str,
    key: Option<&'a Arc<str>>,
    value: Option<&'a Arc<str>>,
    file_text: &'a str,
}

impl<'a> FileMention<'a> {
    pub fn ty(&self) -> &'a str {
        self.ty
    }

    pub fn key(&self) -> Option<&'a str> {
        self.key.map(|key| &**key)
    }

    /// The key as the workspace shares it.
    pub fn key_arc(&self) -> Option<&'a Arc<str>> {
        self.key
    }

    pub fn value(&self) -> Option<&'a str> {
        self.value.map(|value| &**value)
    }

    /// The mention's plain text: its annotated text without the tag syntax nested in
    /// it and with escapes read.
    pub fn text(&self) -> std::borrow::Cow<'a, str> {
        let annotated = self
            .file_text
            .get(self.range.start..self.range.end)
            .unwrap_or("");
        plain_of_markup(annotated)
    }

    /// The mention as [`file_mentions`] gives it.
    pub fn to_owned_mention(&self) -> WorkspaceMention {
        WorkspaceMention {
            article: self.article,
            ty: Arc::from(self.ty),
            text: Arc::from(&*self.text()),
            range: self.range,
            key: self.key.cloned(),
            value: self.value.cloned(),
            source: self.source,
        }
    }
}

/// What a file teaches the recognisers elsewhere: its tagged spans of entity types,
/// and the acronyms its articles define.
pub fn learned_forms(analysis: &FileAnalysis, origin: Option<&Arc<str>>) -> Vec<LearnedForm> {
    file_forms(
        (0..analysis.articles.len()).map(|index| article_forms(analysis, index)),
        origin,
    )
}

/// A file's forms from its articles' forms, in order, each once, with the file as
/// their origin.
pub fn file_forms(
    articles: impl Iterator<Item = Vec<LearnedForm>>,
    origin: Option<&Arc<str>>,
) -> Vec<LearnedForm> {
    let mut seen = HashSet::new();
    let mut forms = Vec::new();
    for article in articles {
        for mut form in article {
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
    let (Some(article_syntax), Some(article)) = (
        analysis.syntax.articles.get(index),
        analysis.articles.get(index),
    ) else {
        return Vec::new();
    };
    let mut forms = tag_forms(
        &analysis.syntax.tags[article_syntax.tags.clone()],
        &article.plain,
    );
    forms.extend(acronym_forms(&article.recognized.acronyms));
    forms
}

/// What an article's tags teach (see [`article_forms`]).
pub fn tag_forms(tags: &[TagSyntax], plain_text: &PlainText) -> Vec<LearnedForm> {
    let mut forms = Vec::new();
    let plain = &plain_text.text;
    let tagged: Vec<TextRange> = tags
        .iter()
        .map(|tag| {
            TextRange::new(
                plain_text.to_plain(tag.span.start),
                plain_text.to_plain(tag.span.end),
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
    forms
}

/// What the acronyms an article defines teach (see [`article_forms`]).
pub fn acronym_forms(acronyms: &[AcronymDef]) -> Vec<LearnedForm> {
    let mut forms = Vec::new();
    for acronym in acronyms {
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
