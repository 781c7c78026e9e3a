//! Features that change text: completion inside tags, assists (tag a mention, tag all,
//! diagnostic fixes, knowledge-base entries, canonical date markers) and rename.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::{Diagnostic, TextEdit};
use crate::kb::AttrKind;
use crate::recognize::temporal;
use crate::text::TextRange;
use crate::workspace::{FileId, FileKind, FileSnapshot, MentionSource, WorkspaceSnapshot};

use super::navigation::{Target, tag_at, target_at};
use super::{
    Assist, AssistKind, Completion, CompletionKind, FilePosition, FileRange, SourceChange,
};

/// Where the cursor is inside the braces of a tag being written.
struct BraceContext<'a> {
    /// The tag type written so far (empty while it is being typed).
    ty: &'a str,
    /// The word under the cursor, from its start to the cursor.
    word: &'a str,
    word_start: usize,
    /// The annotated span before `]{`, when the line shows one.
    span: Option<&'a str>,
}

/// Reads the line up to the cursor: inside `]{ ... ` with no `}` yet.
fn brace_context(text: &str, offset: usize) -> Option<BraceContext<'_>> {
    let before = text.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = &before[line_start..];
    let open = line.rfind("]{")?;
    let inside = &line[open + 2..];
    if inside.contains('}') {
        return None;
    }
    let word_offset = inside.rfind(char::is_whitespace).map_or(0, |i| {
        i + inside[i..].chars().next().map_or(1, char::len_utf8)
    });
    let ty_end = inside.find(char::is_whitespace);
    let span_start = line[..open].rfind('[').map(|i| i + 1);
    Some(BraceContext {
        ty: ty_end.map_or("", |end| &inside[..end]),
        word: &inside[word_offset..],
        word_start: line_start + open + 2 + word_offset,
        span: span_start.map(|start| &line[start..open]),
    })
}

pub fn completions(snap: &WorkspaceSnapshot, pos: FilePosition) -> Vec<Completion> {
    let Some(file) = snap.file(pos.file) else {
        return Vec::new();
    };
    let Some(context) = brace_context(&file.text, pos.offset) else {
        return Vec::new();
    };
    let schema = &snap.analyzer.config.schema;
    let replace = TextRange::new(context.word_start, pos.offset);
    // The type is being typed.
    if context.ty.is_empty() {
        return schema
            .types
            .iter()
            .filter(|t| t.name.starts_with(context.word))
            .map(|t| Completion {
                label: t.name.clone(),
                kind: CompletionKind::Type,
                detail: None,
                documentation: Some(t.description.clone()),
                replace,
                insert: t.name.clone(),
            })
            .collect();
    }
    let Some(type_def) = schema.get(context.ty) else {
        return Vec::new();
    };
    let Some((name, value)) = context.word.split_once('=') else {
        return type_def
            .attributes
            .iter()
            .filter(|a| a.name.starts_with(context.word))
            .map(|a| Completion {
                label: a.name.clone(),
                kind: CompletionKind::Attribute,
                detail: Some(attr_kind_name(&a.kind).to_owned()),
                documentation: a.description.clone(),
                replace,
                insert: format!("{}=", a.name),
            })
            .collect();
    };
    let Some(attr) = type_def.attribute(name) else {
        return Vec::new();
    };
    let replace = TextRange::new(context.word_start + name.len() + 1, pos.offset);
    let candidates: Vec<(String, CompletionKind, Option<String>)> = match &attr.kind {
        AttrKind::Enum { values } => values
            .iter()
            .map(|v| (v.clone(), CompletionKind::EnumValue, None))
            .collect(),
        AttrKind::Bool => ["true", "false"]
            .iter()
            .map(|v| ((*v).to_owned(), CompletionKind::EnumValue, None))
            .collect(),
        AttrKind::EntityRef => entity_keys(snap, context.ty, context.span),
        AttrKind::Timex => {
            let date = article_date_at(file, pos.offset);
            context
                .span
                .map(|span| temporal::find_dates(span, date))
                .unwrap_or_default()
                .into_iter()
                .filter_map(|m| {
                    let value = m.value.clone()?;
                    let detail = m.date.map(|d| d.granularity.as_str().to_owned());
                    Some((value, CompletionKind::DateValue, detail))
                })
                .collect()
        }
        // An amount's normalised value, as the recogniser writes it (`USD 350000000000`).
        AttrKind::Money => context
            .span
            .map(crate::recognize::numeric::find_amounts)
            .unwrap_or_default()
            .into_iter()
            .filter(|m| m.ty.as_str() == "money")
            .filter_map(|m| {
                let value = m.value?;
                // A value with a space is written quoted.
                let label = if value.contains(' ') {
                    format!("\"{value}\"")
                } else {
                    value
                };
                Some((label, CompletionKind::EnumValue, Some("amount".to_owned())))
            })
            .collect(),
        _ => Vec::new(),
    };
    candidates
        .into_iter()
        .filter(|(label, _, _)| {
            label
                .trim_start_matches('"')
                .starts_with(value.trim_start_matches('"'))
        })
        .map(|(label, kind, detail)| Completion {
            insert: label.clone(),
            label,
            kind,
            detail,
            documentation: None,
            replace,
        })
        .collect()
}

