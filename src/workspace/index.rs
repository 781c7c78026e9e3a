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

use super::{WorkspaceMention, file_mentions, learned_forms};

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
    /// Articles only.
    pub analysis: Option<Arc<FileAnalysis>>,
    /// For every kind: configuration and knowledge-base problems too.
    pub diagnostics: Vec<Diagnostic>,
    /// Every mention of the file, tags and recognised (articles only).
    pub mentions: Vec<WorkspaceMention>,
    /// The entries a knowledge-base file defines, as its current text says.
    pub entries: Vec<Entry>,
    /// Indexes of the snapshot built at their first use.
    lookups: Lookups,
}

/// What a file snapshot indexes at the first lookup: most snapshots of an edited file
/// are never asked, and those of the other files keep theirs across edits.
#[derive(Debug, Default)]
struct Lookups {
    /// Where each key's mentions are in `mentions`.
    mentions_by_key: OnceLock<HashMap<Arc<str>, KeyMentions>>,
    /// The first article of the file that defines each acronym, and the definition's
    /// place in its list.
    acronyms_by_short: OnceLock<HashMap<String, (usize, usize)>>,
}

/// A file's mentions of one key, and what a hover says of them.
#[derive(Debug, Default)]
pub struct KeyMentions {
    /// Places in the file's `mentions`, in order.
    indices: Vec<u32>,
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
    /// The file's mentions of entity `key`, in order.
    pub fn mentions_of(&self, key: &str) -> impl Iterator<Item = &WorkspaceMention> {
        self.key_mentions(key)
            .into_iter()
            .flat_map(|found| &found.indices)
            .filter_map(|&index| self.mentions.get(index as usize))
    }

    /// How the file mentions entity `key`, if it does.
    pub fn key_mentions(&self, key: &str) -> Option<&KeyMentions> {
        self.lookups
            .mentions_by_key
            .get_or_init(|| {
                let dates: Vec<Option<jiff::civil::Date>> = self
                    .analysis
                    .as_deref()
                    .map(|analysis| analysis.syntax.articles.iter().map(|a| a.date()).collect())
                    .unwrap_or_default();
                let mut by_key: HashMap<Arc<str>, KeyMentions> = HashMap::new();
                for (index, mention) in self.mentions.iter().enumerate() {
                    let Some(key) = &mention.key else { continue };
                    let found = by_key.entry(key.clone()).or_default();
                    // Mentions are in article order, so an article is new when it
                    // differs from that of the key's last mention.
                    let last_article = found
                        .indices
                        .last()
                        .and_then(|&last| self.mentions.get(last as usize))
                        .map(|last| last.article);
                    found.indices.push(index as u32);
                    if last_article != Some(mention.article) {
                        found.articles += 1;
                        if let Some(date) = dates.get(mention.article).copied().flatten() {
                            found.first = Some(found.first.map_or(date, |d| d.min(date)));
                            found.latest = Some(found.latest.map_or(date, |d| d.max(date)));
                        }
                    }
                }
                by_key
            })
            .get(key)
    }

    /// The first definition of acronym `short` in the file: its article and its place
    /// in that article's list.
    pub fn acronym_definition(&self, short: &str) -> Option<(usize, usize)> {
        self.lookups
            .acronyms_by_short
            .get_or_init(|| {
                let mut by_short = HashMap::new();
                let Some(analysis) = self.analysis.as_deref() else {
                    return by_short;
                };
                for (article, analysed) in analysis.articles.iter().enumerate() {
                    for (place, def) in analysed.recognized.acronyms.iter().enumerate() {
                        by_short
                            .entry(def.short.clone())
                            .or_insert((article, place));
                    }
                }
                by_short
            })
            .get(short)
            .copied()
    }

    /// The mentions whose range touches `offset`, innermost first.
    pub fn mentions_at(&self, offset: usize) -> impl Iterator<Item = &WorkspaceMention> {
        let mut found: Vec<&WorkspaceMention> = self
            .mentions
            .iter()
            .filter(|m| m.range.touches(offset))
            .collect();
        found.sort_by_key(|m| m.range.len());
        found.into_iter()
    }
}

/// What the workspace keeps per file besides its snapshot: the forms the file teaches.
struct FileState {
    snapshot: Arc<FileSnapshot>,
    learned: Vec<LearnedForm>,
    /// The lexicon the articles were recognised with: their recognition can be reused
    /// only while it is still the workspace's.
    lexicon: Option<Arc<Lexicon>>,
    /// The analyzer the file was analysed with: after a reload, files still analysed
    /// with the previous one are analysed again, and nothing of theirs is reused.
    analyzer: Arc<Analyzer>,
    /// How often the file mentions each key: counted when the file is analysed (off
    /// the lock, in a server), so that installing it updates the key index per key,
    /// not per mention.
    keys: KeyCounts,
}

