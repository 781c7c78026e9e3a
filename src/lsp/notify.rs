//! What the server sends the client of its own accord: refresh requests, progress,
//! traces and messages.

use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Bounded, Client, NotCancellable, OngoingProgress};

use super::state::State;

/// The `workspace/…/refresh` requests the server sends when what other files teach
/// changes an open document's answers.
#[derive(Clone, Copy, Debug)]
pub enum Refresh {
    SemanticTokens,
    Diagnostics,
    InlayHints,
    CodeLenses,
}

/// Asks the client to refresh, when it said it can. The request has no parameters, and
/// LSP wants the `params` member left out; the client's typed helpers would send
/// `"params": null`, which strict clients refuse.
pub async fn refresh(client: &Client, state: &State, what: Refresh) {
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
        Refresh::CodeLenses => (support.code_lens_refresh, "workspace/codeLens/refresh"),
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

/// Work-done progress shown by the client, when it shows progress at all.
pub struct Progress(Option<OngoingProgress<Bounded, NotCancellable>>);

impl Progress {
    pub async fn begin(client: &Client, state: &State, title: &str) -> Progress {
        if !state.support().work_done_progress {
            return Progress(None);
        }
        let token = lsp::NumberOrString::String(format!("accord/{}", state.next_result_id()));
        match client.create_work_done_progress(token.clone()).await {
            Ok(()) => Progress(Some(
                client
                    .progress(token, title)
                    .with_percentage(0)
                    .begin()
                    .await,
            )),
            Err(error) => {
                tracing::debug!("no progress: {error}");
                Progress(None)
            }
        }
    }

    pub async fn report(&self, done: usize, total: usize, unit: &str) {
        if let Some(progress) = &self.0 {
            let percentage = (done * 100).checked_div(total).unwrap_or(100) as u32;
            progress
                .report_with_message(format!("{done}/{total} {unit}"), percentage)
                .await;
        }
    }

    pub async fn finish(self, message: String) {
        if let Some(progress) = self.0 {
            progress.finish_with_message(message).await;
        }
    }
}

/// A `$/logTrace` notification, when the client asked for traces.
pub async fn trace(client: &Client, state: &State, message: String) {
    if state.trace() == lsp::TraceValue::Off {
        return;
    }
    client
        .send_notification::<lsp::notification::LogTrace>(lsp::LogTraceParams {
            message,
            verbose: None,
        })
        .await;
}
