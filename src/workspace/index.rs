//! The workspace: every open or indexed file by path, its analysis, the lexicon the
//! files teach each other, and an index from entity keys to the files that mention them.
//!
//! `Workspace` is the mutable state a server keeps behind a lock; `WorkspaceSnapshot`
//! is an immutable view that editor features read without locking.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::analysis::{Analyzer, ArticleAnalysis, FileAnalysis};
use crate::diagnostic::Diagnostic;
use crate::kb::Entry;
use crate::recognize::ArticleText;
use crate::recognize::normalize::normalize;
use crate::recognize::{EntityType, LearnedForm, Lexicon, teaching};
use crate::syntax::{ArticleSyntax, FileSyntax, PlainText};
use crate::text::{LineIndex, TextRange};

use super::{FileMention, MentionTable, learned_forms};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// Entity key to the files that mention it and how often.
type KeyFiles = HashMap<Arc<str>, BTreeMap<FileId, u32>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Article,
    Config,
    KnowledgeBase,
}

impl FileKind {
    /// The kind of a file by its name: `accord.toml` configures, other TOML files hold
    /// knowledge-base entries, and everything else the editor opens is articles.
    pub fn of_path(path: &Path) -> FileKind {
        if path.file_name().is_some_and(|name| name == "accord.toml") {
            FileKind::Config
        } else if path.extension().is_some_and(|ext| ext == "toml") {
            FileKind::KnowledgeBase
        } else {
            FileKind::Article
        }
    }
}

/// One file as the workspace last saw it. Immutable; shared between snapshots.
#[derive(Debug)]
pub struct FileSnapshot {
    pub id: FileId,
    pub path: PathBuf,
    pub kind: FileKind,
    pub text: Arc<str>,
    pub line_index: Arc<LineIndex>,
    /// The full analysis of an article file while it is open in an editor (and while
    /// indexing or a lexicon refresh needs it); `None` for a closed file, which keeps
    /// only its summary (`articles`, `acronyms`, `mentions`, `diagnostics`). Features
    /// that need more of a closed file ask [`WorkspaceSnapshot::analysis`].
    pub analysis: Option<Arc<FileAnalysis>>,
    /// For every kind: configuration and knowledge-base problems too.
    pub diagnostics: Vec<Diagnostic>,
    /// Where each article is, its title and its date (articles only).
    pub articles: Arc<[ArticleSummary]>,
    /// The acronyms the articles define, in file order.
    pub acronyms: Arc<[AcronymSummary]>,
    /// Every mention of the file, tags and recognised (articles only).
    mentions: Arc<MentionTable>,
    /// The entries a knowledge-base file defines, as its current text says.
    pub entries: Vec<Entry>,
    /// Indexes of the snapshot built at their first use.
    lookups: Lookups,
}

/// What a file keeps of an article, open or closed: where it is, its title and date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleSummary {
    pub range: TextRange,
    /// The title line's content.
    pub title: Option<TextRange>,
    pub date: Option<jiff::civil::Date>,
}

/// An acronym an article defines, in file offsets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcronymSummary {
    pub article: usize,
    pub short: String,
    pub long: String,
    pub short_range: TextRange,
    pub long_range: TextRange,
}

impl AcronymSummary {
    /// The definition from the long form to the short one, whichever comes first.
    pub fn full_range(&self) -> TextRange {
        TextRange::new(
            self.long_range.start.min(self.short_range.start),
            self.long_range.end.max(self.short_range.end),
        )
    }
}

/// The summaries of a file's articles and acronym definitions.
fn summarize(analysis: &FileAnalysis) -> (Arc<[ArticleSummary]>, Arc<[AcronymSummary]>) {
    let articles = analysis
        .syntax
        .articles
        .iter()
        .map(|article| ArticleSummary {
            range: article.range,
            title: article.title,
            date: article.date(),
        })
        .collect();
    let acronyms = analysis
        .articles
        .iter()
        .enumerate()
        .flat_map(|(index, article)| {
            article
                .recognized
                .acronyms
                .iter()
                .map(move |def| AcronymSummary {
                    article: index,
                    short: def.short.clone(),
                    long: def.long.clone(),
                    short_range: article.plain.to_annotated(def.short_range),
                    long_range: article.plain.to_annotated(def.long_range),
                })
        })
        .collect();
    (articles, acronyms)
}

/// What a file snapshot indexes at the first lookup: most snapshots of an edited file
/// are never asked, and those of the other files keep theirs across edits.
#[derive(Debug, Default)]
struct Lookups {
    /// Where each key's mentions are in `mentions`.
    /// Shared with the file's compacted snapshot, which has the same mentions.
    mentions_by_key: OnceLock<Arc<KeyLookup>>,
    /// The first definition of each acronym in the file, as a place in `acronyms`.
    acronyms_by_short: OnceLock<HashMap<String, usize>>,
}

impl Lookups {
    /// Lookups for a snapshot with the same text and mentions: the key lookup, if
    /// built, is shared.
    fn for_the_same_mentions(&self) -> Lookups {
        let lookups = Lookups::default();
        if let Some(by_key) = self.mentions_by_key.get() {
            let _ = lookups.mentions_by_key.set(by_key.clone());
        }
        lookups
    }
}

/// Where each key's mentions are in a file: two flat tables instead of a map of
/// small vectors, since every closed file of an archive keeps one.
#[derive(Debug, Default)]
struct KeyLookup {
    /// The file's keys in name order, for a binary search.
    keys: Vec<(Arc<str>, KeyMentions)>,
    /// Places in the file's `mentions`, grouped by key and in order within a key.
    indices: Vec<u32>,
}

impl KeyLookup {
    fn get(&self, key: &str) -> Option<&KeyMentions> {
        let at = self.keys.binary_search_by(|(k, _)| (**k).cmp(key)).ok()?;
        Some(&self.keys[at].1)
    }

    fn indices(&self, found: &KeyMentions) -> &[u32] {
        &self.indices[found.indices.start as usize..found.indices.end as usize]
    }
}

/// A file's mentions of one key, and what a hover says of them.
#[derive(Debug, Default)]
pub struct KeyMentions {
    /// Where the key's places are in its lookup's `indices`.
    indices: std::ops::Range<u32>,
    /// Articles of the file that mention the key.
    pub articles: usize,
    /// The earliest and latest dates of those articles.
    pub first: Option<jiff::civil::Date>,
    pub latest: Option<jiff::civil::Date>,
}

impl KeyMentions {
    pub fn mentions(&self) -> usize {
        self.indices.len()
    }
}

impl FileSnapshot {
    /// A closed file's summary and text in allocations of their own.
    fn copied(&self, names: &mut super::SharedNames) -> FileSnapshot {
        FileSnapshot {
            id: self.id,
            path: self.path.clone(),
            kind: self.kind,
            // Texts read during indexing lie among the analyses freed since: a copy
            // leaves those pages free to return (about 10 MB on a 44 MB archive).
            text: Arc::from(&*self.text),
            line_index: Arc::new((*self.line_index).clone()),
            analysis: None,
            diagnostics: self.diagnostics.clone(),
            articles: self.articles.iter().cloned().collect(),
            acronyms: self.acronyms.iter().cloned().collect(),
            mentions: Arc::new(self.mentions.copied(names)),
            entries: self.entries.clone(),
            lookups: Lookups::default(),
        }
    }

