//! The workspace: every open or indexed file by path, its analysis, the lexicon the
//! files teach each other, and an index from entity keys to the files that mention them.
//!
//! `Workspace` is the mutable state a server keeps behind a lock; `WorkspaceSnapshot`
//! is an immutable view that editor features read without locking.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analysis::{Analyzer, FileAnalysis};
use crate::diagnostic::Diagnostic;
use crate::kb::Entry;
use crate::recognize::{LearnedForm, Lexicon};
use crate::text::{LineIndex, TextRange};

use super::{WorkspaceMention, file_mentions, learned_forms};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

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
}

impl FileSnapshot {
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

/// What the workspace keeps per file besides its snapshot: the syntax tree for
/// incremental parsing and the forms the file teaches.
struct FileState {
    snapshot: Arc<FileSnapshot>,
    // Kept for incremental reparsing of the next edit.
    #[allow(dead_code)]
    tree: Option<tree_sitter::Tree>,
    learned: Vec<LearnedForm>,
}

/// The mutable state of a workspace.
pub struct Workspace {
    analyzer: Arc<Analyzer>,
    ids: HashMap<PathBuf, FileId>,
    paths: Vec<PathBuf>,
    states: BTreeMap<FileId, FileState>,
    files: Arc<BTreeMap<FileId, Arc<FileSnapshot>>>,
    lexicon: Arc<Lexicon>,
    /// Entity key to the files that mention it; copy-on-write, so snapshots read it
    /// without locks while the workspace changes.
    key_files: Arc<HashMap<String, BTreeSet<FileId>>>,
}

/// An immutable view of the workspace. Cheap to clone.
#[derive(Clone)]
pub struct WorkspaceSnapshot {
    pub analyzer: Arc<Analyzer>,
    files: Arc<BTreeMap<FileId, Arc<FileSnapshot>>>,
    key_files: Arc<HashMap<String, BTreeSet<FileId>>>,
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
        self.files.values().find(|file| file.path == path)
    }

    /// The files that mention entity `key`, in `FileId` order.
    pub fn files_mentioning(&self, key: &str) -> impl Iterator<Item = &Arc<FileSnapshot>> {
        self.key_files
            .get(key)
            .into_iter()
            .flatten()
            .filter_map(|id| self.files.get(id))
    }

    /// Every mention of entity `key` in the workspace, by file then position.
    pub fn mentions_of(&self, key: &str) -> Vec<(&Arc<FileSnapshot>, &WorkspaceMention)> {
        self.files_mentioning(key)
            .flat_map(|file| {
                file.mentions
                    .iter()
                    .filter(move |m| m.key.as_deref() == Some(key))
                    .map(move |m| (file, m))
            })
            .collect()
    }

