//! Conversions from the core's byte offsets, file ids and editor features to protocol
//! values, in the position encoding negotiated with the client.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::ls_types::{Position, Range, Uri};

use crate::diagnostic::{Diagnostic, Severity, TextEdit};
use crate::ide;
use crate::text::{LineCol, TextRange};
use crate::workspace::{FileId, FileSnapshot, WorkspaceSnapshot};

use super::from_proto::{LineMap, PositionEncoding};

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
    pub open: &'a HashMap<PathBuf, Uri>,
}

impl View<'_> {
    pub fn line_map<'b>(&'b self, file: &'b FileSnapshot) -> LineMap<'b> {
        LineMap {
            text: &file.text,
            line_index: &file.line_index,
            encoding: self.encoding,
            // Text the editor sent is its own; text read from disk loses its mark in
            // the editor's buffer.
            hides_bom: !self.open.contains_key(&file.path),
        }
    }

    /// The editor's URI of a path: the one it opened the document under, if any.
    pub fn uri(&self, path: &Path) -> Option<Uri> {
        self.open
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
