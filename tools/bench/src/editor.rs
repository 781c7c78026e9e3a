//! The language server driven the way an editor drives it: open a workspace and wait
//! for indexing to finish, open a file, type single characters and wait for each
//! round of diagnostics, then ask for hovers, definitions, references and semantic
//! tokens at seeded random places. Every figure is measured from the moment the
//! message is sent to the moment the answer is read off the server's output.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{Value, json};

use crate::lsp_client::{Event, Failure, LspClient};
use crate::stats::{Latency, Rng};

/// How many times each kind of request is made.
#[derive(Clone, Copy, Debug)]
pub struct Counts {
    pub edits: usize,
    pub lookups: usize,
    pub full_tokens: usize,
    pub range_tokens: usize,
}

/// Lines of a semantic-tokens range request: about a screenful.
const SCREEN_LINES: usize = 60;

/// A series of timed requests, or why it stopped.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Series {
    pub latency: Option<Latency>,
    /// Requests whose answer was not empty.
    pub answered: usize,
    /// Why the series stopped early, if it did.
    pub problem: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct EditorReport {
    pub workspace_files: usize,
    pub workspace_mb: f64,
    pub articles: u64,
    pub file: String,
    pub file_mb: f64,
    /// `initialized` to the end of the indexing progress.
    pub index_s: Option<f64>,
    /// `initialized` to the last diagnostics published for the indexed workspace.
    pub workspace_diagnostics_s: Option<f64>,
    pub rss_after_index_mb: Option<f64>,
    pub peak_rss_mb: Option<f64>,
    pub open_to_diagnostics_ms: Option<f64>,
    pub change_to_diagnostics: Series,
    pub hover: Series,
    pub definition: Series,
    pub references: Series,
    /// The same references asked with a `partialResultToken`: to the first batch.
    pub references_first_batch: Series,
    /// And to the (empty) answer after the last batch.
    pub references_streamed: Series,
    pub semantic_tokens_full: Series,
    pub semantic_tokens_range: Series,
    /// A saved change to `accord.toml` to the end of the reload's progress.
    pub reload_s: Option<f64>,
    /// Hovers asked one after another while that reload runs.
    pub hover_during_reload: Series,
    /// A second server on the same folder, reading the index cache the first saved:
    /// `initialized` to the end of the indexing progress.
    pub warm_index_s: Option<f64>,
    pub warm_workspace_diagnostics_s: Option<f64>,
    pub warm_rss_after_index_mb: Option<f64>,
    /// What went wrong outside a series: start-up, indexing, shutdown.
    pub problems: Vec<String>,
}

/// Bounded waits: long enough for a slow machine, short enough to never hang.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const INDEX_TIMEOUT: Duration = Duration::from_secs(600);
/// Diagnostics for the indexed workspace are taken as complete after this long
/// without any message from the server.
const QUIET: Duration = Duration::from_secs(2);

pub struct Scenario<'a> {
    pub accord: &'a Path,
    pub workspace: &'a Path,
    pub articles: u64,
    /// The workspace file that is opened and edited.
    pub file: PathBuf,
    pub threads: usize,
    pub seed: u64,
    pub counts: Counts,
    pub stderr_log: PathBuf,
    /// The servers' index cache (`ACCORD_CACHE_DIR`): emptied before the first, cold,
    /// start and read by the second, warm, one.
    pub cache_dir: PathBuf,
}

