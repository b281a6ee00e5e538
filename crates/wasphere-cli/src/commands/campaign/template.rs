//! The campaign's template: `--template FILE` (its type given, or read from the file name
//! or its fields), or a type subcommand with the flags of `send <type>`.

use std::path::Path;

use clap::{ArgMatches, Args};
use wasphere_campaign::Template;
use wasphere_types::{Message, MessageType, Rule};

use crate::campaign_flags::{TemplateArgs, TemplateFlags, TemplateMessage};
use crate::compose::Fields;
use crate::failure::Failure;
use crate::input;

/// The template the arguments describe. `matches` are the type subcommand's, for the order
/// of `--section` and `--row`.
pub(super) fn template(
    args: &TemplateArgs,
    matches: Option<&ArgMatches>,
) -> Result<Template, Failure> {
    let (message_type, text) = match (&args.template, &args.message) {
        (Some(_), Some(_)) => {
            return Err(Failure::invalid(
                "give the template once: --template FILE, or a type with its flags",
            ));
        }
        (None, None) => {
            return Err(Failure::invalid("no template: the message to send is missing").hint(
                "pass --template FILE (a JSON body with {{ column }} placeholders), or a type and its flags, e.g. text --to '{{ phoneNumber }}' --text 'Hello {{ firstName }}'",
            ));
        }
        (Some(path), None) => {
            let text = read(path)?;
            let message_type = match args.message_type.or_else(|| type_from_file_name(path)) {
                Some(t) => t,
                None => infer(&text)?,
            };
            (message_type, text)
        }
        (None, Some(message)) => {
            let request = request(message);
            let text = match request.json() {
                Some(path) => with_to(&read(path)?, request.to())?,
                None => {
                    let message = request.compose(matches)?;
                    serde_json::to_string(&message).map_err(|e| Failure::other(e.to_string()))?
                }
            };
            (request.message_type(), text)
        }
    };
    Template::new(message_type, &text)
        .map_err(|e| Failure::invalid(format!("the {message_type} template cannot be used: {e}")))
}

fn read(path: &Path) -> Result<String, Failure> {
    let bytes = input::read(path, "the template")?;
    String::from_utf8(bytes)
        .map_err(|_| Failure::invalid(format!("{} is not UTF-8 text", path.display())))
}

/// `--to` replaces the template file's `to`, as `send --json` does.
fn with_to(text: &str, to: Option<&str>) -> Result<String, Failure> {
    let Some(to) = to else {
        return Ok(text.to_owned());
    };
    let mut value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| Failure::invalid(format!("the template is not valid JSON: {e}")))?;
    if let Some(fields) = value.as_object_mut() {
        fields.insert("to".to_owned(), serde_json::Value::String(to.to_owned()));
    }
    Ok(value.to_string())
}

/// `buttons.json`, `order-ready.text.json`: a type named by the file (its first or last
/// name part before `.json`).
fn type_from_file_name(path: &Path) -> Option<MessageType> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(".json").unwrap_or(name);
    stem.split('.')
        .next()
        .and_then(|s| s.parse().ok())
        .or_else(|| stem.rsplit('.').next().and_then(|s| s.parse().ok()))
}

/// The one type whose fields the template has (placeholders may leave values of the wrong
/// JSON type, so only unknown and missing fields rule a type out).
fn infer(text: &str) -> Result<MessageType, Failure> {
    let fits: Vec<MessageType> = MessageType::ALL
        .into_iter()
        .filter(|&t| match Message::parse(t, text.as_bytes()) {
            Ok(_) => true,
            Err(e) => !e.violations.iter().any(|v| {
                matches!(
                    v.rule,
                    Rule::UnknownField | Rule::Required | Rule::InvalidJson { .. }
                )
            }),
        })
        .collect();
    match fits.as_slice() {
        [one] => Ok(*one),
        [] => Err(Failure::invalid(
            "the template's fields match no message type (or it is not a JSON object)",
        )
        .hint("pass --type TYPE to see which fields are wrong for that type")),
        many => {
            let names: Vec<&str> = many.iter().map(|t| t.as_str()).collect();
            Err(Failure::invalid(format!(
                "the template fits several message types ({}): say which",
                names.join(", ")
            ))
            .hint("pass --type TYPE, or name the file after the type (image.json)"))
        }
    }
}

/// One type subcommand's flags, whichever type it is.
trait TemplateRequest {
    fn message_type(&self) -> MessageType;
    fn to(&self) -> Option<&str>;
    fn json(&self) -> Option<&Path>;
    fn compose(&self, matches: Option<&ArgMatches>) -> Result<Message, Failure>;
}

impl<F: Fields + Args> TemplateRequest for TemplateFlags<F> {
    fn message_type(&self) -> MessageType {
        F::TYPE
    }

    fn to(&self) -> Option<&str> {
        self.to.as_deref()
    }

    fn json(&self) -> Option<&Path> {
        self.json.as_deref()
    }

    fn compose(&self, matches: Option<&ArgMatches>) -> Result<Message, Failure> {
        self.fields
            .compose(self.to.clone().unwrap_or_default(), matches)
    }
}

fn request(message: &TemplateMessage) -> &dyn TemplateRequest {
    use TemplateMessage as T;
    match message {
        T::Text(flags) => flags,
        T::Image(flags) => flags,
        T::Video(flags) => flags,
        T::Audio(flags) => flags,
        T::Document(flags) => flags,
        T::Gif(flags) => flags,
        T::Sticker(flags) => flags,
        T::Location(flags) => flags,
        T::Contact(flags) => flags,
        T::Poll(flags) => flags,
        T::Buttons(flags) => flags,
        T::List(flags) => flags,
        T::ViewOnce(flags) => flags,
        T::Reaction(flags) => flags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_file_names_or_fields() {
        assert_eq!(
            type_from_file_name(Path::new("t/buttons.json")),
            Some(MessageType::Buttons)
        );
        assert_eq!(
            type_from_file_name(Path::new("order-ready.text.json")),
            Some(MessageType::Text)
        );
        assert_eq!(type_from_file_name(Path::new("order-ready.json")), None);
        assert_eq!(
            infer(r#"{"to": "{{ p }}", "text": "Hi {{ n }}"}"#).unwrap(),
            MessageType::Text
        );
        assert_eq!(
            infer(r#"{"to": "{{ p }}", "latitude": "{{ lat | float }}", "longitude": 3}"#).unwrap(),
            MessageType::Location
        );
        let media = infer(r#"{"to": "{{ p }}", "url": "https://x.io/a.jpg"}"#).unwrap_err();
        assert!(
            media.message.contains("several message types"),
            "{}",
            media.message
        );
        assert!(infer("[1]").is_err());
    }
}
