//! The built-in knowledge base: countries, international organisations, trade agreements.
//!
//! Countries come from the ISO 3166-1 table of the `rust_iso3166` crate, with the
//! common English names and variants news text uses (`South Korea`, `U.S.`, `UK`)
//! layered on top. Everything else is TOML in `builtin/`, in the docs/format.md §5 format, so the
//! data reads like a workspace knowledge base and is parsed by the same loader.

use std::sync::OnceLock;

use crate::kb::load::parse_entries;
use crate::kb::{Entry, KnowledgeBase};
use crate::recognize::normalize::{normalize, slug};

/// The embedded data files, in the order their entries are added.
pub const DATA_FILES: [(&str, &str); 4] = [
    ("builtin/places.toml", include_str!("builtin/places.toml")),
    ("builtin/orgs.toml", include_str!("builtin/orgs.toml")),
    (
        "builtin/agreements.toml",
        include_str!("builtin/agreements.toml"),
    ),
    ("builtin/events.toml", include_str!("builtin/events.toml")),
];

/// Countries whose ISO short name is not what news text calls them, by alpha-3 code:
/// key, name and the variants to match.
const COUNTRY_NAMES: &[(&str, &str, &str, &[&str])] = &[
    (
        "KOR",
        "south-korea",
        "South Korea",
        &["Korea", "Republic of Korea", "ROK", "S. Korea", "S.Korea"],
    ),
    (
        "PRK",
        "north-korea",
        "North Korea",
        &["DPRK", "N. Korea", "Democratic People's Republic of Korea"],
    ),
    (
        "USA",
        "united-states",
        "United States",
        &[
            "U.S.",
            "US",
            "USA",
            "U.S.A.",
            "United States of America",
            "America",
        ],
    ),
    (
        "GBR",
        "united-kingdom",
        "United Kingdom",
        &["UK", "U.K.", "Britain", "Great Britain"],
    ),
    ("RUS", "russia", "Russia", &["Russian Federation"]),
    ("IRN", "iran", "Iran", &[]),
    ("SYR", "syria", "Syria", &[]),
    ("TWN", "taiwan", "Taiwan", &[]),
    ("LAO", "laos", "Laos", &["Lao PDR"]),
    ("VNM", "vietnam", "Vietnam", &["Viet Nam"]),
    ("BOL", "bolivia", "Bolivia", &[]),
    ("VEN", "venezuela", "Venezuela", &[]),
    ("TZA", "tanzania", "Tanzania", &[]),
    ("MDA", "moldova", "Moldova", &[]),
    ("NLD", "netherlands", "Netherlands", &["Holland"]),
    ("CZE", "czech-republic", "Czech Republic", &["Czechia"]),
    ("TUR", "turkey", "Turkey", &["Türkiye", "Turkiye"]),
    ("FSM", "micronesia", "Micronesia", &[]),
    ("PSE", "palestine", "Palestine", &[]),
    ("BRN", "brunei", "Brunei", &["Brunei Darussalam"]),
    ("CIV", "ivory-coast", "Côte d'Ivoire", &["Ivory Coast"]),
    (
        "COD",
        "dr-congo",
        "Democratic Republic of the Congo",
        &["DR Congo", "DRC"],
    ),
    ("COG", "congo", "Republic of the Congo", &["Congo"]),
    ("ARE", "uae", "United Arab Emirates", &["UAE", "U.A.E."]),
    (
        "CHN",
        "china",
        "China",
        &["PRC", "People's Republic of China", "mainland China"],
    ),
    ("MAC", "macau", "Macau", &["Macao"]),
    ("VAT", "vatican", "Vatican", &["Holy See", "Vatican City"]),
    ("CPV", "cape-verde", "Cabo Verde", &["Cape Verde"]),
    ("GMB", "gambia", "The Gambia", &["Gambia"]),
    ("BHS", "bahamas", "The Bahamas", &["Bahamas"]),
    (
        "VGB",
        "british-virgin-islands",
        "British Virgin Islands",
        &[],
    ),
    ("VIR", "us-virgin-islands", "U.S. Virgin Islands", &[]),
    ("MAF", "saint-martin", "Saint Martin", &[]),
    ("SXM", "sint-maarten", "Sint Maarten", &[]),
];

