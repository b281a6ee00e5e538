//! What `validate()` reports: every broken rule, with where and why.

use std::fmt;

use serde::Serialize;

/// The most violations one answer lists (see [`Rule::Unlisted`]).
pub(crate) const MAX_LISTED: usize = 1_000;

/// The rule a value broke, with the limit and what was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "rule",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[non_exhaustive]
pub enum Rule {
    /// A required field is missing or `null`.
    Required,
    /// A string that must not be `""` is empty.
    NotEmpty,
    /// A string is longer than allowed (counted as the server counts, see [`crate::server_length`]).
    MaxLength {
        /// The largest length allowed.
        limit: usize,
        /// The length found.
        actual: usize,
    },
    /// A list has too few items.
    MinItems {
        /// The fewest items allowed.
        limit: usize,
        /// The number found.
        actual: usize,
    },
    /// A list has too many items.
    MaxItems {
        /// The most items allowed.
        limit: usize,
        /// The number found.
        actual: usize,
    },
    /// A number lies outside its range.
    Range {
        /// The smallest value allowed.
        min: f64,
        /// The largest value allowed.
        max: f64,
        /// The value found.
        actual: f64,
    },
    /// A string does not have the required shape.
    Format {
        /// What the shape should be, in words.
        expected: &'static str,
    },
    /// A string that must be one of a few words is another.
    OneOf {
        /// The words allowed.
        allowed: &'static [&'static str],
    },
    /// A string contains a character outside its allowed set.
    Charset {
        /// The allowed characters, in words.
        allowed: &'static str,
        /// The first character that is not allowed.
        found: char,
    },
    /// An item repeats an earlier one where items must be distinct.
    Unique {
        /// The path of the earlier, equal item.
        first: String,
    },
    /// A number exceeds a limit set by another field.
    AtMostField {
        /// The path of the other field.
        field: &'static str,
        /// The limit that field sets.
        limit: usize,
        /// The value found.
        actual: i64,
    },
    /// The body has a field the API does not know (the server rejects it).
    UnknownField,
    /// A field has the wrong JSON type.
    WrongType {
        /// What the field should be.
        expected: String,
    },
    /// More violations were found than one answer lists (1000): this many are not listed.
    /// Only a body with thousands of broken items comes here.
    Unlisted {
        /// How many more violations there are.
        count: usize,
    },
    /// The body is not JSON, or not a JSON object.
    InvalidJson {
        /// What is wrong and where, as a sentence.
        detail: String,
    },
}

/// Whether the server enforces a rule, or only this client does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RuleOrigin {
    /// The WaSphere server rejects a payload that breaks this rule with a 400.
    Server,
    /// A deliberate, stricter rule of this toolkit: the server would accept the payload,
    /// but WhatsApp would show something broken or surprising.
    Client,
}

