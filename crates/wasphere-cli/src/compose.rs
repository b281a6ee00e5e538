//! Building a `Message` from the flags of `send <type>`: each type's fields know how to
//! make their message, and [`request`] finds the flags of the type that was chosen.

use clap::{ArgMatches, Args};
use wasphere_types::{
    Audio, Buttons, Contact, Document, Gif, Image, List, ListRow, ListSection, Location, Message,
    MessageType, Poll, Reaction, Sticker, Text, Video, ViewOnce,
};

use crate::failure::Failure;
use crate::mimetype;
use crate::send_flags::{
    AudioFields, ButtonsFields, Captioned, ConnectionArgs, ContactFields, DocumentFields,
    ListFields, LocationFields, PollFields, ReactionFields, RowSpec, SendCommon, SendFlags,
    SendMessage, StickerFields, TextFields,
};

/// One `send <type>` as given: its type, its shared flags, and the message its own flags
/// describe.
pub(crate) trait SendRequest {
    /// The message type chosen.
    fn message_type(&self) -> MessageType;
    /// The flags every type shares.
    fn common(&self) -> &SendCommon;
    /// Where to send.
    fn connection(&self) -> &ConnectionArgs;
    /// The message the flags describe, with `to` as given (normalised later). `matches`
    /// are the subcommand's, for what derive cannot say (the order of `--section` and
    /// `--row`).
    fn compose(&self, matches: Option<&ArgMatches>) -> Result<Message, Failure>;
}

/// The flags of `send <type>`, whichever type was chosen.
pub(crate) fn request(message: &SendMessage) -> &dyn SendRequest {
    use SendMessage as S;
    match message {
        S::Text(flags) => flags,
        S::Image(flags) => flags,
        S::Video(flags) => flags,
        S::Audio(flags) => flags,
        S::Document(flags) => flags,
        S::Gif(flags) => flags,
        S::Sticker(flags) => flags,
        S::Location(flags) => flags,
        S::Contact(flags) => flags,
        S::Poll(flags) => flags,
        S::Buttons(flags) => flags,
        S::List(flags) => flags,
        S::ViewOnce(flags) => flags,
        S::Reaction(flags) => flags,
    }
}

/// The fields of one message type, as flags.
pub(crate) trait Fields: Args {
    /// The type they make.
    const TYPE: MessageType;
    /// The message, to `to`. clap has already insisted on the required flags (they are
    /// only optional beside `--json`), so a missing one here becomes an empty string that
    /// validation reports by name.
    fn compose(&self, to: String, matches: Option<&ArgMatches>) -> Result<Message, Failure>;
}

impl<F: Fields> SendRequest for SendFlags<F> {
    fn message_type(&self) -> MessageType {
        F::TYPE
    }

    fn common(&self) -> &SendCommon {
        &self.common
    }

    fn connection(&self) -> &ConnectionArgs {
        &self.connection
    }

    fn compose(&self, matches: Option<&ArgMatches>) -> Result<Message, Failure> {
        let to = self.common.to.clone().unwrap_or_default();
        self.fields.compose(to, matches)
    }
}

/// A flag's value, or empty when it was not given.
fn given(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

impl Fields for TextFields {
    const TYPE: MessageType = MessageType::Text;

    fn compose(&self, to: String, _: Option<&ArgMatches>) -> Result<Message, Failure> {
        Ok(Message::Text(Text {
            quoted_id: self.quoted_id.clone(),
            ..Text::new(to, given(&self.text))
        }))
    }
}

/// The four messages made of a media URL and a caption.
pub(crate) trait CaptionedMessage: Into<Message> + Send + Sync + 'static {
    /// Their type.
    const TYPE: MessageType;
    /// The message, with `caption`.
    fn captioned(to: String, url: String, caption: Option<String>) -> Self;
}

macro_rules! captioned_messages {
    ($($message:ident),*) => {$(
        impl CaptionedMessage for $message {
            const TYPE: MessageType = MessageType::$message;

            fn captioned(to: String, url: String, caption: Option<String>) -> Self {
                $message {
                    caption,
                    ..$message::new(to, url)
                }
            }
        }
    )*};
}

captioned_messages!(Image, Video, Gif, ViewOnce);

impl<M: CaptionedMessage> Fields for Captioned<M> {
    const TYPE: MessageType = M::TYPE;

    fn compose(&self, to: String, _: Option<&ArgMatches>) -> Result<Message, Failure> {
        Ok(M::captioned(to, given(&self.url), self.caption.clone()).into())
    }
}

impl Fields for AudioFields {
    const TYPE: MessageType = MessageType::Audio;

