//! brat standoff: a `.txt` with the plain text of a file and a `.ann` with its
//! annotations, and the way back to inline tags.
//!
//! An exported `.ann` holds, for every tag in document order (outer tags first), a `T`
//! line with the type and character offsets, an `N` line `Reference T1 accord:KEY` for
//! its `ref`, and an `AnnotatorNotes` line with its other attributes written as in the
//! tag (`value=2026-03 note="..."`). Recognised mentions carry the binary attribute
//! `Recognized`. Import reads the same lines back, so export → import → export gives
//! the same bytes.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::analysis::FileAnalysis;
use crate::syntax;
use crate::text::TextRange;

use super::{
    CharIndex, ExportOptions, FileMentions, PlainSpan, SpanSource, format_attributes, spans_in,
};

/// The normalisation database name of `N` lines: `accord:KEY` is a knowledge-base key.
pub const REFERENCE_DB: &str = "accord";

/// The attribute marking a recognised mention, declared in `annotation.conf`.
pub const RECOGNIZED_ATTRIBUTE: &str = "Recognized";

/// One file in brat's standoff form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BratDocument {
    /// The plain text, byte for byte what `accord strip` gives.
    pub txt: String,
    pub ann: String,
    /// The entity types used, in order of first use.
    pub types: Vec<String>,
}

/// Exports one analysed file.
pub fn export(text: &str, analysis: &FileAnalysis, options: ExportOptions) -> BratDocument {
    let plain = syntax::strip_file(text, &analysis.syntax);
    let spans = spans_in(
        analysis,
        &FileMentions::new(analysis),
        None,
        &plain,
        options,
    );
    let chars = CharIndex::new(&plain.text);
    let mut ann = String::new();
    let mut types: Vec<String> = Vec::new();
    let (mut notes, mut references, mut attributes) = (0, 0, 0);
    for (index, span) in spans.iter().enumerate() {
        let id = index + 1;
        if !types.contains(&span.ty) {
            types.push(span.ty.clone());
        }
        let surface = plain
            .text
            .get(span.range.start..span.range.end)
            .unwrap_or_default();
        let _ = writeln!(
            ann,
            "T{id}\t{} {} {}\t{surface}",
            span.ty,
            chars.to_char(span.range.start),
            chars.to_char(span.range.end)
        );
        let (reference, rest) = split_reference(span);
        if let Some(key) = reference {
            references += 1;
            let _ = writeln!(
                ann,
                "N{references}\tReference T{id} {REFERENCE_DB}:{key}\t{surface}"
            );
        }
        if !rest.is_empty() {
            notes += 1;
            let written = format_attributes(rest.iter().map(|(n, v)| (n.as_str(), v.as_deref())));
            let _ = writeln!(ann, "#{notes}\tAnnotatorNotes T{id}\t{written}");
        }
        if span.source == SpanSource::Recognized {
            attributes += 1;
            let _ = writeln!(ann, "A{attributes}\t{RECOGNIZED_ATTRIBUTE} T{id}");
        }
    }
    BratDocument {
        txt: plain.text,
        ann,
        types,
    }
}

/// The key for the `N` line and the attributes left for the note. A tag's first `ref`
/// becomes the reference unless it holds a space, which the `N` line cannot carry.
fn split_reference(span: &PlainSpan) -> (Option<String>, Vec<(String, Option<String>)>) {
    match span.source {
        SpanSource::Recognized => {
            let mut rest = Vec::new();
            let key = match &span.key {
                Some(key) if !key.chars().any(char::is_whitespace) && !key.is_empty() => {
                    Some(key.clone())
                }
                Some(key) => {
                    rest.push(("ref".to_owned(), Some(key.clone())));
                    None
                }
                None => None,
            };
            if let Some(value) = &span.value {
                rest.push(("value".to_owned(), Some(value.clone())));
            }
            (key, rest)
        }
        SpanSource::Tag => {
            let mut rest = span.attributes.clone();
            let position = rest.iter().position(|(name, value)| {
                name == "ref"
                    && value
                        .as_deref()
                        .is_some_and(|v| !v.is_empty() && !v.chars().any(char::is_whitespace))
            });
            let key = position.and_then(|i| rest.remove(i).1);
            (key, rest)
        }
    }
}

/// brat's `annotation.conf` for exported files: the given entity types, overlapping
/// spans allowed (tags nest), and the `Recognized` attribute.
pub fn annotation_conf(types: &[String]) -> String {
    let mut conf = String::from(
        "# Written by `accord export --to brat`: the entity types of the exported files.\n\
         [entities]\n",
    );
    for ty in types {
        conf.push_str(ty);
        conf.push('\n');
    }
    conf.push_str(
        "\n[relations]\n\
         # Tags nest, so entity spans may overlap.\n\
         <OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\
         \n[events]\n\
         \n[attributes]\n",
    );
    let _ = writeln!(conf, "{RECOGNIZED_ATTRIBUTE}\tArg:<ENTITY>");
    conf
}

