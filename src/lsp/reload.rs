//! Indexing the workspace folders, and reloading the configuration and knowledge base
//! when they change.
//!
//! Both go the same way: a new analyzer is derived from the workspace's own
//! `accord.toml` and knowledge-base files (an open document's unsaved text wins over
//! the disk), installed at once so that edits use it, and the files are analysed again
//! in parallel batches on the blocking pool, without the core lock, which is taken only
//! to install a batch. Requests are answered from the current snapshot meanwhile, and a
//! newer reload stops an older one between batches.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types as lsp;

use crate::analysis::Analyzer;
use crate::diagnostic::DiagnosticCode;
use crate::project::{AnalyzerCache, Overlay};
use crate::workspace::cache::IndexCache;
use crate::workspace::{FileId, FileKind, Keep};

use super::diagnostics::publish_all;
use super::dispatch::catch_panic;
use super::notify::{Progress, Refresh, refresh};
use super::state::{State, normalize, read_text};

/// Files analysed per batch: enough to keep every core busy, few enough that the lock
/// is not held long to install them.
const BATCH_FILES: usize = 64;

/// The analyzer of the workspace: the configuration nearest the first folder and the
/// knowledge base it names, read from the workspace's files (open documents first)
/// and then the disk. `None` while `accord.toml` is not valid TOML and a last good
/// configuration is in force: every tag of a type it declares would otherwise turn
/// `unknown-type` at once. The syntax error shows on `accord.toml` itself.
pub fn load_analyzer(state: &State, keep_last_good: bool) -> Option<Arc<Analyzer>> {
    let Some(root) = state.roots().first() else {
        return Some(Arc::new(Analyzer::with_defaults()));
    };
    let overlay = {
        let core = state.core();
        Overlay {
            texts: core
                .workspace
                .snapshot()
                .files()
                .filter(|file| file.kind != FileKind::Article)
                .map(|file| (file.path.clone(), file.text.clone()))
                .collect(),
        }
    };
    // A configuration the editor created and has not saved yet counts too.
    let unsaved_config = root.join(crate::kb::config::CONFIG_FILE_NAME);
    let config_path = if overlay.texts.contains_key(&unsaved_config) {
        Some(unsaved_config)
    } else {
        crate::project::find_config(root)
    };
    let project = crate::project::load_project(
        config_path.as_deref(),
        &overlay,
        crate::kb::builtin::builtin_entries,
    );
    let broken = config_path.is_some()
        && project.problems.first().is_some_and(|config| {
            config
                .diagnostics
                .iter()
                .any(|d| d.code == DiagnosticCode::ConfigSyntax)
        });
    if broken && keep_last_good {
        tracing::warn!("accord.toml is not valid TOML; the last good configuration stays in force");
        return None;
    }
    Some(Arc::new(Analyzer::for_project(&project)))
}

/// Whether a change to `path` can change the analyzer: it is a configuration or a
/// knowledge-base file under a workspace folder.
pub fn changes_analyzer(state: &State, path: &Path) -> bool {
    FileKind::of_path(path) != FileKind::Article
        && state.roots().iter().any(|root| path.starts_with(root))
}

/// How a reload ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reloaded {
    /// Every file was analysed with the new configuration and knowledge base.
    Done,
    /// `accord.toml` is not valid TOML: the last good configuration stays.
    KeptLastGood,
    /// A newer reload took over.
    Superseded,
}

/// Reloads the configuration and knowledge base and analyses every file again, with
/// progress; then publishes what changed and asks the client to refresh. `generation`
/// comes from `State::begin_reload`, called when the change arrived.
pub async fn reload(client: &Client, state: &Arc<State>, generation: u64) {
    let progress = Progress::begin(client, state, "Reloading configuration").await;
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<(usize, usize)>();
    let worker_state = state.clone();
    let worker = tokio::task::spawn_blocking(move || {
        catch_panic(&worker_state, "reload", || {
            reload_files(&worker_state, generation, &|done, total| {
                let _ = sender.send((done, total));
            })
        })
        .unwrap_or(Reloaded::Superseded)
    });
    while let Some((done, total)) = receiver.recv().await {
        progress.report(done, total, "files").await;
    }
    let outcome = worker.await.unwrap_or(Reloaded::Superseded);
    // Whatever happened, requests stop waiting for this reload.
    state.open_documents_reloaded(generation);
    let message = match outcome {
        Reloaded::Done => "configuration reloaded",
        Reloaded::KeptLastGood => "accord.toml has errors; the last good configuration stays",
        Reloaded::Superseded => "superseded by a newer reload",
    };
    progress.finish(message.to_owned()).await;
    match outcome {
        Reloaded::Done => {
            publish_all(client, state).await;
            refresh(client, state, Refresh::SemanticTokens).await;
            refresh(client, state, Refresh::InlayHints).await;
            if state.core().workspace.lexicon_pending() {
                spawn_lexicon_refresh(client, state);
            }
        }
        // The configuration's own syntax errors are news.
        Reloaded::KeptLastGood => publish_all(client, state).await,
        Reloaded::Superseded => {}
    }
}