pub fn run(scenario: &Scenario) -> EditorReport {
    let mut report = EditorReport {
        articles: scenario.articles,
        file: scenario.file.display().to_string(),
        ..EditorReport::default()
    };
    let files = crate::corpus::article_paths(scenario.workspace).unwrap_or_default();
    report.workspace_files = files.len();
    report.workspace_mb = crate::corpus::total_bytes(&files) as f64 / 1e6;
    let text = match std::fs::read_to_string(&scenario.file) {
        Ok(text) => text,
        Err(error) => {
            report
                .problems
                .push(format!("cannot read the file: {error}"));
            return report;
        }
    };
    report.file_mb = text.len() as f64 / 1e6;
    let _ = std::fs::remove_dir_all(&scenario.cache_dir);
    let envs = [
        ("RAYON_NUM_THREADS", scenario.threads.to_string()),
        ("ACCORD_CACHE_DIR", scenario.cache_dir.display().to_string()),
    ];
    let mut client = match LspClient::spawn(scenario.accord, &["lsp"], &envs, &scenario.stderr_log)
    {
        Ok(client) => client,
        Err(error) => {
            report
                .problems
                .push(format!("cannot start the server: {error}"));
            return report;
        }
    };
    if let Err(problem) = index(&mut client, scenario, &mut report) {
        report.problems.push(problem);
        return report;
    }
    let document = Document::new(&text);
    let uri = file_uri(&scenario.file);
    let mut rng = Rng::new(scenario.seed);
    if let Err(problem) = edit(
        &mut client,
        &uri,
        &text,
        &document,
        scenario,
        &mut rng,
        &mut report,
    ) {
        report.problems.push(problem);
        return report;
    }
    let places: Vec<Value> = (0..scenario.counts.lookups)
        .map(|i| document.word_position(&mut rng, i % 2 == 0))
        .collect();
    let at = |i: usize| json!({"textDocument": {"uri": uri}, "position": places[i]});
    report.hover = series(&mut client, "textDocument/hover", places.len(), at);
    report.definition = series(&mut client, "textDocument/definition", places.len(), at);
    report.references = series(&mut client, "textDocument/references", places.len(), |i| {
        let mut params = at(i);
        params["context"] = json!({"includeDeclaration": true});
        params
    });
    (report.references_first_batch, report.references_streamed) =
        streamed_references(&mut client, places.len(), |i| {
            let mut params = at(i);
            params["context"] = json!({"includeDeclaration": true});
            params["partialResultToken"] = json!(format!("references-{i}"));
            params
        });
    report.semantic_tokens_full = series(
        &mut client,
        "textDocument/semanticTokens/full",
        scenario.counts.full_tokens,
        |_| json!({"textDocument": {"uri": uri}}),
    );
    let screens: Vec<Value> = (0..scenario.counts.range_tokens)
        .map(|_| {
            let first = rng.below(document.lines.len().saturating_sub(SCREEN_LINES).max(1));
            let last = (first + SCREEN_LINES).min(document.lines.len());
            json!({"start": {"line": first, "character": 0},
                   "end": {"line": last, "character": 0}})
        })
        .collect();
    report.semantic_tokens_range = series(
        &mut client,
        "textDocument/semanticTokens/range",
        screens.len(),
        |i| json!({"textDocument": {"uri": uri}, "range": screens[i]}),
    );
    match reload(&mut client, scenario, &uri, &places) {
        Ok((seconds, hovers)) => {
            report.reload_s = Some(seconds);
            report.hover_during_reload = hovers;
        }
        Err(problem) => report.problems.push(problem),
    }
    if let Err(failure) = client.shutdown(Duration::from_secs(10)) {
        report.problems.push(format!("shutdown: {failure:?}"));
    }
    // A second start on the same folder reads what the first one saved.
    let warm_log = scenario.stderr_log.with_extension("warm.log");
    match LspClient::spawn(scenario.accord, &["lsp"], &envs, &warm_log) {
        Ok(mut client) => {
            let mut warm = EditorReport::default();
            match index(&mut client, scenario, &mut warm) {
                Ok(()) => {
                    report.warm_index_s = warm.index_s;
                    report.warm_workspace_diagnostics_s = warm.workspace_diagnostics_s;
                    report.warm_rss_after_index_mb = warm.rss_after_index_mb;
                }
                Err(problem) => report.problems.push(format!("warm start: {problem}")),
            }
            if let Err(failure) = client.shutdown(Duration::from_secs(10)) {
                report.problems.push(format!("warm shutdown: {failure:?}"));
            }
        }
        Err(error) => report
            .problems
            .push(format!("cannot start the server again: {error}")),
    }
    report
}

