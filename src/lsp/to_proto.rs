//! Conversions from the core's byte offsets, file ids and editor features to protocol
//! values, in the position encoding negotiated with the client.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::ls_types::{Position, Range, Uri};

use crate::diagnostic::{Diagnostic, Severity, TextEdit};
use crate::ide;
use crate::text::{LineCol, TextRange};
use crate::workspace::{FileId, FileSnapshot, WorkspaceSnapshot};

use super::from_proto::{LineMap, PositionEncoding};
use super::state::{OpenDocuments, Snapshot};

impl LineMap<'_> {
    /// The protocol position of a byte offset (clamped to the text).
    pub fn position(&self, offset: usize) -> Position {
        let line_col = self.line_index.line_col(offset);
        let col = match self.encoding {
            PositionEncoding::Utf8 => line_col.col,
            PositionEncoding::Wide(encoding) => {
                self.line_index
                    .to_wide(encoding, LineCol { ..line_col })
                    .col
            }
        };
        Position::new(
            line_col.line,
            col.saturating_sub(self.bom_width(line_col.line)),
        )
    }

    pub fn range(&self, range: TextRange) -> Range {
        Range::new(self.position(range.start), self.position(range.end))
    }
}

/// What converting results needs besides the values: the snapshot they came from, the
/// encoding, and the URIs under which the editor opened documents.
pub struct View<'a> {
    pub snap: &'a WorkspaceSnapshot,
    pub encoding: PositionEncoding,
    pub open: &'a OpenDocuments,
}

impl<'a> View<'a> {
    pub fn of(snapshot: &'a Snapshot) -> View<'a> {
        View {
            snap: &snapshot.snap,
            encoding: snapshot.encoding,
            open: &snapshot.open,
        }
    }

    pub fn line_map<'b>(&'b self, file: &'b FileSnapshot) -> LineMap<'b> {
        LineMap {
            text: &file.text,
            line_index: &file.line_index,
            encoding: self.encoding,
            // Text the editor sent is its own; text read from disk loses its mark in
            // the editor's buffer.
            hides_bom: !self.open.uris.contains_key(&file.path),
        }
    }

    /// The editor's URI of a path: the one it opened the document under, if any.
    pub fn uri(&self, path: &Path) -> Option<Uri> {
        self.open
            .uris
            .get(path)
            .cloned()
            .or_else(|| Uri::from_file_path(path))
    }

    pub fn location(&self, file: FileId, range: TextRange) -> Option<lsp::Location> {
        // Answers can list a location per mention in the workspace; converting them is
        // long work too, and stops when the request is cancelled.
        crate::cancel::check();
        let file = self.snap.file(file)?;
        Some(lsp::Location {
            uri: self.uri(&file.path)?,
            range: self.line_map(file).range(range),
        })
    }

    pub fn diagnostic(&self, file: &FileSnapshot, diagnostic: &Diagnostic) -> lsp::Diagnostic {
        let map = self.line_map(file);
        let related: Vec<lsp::DiagnosticRelatedInformation> = diagnostic
            .related
            .iter()
            .filter_map(|related| {
                let location = match &related.path {
                    None => lsp::Location {
                        uri: self.uri(&file.path)?,
                        range: map.range(related.range),
                    },
                    Some(path) => {
                        let other = self.snap.file_by_path(path)?;
                        lsp::Location {
                            uri: self.uri(path)?,
                            range: self.line_map(other).range(related.range),
                        }
                    }
                };
                Some(lsp::DiagnosticRelatedInformation {
                    location,
                    message: related.message.clone(),
                })
            })
            .collect();
        lsp::Diagnostic {
            range: map.range(diagnostic.range),
            severity: Some(severity(diagnostic.severity)),
            code: Some(lsp::NumberOrString::String(
                diagnostic.code.as_str().to_owned(),
            )),
            code_description: None,
            source: Some("accord".to_owned()),
            message: diagnostic.message.clone(),
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        }
    }

    pub fn text_edits(&self, file: &FileSnapshot, edits: &[TextEdit]) -> Vec<lsp::TextEdit> {
        let map = self.line_map(file);
        edits
            .iter()
            .map(|edit| lsp::TextEdit {
                range: map.range(edit.range),
                new_text: edit.text.clone(),
            })
            .collect()
    }

    /// A workspace edit for a change; new files are created first and then filled.
    pub fn workspace_edit(&self, change: &ide::SourceChange) -> lsp::WorkspaceEdit {
        let mut changes: HashMap<Uri, Vec<lsp::TextEdit>> = HashMap::new();
        for (file_id, edits) in &change.edits {
            let Some(file) = self.snap.file(*file_id) else {
                continue;
            };
            let Some(uri) = self.uri(&file.path) else {
                continue;
            };
            changes
                .entry(uri)
                .or_default()
                .extend(self.text_edits(file, edits));
        }
        if change.new_files.is_empty() {
            return lsp::WorkspaceEdit {
                changes: Some(changes),
                ..Default::default()
            };
        }
        let mut operations = Vec::new();
        for (path, text) in &change.new_files {
            let Some(uri) = self.uri(path).or_else(|| absolute_uri(path)) else {
                continue;
            };
            operations.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(
                lsp::CreateFile {
                    uri: uri.clone(),
                    options: Some(lsp::CreateFileOptions {
                        overwrite: Some(false),
                        ignore_if_exists: Some(true),
                    }),
                    annotation_id: None,
                },
            )));
            operations.push(text_document_edit(
                uri,
                vec![lsp::TextEdit {
                    range: Range::default(),
                    new_text: text.clone(),
                }],
            ));
        }
        for (uri, edits) in changes {
            operations.push(text_document_edit(uri, edits));
        }
        lsp::WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Operations(operations)),
            ..Default::default()
        }
    }
}

