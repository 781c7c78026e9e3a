//! Lowering well-formed text without a tree: one pass over the lines that builds the
//! same `FileSyntax` as parsing with tree-sitter and lowering the tree.
//!
//! Most files are well formed, and for them the grammar's decisions are simple: a line
//! is blank, a separator or content; a bracket group closes on its line and is a tag
//! when `{` follows its `]`; a date marker is the rest of a body line. Building the
//! model from the lines directly is many times faster than a parse, which makes a node
//! of every token. Anything the grammar might read otherwise (an unclosed or stray
//! bracket, a broken tag, a CR, a NUL, a byte order mark, deep nesting) makes this
//! pass give up, and the file is parsed with tree-sitter; the two are compared in the
//! tests over the examples and random text.

use crate::text::TextRange;

use super::lower::Lowering;
use super::{AttributeSyntax, FileSyntax, TagSyntax};

/// Nesting deeper than this goes to the parser, which caps it (see the scanner's
/// `MAX_DEPTH`) and treats deeper brackets as text.
const MAX_GROUPS: usize = 32;

/// The syntax of `text` when every line of it is well formed, else `None`.
pub fn lower_direct(text: &str) -> Option<FileSyntax> {
    let bytes = text.as_bytes();
    // A CR or a NUL changes what the scanner sees as a line end; a byte order mark is
    // rare enough to leave to the parser.
    if memchr::memchr2(b'\r', 0, bytes).is_some() || text.starts_with('\u{feff}') {
        return None;
    }
    let mut lowering = Lowering::new(text);
    let mut lines = Lines::default();
    let mut start = 0;
    while start <= bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        lines.line(&mut lowering, text, start, end)?;
        start = end + 1;
    }
    Some(lowering.finish())
}

/// Where the walk over the lines is.
#[derive(Default)]
struct Lines {
    /// Whether the next content line continues the current article (its body).
    in_article: bool,
    /// Groups open on the current line, scratch reused between lines.
    groups: Vec<usize>,
    /// Tags of the current line in the order they close, scratch.
    closed: Vec<TagSyntax>,
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

impl Lines {
    fn line(
        &mut self,
        lowering: &mut Lowering<'_>,
        text: &str,
        start: usize,
        end: usize,
    ) -> Option<()> {
        let bytes = text.as_bytes();
        let mut content_start = start;
        while content_start < end && is_blank(bytes[content_start]) {
            content_start += 1;
        }
        let mut content_end = end;
        while content_end > content_start && is_blank(bytes[content_end - 1]) {
            content_end -= 1;
        }
        if content_start == content_end {
            return Some(());
        }
        let content = TextRange::new(content_start, content_end);
        if &text[content_start..content_end] == "-" {
            lowering
                .file
                .separators
                .push(TextRange::new(content_start, content_start + 1));
            lowering.current_article = None;
            self.in_article = false;
            return Some(());
        }
        if !self.in_article {
            // The first content line of an article is its title.
            let tags = lowering.file.tags.len();
            lowering.file.articles.push(super::ArticleSyntax {
                range: content,
                title: Some(content),
                tags: tags..tags,
                ..super::ArticleSyntax::default()
            });
            lowering.current_article = Some(lowering.file.articles.len() - 1);
            self.in_article = true;
            return self.inline(lowering, text, content);
        }
        let marker = trailing_marker(text, content);
        if let Some(article) = lowering.file.articles.last_mut() {
            article.range.end = content_end;
            let body_start = article.body.map_or(content_start, |b| b.start);
            article.body = Some(TextRange::new(body_start, content_end));
        }
        let inline_end = marker.map_or(content_end, |m| m.start);
        self.inline(lowering, text, TextRange::new(content_start, inline_end))?;
        if let Some(marker) = marker {
            lowering.date_marker(marker);
        }
        Some(())
    }

