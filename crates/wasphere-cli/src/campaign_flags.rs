//! The flags of `wasphere campaign …`: the rows, the template (a JSON file, or the flags of
//! `send <type>` with placeholders), how fast, and where to send.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use wasphere_campaign::{DelayRange, Pacing};
use wasphere_types::{Gif, Image, MessageType, RateLimit, Video, ViewOnce};

use crate::send_flags::{
    AudioFields, ButtonsFields, Captioned, ContactFields, DocumentFields, ListFields,
    LocationFields, PollFields, ReactionFields, StickerFields, TextFields, parse_duration,
};

/// `wasphere campaign …`.
#[derive(Debug, Subcommand)]
#[command(disable_help_subcommand = true, after_help = CAMPAIGN_EXAMPLES)]
pub(crate) enum CampaignCommand {
    /// Render and validate every row offline: every bad row with its line, field, rule and
    /// fix; duplicates; and how long the send will take.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CampaignCheckArgs),
    /// Send the template to every row, paced at the server's limit, every row's state kept
    /// in a journal (start, or resume with the same rows and template).
    #[command(after_help = RUN_EXAMPLES)]
    Run(CampaignRunArgs),
    /// Go on with a stopped or crashed campaign: the journal holds its rows and settings.
    #[command(after_help = RESUME_EXAMPLES)]
    Resume(CampaignResumeArgs),
    /// Counts by state, error class and delivery status; the first failures; the time left.
    #[command(after_help = STATUS_EXAMPLES)]
    Status(CampaignStatusArgs),
    /// One line per row: line, recipient, state, messageId, error class and message.
    #[command(after_help = EXPORT_EXAMPLES)]
    Export(CampaignExportArgs),
}

const CAMPAIGN_EXAMPLES: &str = "\
Examples:
  wasphere campaign check customers.csv --template order-ready.json
  wasphere campaign run customers.csv --template order-ready.json \\
      --journal campaign.db
  wasphere campaign run customers.csv --journal campaign.db \\
      text --to '{{ phoneNumber }}' \\
      --text 'Hello {{ firstName }}, your order is ready!'
  wasphere campaign status campaign.db
  wasphere campaign resume campaign.db
  wasphere campaign export campaign.db --format csv > outcomes.csv";

const CHECK_EXAMPLES: &str = "\
Nothing is sent. Exit code 0 when every row makes a valid message, 2 otherwise.

Examples:
  wasphere campaign check customers.csv --template order-ready.json
  wasphere campaign check customers.csv \\
      text --to '{{ phoneNumber }}' --text 'Hi {{ firstName }}'
  wasphere campaign check orders.jsonl --template poll.json \\
      --rate-limit 120/1m --session a --session b";

const RUN_EXAMPLES: &str = "\
Each row is recorded `sending` in the journal before its request leaves, and its outcome
after. Ctrl-C stops taking rows, waits for those in flight and exits 130; a second Ctrl-C
exits at once. Run it again, or `wasphere campaign resume`, to go on: no row is sent twice.

Exit codes: 0 every row sent; 2 some rows invalid or refused (e.g. 422: not on WhatsApp);
8 some rows unknown (their answer was lost: they may have been sent); 3, 4, 6 the campaign
stopped on a refused key, a missing or a disconnected session (resumable); 130 interrupted.

Examples:
  wasphere campaign run customers.csv --template order-ready.json \\
      --journal campaign.db
  wasphere campaign run customers.csv --journal campaign.db \\
      --pacing smooth --delay 2s..5s \\
      text --to '{{ phoneNumber }}' \\
      --text 'Hello {{ firstName }}, your order is ready!'
  wasphere campaign run customers.csv --template t.json --journal c.db \\
      --session a --session b";

const RESUME_EXAMPLES: &str = "\
The journal holds the rows, template and settings; the API key comes from
--api-key-file, WASPHERE_API_KEY or the profile, as for `send`. Rows found `sending`
(the process stopped mid-send) become `unknown` and are never sent again unless
--resend-unknown: their message may have gone out, so resending them may deliver it
twice. Exit codes as for `run`.

Examples:
  wasphere campaign resume campaign.db
  wasphere campaign resume campaign.db --resend-unknown   # at-least-once";

const STATUS_EXAMPLES: &str = "\
Works while the campaign runs in another process. Delivered and read counts appear once
`wasphere webhook listen --journal campaign.db` has recorded statuses.

Examples:
  wasphere campaign status campaign.db
  wasphere campaign status campaign.db --output json";