fn text_document_edit(uri: Uri, edits: Vec<lsp::TextEdit>) -> lsp::DocumentChangeOperation {
    lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
        text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri, version: None },
        edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
    })
}

/// The URI of a file that does not exist yet (`Uri::from_file_path` needs absolute
/// paths, which new files from the core always are).
fn absolute_uri(path: &Path) -> Option<Uri> {
    std::path::absolute(path).ok().and_then(Uri::from_file_path)
}

pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

pub fn symbol_kind(kind: ide::SymbolKind) -> lsp::SymbolKind {
    match kind {
        ide::SymbolKind::Article => lsp::SymbolKind::FILE,
        ide::SymbolKind::Tag => lsp::SymbolKind::FIELD,
        ide::SymbolKind::Org => lsp::SymbolKind::CLASS,
        ide::SymbolKind::Person => lsp::SymbolKind::OBJECT,
        ide::SymbolKind::Place => lsp::SymbolKind::NAMESPACE,
        ide::SymbolKind::Agreement => lsp::SymbolKind::INTERFACE,
        ide::SymbolKind::Event => lsp::SymbolKind::EVENT,
        ide::SymbolKind::Date => lsp::SymbolKind::CONSTANT,
        ide::SymbolKind::Money | ide::SymbolKind::Percent => lsp::SymbolKind::NUMBER,
        ide::SymbolKind::Other => lsp::SymbolKind::VARIABLE,
    }
}

pub fn completion_kind(kind: ide::CompletionKind) -> lsp::CompletionItemKind {
    match kind {
        ide::CompletionKind::Type => lsp::CompletionItemKind::CLASS,
        ide::CompletionKind::Attribute => lsp::CompletionItemKind::PROPERTY,
        ide::CompletionKind::EnumValue => lsp::CompletionItemKind::ENUM_MEMBER,
        ide::CompletionKind::EntityKey => lsp::CompletionItemKind::REFERENCE,
        ide::CompletionKind::DateValue => lsp::CompletionItemKind::VALUE,
    }
}

