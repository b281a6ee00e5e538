//! `Campaign`: a template, the keys and sessions that send it, and how fast; run over a
//! journal from a source of rows.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::Semaphore;
use tokio::time::Instant;
use wasphere_client::{ClientBuilder, RateLimit, RateLimiter, RetryPolicy};
use wasphere_types::SessionId;

use crate::dispatch::{Dispatcher, KeyRuntime, Lane, SharedPace};
use crate::error::{CampaignError, Changed};
use crate::feed::Feed;
use crate::importer::{ImportState, Sorter, import};
use crate::input::CampaignSource;
use crate::journal::{
    CampaignRecord, Counts, Journal, JournalError, KeySettings, Recovered, RowState, StoredSettings,
};
use crate::pacer::Pacer;
use crate::plan::{DelayRange, KeyPace, PacePlan, Pacing};
use crate::progress::{Event, Observer, StopReason};
use crate::recipients::RecipientSet;
use crate::stop::StopHandle;
use crate::template::Template;

/// The column a row names its session in, unless told otherwise.
pub const DEFAULT_SESSION_COLUMN: &str = "session";

/// The client's default safety margin, used unless a key says otherwise.
const DEFAULT_MARGIN: Duration = Duration::from_millis(250);

/// One API key and the sessions that send with it. Each key has its own rate limit (the
/// server counts per key), so several keys multiply the throughput; several sessions on
/// one key share its limit.
///
/// The campaign builds the key's client from `builder` with the key's rate limit and
/// margin, and with [`RetryPolicy::default`] (which never repeats a request that may have
/// been delivered) unless [`CampaignKey::retry_policy`] says otherwise.
///
/// When `builder` keeps the key's window in a shared store
/// ([`ClientBuilder::rate_limit_store`] with Redis), each row takes its turn there, before
/// it is marked `sending`: every process sending with the key (several workers of one
/// campaign, or other programs) stays within the limit together, evenly spaced across all
/// of them with smooth pacing. If the store is out and set to fail, the campaign stops with
/// the row still pending, resumable.
#[derive(Debug, Clone)]
pub struct CampaignKey {
    builder: ClientBuilder,
    label: Option<String>,
    sessions: Vec<SessionId>,
    rate_limit: RateLimit,
    margin: Duration,
    retry_policy: Option<RetryPolicy>,
}

impl CampaignKey {
    /// A key configured by `builder` (base URL, key, workspace…), sending through
    /// `sessions`, at the documented 60 per minute with a 250 ms margin.
    pub fn new(builder: ClientBuilder, sessions: impl IntoIterator<Item = SessionId>) -> Self {
        CampaignKey {
            builder,
            label: None,
            sessions: sessions.into_iter().collect(),
            rate_limit: RateLimit::default(),
            margin: DEFAULT_MARGIN,
            retry_policy: None,
        }
    }

    /// A name for the key that is safe to show and store (default `key 1`, `key 2`, …).
    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// The key's limit (default 60 per minute, sliding, as the server counts).
    #[must_use]
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = limit;
        self
    }

    /// Added to the window, so requests a window apart still arrive a window apart
    /// (default 250 ms; a few tens of milliseconds on loopback).
    #[must_use]
    pub fn safety_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// The retry policy of the key's client. Choosing one that repeats requests that may
    /// have been delivered ([`RetryPolicy::at_least_once`]) gives up the campaign's
    /// never-twice guarantee for those rows.
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }
}

/// What a run did, and where the campaign stands.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    /// Every row of the journal, by state, error class and delivery status.
    pub counts: Counts,
    /// Rows sent in this run.
    pub sent: u64,
    /// Rows that failed in this run.
    pub failed: u64,
    /// Rows whose outcome is unknown after this run's attempt.
    pub unknown: u64,
    /// Rows read from the source in this run.
    pub imported: u64,
    /// What recovery changed at the start.
    pub recovered: Recovered,
    /// Why the run stopped early, if it did (it can be resumed).
    pub stopped: Option<StopReason>,
    /// How long the run took.
    pub elapsed: Duration,
}