const EXPORT_EXAMPLES: &str = "\
Examples:
  wasphere campaign export campaign.db > outcomes.csv
  wasphere campaign export campaign.db --format jsonl --out outcomes.jsonl";

/// The rows.
#[derive(Debug, Args)]
pub(crate) struct RowsArgs {
    /// The rows: CSV with a header line (UTF-8, with or without BOM) or JSON Lines.
    #[arg(value_name = "ROWS")]
    pub(crate) rows: PathBuf,
    /// How ROWS is written [default: from its extension: .csv/.tsv, .jsonl/.ndjson].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) format: Option<RowsFormat>,
    /// The CSV delimiter [default: , or tab for .tsv].
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub(crate) delimiter: Option<u8>,
}

/// `--format` of the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RowsFormat {
    /// Comma-separated values with a header line.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// The template: `--template FILE`, or a type subcommand with the flags of `send <type>`.
#[derive(Debug, Args)]
pub(crate) struct TemplateArgs {
    /// The template: the JSON body of a message whose strings hold placeholders
    /// ({{ column }}); or give the type and its flags after the options instead.
    #[arg(long, value_name = "FILE")]
    pub(crate) template: Option<PathBuf>,
    /// The template's message type [default: from the file name, e.g. text.json, or its fields].
    #[arg(long = "type", short = 't', value_name = "TYPE", requires = "template")]
    pub(crate) message_type: Option<MessageType>,
    #[command(subcommand)]
    pub(crate) message: Option<TemplateMessage>,
}

/// How fast, and which rows are sent.
#[derive(Debug, Args)]
#[command(next_help_heading = "Pacing")]
pub(crate) struct PaceArgs {
    /// Each key's limit, as N/DURATION (60/1m, 100/1s) or off.
    #[arg(
        long,
        value_name = "N/DURATION|off",
        env = "WASPHERE_RATE_LIMIT",
        default_value = "60/1m"
    )]
    pub(crate) rate_limit: RateLimit,
    /// smooth: evenly spaced at the limit's rate (1 s apart at 60/1m); window: fill the
    /// server's window, then wait (fastest).
    #[arg(long, value_enum, default_value = "smooth")]
    pub(crate) pacing: PacingArg,
    /// A random pause per session after each send, on top of the pacing, e.g. 2s..5s.
    #[arg(long, value_name = "MIN..MAX")]
    pub(crate) delay: Option<DelayRange>,
    /// Added to the limit's window, so requests a window apart arrive a window apart.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "250ms")]
    pub(crate) safety_margin: Duration,
    /// Send rows whose recipient appeared on an earlier line (skipped by default).
    #[arg(long)]
    pub(crate) allow_duplicates: bool,
    /// The column naming each row's session (a row without it uses any --session).
    #[arg(long, value_name = "NAME", default_value = wasphere_campaign::DEFAULT_SESSION_COLUMN)]
    pub(crate) session_column: String,
}

/// `--pacing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PacingArg {
    /// Evenly spaced at the limit's rate.
    Smooth,
    /// As fast as the window allows.
    Window,
}

impl From<PacingArg> for Pacing {
    fn from(p: PacingArg) -> Pacing {
        match p {
            PacingArg::Smooth => Pacing::Smooth,
            PacingArg::Window => Pacing::Window,
        }
    }
}

/// Where to send, and with which keys and sessions.
#[derive(Debug, Args)]
#[command(next_help_heading = "Connection")]
pub(crate) struct CampaignConnectionArgs {
    #[arg(
        long,
        value_name = "URL",
        help = "Your WaSphere deployment, e.g. https://api.yourdomain.com [env: WASPHERE_BASE_URL]"
    )]
    pub(crate) base_url: Option<String>,
    /// The workspace UUID [env: WASPHERE_WORKSPACE]
    #[arg(long, value_name = "UUID")]
    pub(crate) workspace: Option<String>,
    /// A session to send through (repeat for several; rows are spread across them) [env: WASPHERE_SESSION]
    #[arg(long = "session", value_name = "NAME")]
    pub(crate) sessions: Vec<String>,
    /// Read the API key from this file [or env: WASPHERE_API_KEY]
    #[arg(long, value_name = "FILE", conflicts_with = "api_key")]
    pub(crate) api_key_file: Option<PathBuf>,
    /// The API key itself. Avoid: other users can see it in the process list.
    #[arg(long, value_name = "KEY")]
    pub(crate) api_key: Option<String>,
    /// Another API key, read from FILE, sending through its own sessions (each key has its
    /// own limit: more keys, more throughput). Repeatable.
    #[arg(long = "key-file", value_name = "FILE=SESSION[,SESSION]", value_parser = parse_key_file)]
    pub(crate) key_files: Vec<KeyFile>,
    /// Give up on a request after this long.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "30s")]
    pub(crate) timeout: Duration,
    /// Rows in flight per key (marked `sending`, then sent at once).
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub(crate) in_flight: usize,
    /// Allow plain http:// to a host that is not on this machine.
    #[arg(long)]
    pub(crate) allow_insecure_http: bool,
}

