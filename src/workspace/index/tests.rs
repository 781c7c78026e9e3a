//! Tests of the workspace: incremental edits give what a fresh analysis gives, edits
//! re-recognise only the articles they touch, and the index follows the files.

use std::path::Path;
use std::sync::Arc;

use crate::analysis::{Analyzer, Depth, FileAnalysis};
use crate::text::TextRange;
use crate::workspace::{FileKind, Keep, Workspace};

const FIRST: &str = "-
Ministers Meet on the [Korea-US FTA]{agreement ref=korus-fta} in Seoul
The Ministry of Trade held talks with the United States Trade Representative (USTR) on Monday. The USTR said tariffs on steel would fall by 10 percent next year. date2025-03-04
-
A Second Story About Exports to the EU – With an Accent: café
Exports of chips rose 12% to $3.5 billion in [March]{date value=2025-03}, the ministry said 🙂. date2025-04-01
-
Third Article Without a Date
[Korea–U.S. FTA]{agreement ref=korus-fta} talks will continue next month.
";

const SECOND: &str = "Trade Talks Continue
Officials said the Korea–U.S. FTA committee would meet again in June. USTR staff attended. date2025-05-20
";

/// Snippets random edits insert: tag syntax, separators, markers and wide characters,
/// so that edits create and destroy tags, articles and dates.
const SNIPPETS: &[&str] = &[
    "",
    " ",
    "\n",
    "\n-\n",
    "[",
    "]",
    "{",
    "}",
    "]{org}",
    "[Seoul]{place}",
    " date2025-01-02",
    "Korea",
    "é",
    "–",
    "🙂",
    "USTR",
    "(WTO)",
    "World Trade Organization",
    "ref=x ",
    "\"",
];

/// A fixed-seed generator, so a failure reproduces.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

