//! The language server: protocol handlers over the workspace and the editor features
//! of `crate::ide`.
//!
//! Handlers run concurrently, so every document change is applied in the synchronous
//! part of its handler, before the first `.await`: the order of changes is the order
//! in which they arrived. Features run on a snapshot inside `catch_unwind`, so a bug in
//! one answers that request with an error and the server keeps serving.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::ls_types::Uri;
use tower_lsp_server::{Client, LanguageServer};

use crate::cancel::{CancelFlag, Cancelled};
use crate::ide;
use crate::text::WideEncoding;
use crate::workspace::{FileId, FileKind, FileSnapshot};
use rayon::prelude::*;

use super::from_proto::{self, PositionEncoding};
use super::semantic;
use super::state::{ClientSupport, Snapshot, State, analyzer_for_roots, read_text};
use super::to_proto::{self, View};

pub const SHOW_ENTITY_INDEX: &str = "accord.showEntityIndex";
pub const REINDEX: &str = "accord.reindex";

/// Semantic tokens sent for a document, with their result id.
type TokenResult = (String, Vec<lsp::SemanticToken>);

/// Cancels a feature when its request's future is dropped: tower-lsp drops it when the
/// client sends `$/cancelRequest`. After the answer, setting the flag changes nothing.
struct CancelOnDrop(CancelFlag);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

pub struct Server {
    client: Client,
    state: Arc<State>,
}

impl Server {
    pub fn new(client: Client) -> Server {
        Server {
            client,
            state: Arc::new(State::new()),
        }
    }

    /// `$/setTrace`: how much the server reports through `$/logTrace`.
    pub async fn set_trace(&self, params: lsp::SetTraceParams) {
        *self.state.trace.write().unwrap_or_else(|e| e.into_inner()) = params.value;
        tracing::info!("trace set to {:?}", params.value);
    }

    /// Runs a feature on a snapshot and the file of `uri`. Unknown documents give
    /// `Ok(None)`; a panic gives an internal error.
    async fn with_file<T: Send + 'static>(
        &self,
        feature: &'static str,
        uri: &Uri,
        f: impl FnOnce(&View, &Arc<FileSnapshot>) -> Option<T> + Send + 'static,
    ) -> Result<Option<T>> {
        let snapshot = self.state.snapshot();
        let Some(file) = file_of(&snapshot, uri) else {
            tracing::debug!("{feature}: unknown document {}", uri.as_str());
            return Ok(None);
        };
        self.catching(feature, snapshot, move |view| f(view, &file))
            .await
    }

    /// Runs a feature on a snapshot, off the protocol's task so that the server goes on
    /// reading messages meanwhile. A cancelled request drops this future, which sets
    /// the feature's cancel flag: the feature stops at its next check. A panic gives an
    /// internal error.
    async fn catching<T: Send + 'static>(
        &self,
        feature: &'static str,
        snapshot: Snapshot,
        f: impl FnOnce(&View) -> Option<T> + Send + 'static,
    ) -> Result<Option<T>> {
        let flag = CancelFlag::default();
        let _cancel_when_dropped = CancelOnDrop(flag.clone());
        let work = tokio::task::spawn_blocking(move || {
            let view = View {
                snap: &snapshot.snap,
                encoding: snapshot.encoding,
                open: &snapshot.open,
            };
            crate::cancel::run(&flag, || f(&view))
        });
        match work.await {
            Ok(Ok(result)) => Ok(result),
            Ok(Err(Cancelled)) => {
                tracing::debug!("{feature} cancelled");
                Err(Error::request_cancelled())
            }
            Err(error) => {
                let message = match error.try_into_panic() {
                    Ok(payload) => panic_message(&payload),
                    Err(error) => error.to_string(),
                };
                if !self.state.panicked.swap(true, Ordering::Relaxed) {
                    tracing::error!("{feature} panicked: {message}");
                } else {
                    tracing::debug!("{feature} panicked: {message}");
                }
                Err(Error {
                    code: ErrorCode::InternalError,
                    message: format!("{feature} failed: {message}").into(),
                    data: None,
                })
            }
        }
    }

    /// Publishes a document's diagnostics, unless another change came in meanwhile.
    /// The change is already analysed (only the articles it touched), so there is no
    /// reason to wait: changes queued behind this one get their turn first, and only
    /// the last of a burst publishes.
    fn schedule_diagnostics(&self, uri: Uri) {
        let generation = self.state.bump_generation(&uri);
        // A client that pulls asks for an open document's diagnostics itself; pushing
        // them too would show each problem twice (VS Code keeps the two apart).
        if self.state.support().pull_diagnostics {
            return;
        }
        let state = self.state.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            tokio::task::yield_now().await;
            if state.generation(&uri) != generation {
                return;
            }
            publish_for_uri(&client, &state, &uri).await;
        });
    }

    /// Publishes the diagnostics of every file that has some, and clears those of open
    /// documents that have none. Open documents are left to pulls when the client pulls.
    async fn publish_all(&self) {
        publish_all(&self.client, &self.state).await;
    }

    async fn trace_message(&self, message: String) {
        let trace = *self.state.trace.read().unwrap_or_else(|e| e.into_inner());
        if trace == lsp::TraceValue::Off {
            return;
        }
        self.client
            .send_notification::<lsp::notification::LogTrace>(lsp::LogTraceParams {
                message,
                verbose: None,
            })
            .await;
    }

    /// Takes the client's settings; returns whether the set of article files changed.
    fn apply_settings(&self, value: &Value) -> bool {
        let (settings, problems) = super::settings::ClientSettings::from_json(value);
        for problem in problems {
            tracing::warn!("settings: {problem}");
        }
        let before = self.state.settings();
        let files_changed =
            before.include != settings.include || before.exclude != settings.exclude;
        self.state.set_settings(settings);
        files_changed
    }

    async fn register_watchers(&self) {
        let extra = self.state.settings().include.clone();
        let watchers = ["**/*.article", "**/accord.toml", "**/*.toml"]
            .into_iter()
            .map(str::to_owned)
            .chain(extra)
            .map(|glob| lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String(glob),
                kind: None,
            })
            .collect();
        let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = lsp::Registration {
            id: "accord-watched-files".to_owned(),
            method: "workspace/didChangeWatchedFiles".to_owned(),
            register_options: serde_json::to_value(options).ok(),
        };
        // Settings may change the globs: the previous registration goes first.
        if self.state.watchers_registered.swap(true, Ordering::Relaxed) {
            let unregistration = lsp::Unregistration {
                id: registration.id.clone(),
                method: registration.method.clone(),
            };
            let _ = self
                .client
                .unregister_capability(vec![unregistration])
                .await;
        }
        if let Err(error) = self.client.register_capability(vec![registration]).await {
            tracing::warn!("could not register the file watcher: {error}");
        }
    }

    /// Indexes the workspace folders in the background, with progress when the client
    /// shows it. Open documents keep their editor text.
    fn spawn_indexing(&self) {
        let state = self.state.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            index_workspace(&client, &state).await;
            publish_all(&client, &state).await;
            // Other files' tags teach the recognisers, so open documents may change.
            refresh(&client, &state, Refresh::SemanticTokens).await;
        });
    }
}

