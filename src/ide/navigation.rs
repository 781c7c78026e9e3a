//! What the cursor is on, and the features that follow an entity from there: hover,
//! definition, declaration, references and highlights.

use std::fmt::Write as _;

use crate::kb::Entry;
use crate::syntax::TagSyntax;
use crate::text::TextRange;
use crate::workspace::{
    AcronymSummary, FileId, FileMention, FileSnapshot, MentionSource, WorkspaceSnapshot,
};

use super::{FilePosition, FileRange, Hover, NavTarget};

/// What a position designates.
pub(crate) enum Target<'a> {
    /// A mention in an article, tagged or recognised; `tag` is set when the cursor is
    /// on a tag (its span or its braces).
    Mention {
        file: &'a FileSnapshot,
        mention: FileMention<'a>,
        tag: Option<Box<TagSyntax>>,
    },
    /// The key of a knowledge-base entry in a workspace file.
    Entry { entry: &'a Entry },
}

impl Target<'_> {
    pub(crate) fn key(&self) -> Option<&str> {
        match self {
            Target::Mention { mention, .. } => mention.key(),
            Target::Entry { entry, .. } => Some(&entry.key),
        }
    }
}

/// The innermost tag whose text (from `[` to `}`) touches `offset`.
pub(crate) fn tag_at(
    snap: &WorkspaceSnapshot,
    file: &FileSnapshot,
    offset: usize,
) -> Option<TagSyntax> {
    let analysis = snap.analysis(file)?;
    analysis
        .syntax
        .tags
        .iter()
        .filter(|tag| tag.range.touches(offset) && tag.type_range.is_some())
        .min_by_key(|tag| tag.range.len())
        .cloned()
}

/// What is at a position: a tag's mention, a recognised mention, or an entry key.
pub(crate) fn target_at(snap: &WorkspaceSnapshot, pos: FilePosition) -> Option<Target<'_>> {
    let file = snap.file(pos.file)?;
    for entry in &file.entries {
        let Some(source) = &entry.source else {
            continue;
        };
        let at = source.key_range.unwrap_or(source.range);
        if at.touches(pos.offset) {
            return Some(Target::Entry { entry });
        }
    }
    if let Some(tag) = tag_at(snap, file, pos.offset) {
        let mention = file
            .mentions()
            .find(|m| m.source == crate::workspace::MentionSource::Tag && m.range == tag.span)?;
        return Some(Target::Mention {
            file,
            mention,
            tag: Some(Box::new(tag)),
        });
    }
    let mention = file.mentions_at(pos.offset).next()?;
    Some(Target::Mention {
        file,
        mention,
        tag: None,
    })
}

/// An article of the workspace: a file and an index into its articles.
pub(crate) type ArticleId = (FileId, usize);

/// The recognised date details of a mention (granularity, underspecified value).
fn date_info(
    snap: &WorkspaceSnapshot,
    file: &FileSnapshot,
    mention: FileMention<'_>,
) -> Option<crate::recognize::DateInfo> {
    let analysis = snap.analysis(file)?;
    let article = analysis.articles.get(mention.article)?;
    article
        .recognized
        .mentions
        .iter()
        .find(|m| article.plain.to_annotated(m.range) == mention.range)
        .and_then(|m| m.date.as_deref().cloned())
}

/// The long form of an acronym, from the first article in the workspace that defines
/// it: the mention's own article first.
pub(crate) fn acronym_definition<'a>(
    snap: &'a WorkspaceSnapshot,
    file: &'a FileSnapshot,
    mention: FileMention<'_>,
) -> Option<(&'a FileSnapshot, &'a AcronymSummary)> {
    let text = mention.text();
    let short = text.trim();
    if let Some(def) = file
        .acronyms
        .iter()
        .find(|def| def.article == mention.article && def.short == short)
    {
        return Some((file, def));
    }
    for other in snap.files() {
        crate::cancel::check();
        if let Some(def) = other.acronym_definition(short) {
            return Some((other, def));
        }
    }
    None
}

/// How often a key is mentioned: mentions, articles, and the first and latest article
/// dates among them.
pub(crate) struct MentionStats {
    pub mentions: usize,
    pub articles: usize,
    pub first: Option<jiff::civil::Date>,
    pub latest: Option<jiff::civil::Date>,
}

