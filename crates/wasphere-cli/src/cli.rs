//! The command line: every subcommand, flag and help text, as clap definitions.
//!
//! Parsing only: nothing here reads the environment, the config file or the network, so
//! `--version` and `--help` stay instant.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use wasphere_types::RateLimit;

use crate::campaign_flags::CampaignCommand;
use crate::op_flags::{MessageCommand, PresenceArgs, TypingArgs};
use crate::send_flags::{ConnectionArgs, SEND_EXAMPLES, SendArgs, parse_duration};
use crate::{listen_addr, unix_time};

/// The exit codes, shown at the end of `wasphere --help` and in the README.
pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  other error (a file could not be read or written, …)
  2  usage or validation error, or a body too large for the server (nothing was sent)
  3  authentication: the API key was refused (401/403), or a webhook signature is bad
  4  not found (404): check the workspace and session
  5  rate limited (429), after the allowed retries
  6  server or session error (5xx, e.g. the session is not connected)
  7  network error or timeout before the request was sent: safe to retry
  8  outcome unknown: the message may have been sent; check before retrying
  9  not WaSphere's answer (a redirect, a proxy's or another server's page): check the base URL";

const TOP_EXAMPLES: &str = "\
Examples:
  wasphere demo
  wasphere doctor
  wasphere send text --to 923001234567 --text 'Hello *there*'
  wasphere validate --type buttons body.json
  wasphere campaign run customers.csv --template order-ready.json --journal c.db
  wasphere sandbox --addr 127.0.0.1:8080";

/// `wasphere`: send WhatsApp messages through WaSphere, check payloads, run a local sandbox.
#[derive(Debug, Parser)]
#[command(
    name = "wasphere",
    version,
    about = "Send WhatsApp messages through the WaSphere API, validate payloads, and run a local sandbox",
    after_help = format!("{TOP_EXAMPLES}\n\n{EXIT_CODES}"),
    max_term_width = 100
)]
pub(crate) struct Cli {
    /// `human`, or `json`: results as JSON on stdout, errors as JSON on stderr.
    #[arg(
        long,
        short = 'o',
        global = true,
        value_enum,
        ignore_case = true,
        default_value_t = OutputFormat::Human,
        env = "WASPHERE_OUTPUT",
        hide_possible_values = true,
        help_heading = "Global options"
    )]
    pub(crate) output: OutputFormat,

    /// The configuration profile to use (see `wasphere config`).
    #[arg(
        long,
        global = true,
        env = "WASPHERE_PROFILE",
        value_name = "NAME",
        help_heading = "Global options"
    )]
    pub(crate) profile: Option<String>,

    /// Log what happens (requests, retries, rate limiting) to stderr. The API key is never logged.
    #[arg(long, short = 'v', global = true, help_heading = "Global options")]
    pub(crate) verbose: bool,

    #[command(subcommand)]
    pub(crate) command: Command,
}

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// Readable text; colour on a terminal unless NO_COLOR is set.
    Human,
    /// One JSON document per result on stdout; errors as JSON on stderr.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Send a message of one of the 14 types.
    #[command(after_help = SEND_EXAMPLES)]
    Send(SendArgs),
    /// Edit, delete (for everyone) or mark read messages already sent or received.
    #[command(subcommand, disable_help_subcommand = true, after_help = MESSAGE_EXAMPLES)]
    Message(MessageCommand),
    /// Show "typing…" in a chat; the server sends "paused" 3 s later.
    Typing(TypingArgs),
    /// Set the presence shown in a chat (available, composing, recording, paused, …).
    Presence(PresenceArgs),
    /// Check a JSON body offline and list every violation (field path, rule, limit).
    #[command(after_help = VALIDATE_EXAMPLES)]
    Validate(ValidateArgs),
    /// Print the JSON Schema of a body, or write them all to a directory.
    #[command(after_help = SCHEMA_EXAMPLES)]
    Schema(SchemaArgs),
    /// Run the local WaSphere emulator until Ctrl-C.
    #[command(after_help = SANDBOX_EXAMPLES)]
    Sandbox(SandboxArgs),
    /// Send a personalized message to every row of a CSV or JSON Lines file, crash-safe,
    /// at the server's limit.
    #[command(subcommand)]
    Campaign(Box<CampaignCommand>),
    /// Verify webhook deliveries, or receive them locally.
    #[command(subcommand, disable_help_subcommand = true, after_help = WEBHOOK_EXAMPLES)]
    Webhook(WebhookCommand),
    /// Check the base URL, API key, workspace and session without sending a message.
    #[command(after_help = DOCTOR_EXAMPLES)]
    Doctor(DoctorArgs),
    /// Send all 14 types to an embedded sandbox and receive a button and a list reply.
    #[command(after_help = DEMO_EXAMPLES)]
    Demo(DemoArgs),
    /// Read and change saved settings (base URL, API key, workspace, session), per profile.
    #[command(subcommand, disable_help_subcommand = true)]
    Config(ConfigCommand),
    /// Print a shell completion script.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
}