    /// Tags, bracket groups and escapes of one line's content.
    fn inline(&mut self, lowering: &mut Lowering<'_>, text: &str, range: TextRange) -> Option<()> {
        let bytes = text.as_bytes();
        self.groups.clear();
        self.closed.clear();
        let mut at = range.start;
        while let Some(found) = memchr::memchr3(b'[', b']', b'\\', &bytes[at..range.end]) {
            let i = at + found;
            match bytes[i] {
                b'[' => {
                    if self.groups.len() >= MAX_GROUPS {
                        return None;
                    }
                    self.groups.push(i);
                    at = i + 1;
                }
                b']' => {
                    let open = self.groups.pop()?;
                    if bytes.get(i + 1) == Some(&b'{') {
                        let (tag, end) = tag_body(text, open, i, range.end)?;
                        self.closed.push(tag);
                        at = end;
                    } else {
                        at = i + 1;
                    }
                }
                _ => {
                    if bytes
                        .get(i + 1)
                        .is_some_and(|&b| matches!(b, b'[' | b']' | b'{' | b'}' | b'\\'))
                    {
                        lowering.file.escapes.push(TextRange::new(i, i + 2));
                        at = i + 2;
                    } else {
                        at = i + 1;
                    }
                }
            }
        }
        if !self.groups.is_empty() {
            return None;
        }
        if self.closed.is_empty() {
            return Some(());
        }
        let base = lowering.file.tags.len();
        let article = lowering.current_article.unwrap_or(0);
        // A nested tag closes before the tag around it, so tags that closed in the
        // order they opened nest in no other tag: the common case, taken as it is.
        if self
            .closed
            .windows(2)
            .all(|pair| pair[0].range.start < pair[1].range.start)
        {
            for mut tag in self.closed.drain(..) {
                tag.article = article;
                lowering.file.tags.push(tag);
                lowering.check_tag(lowering.file.tags.len() - 1);
            }
            return Some(());
        }
        // Tags are numbered in the order they open; each is checked when it closes,
        // inner tags first, as the walk over the tree does.
        let mut closed: Vec<Option<TagSyntax>> = self.closed.drain(..).map(Some).collect();
        let mut order: Vec<usize> = (0..closed.len()).collect();
        order.sort_by_key(|&k| closed[k].as_ref().map_or(0, |t| t.range.start));
        let mut index_of = vec![0; closed.len()];
        let mut enclosing: Vec<(usize, usize)> = Vec::new();
        for (position, &k) in order.iter().enumerate() {
            let Some(mut tag) = closed[k].take() else {
                continue;
            };
            while enclosing
                .last()
                .is_some_and(|&(end, _)| end <= tag.range.start)
            {
                enclosing.pop();
            }
            tag.parent = enclosing.last().map(|&(_, index)| index);
            tag.article = article;
            let index = base + position;
            enclosing.push((tag.range.end, index));
            index_of[k] = index;
            lowering.file.tags.push(tag);
        }
        for index in index_of {
            lowering.check_tag(index);
        }
        Some(())
    }
}

/// The date marker that ends a body line: `date`, an optional `:`, blanks and
/// `YYYY-MM-DD`, at the start of the content or after a blank.
fn trailing_marker(text: &str, content: TextRange) -> Option<TextRange> {
    let bytes = &text.as_bytes()[content.start..content.end];
    if bytes.len() < 14 || !bytes[bytes.len() - 1].is_ascii_digit() {
        return None;
    }
    let value_start = bytes.len() - 10;
    let value = &bytes[value_start..];
    let shape = value.iter().enumerate().all(|(i, &b)| match i {
        4 | 7 => b == b'-',
        _ => b.is_ascii_digit(),
    });
    if !shape {
        return None;
    }
    let mut keyword_end = value_start;
    while keyword_end > 0 && is_blank(bytes[keyword_end - 1]) {
        keyword_end -= 1;
    }
    if keyword_end > 0 && bytes[keyword_end - 1] == b':' {
        keyword_end -= 1;
    }
    let keyword_start = keyword_end.checked_sub(4)?;
    if &bytes[keyword_start..keyword_end] != b"date" {
        return None;
    }
    if keyword_start > 0 && !is_blank(bytes[keyword_start - 1]) {
        return None;
    }
    Some(TextRange::new(content.start + keyword_start, content.end))
}

/// The `{type name=value ...}` after the `]` at `close` of the group opened at `open`:
/// the tag and the offset after its `}`, or `None` when the grammar might read it in
/// another way.
fn tag_body(text: &str, open: usize, close: usize, limit: usize) -> Option<(TagSyntax, usize)> {
    let bytes = &text.as_bytes()[..limit];
    let blanks = |mut i: usize| {
        while i < bytes.len() && is_blank(bytes[i]) {
            i += 1;
        }
        i
    };
    let type_start = blanks(close + 2);
    let first = *bytes.get(type_start)?;
    if !(first.is_ascii_alphanumeric() || first == b'_') {
        return None;
    }
    let mut type_end = type_start + 1;
    while type_end < bytes.len()
        && (bytes[type_end].is_ascii_alphanumeric() || matches!(bytes[type_end], b'_' | b'-'))
    {
        type_end += 1;
    }
    let mut attributes = Vec::new();
    let mut at = type_end;
    loop {
        let next = blanks(at);
        match *bytes.get(next)? {
            b'}' => {
                at = next + 1;
                break;
            }
            // Attributes are separated by blanks; anything else is for the parser.
            _ if next == at => return None,
            _ => {}
        }
        let name_start = next;
        let first = bytes[name_start];
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        let mut name_end = name_start + 1;
        while name_end < bytes.len()
            && (bytes[name_end].is_ascii_alphanumeric()
                || matches!(bytes[name_end], b'_' | b'.' | b'-'))
        {
            name_end += 1;
        }
        if bytes.get(name_end) != Some(&b'=') {
            return None;
        }
        let value_start = name_end + 1;
        let value_end = if bytes.get(value_start) == Some(&b'"') {
            quoted_end(bytes, value_start)?
        } else {
            let mut end = value_start;
            while end < bytes.len() && !matches!(bytes[end], b' ' | b'\t' | b'"' | b'{' | b'}') {
                // Bare values are ASCII here, so that `\s` means the same to the parser.
                if !(0x21..0x7f).contains(&bytes[end]) {
                    return None;
                }
                end += 1;
            }
            if end == value_start || matches!(bytes.get(end), Some(b'"' | b'{') | None) {
                return None;
            }
            end
        };
        attributes.push(AttributeSyntax {
            range: TextRange::new(name_start, value_end),
            name_range: TextRange::new(name_start, name_end),
            name: text[name_start..name_end].to_owned(),
            value_range: Some(TextRange::new(value_start, value_end)),
            value: Some(super::lower::unquote(&text[value_start..value_end])),
        });
        at = value_end;
    }
    let tag = TagSyntax {
        range: TextRange::new(open, at),
        span: TextRange::new(open + 1, close),
        type_range: Some(TextRange::new(type_start, type_end)),
        type_name: text[type_start..type_end].to_owned(),
        attributes,
        parent: None,
        article: 0,
    };
    Some((tag, at))
}

/// The end of the quoted value opening at `start`, after its closing quote.
fn quoted_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    loop {
        match *bytes.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => {
                if bytes.get(i + 1).is_none_or(|&b| b == b'\n') {
                    return None;
                }
                i += 2;
            }
            b'\n' => return None,
            _ => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> FileSyntax {
        super::super::lower(text, &super::super::parse(text))
    }

    /// Whether direct lowering, where it does not give up, gives what the parser gives.
    /// Also checks that lowering window by window gives the same.
    fn agrees(text: &str) -> bool {
        let expected = parsed(text);
        assert_eq!(super::super::parse_and_lower(text), expected, "{text:?}");
        match lower_direct(text) {
            Some(direct) => {
                assert_eq!(direct, expected, "{text:?}");
                true
            }
            None => false,
        }
    }

    /// SplitMix64, so that a failing text can be made again from its seed.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            ((z ^ (z >> 31)) % n as u64) as usize
        }
    }

    /// Pieces of well-formed and broken structure, weighted towards what is well formed.
    const PIECES: &[&str] = &[
        "word",
        "Word",
        " ",
        " ",
        "\t",
        "\n",
        "\n",
        "\n\n",
        "\n-\n",
        "-",
        " - ",
        "\n  -  \n",
        "[",
        "]",
        "]{",
        "{",
        "}",
        "=",
        "\"",
        "\\",
        "\\[",
        "\\]",
        "\\{",
        "\\\\",
        "\\q",
        "é",
        "한국",
        "date",
        "date2025-01-02",
        " date2025-01-02",
        " date: 2025-01-02",
        " date 2026-02-30",
        "dated 2025-01-02",
        "2025-01-02",
        " date2025-01",
        "[Seoul]{place}",
        "[Seoul]{place ref=seoul}",
        "[a [b]{org}]{event}",
        "[]{org}",
        "[ ]{org}",
        "[x]{org ref=a ref=a}",
        "[x]{org ref=a ref=b}",
        "[x]{org note=\"a \\\" b\"}",
        "[x]{ org  ref=a }",
        "[x]{Org}",
        "[x]{org ref=}",
        "[x]{org ref= a}",
        "[x]{org ref=a\"}",
        "[x]{org note=\"é\"}",
        "[x]{org ref=[a]}",
        "[x]{date value=2025-01-02}",
        "[Photo News]",
        "[a [b] c]{org}",
        "[[a]{org} [b]{place}]{event}",
        "[x]{org}date2025-01-02",
        "[x]{org} date2025-01-02",
        "[x]{org a.b-c=1 _d=\"\"}",
        "[x]{1org}",
        "[x]{org-x_y}",
        "[x]{org ref=a}b",
        "[x]{org\tref=a}",
        "\r\n",
        "\u{feff}",
        "[x]{org note=\"a\\\\\"}",
    ];

    #[test]
    fn direct_lowering_equals_parsing_random_text() {
        let mut rng = Rng(0x1a7e);
        let mut direct = 0;
        let runs = 6000;
        for _ in 0..runs {
            let mut text = String::new();
            for _ in 0..rng.below(40) {
                text.push_str(PIECES[rng.below(PIECES.len())]);
            }
            direct += usize::from(agrees(&text));
        }
        assert!(
            direct * 10 > runs,
            "only {direct} of {runs} lowered directly"
        );
    }

    /// Well-formed pieces only, so that nearly every text is lowered directly.
    const WELL_FORMED: &[&str] = &[
        "word",
        "Word",
        " ",
        "\t",
        "\n",
        "\n\n",
        "\n-\n",
        " - ",
        "-",
        "\\[",
        "\\}",
        "\\q",
        "é",
        "date",
        "date2025-01-02",
        " date2025-01-02",
        " date: 2025-01-02",
        " date\t2025-01-02",
        " date:2025-01-02",
        "dated 2025-01-02",
        " 2025-01-02",
        "{",
        "}",
        "=",
        "\"",
        "[Seoul]{place}",
        "[a [b]{org}]{event}",
        "[]{org}",
        "[ ]{org}",
        "[Photo News]",
        "[]",
        "[x]{org ref=a ref=a}",
        "[x]{org note=\"a \\\" b\"}",
        "[x]{ org  ref=a }",
        "[x]{org a.b-c=1 _d=\"\"}",
        "[x]{org ref=[a]}",
        "[[a]{org} [b]{place}]{event}",
        "[a [b] c]{org}",
        "[x]{org}date2025-01-02",
        "[x]{1org}",
        "[x]{org\tref=x}",
    ];

    #[test]
    fn direct_lowering_equals_parsing_well_formed_text() {
        let mut rng = Rng(0xd17e);
        let mut direct = 0;
        let runs = 20_000;
        for _ in 0..runs {
            let mut text = String::new();
            for _ in 0..rng.below(30) {
                text.push_str(WELL_FORMED[rng.below(WELL_FORMED.len())]);
            }
            direct += usize::from(agrees(&text));
        }
        assert!(
            direct * 10 > runs * 9,
            "only {direct} of {runs} lowered directly"
        );
    }

    #[test]
    fn direct_lowering_equals_parsing_the_examples() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut direct = 0;
        for folder in [
            "examples",
            "examples/broken",
            "examples/eval",
            "tests/fixtures",
        ] {
            direct += agrees_on_folder(&root.join(folder));
        }
        assert!(direct > 0);
    }

    /// Needs the shared data beside the repository: `cargo test -- --ignored shared_data`.
    #[test]
    #[ignore = "reads ../shared, which CI puts beside the checkout"]
    fn shared_data_direct_lowering_equals_parsing() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
        agrees_on_folder(&root.join("seeds"));
        agrees_on_folder(&root.join("dev"));
        // More folders, such as a generated corpus: `ACCORD_DIRECT_FOLDERS=a:b`.
        for folder in std::env::var("ACCORD_DIRECT_FOLDERS")
            .unwrap_or_default()
            .split(':')
        {
            if !folder.is_empty() {
                agrees_on_folder_whole(std::path::Path::new(folder));
            }
        }
    }

    fn agrees_on_folder_whole(folder: &std::path::Path) {
        let mut paths: Vec<_> = std::fs::read_dir(folder)
            .expect("a readable folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        paths.sort();
        let mut direct = 0;
        for path in &paths {
            let text = std::fs::read_to_string(path).expect("UTF-8 text");
            direct += usize::from(agrees(&text));
        }
        eprintln!(
            "{}: {direct} of {} files lowered directly",
            folder.display(),
            paths.len()
        );
    }

    /// Checks every article file under `folder`, each whole and each line alone, and
    /// returns how many were lowered directly.
    fn agrees_on_folder(folder: &std::path::Path) -> usize {
        let Ok(entries) = std::fs::read_dir(folder) else {
            return 0;
        };
        let mut direct = 0;
        for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            if path.is_dir() {
                direct += agrees_on_folder(&path);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            direct += usize::from(agrees(&text));
            // A line alone is a title; after a title line, the same line is body.
            for line in text.lines() {
                agrees(line);
                agrees(&format!("Title\n{line}\n"));
            }
        }
        direct
    }
}
