//! The schema: which tag types exist, their attributes, and what may nest in what.

use serde::Serialize;

/// What values an attribute takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum AttrKind {
    Text,
    Number,
    Bool,
    /// One of a fixed list of values.
    Enum {
        values: Vec<String>,
    },
    /// The key of a knowledge-base entry.
    EntityRef,
    /// A TIMEX3 value (docs/format.md §4).
    Timex,
    /// A money value such as `USD 13700000000`.
    Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttrDef {
    pub name: String,
    pub kind: AttrKind,
    pub required: bool,
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TypeDef {
    pub name: String,
    pub description: String,
    pub attributes: Vec<AttrDef>,
    /// Types whose tags may nest inside this one; `None` allows any.
    pub allowed_children: Option<Vec<String>>,
    /// Whether mentions of this type name entities with keys (org, person, …), as
    /// opposed to values (date, money, percent).
    pub is_entity: bool,
}

impl TypeDef {
    pub fn attribute(&self, name: &str) -> Option<&AttrDef> {
        self.attributes.iter().find(|attr| attr.name == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Schema {
    pub types: Vec<TypeDef>,
}

/// The eight types of docs/format.md §3, in the order of that table.
pub const DEFAULT_ENTITY_TYPES: [(&str, &str); 5] = [
    (
        "org",
        "Ministries, agencies, companies, international organisations, standing committees.",
    ),
    ("person", "A person's name, without title."),
    (
        "place",
        "Countries, cities, regions and blocs used as places.",
    ),
    (
        "agreement",
        "Treaties, FTAs, MOUs, deals, laws, regulations and mechanisms.",
    ),
    (
        "event",
        "Named meetings, summits, forums and negotiation rounds.",
    ),
];

impl Default for Schema {
    fn default() -> Schema {
        let note = || AttrDef {
            name: "note".to_owned(),
            kind: AttrKind::Text,
            required: false,
            description: Some("Free text.".to_owned()),
        };
        let mut types: Vec<TypeDef> = DEFAULT_ENTITY_TYPES
            .iter()
            .map(|(name, description)| TypeDef {
                name: (*name).to_owned(),
                description: (*description).to_owned(),
                attributes: vec![
                    AttrDef {
                        name: "ref".to_owned(),
                        kind: AttrKind::EntityRef,
                        required: false,
                        description: Some("Key of the entity in the knowledge base.".to_owned()),
                    },
                    note(),
                ],
                allowed_children: None,
                is_entity: true,
            })
            .collect();
        let value_type = |name: &str, description: &str, kind: AttrKind, value_doc: &str| TypeDef {
            name: name.to_owned(),
            description: description.to_owned(),
            attributes: vec![
                AttrDef {
                    name: "value".to_owned(),
                    kind,
                    required: false,
                    description: Some(value_doc.to_owned()),
                },
                note(),
            ],
            allowed_children: None,
            is_entity: false,
        };
        types.push(value_type(
            "date",
            "Temporal expressions.",
            AttrKind::Timex,
            "TIMEX3 value resolved against the article date, e.g. `2025-12-10`, `2026-H1`.",
        ));
        types.push(value_type(
            "money",
            "Amounts with a currency.",
            AttrKind::Money,
            "Normalised amount, e.g. `USD 13700000000`.",
        ));
        types.push(value_type(
            "percent",
            "Percentages.",
            AttrKind::Number,
            "The number of percent, e.g. `75`.",
        ));
        Schema { types }
    }
}

impl Schema {
    pub fn get(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|ty| ty.name == name)
    }

    pub fn type_names(&self) -> impl Iterator<Item = &str> {
        self.types.iter().map(|ty| ty.name.as_str())
    }
}

/// A type name as docs/format.md §2 writes it: `[a-z][a-z0-9_-]*`.
pub fn is_valid_type_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}
