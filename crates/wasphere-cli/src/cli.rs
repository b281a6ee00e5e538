//! The command line: every subcommand, flag and help text, as clap definitions.
//!
//! Parsing only: nothing here reads the environment, the config file or the network, so
//! `--version` and `--help` stay instant.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use wasphere_types::RateLimit;

/// The exit codes, shown at the end of `wasphere --help` and in the README.
pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  other error (a file could not be read or written, …)
  2  usage or validation error (nothing was sent)
  3  authentication: the API key was refused (401/403), or a webhook signature is bad
  4  not found (404): check the workspace and session
  5  rate limited (429), after the allowed retries
  6  server or session error (5xx, e.g. the session is not connected)
  7  network error or timeout before the request was sent: safe to retry
  8  outcome unknown: the message may have been sent; check before retrying";

const TOP_EXAMPLES: &str = "\
Examples:
  wasphere demo
  wasphere send text --to 923001234567 --text 'Hello *there*'
  wasphere validate --type buttons body.json
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
    /// Check a JSON body offline and list every violation (field path, rule, limit).
    #[command(after_help = VALIDATE_EXAMPLES)]
    Validate(ValidateArgs),
    /// Print the JSON Schema of a body, or write them all to a directory.
    #[command(after_help = SCHEMA_EXAMPLES)]
    Schema(SchemaArgs),
    /// Run the local WaSphere emulator until Ctrl-C.
    #[command(after_help = SANDBOX_EXAMPLES)]
    Sandbox(SandboxArgs),
    /// Verify webhook deliveries, or receive them locally.
    #[command(subcommand, disable_help_subcommand = true)]
    Webhook(WebhookCommand),
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

const SEND_EXAMPLES: &str = "\
Examples:
  wasphere send text --to '+92 300 1234567' --text 'Hello!'
  wasphere send document --to 923001234567 --url https://yourcdn.com/a.pdf --file-name report.pdf
  wasphere send buttons --json buttons.json --dry-run
  echo '{\"to\":\"923001234567\",\"text\":\"hi\"}' | wasphere send text --json -

Settings come from flags, then WASPHERE_BASE_URL, WASPHERE_API_KEY, WASPHERE_WORKSPACE and
WASPHERE_SESSION, then the profile (`wasphere config`). On a terminal, a missing API key is
asked for without echo.";

/// `wasphere send`.
#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    #[command(subcommand)]
    pub(crate) message: SendMessage,
}

