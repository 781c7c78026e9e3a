//! Notification handlers: document sync, saves, settings and watched files.
//!
//! Handlers run concurrently, so each applies its change in its synchronous part,
//! before the first `.await`: changes take effect in the order they arrived.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde_json::Value;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types as lsp;

use crate::workspace::FileKind;

use super::super::diagnostics::{publish, publish_all, schedule};
use super::super::from_proto;
use super::super::notify::{Refresh, refresh, trace};
use super::super::reload::{changes_analyzer, index_workspace, reload};
use super::super::state::{State, normalize, read_text};
use super::super::to_proto;

pub async fn did_open(client: &Client, state: &Arc<State>, params: lsp::DidOpenTextDocumentParams) {
    let document = params.text_document;
    let Some(path) = from_proto::file_path(&document.uri) else {
        tracing::warn!("not a file URI: {}", document.uri.as_str());
        return;
    };
    let path = normalize(path);
    // Opening a configuration or knowledge base changes nothing until its text
    // differs from what the workspace read.
    let reloads = changes_analyzer(state, &path)
        && state
            .snapshot()
            .snap
            .file_by_path(&path)
            .is_none_or(|file| *file.text != *document.text);
    state.open(document.uri.clone(), path, document.version, document.text);
    if state.support().pull_diagnostics {
        // What was pushed while the file was closed gives way to what the client
        // pulls now that it is open.
        client
            .publish_diagnostics(document.uri.clone(), Vec::new(), None)
            .await;
    }
    schedule(client, state, document.uri.clone());
    spawn_lexicon_refresh_if_pending(client, state);
    trace(client, state, format!("opened {}", document.uri.as_str())).await;
    if reloads {
        spawn_reload(client, state);
    }
}

pub async fn did_change(
    client: &Client,
    state: &Arc<State>,
    params: lsp::DidChangeTextDocumentParams,
) {
    let uri = params.text_document.uri;
    match state.change(&uri, params.text_document.version, params.content_changes) {
        Ok(problems) => {
            for problem in problems {
                tracing::warn!("{}: {problem}", uri.as_str());
            }
            // The configuration and knowledge base are the editor's text too: what is
            // typed into them applies before it is saved.
            let (reloads, lexicon_pending) = {
                let core = state.core();
                let reloads = core
                    .documents
                    .get(&uri)
                    .is_some_and(|doc| changes_analyzer(state, &doc.path));
                (reloads, core.workspace.lexicon_pending())
            };
            schedule(client, state, uri);
            if lexicon_pending {
                crate::lsp::reload::spawn_lexicon_refresh(client, state);
            }
            if reloads {
                spawn_reload(client, state);
            }
        }
        Err(reason) => tracing::warn!("{reason}"),
    }
}

pub async fn did_close(
    client: &Client,
    state: &Arc<State>,
    params: lsp::DidCloseTextDocumentParams,
) {
    let uri = params.text_document.uri;
    state.bump_generation(&uri);
    let text_of = |path: &std::path::Path| {
        let snapshot = state.snapshot();
        snapshot
            .snap
            .file_by_path(path)
            .map(|file| file.text.clone())
    };
    // The path first: the core's lock is released before `text_of` takes it again.
    let open_path = state.core().documents.get(&uri).map(|doc| doc.path.clone());
    let editor_text = open_path.and_then(|path| text_of(&path));
    let Some(path) = state.close(&uri) else {
        return;
    };
    spawn_lexicon_refresh_if_pending(client, state);
    let disk_text = text_of(&path);
    let still_indexed = disk_text.is_some();
    // A closed document is no longer pulled: its file's diagnostics are pushed, as
    // for every other file of the workspace.
    if still_indexed {
        publish(client, state, &uri).await;
    } else {
        client.publish_diagnostics(uri, Vec::new(), None).await;
    }
    // Unsaved text of a configuration or knowledge base is dropped with it.
    if changes_analyzer(state, &path) && editor_text != disk_text {
        spawn_reload(client, state);
    }
}