/// A file's diagnostics with the client's severities applied.
fn file_diagnostics(
    state: &State,
    snap: &crate::workspace::WorkspaceSnapshot,
    file: crate::workspace::FileId,
) -> Vec<crate::diagnostic::Diagnostic> {
    state
        .settings()
        .apply_severities(ide::diagnostics(snap, file))
}

fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "unknown panic".to_owned()
    }
}

fn file_of(snapshot: &Snapshot, uri: &Uri) -> Option<Arc<FileSnapshot>> {
    let path = normalize(from_proto::file_path(uri)?);
    snapshot.snap.file_by_path(&path).cloned()
}

/// Paths as the workspace keys them: absolute, with links resolved where the file
/// exists, so that a file opened in the editor and found by the folder walk is one.
pub fn normalize(path: PathBuf) -> PathBuf {
    std::fs::canonicalize(&path).unwrap_or(path)
}

async fn publish_for_uri(client: &Client, state: &State, uri: &Uri) {
    let (version, diagnostics) = {
        let snapshot = state.snapshot();
        let version = state.core().documents.get(uri).map(|doc| doc.version);
        let Some(file) = file_of(&snapshot, uri) else {
            return;
        };
        let view = View {
            snap: &snapshot.snap,
            encoding: snapshot.encoding,
            open: &snapshot.open,
        };
        let diagnostics = match std::panic::catch_unwind(AssertUnwindSafe(|| {
            file_diagnostics(state, &snapshot.snap, file.id)
                .iter()
                .map(|d| view.diagnostic(&file, d))
                .collect::<Vec<_>>()
        })) {
            Ok(diagnostics) => diagnostics,
            Err(payload) => {
                tracing::error!("diagnostics panicked: {}", panic_message(&payload));
                return;
            }
        };
        (version, diagnostics)
    };
    client
        .publish_diagnostics(uri.clone(), diagnostics, version)
        .await;
}

async fn publish_all(client: &Client, state: &Arc<State>) {
    let state_for_work = state.clone();
    // Diagnostics of a whole workspace take a while: computed on the blocking pool, in
    // parallel, from a snapshot, so requests and edits are served meanwhile.
    let work = tokio::task::spawn_blocking(move || {
        let state = &*state_for_work;
        let pull = state.support().pull_diagnostics;
        let snapshot = state.snapshot();
        let versions: HashMap<Uri, i32> = state
            .core()
            .documents
            .iter()
            .map(|(uri, doc)| (uri.clone(), doc.version))
            .collect();
        let view = View {
            snap: &snapshot.snap,
            encoding: snapshot.encoding,
            open: &snapshot.open,
        };
        let files: Vec<&Arc<FileSnapshot>> = snapshot.snap.files().collect();
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            files
                .par_iter()
                .filter_map(|file| {
                    let is_open = snapshot.open.contains_key(&file.path);
                    if is_open && pull {
                        return None;
                    }
                    let diagnostics = file_diagnostics(state, &snapshot.snap, file.id);
                    if diagnostics.is_empty() && !is_open {
                        return None;
                    }
                    let uri = view.uri(&file.path)?;
                    let version = versions.get(&uri).copied();
                    let items = diagnostics
                        .iter()
                        .map(|d| view.diagnostic(file, d))
                        .collect();
                    Some((uri, items, version))
                })
                .collect::<Vec<(Uri, Vec<lsp::Diagnostic>, Option<i32>)>>()
        }));
        match result {
            Ok(batches) => batches,
            Err(payload) => {
                tracing::error!("diagnostics panicked: {}", panic_message(&payload));
                Vec::new()
            }
        }
    });
    let batches = work.await.unwrap_or_default();
    for (uri, diagnostics, version) in batches {
        client.publish_diagnostics(uri, diagnostics, version).await;
    }
    // What other files teach can change an open document's diagnostics too.
    refresh(client, state, Refresh::Diagnostics).await;
}