/// The message type to send, with its fields as flags.
#[derive(Debug, Subcommand)]
#[command(
    subcommand_value_name = "TYPE",
    subcommand_help_heading = "Types",
    disable_help_subcommand = true
)]
pub(crate) enum SendMessage {
    /// A text message (WhatsApp formatting: *bold*, _italic_, ~strike~, `mono`).
    #[command(
        after_help = "Example:\n  wasphere send text --to 923001234567 --text 'Your order *#1234* has shipped'"
    )]
    Text {
        #[command(flatten)]
        common: SendCommon,
        /// The text, 1 to 65536 characters.
        #[arg(long, required_unless_present = "json", conflicts_with = "json")]
        text: Option<String>,
        /// The id of a message to quote (reply to).
        #[arg(long, value_name = "MESSAGE_ID", conflicts_with = "json")]
        quoted_id: Option<String>,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// An image with an optional caption.
    #[command(
        after_help = "Example:\n  wasphere send image --to 923001234567 --url https://yourcdn.com/photo.jpg --caption 'Here it is'"
    )]
    Image {
        #[command(flatten)]
        common: SendCommon,
        #[command(flatten)]
        media: CaptionedMedia,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// A video with an optional caption.
    #[command(
        after_help = "Example:\n  wasphere send video --to 923001234567 --url https://yourcdn.com/tutorial.mp4"
    )]
    Video {
        #[command(flatten)]
        common: SendCommon,
        #[command(flatten)]
        media: CaptionedMedia,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// An audio file, or a voice note with --voice-note.
    #[command(
        after_help = "Example:\n  wasphere send audio --to 923001234567 --url https://yourcdn.com/greeting.ogg --voice-note"
    )]
    Audio {
        #[command(flatten)]
        common: SendCommon,
        /// The audio: an https URL or a base64 data URI.
        #[arg(long, required_unless_present = "json", conflicts_with = "json")]
        url: Option<String>,
        /// Show a voice-note waveform (`--voice-note`, or `--voice-note=false` for an attachment).
        #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", conflicts_with = "json")]
        voice_note: Option<bool>,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// Any file as a document attachment.
    #[command(
        after_help = "Example:\n  wasphere send document --to 923001234567 --url https://yourcdn.com/invoice.pdf --file-name invoice.pdf\n  (--mimetype is inferred from the file name's extension when omitted)"
    )]
    Document {
        #[command(flatten)]
        common: SendCommon,
        /// The file: an https URL or a base64 data URI.
        #[arg(long, required_unless_present = "json", conflicts_with = "json")]
        url: Option<String>,
        /// The name the recipient sees, 1 to 255 characters.
        #[arg(long, required_unless_present = "json", conflicts_with = "json")]
        file_name: Option<String>,
        /// The MIME type (type/subtype); inferred from --file-name when omitted.
        #[arg(long, conflicts_with = "json")]
        mimetype: Option<String>,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// An MP4 that plays as a looping GIF.
    #[command(
        after_help = "Example:\n  wasphere send gif --to 923001234567 --url https://yourcdn.com/celebration.mp4 --caption 'Congratulations!'"
    )]
    Gif {
        #[command(flatten)]
        common: SendCommon,
        #[command(flatten)]
        media: CaptionedMedia,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// A PNG or JPG, converted to a WebP sticker by the server.
    #[command(
        after_help = "Example:\n  wasphere send sticker --to 923001234567 --url https://yourcdn.com/thumbs-up.png"
    )]
    Sticker {
        #[command(flatten)]
        common: SendCommon,
        /// The image: an https URL or a base64 data URI (PNG or JPG).
        #[arg(long, required_unless_present = "json", conflicts_with = "json")]
        url: Option<String>,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// A map pin.
    #[command(
        after_help = "Example:\n  wasphere send location --to 923001234567 --latitude 33.6844 --longitude 73.0479 --name Islamabad"
    )]
    Location {
        #[command(flatten)]
        common: SendCommon,
        /// Latitude, -90 to 90.
        #[arg(
            long,
            allow_negative_numbers = true,
            required_unless_present = "json",
            conflicts_with = "json"
        )]
        latitude: Option<f64>,
        /// Longitude, -180 to 180.
        #[arg(
            long,
            allow_negative_numbers = true,
            required_unless_present = "json",
            conflicts_with = "json"
        )]
        longitude: Option<f64>,
        /// The place's name, at most 255 characters.
        #[arg(long, conflicts_with = "json")]
        name: Option<String>,
        /// The place's address, at most 512 characters.
        #[arg(long, conflicts_with = "json")]
        address: Option<String>,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// A contact card.
    #[command(
        after_help = "Example:\n  wasphere send contact --to 923001234567 --display-name 'John Doe' --phone-number +923001234567"
    )]
    Contact {
        #[command(flatten)]
        common: SendCommon,
        /// The contact's name, 1 to 100 Latin letters, digits, spaces and ' + - ( ) . ,
        #[arg(long, required_unless_present = "json", conflicts_with = "json")]
        display_name: Option<String>,
        /// The contact's number (digits, +, - and spaces; a leading + is fine here).
        #[arg(long, required_unless_present = "json", conflicts_with = "json")]
        phone_number: Option<String>,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// A poll with 2 to 12 options.
    #[command(
        after_help = "Example:\n  wasphere send poll --to 923001234567 --name 'Lunch?' --option Pizza --option Sushi --option Salad"
    )]
    Poll {
        #[command(flatten)]
        common: SendCommon,
        /// The question, 1 to 255 characters.
        #[arg(long, required_unless_present = "json", conflicts_with = "json")]
        name: Option<String>,
        /// An option (repeat 2 to 12 times).
        #[arg(long = "option", value_name = "OPTION", conflicts_with = "json")]
        options: Vec<String>,
        /// How many options a voter may pick (1 to 12, default 1).
        #[arg(long, value_name = "N", conflicts_with = "json")]
        selectable_count: Option<i64>,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// A message with 1 to 3 reply buttons; taps come back as message.received webhooks.
    #[command(
        after_help = "Example:\n  wasphere send buttons --to 923001234567 --text 'Choose:' --footer WaSphere \\\n      --button 'btn1=Option A' --button 'btn2=Option B'"
    )]
    Buttons {
        #[command(flatten)]
        common: SendCommon,
        /// The message body, 1 to 1024 characters.
        #[arg(long, required_unless_present = "json", conflicts_with = "json")]
        text: Option<String>,
        /// The footer, 1 to 60 characters (the server requires it).
        #[arg(long, required_unless_present = "json", conflicts_with = "json")]
        footer: Option<String>,
        /// A button as ID=TEXT (repeat 1 to 3 times); the id comes back when it is tapped.
        #[arg(long = "button", value_name = "ID=TEXT", value_parser = parse_button, conflicts_with = "json")]
        buttons: Vec<ButtonSpec>,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// An interactive list: sections of rows; picks come back as message.received webhooks.
    #[command(
        after_help = "Example:\n  wasphere send list --to 923001234567 --title 'Choose your plan' --text 'Select below:' \\\n      --button-text 'View Options' --section Plans \\\n      --row 'free=Free=Basic' --row 'pro=Pro=Full access'\n\nEach --row belongs to the --section before it."
    )]
    List {
        #[command(flatten)]
        common: SendCommon,
        /// The title, 1 to 60 characters (required).
        #[arg(long, required_unless_present = "json", conflicts_with = "json")]
        title: Option<String>,
        /// The message body, 1 to 1024 characters.
        #[arg(long, required_unless_present = "json", conflicts_with = "json")]
        text: Option<String>,
        /// The label of the button that opens the list, 1 to 20 characters.
        #[arg(long, required_unless_present = "json", conflicts_with = "json")]
        button_text: Option<String>,
        /// Starts a section titled TITLE (1 to 24 characters); the --row flags after it fill it.
        #[arg(long = "section", value_name = "TITLE", conflicts_with = "json")]
        sections: Vec<String>,
        /// A row of the preceding --section, as ID=TITLE or ID=TITLE=DESCRIPTION.
        #[arg(long = "row", value_name = "ID=TITLE[=DESCRIPTION]", value_parser = parse_row, conflicts_with = "json")]
        rows: Vec<RowSpec>,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// An image that disappears after one view.
    #[command(
        after_help = "Example:\n  wasphere send view-once --to 923001234567 --url https://yourcdn.com/otp.jpg --caption 'Your code'"
    )]
    ViewOnce {
        #[command(flatten)]
        common: SendCommon,
        #[command(flatten)]
        media: CaptionedMedia,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// An emoji reaction to an earlier message (--emoji '' removes it).
    #[command(
        after_help = "Example:\n  wasphere send reaction --to 923001234567 --message-id 3EB0C767D097B7C7A5C1 --emoji 👍"
    )]
    Reaction {
        #[command(flatten)]
        common: SendCommon,
        /// The id of the message to react to.
        #[arg(long, required_unless_present = "json", conflicts_with = "json")]
        message_id: Option<String>,
        /// One emoji, or '' to remove the reaction.
        #[arg(long, required_unless_present = "json", conflicts_with = "json")]
        emoji: Option<String>,
        /// The message being reacted to is one you sent.
        #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", conflicts_with = "json")]
        from_me: Option<bool>,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
}