    /// Every mention of the file, in file order.
    pub fn mentions(
        &self,
    ) -> impl DoubleEndedIterator<Item = FileMention<'_>> + ExactSizeIterator + Clone {
        self.mentions.iter(&self.text)
    }

    /// The file's mentions of entity `key`, in order.
    pub fn mentions_of(&self, key: &str) -> impl Iterator<Item = FileMention<'_>> {
        let lookup = self.key_lookup();
        lookup
            .get(key)
            .into_iter()
            .flat_map(|found| lookup.indices(found))
            .filter_map(|&index| self.mentions.get(&self.text, index as usize))
    }

    /// How the file mentions entity `key`, if it does.
    pub fn key_mentions(&self, key: &str) -> Option<&KeyMentions> {
        self.key_lookup().get(key)
    }

    fn key_lookup(&self) -> &KeyLookup {
        self.lookups
            .mentions_by_key
            .get_or_init(|| Arc::new(self.build_key_lookup()))
    }

    /// Groups the mentions by key in two passes, counting and then placing, so that
    /// the lookup is made of two allocations of their exact size.
    fn build_key_lookup(&self) -> KeyLookup {
        // A table interns its names: one key, one pointer.
        let mut slot_of: HashMap<*const str, usize> = HashMap::new();
        let mut keys: Vec<(Arc<str>, KeyMentions)> = Vec::new();
        let mut last_article: Vec<usize> = Vec::new();
        for mention in self.mentions() {
            let Some(key) = mention.key_arc() else {
                continue;
            };
            let slot = *slot_of.entry(Arc::as_ptr(key)).or_insert_with(|| {
                keys.push((key.clone(), KeyMentions::default()));
                last_article.push(usize::MAX);
                keys.len() - 1
            });
            let found = &mut keys[slot].1;
            // Counted here, placed below.
            found.indices.end += 1;
            // Mentions are in article order, so an article is new when it differs
            // from that of the key's last mention.
            if last_article[slot] != mention.article {
                last_article[slot] = mention.article;
                found.articles += 1;
                if let Some(date) = self.articles.get(mention.article).and_then(|a| a.date) {
                    found.first = Some(found.first.map_or(date, |d| d.min(date)));
                    found.latest = Some(found.latest.map_or(date, |d| d.max(date)));
                }
            }
        }
        let mut next = 0u32;
        for (_, found) in &mut keys {
            let count = found.indices.end;
            found.indices = next..next;
            next += count;
        }
        let mut indices = vec![0u32; next as usize];
        for (index, mention) in self.mentions().enumerate() {
            let Some(slot) = mention
                .key_arc()
                .and_then(|key| slot_of.get(&Arc::as_ptr(key)))
            else {
                continue;
            };
            let found = &mut keys[*slot].1;
            indices[found.indices.end as usize] = index as u32;
            found.indices.end += 1;
        }
        keys.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        KeyLookup { keys, indices }
    }

    /// Builds the key lookup now: a hover counts a key's mentions in every file that
    /// has it, and building the lookups of a whole workspace's new snapshots at the
    /// first hover after indexing or a reload kept it waiting hundreds of
    /// milliseconds. Files prepared in bulk build it where they are analysed.
    fn warm_lookups(&self) {
        let _ = self.key_mentions("");
    }

    /// The first definition of acronym `short` in the file.
    pub fn acronym_definition(&self, short: &str) -> Option<&AcronymSummary> {
        let place = self
            .lookups
            .acronyms_by_short
            .get_or_init(|| {
                let mut by_short = HashMap::new();
                for (place, def) in self.acronyms.iter().enumerate() {
                    by_short.entry(def.short.clone()).or_insert(place);
                }
                by_short
            })
            .get(short)?;
        self.acronyms.get(*place)
    }

    /// The mentions whose range touches `offset`, innermost first.
    pub fn mentions_at(&self, offset: usize) -> impl Iterator<Item = FileMention<'_>> {
        let mut found: Vec<FileMention<'_>> = self
            .mentions()
            .filter(|m| m.range.touches(offset))
            .collect();
        found.sort_by_key(|m| m.range.len());
        found.into_iter()
    }

    /// The article whose range touches `offset`.
    pub fn article_at(&self, offset: usize) -> Option<(usize, &ArticleSummary)> {
        self.articles
            .iter()
            .enumerate()
            .find(|(_, article)| article.range.touches(offset))
    }

    /// The same file without its full analysis.
    fn compacted(&self) -> FileSnapshot {
        FileSnapshot {
            id: self.id,
            path: self.path.clone(),
            kind: self.kind,
            text: self.text.clone(),
            line_index: self.line_index.clone(),
            analysis: None,
            diagnostics: self.diagnostics.clone(),
            articles: self.articles.clone(),
            acronyms: self.acronyms.clone(),
            mentions: self.mentions.clone(),
            entries: self.entries.clone(),
            lookups: self.lookups.for_the_same_mentions(),
        }
    }
}

/// What the workspace keeps per file besides its snapshot: the forms the file teaches.
struct FileState {
    snapshot: Arc<FileSnapshot>,
    /// Shared, so that packing takes it without copying under the lock.
    learned: Arc<[LearnedForm]>,
    /// The lexicon the articles were recognised with: their recognition can be reused
    /// only while it is still the workspace's.
    lexicon: Option<Arc<Lexicon>>,
    /// The analyzer the file was analysed with: after a reload, files still analysed
    /// with the previous one are analysed again, and nothing of theirs is reused.
    analyzer: Arc<Analyzer>,
    /// How often the file mentions each key: counted when the file is analysed (off
    /// the lock, in a server), so that installing it updates the key index per key,
    /// not per mention.
    keys: Arc<KeyCounts>,
}

impl FileState {
    /// Drops the full analysis, keeping the summary; returns the analysis for the
    /// caller to free where no lock is held.
    fn compact(&mut self) -> Option<Arc<FileAnalysis>> {
        self.snapshot.analysis.as_ref()?;
        let compacted = Arc::new(self.snapshot.compacted());
        let old = std::mem::replace(&mut self.snapshot, compacted);
        old.analysis.clone()
    }
}

/// Mentions per entity key in one file.
type KeyCounts = HashMap<Arc<str>, u32>;

/// The mutable state of a workspace.
pub struct Workspace {
    analyzer: Arc<Analyzer>,
    /// Shared with snapshots, which look up knowledge-base sources by path.
    ids: Arc<HashMap<PathBuf, FileId>>,
    paths: Vec<PathBuf>,
    states: BTreeMap<FileId, FileState>,
    files: Arc<BTreeMap<FileId, Arc<FileSnapshot>>>,
    lexicon: Arc<Lexicon>,
    /// Entity key to the files that mention it, with how many times; copy-on-write, so
    /// snapshots read it without locks while the workspace changes. The counts let an
    /// edit update only the keys of the mentions it replaced.
    key_files: Arc<KeyFiles>,
    /// How many articles recognition has run on, to observe what edits cost.
    recognitions: Arc<AtomicUsize>,
    /// Whether an edit that changes what its file teaches leaves the lexicon to a later
    /// [`Workspace::begin_lexicon_refresh`] (a server, off its lock) instead of
    /// refreshing it at once.
    defer_edit_refresh: bool,
    /// Whether the lexicon may be behind what the files teach.
    lexicon_pending: bool,
    /// Counts the changes to files and to the lexicon, so that a saved index is known
    /// to be current.
    revision: u64,
    /// Whether many files are being installed, to end with [`Workspace::refresh`]: no
    /// other refresh begins meanwhile.
    bulk_loading: bool,
    /// Files open in an editor: they keep their full analysis, the others only their
    /// summaries once the lexicon is settled.
    open: HashSet<FileId>,
    /// Full analyses of closed files built on demand, shared with snapshots.
    on_demand: Arc<OnDemand>,
}

/// A few full analyses of closed files, built when a feature asks (a rename reading
/// their tags), most recent last.
#[derive(Default)]
struct OnDemand {
    built: parking_lot::Mutex<Vec<OnDemandEntry>>,
}

/// An on-demand analysis and what it was built from, kept alive so that it matches
/// only those.
struct OnDemandEntry {
    file: FileId,
    text: Arc<str>,
    analyzer: Arc<Analyzer>,
    lexicon: Arc<Lexicon>,
    analysis: Arc<FileAnalysis>,
}

impl OnDemandEntry {
    fn matches(&self, snap: &WorkspaceSnapshot, file: &FileSnapshot) -> bool {
        self.file == file.id
            && same_text(&self.text, &file.text)
            && Arc::ptr_eq(&self.analyzer, &snap.analyzer)
            && Arc::ptr_eq(&self.lexicon, &snap.lexicon)
    }
}

/// Whether two texts of a file are the same: packing copies a closed file's text, so
/// the same text may be held twice.
fn same_text(a: &Arc<str>, b: &Arc<str>) -> bool {
    Arc::ptr_eq(a, b) || a == b
}

/// How many on-demand analyses are kept.
const ON_DEMAND_FILES: usize = 8;

/// A lexicon refresh taken out of the workspace: the forms the files teach and the
/// files to recognise again, each as it was when the refresh began. [`run`] does the
/// work without the workspace; [`Workspace::finish_lexicon_refresh`] installs what is
/// still current.
///
/// [`run`]: LexiconRefresh::run
pub struct LexiconRefresh {
    forms: Vec<LearnedForm>,
    previous: Arc<Lexicon>,
    context: AnalysisContext,
    files: Vec<RefreshFile>,
}

struct RefreshFile {
    id: FileId,
    snapshot: Arc<FileSnapshot>,
    lexicon: Option<Arc<Lexicon>>,
    analyzer: Arc<Analyzer>,
}

/// A refresh's result: the new lexicon and, per file, its new state (`None`: its
/// recognition stands, only the lexicon it counts as recognised with moves on).
pub struct RefreshedLexicon {
    lexicon: Arc<Lexicon>,
    previous: Arc<Lexicon>,
    files: Vec<(FileId, Arc<FileSnapshot>, Option<FileState>)>,
}

