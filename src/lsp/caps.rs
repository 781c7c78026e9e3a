//! Capability negotiation: what the client offers, reduced to the session the server
//! keeps, and what the server offers back.

use std::path::PathBuf;

use tower_lsp_server::ls_types as lsp;

use crate::text::WideEncoding;

use super::from_proto::{self, PositionEncoding};
use super::semantic;
use super::state::{ClientSupport, Session, normalize};

pub const SHOW_ENTITY_INDEX: &str = "accord.showEntityIndex";
pub const REINDEX: &str = "accord.reindex";

/// The session `initialize` settles: the position encoding, what the client supports,
/// and the workspace folders.
pub fn negotiate(params: &lsp::InitializeParams) -> Session {
    Session {
        encoding: encoding(&params.capabilities),
        support: client_support(&params.capabilities),
        roots: workspace_roots(params),
    }
}

/// UTF-8 columns when the client offers them (the core's own unit), else UTF-16, the
/// protocol's default.
fn encoding(capabilities: &lsp::ClientCapabilities) -> PositionEncoding {
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
    let workspace = capabilities.workspace.as_ref();
    ClientSupport {
        pull_diagnostics: capabilities
            .text_document
            .as_ref()
            .is_some_and(|td| td.diagnostic.is_some()),
        diagnostic_refresh: workspace
            .and_then(|ws| ws.diagnostics.as_ref())
            .and_then(|diagnostics| diagnostics.refresh_support)
            .unwrap_or(false),
        work_done_progress: capabilities
            .window
            .as_ref()
            .and_then(|window| window.work_done_progress)
            .unwrap_or(false),
        watch_files: workspace
            .and_then(|ws| ws.did_change_watched_files.as_ref())
            .and_then(|watch| watch.dynamic_registration)
            .unwrap_or(false),
        semantic_tokens_refresh: workspace
            .and_then(|ws| ws.semantic_tokens.as_ref())
            .and_then(|tokens| tokens.refresh_support)
            .unwrap_or(false),
        inlay_hint_refresh: workspace
            .and_then(|ws| ws.inlay_hint.as_ref())
            .and_then(|hints| hints.refresh_support)
            .unwrap_or(false),
        code_lens_refresh: workspace
            .and_then(|ws| ws.code_lens.as_ref())
            .and_then(|lens| lens.refresh_support)
            .unwrap_or(false),
    }
}

/// The workspace folders, or the root URI of a client that sends no folders.
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

/// What the server offers a client of this session.
pub fn server_capabilities(session: &Session) -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(encoding_kind(session.encoding)),
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
            resolve_provider: Some(true),
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
        diagnostic_provider: session.support.pull_diagnostics.then(|| {
            lsp::DiagnosticServerCapabilities::Options(lsp::DiagnosticOptions {
                identifier: Some("accord".to_owned()),
                inter_file_dependencies: true,
                workspace_diagnostics: false,
                work_done_progress_options: Default::default(),
            })
        }),
        ..Default::default()
    }
}

/// The answer to `initialize`.
pub fn initialize_result(session: &Session) -> lsp::InitializeResult {
    lsp::InitializeResult {
        capabilities: server_capabilities(session),
        server_info: Some(lsp::ServerInfo {
            name: "accord".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
        offset_encoding: None,
    }
}
