//! The flags of `wasphere send <type>`: the 14 types, each with the flags every type
//! shares, its own fields, and the connection flags.

use std::marker::PhantomData;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

use crate::shared_limit::SharedLimitArgs;
use wasphere_types::{Gif, Image, Video, ViewOnce};

pub(crate) const SEND_EXAMPLES: &str = "\
Examples:
  wasphere send text --to '+92 300 1234567' --text 'Hello!'
  wasphere send document --to 923001234567 \\
      --url https://yourcdn.com/a.pdf --file-name report.pdf
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
        after_help = "Examples:\n  wasphere send text --to 923001234567 \\\n      --text 'Your order *#1234* has shipped'\n  wasphere send text --to 923001234567 \\\n      --reply-to 3EB0C767D097B7C7A5C1 --text 'Yes, it has'"
    )]
    Text(SendFlags<TextFields>),
    /// An image with an optional caption.
    #[command(
        after_help = "Example:\n  wasphere send image --to 923001234567 \\\n      --url https://yourcdn.com/photo.jpg --caption 'Here it is'"
    )]
    Image(SendFlags<Captioned<Image>>),
    /// A video with an optional caption.
    #[command(
        after_help = "Example:\n  wasphere send video --to 923001234567 \\\n      --url https://yourcdn.com/tutorial.mp4"
    )]
    Video(SendFlags<Captioned<Video>>),
    /// An audio file, or a voice note with --voice-note.
    #[command(
        after_help = "Example:\n  wasphere send audio --to 923001234567 \\\n      --url https://yourcdn.com/greeting.ogg --voice-note"
    )]
    Audio(SendFlags<AudioFields>),
    /// Any file as a document attachment.
    #[command(
        after_help = "Example:\n  wasphere send document --to 923001234567 \\\n      --url https://yourcdn.com/invoice.pdf --file-name invoice.pdf\n\n--mimetype is inferred from the file name's extension when omitted."
    )]
    Document(SendFlags<DocumentFields>),
    /// An MP4 that plays as a looping GIF.
    #[command(
        after_help = "Example:\n  wasphere send gif --to 923001234567 \\\n      --url https://yourcdn.com/celebration.mp4 --caption 'Congratulations!'"
    )]
    Gif(SendFlags<Captioned<Gif>>),
    /// A PNG or JPG, converted to a WebP sticker by the server.
    #[command(
        after_help = "Example:\n  wasphere send sticker --to 923001234567 \\\n      --url https://yourcdn.com/thumbs-up.png"
    )]
    Sticker(SendFlags<StickerFields>),
    /// A map pin.
    #[command(
        after_help = "Example:\n  wasphere send location --to 923001234567 \\\n      --latitude 33.6844 --longitude 73.0479 --name Islamabad"
    )]
    Location(SendFlags<LocationFields>),
    /// A contact card.
    #[command(
        after_help = "Example:\n  wasphere send contact --to 923001234567 \\\n      --display-name 'John Doe' --phone-number +923001234567"
    )]
    Contact(SendFlags<ContactFields>),
    /// A poll with 2 to 12 options.
    #[command(
        after_help = "Example:\n  wasphere send poll --to 923001234567 --name 'Lunch?' \\\n      --option Pizza --option Sushi --option Salad"
    )]
    Poll(SendFlags<PollFields>),
    /// A message with 1 to 3 reply buttons; taps come back as message.received webhooks.
    #[command(
        after_help = "Example:\n  wasphere send buttons --to 923001234567 --text 'Choose:' \\\n      --footer WaSphere --button 'btn1=Option A' --button 'btn2=Option B'"
    )]
    Buttons(SendFlags<ButtonsFields>),
    /// An interactive list: sections of rows; picks come back as message.received webhooks.
    #[command(
        after_help = "Example:\n  wasphere send list --to 923001234567 --title 'Choose your plan' \\\n      --text 'Select below:' --button-text 'View Options' \\\n      --section Plans --row 'free=Free=Basic' --row 'pro=Pro=Full access'\n\nEach --row belongs to the --section before it."
    )]
    List(SendFlags<ListFields>),
    /// An image that disappears after one view.
    #[command(
        after_help = "Example:\n  wasphere send view-once --to 923001234567 \\\n      --url https://yourcdn.com/otp.jpg --caption 'Your code'"
    )]
    ViewOnce(SendFlags<Captioned<ViewOnce>>),
    /// An emoji reaction to an earlier message (--emoji '' removes it).
    #[command(
        after_help = "Example:\n  wasphere send reaction --to 923001234567 \\\n      --message-id 3EB0C767D097B7C7A5C1 --emoji 👍"
    )]
    Reaction(SendFlags<ReactionFields>),
}