pub fn document_symbol(map: &LineMap, symbol: &ide::DocumentSymbol) -> lsp::DocumentSymbol {
    let range = map.range(symbol.range);
    let mut selection_range = map.range(symbol.selection_range);
    // The protocol requires the selection inside the full range.
    if selection_range.start < range.start || selection_range.end > range.end {
        selection_range = range;
    }
    #[allow(deprecated)]
    lsp::DocumentSymbol {
        name: if symbol.name.trim().is_empty() {
            "(untitled)".to_owned()
        } else {
            symbol.name.clone()
        },
        detail: symbol.detail.clone(),
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children: (!symbol.children.is_empty()).then(|| {
            symbol
                .children
                .iter()
                .map(|child| document_symbol(map, child))
                .collect()
        }),
    }
}

pub fn hover(map: &LineMap, hover: ide::Hover) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(markdown(hover.markdown)),
        range: Some(map.range(hover.range)),
    }
}

fn markdown(value: String) -> lsp::MarkupContent {
    lsp::MarkupContent {
        kind: lsp::MarkupKind::Markdown,
        value,
    }
}

/// Navigation targets as locations, at their focus ranges.
pub fn goto_response(view: &View, targets: &[ide::NavTarget]) -> lsp::GotoDefinitionResponse {
    lsp::GotoDefinitionResponse::Array(
        targets
            .iter()
            .filter_map(|target| view.location(target.file, target.focus_range))
            .collect(),
    )
}

/// Calls `each` with the URI and protocol range of every range, and whether it starts
/// a run of another file's ranges. Ranges come grouped by file, often thousands to a
/// file: the file's URI and line map are made once per run, not once per range.
fn for_each_location(
    view: &View,
    ranges: &[ide::FileRange],
    mut each: impl FnMut(&Uri, bool, lsp::Range),
) {
    let mut current: Option<(FileId, LineMap, Uri)> = None;
    for found in ranges {
        crate::cancel::check();
        let new_file = current.as_ref().is_none_or(|(id, ..)| *id != found.file);
        if new_file {
            current = view
                .snap
                .file(found.file)
                .and_then(|file| Some((found.file, view.line_map(file), view.uri(&file.path)?)));
        }
        if let Some((_, map, uri)) = &current {
            each(uri, new_file, map.range(found.range));
        }
    }
}

pub fn locations(view: &View, ranges: &[ide::FileRange]) -> Vec<lsp::Location> {
    let mut locations = Vec::with_capacity(ranges.len());
    for_each_location(view, ranges, |uri, _, range| {
        locations.push(lsp::Location {
            uri: uri.clone(),
            range,
        });
    });
    locations
}

/// The JSON of [`locations`], written directly: for a large answer, through
/// `lsp::Location` values it took twice as long, cloning a URI for each location.
pub fn locations_json(view: &View, ranges: &[ide::FileRange]) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::with_capacity(ranges.len() * 160);
    out.push(b'[');
    let mut uri_json = String::new();
    for_each_location(view, ranges, |uri, new_file, range| {
        if new_file {
            uri_json = serde_json::to_string(uri).unwrap_or_default();
        }
        if out.len() > 1 {
            out.push(b',');
        }
        // Writing to a vector cannot fail.
        let _ = write!(
            out,
            r#"{{"uri":{uri_json},"range":{{"start":{{"line":{},"character":{}}},"end":{{"line":{},"character":{}}}}}}}"#,
            range.start.line, range.start.character, range.end.line, range.end.character
        );
    });
    out.push(b']');
    out
}

pub fn document_highlight(map: &LineMap, range: TextRange) -> lsp::DocumentHighlight {
    lsp::DocumentHighlight {
        range: map.range(range),
        kind: Some(lsp::DocumentHighlightKind::TEXT),
    }
}