fn attr_kind_name(kind: &AttrKind) -> &'static str {
    match kind {
        AttrKind::Text => "text",
        AttrKind::Number => "number",
        AttrKind::Bool => "bool",
        AttrKind::Enum { .. } => "enum",
        AttrKind::EntityRef => "entity key",
        AttrKind::Timex => "TIMEX3 value",
        AttrKind::Money => "money",
    }
}

/// The date of the article around `offset`.
fn article_date_at(file: &FileSnapshot, offset: usize) -> Option<jiff::civil::Date> {
    file.article_at(offset)?.1.date
}

/// Entity keys of a type: entries whose name or alias is the span come first; then every
/// key, of the knowledge base or the workspace, by how close its names come to the span
/// (`Kim Jeongkwan` finds `kim-jung-kwan` before `ahn-gyu-baek`), workspace keys before
/// the rest of the knowledge base among equals.
fn entity_keys(
    snap: &WorkspaceSnapshot,
    ty: &str,
    span: Option<&str>,
) -> Vec<(String, CompletionKind, Option<String>)> {
    let span = span
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty());
    let closeness = |names: &mut dyn Iterator<Item = String>| -> f64 {
        let Some(span) = span.as_deref() else {
            return 0.0;
        };
        names
            .map(|name| strsim::jaro_winkler(&name.to_lowercase(), span))
            .fold(0.0, f64::max)
    };
    // (rank, closeness, key, name): rank 0 names the span exactly, 1 is the workspace's,
    // 2 the rest of the knowledge base.
    let mut ranked: Vec<(u8, f64, String, Option<String>)> = Vec::new();
    let mut listed: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for entry in snap.analyzer.kb.entries().filter(|e| e.ty == ty) {
        let names_span = span.as_deref().is_some_and(|span| {
            entry.name.to_lowercase() == span
                || entry.aliases.iter().any(|a| a.to_lowercase() == span)
        });
        let score = closeness(
            &mut std::iter::once(entry.name.clone())
                .chain(entry.aliases.iter().cloned())
                .chain(std::iter::once(entry.key.replace('-', " "))),
        );
        let rank = if names_span { 0 } else { 2 };
        ranked.push((rank, score, entry.key.clone(), Some(entry.name.clone())));
        listed.insert(&entry.key);
    }
    for key in snap.keys() {
        if listed.contains(key) {
            continue;
        }
        let mentions = snap.mentions_of(key);
        if mentions.first().is_none_or(|(_, m)| m.ty() != ty) {
            continue;
        }
        let score = closeness(
            &mut mentions
                .iter()
                .map(|(_, m)| m.text().trim().to_owned())
                .chain(std::iter::once(key.replace('-', " "))),
        );
        ranked.push((1, score, key.to_owned(), None));
    }
    // Knowledge-base keys the workspace mentions rank with the workspace's.
    for item in ranked.iter_mut().filter(|item| item.0 == 2) {
        if snap.files_mentioning(&item.2).next().is_some() {
            item.0 = 1;
        }
    }
    ranked.sort_by(|a, b| {
        let exact = |item: &(u8, f64, String, Option<String>)| item.0 != 0;
        exact(a)
            .cmp(&exact(b))
            .then(b.1.total_cmp(&a.1))
            .then(a.0.cmp(&b.0))
            .then(a.2.cmp(&b.2))
    });
    ranked
        .into_iter()
        .map(|(_, _, key, name)| (key, CompletionKind::EntityKey, name))
        .collect()
}