impl LexiconRefresh {
    /// Builds the new lexicon and recognises again, in parallel, the articles a changed
    /// form can reach (every article of a file recognised with an older lexicon).
    pub fn run(self) -> RefreshedLexicon {
        let LexiconRefresh {
            forms,
            previous,
            mut context,
            files,
        } = self;
        let affected = AffectedText::between(&previous.forms, &forms);
        let lexicon = Arc::new(Lexicon::new(forms));
        context.lexicon = lexicon.clone();
        let recognizer = context.analyzer.recognizer();
        let files = files
            .into_par_iter()
            .filter_map(|file| {
                let current = file
                    .lexicon
                    .as_ref()
                    .is_some_and(|l| Arc::ptr_eq(l, &previous));
                let Some(analysis) = file.snapshot.analysis.as_deref() else {
                    // A closed file keeps no plain text to test article by article:
                    // its whole text is tested, and it is analysed again whole.
                    if current
                        && (affected.is_nothing()
                            || !affected.may_match(&super::plain_of_markup(&file.snapshot.text)))
                    {
                        return Some((file.id, file.snapshot, None));
                    }
                    let snapshot = &file.snapshot;
                    let mut state =
                        context.build_state(file.id, &snapshot.path, snapshot.text.clone(), None);
                    state.analyzer = file.analyzer.clone();
                    state.compact();
                    state.snapshot.warm_lookups();
                    return Some((file.id, file.snapshot, Some(state)));
                };
                let mut changed = false;
                // Articles where no changed form can match keep their recognition.
                let articles: Vec<ArticleAnalysis> = analysis
                    .syntax
                    .articles
                    .iter()
                    .zip(&analysis.articles)
                    .map(|(article_syntax, article)| {
                        if current && !affected.may_match(&article.plain.text) {
                            return article.clone();
                        }
                        changed = true;
                        context.recognitions.fetch_add(1, Ordering::Relaxed);
                        let title = TextRange::new(0, title_end(article_syntax, &article.plain));
                        let recognized = recognizer.recognize(
                            &ArticleText {
                                text: &article.plain.text,
                                title,
                                date: article_syntax.date(),
                            },
                            &context.lexicon,
                        );
                        ArticleAnalysis {
                            plain: article.plain.clone(),
                            recognized: Arc::new(recognized),
                        }
                    })
                    .collect();
                if !changed {
                    return Some((file.id, file.snapshot, None));
                }
                let snapshot = &file.snapshot;
                let analysis = context.analyzer.assemble(analysis.syntax.clone(), articles);
                // Articles no learned form reaches keep what the file's own analyzer
                // found; a reload in progress still analyses the file again.
                let mut new_state = article_state(
                    file.id,
                    &snapshot.path,
                    snapshot.text.clone(),
                    snapshot.line_index.clone(),
                    analysis,
                    &file.analyzer,
                );
                new_state.lexicon = Some(context.lexicon.clone());
                new_state.snapshot.warm_lookups();
                Some((file.id, file.snapshot, Some(new_state)))
            })
            .collect();
        RefreshedLexicon {
            lexicon,
            previous,
            files,
        }
    }
}

/// The files of a workspace to save as its index, taken out by
/// [`Workspace::cache_source`] and encoded without the lock.
pub struct CacheSource {
    lexicon: Arc<Lexicon>,
    files: Vec<(Arc<FileSnapshot>, Vec<LearnedForm>)>,
    revision: u64,
}

impl CacheSource {
    /// The workspace's revision it was taken at (see [`Workspace::revision`]).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// How many files it saves.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The cache file's bytes, for an analyzer with `fingerprint`
    /// ([`super::cache::analyzer_fingerprint`]).
    pub fn encode(&self, fingerprint: u64) -> Vec<u8> {
        super::cache::encode(
            fingerprint,
            &self.lexicon.forms,
            self.files
                .iter()
                .map(|(file, learned)| super::cache::FileToSave {
                    path: &file.path,
                    text: &file.text,
                    mentions: &file.mentions,
                    articles: &file.articles,
                    acronyms: &file.acronyms,
                    diagnostics: &file.diagnostics,
                    learned,
                }),
        )
    }
}

/// An immutable view of the workspace. Cheap to clone.
#[derive(Clone)]
pub struct WorkspaceSnapshot {
    pub analyzer: Arc<Analyzer>,
    files: Arc<BTreeMap<FileId, Arc<FileSnapshot>>>,
    key_files: Arc<KeyFiles>,
    ids: Arc<HashMap<PathBuf, FileId>>,
    pub lexicon: Arc<Lexicon>,
    recognitions: Arc<AtomicUsize>,
    on_demand: Arc<OnDemand>,
}

impl WorkspaceSnapshot {
    /// The full analysis of an article file: the one it keeps while open, else one
    /// built now from its text (and kept among a few), as analysing it with this
    /// snapshot's analyzer and lexicon gives.
    pub fn analysis(&self, file: &FileSnapshot) -> Option<Arc<FileAnalysis>> {
        if let Some(analysis) = &file.analysis {
            return Some(analysis.clone());
        }
        if file.kind != FileKind::Article {
            return None;
        }
        {
            let mut built = self.on_demand.built.lock();
            if let Some(place) = built.iter().position(|entry| entry.matches(self, file)) {
                let entry = built.remove(place);
                let analysis = entry.analysis.clone();
                built.push(entry);
                return Some(analysis);
            }
        }
        let context = AnalysisContext {
            analyzer: self.analyzer.clone(),
            lexicon: self.lexicon.clone(),
            recognitions: self.recognitions.clone(),
        };
        let state = context.build_state(file.id, &file.path, file.text.clone(), None);
        let analysis = state.snapshot.analysis.clone()?;
        let mut built = self.on_demand.built.lock();
        built.retain(|entry| entry.file != file.id);
        if built.len() >= ON_DEMAND_FILES {
            built.remove(0);
        }
        built.push(OnDemandEntry {
            file: file.id,
            text: file.text.clone(),
            analyzer: self.analyzer.clone(),
            lexicon: self.lexicon.clone(),
            analysis: analysis.clone(),
        });
        Some(analysis)
    }

    pub fn file(&self, id: FileId) -> Option<&Arc<FileSnapshot>> {
        self.files.get(&id)
    }

    /// Every file, in `FileId` order.
    pub fn files(&self) -> impl Iterator<Item = &Arc<FileSnapshot>> {
        self.files.values()
    }

    pub fn file_by_path(&self, path: &Path) -> Option<&Arc<FileSnapshot>> {
        self.ids.get(path).and_then(|id| self.files.get(id))
    }

    /// The files that mention entity `key`, in `FileId` order.
    pub fn files_mentioning(&self, key: &str) -> impl Iterator<Item = &Arc<FileSnapshot>> {
        self.key_files
            .get(key)
            .into_iter()
            .flat_map(BTreeMap::keys)
            .filter_map(|id| {
                // A key can be mentioned in every file; a request that is no longer
                // wanted stops here.
                crate::cancel::check();
                self.files.get(id)
            })
    }

    /// Every mention of entity `key` in the workspace, by file then position.
    pub fn mentions_of(&self, key: &str) -> Vec<(&Arc<FileSnapshot>, FileMention<'_>)> {
        self.files_mentioning(key)
            .flat_map(|file| file.mentions_of(key).map(move |m| (file, m)))
            .collect()
    }

    /// Every entity key mentioned in the workspace, sorted.
    pub fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self.key_files.keys().map(|key| &**key).collect();
        keys.sort_unstable();
        keys
    }

    /// The knowledge-base entry of a key: from a workspace file when one defines it (its
    /// text may be newer than the loaded knowledge base), else from the knowledge base.
    pub fn entry(&self, key: &str) -> Option<(&Entry, Option<FileId>)> {
        for file in self
            .files
            .values()
            .filter(|file| file.kind == FileKind::KnowledgeBase)
        {
            if let Some(entry) = file.entries.iter().find(|e| e.key == key) {
                return Some((entry, Some(file.id)));
            }
        }
        let entry = self.analyzer.kb.get(key)?;
        let file = entry
            .source
            .as_ref()
            .and_then(|source| self.file_by_path(&source.path))
            .map(|file| file.id);
        Some((entry.as_ref(), file))
    }
}

/// What analysing a file needs from the workspace. Cheap to clone, so that files are
/// analysed without holding the workspace (and its lock, in a server).
#[derive(Clone)]
pub struct AnalysisContext {
    analyzer: Arc<Analyzer>,
    lexicon: Arc<Lexicon>,
    recognitions: Arc<AtomicUsize>,
}

/// What an install replaced or left out, for a caller that holds the workspace behind a
/// lock to drop after releasing it: freeing a large file's analysis takes a while.
#[must_use = "dropped where the lock is not held"]
pub struct Replaced(
    #[allow(dead_code)] Vec<FileState>,
    #[allow(dead_code)] Vec<Arc<FileAnalysis>>,
);

impl Replaced {
    fn new(states: Vec<FileState>) -> Replaced {
        Replaced(states, Vec::new())
    }
}

/// What [`AnalysisContext::prepare_with_cache`] keeps of each file's analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// The full analysis: for a file open in the editor, or for the lexicon refresh
    /// that ends a bulk load to reuse article by article.
    Analysis,
    /// Only the summary a closed file keeps. The analysis is freed on the thread that
    /// built it, in parallel and where freeing is cheapest, instead of by the thread
    /// that installs the files.
    Summary,
}

/// A file analysed apart from the workspace, to be installed by
/// [`Workspace::install_files`].
pub struct PreparedFile {
    id: FileId,
    state: FileState,
}

impl PreparedFile {
    pub fn id(&self) -> FileId {
        self.id
    }

    /// The text the file was analysed from.
    pub fn text(&self) -> &Arc<str> {
        &self.state.snapshot.text
    }
}

impl AnalysisContext {
    /// The analyzer files are analysed with.
    pub fn analyzer(&self) -> &Arc<Analyzer> {
        &self.analyzer
    }

