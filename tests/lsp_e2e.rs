//! End-to-end tests of `accord lsp`: the real binary over standard input and output with
//! Content-Length framing, as an editor drives it.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::{Client, initialize_simple, position, range, uri, wait_for_indexing};
use serde_json::{Value, json};

/// A copy of the example workspace in a temporary folder.
fn example_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    copy_dir(&examples, dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn initialize(client: &mut Client, root: &Path, encodings: &[&str], pull: bool) -> Value {
    initialize_with(client, root, encodings, pull, Value::Null)
}

fn initialize_with(
    client: &mut Client,
    root: &Path,
    encodings: &[&str],
    pull: bool,
    options: Value,
) -> Value {
    let mut text_document = json!({
        "semanticTokens": {
            "requests": {"full": {"delta": true}, "range": true},
            "tokenTypes": [],
            "tokenModifiers": [],
            "formats": ["relative"],
        },
        "synchronization": {"dynamicRegistration": false},
    });
    if pull {
        text_document["diagnostic"] = json!({"dynamicRegistration": false});
    }
    let result = client.call(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(root),
            "workspaceFolders": [{"uri": uri(root), "name": "examples"}],
            "capabilities": {
                "general": {"positionEncodings": encodings},
                "window": {"workDoneProgress": true},
                "workspace": {
                    "didChangeWatchedFiles": {"dynamicRegistration": true},
                    // As VS Code says: it asks again when told to refresh.
                    "semanticTokens": {"refreshSupport": true},
                    "diagnostics": {"refreshSupport": true},
                    "inlayHint": {"refreshSupport": true},
                },
                "textDocument": text_document,
            },
            "trace": "off",
            "initializationOptions": options,
        }),
    );
    client.notify("initialized", json!({}));
    result
}

/// The text of a document with an en dash, an accented letter and an emoji on the
/// line that is edited, and a tag after them.
const DOCUMENT: &str =
    "Talks \u{1F600} café – in [Seoul]{place}\nOfficials met on Monday.\ndate2025-12-10\n";

fn unknown_type_range(diagnostics: &[Value]) -> Option<Value> {
    diagnostics
        .iter()
        .find(|d| d["code"] == "unknown-type")
        .map(|d| d["range"].clone())
}

/// Column of the tag type `place` in `DOCUMENT`, in UTF-16 units and in bytes.
const TYPE_COL_UTF16: u32 = 27;
const TYPE_COL_UTF8: u32 = 32;

fn edit_and_check(client: &mut Client, doc_uri: &str, type_col: u32, emoji_width: u32) {
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc_uri, "languageId": "article", "version": 1, "text": DOCUMENT}}),
    );
    let diagnostics = client.diagnostics(doc_uri, 1);
    assert_eq!(unknown_type_range(&diagnostics), None, "{diagnostics:?}");

    // Two changes in one notification: misspell the type, then insert an emoji at the
    // start of the line, which moves the misspelling by the emoji's width.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": doc_uri, "version": 2},
            "contentChanges": [
                {"range": range((0, type_col + 2), (0, type_col + 2)), "text": "a"},
                {"range": range((0, 0), (0, 0)), "text": "\u{1F30D}"},
            ],
        }),
    );
    let diagnostics = client.diagnostics(doc_uri, 2);
    let start = type_col + emoji_width;
    assert_eq!(
        unknown_type_range(&diagnostics),
        Some(range((0, start), (0, start + 6))),
        "{diagnostics:?}"
    );

    // A stale version is ignored; a reversed range is rejected; the text stays.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": doc_uri, "version": 2},
            "contentChanges": [{"range": range((0, 0), (0, 0)), "text": "xx"}],
        }),
    );
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": doc_uri, "version": 3},
            "contentChanges": [{"range": range((0, 5), (0, 1)), "text": "yy"}],
        }),
    );
    let diagnostics = client.diagnostics(doc_uri, 3);
    assert_eq!(
        unknown_type_range(&diagnostics),
        Some(range((0, start), (0, start + 6))),
        "{diagnostics:?}"
    );

    // Undo the misspelling with a range past the end of the line, which clamps.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": doc_uri, "version": 4},
            "contentChanges": [{"range": range((0, start), (0, 999)), "text": "place}"}],
        }),
    );
    let diagnostics = client.diagnostics(doc_uri, 4);
    assert_eq!(unknown_type_range(&diagnostics), None, "{diagnostics:?}");
}

