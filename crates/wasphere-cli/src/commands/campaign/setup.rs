//! What a run needs besides the template: the rows' file, the keys and sessions, and the
//! settings the journal keeps so a resume needs no flags (never the key itself).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use wasphere_campaign::{
    Campaign, CampaignKey, DelayRange, Pacing, SourceFile, SourceFormat, Template,
};
use wasphere_client::{Client, RateLimitStore, RetryPolicy};
use wasphere_types::{ApiKey, RateLimit, SessionId};

use crate::campaign_flags::{CampaignConnectionArgs, KeyFile, PaceArgs, RowsArgs, RowsFormat};
use crate::commands::api_call::env_var;
use crate::failure::Failure;
use crate::output::Output;
use crate::send_flags::ConnectionArgs;
use crate::settings::{Resolver, Source};

/// Retries of a request that is safe to repeat (429, connection refused), as `send`'s.
const RETRIES: u32 = 2;
/// How long a retried request may keep trying: a campaign waits out a 429 rather than
/// recording the row as failed.
const RETRY_DEADLINE: Duration = Duration::from_secs(120);

/// The rows' file.
pub(super) fn source_file(args: &RowsArgs) -> Result<SourceFile, Failure> {
    let file = match args.format {
        Some(format) => SourceFile::with_format(
            &args.rows,
            match format {
                RowsFormat::Csv => SourceFormat::Csv,
                RowsFormat::Jsonl => SourceFormat::Jsonl,
            },
        ),
        None => SourceFile::new(&args.rows).map_err(|e| {
            Failure::invalid(e.to_string()).hint("pass --format csv or --format jsonl")
        })?,
    };
    Ok(match args.delimiter {
        Some(d) => file.delimiter(d),
        None => file,
    })
}

/// How a run sends, as the journal stores it for `resume` (the library keeps the limits,
/// pacing and sessions; this is the rest). Never holds a key: key files by path only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RunSettings {
    pub(super) base_url: String,
    pub(super) workspace: String,
    /// The rows, as an absolute path, to finish an interrupted import.
    pub(super) rows: PathBuf,
    pub(super) format: SourceFormat,
    pub(super) delimiter: u8,
    /// Further keys, by file.
    pub(super) key_files: Vec<KeyFile>,
    pub(super) timeout_ms: u64,
    pub(super) in_flight: usize,
    pub(super) allow_insecure_http: bool,
    /// The profile the default key came from, if one was named.
    pub(super) profile: Option<String>,
}

/// A key and the sessions that send with it.
pub(super) struct KeyPlan {
    pub(super) key: ApiKey,
    pub(super) label: String,
    pub(super) sessions: Vec<SessionId>,
}

/// The pacing of a run.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pace {
    pub(super) rate_limit: RateLimit,
    pub(super) pacing: Pacing,
    pub(super) delay: Option<DelayRange>,
    pub(super) margin: Duration,
    pub(super) allow_duplicates: bool,
}

impl Pace {
    pub(super) fn from_args(args: &PaceArgs) -> Self {
        Pace {
            rate_limit: args.rate_limit,
            pacing: args.pacing.into(),
            delay: args.delay,
            margin: args.safety_margin,
            allow_duplicates: args.allow_duplicates,
        }
    }
}

/// Resolves the default key, base URL, workspace and sessions (flags, environment,
/// profile, as `send` does), and reads the further key files.
pub(super) fn resolve(
    args: &CampaignConnectionArgs,
    rows: &SourceFile,
    profile: Option<String>,
    out: &Output,
) -> Result<(RunSettings, Vec<KeyPlan>), Failure> {
    let connection = ConnectionArgs {
        base_url: args.base_url.clone(),
        workspace: args.workspace.clone(),
        session: args.sessions.first().cloned(),
        api_key_file: args.api_key_file.clone(),
        api_key: args.api_key.clone(),
        timeout: args.timeout,
        retries: RETRIES,
        max_wait: RETRY_DEADLINE,
        allow_insecure_http: args.allow_insecure_http,
        // The campaign shares its keys' limits itself (`--redis` of `campaign run`).
        shared_limit: Box::default(),
    };
    let resolver = Resolver::new(&connection, env_var, profile.clone(), None);
    let endpoint = resolver.endpoint();
    let key = endpoint.as_ref().ok().map(|_| resolver.api_key_or_prompt());
    for warning in resolver.take_warnings() {
        out.warning(&warning);
    }
    let endpoint = endpoint?;
    let (key, source) = key.unwrap_or_else(|| Err(Failure::invalid("no API key is set")))?;
    out.protect(&key);
    if source == Source::Flag("--api-key") {
        out.warning(
            "--api-key is visible to other users in the process list; prefer --api-key-file FILE or WASPHERE_API_KEY",
        );
    }
    let mut sessions = vec![endpoint.session.clone()];
    for name in args.sessions.iter().skip(1) {
        sessions.push(parse_session(name)?);
    }
    let mut keys = vec![KeyPlan {
        label: key.to_string(),
        key,
        sessions,
    }];
    for file in &args.key_files {
        keys.push(read_key_file(file, out)?);
    }
    let rows_path = std::path::absolute(rows.path()).unwrap_or_else(|_| rows.path().to_owned());
    let settings = RunSettings {
        base_url: endpoint.base_url.as_str().to_owned(),
        workspace: endpoint.workspace.to_string(),
        rows: rows_path,
        format: rows.format(),
        delimiter: rows.csv_delimiter(),
        key_files: args.key_files.clone(),
        timeout_ms: u64::try_from(args.timeout.as_millis()).unwrap_or(u64::MAX),
        in_flight: args.in_flight,
        allow_insecure_http: args.allow_insecure_http,
        profile,
    };
    Ok((settings, keys))
}