async fn index_workspace(client: &Client, state: &Arc<State>) {
    let roots = state.roots();
    if roots.is_empty() {
        return;
    }
    let progress = if state.support().work_done_progress {
        let token = lsp::NumberOrString::String(format!("accord/index/{}", state.next_result_id()));
        match client.create_work_done_progress(token.clone()).await {
            Ok(()) => Some(
                client
                    .progress(token, "Indexing articles")
                    .with_percentage(0)
                    .begin()
                    .await,
            ),
            Err(error) => {
                tracing::debug!("no progress: {error}");
                None
            }
        }
    } else {
        None
    };
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<(usize, usize)>();
    let worker_state = state.clone();
    let worker = tokio::task::spawn_blocking(move || {
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            index_files(&worker_state, &roots, &|done, total| {
                let _ = sender.send((done, total));
            })
        }));
        match result {
            Ok(indexed) => indexed,
            Err(payload) => {
                tracing::error!("indexing panicked: {}", panic_message(&payload));
                Indexed {
                    files: 0,
                    problems: Vec::new(),
                }
            }
        }
    });
    while let Some((done, total)) = receiver.recv().await {
        if let Some(progress) = &progress {
            let percentage = (done * 100).checked_div(total).unwrap_or(100) as u32;
            progress
                .report_with_message(format!("{done}/{total} files"), percentage)
                .await;
        }
    }
    let indexed = worker.await.unwrap_or(Indexed {
        files: 0,
        problems: Vec::new(),
    });
    let count = indexed.files;
    let entities = state.core().workspace.entity_count();
    tracing::info!("indexed {count} files, {entities} entities");
    report_walk_problems(client, &indexed.problems).await;
    if let Some(progress) = progress {
        progress
            .finish_with_message(format!("{count} files, {entities} entities"))
            .await;
    }
}

/// Tells the user what indexing left out: every problem goes to the log, and the ones
/// that mean files the user may expect are missing (a limit, a link leading out of
/// the workspace) to a message, the first few by name.
async fn report_walk_problems(client: &Client, problems: &[crate::files::WalkError]) {
    use crate::diagnostic::DiagnosticCode;

    for problem in problems {
        tracing::warn!("{}: {}", problem.code.as_str(), problem.message);
    }
    let shown: Vec<&crate::files::WalkError> = problems
        .iter()
        .filter(|problem| {
            matches!(
                problem.code,
                DiagnosticCode::TooManyFiles | DiagnosticCode::PathOutsideWorkspace
            )
        })
        .collect();
    const NAMED: usize = 3;
    if shown.is_empty() {
        return;
    }
    let mut message = shown
        .iter()
        .take(NAMED)
        .map(|problem| problem.message.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    if shown.len() > NAMED {
        message.push_str(&format!(" (and {} more in the log)", shown.len() - NAMED));
    }
    client
        .show_message(lsp::MessageType::WARNING, format!("accord: {message}"))
        .await;
}

/// Reads every file of the roots into the workspace.
fn index_files(state: &State, roots: &[PathBuf], report: &dyn Fn(usize, usize)) -> Indexed {
    let analyzer = analyzer_for_roots(roots);
    state.core().workspace.set_analyzer(analyzer.clone());
    let cache = crate::project::AnalyzerCache::default();
    let accepts = |path: &std::path::Path| {
        // A configuration or knowledge base of a folder the workspace excludes is not
        // the workspace's business, as the folder's articles are not.
        let excluded = || {
            roots
                .iter()
                .filter(|root| path.starts_with(root))
                .any(|root| cache.excluded_in_walk(root, path))
        };
        state.is_article(path, &cache)
            || ((FileKind::of_path(path) == FileKind::Config || is_kb_file(path)) && !excluded())
    };
    let kb_files: std::collections::HashSet<PathBuf> = analyzer
        .kb
        .entries()
        .filter_map(|entry| entry.source.as_ref().map(|s| normalize(s.path.clone())))
        .collect();
    let is_kb = |path: &std::path::Path| kb_files.contains(&normalize(path.to_path_buf()));
    let max_files = analyzer.config.max_files;
    let mut sources = crate::files::collect_files(
        roots,
        &|_, path| {
            accepts(path) && (FileKind::of_path(path) != FileKind::KnowledgeBase || is_kb(path))
        },
        crate::files::WalkLimits {
            max_files: &|_| max_files,
            // The server reads only inside the workspace folders, whatever links say.
            inside: Some(roots),
        },
    );
    let problems: Vec<crate::files::WalkError> = sources
        .iter()
        .filter_map(|source| source.error.clone())
        .collect();
    sources.retain(|source| source.error.is_none());
    let total = sources.len();
    report(0, total);
    // Files that left the workspace (a glob changed) go, unless open in the editor.
    {
        let listed: std::collections::HashSet<PathBuf> = sources
            .iter()
            .map(|source| normalize(source.path.clone()))
            .collect();
        let mut core = state.core();
        let gone: Vec<PathBuf> = core
            .workspace
            .snapshot()
            .files()
            .filter(|file| file.kind == FileKind::Article)
            .map(|file| file.path.clone())
            .filter(|path| !listed.contains(path) && !core.open_paths.contains_key(path))
            .collect();
        for path in gone {
            core.workspace.remove_file(&path);
        }
    }
    // Files are read and analysed in parallel batches without the lock; the lock is
    // taken only to install a batch, so requests and edits go on meanwhile. The
    // lexicon is rebuilt once at the end, so each article is recognised again at most
    // once for what the others teach.
    let mut done = 0;
    for batch in sources.chunks(INDEX_BATCH_FILES) {
        let paths: Vec<PathBuf> = batch
            .iter()
            .map(|source| normalize(source.path.clone()))
            .collect();
        let (ids, context) = {
            let mut core = state.core();
            let ids = core
                .workspace
                .intern_paths(paths.iter().map(PathBuf::as_path));
            (ids, core.workspace.context())
        };
        let files: Vec<(FileId, PathBuf, Arc<str>)> = paths
            .into_par_iter()
            .zip(ids)
            .filter_map(|(path, id)| {
                let text = read_text(&path, &analyzer)?;
                Some((id, path, Arc::from(text)))
            })
            .collect();
        let prepared = context.prepare(files);
        {
            let mut core = state.core();
            // The editor's text wins over the disk.
            let open: Vec<FileId> = core
                .open_paths
                .keys()
                .filter_map(|path| core.workspace.file_id(path))
                .collect();
            let prepared = prepared
                .into_iter()
                .filter(|file| !open.contains(&file.id()))
                .collect();
            core.workspace.install_files(prepared, false);
        }
        done += batch.len();
        report(done, total);
    }
    state.core().workspace.refresh();
    Indexed {
        files: total,
        problems,
    }
}

/// What indexing read, and what it left out and why.
struct Indexed {
    files: usize,
    problems: Vec<crate::files::WalkError>,
}

/// Files analysed per batch while indexing: enough to keep every core busy, few
/// enough that the lock is not held long to install them.
const INDEX_BATCH_FILES: usize = 64;

/// Knowledge-base files are TOML files other than the configuration; which ones count
/// is decided against the configuration's entries by the caller.
fn is_kb_file(path: &std::path::Path) -> bool {
    FileKind::of_path(path) == FileKind::KnowledgeBase
}

fn negotiate_encoding(capabilities: &lsp::ClientCapabilities) -> PositionEncoding {
    let offered = capabilities
        .general
        .as_ref()
        .and_then(|general| general.position_encodings.as_ref());
    match offered {
        Some(kinds) if kinds.contains(&lsp::PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
        _ => PositionEncoding::Wide(WideEncoding::Utf16),
    }
}

fn encoding_kind(encoding: PositionEncoding) -> lsp::PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        PositionEncoding::Wide(WideEncoding::Utf16) => lsp::PositionEncodingKind::UTF16,
        PositionEncoding::Wide(WideEncoding::Utf32) => lsp::PositionEncodingKind::UTF32,
    }
}