/// A problem of an `.ann` file, at a 1-based line (0 when it concerns the whole file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportMessage {
    pub line: usize,
    pub message: String,
}

/// An imported article file and what was reported without stopping the import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// The plain text with inline tags.
    pub text: String,
    pub warnings: Vec<ImportMessage>,
}

/// Why a file could not be imported, and the warnings found on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    pub errors: Vec<ImportMessage>,
    pub warnings: Vec<ImportMessage>,
}

/// One text-bound annotation read from the `.ann`.
#[derive(Clone, Debug)]
struct Entity {
    id: String,
    line: usize,
    range: TextRange,
    ty: String,
    reference: Option<String>,
    attributes: Vec<(String, Option<String>)>,
}

impl Entity {
    /// The attributes in the order the tag gets them: `ref` first, then the others.
    fn tag_attributes(&self) -> Vec<(String, Option<String>)> {
        let mut all = Vec::with_capacity(self.attributes.len() + 1);
        if let Some(key) = &self.reference {
            all.push(("ref".to_owned(), Some(key.clone())));
        }
        all.extend(self.attributes.iter().cloned());
        all
    }
}

/// Rebuilds an annotated article file from a `.txt` and its `.ann`. `is_known_type`
/// says which types the schema knows; others are kept and reported as warnings.
/// Everything the tag syntax cannot express is an error at its `.ann` line.
pub fn import(
    txt: &str,
    ann: &str,
    is_known_type: &dyn Fn(&str) -> bool,
) -> Result<Imported, Rejected> {
    let chars = CharIndex::new(txt);
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut entities: Vec<Entity> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    // Lines that refer to entities are applied after every `T` line is read, since brat
    // does not require them to come later.
    let mut references: Vec<(usize, &str)> = Vec::new();
    for (index, line) in ann.lines().enumerate() {
        let number = index + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let mut fields = line.splitn(3, '\t');
        let id = fields.next().unwrap_or_default();
        let Some(body) = fields.next() else {
            errors.push(located(number, "expected an id, a tab and an annotation"));
            continue;
        };
        match id.chars().next() {
            Some('T') => match read_entity(id, body, fields.next(), number, txt, &chars) {
                Ok(entity) => {
                    if by_id.contains_key(&entity.id) {
                        errors.push(located(number, format!("`{id}` is defined twice")));
                        continue;
                    }
                    by_id.insert(entity.id.clone(), entities.len());
                    if !is_known_type(&entity.ty) {
                        warnings.push(located(
                            number,
                            format!(
                                "unknown type `{}`: kept as written; `accord check` reports it",
                                entity.ty
                            ),
                        ));
                    }
                    entities.push(entity);
                }
                Err(message) => errors.push(located(number, message)),
            },
            Some('N' | '#' | 'A') => references.push((number, line)),
            Some('R' | 'E' | '*' | 'M') => warnings.push(located(
                number,
                format!("`{id}`: relations and events have no inline form and are not imported"),
            )),
            _ => errors.push(located(number, format!("unknown annotation id `{id}`"))),
        }
    }
    for (number, line) in references {
        if let Err(message) = apply_reference(line, &mut entities, &by_id, &mut warnings, number) {
            errors.push(located(number, message));
        }
    }
    entities.sort_by_key(|e| (e.range.start, std::cmp::Reverse(e.range.end), e.line));
    check_nesting(&entities, &mut errors);
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(Rejected { errors, warnings });
    }
    // Plain brackets stay as they are where that reads back the same; otherwise every
    // bracket and backslash of the text is escaped.
    for escape in [false, true] {
        let text = render(txt, &entities, escape);
        if reads_back(&text, txt, &entities) {
            return Ok(Imported { text, warnings });
        }
    }
    Err(Rejected {
        errors: vec![located(
            0,
            "the annotations cannot be written as inline tags that strip back to the .txt \
             (a span over a date marker or an article separator?)",
        )],
        warnings,
    })
}

fn located(line: usize, message: impl Into<String>) -> ImportMessage {
    ImportMessage {
        line,
        message: message.into(),
    }
}

fn is_type_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn is_attribute_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