/// Initializes with the workspace folder and waits for indexing and its diagnostics.
fn index(
    client: &mut LspClient,
    scenario: &Scenario,
    report: &mut EditorReport,
) -> Result<(), String> {
    let root = file_uri(scenario.workspace);
    let params = json!({
        "processId": std::process::id(),
        "rootUri": root,
        "workspaceFolders": [{"uri": root, "name": "bench"}],
        "capabilities": {
            "general": {"positionEncodings": ["utf-16"]},
            "window": {"workDoneProgress": true},
            "workspace": {
                "configuration": true,
                "workspaceFolders": true,
                "didChangeWatchedFiles": {"dynamicRegistration": true},
                "semanticTokens": {"refreshSupport": true},
                "inlayHint": {"refreshSupport": true}
            },
            "textDocument": {
                "synchronization": {"didSave": true},
                "publishDiagnostics": {"versionSupport": true, "relatedInformation": true},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "definition": {"linkSupport": true},
                "references": {},
                "semanticTokens": {
                    "requests": {"range": true, "full": {"delta": true}},
                    "tokenTypes": [], "tokenModifiers": [], "formats": ["relative"]
                }
            }
        }
    });
    let (answer, _) = client.request("initialize", params, REQUEST_TIMEOUT);
    let capabilities = answer.map_err(|failure| format!("initialize: {failure:?}"))?;
    let encoding = &capabilities["capabilities"]["positionEncoding"];
    if encoding != "utf-16" {
        return Err(format!("the server chose position encoding {encoding}"));
    }
    let started = Instant::now();
    client.notify("initialized", json!({}));
    let end = client
        .wait_for(started + INDEX_TIMEOUT, |event| {
            event.method == "$/progress" && event.params["value"]["kind"] == "end"
        })
        .map_err(|failure| format!("indexing: no end of progress ({failure:?})"))?;
    report.index_s = Some(end.at.duration_since(started).as_secs_f64());
    // Diagnostics of the indexed workspace follow; they are complete once the server
    // has been quiet for a while.
    let mut last = end.at;
    loop {
        match client.wait_for(Instant::now() + QUIET, |_| true) {
            Ok(Event { at, method, .. }) => {
                if method == "textDocument/publishDiagnostics" {
                    last = at;
                }
            }
            Err(Failure::Timeout) => break,
            Err(failure) => return Err(format!("after indexing: {failure:?}")),
        }
    }
    report.workspace_diagnostics_s = Some(last.duration_since(started).as_secs_f64());
    let (rss, peak) = crate::system::memory_mb(client.pid());
    report.rss_after_index_mb = rss;
    report.peak_rss_mb = peak;
    Ok(())
}

