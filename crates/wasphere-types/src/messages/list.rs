use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{check_to, to_schema, validated};
use crate::checker::{Checker, Path};

/// `list`: an interactive list; the recipient taps `buttonText` to open it and picks a row.
/// The top-level `title` is required.
///
/// ```
/// use wasphere_types::{List, ListSection};
/// let m = List::new("923001234567", "Choose your plan", "Select below:", "View Options")
///     .section(ListSection::new("Plans").row("free", "Free", "Basic").row("pro", "Pro", "Full access"));
/// assert!(m.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "list")]
pub struct List {
    /// Recipient: phone digits in international format, or a JID.
    #[schemars(schema_with = "to_schema")]
    pub to: String,
    /// The title, 1 to 60 characters. Required.
    #[schemars(length(min = 1, max = 60))]
    pub title: String,
    /// The message body, 1 to 1024 characters.
    #[schemars(length(min = 1, max = 1024))]
    pub text: String,
    /// The label of the button that opens the list, 1 to 20 characters.
    #[schemars(length(min = 1, max = 20))]
    pub button_text: String,
    /// 1 to 10 sections.
    #[schemars(length(min = 1, max = 10))]
    pub sections: Vec<ListSection>,
}

/// A titled group of rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListSection {
    /// The section title, 1 to 24 characters.
    #[schemars(length(min = 1, max = 24))]
    pub title: String,
    /// 1 to 10 rows.
    #[schemars(length(min = 1, max = 10))]
    pub rows: Vec<ListRow>,
}

/// One row; its `id` comes back as `selectionId` in the `message.received` webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListRow {
    /// The id reported when picked, 1 to 200 characters, distinct across the whole list.
    #[schemars(length(min = 1, max = 200))]
    pub id: String,
    /// The row title, 1 to 24 characters.
    #[schemars(length(min = 1, max = 24))]
    pub title: String,
    /// A line under the title, at most 72 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 72))]
    pub description: Option<String>,
}

impl List {
    /// Longest `title`.
    pub const MAX_TITLE: usize = 60;
    /// Longest `text`.
    pub const MAX_TEXT: usize = 1024;
    /// Longest `buttonText`.
    pub const MAX_BUTTON_TEXT: usize = 20;
    /// Most sections.
    pub const MAX_SECTIONS: usize = 10;

    /// A list without sections yet: add them with [`List::section`].
    pub fn new(
        to: impl Into<String>,
        title: impl Into<String>,
        text: impl Into<String>,
        button_text: impl Into<String>,
    ) -> Self {
        List {
            to: to.into(),
            title: title.into(),
            text: text.into(),
            button_text: button_text.into(),
            sections: Vec::new(),
        }
    }

    /// Adds a section.
    pub fn section(mut self, section: ListSection) -> Self {
        self.sections.push(section);
        self
    }

    pub(crate) fn check(&self, c: &mut Checker, p: Path<'_>) {
        check_to(c, p.field("to"), &self.to);
        c.text(p.field("title"), &self.title, Self::MAX_TITLE);
        c.text(p.field("text"), &self.text, Self::MAX_TEXT);
        c.text(
            p.field("buttonText"),
            &self.button_text,
            Self::MAX_BUTTON_TEXT,
        );
        let sections = p.field("sections");
        c.items(sections, self.sections.len(), 1, Self::MAX_SECTIONS);
        let mut rows = Vec::new();
        for (s, section) in self.sections.iter().enumerate() {
            let at = sections.index(s);
            c.text(at.field("title"), &section.title, ListSection::MAX_TITLE);
            let section_rows = at.field("rows");
            c.items(section_rows, section.rows.len(), 1, ListSection::MAX_ROWS);
            for (r, row) in section.rows.iter().enumerate() {
                let row_at = section_rows.index(r);
                c.text(row_at.field("id"), &row.id, ListRow::MAX_ID);
                c.text(row_at.field("title"), &row.title, ListRow::MAX_TITLE);
                c.optional_text(
                    row_at.field("description"),
                    row.description.as_deref(),
                    ListRow::MAX_DESCRIPTION,
                );
                rows.push((s, r, row.id.as_str()));
            }
        }
        c.distinct(
            &rows,
            |(_, _, id)| id,
            |i| {
                let (s, r, _) = rows[i];
                format!("sections[{s}].rows[{r}].id")
            },
        );
    }
}

impl ListSection {
    /// Longest `title`.
    pub const MAX_TITLE: usize = 24;
    /// Most rows.
    pub const MAX_ROWS: usize = 10;

    /// A section without rows yet.
    pub fn new(title: impl Into<String>) -> Self {
        ListSection {
            title: title.into(),
            rows: Vec::new(),
        }
    }

    /// Adds a row with a description.
    pub fn row(
        mut self,
        id: impl Into<String>,
        title: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        self.rows.push(ListRow {
            id: id.into(),
            title: title.into(),
            description: Some(description.into()),
        });
        self
    }

    /// Adds a row without a description.
    pub fn plain_row(mut self, id: impl Into<String>, title: impl Into<String>) -> Self {
        self.rows.push(ListRow {
            id: id.into(),
            title: title.into(),
            description: None,
        });
        self
    }
}

impl ListRow {
    /// Longest `id`.
    pub const MAX_ID: usize = 200;
    /// Longest `title`.
    pub const MAX_TITLE: usize = 24;
    /// Longest `description`.
    pub const MAX_DESCRIPTION: usize = 72;
}

validated!(List);