fn client_support(capabilities: &lsp::ClientCapabilities) -> ClientSupport {
    ClientSupport {
        pull_diagnostics: capabilities
            .text_document
            .as_ref()
            .is_some_and(|td| td.diagnostic.is_some()),
        diagnostic_refresh: capabilities
            .workspace
            .as_ref()
            .and_then(|ws| ws.diagnostics.as_ref())
            .and_then(|diagnostics| diagnostics.refresh_support)
            .unwrap_or(false),
        work_done_progress: capabilities
            .window
            .as_ref()
            .and_then(|window| window.work_done_progress)
            .unwrap_or(false),
        watch_files: capabilities
            .workspace
            .as_ref()
            .and_then(|ws| ws.did_change_watched_files.as_ref())
            .and_then(|watch| watch.dynamic_registration)
            .unwrap_or(false),
        semantic_tokens_refresh: capabilities
            .workspace
            .as_ref()
            .and_then(|ws| ws.semantic_tokens.as_ref())
            .and_then(|tokens| tokens.refresh_support)
            .unwrap_or(false),
        inlay_hint_refresh: capabilities
            .workspace
            .as_ref()
            .and_then(|ws| ws.inlay_hint.as_ref())
            .and_then(|hints| hints.refresh_support)
            .unwrap_or(false),
    }
}

/// The `workspace/…/refresh` requests the server sends when what other files teach
/// changes an open document's answers.
#[derive(Clone, Copy, Debug)]
enum Refresh {
    SemanticTokens,
    Diagnostics,
    InlayHints,
}

/// Asks the client to refresh, when it said it can. The request has no parameters, and
/// LSP wants the `params` member left out; the client's typed helpers would send
/// `"params": null`, which strict clients refuse.
async fn refresh(client: &Client, state: &State, what: Refresh) {
    let support = state.support();
    let (supported, method) = match what {
        Refresh::SemanticTokens => (
            support.semantic_tokens_refresh,
            "workspace/semanticTokens/refresh",
        ),
        Refresh::Diagnostics => (
            support.pull_diagnostics && support.diagnostic_refresh,
            "workspace/diagnostic/refresh",
        ),
        Refresh::InlayHints => (support.inlay_hint_refresh, "workspace/inlayHint/refresh"),
    };
    if !supported {
        return;
    }
    let request = tower_lsp_server::jsonrpc::Request::build(method)
        .id(client.next_request_id())
        .finish();
    let answer = tower_service::Service::call(&mut client.clone(), request).await;
    match answer {
        Ok(Some(response)) => {
            if let Err(error) = response.into_parts().1 {
                tracing::debug!("{method} failed: {error}");
            }
        }
        Ok(None) => {}
        Err(error) => tracing::debug!("{method} not sent: {error}"),
    }
}

fn workspace_roots(params: &lsp::InitializeParams) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|folder| from_proto::file_path(&folder.uri))
        .collect();
    #[allow(deprecated)]
    if roots.is_empty()
        && let Some(root) = params.root_uri.as_ref().and_then(from_proto::file_path)
    {
        roots.push(root);
    }
    roots.into_iter().map(normalize).collect()
}

fn invalid_params(message: impl Into<String>) -> Error {
    Error {
        code: ErrorCode::InvalidParams,
        message: message.into().into(),
        data: None,
    }
}

