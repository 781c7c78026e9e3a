//! The `lsp_messages` target: a sequence of protocol messages fed to the language
//! server in process through its `tower::Service`, with the server's own requests to
//! the client answered, and every request bound to get an answer.

use std::sync::OnceLock;
use std::time::Duration;

use accord::lsp::caps::{REINDEX, SHOW_ENTITY_INDEX};
use accord::lsp::server::Server;
use arbitrary::Unstructured;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::runtime::Runtime;
use tower::Service;
use tower_lsp_server::LspService;
use tower_lsp_server::jsonrpc::{ErrorCode, Request, Response};

use crate::split_chunks;

/// More messages find little more and slow every run down.
const MAX_MESSAGES: usize = 48;

/// How long a request may wait for its answer. The runtime's clock is paused and only
/// moves when every task waits, so this fires only when the server waits for something
/// that never comes; slow computation is bounded by the fuzzer's own timeout.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// Documents the messages talk about: two articles, a configuration, a knowledge-base
/// file and a document that is not a file.
const URIS: &[&str] = &[
    "file:///fuzz/a.article",
    "file:///fuzz/b.article",
    "file:///fuzz/accord.toml",
    "file:///fuzz/kb/extra.toml",
    "untitled:Untitled-1",
];

/// One current-thread runtime for the process, with a paused clock: the server's
/// debounce delays pass at once, and a timeout means a task waits forever.
fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .expect("a current-thread runtime")
    })
}

/// Feeds the messages of `data` to a fresh server; panics when a request gets no
/// answer, a feature fails with an internal error, or a notification is answered.
pub fn lsp_messages(data: &[u8]) {
    runtime().block_on(run(data));
}

async fn run(data: &[u8]) {
    let (control, texts) = split_chunks(data);
    let mut script = Script {
        u: Unstructured::new(control),
        texts: texts.into_iter(),
        versions: vec![0; URIS.len()],
        next_id: 1,
    };
    let (mut service, socket) = accord::lsp::service();
    // The server's notifications and requests to the client go through a bounded
    // channel: it is drained, and requests get an empty answer, or the server blocks.
    let (mut to_client, mut from_client) = socket.split();
    let client = tokio::spawn(async move {
        while let Some(request) = to_client.next().await {
            if let Some(id) = request.id() {
                let _ = from_client
                    .send(Response::from_ok(id.clone(), Value::Null))
                    .await;
            }
        }
    });
    let initialize = script.initialize();
    let mut exited = !send(&mut service, initialize).await;
    if !exited && script.u.arbitrary::<u8>().unwrap_or(0) != 0xff {
        exited = !send(&mut service, notification("initialized", json!({}))).await;
    }
    let mut count = 0;
    while !exited && !script.u.is_empty() && count < MAX_MESSAGES {
        count += 1;
        match script.next_message() {
            Ok(Message::Send(request)) => exited = !send(&mut service, request).await,
            Ok(Message::Pause(millis)) => {
                tokio::time::sleep(Duration::from_millis(millis)).await;
            }
            Err(_) => break,
        }
    }
    if !exited {
        let shutdown = script.request("shutdown", Value::Null);
        exited = !send(&mut service, shutdown).await;
    }
    if !exited {
        send(&mut service, notification("exit", Value::Null)).await;
    }
    drop(service);
    // Tasks the server spawned (debounced diagnostics, indexing) finish, drop their
    // handles on the client, and the channel closes.
    if tokio::time::timeout(ANSWER_TIMEOUT, client).await.is_err() {
        panic!("the server's tasks still hold the client after exit");
    }
}

/// Sends one message and checks its answer; `false` once the server has exited.
async fn send(service: &mut LspService<Server>, request: Request) -> bool {
    let method = request.method().to_owned();
    let is_request = request.id().is_some();
    let call = async {
        std::future::poll_fn(|cx| service.poll_ready(cx)).await?;
        service.call(request).await
    };
    let response = match tokio::time::timeout(ANSWER_TIMEOUT, call).await {
        Err(_) => panic!("{method}: no answer within {ANSWER_TIMEOUT:?}"),
        Ok(Err(_exited)) => return false,
        Ok(Ok(response)) => response,
    };
    match (is_request, response) {
        (true, None) => panic!("{method}: a request got no response"),
        (false, Some(response)) => panic!("{method}: a notification got {response:?}"),
        (true, Some(response)) => {
            if let Some(error) = response.error()
                && error.code == ErrorCode::InternalError
            {
                panic!("{method}: internal error: {}", error.message);
            }
        }
        (false, None) => {}
    }
    method != "exit"
}