/// Saves a changed `accord.toml` (a comment added: every file is analysed again all
/// the same), tells the server as an editor's file watcher does, and asks for hovers
/// one after another until the reload's progress ends. Restores the file afterwards.
fn reload(
    client: &mut LspClient,
    scenario: &Scenario,
    uri: &str,
    places: &[Value],
) -> Result<(f64, Series), String> {
    let config = scenario.workspace.join("accord.toml");
    let original = std::fs::read_to_string(&config).ok();
    let changed = format!(
        "{}\n# Changed to measure a reload.\n",
        original.as_deref().unwrap_or("")
    );
    std::fs::write(&config, changed).map_err(|e| format!("cannot write accord.toml: {e}"))?;
    let started = Instant::now();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&config), "type": if original.is_some() { 2 } else { 1 }}]}),
    );
    let mut token = None;
    let mut ended = None;
    let mut samples = Vec::new();
    let mut series = Series::default();
    let deadline = started + INDEX_TIMEOUT;
    while ended.is_none() && Instant::now() < deadline {
        if !places.is_empty() {
            let at = json!({"textDocument": {"uri": uri}, "position": places[samples.len() % places.len()]});
            let (answer, elapsed) = client.request("textDocument/hover", at, REQUEST_TIMEOUT);
            match answer {
                Ok(result) => {
                    samples.push(elapsed);
                    if !is_empty_answer(&result) {
                        series.answered += 1;
                    }
                }
                Err(failure) => {
                    series.problem = Some(format!("hover {}: {failure:?}", samples.len()));
                    break;
                }
            }
        }
        // Reads what arrived meanwhile, without waiting.
        let wait = if places.is_empty() {
            deadline
        } else {
            Instant::now()
        };
        let _ = client.wait_for(wait, |event| {
            let value = &event.params["value"];
            if event.method == "$/progress" && value["title"] == "Reloading configuration" {
                token = Some(event.params["token"].clone());
            }
            let done = event.method == "$/progress"
                && value["kind"] == "end"
                && token.as_ref() == Some(&event.params["token"]);
            if done {
                ended = Some(event.at);
            }
            done
        });
    }
    let restored = original.is_some();
    match original {
        Some(text) => std::fs::write(&config, text),
        None => std::fs::remove_file(&config),
    }
    .map_err(|e| format!("cannot restore accord.toml: {e}"))?;
    // Told as a file watcher tells it, so the server's configuration is the one on
    // disk again (and the index it saves on exit is the folder's).
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&config), "type": if restored { 2 } else { 3 }}]}),
    );
    client
        .wait_for(Instant::now() + INDEX_TIMEOUT, |event| {
            event.method == "$/progress" && event.params["value"]["kind"] == "end"
        })
        .map_err(|failure| format!("the restoring reload did not end ({failure:?})"))?;
    series.latency = Latency::of(&samples);
    let ended = ended.ok_or("the reload's progress did not end")?;
    Ok((ended.duration_since(started).as_secs_f64(), series))
}

/// Opens the file, then types and deletes single characters, each timed to the
/// diagnostics published for its version.
fn edit(
    client: &mut LspClient,
    uri: &str,
    text: &str,
    document: &Document,
    scenario: &Scenario,
    rng: &mut Rng,
    report: &mut EditorReport,
) -> Result<(), String> {
    let sent = Instant::now();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "article", "version": 1, "text": text}}),
    );
    let opened = wait_diagnostics(client, uri, 1, sent + REQUEST_TIMEOUT)
        .map_err(|failure| format!("didOpen: no diagnostics ({failure:?})"))?;
    report.open_to_diagnostics_ms = Some(opened.duration_since(sent).as_secs_f64() * 1e3);
    let mut samples = Vec::new();
    let mut series = Series::default();
    let mut version = 1;
    // Each insert is followed by the delete that undoes it, so the text stays the
    // one on disk and later requests see the indexed file.
    let mut place = json!(null);
    for i in 0..scenario.counts.edits {
        version += 1;
        let change = if i % 2 == 0 {
            place = document.any_position(rng);
            json!({"range": {"start": place, "end": place}, "text": "x"})
        } else {
            undo_insert(&place)
        };
        let sent = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
        );
        match wait_diagnostics(client, uri, version, sent + REQUEST_TIMEOUT) {
            Ok(at) => {
                samples.push(at.duration_since(sent));
                series.answered += 1;
            }
            Err(failure) => {
                series.problem = Some(format!("edit {i}: {failure:?}"));
                break;
            }
        }
    }
    // An odd count leaves an inserted character behind: take it back out.
    if scenario.counts.edits % 2 == 1 && series.problem.is_none() {
        version += 1;
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [undo_insert(&place)]}),
        );
        let _ = wait_diagnostics(client, uri, version, Instant::now() + REQUEST_TIMEOUT);
    }
    series.latency = Latency::of(&samples);
    report.change_to_diagnostics = series;
    Ok(())
}

