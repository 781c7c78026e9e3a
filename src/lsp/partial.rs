//! Partial results: a request whose client sent a `partialResultToken` gets its answer
//! in batches, as `$/progress` notifications under that token, and then an empty
//! response, as the protocol asks.
//!
//! The protocol library sends notifications and responses down two queues that are
//! merged on output, so a response could overtake the last batches, and the client
//! would drop them. The server's socket is therefore wrapped in an [`OutputSocket`]
//! that counts the batches handed to the output; a streamed request answers only once
//! all of its batches have been handed on, and everything handed on later is written
//! after them.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures::{Sink, Stream};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use tower_lsp_server::jsonrpc::Request;
use tower_lsp_server::jsonrpc::Response;
use tower_lsp_server::ls_types::ProgressToken;
use tower_lsp_server::ls_types::notification::Notification;
use tower_lsp_server::{Client, ClientSocket, ExitedError, Loopback};

/// The halves of the library's socket, whose types it does not export.
type Requests = Pin<Box<dyn Stream<Item = Request> + Send>>;
pub type Responses = Pin<Box<dyn Sink<Response, Error = ExitedError> + Send>>;

/// `$/progress` carrying a batch of a result: the protocol types offer only work-done
/// progress.
pub struct PartialResult<T>(PhantomData<T>);

#[derive(Debug, Serialize, Deserialize)]
pub struct PartialResultParams<T> {
    pub token: ProgressToken,
    pub value: Vec<T>,
}

impl<T> Notification for PartialResult<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    type Params = PartialResultParams<T>;
    const METHOD: &'static str = "$/progress";
}

/// How many batches of each streamed request have been handed to the output.
#[derive(Default)]
pub struct Ledger {
    handed_on: Mutex<HashMap<String, usize>>,
    changed: Notify,
}

impl Ledger {
    fn key(token: &ProgressToken) -> String {
        serde_json::to_string(token).unwrap_or_default()
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, HashMap<String, usize>> {
        self.handed_on.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts counting the batches under `token`.
    fn open(&self, token: &ProgressToken) {
        self.counts().insert(Self::key(token), 0);
    }

    fn close(&self, token: &ProgressToken) {
        self.counts().remove(&Self::key(token));
    }

    /// Counts a message on its way out, if it is a batch of a streamed request.
    fn record(&self, message: &Request) {
        if message.method() != "$/progress" || message.id().is_some() {
            return;
        }
        let Some(token) = message.params().and_then(|params| params.get("token")) else {
            return;
        };
        let Ok(token) = serde_json::to_string(token) else {
            return;
        };
        if let Some(count) = self.counts().get_mut(&token) {
            *count += 1;
            self.changed.notify_waiters();
        }
    }

    /// Waits until `batches` batches under `token` have been handed to the output.
    async fn handed_on(&self, token: &ProgressToken, batches: usize) {
        let key = Self::key(token);
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            // Registered before the count is read, so no handing on is missed.
            changed.as_mut().enable();
            if self
                .counts()
                .get(&key)
                .is_none_or(|&count| count >= batches)
            {
                return;
            }
            changed.await;
        }
    }
}

/// Closes a token's count however the request ends, cancelled included.
struct OpenToken<'a> {
    ledger: &'a Ledger,
    token: &'a ProgressToken,
}

impl Drop for OpenToken<'_> {
    fn drop(&mut self) {
        self.ledger.close(self.token);
    }
}

/// Sends each batch arriving on `batches` to the client under `token`, and once the
/// sender is gone (the request's work has ended), waits until they are all handed to
/// the output.
pub async fn stream<T>(
    client: &Client,
    ledger: &Ledger,
    token: &ProgressToken,
    mut batches: tokio::sync::mpsc::UnboundedReceiver<Vec<T>>,
) where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    ledger.open(token);
    let _open = OpenToken { ledger, token };
    let mut sent = 0;
    while let Some(value) = batches.recv().await {
        if value.is_empty() {
            continue;
        }
        let params = PartialResultParams {
            token: token.clone(),
            value,
        };
        client.send_notification::<PartialResult<T>>(params).await;
        sent += 1;
    }
    ledger.handed_on(token, sent).await;
}

/// The server's socket to the client, counting the batches of streamed results as
/// they are handed to the output.
pub struct OutputSocket {
    socket: ClientSocket,
    ledger: Arc<Ledger>,
}

impl OutputSocket {
    pub fn new(socket: ClientSocket, ledger: Arc<Ledger>) -> OutputSocket {
        OutputSocket { socket, ledger }
    }

    /// The messages to the client, and where the client's responses go.
    pub fn split(self) -> (CountedRequests, Responses) {
        let (requests, responses) = self.socket.split();
        (
            CountedRequests {
                requests: Box::pin(requests),
                ledger: self.ledger,
            },
            Box::pin(responses),
        )
    }
}

impl Loopback for OutputSocket {
    type RequestStream = CountedRequests;
    type ResponseSink = Responses;

    fn split(self) -> (Self::RequestStream, Self::ResponseSink) {
        OutputSocket::split(self)
    }
}

/// The server's messages to the client, each counted as it is handed on.
pub struct CountedRequests {
    requests: Requests,
    ledger: Arc<Ledger>,
}

impl Stream for CountedRequests {
    type Item = Request;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Request>> {
        let polled = self.requests.as_mut().poll_next(cx);
        if let Poll::Ready(Some(message)) = &polled {
            self.ledger.record(message);
        }
        polled
    }
}