#[test]
fn utf16_session_edits_and_answers_every_request() {
    let workspace = example_workspace();
    let root = workspace.path();
    let mut client = Client::start();
    let init = initialize(&mut client, root, &["utf-16"], false);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);
    let legend = &init["capabilities"]["semanticTokensProvider"]["legend"];
    assert!(
        legend["tokenTypes"]
            .as_array()
            .is_some_and(|t| t.len() >= 8)
    );
    // Four example articles, the configuration and its two knowledge-base files, and
    // the evaluation folder's configuration and three articles.
    assert_eq!(wait_for_indexing(&mut client), 11);
    assert!(
        client
            .server_requests
            .iter()
            .any(|m| m == "client/registerCapability"),
        "{:?}",
        client.server_requests
    );
    assert!(
        client
            .server_requests
            .iter()
            .any(|m| m == "window/workDoneProgress/create")
    );

    let doc_path = root.join("edited.article");
    std::fs::write(&doc_path, "").expect("write");
    let doc_uri = uri(&doc_path);
    edit_and_check(&mut client, &doc_uri, TYPE_COL_UTF16, 2);

    // The configuration excludes the broken examples from indexing, so their problems
    // are not published.
    let broken = uri(&root.join("broken/unknown-type.article"));
    assert!(
        !client
            .notifications
            .iter()
            .any(|n| n["params"]["uri"] == broken.as_str()),
        "excluded files were indexed"
    );

    answers_every_request(&mut client, &doc_uri, root);

    // With tracing on, the server traces what it does.
    client.notify("$/setTrace", json!({"value": "messages"}));
    let traced = uri(&root.join("traced.article"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": traced, "languageId": "article", "version": 1, "text": "T\n"}}),
    );
    client.wait_for("logTrace", |n| {
        n["method"] == "$/logTrace"
            && n["params"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("traced.article"))
    });

    // A file created on disk and announced by the watcher is indexed and checked.
    let created = root.join("created.article");
    std::fs::write(&created, "Talks\n[Seoul]{plaace} met.\ndate2025-12-10\n").expect("write");
    let created_uri = uri(&created);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": created_uri, "type": 1}]}),
    );
    let published = client.wait_for("diagnostics of the created file", |n| {
        n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == created_uri
    });
    let diagnostics = published["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        unknown_type_range(&diagnostics),
        Some(range((1, 8), (1, 14))),
        "{published}"
    );
    client.shutdown();
}

#[test]
fn utf8_session_counts_bytes() {
    let workspace = example_workspace();
    let root = workspace.path();
    let mut client = Client::start();
    let init = initialize(&mut client, root, &["utf-8", "utf-16"], true);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    assert!(init["capabilities"]["diagnosticProvider"].is_object());
    let doc_path = root.join("edited.article");
    std::fs::write(&doc_path, "").expect("write");
    let doc_uri = uri(&doc_path);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc_uri, "languageId": "article", "version": 1, "text": DOCUMENT}}),
    );
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": doc_uri, "version": 2},
            "contentChanges": [
                {"range": range((0, TYPE_COL_UTF8 + 2), (0, TYPE_COL_UTF8 + 2)), "text": "a"},
                {"range": range((0, 0), (0, 0)), "text": "\u{1F30D}"},
            ],
        }),
    );
    // A pulling client asks; the answer reflects every change sent before.
    let report = client.call(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": doc_uri}}),
    );
    assert_eq!(report["kind"], "full");
    let items = report["items"].as_array().cloned().unwrap_or_default();
    let start = TYPE_COL_UTF8 + 4;
    assert_eq!(
        unknown_type_range(&items),
        Some(range((0, start), (0, start + 6))),
        "{items:?}"
    );
    // Indexing ends with refreshes of what other files teach, sent without `params`
    // (the client checks every message for `"params": null`).
    client.wait_for_server_request("workspace/semanticTokens/refresh");
    client.wait_for_server_request("workspace/diagnostic/refresh");
    // Nothing is pushed for the document the client pulls, or each problem would show
    // twice; a round trip lets any push scheduled by the edits arrive first.
    client.call(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": doc_uri}}),
    );
    let pushed: Vec<&Value> = client
        .notifications
        .iter()
        .filter(|n| {
            n["method"] == "textDocument/publishDiagnostics"
                && n["params"]["uri"] == doc_uri.as_str()
                && n["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| !d.is_empty())
        })
        .collect();
    assert!(pushed.is_empty(), "{pushed:?}");
    client.shutdown();
}

