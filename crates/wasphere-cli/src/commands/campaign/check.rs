//! `wasphere campaign check`: every row rendered and validated offline.

use clap::ArgMatches;
use serde_json::json;
use wasphere_campaign::{Check, CheckSummary, Finding, KeyPace, PacePlan, RowProblem};
use wasphere_types::SessionId;

use super::progress::short;
use super::setup::{self, Pace};
use super::template;
use crate::campaign_flags::CampaignCheckArgs;
use crate::failure::Failure;
use crate::output::{Output, violation_line};

/// How many of each kind of finding are listed without `--all`.
const LISTED: u64 = 20;

pub(super) fn run(
    args: &CampaignCheckArgs,
    matches: Option<&ArgMatches>,
    out: &Output,
) -> Result<(), Failure> {
    let template = template::template(&args.template, matches)?;
    let file = setup::source_file(&args.rows)?;
    let sessions = args
        .sessions
        .iter()
        .map(|s| {
            s.parse::<SessionId>()
                .map_err(|e| Failure::invalid(format!("the session {s:?}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let pace = Pace::from_args(&args.pace);
    let plan = PacePlan {
        pacing: pace.pacing,
        delay: pace.delay,
        keys: vec![KeyPace {
            rate_limit: pace.rate_limit,
            margin: pace.margin,
            sessions: sessions.len().max(1),
        }],
    };
    let rows = file.rows().map_err(|e| Failure::invalid(e.to_string()))?;
    let mut listed = Listed::default();
    let summary = Check::new(&template)
        .session_column(Some(&args.pace.session_column))
        .sessions(&sessions)
        .allow_duplicates(pace.allow_duplicates)
        .plan(&plan)
        .run(rows, |finding| report(&finding, args.all, &mut listed, out))
        .map_err(|e| Failure::other(e.to_string()))?;
    listed.more(out);
    print_summary(&summary, &pace, out);
    if summary.invalid > 0 {
        return Err(Failure::invalid(format!(
            "{} of {} rows do not make a valid message; nothing was sent",
            summary.invalid, summary.rows
        ))
        .hint("fix them in the file (every problem names its line and field), or run anyway: invalid rows are recorded and skipped"));
    }
    Ok(())
}

/// How many findings of each kind were listed.
#[derive(Debug, Default)]
struct Listed {
    invalid: u64,
    duplicates: u64,
    changed: u64,
}

impl Listed {
    fn more(&self, out: &Output) {
        for (n, what) in [
            (self.invalid, "invalid rows"),
            (self.duplicates, "duplicates"),
            (self.changed, "cleaned-up recipients"),
        ] {
            if n > LISTED && !out.is_json() {
                out.line(&format!(
                    "… and {} more {what} (--all lists them)",
                    n - LISTED
                ));
            }
        }
    }
}

fn report(finding: &Finding, all: bool, listed: &mut Listed, out: &Output) {
    if out.is_json() {
        out.json(&finding_json(finding));
        return;
    }
    let (count, text) = match finding {
        Finding::Invalid(report) => {
            let mut text = format!("line {}: invalid", report.line);
            for problem in &report.problems {
                text.push('\n');
                text.push_str(&problem_line(problem));
            }
            (&mut listed.invalid, text)
        }
        Finding::Duplicate {
            line,
            recipient,
            first_line,
        } => (
            &mut listed.duplicates,
            format!(
                "line {line}: {recipient} repeats line {first_line}: skipped (--allow-duplicates sends it)"
            ),
        ),
        Finding::RecipientChanged {
            line,
            from,
            to,
            changes,
        } => {
            let changes: Vec<String> = changes.iter().map(ToString::to_string).collect();
            (
                &mut listed.changed,
                format!(
                    "line {line}: {from:?} is sent to {to} ({})",
                    changes.join(", ")
                ),
            )
        }
        _ => return,
    };
    *count += 1;
    if all || *count <= LISTED {
        out.line(&text);
    }
}

/// A problem in the words of `wasphere validate`: `  - path [rule]: message`.
fn problem_line(problem: &RowProblem) -> String {
    match problem.violation() {
        Some(v) => violation_line(v),
        None => {
            let path = if problem.path().is_empty() {
                "(row)"
            } else {
                problem.path()
            };
            format!("  - {path} [{}]: {problem}", problem.rule_name())
        }
    }
}

fn finding_json(finding: &Finding) -> serde_json::Value {
    match finding {
        Finding::Invalid(report) => json!({
            "finding": "invalid", "line": report.line, "problems": report.problems,
        }),
        Finding::Duplicate {
            line,
            recipient,
            first_line,
        } => json!({
            "finding": "duplicate", "line": line, "recipient": recipient, "duplicateOf": first_line,
        }),
        Finding::RecipientChanged {
            line,
            from,
            to,
            changes,
        } => json!({
            "finding": "recipientChanged", "line": line, "from": from, "to": to,
            "changes": changes.iter().map(ToString::to_string).collect::<Vec<_>>(),
        }),
        _ => json!({"finding": "other"}),
    }
}

fn print_summary(summary: &CheckSummary, pace: &Pace, out: &Output) {
    if out.is_json() {
        out.json(&json!({ "summary": summary }));
        return;
    }
    out.line(&format!(
        "{} rows: {} valid, {} invalid; {} duplicate recipient{} ({}); {} recipient{} cleaned up",
        summary.rows,
        summary.valid,
        summary.invalid,
        summary.duplicates,
        if summary.duplicates == 1 { "" } else { "s" },
        if pace.allow_duplicates {
            "sent"
        } else {
            "skipped"
        },
        summary.recipients_changed,
        if summary.recipients_changed == 1 {
            ""
        } else {
            "s"
        },
    ));
    let time = match summary.estimate {
        Some(d) => format!(
            "about {} at {} ({})",
            short(d),
            pace.rate_limit,
            pace.pacing
        ),
        None => "no client-side limit: as fast as the server answers".to_owned(),
    };
    out.line(&format!("{} messages to send: {time}", summary.to_send));
}