/// The flags of `send <type>`: those every type shares, the type's own fields `F`, and
/// where to send, in that order in `--help`.
#[derive(Debug, Args)]
pub(crate) struct SendFlags<F: Args> {
    #[command(flatten)]
    pub(crate) common: SendCommon,
    #[command(flatten)]
    pub(crate) fields: F,
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}

/// The fields of `send text`.
#[derive(Debug, Args)]
pub(crate) struct TextFields {
    /// The text, 1 to 65536 characters.
    #[arg(long, required_unless_present = "json", conflicts_with = "json")]
    pub(crate) text: Option<String>,
    /// The id of a message to quote (reply to); --reply-to says the same.
    #[arg(
        long,
        visible_alias = "reply-to",
        value_name = "MESSAGE_ID",
        conflicts_with = "json"
    )]
    pub(crate) quoted_id: Option<String>,
}

/// The fields of `send audio`.
#[derive(Debug, Args)]
pub(crate) struct AudioFields {
    /// The audio: an https URL or a base64 data URI.
    #[arg(long, required_unless_present = "json", conflicts_with = "json")]
    pub(crate) url: Option<String>,
    /// Show a voice-note waveform (`--voice-note`, or `--voice-note=false` for an attachment).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", conflicts_with = "json")]
    pub(crate) voice_note: Option<bool>,
}

/// The fields of `send document`.
#[derive(Debug, Args)]
pub(crate) struct DocumentFields {
    /// The file: an https URL or a base64 data URI.
    #[arg(long, required_unless_present = "json", conflicts_with = "json")]
    pub(crate) url: Option<String>,
    /// The name the recipient sees, 1 to 255 characters.
    #[arg(long, required_unless_present = "json", conflicts_with = "json")]
    pub(crate) file_name: Option<String>,
    /// The MIME type (type/subtype); inferred from --file-name when omitted.
    #[arg(long, conflicts_with = "json")]
    pub(crate) mimetype: Option<String>,
}

/// The fields of `send sticker`.
#[derive(Debug, Args)]
pub(crate) struct StickerFields {
    /// The image: an https URL or a base64 data URI (PNG or JPG).
    #[arg(long, required_unless_present = "json", conflicts_with = "json")]
    pub(crate) url: Option<String>,
}

/// The fields of `send location`.
#[derive(Debug, Args)]
pub(crate) struct LocationFields {
    /// Latitude, -90 to 90.
    #[arg(
        long,
        allow_negative_numbers = true,
        required_unless_present = "json",
        conflicts_with = "json"
    )]
    pub(crate) latitude: Option<f64>,
    /// Longitude, -180 to 180.
    #[arg(
        long,
        allow_negative_numbers = true,
        required_unless_present = "json",
        conflicts_with = "json"
    )]
    pub(crate) longitude: Option<f64>,
    /// The place's name, at most 255 characters.
    #[arg(long, conflicts_with = "json")]
    pub(crate) name: Option<String>,
    /// The place's address, at most 512 characters.
    #[arg(long, conflicts_with = "json")]
    pub(crate) address: Option<String>,
}

/// The fields of `send contact`.
#[derive(Debug, Args)]
pub(crate) struct ContactFields {
    /// The contact's name, 1 to 100 Latin letters, digits, spaces and ' + - ( ) . ,
    #[arg(long, required_unless_present = "json", conflicts_with = "json")]
    pub(crate) display_name: Option<String>,
    /// The contact's number (digits, +, - and spaces; a leading + is fine here).
    #[arg(long, required_unless_present = "json", conflicts_with = "json")]
    pub(crate) phone_number: Option<String>,
}

/// The fields of `send poll`.
#[derive(Debug, Args)]
pub(crate) struct PollFields {
    /// The question, 1 to 255 characters.
    #[arg(long, required_unless_present = "json", conflicts_with = "json")]
    pub(crate) name: Option<String>,
    /// An option (repeat 2 to 12 times).
    #[arg(long = "option", value_name = "OPTION", conflicts_with = "json")]
    pub(crate) options: Vec<String>,
    /// How many options a voter may pick (1 to 12, default 1).
    #[arg(long, value_name = "N", conflicts_with = "json")]
    pub(crate) selectable_count: Option<i64>,
}

