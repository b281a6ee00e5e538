//! Everything the command prints: results on stdout, notices and errors on stderr,
//! for people (colour only on a terminal, `NO_COLOR` honoured) or as JSON.
//!
//! Every line goes through [`Output::scrub`], so an API key the command has loaded
//! cannot reach the terminal even if a server or a library echoes it back.

use std::cell::RefCell;
use std::io::Write;

use anstyle::{AnsiColor, Style};
use serde_json::{Map, Value, json};
use wasphere_types::{ApiKey, Rule, Violation};

use crate::cli::OutputFormat;
use crate::failure::Failure;

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();
const NOTE: Style = AnsiColor::Cyan.on_default().bold();
const BOLD: Style = Style::new().bold();

/// The printer of one run.
pub(crate) struct Output {
    format: OutputFormat,
    secrets: RefCell<Vec<ApiKey>>,
}

impl Output {
    /// A printer in `format`.
    pub(crate) fn new(format: OutputFormat) -> Self {
        Output {
            format,
            secrets: RefCell::new(Vec::new()),
        }
    }

    /// Whether results and errors are JSON.
    pub(crate) fn is_json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// From now on, `key` is replaced by its redacted form wherever it would be printed.
    pub(crate) fn protect(&self, key: &ApiKey) {
        self.secrets.borrow_mut().push(key.clone());
    }

    /// `text` with every protected key replaced by its redacted form (`wsk_live_…`).
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for key in self.secrets.borrow().iter() {
            text = key.redact(&text).into_owned();
        }
        text
    }

    /// A line of result on stdout, flushed at once (scripts and pipes read it live).
    pub(crate) fn line(&self, text: &str) {
        let mut out = anstream::stdout().lock();
        // A closed stdout (`| head`) is not worth a panic or an error message.
        let _ = writeln!(out, "{}", self.scrub(text));
        let _ = out.flush();
    }

    /// A styled line of result on stdout; the style is dropped off a terminal.
    pub(crate) fn styled_line(&self, parts: &[(Style, &str)]) {
        let mut out = anstream::stdout().lock();
        for (style, text) in parts {
            let _ = write!(out, "{style}{}{style:#}", self.scrub(text));
        }
        let _ = writeln!(out);
        let _ = out.flush();
    }

    /// A JSON result on stdout, on one line.
    pub(crate) fn json(&self, value: &Value) {
        self.line(&value.to_string());
    }

    /// A progress line for people on stderr (`{"status": …}` in JSON mode), e.g. the
    /// address a server listens on, kept off stdout so stdout stays pure data.
    pub(crate) fn status(&self, text: &str) {
        let text = self.scrub(text);
        let mut err = anstream::stderr().lock();
        if self.is_json() {
            let _ = writeln!(err, "{}", json!({ "status": text }));
        } else {
            let _ = writeln!(err, "{text}");
        }
        let _ = err.flush();
    }

    /// Something the user should know that is not a problem (stderr).
    pub(crate) fn notice(&self, text: &str) {
        self.side_note(NOTE, "note", text);
    }

    /// Something the user should fix although the command goes on (stderr).
    pub(crate) fn warning(&self, text: &str) {
        self.side_note(WARNING, "warning", text);
    }

    fn side_note(&self, style: Style, label: &str, text: &str) {
        let text = self.scrub(text);
        let mut err = anstream::stderr().lock();
        if self.is_json() {
            let _ = writeln!(err, "{}", json!({ label: text }));
        } else {
            let _ = writeln!(err, "{style}{label}:{style:#} {text}");
        }
        let _ = err.flush();
    }

    /// Prints why the command failed (stderr).
    pub(crate) fn failure(&self, failure: &Failure) {
        let text = if self.is_json() {
            failure_json(failure).to_string()
        } else {
            failure_text(failure)
        };
        let mut err = anstream::stderr().lock();
        let _ = writeln!(err, "{}", self.scrub(&text));
        let _ = err.flush();
    }
}

/// `{"error": {"kind", "exitCode", "message", …details, "violations"?, "hint"?}}`.
pub(crate) fn failure_json(failure: &Failure) -> Value {
    let mut error = Map::new();
    error.insert("kind".into(), failure.class.as_str().into());
    error.insert("exitCode".into(), failure.exit_number().into());
    error.insert("message".into(), failure.message.clone().into());
    for (k, v) in &failure.details {
        error.insert(k.clone(), v.clone());
    }
    if !failure.violations.is_empty() {
        error.insert(
            "violations".into(),
            serde_json::to_value(&failure.violations).unwrap_or(Value::Null),
        );
    }
    if let Some(hint) = &failure.hint {
        error.insert("hint".into(), hint.clone().into());
    }
    json!({ "error": error })
}

fn failure_text(failure: &Failure) -> String {
    let mut text = format!("{ERROR}error:{ERROR:#} {}", failure.message);
    for v in &failure.violations {
        text.push('\n');
        text.push_str(&violation_line(v));
    }
    // The details (status, the server's messages, …) are already in the message's
    // words; they are listed separately only for JSON consumers.
    if let Some(hint) = &failure.hint {
        text.push_str(&format!("\n{NOTE}hint:{NOTE:#} {hint}"));
    }
    text
}

/// `  - footer [maxLength 60, found 61]: `footer` is 61 characters long; …`
pub(crate) fn violation_line(v: &Violation) -> String {
    let path = if v.path.is_empty() {
        "(body)"
    } else {
        v.path.as_str()
    };
    format!(
        "  - {BOLD}{path}{BOLD:#} [{}]: {}",
        rule_summary(&v.rule),
        v.message
    )
}

/// The rule's name with its limit and what was found.
pub(crate) fn rule_summary(rule: &Rule) -> String {
    match rule {
        Rule::MaxLength { limit, actual } => format!("maxLength {limit}, found {actual}"),
        Rule::MinItems { limit, actual } => format!("minItems {limit}, found {actual}"),
        Rule::MaxItems { limit, actual } => format!("maxItems {limit}, found {actual}"),
        Rule::Range { min, max, actual } => format!("range {min}..{max}, found {actual}"),
        Rule::AtMostField {
            field,
            limit,
            actual,
        } => format!("atMost {field} ({limit}), found {actual}"),
        other => serde_json::to_value(other)
            .ok()
            .and_then(|v| v.get("rule").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_else(|| "rule".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasphere_client::ErrorClass;

    #[test]
    fn scrubs_protected_keys() {
        let out = Output::new(OutputFormat::Human);
        let key = ApiKey::new("wsk_test_s3cr3t").unwrap();
        out.protect(&key);
        assert_eq!(
            out.scrub("Bearer wsk_test_s3cr3t, again wsk_test_s3cr3t"),
            "Bearer wsk_test_…, again wsk_test_…"
        );
    }

    #[test]
    fn summaries_name_the_rule_and_limit() {
        assert_eq!(
            rule_summary(&Rule::MaxLength {
                limit: 60,
                actual: 61
            }),
            "maxLength 60, found 61"
        );
        assert_eq!(rule_summary(&Rule::UnknownField), "unknownField");
        assert_eq!(rule_summary(&Rule::Required), "required");
    }

    #[test]
    fn json_failures_carry_kind_and_code() {
        let f = Failure::new(ErrorClass::Auth, "refused").detail("status", 401);
        let v = failure_json(&f);
        assert_eq!(v["error"]["kind"], "auth");
        assert_eq!(v["error"]["exitCode"], 3);
        assert_eq!(v["error"]["status"], 401);
    }
}