const VALIDATE_EXAMPLES: &str = "\
Examples:
  wasphere validate --type buttons body.json
  wasphere validate list.json       # the type is taken from the file's name
  cat body.json | wasphere validate --type text -

Exit code 0 when valid, 2 with every violation listed otherwise.";

/// `wasphere validate`.
#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// The message type; when omitted, taken from the file name (e.g. buttons.json) or from the body's fields.
    #[arg(long = "type", short = 't', value_name = "TYPE")]
    pub(crate) message_type: Option<wasphere_types::MessageType>,
    /// The JSON body to check, or - for stdin.
    #[arg(value_name = "FILE|-")]
    pub(crate) file: PathBuf,
}

const SCHEMA_EXAMPLES: &str = "\
Examples:
  wasphere schema buttons
  wasphere schema webhook-event
  wasphere schema edit-message
  wasphere schema --all --out schemas/

Names: the 14 types (text … reaction), send-response, error, webhook-event, and the
operations on messages with their answers: edit-message, delete-message, mark-read, typing,
presence, and each with -response (edit-message-response, …).";

/// `wasphere schema`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("which").required(true).args(["name", "all"])))]
pub(crate) struct SchemaArgs {
    /// A message type, send-response, error, webhook-event, or an operation's request or answer (edit-message, edit-message-response, …).
    pub(crate) name: Option<String>,
    /// Every schema: with --out, one NAME.schema.json file each; without, one JSON object.
    #[arg(long)]
    pub(crate) all: bool,
    /// The directory to write the schema files to (created if missing).
    #[arg(long, value_name = "DIR", requires = "all")]
    pub(crate) out: Option<PathBuf>,
}

const SANDBOX_EXAMPLES: &str = "\
Examples:
  wasphere sandbox
  wasphere sandbox --addr localhost:0 --rate-limit off --record off
  wasphere sandbox --unreachable 923009999999 --unreachable-file numbers.txt
  wasphere sandbox --addr 127.0.0.1:0 --rate-limit off \\
      --session my-session --session old:disconnected
  wasphere sandbox --session my-session --session cloud:meta
  WEBHOOK_SECRET=whsec wasphere sandbox \\
      --webhook-url http://127.0.0.1:8787/hook \\
      --webhook-secret-env WEBHOOK_SECRET --statuses 2s,5s

The first line on stdout is `listening on http://ADDR`. Point the CLI at it with
WASPHERE_BASE_URL=http://ADDR WASPHERE_API_KEY=wsk_test_sandbox
WASPHERE_WORKSPACE=00000000-0000-4000-8000-000000000000 WASPHERE_SESSION=my-session.
The /__sandbox/… routes (the record, faults, simulated replies) need the same API key.";

