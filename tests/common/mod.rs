//! A minimal editor for end-to-end tests of `accord lsp`: the real binary over standard
//! input and output with Content-Length framing; and the command-line runs and folder
//! listings that the end-to-end tests of commands share.

// Each test file uses a part of these helpers.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Sends requests and notifications, answers the server's own requests with `null`,
/// and keeps every notification it receives.
pub struct Client {
    pub child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    next_id: i64,
    pub notifications: Vec<Value>,
    pub server_requests: Vec<String>,
    /// Responses that arrived while waiting for something else, by id.
    pub responses: Vec<Value>,
    /// Where the server keeps its index cache: the test's own folder, removed with it.
    pub cache_dir: tempfile::TempDir,
    /// Server requests left unanswered, as from an editor that never replies to them.
    pub unanswered: Vec<&'static str>,
    /// While set, the server's output is left unread, as by a busy editor.
    pub reading_paused: Arc<AtomicBool>,
}

impl Client {
    pub fn start() -> Client {
        let cache_dir = tempfile::tempdir().expect("a folder for the index cache");
        Client::start_with_cache(cache_dir)
    }

    /// Starts a server whose index cache lives in `cache_dir`, as a second server on
    /// the same folders finds the first one's.
    pub fn start_with_cache(cache_dir: tempfile::TempDir) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
            .arg("lsp")
            .env("ACCORD_CACHE_DIR", cache_dir.path())
            // Quiet unless asked: `ACCORD_LOG=accord=debug cargo test` shows the server's log.
            .env(
                "ACCORD_LOG",
                std::env::var("ACCORD_LOG").unwrap_or_else(|_| "off".to_owned()),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start accord lsp");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, messages) = channel();
        // Reading on a thread of its own keeps the server's output flowing, so the
        // server never blocks on a full pipe however many requests are in flight.
        let reading_paused = Arc::new(AtomicBool::new(false));
        let paused = reading_paused.clone();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                while paused.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(5));
                }
                let Some(message) = read_message(&mut reader) else {
                    break;
                };
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            messages,
            next_id: 1,
            notifications: Vec::new(),
            server_requests: Vec::new(),
            responses: Vec::new(),
            cache_dir,
            unanswered: Vec::new(),
            reading_paused,
        }
    }

    /// Writes raw bytes, framed or not, as a broken client might.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write");
        stdin.flush().expect("flush");
    }

    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).expect("serialise");
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.send_raw(framed.as_bytes());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and returns its response (with `result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id, method)
    }

    /// Waits for the response to request `id`.
    pub fn response(&mut self, id: i64, waiting_for: &str) -> Value {
        if let Some(at) = self.responses.iter().position(|r| r["id"] == json!(id)) {
            return self.responses.remove(at);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.receive(deadline, waiting_for);
            if message.get("method").is_none() {
                if message["id"] == json!(id) {
                    return message;
                }
                self.responses.push(message);
            }
        }
    }

    /// Waits for a response that `accept`s, for replies to messages without an id.
    pub fn wait_for_response(&mut self, accept: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.responses.iter().position(&accept) {
            return self.responses.remove(at);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.receive(deadline, "a response");
            if message.get("method").is_none() {
                if accept(&message) {
                    return message;
                }
                self.responses.push(message);
            }
        }
    }

    /// The result of a request that must succeed.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// Receives one message, answering server requests and keeping notifications.
    pub fn receive(&mut self, deadline: Instant, waiting_for: &str) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = match self.messages.recv_timeout(left) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for {waiting_for}"),
            Err(RecvTimeoutError::Disconnected) => {
                panic!("server closed while waiting for {waiting_for}")
            }
        };
        // LSP leaves out `params` where a message has none; `null` is refused by strict
        // clients. Every message of every session is checked.
        assert!(
            !message.get("params").is_some_and(Value::is_null),
            "a message with \"params\": null: {message}"
        );
        if let Some(method) = message.get("method").and_then(Value::as_str) {
            if message.get("id").is_some() {
                self.server_requests.push(method.to_owned());
                if !self.unanswered.contains(&method) {
                    let id = message["id"].clone();
                    self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
                }
            } else {
                self.notifications.push(message.clone());
            }
        }
        message
    }

    /// Waits for a notification matching `accept`, among those already received first.
    pub fn wait_for(&mut self, what: &str, accept: impl Fn(&Value) -> bool) -> Value {
        if let Some(found) = self.notifications.iter().find(|n| accept(n)) {
            return found.clone();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.receive(deadline, what);
            if message.get("method").is_none() {
                self.responses.push(message);
            } else if message.get("id").is_none() && accept(&message) {
                return message;
            }
        }
    }

    /// Waits until the server has sent the request `method`.
    pub fn wait_for_server_request(&mut self, method: &str) {
        let deadline = Instant::now() + TIMEOUT;
        while !self.server_requests.iter().any(|m| m == method) {
            let message = self.receive(deadline, method);
            if message.get("method").is_none() {
                self.responses.push(message);
            }
        }
    }

    /// Waits for the diagnostics of `uri` at `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait_for("publishDiagnostics", |n| {
            n["method"] == "textDocument/publishDiagnostics"
                && n["params"]["uri"] == uri
                && n["params"]["version"] == version
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Closes standard input after `exit` and waits for the process to end.
    pub fn exit(mut self) -> std::process::ExitStatus {
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn shutdown(mut self) {
        let response = self.request("shutdown", Value::Null);
        assert!(response.get("error").is_none(), "{response}");
        let status = self.exit();
        assert!(status.success(), "exit status {status}");
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

pub fn uri(path: &Path) -> String {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    format!("file://{}", path.display())
}

pub fn position(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

pub fn range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({"start": position(start.0, start.1), "end": position(end.0, end.1)})
}

/// Initialises with a workspace folder, UTF-16 positions and pushed diagnostics.
pub fn initialize_simple(client: &mut Client, root: &Path) -> Value {
    let result = client.call(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(root),
            "workspaceFolders": [{"uri": uri(root), "name": "workspace"}],
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "window": {"workDoneProgress": true},
                "textDocument": {"semanticTokens": {
                    "requests": {"full": {"delta": true}, "range": true},
                    "tokenTypes": [], "tokenModifiers": [], "formats": ["relative"],
                }},
            },
        }),
    );
    client.notify("initialized", json!({}));
    result
}

/// Waits until indexing reports its end; returns how many files it indexed.
pub fn wait_for_indexing(client: &mut Client) -> usize {
    let end = client.wait_for("indexing to end", |n| {
        n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end"
    });
    let message = end["params"]["value"]["message"].as_str().unwrap_or("");
    message
        .split_whitespace()
        .next()
        .and_then(|count| count.parse().ok())
        .unwrap_or_else(|| panic!("no file count in {end}"))
}

/// Runs `accord` with `args` in `dir` and waits for it.
pub fn run_accord(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run accord")
}

/// The names of a folder's entries, sorted.
pub fn entry_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