/// The default key again, for a resume: from `--api-key-file`, `--api-key`, the
/// environment or the run's profile; never from the journal, which does not hold it.
pub(super) fn resume_key(
    api_key_file: Option<PathBuf>,
    api_key: Option<String>,
    settings: &RunSettings,
    out: &Output,
) -> Result<ApiKey, Failure> {
    let connection = ConnectionArgs {
        base_url: Some(settings.base_url.clone()),
        workspace: Some(settings.workspace.clone()),
        session: None,
        api_key_file,
        api_key,
        timeout: Duration::from_millis(settings.timeout_ms),
        retries: RETRIES,
        max_wait: RETRY_DEADLINE,
        allow_insecure_http: settings.allow_insecure_http,
        shared_limit: Box::default(),
    };
    let resolver = Resolver::new(&connection, env_var, settings.profile.clone(), None);
    let key = resolver.api_key_or_prompt();
    for warning in resolver.take_warnings() {
        out.warning(&warning);
    }
    let (key, _) = key?;
    out.protect(&key);
    Ok(key)
}

pub(super) fn read_key_file(file: &KeyFile, out: &Output) -> Result<KeyPlan, Failure> {
    let text = std::fs::read_to_string(&file.path).map_err(|e| {
        Failure::other(format!(
            "cannot read --key-file {}: {e}",
            file.path.display()
        ))
    })?;
    let key = ApiKey::new(text.trim()).map_err(|e| {
        Failure::invalid(format!(
            "the API key in {} is invalid: {e}",
            file.path.display()
        ))
    })?;
    out.protect(&key);
    let sessions = file
        .sessions
        .iter()
        .map(|s| parse_session(s))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(KeyPlan {
        key,
        label: file.path.display().to_string(),
        sessions,
    })
}

fn parse_session(name: &str) -> Result<SessionId, Failure> {
    name.parse()
        .map_err(|e| Failure::invalid(format!("the session {name:?}: {e}")))
}

/// The campaign: the template, a client per key, and the pacing.
pub(super) fn campaign(
    template: Template,
    settings: &RunSettings,
    keys: Vec<KeyPlan>,
    pace: Pace,
    session_column: Option<String>,
    shared_store: Option<RateLimitStore>,
) -> Result<Campaign, Failure> {
    let app = serde_json::to_value(settings).map_err(|e| Failure::other(e.to_string()))?;
    let mut campaign = Campaign::new(template)
        .pacing(pace.pacing)
        .delay(pace.delay)
        .allow_duplicates(pace.allow_duplicates)
        .session_column(session_column)
        .max_in_flight(settings.in_flight)
        .app_settings(app);
    let timeout = Duration::from_millis(settings.timeout_ms);
    for plan in keys {
        let builder = Client::builder()
            .base_url(settings.base_url.as_str())
            .api_key(plan.key)
            .workspace(settings.workspace.parse().map_err(|e| {
                Failure::invalid(format!("the journal's workspace is not a UUID: {e}"))
            })?)
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .allow_insecure_http(settings.allow_insecure_http);
        let builder = match &shared_store {
            Some(store) => builder.rate_limit_store(store.clone()),
            None => builder,
        };
        campaign = campaign.key(
            CampaignKey::new(builder, plan.sessions)
                .label(plan.label)
                .rate_limit(pace.rate_limit)
                .safety_margin(pace.margin)
                .retry_policy(
                    RetryPolicy::default()
                        .max_attempts(RETRIES + 1)
                        .deadline(RETRY_DEADLINE),
                ),
        );
    }
    Ok(campaign)
}

/// The stored rows' file, to finish an import on resume.
pub(super) fn stored_source(settings: &RunSettings) -> SourceFile {
    SourceFile::with_format(&settings.rows, settings.format).delimiter(settings.delimiter)
}

/// Whether a path names the same file as another (for the journal-versus-rows check).
pub(super) fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