fn read_entity(
    id: &str,
    body: &str,
    surface: Option<&str>,
    line: usize,
    txt: &str,
    chars: &CharIndex,
) -> Result<Entity, String> {
    let mut parts = body.splitn(2, ' ');
    let ty = parts.next().unwrap_or_default();
    let offsets = parts.next().unwrap_or_default();
    if offsets.contains(';') {
        return Err(format!(
            "`{id}` has a discontinuous span, which a tag cannot express"
        ));
    }
    if !is_type_name(ty) {
        return Err(format!(
            "`{id}`: type `{ty}` cannot be written in a tag (letters, digits, `_` and `-`)"
        ));
    }
    let numbers: Vec<&str> = offsets.split(' ').collect();
    let [start, end] = numbers[..] else {
        return Err(format!("`{id}`: expected `TYPE START END`, found `{body}`"));
    };
    let parse = |s: &str| s.parse::<usize>().ok();
    let (Some(start), Some(end)) = (parse(start), parse(end)) else {
        return Err(format!(
            "`{id}`: offsets must be whole numbers, found `{offsets}`"
        ));
    };
    let (Some(byte_start), Some(byte_end)) = (chars.to_byte(start), chars.to_byte(end)) else {
        return Err(format!(
            "`{id}`: offsets {start}..{end} lie past the end of the text"
        ));
    };
    if byte_start > byte_end {
        return Err(format!(
            "`{id}`: the span starts after it ends ({start}..{end})"
        ));
    }
    let covered = &txt[byte_start..byte_end];
    // brat writes a line break inside a span's text as a space.
    if let Some(surface) = surface
        && surface != covered
        && surface != covered.replace('\n', " ")
    {
        return Err(format!(
            "`{id}`: the text `{}` does not match `{}` at {start}..{end}",
            surface.escape_debug(),
            covered.escape_debug()
        ));
    }
    if covered.contains('\n') {
        return Err(format!(
            "`{id}` spans more than one line; a tag lies within one line"
        ));
    }
    Ok(Entity {
        id: id.to_owned(),
        line,
        range: TextRange::new(byte_start, byte_end),
        ty: ty.to_owned(),
        reference: None,
        attributes: Vec::new(),
    })
}

/// Applies an `N`, `#` or `A` line to the entity it names.
fn apply_reference(
    line: &str,
    entities: &mut [Entity],
    by_id: &HashMap<String, usize>,
    warnings: &mut Vec<ImportMessage>,
    number: usize,
) -> Result<(), String> {
    let mut fields = line.splitn(3, '\t');
    let id = fields.next().unwrap_or_default();
    let body = fields.next().unwrap_or_default();
    let rest = fields.next();
    let words: Vec<&str> = body.split(' ').filter(|w| !w.is_empty()).collect();
    let target = words.get(1).copied().unwrap_or_default();
    let Some(entity) = by_id.get(target).and_then(|&i| entities.get_mut(i)) else {
        return Err(format!(
            "`{id}` refers to `{target}`, which is not a text-bound annotation here"
        ));
    };
    match id.chars().next() {
        Some('N') => {
            let Some(reference) = words.get(2) else {
                return Err(format!("`{id}`: expected `Reference {target} DB:KEY`"));
            };
            let key = match reference.split_once(':') {
                Some((REFERENCE_DB, key)) => key.to_owned(),
                _ => (*reference).to_owned(),
            };
            if entity.reference.is_some() {
                return Err(format!("`{target}` has a second reference in `{id}`"));
            }
            entity.reference = Some(key);
        }
        Some('#') => {
            let note = rest.unwrap_or_default();
            match parse_attributes(note) {
                Some(attributes) => entity.attributes.extend(attributes),
                None => entity
                    .attributes
                    .push(("note".to_owned(), Some(note.to_owned()))),
            }
        }
        _ => {
            let name = words.first().copied().unwrap_or_default();
            if name == RECOGNIZED_ATTRIBUTE {
                // Importing is accepting: a recognised mention becomes the analyst's tag.
                return Ok(());
            }
            if !is_attribute_name(name) {
                return Err(format!(
                    "`{id}`: attribute `{name}` cannot be written in a tag"
                ));
            }
            if words.len() > 3 {
                warnings.push(located(
                    number,
                    format!("`{id}`: only the first value of `{name}` is kept"),
                ));
            }
            // A binary brat attribute is written `name=true`: tag attributes have values.
            let value = Some(words.get(2).copied().unwrap_or("true").to_owned());
            entity.attributes.push((name.to_owned(), value));
        }
    }
    Ok(())
}

