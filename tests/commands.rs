//! End-to-end tests of `accord strip`, `accord entities` and `accord eval` over the
//! repository's examples and small fixtures. The tests over the shared seeds and dev set
//! are in `shared_data.rs`.

use std::path::PathBuf;
use std::process::{Command, Output};

use expect_test::expect;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn accord_in(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the accord binary runs")
}

fn accord(args: &[&str]) -> Output {
    accord_in(&root(), args)
}

#[test]
fn strip_keeps_bom_crlf_escapes_and_malformed_text() {
    let dir = tempfile::tempdir().unwrap();
    let annotated = "\u{feff}Title [Seoul]{place}\r\nA \\[bracket\\] and [[Korea]{place}–[UK]{place} FTA]{agreement ref=korea-uk-fta}, [broken]{org\r\ndate2025-01-02\r\n";
    std::fs::write(dir.path().join("a.article"), annotated).unwrap();
    let output = accord_in(dir.path(), &["strip", "a.article"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "\u{feff}Title Seoul\r\nA [bracket] and Korea–UK FTA, [broken]{org\r\ndate2025-01-02\r\n"
    );
}

#[test]
fn entities_json_has_the_spec_shape() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.article"),
        "-\nKorea and EU Talks\nThe Ministry of Trade, Industry and Resources (MOTIR) met [EU]{place ref=eu} officials in Brussels on Tuesday, March 3, about the 25 percent tariff. date2026-03-05\n",
    )
    .unwrap();
    let output = accord_in(dir.path(), &["entities", "a.article"]);
    assert_eq!(output.status.code(), Some(0));
    let json = String::from_utf8(output.stdout).unwrap();
    expect![[r#"
        {
          "files": [
            {
              "acronyms": [
                {
                  "article": 0,
                  "end": 73,
                  "long": "Ministry of Trade, Industry and Resources",
                  "short": "MOTIR",
                  "start": 68
                }
              ],
              "articles": [
                {
                  "date": "2026-03-05",
                  "end": 184,
                  "index": 0,
                  "start": 2,
                  "title": "Korea and EU Talks"
                }
              ],
              "mentions": [
                {
                  "article": 0,
                  "column": 1,
                  "end": 7,
                  "key": "south-korea",
                  "line": 2,
                  "source": "recognized",
                  "start": 2,
                  "text": "Korea",
                  "type": "place",
                  "value": null
                },
                {
                  "article": 0,
                  "column": 11,
                  "end": 20,
                  "key": "eu-talks",
                  "line": 2,
                  "source": "recognized",
                  "start": 12,
                  "text": "EU Talks",
                  "type": "event",
                  "value": null
                },
                {
                  "article": 0,
                  "column": 5,
                  "end": 66,
                  "key": "motir",
                  "line": 3,
                  "source": "recognized",
                  "start": 25,
                  "text": "Ministry of Trade, Industry and Resources",
                  "type": "org",
                  "value": null
                },
                {
                  "article": 0,
                  "column": 48,
                  "end": 73,
                  "key": "motir",
                  "line": 3,
                  "source": "recognized",
                  "start": 68,
                  "text": "MOTIR",
                  "type": "org",
                  "value": null
                },
                {
                  "article": 0,
                  "column": 60,
                  "end": 82,
                  "key": "eu",
                  "line": 3,
                  "source": "tag",
                  "start": 80,
                  "text": "EU",
                  "type": "place",
                  "value": null
                },
                {
                  "article": 0,
                  "column": 91,
                  "end": 119,
                  "key": "brussels",
                  "line": 3,
                  "source": "recognized",
                  "start": 111,
                  "text": "Brussels",
                  "type": "place",
                  "value": null
                },
                {
                  "article": 0,
                  "column": 103,
                  "end": 139,
                  "key": null,
                  "line": 3,
                  "source": "recognized",
                  "start": 123,
                  "text": "Tuesday, March 3",
                  "type": "date",
                  "value": "2026-03-03"
                },
                {
                  "article": 0,
                  "column": 131,
                  "end": 161,
                  "key": null,
                  "line": 3,
                  "source": "recognized",
                  "start": 151,
                  "text": "25 percent",
                  "type": "percent",
                  "value": "25"
                }
              ],
              "path": "a.article"
            }
          ]
        }
    "#]]
    .assert_eq(&json);
}

/// The table for people: rows aligned by display width (a Hangul name is two columns a
/// character), long texts clipped, tagged and found mentions told apart, and a count.
#[test]
fn entities_table_is_aligned_and_counts_by_type() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.article"),
        "Ministers Meet in Seoul\nThe [Ministry of Trade, Industry and Resources]{org ref=motir} (MOTIR) \
         met [김정관]{person ref=kim-jung-kwan} in Seoul on Monday. date2026-03-05\n-\nNo Date Here\nQuiet week.\n",
    )
    .unwrap();
    let output = accord_in(dir.path(), &["entities", "a.article", "--format", "table"]);
    assert_eq!(output.status.code(), Some(0));
    expect![[r#"
        a.article
          [1] Ministers Meet in Seoul · 2026-03-05
              1:19   place   Seoul                                     seoul          found
              2:6    org     Ministry of Trade, Industry and Resourc…  motir          tagged
              2:65   org     MOTIR                                     motir          found
              2:77   person  김정관                                    kim-jung-kwan  tagged
              2:111  place   Seoul                                     seoul          found
              2:120  date    Monday                                    2026-03-02     found
              acronyms: MOTIR = Ministry of Trade, Industry and Resources
          [2] No Date Here · no date
              (no mentions)

        1 file, 2 articles, 6 mentions (2 tagged, 4 found): 2 org, 2 place, 1 date, 1 person
    "#]]
    .assert_eq(&String::from_utf8(output.stdout).unwrap());
}

#[test]
fn one_key_across_files_and_surface_forms() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.article"),
        "Tariff Talks\nOfficials reviewed the Korea-US FTA on Monday. date2026-03-05\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.article"),
        "Joint Committee\nBoth sides said the Korea–U.S. FTA and the KORUS FTA serve them well. date2026-03-06\n",
    )
    .unwrap();
    let output = accord_in(dir.path(), &["entities", ".", "--format", "jsonl"]);
    assert_eq!(output.status.code(), Some(0));
    let mut keys = Vec::new();
    for line in String::from_utf8(output.stdout).unwrap().lines() {
        let file: serde_json::Value = serde_json::from_str(line).unwrap();
        for mention in file["mentions"].as_array().unwrap() {
            if mention["type"] == "agreement" {
                keys.push((
                    mention["text"].as_str().unwrap().to_owned(),
                    mention["key"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert!(keys.iter().all(|(_, key)| *key == keys[0].1), "{keys:?}");
}

/// A form tagged in one file links in another only when it means the same thing there:
/// a full name does; a bare surname, a generic `FTA` and an acronym two files define
/// differently do not.
#[test]
fn teaching_links_only_forms_that_mean_the_same_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.article"),
        "Port Talks
Minister [Lena Vasquez]{person ref=lena-vasquez} said the \
         [FTA]{agreement ref=velmar-fta} and the [Baltic Ports Accord]{agreement ref=bpa} \
         help. [Vasquez]{person ref=lena-vasquez} left. The [OPF]{org ref=ocean-policy-forum} \
         met. date2026-03-05\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.article"),
        "Trade Review\nThe Orchard Promotion Fund (OPF) opened. date2026-03-06\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c.article"),
        "Harbour Plan\nVasquez said any FTA helps, and so does the Baltic Ports Accord. \
         The OPF met. date2026-03-07\n",
    )
    .unwrap();
    let output = accord_in(
        dir.path(),
        &[
            "entities",
            "c.article",
            "a.article",
            "b.article",
            "--format",
            "jsonl",
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    let mut found = Vec::new();
    for line in String::from_utf8(output.stdout).unwrap().lines() {
        let file: serde_json::Value = serde_json::from_str(line).unwrap();
        if file["path"] != "c.article" {
            continue;
        }
        for mention in file["mentions"].as_array().unwrap() {
            found.push(format!(
                "{} {} {}",
                mention["type"].as_str().unwrap(),
                mention["text"].as_str().unwrap(),
                mention["key"].as_str().unwrap_or("-"),
            ));
        }
    }
    expect![[r#"
        [
            "agreement Baltic Ports Accord bpa",
        ]
    "#]]
    .assert_debug_eq(&found);
}

/// The bundled annotated examples were written apart from the rules, so they measure
/// how the rules carry over to unseen text.
#[test]
fn eval_on_the_annotated_examples() {
    let output = accord(&["eval", "examples/annotated.article", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let micro = report["micro"]["f1"].as_f64().unwrap();
    assert!(micro >= 0.9, "micro F1 {micro}");
}

/// Reports list misses in one order on every run, so that two reports can be diffed.
#[test]
fn eval_lists_acronym_misses_in_order() {
    let output = accord(&["eval", "examples/eval", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let misses = report["misses"].as_array().unwrap();
    for kind in ["missed-acronym", "spurious-acronym"] {
        let listed: Vec<(String, u64, String, String)> = misses
            .iter()
            .filter(|m| m["kind"] == kind)
            .map(|m| {
                (
                    m["file"].as_str().unwrap().to_owned(),
                    m["article"].as_u64().unwrap(),
                    m["text"].as_str().unwrap().to_owned(),
                    m["detail"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let mut sorted = listed.clone();
        sorted.sort();
        assert_eq!(listed, sorted, "{kind}");
    }
    let missed = misses
        .iter()
        .filter(|m| m["kind"] == "missed-acronym")
        .count();
    assert!(
        missed >= 2,
        "the set has acronyms no rule defines: {missed}"
    );
}