/// Installs a new analyzer and analyses every file again, the open documents first, in
/// a batch of their own that requests wait for.
fn reload_files(state: &State, generation: u64, report: &dyn Fn(usize, usize)) -> Reloaded {
    if state.is_superseded(generation) {
        return Reloaded::Superseded;
    }
    let Some(analyzer) = load_analyzer(state, true) else {
        return Reloaded::KeptLastGood;
    };
    let (open, mut files) = {
        let mut core = state.core();
        // A newer reload may have begun, and even installed its analyzer, while this
        // one read the configuration: this older analyzer must not replace it.
        if state.is_superseded(generation) {
            return Reloaded::Superseded;
        }
        core.workspace.begin_bulk_load();
        let files = core.workspace.replace_analyzer(analyzer);
        let (open, closed): (Vec<_>, Vec<_>) = files
            .into_iter()
            .partition(|(_, path, _)| core.is_open(path));
        (open, closed)
    };
    let total = open.len() + files.len();
    let mut done = open.len();
    report(0, total);
    let context = state.core().workspace.context();
    let prepared = context.prepare(open);
    let replaced = state.core().workspace.install_current(prepared);
    state.open_documents_reloaded(generation);
    drop(replaced);
    report(done, total);
    while !files.is_empty() {
        if state.is_superseded(generation) {
            tracing::debug!("a newer reload took over");
            return Reloaded::Superseded;
        }
        let rest = files.split_off(files.len().min(BATCH_FILES));
        let batch = std::mem::replace(&mut files, rest);
        done += batch.len();
        let context = state.core().workspace.context();
        let prepared = context.prepare(batch);
        let started = std::time::Instant::now();
        let replaced = state.core().workspace.install_current(prepared);
        tracing::debug!("reload: installed a batch in {:?}", started.elapsed());
        // Freed without the lock.
        drop(replaced);
        report(done, total);
    }
    let started = std::time::Instant::now();
    end_bulk_load(state);
    tracing::debug!("reload: refreshed the lexicon in {:?}", started.elapsed());
    pack_summaries(state);
    Reloaded::Done
}

/// Indexes the workspace folders in the background, with progress when the client
/// shows it; then publishes diagnostics and asks for fresh semantic tokens, since other
/// files' tags teach the recognisers. Open documents keep their editor text.
pub async fn index_workspace(client: &Client, state: &Arc<State>) {
    if state.roots().is_empty() {
        return;
    }
    let progress = Progress::begin(client, state, "Indexing articles").await;
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<(usize, usize)>();
    let worker_state = state.clone();
    let worker = tokio::task::spawn_blocking(move || {
        catch_panic(&worker_state, "indexing", || {
            index_files(&worker_state, &|done, total| {
                let _ = sender.send((done, total));
            })
        })
        .unwrap_or_default()
    });
    while let Some((done, total)) = receiver.recv().await {
        progress.report(done, total, "files").await;
    }
    let indexed = worker.await.unwrap_or_default();
    let count = indexed.files;
    let entities = state.core().workspace.entity_count();
    tracing::info!("indexed {count} files, {entities} entities");
    report_walk_problems(client, &indexed.problems).await;
    progress
        .finish(format!("{count} files, {entities} entities"))
        .await;
    // The workspace is ready: packing its summaries and saving the index cache need
    // not hold up the end of progress.
    let after_state = state.clone();
    let packing = tokio::task::spawn_blocking(move || {
        catch_panic(&after_state, "saving the index", || {
            if let Some(fingerprint) = indexed.save {
                save_index(&after_state, fingerprint);
            }
            pack_summaries(&after_state);
        })
    });
    publish_all(client, state).await;
    refresh(client, state, Refresh::SemanticTokens).await;
    // Edits made while the refresh ran left it something to bring to other files.
    if state.core().workspace.lexicon_pending() {
        spawn_lexicon_refresh(client, state);
    }
    // Publishing frees what it built on the protocol's threads, which then idle: their
    // freed pages go back once both are done.
    let _ = packing.await;
    tokio::task::spawn_blocking(crate::lsp::release_memory);
}

