//! The input side of the transport: every frame the client sends is checked before the
//! protocol library reads it.
//!
//! The library stops reading for good at the first frame it cannot decode, so one
//! malformed message from a client would end the server. Here a frame that is not JSON
//! becomes a request the server answers with a parse error (id `null`, as JSON-RPC
//! asks), and JSON that is no message becomes one answered with an invalid request;
//! everything else passes unchanged. The guard also notes whether the client asked to
//! shut down, which decides the exit status, and when `exit` arrives, which ends the
//! server at once.

use std::io::{BufRead, Read};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::{Notify, mpsc};
use tower_lsp_server::jsonrpc::{Request, Response};

/// Answered with a parse error: the frame was not JSON.
pub const NOT_JSON_METHOD: &str = "accord/malformedMessage";
/// Answered with an invalid request: the frame was JSON but no JSON-RPC message.
pub const NOT_A_MESSAGE_METHOD: &str = "accord/invalidMessage";

/// Frames larger than this are skipped unread and answered as malformed, so a wrong
/// length cannot make the server allocate without bound.
pub const MAX_FRAME_BYTES: usize = 256 << 20;
/// A header line longer than this is not a header.
const MAX_HEADER_LINE: u64 = 8 << 10;
/// Frames read ahead of the server; the reader waits beyond, so a flooding client
/// cannot fill memory.
const FRAMES_AHEAD: usize = 64;

/// What the guard learned about the session, read after the server has stopped.
#[derive(Clone, Default)]
pub struct SessionEnd {
    shutdown_requested: Arc<AtomicBool>,
    exit: Arc<Notify>,
}

impl SessionEnd {
    /// Whether a `shutdown` request arrived: the protocol's condition for exit status 0.
    pub fn shutdown_requested(&self) -> bool {
        self.shutdown_requested.load(Ordering::Relaxed)
    }

    /// Resolves once the client's `exit` notification has been read.
    pub async fn exit_received(&self) {
        self.exit.notified().await;
    }
}

/// Reads frames from `input` on a thread of its own (standard input blocks) and hands
/// the checked frames to the returned reader, which the protocol library reads.
pub fn guard(input: impl Read + Send + 'static) -> (FrameReader, SessionEnd) {
    let (sender, receiver) = mpsc::channel(FRAMES_AHEAD);
    let end = SessionEnd::default();
    let seen = end.clone();
    std::thread::spawn(move || {
        let mut reader = std::io::BufReader::new(input);
        while let Some(frame) = read_frame(&mut reader) {
            let body = checked_body(frame, &seen);
            let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
            framed.extend_from_slice(&body);
            if sender.blocking_send(framed).is_err() {
                break;
            }
        }
    });
    (
        FrameReader {
            receiver,
            chunk: Vec::new(),
            at: 0,
        },
        end,
    )
}

/// The checked frames as a byte stream; it ends when the client's input ends.
pub struct FrameReader {
    receiver: mpsc::Receiver<Vec<u8>>,
    chunk: Vec<u8>,
    at: usize,
}

impl AsyncRead for FrameReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        while this.at == this.chunk.len() {
            match this.receiver.poll_recv(cx) {
                Poll::Ready(Some(chunk)) => {
                    this.chunk = chunk;
                    this.at = 0;
                }
                // No bytes filled: the end of the input.
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Pending => return Poll::Pending,
            }
        }
        let n = buf.remaining().min(this.chunk.len() - this.at);
        buf.put_slice(&this.chunk[this.at..this.at + n]);
        this.at += n;
        Poll::Ready(Ok(()))
    }
}

/// One frame: its body, or `None` when the header or length was unusable.
type Frame = Option<Vec<u8>>;

/// Reads the next frame; `None` at the end of the input.
fn read_frame(reader: &mut impl BufRead) -> Option<Frame> {
    let mut length = None;
    let mut header_valid = true;
    let mut lines = 0;
    loop {
        let mut line = Vec::new();
        let read = (&mut *reader)
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)
            .ok()?;
        if read == 0 {
            return None;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            // Blank lines before any header are noise between frames.
            if lines == 0 {
                continue;
            }
            break;
        }
        lines += 1;
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                length = value.trim().parse::<usize>().ok();
                header_valid &= length.is_some();
            }
            Some(_) => {}
            None => header_valid = false,
        }
    }
    let Some(length) = length.filter(|_| header_valid) else {
        return Some(None);
    };
    if length > MAX_FRAME_BYTES {
        let skipped = std::io::copy(
            &mut (&mut *reader).take(length as u64),
            &mut std::io::sink(),
        )
        .ok()?;
        return (skipped == length as u64).then_some(None);
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Some(body))
}