/// Reads `name=value name="quoted value"` as the tag syntax does, or `None` when the
/// note is free text.
fn parse_attributes(note: &str) -> Option<Vec<(String, Option<String>)>> {
    let mut attributes = Vec::new();
    let mut rest = note.trim_start();
    while !rest.is_empty() {
        let name_end = rest.find(['=', ' ', '\t']).unwrap_or(rest.len());
        let name = &rest[..name_end];
        if !is_attribute_name(name) {
            return None;
        }
        rest = &rest[name_end..];
        let value = if let Some(after) = rest.strip_prefix('=') {
            if let Some(quoted) = after.strip_prefix('"') {
                let mut value = String::new();
                let mut chars = quoted.char_indices();
                let mut end = None;
                while let Some((i, c)) = chars.next() {
                    match c {
                        '\\' => match chars.next() {
                            Some((_, escaped @ ('"' | '\\'))) => value.push(escaped),
                            Some((_, other)) => {
                                value.push('\\');
                                value.push(other);
                            }
                            None => return None,
                        },
                        '"' => {
                            end = Some(i + 1);
                            break;
                        }
                        other => value.push(other),
                    }
                }
                rest = &quoted[end?..];
                Some(value)
            } else {
                let value_end = after
                    .find(|c: char| c.is_whitespace() || c == '"')
                    .unwrap_or(after.len());
                let value = &after[..value_end];
                if value.is_empty() || value.contains(['{', '}']) {
                    return None;
                }
                rest = &after[value_end..];
                Some(value.to_owned())
            }
        } else {
            // The tag syntax has no attribute without a value: this is free text.
            return None;
        };
        if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
            return None;
        }
        attributes.push((name.to_owned(), value));
        rest = rest.trim_start();
    }
    Some(attributes)
}

/// Reports spans that cross (neither disjoint nor nested), which tags cannot express.
/// `entities` is sorted by start, longer spans first.
fn check_nesting(entities: &[Entity], errors: &mut Vec<ImportMessage>) {
    let mut open: Vec<&Entity> = Vec::new();
    for entity in entities {
        while open
            .last()
            .is_some_and(|outer| outer.range.end <= entity.range.start)
        {
            open.pop();
        }
        if let Some(outer) = open.last()
            && entity.range.end > outer.range.end
        {
            errors.push(located(
                entity.line,
                format!(
                    "`{}` crosses `{}` (line {}): tags nest but never cross",
                    entity.id, outer.id, outer.line
                ),
            ));
            continue;
        }
        open.push(entity);
    }
}

/// Writes the text with the entities as inline tags. `entities` is sorted by start,
/// longer spans first, and nests.
fn render(txt: &str, entities: &[Entity], escape: bool) -> String {
    let mut out = String::with_capacity(txt.len() + entities.len() * 24);
    let mut at = 0;
    let mut open: Vec<&Entity> = Vec::new();
    let push_text = |out: &mut String, text: &str| {
        if escape {
            for c in text.chars() {
                if matches!(c, '[' | ']' | '{' | '}' | '\\') {
                    out.push('\\');
                }
                out.push(c);
            }
        } else {
            out.push_str(text);
        }
    };
    let close = |out: &mut String, at: &mut usize, entity: &Entity| {
        push_text(out, &txt[*at..entity.range.end]);
        *at = entity.range.end;
        out.push_str("]{");
        out.push_str(&entity.ty);
        let attributes = entity.tag_attributes();
        if !attributes.is_empty() {
            out.push(' ');
            out.push_str(&format_attributes(
                attributes.iter().map(|(n, v)| (n.as_str(), v.as_deref())),
            ));
        }
        out.push('}');
    };
    for entity in entities {
        while let Some(outer) = open.last().copied() {
            if outer.range.end > entity.range.start {
                break;
            }
            close(&mut out, &mut at, outer);
            open.pop();
        }
        push_text(&mut out, &txt[at..entity.range.start]);
        at = entity.range.start;
        out.push('[');
        open.push(entity);
    }
    while let Some(outer) = open.pop() {
        close(&mut out, &mut at, outer);
    }
    push_text(&mut out, &txt[at..]);
    out
}

/// Whether `text` parses to exactly the intended tags over exactly the `.txt`.
fn reads_back(text: &str, txt: &str, entities: &[Entity]) -> bool {
    let tree = syntax::parse(text);
    let file_syntax = syntax::lower(text, &tree);
    let plain = syntax::strip_file(text, &file_syntax);
    if plain.text != txt || file_syntax.tags.len() != entities.len() {
        return false;
    }
    file_syntax.tags.iter().zip(entities).all(|(tag, entity)| {
        let start = plain.to_plain(tag.span.start);
        let end = plain.to_plain(tag.span.end).max(start);
        let attributes: Vec<(String, Option<String>)> = tag
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.value.clone()))
            .collect();
        tag.type_range.is_some()
            && tag.type_name == entity.ty
            && TextRange::new(start, end) == entity.range
            && attributes == entity.tag_attributes()
    })
}