/// One broken rule at one place in a payload.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    /// Where, in the payload's wire names: `to`, `sections[1].rows[0].title`. Empty for the whole body.
    pub path: String,
    /// Which rule, with its limit and what was found.
    #[serde(flatten)]
    pub rule: Rule,
    /// Whether the server or only this toolkit enforces the rule.
    pub origin: RuleOrigin,
    /// A sentence for people.
    pub message: String,
    /// For an unknown field, the path of the field it most likely means: `fileName` for
    /// `filename`, `buttons[0].text` for `buttons[0].label`. Absent when nothing is close.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl Violation {
    /// A violation of a rule the server enforces.
    pub fn server(path: impl Into<String>, rule: Rule) -> Self {
        Self::new(path.into(), rule, RuleOrigin::Server)
    }

    /// A violation of one of this toolkit's stricter rules.
    pub fn client(path: impl Into<String>, rule: Rule) -> Self {
        Self::new(path.into(), rule, RuleOrigin::Client)
    }

    fn new(path: String, rule: Rule, origin: RuleOrigin) -> Self {
        let mut message = describe(&path, &rule);
        if origin == RuleOrigin::Client {
            message.push_str(" (client-side rule: the server would accept this, but it is almost certainly a mistake)");
        }
        Violation {
            path,
            rule,
            origin,
            message,
            suggestion: None,
        }
    }

    /// The count of violations an answer does not list.
    pub(crate) fn unlisted(count: usize, origin: RuleOrigin) -> Self {
        let rule = Rule::Unlisted { count };
        Violation {
            message: describe("", &rule),
            path: String::new(),
            rule,
            origin,
            suggestion: None,
        }
    }

    /// An unknown field of `object` (`document`, `a button`), whose known fields are
    /// `fields`, perhaps with the known field it most likely means.
    pub(crate) fn unknown_field(
        path: String,
        object: &str,
        fields: &[&str],
        suggestion: Option<String>,
    ) -> Self {
        let message = match &suggestion {
            Some(meant) => format!("`{path}` is not a field of {object}; did you mean `{meant}`?"),
            None => format!(
                "`{path}` is not a field of {object}, whose fields are {}",
                listed(fields, "and")
            ),
        };
        Violation {
            path,
            rule: Rule::UnknownField,
            origin: RuleOrigin::Server,
            message,
            suggestion,
        }
    }

    /// Whether only this toolkit enforces the rule.
    pub fn is_client_side(&self) -> bool {
        self.origin == RuleOrigin::Client
    }

    /// The sentence the real server (NestJS with class-validator) puts in its 400 body for
    /// this violation, with nested paths written `buttons.0.id` as it writes them.
    pub fn server_sentence(&self) -> String {
        let p = self.path.replace('[', ".").replace(']', "");
        match &self.rule {
            Rule::Required | Rule::NotEmpty => format!("{p} should not be empty"),
            Rule::MaxLength { limit, .. } => {
                format!("{p} must be shorter than or equal to {limit} characters")
            }
            Rule::MinItems { limit, .. } => format!("{p} must contain at least {limit} elements"),
            Rule::MaxItems { limit, .. } => {
                format!("{p} must contain no more than {limit} elements")
            }
            Rule::Range { min, max, actual } => {
                if actual < min {
                    format!("{p} must not be less than {min}")
                } else {
                    format!("{p} must not be greater than {max}")
                }
            }
            Rule::Format { expected } => format!("{p} must be {expected}"),
            Rule::OneOf { allowed } => format!(
                "{p} must be one of the following values: {}",
                allowed.join(", ")
            ),
            Rule::Charset { allowed, .. } => format!("{p} must contain only {allowed}"),
            Rule::Unique { .. } => format!("{p} must be unique"),
            Rule::AtMostField { field, .. } => format!("{p} must not be greater than {field}"),
            // Nest prefixes a nested object's sentences with the object's path, this one too.
            Rule::UnknownField => match self.path.rsplit_once("].") {
                Some((parent, name)) => {
                    let parent = parent.replace('[', ".").replace(']', "");
                    format!("{parent}.property {name} should not exist")
                }
                None => format!("property {p} should not exist"),
            },
            Rule::WrongType { expected } => format!("{p} must be {expected}"),
            Rule::Unlisted { count } => format!("and {count} more problems"),
            Rule::InvalidJson { detail } => detail.clone(),
        }
    }
}

fn describe(path: &str, rule: &Rule) -> String {
    let field = if path.is_empty() { "the body" } else { path };
    match rule {
        Rule::Required => format!("`{field}` is required"),
        Rule::NotEmpty => format!("`{field}` must not be empty"),
        Rule::MaxLength { limit, actual } => format!(
            "`{field}` is {actual} characters long; the limit is {limit} (counted in code points, a variation selector after a character counting zero)"
        ),
        Rule::MinItems { limit, actual } => {
            format!("`{field}` has {actual} items; at least {limit} are required")
        }
        Rule::MaxItems { limit, actual } => {
            format!("`{field}` has {actual} items; at most {limit} are allowed")
        }
        Rule::Range { min, max, actual } => {
            format!("`{field}` is {actual}; it must lie between {min} and {max}")
        }
        Rule::Format { expected } => format!("`{field}` must be {expected}"),
        Rule::OneOf { allowed } => format!("`{field}` must be {}", listed(allowed, "or")),
        Rule::Charset { allowed, found } => {
            format!("`{field}` contains {found:?}; only {allowed} are allowed")
        }
        Rule::Unique { first } => format!("`{field}` repeats `{first}`; they must differ"),
        Rule::AtMostField {
            field: other,
            limit,
            actual,
        } => format!("`{field}` is {actual}, more than the {limit} of `{other}`"),
        Rule::UnknownField => format!(
            "`{field}` is not a field of this message type (the server rejects unknown fields; check the spelling and casing)"
        ),
        Rule::WrongType { expected } => format!("`{field}` must be {expected}"),
        Rule::Unlisted { count } => format!(
            "{count} more problems are not listed (one answer lists at most {})",
            MAX_LISTED
        ),
        Rule::InvalidJson { detail } => detail.clone(),
    }
}

