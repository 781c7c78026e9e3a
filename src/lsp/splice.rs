//! Large answers written without the protocol library's JSON tree.
//!
//! The library turns every answer into a `serde_json::Value` before it writes it: four
//! objects, eight keys and a URI string per location. For a references answer of tens
//! of thousands of locations, building, writing and dropping that tree took most of
//! the time to answer. Such an answer is serialised straight to bytes instead and held
//! here; the handler answers with one placeholder location whose URI names the held
//! bytes, and [`SplicingWriter`], which sees every frame the library writes, puts the
//! bytes in the placeholder answer's place. Only the server on standard output turns
//! this on; in process, answers stay whole.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};

use serde_json::Value;
use tokio::io::AsyncWrite;

/// The scheme of a placeholder's URI: `accord-answer:<number>`.
const SCHEME: &str = "accord-answer:";
/// Held answers kept at most: one whose request was cancelled is never written, and
/// the oldest make room for new ones.
const MAX_HELD: usize = 4;
/// A frame longer than this holds no placeholder answer, which is one location.
const MAX_PLACEHOLDER_FRAME: usize = 1024;
/// Bytes waiting for the output beyond which the writer stops taking more, so that a
/// client that does not read still holds the server back.
const MAX_WAITING: usize = 1 << 20;

/// Answers serialised ahead of their frame.
#[derive(Default)]
pub struct Splices {
    enabled: AtomicBool,
    next: AtomicU64,
    held: Mutex<VecDeque<(u64, Vec<u8>)>>,
}

impl Splices {
    /// Turns holding on: the output goes through a [`SplicingWriter`].
    pub fn enable(&self) {
        self.enabled.store(true, Ordering::Relaxed);
    }

    /// Holds the JSON of a whole result, which `answer` serialises, and returns the
    /// URI of the placeholder location to answer with; `None`, without serialising,
    /// when holding is off.
    pub fn hold(
        &self,
        answer: impl FnOnce() -> Vec<u8>,
    ) -> Option<tower_lsp_server::ls_types::Uri> {
        if !self.enabled.load(Ordering::Relaxed) {
            return None;
        }
        let answer = answer();
        let number = self.next.fetch_add(1, Ordering::Relaxed);
        let uri = format!("{SCHEME}{number}").parse().ok()?;
        let mut held = self.held();
        if held.len() == MAX_HELD {
            held.pop_front();
        }
        held.push_back((number, answer));
        Some(uri)
    }

    fn take(&self, number: u64) -> Option<Vec<u8>> {
        let mut held = self.held();
        let at = held.iter().position(|(n, _)| *n == number)?;
        held.remove(at).map(|(_, answer)| answer)
    }