#[test]
fn client_settings_change_severities_and_files() {
    let workspace = example_workspace();
    let root = workspace.path();
    std::fs::create_dir_all(root.join("notes")).expect("mkdir");
    std::fs::write(
        root.join("notes/brief.txt"),
        "Brief\ndate2025-12-10\n[Busan]{place} hosts the talks.\n",
    )
    .expect("write");
    let mut client = Client::start();
    let options = json!({
        "diagnostics": {"severity": {"unknown-type": "off"}},
        "files": {"include": ["notes/*.txt"]},
    });
    initialize_with(&mut client, root, &["utf-16"], false, options);
    wait_for_indexing(&mut client);
    let doc_path = root.join("edited.article");
    std::fs::write(&doc_path, "").expect("write");
    let doc_uri = uri(&doc_path);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc_uri, "languageId": "article", "version": 1, "text": DOCUMENT.replace("{place}", "{plase}")}}),
    );
    let diagnostics = client.diagnostics(&doc_uri, 1);
    assert_eq!(unknown_type_range(&diagnostics), None, "{diagnostics:?}");
    // The .txt file is an article by the client's globs: it is indexed.
    let txt_uri = uri(&root.join("notes/brief.txt"));
    let symbols = client.call(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": txt_uri}}),
    );
    assert_eq!(symbols[0]["name"], "Brief", "{symbols}");

    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"accord": {"diagnostics": {"severity": {"unknown-type": "hint"}}, "files": {"include": ["notes/*.txt"]}}}}),
    );
    // Publications sent before the change may still be on their way; the first one
    // with the code back on carries the client's severity.
    let published = client.wait_for("unknown-type back on", |n| {
        n["method"] == "textDocument/publishDiagnostics"
            && n["params"]["uri"] == doc_uri.as_str()
            && n["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().any(|d| d["code"] == "unknown-type"))
    });
    let unknown = published["params"]["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|d| d["code"] == "unknown-type")
        .cloned()
        .unwrap_or_default();
    assert_eq!(unknown["severity"], 4, "{unknown}");
    client.shutdown();
}

/// Line lengths of a text in UTF-16 units, to check that positions lie inside it.
fn line_lengths(text: &str) -> Vec<u32> {
    text.split('\n')
        .map(|line| line.encode_utf16().count() as u32)
        .collect()
}

fn assert_position_inside(position: &Value, lines: &[u32], what: &str) {
    let line = position["line"].as_u64().expect("line") as usize;
    let character = position["character"].as_u64().expect("character") as u32;
    assert!(line < lines.len(), "{what}: line {line} past the end");
    assert!(
        character <= lines[line],
        "{what}: column {character} past the end of line {line}"
    );
}

fn answers_every_request(client: &mut Client, doc_uri: &str, root: &Path) {
    let annotated_path: PathBuf = root.join("annotated.article");
    let annotated = uri(&annotated_path);
    let text = std::fs::read_to_string(&annotated_path).expect("read annotated");
    let lines = line_lengths(&text);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": annotated, "languageId": "article", "version": 1, "text": text}}),
    );
    let doc = json!({"uri": annotated});
    // On `Korea` of the first tag.
    let at = json!({"textDocument": doc, "position": position(0, 2)});

    let full = client.call(
        "textDocument/semanticTokens/full",
        json!({"textDocument": doc}),
    );
    let data = full["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(data.len() % 5, 0);
    let (mut line, mut col) = (0u64, 0u64);
    for token in data.chunks(5) {
        let delta_line = token[0].as_u64().expect("u32");
        col = if delta_line == 0 { col } else { 0 } + token[1].as_u64().expect("u32");
        line += delta_line;
        let end = col + token[2].as_u64().expect("u32");
        assert!(end as u32 <= lines[line as usize], "token past its line");
    }
    let result_id = full["resultId"].as_str().expect("result id").to_owned();
    let delta = client.call(
        "textDocument/semanticTokens/full/delta",
        json!({"textDocument": doc, "previousResultId": result_id}),
    );
    // Nothing changed: a delta without edits.
    assert_eq!(delta["edits"], json!([]), "{delta}");
    let ranged = client.call(
        "textDocument/semanticTokens/range",
        json!({"textDocument": doc, "range": range((0, 0), (2, 0))}),
    );
    assert!(ranged["data"].is_array());

    let hover = client.call("textDocument/hover", at.clone());
    assert_eq!(hover["contents"]["kind"], "markdown", "{hover}");
    assert_position_inside(&hover["range"]["end"], &lines, "hover");
    let definition = client.call("textDocument/definition", at.clone());
    let targets: Vec<&str> = definition
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l["uri"].as_str())
        .collect();
    assert!(
        targets.iter().any(|t| *t != annotated),
        "definition stays in the file: {definition}"
    );
    for method in ["textDocument/declaration", "textDocument/documentHighlight"] {
        let result = client.call(method, at.clone());
        assert!(result.is_null() || result.is_array(), "{method}: {result}");
    }
    let highlights = client.call("textDocument/documentHighlight", at.clone());
    assert!(
        highlights.as_array().is_some_and(|h| h.len() > 1),
        "Korea is tagged more than once: {highlights}"
    );
    let references = client.call(
        "textDocument/references",
        json!({"textDocument": doc, "position": position(0, 2), "context": {"includeDeclaration": true}}),
    );
    let files: std::collections::BTreeSet<&str> = references
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l["uri"].as_str())
        .collect();
    assert!(files.len() > 1, "references in one file only: {references}");
    // Files read from disk with a byte order mark: editors hide the mark, so no
    // position on their first line may count it.
    let bom_file = uri(&root.join("crlf-bom.article"));
    let bom_text = std::fs::read_to_string(root.join("crlf-bom.article")).expect("read");
    let bom_lines = line_lengths(bom_text.trim_start_matches('\u{feff}'));
    for location in references.as_array().into_iter().flatten() {
        if location["uri"] == bom_file.as_str() {
            assert_position_inside(&location["range"]["end"], &bom_lines, "reference");
        }
    }
    // Tokens of a file that is not open: the title line after the hidden mark.
    let tokens = client.call(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": bom_file}}),
    );
    let title: Vec<u16> = bom_text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .expect("title")
        .encode_utf16()
        .collect();
    let data = tokens["data"].as_array().cloned().unwrap_or_default();
    let mut col = 0;
    let mut on_title = Vec::new();
    for token in data.chunks(5) {
        if token[0] != 0 {
            break;
        }
        col += token[1].as_u64().expect("u32") as usize;
        let end = col + token[2].as_u64().expect("u32") as usize;
        on_title.push(String::from_utf16_lossy(&title[col..end.min(title.len())]));
    }
    assert!(on_title.iter().any(|t| t == "London"), "{on_title:?}");
    let symbols = client.call("workspace/symbol", json!({"query": "korea"}));
    assert!(
        symbols.as_array().is_some_and(|s| !s.is_empty()),
        "{symbols}"
    );
    let outline = client.call("textDocument/documentSymbol", json!({"textDocument": doc}));
    assert!(
        outline.as_array().is_some_and(|s| !s.is_empty()),
        "{outline}"
    );
    let folds = client.call("textDocument/foldingRange", json!({"textDocument": doc}));
    assert!(folds.as_array().is_some_and(|f| !f.is_empty()), "{folds}");
    let hints = client.call(
        "textDocument/inlayHint",
        json!({"textDocument": doc, "range": range((0, 0), (lines.len() as u32, 0))}),
    );
    assert!(hints.is_array());
    for hint in hints.as_array().into_iter().flatten() {
        assert_position_inside(&hint["position"], &lines, "inlay hint");
    }
    let lenses = client.call("textDocument/codeLens", json!({"textDocument": doc}));
    assert!(lenses.is_array());
    // Inside the type of the first tag, `[Korea]{pl`.
    let completion = client.call(
        "textDocument/completion",
        json!({"textDocument": doc, "position": position(0, 10)}),
    );
    let labels: Vec<&str> = completion
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["label"].as_str())
        .collect();
    assert!(labels.contains(&"place"), "{completion}");
    let actions = client.call(
        "textDocument/codeAction",
        json!({"textDocument": doc, "range": range((0, 0), (0, 5)), "context": {"diagnostics": []}}),
    );
    assert!(actions.is_array());
    // On the key of `ref=south-korea`.
    let on_key = json!({"textDocument": doc, "position": position(0, 22)});
    let prepare = client.call("textDocument/prepareRename", on_key.clone());
    assert!(prepare.is_object(), "{prepare}");
    // A built-in key is not renamed: its built-in names would keep the old key.
    let mut rename_params = on_key.clone();
    rename_params["newName"] = json!("republic-of-korea");
    let refused = client.request("textDocument/rename", rename_params);
    assert_eq!(refused["error"]["code"], -32602, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("built-in key")),
        "{refused}"
    );
    let index = client.call(
        "workspace/executeCommand",
        json!({"command": "accord.showEntityIndex", "arguments": []}),
    );
    assert!(
        index
            .as_array()
            .is_some_and(|entities| entities.iter().any(|e| e["key"] == "south-korea")),
        "{index}"
    );

    // After an edit, the delta against the last result carries the change.
    let full = client.call(
        "textDocument/semanticTokens/full",
        json!({"textDocument": doc}),
    );
    let result_id = full["resultId"].as_str().expect("result id").to_owned();
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": annotated, "version": 2},
            "contentChanges": [{"range": range((0, 0), (0, 0)), "text": "[Brussels]{place} "}],
        }),
    );
    let delta = client.call(
        "textDocument/semanticTokens/full/delta",
        json!({"textDocument": doc, "previousResultId": result_id}),
    );
    assert_eq!(delta["edits"].as_array().map(Vec::len), Some(1), "{delta}");

    // A misspelt type in the edited document offers its fix as a quick fix.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": doc_uri, "version": 10},
            "contentChanges": [{"text": "Talks\n[Seoul]{plaace} met [Busan]{place ref=busn}.\ndate2025-12-10\n"}],
        }),
    );
    let diagnostics = client.diagnostics(doc_uri, 10);
    let fixed = unknown_type_range(&diagnostics).expect("unknown-type reported");
    let actions = client.call(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": doc_uri}, "range": fixed, "context": {"diagnostics": diagnostics}}),
    );
    let quick_fix = actions
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| {
            a["kind"] == "quickfix" && a["title"].as_str().is_some_and(|t| t.contains("place"))
        })
        .unwrap_or_else(|| panic!("no quick fix in {actions}"));
    let edits = &quick_fix["edit"]["changes"][doc_uri];
    assert_eq!(edits[0]["newText"], "place", "{quick_fix}");
    assert_eq!(edits[0]["range"], fixed);
    // A misspelt type is fixed at a keystroke; a near key is offered, never preferred,
    // since it may name another entity.
    assert_eq!(quick_fix["isPreferred"], true, "{quick_fix}");
    let whole_line = range((1, 0), (1, 60));
    let actions = client.call(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": doc_uri}, "range": whole_line, "context": {"diagnostics": diagnostics}}),
    );
    let near_key = actions
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["title"].as_str().is_some_and(|t| t.contains("`busan`")))
        .unwrap_or_else(|| panic!("no key fix in {actions}"));
    assert_eq!(near_key["isPreferred"], false, "{near_key}");

    // Unknown documents, positions past the end and reversed ranges answer emptily.
    let unknown = json!({"uri": uri(&root.join("missing.article"))});
    let result = client.call(
        "textDocument/hover",
        json!({"textDocument": unknown, "position": position(0, 0)}),
    );
    assert!(result.is_null());
    let result = client.call(
        "textDocument/hover",
        json!({"textDocument": doc, "position": position(100_000, 7)}),
    );
    assert!(result.is_null() || result.is_object());
    let result = client.call(
        "textDocument/codeAction",
        json!({"textDocument": doc, "range": range((2, 0), (0, 0)), "context": {"diagnostics": []}}),
    );
    assert!(result.is_null());
    let response = client.request(
        "workspace/executeCommand",
        json!({"command": "accord.noSuchCommand"}),
    );
    assert!(response.get("error").is_some());
    let reindexed = client.call(
        "workspace/executeCommand",
        json!({"command": "accord.reindex"}),
    );
    assert!(reindexed.is_null());
}