/// The change that deletes the one character inserted at `place`.
fn undo_insert(place: &Value) -> Value {
    let mut after = place.clone();
    after["character"] = json!(place["character"].as_u64().unwrap_or(0) + 1);
    json!({"range": {"start": place, "end": after}, "text": ""})
}

/// When the diagnostics of `uri` at `version` arrived.
fn wait_diagnostics(
    client: &LspClient,
    uri: &str,
    version: i64,
    deadline: Instant,
) -> Result<Instant, Failure> {
    client
        .wait_for(deadline, |event| {
            event.method == "textDocument/publishDiagnostics"
                && event.params["uri"] == uri
                && event.params["version"]
                    .as_i64()
                    .is_none_or(|v| v == version)
        })
        .map(|event| event.at)
}

/// `count` requests of `method`, one at a time; a failure ends the series.
fn series(
    client: &mut LspClient,
    method: &str,
    count: usize,
    params: impl Fn(usize) -> Value,
) -> Series {
    let mut samples = Vec::with_capacity(count);
    let mut series = Series::default();
    for i in 0..count {
        let (answer, elapsed) = client.request(method, params(i), REQUEST_TIMEOUT);
        match answer {
            Ok(result) => {
                samples.push(elapsed);
                if !is_empty_answer(&result) {
                    series.answered += 1;
                }
            }
            Err(failure) => {
                series.problem = Some(format!("request {i}: {failure:?}"));
                break;
            }
        }
    }
    series.latency = Latency::of(&samples);
    series
}

/// References asked with a partial-result token, as a client that shows results as
/// they come asks them: the time to the first batch, and to the answer that follows
/// the last one. A request counts as answered when its batches held a location.
fn streamed_references(
    client: &mut LspClient,
    count: usize,
    params: impl Fn(usize) -> Value,
) -> (Series, Series) {
    let (mut first, mut whole) = (Series::default(), Series::default());
    let (mut to_first, mut to_answer) = (Vec::new(), Vec::new());
    // Whatever arrived before belongs to earlier work.
    client.take_events();
    for i in 0..count {
        let params = params(i);
        let token = params["partialResultToken"].clone();
        let sent = Instant::now();
        let (answer, elapsed) = client.request("textDocument/references", params, REQUEST_TIMEOUT);
        if let Err(failure) = answer {
            let problem = Some(format!("request {i}: {failure:?}"));
            (first.problem, whole.problem) = (problem.clone(), problem);
            break;
        }
        // The server sends every batch before the answer, so they have all arrived.
        let batches: Vec<_> = client
            .take_events()
            .into_iter()
            .filter(|e| e.method == "$/progress" && e.params["token"] == token)
            .collect();
        to_answer.push(elapsed);
        let locations: usize = batches
            .iter()
            .map(|e| e.params["value"].as_array().map_or(0, Vec::len))
            .sum();
        if let Some(batch) = batches.first() {
            to_first.push(batch.at.saturating_duration_since(sent));
        }
        if locations > 0 {
            first.answered += 1;
            whole.answered += 1;
        }
    }
    first.latency = Latency::of(&to_first);
    whole.latency = Latency::of(&to_answer);
    (first, whole)
}

fn is_empty_answer(result: &Value) -> bool {
    match result {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => fields
            .get("data")
            .is_some_and(|data| data.as_array().is_none_or(Vec::is_empty)),
        _ => false,
    }
}

/// A `file://` URI, with the bytes a URI may not hold percent-encoded.
pub fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// The lines of the opened file, to pick positions in the client's units (UTF-16).
struct Document<'a> {
    lines: Vec<&'a str>,
    /// Byte ranges (line, start, end) of the text of every tag, `[text]{…}`.
    tags: Vec<(usize, usize, usize)>,
}