    /// Analyses files in parallel. Their trees are not kept: files read from disk are
    /// replaced whole, never edited in place.
    pub fn prepare(&self, files: Vec<(FileId, PathBuf, Arc<str>)>) -> Vec<PreparedFile> {
        self.prepare_with_cache(files, None, Keep::Analysis).0
    }

    /// Like [`AnalysisContext::prepare`], restoring from `cache` the summary of each
    /// article file whose text is the one it was saved with; the context's lexicon must
    /// be the cache's ([`Workspace::adopt_cached_lexicon`]). Returns how many were
    /// restored.
    pub fn prepare_with_cache(
        &self,
        files: Vec<(FileId, PathBuf, Arc<str>)>,
        cache: Option<&super::cache::IndexCache>,
        keep: Keep,
    ) -> (Vec<PreparedFile>, usize) {
        let restored = AtomicUsize::new(0);
        // Largest first: the last file a thread takes is then a small one, and the
        // other thread does not wait long for it at the end of the batch.
        let mut files: Vec<_> = files.into_iter().enumerate().collect();
        files.sort_by_key(|(_, (_, _, text))| std::cmp::Reverse(text.len()));
        let mut prepared: Vec<(usize, PreparedFile)> = files
            .into_par_iter()
            .map(|(order, (id, path, text))| {
                let summary = cache
                    .filter(|_| FileKind::of_path(&path) == FileKind::Article)
                    .and_then(|cache| cache.restore(&path, &text));
                let mut state = match summary {
                    Some(summary) => {
                        restored.fetch_add(1, Ordering::Relaxed);
                        self.restored_state(id, &path, text, summary)
                    }
                    None => self.build_state(id, &path, text, None),
                };
                if keep == Keep::Summary {
                    drop(state.compact());
                }
                state.snapshot.warm_lookups();
                (order, PreparedFile { id, state })
            })
            .collect();
        prepared.sort_unstable_by_key(|(order, _)| *order);
        let prepared = prepared.into_iter().map(|(_, file)| file).collect();
        (prepared, restored.into_inner())
    }

    /// What each article file teaches, found without recognising it whole: its tags
    /// need only its syntax, and its acronyms only the sentences that define them (see
    /// `recognize::definition_spans`), typed with what all the files' tags teach. A
    /// first index learns this of every file before recognising any, so that each
    /// article is recognised once with what all of them teach, not once without and
    /// again with it. In parallel; the order of `files` is kept.
    pub fn taught_forms(
        &self,
        files: &[(FileId, PathBuf, Arc<str>)],
    ) -> Vec<(FileId, Vec<LearnedForm>)> {
        let teachings: Vec<FileTeaching> = files
            .par_iter()
            .filter(|(_, path, _)| FileKind::of_path(path) == FileKind::Article)
            .map(|(id, path, text)| FileTeaching::of(*id, path, text))
            .collect();
        // Only the compiled names of this lexicon are used, so each distinct form is
        // copied once: the tags of a large workspace repeat a few thousand forms tens
        // of thousands of times, and this runs on one thread.
        let mut distinct = HashSet::new();
        let tagged = Lexicon::new(
            teachings
                .iter()
                .flat_map(|file| &file.articles)
                .flat_map(|article| &article.tags)
                .filter(|form| distinct.insert((&form.surface, form.ty, &form.key)))
                .cloned()
                .collect(),
        );
        let recognizer = self.analyzer.recognizer();
        teachings
            .into_par_iter()
            .map(|file| {
                let articles = file.articles.into_iter().map(|article| {
                    let mut forms = article.tags;
                    for (span, title) in &article.spans {
                        let span = ArticleText {
                            text: span,
                            title: *title,
                            date: article.date,
                        };
                        let acronyms = recognizer.recognize(&span, &tagged).acronyms;
                        forms.extend(super::acronym_forms(&acronyms));
                    }
                    forms
                });
                (file.id, super::file_forms(articles, Some(&file.origin)))
            })
            .collect()
    }

    /// A closed article file's state from its saved summary.
    fn restored_state(
        &self,
        id: FileId,
        path: &Path,
        text: Arc<str>,
        summary: super::cache::RestoredSummary,
    ) -> FileState {
        let keys = summary.mentions.key_counts();
        FileState {
            snapshot: Arc::new(FileSnapshot {
                id,
                path: path.to_path_buf(),
                kind: FileKind::Article,
                line_index: Arc::new(LineIndex::new(&text)),
                text,
                analysis: None,
                diagnostics: summary.diagnostics,
                articles: summary.articles,
                acronyms: summary.acronyms,
                mentions: Arc::new(summary.mentions),
                entries: Vec::new(),
                lookups: Lookups::default(),
            }),
            learned: summary.learned.into(),
            lexicon: Some(self.lexicon.clone()),
            analyzer: self.analyzer.clone(),
            keys: Arc::new(keys),
        }
    }
}

/// What a file teaches before its acronyms are typed: per article, the forms of its
/// tags and the sentences that define acronyms.
struct FileTeaching {
    id: FileId,
    origin: Arc<str>,
    articles: Vec<ArticleTeaching>,
}

struct ArticleTeaching {
    tags: Vec<LearnedForm>,
    /// Each definition span's plain text, and the part of the title in it.
    spans: Vec<(String, TextRange)>,
    date: Option<jiff::civil::Date>,
}

impl FileTeaching {
    fn of(id: FileId, path: &Path, text: &str) -> FileTeaching {
        let syntax = crate::syntax::parse_and_lower(text);
        let articles = syntax
            .articles
            .iter()
            .map(|article| {
                let plain = article_plain(text, &syntax, article);
                let date = article.date();
                let spans = crate::recognize::definition_spans(&ArticleText {
                    text: &plain.text,
                    title: TextRange::new(0, title_end(article, &plain)),
                    date,
                })
                .into_iter()
                .map(|span| {
                    (
                        plain.text[span.range.start..span.range.end].to_owned(),
                        span.title,
                    )
                })
                .collect();
                ArticleTeaching {
                    tags: super::tag_forms(&syntax.tags[article.tags.clone()], &plain),
                    spans,
                    date,
                }
            })
            .collect();
        FileTeaching {
            id,
            origin: origin_of(path),
            articles,
        }
    }
}

/// Closed files' summaries as [`Workspace::closed_summaries`] took them.
pub struct ClosedSummaries(Vec<(FileId, Arc<FileSnapshot>, FileLasting)>);

/// What a closed file's state keeps besides its snapshot, for as long as the file is
/// unchanged: copied with the summaries, so that nothing of the work that made them
/// keeps that work's pages resident.
struct FileLasting {
    learned: Arc<[LearnedForm]>,
    keys: Arc<KeyCounts>,
}

impl FileLasting {
    fn copied(&self, names: &mut super::SharedNames) -> FileLasting {
        FileLasting {
            learned: self.learned.iter().cloned().collect(),
            keys: Arc::new(
                self.keys
                    .iter()
                    .map(|(key, &count)| (names.get(key), count))
                    .collect(),
            ),
        }
    }
}