fn char_boundary_at_or_before(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn assert_same_analysis(incremental: &FileAnalysis, fresh: &FileAnalysis, context: &str) {
    assert_eq!(
        incremental.syntax, fresh.syntax,
        "syntax differs after {context}"
    );
    assert_eq!(
        incremental.articles.len(),
        fresh.articles.len(),
        "article count differs after {context}"
    );
    for (a, b) in incremental.articles.iter().zip(&fresh.articles) {
        assert_eq!(a.plain, b.plain, "plain text differs after {context}");
        assert_eq!(
            a.recognized, b.recognized,
            "recognition differs after {context}"
        );
    }
    assert_eq!(
        incremental.diagnostics, fresh.diagnostics,
        "diagnostics differ after {context}"
    );
    assert_eq!(
        incremental.checks, fresh.checks,
        "checks differ after {context}"
    );
}

/// Everything a file snapshot derives from its text equals a fresh derivation, and
/// the key index lists exactly the files whose mentions carry each key.
fn assert_same_snapshot(snap: &crate::workspace::WorkspaceSnapshot, context: &str) {
    let mut expected: std::collections::BTreeMap<&str, Vec<crate::workspace::FileId>> =
        Default::default();
    for file in snap.files() {
        assert_eq!(
            *file.line_index,
            crate::text::LineIndex::new(&file.text),
            "line index differs after {context}"
        );
        if file.kind == FileKind::Article {
            // The summary a file keeps, open or closed, is what a fresh analysis gives.
            let fresh = snap
                .analyzer
                .analyze_with(&file.text, &snap.lexicon, Depth::Full);
            assert_summary_matches(file, &fresh, context);
            if let Some(analysis) = file.analysis.as_deref() {
                assert_same_analysis(analysis, &fresh, context);
            }
        }
        for key in file.mentions().filter_map(|m| m.key()) {
            let files = expected.entry(key).or_default();
            if files.last() != Some(&file.id) {
                files.push(file.id);
            }
        }
    }
    let keys: Vec<&str> = expected.keys().copied().collect();
    assert_eq!(snap.keys(), keys, "indexed keys differ after {context}");
    for (key, files) in expected {
        let indexed: Vec<_> = snap.files_mentioning(key).map(|f| f.id).collect();
        assert_eq!(indexed, files, "files of `{key}` differ after {context}");
        let found: Vec<_> = snap
            .mentions_of(key)
            .into_iter()
            .map(|(file, mention)| (file.id, mention.range))
            .collect();
        let scanned: Vec<_> = files
            .iter()
            .filter_map(|id| snap.file(*id))
            .flat_map(|file| {
                file.mentions()
                    .filter(|m| m.key() == Some(key))
                    .map(|m| (file.id, m.range))
            })
            .collect();
        assert_eq!(found, scanned, "mentions of `{key}` differ after {context}");
        for file in files.iter().filter_map(|id| snap.file(*id)) {
            let counted = file
                .key_mentions(key)
                .expect("a file that mentions the key");
            let articles: std::collections::BTreeSet<usize> = file
                .mentions()
                .filter(|m| m.key() == Some(key))
                .map(|m| m.article)
                .collect();
            assert_eq!(counted.articles, articles.len(), "articles of `{key}`");
            let dates: Vec<_> = articles
                .iter()
                .filter_map(|&a| file.articles.get(a)?.date)
                .collect();
            assert_eq!(
                counted.first,
                dates.iter().min().copied(),
                "first date of `{key}`"
            );
            assert_eq!(
                counted.latest,
                dates.iter().max().copied(),
                "latest date of `{key}`"
            );
        }
    }
}

/// The summary a file keeps (mentions, articles, acronym definitions, diagnostics)
/// equals what a fresh analysis of its text gives.
fn assert_summary_matches(
    file: &crate::workspace::FileSnapshot,
    fresh: &FileAnalysis,
    context: &str,
) {
    // A mention's text is read from the file; a fresh analysis takes it from the plain
    // text, which leaves out what follows an article's date marker and keeps the
    // brackets of broken tags. Elsewhere the two agree.
    let mut kept: Vec<_> = file.mentions().map(|m| m.to_owned_mention()).collect();
    let fresh_mentions = crate::workspace::file_mentions(fresh);
    for (kept, fresh) in kept.iter_mut().zip(&fresh_mentions) {
        if fresh.text.is_empty() || fresh.text.contains(['[', ']', '\\']) {
            kept.text = fresh.text.clone();
        }
    }
    assert_eq!(kept, fresh_mentions, "mentions differ after {context}");
    let (articles, acronyms) = super::summarize(fresh);
    assert_eq!(file.articles, articles, "articles differ after {context}");
    assert_eq!(file.acronyms, acronyms, "acronyms differ after {context}");
    assert_eq!(
        file.diagnostics, fresh.diagnostics,
        "diagnostics differ after {context}"
    );
}

/// Steps of the random edit tests; more for a longer search:
/// `ACCORD_EDIT_STEPS=5000 cargo test random_edits`.
fn edit_steps(default: usize) -> usize {
    std::env::var("ACCORD_EDIT_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_edits_match_a_fresh_analysis() {
    check_random_edits(FIRST, 0x5eed, edit_steps(150));
}

#[test]
fn random_edits_of_example_files_match_a_fresh_analysis() {
    random_edits_of_files_in(&["examples", "examples/broken", "examples/eval"], 10);
}

/// Needs the shared seeds beside the repository (`cargo test -- --ignored shared_data`).
#[test]
#[ignore = "reads ../shared, which CI puts beside the checkout"]
fn shared_data_random_edits_of_seed_files_match_a_fresh_analysis() {
    random_edits_of_files_in(&["../shared/seeds"], 2);
}

/// Applies random edits to each article file of `folders` (relative to the repository)
/// and compares with a fresh analysis; there must be more than `at_least` files.
fn random_edits_of_files_in(folders: &[&str], at_least: usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = folders
        .iter()
        .flat_map(|folder| {
            std::fs::read_dir(root.join(folder))
                .unwrap_or_else(|e| panic!("{folder}: {e}"))
                .filter_map(|entry| entry.ok().map(|e| e.path()))
        })
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "article" || ext == "txt")
        })
        .collect();
    paths.sort();
    assert!(
        paths.len() >= at_least,
        "the files of {folders:?} are there"
    );
    for (seed, path) in paths.iter().enumerate() {
        // The one example saved in Latin-1 on purpose is never analysed as text.
        if path.ends_with("broken/invalid-utf8.article") {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("example files are UTF-8");
        check_random_edits(&text, seed as u64 + 1, edit_steps(150) / 5);
    }
}

