//! Diagnostics publication. A client that pulls (`textDocument/diagnostic`) asks for
//! its open documents' diagnostics itself, and is told to ask again
//! (`workspace/diagnostic/refresh`) when other files change them; the server pushes
//! only files that are not open. A client that does not pull gets everything pushed.
//! Pushing an open document's diagnostics to a client that pulls would show each
//! problem twice: VS Code keeps the two collections apart.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::ls_types::Uri;

use crate::diagnostic::Diagnostic;
use crate::ide;
use crate::workspace::{FileId, FileSnapshot, WorkspaceSnapshot};

use super::dispatch::catch_panic;
use super::notify::{Refresh, refresh};
use super::state::State;
use super::to_proto::View;

/// A file's diagnostics with the client's severities applied.
pub fn file_diagnostics(state: &State, snap: &WorkspaceSnapshot, file: FileId) -> Vec<Diagnostic> {
    state
        .settings()
        .apply_severities(ide::diagnostics(snap, file))
}

/// A file's diagnostics as the client shows them.
pub fn to_client(state: &State, view: &View, file: &FileSnapshot) -> Vec<lsp::Diagnostic> {
    file_diagnostics(state, view.snap, file.id)
        .iter()
        .map(|d| view.diagnostic(file, d))
        .collect()
}

/// Publishes a document's diagnostics after a change, unless another change came in
/// meanwhile. The change is already analysed (only the articles it touched), so there
/// is no reason to wait: changes queued behind this one get their turn first, and only
/// the last of a burst publishes.
pub fn schedule(client: &Client, state: &Arc<State>, uri: Uri) {
    let generation = state.bump_generation(&uri);
    if state.support().pull_diagnostics {
        return;
    }
    let state = state.clone();
    let client = client.clone();
    tokio::spawn(async move {
        tokio::task::yield_now().await;
        if state.generation(&uri) != generation {
            return;
        }
        publish(&client, &state, &uri).await;
    });
}

/// Pushes a document's diagnostics computed at workspace `revision`, unless diagnostics
/// of a later revision were pushed already.
async fn push(
    client: &Client,
    state: &State,
    uri: Uri,
    diagnostics: Vec<lsp::Diagnostic>,
    version: Option<i32>,
    revision: u64,
) {
    let mut published = state.published_revisions.lock().await;
    if published.get(&uri).is_some_and(|&last| last > revision) {
        return;
    }
    published.insert(uri.clone(), revision);
    client.publish_diagnostics(uri, diagnostics, version).await;
}

/// Pushes the diagnostics of one document.
pub async fn publish(client: &Client, state: &State, uri: &Uri) {
    let (version, diagnostics, revision) = {
        let snapshot = state.snapshot();
        let version = state.core().documents.get(uri).map(|doc| doc.version);
        let Some(file) = snapshot.file(uri) else {
            return;
        };
        let view = View::of(&snapshot);
        match catch_panic(state, "diagnostics", || to_client(state, &view, &file)) {
            Ok(diagnostics) => (version, diagnostics, snapshot.revision),
            Err(_) => return,
        }
    };
    push(client, state, uri.clone(), diagnostics, version, revision).await;
}

/// Pushes the diagnostics of every file that has some and clears those of open
/// documents that have none; open documents are left to pulls when the client pulls.
/// Then asks a pulling client to pull again: what other files teach can change an open
/// document's diagnostics too.
pub async fn publish_all(client: &Client, state: &Arc<State>) {
    publish_files(client, state, None).await;
}

/// Like [`publish_all`], for the files of `only` when given: those a lexicon refresh
/// recognised again.
pub async fn publish_files(
    client: &Client,
    state: &Arc<State>,
    only: Option<std::collections::HashSet<crate::workspace::FileId>>,
) {
    let worker_state = state.clone();
    // Diagnostics of a whole workspace take a while: computed on the blocking pool, in
    // parallel, from a snapshot, so requests and edits are served meanwhile.
    let work = tokio::task::spawn_blocking(move || {
        let state = &*worker_state;
        let pull = state.support().pull_diagnostics;
        let snapshot = state.snapshot();
        let revision = snapshot.revision;
        let versions: HashMap<Uri, i32> = state
            .core()
            .documents
            .iter()
            .map(|(uri, doc)| (uri.clone(), doc.version))
            .collect();
        let view = View::of(&snapshot);
        let files: Vec<&Arc<FileSnapshot>> = snapshot
            .snap
            .files()
            .filter(|file| only.as_ref().is_none_or(|only| only.contains(&file.id)))
            .collect();
        catch_panic(state, "diagnostics", || {
            files
                .par_iter()
                .filter_map(|file| {
                    let is_open = view.open.uris.contains_key(&file.path);
                    if is_open && pull {
                        return None;
                    }
                    let diagnostics = to_client(state, &view, file);
                    if diagnostics.is_empty() && !is_open {
                        return None;
                    }
                    let uri = view.uri(&file.path)?;
                    let version = versions.get(&uri).copied();
                    Some((uri, diagnostics, version))
                })
                .collect::<Vec<(Uri, Vec<lsp::Diagnostic>, Option<i32>)>>()
        })
        .map(|batches| (revision, batches))
        .unwrap_or_default()
    });
    let (revision, batches) = work.await.unwrap_or_default();
    for (uri, diagnostics, version) in batches {
        push(client, state, uri, diagnostics, version, revision).await;
    }
    refresh(client, state, Refresh::Diagnostics).await;
}