    /// Every entity key mentioned in the workspace, sorted.
    pub fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self.key_files.keys().map(String::as_str).collect();
        keys.sort_unstable();
        keys
    }

    /// The knowledge-base entry of a key: from a workspace file when one defines it (its
    /// text may be newer than the loaded knowledge base), else from the knowledge base.
    pub fn entry(&self, key: &str) -> Option<(&Entry, Option<FileId>)> {
        for file in self.files.values() {
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

impl Workspace {
    pub fn new(analyzer: Arc<Analyzer>) -> Workspace {
        Workspace {
            analyzer,
            ids: HashMap::new(),
            paths: Vec::new(),
            states: BTreeMap::new(),
            files: Arc::new(BTreeMap::new()),
            lexicon: Arc::new(Lexicon::default()),
            key_files: Arc::new(HashMap::new()),
        }
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

    fn intern(&mut self, path: &Path) -> FileId {
        if let Some(&id) = self.ids.get(path) {
            return id;
        }
        let id = FileId(u32::try_from(self.paths.len()).unwrap_or(u32::MAX));
        self.paths.push(path.to_path_buf());
        self.ids.insert(path.to_path_buf(), id);
        id
    }

    /// Sets a file's text (open document or disk), re-analyses what changed, updates the
    /// index.
    pub fn set_file_text(&mut self, path: &Path, text: Arc<str>) -> FileId {
        let id = self.intern(path);
        let state = self.build_state(id, path, text, None);
        self.install(id, state);
        self.refresh_lexicon();
        id
    }

    /// Like `set_file_text`, told which byte range of the current text `new_text`
    /// replaces. `None` when the file is unknown or the range is not on char boundaries.
    pub fn apply_edit(&mut self, id: FileId, range: TextRange, new_text: &str) -> Option<()> {
        let old = self.states.get(&id)?;
        let old_text = &old.snapshot.text;
        if range.start > range.end
            || !old_text.is_char_boundary(range.start)
            || !old_text.is_char_boundary(range.end)
        {
            return None;
        }
        let mut text = String::with_capacity(old_text.len() + new_text.len());
        text.push_str(&old_text[..range.start]);
        text.push_str(new_text);
        text.push_str(&old_text[range.end..]);
        let path = old.snapshot.path.clone();
        self.set_file_text(&path, Arc::from(text));
        Some(())
    }

    pub fn remove_file(&mut self, path: &Path) {
        let Some(id) = self.file_id(path) else { return };
        if let Some(state) = self.states.remove(&id) {
            Arc::make_mut(&mut self.files).remove(&id);
            self.unindex(&state.snapshot);
            self.refresh_lexicon();
        }
    }

    /// Replaces configuration and knowledge base: re-analyses every file.
    pub fn set_analyzer(&mut self, analyzer: Arc<Analyzer>) {
        self.analyzer = analyzer;
        self.reanalyze_all();
        self.refresh_lexicon();
    }

    pub fn snapshot(&self) -> WorkspaceSnapshot {
        WorkspaceSnapshot {
            analyzer: self.analyzer.clone(),
            files: self.files.clone(),
            key_files: self.key_files.clone(),
            lexicon: self.lexicon.clone(),
        }
    }

    /// How many distinct entity keys the workspace mentions.
    pub fn entity_count(&self) -> usize {
        self.key_files.len()
    }

    fn build_state(
        &self,
        id: FileId,
        path: &Path,
        text: Arc<str>,
        _previous: Option<&FileState>,
    ) -> FileState {
        let kind = FileKind::of_path(path);
        let line_index = Arc::new(LineIndex::new(&text));
        match kind {
            FileKind::Article => {
                let tree = crate::syntax::parse(&text);
                let syntax = crate::syntax::lower(&text, &tree);
                let analysis = self.analyzer.analyze_syntax(
                    &text,
                    syntax,
                    &self.lexicon,
                    crate::analysis::Depth::Full,
                );
                article_state(id, path, text, line_index, analysis, Some(tree))
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
                    }),
                    tree: None,
                    learned: Vec::new(),
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
                    }),
                    tree: None,
                    learned: Vec::new(),
                }
            }
        }
    }

    fn install(&mut self, id: FileId, state: FileState) {
        if let Some(old) = self.states.remove(&id) {
            self.unindex(&old.snapshot);
        }
        self.index(&state.snapshot);
        Arc::make_mut(&mut self.files).insert(id, state.snapshot.clone());
        self.states.insert(id, state);
    }

    fn index(&mut self, file: &FileSnapshot) {
        let key_files = Arc::make_mut(&mut self.key_files);
        for key in file.mentions.iter().filter_map(|m| m.key.as_ref()) {
            key_files.entry(key.clone()).or_default().insert(file.id);
        }
    }

    fn unindex(&mut self, file: &FileSnapshot) {
        let key_files = Arc::make_mut(&mut self.key_files);
        for key in file.mentions.iter().filter_map(|m| m.key.as_ref()) {
            if let Some(files) = key_files.get_mut(key) {
                files.remove(&file.id);
                if files.is_empty() {
                    key_files.remove(key);
                }
            }
        }
    }

    fn reanalyze_all(&mut self) {
        let ids: Vec<FileId> = self.states.keys().copied().collect();
        for id in ids {
            let Some(state) = self.states.get(&id) else {
                continue;
            };
            let snapshot = state.snapshot.clone();
            let new_state = self.build_state(id, &snapshot.path, snapshot.text.clone(), None);
            self.install(id, new_state);
        }
    }

    /// Rebuilds the lexicon from what every file teaches; when it changed, the articles
    /// are recognised again with it, once (forms learned in that pass wait for the
    /// next change, so an edit never loops).
    fn refresh_lexicon(&mut self) {
        let forms: Vec<LearnedForm> = self
            .states
            .values()
            .flat_map(|state| state.learned.iter().cloned())
            .collect();
        if forms == self.lexicon.forms {
            return;
        }
        self.lexicon = Arc::new(Lexicon::new(forms));
        let ids: Vec<FileId> = self
            .states
            .iter()
            .filter(|(_, state)| state.snapshot.kind == FileKind::Article)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            let Some(state) = self.states.get(&id) else {
                continue;
            };
            let snapshot = state.snapshot.clone();
            let new_state = self.build_state(id, &snapshot.path, snapshot.text.clone(), None);
            self.install(id, new_state);
        }
    }
}

fn article_state(
    id: FileId,
    path: &Path,
    text: Arc<str>,
    line_index: Arc<LineIndex>,
    analysis: FileAnalysis,
    tree: Option<tree_sitter::Tree>,
) -> FileState {
    let mentions = file_mentions(&analysis);
    let learned = learned_forms(&analysis);
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
        }),
        tree,
        learned,
    }
}