/// What indexing read, and what it left out and why.
#[derive(Default)]
struct Indexed {
    files: usize,
    /// The analyzer's fingerprint when the index cache is to be saved.
    save: Option<u64>,
    problems: Vec<crate::files::WalkError>,
}

/// Reads every file of the roots into the workspace, and analyses the files already in
/// it (open documents) again with the configuration as it is now.
fn index_files(state: &State, report: &dyn Fn(usize, usize)) -> Indexed {
    let roots = state.roots();
    // Indexing stops reloads in progress; requests do not wait for it.
    let generation = state.begin_reload();
    state.open_documents_reloaded(generation);
    let analyzer =
        load_analyzer(state, true).unwrap_or_else(|| state.core().workspace.analyzer().clone());
    let fingerprint = crate::workspace::cache::analyzer_fingerprint(&analyzer);
    let index_cache = read_index_cache(state, fingerprint);
    let already = {
        let mut core = state.core();
        core.workspace.begin_bulk_load();
        if let Some(index_cache) = &index_cache {
            core.workspace.adopt_cached_lexicon(index_cache);
        }
        core.workspace.replace_analyzer(analyzer.clone())
    };
    let cache = AnalyzerCache::default();
    let accepts = |path: &Path| {
        // A configuration or knowledge base of a folder the workspace excludes is not
        // the workspace's business, as the folder's articles are not.
        let excluded = || {
            roots
                .iter()
                .filter(|root| path.starts_with(root))
                .any(|root| cache.excluded_in_walk(root, path))
        };
        state.is_article(path, &cache)
            || (FileKind::of_path(path) != FileKind::Article && !excluded())
    };
    let kb_files: HashSet<PathBuf> = analyzer
        .kb
        .entries()
        .filter_map(|entry| entry.source.as_ref().map(|s| normalize(s.path.clone())))
        .collect();
    let is_kb = |path: &Path| kb_files.contains(&normalize(path.to_path_buf()));
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
    let listed: Vec<PathBuf> = sources
        .iter()
        .map(|source| normalize(source.path.clone()))
        .collect();
    let listed_set: HashSet<&PathBuf> = listed.iter().collect();
    let total = listed.len();
    report(0, total);
    // Files that left the workspace (a glob changed) go, unless open in the editor.
    {
        let mut core = state.core();
        let gone: Vec<PathBuf> = already
            .iter()
            .map(|(_, path, _)| path)
            .filter(|path| {
                FileKind::of_path(path) == FileKind::Article
                    && !listed_set.contains(path)
                    && !core.is_open(path)
            })
            .cloned()
            .collect();
        for path in gone {
            core.workspace.remove_file(&path);
        }
    }
    // The lexicon is rebuilt once at the end, so each article is recognised again at
    // most once for what the others teach; with no cache, what they teach is learned
    // first, and the end finds nothing left to do.
    let indexing = std::time::Instant::now();
    let read = |batch: &[PathBuf]| -> Vec<(FileId, PathBuf, Arc<str>)> {
        let ids = state
            .core()
            .workspace
            .intern_paths(batch.iter().map(PathBuf::as_path));
        batch
            .par_iter()
            .zip(ids)
            .filter_map(|(path, id)| {
                let text = read_text(path, &analyzer)?;
                Some((id, path.clone(), Arc::from(text)))
            })
            .collect()
    };
    let mut done = 0;
    let mut restored = 0;
    if index_cache.is_none() {
        // Nothing to restore: every file is read first and what they teach is learned,
        // so that each article is recognised once, with all of it.
        let batches: Vec<Vec<(FileId, PathBuf, Arc<str>)>> =
            listed.chunks(BATCH_FILES).map(read).collect();
        let context = state.core().workspace.context();
        // Open documents teach what their editor text teaches, as analysed already.
        let closed: Vec<_> = {
            let core = state.core();
            batches
                .iter()
                .flatten()
                .filter(|(_, path, _)| !core.is_open(path))
                .cloned()
                .collect()
        };
        let taught = context.taught_forms(&closed);
        drop(closed);
        state.core().workspace.adopt_taught_lexicon(taught);
        tracing::debug!(
            "indexing: files read and their teaching learned in {:?}",
            indexing.elapsed()
        );
        for (batch, listed) in batches.into_iter().zip(listed.chunks(BATCH_FILES)) {
            install_read_files(state, batch, None);
            done += listed.len();
            report(done, total);
        }
    } else {
        for batch in listed.chunks(BATCH_FILES) {
            restored += install_read_files(state, read(batch), index_cache.as_ref());
            done += batch.len();
            report(done, total);
        }
    }
    // What was in the workspace before and was not read again (open documents, files
    // opened from outside the folders) is analysed with the new analyzer.
    let others: Vec<(FileId, PathBuf, Arc<str>)> = already
        .into_iter()
        .filter(|(_, path, _)| !listed_set.contains(path) || state.core().is_open(path))
        .collect();
    for batch in others.chunks(BATCH_FILES) {
        let context = state.core().workspace.context();
        let prepared = context.prepare(batch.to_vec());
        let replaced = state.core().workspace.install_current(prepared);
        drop(replaced);
    }
    tracing::debug!(
        "indexing: files read and analysed in {:?}",
        indexing.elapsed()
    );
    let started = std::time::Instant::now();
    let recognitions = state.core().workspace.recognition_count();
    end_bulk_load(state);
    drop(index_cache);
    tracing::debug!(
        "indexing: lexicon refreshed in {:?}, {} articles recognised again",
        started.elapsed(),
        state.core().workspace.recognition_count() - recognitions
    );
    if restored > 0 {
        tracing::info!("restored {restored} of {total} files from the index cache");
    }
    let save = if restored < total {
        Some(fingerprint)
    } else {
        let revision = state.core().workspace.revision();
        state.index_saved_at(revision);
        None
    };
    Indexed {
        files: total,
        save,
        problems,
    }
}