pub fn symbol_information(view: &View, symbol: &ide::SymbolInfo) -> Option<lsp::SymbolInformation> {
    #[allow(deprecated)]
    Some(lsp::SymbolInformation {
        name: symbol.name.clone(),
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        location: view.location(symbol.location.file, symbol.location.range)?,
        container_name: symbol.container.clone(),
    })
}

/// A folding range over whole lines; `None` for one that fits on a line.
pub fn folding_range(map: &LineMap, range: TextRange) -> Option<lsp::FoldingRange> {
    let range = map.range(range);
    (range.end.line > range.start.line).then_some(lsp::FoldingRange {
        start_line: range.start.line,
        start_character: None,
        end_line: range.end.line,
        end_character: None,
        kind: Some(lsp::FoldingRangeKind::Region),
        collapsed_text: None,
    })
}

pub fn inlay_hint(map: &LineMap, hint: ide::InlayHint) -> lsp::InlayHint {
    lsp::InlayHint {
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
    }
}

/// A lens as the server sends it first: where it shows, and in `data` what resolving
/// it needs (the entity, and where to ask for references). No location lists: the
/// references are computed when the lens is clicked.
pub fn code_lens(map: &LineMap, uri: &Uri, lens: ide::CodeLens) -> lsp::CodeLens {
    lsp::CodeLens {
        range: map.range(lens.range),
        command: None,
        data: Some(serde_json::json!({
            "uri": uri,
            "key": lens.key,
            "name": lens.name,
            "position": map.position(lens.target.start),
        })),
    }
}

/// A resolved lens: its title, and the client command that shows the references at
/// the lens's entity (`accord.showReferences` with the URI and position).
pub fn resolved_code_lens(mut lens: lsp::CodeLens, title: String) -> lsp::CodeLens {
    let data = lens.data.take().unwrap_or(Value::Null);
    lens.command = Some(lsp::Command {
        title,
        command: "accord.showReferences".to_owned(),
        arguments: Some(vec![data["uri"].clone(), data["position"].clone()]),
    });
    lens
}

pub fn document_diagnostic_report(
    items: Vec<lsp::Diagnostic>,
) -> lsp::DocumentDiagnosticReportResult {
    lsp::DocumentDiagnosticReportResult::Report(lsp::DocumentDiagnosticReport::Full(
        lsp::RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport {
                result_id: None,
                items,
            },
        },
    ))
}

pub fn completion_item(map: &LineMap, completion: ide::Completion) -> lsp::CompletionItem {
    lsp::CompletionItem {
        label: completion.label,
        kind: Some(completion_kind(completion.kind)),
        detail: completion.detail,
        documentation: completion
            .documentation
            .map(|doc| lsp::Documentation::MarkupContent(markdown(doc))),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: map.range(completion.replace),
            new_text: completion.insert,
        })),
        ..Default::default()
    }
}

/// A code action: a quick fix names the diagnostic it fixes.
pub fn code_action(
    view: &View,
    file: &FileSnapshot,
    assist: ide::Assist,
) -> lsp::CodeActionOrCommand {
    // Only quick fixes say whether they are preferred.
    let is_preferred = assist.fixes.is_some().then_some(assist.preferred);
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: assist.title,
        kind: Some(match assist.kind {
            ide::AssistKind::QuickFix => lsp::CodeActionKind::QUICKFIX,
            ide::AssistKind::Refactor => lsp::CodeActionKind::REFACTOR,
        }),
        diagnostics: assist
            .fixes
            .map(|diagnostic| vec![view.diagnostic(file, &diagnostic)]),
        edit: Some(view.workspace_edit(&assist.change)),
        is_preferred,
        ..Default::default()
    })
}

pub fn semantic_tokens(
    result_id: Option<String>,
    data: Vec<lsp::SemanticToken>,
) -> lsp::SemanticTokens {
    lsp::SemanticTokens { result_id, data }
}

/// The entity index the `accord.showEntityIndex` command answers.
pub fn entity_index(entities: Vec<ide::EntitySummary>) -> Value {
    Value::Array(
        entities
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
            .collect(),
    )
}