    fn held(&self) -> std::sync::MutexGuard<'_, VecDeque<(u64, Vec<u8>)>> {
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The frame body to write instead of `body`, if `body` answers with a
    /// placeholder.
    fn replace(&self, body: &[u8]) -> Option<Vec<u8>> {
        if body.len() > MAX_PLACEHOLDER_FRAME
            || memchr::memmem::find(body, SCHEME.as_bytes()).is_none()
        {
            return None;
        }
        let message: Value = serde_json::from_slice(body).ok()?;
        let uri = message.get("result")?.get(0)?.get("uri")?.as_str()?;
        let number: u64 = uri.strip_prefix(SCHEME)?.parse().ok()?;
        let id = serde_json::to_string(message.get("id")?).ok()?;
        let mut replaced = Vec::new();
        replaced.extend_from_slice(br#"{"jsonrpc":"2.0","id":"#);
        replaced.extend_from_slice(id.as_bytes());
        match self.take(number) {
            Some(answer) => {
                replaced.extend_from_slice(br#","result":"#);
                replaced.extend_from_slice(&answer);
            }
            None => {
                tracing::warn!("a held answer was dropped before its frame was written");
                replaced.extend_from_slice(
                    br#","error":{"code":-32603,"message":"the answer was dropped before it was sent; ask again"}"#,
                );
            }
        }
        replaced.push(b'}');
        Some(replaced)
    }
}

/// The output of the server: frames pass unchanged, except a placeholder answer,
/// which is replaced by the answer held for it.
pub struct SplicingWriter<W> {
    inner: W,
    splices: Arc<Splices>,
    /// Bytes written to this writer not yet making a whole frame.
    incoming: Vec<u8>,
    /// Whole frames waiting for the inner writer, from `sent` on.
    waiting: Vec<u8>,
    sent: usize,
}

impl<W> SplicingWriter<W> {
    pub fn new(inner: W, splices: Arc<Splices>) -> SplicingWriter<W> {
        SplicingWriter {
            inner,
            splices,
            incoming: Vec::new(),
            waiting: Vec::new(),
            sent: 0,
        }
    }

    /// Moves every whole frame of `incoming` to `waiting`.
    fn frame(&mut self) {
        let mut start = 0;
        while let Some((header_end, length)) = frame_header(&self.incoming[start..]) {
            let end = start + header_end + length;
            if end > self.incoming.len() {
                break;
            }
            let body = &self.incoming[start + header_end..end];
            match self.splices.replace(body) {
                Some(replaced) => {
                    self.waiting.extend_from_slice(
                        format!("Content-Length: {}\r\n\r\n", replaced.len()).as_bytes(),
                    );
                    self.waiting.extend_from_slice(&replaced);
                }
                None => self.waiting.extend_from_slice(&self.incoming[start..end]),
            }
            start = end;
        }
        self.incoming.drain(..start);
    }
}

/// Where the body of the frame at the start of `bytes` begins and how long it is, once
/// its header is whole. The library's codec writes the header, so a header without a
/// length is taken as an empty body rather than a stalled output.
fn frame_header(bytes: &[u8]) -> Option<(usize, usize)> {
    let header_end = memchr::memmem::find(bytes, b"\r\n\r\n")? + 4;
    let header = std::str::from_utf8(&bytes[..header_end]).unwrap_or_default();
    let length = header
        .split("\r\n")
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    Some((header_end, length))
}

impl<W: AsyncWrite + Unpin> SplicingWriter<W> {
    /// Writes waiting frames until none is left or the inner writer is busy.
    fn poll_send(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.waiting.len() {
            let written = std::task::ready!(
                Pin::new(&mut self.inner).poll_write(cx, &self.waiting[self.sent..])
            )?;
            if written == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += written;
        }
        self.waiting.clear();
        self.sent = 0;
        Poll::Ready(Ok(()))
    }
}

impl<W: AsyncWrite + Unpin> AsyncWrite for SplicingWriter<W> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.waiting.len() - this.sent > MAX_WAITING {
            std::task::ready!(this.poll_send(cx))?;
        }
        this.incoming.extend_from_slice(buf);
        this.frame();
        // Sent as far as the inner writer takes now; the rest at the next write or flush.
        if let Poll::Ready(Err(error)) = this.poll_send(cx) {
            return Poll::Ready(Err(error));
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        std::task::ready!(this.poll_send(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        std::task::ready!(this.poll_send(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    /// Writes `frames` to a splicing writer in pieces of `piece` bytes and returns what
    /// reached the output.
    fn written(splices: &Arc<Splices>, frames: &[u8], piece: usize) -> Vec<u8> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let mut writer = SplicingWriter::new(Vec::new(), splices.clone());
            for mut chunk in frames.chunks(piece) {
                while !chunk.is_empty() {
                    let n = std::future::poll_fn(|cx| Pin::new(&mut writer).poll_write(cx, chunk))
                        .await
                        .expect("write");
                    chunk = &chunk[n..];
                }
            }
            std::future::poll_fn(|cx| Pin::new(&mut writer).poll_flush(cx))
                .await
                .expect("flush");
            writer.inner
        })
    }

    #[test]
    fn frames_without_a_placeholder_pass_unchanged_however_they_are_cut() {
        let splices = Arc::new(Splices::default());
        splices.enable();
        let mut frames = frame(
            r#"{"jsonrpc":"2.0","method":"window/logMessage","params":{"type":3,"message":"ünïcode"}}"#,
        );
        frames.extend(frame(r#"{"jsonrpc":"2.0","result":[{"uri":"file:///a.article","range":{"start":{"line":0,"character":0},"end":{"line":0,"character":1}}}],"id":4}"#));
        frames.extend(frame(&format!(
            r#"{{"jsonrpc":"2.0","result":"{}","id":5}}"#,
            "x".repeat(5000)
        )));
        for piece in [1, 7, 64, frames.len()] {
            assert_eq!(
                written(&splices, &frames, piece),
                frames,
                "pieces of {piece}"
            );
        }
    }

    #[test]
    fn a_placeholder_answer_is_replaced_by_the_held_bytes() {
        let splices = Arc::new(Splices::default());
        assert!(
            splices.hold(|| b"[]".to_vec()).is_none(),
            "holding is off until enabled"
        );
        splices.enable();
        let answer = br#"[{"uri":"file:///b.article","range":{"start":{"line":1,"character":2},"end":{"line":1,"character":5}}}]"#;
        let uri = splices.hold(|| answer.to_vec()).expect("held");
        let placeholder = format!(
            r#"{{"jsonrpc":"2.0","result":[{{"uri":"{}","range":{{"start":{{"line":0,"character":0}},"end":{{"line":0,"character":0}}}}}}],"id":"req-9"}}"#,
            uri.as_str()
        );
        let mut frames = frame(&placeholder);
        frames.extend(frame(
            r#"{"jsonrpc":"2.0","method":"$/progress","params":{}}"#,
        ));
        let out = written(&splices, &frames, 5);
        let expected_body = format!(
            r#"{{"jsonrpc":"2.0","id":"req-9","result":{}}}"#,
            std::str::from_utf8(answer).expect("utf-8")
        );
        let mut expected = frame(&expected_body);
        expected.extend(frame(
            r#"{"jsonrpc":"2.0","method":"$/progress","params":{}}"#,
        ));
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&expected)
        );
        // Taken once: the same placeholder again finds nothing held and says so.
        let again = written(&splices, &frame(&placeholder), 3);
        let body = memchr::memmem::find(&again, b"{").expect("a body");
        let again: Value = serde_json::from_slice(&again[body..]).expect("json");
        assert_eq!(again["id"], "req-9");
        assert_eq!(again["error"]["code"], -32603);
    }

    #[test]
    fn only_the_latest_answers_are_held() {
        let splices = Splices::default();
        splices.enable();
        let first = splices.hold(|| b"[1]".to_vec()).expect("held");
        for _ in 0..MAX_HELD {
            splices.hold(|| b"[2]".to_vec()).expect("held");
        }
        let number: u64 = first
            .as_str()
            .strip_prefix(SCHEME)
            .expect("scheme")
            .parse()
            .expect("number");
        assert!(splices.take(number).is_none());
        assert_eq!(splices.held().len(), MAX_HELD);
    }
}