impl RunReport {
    /// Whether every row is done: none `pending` or `sending`, and the run was not stopped.
    pub fn is_finished(&self) -> bool {
        self.stopped.is_none()
            && self.counts.get(RowState::Pending) == 0
            && self.counts.get(RowState::Sending) == 0
    }

    /// Whether every row was sent (none failed, unknown, invalid or left).
    pub fn all_sent(&self) -> bool {
        self.is_finished() && self.counts.get(RowState::Sent) == self.counts.total()
    }
}

/// A campaign: a template sent to every row of a source, through one or more keys and
/// sessions, paced at the server's limit, with every row's state in a journal.
///
/// ```no_run
/// use std::time::Duration;
/// use wasphere_campaign::{Campaign, CampaignKey, CampaignSource, Event, SourceFile, SqliteJournal, Template};
/// use wasphere_client::Client;
/// use wasphere_types::MessageType;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let template = Template::new(
///     MessageType::Text,
///     r#"{"to": "{{ phoneNumber }}", "text": "Hello {{ firstName }}, your order is ready!"}"#,
/// )?;
/// let key = CampaignKey::new(Client::builder()
///     .base_url("https://api.example.com")
///     .api_key("wsk_live_xxxxx".parse()?)
///     .workspace("be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8".parse()?), ["my-session".parse()?]);
/// let campaign = Campaign::new(template).key(key).on_event(|event| {
///     if let Event::Failed { line, message, .. } = event {
///         eprintln!("line {line}: {message}");
///     }
/// });
/// let stop = campaign.stop_handle(); // stop.stop() from a signal handler stops it cleanly
/// let journal = SqliteJournal::open("campaign.db")?;
/// let source = CampaignSource::file(&SourceFile::new("customers.csv")?)?;
/// let report = campaign.run(&journal, Some(source)).await?;
/// println!("{} sent, {} failed", report.sent, report.failed);
/// # Ok(()) }
/// ```
pub struct Campaign {
    template: Arc<Template>,
    keys: Vec<CampaignKey>,
    pacing: Pacing,
    delay: Option<DelayRange>,
    allow_duplicates: bool,
    resend_unknown: bool,
    accept_changes: bool,
    session_column: Option<String>,
    max_in_flight: usize,
    observer: Option<Observer>,
    stop: StopHandle,
    app_settings: serde_json::Value,
}

impl std::fmt::Debug for Campaign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Campaign")
            .field("template", &self.template)
            .field("keys", &self.keys)
            .field("pacing", &self.pacing)
            .field("delay", &self.delay)
            .field("allow_duplicates", &self.allow_duplicates)
            .finish_non_exhaustive()
    }
}

impl Campaign {
    /// A campaign of `template`, with smooth pacing, duplicates skipped and a `session`
    /// column honoured. Add at least one key.
    pub fn new(template: Template) -> Self {
        Campaign {
            template: Arc::new(template),
            keys: Vec::new(),
            pacing: Pacing::default(),
            delay: None,
            allow_duplicates: false,
            resend_unknown: false,
            accept_changes: false,
            session_column: Some(DEFAULT_SESSION_COLUMN.to_owned()),
            max_in_flight: 64,
            observer: None,
            stop: StopHandle::new(),
            app_settings: serde_json::Value::Null,
        }
    }

    /// Adds a key with its sessions; rows are spread across every session of every key.
    #[must_use]
    pub fn key(mut self, key: CampaignKey) -> Self {
        self.keys.push(key);
        self
    }

    /// Smooth (default) or window pacing.
    #[must_use]
    pub fn pacing(mut self, pacing: Pacing) -> Self {
        self.pacing = pacing;
        self
    }