/// What [`Workspace::install_copies`] replaced, to be freed where no lock is held.
pub struct ReplacedSummaries(Vec<Arc<FileSnapshot>>, #[allow(dead_code)] Vec<FileLasting>);

impl ReplacedSummaries {
    /// How many files' summaries were replaced.
    pub fn files(&self) -> usize {
        self.0.len()
    }
}

/// Those summaries copied, with the originals to recognise unchanged files by.
pub struct CopiedSummaries(Vec<(FileId, Arc<FileSnapshot>, FileSnapshot, FileLasting)>);

impl ClosedSummaries {
    /// The summaries in parts of at most `files` files, to copy one at a time.
    pub fn into_parts(self, files: usize) -> Vec<ClosedSummaries> {
        let mut parts = Vec::new();
        let mut rest = self.0.into_iter().peekable();
        while rest.peek().is_some() {
            parts.push(ClosedSummaries(rest.by_ref().take(files.max(1)).collect()));
        }
        parts
    }

    /// Copies every summary; run it on a thread that allocated nothing else, so the
    /// copies share no page with freed work. Names already in `names` are shared
    /// with the parts copied before.
    pub(crate) fn copy(self, names: &mut super::SharedNames) -> CopiedSummaries {
        CopiedSummaries(
            self.0
                .into_iter()
                .map(|(id, original, lasting)| {
                    let copy = original.copied(names);
                    copy.warm_lookups();
                    let lasting = lasting.copied(names);
                    (id, original, copy, lasting)
                })
                .collect(),
        )
    }
}

impl AnalysisContext {
    /// Whether a file's analysis was made with this context's analyzer and lexicon, so
    /// that its recognition can be reused.
    fn is_current(&self, state: &FileState) -> bool {
        Arc::ptr_eq(&state.analyzer, &self.analyzer)
            && state
                .lexicon
                .as_ref()
                .is_some_and(|l| Arc::ptr_eq(l, &self.lexicon))
    }

    fn build_state(
        &self,
        id: FileId,
        path: &Path,
        text: Arc<str>,
        previous: Option<&FileState>,
    ) -> FileState {
        let kind = FileKind::of_path(path);
        let line_index = Arc::new(LineIndex::new(&text));
        match kind {
            FileKind::Article => {
                // Well-formed windows are lowered without tree-sitter, to the same syntax.
                let syntax = crate::syntax::parse_and_lower(&text);
                let reusable = previous
                    .filter(|p| self.is_current(p))
                    .and_then(|p| p.snapshot.analysis.as_deref());
                let articles = self.analyze_articles(&text, &syntax, reusable);
                let analysis = self.analyzer.assemble(syntax, articles);
                let mut state = article_state(id, path, text, line_index, analysis, &self.analyzer);
                state.lexicon = Some(self.lexicon.clone());
                state
            }
            FileKind::Config => {
                let (_, diagnostics) = crate::kb::config::parse_config(path, &text);
                FileState {
                    snapshot: Arc::new(FileSnapshot {
                        id,
                        path: path.to_path_buf(),
                        kind,
                        text,
                        line_index,
                        analysis: None,
                        diagnostics,
                        articles: Arc::from([]),
                        acronyms: Arc::from([]),
                        mentions: Arc::default(),
                        entries: Vec::new(),
                        lookups: Lookups::default(),
                    }),
                    learned: Arc::from([]),
                    lexicon: None,
                    analyzer: self.analyzer.clone(),
                    keys: Arc::default(),
                }
            }
            FileKind::KnowledgeBase => {
                let (entries, diagnostics) = crate::kb::load::parse_entries_for_schema(
                    Some(path),
                    &text,
                    &self.analyzer.config.schema,
                );
                let diagnostics = self.analyzer.config.apply_severities(diagnostics);
                FileState {
                    snapshot: Arc::new(FileSnapshot {
                        id,
                        path: path.to_path_buf(),
                        kind,
                        text,
                        line_index,
                        analysis: None,
                        diagnostics,
                        articles: Arc::from([]),
                        acronyms: Arc::from([]),
                        mentions: Arc::default(),
                        entries,
                        lookups: Lookups::default(),
                    }),
                    learned: Arc::from([]),
                    lexicon: None,
                    analyzer: self.analyzer.clone(),
                    keys: Arc::default(),
                }
            }
        }
    }

    /// Strips and recognises every article of a file, reusing the recognition of an
    /// article of `previous` whose plain text, title and date are the same: recognition
    /// depends on nothing else, and it is the expensive part.
    fn analyze_articles(
        &self,
        text: &str,
        syntax: &FileSyntax,
        previous: Option<&FileAnalysis>,
    ) -> Vec<ArticleAnalysis> {
        let (old_syntax, old_articles) = match previous {
            Some(previous) => (&previous.syntax.articles[..], &previous.articles[..]),
            None => (&[][..], &[][..]),
        };
        self.analyze_article_range(
            text,
            syntax,
            0..syntax.articles.len(),
            old_syntax,
            old_articles,
        )
    }

    /// Strips and recognises the articles `range` of a file, reusing the recognition
    /// of one of the old articles when it has the same plain text, title and date.
    fn analyze_article_range(
        &self,
        text: &str,
        syntax: &FileSyntax,
        range: std::ops::Range<usize>,
        old_syntax: &[ArticleSyntax],
        old_articles: &[ArticleAnalysis],
    ) -> Vec<ArticleAnalysis> {
        let mut old_by_text: HashMap<&str, Vec<OldArticle<'_>>> = HashMap::new();
        for (article_syntax, article) in old_syntax.iter().zip(old_articles) {
            old_by_text
                .entry(article.plain.text.as_str())
                .or_default()
                .push(OldArticle {
                    title_end: title_end(article_syntax, &article.plain),
                    date: article_syntax.date(),
                    analysis: article,
                });
        }
        syntax.articles[range]
            .iter()
            .map(|article| {
                let plain = article_plain(text, syntax, article);
                let title = TextRange::new(0, title_end(article, &plain));
                let date = article.date();
                let reused = old_by_text.get(plain.text.as_str()).and_then(|candidates| {
                    candidates
                        .iter()
                        .find(|old| old.title_end == title.end && old.date == date)
                });
                let recognized = match reused {
                    Some(old) => old.analysis.recognized.clone(),
                    None => {
                        self.recognitions.fetch_add(1, Ordering::Relaxed);
                        Arc::new(self.analyzer.recognizer().recognize(
                            &ArticleText {
                                text: &plain.text,
                                title,
                                date,
                            },
                            &self.lexicon,
                        ))
                    }
                };
                ArticleAnalysis { plain, recognized }
            })
            .collect()
    }
}

/// A file analysed again in the window of articles an edit touched.
struct EditedFile {
    state: FileState,
    /// The keys of the mentions the edit replaced, one per mention.
    removed_keys: Vec<Arc<str>>,
    /// The keys of the window's new mentions, one per mention.
    added_keys: Vec<Arc<str>>,
    /// Whether what the file teaches the recognisers changed.
    learned_changed: bool,
}

impl AnalysisContext {
    /// Analyses an edited article file again in the window of articles the edit
    /// touches, and moves the rest of its analysis. `None` when the file is not an
    /// analysed article file or was analysed with another lexicon: then it is
    /// analysed whole.
    fn edit_article_file(
        &self,
        old: &FileState,
        edit: TextRange,
        inserted: usize,
        text: Arc<str>,
    ) -> Option<EditedFile> {
        let snapshot = &old.snapshot;
        let analysis = snapshot.analysis.as_deref()?;
        if snapshot.kind != FileKind::Article || !self.is_current(old) {
            return None;
        }
        let reparsed =
            crate::syntax::reparse(&snapshot.text, &analysis.syntax, edit, &text, inserted)?;
        let delta = reparsed.delta;
        let old_range = reparsed.old_articles.clone();
        let new_range = reparsed.new_articles.clone();
        let syntax = reparsed.syntax;

        let window = self.analyze_article_range(
            &text,
            &syntax,
            new_range.clone(),
            &analysis.syntax.articles[old_range.clone()],
            &analysis.articles[old_range.clone()],
        );
        let mut articles = Vec::with_capacity(syntax.articles.len());
        articles.extend_from_slice(&analysis.articles[..old_range.start]);
        articles.extend(window);
        articles.extend(
            analysis.articles[old_range.end..]
                .iter()
                .map(|a| ArticleAnalysis {
                    plain: a.plain.moved(delta),
                    recognized: a.recognized.clone(),
                }),
        );
        let window_checks = self
            .analyzer
            .validate_articles(&syntax, &articles, new_range.clone());
        let checks = crate::syntax::splice_diagnostics(
            &analysis.checks,
            &window_checks,
            reparsed.old_window,
            0,
            delta,
        );
        let new_analysis = self.analyzer.assemble_checked(syntax, articles, checks);

        // Mentions come article by article.
        let (mentions, removed_keys, added_mentions) =
            snapshot
                .mentions
                .edited(&new_analysis, old_range.clone(), new_range.clone(), delta);

        let old_forms = old_range
            .clone()
            .flat_map(|i| super::article_forms(analysis, i));
        let new_forms = new_range
            .clone()
            .flat_map(|i| super::article_forms(&new_analysis, i));
        let learned_changed = !old_forms.eq(new_forms);
        let learned = if learned_changed {
            learned_forms(&new_analysis, Some(&origin_of(&snapshot.path))).into()
        } else {
            old.learned.clone()
        };

        let line_index = Arc::new(snapshot.line_index.edited(
            edit.start..edit.end,
            inserted,
            &text,
        ));
        let added_keys: Vec<Arc<str>> = mentions
            .iter(&text)
            .skip(added_mentions.start)
            .take(added_mentions.len())
            .filter_map(|m| m.key_arc().cloned())
            .collect();
        let mut keys = KeyCounts::clone(&old.keys);
        for key in &removed_keys {
            if let Some(count) = keys.get_mut(key) {
                *count -= 1;
                if *count == 0 {
                    keys.remove(key);
                }
            }
        }
        for key in &added_keys {
            *keys.entry(key.clone()).or_default() += 1;
        }
        let diagnostics = new_analysis.diagnostics.clone();
        let (articles, acronyms) = summarize(&new_analysis);
        Some(EditedFile {
            state: FileState {
                snapshot: Arc::new(FileSnapshot {
                    id: snapshot.id,
                    path: snapshot.path.clone(),
                    kind: FileKind::Article,
                    text,
                    line_index,
                    analysis: Some(Arc::new(new_analysis)),
                    diagnostics,
                    articles,
                    acronyms,
                    mentions: Arc::new(mentions),
                    entries: Vec::new(),
                    lookups: Lookups::default(),
                }),
                learned,
                lexicon: Some(self.lexicon.clone()),
                analyzer: self.analyzer.clone(),
                keys: Arc::new(keys),
            },
            removed_keys,
            added_keys,
            learned_changed,
        })
    }
}

impl Workspace {
    pub fn new(analyzer: Arc<Analyzer>) -> Workspace {
        Workspace {
            analyzer,
            ids: Arc::new(HashMap::new()),
            paths: Vec::new(),
            states: BTreeMap::new(),
            files: Arc::new(BTreeMap::new()),
            lexicon: Arc::new(Lexicon::default()),
            key_files: Arc::new(HashMap::new()),
            recognitions: Arc::new(AtomicUsize::new(0)),
            defer_edit_refresh: false,
            lexicon_pending: false,
            revision: 0,
            bulk_loading: false,
            open: HashSet::new(),
            on_demand: Arc::default(),
        }
    }

    /// How many articles have been recognised since the workspace was created; an edit
    /// inside one article of a file should add one.
    pub fn recognition_count(&self) -> usize {
        self.recognitions.load(Ordering::Relaxed)
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.ids.get(path).copied()
    }

    pub fn path(&self, id: FileId) -> Option<&Path> {
        self.paths.get(id.0 as usize).map(PathBuf::as_path)
    }

    pub fn analyzer(&self) -> &Arc<Analyzer> {
        &self.analyzer
    }

    /// A file as the workspace holds it now.
    pub fn file(&self, id: FileId) -> Option<&Arc<FileSnapshot>> {
        self.files.get(&id)
    }

    fn intern(&mut self, path: &Path) -> FileId {
        if let Some(&id) = self.ids.get(path) {
            return id;
        }
        let id = FileId(u32::try_from(self.paths.len()).unwrap_or(u32::MAX));
        self.paths.push(path.to_path_buf());
        Arc::make_mut(&mut self.ids).insert(path.to_path_buf(), id);
        id
    }

    /// Sets a file's text (open document or disk), re-analyses what changed, updates the
    /// index.
    pub fn set_file_text(&mut self, path: &Path, text: Arc<str>) -> FileId {
        let id = self.intern(path);
        let previous = self.states.get(&id);
        let state = self.context().build_state(id, path, text, previous);
        // The same text opened in an editor, or saved unchanged, teaches what it
        // taught: the lexicon stands.
        let teaches_the_same = self.states.get(&id).is_some_and(|old| {
            old.learned == state.learned
                && match (&old.lexicon, &state.lexicon) {
                    (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                    (a, b) => a.is_none() && b.is_none(),
                }
        });
        self.install(id, state);
        if teaches_the_same {
            drop(self.compact_closed());
        } else {
            self.edit_refresh();
        }
        id
    }

    /// What analysing files apart from the workspace needs.
    pub fn context(&self) -> AnalysisContext {
        AnalysisContext {
            analyzer: self.analyzer.clone(),
            lexicon: self.lexicon.clone(),
            recognitions: self.recognitions.clone(),
        }
    }

    /// The ids of paths, assigning new ones.
    pub fn intern_paths<'p>(&mut self, paths: impl IntoIterator<Item = &'p Path>) -> Vec<FileId> {
        paths.into_iter().map(|path| self.intern(path)).collect()
    }

    /// Installs files analysed by [`AnalysisContext::prepare`]. With `refresh`, the
    /// lexicon is rebuilt from what they teach; a caller adding many batches refreshes
    /// once at the end, so that articles are recognised again at most once.
    pub fn install_files(&mut self, files: Vec<PreparedFile>, refresh: bool) -> Replaced {
        let mut replaced = Vec::new();
        for file in files {
            replaced.extend(self.install(file.id, file.state));
        }
        if refresh {
            self.refresh_lexicon();
        } else {
            // What they teach is not in the lexicon yet, and closed files keep their
            // full analyses until the refresh that follows.
            self.lexicon_pending = true;
        }
        Replaced::new(replaced)
    }

    /// How many changes the workspace has seen; equal revisions hold the same files.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Makes the lexicon a cache's files were recognised with the workspace's, so that
    /// their summaries can be restored ([`AnalysisContext::prepare_with_cache`]). Files
    /// analysed with the previous one are recognised again by the next refresh.
    pub fn adopt_cached_lexicon(&mut self, cache: &super::cache::IndexCache) {
        self.lexicon = Arc::new(Lexicon::new(cache.lexicon.clone()));
        self.lexicon_pending = true;
    }

    /// What saving the index needs, taken out under the lock: every article file
    /// analysed with the current analyzer and lexicon, with what it teaches. `None`
    /// while the lexicon is not settled (a refresh or a bulk load to come).
    pub fn cache_source(&self) -> Option<CacheSource> {
        if self.lexicon_pending || self.bulk_loading {
            return None;
        }
        let files = self
            .states
            .values()
            .filter(|state| {
                state.snapshot.kind == FileKind::Article
                    && Arc::ptr_eq(&state.analyzer, &self.analyzer)
                    && state
                        .lexicon
                        .as_ref()
                        .is_some_and(|l| Arc::ptr_eq(l, &self.lexicon))
            })
            .map(|state| (state.snapshot.clone(), state.learned.to_vec()))
            .collect();
        Some(CacheSource {
            lexicon: self.lexicon.clone(),
            files,
            revision: self.revision,
        })
    }

    /// During a bulk load, makes the lexicon what the files teach, before they are
    /// analysed: `taught` gives the forms of the files about to be installed
    /// ([`AnalysisContext::taught_forms`]), and files not in it teach what they taught
    /// when last analysed. The forms are in the order a refresh gathers them, so that
    /// when the files teach these very forms, the refresh ending the bulk load finds
    /// nothing to do; where they teach others, it recognises again only the articles
    /// the difference reaches.
    pub fn adopt_taught_lexicon(&mut self, taught: Vec<(FileId, Vec<LearnedForm>)>) {
        if !self.bulk_loading {
            return;
        }
        let mut taught: BTreeMap<FileId, Vec<LearnedForm>> = taught.into_iter().collect();
        for (&id, state) in &self.states {
            taught.entry(id).or_insert_with(|| state.learned.to_vec());
        }
        let forms: Vec<LearnedForm> = taught.into_values().flatten().collect();
        if forms != self.lexicon.forms {
            self.lexicon = Arc::new(Lexicon::new(forms));
        }
    }

    /// Says that many files are about to be installed and [`Workspace::refresh`] will
    /// follow: until then no lexicon refresh begins, since files installed meanwhile
    /// would drop its work, and closed files keep their full analyses for that refresh.
    pub fn begin_bulk_load(&mut self) {
        self.bulk_loading = true;
        self.lexicon_pending = true;
    }

    /// Rebuilds the lexicon after [`Workspace::install_files`] without refresh, and
    /// ends a bulk load. Returns the full analyses of closed files, to free where no
    /// lock is held.
    pub fn refresh(&mut self) -> Replaced {
        let (work, Replaced(mut replaced, mut dropped)) = self.end_bulk_load();
        if let Some(refresh) = work {
            let (_, Replaced(states, analyses)) = self.finish_lexicon_refresh(refresh.run());
            replaced.extend(states);
            dropped.extend(analyses);
        }
        let Replaced(_, analyses) = self.compact_closed();
        dropped.extend(analyses);
        Replaced(replaced, dropped)
    }

    /// Ends a bulk load as [`Workspace::refresh`] does, but hands its lexicon refresh
    /// to the caller, to run ([`LexiconRefresh::run`]) where no lock is held and
    /// install with [`Workspace::finish_lexicon_refresh`]: on a large workspace it
    /// recognises every article again, and edits must not wait for that. With no
    /// refresh to run, closed files are compacted at once.
    pub fn end_bulk_load(&mut self) -> (Option<LexiconRefresh>, Replaced) {
        self.bulk_loading = false;
        match self.begin_lexicon_refresh() {
            Some(refresh) => (Some(refresh), Replaced(Vec::new(), Vec::new())),
            None => (None, self.compact_closed()),
        }
    }

    /// Like `set_file_text`, told which byte range of the current text `new_text`
    /// replaces. `None` when the file is unknown or the range is not on char boundaries.
    ///
    /// An article file is analysed again only in the window of articles the edit
    /// touches; the rest of its analysis moves by the edit's length difference.
    pub fn apply_edit(&mut self, id: FileId, range: TextRange, new_text: &str) -> Option<()> {
        let old = self.states.get(&id)?;
        let old_text = &old.snapshot.text;
        if range.start > range.end
            || range.end > old_text.len()
            || !old_text.is_char_boundary(range.start)
            || !old_text.is_char_boundary(range.end)
        {
            return None;
        }
        let mut text = String::with_capacity(old_text.len() + new_text.len());
        text.push_str(&old_text[..range.start]);
        text.push_str(new_text);
        text.push_str(&old_text[range.end..]);
        let text: Arc<str> = Arc::from(text);
        let context = self.context();
        match context.edit_article_file(old, range, new_text.len(), text.clone()) {
            Some(edited) => self.install_edited(id, edited),
            None => {
                let path = old.snapshot.path.clone();
                let state = context.build_state(id, &path, text, Some(old));
                self.install(id, state);
                self.edit_refresh();
            }
        }
        Some(())
    }

    /// Installs an edited file: only the keys of the mentions the edit replaced are
    /// counted again, and the lexicon is rebuilt only if what the file teaches changed.
    fn install_edited(&mut self, id: FileId, edited: EditedFile) {
        self.revision += 1;
        self.uncount_keys(id, &edited.removed_keys);
        self.count_keys(id, &edited.added_keys);
        Arc::make_mut(&mut self.files).insert(id, edited.state.snapshot.clone());
        self.states.insert(id, edited.state);
        if edited.learned_changed {
            self.edit_refresh();
        }
    }

    /// After an edit changed what its file teaches: refreshes the lexicon, or leaves it
    /// pending when edits defer it.
    fn edit_refresh(&mut self) {
        if self.defer_edit_refresh {
            self.lexicon_pending = true;
        } else {
            self.refresh_lexicon();
        }
    }

    pub fn remove_file(&mut self, path: &Path) {
        let Some(id) = self.file_id(path) else { return };
        if let Some(state) = self.states.remove(&id) {
            self.revision += 1;
            Arc::make_mut(&mut self.files).remove(&id);
            self.index_keys(id, Some(&state.keys), &KeyCounts::new());
            self.refresh_lexicon();
        }
    }

    /// Replaces configuration and knowledge base without analysing anything: returns
    /// every file with its current text, for the caller to analyse apart
    /// ([`AnalysisContext::prepare`]) and install with [`Workspace::install_current`].
    /// Meanwhile files keep their analysis, and edits are analysed with the new
    /// analyzer.
    pub fn replace_analyzer(
        &mut self,
        analyzer: Arc<Analyzer>,
    ) -> Vec<(FileId, PathBuf, Arc<str>)> {
        self.analyzer = analyzer;
        self.states
            .iter()
            .map(|(&id, state)| (id, state.snapshot.path.clone(), state.snapshot.text.clone()))
            .collect()
    }

    /// Installs files analysed apart from the workspace that are still current: the
    /// workspace still holds the text they were analysed from, and they were analysed
    /// with its analyzer. A file edited meanwhile was analysed again by the edit. The
    /// lexicon is not rebuilt; see [`Workspace::refresh`].
    pub fn install_current(&mut self, files: Vec<PreparedFile>) -> Replaced {
        let mut replaced = Vec::new();
        for file in files {
            let current = self.states.get(&file.id).is_some_and(|state| {
                same_text(&state.snapshot.text, file.text())
                    && !Arc::ptr_eq(&state.analyzer, &self.analyzer)
            });
            if current && Arc::ptr_eq(&file.state.analyzer, &self.analyzer) {
                replaced.extend(self.install(file.id, file.state));
            } else {
                replaced.push(file.state);
            }
        }
        // Closed files keep their full analyses until the refresh that follows.
        self.lexicon_pending = true;
        Replaced::new(replaced)
    }

    pub fn snapshot(&self) -> WorkspaceSnapshot {
        WorkspaceSnapshot {
            analyzer: self.analyzer.clone(),
            files: self.files.clone(),
            key_files: self.key_files.clone(),
            ids: self.ids.clone(),
            lexicon: self.lexicon.clone(),
            recognitions: self.recognitions.clone(),
            on_demand: self.on_demand.clone(),
        }
    }

    /// How many distinct entity keys the workspace mentions.
    pub fn entity_count(&self) -> usize {
        self.key_files.len()
    }

    /// Installs a file's new state; returns the old one, which a caller holding a lock
    /// drops after releasing it (a large file's analysis takes a while to free).
    fn install(&mut self, id: FileId, state: FileState) -> Option<FileState> {
        self.revision += 1;
        let old = self.states.remove(&id);
        self.index_keys(id, old.as_ref().map(|old| &*old.keys), &state.keys);
        Arc::make_mut(&mut self.files).insert(id, state.snapshot.clone());
        self.states.insert(id, state);
        old
    }

    /// Moves a file's entries in the key index from its old key counts to its new ones.
    fn index_keys(&mut self, id: FileId, old: Option<&KeyCounts>, new: &KeyCounts) {
        if old.is_some_and(|old| old == new) || (old.is_none() && new.is_empty()) {
            return;
        }
        let key_files = Arc::make_mut(&mut self.key_files);
        for key in old.into_iter().flat_map(|old| old.keys()) {
            if new.contains_key(key) {
                continue;
            }
            if let Some(files) = key_files.get_mut(key) {
                files.remove(&id);
                if files.is_empty() {
                    key_files.remove(key);
                }
            }
        }
        for (key, &count) in new {
            key_files.entry(key.clone()).or_default().insert(id, count);
        }
    }

    fn count_keys(&mut self, id: FileId, keys: &[Arc<str>]) {
        if keys.is_empty() {
            return;
        }
        let key_files = Arc::make_mut(&mut self.key_files);
        for key in keys {
            *key_files
                .entry(key.clone())
                .or_default()
                .entry(id)
                .or_default() += 1;
        }
    }

    fn uncount_keys(&mut self, id: FileId, keys: &[Arc<str>]) {
        if keys.is_empty() {
            return;
        }
        let key_files = Arc::make_mut(&mut self.key_files);
        for key in keys {
            let Some(files) = key_files.get_mut(key) else {
                continue;
            };
            if let Some(count) = files.get_mut(&id) {
                *count -= 1;
                if *count == 0 {
                    files.remove(&id);
                }
            }
            if files.is_empty() {
                key_files.remove(key);
            }
        }
    }

    /// Rebuilds the lexicon from what every file teaches; when it changed, the articles
    /// are recognised again with it, once (forms learned in that pass wait for the
    /// next change, so an edit never loops), in parallel. A file analysed with an
    /// older lexicon than the current one is recognised again whole.
    fn refresh_lexicon(&mut self) {
        if let Some(refresh) = self.begin_lexicon_refresh() {
            let replaced = self.finish_lexicon_refresh(refresh.run());
            drop(replaced);
        }
        drop(self.compact_closed());
    }

    /// Marks a file open in an editor before its text is set (see [`Workspace::set_open`]).
    pub fn open_file(&mut self, path: &Path) -> FileId {
        let id = self.intern(path);
        self.open.insert(id);
        id
    }

    /// Marks a file open in an editor (it keeps its full analysis, built now if it had
    /// only its summary) or closed (it keeps its summary once the lexicon is settled).
    pub fn set_open(&mut self, id: FileId, open: bool) -> Replaced {
        if !open {
            self.open.remove(&id);
            return self.compact_closed();
        }
        self.open.insert(id);
        let Some(old) = self.states.get(&id) else {
            return Replaced::new(Vec::new());
        };
        if old.snapshot.analysis.is_some() || old.snapshot.kind != FileKind::Article {
            return Replaced::new(Vec::new());
        }
        let snapshot = old.snapshot.clone();
        let mut state = self
            .context()
            .build_state(id, &snapshot.path, snapshot.text.clone(), None);
        // Recognised with the workspace's lexicon, so it counts as such.
        state.lexicon = old.lexicon.clone();
        state.analyzer = old.analyzer.clone();
        Replaced::new(self.install(id, state).into_iter().collect())
    }

    /// Drops the full analyses of closed files, which keep their summaries. Done once
    /// the lexicon is settled: a refresh reuses the recognition of the articles a
    /// change cannot reach, and a closed file is analysed again whole.
    fn compact_closed(&mut self) -> Replaced {
        if self.lexicon_pending {
            return Replaced(Vec::new(), Vec::new());
        }
        self.release_closed_analyses()
    }

    /// Drops the full analyses of closed files now, even during a bulk load; the
    /// refresh that ends it then analyses a closed file again whole where a changed
    /// name occurs. Indexing calls it after each batch, so that it holds one batch's
    /// analyses at a time, not the workspace's: on a first index every article meets a
    /// newly learned name and is recognised again anyway.
    pub fn release_closed_analyses(&mut self) -> Replaced {
        let mut dropped = Vec::new();
        let mut compacted = Vec::new();
        for (&id, state) in self.states.iter_mut() {
            if self.open.contains(&id) || state.snapshot.analysis.is_none() {
                continue;
            }
            dropped.extend(state.compact());
            compacted.push((id, state.snapshot.clone()));
        }
        if !compacted.is_empty() {
            let files = Arc::make_mut(&mut self.files);
            for (id, snapshot) in compacted {
                files.insert(id, snapshot);
            }
        }
        Replaced(Vec::new(), dropped)
    }

    /// The summaries of closed files, to copy off the lock ([`ClosedSummaries::copy`])
    /// and install back with [`Workspace::install_copies`].
    ///
    /// Why copy: a bulk load allocates each summary among the full analyses it frees
    /// again, on the pool's threads, and the summaries then keep those pages resident,
    /// at several times their own size. Copied on a fresh thread, they are packed
    /// into pages of their own, and the old pages can go back to the system.
    pub fn closed_summaries(&self) -> ClosedSummaries {
        let files = self
            .states
            .iter()
            .filter(|(id, state)| !self.open.contains(id) && state.snapshot.analysis.is_none())
            .map(|(&id, state)| {
                let lasting = FileLasting {
                    learned: state.learned.clone(),
                    keys: state.keys.clone(),
                };
                (id, state.snapshot.clone(), lasting)
            })
            .collect();
        ClosedSummaries(files)
    }

    /// Installs the copies of files that have not changed since they were taken.
    /// Returns what they replaced, to free where no lock is held.
    pub fn install_copies(&mut self, copies: CopiedSummaries) -> ReplacedSummaries {
        let mut replaced = Vec::with_capacity(copies.0.len());
        let mut lasting = Vec::with_capacity(copies.0.len());
        let files = Arc::make_mut(&mut self.files);
        for (id, original, copy, copied) in copies.0 {
            let Some(state) = self.states.get_mut(&id) else {
                continue;
            };
            if !Arc::ptr_eq(&state.snapshot, &original) || self.open.contains(&id) {
                continue;
            }
            let copy = Arc::new(copy);
            files.insert(id, copy.clone());
            replaced.push(std::mem::replace(&mut state.snapshot, copy));
            // The state's forms and key counts change only with its snapshot.
            lasting.push(FileLasting {
                learned: std::mem::replace(&mut state.learned, copied.learned),
                keys: std::mem::replace(&mut state.keys, copied.keys),
            });
        }
        ReplacedSummaries(replaced, lasting)
    }

    /// Makes edits leave the lexicon to [`Workspace::begin_lexicon_refresh`], so that an
    /// edit analyses only its own file; the caller refreshes later, off its lock.
    pub fn defer_edit_refresh(&mut self, defer: bool) {
        self.defer_edit_refresh = defer;
    }

    /// Whether the lexicon may be behind what the files teach, after deferred edits or
    /// a refresh whose files changed meanwhile.
    pub fn lexicon_pending(&self) -> bool {
        self.lexicon_pending
    }

    /// Takes out the work of a lexicon refresh, or `None` when the lexicon is what the
    /// files teach and every article was recognised with it.
    pub fn begin_lexicon_refresh(&mut self) -> Option<LexiconRefresh> {
        if self.bulk_loading {
            return None;
        }
        self.lexicon_pending = false;
        let forms: Vec<LearnedForm> = self
            .states
            .values()
            .flat_map(|state| state.learned.iter().cloned())
            .collect();
        let stale = |state: &FileState| {
            state.snapshot.kind == FileKind::Article
                && !state
                    .lexicon
                    .as_ref()
                    .is_some_and(|l| Arc::ptr_eq(l, &self.lexicon))
        };
        if forms == self.lexicon.forms && !self.states.values().any(stale) {
            return None;
        }
        let files = self
            .states
            .iter()
            .filter(|(_, state)| state.snapshot.kind == FileKind::Article)
            .map(|(&id, state)| RefreshFile {
                id,
                snapshot: state.snapshot.clone(),
                lexicon: state.lexicon.clone(),
                analyzer: state.analyzer.clone(),
            })
            .collect();
        Some(LexiconRefresh {
            forms,
            previous: self.lexicon.clone(),
            context: self.context(),
            files,
        })
    }

    /// Installs a refresh's lexicon and the files it recognised again that are still as
    /// they were when it began. A file edited meanwhile keeps its state, recognised with
    /// the previous lexicon, and the lexicon is pending again so that a next refresh
    /// reaches it. A refresh that began before another one finished is dropped whole.
    /// Returns the ids of files whose analysis changed, and what they replaced.
    pub fn finish_lexicon_refresh(
        &mut self,
        refreshed: RefreshedLexicon,
    ) -> (Vec<FileId>, Replaced) {
        let mut replaced = Vec::new();
        let mut changed = Vec::new();
        if !Arc::ptr_eq(&self.lexicon, &refreshed.previous) {
            self.lexicon_pending = true;
            replaced.extend(
                refreshed
                    .files
                    .into_iter()
                    .filter_map(|(_, _, state)| state),
            );
            return (changed, Replaced::new(replaced));
        }
        self.lexicon = refreshed.lexicon;
        for (id, snapshot, state) in refreshed.files {
            let current = self
                .states
                .get(&id)
                .is_some_and(|old| Arc::ptr_eq(&old.snapshot, &snapshot));
            if !current {
                self.lexicon_pending = true;
                replaced.extend(state);
                continue;
            }
            match state {
                Some(state) => {
                    changed.push(id);
                    replaced.extend(self.install(id, state));
                }
                // Only the lexicon it was recognised with moves on.
                None => {
                    if let Some(old) = self.states.get_mut(&id) {
                        old.lexicon = Some(self.lexicon.clone());
                    }
                }
            }
        }
        // Forms learned by the files just recognised again wait for the next change.
        let Replaced(_, dropped) = self.compact_closed();
        (changed, Replaced(replaced, dropped))
    }
}

/// The texts a change of lexicon can affect. Learned forms reach recognition only as
/// gazetteer names, and a name can only match where its normalised form occurs, so an
/// article containing none of the names whose target changed recognises the same.
enum AffectedText {
    All,
    /// Lower-cased normalised names whose target was added, removed or changed, as
    /// one automaton: a first index tests every article for thousands of names.
    Containing(Option<aho_corasick::AhoCorasick>),
}

impl AffectedText {
    fn between(old: &[LearnedForm], new: &[LearnedForm]) -> AffectedText {
        let old = compiled_names(old);
        let new = compiled_names(new);
        let old_set: HashSet<&(String, EntityType, Option<String>)> = old.iter().collect();
        let new_set: HashSet<&(String, EntityType, Option<String>)> = new.iter().collect();
        // Ties between names are broken by their order, so names kept on both sides
        // must keep their order; otherwise everything is recognised again.
        let kept_old: Vec<_> = old.iter().filter(|t| new_set.contains(t)).collect();
        let kept_new: Vec<_> = new.iter().filter(|t| old_set.contains(t)).collect();
        if kept_old != kept_new {
            return AffectedText::All;
        }
        let changed: Vec<String> = old
            .iter()
            .filter(|t| !new_set.contains(t))
            .chain(new.iter().filter(|t| !old_set.contains(t)))
            .map(|(name, _, _)| name.to_lowercase())
            .collect();
        if changed.is_empty() {
            return AffectedText::Containing(None);
        }
        match aho_corasick::AhoCorasick::new(&changed) {
            Ok(names) => AffectedText::Containing(Some(names)),
            // Too many names for an automaton: every article may be affected.
            Err(_) => AffectedText::All,
        }
    }

    /// Whether no text can be affected: the compiled names are the same.
    fn is_nothing(&self) -> bool {
        matches!(self, AffectedText::Containing(None))
    }

    fn may_match(&self, text: &str) -> bool {
        match self {
            AffectedText::All => true,
            AffectedText::Containing(None) => false,
            AffectedText::Containing(Some(names)) => {
                let text = normalize(text).to_lowercase();
                names.is_match(&text)
            }
        }
    }
}

/// The names a lexicon compiles, as `Gazetteer::new` selects them: keyed forms,
/// normalised, at least two characters, the first form of a name winning.
fn compiled_names(forms: &[LearnedForm]) -> Vec<(String, EntityType, Option<String>)> {
    let mut seen = HashSet::new();
    teaching::unambiguous(forms)
        .into_iter()
        .filter(|form| form.ty.is_keyed())
        .filter_map(|form| {
            let name = normalize(form.surface.trim());
            (name.chars().count() >= 2 && seen.insert(name.clone()))
                .then(|| (name, form.ty, form.key.clone()))
        })
        .collect()
}

/// An article of a file's previous version, as a candidate for reuse.
struct OldArticle<'a> {
    title_end: usize,
    date: Option<jiff::civil::Date>,
    analysis: &'a ArticleAnalysis,
}