/// A saved `accord.toml` that is not valid TOML keeps the last good configuration in
/// force: a type it declares stays known, and the syntax error shows on `accord.toml`.
#[test]
fn a_broken_config_keeps_the_last_good_one() {
    let workspace = tempfile::tempdir().expect("temp dir");
    let root = workspace.path();
    let config = "[types.sector]\ndescription = \"Industrial sectors\"\n";
    std::fs::write(root.join("accord.toml"), config).expect("write");
    let article = "Chip Exports Rise\nExports of [memory chips]{sector} rose. date2026-03-05\n";
    std::fs::write(root.join("a.article"), article).expect("write");
    let mut client = Client::start();
    initialize(&mut client, root, &["utf-16"], false);
    wait_for_indexing(&mut client);
    let doc_uri = uri(&root.join("a.article"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc_uri, "languageId": "article", "version": 1, "text": article}}),
    );
    let codes = |diagnostics: &[Value]| -> Vec<String> {
        diagnostics
            .iter()
            .map(|d| d["code"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert_eq!(
        codes(&client.diagnostics(&doc_uri, 1)),
        Vec::<String>::new()
    );

    // A typo saved mid-edit: the table header is not closed.
    std::fs::write(
        root.join("accord.toml"),
        config.replace("[types.sector]", "[types.sector"),
    )
    .expect("write");
    let config_uri = uri(&root.join("accord.toml"));
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": config_uri, "type": 2}]}),
    );
    let published = client.wait_for("config-syntax on accord.toml", |n| {
        n["method"] == "textDocument/publishDiagnostics"
            && n["params"]["uri"] == config_uri.as_str()
            && n["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().any(|d| d["code"] == "config-syntax"))
    });
    assert!(published["params"]["diagnostics"].is_array());
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": doc_uri, "version": 2},
            "contentChanges": [{"range": range((0, 0), (0, 0)), "text": "Memory "}],
        }),
    );
    assert_eq!(
        codes(&client.diagnostics(&doc_uri, 2)),
        Vec::<String>::new()
    );
    client.shutdown();
}

