use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{check_to, to_schema, validated};
use crate::checker::{Checker, Path};
use crate::integral;
use crate::violation::Rule;

/// `poll`: a question with 2 to 12 options; `selectableCount` options may be picked.
///
/// ```
/// use wasphere_types::Poll;
/// let m = Poll::new("923001234567", "Question?", ["Yes", "No", "Maybe"]).selectable_count(1);
/// assert!(m.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "poll")]
pub struct Poll {
    /// Recipient: phone digits in international format, or a JID.
    #[schemars(schema_with = "to_schema")]
    pub to: String,
    /// The question, 1 to 255 characters.
    #[schemars(length(min = 1, max = 255))]
    pub name: String,
    /// 2 to 12 distinct, non-empty options of at most 100 characters each.
    #[schemars(length(min = 2, max = 12), inner(length(min = 1, max = 100)))]
    #[schemars(extend("uniqueItems" = true))]
    pub options: Vec<String>,
    /// How many options a voter may pick, 1 to 12 (default 1), at most the number of options.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "integral::optional"
    )]
    #[schemars(range(min = 1, max = 12))]
    pub selectable_count: Option<i64>,
}

impl Poll {
    /// Longest `name`.
    pub const MAX_NAME: usize = 255;
    /// Longest option.
    pub const MAX_OPTION: usize = 100;

    /// A single-choice poll.
    pub fn new<I, S>(to: impl Into<String>, name: impl Into<String>, options: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Poll {
            to: to.into(),
            name: name.into(),
            options: options.into_iter().map(Into::into).collect(),
            selectable_count: None,
        }
    }

    /// Lets voters pick up to `count` options.
    pub fn selectable_count(mut self, count: i64) -> Self {
        self.selectable_count = Some(count);
        self
    }

    pub(crate) fn check(&self, c: &mut Checker, p: Path<'_>) {
        check_to(c, p.field("to"), &self.to);
        c.text(p.field("name"), &self.name, Self::MAX_NAME);
        let options = p.field("options");
        c.items(options, self.options.len(), 2, 12);
        for (i, option) in self.options.iter().enumerate() {
            if option.is_empty() {
                c.client(options.index(i), Rule::NotEmpty);
            } else {
                c.max_length(options.index(i), option, Self::MAX_OPTION);
            }
        }
        c.distinct(&self.options, |o| o.as_str(), |i| format!("options[{i}]"));
        if let Some(count) = self.selectable_count {
            let path = p.field("selectableCount");
            c.range(path, count as f64, 1.0, 12.0);
            if (1..=12).contains(&count) && count as usize > self.options.len() {
                c.client(
                    path,
                    Rule::AtMostField {
                        field: "options",
                        limit: self.options.len(),
                        actual: count,
                    },
                );
            }
        }
    }
}

validated!(Poll);