    fn compose(&self, to: String, _: Option<&ArgMatches>) -> Result<Message, Failure> {
        Ok(Message::Audio(Audio {
            is_voice_note: self.voice_note,
            ..Audio::new(to, given(&self.url))
        }))
    }
}

impl Fields for DocumentFields {
    const TYPE: MessageType = MessageType::Document;

    fn compose(&self, to: String, _: Option<&ArgMatches>) -> Result<Message, Failure> {
        let file_name = given(&self.file_name);
        let mimetype = match &self.mimetype {
            Some(m) => m.clone(),
            None => mimetype::from_file_name(&file_name)
                .ok_or_else(|| {
                    Failure::invalid(format!(
                        "--mimetype is required: it cannot be inferred from --file-name {file_name:?} (unknown or missing extension)"
                    ))
                    .hint("pass it, e.g. --mimetype application/pdf")
                })?
                .to_owned(),
        };
        Ok(Message::Document(Document::new(
            to,
            given(&self.url),
            file_name,
            mimetype,
        )))
    }
}

impl Fields for StickerFields {
    const TYPE: MessageType = MessageType::Sticker;

    fn compose(&self, to: String, _: Option<&ArgMatches>) -> Result<Message, Failure> {
        Ok(Message::Sticker(Sticker::new(to, given(&self.url))))
    }
}

impl Fields for LocationFields {
    const TYPE: MessageType = MessageType::Location;

    fn compose(&self, to: String, _: Option<&ArgMatches>) -> Result<Message, Failure> {
        Ok(Message::Location(Location {
            name: self.name.clone(),
            address: self.address.clone(),
            ..Location::new(
                to,
                self.latitude.unwrap_or_default(),
                self.longitude.unwrap_or_default(),
            )
        }))
    }
}

impl Fields for ContactFields {
    const TYPE: MessageType = MessageType::Contact;

    fn compose(&self, to: String, _: Option<&ArgMatches>) -> Result<Message, Failure> {
        Ok(Message::Contact(Contact::new(
            to,
            given(&self.display_name),
            given(&self.phone_number),
        )))
    }
}

impl Fields for PollFields {
    const TYPE: MessageType = MessageType::Poll;

    fn compose(&self, to: String, _: Option<&ArgMatches>) -> Result<Message, Failure> {
        Ok(Message::Poll(Poll {
            selectable_count: self.selectable_count,
            ..Poll::new(to, given(&self.name), self.options.iter().cloned())
        }))
    }
}

impl Fields for ButtonsFields {
    const TYPE: MessageType = MessageType::Buttons;

    fn compose(&self, to: String, _: Option<&ArgMatches>) -> Result<Message, Failure> {
        let mut buttons = Buttons::new(to, given(&self.text), given(&self.footer));
        for b in &self.buttons {
            buttons = buttons.button(b.id.clone(), b.text.clone());
        }
        Ok(Message::Buttons(buttons))
    }
}

impl Fields for ListFields {
    const TYPE: MessageType = MessageType::List;

    fn compose(&self, to: String, matches: Option<&ArgMatches>) -> Result<Message, Failure> {
        let mut list = List::new(
            to,
            given(&self.title),
            given(&self.text),
            given(&self.button_text),
        );
        list.sections = sections_in_order(&self.sections, &self.rows, matches)?;
        Ok(Message::List(list))
    }
}

impl Fields for ReactionFields {
    const TYPE: MessageType = MessageType::Reaction;

    fn compose(&self, to: String, _: Option<&ArgMatches>) -> Result<Message, Failure> {
        Ok(Message::Reaction(Reaction {
            from_me: self.from_me,
            ..Reaction::new(to, given(&self.message_id), given(&self.emoji))
        }))
    }
}

