//! Typed views over the tree-sitter tree: file → articles → title, body, date, tags
//! with attribute lists. Each view wraps a node of the matching kind and hands out
//! byte ranges; none of them allocates.

use tree_sitter::Node;

use crate::text::TextRange;

pub(crate) fn range_of(node: Node<'_>) -> TextRange {
    TextRange::new(node.start_byte(), node.end_byte())
}

macro_rules! view {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $name<'t>(Node<'t>);

        impl<'t> $name<'t> {
            pub const KIND: &'static str = $kind;

            /// Wraps `node` if it is of this view's kind.
            pub fn cast(node: Node<'t>) -> Option<$name<'t>> {
                (node.kind() == $kind).then_some($name(node))
            }

            pub fn node(self) -> Node<'t> {
                self.0
            }

            pub fn range(self) -> TextRange {
                range_of(self.0)
            }
        }
    };
}

view!(
    /// The whole file.
    SourceFile,
    "source_file"
);
view!(
    /// One article: a title and an optional body.
    Article,
    "article"
);
view!(
    /// The first non-blank line of an article.
    Title,
    "title"
);
view!(
    /// The lines after the title.
    Body,
    "body"
);
view!(
    /// A `[span]{type attr=value}` tag.
    Tag,
    "tag"
);
view!(
    /// One `name=value` of a tag.
    Attribute,
    "attribute"
);
view!(
    /// The `dateYYYY-MM-DD` marker that ends an article.
    ArticleDate,
    "article_date"
);

fn named_children<'t>(node: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    let mut cursor = node.walk();
    let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
    children.into_iter()
}

impl<'t> SourceFile<'t> {
    pub fn articles(self) -> impl Iterator<Item = Article<'t>> {
        named_children(self.0).filter_map(Article::cast)
    }
}

impl<'t> Article<'t> {
    pub fn title(self) -> Option<Title<'t>> {
        named_children(self.0).find_map(Title::cast)
    }

    pub fn body(self) -> Option<Body<'t>> {
        named_children(self.0).find_map(Body::cast)
    }

    /// Every date marker of the article, in order; more than one is an error.
    pub fn dates(self) -> Vec<ArticleDate<'t>> {
        let mut dates = Vec::new();
        if let Some(body) = self.body() {
            collect_descendants(body.0, &mut |node| {
                if let Some(date) = ArticleDate::cast(node) {
                    dates.push(date);
                }
            });
        }
        dates
    }

    /// Every tag of the article, outer tags before the tags nested in them.
    pub fn tags(self) -> Vec<Tag<'t>> {
        let mut tags = Vec::new();
        collect_descendants(self.0, &mut |node| {
            if let Some(tag) = Tag::cast(node) {
                tags.push(tag);
            }
        });
        tags
    }
}

fn collect_descendants<'t>(node: Node<'t>, visit: &mut impl FnMut(Node<'t>)) {
    let mut cursor = node.walk();
    let mut descending = true;
    loop {
        if descending {
            visit(cursor.node());
            if cursor.goto_first_child() {
                continue;
            }
        }
        if cursor.node() == node {
            return;
        }
        if cursor.goto_next_sibling() {
            descending = true;
        } else if cursor.goto_parent() {
            descending = false;
            if cursor.node() == node {
                return;
            }
        } else {
            return;
        }
    }
}

impl<'t> Tag<'t> {
    /// The annotated text between `[` and `]`; empty for `[]{org}`.
    pub fn span(self) -> Option<Node<'t>> {
        self.0.child_by_field_name("span")
    }

    /// The type name after `{`.
    pub fn type_name(self) -> Option<Node<'t>> {
        self.0.child_by_field_name("type")
    }

    pub fn attributes(self) -> impl Iterator<Item = Attribute<'t>> {
        named_children(self.0).filter_map(Attribute::cast)
    }
}

impl<'t> Attribute<'t> {
    pub fn name(self) -> Option<Node<'t>> {
        self.0.child_by_field_name("name")
    }

    /// A `bare_value` or a `quoted_value` node.
    pub fn value(self) -> Option<Node<'t>> {
        self.0.child_by_field_name("value")
    }
}

impl<'t> ArticleDate<'t> {
    /// The `YYYY-MM-DD` part.
    pub fn value(self) -> Option<Node<'t>> {
        self.0.child_by_field_name("value")
    }
}