impl<'a> Document<'a> {
    fn new(text: &'a str) -> Document<'a> {
        let lines: Vec<&str> = text.split('\n').collect();
        let mut tags = Vec::new();
        for (number, line) in lines.iter().enumerate() {
            let mut from = 0;
            while let Some(open) = line[from..].find('[').map(|i| from + i) {
                let Some(close) = line[open..].find("]{").map(|i| open + i) else {
                    break;
                };
                if let Some(inner) = line[open + 1..close].rfind('[') {
                    // A bracket inside the text: the tag starts at the last one.
                    tags.push((number, open + 1 + inner + 1, close));
                } else {
                    tags.push((number, open + 1, close));
                }
                from = close + 2;
            }
        }
        Document { lines, tags }
    }

    fn position(&self, line: usize, byte: usize) -> Value {
        let character = self.lines[line][..byte].encode_utf16().count();
        json!({"line": line, "character": character})
    }

    /// A position on a letter or digit: inside a tag's text when `in_tag` (and the file
    /// has tags), else anywhere.
    fn word_position(&self, rng: &mut Rng, in_tag: bool) -> Value {
        if in_tag && !self.tags.is_empty() {
            let (line, start, end) = self.tags[rng.below(self.tags.len())];
            if let Some(byte) = pick_word_char(&self.lines[line][start..end], rng) {
                return self.position(line, start + byte);
            }
        }
        for _ in 0..1000 {
            let line = rng.below(self.lines.len());
            if let Some(byte) = pick_word_char(self.lines[line], rng) {
                return self.position(line, byte);
            }
        }
        self.position(0, 0)
    }

    /// Any character boundary of any line, the end of a line included.
    fn any_position(&self, rng: &mut Rng) -> Value {
        let line = rng.below(self.lines.len());
        let text = self.lines[line];
        let boundaries: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        self.position(line, boundaries[rng.below(boundaries.len())])
    }
}

/// The byte offset of a random letter or digit of `text`.
fn pick_word_char(text: &str, rng: &mut Rng) -> Option<usize> {
    let words: Vec<usize> = text
        .char_indices()
        .filter(|(_, c)| c.is_alphanumeric())
        .map(|(i, _)| i)
        .collect();
    (!words.is_empty()).then(|| words[rng.below(words.len())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_tags_are_found() {
        let text = "Ça [Seoul]{loc} and [𝒜 Corp]{org key=a}\nplain line";
        let document = Document::new(text);
        assert_eq!(document.lines.len(), 2);
        let tag_texts: Vec<&str> = document
            .tags
            .iter()
            .map(|&(line, start, end)| &document.lines[line][start..end])
            .collect();
        assert_eq!(tag_texts, ["Seoul", "𝒜 Corp"]);
        // `𝒜` is two UTF-16 units and four bytes.
        let corp = text.find("Corp").expect("Corp");
        let position = document.position(0, corp);
        assert_eq!(position["character"], text[..corp].encode_utf16().count());
        assert_eq!(position["character"], 24);
        let mut rng = Rng::new(9);
        for _ in 0..50 {
            let place = document.word_position(&mut rng, true);
            let line = place["line"].as_u64().expect("line") as usize;
            assert_eq!(line, 0, "tags are on the first line");
        }
        for _ in 0..50 {
            let place = document.any_position(&mut rng);
            let line = document.lines[place["line"].as_u64().expect("line") as usize];
            let units = line.encode_utf16().count() as u64;
            assert!(place["character"].as_u64().expect("character") <= units);
        }
    }

    #[test]
    fn uris_escape_what_a_path_may_hold() {
        assert_eq!(
            file_uri(Path::new("/tmp/a b/c#d.article")),
            "file:///tmp/a%20b/c%23d.article"
        );
    }

    #[test]
    fn empty_answers_are_told_apart() {
        assert!(is_empty_answer(&Value::Null));
        assert!(is_empty_answer(&json!([])));
        assert!(is_empty_answer(&json!({"data": []})));
        assert!(!is_empty_answer(&json!({"data": [0, 1, 2, 0, 0]})));
        assert!(!is_empty_answer(&json!({"contents": "x"})));
        assert!(!is_empty_answer(&json!([{"uri": "file:///a"}])));
    }
}