/// The tag text for a recognised mention: its type, and its key or value.
fn tag_for(ty: &str, key: Option<&str>, value: Option<&str>) -> String {
    let mut tag = format!("{{{ty}");
    if let Some(key) = key {
        tag.push_str(" ref=");
        tag.push_str(key);
    } else if let Some(value) = value {
        tag.push_str(" value=");
        if value.contains(char::is_whitespace) {
            tag.push('"');
            tag.push_str(value);
            tag.push('"');
        } else {
            tag.push_str(value);
        }
    }
    tag.push('}');
    tag
}

fn wrap_edits(range: TextRange, tag: &str) -> Vec<TextEdit> {
    vec![
        TextEdit {
            range: TextRange::empty(range.start),
            text: "[".to_owned(),
        },
        TextEdit {
            range: TextRange::empty(range.end),
            text: format!("]{tag}"),
        },
    ]
}

/// The actions a cursor or selection offers: the fixes of the `diagnostics` it touches
/// (those the editor shows for the file, so a code switched off offers no fix), then
/// assists; each title once.
/// The assists at `range`. `workspace_folder` is where a configuration the assists
/// create goes when the workspace has none.
pub fn code_actions(
    snap: &WorkspaceSnapshot,
    range: FileRange,
    diagnostics: &[Diagnostic],
    workspace_folder: Option<&Path>,
) -> Vec<Assist> {
    let mut assists = assists_at(snap, range, diagnostics, workspace_folder);
    let mut titles = std::collections::HashSet::new();
    assists.retain(|assist| titles.insert(assist.title.clone()));
    assists
}

