//! The sending loop: each session takes its turn (its pause, a free slot in flight, a row,
//! its key's pacer), then the row is marked `sending` durably, sent, and its outcome
//! recorded. One task drives it all, so a stop is seen at once by every lane.

use std::pin::pin;
use std::sync::Arc;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, sleep_until};
use wasphere_client::{Client, ErrorClass};
use wasphere_types::{Message, MessageType, SessionId};

use crate::feed::Feed;
use crate::journal::{ClaimedRow, Journal, JournalError, Outcome, Sending};
use crate::outcome::{Verdict, judge};
use crate::pacer::Pacer;
use crate::plan::DelayRange;
use crate::progress::{Event, Observer, StopReason};
use crate::stop::StopHandle;

/// One API key at run time.
pub(crate) struct KeyRuntime {
    pub(crate) client: Client,
    pub(crate) pacer: Pacer,
    pub(crate) in_flight: Arc<Semaphore>,
}

/// One session sending with one key.
#[derive(Debug, Clone)]
pub(crate) struct Lane {
    pub(crate) key: usize,
    pub(crate) session: SessionId,
}

/// What one run of the loop did.
#[derive(Debug, Default)]
pub(crate) struct Dispatched {
    pub(crate) sent: u64,
    pub(crate) failed: u64,
    pub(crate) unknown: u64,
    pub(crate) stopped: Option<StopReason>,
}

pub(crate) struct Dispatcher<'a, J> {
    pub(crate) journal: &'a J,
    pub(crate) feed: &'a Feed<'a, J>,
    pub(crate) keys: &'a [KeyRuntime],
    pub(crate) lanes: &'a [Lane],
    pub(crate) delay: Option<DelayRange>,
    pub(crate) message_type: MessageType,
    pub(crate) observer: Option<&'a Observer>,
    pub(crate) stop: &'a StopHandle,
}

/// A lane's turn: a row to send now.
struct Turn {
    lane: usize,
    row: ClaimedRow,
    permit: OwnedSemaphorePermit,
}

/// A send that finished.
struct Done {
    row: ClaimedRow,
    session: SessionId,
    verdict: Verdict,
}