fn notification(method: &'static str, params: Value) -> Request {
    let mut message = json!({ "jsonrpc": "2.0", "method": method });
    if !params.is_null() {
        message["params"] = params;
    }
    serde_json::from_value(message).expect("a well-formed notification")
}

enum Message {
    Send(Request),
    /// Lets the server's debounced work run.
    Pause(u64),
}

struct Script<'a> {
    u: Unstructured<'a>,
    texts: std::vec::IntoIter<String>,
    versions: Vec<i32>,
    next_id: i64,
}

impl Script<'_> {
    fn request(&mut self, method: &str, params: Value) -> Request {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({ "jsonrpc": "2.0", "id": id, "method": method });
        if !params.is_null() {
            message["params"] = params;
        }
        serde_json::from_value(message).expect("a well-formed request")
    }

    fn text(&mut self) -> String {
        self.texts.next().unwrap_or_default()
    }

    /// `initialize` with position encodings, pull diagnostics, file watching and
    /// settings chosen by the input.
    fn initialize(&mut self) -> Request {
        let flags: u8 = self.u.arbitrary().unwrap_or(0);
        let encodings = match flags & 3 {
            0 => json!(["utf-16"]),
            1 => json!(["utf-8", "utf-16"]),
            2 => json!(["utf-32"]),
            _ => json!([]),
        };
        let mut capabilities = json!({
            "general": { "positionEncodings": encodings },
            "workspace": {
                "didChangeWatchedFiles": { "dynamicRegistration": flags & 4 != 0 },
                "inlayHint": { "refreshSupport": true },
                "semanticTokens": { "refreshSupport": true },
            },
            "window": { "workDoneProgress": flags & 8 != 0 },
        });
        if flags & 16 != 0 {
            capabilities["textDocument"] =
                json!({ "diagnostic": { "dynamicRegistration": false } });
        }
        let mut params = json!({
            "processId": null,
            "rootUri": null,
            "capabilities": capabilities,
        });
        if flags & 32 != 0 {
            // Settings as the input wrote them, when they are JSON.
            let text = self.text();
            params["initializationOptions"] =
                serde_json::from_str(&text).unwrap_or(Value::String(text));
        }
        if flags & 64 != 0 {
            params["trace"] = json!("verbose");
        }
        self.request("initialize", params)
    }

    fn uri(&mut self) -> arbitrary::Result<&'static str> {
        self.u.choose(URIS).copied()
    }

    fn position(&mut self) -> arbitrary::Result<Value> {
        let line: u32 = if self.u.ratio(1, 16)? {
            u32::MAX
        } else {
            self.u.int_in_range(0..=40)?
        };
        let character: u32 = if self.u.ratio(1, 16)? {
            u32::MAX
        } else {
            self.u.int_in_range(0..=160)?
        };
        Ok(json!({ "line": line, "character": character }))
    }

    fn range(&mut self) -> arbitrary::Result<Value> {
        Ok(json!({ "start": self.position()?, "end": self.position()? }))
    }

    fn document_position(&mut self) -> arbitrary::Result<Value> {
        Ok(json!({
            "textDocument": { "uri": self.uri()? },
            "position": self.position()?,
        }))
    }

    /// The next version of a document, or now and then a stale one.
    fn version(&mut self, uri: &str) -> arbitrary::Result<i32> {
        let index = URIS.iter().position(|u| *u == uri).unwrap_or(0);
        if self.u.ratio(1, 32)? {
            return Ok(self.versions[index]);
        }
        self.versions[index] += 1;
        Ok(self.versions[index])
    }

    fn next_message(&mut self) -> arbitrary::Result<Message> {
        let kind: u8 = self.u.int_in_range(0..=27)?;
        let message = match kind {
            0 | 1 => {
                let uri = self.uri()?;
                let version = self.version(uri)?;
                let text = self.text();
                notification(
                    "textDocument/didOpen",
                    json!({ "textDocument": {
                        "uri": uri, "languageId": "article", "version": version, "text": text,
                    }}),
                )
            }
            2 => {
                let uri = self.uri()?;
                let version = self.version(uri)?;
                let text = self.text();
                notification(
                    "textDocument/didChange",
                    json!({
                        "textDocument": { "uri": uri, "version": version },
                        "contentChanges": [{ "text": text }],
                    }),
                )
            }
            3..=5 => {
                let uri = self.uri()?;
                let version = self.version(uri)?;
                let mut changes = Vec::new();
                for _ in 0..self.u.int_in_range(1..=3)? {
                    let text = if self.u.arbitrary()? {
                        self.text()
                    } else {
                        (*self.u.choose(crate::SNIPPETS)?).to_owned()
                    };
                    changes.push(json!({ "range": self.range()?, "text": text }));
                }
                notification(
                    "textDocument/didChange",
                    json!({
                        "textDocument": { "uri": uri, "version": version },
                        "contentChanges": changes,
                    }),
                )
            }
            6 => {
                let uri = self.uri()?;
                notification(
                    "textDocument/didClose",
                    json!({ "textDocument": { "uri": uri } }),
                )
            }
            7 => {
                let uri = self.uri()?;
                notification(
                    "textDocument/didSave",
                    json!({ "textDocument": { "uri": uri } }),
                )
            }
            8 => {
                let text = self.text();
                let settings = serde_json::from_str(&text).unwrap_or(Value::String(text));
                notification(
                    "workspace/didChangeConfiguration",
                    json!({ "settings": settings }),
                )
            }
            9 => return Ok(Message::Pause(self.u.int_in_range(1..=500)?)),
            10 => {
                let params = self.document_position()?;
                self.request("textDocument/hover", params)
            }
            11 => {
                let params = self.document_position()?;
                let method = if self.u.arbitrary()? {
                    "textDocument/definition"
                } else {
                    "textDocument/declaration"
                };
                self.request(method, params)
            }
            12 => {
                let mut params = self.document_position()?;
                params["context"] = json!({ "includeDeclaration": self.u.arbitrary::<bool>()? });
                self.request("textDocument/references", params)
            }
            13 => {
                let params = self.document_position()?;
                self.request("textDocument/documentHighlight", params)
            }
            14 => {
                let uri = self.uri()?;
                self.request(
                    "textDocument/semanticTokens/full",
                    json!({ "textDocument": { "uri": uri } }),
                )
            }
            15 => {
                let uri = self.uri()?;
                let previous = self.u.int_in_range(0..=12)?.to_string();
                self.request(
                    "textDocument/semanticTokens/full/delta",
                    json!({ "textDocument": { "uri": uri }, "previousResultId": previous }),
                )
            }
            16 => {
                let uri = self.uri()?;
                let range = self.range()?;
                self.request(
                    "textDocument/semanticTokens/range",
                    json!({ "textDocument": { "uri": uri }, "range": range }),
                )
            }
            17 => {
                let params = self.document_position()?;
                self.request("textDocument/completion", params)
            }
            18 => {
                let uri = self.uri()?;
                let range = self.range()?;
                self.request(
                    "textDocument/codeAction",
                    json!({
                        "textDocument": { "uri": uri },
                        "range": range,
                        "context": { "diagnostics": [] },
                    }),
                )
            }
            19 => {
                let params = self.document_position()?;
                self.request("textDocument/prepareRename", params)
            }
            20 => {
                let mut params = self.document_position()?;
                params["newName"] = if self.u.arbitrary()? {
                    Value::String(self.text())
                } else {
                    Value::String((*self.u.choose(crate::SNIPPETS)?).to_owned())
                };
                self.request("textDocument/rename", params)
            }
            21 => {
                let uri = self.uri()?;
                let method = *self.u.choose(&[
                    "textDocument/documentSymbol",
                    "textDocument/foldingRange",
                    "textDocument/codeLens",
                    "textDocument/diagnostic",
                ])?;
                self.request(method, json!({ "textDocument": { "uri": uri } }))
            }
            22 => {
                let uri = self.uri()?;
                let range = self.range()?;
                self.request(
                    "textDocument/inlayHint",
                    json!({ "textDocument": { "uri": uri }, "range": range }),
                )
            }
            23 => {
                let query = self.text();
                self.request("workspace/symbol", json!({ "query": query }))
            }
            24 => {
                let command = *self
                    .u
                    .choose(&[SHOW_ENTITY_INDEX, REINDEX, "accord.unknown"])?;
                self.request(
                    "workspace/executeCommand",
                    json!({ "command": command, "arguments": [] }),
                )
            }
            25 => {
                let value = *self.u.choose(&["off", "messages", "verbose"])?;
                notification("$/setTrace", json!({ "value": value }))
            }
            26 => self.request("shutdown", Value::Null),
            _ => {
                // A request for a method the server does not know, or with broken
                // parameters: answered with an error, never an internal one.
                let method = *self.u.choose(&[
                    "textDocument/hover",
                    "textDocument/unknownFeature",
                    "textDocument/completion",
                ])?;
                let text = self.text();
                self.request(method, Value::String(text))
            }
        };
        Ok(Message::Send(message))
    }
}
