//! The server's mutable state: the workspace, the open documents, and what was
//! negotiated with the client. Locks are held only for synchronous work, never across
//! an `.await`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use dashmap::DashMap;
use ropey::Rope;
use tower_lsp_server::ls_types::{SemanticToken, TextDocumentContentChangeEvent, TraceValue, Uri};

use crate::analysis::Analyzer;
use crate::project::AnalyzerCache;
use crate::workspace::{FileKind, Workspace, WorkspaceSnapshot};

use super::document::Document;
use super::from_proto::PositionEncoding;
use super::settings::ClientSettings;

/// What the client said it supports, reduced to what the server acts on.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientSupport {
    pub pull_diagnostics: bool,
    /// Whether the client re-pulls every document's diagnostics when asked to.
    pub diagnostic_refresh: bool,
    pub work_done_progress: bool,
    pub watch_files: bool,
    /// Whether the client asks again for semantic tokens, and inlay hints, when told to.
    pub semantic_tokens_refresh: bool,
    pub inlay_hint_refresh: bool,
}

/// The workspace and the open documents, changed together under one lock so that a
/// snapshot always matches the documents' text.
pub struct Core {
    pub workspace: Workspace,
    pub documents: HashMap<Uri, Document>,
    /// The URI each open document's path was opened under.
    pub open_paths: HashMap<PathBuf, Uri>,
}

pub struct State {
    core: Mutex<Core>,
    pub encoding: RwLock<PositionEncoding>,
    pub support: RwLock<ClientSupport>,
    pub roots: RwLock<Vec<PathBuf>>,
    pub trace: RwLock<TraceValue>,
    pub settings: RwLock<Arc<ClientSettings>>,
    /// The last semantic tokens sent per document, with their result id.
    pub token_results: DashMap<Uri, (String, Vec<SemanticToken>)>,
    next_result_id: AtomicU64,
    /// A counter per document bumped on every change, so a delayed diagnostics
    /// publication can tell that a newer change superseded it.
    pub change_generations: DashMap<Uri, u64>,
    /// Whether a feature has panicked before; the first panic is logged in full.
    pub panicked: AtomicBool,
    /// Whether the file watcher is registered with the client.
    pub watchers_registered: AtomicBool,
}

/// A snapshot with the open documents' URIs, for answering a request without locks.
pub struct Snapshot {
    pub snap: WorkspaceSnapshot,
    pub open: HashMap<PathBuf, Uri>,
    pub encoding: PositionEncoding,
}

impl Default for State {
    fn default() -> State {
        State::new()
    }
}

impl State {
    pub fn new() -> State {
        State {
            core: Mutex::new(Core {
                workspace: Workspace::new(Arc::new(Analyzer::with_defaults())),
                documents: HashMap::new(),
                open_paths: HashMap::new(),
            }),
            encoding: RwLock::new(PositionEncoding::Wide(crate::text::WideEncoding::Utf16)),
            support: RwLock::new(ClientSupport::default()),
            roots: RwLock::new(Vec::new()),
            trace: RwLock::new(TraceValue::Off),
            settings: RwLock::new(Arc::new(ClientSettings::default())),
            token_results: DashMap::new(),
            next_result_id: AtomicU64::new(1),
            change_generations: DashMap::new(),
            panicked: AtomicBool::new(false),
            watchers_registered: AtomicBool::new(false),
        }
    }

