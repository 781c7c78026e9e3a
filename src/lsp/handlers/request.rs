//! Request handlers: each converts the request with `from_proto`, asks `ide`, and
//! converts the answer with `to_proto`. They run on a snapshot off the protocol's task
//! (see `dispatch`), so they only read.

use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::ls_types::{Position, Range, Uri};

use crate::ide::{self, FilePosition, FileRange};
use crate::workspace::{FileSnapshot, WorkspaceSnapshot};

use super::super::diagnostics;
use super::super::semantic;
use super::super::settings::ClientSettings;
use super::super::state::State;
use super::super::to_proto::{self, View};

fn position(view: &View, file: &FileSnapshot, position: Position) -> FilePosition {
    FilePosition {
        file: file.id,
        offset: view.line_map(file).offset(position),
    }
}

pub fn hover(view: &View, file: &FileSnapshot, at: Position) -> Option<lsp::Hover> {
    let hover = ide::hover(view.snap, position(view, file, at))?;
    Some(to_proto::hover(&view.line_map(file), hover))
}

/// Definition and declaration: a navigation of `ide` at a position.
pub fn navigate(
    view: &View,
    file: &FileSnapshot,
    at: Position,
    find: fn(&WorkspaceSnapshot, FilePosition) -> Vec<ide::NavTarget>,
) -> Option<lsp::GotoDefinitionResponse> {
    let targets = find(view.snap, position(view, file, at));
    Some(to_proto::goto_response(view, &targets))
}

/// Locations per batch of a streamed answer: the first batch reaches the client after
/// converting this many, not all of them.
const LOCATIONS_PER_BATCH: usize = 1_000;

/// Answers with more locations than this are written by the output from bytes
/// serialised here, instead of through the protocol library's JSON tree.
const LOCATIONS_HELD_AT: usize = 2_000;

/// The references at a position, in one answer.
pub fn whole_references(
    view: &View,
    file: &FileSnapshot,
    at: Position,
    include_declaration: bool,
    splices: &crate::lsp::splice::Splices,
) -> Option<Vec<lsp::Location>> {
    let found = ide::references(view.snap, position(view, file, at), include_declaration);
    if found.len() >= LOCATIONS_HELD_AT
        && let Some(uri) = splices.hold(|| to_proto::locations_json(view, &found))
    {
        return Some(vec![lsp::Location {
            uri,
            range: lsp::Range::default(),
        }]);
    }
    Some(to_proto::locations(view, &found))
}

/// The references at a position, sent to `batches` as they are found; the answer is
/// empty.
pub fn streamed_references(
    view: &View,
    file: &FileSnapshot,
    at: Position,
    include_declaration: bool,
    batches: &tokio::sync::mpsc::UnboundedSender<Vec<lsp::Location>>,
) -> Option<Vec<lsp::Location>> {
    let at = position(view, file, at);
    // A batch leaves as soon as it is full, while later files are still gathered.
    let mut batch = Vec::with_capacity(LOCATIONS_PER_BATCH);
    let send = |batch: &mut Vec<ide::FileRange>| {
        let locations = to_proto::locations(view, batch);
        batch.clear();
        if batches.send(locations).is_err() {
            return std::ops::ControlFlow::Break(());
        }
        std::ops::ControlFlow::Continue(())
    };
    let mut stopped = false;
    ide::references_by_file(view.snap, at, include_declaration, &mut |found| {
        for range in found {
            batch.push(*range);
            if batch.len() == LOCATIONS_PER_BATCH && send(&mut batch).is_break() {
                stopped = true;
                return std::ops::ControlFlow::Break(());
            }
        }
        std::ops::ControlFlow::Continue(())
    });
    if !stopped && !batch.is_empty() {
        let _ = send(&mut batch);
    }
    Some(Vec::new())
}

pub fn entity_timeline(
    view: &View,
    file: &FileSnapshot,
    at: Position,
) -> Option<Vec<super::super::ext::TimelineItem>> {
    let entries = ide::entity_timeline(view.snap, position(view, file, at));
    Some(
        entries
            .into_iter()
            .filter_map(|entry| to_proto::timeline_item(view, entry))
            .collect(),
    )
}

pub fn document_highlight(
    view: &View,
    file: &FileSnapshot,
    at: Position,
) -> Option<Vec<lsp::DocumentHighlight>> {
    let map = view.line_map(file);
    let ranges = ide::document_highlight(view.snap, position(view, file, at));
    Some(
        ranges
            .into_iter()
            .map(|range| to_proto::document_highlight(&map, range))
            .collect(),
    )
}

pub fn workspace_symbols(view: &View, query: &str) -> Option<lsp::WorkspaceSymbolResponse> {
    let symbols = ide::workspace_symbols(view.snap, query);
    Some(to_proto::workspace_symbols(view, &symbols))
}

