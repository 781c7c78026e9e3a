//! An in-process editor for the language server: the server's service driven directly
//! (no process, no framing), with typed helpers that find positions by a `$0` marker in
//! the document's text, and every message the server sends recorded.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use parking_lot::Mutex;
use serde_json::{Value, json};
use tower_lsp_server::LspService;
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_service::Service;

use accord::lsp::server::Server;

pub const TIMEOUT: Duration = Duration::from_secs(60);

/// The capabilities VS Code sends, reduced to those the server reads: it pulls
/// diagnostics, refreshes when asked, shows progress and watches files.
pub fn vscode_capabilities() -> Value {
    json!({
        "general": {"positionEncodings": ["utf-16"]},
        "window": {"workDoneProgress": true, "showMessage": {}},
        "workspace": {
            "didChangeWatchedFiles": {"dynamicRegistration": true, "relativePatternSupport": true},
            "semanticTokens": {"refreshSupport": true},
            "diagnostics": {"refreshSupport": true},
            "inlayHint": {"refreshSupport": true},
            "codeLens": {"refreshSupport": true},
            "workspaceFolders": true,
            "configuration": true,
        },
        "textDocument": {
            "synchronization": {"dynamicRegistration": true, "didSave": true},
            "diagnostic": {"dynamicRegistration": true, "relatedDocumentSupport": false},
            "publishDiagnostics": {"relatedInformation": true, "versionSupport": false},
            "semanticTokens": {
                "requests": {"full": {"delta": true}, "range": true},
                "tokenTypes": [], "tokenModifiers": [], "formats": ["relative"],
            },
        },
    })
}

/// The capabilities Neovim 0.10 sends, reduced likewise: diagnostics are pushed.
pub fn neovim_capabilities() -> Value {
    json!({
        "general": {"positionEncodings": ["utf-16"]},
        "window": {"workDoneProgress": true},
        "workspace": {
            "didChangeWatchedFiles": {"dynamicRegistration": false},
            "semanticTokens": {"refreshSupport": true},
            "workspaceFolders": true,
        },
        "textDocument": {
            "publishDiagnostics": {"relatedInformation": true},
            "semanticTokens": {
                "requests": {"full": {"delta": true}, "range": false},
                "tokenTypes": [], "tokenModifiers": [], "formats": ["relative"],
            },
        },
    })
}

/// What the server sent: notifications and its own requests, in order.
#[derive(Default)]
struct Inbox {
    messages: Vec<Value>,
    /// Where waits start looking: messages before it were waited for already.
    unseen: usize,
}

pub struct TestServer {
    service: LspService<Server>,
    inbox: Arc<Mutex<Inbox>>,
    next_id: i64,
    root: tempfile::TempDir,
    /// The open documents' text and version, by path relative to the root.
    documents: HashMap<String, (String, i32)>,
}

impl TestServer {
    /// Writes `fixture` (files as `//- path` followed by their text) into a fresh
    /// folder, initialises the server on it with `capabilities`, and waits until the
    /// folder is indexed.
    pub async fn start(fixture: &str, capabilities: Value) -> TestServer {
        let root = tempfile::tempdir().expect("a temporary folder");
        for (path, text) in parse_fixture(fixture) {
            let path = root.path().join(path);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("create folders");
            std::fs::write(&path, text).expect("write a fixture file");
        }
        TestServer::start_in(root, capabilities).await
    }