/// ISO entries left out: territories whose names are more often something else
/// (`Jersey` in `New Jersey`).
const COUNTRIES_LEFT_OUT: [&str; 3] = ["JEY", "UMI", "ATF"];

/// The entries for all countries, keyed by their common English name.
pub fn country_entries() -> Vec<Entry> {
    let mut entries = Vec::new();
    for country in rust_iso3166::ALL {
        if COUNTRIES_LEFT_OUT.contains(&country.alpha3) {
            continue;
        }
        let (key, name, aliases) = match COUNTRY_NAMES
            .iter()
            .find(|(alpha3, ..)| *alpha3 == country.alpha3)
        {
            Some((_, key, name, aliases)) => (
                (*key).to_owned(),
                (*name).to_owned(),
                aliases.iter().map(|a| (*a).to_owned()).collect(),
            ),
            None => {
                // ISO short names put qualifiers in parentheses: `Bolivia
                // (Plurinational State of)`; news text uses the part before them.
                let name = country
                    .name
                    .split(" (")
                    .next()
                    .unwrap_or(country.name)
                    .trim()
                    .to_owned();
                (slug(&name), name, Vec::new())
            }
        };
        let mut extra = toml::Table::new();
        extra.insert("alpha2".into(), country.alpha2.into());
        extra.insert("alpha3".into(), country.alpha3.into());
        extra.insert("iso_name".into(), country.name.into());
        entries.push(Entry {
            key,
            ty: "place".to_owned(),
            name,
            aliases,
            description: Some("Country (ISO 3166-1).".to_owned()),
            extra,
            source: None,
        });
    }
    entries
}

/// The world's large cities, generated from GeoNames (see the file's header). They come
/// after every curated entry, and an entry whose key or name is already taken is left out.
const CITIES: &str = include_str!("builtin/cities.toml");

/// Subdivisions of federations whose states and provinces news names by their English
/// names, by ISO 3166-1 alpha-2 code and the ISO 3166-2 types kept.
const SUBDIVISIONS: &[(&str, &[&str])] = &[
    ("US", &["State", "District"]),
    ("CA", &["Province", "Territory"]),
    ("AU", &["State", "Territory"]),
    ("IN", &["State", "Union territory"]),
    ("CN", &["Province", "Municipality", "Autonomous region"]),
    ("GB", &["Country", "Province"]),
];

/// Subdivision names that are more often something else: a given name, or a city the
/// curated files key differently.
const SUBDIVISIONS_LEFT_OUT: &[&str] = &["Victoria", "Washington", "Georgia"];

/// The states and provinces of [`SUBDIVISIONS`] (ISO 3166-2). Chinese names drop the
/// `Sheng`, `Shi` and `Zizhiqu` that news text leaves out.
pub fn subdivision_entries() -> Vec<Entry> {
    let mut subdivisions: Vec<_> = rust_iso3166::iso3166_2::SUBDIVISION_MAP.values().collect();
    // The map's order is its hash's; entries are listed by code.
    subdivisions.sort_by_key(|sub| sub.code);
    subdivisions
        .into_iter()
        .filter(|sub| {
            SUBDIVISIONS.iter().any(|(country, types)| {
                sub.country_code == *country && types.contains(&sub.subdivision_type)
            })
        })
        .filter_map(|sub| {
            let name = if sub.country_code == "CN" {
                sub.name.split(' ').next().unwrap_or(sub.name)
            } else {
                sub.name
            };
            if SUBDIVISIONS_LEFT_OUT.contains(&name) {
                return None;
            }
            let mut extra = toml::Table::new();
            extra.insert("iso_code".into(), sub.code.into());
            Some(Entry {
                key: slug(name),
                ty: "place".to_owned(),
                name: name.to_owned(),
                aliases: Vec::new(),
                description: Some(format!(
                    "{} of {} (ISO 3166-2).",
                    sub.subdivision_type, sub.country_name
                )),
                extra,
                source: None,
            })
        })
        .collect()
}

