//! `check`: every row rendered and validated offline, every bad row reported, and what the
//! send would do.

use std::time::Duration;

use wasphere_types::{Normalization, SessionId};

use crate::plan::PacePlan;
use crate::prepare::{PreparedRow, Preparer};
use crate::problem::{RowProblem, RowReport};
use crate::recipients::RecipientSet;
use crate::row::Row;
use crate::source::{ReadError, SourceError};
use crate::template::Template;

/// One thing `check` found about a row.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Finding {
    /// The row cannot be sent: every problem, with its field path and rule.
    Invalid(RowReport),
    /// The recipient appeared on an earlier line (after clean-up), so this row is skipped
    /// unless duplicates are allowed.
    Duplicate {
        /// This row's line.
        line: u64,
        /// The recipient, cleaned up.
        recipient: String,
        /// The line it first appeared on.
        first_line: u64,
    },
    /// The recipient was cleaned up (`+92 300-1234567` → `923001234567`).
    RecipientChanged {
        /// The row's line.
        line: u64,
        /// As the row had it.
        from: String,
        /// As it will be sent.
        to: String,
        /// What was changed.
        changes: Vec<Normalization>,
    },
}

/// What `check` counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckSummary {
    /// Rows read (good and bad).
    pub rows: u64,
    /// Rows that make a valid message.
    pub valid: u64,
    /// Rows that do not.
    pub invalid: u64,
    /// Valid rows whose recipient appeared on an earlier line.
    pub duplicates: u64,
    /// Valid rows whose recipient was cleaned up.
    pub recipients_changed: u64,
    /// Rows a send would send: the valid ones, less duplicates unless allowed.
    pub to_send: u64,
    /// How long sending them takes at the plan's limits; `None` without a plan or limit.
    #[serde(with = "optional_seconds")]
    pub estimate: Option<Duration>,
}

/// Checks rows against a template without sending anything.
///
/// ```
/// use wasphere_campaign::{Check, CsvRows, Finding, Template};
/// use wasphere_types::MessageType;
///
/// let template = Template::new(MessageType::Text, r#"{"to": "{{ phoneNumber }}", "text": "Hi {{ firstName }}"}"#)?;
/// let csv = "phoneNumber,firstName\n+92 300 1234567,Ayesha\n12,Bilal\n923001234567,Ayesha again\n";
/// let mut findings = Vec::new();
/// let summary = Check::new(&template).run(CsvRows::from_reader(csv.as_bytes(), b',')?, |f| findings.push(f))?;
/// assert_eq!((summary.rows, summary.valid, summary.invalid, summary.duplicates, summary.to_send), (3, 2, 1, 1, 1));
/// assert!(matches!(&findings[1], Finding::Invalid(report) if report.line == 3));
/// assert!(matches!(&findings[2], Finding::Duplicate { line: 4, first_line: 2, .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Check<'a> {
    template: &'a Template,
    session_column: Option<&'a str>,
    sessions: &'a [SessionId],
    allow_duplicates: bool,
    plan: Option<&'a PacePlan>,
}

impl<'a> Check<'a> {
    /// A check of rows against `template`: duplicates skipped, a `session` column honoured.
    pub fn new(template: &'a Template) -> Self {
        Check {
            template,
            session_column: Some(crate::DEFAULT_SESSION_COLUMN),
            sessions: &[],
            allow_duplicates: false,
            plan: None,
        }
    }

    /// The column naming each row's session (`None`: rows do not choose).
    #[must_use]
    pub fn session_column(mut self, column: Option<&'a str>) -> Self {
        self.session_column = column;
        self
    }

    /// The sessions a row may name (empty: any valid session id).
    #[must_use]
    pub fn sessions(mut self, sessions: &'a [SessionId]) -> Self {
        self.sessions = sessions;
        self
    }

    /// Whether repeated recipients are sent rather than skipped.
    #[must_use]
    pub fn allow_duplicates(mut self, yes: bool) -> Self {
        self.allow_duplicates = yes;
        self
    }

    /// The plan to estimate the sending time with.
    #[must_use]
    pub fn plan(mut self, plan: &'a PacePlan) -> Self {
        self.plan = Some(plan);
        self
    }

    /// Reads every row, calling `on_finding` for each bad row, duplicate and cleaned-up
    /// recipient as it goes (so memory stays flat however many there are).
    ///
    /// # Errors
    /// [`SourceError`] when the source stops being readable; the rows before it were
    /// reported.
    pub fn run<I>(
        &self,
        rows: I,
        mut on_finding: impl FnMut(Finding),
    ) -> Result<CheckSummary, SourceError>
    where
        I: IntoIterator<Item = Result<Row, ReadError>>,
    {
        let preparer = Preparer {
            template: self.template,
            session_column: self.session_column,
            sessions: self.sessions,
        };
        let mut seen = RecipientSet::default();
        let mut summary = CheckSummary::default();
        for row in rows {
            summary.rows += 1;
            match classify(&preparer, &mut seen, row)? {
                Verdict::Valid { row, duplicate_of } => {
                    summary.valid += 1;
                    if !row.changes.is_empty() {
                        summary.recipients_changed += 1;
                        on_finding(Finding::RecipientChanged {
                            line: row.line,
                            from: row.original_recipient.clone(),
                            to: row.recipient.as_str().to_owned(),
                            changes: row.changes.clone(),
                        });
                    }
                    if let Some(first_line) = duplicate_of {
                        summary.duplicates += 1;
                        on_finding(Finding::Duplicate {
                            line: row.line,
                            recipient: row.recipient.as_str().to_owned(),
                            first_line,
                        });
                    }
                    if duplicate_of.is_none() || self.allow_duplicates {
                        summary.to_send += 1;
                    }
                }
                Verdict::Invalid { report, .. } => {
                    summary.invalid += 1;
                    on_finding(Finding::Invalid(report));
                }
            }
        }
        summary.estimate = self.plan.and_then(|p| p.estimate(summary.to_send));
        Ok(summary)
    }
}

/// What one row turned out to be.
#[derive(Debug)]
pub(crate) enum Verdict {
    Valid {
        row: Box<PreparedRow>,
        duplicate_of: Option<u64>,
    },
    Invalid {
        report: RowReport,
        recipient: Option<String>,
    },
}

/// Prepares one row and notes its recipient: what both `check` and a campaign's import do.
pub(crate) fn classify(
    preparer: &Preparer<'_>,
    seen: &mut RecipientSet,
    row: Result<Row, ReadError>,
) -> Result<Verdict, SourceError> {
    let row = match row {
        Ok(row) => row,
        Err(ReadError::Row { line, reason }) => {
            return Ok(Verdict::Invalid {
                report: RowReport {
                    line,
                    problems: vec![RowProblem::Unreadable { reason }],
                },
                recipient: None,
            });
        }
        Err(ReadError::Source(e)) => return Err(e),
    };
    Ok(match preparer.prepare(row) {
        Ok(row) => {
            let duplicate_of = seen.first_seen(&row.recipient, row.line);
            Verdict::Valid {
                row: Box::new(row),
                duplicate_of,
            }
        }
        Err(rejected) => Verdict::Invalid {
            report: rejected.report,
            recipient: rejected.recipient,
        },
    })
}

mod optional_seconds {
    use std::time::Duration;

    use serde::Serializer;

    #[allow(clippy::ref_option)]
    pub(super) fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_f64(d.as_secs_f64()),
            None => s.serialize_none(),
        }
    }
}
