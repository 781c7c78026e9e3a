//! A minimal language-server client over stdio: Content-Length framing, a reader
//! thread that routes responses to their request by id, answers the server's own
//! requests at once (as an editor would) and hands every other message over with the
//! time it arrived. Every wait is bounded.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A message from the server that is not a response (a notification, or a request
/// already answered), with when it arrived.
#[derive(Debug)]
pub struct Event {
    pub at: Instant,
    pub method: String,
    pub params: Value,
}

/// Why a request has no answer.
#[derive(Debug, PartialEq)]
pub enum Failure {
    Timeout,
    /// The server exited or closed its output.
    Closed,
    /// The server answered with an error.
    Error(String),
}

/// Requests waiting for their response, by id; once the server's output closes no
/// request waits any more.
#[derive(Default)]
struct Waiting {
    by_id: HashMap<i64, Sender<(Instant, Value)>>,
    closed: bool,
}

type Pending = Arc<Mutex<Waiting>>;

pub struct LspClient {
    child: Child,
    writer: Arc<Mutex<ChildStdin>>,
    pending: Pending,
    events: Receiver<Event>,
    next_id: i64,
}

impl LspClient {
    /// Starts `program args…` with its error output in `stderr_log`.
    pub fn spawn(
        program: &Path,
        args: &[&str],
        envs: &[(&str, String)],
        stderr_log: &Path,
    ) -> std::io::Result<LspClient> {
        let log = std::fs::File::create(stderr_log)?;
        let mut child = Command::new(program)
            .args(args)
            .envs(envs.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            return Err(std::io::Error::other("no pipes to the server"));
        };
        let writer = Arc::new(Mutex::new(stdin));
        let pending: Pending = Arc::default();
        let (events_in, events) = mpsc::channel();
        let reader_writer = writer.clone();
        let reader_pending = pending.clone();
        std::thread::spawn(move || {
            read_messages(stdout, &reader_writer, &reader_pending, &events_in);
            // Waiters see their channel close instead of waiting out their timeout.
            let mut waiting = lock(&reader_pending);
            waiting.closed = true;
            waiting.by_id.clear();
        });
        Ok(LspClient {
            child,
            writer,
            pending,
            events,
            next_id: 1,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn notify(&self, method: &str, params: Value) -> bool {
        send(
            &self.writer,
            &json!({"jsonrpc": "2.0", "method": method, "params": params}),
        )
    }

    /// Sends a request and waits for its response; the duration runs from just before
    /// sending to the moment the response was read off the pipe.
    pub fn request(
        &mut self,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> (Result<Value, Failure>, Duration) {
        let id = self.next_id;
        self.next_id += 1;
        let (sender, receiver) = mpsc::channel();
        {
            let mut waiting = lock(&self.pending);
            if waiting.closed {
                return (Err(Failure::Closed), Duration::ZERO);
            }
            waiting.by_id.insert(id, sender);
        }
        let started = Instant::now();
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        if !send(&self.writer, &message) {
            lock(&self.pending).by_id.remove(&id);
            return (Err(Failure::Closed), started.elapsed());
        }
        match receiver.recv_timeout(timeout) {
            Ok((at, response)) => {
                let elapsed = at.saturating_duration_since(started);
                match response.get("error") {
                    Some(error) => (Err(Failure::Error(error.to_string())), elapsed),
                    None => (Ok(response["result"].clone()), elapsed),
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                lock(&self.pending).by_id.remove(&id);
                (Err(Failure::Timeout), started.elapsed())
            }
            Err(RecvTimeoutError::Disconnected) => (Err(Failure::Closed), started.elapsed()),
        }
    }

    /// The events that have arrived and not been waited for yet.
    pub fn take_events(&self) -> Vec<Event> {
        self.events.try_iter().collect()
    }

    /// Waits until an event satisfies `wanted`, passing every event to it; fails when
    /// `deadline` passes or the server closes first.
    pub fn wait_for(
        &self,
        deadline: Instant,
        mut wanted: impl FnMut(&Event) -> bool,
    ) -> Result<Event, Failure> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(event) if wanted(&event) => return Ok(event),
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => return Err(Failure::Timeout),
                Err(RecvTimeoutError::Disconnected) => return Err(Failure::Closed),
            }
        }
    }

    /// `shutdown` and `exit`, then waits a little for the process to end.
    pub fn shutdown(mut self, timeout: Duration) -> Result<(), Failure> {
        let (answer, _) = self.request("shutdown", Value::Null, timeout);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return answer.map(|_| ());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Err(Failure::Timeout)
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn send(writer: &Mutex<ChildStdin>, message: &Value) -> bool {
    let body = message.to_string();
    let mut stdin = lock(writer);
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).is_ok() && stdin.flush().is_ok()
}

/// What an editor answers to a request from the server.
fn reply_to(method: &str, params: &Value) -> Value {
    match method {
        // One value per item asked for; `null` means "no settings".
        "workspace/configuration" => {
            let items = params["items"].as_array().map_or(0, Vec::len);
            Value::Array(vec![Value::Null; items])
        }
        _ => Value::Null,
    }
}

fn read_messages(
    stdout: impl Read,
    writer: &Mutex<ChildStdin>,
    pending: &Pending,
    events: &Sender<Event>,
) {
    let mut reader = BufReader::with_capacity(1 << 20, stdout);
    let mut line = String::new();
    loop {
        let mut length = None;
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse::<usize>().ok();
            }
        }
        let Some(length) = length else {
            return;
        };
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        // The arrival time is taken before parsing, which is the client's own work.
        let at = Instant::now();
        let Ok(message) = serde_json::from_slice::<Value>(&body) else {
            continue;
        };
        let method = message["method"].as_str().map(str::to_owned);
        match (method, message.get("id")) {
            (Some(method), Some(id)) => {
                let params = message["params"].clone();
                let result = reply_to(&method, &params);
                send(
                    writer,
                    &json!({"jsonrpc": "2.0", "id": id, "result": result}),
                );
                let _ = events.send(Event { at, method, params });
            }
            (Some(method), None) => {
                let params = message["params"].clone();
                let _ = events.send(Event { at, method, params });
            }
            (None, Some(id)) => {
                let sender = id.as_i64().and_then(|id| lock(pending).by_id.remove(&id));
                if let Some(sender) = sender {
                    let _ = sender.send((at, message));
                }
            }
            (None, None) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log() -> std::path::PathBuf {
        std::env::temp_dir().join(format!("accord-bench-client-{}.log", std::process::id()))
    }

    /// `cat` echoes every message back: a request comes back as a request from the
    /// "server", which the client answers, and that answer comes back as the response.
    #[test]
    fn requests_are_answered_and_routed_through_an_echo() {
        let mut client = LspClient::spawn(Path::new("cat"), &[], &[], &log()).expect("cat");
        let params = json!({"items": [{"section": "a"}, {"section": "b"}]});
        let (answer, elapsed) =
            client.request("workspace/configuration", params, Duration::from_secs(10));
        assert_eq!(answer, Ok(json!([null, null])));
        assert!(elapsed < Duration::from_secs(10));
        let echoed = client
            .wait_for(Instant::now() + Duration::from_secs(10), |_| true)
            .expect("the echoed request");
        assert_eq!(echoed.method, "workspace/configuration");
        assert!(client.notify("$/progress", json!({"value": {"kind": "end"}})));
        let progress = client
            .wait_for(Instant::now() + Duration::from_secs(10), |event| {
                event.params["value"]["kind"] == "end"
            })
            .expect("the echoed notification");
        assert_eq!(progress.method, "$/progress");
    }

    #[test]
    fn silence_times_out_and_an_exit_closes() {
        let mut silent = LspClient::spawn(Path::new("sleep"), &["30"], &[], &log()).expect("sleep");
        let (answer, _) = silent.request("hover", Value::Null, Duration::from_millis(200));
        assert_eq!(answer, Err(Failure::Timeout));
        let waited = silent.wait_for(Instant::now() + Duration::from_millis(100), |_| true);
        assert_eq!(waited.err(), Some(Failure::Timeout));
        let mut gone = LspClient::spawn(Path::new("true"), &[], &[], &log()).expect("true");
        let (answer, _) = gone.request("hover", Value::Null, Duration::from_secs(10));
        assert_eq!(answer, Err(Failure::Closed));
        let _ = std::fs::remove_file(log());
    }
}
