//! The server's state: what was agreed at initialisation (`Session`, written once),
//! the workspace and the open documents (`Core`, behind one lock), and the client's
//! settings. Locks are parking_lot's, which do not poison: every change under them is a
//! whole replacement of a value, so a panic elsewhere never leaves one half-updated.
//! They are held only for synchronous work, never across an `.await`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use dashmap::DashMap;
use parking_lot::{Mutex, MutexGuard, RwLock};
use tower_lsp_server::ls_types::{SemanticToken, TextDocumentContentChangeEvent, TraceValue, Uri};

use crate::analysis::Analyzer;
use crate::project::AnalyzerCache;
use crate::text::WideEncoding;
use crate::workspace::{FileId, FileKind, FileSnapshot, Workspace, WorkspaceSnapshot};

use super::from_proto::{LineMap, PositionEncoding};
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
    pub code_lens_refresh: bool,
}

impl ClientSupport {
    /// What a client that said nothing supports.
    const NONE: ClientSupport = ClientSupport {
        pull_diagnostics: false,
        diagnostic_refresh: false,
        work_done_progress: false,
        watch_files: false,
        semantic_tokens_refresh: false,
        inlay_hint_refresh: false,
        code_lens_refresh: false,
    };
}

/// What `initialize` settled, fixed for the rest of the session.
#[derive(Debug)]
pub struct Session {
    pub encoding: PositionEncoding,
    pub support: ClientSupport,
    /// The workspace folders, canonical.
    pub roots: Vec<PathBuf>,
}

/// The session before `initialize`: the protocol's defaults, no folders.
static NO_SESSION: Session = Session {
    encoding: PositionEncoding::Wide(WideEncoding::Utf16),
    support: ClientSupport::NONE,
    roots: Vec::new(),
};

/// A document the editor has open. Its text is the workspace's file text: one text per
/// document, edited in place by `didChange`.
pub struct Document {
    pub version: i32,
    pub path: PathBuf,
    pub file: FileId,
}

/// The open documents as requests see them, copied on write so that a snapshot takes
/// them without copying.
#[derive(Clone, Debug, Default)]
pub struct OpenDocuments {
    /// The workspace file of each open document, looked up once at `didOpen`.
    pub files: HashMap<Uri, FileId>,
    /// The URI each open document's path was opened under.
    pub uris: HashMap<PathBuf, Uri>,
}

/// The workspace and the open documents, changed together under one lock so that a
/// snapshot always matches the documents' text.
pub struct Core {
    pub workspace: Workspace,
    pub documents: HashMap<Uri, Document>,
    open: Arc<OpenDocuments>,
}

impl Core {
    pub fn is_open(&self, path: &Path) -> bool {
        self.open.uris.contains_key(path)
    }

    /// The paths of the open documents.
    pub fn open_paths(&self) -> impl Iterator<Item = &PathBuf> {
        self.open.uris.keys()
    }
}

/// Semantic tokens sent for a document, with their result id.
pub type TokenResult = (String, Vec<SemanticToken>);

pub struct State {
    core: Mutex<Core>,
    session: OnceLock<Session>,
    trace: RwLock<TraceValue>,
    settings: RwLock<Arc<ClientSettings>>,
    /// The last semantic tokens sent per document, with their result id.
    pub token_results: DashMap<Uri, TokenResult>,
    next_result_id: AtomicU64,
    /// A counter per document bumped on every change, so a delayed diagnostics
    /// publication can tell that a newer change superseded it.
    change_generations: DashMap<Uri, u64>,
    /// Bumped when a reload starts; a reload in progress stops when a newer one starts.
    reload_generation: AtomicU64,
    /// Per document, the workspace revision of the diagnostics last pushed: a push
    /// computed from an older snapshot (indexing's, finishing after a reload's) must not
    /// replace newer diagnostics. Held while a push is handed to the client, so pushes
    /// leave in revision order.
    pub published_revisions: tokio::sync::Mutex<HashMap<Uri, u64>>,
    /// Bumped by each edit that leaves a lexicon refresh pending: a refresh waiting out
    /// its delay gives way to a newer one.
    lexicon_generation: AtomicU64,
    /// The latest reload whose open documents are analysed with its analyzer: requests
    /// wait for it to catch up with `reload_generation`, so that what was typed into a
    /// knowledge base shows in the next answer about an open article.
    open_documents_ready: AtomicU64,
    open_documents_changed: tokio::sync::Notify,
    /// Whether a feature has panicked before; the first panic is logged in full.
    pub panicked: AtomicBool,
    /// The workspace revision the index cache holds, plus one (0: none), so that an
    /// unchanged workspace is not saved again on exit.
    index_saved: AtomicU64,
    /// Whether the file watcher is registered with the client.
    pub watchers_registered: AtomicBool,
}