/// Puts each `--row` in the `--section` given before it on the command line. clap keeps
/// the two lists apart, so their positions among all arguments say which goes where.
fn sections_in_order(
    titles: &[String],
    rows: &[RowSpec],
    matches: Option<&ArgMatches>,
) -> Result<Vec<ListSection>, Failure> {
    let positions = |id: &str| -> Vec<usize> {
        matches
            .and_then(|m| m.indices_of(id))
            .map(Iterator::collect)
            .unwrap_or_default()
    };
    let section_at = positions("sections");
    let row_at = positions("rows");
    let mut sections: Vec<ListSection> = titles.iter().map(ListSection::new).collect();
    for (i, row) in rows.iter().enumerate() {
        let at = row_at.get(i).copied().unwrap_or(usize::MAX);
        let owner = section_at.iter().rposition(|&s| s < at);
        let Some(owner) = owner else {
            return Err(Failure::invalid(format!(
                "--row {:?} comes before any --section: put `--section TITLE` first",
                row.id
            )));
        };
        sections[owner].rows.push(ListRow {
            id: row.id.clone(),
            title: row.title.clone(),
            description: row.description.clone(),
        });
    }
    Ok(sections)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::{CommandFactory, FromArgMatches};

    fn compose(args: &[&str]) -> Result<Message, Failure> {
        let mut argv = vec!["wasphere", "send"];
        argv.extend_from_slice(args);
        let matches = Cli::command().try_get_matches_from(argv).unwrap();
        let cli = Cli::from_arg_matches(&matches).unwrap();
        let Command::Send(send) = cli.command else {
            panic!("not send")
        };
        let sub = matches
            .subcommand_matches("send")
            .and_then(|m| m.subcommand())
            .map(|(_, m)| m);
        request(&send.message).compose(sub)
    }

    fn body(m: &Message) -> serde_json::Value {
        serde_json::from_slice(&m.to_json()).unwrap()
    }

    #[test]
    fn rows_join_the_section_before_them() {
        let m = compose(&[
            "list",
            "--to",
            "923001234567",
            "--title",
            "T",
            "--text",
            "x",
            "--button-text",
            "Open",
            "--section",
            "A",
            "--row",
            "a1=One",
            "--row",
            "a2=Two=Second",
            "--section",
            "B",
            "--row",
            "b1=Three",
        ])
        .unwrap();
        let v = body(&m);
        assert_eq!(v["sections"][0]["rows"][1]["description"], "Second");
        assert_eq!(v["sections"][0]["rows"].as_array().unwrap().len(), 2);
        assert_eq!(v["sections"][1]["rows"][0]["id"], "b1");
        assert!(m.validate().is_ok());
    }

    #[test]
    fn a_row_before_any_section_is_refused() {
        let err = compose(&[
            "list",
            "--to",
            "1",
            "--title",
            "T",
            "--text",
            "x",
            "--button-text",
            "O",
            "--row",
            "a=A",
            "--section",
            "S",
        ])
        .unwrap_err();
        assert!(
            err.message.contains("before any --section"),
            "{}",
            err.message
        );
    }

    #[test]
    fn mimetype_is_inferred_or_demanded() {
        let m = compose(&[
            "document",
            "--to",
            "1",
            "--url",
            "https://a.io/f",
            "--file-name",
            "report.PDF",
        ])
        .unwrap();
        assert_eq!(body(&m)["mimetype"], "application/pdf");
        let err = compose(&[
            "document",
            "--to",
            "1",
            "--url",
            "https://a.io/f",
            "--file-name",
            "blob",
        ])
        .unwrap_err();
        assert!(err.message.contains("--mimetype"), "{}", err.message);
    }

    #[test]
    fn flags_build_the_documented_bodies() {
        let cases: [(&[&str], MessageType); 5] = [
            (
                &[
                    "poll",
                    "--to",
                    "923001234567",
                    "--name",
                    "Question?",
                    "--option",
                    "Yes",
                    "--option",
                    "No",
                    "--option",
                    "Maybe",
                    "--selectable-count",
                    "1",
                ],
                MessageType::Poll,
            ),
            (
                &[
                    "buttons",
                    "--to",
                    "923001234567",
                    "--text",
                    "Choose:",
                    "--footer",
                    "WaSphere",
                    "--button",
                    "btn1=Option A",
                    "--button",
                    "btn2=Option B",
                ],
                MessageType::Buttons,
            ),
            (
                &[
                    "location",
                    "--to",
                    "923001234567",
                    "--latitude",
                    "33.6844",
                    "--longitude",
                    "73.0479",
                    "--name",
                    "Islamabad",
                    "--address",
                    "Capital Territory, Pakistan",
                ],
                MessageType::Location,
            ),
            (
                &[
                    "audio",
                    "--to",
                    "923001234567",
                    "--url",
                    "https://yourcdn.com/audio/greeting.ogg",
                    "--voice-note=false",
                ],
                MessageType::Audio,
            ),
            (
                &[
                    "reaction",
                    "--to",
                    "923001234567",
                    "--message-id",
                    "3EB0C767D097B7C7A5C1",
                    "--emoji",
                    "👍",
                ],
                MessageType::Reaction,
            ),
        ];
        for (args, t) in cases {
            let m = compose(args).unwrap();
            let expected: serde_json::Value =
                serde_json::from_str(wasphere_types::documented_example(t)).unwrap();
            assert_eq!(body(&m), expected, "{t}");
        }
    }

    #[test]
    fn negative_coordinates_are_numbers_not_flags() {
        let m = compose(&[
            "location",
            "--to",
            "1",
            "--latitude",
            "-33.8688",
            "--longitude",
            "-151.2093",
        ])
        .unwrap();
        assert_eq!(body(&m)["longitude"], -151.2093);
    }
}