#[test]
fn streamed_references_arrive_before_their_empty_answer() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("accord.toml"),
        "[knowledge-base]\npaths = [\"kb.toml\"]\n",
    )
    .expect("write config");
    std::fs::write(
        dir.path().join("kb.toml"),
        "[[entity]]\nkey = \"harbour-board\"\ntype = \"org\"\nname = \"Harbour Board\"\n",
    )
    .expect("write kb");
    for file in 0..3 {
        let mut text = format!("Harbour Board Minutes {file}\n");
        for line in 0..3_000 {
            text.push_str(&format!("Item {line}: the Harbour Board met in Tarsk.\n"));
        }
        text.push_str("date2026-03-05\n");
        std::fs::write(dir.path().join(format!("{file}.article")), text).expect("write article");
    }
    let mut client = Client::start();
    initialize_simple(&mut client, dir.path());
    wait_for_indexing(&mut client);
    let doc = uri(&dir.path().join("0.article"));
    let at = json!({
        "textDocument": {"uri": doc},
        "position": position(1, 15),
        "context": {"includeDeclaration": false},
    });
    // More than 2,000 locations: the output writes this answer from bytes the handler
    // serialised, in place of a placeholder (`lsp::splice`).
    let whole = client.call("textDocument/references", at.clone());
    let whole = whole.as_array().cloned().unwrap_or_default();
    assert_eq!(whole.len(), 3 * 3_001);
    let mut streamed_params = at;
    streamed_params["partialResultToken"] = json!(77);
    // An editor busy elsewhere: the server's output backs up while it answers.
    client.reading_paused.store(true, Ordering::Relaxed);
    let id = client.send_request("textDocument/references", streamed_params);
    std::thread::sleep(Duration::from_millis(500));
    client.reading_paused.store(false, Ordering::Relaxed);
    let answer = client.response(id, "streamed references");
    assert!(answer.get("error").is_none(), "{answer}");
    let answer = answer["result"].clone();
    assert_eq!(answer, json!([]));
    // Every batch was read before the answer: a client stops listening at the answer.
    let streamed: Vec<Value> = client
        .notifications
        .iter()
        .filter(|n| n["method"] == "$/progress" && n["params"]["token"] == 77)
        .flat_map(|n| n["params"]["value"].as_array().cloned().unwrap_or_default())
        .collect();
    assert_eq!(
        streamed.len(),
        whole.len(),
        "locations read before the answer"
    );
    assert!(
        streamed == whole,
        "the batches make the whole answer, in its order"
    );
    client.shutdown();
}