/// `url` and `caption`, shared by image, video, gif and view-once.
#[derive(Debug, Args)]
pub(crate) struct CaptionedMedia {
    /// The media: an https URL or a base64 data URI.
    #[arg(long, required_unless_present = "json", conflicts_with = "json")]
    pub(crate) url: Option<String>,
    /// A caption, at most 1024 characters.
    #[arg(long, conflicts_with = "json")]
    pub(crate) caption: Option<String>,
}

/// The flags every `send <type>` shares.
#[derive(Debug, Args)]
pub(crate) struct SendCommon {
    /// The recipient: an international number (spaces, dashes and a leading + are removed, with a notice) or a WhatsApp JID.
    #[arg(long, required_unless_present = "json")]
    pub(crate) to: Option<String>,
    /// Send this JSON body (a file, or - for stdin) instead of building one from flags; --to overrides its `to`.
    #[arg(long, value_name = "FILE|-")]
    pub(crate) json: Option<PathBuf>,
    /// Print the request (method, URL, headers with the key redacted, body) and send nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Skip this tool's checks and let the server judge the body.
    #[arg(long)]
    pub(crate) no_validate: bool,
}

/// Where to send, and with which key.
#[derive(Debug, Args)]
#[command(next_help_heading = "Connection")]
pub(crate) struct ConnectionArgs {
    /// Your WaSphere deployment, e.g. https://api.yourdomain.com [env: WASPHERE_BASE_URL]
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// The workspace UUID (from the dashboard URL) [env: WASPHERE_WORKSPACE]
    #[arg(long, value_name = "UUID")]
    pub(crate) workspace: Option<String>,
    /// The session slug, e.g. my-session [env: WASPHERE_SESSION]
    #[arg(long, value_name = "NAME")]
    pub(crate) session: Option<String>,
    /// Read the API key from this file [or env: WASPHERE_API_KEY]
    #[arg(long, value_name = "FILE", conflicts_with = "api_key")]
    pub(crate) api_key_file: Option<PathBuf>,
    /// The API key itself. Avoid: other users can see it in the process list; prefer --api-key-file or WASPHERE_API_KEY.
    #[arg(long, value_name = "KEY")]
    pub(crate) api_key: Option<String>,
    /// Give up on a request after this long (e.g. 10s, 1m).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "30s")]
    pub(crate) timeout: Duration,
    /// How many times to retry a request that is safe to repeat (429, connection refused).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub(crate) retries: u32,
    /// Wait at most this long for a rate limit to clear before giving up with exit code 5.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "60s")]
    pub(crate) max_wait: Duration,
    /// Allow plain http:// to a host that is not on this machine (the key would travel unencrypted).
    #[arg(long)]
    pub(crate) allow_insecure_http: bool,
}

