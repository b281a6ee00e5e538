//! What a running campaign shows: a progress bar on a terminal (sent, failed, unknown,
//! rate, time left from the limit), a plain line every few seconds otherwise, and with
//! `--output json` one JSON event per row outcome on stdout.

use std::cell::{RefCell, RefMut};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Value, json};
use wasphere_campaign::{Event, PacePlan, StopReason};

use crate::output::Output;

/// How often the plain line is printed when stderr is not a terminal.
pub(super) const PLAIN_EVERY: Duration = Duration::from_secs(5);
/// How many bad rows and failures are printed as they happen (the rest are counted; the
/// journal has them all).
const SHOWN: u64 = 20;

/// The counts a run shows.
#[derive(Debug, Default)]
struct Tally {
    to_send: u64,
    sent: u64,
    failed: u64,
    unknown: u64,
    invalid: u64,
    skipped: u64,
    import_done: bool,
}

/// Shows a run's progress, from the task that drives the run.
pub(super) struct Progress<'a> {
    tally: RefCell<Tally>,
    bar: Option<ProgressBar>,
    json: bool,
    plan: PacePlan,
    started: Instant,
    out: &'a Output,
}

impl<'a> Progress<'a> {
    pub(super) fn new(out: &'a Output, plan: PacePlan) -> Self {
        let json = out.is_json();
        let bar = (!json && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            let colour = std::env::var_os("NO_COLOR").is_none();
            let template = if colour {
                "{bar:30.green/white} {pos}/{len} {msg}"
            } else {
                "{bar:30} {pos}/{len} {msg}"
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        Progress {
            tally: RefCell::new(Tally::default()),
            bar,
            json,
            plan,
            started: Instant::now(),
            out,
        }
    }

    fn tally(&self) -> RefMut<'_, Tally> {
        self.tally.borrow_mut()
    }

    /// The campaign's observer.
    pub(super) fn observe(&self, event: &Event) {
        if self.json
            && let Some(line) = event_json(event)
        {
            self.out.json(&line);
        }
        let mut t = self.tally();
        match event {
            Event::Started { pending, .. } => t.to_send = *pending,
            Event::Imported { .. } => t.import_done = true,
            Event::Queued { rows } => t.to_send += rows,
            Event::Sent { .. } => t.sent += 1,
            Event::Failed {
                line,
                recipient,
                message,
                ..
            } => {
                t.failed += 1;
                if t.failed <= SHOWN {
                    self.println(&format!("line {line}: {recipient}: {message}"));
                }
            }
            Event::Unknown {
                line,
                recipient,
                message,
                ..
            } => {
                t.unknown += 1;
                if t.unknown <= SHOWN {
                    self.println(&format!("line {line}: {recipient}: outcome unknown: {message}"));
                }
            }
            Event::Invalid(report) => {
                t.invalid += 1;
                if t.invalid <= SHOWN {
                    self.println(&format!("skipped (invalid) {report}"));
                }
            }
            Event::Skipped {
                line,
                recipient,
                first_line,
            } => {
                t.skipped += 1;
                if t.skipped <= SHOWN {
                    self.println(&format!(
                        "line {line}: {recipient} skipped: duplicate of line {first_line}"
                    ));
                }
            }
            Event::Stopping(reason) => self.println(&match reason {
                StopReason::Requested => {
                    "stopping: no new rows; waiting for those in flight (Ctrl-C again to quit at once)"
                        .to_owned()
                }
                other => other.to_string(),
            }),
            _ => {}
        }
        drop(t);
        self.draw();
    }

    fn println(&self, text: &str) {
        if self.json {
            return;
        }
        let text = self.out.scrub(text);
        match &self.bar {
            Some(bar) => bar.println(text),
            None => self.out.status(&text),
        }
    }

    fn draw(&self) {
        let Some(bar) = &self.bar else { return };
        let t = self.tally();
        bar.set_length(t.to_send.max(t.sent + t.failed + t.unknown));
        bar.set_position(t.sent + t.failed + t.unknown);
        bar.set_message(self.summary(&t));
    }

    /// `sent 120 · failed 1 · unknown 0 · 1.0/s · about 14m 40s left`.
    fn summary(&self, t: &Tally) -> String {
        let done = t.sent + t.failed + t.unknown;
        let elapsed = self.started.elapsed().as_secs_f64().max(0.001);
        let left = t.to_send.saturating_sub(done);
        let eta = match self.plan.estimate(left) {
            Some(d) if left > 0 => format!(" · about {} left", short(d)),
            _ => String::new(),
        };
        format!(
            "sent {} · failed {} · unknown {} · {:.1}/s{eta}",
            t.sent,
            t.failed,
            t.unknown,
            done as f64 / elapsed
        )
    }

    /// The plain line, printed every few seconds when stderr is not a terminal (and not in
    /// JSON mode).
    pub(super) fn tick(&self) {
        if self.bar.is_some() || self.json {
            return;
        }
        let line = {
            let t = self.tally();
            format!(
                "{}/{} · {}",
                t.sent + t.failed + t.unknown,
                t.to_send,
                self.summary(&t)
            )
        };
        self.out.status(&line);
    }

    /// Clears the bar before the final report.
    pub(super) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `1h 2m`, `14m 40s`, `3s`.
pub(super) fn short(d: Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m {s}s"),
        (h, m, _) if h < 48 => format!("{h}h {m}m"),
        (h, _, _) => format!("{}d {}h", h / 24, h % 24),
    }
}

/// One JSON line per event (`--output json`).
fn event_json(event: &Event) -> Option<Value> {
    Some(match event {
        Event::Started { pending, recovered } => json!({
            "event": "started",
            "pending": pending,
            "becameUnknown": recovered.became_unknown,
            "requeuedUnknown": recovered.requeued_unknown,
        }),
        Event::Imported { rows } => json!({"event": "imported", "rows": rows}),
        Event::Sent {
            line,
            recipient,
            session,
            message_id,
        } => json!({
            "event": "sent", "line": line, "recipient": recipient, "session": session,
            "messageId": message_id,
        }),
        Event::Failed {
            line,
            recipient,
            session,
            class,
            message,
        } => json!({
            "event": "failed", "line": line, "recipient": recipient, "session": session,
            "class": class.as_str(), "message": message,
        }),
        Event::Unknown {
            line,
            recipient,
            session,
            message,
        } => json!({
            "event": "unknown", "line": line, "recipient": recipient, "session": session,
            "class": "outcome-unknown", "message": message,
        }),
        Event::Invalid(report) => json!({
            "event": "invalid", "line": report.line, "problems": report.problems,
        }),
        Event::Skipped {
            line,
            recipient,
            first_line,
        } => json!({
            "event": "skipped", "line": line, "recipient": recipient, "duplicateOf": first_line,
        }),
        Event::Stopping(reason) => json!({"event": "stopping", "reason": reason.to_string()}),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_short() {
        assert_eq!(short(Duration::from_secs(3)), "3s");
        assert_eq!(short(Duration::from_secs(880)), "14m 40s");
        assert_eq!(short(Duration::from_secs(10_000)), "2h 46m");
        assert_eq!(short(Duration::from_secs(200_000)), "2d 7h");
    }
}
