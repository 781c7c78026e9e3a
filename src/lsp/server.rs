//! The dispatcher: each protocol method goes to its handler in `handlers`, requests on
//! a snapshot through `dispatch::run_request`.

use std::sync::Arc;

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::ls_types::Uri;
use tower_lsp_server::{Client, LanguageServer};

use crate::ide;
use crate::workspace::FileSnapshot;

use super::caps::{self, REINDEX, SHOW_ENTITY_INDEX};
use super::dispatch::{invalid_params, run_request};
use super::handlers::{notification, request};
use super::partial::{self, Ledger};
use super::state::{State, TokenResult};
use super::to_proto::{self, View};

pub struct Server {
    client: Client,
    state: Arc<State>,
    /// Counts the batches of streamed results on their way out.
    ledger: Arc<Ledger>,
    /// Holds large answers for the output to write (see `splice`).
    splices: Arc<super::splice::Splices>,
}

impl Server {
    pub fn new(
        client: Client,
        ledger: Arc<Ledger>,
        splices: Arc<super::splice::Splices>,
    ) -> Server {
        Server {
            client,
            state: Arc::new(State::new()),
            ledger,
            splices,
        }
    }

    /// The state, for tests that look inside the server.
    pub fn state(&self) -> &Arc<State> {
        &self.state
    }

    /// `$/setTrace`: how much the server reports through `$/logTrace`.
    pub async fn set_trace(&self, params: lsp::SetTraceParams) {
        self.state.set_trace(params.value);
        tracing::info!("trace set to {:?}", params.value);
    }

    /// `accord/entityTimeline`: the articles that mention the entity at a position,
    /// oldest first; empty when nothing there names an entity.
    pub async fn entity_timeline(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Vec<super::ext::TimelineItem>> {
        let items = self
            .on_file(
                "entityTimeline",
                &params.text_document.uri,
                move |view, file| request::entity_timeline(view, file, params.position),
            )
            .await?;
        Ok(items.unwrap_or_default())
    }

    /// Runs a request's handler on a snapshot and the file of `uri`. Unknown documents
    /// answer `null`.
    async fn on_file<T: Send + 'static>(
        &self,
        feature: &'static str,
        uri: &Uri,
        handler: impl FnOnce(&View, &FileSnapshot) -> Option<T> + Send + 'static,
    ) -> Result<Option<T>> {
        self.state.wait_for_open_documents().await;
        let snapshot = self.state.snapshot();
        let Some(file) = snapshot.file(uri) else {
            tracing::debug!("{feature}: unknown document {}", uri.as_str());
            return Ok(None);
        };
        run_request(&self.state, feature, snapshot, move |view| {
            handler(view, &file)
        })
        .await
    }