/// `--button ID=TEXT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ButtonSpec {
    pub(crate) id: String,
    pub(crate) text: String,
}

/// `--row ID=TITLE[=DESCRIPTION]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RowSpec {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
}

fn parse_button(s: &str) -> Result<ButtonSpec, String> {
    let (id, text) = s
        .split_once('=')
        .ok_or_else(|| format!("expected ID=TEXT, e.g. --button 'btn1=Option A', got {s:?}"))?;
    Ok(ButtonSpec {
        id: id.to_owned(),
        text: text.to_owned(),
    })
}

fn parse_row(s: &str) -> Result<RowSpec, String> {
    let mut parts = s.splitn(3, '=');
    let id = parts.next().unwrap_or_default();
    let title = parts.next().ok_or_else(|| {
        format!(
            "expected ID=TITLE or ID=TITLE=DESCRIPTION, e.g. --row 'pro=Pro=Full access', got {s:?}"
        )
    })?;
    Ok(RowSpec {
        id: id.to_owned(),
        title: title.to_owned(),
        description: parts.next().map(str::to_owned),
    })
}

pub(crate) fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s).map_err(|e| format!("{e} (write e.g. 500ms, 10s, 2m)"))
}

const VALIDATE_EXAMPLES: &str = "\
Examples:
  wasphere validate --type buttons body.json
  wasphere validate list.json          # the type is taken from the file name when it is a type
  cat body.json | wasphere validate --type text -

Exit code 0 when valid, 2 with every violation listed otherwise. Nothing is sent.";

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
  wasphere schema --all --out schemas/

Names: the 14 types (text … reaction), send-response, error, webhook-event.";