pub fn document_symbols(view: &View, file: &FileSnapshot) -> Option<lsp::DocumentSymbolResponse> {
    let symbols = ide::document_symbols(view.snap, file.id);
    Some(to_proto::document_symbols(&view.line_map(file), &symbols))
}

pub fn folding_ranges(view: &View, file: &FileSnapshot) -> Option<Vec<lsp::FoldingRange>> {
    let map = view.line_map(file);
    let ranges = ide::folding_ranges(view.snap, file.id);
    Some(
        ranges
            .into_iter()
            .filter_map(|range| to_proto::folding_range(&map, range))
            .collect(),
    )
}

pub fn inlay_hints(
    view: &View,
    file: &FileSnapshot,
    range: Range,
    settings: &ClientSettings,
) -> Option<Vec<lsp::InlayHint>> {
    let map = view.line_map(file);
    let range = map.text_range(range)?;
    let hints = ide::inlay_hints(view.snap, file.id, range, &settings.inlay);
    Some(
        hints
            .into_iter()
            .map(|hint| to_proto::inlay_hint(&map, hint))
            .collect(),
    )
}

pub fn code_lenses(
    view: &View,
    settings: &ClientSettings,
    file: &FileSnapshot,
    uri: &Uri,
) -> Option<Vec<lsp::CodeLens>> {
    if !settings.code_lens {
        return Some(Vec::new());
    }
    let map = view.line_map(file);
    let lenses = ide::code_lenses(view.snap, file.id);
    Some(
        lenses
            .into_iter()
            .map(|lens| to_proto::code_lens(&map, uri, lens))
            .collect(),
    )
}

/// A lens's title, from the entity in its `data`; a lens without one gets an empty
/// title rather than an error, so the editor shows nothing odd.
pub fn resolve_code_lens(view: &View, lens: lsp::CodeLens) -> Option<lsp::CodeLens> {
    let data = lens.data.clone().unwrap_or_default();
    let key = data["key"].as_str().unwrap_or_default();
    let name = data["name"].as_str().unwrap_or(key);
    let title = ide::code_lens_title(view.snap, key, name);
    Some(to_proto::resolved_code_lens(lens, title))
}

pub fn diagnostics(
    state: &State,
    view: &View,
    file: &FileSnapshot,
) -> Option<Vec<lsp::Diagnostic>> {
    Some(diagnostics::to_client(state, view, file))
}

pub fn completions(
    view: &View,
    file: &FileSnapshot,
    at: Position,
) -> Option<lsp::CompletionResponse> {
    let completions = ide::completions(view.snap, position(view, file, at));
    Some(to_proto::completions(&view.line_map(file), completions))
}

pub fn code_actions(
    state: &State,
    view: &View,
    file: &FileSnapshot,
    range: Range,
) -> Option<lsp::CodeActionResponse> {
    let range = view.line_map(file).text_range(range)?;
    let shown = diagnostics::file_diagnostics(state, view.snap, file.id);
    let assists = ide::code_actions(
        view.snap,
        FileRange {
            file: file.id,
            range,
        },
        &shown,
        state.roots().first().map(|root| root.as_path()),
    );
    Some(
        assists
            .into_iter()
            .map(|assist| to_proto::code_action(view, file, assist))
            .collect(),
    )
}

pub fn prepare_rename(
    view: &View,
    file: &FileSnapshot,
    at: Position,
) -> Option<lsp::PrepareRenameResponse> {
    let range = ide::prepare_rename(view.snap, position(view, file, at))?;
    Some(to_proto::prepare_rename(&view.line_map(file), range))
}

/// A rename's edit, or the reason it is refused.
pub fn rename(
    view: &View,
    file: &FileSnapshot,
    at: Position,
    new_name: &str,
) -> Option<Result<lsp::WorkspaceEdit, String>> {
    let change = ide::rename(view.snap, position(view, file, at), new_name);
    Some(change.map(|change| view.workspace_edit(&change)))
}

/// A document's semantic tokens, encoded; within `range` when given.
pub fn semantic_tokens(
    view: &View,
    file: &FileSnapshot,
    range: Option<Range>,
) -> Option<Vec<lsp::SemanticToken>> {
    let map = view.line_map(file);
    let range = match range {
        Some(range) => Some(map.text_range(range)?),
        None => None,
    };
    let tokens = ide::semantic_tokens(view.snap, file.id, range);
    Some(semantic::encode(&tokens, &map))
}

pub fn entity_index(view: &View) -> Option<serde_json::Value> {
    Some(to_proto::entity_index(ide::entity_index(view.snap)))
}