/// Ends a bulk load: its lexicon refresh runs without the lock, so that edits and
/// requests go on meanwhile; files edited during it keep their own state, and the
/// lexicon stays pending for the next refresh.
fn end_bulk_load(state: &State) {
    let (work, replaced) = state.core().workspace.end_bulk_load();
    drop(replaced);
    if let Some(work) = work {
        let refreshed = work.run();
        let (_, replaced) = state.core().workspace.finish_lexicon_refresh(refreshed);
        drop(replaced);
    }
}

/// Packs the closed files' summaries into pages of their own after a bulk load (see
/// `Workspace::closed_summaries`), then returns the freed pages to the system. A part
/// of the files at a time, each part's old pages returned before the next is copied:
/// copied all at once, old and new summaries were resident together, and that was the
/// server's peak.
fn pack_summaries(state: &State) {
    let started = std::time::Instant::now();
    let summaries = state.core().workspace.closed_summaries();
    let mut names = crate::workspace::SharedNames::default();
    for part in summaries.into_parts(PACK_FILES) {
        // A thread of its own has a heap of its own, holding nothing else.
        let copied = std::thread::spawn(move || {
            let copies = part.copy(&mut names);
            (copies, names)
        })
        .join();
        let Ok((copies, shared)) = copied else {
            tracing::warn!("packing the summaries failed; the rest stay where they are");
            break;
        };
        names = shared;
        let replaced = state.core().workspace.install_copies(copies);
        drop(replaced);
        crate::lsp::release_memory();
    }
    tracing::debug!("summaries packed in {:?}", started.elapsed());
}

/// How many files' summaries are packed at a time.
const PACK_FILES: usize = 16;

/// Installs files read from disk, except open documents, whose editor text wins. A
/// batch analysed while a reload replaced the analyzer is analysed again.
fn install_read_files(
    state: &State,
    files: Vec<(FileId, PathBuf, Arc<str>)>,
    index_cache: Option<&IndexCache>,
) -> usize {
    loop {
        let context = state.core().workspace.context();
        let (prepared, restored) = context.prepare_with_cache(
            files.clone(),
            index_cache,
            // Closed files keep only their summaries, which the release below would
            // leave them anyway; open documents are not installed from disk.
            Keep::Summary,
        );
        let mut core = state.core();
        if !Arc::ptr_eq(core.workspace.analyzer(), context.analyzer()) {
            continue;
        }
        let prepared = prepared
            .into_iter()
            .filter(|file| {
                let path = core.workspace.path(file.id()).map(Path::to_path_buf);
                !path.is_some_and(|path| core.is_open(&path))
            })
            .collect();
        let replaced = core.workspace.install_files(prepared, false);
        let released = core.workspace.release_closed_analyses();
        drop(core);
        // Freed without the lock.
        drop((replaced, released));
        return restored;
    }
}