/// The body to hand on: the frame's own when it is a message, else a request for one
/// of the error methods.
fn checked_body(frame: Frame, end: &SessionEnd) -> Vec<u8> {
    let Some(body) = frame else {
        return error_request(NOT_JSON_METHOD);
    };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return error_request(NOT_JSON_METHOD);
    };
    if serde_json::from_value::<Response>(value.clone()).is_ok() {
        return body;
    }
    match serde_json::from_value::<Request>(value) {
        Ok(request) => {
            match (request.method(), request.id()) {
                ("shutdown", Some(_)) => end.shutdown_requested.store(true, Ordering::Relaxed),
                // A stored permit: the server stops even if it is not yet waiting.
                ("exit", None) => end.exit.notify_one(),
                _ => {}
            }
            body
        }
        Err(_) => error_request(NOT_A_MESSAGE_METHOD),
    }
}

fn error_request(method: &str) -> Vec<u8> {
    format!(r#"{{"jsonrpc":"2.0","id":null,"method":"{method}"}}"#).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(mut input: &[u8]) -> Vec<Frame> {
        let mut frames = Vec::new();
        while let Some(frame) = read_frame(&mut input) {
            frames.push(frame);
        }
        frames
    }

    #[test]
    fn frames_are_read_and_bad_headers_skipped_without_losing_the_next() {
        let input = b"Content-Length: 2\r\n\r\n{}\
            Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length:3\r\n\r\n[1]\
            garbage line\r\n\r\n\
            Content-Length: x\r\n\r\n\
            \r\nContent-Length: 4\r\n\r\nnull";
        let frames = frames(input);
        assert_eq!(
            frames,
            [
                Some(b"{}".to_vec()),
                Some(b"[1]".to_vec()),
                None,
                None,
                Some(b"null".to_vec()),
            ]
        );
        // A frame cut short by the end of the input is dropped.
        assert!(self::frames(b"Content-Length: 10\r\n\r\n{}").is_empty());
    }

    #[test]
    fn bodies_are_messages_or_requests_for_an_error_answer() {
        let end = SessionEnd::default();
        let request = br#"{"jsonrpc":"2.0","id":1,"method":"hover"}"#.to_vec();
        assert_eq!(checked_body(Some(request.clone()), &end), request);
        let response = br#"{"jsonrpc":"2.0","id":1,"result":null}"#.to_vec();
        assert_eq!(checked_body(Some(response.clone()), &end), response);
        let not_json = String::from_utf8(checked_body(Some(b"{\"id\":".to_vec()), &end));
        assert!(not_json.expect("utf-8").contains(NOT_JSON_METHOD));
        let invalid = String::from_utf8(checked_body(Some(b"[]".to_vec()), &end));
        assert!(invalid.expect("utf-8").contains(NOT_A_MESSAGE_METHOD));
        let unusable = String::from_utf8(checked_body(None, &end));
        assert!(unusable.expect("utf-8").contains(NOT_JSON_METHOD));
        assert!(!end.shutdown_requested());
        let shutdown = br#"{"jsonrpc":"2.0","id":9,"method":"shutdown"}"#.to_vec();
        checked_body(Some(shutdown), &end);
        assert!(end.shutdown_requested());
    }

    #[tokio::test]
    async fn exit_is_noticed_even_before_anyone_waits_for_it() {
        let end = SessionEnd::default();
        let request = br#"{"jsonrpc":"2.0","id":3,"method":"exit"}"#.to_vec();
        checked_body(Some(request), &end);
        let exit = br#"{"jsonrpc":"2.0","method":"exit"}"#.to_vec();
        checked_body(Some(exit), &end);
        tokio::time::timeout(std::time::Duration::from_secs(60), end.exit_received())
            .await
            .expect("the exit notification was noticed");
    }
}