impl<J: Journal> Dispatcher<'_, J> {
    /// Runs until every lane has no rows left, or a stop; `work` (the import) is driven
    /// alongside, and its error ends the run.
    pub(crate) async fn run<W, E>(&self, work: W) -> Result<Dispatched, E>
    where
        W: std::future::Future<Output = Result<(), E>>,
        E: From<JournalError>,
    {
        let mut turns = FuturesUnordered::new();
        let start = Instant::now();
        for lane in 0..self.lanes.len() {
            turns.push(self.turn(lane, start));
        }
        let mut sends = FuturesUnordered::new();
        let mut work = pin!(work);
        let mut working = true;
        let mut stop_asked = pin!(self.stop.stopped());
        let mut done = Dispatched::default();
        let mut failure: Option<E> = None;
        loop {
            if turns.is_empty() && sends.is_empty() && !working {
                break;
            }
            tokio::select! {
                biased;
                Some(finished) = sends.next(), if !sends.is_empty() => {
                    match finished {
                        Ok(finished) => self.finished(finished, &mut done),
                        Err(e) => {
                            failure.get_or_insert(E::from(e));
                            done.stopped.get_or_insert(StopReason::Requested);
                        }
                    }
                    if done.stopped.is_some() {
                        turns.clear();
                    }
                }
                () = &mut stop_asked, if done.stopped.is_none() => {
                    done.stopped = Some(StopReason::Requested);
                    self.emit(&Event::Stopping(StopReason::Requested));
                    turns.clear();
                }
                result = &mut work, if working => {
                    working = false;
                    if let Err(e) = result {
                        failure.get_or_insert(e);
                        done.stopped.get_or_insert(StopReason::Requested);
                        turns.clear();
                    }
                }
                Some(turn) = turns.next(), if !turns.is_empty() => {
                    match turn {
                        Ok(Some(turn)) => {
                            let next = Instant::now() + self.delay.map(|d| d.draw()).unwrap_or_default();
                            turns.push(self.turn(turn.lane, next));
                            sends.push(self.send(turn));
                        }
                        Ok(None) => {}
                        Err(e) => {
                            failure.get_or_insert(E::from(e));
                            done.stopped.get_or_insert(StopReason::Requested);
                            turns.clear();
                        }
                    }
                }
            }
            if done.stopped.is_some() && working {
                // Stopping: the import is left where it is; a resume finishes it.
                working = false;
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(done),
        }
    }

    /// Waits for `lane`'s next turn, from `not_before` on.
    async fn turn(&self, lane: usize, not_before: Instant) -> Result<Option<Turn>, JournalError> {
        sleep_until(not_before).await;
        let Lane { key, session } = &self.lanes[lane];
        let key = &self.keys[*key];
        let Ok(permit) = key.in_flight.clone().acquire_owned().await else {
            return Ok(None);
        };
        let Some(row) = self.feed.next_for(session.as_str()).await? else {
            return Ok(None);
        };
        key.pacer.admit().await;
        Ok(Some(Turn { lane, row, permit }))
    }

    /// Marks the row `sending` (durably), sends it, records the outcome.
    async fn send(&self, turn: Turn) -> Result<Done, JournalError> {
        let Turn { lane, row, permit } = turn;
        let Lane { key, session } = &self.lanes[lane];
        self.journal
            .mark_sending(vec![Sending {
                line: row.line,
                session: session.as_str().to_owned(),
            }])
            .await?;
        // Only now may the request leave the machine.
        let verdict = match Message::parse(self.message_type, row.body.as_bytes()) {
            Ok(message) => judge(
                self.keys[*key]
                    .client
                    .send_with_session(session, &message)
                    .await,
            ),
            Err(e) => Verdict::Failed {
                class: ErrorClass::Invalid,
                message: format!("the journal's body for this row does not parse: {e}"),
            },
        };
        let outcome = match &verdict {
            Verdict::Sent { message_id } => Outcome::Sent {
                line: row.line,
                message_id: message_id.clone(),
            },
            Verdict::Failed { class, message } => Outcome::Failed {
                line: row.line,
                class: class.as_str().to_owned(),
                message: message.clone(),
            },
            Verdict::Unknown { message } => Outcome::Unknown {
                line: row.line,
                class: ErrorClass::OutcomeUnknown.as_str().to_owned(),
                message: message.clone(),
            },
            Verdict::Fatal { .. } => Outcome::Requeue { line: row.line },
        };
        self.journal.record(vec![outcome]).await?;
        drop(permit);
        Ok(Done {
            row,
            session: session.clone(),
            verdict,
        })
    }

    fn finished(&self, finished: Done, done: &mut Dispatched) {
        let Done {
            row,
            session,
            verdict,
        } = finished;
        let session = session.as_str().to_owned();
        let event = match verdict {
            Verdict::Sent { message_id } => {
                done.sent += 1;
                Event::Sent {
                    line: row.line,
                    recipient: row.recipient,
                    session,
                    message_id,
                }
            }
            Verdict::Failed { class, message } => {
                done.failed += 1;
                Event::Failed {
                    line: row.line,
                    recipient: row.recipient,
                    session,
                    class,
                    message,
                }
            }
            Verdict::Unknown { message } => {
                done.unknown += 1;
                Event::Unknown {
                    line: row.line,
                    recipient: row.recipient,
                    session,
                    message,
                }
            }
            Verdict::Fatal { class, message } => {
                if done.stopped.is_none() {
                    let reason = StopReason::Fatal { class, message };
                    done.stopped = Some(reason.clone());
                    Event::Stopping(reason)
                } else {
                    return;
                }
            }
        };
        self.emit(&event);
    }

    fn emit(&self, event: &Event) {
        if let Some(observer) = self.observer {
            observer(event);
        }
    }
}