pub(crate) fn mention_stats(snap: &WorkspaceSnapshot, key: &str) -> MentionStats {
    let mut stats = MentionStats {
        mentions: 0,
        articles: 0,
        first: None,
        latest: None,
    };
    for found in snap
        .files_mentioning(key)
        .filter_map(|file| file.key_mentions(key))
    {
        stats.mentions += found.mentions();
        stats.articles += found.articles;
        stats.first = match (stats.first, found.first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        // `None` orders before any date, so `max` keeps the latest date there is.
        stats.latest = stats.latest.max(found.latest);
    }
    stats
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

pub(crate) fn stats_line(stats: &MentionStats) -> String {
    let mut line = format!(
        "{} in {}",
        plural(stats.mentions, "mention", "mentions"),
        plural(stats.articles, "article", "articles")
    );
    if let (Some(first), Some(latest)) = (stats.first, stats.latest) {
        if first == latest {
            let _ = write!(line, " ({first})");
        } else {
            let _ = write!(line, " (first {first}, latest {latest})");
        }
    }
    line
}

pub fn hover(snap: &WorkspaceSnapshot, pos: FilePosition) -> Option<Hover> {
    let target = target_at(snap, pos)?;
    let (range, ty, text, key, value, file, mention) = match &target {
        Target::Mention { file, mention, tag } => (
            tag.as_ref().map_or(mention.range, |t| t.range),
            mention.ty(),
            Some(mention.text()),
            mention.key(),
            mention.value(),
            Some(*file),
            Some(*mention),
        ),
        Target::Entry { entry, .. } => {
            let source = entry.source.as_ref()?;
            (
                source.key_range.unwrap_or(source.range),
                entry.ty.as_str(),
                None,
                Some(entry.key.as_str()),
                None,
                None,
                None,
            )
        }
    };
    let mut md = String::new();
    let _ = write!(md, "**{ty}**");
    if let Some(key) = key {
        let _ = write!(md, " `{key}`");
    }
    md.push('\n');
    let entry = key.and_then(|key| snap.entry(key)).map(|(entry, _)| entry);
    match (entry, text) {
        (Some(entry), _) => {
            let _ = write!(md, "\n### {}\n", entry.name);
            if let Some(description) = &entry.description {
                let _ = write!(md, "\n{description}\n");
            }
            if !entry.aliases.is_empty() {
                let _ = write!(md, "\nAliases: {}\n", entry.aliases.join(", "));
            }
        }
        (None, Some(text)) => {
            let _ = write!(md, "\n### {}\n", text.trim());
        }
        (None, None) => {}
    }
    if let (Some(file), Some(mention)) = (file, mention) {
        if let Some((_, def)) = acronym_definition(snap, file, mention) {
            let _ = write!(md, "\nAcronym of: {}\n", def.long);
        }
        if mention.ty() == "date" {
            match (value, date_info(snap, file, mention)) {
                (Some(value), Some(info)) => {
                    let _ = write!(md, "\nDate: `{value}` ({})\n", info.granularity.as_str());
                }
                (Some(value), None) => {
                    let _ = write!(md, "\nDate: `{value}`\n");
                }
                (None, _) => md.push_str("\nDate: unresolved (the article has no date)\n"),
            }
        } else if let Some(value) = value {
            let _ = write!(md, "\nValue: `{value}`\n");
        }
    }
    if let (Some(file), Some(mention)) = (file, mention)
        && let Some(origin) = key_origin(snap, file, mention, tag_of(&target))
    {
        let _ = write!(md, "\nKey from {origin}\n");
    }
    if let Some(key) = key {
        let stats = mention_stats(snap, key);
        let _ = write!(md, "\n{}\n", stats_line(&stats));
    }
    Some(Hover {
        range,
        markdown: md,
    })
}

fn tag_of<'t>(target: &'t Target<'_>) -> Option<&'t TagSyntax> {
    match target {
        Target::Mention { tag, .. } => tag.as_deref(),
        Target::Entry { .. } => None,
    }
}

/// Where a mention's key came from, for the hover: the tag, the knowledge base, the
/// article's own acronym definition, what a file teaches (its tags and definitions), or
/// the name itself.
fn key_origin(
    snap: &WorkspaceSnapshot,
    file: &FileSnapshot,
    mention: FileMention<'_>,
    tag: Option<&TagSyntax>,
) -> Option<String> {
    let key = mention.key()?;
    if mention.source == MentionSource::Tag {
        let tagged = tag.is_some_and(|t| t.value_of("ref").is_some())
            || snap.analysis(file).is_some_and(|a| {
                a.syntax
                    .tags
                    .iter()
                    .any(|t| t.span == mention.range && t.value_of("ref").is_some())
            });
        return Some(if tagged {
            "this tag's `ref`".to_owned()
        } else {
            "the recogniser, as the tag gives none".to_owned()
        });
    }
    if let Some((_, entry_file)) = snap.entry(key) {
        return Some(match entry_file.and_then(|id| snap.file(id)) {
            Some(kb) => format!("the knowledge base in `{}`", file_name(&kb.path)),
            None => "the built-in knowledge base".to_owned(),
        });
    }
    let text = mention.text();
    let defined_here = file
        .acronyms
        .iter()
        .any(|d| d.article == mention.article && d.short == text.trim());
    if defined_here {
        return Some("this article's definition of the acronym".to_owned());
    }
    if let Some(form) = snap.lexicon.teacher(&text, key) {
        return Some(match form.origin.as_deref() {
            Some(origin) => format!("what `{}` teaches", file_name(std::path::Path::new(origin))),
            None => "what another file teaches".to_owned(),
        });
    }
    if crate::recognize::normalize::slug(&text) == key {
        Some("the name itself".to_owned())
    } else {
        Some("the fuller name this article gives it".to_owned())
    }
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The knowledge-base entry of a key as a navigation target, when it lives in a
/// workspace file.
pub(crate) fn entry_target(snap: &WorkspaceSnapshot, key: &str) -> Option<NavTarget> {
    let (entry, file) = snap.entry(key)?;
    let file = file?;
    let source = entry.source.as_ref()?;
    Some(NavTarget {
        file,
        full_range: source.range,
        focus_range: source.key_range.unwrap_or(source.range),
    })
}

/// How many other articles' first mentions a definition lists: a peek window with more
/// is of no use, and references list them all.
pub const DEFINITION_ARTICLES: usize = 100;

/// Where an entity is defined: its knowledge-base entry when it has one; in the current
/// article, the acronym's definition or the entity's first mention (unless that is the
/// mention under the cursor); then the first mention in each of at most
/// [`DEFINITION_ARTICLES`] other articles, nearest in date to the current article first
/// (undated ones last).
pub fn goto_definition(snap: &WorkspaceSnapshot, pos: FilePosition) -> Vec<NavTarget> {
    let Some(target) = target_at(snap, pos) else {
        return Vec::new();
    };
    let Some(key) = target.key() else {
        return Vec::new();
    };
    let mut targets: Vec<NavTarget> = entry_target(snap, key).into_iter().collect();
    let here: Option<ArticleId> = match &target {
        Target::Mention { file, mention, .. } => {
            targets.extend(in_current_article(snap, file, *mention, key));
            Some((file.id, mention.article))
        }
        Target::Entry { .. } => None,
    };
    let date_of =
        |file: &FileSnapshot, article: usize| file.articles.get(article).and_then(|a| a.date);
    let here_date = here.and_then(|(id, article)| date_of(snap.file(id)?, article));
    // The first mention of each other article, with how far its date lies from here.
    let mut firsts: Vec<(Option<i64>, NavTarget)> = Vec::new();
    for file in snap.files_mentioning(key) {
        let mut last_article = None;
        for mention in file.mentions_of(key) {
            if last_article == Some(mention.article) || here == Some((file.id, mention.article)) {
                continue;
            }
            last_article = Some(mention.article);
            let distance = match (here_date, date_of(file, mention.article)) {
                (Some(here), Some(there)) => Some((there - here).get_days().abs().into()),
                // Without a date of its own to compare, nearer means earlier in the corpus.
                (None, Some(_)) => Some(0),
                (_, None) => None,
            };
            firsts.push((
                distance,
                NavTarget {
                    file: file.id,
                    full_range: mention.range,
                    focus_range: mention.range,
                },
            ));
        }
    }
    // Stable: equal distances keep file and article order; undated articles go last.
    firsts.sort_by_key(|(distance, _)| distance.map_or((1, 0), |days| (0, days)));
    targets.extend(
        firsts
            .into_iter()
            .take(DEFINITION_ARTICLES)
            .map(|(_, target)| target),
    );
    targets
}

/// Where the current article defines or first mentions the entity under the cursor:
/// the acronym's definition when the article defines it, else the first mention; none
/// when that is the cursor's own mention.
fn in_current_article(
    snap: &WorkspaceSnapshot,
    file: &FileSnapshot,
    mention: FileMention<'_>,
    key: &str,
) -> Option<NavTarget> {
    if let Some((def_file, def)) = acronym_definition(snap, file, mention)
        && def_file.id == file.id
        && def.article == mention.article
    {
        let (long, short) = (def.long_range, def.short_range);
        if long.start <= mention.range.start && mention.range.end <= long.end.max(short.end) {
            return None;
        }
        return Some(NavTarget {
            file: file.id,
            full_range: def.full_range(),
            focus_range: long,
        });
    }
    let first = file
        .mentions_of(key)
        .find(|m| m.article == mention.article)?;
    (first.range != mention.range).then_some(NavTarget {
        file: file.id,
        full_range: first.range,
        focus_range: first.range,
    })
}

pub fn goto_declaration(snap: &WorkspaceSnapshot, pos: FilePosition) -> Vec<NavTarget> {
    let Some(Target::Mention { file, mention, .. }) = target_at(snap, pos) else {
        return Vec::new();
    };
    let Some((def_file, def)) = acronym_definition(snap, file, mention) else {
        return Vec::new();
    };
    vec![NavTarget {
        file: def_file.id,
        full_range: def.full_range(),
        focus_range: def.short_range,
    }]
}

pub fn references(
    snap: &WorkspaceSnapshot,
    pos: FilePosition,
    include_declaration: bool,
) -> Vec<FileRange> {
    let mut refs = Vec::new();
    references_by_file(snap, pos, include_declaration, &mut |found| {
        refs.extend_from_slice(found);
        std::ops::ControlFlow::Continue(())
    });
    refs
}

/// The references of [`references`], handed to `found` a file at a time (the
/// declaration first), in the same order: a client that takes partial results gets
/// the first files' while the rest are gathered. `found` stops the walk by breaking.
pub fn references_by_file(
    snap: &WorkspaceSnapshot,
    pos: FilePosition,
    include_declaration: bool,
    found: &mut dyn FnMut(&[FileRange]) -> std::ops::ControlFlow<()>,
) {
    let Some(target) = target_at(snap, pos) else {
        return;
    };
    let Some(key) = target.key() else {
        return;
    };
    if include_declaration && let Some(entry) = entry_target(snap, key) {
        let declaration = FileRange {
            file: entry.file,
            range: entry.focus_range,
        };
        if found(&[declaration]).is_break() {
            return;
        }
    }
    let mut in_file = Vec::new();
    for file in snap.files_mentioning(key) {
        in_file.clear();
        in_file.extend(file.mentions_of(key).map(|mention| FileRange {
            file: file.id,
            range: mention.range,
        }));
        if !in_file.is_empty() && found(&in_file).is_break() {
            return;
        }
    }
}

pub fn document_highlight(snap: &WorkspaceSnapshot, pos: FilePosition) -> Vec<TextRange> {
    let Some(target) = target_at(snap, pos) else {
        return Vec::new();
    };
    let Some(key) = target.key() else {
        return Vec::new();
    };
    let Some(file) = snap.file(pos.file) else {
        return Vec::new();
    };
    let mut ranges: Vec<TextRange> = file
        .mentions()
        .filter(|m| m.key() == Some(key))
        .map(|m| m.range)
        .collect();
    for entry in file.entries.iter().filter(|e| e.key == key) {
        if let Some(source) = &entry.source {
            ranges.push(source.key_range.unwrap_or(source.range));
        }
    }
    ranges.sort();
    ranges
}