    /// The core, even after a panic elsewhere poisoned the lock: every change to it is
    /// a whole replacement of a file, so it is never left half-updated.
    pub fn core(&self) -> MutexGuard<'_, Core> {
        self.core.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn encoding(&self) -> PositionEncoding {
        *self.encoding.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn support(&self) -> ClientSupport {
        *self.support.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn settings(&self) -> Arc<ClientSettings> {
        self.settings
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn set_settings(&self, settings: ClientSettings) {
        *self.settings.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(settings);
    }

    /// Whether a path under the roots is an article: by its configuration, or added by
    /// the client's globs; the client's excludes win.
    pub fn is_article(&self, path: &Path, cache: &AnalyzerCache) -> bool {
        let settings = self.settings();
        let roots = self.roots();
        let root = roots.iter().find(|root| path.starts_with(root));
        if root.is_some_and(|root| settings.excludes(root, path)) {
            return false;
        }
        match root {
            Some(root) => cache.accepts_in_walk(root, path) || settings.includes(root, path),
            None => cache.accepts(path),
        }
    }

    pub fn roots(&self) -> Vec<PathBuf> {
        self.roots.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn snapshot(&self) -> Snapshot {
        let core = self.core();
        Snapshot {
            snap: core.workspace.snapshot(),
            open: core.open_paths.clone(),
            encoding: self.encoding(),
        }
    }

    pub fn next_result_id(&self) -> String {
        self.next_result_id
            .fetch_add(1, Ordering::Relaxed)
            .to_string()
    }

    /// Bumps and returns the change generation of a document.
    pub fn bump_generation(&self, uri: &Uri) -> u64 {
        let mut entry = self.change_generations.entry(uri.clone()).or_insert(0);
        *entry += 1;
        *entry
    }

    pub fn generation(&self, uri: &Uri) -> u64 {
        self.change_generations.get(uri).map(|g| *g).unwrap_or(0)
    }

    /// Opens a document with the editor's text, which wins over the disk from now on.
    pub fn open(&self, uri: Uri, path: PathBuf, version: i32, text: String) {
        let mut core = self.core();
        let rope = Rope::from_str(&text);
        let file = core.workspace.set_file_text(&path, Arc::from(text));
        core.open_paths.insert(path.clone(), uri.clone());
        core.documents.insert(
            uri,
            Document {
                rope,
                version,
                path,
                file,
            },
        );
    }

    /// Applies a document's changes in order. Returns `Err` with a reason when the
    /// document is unknown or the version is stale; ranges ending before they start are
    /// skipped and reported in the `Ok` list of problems.
    pub fn change(
        &self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) -> Result<Vec<String>, String> {
        let encoding = self.encoding();
        let mut core = self.core();
        let Core {
            workspace,
            documents,
            ..
        } = &mut *core;
        let Some(document) = documents.get_mut(uri) else {
            return Err(format!(
                "change to a document that is not open: {}",
                uri.as_str()
            ));
        };
        if version <= document.version {
            return Err(format!(
                "stale change to {}: version {version} after {}",
                uri.as_str(),
                document.version
            ));
        }
        let mut problems = Vec::new();
        for change in changes {
            match change.range {
                None => {
                    document.rope = Rope::from_str(&change.text);
                    document.file = workspace.set_file_text(&document.path, Arc::from(change.text));
                }
                Some(range) => {
                    let Some(bytes) = document.text_range(encoding, range) else {
                        problems.push(format!(
                            "ignored a change whose end precedes its start: {range:?}"
                        ));
                        continue;
                    };
                    document.replace(bytes, &change.text);
                    if workspace
                        .apply_edit(document.file, bytes, &change.text)
                        .is_none()
                    {
                        let text: Arc<str> = Arc::from(document.rope.to_string());
                        document.file = workspace.set_file_text(&document.path, text);
                    }
                }
            }
        }
        document.version = version;
        Ok(problems)
    }

    /// Closes a document: the file's text on disk applies again, if the workspace
    /// indexes it; otherwise the file leaves the workspace.
    pub fn close(&self, uri: &Uri) -> Option<PathBuf> {
        let mut core = self.core();
        let document = core.documents.remove(uri)?;
        core.open_paths.remove(&document.path);
        let on_disk = self
            .is_indexed(&document.path)
            .then(|| read_text(&document.path, core.workspace.analyzer()))
            .flatten();
        match on_disk {
            Some(text) => {
                core.workspace
                    .set_file_text(&document.path, Arc::from(text));
            }
            None => core.workspace.remove_file(&document.path),
        }
        self.token_results.remove(uri);
        Some(document.path)
    }

    /// Whether workspace indexing would pick up a path: it lies under a root and is an
    /// article by its configuration, a configuration, or a knowledge-base file.
    pub fn is_indexed(&self, path: &Path) -> bool {
        let roots = self.roots();
        if !roots.iter().any(|root| path.starts_with(root)) {
            return false;
        }
        let cache = AnalyzerCache::default();
        self.is_article(path, &cache) || FileKind::of_path(path) != FileKind::Article
    }

    /// Reloads configuration and knowledge base from disk and re-analyses everything.
    /// While `accord.toml` is not valid TOML (a typo saved mid-edit), the last good
    /// configuration and knowledge base stay in force: every tag of a type it declares
    /// would otherwise turn `unknown-type` at once. The syntax error shows on
    /// `accord.toml` itself, which the workspace analyses as a file.
    pub fn reload_analyzer(&self) {
        let roots = self.roots();
        let cache = AnalyzerCache::default();
        let analyzer = analyzer_for_roots_in(&cache, &roots);
        let config_is_broken =
            cache
                .config_problems(&roots)
                .iter()
                .any(|(path, _, diagnostics)| {
                    path.file_name()
                        .is_some_and(|name| name == crate::kb::config::CONFIG_FILE_NAME)
                        && diagnostics
                            .iter()
                            .any(|d| d.code == crate::diagnostic::DiagnosticCode::ConfigSyntax)
                });
        if config_is_broken {
            tracing::warn!(
                "accord.toml is not valid TOML; the last good configuration stays in force"
            );
            return;
        }
        self.core().workspace.set_analyzer(analyzer);
    }
}

/// [`analyzer_for_roots`] with the caller's cache, which keeps the problems it loaded.
fn analyzer_for_roots_in(cache: &AnalyzerCache, roots: &[PathBuf]) -> Arc<Analyzer> {
    match roots.first() {
        Some(root) => cache.for_file(&root.join("workspace.article")),
        None => Arc::new(Analyzer::with_defaults()),
    }
}

/// The analyzer of the first root's configuration, or the defaults without roots.
pub fn analyzer_for_roots(roots: &[PathBuf]) -> Arc<Analyzer> {
    // The cache looks for the configuration from a file's folder upwards.
    analyzer_for_roots_in(&AnalyzerCache::default(), roots)
}

/// A file's text from disk, or `None` (with a log line) when it cannot be read.
pub fn read_text(path: &Path, analyzer: &Analyzer) -> Option<String> {
    match crate::files::read_article_file(path, analyzer.max_file_size()) {
        Ok(text) => Some(text),
        Err(problem) => {
            tracing::warn!("{}: {}", path.display(), problem.diagnostic.message);
            None
        }
    }
}