/// Applies random edits to `initial` beside a second file and checks after each that
/// both files' analyses, mentions, line indexes and the key index equal a fresh
/// analysis of the same text.
fn check_random_edits(initial: &str, seed: u64, steps: usize) {
    let analyzer = Arc::new(Analyzer::with_defaults());
    let mut workspace = Workspace::new(analyzer.clone());
    // The edited file is open, as in an editor; the other one is closed and opened
    // again now and then, so it keeps only its summary part of the time.
    workspace.open_file(Path::new("/ws/first.article"));
    let first = workspace.set_file_text(Path::new("/ws/first.article"), Arc::from(initial));
    let second = workspace.set_file_text(Path::new("/ws/second.article"), Arc::from(SECOND));
    let mut rng = Lcg(seed);
    let mut other_open = false;
    for step in 0..steps {
        let snap = workspace.snapshot();
        let text = snap.file(first).expect("the file is open").text.clone();
        let start = char_boundary_at_or_before(&text, rng.next(text.len() + 1));
        let end = char_boundary_at_or_before(&text, start + rng.next(12)).max(start);
        let insert = SNIPPETS[rng.next(SNIPPETS.len())];
        workspace
            .apply_edit(first, TextRange::new(start, end), insert)
            .expect("the edit is on char boundaries");
        let snap = workspace.snapshot();
        let file = snap.file(first).expect("the file is still open");
        let expected_text = format!("{}{}{}", &text[..start], insert, &text[end..]);
        assert_eq!(&*file.text, expected_text.as_str());
        let fresh = analyzer.analyze_with(&file.text, &snap.lexicon, Depth::Full);
        let incremental = file
            .analysis
            .as_deref()
            .expect("an open file keeps its analysis");
        let context = format!(
            "step {step}: {start}..{end} -> {insert:?}, giving {:?}",
            &*file.text
        );
        assert_same_analysis(incremental, &fresh, &context);
        assert_eq!(file.diagnostics, fresh.diagnostics);
        // The other file follows the lexicon the edit changed, open or closed.
        let other = snap.file(second).expect("the other file is indexed");
        assert_eq!(
            other.analysis.is_some(),
            other_open,
            "only open files keep their analysis"
        );
        let fresh = analyzer.analyze_with(&other.text, &snap.lexicon, Depth::Full);
        assert_summary_matches(other, &fresh, &format!("{context} (other file)"));
        assert_same_snapshot(&snap, &context);
        if rng.next(5) == 0 {
            other_open = !other_open;
            drop(workspace.set_open(second, other_open));
        }
    }
}

#[test]
fn an_edit_inside_one_article_recognises_only_that_article() {
    let mut workspace = Workspace::new(Arc::new(Analyzer::with_defaults()));
    workspace.open_file(Path::new("/ws/first.article"));
    let id = workspace.set_file_text(Path::new("/ws/first.article"), Arc::from(FIRST));
    let before = workspace.recognition_count();
    let at = FIRST.find("rose 12%").expect("the fixture has the phrase");
    workspace
        .apply_edit(id, TextRange::new(at, at + 4), "fell")
        .expect("valid edit");
    assert_eq!(workspace.recognition_count() - before, 1);
    // Replacing the whole text with itself recognises nothing again.
    let before = workspace.recognition_count();
    let text = workspace.snapshot().file(id).expect("open").text.clone();
    workspace.set_file_text(Path::new("/ws/first.article"), text);
    assert_eq!(workspace.recognition_count(), before);
}

#[test]
fn edits_off_char_boundaries_or_unknown_files_are_refused() {
    let mut workspace = Workspace::new(Arc::new(Analyzer::with_defaults()));
    let id = workspace.set_file_text(Path::new("/ws/first.article"), Arc::from(FIRST));
    let accent = FIRST.find('é').expect("the fixture has an accent");
    assert_eq!(
        workspace.apply_edit(id, TextRange::new(accent + 1, accent + 1), "x"),
        None
    );
    assert_eq!(
        workspace.apply_edit(id, TextRange::new(0, FIRST.len() + 1), "x"),
        None
    );
    assert_eq!(
        workspace.apply_edit(crate::workspace::FileId(99), TextRange::empty(0), "x"),
        None
    );
}