/// The registration of the file watcher, for the article, configuration and
/// knowledge-base globs and the client's own article globs.
pub fn watcher_registration(
    id: &str,
    globs: impl IntoIterator<Item = String>,
) -> lsp::Registration {
    let watchers = globs
        .into_iter()
        .map(|glob| lsp::FileSystemWatcher {
            glob_pattern: lsp::GlobPattern::String(glob),
            kind: None,
        })
        .collect();
    let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers };
    lsp::Registration {
        id: id.to_owned(),
        method: "workspace/didChangeWatchedFiles".to_owned(),
        register_options: serde_json::to_value(options).ok(),
    }
}

pub fn semantic_tokens_result(
    result_id: String,
    data: Vec<lsp::SemanticToken>,
) -> lsp::SemanticTokensResult {
    lsp::SemanticTokensResult::Tokens(semantic_tokens(Some(result_id), data))
}

pub fn semantic_tokens_range_result(
    data: Vec<lsp::SemanticToken>,
) -> lsp::SemanticTokensRangeResult {
    lsp::SemanticTokensRangeResult::Tokens(semantic_tokens(None, data))
}

/// The edits from the tokens the client has to the new ones, when the client's result
/// is the one the server sent last; else all the tokens.
pub fn semantic_tokens_delta_result(
    result_id: String,
    data: Vec<lsp::SemanticToken>,
    previous: Option<(String, Vec<lsp::SemanticToken>)>,
    clients_previous_id: &str,
) -> lsp::SemanticTokensFullDeltaResult {
    match previous {
        Some((previous_id, previous)) if previous_id == clients_previous_id => {
            lsp::SemanticTokensFullDeltaResult::TokensDelta(lsp::SemanticTokensDelta {
                result_id: Some(result_id),
                edits: super::semantic::delta(&previous, &data),
            })
        }
        _ => lsp::SemanticTokensFullDeltaResult::Tokens(semantic_tokens(Some(result_id), data)),
    }
}

pub fn workspace_symbols(view: &View, symbols: &[ide::SymbolInfo]) -> lsp::WorkspaceSymbolResponse {
    lsp::WorkspaceSymbolResponse::Flat(
        symbols
            .iter()
            .filter_map(|symbol| symbol_information(view, symbol))
            .collect(),
    )
}

pub fn document_symbols(
    map: &LineMap,
    symbols: &[ide::DocumentSymbol],
) -> lsp::DocumentSymbolResponse {
    lsp::DocumentSymbolResponse::Nested(
        symbols
            .iter()
            .map(|symbol| document_symbol(map, symbol))
            .collect(),
    )
}

/// Completions in the order `ide` ranks them: editors sort by `sortText`, which is the
/// label when absent, and would put keys in alphabetical order.
pub fn completions(map: &LineMap, completions: Vec<ide::Completion>) -> lsp::CompletionResponse {
    lsp::CompletionResponse::Array(
        completions
            .into_iter()
            .enumerate()
            .map(|(rank, completion)| lsp::CompletionItem {
                sort_text: Some(format!("{rank:05}")),
                ..completion_item(map, completion)
            })
            .collect(),
    )
}

pub fn prepare_rename(map: &LineMap, range: TextRange) -> lsp::PrepareRenameResponse {
    lsp::PrepareRenameResponse::Range(map.range(range))
}

pub fn watcher_unregistration(registration: &lsp::Registration) -> lsp::Unregistration {
    lsp::Unregistration {
        id: registration.id.clone(),
        method: registration.method.clone(),
    }
}

pub fn timeline_item(view: &View, entry: ide::TimelineEntry) -> Option<super::ext::TimelineItem> {
    let location = view.location(entry.first_mention.file, entry.first_mention.range)?;
    Some(super::ext::TimelineItem {
        uri: location.uri,
        range: location.range,
        title: entry.title,
        date: entry.date.map(|date| date.to_string()),
        mentions: entry.mentions,
    })
}