/// Mentions per entity key in one file.
type KeyCounts = HashMap<Arc<str>, u32>;

fn key_counts(mentions: &[WorkspaceMention]) -> KeyCounts {
    let mut counts = KeyCounts::new();
    for key in mentions.iter().filter_map(|m| m.key.as_ref()) {
        *counts.entry(key.clone()).or_default() += 1;
    }
    counts
}

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
}

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
                let analysis = file.snapshot.analysis.as_deref()?;
                let current = file
                    .lexicon
                    .as_ref()
                    .is_some_and(|l| Arc::ptr_eq(l, &previous));
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

/// An immutable view of the workspace. Cheap to clone.
#[derive(Clone)]
pub struct WorkspaceSnapshot {
    pub analyzer: Arc<Analyzer>,
    files: Arc<BTreeMap<FileId, Arc<FileSnapshot>>>,
    key_files: Arc<KeyFiles>,
    ids: Arc<HashMap<PathBuf, FileId>>,
    pub lexicon: Arc<Lexicon>,
}

impl WorkspaceSnapshot {
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
    pub fn mentions_of(&self, key: &str) -> Vec<(&Arc<FileSnapshot>, &WorkspaceMention)> {
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
pub struct Replaced(#[allow(dead_code)] Vec<FileState>);

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
        files
            .into_par_iter()
            .map(|(id, path, text)| PreparedFile {
                id,
                state: self.build_state(id, &path, text, None),
            })
            .collect()
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
                let tree = crate::syntax::parse(&text);
                let syntax = crate::syntax::lower(&text, &tree);
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
                        mentions: Vec::new(),
                        entries: Vec::new(),
                        lookups: Lookups::default(),
                    }),
                    learned: Vec::new(),
                    lexicon: None,
                    analyzer: self.analyzer.clone(),
                    keys: KeyCounts::new(),
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
                        mentions: Vec::new(),
                        entries,
                        lookups: Lookups::default(),
                    }),
                    learned: Vec::new(),
                    lexicon: None,
                    analyzer: self.analyzer.clone(),
                    keys: KeyCounts::new(),
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
                let start = article.title.map_or(article.range.start, |t| t.start);
                let end = article.content_end().max(start);
                let plain = crate::syntax::strip_range(text, syntax, TextRange::new(start, end));
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
    /// The mentions of the articles the edit replaced.
    removed_mentions: Vec<WorkspaceMention>,
    /// Where the window's new mentions lie in the new snapshot's mentions.
    added_mentions: std::ops::Range<usize>,
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
        let old_mentions = &snapshot.mentions;
        let before = old_mentions.partition_point(|m| m.article < old_range.start);
        let inside = old_mentions[before..].partition_point(|m| m.article < old_range.end);
        let article_delta = new_range.len() as isize - old_range.len() as isize;
        let mut mentions = Vec::with_capacity(old_mentions.len());
        mentions.extend_from_slice(&old_mentions[..before]);
        let added_start = mentions.len();
        for index in new_range.clone() {
            super::article_mentions(&new_analysis, index, &mut mentions);
        }
        let added_mentions = added_start..mentions.len();
        mentions.extend(old_mentions[before + inside..].iter().map(|m| {
            let mut m = m.clone();
            m.range = TextRange::new(
                m.range.start.saturating_add_signed(delta),
                m.range.end.saturating_add_signed(delta),
            );
            m.article = m.article.saturating_add_signed(article_delta);
            m
        }));
        let removed_mentions = old_mentions[before..before + inside].to_vec();

        let old_forms = old_range
            .clone()
            .flat_map(|i| super::article_forms(analysis, i));
        let new_forms = new_range
            .clone()
            .flat_map(|i| super::article_forms(&new_analysis, i));
        let learned_changed = !old_forms.eq(new_forms);
        let learned = if learned_changed {
            learned_forms(&new_analysis, Some(&origin_of(&snapshot.path)))
        } else {
            old.learned.clone()
        };

        let line_index = Arc::new(snapshot.line_index.edited(
            edit.start..edit.end,
            inserted,
            &text,
        ));
        let mut keys = old.keys.clone();
        for key in removed_mentions.iter().filter_map(|m| m.key.as_ref()) {
            if let Some(count) = keys.get_mut(key) {
                *count -= 1;
                if *count == 0 {
                    keys.remove(key);
                }
            }
        }
        for key in mentions[added_mentions.clone()]
            .iter()
            .filter_map(|m| m.key.as_ref())
        {
            *keys.entry(key.clone()).or_default() += 1;
        }
        let diagnostics = new_analysis.diagnostics.clone();
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
                    mentions,
                    entries: Vec::new(),
                    lookups: Lookups::default(),
                }),
                learned,
                lexicon: Some(self.lexicon.clone()),
                analyzer: self.analyzer.clone(),
                keys,
            },
            removed_mentions,
            added_mentions,
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
        self.install(id, state);
        self.refresh_lexicon();
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
        }
        Replaced(replaced)
    }

    /// Rebuilds the lexicon after [`Workspace::install_files`] without refresh.
    pub fn refresh(&mut self) {
        self.refresh_lexicon();
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
        self.uncount_keys(id, &edited.removed_mentions);
        self.count_keys(
            id,
            &edited.state.snapshot.mentions[edited.added_mentions.clone()],
        );
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
                Arc::ptr_eq(&state.snapshot.text, file.text())
                    && !Arc::ptr_eq(&state.analyzer, &self.analyzer)
            });
            if current && Arc::ptr_eq(&file.state.analyzer, &self.analyzer) {
                replaced.extend(self.install(file.id, file.state));
            } else {
                replaced.push(file.state);
            }
        }
        Replaced(replaced)
    }

    pub fn snapshot(&self) -> WorkspaceSnapshot {
        WorkspaceSnapshot {
            analyzer: self.analyzer.clone(),
            files: self.files.clone(),
            key_files: self.key_files.clone(),
            ids: self.ids.clone(),
            lexicon: self.lexicon.clone(),
        }
    }

    /// How many distinct entity keys the workspace mentions.
    pub fn entity_count(&self) -> usize {
        self.key_files.len()
    }

    /// Installs a file's new state; returns the old one, which a caller holding a lock
    /// drops after releasing it (a large file's analysis takes a while to free).
    fn install(&mut self, id: FileId, state: FileState) -> Option<FileState> {
        let old = self.states.remove(&id);
        self.index_keys(id, old.as_ref().map(|old| &old.keys), &state.keys);
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

    fn count_keys(&mut self, id: FileId, mentions: &[WorkspaceMention]) {
        if mentions.iter().all(|m| m.key.is_none()) {
            return;
        }
        let key_files = Arc::make_mut(&mut self.key_files);
        for key in mentions.iter().filter_map(|m| m.key.as_ref()) {
            *key_files
                .entry(key.clone())
                .or_default()
                .entry(id)
                .or_default() += 1;
        }
    }

    fn uncount_keys(&mut self, id: FileId, mentions: &[WorkspaceMention]) {
        if mentions.iter().all(|m| m.key.is_none()) {
            return;
        }
        let key_files = Arc::make_mut(&mut self.key_files);
        for key in mentions.iter().filter_map(|m| m.key.as_ref()) {
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
            return (changed, Replaced(replaced));
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
        (changed, Replaced(replaced))
    }
}

/// The texts a change of lexicon can affect. Learned forms reach recognition only as
/// gazetteer names, and a name can only match where its normalised form occurs, so an
/// article containing none of the names whose target changed recognises the same.
enum AffectedText {
    All,
    /// Lower-cased normalised names whose target was added, removed or changed.
    Containing(Vec<String>),
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
        let changed = old
            .iter()
            .filter(|t| !new_set.contains(t))
            .chain(new.iter().filter(|t| !old_set.contains(t)))
            .map(|(name, _, _)| name.to_lowercase())
            .collect();
        AffectedText::Containing(changed)
    }

    fn may_match(&self, text: &str) -> bool {
        match self {
            AffectedText::All => true,
            AffectedText::Containing(names) => {
                if names.is_empty() {
                    return false;
                }
                let text = normalize(text).to_lowercase();
                names.iter().any(|name| text.contains(name.as_str()))
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
    let mentions = file_mentions(&analysis);
    let keys = key_counts(&mentions);
    let learned = learned_forms(&analysis, Some(&origin_of(path)));
    let diagnostics = analysis.diagnostics.clone();
    FileState {
        snapshot: Arc::new(FileSnapshot {
            id,
            path: path.to_path_buf(),
            kind: FileKind::Article,
            text,
            line_index,
            analysis: Some(Arc::new(analysis)),
            diagnostics,
            mentions,
            entries: Vec::new(),
            lookups: Lookups::default(),
        }),
        learned,
        lexicon: None,
        analyzer: analyzer.clone(),
        keys,
    }
}

#[cfg(test)]
mod tests;