    /// Initialises a server on a folder another server used before (its files and its
    /// index cache as they are now), and waits until it is indexed.
    pub async fn start_in(root: tempfile::TempDir, capabilities: Value) -> TestServer {
        let (service, socket) = accord::lsp::service();
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let recorder = inbox.clone();
        // Requests of the server get an empty answer, as editors give them.
        let (mut requests, mut responses) = socket.split();
        tokio::spawn(async move {
            while let Some(request) = requests.next().await {
                let value = serde_json::to_value(&request).expect("a message is JSON");
                recorder.lock().messages.push(value);
                if let Some(id) = request.id() {
                    let _ = responses
                        .send(Response::from_ok(id.clone(), Value::Null))
                        .await;
                }
            }
        });
        let mut server = TestServer {
            service,
            inbox,
            next_id: 1,
            root,
            documents: HashMap::new(),
        };
        let root_uri = server.uri_of_path(server.root.path());
        server
            .call(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": root_uri,
                    "workspaceFolders": [{"uri": root_uri, "name": "workspace"}],
                    "capabilities": capabilities,
                    // The index cache goes into the test's own folder.
                    "initializationOptions": {"cache": {"location": "workspace"}},
                }),
            )
            .await;
        server.notify("initialized", json!({})).await;
        server.wait_for_progress_end("Indexing articles").await;
        server
    }

    /// Stops serving and hands back the folder, for a next server to start in.
    pub async fn into_root(mut self) -> tempfile::TempDir {
        self.call("shutdown", Value::Null).await;
        self.root
    }

    fn uri_of_path(&self, path: &Path) -> String {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        format!("file://{}", path.display())
    }

    /// The URI of a path relative to the root.
    pub fn uri(&self, path: &str) -> String {
        self.uri_of_path(&self.root.path().join(path))
    }

    /// Sends a message; a server that does not answer in time fails the test instead
    /// of hanging it.
    async fn send(&mut self, request: Request) -> Option<Value> {
        let method = request.method().to_owned();
        std::future::poll_fn(|cx| self.service.poll_ready(cx))
            .await
            .expect("the server is serving");
        let response: Option<Response> = tokio::time::timeout(TIMEOUT, self.service.call(request))
            .await
            .unwrap_or_else(|_| panic!("no answer to {method} in {TIMEOUT:?}"))
            .expect("the server answers");
        response.map(|response| serde_json::to_value(response).expect("JSON"))
    }

    /// Sends a request and returns its whole response.
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let request = Request::build(method.to_owned())
            .params(params)
            .id(id)
            .finish();
        self.send(request).await.expect("a request gets a response")
    }

    /// Sends a request and returns its result; panics on an error.
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params).await;
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        let request = Request::build(method.to_owned()).params(params).finish();
        let answer = self.send(request).await;
        assert!(answer.is_none(), "a notification got an answer: {answer:?}");
    }

    /// Opens a file of the folder with its text on disk.
    pub async fn open(&mut self, path: &str) {
        let text = std::fs::read_to_string(self.root.path().join(path)).expect("a fixture file");
        self.open_text(path, &text).await;
    }

    /// Opens a document with the editor's own text.
    pub async fn open_text(&mut self, path: &str, text: &str) {
        let uri = self.uri(path);
        self.documents.insert(path.to_owned(), (text.to_owned(), 1));
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "article", "version": 1, "text": text}}),
        )
        .await;
    }

    /// Closes a document without saving it.
    pub async fn close(&mut self, path: &str) {
        self.documents.remove(path);
        let uri = self.uri(path);
        self.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    }

    /// Replaces the only occurrence of `old` in an open document with `new`, as an
    /// editor sends a keystroke's change.
    pub async fn replace(&mut self, path: &str, old: &str, new: &str) {
        let (text, version) = self.documents.get(path).cloned().expect("an open document");
        let start = find_once(&text, old);
        let end = start + old.len();
        let range = json!({"start": position(&text, start), "end": position(&text, end)});
        let mut edited = text.clone();
        edited.replace_range(start..end, new);
        self.documents
            .insert(path.to_owned(), (edited, version + 1));
        let uri = self.uri(path);
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version + 1},
                "contentChanges": [{"range": range, "text": new}],
            }),
        )
        .await;
    }

    /// Replaces an open document's whole text, as an editor sends a change without a
    /// range.
    pub async fn set_text(&mut self, path: &str, text: &str) {
        let (_, version) = self.documents.get(path).cloned().expect("an open document");
        self.documents
            .insert(path.to_owned(), (text.to_owned(), version + 1));
        let uri = self.uri(path);
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version + 1},
                "contentChanges": [{"text": text}],
            }),
        )
        .await;
    }

    /// The protocol position of the `$0` marker in `marked`, a piece of an open
    /// document's text with the marker added.
    pub fn position(&self, path: &str, marked: &str) -> Value {
        let (text, _) = self.documents.get(path).expect("an open document");
        let (before, after) = marked.split_once("$0").expect("a `$0` marker");
        let piece = format!("{before}{after}");
        let offset = find_once(text, &piece) + before.len();
        position(text, offset)
    }

    fn at(&self, path: &str, marked: &str) -> Value {
        json!({"textDocument": {"uri": self.uri(path)}, "position": self.position(path, marked)})
    }

    pub async fn hover(&mut self, path: &str, marked: &str) -> Value {
        let params = self.at(path, marked);
        self.call("textDocument/hover", params).await
    }

    pub async fn definition(&mut self, path: &str, marked: &str) -> Value {
        let params = self.at(path, marked);
        self.call("textDocument/definition", params).await
    }

    /// The diagnostics a client that pulls gets for a document.
    pub async fn pull_diagnostics(&mut self, path: &str) -> Value {
        let uri = self.uri(path);
        let report = self
            .call(
                "textDocument/diagnostic",
                json!({"textDocument": {"uri": uri}}),
            )
            .await;
        report["items"].clone()
    }

    /// Every message the server has sent since the last progress waited for ended.
    pub fn messages(&self) -> Vec<Value> {
        let inbox = self.inbox.lock();
        inbox.messages[inbox.unseen..].to_vec()
    }

    /// Waits until the server has sent a message that `matches` (since the last
    /// progress waited for ended), and returns it with its place.
    async fn wait_for_at(&self, what: &str, matches: impl Fn(&Value) -> bool) -> (usize, Value) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            {
                let inbox = self.inbox.lock();
                let found = inbox.messages[inbox.unseen..].iter().position(&matches);
                if let Some(at) = found {
                    let at = inbox.unseen + at;
                    return (at, inbox.messages[at].clone());
                }
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Waits until the server has sent a message that `matches` (since the last
    /// progress waited for ended), and returns it.
    pub async fn wait_for(&self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        self.wait_for_at(what, matches).await.1
    }

    /// Waits for the end of the next work-done progress titled `title`; later waits
    /// look only at what came after it.
    pub async fn wait_for_progress_end(&self, title: &str) {
        let begin = self
            .wait_for(&format!("progress `{title}` to begin"), |m| {
                m["method"] == "$/progress"
                    && m["params"]["value"]["kind"] == "begin"
                    && m["params"]["value"]["title"] == title
            })
            .await;
        let token = begin["params"]["token"].clone();
        let (at, _) = self
            .wait_for_at(&format!("progress `{title}` to end"), |m| {
                m["method"] == "$/progress"
                    && m["params"]["token"] == token
                    && m["params"]["value"]["kind"] == "end"
            })
            .await;
        self.inbox.lock().unseen = at + 1;
    }

    /// Lets tasks the server spawned run: a notification's follow-up work (a
    /// publication, a reload) starts after its handler returned.
    pub async fn settle(&self) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    pub fn path(&self, path: &str) -> PathBuf {
        self.root.path().join(path)
    }
}

/// The files of a fixture: `//- path` lines, each followed by the file's text.
fn parse_fixture(fixture: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    for line in fixture.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("//- ") {
            files.push((path.trim().to_owned(), String::new()));
        } else if let Some((_, text)) = files.last_mut() {
            text.push_str(line);
        }
    }
    files
}

fn find_once(text: &str, piece: &str) -> usize {
    let start = text
        .find(piece)
        .unwrap_or_else(|| panic!("`{piece}` is not in the document"));
    assert!(
        text[start + 1..].find(piece).is_none(),
        "`{piece}` occurs more than once"
    );
    start
}

/// The UTF-16 protocol position of a byte offset; lines end at LF, CRLF or a lone CR.
pub fn position(text: &str, offset: usize) -> Value {
    let breaks = text[..offset]
        .char_indices()
        .filter(|&(at, c)| c == '\n' || (c == '\r' && !text[at + 1..].starts_with('\n')))
        .map(|(at, _)| at);
    let (line, line_start) = breaks.fold((0u32, 0usize), |(line, _), at| (line + 1, at + 1));
    let character = text[line_start..offset].encode_utf16().count();
    json!({"line": line, "character": character})
}
