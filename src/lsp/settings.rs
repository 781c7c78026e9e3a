//! What the client's settings change: diagnostic severities, inlay hints and extra
//! file globs. They arrive as `initializationOptions` and through
//! `workspace/didChangeConfiguration` (`settings.accord`), and layer over `accord.toml`.
//!
//! Settings are read leniently: a wrong field is logged and ignored, so a typo in an
//! editor's settings never stops the server.

use std::collections::HashMap;
use std::path::Path;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde_json::Value;

use crate::diagnostic::{Diagnostic, DiagnosticCode, Severity};
use crate::ide::InlayConfig;

#[derive(Clone, Debug)]
pub struct ClientSettings {
    /// Severities by code; `None` turns a code off. They override `accord.toml`.
    pub severities: HashMap<DiagnosticCode, Option<Severity>>,
    pub inlay: InlayConfig,
    /// Whether code lenses are shown (one per article); on unless turned off.
    pub code_lens: bool,
    /// Where the index is saved between sessions.
    pub cache: CacheLocation,
    /// Globs, relative to a workspace folder, of extra article files.
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    include_set: GlobSet,
    exclude_set: GlobSet,
}

impl Default for ClientSettings {
    fn default() -> ClientSettings {
        ClientSettings {
            severities: HashMap::new(),
            inlay: InlayConfig::default(),
            code_lens: true,
            cache: CacheLocation::Platform,
            include: Vec::new(),
            exclude: Vec::new(),
            include_set: GlobSet::empty(),
            exclude_set: GlobSet::empty(),
        }
    }
}

/// Where the server saves its index of a workspace folder (`cache.location`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheLocation {
    /// The platform's cache folder (`$XDG_CACHE_HOME/accord`, `~/Library/Caches/accord`,
    /// `%LOCALAPPDATA%\\accord`), one file per folder.
    Platform,
    /// `.accord/index.bin` inside the workspace folder.
    Workspace,
    /// Nowhere: every start indexes again.
    Off,
}

impl CacheLocation {
    fn named(name: &str) -> Option<CacheLocation> {
        match name {
            "platform" => Some(CacheLocation::Platform),
            "workspace" => Some(CacheLocation::Workspace),
            "off" => Some(CacheLocation::Off),
            _ => None,
        }
    }

    /// The cache file of a workspace folder. `ACCORD_CACHE_DIR`, when set, replaces the
    /// platform's cache folder (for benchmarks and tests that must not share one).
    pub fn file_for(self, root: &Path) -> Option<std::path::PathBuf> {
        let per_root = || {
            let name = xxhash_rust::xxh3::xxh3_64(root.to_string_lossy().as_bytes());
            format!("index-{name:016x}.bin")
        };
        match self {
            CacheLocation::Off => None,
            CacheLocation::Workspace => Some(root.join(".accord").join("index.bin")),
            CacheLocation::Platform => match std::env::var_os("ACCORD_CACHE_DIR") {
                Some(dir) if !dir.is_empty() => Some(Path::new(&dir).join(per_root())),
                _ => Some(dirs::cache_dir()?.join("accord").join(per_root())),
            },
        }
    }
}

impl ClientSettings {
    /// Reads the settings object; returns the settings and a problem per ignored field.
    pub fn from_json(value: &Value) -> (ClientSettings, Vec<String>) {
        let mut settings = ClientSettings::default();
        let mut problems = Vec::new();
        // VS Code sends `{ "accord": { … } }` when the section is named; accept both.
        let value = value.get("accord").unwrap_or(value);
        if value.is_null() {
            return (settings, problems);
        }
        if !value.is_object() {
            problems.push(format!("settings must be an object, not {value}"));
            return (settings, problems);
        }
        if let Some(severity) = value.pointer("/diagnostics/severity") {
            match severity.as_object() {
                Some(map) => {
                    for (name, level) in map {
                        let Some(code) = DiagnosticCode::from_name(name) else {
                            problems.push(format!("unknown diagnostic code `{name}`"));
                            continue;
                        };
                        match level.as_str() {
                            Some("off") => {
                                settings.severities.insert(code, None);
                            }
                            Some(level) if Severity::parse(level).is_some() => {
                                settings.severities.insert(code, Severity::parse(level));
                            }
                            _ => problems.push(format!(
                                "severity of `{name}` must be error, warning, info, hint or off, not {level}"
                            )),
                        }
                    }
                }
                None => problems.push("diagnostics.severity must be an object".to_owned()),
            }
        }
        for (pointer, flag) in [
            ("/inlayHints/dates", &mut settings.inlay.date_values),
            (
                "/inlayHints/acronyms",
                &mut settings.inlay.acronym_expansions,
            ),
            ("/codeLens/enabled", &mut settings.code_lens),
        ] {
            match value.pointer(pointer) {
                None => {}
                Some(Value::Bool(on)) => *flag = *on,
                Some(other) => problems.push(format!(
                    "{} must be true or false, not {other}",
                    &pointer[1..].replace('/', ".")
                )),
            }
        }
        match value.pointer("/cache/location") {
            None => {}
            Some(Value::String(name)) if CacheLocation::named(name).is_some() => {
                settings.cache = CacheLocation::named(name).unwrap_or(CacheLocation::Platform);
            }
            Some(other) => problems.push(format!(
                "cache.location must be \"platform\", \"workspace\" or \"off\", not {other}"
            )),
        }
        for (pointer, globs) in [
            ("/files/include", &mut settings.include),
            ("/files/exclude", &mut settings.exclude),
        ] {
            let Some(list) = value.pointer(pointer) else {
                continue;
            };
            let name = pointer[1..].replace('/', ".");
            let Some(list) = list.as_array() else {
                problems.push(format!("{name} must be a list of globs"));
                continue;
            };
            for glob in list {
                match glob.as_str().map(Glob::new) {
                    Some(Ok(_)) => globs.push(glob.as_str().unwrap_or_default().to_owned()),
                    Some(Err(error)) => problems.push(format!("{name}: {error}")),
                    None => problems.push(format!("{name}: {glob} is not a string")),
                }
            }
        }
        settings.include_set = glob_set(&settings.include);
        settings.exclude_set = glob_set(&settings.exclude);
        (settings, problems)
    }