/// A snapshot with the open documents, for answering a request without locks.
pub struct Snapshot {
    pub snap: WorkspaceSnapshot,
    pub open: Arc<OpenDocuments>,
    pub encoding: PositionEncoding,
    /// The workspace's revision when the snapshot was taken.
    pub revision: u64,
}

impl Snapshot {
    /// The file of a document: the open document's, or an indexed file's by its path.
    pub fn file(&self, uri: &Uri) -> Option<Arc<FileSnapshot>> {
        if let Some(&id) = self.open.files.get(uri) {
            return self.snap.file(id).cloned();
        }
        let path = normalize(super::from_proto::file_path(uri)?);
        self.snap.file_by_path(&path).cloned()
    }
}

impl Default for State {
    fn default() -> State {
        State::new()
    }
}

impl State {
    pub fn new() -> State {
        // Edits analyse their own file under the lock; what they change in the lexicon
        // reaches other files later, off the lock (`reload::spawn_lexicon_refresh`).
        let mut workspace = Workspace::new(Arc::new(Analyzer::with_defaults()));
        workspace.defer_edit_refresh(true);
        State {
            core: Mutex::new(Core {
                workspace,
                documents: HashMap::new(),
                open: Arc::new(OpenDocuments::default()),
            }),
            session: OnceLock::new(),
            trace: RwLock::new(TraceValue::Off),
            settings: RwLock::new(Arc::new(ClientSettings::default())),
            token_results: DashMap::new(),
            next_result_id: AtomicU64::new(1),
            change_generations: DashMap::new(),
            reload_generation: AtomicU64::new(0),
            published_revisions: tokio::sync::Mutex::new(HashMap::new()),
            lexicon_generation: AtomicU64::new(0),
            open_documents_ready: AtomicU64::new(0),
            open_documents_changed: tokio::sync::Notify::new(),
            panicked: AtomicBool::new(false),
            index_saved: AtomicU64::new(0),
            watchers_registered: AtomicBool::new(false),
        }
    }

    /// Records that the index cache holds the workspace at `revision`.
    pub fn index_saved_at(&self, revision: u64) {
        self.index_saved.store(revision + 1, Ordering::SeqCst);
    }

    /// The workspace revision the index cache holds, if it was saved or restored.
    pub fn index_saved_revision(&self) -> Option<u64> {
        self.index_saved.load(Ordering::SeqCst).checked_sub(1)
    }