/// `DELIVERED,READ` as two durations (`2s,5s`, `150ms,400ms`), read no earlier than delivered.
fn parse_status_delays(text: &str) -> Result<(Duration, Duration), String> {
    let (delivered, read) = text
        .split_once(',')
        .ok_or_else(|| format!("expected DELIVERED,READ such as 2s,5s, not {text:?}"))?;
    let parse = |part: &str| {
        humantime::parse_duration(part.trim())
            .map_err(|e| format!("{part:?} is not a duration: {e}"))
    };
    let (delivered, read) = (parse(delivered)?, parse(read)?);
    if read < delivered {
        return Err(format!("a message is read after it is delivered: {text:?}"));
    }
    Ok((delivered, read))
}

/// `wasphere sandbox`.
#[derive(Debug, Args)]
pub(crate) struct SandboxArgs {
    /// The address to listen on, HOST:PORT (port 0 picks a free port). Anything but loopback makes the sandbox reachable from the network.
    #[arg(long, default_value = "127.0.0.1:8080", value_parser = listen_addr::parse)]
    pub(crate) addr: SocketAddr,
    /// Requests allowed per window, as N/DURATION (60/1m, 600/1s, 3/600s) or off.
    #[arg(long, value_name = "N/DURATION|off", default_value = "60/1m")]
    pub(crate) rate_limit: RateLimit,
    /// The API key the sandbox accepts (default wsk_test_sandbox). Visible in the process list: use a test key only.
    #[arg(long, value_name = "KEY")]
    pub(crate) api_key: Option<String>,
    /// A session to serve: NAME, NAME:disconnected, or NAME:meta (Meta Cloud API: no edit, delete, typing, presence, poll, gif, view-once) (repeatable; default my-session).
    #[arg(long = "session", value_name = "NAME[:STATE]")]
    pub(crate) sessions: Vec<String>,
    /// Where to deliver signed webhooks (needs --webhook-secret-env).
    #[arg(long, value_name = "URL", requires = "webhook_secret_env")]
    pub(crate) webhook_url: Option<String>,
    /// The environment variable holding the webhook signing secret.
    #[arg(long, value_name = "VAR", requires = "webhook_url")]
    pub(crate) webhook_secret_env: Option<String>,
    /// Also report each send delivered, then read (messages.update statuses 3 and 4), this long after it, e.g. 2s,5s.
    #[arg(long, value_name = "DELIVERED,READ", requires = "webhook_url", value_parser = parse_status_delays)]
    pub(crate) statuses: Option<(Duration, Duration)>,
    /// Keep the last N accepted messages and webhook deliveries for /__sandbox/messages, or off; /__sandbox/stats counts them all.
    #[arg(long, value_name = "N|off", default_value = "10000", value_parser = parse_record_limit)]
    pub(crate) record: usize,
    /// The same as --record off.
    #[arg(long, conflicts_with = "record")]
    pub(crate) no_record: bool,
    /// Close a connection that takes longer than this to send a request (head and body).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "30s")]
    pub(crate) request_timeout: Duration,
    /// Close a connection that sends no request for this long.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "60s")]
    pub(crate) idle_timeout: Duration,
    /// Serve at most this many connections at once; more wait to be accepted.
    #[arg(long, value_name = "N", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) max_connections: u32,
    /// A number that is not on WhatsApp: valid sends to it are answered 422, as the server does (repeatable).
    #[arg(long = "unreachable", value_name = "NUMBER")]
    pub(crate) unreachable: Vec<String>,
    /// A file of numbers that are not on WhatsApp, one per line (# starts a comment).
    #[arg(long, value_name = "FILE")]
    pub(crate) unreachable_file: Option<PathBuf>,
}

/// `--record N|off`.
fn parse_record_limit(text: &str) -> Result<usize, String> {
    if text.eq_ignore_ascii_case("off") {
        return Ok(0);
    }
    text.parse()
        .map_err(|_| format!("{text:?} is not a number of messages or `off`"))
}

