//! Protocol abuse, end to end: the real `accord lsp` answers every misuse a client can
//! commit with an error or an empty result, and keeps serving afterwards.

mod common;

use std::collections::HashSet;
use std::path::Path;

use common::{Client, initialize_simple, position, range, uri, wait_for_indexing};
use serde_json::{Value, json};

/// JSON-RPC and LSP error codes the server must use.
const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;
const REQUEST_CANCELLED: i64 = -32800;

const DOCUMENT: &str =
    "Talks in Seoul – café\n[Seoul]{place} hosted the WTO on Monday. date2025-03-04\n";

/// A session on an empty workspace folder with one open document.
fn session(dir: &Path) -> (Client, String) {
    let mut client = Client::start();
    initialize_simple(&mut client, dir);
    wait_for_indexing(&mut client);
    let doc = uri(&dir.join("open.article"));
    open(&mut client, &doc, DOCUMENT);
    (client, doc)
}

fn open(client: &mut Client, doc: &str, text: &str) {
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "article", "version": 1, "text": text}}),
    );
}

fn at(doc: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": doc}, "position": position(line, character)})
}

/// Every request on a document, with a position or range where the method takes one.
fn document_requests(doc: &str, line: u32, character: u32) -> Vec<(&'static str, Value)> {
    let whole = range((0, 0), (line, character));
    let text_document = json!({"uri": doc});
    vec![
        ("textDocument/hover", at(doc, line, character)),
        ("textDocument/definition", at(doc, line, character)),
        ("textDocument/declaration", at(doc, line, character)),
        ("textDocument/documentHighlight", at(doc, line, character)),
        ("textDocument/completion", at(doc, line, character)),
        ("textDocument/prepareRename", at(doc, line, character)),
        (
            "textDocument/references",
            json!({"textDocument": {"uri": doc}, "position": position(line, character),
                   "context": {"includeDeclaration": true}}),
        ),
        (
            "textDocument/codeAction",
            json!({"textDocument": text_document, "range": whole,
                   "context": {"diagnostics": []}}),
        ),
        (
            "textDocument/inlayHint",
            json!({"textDocument": text_document, "range": whole}),
        ),
        (
            "textDocument/semanticTokens/range",
            json!({"textDocument": text_document, "range": whole}),
        ),
        (
            "textDocument/semanticTokens/full",
            json!({"textDocument": text_document}),
        ),
        (
            "textDocument/documentSymbol",
            json!({"textDocument": text_document}),
        ),
        (
            "textDocument/foldingRange",
            json!({"textDocument": text_document}),
        ),
        (
            "textDocument/codeLens",
            json!({"textDocument": text_document}),
        ),
    ]
}

fn is_empty(result: &Value) -> bool {
    result.is_null()
        || result.as_array().is_some_and(Vec::is_empty)
        || result["data"].as_array().is_some_and(Vec::is_empty)
}

/// Hover on the tag proves that the server still serves the open document.
fn assert_still_serving(client: &mut Client, doc: &str) {
    let hover = client.call("textDocument/hover", at(doc, 1, 2));
    assert!(
        hover["contents"].to_string().contains("place"),
        "no hover on the tag: {hover}"
    );
}

fn article_titles(client: &mut Client, doc: &str) -> Vec<String> {
    let symbols = client.call(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": doc}}),
    );
    symbols
        .as_array()
        .expect("document symbols")
        .iter()
        .map(|s| s["name"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn requests_for_documents_never_opened_answer_emptily() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut client, doc) = session(dir.path());
    let never = uri(&dir.path().join("never-opened.article"));
    let elsewhere = "file:///nowhere/at/all.article";
    for missing in [never.as_str(), elsewhere, "untitled:Untitled-1"] {
        for (method, params) in document_requests(missing, 0, 0) {
            let response = client.request(method, params);
            assert!(response.get("error").is_none(), "{method}: {response}");
            assert!(is_empty(&response["result"]), "{method}: {response}");
        }
    }
    assert_still_serving(&mut client, &doc);
    client.shutdown();
}

#[test]
fn positions_past_the_end_of_a_line_or_the_file_are_answered() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut client, doc) = session(dir.path());
    for (line, character) in [(0, 999), (1, u32::MAX), (99, 0), (u32::MAX, u32::MAX)] {
        for (method, params) in document_requests(&doc, line, character) {
            let response = client.request(method, params);
            assert!(
                response.get("error").is_none(),
                "{method} at {line}:{character}: {response}"
            );
        }
    }
    // Rename refuses a position where nothing can be renamed, with an error.
    let rename = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": doc}, "position": position(99, 99), "newName": "x"}),
    );
    assert_eq!(rename["error"]["code"], INVALID_PARAMS, "{rename}");
    // Past the last line there is nothing to hover.
    let hover = client.call("textDocument/hover", at(&doc, 99, 0));
    assert!(hover.is_null(), "{hover}");
    assert_still_serving(&mut client, &doc);
    client.shutdown();
}