/// What a file's new text teaches reaches the other files in a refresh run off the
/// lock a moment later (see [`crate::lsp::reload::spawn_lexicon_refresh`]).
fn spawn_lexicon_refresh_if_pending(client: &Client, state: &Arc<State>) {
    if state.core().workspace.lexicon_pending() {
        crate::lsp::reload::spawn_lexicon_refresh(client, state);
    }
}

pub async fn did_change_configuration(
    client: &Client,
    state: &Arc<State>,
    params: lsp::DidChangeConfigurationParams,
) {
    let files_changed = apply_settings(state, &params.settings);
    tracing::info!("settings changed");
    if files_changed {
        if state.support().watch_files {
            register_watchers(client, state).await;
        }
        spawn_indexing(client, state);
    } else {
        publish_all(client, state).await;
    }
    refresh(client, state, Refresh::InlayHints).await;
    refresh(client, state, Refresh::CodeLenses).await;
}

pub async fn did_change_watched_files(
    client: &Client,
    state: &Arc<State>,
    params: lsp::DidChangeWatchedFilesParams,
) {
    let mut reloads = false;
    let roots: Vec<PathBuf> = state
        .roots()
        .iter()
        .map(|root| normalize(root.clone()))
        .collect();
    {
        let mut core = state.core();
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
            // The editor's text wins over the disk.
            if core.is_open(&path) {
                continue;
            }
            reloads |= FileKind::of_path(&path) != FileKind::Article;
            if change.typ == lsp::FileChangeType::DELETED {
                core.workspace.remove_file(&path);
            } else if let Some(text) = read_text(&path, core.workspace.analyzer()) {
                core.workspace.set_file_text(&path, Arc::from(text));
            }
        }
    }
    spawn_lexicon_refresh_if_pending(client, state);
    if reloads {
        // Saved elsewhere, not typed here: requests need not wait for the reload.
        let generation = state.begin_reload();
        state.open_documents_reloaded(generation);
        let (client, state) = (client.clone(), state.clone());
        tokio::spawn(async move { reload(&client, &state, generation).await });
    } else {
        publish_all(client, state).await;
    }
}

/// Takes the client's settings; returns whether the set of article files changed.
pub fn apply_settings(state: &State, value: &Value) -> bool {
    let (settings, problems) = super::super::settings::ClientSettings::from_json(value);
    for problem in problems {
        tracing::warn!("settings: {problem}");
    }
    let before = state.settings();
    let files_changed = before.include != settings.include || before.exclude != settings.exclude;
    state.set_settings(settings);
    files_changed
}

/// Registers the file watcher for articles, configurations and knowledge-base files,
/// and the client's own article globs.
pub async fn register_watchers(client: &Client, state: &State) {
    let extra = state.settings().include.clone();
    let globs = ["**/*.article", "**/accord.toml", "**/*.toml"]
        .into_iter()
        .map(str::to_owned)
        .chain(extra);
    let registration = to_proto::watcher_registration("accord-watched-files", globs);
    // Settings may change the globs: the previous registration goes first.
    if state.watchers_registered.swap(true, Ordering::Relaxed) {
        let unregistration = to_proto::watcher_unregistration(&registration);
        let _ = client.unregister_capability(vec![unregistration]).await;
    }
    if let Err(error) = client.register_capability(vec![registration]).await {
        tracing::warn!("could not register the file watcher: {error}");
    }
}

/// Indexes the workspace folders in the background.
pub fn spawn_indexing(client: &Client, state: &Arc<State>) {
    let state = state.clone();
    let client = client.clone();
    tokio::spawn(async move { index_workspace(&client, &state).await });
}

/// Reloads the configuration and knowledge base in the background. The reload's
/// generation is taken now, in the change's handler, so that the next request waits for
/// the open documents to be analysed with what was just typed.
pub fn spawn_reload(client: &Client, state: &Arc<State>) {
    let generation = state.begin_reload();
    let state = state.clone();
    let client = client.clone();
    tokio::spawn(async move { reload(&client, &state, generation).await });
}