/// `--key-file FILE=SESSION[,SESSION]`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct KeyFile {
    /// The file holding the key.
    pub(crate) path: PathBuf,
    /// The sessions it sends through.
    pub(crate) sessions: Vec<String>,
}

fn parse_key_file(text: &str) -> Result<KeyFile, String> {
    let (path, sessions) = text.rsplit_once('=').ok_or_else(|| {
        format!("expected FILE=SESSION[,SESSION], e.g. --key-file key2.txt=support, got {text:?}")
    })?;
    let sessions: Vec<String> = sessions
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if path.is_empty() || sessions.is_empty() {
        return Err(format!(
            "expected FILE=SESSION[,SESSION], e.g. --key-file key2.txt=support, got {text:?}"
        ));
    }
    Ok(KeyFile {
        path: PathBuf::from(path),
        sessions,
    })
}

fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "\\t" | "tab" => Ok(b'\t'),
        _ if text.len() == 1 && text.is_ascii() => Ok(text.as_bytes()[0]),
        _ => Err(format!(
            "the delimiter is one ASCII character (or tab), not {text:?}"
        )),
    }
}

/// `wasphere campaign check`.
#[derive(Debug, Args)]
pub(crate) struct CampaignCheckArgs {
    #[command(flatten)]
    pub(crate) rows: RowsArgs,
    #[command(flatten)]
    pub(crate) template: TemplateArgs,
    #[command(flatten)]
    pub(crate) pace: PaceArgs,
    /// The sessions the send will use (for the session column and the time estimate).
    #[arg(long = "session", value_name = "NAME", help_heading = "Connection")]
    pub(crate) sessions: Vec<String>,
    /// Show every problem (by default the first 20 bad rows are listed).
    #[arg(long)]
    pub(crate) all: bool,
}

/// `wasphere campaign run`.
#[derive(Debug, Args)]
pub(crate) struct CampaignRunArgs {
    #[command(flatten)]
    pub(crate) rows: RowsArgs,
    /// The journal: an SQLite file holding the campaign and every row's state (created
    /// if missing; an existing one is resumed), or a PostgreSQL database
    /// (postgres://user@host/db, password in PGPASSWORD) that several workers share: start
    /// the same command on several machines and they send the campaign together.
    #[arg(long, value_name = "FILE|URL")]
    pub(crate) journal: PathBuf,
    #[command(flatten)]
    pub(crate) template: TemplateArgs,
    #[command(flatten)]
    pub(crate) pace: PaceArgs,
    #[command(flatten)]
    pub(crate) connection: CampaignConnectionArgs,
    #[command(flatten)]
    pub(crate) workers: Box<WorkersArgs>,
    #[command(flatten)]
    pub(crate) resume: ResumeFlags,
}

/// Several processes on one campaign, or one key.
#[derive(Debug, Args)]
#[command(next_help_heading = "Several workers")]
pub(crate) struct WorkersArgs {
    /// With a postgres:// journal: how long this worker's claims outlive its last
    /// heartbeat. A worker that dies holds its rows this long; then its `sending` rows
    /// become `unknown` and its other rows go to the workers left.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "30s")]
    pub(crate) lease: Duration,
    /// Share each key's rate limit through this Redis (redis://[:password@]host[:port][/db])
    /// with every worker and process that uses the key: together they stay within it, and a
    /// 429 seen by one pauses all [env: WASPHERE_REDIS_URL]
    #[arg(long, value_name = "URL", env = crate::shared_limit::ENV_REDIS_URL, hide_env = true, hide_env_values = true)]
    pub(crate) redis: Option<String>,
    /// With --redis: if Redis is out, keep sending at this fraction of the limit (e.g. 0.25
    /// with four workers) instead of stopping the campaign (resumable)
    #[arg(long, value_name = "SHARE", requires = "redis")]
    pub(crate) redis_fallback: Option<f64>,
}