/// Every built-in entry: countries first, then the data files, then subdivisions and
/// cities where their keys and names are still free. Parsed once per process: each
/// project load asks again (a server at start-up asks twice, before indexing), and
/// parsing took tens of milliseconds where a copy takes one.
pub fn builtin_entries() -> Vec<Entry> {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(parse_builtin_entries).clone()
}

fn parse_builtin_entries() -> Vec<Entry> {
    let mut entries = country_entries();
    for (_, text) in DATA_FILES {
        let (parsed, _diagnostics) = parse_entries(None, text);
        entries.extend(parsed);
    }
    let mut keys: std::collections::HashSet<String> =
        entries.iter().map(|e| e.key.clone()).collect();
    let mut names: std::collections::HashSet<String> = entries
        .iter()
        .flat_map(|e| std::iter::once(&e.name).chain(&e.aliases))
        .map(|name| normalize(name))
        .collect();
    let (cities, _diagnostics) = parse_entries(None, CITIES);
    for entry in subdivision_entries().into_iter().chain(cities) {
        let surfaces: Vec<String> = std::iter::once(&entry.name)
            .chain(&entry.aliases)
            .map(|name| normalize(name))
            .collect();
        if keys.contains(&entry.key) || surfaces.iter().any(|s| names.contains(s)) {
            continue;
        }
        keys.insert(entry.key.clone());
        names.extend(surfaces);
        entries.push(entry);
    }
    entries
}

/// The built-in knowledge base, built once.
pub fn builtin() -> &'static KnowledgeBase {
    static BUILTIN: OnceLock<KnowledgeBase> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        let mut kb = KnowledgeBase::new();
        for entry in builtin_entries() {
            kb.insert(entry);
        }
        kb
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::kb::load::is_valid_key;
    use crate::recognize::normalize::normalize;

    #[test]
    fn data_files_parse_without_diagnostics() {
        for (name, text) in DATA_FILES {
            let (entries, diagnostics) = parse_entries(None, text);
            assert!(diagnostics.is_empty(), "{name}: {diagnostics:#?}");
            assert!(!entries.is_empty(), "{name} has no entries");
        }
    }

    #[test]
    fn keys_are_valid_and_unique() {
        let mut seen = HashMap::new();
        for entry in builtin_entries() {
            assert!(is_valid_key(&entry.key), "bad key {:?}", entry.key);
            if let Some(previous) = seen.insert(entry.key.clone(), entry.name.clone()) {
                panic!("key {} used by {previous} and {}", entry.key, entry.name);
            }
        }
    }

    #[test]
    fn no_two_entries_claim_one_name() {
        let mut owner: HashMap<String, String> = HashMap::new();
        for entry in builtin_entries() {
            for surface in std::iter::once(&entry.name).chain(&entry.aliases) {
                let normalized = normalize(surface);
                if let Some(previous) = owner.insert(normalized.clone(), entry.key.clone())
                    && previous != entry.key
                {
                    panic!("{surface:?} names both {previous} and {}", entry.key);
                }
            }
        }
    }

    #[test]
    fn common_variants_resolve_to_one_key() {
        let kb = builtin();
        let cases = [
            ("South Korea", "south-korea"),
            ("Republic of Korea", "south-korea"),
            ("U.S.", "united-states"),
            ("UK", "united-kingdom"),
            ("KORUS FTA", "korus-fta"),
            ("Korea–U.S. FTA", "korus-fta"),
            ("MOTIR", "motir"),
            ("EU", "eu"),
            ("Mexico", "mexico"),
            ("New Zealand", "new-zealand"),
        ];
        for (surface, key) in cases {
            let wanted = normalize(surface);
            let found = kb.entries().find(|e| {
                normalize(&e.name) == wanted || e.aliases.iter().any(|a| normalize(a) == wanted)
            });
            assert_eq!(found.map(|e| e.key.as_str()), Some(key), "{surface}");
        }
    }
}