#[test]
fn stale_changes_are_ignored_and_ranges_outside_the_document_clamp() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut client, doc) = session(dir.path());
    assert_eq!(article_titles(&mut client, &doc), ["Talks in Seoul – café"]);
    let change = |client: &mut Client, version: i64, range: Value, text: &str| {
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": doc, "version": version},
                   "contentChanges": [{"range": range, "text": text}]}),
        );
    };
    // A stale version (not newer than the open's 1) changes nothing.
    change(&mut client, 1, range((0, 0), (0, 0)), "Stale ");
    change(&mut client, 0, range((0, 0), (0, 0)), "Older ");
    // A range past the last line appends at the end of the text.
    change(
        &mut client,
        2,
        range((40, 3), (50, 9)),
        "-\nAppended Story\nTalks went on. date2025-03-05\n",
    );
    // A range past the end of the first line inserts at its end, before the line break.
    change(&mut client, 3, range((0, 500), (0, 900)), "!");
    // A reversed range is refused; the version still advances.
    change(&mut client, 4, range((1, 5), (0, 2)), "reversed");
    // A change to a document that is not open is ignored.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&dir.path().join("closed.article")), "version": 9},
               "contentChanges": [{"text": "whole"}]}),
    );
    let diagnostics = client.diagnostics(&doc, 4);
    assert!(
        diagnostics.iter().all(|d| d["code"] != "missing-date"),
        "{diagnostics:?}"
    );
    assert_eq!(
        article_titles(&mut client, &doc),
        ["Talks in Seoul – café!", "Appended Story"]
    );
    assert_still_serving(&mut client, &doc);
    client.shutdown();
}

#[test]
fn malformed_messages_and_unknown_methods_get_errors_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut client, doc) = session(dir.path());

    let body = b"{\"jsonrpc\": \"2.0\", \"id\": 41, \"method\": ";
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(body);
    client.send_raw(&framed);
    let error = client.wait_for_response(|r| r["error"]["code"] == PARSE_ERROR);
    assert!(error["id"].is_null(), "{error}");

    let unknown = client.request("accord/noSuchMethod", json!({}));
    assert_eq!(unknown["error"]["code"], METHOD_NOT_FOUND, "{unknown}");
    // Unknown notifications, with or without the `$/` prefix, are dropped silently.
    client.notify("$/noSuchNotification", json!({}));
    client.notify("accord/noSuchNotification", json!({"x": 1}));

    let bad_params = client.request("textDocument/hover", json!({"textDocument": 5}));
    assert_eq!(bad_params["error"]["code"], INVALID_PARAMS, "{bad_params}");
    let no_params = client.request("textDocument/definition", Value::Null);
    assert_eq!(no_params["error"]["code"], INVALID_PARAMS, "{no_params}");

    // JSON that is no JSON-RPC message is an invalid request.
    for body in [
        "[]",
        "null",
        r#"{"jsonrpc": "1.0", "id": 3, "method": "x"}"#,
    ] {
        client.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
        let error = client.wait_for_response(|r| r["error"]["code"] == INVALID_REQUEST);
        assert!(error["id"].is_null(), "{body}: {error}");
    }
    // Bytes that are not UTF-8 inside a frame, and a header without a length, are not
    // JSON.
    client.send_raw(b"Content-Length: 3\r\n\r\n\xff\xfe\xfd");
    client.wait_for_response(|r| r["error"]["code"] == PARSE_ERROR);
    client.send_raw(b"Content-Type: text/plain\r\n\r\n");
    client.wait_for_response(|r| r["error"]["code"] == PARSE_ERROR);
    // A length far beyond any message is skipped, not allocated.
    client.send_raw(b"Content-Length: 99999999999999999999\r\n\r\n");
    client.wait_for_response(|r| r["error"]["code"] == PARSE_ERROR);

    assert_still_serving(&mut client, &doc);
    client.shutdown();
}

