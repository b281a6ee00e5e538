//! Building a `Message` from `send <type>` flags, or from a `--json` body.

use clap::ArgMatches;
use wasphere_types::{
    Audio, Buttons, Contact, Document, Gif, Image, List, ListRow, ListSection, Location, Message,
    MessageType, Poll, Reaction, Sticker, Text, Video, ViewOnce,
};

use crate::cli::{CaptionedMedia, ConnectionArgs, RowSpec, SendCommon, SendMessage};
use crate::failure::Failure;
use crate::mimetype;

/// The message type, and the flags every type shares.
pub(crate) fn split(message: &SendMessage) -> (MessageType, &SendCommon, &ConnectionArgs) {
    use SendMessage as S;
    match message {
        S::Text {
            common, connection, ..
        } => (MessageType::Text, common, connection),
        S::Image {
            common, connection, ..
        } => (MessageType::Image, common, connection),
        S::Video {
            common, connection, ..
        } => (MessageType::Video, common, connection),
        S::Audio {
            common, connection, ..
        } => (MessageType::Audio, common, connection),
        S::Document {
            common, connection, ..
        } => (MessageType::Document, common, connection),
        S::Gif {
            common, connection, ..
        } => (MessageType::Gif, common, connection),
        S::Sticker {
            common, connection, ..
        } => (MessageType::Sticker, common, connection),
        S::Location {
            common, connection, ..
        } => (MessageType::Location, common, connection),
        S::Contact {
            common, connection, ..
        } => (MessageType::Contact, common, connection),
        S::Poll {
            common, connection, ..
        } => (MessageType::Poll, common, connection),
        S::Buttons {
            common, connection, ..
        } => (MessageType::Buttons, common, connection),
        S::List {
            common, connection, ..
        } => (MessageType::List, common, connection),
        S::ViewOnce {
            common, connection, ..
        } => (MessageType::ViewOnce, common, connection),
        S::Reaction {
            common, connection, ..
        } => (MessageType::Reaction, common, connection),
    }
}

/// The message the flags describe, with `to` as given (normalised later). clap has
/// already insisted on the required flags (they are only optional beside `--json`), so
/// a missing one here becomes an empty string that validation reports by name.
pub(crate) fn from_flags(
    message: &SendMessage,
    matches: Option<&ArgMatches>,
) -> Result<Message, Failure> {
    use SendMessage as S;
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    Ok(match message {
        S::Text {
            text,
            quoted_id,
            common,
            ..
        } => Message::Text(Text {
            quoted_id: quoted_id.clone(),
            ..Text::new(s(&common.to), s(text))
        }),
        S::Image { media, common, .. } => {
            Message::Image(captioned(Image::new, media, common, |m| &mut m.caption))
        }
        S::Video { media, common, .. } => {
            Message::Video(captioned(Video::new, media, common, |m| &mut m.caption))
        }
        S::Gif { media, common, .. } => {
            Message::Gif(captioned(Gif::new, media, common, |m| &mut m.caption))
        }
        S::ViewOnce { media, common, .. } => {
            Message::ViewOnce(captioned(ViewOnce::new, media, common, |m| &mut m.caption))
        }
        S::Audio {
            url,
            voice_note,
            common,
            ..
        } => Message::Audio(Audio {
            is_voice_note: *voice_note,
            ..Audio::new(s(&common.to), s(url))
        }),
        S::Document {
            url,
            file_name,
            mimetype,
            common,
            ..
        } => {
            let file_name = s(file_name);
            let mimetype = match mimetype {
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
            Message::Document(Document::new(s(&common.to), s(url), file_name, mimetype))
        }
        S::Sticker { url, common, .. } => Message::Sticker(Sticker::new(s(&common.to), s(url))),
        S::Location {
            latitude,
            longitude,
            name,
            address,
            common,
            ..
        } => Message::Location(Location {
            name: name.clone(),
            address: address.clone(),
            ..Location::new(
                s(&common.to),
                latitude.unwrap_or_default(),
                longitude.unwrap_or_default(),
            )
        }),
        S::Contact {
            display_name,
            phone_number,
            common,
            ..
        } => Message::Contact(Contact::new(
            s(&common.to),
            s(display_name),
            s(phone_number),
        )),
        S::Poll {
            name,
            options,
            selectable_count,
            common,
            ..
        } => Message::Poll(Poll {
            selectable_count: *selectable_count,
            ..Poll::new(s(&common.to), s(name), options.iter().cloned())
        }),
        S::Buttons {
            text,
            footer,
            buttons,
            common,
            ..
        } => {
            let mut m = Buttons::new(s(&common.to), s(text), s(footer));
            for b in buttons {
                m = m.button(b.id.clone(), b.text.clone());
            }
            Message::Buttons(m)
        }
        S::List {
            title,
            text,
            button_text,
            sections,
            rows,
            common,
            ..
        } => {
            let mut list = List::new(s(&common.to), s(title), s(text), s(button_text));
            list.sections = sections_in_order(sections, rows, matches)?;
            Message::List(list)
        }
        S::Reaction {
            message_id,
            emoji,
            from_me,
            common,
            ..
        } => Message::Reaction(Reaction {
            from_me: *from_me,
            ..Reaction::new(s(&common.to), s(message_id), s(emoji))
        }),
    })
}

fn captioned<M>(
    new: fn(String, String) -> M,
    media: &CaptionedMedia,
    common: &SendCommon,
    caption: fn(&mut M) -> &mut Option<String>,
) -> M {
    let mut m = new(
        common.to.clone().unwrap_or_default(),
        media.url.clone().unwrap_or_default(),
    );
    *caption(&mut m) = media.caption.clone();
    m
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
        from_flags(&send.message, sub)
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