#[test]
fn the_index_follows_files_and_kinds() {
    let mut workspace = Workspace::new(Arc::new(Analyzer::with_defaults()));
    let first = workspace.set_file_text(Path::new("/ws/first.article"), Arc::from(FIRST));
    let second = workspace.set_file_text(Path::new("/ws/second.article"), Arc::from(SECOND));
    let kb = workspace.set_file_text(
        Path::new("/ws/kb/extra.toml"),
        Arc::from(
            "[[entity]]\nkey = \"korus-fta\"\ntype = \"agreement\"\nname = \"Korea–U.S. FTA\"\n",
        ),
    );
    let config = workspace.set_file_text(Path::new("/ws/accord.toml"), Arc::from("[files\n"));
    let snap = workspace.snapshot();
    let kinds: Vec<FileKind> = snap.files().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [
            FileKind::Article,
            FileKind::Article,
            FileKind::KnowledgeBase,
            FileKind::Config
        ]
    );
    assert!(snap.file(config).is_some_and(|f| !f.diagnostics.is_empty()));
    assert!(snap.file(kb).is_some_and(|f| f.entries.len() == 1));
    let files: Vec<_> = snap.files_mentioning("korus-fta").map(|f| f.id).collect();
    assert_eq!(files, [first, second]);
    assert!(workspace.entity_count() > 0);

    workspace.remove_file(Path::new("/ws/second.article"));
    let snap = workspace.snapshot();
    let files: Vec<_> = snap.files_mentioning("korus-fta").map(|f| f.id).collect();
    assert_eq!(files, [first]);
    assert_eq!(
        workspace.file_id(Path::new("/ws/second.article")),
        Some(second)
    );
    assert!(snap.file(second).is_none());
}

/// Needs the shared dev set beside the repository (`cargo test -- --ignored shared_data`).
#[test]
#[ignore = "reads ../shared, which CI puts beside the checkout"]
fn shared_data_edits_to_the_annotated_dev_files_reuse_untouched_articles() {
    let dev = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/dev");
    let Ok(first) = std::fs::read_to_string(dev.join("seed-000.article")) else {
        panic!("the dev set is next to the repository");
    };
    let second = std::fs::read_to_string(dev.join("seed-001.article")).expect("dev file");
    let analyzer = Arc::new(Analyzer::with_defaults());
    let mut workspace = Workspace::new(analyzer.clone());
    // Edited, so open in an editor.
    workspace.open_file(Path::new("/ws/seed-000.article"));
    let id = workspace.set_file_text(Path::new("/ws/seed-000.article"), Arc::from(first.as_str()));
    workspace.set_file_text(
        Path::new("/ws/seed-001.article"),
        Arc::from(second.as_str()),
    );
    let articles = workspace
        .snapshot()
        .file(id)
        .and_then(|f| f.analysis.clone())
        .map_or(0, |a| a.articles.len());
    assert!(articles > 3, "the dev file holds several articles");
    let mut rng = Lcg(7);
    let mut local_edits = 0;
    for step in 0..40 {
        let text = workspace.snapshot().file(id).expect("open").text.clone();
        // A plain word character typed or deleted somewhere in the file.
        let at = char_boundary_at_or_before(&text, rng.next(text.len()));
        let (range, insert) = if step % 2 == 0 {
            (TextRange::empty(at), "x")
        } else {
            let end = char_boundary_at_or_before(&text, at + 1).max(at);
            let end = if end == at {
                text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
            } else {
                end
            };
            (TextRange::new(at, end), "")
        };
        let before = workspace.recognition_count();
        let lexicon_before = workspace.snapshot().lexicon;
        workspace.apply_edit(id, range, insert).expect("valid edit");
        let recognised = workspace.recognition_count() - before;
        let snap = workspace.snapshot();
        let file = snap.file(id).expect("open");
        let fresh = analyzer.analyze_with(&file.text, &snap.lexicon, Depth::Full);
        let context = format!("dev edit {step} at {at}");
        assert_same_analysis(
            file.analysis.as_deref().expect("analysed"),
            &fresh,
            &context,
        );
        // Unless the edit changed what the file teaches (and so the lexicon), it
        // recognises at most the articles around the edit again.
        if Arc::ptr_eq(&lexicon_before, &snap.lexicon) {
            local_edits += 1;
            assert!(
                recognised <= 2,
                "{context}: {recognised} articles recognised again"
            );
        }
    }
    assert!(local_edits > 20, "most edits leave the lexicon alone");
}

