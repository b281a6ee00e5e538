//! The flags of the operations on messages beside the sends: `wasphere message edit |
//! delete | read`, `wasphere typing` and `wasphere presence`, each with the connection
//! flags of `send`.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Subcommand};
use wasphere_types::Presence;

use crate::send_flags::ConnectionArgs;

/// `wasphere message …`.
#[derive(Debug, Subcommand)]
pub(crate) enum MessageCommand {
    /// Replace the text of a message you sent.
    #[command(after_help = EDIT_EXAMPLES)]
    Edit(EditArgs),
    /// Recall a message you sent, for everyone.
    #[command(after_help = DELETE_EXAMPLES)]
    Delete(DeleteArgs),
    /// Mark messages you received read (the sender sees blue ticks).
    #[command(after_help = READ_EXAMPLES)]
    Read(ReadArgs),
}

const EDIT_EXAMPLES: &str = "\
Example:
  wasphere message edit 3EB0C767D097B7C7A5C1 --to 923001234567 \\
      --text 'Your order ships on *Tuesday*'

Prints the id of the edit (WhatsApp sends it as a message of its own). Exit codes as for
`wasphere send`; 6 when the session's provider (the Meta Cloud API) cannot edit.";

const DELETE_EXAMPLES: &str = "\
Example:
  wasphere message delete 3EB0C767D097B7C7A5C1 --to 923001234567

The message is deleted for everyone. There is no \"delete for me\": the server deletes for
everyone whatever it is asked, so this tool only offers what really happens.";

const READ_EXAMPLES: &str = "\
Example:
  wasphere message read --to 923001234567 \\
      3EB0C767D097B7C7A5C1 3EB0C767D097B7C7A5C2

1 to 100 ids of messages received from --to.";

const TYPING_EXAMPLES: &str = "\
Examples:
  wasphere typing --to 923001234567
  wasphere typing --to 120363025246125486@g.us --group

The server sends \"paused\" by itself 3 seconds later.";

const PRESENCE_EXAMPLES: &str = "\
Examples:
  wasphere presence --to 923001234567 composing
  wasphere presence --to 923001234567 paused";

/// The flags every operation shares.
#[derive(Debug, Args)]
pub(crate) struct OperationCommon {
    /// The chat: an international number (spaces, dashes and a leading + are removed, with a notice) or a WhatsApp JID.
    #[arg(long)]
    pub(crate) to: String,
    /// Print the request (method, URL, headers with the key redacted, body) and send nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

/// `wasphere message edit`.
#[derive(Debug, Args)]
pub(crate) struct EditArgs {
    /// The id of the message to edit (a send printed it).
    #[arg(value_name = "MESSAGE_ID")]
    pub(crate) id: String,
    #[command(flatten)]
    pub(crate) common: OperationCommon,
    /// The new text, 1 to 65536 characters.
    #[arg(long)]
    pub(crate) text: String,
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}

/// `wasphere message delete`.
#[derive(Debug, Args)]
pub(crate) struct DeleteArgs {
    /// The id of the message to delete for everyone (a send printed it).
    #[arg(value_name = "MESSAGE_ID")]
    pub(crate) id: String,
    #[command(flatten)]
    pub(crate) common: OperationCommon,
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}

/// `wasphere message read`.
#[derive(Debug, Args)]
pub(crate) struct ReadArgs {
    /// The ids of the messages to mark read (1 to 100).
    #[arg(value_name = "MESSAGE_ID", required = true, num_args = 1..)]
    pub(crate) ids: Vec<String>,
    #[command(flatten)]
    pub(crate) common: OperationCommon,
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}

/// `wasphere typing`.
#[derive(Debug, Args)]
#[command(after_help = TYPING_EXAMPLES)]
pub(crate) struct TypingArgs {
    #[command(flatten)]
    pub(crate) common: OperationCommon,
    /// The chat is a group.
    #[arg(long)]
    pub(crate) group: bool,
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}

/// `wasphere presence`.
#[derive(Debug, Args)]
#[command(after_help = PRESENCE_EXAMPLES)]
pub(crate) struct PresenceArgs {
    /// What the chat shows: available, unavailable, composing (typing…), recording or paused.
    #[arg(value_name = "PRESENCE", value_parser = presence_parser())]
    pub(crate) presence: Presence,
    #[command(flatten)]
    pub(crate) common: OperationCommon,
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}

/// The five presences as clap's possible values (for `--help` and completions).
fn presence_parser() -> impl TypedValueParser<Value = Presence> {
    PossibleValuesParser::new(Presence::ALL.map(Presence::as_str))
        .try_map(|s| s.parse::<Presence>())
}