/// "`a`, `b` and `c`" (or "`a`, `b` or `c`").
fn listed(names: &[&str], conjunction: &str) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => {
            format!("{} {conjunction} {last}", rest.join(", "))
        }
        Some((last, _)) => last.clone(),
        None => "none".to_owned(),
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Every rule a payload breaks, found in one pass.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ValidationError {
    /// The violations: from [`crate::Message::parse`], problems of the body's shape in the
    /// body's order (a missing field at the end of its object), then broken rules in the
    /// order of the payload's fields. At most 1000 are listed; a last [`Rule::Unlisted`]
    /// counts the rest.
    pub violations: Vec<Violation>,
}

impl ValidationError {
    /// Whether at least one violation is of a rule the server enforces, so the server would
    /// answer 400 (the others are this toolkit's stricter, client-side rules).
    pub fn server_would_reject(&self) -> bool {
        self.violations.iter().any(|v| !v.is_client_side())
    }

    /// The violations of rules the server enforces, leaving out this toolkit's stricter ones.
    pub fn server_side(&self) -> impl Iterator<Item = &Violation> {
        self.violations.iter().filter(|v| !v.is_client_side())
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.violations.as_slice() {
            [one] => write!(f, "invalid message: {one}"),
            many => {
                write!(f, "invalid message ({} problems):", many.len())?;
                for v in many {
                    write!(f, "\n  - {v}")?;
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
    fn serializes_rule_fields_beside_the_path() {
        let v = Violation::server(
            "footer",
            Rule::MaxLength {
                limit: 60,
                actual: 61,
            },
        );
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["path"], "footer");
        assert_eq!(json["rule"], "maxLength");
        assert_eq!(json["limit"], 60);
        assert_eq!(json["actual"], 61);
        assert_eq!(json["origin"], "server");
    }

    #[test]
    fn server_sentences_use_dotted_paths() {
        let v = Violation::server("buttons[0].id", Rule::NotEmpty);
        assert_eq!(v.server_sentence(), "buttons.0.id should not be empty");
        let v = Violation::server("filename", Rule::UnknownField);
        assert_eq!(v.server_sentence(), "property filename should not exist");
        let v = Violation::server("sections[0].rows[1].icon", Rule::UnknownField);
        assert_eq!(
            v.server_sentence(),
            "sections.0.rows.1.property icon should not exist"
        );
    }

    #[test]
    fn unknown_fields_name_the_object_and_a_likely_meaning() {
        let fields = ["to", "url", "fileName", "mimetype"];
        let v = Violation::unknown_field(
            "filename".into(),
            "document",
            &fields,
            Some("fileName".into()),
        );
        assert_eq!(
            v.message,
            "`filename` is not a field of document; did you mean `fileName`?"
        );
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["suggestion"], "fileName");
        let v = Violation::unknown_field("colour".into(), "document", &fields, None);
        assert_eq!(
            v.message,
            "`colour` is not a field of document, whose fields are `to`, `url`, `fileName` and `mimetype`"
        );
        let json = serde_json::to_value(&v).unwrap();
        assert!(json.get("suggestion").is_none(), "{json}");
    }

    #[test]
    fn one_of_lists_the_words_for_people_and_as_nest_does() {
        let v = Violation::server(
            "presence",
            Rule::OneOf {
                allowed: &["available", "paused"],
            },
        );
        assert_eq!(v.message, "`presence` must be `available` or `paused`");
        assert_eq!(
            v.server_sentence(),
            "presence must be one of the following values: available, paused"
        );
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["rule"], "oneOf");
        assert_eq!(json["allowed"], serde_json::json!(["available", "paused"]));
    }

    #[test]
    fn client_rules_say_so() {
        let v = Violation::client(
            "options[1]",
            Rule::Unique {
                first: "options[0]".into(),
            },
        );
        assert!(v.message.contains("client-side rule"));
        assert!(v.is_client_side());
    }
}