fn assists_at(
    snap: &WorkspaceSnapshot,
    range: FileRange,
    diagnostics: &[Diagnostic],
    workspace_folder: Option<&Path>,
) -> Vec<Assist> {
    let Some(file) = snap.file(range.file) else {
        return Vec::new();
    };
    let mut assists = Vec::new();
    let touches = |r: TextRange| {
        r.intersects(range.range) || r.touches(range.range.start) || r.touches(range.range.end)
    };
    for diagnostic in diagnostics.iter().filter(|d| touches(d.range)) {
        if let Some(fix) = &diagnostic.fix {
            assists.push(Assist {
                title: fix.title.clone(),
                kind: AssistKind::QuickFix,
                change: SourceChange {
                    edits: vec![(file.id, fix.edits.clone())],
                    new_files: Vec::new(),
                },
                preferred: diagnostic.code.fix_keeps_meaning(),
                fixes: Some(diagnostic.clone()),
            });
        }
    }
    // A selection over several articles (a whole file) gets the diagnostics' fixes
    // only: an assist for every mention in it would bury them under hundreds.
    let spans_articles = file
        .articles
        .iter()
        .filter(|article| article.range.intersects(range.range))
        .nth(1)
        .is_some();
    if spans_articles {
        return assists;
    }
    // Recognised mentions no tag covers: tag this one, or every one like it.
    for mention in file
        .mentions()
        .filter(|m| m.source == MentionSource::Recognized && touches(m.range))
    {
        let tag = tag_for(mention.ty(), mention.key(), mention.value());
        let text = mention.text();
        let text = text.trim();
        assists.push(Assist {
            title: format!("Tag `{text}` as {}", mention.ty()),
            kind: AssistKind::Refactor,
            change: SourceChange {
                edits: vec![(file.id, wrap_edits(mention.range, &tag))],
                new_files: Vec::new(),
            },
            preferred: false,
            fixes: None,
        });
        let Some(key) = mention.key() else { continue };
        let same = |m: &crate::workspace::FileMention<'_>| {
            m.source == MentionSource::Recognized && m.key() == Some(key)
        };
        let in_file: Vec<TextEdit> = file
            .mentions()
            .filter(same)
            .flat_map(|m| wrap_edits(m.range, &tag))
            .collect();
        if in_file.len() > 2 {
            assists.push(Assist {
                title: format!(
                    "Tag all {} mentions of `{key}` in this file",
                    in_file.len() / 2
                ),
                kind: AssistKind::Refactor,
                change: SourceChange {
                    edits: vec![(file.id, in_file)],
                    new_files: Vec::new(),
                },
                preferred: false,
                fixes: None,
            });
        }
        let mut edits: Vec<(FileId, Vec<TextEdit>)> = Vec::new();
        let mut count = 0;
        for other in snap.files_mentioning(key) {
            let file_edits: Vec<TextEdit> = other
                .mentions()
                .filter(same)
                .flat_map(|m| wrap_edits(m.range, &tag))
                .collect();
            count += file_edits.len() / 2;
            if !file_edits.is_empty() {
                edits.push((other.id, file_edits));
            }
        }
        if edits.len() > 1 {
            assists.push(Assist {
                title: format!("Tag all {count} mentions of `{key}` in the workspace"),
                kind: AssistKind::Refactor,
                change: SourceChange {
                    edits,
                    new_files: Vec::new(),
                },
                preferred: false,
                fixes: None,
            });
        }
    }
    if let Some(tag) = tag_at(snap, file, range.range.start)
        && let Some(key) = tag.value_of("ref")
        && snap.entry(key).is_none()
    {
        assists.extend(add_entry(
            snap,
            file,
            workspace_folder,
            key,
            &tag.type_name,
            tag.span,
        ));
    }
    if let Some(analysis) = snap.analysis(file) {
        for marker in analysis.syntax.articles.iter().flat_map(|a| &a.dates) {
            if marker.canonical || !touches(marker.range) {
                continue;
            }
            let value = file
                .text
                .get(marker.value_range.start..marker.value_range.end)
                .unwrap_or("");
            let canonical = format!("date{value}");
            // The checker's own fix, when it reports the marker, is listed already.
            if assists.iter().any(|a| {
                a.change.edits.iter().any(|(_, edits)| {
                    edits
                        .iter()
                        .any(|e| e.range == marker.range && e.text == canonical)
                })
            }) {
                continue;
            }
            assists.push(Assist {
                title: format!("Write the date marker as `{canonical}`"),
                kind: AssistKind::Refactor,
                change: SourceChange {
                    edits: vec![(
                        file.id,
                        vec![TextEdit {
                            range: marker.range,
                            text: canonical,
                        }],
                    )],
                    new_files: Vec::new(),
                },
                preferred: false,
                fixes: None,
            });
        }
    }
    assists
}