/// `wasphere schema`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("which").required(true).args(["name", "all"])))]
pub(crate) struct SchemaArgs {
    /// A message type, or send-response, error or webhook-event.
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
  wasphere sandbox --addr 127.0.0.1:0 --rate-limit off --session my-session --session old:disconnected
  WEBHOOK_SECRET=whsec wasphere sandbox --webhook-url http://127.0.0.1:8787/hook --webhook-secret-env WEBHOOK_SECRET

The first line on stdout is `listening on http://ADDR`. Point the CLI at it with
WASPHERE_BASE_URL=http://ADDR WASPHERE_API_KEY=wsk_test_sandbox
WASPHERE_WORKSPACE=00000000-0000-4000-8000-000000000000 WASPHERE_SESSION=my-session.";

/// `wasphere sandbox`.
#[derive(Debug, Args)]
pub(crate) struct SandboxArgs {
    /// The address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub(crate) addr: SocketAddr,
    /// Requests allowed per window, as N/DURATION (60/1m, 600/1s, 3/600s) or off.
    #[arg(long, value_name = "N/DURATION|off", default_value = "60/1m")]
    pub(crate) rate_limit: RateLimit,
    /// The API key the sandbox accepts (default wsk_test_sandbox). Visible in the process list: use a test key only.
    #[arg(long, value_name = "KEY")]
    pub(crate) api_key: Option<String>,
    /// A session to serve, as NAME or NAME:disconnected (repeatable; default my-session).
    #[arg(long = "session", value_name = "NAME[:disconnected]")]
    pub(crate) sessions: Vec<String>,
    /// Where to deliver signed webhooks (needs --webhook-secret-env).
    #[arg(long, value_name = "URL", requires = "webhook_secret_env")]
    pub(crate) webhook_url: Option<String>,
    /// The environment variable holding the webhook signing secret.
    #[arg(long, value_name = "VAR", requires = "webhook_url")]
    pub(crate) webhook_secret_env: Option<String>,
}

/// `wasphere webhook …`.
#[derive(Debug, Subcommand)]
pub(crate) enum WebhookCommand {
    /// Verify one delivery read from stdin; print the event as JSON when it is authentic.
    #[command(after_help = WEBHOOK_VERIFY_EXAMPLES)]
    Verify(WebhookVerifyArgs),
    /// Receive deliveries on a local address; print one JSON line per verified event.
    #[command(after_help = WEBHOOK_LISTEN_EXAMPLES)]
    Listen(WebhookListenArgs),
}

const WEBHOOK_VERIFY_EXAMPLES: &str = "\
Example:
  WEBHOOK_SECRET=whsec wasphere webhook verify --secret-env WEBHOOK_SECRET \\
      --timestamp 1795000000 --signature 'v1,sha256=5d4…' < body.json

Exit code 0 when authentic; 3 when the signature or timestamp is wrong (the reason is
printed); 2 for a missing secret or a body that is not a webhook event.";

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
    /// The X-WaSphere-Timestamp header.
    #[arg(long, allow_hyphen_values = true)]
    pub(crate) timestamp: String,
    /// The X-WaSphere-Signature header.
    #[arg(long, allow_hyphen_values = true)]
    pub(crate) signature: String,
}

const WEBHOOK_LISTEN_EXAMPLES: &str = "\
Example:
  WEBHOOK_SECRET=whsec wasphere webhook listen --addr 127.0.0.1:8787 --secret-env WEBHOOK_SECRET | jq .

Answers 200 to an authentic delivery and 401 otherwise, on any path. Stdout carries one
JSON line per verified event; `listening on http://ADDR` and rejections go to stderr.
A retried delivery is printed again: use data.messageId to deduplicate.";

/// `wasphere webhook listen`.
#[derive(Debug, Args)]
pub(crate) struct WebhookListenArgs {
    /// The address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub(crate) addr: SocketAddr,
    #[command(flatten)]
    pub(crate) secret: SecretSource,
    /// Exit after this many verified events.
    #[arg(long, value_name = "N")]
    pub(crate) count: Option<u64>,
}

const DEMO_EXAMPLES: &str = "\
Example:
  cargo run --release -p wasphere-cli -- demo

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
    #[command(after_help = CONFIG_EXAMPLES)]
    Set {
        /// The setting.
        key: ConfigKey,
        /// Its value (for api-key, omit it to be prompted, or pass - to read stdin).
        value: Option<String>,
    },
    /// Print a setting (the API key is shown redacted).
    #[command(after_help = CONFIG_EXAMPLES)]
    Get {
        /// The setting.
        key: ConfigKey,
    },
    /// Print every setting of the profile (the API key redacted), and where the file is.
    #[command(after_help = CONFIG_EXAMPLES)]
    List,
    /// Remove a setting from the profile.
    #[command(after_help = CONFIG_EXAMPLES)]
    Unset {
        /// The setting.
        key: ConfigKey,
    },
}

const CONFIG_EXAMPLES: &str = "\
Examples:
  wasphere config set base-url https://api.yourdomain.com
  wasphere config set api-key                 # prompts without echo
  wasphere config set session my-session --profile staging
  wasphere config get api-key                 # prints wsk_live_… (redacted)
  wasphere config list

The file is config.toml in the platform config directory (or $WASPHERE_CONFIG_DIR),
created with mode 0600.";

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
  wasphere completions bash > ~/.local/share/bash-completion/completions/wasphere
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
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn buttons_and_rows_split_on_equals() {
        assert_eq!(
            parse_button("btn1=Option A").unwrap(),
            ButtonSpec {
                id: "btn1".into(),
                text: "Option A".into()
            }
        );
        assert!(parse_button("btn1").unwrap_err().contains("ID=TEXT"));
        let row = parse_row("pro=Pro=Full = access").unwrap();
        assert_eq!(row.description.as_deref(), Some("Full = access"));
        assert_eq!(parse_row("free=Free").unwrap().description, None);
        assert!(parse_row("free").is_err());
    }
}