/// The index cache of the first workspace folder, if the settings keep one and it is
/// there, whole, and made by this version with this configuration. Anything else is
/// logged and the workspace is indexed from its texts (and the cache written anew).
fn read_index_cache(state: &State, fingerprint: u64) -> Option<IndexCache> {
    let path = index_cache_path(state)?;
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
        Err(error) => {
            tracing::warn!(
                "index cache {}: {error}; indexing from the files",
                path.display()
            );
            return None;
        }
    };
    match crate::workspace::cache::decode(&bytes, fingerprint) {
        Ok(cache) => {
            tracing::info!("index cache {}: {} files", path.display(), cache.len());
            Some(cache)
        }
        Err(error) => {
            tracing::warn!(
                "index cache {} discarded: {error}; indexing from the files",
                path.display()
            );
            None
        }
    }
}

fn index_cache_path(state: &State) -> Option<PathBuf> {
    let root = state.roots().first()?.clone();
    state.settings().cache.file_for(&root)
}

/// Saves the summaries of the workspace's files as its index cache, when the lexicon is
/// settled: written to a temporary file and renamed, so a second server on the same
/// folder, or one stopped halfway, never leaves half a file.
pub fn save_index(state: &State, fingerprint: u64) {
    let Some(path) = index_cache_path(state) else {
        return;
    };
    let Some(source) = state.core().workspace.cache_source() else {
        tracing::debug!("index cache not saved: the lexicon is being refreshed");
        return;
    };
    let started = std::time::Instant::now();
    let bytes = source.encode(fingerprint);
    match crate::files::replace_atomically(&path, &bytes) {
        Ok(()) => {
            state.index_saved_at(source.revision());
            tracing::info!(
                "index cache {}: saved {} files ({} bytes) in {:?}",
                path.display(),
                source.len(),
                bytes.len(),
                started.elapsed()
            )
        }
        Err(error) => tracing::warn!("index cache not saved: {error}"),
    }
}

/// Saves the index cache as the server stops, if the workspace changed since it was
/// last saved or restored.
pub fn save_index_on_exit(state: &State) {
    let (analyzer, revision) = {
        let core = state.core();
        (core.workspace.analyzer().clone(), core.workspace.revision())
    };
    if state.index_saved_revision() == Some(revision) {
        return;
    }
    save_index(
        state,
        crate::workspace::cache::analyzer_fingerprint(&analyzer),
    );
}

/// Tells the user what indexing left out: every problem goes to the log, and the ones
/// that mean files the user may expect are missing (a limit, a link leading out of
/// the workspace) to a message, the first few by name.
async fn report_walk_problems(client: &Client, problems: &[crate::files::WalkError]) {
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

/// How long a lexicon refresh waits after the edit that asked for it: typing goes on,
/// and each keystroke would otherwise recognise other files again.
const LEXICON_DELAY: std::time::Duration = std::time::Duration::from_millis(200);

/// Brings what an edit changed in the lexicon (an acronym defined, a name tagged) to
/// the other files, after [`LEXICON_DELAY`] without a newer edit: the work is taken out
/// under the lock, done on the blocking pool, and installed under the lock again for
/// the files that did not change meanwhile. Their diagnostics, tokens and hints are
/// then published or refreshed. A refresh that left files behind starts another.
pub fn spawn_lexicon_refresh(client: &Client, state: &Arc<State>) {
    let generation = state.bump_lexicon_generation();
    let state = state.clone();
    let client = client.clone();
    tokio::spawn(async move {
        tokio::time::sleep(LEXICON_DELAY).await;
        if state.lexicon_generation() != generation {
            return;
        }
        let Some(work) = state.core().workspace.begin_lexicon_refresh() else {
            return;
        };
        let worker_state = state.clone();
        let refreshed = tokio::task::spawn_blocking(move || {
            catch_panic(&worker_state, "lexicon refresh", || work.run()).ok()
        })
        .await
        .ok()
        .flatten();
        let Some(refreshed) = refreshed else {
            return;
        };
        let (changed, pending, replaced) = {
            let mut core = state.core();
            let (changed, replaced) = core.workspace.finish_lexicon_refresh(refreshed);
            (changed, core.workspace.lexicon_pending(), replaced)
        };
        drop(replaced);
        // It waits for the pool's threads, so never on the protocol's.
        tokio::task::spawn_blocking(crate::lsp::release_memory);
        tracing::debug!(
            "lexicon refreshed: {} files recognised again",
            changed.len()
        );
        if !changed.is_empty() {
            super::diagnostics::publish_files(&client, &state, Some(changed.into_iter().collect()))
                .await;
            refresh(&client, &state, Refresh::SemanticTokens).await;
            refresh(&client, &state, Refresh::InlayHints).await;
        }
        if pending {
            spawn_lexicon_refresh(&client, &state);
        }
    });
}