#[test]
fn batch_installs_match_files_set_one_by_one() {
    let files = [
        ("/ws/first.article", FIRST),
        ("/ws/second.article", SECOND),
        // Teaches `Busan Port Authority` to the others, which only mention it.
        (
            "/ws/third.article",
            "Port Talks\n[Busan Port Authority]{org ref=bpa} met USTR. date2025-06-01\n",
        ),
        (
            "/ws/fourth.article",
            "Port News\nThe Busan Port Authority said exports rose. date2025-06-02\n",
        ),
    ];
    let analyzer = Arc::new(Analyzer::with_defaults());
    let mut one_by_one = Workspace::new(analyzer.clone());
    for (path, text) in files {
        one_by_one.set_file_text(Path::new(path), Arc::from(text));
    }
    // Everything once more, so that what each file teaches reaches the others.
    for (path, text) in files {
        one_by_one.set_file_text(Path::new(path), Arc::from(text));
    }

    let mut batched = Workspace::new(analyzer);
    for batch in files.chunks(2) {
        let read = read_files(&mut batched, batch);
        let prepared = batched.context().prepare(read);
        let _ = batched.install_files(prepared, false);
    }
    drop(batched.refresh());

    let (expected, actual) = (one_by_one.snapshot(), batched.snapshot());
    for (path, _) in files {
        let expected = expected.file_by_path(Path::new(path)).expect("indexed");
        let actual = actual.file_by_path(Path::new(path)).expect("indexed");
        assert!(
            actual
                .mentions()
                .map(|m| m.to_owned_mention())
                .eq(expected.mentions().map(|m| m.to_owned_mention())),
            "{path}"
        );
        assert_eq!(actual.diagnostics, expected.diagnostics, "{path}");
    }
    let fourth = actual
        .file_by_path(Path::new("/ws/fourth.article"))
        .expect("indexed");
    assert!(
        fourth.mentions().any(|m| m.key() == Some("bpa")),
        "the learned form reaches the untagged file: {:?}",
        fourth.mentions().collect::<Vec<_>>()
    );
    assert_eq!(expected.lexicon.forms, actual.lexicon.forms);
}

/// Indexes `files` in a new workspace as a server does: batches, then one refresh,
/// restoring what `cache` holds. Returns the workspace and how many were restored.
fn index_with_cache(
    analyzer: &Arc<Analyzer>,
    files: &[(&str, &str)],
    cache: Option<&crate::workspace::cache::IndexCache>,
) -> (Workspace, usize) {
    let mut workspace = Workspace::new(analyzer.clone());
    workspace.begin_bulk_load();
    if let Some(cache) = cache {
        workspace.adopt_cached_lexicon(cache);
    }
    let read = read_files(&mut workspace, files);
    let (prepared, restored) = workspace
        .context()
        .prepare_with_cache(read, cache, Keep::Analysis);
    drop(workspace.install_files(prepared, false));
    drop(workspace.refresh());
    (workspace, restored)
}

/// Fixture files as indexing reads them, with ids from `workspace`.
fn read_files(
    workspace: &mut Workspace,
    files: &[(&str, &str)],
) -> Vec<(super::FileId, std::path::PathBuf, Arc<str>)> {
    let ids = workspace.intern_paths(files.iter().map(|(path, _)| Path::new(*path)));
    files
        .iter()
        .zip(ids)
        .map(|((path, text), id)| (id, Path::new(path).to_path_buf(), Arc::from(*text)))
        .collect()
}

/// Everything a client sees of two workspaces' files is the same.
fn assert_same_workspaces(got: &Workspace, want: &Workspace, context: &str) {
    let (got, want) = (got.snapshot(), want.snapshot());
    assert_eq!(got.keys(), want.keys(), "keys {context}");
    assert_eq!(got.lexicon.forms, want.lexicon.forms, "lexicon {context}");
    for want_file in want.files() {
        let got_file = got.file_by_path(&want_file.path).expect("the same files");
        let owned = |file: &crate::workspace::FileSnapshot| -> Vec<_> {
            file.mentions().map(|m| m.to_owned_mention()).collect()
        };
        let path = want_file.path.display();
        assert_eq!(
            owned(got_file),
            owned(want_file),
            "{path} mentions {context}"
        );
        assert_eq!(got_file.articles, want_file.articles, "{path} {context}");
        assert_eq!(got_file.acronyms, want_file.acronyms, "{path} {context}");
        assert_eq!(
            got_file.diagnostics, want_file.diagnostics,
            "{path} {context}"
        );
        assert_eq!(
            *got_file.line_index, *want_file.line_index,
            "{path} {context}"
        );
    }
    assert_same_snapshot(&got, context);
}