/// Where a new knowledge-base entry goes, so that the workspace loads it: the first
/// workspace file the configuration's knowledge-base paths name; else a new file those
/// paths name; else a new `kb/entities.toml` with the paths that load it written into
/// the configuration, or into a new `accord.toml` in the workspace folder when there
/// is none. `None` when the configuration's paths name no file that could be created.
fn entry_destination(
    snap: &WorkspaceSnapshot,
    file: &FileSnapshot,
    workspace_folder: Option<&Path>,
    table: &str,
) -> Option<SourceChange> {
    const DEFAULT_PATTERN: &str = "kb/*.toml";
    const DEFAULT_FILE: &str = "kb/entities.toml";
    let config = &snap.analyzer.config;
    let config_file = (!config.root.as_os_str().is_empty())
        .then(|| config.root.join(crate::kb::config::CONFIG_FILE_NAME));
    let Some(config_file) = config_file else {
        let folder = workspace_folder
            .map(Path::to_path_buf)
            .or_else(|| file.path.parent().map(Path::to_path_buf))?;
        return Some(SourceChange {
            edits: Vec::new(),
            new_files: vec![
                (
                    folder.join(crate::kb::config::CONFIG_FILE_NAME),
                    format!("[knowledge-base]\npaths = [\"{DEFAULT_PATTERN}\"]\n"),
                ),
                (folder.join(DEFAULT_FILE), table.to_owned()),
            ],
        });
    };
    let loaded = |path: &Path| {
        let Ok(relative) = path.strip_prefix(&config.root) else {
            return false;
        };
        config.kb_paths.iter().any(|kb_path| {
            kb_path
                .matcher()
                .is_some_and(|matcher| matcher.is_match(relative))
                || Path::new(&kb_path.pattern) == relative
        })
    };
    if let Some(kb) = snap
        .files()
        .filter(|f| f.kind == FileKind::KnowledgeBase && loaded(&f.path))
        .min_by_key(|f| &f.path)
    {
        let separator = if kb.text.is_empty() || kb.text.ends_with("\n\n") {
            ""
        } else if kb.text.ends_with('\n') {
            "\n"
        } else {
            "\n\n"
        };
        return Some(SourceChange {
            edits: vec![(
                kb.id,
                vec![TextEdit {
                    range: TextRange::empty(kb.text.len()),
                    text: format!("{separator}{table}"),
                }],
            )],
            new_files: Vec::new(),
        });
    }
    if let Some(first) = config.kb_paths.first() {
        // A glob's last part names the new file (`entities` for its `*`); the result
        // must still be a path the glob matches, or the entry would not load.
        let candidate = first.pattern.replacen('*', "entities", 1);
        let path = config.root.join(&candidate);
        return (!candidate.contains(['*', '?', '[', '{']) && loaded(&path)).then(|| {
            SourceChange {
                edits: Vec::new(),
                new_files: vec![(path, table.to_owned())],
            }
        });
    }
    // A configuration without knowledge-base paths gets the default one.
    let config_text = snap.file_by_path(&config_file)?;
    let text = &config_text.text;
    let paths_line = format!("paths = [\"{DEFAULT_PATTERN}\"]\n");
    let edit = match text
        .match_indices("[knowledge-base]")
        .find(|(at, _)| *at == 0 || text.as_bytes()[at - 1] == b'\n')
    {
        Some((at, header)) => {
            let line_end = text[at + header.len()..]
                .find('\n')
                .map_or(text.len(), |i| at + header.len() + i + 1);
            let newline = if line_end == text.len() && !text.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            TextEdit {
                range: TextRange::empty(line_end),
                text: format!("{newline}{paths_line}"),
            }
        }
        None => {
            let separator = if text.is_empty() {
                ""
            } else if text.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            TextEdit {
                range: TextRange::empty(text.len()),
                text: format!("{separator}[knowledge-base]\n{paths_line}"),
            }
        }
    };
    Some(SourceChange {
        edits: vec![(config_text.id, vec![edit])],
        new_files: vec![(config.root.join(DEFAULT_FILE), table.to_owned())],
    })
}