/// `wasphere webhook …`.
#[derive(Debug, Subcommand)]
pub(crate) enum WebhookCommand {
    /// Verify one delivery read from stdin; print the event as JSON when it is authentic.
    #[command(after_help = WEBHOOK_VERIFY_EXAMPLES)]
    Verify(WebhookVerifyArgs),
    /// Receive deliveries on a local address; print one JSON line per verified event,
    /// or forward each to your app.
    #[command(after_help = WEBHOOK_LISTEN_EXAMPLES)]
    Listen(WebhookListenArgs),
    /// Send a correctly signed, realistic event to any endpoint, to test your handler.
    #[command(after_help = WEBHOOK_TRIGGER_EXAMPLES)]
    Trigger(WebhookTriggerArgs),
}

const WEBHOOK_TRIGGER_EXAMPLES: &str = "\
Examples:
  WEBHOOK_SECRET=whsec wasphere webhook trigger button \\
      --to-url http://localhost:3000/hooks --secret-env WEBHOOK_SECRET \\
      --reply-to 3EB0C767D097B7C7A5C1 --selection yes
  WEBHOOK_SECRET=whsec wasphere webhook trigger read \\
      --to-url http://localhost:3000/hooks --secret-env WEBHOOK_SECRET \\
      --reply-to 3EB0C767D097B7C7A5C1
  WEBHOOK_SECRET=whsec wasphere webhook trigger button \\
      --to-url http://localhost:3000/hooks --secret-env WEBHOOK_SECRET \\
      --tamper     # your handler must refuse it

button, list and poll send message.received (a button tap, list pick, poll vote on the
message --reply-to names); sent sends message.sent; delivered and read send
messages.update with status 3 or 4, as the server does. Exit code 0 when the endpoint
answered 2xx (with --tamper: when it refused the delivery), 1 otherwise.";

/// An event `webhook trigger` can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TriggerEvent {
    /// message.received: a reply button tapped.
    Button,
    /// message.received: a list row picked.
    List,
    /// message.received: a poll vote.
    Poll,
    /// message.sent.
    Sent,
    /// messages.update with status 3.
    Delivered,
    /// messages.update with status 4.
    Read,
}

/// `wasphere webhook trigger`.
#[derive(Debug, Args)]
pub(crate) struct WebhookTriggerArgs {
    /// The event to send.
    pub(crate) event: TriggerEvent,
    /// The endpoint to post it to.
    #[arg(long, value_name = "URL")]
    pub(crate) to_url: String,
    #[command(flatten)]
    pub(crate) secret: SecretSource,
    /// The message the event is about: the buttons, list or poll message replied to, or
    /// the sent message (a new id when omitted).
    #[arg(long, value_name = "MESSAGE_ID")]
    pub(crate) reply_to: Option<String>,
    /// The button id, list row id or poll option chosen [default: btn1, row1, Yes].
    #[arg(long, value_name = "ID")]
    pub(crate) selection: Option<String>,
    /// The session the event comes from.
    #[arg(long, default_value = "my-session")]
    pub(crate) session: String,
    /// Sign it wrongly, to check that the endpoint refuses it.
    #[arg(long)]
    pub(crate) tamper: bool,
}

const WEBHOOK_VERIFY_EXAMPLES: &str = "\
Example:
  WEBHOOK_SECRET=whsec wasphere webhook verify --secret-env WEBHOOK_SECRET \\
      --timestamp 1795000000 --signature 'v1,sha256=5d4…' < body.json

Exit code 0 when authentic; 3 when the signature or timestamp does not check out (the
reason is printed); 2 for a missing secret, a --timestamp that is not Unix seconds, or a
body that is not a webhook event.";

/// The signing secret's source.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub(crate) struct SecretSource {
    /// The environment variable holding the signing secret.
    #[arg(long, value_name = "VAR")]
    pub(crate) secret_env: Option<String>,
    /// A file holding the signing secret (a trailing newline is ignored).
    #[arg(long, value_name = "FILE")]
    pub(crate) secret_file: Option<PathBuf>,
}

