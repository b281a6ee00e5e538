//! The sending loop: each session takes its turn (its pause, a free slot in flight, a row,
//! its key's pacer), then the row is marked `sending` durably, sent, and its outcome
//! recorded. One task drives it all, so a stop is seen at once by every lane.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, sleep_until};
use wasphere_client::{Admission, Client, ErrorClass, RateLimiter};
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
    /// Rows between their turn and their answer: each is marked, then at once sent, so
    /// after a crash only these can be `unknown`.
    pub(crate) in_flight: Arc<Semaphore>,
    /// The key's window when it is kept in a shared store (Redis): turns are taken there,
    /// so every process sending with the key paces together, instead of by the pacer.
    pub(crate) shared: Option<SharedPace>,
}

/// Turns taken from a key's window shared by several processes.
pub(crate) struct SharedPace {
    pub(crate) limiter: RateLimiter,
    /// The least time between two of the key's admissions, in every process (smooth
    /// pacing); zero to fill the window (window pacing).
    pub(crate) gap: Duration,
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
    /// The slot taken in a shared window, which the send uses instead of taking another
    /// (and settles when its answer comes). A turn dropped unsent (a stop, a failed mark)
    /// leaves it counting from when it was taken.
    admission: Option<Admission>,
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
    ///
    /// Rows whose turn came are marked `sending` together, one journal call per batch while
    /// the previous batch commits; only once a batch's marks are durable do its requests
    /// go. Outcomes are recorded the same way, a batch at a time.
    pub(crate) async fn run<W, E>(&self, work: W) -> Result<Dispatched, E>
    where
        W: Future<Output = Result<(), E>>,
        E: From<JournalError>,
    {
        let mut turns = FuturesUnordered::new();
        let start = Instant::now();
        for lane in 0..self.lanes.len() {
            turns.push(self.turn(lane, start));
        }
        let mut to_mark: Vec<Turn> = Vec::new();
        let mut marking = FuturesUnordered::new();
        let mut sends = FuturesUnordered::new();
        let mut to_record: Vec<Outcome> = Vec::new();
        let mut recording = FuturesUnordered::new();
        let mut work = pin!(work);
        let mut working = true;
        let mut stop_asked = pin!(self.stop.stopped());
        let mut done = Dispatched::default();
        let mut failure: Option<E> = None;
        loop {
            if marking.is_empty() && !to_mark.is_empty() {
                marking.push(self.mark(std::mem::take(&mut to_mark)));
            }
            if recording.is_empty() && !to_record.is_empty() {
                recording.push(self.journal.record(std::mem::take(&mut to_record)));
            }
            if turns.is_empty()
                && marking.is_empty()
                && sends.is_empty()
                && recording.is_empty()
                && !working
            {
                break;
            }
            tokio::select! {
                biased;
                Some(finished) = sends.next(), if !sends.is_empty() => {
                    to_record.push(outcome_of(&finished));
                    self.finished(finished, &mut done);
                    if done.stopped.is_some() {
                        turns.clear();
                        to_mark.clear();
                    }
                }
                Some((marked, batch)) = marking.next(), if !marking.is_empty() => {
                    match marked {
                        // Durable: these go out, even if a stop came meanwhile (they are
                        // in flight now, and would otherwise become `unknown`).
                        Ok(()) => sends.extend(batch.into_iter().map(|turn| self.send(turn))),
                        Err(e) => {
                            failure.get_or_insert(E::from(e));
                            done.stopped.get_or_insert(StopReason::Requested);
                            turns.clear();
                            to_mark.clear();
                        }
                    }
                }
                Some(recorded) = recording.next(), if !recording.is_empty() => {
                    if let Err(e) = recorded {
                        failure.get_or_insert(E::from(e));
                        done.stopped.get_or_insert(StopReason::Requested);
                        turns.clear();
                        to_mark.clear();
                    }
                }
                () = &mut stop_asked, if done.stopped.is_none() => {
                    done.stopped = Some(StopReason::Requested);
                    self.emit(&Event::Stopping(StopReason::Requested));
                    turns.clear();
                    to_mark.clear();
                }
                result = &mut work, if working => {
                    working = false;
                    if let Err(e) = result {
                        failure.get_or_insert(e);
                        done.stopped.get_or_insert(StopReason::Requested);
                        turns.clear();
                        to_mark.clear();
                    }
                }
                Some(turn) = turns.next(), if !turns.is_empty() => {
                    match turn {
                        Ok(Some(turn)) => {
                            let next = Instant::now() + self.delay.map(|d| d.draw()).unwrap_or_default();
                            turns.push(self.turn(turn.lane, next));
                            to_mark.push(turn);
                        }
                        Ok(None) => {
                            if self.feed.is_exhausted() {
                                // Sessions still waiting for a slot have nothing to use it for.
                                turns.clear();
                            }
                        }
                        Err(e) => {
                            failure.get_or_insert(E::from(e));
                            done.stopped.get_or_insert(StopReason::Requested);
                            turns.clear();
                            to_mark.clear();
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
        // A deadline already passed would still wait for the timer's next tick (about a
        // millisecond): far too slow for thousands of rows per second.
        if not_before > Instant::now() {
            sleep_until(not_before).await;
        }
        let Lane { key, session } = &self.lanes[lane];
        let key = &self.keys[*key];
        let Ok(permit) = key.in_flight.clone().acquire_owned().await else {
            return Ok(None);
        };
        // The slot first, then the row: a row goes to whichever session's slot comes
        // first, so keys and sessions share the last rows fairly. A slot is waited for only
        // when there is a row to use it for.
        loop {
            if !self.feed.wait_available(session.as_str()).await? {
                return Ok(None);
            }
            if let Some(shared) = &key.shared {
                // A store that is out (and set to fail) gives no slot: the send then fails
                // with the store's error, which stops the campaign with the row pending.
                let admission = shared.limiter.acquire_spaced(shared.gap).await.ok();
                if let Some(row) = self.feed.take(session.as_str()).await {
                    return Ok(Some(Turn {
                        lane,
                        row,
                        permit,
                        admission,
                    }));
                }
                continue;
            }
            let slot = key.pacer.next_slot().await;
            if let Some(row) = self.feed.take(session.as_str()).await {
                slot.take();
                return Ok(Some(Turn {
                    lane,
                    row,
                    permit,
                    admission: None,
                }));
            }
            // Another session took it meanwhile; the slot stays unused.
        }
    }

    /// Marks a batch of rows `sending`, durably, and hands the batch back.
    async fn mark(&self, batch: Vec<Turn>) -> (Result<(), JournalError>, Vec<Turn>) {
        let rows = batch
            .iter()
            .map(|turn| Sending {
                line: turn.row.line,
                session: self.lanes[turn.lane].session.as_str().to_owned(),
            })
            .collect();
        (self.journal.mark_sending(rows).await, batch)
    }

    /// Sends a row whose `sending` mark is durable.
    async fn send(&self, turn: Turn) -> Done {
        let Turn {
            lane,
            row,
            permit,
            admission,
        } = turn;
        let Lane { key, session } = &self.lanes[lane];
        let runtime = &self.keys[*key];
        let verdict = match Message::parse(self.message_type, row.body.as_bytes()) {
            Ok(message) => judge(match admission {
                Some(admission) => {
                    runtime
                        .client
                        .send_admitted(session, &message, admission)
                        .await
                }
                None => runtime.client.send_with_session(session, &message).await,
            }),
            Err(e) => Verdict::Failed {
                class: ErrorClass::Invalid,
                message: format!("the journal's body for this row does not parse: {e}"),
            },
        };
        // The outcome need not be durable before the next row goes: were it lost, the row
        // would stay `sending` and become `unknown`, never be sent twice.
        drop(permit);
        Done {
            row,
            session: session.clone(),
            verdict,
        }
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

/// What the journal records for a finished send.
fn outcome_of(done: &Done) -> Outcome {
    let line = done.row.line;
    match &done.verdict {
        Verdict::Sent { message_id } => Outcome::Sent {
            line,
            message_id: message_id.clone(),
        },
        Verdict::Failed { class, message } => Outcome::Failed {
            line,
            class: class.as_str().to_owned(),
            message: message.clone(),
        },
        Verdict::Unknown { message } => Outcome::Unknown {
            line,
            class: ErrorClass::OutcomeUnknown.as_str().to_owned(),
            message: message.clone(),
        },
        Verdict::Fatal { .. } => Outcome::Requeue { line },
    }
}