impl LanguageServer for Server {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let encoding = negotiate_encoding(&params.capabilities);
        *self
            .state
            .encoding
            .write()
            .unwrap_or_else(|e| e.into_inner()) = encoding;
        let support = client_support(&params.capabilities);
        *self
            .state
            .support
            .write()
            .unwrap_or_else(|e| e.into_inner()) = support;
        *self.state.roots.write().unwrap_or_else(|e| e.into_inner()) = workspace_roots(&params);
        if let Some(options) = &params.initialization_options {
            self.apply_settings(options);
        }
        if let Some(trace) = params.trace {
            *self.state.trace.write().unwrap_or_else(|e| e.into_inner()) = trace;
        }
        tracing::info!(
            "initialize: encoding {:?}, roots {:?}, {:?}",
            encoding,
            self.state.roots(),
            support
        );
        let capabilities = lsp::ServerCapabilities {
            position_encoding: Some(encoding_kind(encoding)),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
                lsp::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                    save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                    ..Default::default()
                },
            )),
            semantic_tokens_provider: Some(
                lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                    lsp::SemanticTokensOptions {
                        legend: semantic::legend(),
                        range: Some(true),
                        full: Some(lsp::SemanticTokensFullOptions::Delta { delta: Some(true) }),
                        ..Default::default()
                    },
                ),
            ),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            definition_provider: Some(lsp::OneOf::Left(true)),
            declaration_provider: Some(lsp::DeclarationCapability::Simple(true)),
            references_provider: Some(lsp::OneOf::Left(true)),
            document_highlight_provider: Some(lsp::OneOf::Left(true)),
            workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
            document_symbol_provider: Some(lsp::OneOf::Left(true)),
            folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
            inlay_hint_provider: Some(lsp::OneOf::Left(true)),
            code_lens_provider: Some(lsp::CodeLensOptions {
                resolve_provider: Some(false),
            }),
            completion_provider: Some(lsp::CompletionOptions {
                trigger_characters: Some(vec!["{".into(), " ".into(), "=".into()]),
                ..Default::default()
            }),
            code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
                lsp::CodeActionOptions {
                    code_action_kinds: Some(vec![
                        lsp::CodeActionKind::QUICKFIX,
                        lsp::CodeActionKind::REFACTOR,
                    ]),
                    ..Default::default()
                },
            )),
            rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: Default::default(),
            })),
            execute_command_provider: Some(lsp::ExecuteCommandOptions {
                commands: vec![SHOW_ENTITY_INDEX.to_owned(), REINDEX.to_owned()],
                ..Default::default()
            }),
            diagnostic_provider: support.pull_diagnostics.then(|| {
                lsp::DiagnosticServerCapabilities::Options(lsp::DiagnosticOptions {
                    identifier: Some("accord".to_owned()),
                    inter_file_dependencies: true,
                    workspace_diagnostics: false,
                    work_done_progress_options: Default::default(),
                })
            }),
            ..Default::default()
        };
        Ok(lsp::InitializeResult {
            capabilities,
            server_info: Some(lsp::ServerInfo {
                name: "accord".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        if self.state.support().watch_files {
            self.register_watchers().await;
        }
        self.spawn_indexing();
    }

    async fn shutdown(&self) -> Result<()> {
        tracing::info!("shutdown");
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let document = params.text_document;
        let Some(path) = from_proto::file_path(&document.uri) else {
            tracing::warn!("not a file URI: {}", document.uri.as_str());
            return;
        };
        let path = normalize(path);
        self.state
            .open(document.uri.clone(), path, document.version, document.text);
        if self.state.support().pull_diagnostics {
            // What was pushed while the file was closed gives way to what the client
            // pulls now that it is open.
            self.client
                .publish_diagnostics(document.uri.clone(), Vec::new(), None)
                .await;
        }
        self.schedule_diagnostics(document.uri.clone());
        self.trace_message(format!("opened {}", document.uri.as_str()))
            .await;
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        match self.state.change(&uri, version, params.content_changes) {
            Ok(problems) => {
                for problem in problems {
                    tracing::warn!("{}: {problem}", uri.as_str());
                }
                self.schedule_diagnostics(uri);
            }
            Err(reason) => tracing::warn!("{reason}"),
        }
    }

    async fn did_save(&self, params: lsp::DidSaveTextDocumentParams) {
        let Some(path) = from_proto::file_path(&params.text_document.uri) else {
            return;
        };
        if FileKind::of_path(&path) != FileKind::Article {
            self.state.reload_analyzer();
            self.publish_all().await;
        }
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.state.bump_generation(&uri);
        if let Some(path) = self.state.close(&uri) {
            let still_indexed = self.state.snapshot().snap.file_by_path(&path).is_some();
            // A closed document is no longer pulled: its file's diagnostics are pushed,
            // as for every other file of the workspace.
            if still_indexed {
                publish_for_uri(&self.client, &self.state, &uri).await;
            } else {
                self.client.publish_diagnostics(uri, Vec::new(), None).await;
            }
        }
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        let files_changed = self.apply_settings(&params.settings);
        tracing::info!("settings changed");
        if files_changed {
            if self.state.support().watch_files {
                self.register_watchers().await;
            }
            self.spawn_indexing();
        } else {
            self.publish_all().await;
        }
        refresh(&self.client, &self.state, Refresh::InlayHints).await;
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        let mut reload = false;
        let roots: Vec<PathBuf> = self
            .state
            .roots()
            .iter()
            .map(|root| std::fs::canonicalize(root).unwrap_or_else(|_| root.clone()))
            .collect();
        {
            let mut core = self.state.core();
            for change in params.changes {
                let Some(path) = from_proto::file_path(&change.uri) else {
                    continue;
                };
                let path = normalize(path);
                if !crate::files::resolves_inside(&path, &roots) {
                    tracing::warn!(
                        "{}: outside the workspace folders; not read",
                        path.display()
                    );
                    continue;
                }
                if FileKind::of_path(&path) != FileKind::Article {
                    reload = true;
                }
                // The editor's text wins over the disk.
                if core.open_paths.contains_key(&path) {
                    continue;
                }
                if change.typ == lsp::FileChangeType::DELETED {
                    core.workspace.remove_file(&path);
                } else if let Some(text) = read_text(&path, core.workspace.analyzer()) {
                    core.workspace.set_file_text(&path, Arc::from(text));
                }
            }
        }
        if reload {
            self.state.reload_analyzer();
        }
        self.publish_all().await;
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> Result<Option<lsp::SemanticTokensResult>> {
        let uri = params.text_document.uri;
        let Some(((result_id, tokens), _)) = self.full_tokens("semanticTokens/full", uri).await?
        else {
            return Ok(None);
        };
        Ok(Some(lsp::SemanticTokensResult::Tokens(
            lsp::SemanticTokens {
                result_id: Some(result_id),
                data: tokens,
            },
        )))
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: lsp::SemanticTokensDeltaParams,
    ) -> Result<Option<lsp::SemanticTokensFullDeltaResult>> {
        let uri = params.text_document.uri;
        let Some(((result_id, tokens), previous)) =
            self.full_tokens("semanticTokens/full/delta", uri).await?
        else {
            return Ok(None);
        };
        match previous {
            Some((previous_id, previous_tokens)) if previous_id == params.previous_result_id => {
                Ok(Some(lsp::SemanticTokensFullDeltaResult::TokensDelta(
                    lsp::SemanticTokensDelta {
                        result_id: Some(result_id),
                        edits: semantic::delta(&previous_tokens, &tokens),
                    },
                )))
            }
            // An unknown previous result: send everything.
            _ => Ok(Some(lsp::SemanticTokensFullDeltaResult::Tokens(
                lsp::SemanticTokens {
                    result_id: Some(result_id),
                    data: tokens,
                },
            ))),
        }
    }

    async fn semantic_tokens_range(
        &self,
        params: lsp::SemanticTokensRangeParams,
    ) -> Result<Option<lsp::SemanticTokensRangeResult>> {
        let range = params.range;
        let tokens = self
            .with_file(
                "semanticTokens/range",
                &params.text_document.uri,
                move |view, file| {
                    let map = view.line_map(file);
                    let range = map.text_range(range)?;
                    let tokens = ide::semantic_tokens(view.snap, file.id, Some(range));
                    Some(semantic::encode(&tokens, &map))
                },
            )
            .await?;
        Ok(tokens.map(|data| {
            lsp::SemanticTokensRangeResult::Tokens(lsp::SemanticTokens {
                result_id: None,
                data,
            })
        }))
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        let position = params.text_document_position_params;
        self.with_file("hover", &position.text_document.uri, move |view, file| {
            let map = view.line_map(file);
            let offset = map.offset(position.position);
            let hover = ide::hover(
                view.snap,
                ide::FilePosition {
                    file: file.id,
                    offset,
                },
            )?;
            Some(lsp::Hover {
                contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                    kind: lsp::MarkupKind::Markdown,
                    value: hover.markdown,
                }),
                range: Some(map.range(hover.range)),
            })
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> Result<Option<lsp::GotoDefinitionResponse>> {
        let position = params.text_document_position_params;
        self.navigate("definition", position, ide::goto_definition)
            .await
    }

    async fn goto_declaration(
        &self,
        params: lsp::request::GotoDeclarationParams,
    ) -> Result<Option<lsp::request::GotoDeclarationResponse>> {
        let position = params.text_document_position_params;
        self.navigate("declaration", position, ide::goto_declaration)
            .await
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        let position = params.text_document_position;
        let include_declaration = params.context.include_declaration;
        self.with_file(
            "references",
            &position.text_document.uri,
            move |view, file| {
                let offset = view.line_map(file).offset(position.position);
                let found = ide::references(
                    view.snap,
                    ide::FilePosition {
                        file: file.id,
                        offset,
                    },
                    include_declaration,
                );
                Some(
                    found
                        .iter()
                        .filter_map(|r| view.location(r.file, r.range))
                        .collect(),
                )
            },
        )
        .await
    }

    async fn document_highlight(
        &self,
        params: lsp::DocumentHighlightParams,
    ) -> Result<Option<Vec<lsp::DocumentHighlight>>> {
        let position = params.text_document_position_params;
        self.with_file(
            "documentHighlight",
            &position.text_document.uri,
            move |view, file| {
                let map = view.line_map(file);
                let offset = map.offset(position.position);
                let ranges = ide::document_highlight(
                    view.snap,
                    ide::FilePosition {
                        file: file.id,
                        offset,
                    },
                );
                Some(
                    ranges
                        .into_iter()
                        .map(|range| lsp::DocumentHighlight {
                            range: map.range(range),
                            kind: Some(lsp::DocumentHighlightKind::TEXT),
                        })
                        .collect(),
                )
            },
        )
        .await
    }

    async fn symbol(
        &self,
        params: lsp::WorkspaceSymbolParams,
    ) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
        let snapshot = self.state.snapshot();
        self.catching("workspace/symbol", snapshot, move |view| {
            let symbols = ide::workspace_symbols(view.snap, &params.query);
            #[allow(deprecated)]
            let symbols = symbols
                .iter()
                .filter_map(|symbol| {
                    Some(lsp::SymbolInformation {
                        name: symbol.name.clone(),
                        kind: to_proto::symbol_kind(symbol.kind),
                        tags: None,
                        deprecated: None,
                        location: view.location(symbol.location.file, symbol.location.range)?,
                        container_name: symbol.container.clone(),
                    })
                })
                .collect();
            Some(lsp::WorkspaceSymbolResponse::Flat(symbols))
        })
        .await
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> Result<Option<lsp::DocumentSymbolResponse>> {
        self.with_file(
            "documentSymbol",
            &params.text_document.uri,
            move |view, file| {
                let map = view.line_map(file);
                let symbols = ide::document_symbols(view.snap, file.id);
                Some(lsp::DocumentSymbolResponse::Nested(
                    symbols
                        .iter()
                        .map(|symbol| to_proto::document_symbol(&map, symbol))
                        .collect(),
                ))
            },
        )
        .await
    }

    async fn folding_range(
        &self,
        params: lsp::FoldingRangeParams,
    ) -> Result<Option<Vec<lsp::FoldingRange>>> {
        self.with_file(
            "foldingRange",
            &params.text_document.uri,
            move |view, file| {
                let map = view.line_map(file);
                let ranges = ide::folding_ranges(view.snap, file.id);
                Some(
                    ranges
                        .into_iter()
                        .filter_map(|range| {
                            let range = map.range(range);
                            (range.end.line > range.start.line).then_some(lsp::FoldingRange {
                                start_line: range.start.line,
                                start_character: None,
                                end_line: range.end.line,
                                end_character: None,
                                kind: Some(lsp::FoldingRangeKind::Region),
                                collapsed_text: None,
                            })
                        })
                        .collect(),
                )
            },
        )
        .await
    }

    async fn inlay_hint(
        &self,
        params: lsp::InlayHintParams,
    ) -> Result<Option<Vec<lsp::InlayHint>>> {
        let range = params.range;
        let settings = self.state.settings().inlay.clone();
        self.with_file("inlayHint", &params.text_document.uri, move |view, file| {
            let map = view.line_map(file);
            let range = map.text_range(range)?;
            let hints = ide::inlay_hints(view.snap, file.id, range, &settings);
            Some(
                hints
                    .into_iter()
                    .map(|hint| lsp::InlayHint {
                        position: map.position(hint.offset),
                        label: lsp::InlayHintLabel::String(hint.label),
                        kind: match hint.kind {
                            ide::InlayKind::DateValue => Some(lsp::InlayHintKind::TYPE),
                            ide::InlayKind::AcronymExpansion => None,
                        },
                        text_edits: None,
                        tooltip: None,
                        padding_left: Some(true),
                        padding_right: None,
                        data: None,
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn code_lens(&self, params: lsp::CodeLensParams) -> Result<Option<Vec<lsp::CodeLens>>> {
        let uri = params.text_document.uri;
        let lens_uri = uri.clone();
        self.with_file("codeLens", &lens_uri, move |view, file| {
            let map = view.line_map(file);
            let lenses = ide::code_lenses(view.snap, file.id);
            Some(
                lenses
                    .into_iter()
                    .map(|lens| {
                        let range = map.range(lens.range);
                        let locations: Vec<lsp::Location> = lens
                            .targets
                            .iter()
                            .filter_map(|t| view.location(t.file, t.range))
                            .collect();
                        lsp::CodeLens {
                            range,
                            command: Some(lsp::Command {
                                title: lens.title,
                                command: "accord.showReferences".to_owned(),
                                arguments: Some(vec![
                                    serde_json::to_value(&uri).unwrap_or(Value::Null),
                                    serde_json::to_value(range.start).unwrap_or(Value::Null),
                                    serde_json::to_value(locations).unwrap_or(Value::Null),
                                ]),
                            }),
                            data: None,
                        }
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn diagnostic(
        &self,
        params: lsp::DocumentDiagnosticParams,
    ) -> Result<lsp::DocumentDiagnosticReportResult> {
        let state = self.state.clone();
        let items = self
            .with_file(
                "textDocument/diagnostic",
                &params.text_document.uri,
                move |view, file| {
                    Some(
                        file_diagnostics(&state, view.snap, file.id)
                            .iter()
                            .map(|d| view.diagnostic(file, d))
                            .collect::<Vec<_>>(),
                    )
                },
            )
            .await?;
        Ok(lsp::DocumentDiagnosticReportResult::Report(
            lsp::DocumentDiagnosticReport::Full(lsp::RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport {
                    result_id: None,
                    items: items.unwrap_or_default(),
                },
            }),
        ))
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> Result<Option<lsp::CompletionResponse>> {
        let position = params.text_document_position;
        self.with_file(
            "completion",
            &position.text_document.uri,
            move |view, file| {
                let map = view.line_map(file);
                let offset = map.offset(position.position);
                let completions = ide::completions(
                    view.snap,
                    ide::FilePosition {
                        file: file.id,
                        offset,
                    },
                );
                let items = completions
                    .into_iter()
                    .map(|completion| lsp::CompletionItem {
                        label: completion.label,
                        kind: Some(to_proto::completion_kind(completion.kind)),
                        detail: completion.detail,
                        documentation: completion.documentation.map(|doc| {
                            lsp::Documentation::MarkupContent(lsp::MarkupContent {
                                kind: lsp::MarkupKind::Markdown,
                                value: doc,
                            })
                        }),
                        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
                            range: map.range(completion.replace),
                            new_text: completion.insert,
                        })),
                        ..Default::default()
                    })
                    .collect();
                Some(lsp::CompletionResponse::Array(items))
            },
        )
        .await
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> Result<Option<lsp::CodeActionResponse>> {
        let range = params.range;
        let state = self.state.clone();
        self.with_file(
            "codeAction",
            &params.text_document.uri,
            move |view, file| {
                let map = view.line_map(file);
                let range = map.text_range(range)?;
                let mut actions: Vec<lsp::CodeActionOrCommand> = Vec::new();
                let mut titles = std::collections::HashSet::new();
                // Fixes carried by the diagnostics under the cursor or selection.
                for diagnostic in file_diagnostics(&state, view.snap, file.id) {
                    let Some(fix) = &diagnostic.fix else { continue };
                    if !(diagnostic.range.intersects(range)
                        || diagnostic.range.touches(range.start)
                        || range.touches(diagnostic.range.start))
                    {
                        continue;
                    }
                    let Some(uri) = view.uri(&file.path) else {
                        continue;
                    };
                    titles.insert(fix.title.clone());
                    let edit = lsp::WorkspaceEdit {
                        changes: Some(
                            [(uri, view.text_edits(file, &fix.edits))]
                                .into_iter()
                                .collect(),
                        ),
                        ..Default::default()
                    };
                    actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                        title: fix.title.clone(),
                        kind: Some(lsp::CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![view.diagnostic(file, &diagnostic)]),
                        edit: Some(edit),
                        is_preferred: Some(diagnostic.code.fix_keeps_meaning()),
                        ..Default::default()
                    }));
                }
                let assists = ide::code_actions(
                    view.snap,
                    ide::FileRange {
                        file: file.id,
                        range,
                    },
                );
                for assist in assists {
                    if !titles.insert(assist.title.clone()) {
                        continue;
                    }
                    actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                        title: assist.title,
                        kind: Some(match assist.kind {
                            ide::AssistKind::QuickFix => lsp::CodeActionKind::QUICKFIX,
                            ide::AssistKind::Refactor => lsp::CodeActionKind::REFACTOR,
                        }),
                        edit: Some(view.workspace_edit(&assist.change)),
                        ..Default::default()
                    }));
                }
                Some(actions)
            },
        )
        .await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::PrepareRenameResponse>> {
        self.with_file(
            "prepareRename",
            &params.text_document.uri,
            move |view, file| {
                let map = view.line_map(file);
                let offset = map.offset(params.position);
                let range = ide::prepare_rename(
                    view.snap,
                    ide::FilePosition {
                        file: file.id,
                        offset,
                    },
                )?;
                Some(lsp::PrepareRenameResponse::Range(map.range(range)))
            },
        )
        .await
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        let position = params.text_document_position;
        let new_name = params.new_name;
        let result = self
            .with_file("rename", &position.text_document.uri, move |view, file| {
                let offset = view.line_map(file).offset(position.position);
                let change = ide::rename(
                    view.snap,
                    ide::FilePosition {
                        file: file.id,
                        offset,
                    },
                    &new_name,
                );
                Some(change.map(|change| view.workspace_edit(&change)))
            })
            .await?;
        match result {
            None => Ok(None),
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(message)) => Err(invalid_params(message)),
        }
    }

    async fn execute_command(&self, params: lsp::ExecuteCommandParams) -> Result<Option<Value>> {
        match params.command.as_str() {
            SHOW_ENTITY_INDEX => {
                let snapshot = self.state.snapshot();
                self.catching(SHOW_ENTITY_INDEX, snapshot, move |view| {
                    let entities: Vec<Value> = ide::entity_index(view.snap)
                        .into_iter()
                        .map(|entity| {
                            serde_json::json!({
                                "key": entity.key,
                                "type": entity.ty,
                                "name": entity.name,
                                "mentions": entity.mentions,
                                "articles": entity.articles,
                            })
                        })
                        .collect();
                    Some(Value::Array(entities))
                })
                .await
            }
            REINDEX => {
                self.state.reload_analyzer();
                self.spawn_indexing();
                Ok(None)
            }
            other => Err(invalid_params(format!("unknown command: {other}"))),
        }
    }
}

impl Server {
    /// A document's semantic tokens under a new result id, kept for the next delta;
    /// also returns the previous result, if any.
    async fn full_tokens(
        &self,
        feature: &'static str,
        uri: Uri,
    ) -> Result<Option<(TokenResult, Option<TokenResult>)>> {
        let tokens = self
            .with_file(feature, &uri, move |view, file| {
                let tokens = ide::semantic_tokens(view.snap, file.id, None);
                Some(semantic::encode(&tokens, &view.line_map(file)))
            })
            .await?;
        let Some(tokens) = tokens else {
            return Ok(None);
        };
        let result_id = self.state.next_result_id();
        let previous = self
            .state
            .token_results
            .insert(uri, (result_id.clone(), tokens.clone()));
        Ok(Some(((result_id, tokens), previous)))
    }

    async fn navigate(
        &self,
        feature: &'static str,
        position: lsp::TextDocumentPositionParams,
        find: fn(&crate::workspace::WorkspaceSnapshot, ide::FilePosition) -> Vec<ide::NavTarget>,
    ) -> Result<Option<lsp::GotoDefinitionResponse>> {
        let uri = position.text_document.uri.clone();
        self.with_file(feature, &uri, move |view, file| {
            let offset = view.line_map(file).offset(position.position);
            let targets = find(
                view.snap,
                ide::FilePosition {
                    file: file.id,
                    offset,
                },
            );
            let locations: Vec<lsp::Location> = targets
                .iter()
                .filter_map(|target| view.location(target.file, target.focus_range))
                .collect();
            Some(lsp::GotoDefinitionResponse::Array(locations))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::LspService;

    #[tokio::test]
    async fn a_panicking_feature_answers_with_an_internal_error_and_the_next_one_works() {
        let (service, _socket) = LspService::new(Server::new);
        let server = service.inner();
        let uri: Uri = "file:///nowhere/a.article".parse().expect("uri");
        let mut files = Vec::new();
        for _ in 0..2 {
            let snapshot = server.state.snapshot();
            let failed = server
                .catching("test", snapshot, |_| -> Option<()> {
                    panic!("feature bug")
                })
                .await;
            let error = failed.expect_err("a panic is an error");
            assert_eq!(error.code, ErrorCode::InternalError);
            assert!(error.message.contains("feature bug"), "{}", error.message);
            files.push(
                server
                    .with_file("test", &uri, |_, file| Some(file.id))
                    .await,
            );
        }
        assert!(server.state.panicked.load(Ordering::Relaxed));
        // Unknown documents answer emptily, before and after a panic.
        assert!(files.iter().all(|f| matches!(f, Ok(None))));
    }

    #[tokio::test]
    async fn dropping_a_request_stops_its_feature_at_the_next_check() {
        let (service, _socket) = LspService::new(Server::new);
        let server = service.inner();
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (finished_tx, finished_rx) = std::sync::mpsc::channel();
        let snapshot = server.state.snapshot();
        let request = server.catching("test", snapshot, move |_| -> Option<()> {
            let _ = started_tx.send(());
            // Runs until cancelled; a check that never unwinds would loop forever,
            // so the bound only keeps a broken build from hanging the test run.
            for _ in 0..6000 {
                std::thread::sleep(std::time::Duration::from_millis(10));
                crate::cancel::check();
            }
            let _ = finished_tx.send("ran to the end");
            Some(())
        });
        // The request is dropped as tower-lsp drops it on `$/cancelRequest`: after it
        // started, while it waits for its feature.
        let waiting = tokio::time::timeout(std::time::Duration::from_millis(200), request).await;
        assert!(waiting.is_err(), "the feature cannot have finished");
        started_rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the feature started");
        // The feature's thread ends without finishing: its sender goes without a send.
        assert_eq!(
            finished_rx.recv_timeout(std::time::Duration::from_secs(60)),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected)
        );
    }
}
