//! What is wrong with a row: every problem at once, each with its field path and rule.

use std::fmt;

use serde::ser::{SerializeMap, Serializer};
use wasphere_types::{Rule, Violation};

/// One reason a row cannot be sent.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RowProblem {
    /// The row could not be read (cells that do not match the header, bytes that are not
    /// UTF-8, a line that is not a JSON object).
    Unreadable {
        /// What is wrong, e.g. "has 3 cells but the header has 2 columns (…)".
        reason: String,
    },
    /// The template uses a column this row does not have.
    MissingColumn {
        /// The field of the message whose placeholder uses it.
        path: String,
        /// The column.
        column: String,
    },
    /// A placeholder could not be filled in (an undefined attribute, a failing filter).
    Render {
        /// The field of the message.
        path: String,
        /// What the template engine said.
        detail: String,
    },
    /// The rendered message breaks a rule of the contract: the same violation, in the same
    /// words, as `wasphere validate` reports.
    Violation(Violation),
    /// The row's session column names a session the campaign does not send with.
    UnknownSession {
        /// The session named.
        session: String,
        /// The campaign's sessions.
        known: Vec<String>,
    },
}

impl RowProblem {
    /// The field of the message the problem is about (`to`, `sections[0].title`); empty for
    /// the whole row.
    pub fn path(&self) -> &str {
        match self {
            RowProblem::Unreadable { .. } | RowProblem::UnknownSession { .. } => "",
            RowProblem::MissingColumn { path, .. } | RowProblem::Render { path, .. } => path,
            RowProblem::Violation(v) => &v.path,
        }
    }

    /// The rule's name: a [`Rule`]'s (`maxLength`, `required`, …) for a violation, else
    /// `unreadable`, `missingColumn`, `template` or `unknownSession`.
    pub fn rule_name(&self) -> String {
        match self {
            RowProblem::Unreadable { .. } => "unreadable".to_owned(),
            RowProblem::MissingColumn { .. } => "missingColumn".to_owned(),
            RowProblem::Render { .. } => "template".to_owned(),
            RowProblem::UnknownSession { .. } => "unknownSession".to_owned(),
            RowProblem::Violation(v) => rule_name(&v.rule),
        }
    }

    /// The violation, when the problem is a broken rule of the message.
    pub fn violation(&self) -> Option<&Violation> {
        match self {
            RowProblem::Violation(v) => Some(v),
            _ => None,
        }
    }
}

/// The `rule` tag a [`Rule`] serializes with.
fn rule_name(rule: &Rule) -> String {
    serde_json::to_value(rule)
        .ok()
        .and_then(|v| v.get("rule").and_then(|r| r.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "rule".to_owned())
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowProblem::Unreadable { reason } => write!(f, "the row {reason}"),
            RowProblem::MissingColumn { path, column } => write!(
                f,
                "`{path}` uses the column `{column}`, which this row does not have (add the column, or write {{{{ {column} | default(\"…\") }}}})"
            ),
            RowProblem::Render { path, detail } => {
                write!(f, "`{path}` could not be filled in: {detail}")
            }
            RowProblem::Violation(v) => f.write_str(&v.message),
            RowProblem::UnknownSession { session, known } => write!(
                f,
                "the row's session `{session}` is not one of the campaign's sessions ({}): add it, or fix the cell",
                known.join(", ")
            ),
        }
    }
}

impl serde::Serialize for RowProblem {
    /// `{"path", "rule", "message", …}`: a violation with every field `wasphere validate
    /// --output json` gives it, the others with their own facts.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let RowProblem::Violation(v) = self {
            return v.serialize(serializer);
        }
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("path", self.path())?;
        map.serialize_entry("rule", &self.rule_name())?;
        match self {
            RowProblem::MissingColumn { column, .. } => map.serialize_entry("column", column)?,
            RowProblem::UnknownSession { session, known } => {
                map.serialize_entry("session", session)?;
                map.serialize_entry("known", known)?;
            }
            _ => {}
        }
        map.serialize_entry("message", &self.to_string())?;
        map.end()
    }
}

/// Every problem of one row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowReport {
    /// The line the row starts on.
    pub line: u64,
    /// The problems, in the order of the message's fields.
    pub problems: Vec<RowProblem>,
}

impl fmt::Display for RowReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [one] => write!(f, "line {}: {one}", self.line),
            many => {
                write!(f, "line {} ({} problems):", self.line, many.len())?;
                for p in many {
                    write!(f, "\n  - {p}")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violations_keep_validates_words_and_json() {
        let v = Violation::server(
            "footer",
            Rule::MaxLength {
                limit: 60,
                actual: 61,
            },
        );
        let p = RowProblem::Violation(v.clone());
        assert_eq!(p.to_string(), v.message);
        assert_eq!(p.rule_name(), "maxLength");
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            serde_json::to_value(&v).unwrap()
        );
    }

    #[test]
    fn the_others_name_path_rule_and_fix() {
        let p = RowProblem::MissingColumn {
            path: "text".into(),
            column: "firstName".into(),
        };
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["path"], "text");
        assert_eq!(json["rule"], "missingColumn");
        assert_eq!(json["column"], "firstName");
        assert!(p.to_string().contains("default("), "{p}");
        let report = RowReport {
            line: 4,
            problems: vec![p],
        };
        assert!(
            report
                .to_string()
                .starts_with("line 4: `text` uses the column `firstName`")
        );
    }
}