    pub fn core(&self) -> MutexGuard<'_, Core> {
        self.core.lock()
    }

    /// What `initialize` settled, or the protocol's defaults before it.
    pub fn session(&self) -> &Session {
        self.session.get().unwrap_or(&NO_SESSION)
    }

    /// Records what `initialize` settled; `false` when a session was settled already.
    pub fn start_session(&self, session: Session) -> bool {
        self.session.set(session).is_ok()
    }

    pub fn encoding(&self) -> PositionEncoding {
        self.session().encoding
    }

    pub fn support(&self) -> ClientSupport {
        self.session().support
    }

    pub fn roots(&self) -> &[PathBuf] {
        &self.session().roots
    }

    pub fn trace(&self) -> TraceValue {
        *self.trace.read()
    }

    pub fn set_trace(&self, trace: TraceValue) {
        *self.trace.write() = trace;
    }

    pub fn settings(&self) -> Arc<ClientSettings> {
        self.settings.read().clone()
    }

    pub fn set_settings(&self, settings: ClientSettings) {
        *self.settings.write() = Arc::new(settings);
    }

    /// Whether a path under the roots is an article: by its configuration, or added by
    /// the client's globs; the client's excludes win.
    pub fn is_article(&self, path: &Path, cache: &AnalyzerCache) -> bool {
        let settings = self.settings();
        let root = self.roots().iter().find(|root| path.starts_with(root));
        if root.is_some_and(|root| settings.excludes(root, path)) {
            return false;
        }
        match root {
            Some(root) => cache.accepts_in_walk(root, path) || settings.includes(root, path),
            None => cache.accepts(path),
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        let core = self.core();
        Snapshot {
            snap: core.workspace.snapshot(),
            open: core.open.clone(),
            encoding: self.encoding(),
            revision: core.workspace.revision(),
        }
    }

    /// Starts a reload: returns its generation, which stops older reloads.
    pub fn begin_reload(&self) -> u64 {
        self.reload_generation.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Whether a newer reload than `generation` has started.
    pub fn is_superseded(&self, generation: u64) -> bool {
        self.reload_generation.load(Ordering::SeqCst) != generation
    }

    /// Marks the open documents of reload `generation` as analysed (or the reload as
    /// over without them), and wakes the requests waiting for them.
    pub fn open_documents_reloaded(&self, generation: u64) {
        self.open_documents_ready
            .fetch_max(generation, Ordering::SeqCst);
        self.open_documents_changed.notify_waiters();
    }

    /// Waits, a bounded time, until the latest reload has analysed the open documents.
    pub async fn wait_for_open_documents(&self) {
        /// Reloading the open documents takes milliseconds for articles of a few
        /// pages, but building the new analyzer first can take longer than 50 ms on a
        /// busy machine, and an answer from the old configuration misleads; a request
        /// waits no longer than this, then is answered from what there is (a
        /// megabyte-long open file takes longer to analyse). Saved changes do not make
        /// requests wait at all.
        const PATIENCE: std::time::Duration = std::time::Duration::from_millis(1000);
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let changed = self.open_documents_changed.notified();
            let wanted = self.reload_generation.load(Ordering::SeqCst);
            if self.open_documents_ready.load(Ordering::SeqCst) >= wanted {
                return;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                tracing::debug!("answering before the open documents are reloaded");
                return;
            }
        }
    }

    /// Starts a new lexicon generation; returns it.
    pub fn bump_lexicon_generation(&self) -> u64 {
        self.lexicon_generation.fetch_add(1, Ordering::SeqCst) + 1
    }

    pub fn lexicon_generation(&self) -> u64 {
        self.lexicon_generation.load(Ordering::SeqCst)
    }

    /// Brings the lexicon up to date with what the files teach, at once and under the
    /// lock, as a refresh the server defers would.
    pub fn refresh_lexicon_now(&self) {
        let replaced = self.core().workspace.refresh();
        drop(replaced);
        crate::lsp::release_memory();
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
        // Marked open first, so that the analysis it gets is kept whole.
        core.workspace.open_file(&path);
        let file = core.workspace.set_file_text(&path, Arc::from(text));
        let open = Arc::make_mut(&mut core.open);
        open.files.insert(uri.clone(), file);
        open.uris.insert(path.clone(), uri.clone());
        core.documents.insert(
            uri,
            Document {
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
            let Some(range) = change.range else {
                workspace.set_file_text(&document.path, Arc::from(change.text));
                continue;
            };
            let Some(file) = workspace.file(document.file).cloned() else {
                problems.push("the document's file left the workspace".to_owned());
                continue;
            };
            // The editor's own text: a byte order mark in it is a character it shows.
            let map = LineMap {
                text: &file.text,
                line_index: &file.line_index,
                encoding,
                hides_bom: false,
            };
            let Some(bytes) = map.text_range(range) else {
                problems.push(format!(
                    "ignored a change whose end precedes its start: {range:?}"
                ));
                continue;
            };
            if workspace
                .apply_edit(document.file, bytes, &change.text)
                .is_none()
            {
                // The map gives char boundaries inside the text; this is a safety net.
                let mut text = file.text.to_string();
                text.replace_range(bytes.start..bytes.end, &change.text);
                workspace.set_file_text(&document.path, Arc::from(text));
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
        let open = Arc::make_mut(&mut core.open);
        open.files.remove(uri);
        open.uris.remove(&document.path);
        let on_disk = self
            .is_indexed(&document.path)
            .then(|| read_text(&document.path, core.workspace.analyzer()))
            .flatten();
        // The disk's text is analysed while the file is still open, so that what its
        // articles share with the editor's text is reused; then it keeps its summary.
        match on_disk {
            Some(text) => {
                core.workspace
                    .set_file_text(&document.path, Arc::from(text));
            }
            None => core.workspace.remove_file(&document.path),
        }
        let replaced = core.workspace.set_open(document.file, false);
        drop(core);
        drop(replaced);
        self.token_results.remove(uri);
        Some(document.path)
    }

    /// Whether workspace indexing would pick up a path: it lies under a root and is an
    /// article by its configuration, a configuration, or a knowledge-base file.
    pub fn is_indexed(&self, path: &Path) -> bool {
        if !self.roots().iter().any(|root| path.starts_with(root)) {
            return false;
        }
        let cache = AnalyzerCache::default();
        self.is_article(path, &cache) || FileKind::of_path(path) != FileKind::Article
    }
}

/// Paths as the workspace keys them: absolute, with links resolved where the file
/// exists, so that a file opened in the editor and found by the folder walk is one.
pub fn normalize(path: PathBuf) -> PathBuf {
    std::fs::canonicalize(&path).unwrap_or(path)
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