/// Adds a knowledge-base entry for a key only tags define, where the workspace loads
/// it from (see [`entry_destination`]).
fn add_entry(
    snap: &WorkspaceSnapshot,
    file: &FileSnapshot,
    workspace_folder: Option<&Path>,
    key: &str,
    ty: &str,
    span: TextRange,
) -> Option<Assist> {
    let name = file.text.get(span.start..span.end).unwrap_or(key).trim();
    // Values are written as TOML strings, so any text a tag holds stays valid TOML.
    let quote = |value: &str| toml::Value::String(value.to_owned()).to_string();
    let table = format!(
        "[[entity]]\nkey = {}\ntype = {}\nname = {}\n",
        quote(key),
        quote(ty),
        quote(name)
    );
    Some(Assist {
        title: format!("Add `{key}` to the knowledge base"),
        kind: AssistKind::QuickFix,
        change: entry_destination(snap, file, workspace_folder, &table)?,
        preferred: false,
        fixes: None,
    })
}

/// The `ref` value of a tag or the key of an entry under the cursor.
pub fn prepare_rename(snap: &WorkspaceSnapshot, pos: FilePosition) -> Option<TextRange> {
    match target_at(snap, pos)? {
        Target::Mention { tag, .. } => {
            let tag = tag?;
            let attr = tag.attribute("ref")?;
            let range = attr.value_range?;
            range.touches(pos.offset).then_some(range)
        }
        Target::Entry { entry, .. } => entry.source.as_ref()?.key_range,
    }
}

pub fn rename(
    snap: &WorkspaceSnapshot,
    pos: FilePosition,
    new_key: &str,
) -> Result<SourceChange, String> {
    if prepare_rename(snap, pos).is_none() {
        return Err("Only a `ref` value or a knowledge-base key can be renamed".to_owned());
    }
    let target = target_at(snap, pos).ok_or("Nothing to rename here")?;
    let old_key = target.key().ok_or("Nothing to rename here")?.to_owned();
    if !crate::kb::load::is_valid_key(new_key) {
        return Err(format!(
            "`{new_key}` is not a valid key: lowercase letters and digits in words joined by hyphens"
        ));
    }
    if new_key != old_key && snap.entry(new_key).is_some() {
        return Err(format!("`{new_key}` is already a knowledge-base key"));
    }
    // A built-in entry keeps its key and its names whatever the workspace does: renaming
    // the tags (or a workspace entry that replaces it) would leave untagged mentions
    // linking to the old key, splitting the entity.
    if new_key != old_key && crate::kb::builtin::builtin().get(&old_key).is_some() {
        return Err(format!(
            "`{old_key}` is a built-in key: mentions found by its built-in names would keep \
             linking to `{old_key}` while the renamed tags link to `{new_key}`, splitting the \
             entity. Keep the key, or give the entity a workspace entry with the new key and \
             its own names and tag the mentions with it."
        ));
    }
    let mut edits: BTreeMap<FileId, Vec<TextEdit>> = BTreeMap::new();
    // A file whose tags give the key mentions it, so only those are read; a closed
    // one is analysed for its tags.
    for file in snap.files() {
        let analysis = match file.kind {
            crate::workspace::FileKind::Article if file.key_mentions(&old_key).is_some() => {
                snap.analysis(file)
            }
            _ => None,
        };
        let tags = analysis
            .as_deref()
            .map_or(&[][..], |analysis| &analysis.syntax.tags[..]);
        for tag in tags {
            let Some(attr) = tag.attribute("ref") else {
                continue;
            };
            if attr.value.as_deref() != Some(old_key.as_str()) {
                continue;
            }
            if let Some(range) = attr.value_range {
                edits.entry(file.id).or_default().push(TextEdit {
                    range,
                    text: new_key.to_owned(),
                });
            }
        }
        for entry in file.entries.iter().filter(|e| e.key == old_key) {
            if let Some(range) = entry.source.as_ref().and_then(|s| s.key_range) {
                edits.entry(file.id).or_default().push(TextEdit {
                    range,
                    text: new_key.to_owned(),
                });
            }
        }
    }
    Ok(SourceChange {
        edits: edits.into_iter().collect(),
        new_files: Vec::new(),
    })
}
