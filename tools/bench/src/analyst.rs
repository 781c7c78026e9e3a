//! The analyst's scenario: a folder of real articles plus many copies of one article
//! of about 10 kB, as when a release is filed again and again, and the answers an
//! analyst asks of that article: its lenses (how heavy), go to definition at every
//! entity (how many locations, how fast) and the entity timeline (in date order?).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{Value, json};

use crate::lsp_client::{Event, Failure, LspClient};
use crate::stats::Latency;

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const INDEX_TIMEOUT: Duration = Duration::from_secs(600);

/// Entity token types of the server's legend that mentions carry.
const ENTITY_TYPES: &[&str] = &["org", "person", "place", "agreement", "event", "entity"];

pub struct Scenario<'a> {
    pub accord: &'a Path,
    /// The real articles, copied as they are.
    pub articles: &'a Path,
    pub copies: usize,
    pub work: &'a Path,
    pub stderr_log: PathBuf,
}

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub real_files: usize,
    pub copies: usize,
    /// The copied article's size in bytes.
    pub copied_bytes: usize,
    pub lenses: usize,
    /// The lenses as sent, unresolved and resolved, in bytes of JSON.
    pub lens_bytes: usize,
    /// Resolved lenses whose title names an entity before its counts.
    pub lenses_naming_their_entity: usize,
    pub definition: Option<Latency>,
    pub definition_places: usize,
    pub definition_max_locations: usize,
    pub timeline: Option<Latency>,
    pub timelines: usize,
    /// Timelines whose dates never go back, undated articles last.
    pub timelines_in_date_order: usize,
    pub timeline_max_articles: usize,
    pub timeline_files_max: usize,
    pub problems: Vec<String>,
}

/// Builds the workspace in `work/analyst` (the real articles and the copies of the one
/// nearest 10 kB) and drives the server over it.
pub fn run(scenario: &Scenario) -> Report {
    let mut report = Report::default();
    match build_workspace(scenario, &mut report) {
        Ok((root, copied)) => {
            if let Err(problem) = drive(scenario, &root, &copied, &mut report) {
                report.problems.push(problem);
            }
        }
        Err(problem) => report.problems.push(problem),
    }
    report
}