/// The fields of `send buttons`.
#[derive(Debug, Args)]
pub(crate) struct ButtonsFields {
    /// The message body, 1 to 1024 characters.
    #[arg(long, required_unless_present = "json", conflicts_with = "json")]
    pub(crate) text: Option<String>,
    /// The footer, 1 to 60 characters (the server requires it).
    #[arg(long, required_unless_present = "json", conflicts_with = "json")]
    pub(crate) footer: Option<String>,
    /// A button as ID=TEXT (repeat 1 to 3 times); the id comes back when it is tapped.
    #[arg(long = "button", value_name = "ID=TEXT", value_parser = parse_button, conflicts_with = "json")]
    pub(crate) buttons: Vec<ButtonSpec>,
}

/// The fields of `send list`.
#[derive(Debug, Args)]
pub(crate) struct ListFields {
    /// The title, 1 to 60 characters (required).
    #[arg(long, required_unless_present = "json", conflicts_with = "json")]
    pub(crate) title: Option<String>,
    /// The message body, 1 to 1024 characters.
    #[arg(long, required_unless_present = "json", conflicts_with = "json")]
    pub(crate) text: Option<String>,
    /// The label of the button that opens the list, 1 to 20 characters.
    #[arg(long, required_unless_present = "json", conflicts_with = "json")]
    pub(crate) button_text: Option<String>,
    /// Starts a section titled TITLE (1 to 24 characters); the --row flags after it fill it.
    #[arg(long = "section", value_name = "TITLE", conflicts_with = "json")]
    pub(crate) sections: Vec<String>,
    /// A row of the preceding --section, as ID=TITLE or ID=TITLE=DESCRIPTION.
    #[arg(long = "row", value_name = "ID=TITLE[=DESCRIPTION]", value_parser = parse_row, conflicts_with = "json")]
    pub(crate) rows: Vec<RowSpec>,
}

/// The fields of `send reaction`.
#[derive(Debug, Args)]
pub(crate) struct ReactionFields {
    /// The id of the message to react to.
    #[arg(long, required_unless_present = "json", conflicts_with = "json")]
    pub(crate) message_id: Option<String>,
    /// One emoji, or '' to remove the reaction.
    #[arg(long, required_unless_present = "json", conflicts_with = "json")]
    pub(crate) emoji: Option<String>,
    /// The message being reacted to is one you sent.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", conflicts_with = "json")]
    pub(crate) from_me: Option<bool>,
}

/// The fields of image, video, gif and view-once: `url` and `caption`. `M` is the
/// message type they make (`wasphere_types::Image`, …).
#[derive(Debug, Args)]
pub(crate) struct Captioned<M: 'static + Send + Sync> {
    /// The media: an https URL or a base64 data URI.
    #[arg(long, required_unless_present = "json", conflicts_with = "json")]
    pub(crate) url: Option<String>,
    /// A caption, at most 1024 characters.
    #[arg(long, conflicts_with = "json")]
    pub(crate) caption: Option<String>,
    #[arg(skip)]
    pub(crate) kind: PhantomData<M>,
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
    // As `help`, not a doc comment, so that the URL stays plain text in --help and is no
    // bare link for rustdoc.
    #[arg(
        long,
        value_name = "URL",
        help = "Your WaSphere deployment, e.g. https://api.yourdomain.com [env: WASPHERE_BASE_URL]"
    )]
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
    // Boxed: every send subcommand carries it, and it would make them all much larger
    // than the other commands.
    #[command(flatten)]
    pub(crate) shared_limit: Box<SharedLimitArgs>,
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

/// `500ms`, `10s`, `2m`, `1h 30m`: a number and a unit, as humantime reads them.
pub(crate) fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s).map_err(|_| {
        format!("{s:?} is not a duration: write a number and a unit, e.g. 500ms, 10s or 2m")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// Issue 12, item 12: `--timeout abc` said "expected number at 0".
    #[test]
    fn durations_say_what_they_look_like() {
        assert_eq!(parse_duration("1m 30s").unwrap(), Duration::from_secs(90));
        for bad in ["abc", "10", "-1s"] {
            let e = parse_duration(bad).unwrap_err();
            assert!(e.contains("is not a duration") && e.contains("10s"), "{e}");
            assert!(!e.contains(" at "), "{e}");
        }
    }
}