/// Where an article's title ends in its plain text, as analysis computes it.
/// An article's plain text, from its title to the end of its content: what
/// recognition reads.
fn article_plain(text: &str, syntax: &FileSyntax, article: &ArticleSyntax) -> PlainText {
    let start = article.title.map_or(article.range.start, |t| t.start);
    let end = article.content_end().max(start);
    crate::syntax::strip_range(text, syntax, TextRange::new(start, end))
}

fn title_end(article: &ArticleSyntax, plain: &PlainText) -> usize {
    article
        .title
        .map_or(0, |t| plain.to_plain(t.end).min(plain.text.len()))
}

/// How a file names itself as the teacher of a form.
fn origin_of(path: &Path) -> Arc<str> {
    Arc::from(path.display().to_string())
}

fn article_state(
    id: FileId,
    path: &Path,
    text: Arc<str>,
    line_index: Arc<LineIndex>,
    analysis: FileAnalysis,
    analyzer: &Arc<Analyzer>,
) -> FileState {
    let mentions = MentionTable::of_analysis(&analysis);
    let keys = mentions.key_counts();
    let learned = learned_forms(&analysis, Some(&origin_of(path)));
    let diagnostics = analysis.diagnostics.clone();
    let (articles, acronyms) = summarize(&analysis);
    FileState {
        snapshot: Arc::new(FileSnapshot {
            id,
            path: path.to_path_buf(),
            kind: FileKind::Article,
            text,
            line_index,
            analysis: Some(Arc::new(analysis)),
            diagnostics,
            articles,
            acronyms,
            mentions: Arc::new(mentions),
            entries: Vec::new(),
            lookups: Lookups::default(),
        }),
        learned: learned.into(),
        lexicon: None,
        analyzer: analyzer.clone(),
        keys: Arc::new(keys),
    }
}

#[cfg(test)]
mod tests;