#[test]
fn requests_after_shutdown_are_refused_and_exit_ends_the_server() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut client, doc) = session(dir.path());
    let response = client.request("shutdown", Value::Null);
    assert!(response.get("error").is_none(), "{response}");
    let after = client.request("textDocument/hover", at(&doc, 1, 2));
    assert_eq!(after["error"]["code"], INVALID_REQUEST, "{after}");
    let again = client.request("shutdown", Value::Null);
    assert_eq!(again["error"]["code"], INVALID_REQUEST, "{again}");
    let status = client.exit();
    assert!(status.success(), "exit after shutdown: {status}");
}

#[test]
fn exit_without_shutdown_ends_the_server_with_an_error_status() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (client, _) = session(dir.path());
    let status = client.exit();
    assert!(!status.success(), "exit without shutdown: {status}");
}

#[test]
fn exit_ends_the_server_while_a_request_to_the_client_is_unanswered() {
    // An editor that never answers the file watcher's registration leaves that request
    // pending in the server: indexing must not wait for it, and exit must not either.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("one.article"), DOCUMENT).expect("write article");
    let mut client = Client::start();
    client.unanswered.push("client/registerCapability");
    client.call(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(dir.path()),
            "capabilities": {
                "window": {"workDoneProgress": true},
                "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
            },
        }),
    );
    client.notify("initialized", json!({}));
    client.wait_for_server_request("client/registerCapability");
    assert_eq!(wait_for_indexing(&mut client), 1);
    client.shutdown();
}

/// A document large enough that its semantic tokens take a while in the dev profile.
fn large_document() -> String {
    let mut text = String::new();
    for i in 0..2_000 {
        text.push_str(&format!(
            "Story {i} on the Korea-US FTA\n[Seoul]{{place}} and the WTO met; the \
             World Trade Organization (WTO) said tariffs fell {i}% on Monday. date2025-03-04\n-\n"
        ));
    }
    text
}

#[test]
fn cancelled_requests_are_answered_once_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut client, doc) = session(dir.path());
    let big = uri(&dir.path().join("big.article"));
    open(&mut client, &big, &large_document());
    let ids: Vec<i64> = (0..40)
        .map(|_| {
            client.send_request(
                "textDocument/semanticTokens/full",
                json!({"textDocument": {"uri": big}}),
            )
        })
        .collect();
    for id in &ids {
        client.notify("$/cancelRequest", json!({"id": id}));
    }
    // Cancelling a request that was already answered, or never sent, is harmless.
    client.notify("$/cancelRequest", json!({"id": 999_999}));
    // A request that finished before its cancellation was read keeps its result; each
    // request is answered exactly once, with its result or as cancelled. (That a
    // running feature stops is tested in process: `lsp::server` and `ide` tests.)
    for id in &ids {
        let response = client.response(*id, "a cancelled request");
        match response.get("error") {
            Some(error) => assert_eq!(error["code"], REQUEST_CANCELLED, "{response}"),
            None => assert!(response["result"]["data"].is_array(), "{response}"),
        }
    }
    assert!(
        client
            .responses
            .iter()
            .all(|r| !ids.contains(&r["id"].as_i64().unwrap_or(0))),
        "a request was answered twice"
    );
    assert_still_serving(&mut client, &doc);
    client.shutdown();
}

#[test]
fn a_thousand_requests_in_flight_are_all_answered() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut client, doc) = session(dir.path());
    let methods = document_requests(&doc, 1, 2);
    let mut ids = HashSet::new();
    for i in 0..1_000 {
        let (method, params) = methods[i % methods.len()].clone();
        ids.insert(client.send_request(method, params));
    }
    for id in ids.clone() {
        let response = client.response(id, "one of a thousand requests");
        assert!(response.get("error").is_none(), "{response}");
        ids.remove(&id);
    }
    assert!(ids.is_empty());
    assert_still_serving(&mut client, &doc);
    client.shutdown();
}