    /// Runs a request's handler on a snapshot of the whole workspace.
    async fn on_workspace<T: Send + 'static>(
        &self,
        feature: &'static str,
        handler: impl FnOnce(&View) -> Option<T> + Send + 'static,
    ) -> Result<Option<T>> {
        self.state.wait_for_open_documents().await;
        run_request(&self.state, feature, self.state.snapshot(), handler).await
    }

    /// A document's semantic tokens under a new result id, kept for the next delta;
    /// also returns the previous result, if any.
    async fn full_tokens(
        &self,
        feature: &'static str,
        uri: Uri,
    ) -> Result<Option<(TokenResult, Option<TokenResult>)>> {
        let tokens = self
            .on_file(feature, &uri, |view, file| {
                request::semantic_tokens(view, file, None)
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
}

impl LanguageServer for Server {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let session = caps::negotiate(&params);
        tracing::info!(
            "initialize: encoding {:?}, roots {:?}, {:?}",
            session.encoding,
            session.roots,
            session.support
        );
        let result = caps::initialize_result(&session);
        if !self.state.start_session(session) {
            tracing::warn!("initialize came twice; the first session stays");
        }
        if let Some(options) = &params.initialization_options {
            notification::apply_settings(&self.state, options);
        }
        if let Some(trace) = params.trace {
            self.state.set_trace(trace);
        }
        Ok(result)
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        // Indexing starts first: it must not wait for the client to answer the
        // registration.
        notification::spawn_indexing(&self.client, &self.state);
        if self.state.support().watch_files {
            notification::register_watchers(&self.client, &self.state).await;
        }
    }

    async fn shutdown(&self) -> Result<()> {
        tracing::info!("shutdown");
        // The next start reads the summaries instead of analysing every file again.
        let state = self.state.clone();
        let _ = tokio::task::spawn_blocking(move || {
            crate::lsp::reload::save_index_on_exit(&state);
        })
        .await;
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        notification::did_open(&self.client, &self.state, params).await;
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        notification::did_change(&self.client, &self.state, params).await;
    }

    async fn did_save(&self, _: lsp::DidSaveTextDocumentParams) {
        // Every change of an open document applies as it is typed, configurations and
        // knowledge bases included; a save adds nothing.
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        notification::did_close(&self.client, &self.state, params).await;
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        notification::did_change_configuration(&self.client, &self.state, params).await;
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        notification::did_change_watched_files(&self.client, &self.state, params).await;
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> Result<Option<lsp::SemanticTokensResult>> {
        let uri = params.text_document.uri;
        let answer = self.full_tokens("semanticTokens/full", uri).await?;
        Ok(answer
            .map(|((result_id, tokens), _)| to_proto::semantic_tokens_result(result_id, tokens)))
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: lsp::SemanticTokensDeltaParams,
    ) -> Result<Option<lsp::SemanticTokensFullDeltaResult>> {
        let uri = params.text_document.uri;
        let answer = self.full_tokens("semanticTokens/full/delta", uri).await?;
        Ok(answer.map(|((result_id, tokens), previous)| {
            to_proto::semantic_tokens_delta_result(
                result_id,
                tokens,
                previous,
                &params.previous_result_id,
            )
        }))
    }

    async fn semantic_tokens_range(
        &self,
        params: lsp::SemanticTokensRangeParams,
    ) -> Result<Option<lsp::SemanticTokensRangeResult>> {
        let range = params.range;
        let tokens = self
            .on_file(
                "semanticTokens/range",
                &params.text_document.uri,
                move |view, file| request::semantic_tokens(view, file, Some(range)),
            )
            .await?;
        Ok(tokens.map(to_proto::semantic_tokens_range_result))
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        let at = params.text_document_position_params;
        self.on_file("hover", &at.text_document.uri, move |view, file| {
            request::hover(view, file, at.position)
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> Result<Option<lsp::GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        self.on_file("definition", &at.text_document.uri, move |view, file| {
            request::navigate(view, file, at.position, ide::goto_definition)
        })
        .await
    }

    async fn goto_declaration(
        &self,
        params: lsp::request::GotoDeclarationParams,
    ) -> Result<Option<lsp::request::GotoDeclarationResponse>> {
        let at = params.text_document_position_params;
        self.on_file("declaration", &at.text_document.uri, move |view, file| {
            request::navigate(view, file, at.position, ide::goto_declaration)
        })
        .await
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        let at = params.text_document_position;
        let include_declaration = params.context.include_declaration;
        let Some(token) = params.partial_result_params.partial_result_token else {
            let splices = self.splices.clone();
            return self
                .on_file("references", &at.text_document.uri, move |view, file| {
                    request::whole_references(
                        view,
                        file,
                        at.position,
                        include_declaration,
                        &splices,
                    )
                })
                .await;
        };
        // Streamed: the batches go out as they are converted, the answer is empty.
        let (batches, receiver) = tokio::sync::mpsc::unbounded_channel();
        let finding = self.on_file("references", &at.text_document.uri, move |view, file| {
            request::streamed_references(view, file, at.position, include_declaration, &batches)
        });
        let streaming = partial::stream(&self.client, &self.ledger, &token, receiver);
        let (found, ()) = tokio::join!(finding, streaming);
        found.map(|found| found.map(|_| Vec::new()))
    }

    async fn document_highlight(
        &self,
        params: lsp::DocumentHighlightParams,
    ) -> Result<Option<Vec<lsp::DocumentHighlight>>> {
        let at = params.text_document_position_params;
        self.on_file(
            "documentHighlight",
            &at.text_document.uri,
            move |view, file| request::document_highlight(view, file, at.position),
        )
        .await
    }

    async fn symbol(
        &self,
        params: lsp::WorkspaceSymbolParams,
    ) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
        self.on_workspace("workspace/symbol", move |view| {
            request::workspace_symbols(view, &params.query)
        })
        .await
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> Result<Option<lsp::DocumentSymbolResponse>> {
        self.on_file(
            "documentSymbol",
            &params.text_document.uri,
            request::document_symbols,
        )
        .await
    }

    async fn folding_range(
        &self,
        params: lsp::FoldingRangeParams,
    ) -> Result<Option<Vec<lsp::FoldingRange>>> {
        self.on_file(
            "foldingRange",
            &params.text_document.uri,
            request::folding_ranges,
        )
        .await
    }

    async fn inlay_hint(
        &self,
        params: lsp::InlayHintParams,
    ) -> Result<Option<Vec<lsp::InlayHint>>> {
        let settings = self.state.settings();
        self.on_file("inlayHint", &params.text_document.uri, move |view, file| {
            request::inlay_hints(view, file, params.range, &settings)
        })
        .await
    }

    async fn code_lens(&self, params: lsp::CodeLensParams) -> Result<Option<Vec<lsp::CodeLens>>> {
        let uri = params.text_document.uri;
        let lens_uri = uri.clone();
        let settings = self.state.settings();
        self.on_file("codeLens", &uri, move |view, file| {
            request::code_lenses(view, &settings, file, &lens_uri)
        })
        .await
    }

    async fn code_lens_resolve(&self, lens: lsp::CodeLens) -> Result<lsp::CodeLens> {
        let unresolved = lens.clone();
        let resolved = self
            .on_workspace("codeLens/resolve", move |view| {
                request::resolve_code_lens(view, lens)
            })
            .await?;
        Ok(resolved.unwrap_or(unresolved))
    }

    async fn diagnostic(
        &self,
        params: lsp::DocumentDiagnosticParams,
    ) -> Result<lsp::DocumentDiagnosticReportResult> {
        let state = self.state.clone();
        let items = self
            .on_file(
                "textDocument/diagnostic",
                &params.text_document.uri,
                move |view, file| request::diagnostics(&state, view, file),
            )
            .await?;
        Ok(to_proto::document_diagnostic_report(
            items.unwrap_or_default(),
        ))
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> Result<Option<lsp::CompletionResponse>> {
        let at = params.text_document_position;
        self.on_file("completion", &at.text_document.uri, move |view, file| {
            request::completions(view, file, at.position)
        })
        .await
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> Result<Option<lsp::CodeActionResponse>> {
        let state = self.state.clone();
        self.on_file(
            "codeAction",
            &params.text_document.uri,
            move |view, file| request::code_actions(&state, view, file, params.range),
        )
        .await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::PrepareRenameResponse>> {
        self.on_file(
            "prepareRename",
            &params.text_document.uri,
            move |view, file| request::prepare_rename(view, file, params.position),
        )
        .await
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        let at = params.text_document_position;
        let new_name = params.new_name;
        let answer = self
            .on_file("rename", &at.text_document.uri, move |view, file| {
                request::rename(view, file, at.position, &new_name)
            })
            .await?;
        answer.transpose().map_err(invalid_params)
    }

    async fn execute_command(&self, params: lsp::ExecuteCommandParams) -> Result<Option<Value>> {
        match params.command.as_str() {
            SHOW_ENTITY_INDEX => {
                self.on_workspace(SHOW_ENTITY_INDEX, request::entity_index)
                    .await
            }
            REINDEX => {
                notification::spawn_indexing(&self.client, &self.state);
                Ok(None)
            }
            other => Err(invalid_params(format!("unknown command: {other}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use tower_lsp_server::LspService;
    use tower_lsp_server::jsonrpc::ErrorCode;

    use super::*;

    #[tokio::test]
    async fn a_panicking_feature_answers_with_an_internal_error_and_the_next_one_works() {
        let (service, _socket) =
            LspService::new(|client| Server::new(client, Arc::default(), Arc::default()));
        let server = service.inner();
        let uri: Uri = "file:///nowhere/a.article".parse().expect("uri");
        let mut files = Vec::new();
        for _ in 0..2 {
            let failed = server
                .on_workspace("test", |_| -> Option<()> { panic!("feature bug") })
                .await;
            let error = failed.expect_err("a panic is an error");
            assert_eq!(error.code, ErrorCode::InternalError);
            assert!(error.message.contains("feature bug"), "{}", error.message);
            files.push(server.on_file("test", &uri, |_, file| Some(file.id)).await);
        }
        assert!(server.state.panicked.load(Ordering::Relaxed));
        // Unknown documents answer emptily, before and after a panic.
        assert!(files.iter().all(|f| matches!(f, Ok(None))));
    }

    #[tokio::test]
    async fn dropping_a_request_stops_its_feature_at_the_next_check() {
        let (service, _socket) =
            LspService::new(|client| Server::new(client, Arc::default(), Arc::default()));
        let server = service.inner();
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (finished_tx, finished_rx) = std::sync::mpsc::channel();
        let request = server.on_workspace("test", move |_| -> Option<()> {
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