/// What a resume may do that a plain one does not.
#[derive(Debug, Args)]
#[command(next_help_heading = "Resuming")]
pub(crate) struct ResumeFlags {
    /// Send `unknown` rows again. At-least-once: their message may already have been
    /// delivered, so those recipients may get it twice.
    #[arg(long)]
    pub(crate) resend_unknown: bool,
    /// Accept rows or a template that differ from the journal's: rows not yet sent are
    /// taken from the new ones; rows already attempted keep their outcome.
    #[arg(long)]
    pub(crate) accept_changes: bool,
}

/// `wasphere campaign resume`.
#[derive(Debug, Args)]
pub(crate) struct CampaignResumeArgs {
    /// The campaign's journal (a file, or a postgres:// URL).
    #[arg(value_name = "JOURNAL")]
    pub(crate) journal: PathBuf,
    #[command(flatten)]
    pub(crate) resume: ResumeFlags,
    /// Read the API key from this file [or env: WASPHERE_API_KEY]
    #[arg(long, value_name = "FILE", conflicts_with = "api_key")]
    pub(crate) api_key_file: Option<PathBuf>,
    /// The API key itself. Avoid: other users can see it in the process list.
    #[arg(long, value_name = "KEY")]
    pub(crate) api_key: Option<String>,
    #[command(flatten)]
    pub(crate) workers: WorkersArgs,
}

/// `wasphere campaign status`.
#[derive(Debug, Args)]
pub(crate) struct CampaignStatusArgs {
    /// The campaign's journal (a file, or a postgres:// URL).
    #[arg(value_name = "JOURNAL")]
    pub(crate) journal: PathBuf,
    /// How many failed and unknown rows to list.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub(crate) failures: usize,
}

/// `wasphere campaign export`.
#[derive(Debug, Args)]
pub(crate) struct CampaignExportArgs {
    /// The campaign's journal (a file, or a postgres:// URL).
    #[arg(value_name = "JOURNAL")]
    pub(crate) journal: PathBuf,
    /// csv (with a header line) or jsonl.
    #[arg(long, value_enum, default_value = "csv")]
    pub(crate) format: ExportFormatArg,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
}

/// `--format` of `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExportFormatArg {
    /// CSV with a header line.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// The template as the flags of `send <type>`, placeholders in their values.
#[derive(Debug, Subcommand)]
#[command(
    subcommand_value_name = "TYPE",
    subcommand_help_heading = "Template as flags (instead of --template)"
)]
pub(crate) enum TemplateMessage {
    /// A text message.
    Text(TemplateFlags<TextFields>),
    /// An image with an optional caption.
    Image(TemplateFlags<Captioned<Image>>),
    /// A video with an optional caption.
    Video(TemplateFlags<Captioned<Video>>),
    /// An audio file or voice note.
    Audio(TemplateFlags<AudioFields>),
    /// A document.
    Document(TemplateFlags<DocumentFields>),
    /// A looping GIF.
    Gif(TemplateFlags<Captioned<Gif>>),
    /// A sticker.
    Sticker(TemplateFlags<StickerFields>),
    /// A map pin (coordinates per row need --template with {{ lat | float }}).
    Location(TemplateFlags<LocationFields>),
    /// A contact card.
    Contact(TemplateFlags<ContactFields>),
    /// A poll.
    Poll(TemplateFlags<PollFields>),
    /// Reply buttons.
    Buttons(TemplateFlags<ButtonsFields>),
    /// An interactive list.
    List(TemplateFlags<ListFields>),
    /// A view-once image.
    ViewOnce(TemplateFlags<Captioned<ViewOnce>>),
    /// A reaction.
    Reaction(TemplateFlags<ReactionFields>),
}

/// `to` and the type's fields, as for `send <type>`; or `--json` for a template file.
#[derive(Debug, Args)]
pub(crate) struct TemplateFlags<F: Args> {
    /// The recipient, usually a placeholder: '{{ phoneNumber }}'.
    #[arg(long, required_unless_present = "json")]
    pub(crate) to: Option<String>,
    /// The template as a JSON file (what --template reads); --to replaces its `to`.
    #[arg(long, value_name = "FILE")]
    pub(crate) json: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) fields: F,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_files_and_delimiters_parse() {
        let k = parse_key_file("/keys/two.txt=a, b").unwrap();
        assert_eq!(k.path, PathBuf::from("/keys/two.txt"));
        assert_eq!(k.sessions, ["a", "b"]);
        assert!(parse_key_file("two.txt").is_err());
        assert!(parse_key_file("two.txt=").is_err());
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert_eq!(parse_delimiter("\\t"), Ok(b'\t'));
        assert!(parse_delimiter(";;").is_err());
    }
}