    /// A random pause each session takes after each send, on top of the pacing.
    #[must_use]
    pub fn delay(mut self, delay: Option<DelayRange>) -> Self {
        self.delay = delay;
        self
    }

    /// Sends rows whose recipient appeared on an earlier line (default: skipped).
    #[must_use]
    pub fn allow_duplicates(mut self, yes: bool) -> Self {
        self.allow_duplicates = yes;
        self
    }

    /// Sends `unknown` rows again (at-least-once: their message may have been delivered
    /// already, so a recipient may get it twice).
    #[must_use]
    pub fn resend_unknown(mut self, yes: bool) -> Self {
        self.resend_unknown = yes;
        self
    }

    /// Accepts a template or source that differs from the one the journal's campaign began
    /// with: rows not yet sent are taken from the new ones; rows already attempted keep
    /// their outcome.
    #[must_use]
    pub fn accept_changes(mut self, yes: bool) -> Self {
        self.accept_changes = yes;
        self
    }

    /// The column naming each row's session (default `session`; `None`: rows do not choose).
    #[must_use]
    pub fn session_column(mut self, column: Option<String>) -> Self {
        self.session_column = column;
        self
    }

    /// The most rows in flight per key (default 64; at least 1): each is marked `sending`
    /// (those whose turn came together, in one commit), then sent at once. After a crash,
    /// only rows in flight can be `unknown`.
    #[must_use]
    pub fn max_in_flight(mut self, n: usize) -> Self {
        self.max_in_flight = n.max(1);
        self
    }