/// `wasphere webhook verify`.
#[derive(Debug, Args)]
pub(crate) struct WebhookVerifyArgs {
    #[command(flatten)]
    pub(crate) secret: SecretSource,
    /// The X-WaSphere-Timestamp header (Unix seconds).
    #[arg(long, allow_hyphen_values = true, value_parser = unix_time::parse)]
    pub(crate) timestamp: String,
    /// The X-WaSphere-Signature header.
    #[arg(long, allow_hyphen_values = true)]
    pub(crate) signature: String,
}

const WEBHOOK_LISTEN_EXAMPLES: &str = "\
Example:
  WEBHOOK_SECRET=whsec wasphere webhook listen --addr 127.0.0.1:8787 \\
      --secret-env WEBHOOK_SECRET | jq .

  WEBHOOK_SECRET=whsec wasphere webhook listen --secret-env WEBHOOK_SECRET \\
      --forward-to http://localhost:3000/hooks

  WEBHOOK_SECRET=whsec wasphere webhook listen --secret-env WEBHOOK_SECRET --journal campaign.db

Answers 200 to an authentic delivery and 401 otherwise, on any path. Stdout carries one
JSON line per verified event; `listening on http://ADDR` and rejections go to stderr.
A retried delivery is printed again: use data.messageId to deduplicate.
With --forward-to, each authentic delivery is posted unchanged (body and X-WaSphere-*
headers) to your app, which verifies it with the same secret; its status is the answer
to the sender, and one line per event (event, message id, selection or status, and the
app's status) is printed instead of the JSON.";

/// `wasphere webhook listen`.
#[derive(Debug, Args)]
pub(crate) struct WebhookListenArgs {
    /// The address to listen on, HOST:PORT (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8787", value_parser = listen_addr::parse)]
    pub(crate) addr: SocketAddr,
    #[command(flatten)]
    pub(crate) secret: SecretSource,
    /// Exit after this many verified events.
    #[arg(long, value_name = "N")]
    pub(crate) count: Option<u64>,
    /// Forward each authentic delivery to this URL of your app.
    #[arg(long, value_name = "URL")]
    pub(crate) forward_to: Option<String>,
    /// Record delivery statuses (delivered, read, …) into this campaign journal (a file, or
    /// a postgres:// URL), matched by message id, so `wasphere campaign status` counts them
    /// (works while the campaign runs).
    #[arg(long, value_name = "JOURNAL")]
    pub(crate) journal: Option<PathBuf>,
}

const DOCTOR_EXAMPLES: &str = "\
Examples:
  wasphere doctor
  wasphere doctor --profile staging -o json

Checks the settings as `send` reads them (flags, environment, profile), then posts an
empty body to the text endpoint: the server refuses it as invalid only after the key,
workspace and session were accepted, so nothing is ever sent. It counts as one request
on the key's rate limit. Exit code 0 when everything checked is right; otherwise the
exit code `send` would have given (3 key, 4 session, 7 network, 9 not WaSphere, …).";

/// `wasphere doctor`.
#[derive(Debug, Args)]
pub(crate) struct DoctorArgs {
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}

const DEMO_EXAMPLES: &str = "\
Example:
  wasphere demo

Works offline: the sandbox, the webhook receiver and the client all run in this process on
127.0.0.1.";

/// `wasphere demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {}

/// `wasphere config …`.
#[derive(Debug, Subcommand)]
#[command(after_help = CONFIG_EXAMPLES)]
pub(crate) enum ConfigCommand {
    /// Save a setting in the profile (the API key is asked for without echo when VALUE is omitted).
    #[command(after_help = CONFIG_SET_EXAMPLES)]
    Set {
        /// The setting.
        key: ConfigKey,
        /// Its value (for api-key, omit it to be prompted, or pass - to read stdin).
        value: Option<String>,
    },
    /// Print a setting (the API key is shown redacted).
    #[command(after_help = CONFIG_GET_EXAMPLES)]
    Get {
        /// The setting.
        key: ConfigKey,
    },
    /// Print every setting of the profile (the API key redacted), and where the file is.
    #[command(after_help = CONFIG_LIST_EXAMPLES)]
    List,
    /// Remove a setting from the profile.
    #[command(after_help = CONFIG_UNSET_EXAMPLES)]
    Unset {
        /// The setting.
        key: ConfigKey,
    },
}

const CONFIG_EXAMPLES: &str = "\
Examples:
  wasphere config set base-url https://api.yourdomain.com
  wasphere config set api-key                 # prompts without echo
  wasphere config get api-key                 # prints wsk_live_… (redacted)
  wasphere config list --profile staging
  wasphere config unset session

The file is config.toml in the platform config directory (or $WASPHERE_CONFIG_DIR),
created with mode 0600. Each value is checked when it is set.";

const CONFIG_SET_EXAMPLES: &str = "\
Examples:
  wasphere config set base-url https://api.yourdomain.com
  wasphere config set api-key                 # prompts without echo
  wasphere config set api-key - < key.txt
  wasphere config set session my-session --profile staging

Each value is checked when it is set: a base URL must be https (or http to this
machine), a workspace a UUID, a session 1 to 64 of a-z A-Z 0-9 _ -, a key wsk_….";

const CONFIG_GET_EXAMPLES: &str = "\
Examples:
  wasphere config get base-url
  wasphere config get api-key                 # prints wsk_live_… (redacted)";

const CONFIG_LIST_EXAMPLES: &str = "\
Examples:
  wasphere config list
  wasphere config list --profile staging -o json";

const CONFIG_UNSET_EXAMPLES: &str = "\
Example:
  wasphere config unset api-key --profile staging";

const MESSAGE_EXAMPLES: &str = "\
Examples:
  wasphere message edit 3EB0C767D097B7C7A5C1 --to 923001234567 --text 'Tuesday'
  wasphere message delete 3EB0C767D097B7C7A5C1 --to 923001234567
  wasphere message read --to 923001234567 3EB0C767D097B7C7A5C1";

const WEBHOOK_EXAMPLES: &str = "\
Examples:
  WEBHOOK_SECRET=whsec wasphere webhook verify --secret-env WEBHOOK_SECRET \\
      --timestamp 1795000000 --signature 'v1,sha256=5d4…' < body.json
  WEBHOOK_SECRET=whsec wasphere webhook listen --addr 127.0.0.1:8787 \\
      --secret-env WEBHOOK_SECRET | jq .";

/// The settings a profile holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ConfigKey {
    /// The deployment's base URL.
    BaseUrl,
    /// The API key (wsk_…).
    ApiKey,
    /// The workspace UUID.
    Workspace,
    /// The session slug.
    Session,
}

impl ConfigKey {
    /// The name in the file and on the command line.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ConfigKey::BaseUrl => "base-url",
            ConfigKey::ApiKey => "api-key",
            ConfigKey::Workspace => "workspace",
            ConfigKey::Session => "session",
        }
    }
}

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  wasphere completions bash \\
      > ~/.local/share/bash-completion/completions/wasphere
  wasphere completions zsh > \"${fpath[1]}/_wasphere\"
  wasphere completions fish > ~/.config/fish/completions/wasphere.fish";

/// `wasphere completions`.
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    pub(crate) shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_delays_are_two_durations_in_order() {
        assert_eq!(
            parse_status_delays("2s, 5s"),
            Ok((Duration::from_secs(2), Duration::from_secs(5)))
        );
        assert!(
            parse_status_delays("5s")
                .unwrap_err()
                .contains("DELIVERED,READ")
        );
        assert!(
            parse_status_delays("5s,2s")
                .unwrap_err()
                .contains("read after")
        );
        assert!(
            parse_status_delays("soon,5s")
                .unwrap_err()
                .contains("not a duration")
        );
    }
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }
}