fn build_workspace(scenario: &Scenario, report: &mut Report) -> Result<(PathBuf, PathBuf), String> {
    let root = scenario.work.join("analyst");
    let _ = std::fs::remove_dir_all(&root);
    let real = root.join("real");
    let copies = root.join("copies");
    for folder in [&real, &copies] {
        std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    }
    let paths = crate::corpus::article_paths(scenario.articles)
        .map_err(|e| format!("{}: {e}", scenario.articles.display()))?;
    if paths.is_empty() {
        return Err(format!(
            "{} holds no article files",
            scenario.articles.display()
        ));
    }
    let mut nearest: Option<(u64, PathBuf)> = None;
    for (i, path) in paths.iter().enumerate() {
        let target = real.join(format!("{i:03}-{}", file_name(path)));
        std::fs::copy(path, &target).map_err(|e| format!("{}: {e}", path.display()))?;
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let distance = size.abs_diff(10_000);
        if nearest.as_ref().is_none_or(|(best, _)| distance < *best) {
            nearest = Some((distance, path.clone()));
        }
    }
    report.real_files = paths.len();
    let (_, original) = nearest.ok_or("no article to copy")?;
    let text = std::fs::read(&original).map_err(|e| format!("{}: {e}", original.display()))?;
    report.copied_bytes = text.len();
    for i in 0..scenario.copies {
        let path = copies.join(format!("copy-{i:03}.article"));
        std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    report.copies = scenario.copies;
    Ok((root, copies.join("copy-000.article")))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn drive(scenario: &Scenario, root: &Path, file: &Path, report: &mut Report) -> Result<(), String> {
    let mut client = LspClient::spawn(scenario.accord, &["lsp"], &[], &scenario.stderr_log)
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let root_uri = crate::editor::file_uri(root);
    let params = json!({
        "processId": std::process::id(),
        "rootUri": root_uri,
        "workspaceFolders": [{"uri": root_uri, "name": "analyst"}],
        "capabilities": {
            "general": {"positionEncodings": ["utf-16"]},
            "window": {"workDoneProgress": true},
            "workspace": {"workspaceFolders": true, "codeLens": {"refreshSupport": true}},
            "textDocument": {
                "definition": {"linkSupport": false},
                "codeLens": {},
                "semanticTokens": {
                    "requests": {"full": true},
                    "tokenTypes": [], "tokenModifiers": [], "formats": ["relative"]
                }
            }
        }
    });
    let (answer, _) = client.request("initialize", params, REQUEST_TIMEOUT);
    let initialized = answer.map_err(|f| format!("initialize: {f:?}"))?;
    let legend = &initialized["capabilities"]["semanticTokensProvider"]["legend"]["tokenTypes"];
    let entity_types: Vec<u64> = legend
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .filter(|(_, name)| ENTITY_TYPES.contains(&name.as_str().unwrap_or("")))
        .map(|(i, _)| i as u64)
        .collect();
    let started = Instant::now();
    client.notify("initialized", json!({}));
    client
        .wait_for(started + INDEX_TIMEOUT, |event: &Event| {
            event.method == "$/progress" && event.params["value"]["kind"] == "end"
        })
        .map_err(|f| format!("indexing: {f:?}"))?;
    let text = std::fs::read_to_string(file).map_err(|e| e.to_string())?;
    let uri = crate::editor::file_uri(file);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "article", "version": 1, "text": text}}),
    );
    let document = json!({"textDocument": {"uri": uri}});

    // Lenses: what the editor receives for the file, then each resolved.
    let lenses = request(&mut client, "textDocument/codeLens", document.clone())?.0;
    let lenses = lenses.as_array().cloned().unwrap_or_default();
    report.lenses = lenses.len();
    report.lens_bytes = serde_json::to_string(&lenses).map_or(0, |s| s.len());
    for lens in lenses {
        let resolved = request(&mut client, "codeLens/resolve", lens)?.0;
        report.lens_bytes += serde_json::to_string(&resolved).map_or(0, |s| s.len());
        let title = resolved["command"]["title"].as_str().unwrap_or("");
        if title
            .split_once(" · ")
            .is_some_and(|(name, counts)| !name.trim().is_empty() && counts.contains("mention"))
        {
            report.lenses_naming_their_entity += 1;
        }
    }

    // Every entity mention of the file, from its semantic tokens.
    let tokens = request(&mut client, "textDocument/semanticTokens/full", document)?.0;
    let data: Vec<u64> = tokens["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .collect();
    let (mut line, mut character) = (0, 0);
    let mut places = Vec::new();
    for token in data.chunks_exact(5) {
        if token[0] > 0 {
            line += token[0];
            character = token[1];
        } else {
            character += token[1];
        }
        if entity_types.contains(&token[3]) {
            places.push(json!({"line": line, "character": character}));
        }
    }
    let at = |place: &Value| json!({"textDocument": {"uri": uri}, "position": place});

    let mut samples = Vec::new();
    for place in &places {
        let (answer, elapsed) = request(&mut client, "textDocument/definition", at(place))?;
        samples.push(elapsed);
        let locations = answer.as_array().map_or(0, Vec::len);
        report.definition_max_locations = report.definition_max_locations.max(locations);
    }
    report.definition_places = places.len();
    report.definition = Latency::of(&samples);

    let mut samples = Vec::new();
    for place in &places {
        let (answer, elapsed) = request(&mut client, "accord/entityTimeline", at(place))?;
        samples.push(elapsed);
        let items = answer.as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            continue;
        }
        report.timelines += 1;
        report.timeline_max_articles = report.timeline_max_articles.max(items.len());
        let files: std::collections::HashSet<&str> =
            items.iter().filter_map(|i| i["uri"].as_str()).collect();
        report.timeline_files_max = report.timeline_files_max.max(files.len());
        // Dated articles in order, then the undated ones.
        let dates: Vec<Option<&str>> = items.iter().map(|i| i["date"].as_str()).collect();
        let in_order = dates.windows(2).all(|pair| match (pair[0], pair[1]) {
            (Some(a), Some(b)) => a <= b,
            (Some(_), None) | (None, None) => true,
            (None, Some(_)) => false,
        });
        if in_order {
            report.timelines_in_date_order += 1;
        }
    }
    report.timeline = Latency::of(&samples);
    let _ = client.shutdown(Duration::from_secs(10));
    Ok(())
}

fn request(
    client: &mut LspClient,
    method: &str,
    params: Value,
) -> Result<(Value, Duration), String> {
    let (answer, elapsed) = client.request(method, params, REQUEST_TIMEOUT);
    match answer {
        Ok(value) => Ok((value, elapsed)),
        Err(Failure::Error(error)) => Err(format!("{method}: {error}")),
        Err(failure) => Err(format!("{method}: {failure:?}")),
    }
}
