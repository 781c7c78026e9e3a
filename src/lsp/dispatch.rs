//! The one place where the server catches panics and cancels work: every feature,
//! diagnostics computation, index and reload runs through [`catch_panic`], and every
//! request through [`run_request`], off the protocol's task.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};

use crate::cancel::{CancelFlag, Cancelled};

use super::state::{Snapshot, State};
use super::to_proto::View;

/// Runs `work`, turning a panic into `Err` with its message. The first panic of a
/// session is logged in full, later ones at debug level: a bug hit on every keystroke
/// must not flood the log.
pub fn catch_panic<T>(
    state: &State,
    what: &str,
    work: impl FnOnce() -> T,
) -> std::result::Result<T, String> {
    std::panic::catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        let message = panic_message(&payload);
        if !state.panicked.swap(true, Ordering::Relaxed) {
            tracing::error!("{what} panicked: {message}");
        } else {
            tracing::debug!("{what} panicked: {message}");
        }
        message
    })
}

/// Cancels a feature when its request's future is dropped: tower-lsp drops it when the
/// client sends `$/cancelRequest`. After the answer, setting the flag changes nothing.
struct CancelOnDrop(CancelFlag);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// How long a request may take before the log notes it.
const SLOW_REQUEST: std::time::Duration = std::time::Duration::from_millis(50);

/// Runs a request's feature on a snapshot, on the blocking pool so that the server goes
/// on reading messages meanwhile. A cancelled request drops this future, which sets the
/// feature's cancel flag: the feature stops at its next check and the request answers
/// `RequestCancelled`. A panic answers `InternalError`.
pub async fn run_request<T: Send + 'static>(
    state: &Arc<State>,
    feature: &'static str,
    snapshot: Snapshot,
    work: impl FnOnce(&View) -> Option<T> + Send + 'static,
) -> Result<Option<T>> {
    let flag = CancelFlag::default();
    let _cancel_when_dropped = CancelOnDrop(flag.clone());
    let state = state.clone();
    let task = tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let view = View::of(&snapshot);
        let outcome = catch_panic(&state, feature, || {
            crate::cancel::run(&flag, || work(&view))
        });
        // Slow answers are what an analyst notices; the log says which.
        let elapsed = started.elapsed();
        if elapsed >= SLOW_REQUEST {
            tracing::info!("{feature} took {} ms", elapsed.as_millis());
        }
        outcome
    });
    let outcome = match task.await {
        Ok(outcome) => outcome,
        // The blocking pool shut down under the task: the runtime is going away.
        Err(error) => Err(error.to_string()),
    };
    match outcome {
        Ok(Ok(answer)) => Ok(answer),
        Ok(Err(Cancelled)) => {
            tracing::debug!("{feature} cancelled");
            Err(Error::request_cancelled())
        }
        Err(message) => Err(Error {
            code: ErrorCode::InternalError,
            message: format!("{feature} failed: {message}").into(),
            data: None,
        }),
    }
}

/// An `InvalidParams` error, for a request the server understood and must refuse.
pub fn invalid_params(message: impl Into<String>) -> Error {
    Error {
        code: ErrorCode::InvalidParams,
        message: message.into().into(),
        data: None,
    }
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
