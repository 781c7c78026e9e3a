//! End-to-end tests of `accord export` and `accord import` through the binary: the brat
//! round trip on the examples, located import errors, safe writes, and JSON lines and
//! CoNLL checked against `accord entities` and `accord strip`. The same checks over the
//! shared seeds and dev set are in `shared_data.rs`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn accord(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the accord binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_ok(output: &Output) {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        text(&output.stderr)
    );
}

/// Every file under a folder, as (relative path, bytes), sorted.
fn tree(folder: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(folder).unwrap().display().to_string();
                files.push((relative, std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// A file the tag syntax makes hard: a BOM, CRLF, escapes, nesting, a malformed tag,
/// and characters of two to four bytes.
const AWKWARD: &str = "\u{feff}-\r\nCafé [Lumière]{org ref=lumiere} 😀 Talks\r\nA \\[bracket\\] and [[Korea]{place}–[UK]{place} FTA]{agreement ref=korea-uk-fta note=\"first \\\"round\\\"\"}, [broken]{org\r\n[😀]{event} in [Séoul]{place}. date2025-01-02\r\n";

#[test]
fn brat_export_import_export_is_byte_identical() {
    let work = tempfile::tempdir().unwrap();
    let inputs = work.path().join("in");
    std::fs::create_dir_all(inputs.join("nested")).unwrap();
    std::fs::copy(
        root().join("examples/annotated.article"),
        inputs.join("annotated.article"),
    )
    .unwrap();
    std::fs::copy(
        root().join("examples/eval/korean-ministries.article"),
        inputs.join("nested/korean-ministries.article"),
    )
    .unwrap();
    std::fs::write(inputs.join("awkward.article"), AWKWARD).unwrap();
    let run = |args: &[&str]| {
        let output = accord(work.path(), args);
        assert_ok(&output);
    };
    run(&["export", "--to", "brat", "in", "--out", "a"]);
    run(&["import", "--from", "brat", "a", "--out", "b"]);
    run(&["export", "--to", "brat", "b", "--out", "c"]);
    let first = tree(&work.path().join("a"));
    let names: Vec<&str> = first.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "annotated.ann",
            "annotated.txt",
            "annotation.conf",
            "awkward.ann",
            "awkward.txt",
            "nested/korean-ministries.ann",
            "nested/korean-ministries.txt"
        ]
    );
    assert!(first == tree(&work.path().join("c")), "a and c differ");
    // Each .txt is what `accord strip` gives; the clean files come back unchanged.
    for (name, source) in [
        ("annotated", "annotated.article"),
        ("awkward", "awkward.article"),
        (
            "nested/korean-ministries",
            "nested/korean-ministries.article",
        ),
    ] {
        let stripped = accord(work.path(), &["strip", &format!("in/{source}")]);
        let txt = std::fs::read(work.path().join(format!("a/{name}.txt"))).unwrap();
        assert!(
            stripped.stdout == txt,
            "{name}.txt is not the stripped text"
        );
    }
    for name in ["annotated.article", "nested/korean-ministries.article"] {
        let original = std::fs::read(inputs.join(name)).unwrap();
        let imported = std::fs::read(work.path().join("b").join(name)).unwrap();
        assert!(original == imported, "{name} did not come back unchanged");
    }
    // The annotated file's tags all survive: as many T lines as the file has tags.
    let seed = std::fs::read_to_string(inputs.join("nested/korean-ministries.article")).unwrap();
    let ann = std::fs::read_to_string(work.path().join("a/nested/korean-ministries.ann")).unwrap();
    let t_lines = ann.lines().filter(|l| l.starts_with('T')).count();
    assert_eq!(t_lines, seed.matches("]{").count());
}

#[test]
fn import_reports_the_ann_line_of_a_crossing_span() {
    let work = tempfile::tempdir().unwrap();
    let txt = "Trade Talks\nThe Korea–EU FTA talks resumed in Séoul. date2026-01-05\n";
    std::fs::write(work.path().join("bad.txt"), txt).unwrap();
    std::fs::write(
        work.path().join("bad.ann"),
        "T1\tagreement 16 28\tKorea–EU FTA\n\
         N1\tReference T1 accord:korea-eu-fta\tKorea–EU FTA\n\
         T2\tevent 25 34\tFTA talks\n\
         T3\tcommittee 46 51\tSéoul\n",
    )
    .unwrap();
    let output = accord(
        work.path(),
        &["import", "--from", "brat", "bad.ann", "--out", "out"],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("bad.ann:3: `T2` crosses `T1` (line 1)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("bad.ann:4: unknown type `committee`"),
        "{stderr}"
    );
    assert!(!work.path().join("out/bad.article").exists());
}

#[test]
fn import_writes_only_new_files_unless_forced() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(
        work.path().join("doc.txt"),
        "Steel Quota\nThe EU met. date2026-01-05\n",
    )
    .unwrap();
    std::fs::write(work.path().join("doc.ann"), "T1\tplace 16 18\tEU\n").unwrap();
    std::fs::create_dir(work.path().join("out")).unwrap();
    std::fs::write(work.path().join("out/doc.article"), "mine\n").unwrap();
    let args = ["import", "--from", "brat", ".", "--out", "out"];
    let refused = accord(work.path(), &args);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("exists (use --force"));
    assert_eq!(
        std::fs::read_to_string(work.path().join("out/doc.article")).unwrap(),
        "mine\n"
    );
    let forced = accord(work.path(), &[&args[..], &["--force"]].concat());
    assert_ok(&forced);
    assert_eq!(
        std::fs::read_to_string(work.path().join("out/doc.article")).unwrap(),
        "Steel Quota\nThe [EU]{place} met. date2026-01-05\n"
    );
    // The temporary file of the atomic write is gone.
    let left: Vec<_> = std::fs::read_dir(work.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["doc.article"]);
}

