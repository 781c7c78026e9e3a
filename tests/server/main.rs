//! The language server driven in process, the way an editor drives it: configuration
//! and knowledge base from the editor's text, reloads, line ends, and what the server
//! sends unasked.

mod support;

use expect_test::expect;
use serde_json::{Value, json};

use support::{TestServer, neovim_capabilities, vscode_capabilities};

/// A workspace with a configuration, a knowledge-base file and an article.
const PORT_WORKSPACE: &str = r#"//- accord.toml
[knowledge-base]
paths = ["kb/*.toml"]

[types.sector]
description = "Industrial sectors"
//- kb/bodies.toml
[[entity]]
key = "harbour-board"
type = "org"
name = "Harbour Board"
description = "Runs the port."
//- port.article
Port Levy Talks Resume
The Harbour Board met the Velmora Shipping Circle on [dredging]{sector}. date2026-03-05
"#;

fn codes(items: &Value) -> Vec<String> {
    items
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| d["code"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// Pulls a document's diagnostics until there are none, failing with `why` after the
/// answer timeout: for what other files' unsaved text changes in it, which arrives
/// after reloads this test cannot wait for one by one.
async fn wait_for_no_diagnostics(server: &mut TestServer, path: &str, why: &str) {
    let deadline = std::time::Instant::now() + support::TIMEOUT;
    loop {
        let codes = codes(&server.pull_diagnostics(path).await);
        if codes.is_empty() {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{why}: {codes:?}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

fn hover_text(hover: &Value) -> String {
    hover["contents"]["value"].as_str().unwrap_or("").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsaved_knowledge_base_entry_reaches_the_next_hover() {
    let mut server = TestServer::start(PORT_WORKSPACE, vscode_capabilities()).await;
    server.open("port.article").await;
    let before = server.hover("port.article", "Velmora $0Shipping").await;
    assert!(!hover_text(&before).contains("Registers ships"), "{before}");

    server.open("kb/bodies.toml").await;
    server
        .replace(
            "kb/bodies.toml",
            "description = \"Runs the port.\"\n",
            "description = \"Runs the port.\"\n\n[[entity]]\nkey = \"velmora-circle\"\ntype = \"org\"\nname = \"Velmora Shipping Circle\"\ndescription = \"Registers ships.\"\n",
        )
        .await;
    // The very next request: the change's reload analyses open documents first, and
    // requests wait for that.
    let after = server.hover("port.article", "Velmora $0Shipping").await;
    assert!(hover_text(&after).contains("Registers ships"), "{after}");
    // Nothing was saved: the disk still has one entry, which applies again once the
    // file is closed.
    let on_disk = std::fs::read_to_string(server.path("kb/bodies.toml")).expect("read");
    assert!(!on_disk.contains("velmora"));
    server.close("kb/bodies.toml").await;
    let closed = server.hover("port.article", "Velmora $0Shipping").await;
    assert!(!hover_text(&closed).contains("Registers ships"), "{closed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_configuration_keeps_the_last_good_one_and_says_where() {
    let mut server = TestServer::start(PORT_WORKSPACE, vscode_capabilities()).await;
    server.open("port.article").await;
    server.open("accord.toml").await;
    assert_eq!(
        codes(&server.pull_diagnostics("port.article").await),
        Vec::<String>::new()
    );

    // A typo mid-edit, unsaved: the table header is not closed.
    server
        .replace("accord.toml", "[types.sector]", "[types.sector")
        .await;
    server
        .wait_for_progress_end("Reloading configuration")
        .await;
    assert_eq!(
        codes(&server.pull_diagnostics("port.article").await),
        Vec::<String>::new(),
        "the custom type stays known"
    );
    assert_eq!(
        codes(&server.pull_diagnostics("accord.toml").await),
        vec!["config-syntax"]
    );

    // A valid configuration without the type applies at once.
    server
        .replace(
            "accord.toml",
            "[types.sector\ndescription = \"Industrial sectors\"\n",
            "",
        )
        .await;
    server
        .wait_for_progress_end("Reloading configuration")
        .await;
    assert_eq!(
        codes(&server.pull_diagnostics("port.article").await),
        vec!["unknown-type"]
    );
    assert_eq!(
        codes(&server.pull_diagnostics("accord.toml").await),
        Vec::<String>::new()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_with_lone_cr_line_ends_reads_like_its_lf_twin() {
    let mut server = TestServer::start("//- accord.toml\n", vscode_capabilities()).await;
    let lf = "Port Levy Talks Resume\nThe WTO met in [Geneva]{place} on Monday. date2026-03-05\n-\nA Second Story\nOfficials of the [Harbour]{sectr} spoke.\ndate2026-03-06\n";
    let cr = lf.replace('\n', "\r");
    server.open_text("lf.article", lf).await;
    server.open_text("cr.article", &cr).await;
    let lf_uri = json!({"uri": server.uri("lf.article")});
    let cr_uri = json!({"uri": server.uri("cr.article")});
    for (method, extra) in [
        ("textDocument/documentSymbol", json!({})),
        ("textDocument/foldingRange", json!({})),
        ("textDocument/semanticTokens/full", json!({})),
        ("textDocument/diagnostic", json!({})),
        (
            "textDocument/hover",
            json!({"position": {"line": 1, "character": 5}}),
        ),
    ] {
        let mut answers = Vec::new();
        for document in [&lf_uri, &cr_uri] {
            let mut params = extra.clone();
            params["textDocument"] = document.clone();
            let mut answer = server.call(method, params).await;
            // Result ids differ from request to request.
            if let Some(object) = answer.as_object_mut() {
                object.remove("resultId");
            }
            answers.push(answer);
        }
        assert_eq!(answers[0], answers[1], "{method}");
        assert!(!answers[0].is_null(), "{method}");
    }
    let symbols = server
        .call(
            "textDocument/documentSymbol",
            json!({"textDocument": cr_uri}),
        )
        .await;
    let titles: Vec<&str> = symbols
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(titles, ["Port Levy Talks Resume", "A Second Story"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_requests_leave_out_params() {
    let server = TestServer::start(PORT_WORKSPACE, vscode_capabilities()).await;
    for method in [
        "workspace/semanticTokens/refresh",
        "workspace/diagnostic/refresh",
    ] {
        let request = server.wait_for(method, |m| m["method"] == method).await;
        assert!(request.get("params").is_none(), "{request}");
        assert!(request.get("id").is_some(), "{request}");
    }
    for message in server.messages() {
        assert!(message.get("params") != Some(&Value::Null), "{message}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_pulls_gets_no_pushed_diagnostics_for_open_documents() {
    let mut server = TestServer::start(PORT_WORKSPACE, vscode_capabilities()).await;
    server.open("port.article").await;
    server.replace("port.article", "{sector}", "{sectr}").await;
    assert_eq!(
        codes(&server.pull_diagnostics("port.article").await),
        vec!["unknown-type"]
    );
    server.settle().await;
    let uri = server.uri("port.article");
    let pushed: Vec<Value> = server
        .messages()
        .into_iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
        .collect();
    // Opening clears what was pushed while the file was closed; nothing else comes.
    assert!(
        pushed.iter().all(|m| m["params"]["diagnostics"]
            .as_array()
            .is_some_and(Vec::is_empty)),
        "{pushed:?}"
    );

    // A client that does not pull gets them pushed.
    let mut server = TestServer::start(PORT_WORKSPACE, neovim_capabilities()).await;
    server.open("port.article").await;
    server.replace("port.article", "{sector}", "{sectr}").await;
    let published = server
        .wait_for("pushed diagnostics", |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri_of(&server, "port.article")
                && !codes(&m["params"]["diagnostics"]).is_empty()
        })
        .await;
    assert_eq!(
        codes(&published["params"]["diagnostics"]),
        vec!["unknown-type"]
    );
}

fn uri_of(server: &TestServer, path: &str) -> String {
    server.uri(path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hover_names_the_entry_and_where_it_is_mentioned() {
    let mut server = TestServer::start(PORT_WORKSPACE, vscode_capabilities()).await;
    server.open("port.article").await;
    let hover = server.hover("port.article", "The Harbour $0Board").await;
    expect![[r#"
        {
          "contents": {
            "kind": "markdown",
            "value": "**org** `harbour-board`\n\n### Harbour Board\n\nRuns the port.\n\nKey from the knowledge base in `bodies.toml`\n\n1 mention in 1 article (2026-03-05)\n"
          },
          "range": {
            "start": {
              "line": 1,
              "character": 4
            },
            "end": {
              "line": 1,
              "character": 17
            }
          }
        }"#]].assert_eq(&serde_json::to_string_pretty(&hover).expect("JSON"));
    // The definition is the knowledge-base entry.
    let definition = server
        .definition("port.article", "The Harbour $0Board")
        .await;
    let kb_uri = server.uri("kb/bodies.toml");
    assert!(
        definition
            .as_array()
            .is_some_and(|targets| targets.first().is_some_and(|t| t["uri"] == kb_uri.as_str())),
        "{definition}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lenses_are_one_per_article_name_their_entity_and_resolve_lazily() {
    let mut server = TestServer::start(PORT_WORKSPACE, vscode_capabilities()).await;
    let text = "Board Meets\nThe Harbour Board and the Harbour Board again met in Tarsk. date2026-03-05\n-\nSecond Story\nThe Harbour Board spoke. date2026-03-06\n";
    server.open_text("notes.article", text).await;
    let uri = server.uri("notes.article");
    let lenses = server
        .call(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let lenses = lenses.as_array().cloned().unwrap_or_default();
    assert_eq!(lenses.len(), 2, "{lenses:?}");
    // Unresolved lenses carry the entity, never lists of locations.
    assert!(
        lenses
            .iter()
            .all(|l| l.get("command").is_none() && l["data"]["key"] == "harbour-board")
    );
    assert!(serde_json::to_string(&lenses).expect("JSON").len() < 1_000);
    let resolved = server.call("codeLens/resolve", lenses[0].clone()).await;
    // What an editor's command asks when the lens is clicked: every mention, and the
    // knowledge-base entry.
    let arguments = &resolved["command"]["arguments"];
    let references = server
        .call(
            "textDocument/references",
            json!({"textDocument": {"uri": arguments[0]}, "position": arguments[1], "context": {"includeDeclaration": true}}),
        )
        .await;
    assert_eq!(
        references.as_array().map_or(0, Vec::len),
        4 + 1,
        "{references}"
    );
    let mut command = resolved["command"].clone();
    assert_eq!(command["arguments"][0], uri.as_str());
    command["arguments"][0] = json!("notes.article");
    expect![[r#"
        {
          "title": "Harbour Board · 4 mentions in 3 articles (first 2026-03-05, latest 2026-03-06)",
          "command": "accord.showReferences",
          "arguments": [
            "notes.article",
            {
              "line": 1,
              "character": 4
            }
          ]
        }"#]]
    .assert_eq(&serde_json::to_string_pretty(&command).expect("JSON"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lenses_turn_off_with_the_setting_and_the_client_is_asked_to_refresh() {
    let mut server = TestServer::start(PORT_WORKSPACE, vscode_capabilities()).await;
    server.open("port.article").await;
    let asked = json!({"textDocument": {"uri": server.uri("port.article")}});
    let lenses = server.call("textDocument/codeLens", asked.clone()).await;
    assert_eq!(lenses.as_array().map_or(0, Vec::len), 1, "{lenses}");
    server
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"accord": {"codeLens": {"enabled": false}}}}),
        )
        .await;
    server
        .wait_for("a code lens refresh", |m| {
            m["method"] == "workspace/codeLens/refresh"
        })
        .await;
    let lenses = server.call("textDocument/codeLens", asked).await;
    assert_eq!(lenses, json!([]));
}

/// Articles about one agreement, spread over files out of date order, one undated.
const TIMELINE_WORKSPACE: &str = r#"//- late.article
New Port Charges Take Effect
The Tarsk Levy Agreement entered into force today. date2026-05-02
-
Ports Weigh The Levy
Shippers said the Tarsk Levy Agreement raises costs; the Tarsk Levy Agreement is under review.
//- early.article
Ministers Sign Levy Deal
Ministers signed the [Tarsk Levy Agreement]{agreement ref=tarsk-levy} in Velmora. date2025-11-20
-
Harbour Fees Rise
The Harbour Board raised its fees. date2025-12-01
//- middle.article
Parliament Ratifies The Levy
Parliament ratified the Tarsk Levy Agreement by a wide margin. date2026-02-14
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_entity_timeline_lists_articles_oldest_first_across_files() {
    let mut server = TestServer::start(TIMELINE_WORKSPACE, vscode_capabilities()).await;
    server.open("middle.article").await;
    let position = server.position("middle.article", "the Tarsk $0Levy");
    let uri = server.uri("middle.article");
    let timeline = server
        .call(
            "accord/entityTimeline",
            json!({"textDocument": {"uri": uri}, "position": position}),
        )
        .await;
    let root = server.uri("");
    let rendered: Vec<String> = timeline
        .as_array()
        .expect("an array")
        .iter()
        .map(|item| {
            format!(
                "{} {} {}:{} {:?} ×{}",
                item["date"].as_str().unwrap_or("undated"),
                item["uri"]
                    .as_str()
                    .unwrap_or("")
                    .trim_start_matches(root.as_str())
                    .trim_start_matches('/'),
                item["range"]["start"]["line"],
                item["range"]["start"]["character"],
                item["title"].as_str().unwrap_or(""),
                item["mentions"],
            )
        })
        .collect();
    expect![[r#"
        [
            "2025-11-20 early.article 1:22 \"Ministers Sign Levy Deal\" ×1",
            "2026-02-14 middle.article 1:24 \"Parliament Ratifies The Levy\" ×1",
            "2026-05-02 late.article 1:4 \"New Port Charges Take Effect\" ×1",
            "undated late.article 4:18 \"Ports Weigh The Levy\" ×2",
        ]
    "#]]
    .assert_debug_eq(&rendered);
    // Nothing at the position: an empty list, not an error.
    let nothing = server.position("middle.article", "by a $0wide margin");
    let empty = server
        .call(
            "accord/entityTimeline",
            json!({"textDocument": {"uri": uri}, "position": nothing}),
        )
        .await;
    assert_eq!(empty, json!([]));
}

/// A workspace with no configuration at all, and an agreement no knowledge base knows.
const NO_CONFIG_WORKSPACE: &str = r#"//- news/pact.article
Chip Pact Signed
The [Chip Pact]{agreement ref=chip-pact} was signed in Velmora. date2026-04-01
"#;

/// `accord check --min-severity hint` over the workspace folder: its codes.
fn check_codes(root: &std::path::Path) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["check", "--min-severity", "hint", "--format", "json", "."])
        .current_dir(root)
        .output()
        .expect("accord check runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adding_to_the_knowledge_base_without_a_configuration_creates_one_that_loads() {
    let mut server = TestServer::start(NO_CONFIG_WORKSPACE, vscode_capabilities()).await;
    server.open("news/pact.article").await;
    assert_eq!(
        codes(&server.pull_diagnostics("news/pact.article").await),
        ["unknown-ref"]
    );
    assert!(check_codes(&server.path("")).contains("unknown-ref"));
    let at = server.position("news/pact.article", "ref=chip$0-pact");
    let uri = server.uri("news/pact.article");
    let actions = server
        .call(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": at, "end": at}, "context": {"diagnostics": []}}),
        )
        .await;
    let add = actions
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["title"] == "Add `chip-pact` to the knowledge base")
        .unwrap_or_else(|| panic!("no action adds the entry: {actions}"))
        .clone();
    // Apply the edit as VS Code does: each created file is written empty, then opened
    // in the editor, where the edit's text goes in unsaved.
    let root = server.uri("");
    let mut created = Vec::new();
    for change in add["edit"]["documentChanges"]
        .as_array()
        .expect("operations")
    {
        let uri = change["uri"]
            .as_str()
            .or_else(|| change["textDocument"]["uri"].as_str())
            .expect("a uri");
        let path = uri
            .trim_start_matches(root.as_str())
            .trim_start_matches('/')
            .to_owned();
        if change["kind"] == "create" {
            let on_disk = server.path(&path);
            std::fs::create_dir_all(on_disk.parent().expect("a folder")).expect("mkdir");
            std::fs::write(&on_disk, "").expect("create");
            server.open_text(&path, "").await;
        } else {
            let text = change["edits"][0]["newText"].as_str().expect("text");
            server.set_text(&path, text).await;
            created.push((path, text.to_owned()));
        }
    }
    expect![[r#"
        [
            (
                "accord.toml",
                "[knowledge-base]\npaths = [\"kb/*.toml\"]\n",
            ),
            (
                "kb/entities.toml",
                "[[entity]]\nkey = \"chip-pact\"\ntype = \"agreement\"\nname = \"Chip Pact\"\n",
            ),
        ]
    "#]]
    .assert_debug_eq(&created);
    // Unsaved, the entry applies once the reloads the editor's texts started end (a
    // debug build takes longer to build the analyzer than a request waits for it, and
    // each of the four changes starts one).
    wait_for_no_diagnostics(
        &mut server,
        "news/pact.article",
        "unsaved, the entry never applied",
    )
    .await;
    // Saved, the checker loads it too.
    for (path, text) in &created {
        std::fs::write(server.path(path), text).expect("save");
    }
    let checked = check_codes(&server.path(""));
    assert!(!checked.contains("unknown-ref"), "{checked}");
}

/// Two articles name the same body; neither tags it yet.
const TEACHING_WORKSPACE: &str = r#"//- a.article
Port Board Meets
The Velmora Shipping Circle met the port board on Monday. date2026-03-02
//- b.article
Fees Rise
The Velmora Shipping Circle raised its fees again this spring. date2026-03-09
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_an_edit_teaches_reaches_other_files_after_the_edit() {
    let mut server = TestServer::start(TEACHING_WORKSPACE, vscode_capabilities()).await;
    server.open("a.article").await;
    server
        .replace(
            "a.article",
            "Velmora Shipping Circle",
            "[Velmora Shipping Circle]{org ref=velmora-circle}",
        )
        .await;
    let uri = server.uri("a.article");
    let at = server.position("a.article", "[Velmora $0Shipping");
    let params = json!({"textDocument": {"uri": uri}, "position": at, "context": {"includeDeclaration": false}});
    // The edited file is analysed with the edit: its tag names the key at once.
    let first = server.call("textDocument/references", params.clone()).await;
    assert!(first.as_array().is_some_and(|r| !r.is_empty()), "{first}");
    // The other file learns the tagged name from a refresh after the edit.
    let b = server.uri("b.article");
    let deadline = std::time::Instant::now() + support::TIMEOUT;
    loop {
        let found = server.call("textDocument/references", params.clone()).await;
        if found
            .as_array()
            .into_iter()
            .flatten()
            .any(|r| r["uri"] == b.as_str())
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "b.article never learned the name: {found}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsaved_knowledge_base_files_the_disk_lacks_still_load() {
    // Neovim applies a create-file operation that may ignore an existing file by
    // creating nothing on disk: the new files exist only as the editor's documents.
    let mut server = TestServer::start(NO_CONFIG_WORKSPACE, neovim_capabilities()).await;
    server.open("news/pact.article").await;
    assert_eq!(
        codes(&server.pull_diagnostics("news/pact.article").await),
        ["unknown-ref"]
    );
    server
        .open_text("accord.toml", "[knowledge-base]\npaths = [\"kb/*.toml\"]\n")
        .await;
    server
        .open_text(
            "kb/entities.toml",
            "[[entity]]\nkey = \"chip-pact\"\ntype = \"agreement\"\nname = \"Chip Pact\"\n",
        )
        .await;
    assert!(!server.path("kb").exists() && !server.path("accord.toml").exists());
    wait_for_no_diagnostics(
        &mut server,
        "news/pact.article",
        "the unsaved entry never applied",
    )
    .await;
}

/// Two files: one tags a name, the other mentions it twice untagged.
const CACHED_WORKSPACE: &str = r#"//- a.article
Port Levy Talks Resume
The [Harbour Board]{org ref=harbour-board} met the shipping lines. date2026-03-05
//- b.article
Dredging Plans
The Harbour Board said the Harbour Board would dredge in May. date2026-03-07
"#;

/// The index cache at `path` once a server has saved it over `before`: it is saved
/// after indexing has ended, while requests are answered.
async fn saved_cache(path: &std::path::Path, before: &[u8]) -> Vec<u8> {
    let deadline = std::time::Instant::now() + support::TIMEOUT;
    loop {
        let now = std::fs::read(path).unwrap_or_default();
        if (!now.is_empty() && now != before) || std::time::Instant::now() > deadline {
            assert!(!now.is_empty(), "no index cache at {}", path.display());
            return now;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// The index cache: written after indexing, read by the next server on the folder, and
/// never trusted when it is broken or its files changed.
#[tokio::test]
async fn the_index_cache_is_written_read_and_rebuilt_when_broken() {
    let mut server = TestServer::start(CACHED_WORKSPACE, vscode_capabilities()).await;
    let cache = server.path(".accord/index.bin");
    let written = saved_cache(&cache, b"").await;
    assert!(written.starts_with(b"ACCORDIX"), "a cache of accord's");
    let stats = |hover: &Value| {
        let text = hover.to_string();
        text.split("\\n")
            .find(|line| line.contains("mention"))
            .map(str::to_owned)
            .unwrap_or(text)
    };
    server.open("a.article").await;
    let cold = stats(&server.hover("a.article", "Harbour$0 Board").await);
    assert_eq!(
        cold,
        "3 mentions in 2 articles (first 2026-03-05, latest 2026-03-07)"
    );

    // A warm start answers as the cold one did: b.article's summary comes from the cache.
    let root = server.into_root().await;
    let mut server = TestServer::start_in(root, vscode_capabilities()).await;
    server.open("a.article").await;
    assert_eq!(
        stats(&server.hover("a.article", "Harbour$0 Board").await),
        cold
    );

    // A file changed on disk while no server ran is analysed again, not restored.
    let b = server.path("b.article");
    let root = server.into_root().await;
    std::fs::write(
        &b,
        "Dredging Plans\nThe Harbour Board will dredge. date2026-03-09\n",
    )
    .expect("edit the article on disk");
    let mut server = TestServer::start_in(root, vscode_capabilities()).await;
    server.open("a.article").await;
    let changed = "2 mentions in 2 articles (first 2026-03-05, latest 2026-03-09)";
    assert_eq!(
        stats(&server.hover("a.article", "Harbour$0 Board").await),
        changed
    );

    // A truncated cache and one of garbage are discarded and written anew.
    let mut root = server.into_root().await;
    let whole = std::fs::read(&cache).expect("the cache");
    for broken in [
        whole[..whole.len() / 2].to_vec(),
        b"ACCORDIX garbage".to_vec(),
    ] {
        std::fs::write(&cache, &broken).expect("break the cache");
        let mut server = TestServer::start_in(root, vscode_capabilities()).await;
        server.open("a.article").await;
        assert_eq!(
            stats(&server.hover("a.article", "Harbour$0 Board").await),
            changed
        );
        let rebuilt = saved_cache(&cache, &broken).await;
        assert!(rebuilt.starts_with(b"ACCORDIX"));
        root = server.into_root().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn references_stream_in_batches_when_the_client_gives_a_partial_result_token() {
    // Enough mentions in three files for several batches.
    let mut fixture = PORT_WORKSPACE.to_owned();
    for file in ["a", "b", "c"] {
        fixture.push_str(&format!(
            "//- {file}.article\nHarbour Board Minutes {file}\n"
        ));
        for line in 0..900 {
            fixture.push_str(&format!("Item {line}: the Harbour Board met in Tarsk.\n"));
        }
        fixture.push_str("date2026-03-05\n");
    }
    let mut server = TestServer::start(&fixture, vscode_capabilities()).await;
    server.open("port.article").await;
    let at = json!({
        "textDocument": {"uri": server.uri("port.article")},
        "position": server.position("port.article", "The Harbour $0Board"),
        "context": {"includeDeclaration": true},
    });
    let whole = server.call("textDocument/references", at.clone()).await;
    let whole = whole.as_array().cloned().unwrap_or_default();
    // Each file's lines and title, the open file and the entry.
    assert_eq!(
        whole.len(),
        3 * (900 + 1) + 1 + 1,
        "every mention and the entry"
    );

    let mut streamed_params = at.clone();
    streamed_params["partialResultToken"] = json!("refs-1");
    let answer = server
        .call("textDocument/references", streamed_params)
        .await;
    assert_eq!(answer, json!([]), "a streamed answer is empty");
    let batches = |messages: &[Value]| -> Vec<Value> {
        messages
            .iter()
            .filter(|m| m["method"] == "$/progress" && m["params"]["token"] == "refs-1")
            .map(|m| m["params"]["value"].clone())
            .collect()
    };
    let deadline = std::time::Instant::now() + support::TIMEOUT;
    let streamed = loop {
        let streamed: Vec<Value> = batches(&server.messages())
            .iter()
            .flat_map(|batch| batch.as_array().cloned().unwrap_or_default())
            .collect();
        if streamed.len() >= whole.len() || std::time::Instant::now() > deadline {
            break streamed;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    };
    assert_eq!(streamed.len(), whole.len(), "locations streamed");
    assert!(
        streamed == whole,
        "the batches make the whole answer, in its order"
    );
    assert!(batches(&server.messages()).len() > 1, "more than one batch");
}