    /// Applies the client's severities over what the core reported.
    pub fn apply_severities(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        crate::diagnostic::apply_severities(&self.severities, diagnostics)
    }

    /// Whether the client's globs add `path`, relative to `root`, as an article file.
    pub fn includes(&self, root: &Path, path: &Path) -> bool {
        path.strip_prefix(root)
            .is_ok_and(|relative| self.include_set.is_match(relative))
    }

    /// Whether the client's globs remove `path`, relative to `root`.
    pub fn excludes(&self, root: &Path, path: &Path) -> bool {
        path.strip_prefix(root)
            .is_ok_and(|relative| self.exclude_set.is_match(relative))
    }
}

fn glob_set(globs: &[String]) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        if let Ok(glob) = Glob::new(glob) {
            builder.add(glob);
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_every_field_and_reports_wrong_ones() {
        let (settings, problems) = ClientSettings::from_json(&json!({
            "accord": {
                "diagnostics": { "severity": {
                    "unknown-ref": "error", "missing-date": "off",
                    "no-such-code": "error", "empty-span": "loud"
                } },
                "inlayHints": { "dates": false, "acronyms": "yes" },
                "codeLens": { "enabled": false },
                "files": { "include": ["**/*.txt", "[bad"], "exclude": ["drafts/**"] }
            }
        }));
        assert_eq!(
            settings.severities.get(&DiagnosticCode::UnknownRef),
            Some(&Some(Severity::Error))
        );
        assert_eq!(
            settings.severities.get(&DiagnosticCode::MissingDate),
            Some(&None)
        );
        assert!(!settings.inlay.date_values);
        assert!(settings.inlay.acronym_expansions);
        assert!(!settings.code_lens);
        assert!(ClientSettings::default().code_lens);
        let root = Path::new("/ws");
        assert!(settings.includes(root, Path::new("/ws/news/a.txt")));
        assert!(!settings.includes(root, Path::new("/elsewhere/a.txt")));
        assert!(settings.excludes(root, Path::new("/ws/drafts/a.article")));
        assert_eq!(settings.include, ["**/*.txt"]);
        expect_test::expect![[r#"
            [
                "unknown diagnostic code `no-such-code`",
                "severity of `empty-span` must be error, warning, info, hint or off, not \"loud\"",
                "inlayHints.acronyms must be true or false, not \"yes\"",
                "files.include: error parsing glob '[bad': unclosed character class; missing ']'",
            ]
        "#]]
        .assert_debug_eq(&problems);
    }

    #[test]
    fn severities_override_and_turn_off() {
        let (settings, _) = ClientSettings::from_json(&json!({
            "diagnostics": { "severity": { "empty-span": "off", "unknown-type": "hint" } }
        }));
        let range = crate::text::TextRange::new(0, 1);
        let diagnostics = vec![
            Diagnostic::new(DiagnosticCode::EmptySpan, range, "empty"),
            Diagnostic::new(DiagnosticCode::UnknownType, range, "unknown"),
            Diagnostic::new(DiagnosticCode::MissingTitle, range, "title"),
        ];
        let kept: Vec<_> = settings
            .apply_severities(diagnostics)
            .into_iter()
            .map(|d| (d.code.as_str(), d.severity.as_str()))
            .collect();
        assert_eq!(kept, [("unknown-type", "hint"), ("missing-title", "error")]);
    }

    #[test]
    fn null_and_non_objects_give_defaults() {
        assert!(ClientSettings::from_json(&Value::Null).1.is_empty());
        let (settings, problems) = ClientSettings::from_json(&json!(3));
        assert_eq!(problems.len(), 1);
        assert!(settings.severities.is_empty());
    }
}