    /// Calls `observer` with every event (from the task running the campaign: keep it quick).
    #[must_use]
    pub fn on_event(mut self, observer: impl Fn(&Event) + Send + Sync + 'static) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    /// Sends every event into `channel` (events are dropped once the receiver is gone).
    #[must_use]
    pub fn event_channel(self, channel: tokio::sync::mpsc::UnboundedSender<Event>) -> Self {
        self.on_event(move |event| {
            let _ = channel.send(event.clone());
        })
    }

    /// Your application's own settings, stored in the journal (never put a key in them).
    #[must_use]
    pub fn app_settings(mut self, settings: serde_json::Value) -> Self {
        self.app_settings = settings;
        self
    }

    /// A handle that stops the run gracefully.
    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    /// The template.
    pub fn template(&self) -> &Template {
        &self.template
    }

    /// The settings as the journal stores them.
    pub fn settings(&self) -> StoredSettings {
        StoredSettings {
            pacing: self.pacing,
            delay: self.delay,
            keys: self
                .keys
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    KeySettings::new(
                        k.label.clone().unwrap_or_else(|| format!("key {}", i + 1)),
                        k.rate_limit,
                        k.margin,
                        k.sessions.iter().map(|s| s.as_str().to_owned()).collect(),
                    )
                })
                .collect(),
            allow_duplicates: self.allow_duplicates,
            session_column: self.session_column.clone(),
            app: self.app_settings.clone(),
        }
    }

    /// The pacing plan (for estimates).
    pub fn plan(&self) -> PacePlan {
        PacePlan {
            pacing: self.pacing,
            delay: self.delay,
            keys: self.keys.iter().map(pace_of).collect(),
        }
    }

    /// Runs the campaign over `journal`: starts it from `source` if the journal is new,
    /// otherwise resumes it (finishing the import from `source` if it was interrupted).
    /// Returns when every row is done, or when it was stopped; either way it can be run
    /// again to resume.
    ///
    /// # Errors
    /// [`CampaignError`] when it cannot start (bad settings, a changed template or source,
    /// a locked or foreign journal) or the journal fails; rows in flight are recorded first.
    pub async fn run<J: Journal>(
        &self,
        journal: &J,
        source: Option<CampaignSource>,
    ) -> Result<RunReport, CampaignError> {
        let started = Instant::now();
        let (keys, lanes) = self.runtime()?;
        let sessions: Vec<SessionId> = lanes.iter().map(|l| l.session.clone()).collect();
        let (import_needed, import_first) = self.open(journal, source.as_ref()).await?;
        let recovered = journal.recover(self.resend_unknown).await?;
        let missing: Vec<String> = journal
            .pending_sessions()
            .await?
            .into_iter()
            .filter(|s| !sessions.iter().any(|known| known.as_str() == s))
            .collect();
        if !missing.is_empty() {
            return Err(CampaignError::Settings(format!(
                "pending rows chose session{} {}, which this run does not send with: add {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", "),
                if missing.len() == 1 { "it" } else { "them" }
            )));
        }
        let counts = journal.counts().await?;
        self.emit(&Event::Started {
            pending: counts.get(RowState::Pending),
            recovered,
        });

        let state = ImportState::default();
        let sorter = Sorter {
            template: self.template.clone(),
            session_column: self.session_column.clone(),
            sessions,
            allow_duplicates: self.allow_duplicates,
        };
        let work = match (import_needed, source) {
            (false, _) => None,
            (true, None) => {
                return Err(CampaignError::SourceNeeded {
                    imported: counts.total(),
                });
            }
            (true, Some(source)) => {
                let mut seen = RecipientSet::default();
                for (line, recipient) in journal.attempted_recipients().await? {
                    if let Ok(recipient) = recipient.parse() {
                        seen.first_seen(&recipient, line);
                    }
                }
                Some((source, seen))
            }
        };
        let mut imported = 0u64;
        let import_work = async {
            if let Some((source, seen)) = work {
                imported = import(
                    journal,
                    sorter,
                    source.rows,
                    seen,
                    &state,
                    self.observer.as_ref(),
                )
                .await?;
                self.finish_import(journal).await?;
                self.emit(&Event::Imported { rows: imported });
            } else {
                state.finish();
            }
            Ok::<(), CampaignError>(())
        };
        let feed = Feed::new(journal, &state);
        let dispatcher = Dispatcher {
            journal,
            feed: &feed,
            keys: &keys,
            lanes: &lanes,
            delay: self.delay,
            message_type: self.template.message_type(),
            observer: self.observer.as_ref(),
            stop: &self.stop,
        };
        let dispatched = if import_first {
            // A changed template or source: every unsent row is imported again before any
            // is sent, so nothing goes out with the old body.
            import_work.await?;
            dispatcher
                .run(async { Ok::<(), CampaignError>(()) })
                .await?
        } else {
            dispatcher.run(import_work).await?
        };
        journal.release(feed.unsent().await).await?;
        Ok(RunReport {
            counts: journal.counts().await?,
            sent: dispatched.sent,
            failed: dispatched.failed,
            unknown: dispatched.unknown,
            imported,
            recovered,
            stopped: dispatched.stopped,
            elapsed: started.elapsed(),
        })
    }

    fn emit(&self, event: &Event) {
        if let Some(observer) = &self.observer {
            observer(event);
        }
    }

    /// The clients, pacers and lanes.
    fn runtime(&self) -> Result<(Vec<KeyRuntime>, Vec<Lane>), CampaignError> {
        if self.keys.is_empty() {
            return Err(CampaignError::Settings(
                "a campaign needs at least one key (with its sessions)".to_owned(),
            ));
        }
        let mut keys = Vec::new();
        let mut lanes: Vec<Lane> = Vec::new();
        for (i, key) in self.keys.iter().enumerate() {
            let label = key
                .label
                .clone()
                .unwrap_or_else(|| format!("key {}", i + 1));
            if key.sessions.is_empty() {
                return Err(CampaignError::Settings(format!("{label} has no session")));
            }
            for session in &key.sessions {
                if lanes.iter().any(|l| l.session == *session) {
                    return Err(CampaignError::Settings(format!(
                        "session {session} is given twice: each session sends with one key"
                    )));
                }
                lanes.push(Lane {
                    key: i,
                    session: session.clone(),
                });
            }
            let client = key
                .builder
                .clone()
                .rate_limit(key.rate_limit)
                .safety_margin(key.margin)
                .retry_policy(key.retry_policy.clone().unwrap_or_default())
                .build()
                .map_err(|source| CampaignError::Client { key: label, source })?;
            let pace = pace_of(key);
            let shared = client
                .rate_limiter()
                .filter(RateLimiter::is_shared)
                .map(|limiter| SharedPace {
                    limiter,
                    gap: match (self.pacing, pace.span()) {
                        (Pacing::Smooth, Some((max, span))) => span / max.max(1),
                        _ => Duration::ZERO,
                    },
                });
            keys.push(KeyRuntime {
                client,
                pacer: Pacer::new(self.pacing, &pace),
                in_flight: Arc::new(Semaphore::new(self.max_in_flight)),
                shared,
            });
        }
        Ok((keys, lanes))
    }

    /// Creates the journal's campaign, or checks this run against it. Returns whether rows
    /// must be imported, and whether before sending (the campaign changed).
    async fn open<J: Journal>(
        &self,
        journal: &J,
        source: Option<&CampaignSource>,
    ) -> Result<(bool, bool), CampaignError> {
        let digest = source.and_then(|s| s.digest.clone());
        let name = source.and_then(|s| s.name.clone());
        let existing = match journal.campaign().await? {
            Some(existing) => existing,
            None => {
                if source.is_none() {
                    return Err(CampaignError::NoSource);
                }
                let created = journal
                    .create(CampaignRecord {
                        message_type: self.template.message_type(),
                        template: self.template.source().to_owned(),
                        source_digest: digest.clone(),
                        source_name: name.clone(),
                        settings: self.settings(),
                        import_complete: false,
                        created_at_ms: now_ms(),
                    })
                    .await;
                match created {
                    Ok(()) => return Ok((true, false)),
                    // Another worker of a shared journal created it meanwhile: join it.
                    Err(JournalError::AlreadyCreated) => journal
                        .campaign()
                        .await?
                        .ok_or(JournalError::AlreadyCreated)?,
                    Err(e) => return Err(e.into()),
                }
            }
        };
        let changed = if existing.message_type != self.template.message_type() {
            Some((Changed::MessageType, existing.message_type.to_string()))
        } else if existing.template != self.template.source() {
            Some((Changed::Template, existing.template.clone()))
        } else {
            match (&existing.source_digest, &digest) {
                (Some(old), Some(new)) if old != new => Some((
                    Changed::Source,
                    format!(
                        "{} with digest {old}",
                        existing.source_name.as_deref().unwrap_or("a source")
                    ),
                )),
                _ => None,
            }
        };
        if let Some((what, journal_has)) = changed {
            if !self.accept_changes || source.is_none() {
                return Err(CampaignError::Changed {
                    what,
                    journal: journal_has,
                });
            }
            journal
                .update_campaign(CampaignRecord {
                    message_type: self.template.message_type(),
                    template: self.template.source().to_owned(),
                    source_digest: digest,
                    source_name: name.or(existing.source_name),
                    settings: self.settings(),
                    import_complete: false,
                    created_at_ms: existing.created_at_ms,
                })
                .await?;
            return Ok((true, true));
        }
        let import_needed = !existing.import_complete;
        journal
            .update_campaign(CampaignRecord {
                settings: self.settings(),
                ..existing
            })
            .await?;
        Ok((import_needed, false))
    }

    async fn finish_import<J: Journal>(&self, journal: &J) -> Result<(), CampaignError> {
        if let Some(record) = journal.campaign().await? {
            journal
                .update_campaign(CampaignRecord {
                    import_complete: true,
                    ..record
                })
                .await?;
        }
        Ok(())
    }
}

fn pace_of(key: &CampaignKey) -> KeyPace {
    KeyPace {
        rate_limit: key.rate_limit,
        margin: key.margin,
        sessions: key.sessions.len(),
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