/// The two first files, the third that teaches the port authority's name, and a
/// fourth that uses it.
fn port_workspace(fourth: &'static str) -> [(&'static str, &'static str); 4] {
    [
        ("/ws/first.article", FIRST),
        ("/ws/second.article", SECOND),
        ("/ws/third.article", PORT_TALKS),
        ("/ws/fourth.article", fourth),
    ]
}

/// A third file for the index tests: it teaches a name the others use.
const PORT_TALKS: &str =
    "Port Talks\n[Busan Port Authority]{org ref=bpa} met USTR. date2025-06-01\n";

#[test]
fn a_warm_start_from_the_cache_gives_what_indexing_gives() {
    use crate::workspace::cache::{CacheError, analyzer_fingerprint, decode};
    let fourth = "Port News\nThe Busan Port Authority said exports rose. date2025-06-02\n";
    let files = port_workspace(fourth);
    let analyzer = Arc::new(Analyzer::with_defaults());
    let fingerprint = analyzer_fingerprint(&analyzer);
    let (cold, restored) = index_with_cache(&analyzer, &files, None);
    assert_eq!(restored, 0);
    let bytes = cold
        .cache_source()
        .expect("the lexicon is settled")
        .encode(fingerprint);

    // Every file restored, nothing recognised, and the same answers.
    let cache = decode(&bytes, fingerprint).expect("a cache this version wrote");
    let (warm, restored) = index_with_cache(&analyzer, &files, Some(&cache));
    assert_eq!(restored, files.len());
    assert_eq!(
        warm.recognition_count(),
        0,
        "a warm start recognises nothing"
    );
    assert_same_workspaces(&warm, &cold, "after a warm start");

    // A file that changed on disk is analysed again, and what it no longer teaches
    // leaves the others: the result is what indexing the new texts gives.
    let untagged = "Port Talks\nThe Busan Port Authority met USTR. date2025-06-01\n";
    let changed = [
        files[0],
        files[1],
        ("/ws/third.article", untagged),
        files[3],
    ];
    let (warm, restored) = index_with_cache(&analyzer, &changed, Some(&cache));
    assert_eq!(
        restored,
        files.len() - 1,
        "the changed file is not restored"
    );
    let (fresh, _) = index_with_cache(&analyzer, &changed, None);
    assert_same_workspaces(&warm, &fresh, "after a file changed on disk");
    assert!(
        !warm
            .snapshot()
            .file_by_path(Path::new("/ws/fourth.article"))
            .expect("indexed")
            .mentions()
            .any(|m| m.key() == Some("bpa")),
        "the form the changed file taught is gone from the others"
    );

    // A cache is trusted only whole, and only from this version and configuration.
    assert_eq!(
        decode(&bytes[..bytes.len() - 1], fingerprint).err(),
        Some(CacheError::Truncated)
    );
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x40;
    assert_eq!(
        decode(&flipped, fingerprint).err(),
        Some(CacheError::Corrupt)
    );
    assert_eq!(
        decode(b"not a cache at all", fingerprint).err(),
        Some(CacheError::Foreign)
    );
    assert_eq!(
        decode(&bytes, fingerprint ^ 1).err(),
        Some(CacheError::OtherConfiguration)
    );
    let other_version = crate::workspace::cache::encode_as_version(
        "0.0.1",
        fingerprint,
        &cold.snapshot().lexicon.forms,
    );
    assert_eq!(
        decode(&other_version, fingerprint).err(),
        Some(CacheError::OtherVersion("0.0.1".to_owned()))
    );
}

