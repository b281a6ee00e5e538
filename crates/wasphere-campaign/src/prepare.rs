//! A row made into a message: rendered, its recipient cleaned up, parsed and validated.

use wasphere_types::{Message, Normalization, Recipient, SessionId};

use crate::problem::{RowProblem, RowReport};
use crate::row::Row;
use crate::template::Template;

/// A row that makes a valid message.
#[derive(Debug, Clone)]
pub struct PreparedRow {
    /// The line the row starts on.
    pub line: u64,
    /// The message, valid by every rule of the contract.
    pub message: Message,
    /// The recipient, in the form sent (digits only, or a JID).
    pub recipient: Recipient,
    /// What was changed to get it from the cell (`+92 300-1234567` → `923001234567`).
    pub changes: Vec<Normalization>,
    /// The recipient as the template rendered it, before any change.
    pub original_recipient: String,
    /// The session the row's session column names, if it has one.
    pub session: Option<SessionId>,
}

/// Turns rows into messages, the same way for `check` and for sending.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Preparer<'a> {
    pub(crate) template: &'a Template,
    /// The column naming a row's session, if rows may choose one.
    pub(crate) session_column: Option<&'a str>,
    /// The sessions a row may name; empty means any valid session id.
    pub(crate) sessions: &'a [SessionId],
}

/// A row that cannot be sent, and its recipient as far as it could be rendered.
#[derive(Debug, Clone)]
pub(crate) struct Rejected {
    pub(crate) report: RowReport,
    pub(crate) recipient: Option<String>,
}

impl Preparer<'_> {
    pub(crate) fn prepare(&self, row: Row) -> Result<PreparedRow, Rejected> {
        let line = row.line();
        let mut problems = Vec::new();
        let session = self.session_of(&row, &mut problems);
        let mut body = match self.template.render_owned(row) {
            Ok(body) => body,
            Err(mut render) => {
                problems.append(&mut render);
                return Err(rejected(line, problems, None));
            }
        };
        let original = recipient_text(&mut body);
        let cleaned = original
            .as_deref()
            .and_then(|to| Recipient::parse_lenient(to).ok());
        if let (Some(cleaned), Some(to)) = (&cleaned, body.get_mut("to")) {
            *to = serde_json::Value::String(cleaned.recipient.as_str().to_owned());
        }
        let parsed = serde_json::to_vec(&body)
            .map_err(|e| wasphere_types::ValidationError {
                violations: vec![wasphere_types::Violation::server(
                    "",
                    wasphere_types::Rule::InvalidJson {
                        detail: e.to_string(),
                    },
                )],
            })
            .and_then(|bytes| Message::parse_valid(self.template.message_type(), &bytes));
        let message = match parsed {
            Ok(message) => message,
            Err(e) => {
                problems.extend(e.violations.into_iter().map(RowProblem::Violation));
                return Err(rejected(line, problems, original));
            }
        };
        if !problems.is_empty() {
            return Err(rejected(line, problems, original));
        }
        let Some(cleaned) = cleaned else {
            // Validation accepted `to`, so the lenient parse (a superset) did too; this is
            // only reached if the two ever disagree.
            let to = original.clone().unwrap_or_default();
            return Err(rejected(
                line,
                vec![RowProblem::Render {
                    path: "to".to_owned(),
                    detail: format!("{to:?} is not a phone number or a WhatsApp JID"),
                }],
                original,
            ));
        };
        Ok(PreparedRow {
            line,
            message,
            recipient: cleaned.recipient,
            changes: cleaned.changes,
            original_recipient: original.unwrap_or_default(),
            session,
        })
    }

    fn session_of(&self, row: &Row, problems: &mut Vec<RowProblem>) -> Option<SessionId> {
        let column = self.session_column?;
        let name = row.text(column)?.trim();
        if name.is_empty() {
            return None;
        }
        let known = self.sessions;
        match name.parse::<SessionId>() {
            Ok(id) if known.is_empty() || known.contains(&id) => Some(id),
            _ => {
                problems.push(RowProblem::UnknownSession {
                    session: name.to_owned(),
                    known: known.iter().map(|s| s.as_str().to_owned()).collect(),
                });
                None
            }
        }
    }
}