/// (article, type, text, source) of every mention `accord entities` lists.
fn entity_mentions(dir: &Path, file: &str) -> Vec<(u64, String, String, String)> {
    let output = accord(dir, &["entities", file, "--format", "json"]);
    assert_ok(&output);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut mentions: Vec<_> = json["files"][0]["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["article"].as_u64().unwrap(),
                m["type"].as_str().unwrap().to_owned(),
                m["text"].as_str().unwrap().to_owned(),
                m["source"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    mentions.sort();
    mentions
}

fn jsonl_records(dir: &Path, file: &str, include: &[&str]) -> Vec<serde_json::Value> {
    let output = accord(dir, &[&["export", "--to", "jsonl", file], include].concat());
    assert_ok(&output);
    text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn jsonl_spans_are_the_mentions_entities_lists() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("awkward.article"), AWKWARD).unwrap();
    for (folder, file) in [
        (root(), "examples/annotated.article".to_owned()),
        (dir.path().to_path_buf(), "awkward.article".to_owned()),
        (root(), "examples/eval/wire-news.article".to_owned()),
    ] {
        let records = jsonl_records(&folder, &file, &["--include", "recognized"]);
        let mut spans = Vec::new();
        for record in &records {
            let chars: Vec<char> = record["text"].as_str().unwrap().chars().collect();
            for span in record["spans"].as_array().unwrap() {
                let start = span["start"].as_u64().unwrap() as usize;
                let end = span["end"].as_u64().unwrap() as usize;
                spans.push((
                    record["article"].as_u64().unwrap(),
                    span["label"].as_str().unwrap().to_owned(),
                    chars[start..end].iter().collect::<String>(),
                    span["source"].as_str().unwrap().to_owned(),
                ));
            }
        }
        spans.sort();
        assert_eq!(spans, entity_mentions(&folder, &file), "{file}");
        // Without `--include recognized` only the tags remain.
        let tags_only = jsonl_records(&folder, &file, &[]);
        let sources: Vec<&str> = tags_only
            .iter()
            .flat_map(|r| r["spans"].as_array().unwrap())
            .map(|s| s["source"].as_str().unwrap())
            .collect();
        assert!(!sources.is_empty() && sources.iter().all(|s| *s == "tag"));
    }
}

#[test]
fn conll_tokens_cover_each_article_and_labels_are_well_formed() {
    let file = "examples/eval/korean-ministries.article";
    let output = accord(&root(), &["export", "--to", "conll", file]);
    assert_ok(&output);
    let conll = text(&output.stdout);
    let records = jsonl_records(&root(), file, &[]);
    let documents: Vec<&str> = conll.split("-DOCSTART-\tO\n").skip(1).collect();
    assert_eq!(documents.len(), records.len());
    for (document, record) in documents.iter().zip(&records) {
        let mut tokens = String::new();
        let mut previous = "O".to_owned();
        let mut begins = 0;
        for line in document.lines().filter(|l| !l.is_empty()) {
            let (token, label) = line.split_once('\t').expect("token<TAB>label");
            tokens.push_str(token);
            if let Some(ty) = label.strip_prefix("I-") {
                assert!(previous.ends_with(ty), "{label} after {previous}");
            } else if label.starts_with("B-") {
                begins += 1;
            } else {
                assert_eq!(label, "O");
            }
            previous = label.to_owned();
        }
        let text: String = record["text"]
            .as_str()
            .unwrap()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert_eq!(tokens, text);
        // Every span that no other span contains begins one entity.
        let spans = record["spans"].as_array().unwrap();
        let range =
            |s: &serde_json::Value| (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap());
        let outermost = spans
            .iter()
            .filter(|s| {
                let (start, end) = range(s);
                !spans.iter().any(|o| {
                    let (os, oe) = range(o);
                    os <= start && end <= oe && (os, oe) != (start, end)
                })
            })
            .count();
        assert_eq!(begins, outermost);
    }
}

#[test]
fn brat_export_writes_nothing_when_a_file_exists() {
    let work = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(work.path().join("out")).unwrap();
    std::fs::write(work.path().join("out/annotation.conf"), "mine\n").unwrap();
    let example = root().join("examples/annotated.article");
    let args = [
        "export",
        "--to",
        "brat",
        example.to_str().unwrap(),
        "--out",
        "out",
    ];
    let refused = accord(work.path(), &args);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("annotation.conf exists"));
    let names: Vec<String> = tree(&work.path().join("out"))
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(names, ["annotation.conf"]);
    assert_ok(&accord(work.path(), &[&args[..], &["--force"]].concat()));
    assert_eq!(tree(&work.path().join("out")).len(), 3);
}

#[test]
fn export_refuses_brat_without_an_out_folder() {
    let output = accord(
        &root(),
        &["export", "--to", "brat", "examples/annotated.article"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("--to brat needs --out DIR"));
}
