//! What the server and the checker may read: the server stays inside its workspace
//! folders whatever symbolic links say, and `[limits] max-files` bounds how many files
//! a folder gives, with a diagnostic or a message when the limit is hit.

mod common;

use common::{Client, initialize_simple, run_accord as accord, uri, wait_for_indexing};
use serde_json::{Value, json};

const INSIDE: &str = "Inside\n[Quillon Group]{org ref=quillon} opened an office. date2025-03-04\n";
const OUTSIDE: &str = "Outside\n[Zorblax Holdings]{org ref=zorblax} kept quiet. date2025-03-04\n";

/// Keys of the workspace symbols that match `query`.
fn symbol_keys(client: &mut Client, query: &str) -> Vec<String> {
    let symbols = client.call("workspace/symbol", json!({"query": query}));
    symbols
        .as_array()
        .map(|symbols| {
            symbols
                .iter()
                .filter_map(|s| s["containerName"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn shown_messages(client: &Client) -> Vec<String> {
    client
        .notifications
        .iter()
        .filter(|n| n["method"] == "window/showMessage")
        .map(|n| n["params"]["message"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// A workspace folder `ws` with one article, beside a folder `elsewhere` with another,
/// and links from the workspace to that folder and to its article.
fn workspace_with_links_out() -> (tempfile::TempDir, std::path::PathBuf) {
    let outer = tempfile::tempdir().expect("temp dir");
    let elsewhere = outer.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("mkdir");
    std::fs::write(elsewhere.join("secret.article"), OUTSIDE).expect("write");
    let ws = outer.path().join("ws");
    std::fs::create_dir_all(ws.join("sub")).expect("mkdir");
    std::fs::write(ws.join("a.article"), INSIDE).expect("write");
    std::os::unix::fs::symlink(&elsewhere, ws.join("linked-folder")).expect("symlink");
    std::os::unix::fs::symlink(
        elsewhere.join("secret.article"),
        ws.join("sub/linked.article"),
    )
    .expect("symlink");
    // A link that stays inside is followed as before.
    std::os::unix::fs::symlink(ws.join("sub"), ws.join("alias")).expect("symlink");
    (outer, ws)
}

#[test]
fn the_server_does_not_follow_links_out_of_the_workspace() {
    let (_outer, ws) = workspace_with_links_out();
    let mut client = Client::start();
    initialize_simple(&mut client, &ws);
    assert_eq!(
        wait_for_indexing(&mut client),
        1,
        "only a.article is inside"
    );
    assert_eq!(symbol_keys(&mut client, "quillon"), ["quillon"]);
    assert_eq!(symbol_keys(&mut client, "zorblax"), Vec::<String>::new());
    let messages = shown_messages(&client);
    assert!(
        messages
            .iter()
            .any(|m| m.contains("linked-folder") && m.contains("outside the workspace")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("linked.article")),
        "{messages:?}"
    );
    // A watcher event for the link does not read it either.
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&ws.join("sub/linked.article")), "type": 2}]}),
    );
    assert_eq!(symbol_keys(&mut client, "zorblax"), Vec::<String>::new());
    client.shutdown();
}

#[test]
fn the_checker_follows_links_in_the_folders_it_is_given() {
    // On the command line the user names what to read, so links are followed.
    let (_outer, ws) = workspace_with_links_out();
    let output = accord(&ws, &["entities", "."]);
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let keys: Vec<&str> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .flat_map(|f| f["mentions"].as_array().expect("mentions"))
        .filter_map(|m| m["key"].as_str())
        .collect();
    assert!(keys.contains(&"zorblax"), "{keys:?}");
    assert!(keys.contains(&"quillon"), "{keys:?}");
}

fn workspace_over_the_limit(articles: usize, max_files: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("accord.toml"),
        format!("[limits]\nmax-files = {max_files}\n"),
    )
    .expect("write");
    for i in 0..articles {
        std::fs::write(
            dir.path().join(format!("{i:02}.article")),
            "T\n[x]{plcae} met. date2025-01-01\n",
        )
        .expect("write");
    }
    dir
}

#[test]
fn the_checker_stops_at_max_files_and_says_so() {
    let dir = workspace_over_the_limit(5, 3);
    let output = accord(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(output.status.code(), Some(2), "a limit hit is an error");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let files = report["files"].as_array().expect("files");
    let codes: Vec<(&str, &str)> = files
        .iter()
        .flat_map(|f| {
            let path = f["path"].as_str().unwrap_or("");
            f["diagnostics"]
                .as_array()
                .expect("diagnostics")
                .iter()
                .map(move |d| (path, d["code"].as_str().unwrap_or("")))
        })
        .collect();
    let checked = codes
        .iter()
        .filter(|(_, code)| *code == "unknown-type")
        .count();
    assert_eq!(checked, 3, "{codes:?}");
    let limit: Vec<&(&str, &str)> = codes
        .iter()
        .filter(|(_, code)| *code == "too-many-files")
        .collect();
    assert_eq!(limit.len(), 1, "{codes:?}");
    let message = files
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().expect("diagnostics"))
        .find(|d| d["code"] == "too-many-files")
        .and_then(|d| d["message"].as_str())
        .unwrap_or("");
    assert!(message.contains("more than 3 files"), "{message}");
    // At the limit exactly, nothing is left out.
    let dir = workspace_over_the_limit(3, 3);
    let output = accord(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "findings, no error");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("too-many-files"));
}

#[test]
fn the_server_stops_indexing_at_max_files_and_says_so() {
    let dir = workspace_over_the_limit(5, 3);
    let mut client = Client::start();
    initialize_simple(&mut client, dir.path());
    // The configuration file counts among the files read.
    assert_eq!(wait_for_indexing(&mut client), 3);
    let messages = shown_messages(&client);
    assert!(
        messages.iter().any(|m| m.contains("more than 3 files")),
        "{messages:?}"
    );
    client.shutdown();
}