#[test]
fn packed_summaries_answer_as_the_originals_and_skip_changed_files() {
    let files = [
        ("/ws/first.article", FIRST),
        ("/ws/second.article", SECOND),
        ("/ws/third.article", PORT_TALKS),
    ];
    let analyzer = Arc::new(Analyzer::with_defaults());
    let (want, _) = index_with_cache(&analyzer, &files, None);
    let (mut packed, _) = index_with_cache(&analyzer, &files, None);
    // In parts of two files, as the server packs a part at a time, names shared
    // across the parts.
    let mut names = crate::workspace::SharedNames::default();
    let mut packed_files = 0;
    for part in packed.closed_summaries().into_parts(2) {
        let copies = part.copy(&mut names);
        packed_files += packed.install_copies(copies).files();
    }
    assert_eq!(packed_files, files.len(), "every closed file is packed");
    assert_same_workspaces(&packed, &want, "after packing");

    // A file changed between taking and installing keeps its new summary.
    let summaries = packed.closed_summaries();
    let copies = summaries.copy(&mut names);
    let changed = format!("{PORT_TALKS}More on the Busan Port Authority.\n");
    packed.set_file_text(Path::new("/ws/third.article"), Arc::from(changed.as_str()));
    let replaced = packed.install_copies(copies);
    assert_eq!(
        replaced.files(),
        files.len() - 1,
        "the changed file is skipped"
    );
    let (want, _) = index_with_cache(
        &analyzer,
        &[files[0], files[1], ("/ws/third.article", changed.as_str())],
        None,
    );
    assert_same_workspaces(&packed, &want, "after a change while packing");
}

#[test]
fn indexing_that_releases_closed_analyses_per_batch_gives_what_keeping_them_gives() {
    let fourth = "Port News\nThe Busan Port Authority (BPA) said exports rose. date2025-06-02\n";
    let files = port_workspace(fourth);
    let analyzer = Arc::new(Analyzer::with_defaults());
    let (want, _) = index_with_cache(&analyzer, &files, None);
    // As the server indexes: batches of two, each installed and then compacted.
    let mut got = Workspace::new(analyzer.clone());
    got.begin_bulk_load();
    for batch in files.chunks(2) {
        let read = read_files(&mut got, batch);
        let prepared = got.context().prepare(read);
        drop(got.install_files(prepared, false));
        drop(got.release_closed_analyses());
        assert!(
            got.snapshot().files().all(|file| file.analysis.is_none()),
            "no closed file keeps its analysis"
        );
    }
    drop(got.refresh());
    assert_same_workspaces(&got, &want, "after releasing analyses per batch");
}

#[test]
fn learning_what_files_teach_first_recognises_each_article_once() {
    let fourth = "Port News\nThe Busan Port Authority (BPA) said exports rose. date2025-06-02\n";
    let files = port_workspace(fourth);
    let articles = 6;
    let analyzer = Arc::new(Analyzer::with_defaults());
    let (mut want, _) = index_with_cache(&analyzer, &files, None);
    assert!(
        want.recognition_count() > articles,
        "learning after recognising recognises articles twice"
    );
    // The fourth file's acronym is typed only with the name the third teaches: learning
    // after recognising leaves it to the next refresh, learning first has it at once.
    assert!(
        !want
            .snapshot()
            .lexicon
            .forms
            .iter()
            .any(|f| f.surface == "BPA")
    );
    drop(want.refresh());
    // As the server indexes a workspace it has no cache of.
    let mut got = Workspace::new(analyzer.clone());
    got.begin_bulk_load();
    let read = read_files(&mut got, &files);
    let taught = got.context().taught_forms(&read);
    got.adopt_taught_lexicon(taught);
    let prepared = got.context().prepare(read);
    drop(got.install_files(prepared, false));
    drop(got.refresh());
    assert_eq!(got.recognition_count(), articles);
    assert!(!got.lexicon_pending());
    assert_same_workspaces(&got, &want, "after learning first");
}

#[test]
fn files_indexed_in_bulk_keep_their_key_lookup_built_through_compaction_and_packing() {
    let files = [("/ws/first.article", FIRST), ("/ws/second.article", SECOND)];
    let analyzer = Arc::new(Analyzer::with_defaults());
    let (mut workspace, _) = index_with_cache(&analyzer, &files, None);
    let built = |workspace: &Workspace| {
        workspace
            .snapshot()
            .files()
            .all(|file| file.lookups.mentions_by_key.get().is_some())
    };
    assert!(built(&workspace), "built where the files were analysed");
    let copies = workspace
        .closed_summaries()
        .copy(&mut crate::workspace::SharedNames::default());
    drop(workspace.install_copies(copies));
    assert!(built(&workspace), "built again for the packed copies");
    let snapshot = workspace.snapshot();
    let first = snapshot
        .file_by_path(Path::new("/ws/first.article"))
        .unwrap();
    assert_eq!(
        first.key_mentions("korus-fta").map(|k| k.mentions()),
        Some(2)
    );
}