/// The rendered `to` as text; a number (a JSON Lines phone number) becomes its digits.
fn recipient_text(body: &mut serde_json::Value) -> Option<String> {
    let to = body.get_mut("to")?;
    if let serde_json::Value::Number(n) = to
        && (n.is_u64() || n.is_i64())
    {
        *to = serde_json::Value::String(n.to_string());
    }
    to.as_str().map(str::to_owned)
}

fn rejected(line: u64, problems: Vec<RowProblem>, recipient: Option<String>) -> Rejected {
    Rejected {
        report: RowReport { line, problems },
        recipient,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wasphere_types::MessageType;

    use super::*;

    fn template() -> Template {
        Template::new(
            MessageType::Text,
            r#"{"to": "{{ phone }}", "text": "Hello {{ name }}"}"#,
        )
        .unwrap()
    }

    fn preparer<'a>(t: &'a Template, sessions: &'a [SessionId]) -> Preparer<'a> {
        Preparer {
            template: t,
            session_column: Some("session"),
            sessions,
        }
    }

    #[test]
    fn recipients_are_cleaned_and_the_changes_kept() {
        let t = template();
        let row = Row::from_pairs(2, [("phone", "+92 300-1234567"), ("name", "A")]);
        let p = preparer(&t, &[]).prepare(row).unwrap();
        assert_eq!(p.recipient.as_str(), "923001234567");
        assert_eq!(p.message.to(), "923001234567");
        assert_eq!(p.original_recipient, "+92 300-1234567");
        assert_eq!(p.changes.len(), 3);
    }

    #[test]
    fn every_violation_is_reported_in_validates_words() {
        let t = Template::new(
            MessageType::Buttons,
            r#"{"to": "{{ phone }}", "text": "{{ text }}", "footer": "{{ footer }}", "buttons": [{"id": "a", "text": "A"}]}"#,
        )
        .unwrap();
        let row = Row::from_pairs(
            5,
            [
                ("phone", "12"),
                ("text", "ok"),
                ("footer", &*"x".repeat(61)),
            ],
        );
        let r = preparer(&t, &[]).prepare(row).unwrap_err();
        assert_eq!(r.report.line, 5);
        let paths: Vec<&str> = r.report.problems.iter().map(RowProblem::path).collect();
        assert_eq!(paths, ["to", "footer"]);
        let footer = r.report.problems[1].violation().unwrap();
        assert_eq!(
            footer.rule,
            wasphere_types::Rule::MaxLength {
                limit: 60,
                actual: 61
            }
        );
        assert_eq!(r.recipient.as_deref(), Some("12"));
    }

    #[test]
    fn a_numeric_phone_from_json_lines_is_text() {
        let t = template();
        let row = Row::from_json(
            1,
            json!({"phone": 923001234567u64, "name": "A"})
                .as_object()
                .cloned()
                .unwrap(),
        );
        let p = preparer(&t, &[]).prepare(row).unwrap();
        assert_eq!(p.recipient.as_str(), "923001234567");
    }

    #[test]
    fn the_session_column_must_name_a_known_session() {
        let t = template();
        let known: Vec<SessionId> = vec!["a".parse().unwrap(), "b".parse().unwrap()];
        let row = |s: &str| {
            Row::from_pairs(
                2,
                [("phone", "923001234567"), ("name", "A"), ("session", s)],
            )
        };
        let p = preparer(&t, &known).prepare(row("b")).unwrap();
        assert_eq!(p.session.as_ref().map(SessionId::as_str), Some("b"));
        assert_eq!(preparer(&t, &known).prepare(row("")).unwrap().session, None);
        let r = preparer(&t, &known).prepare(row("c")).unwrap_err();
        assert_eq!(r.report.problems[0].rule_name(), "unknownSession");
    }
}
