//! `wasphere validate [--type T] FILE|-`: every reason the server (or this tool) would
//! refuse a body, offline.

use std::path::Path;

use serde_json::json;
use wasphere_types::{Message, MessageType, Rule};

use crate::cli::ValidateArgs;
use crate::failure::Failure;
use crate::input;
use crate::output::Output;

/// Checks the body; exit 0 when valid, 2 with every violation otherwise.
pub(crate) fn run(args: &ValidateArgs, out: &Output) -> Result<(), Failure> {
    let body = input::read(&args.file, "the body")?;
    let candidates = match args
        .message_type
        .or_else(|| type_from_file_name(&args.file))
    {
        Some(t) => vec![t],
        None => infer(&body)?,
    };
    // Bodies that parse as several types (image, video, gif and view-once share their
    // fields) get the same verdict from each, so the first one speaks for all.
    let first = candidates[0];
    Message::parse_valid(first, &body)
        .map_err(|e| invalid(first, &candidates, e, args.message_type.is_none()))?;
    let slugs: Vec<&str> = candidates.iter().map(|t| t.as_str()).collect();
    if out.is_json() {
        out.json(&json!({ "valid": true, "types": slugs }));
    } else if let [one] = slugs.as_slice() {
        out.line(&format!("valid {one} message"));
    } else {
        out.line(&format!("valid as any of: {}", slugs.join(", ")));
    }
    Ok(())
}

fn invalid(
    t: MessageType,
    candidates: &[MessageType],
    err: wasphere_types::ValidationError,
    inferred: bool,
) -> Failure {
    let server_accepts = !err.server_would_reject();
    let mut f = Failure::validation(&format!("the {t} message"), err);
    if server_accepts {
        f = f.hint("only this tool's stricter rules fail: the server would accept this body");
    } else if inferred && candidates.len() == 1 {
        f = f.hint(format!(
            "read as {t} from its name or fields; pass --type to choose"
        ));
    }
    f
}

/// `buttons.json`, `view-once.example.json` → the type named by the file.
fn type_from_file_name(path: &Path) -> Option<MessageType> {
    let name = path.file_name()?.to_str()?;
    name.split('.').next()?.parse().ok()
}

/// The types whose fields the body has. None at all: the JSON is broken (reported as
/// such) or matches no type.
fn infer(body: &[u8]) -> Result<Vec<MessageType>, Failure> {
    let fits: Vec<MessageType> = MessageType::ALL
        .into_iter()
        .filter(|&t| Message::parse(t, body).is_ok())
        .collect();
    if !fits.is_empty() {
        return Ok(fits);
    }
    if let Err(e) = Message::parse(MessageType::Text, body)
        && e.violations
            .iter()
            .any(|v| matches!(v.rule, Rule::InvalidJson { .. }))
    {
        return Err(Failure::validation("the body", e));
    }
    Err(
        Failure::invalid("the body's fields match no message type, so it cannot be checked")
            .hint("pass --type TYPE to see which fields are wrong for that type"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasphere_types::documented_example;

    #[test]
    fn file_names_name_types() {
        assert_eq!(
            type_from_file_name(Path::new("dir/view-once.json")),
            Some(MessageType::ViewOnce)
        );
        assert_eq!(
            type_from_file_name(Path::new("list.example.json")),
            Some(MessageType::List)
        );
        assert_eq!(type_from_file_name(Path::new("body.json")), None);
        assert_eq!(type_from_file_name(Path::new("-")), None);
    }

    #[test]
    fn every_documented_example_is_recognised() {
        for t in MessageType::ALL {
            let fits = infer(documented_example(t).as_bytes()).unwrap();
            assert!(fits.contains(&t), "{t}: {fits:?}");
        }
        let media = infer(documented_example(MessageType::Image).as_bytes()).unwrap();
        assert_eq!(
            media,
            [
                MessageType::Image,
                MessageType::Video,
                MessageType::Gif,
                MessageType::ViewOnce
            ]
        );
    }

    #[test]
    fn broken_json_is_reported_as_such() {
        let f = infer(b"{\"to\":").unwrap_err();
        assert!(matches!(f.violations[0].rule, Rule::InvalidJson { .. }));
        let f = infer(br#"{"to":"1","colour":"red"}"#).unwrap_err();
        assert!(f.message.contains("match no message type"));
    }
}
