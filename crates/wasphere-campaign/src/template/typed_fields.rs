//! The contract's few fields that are numbers or booleans, so a placeholder filled from a
//! text cell (every CSV cell is text) can become the number or boolean the field needs.

use wasphere_types::MessageType;

/// What a field must be, when it is not text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldType {
    Number,
    Integer,
    Boolean,
}

/// The type of the top-level field `path` of a `message_type` body, when it is not text.
pub(crate) fn field_type(message_type: MessageType, path: &str) -> Option<FieldType> {
    match (message_type, path) {
        (MessageType::Location, "latitude" | "longitude") => Some(FieldType::Number),
        (MessageType::Poll, "selectableCount") => Some(FieldType::Integer),
        (MessageType::Audio, "isVoiceNote") | (MessageType::Reaction, "fromMe") => {
            Some(FieldType::Boolean)
        }
        _ => None,
    }
}

/// `text` as the JSON value a field of type `t` needs, when it reads as one; otherwise
/// `None`, and validation reports the field's type.
pub(crate) fn coerce(t: FieldType, text: &str) -> Option<serde_json::Value> {
    let text = text.trim();
    match t {
        FieldType::Number => {
            let n: f64 = text.parse().ok()?;
            serde_json::Number::from_f64(n).map(serde_json::Value::Number)
        }
        FieldType::Integer => text.parse::<i64>().ok().map(serde_json::Value::from),
        FieldType::Boolean => match text.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Some(serde_json::Value::Bool(true)),
            "false" | "0" | "no" => Some(serde_json::Value::Bool(false)),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_becomes_numbers_and_booleans_only_when_it_reads_as_one() {
        assert_eq!(
            coerce(FieldType::Number, " 24.86 "),
            Some(serde_json::json!(24.86))
        );
        assert_eq!(coerce(FieldType::Number, "north"), None);
        assert_eq!(coerce(FieldType::Number, "NaN"), None);
        assert_eq!(coerce(FieldType::Integer, "2"), Some(serde_json::json!(2)));
        assert_eq!(coerce(FieldType::Integer, "2.5"), None);
        assert_eq!(
            coerce(FieldType::Boolean, "TRUE"),
            Some(serde_json::json!(true))
        );
        assert_eq!(coerce(FieldType::Boolean, "maybe"), None);
        assert_eq!(field_type(MessageType::Text, "latitude"), None);
        assert_eq!(
            field_type(MessageType::Location, "latitude"),
            Some(FieldType::Number)
        );
    }
}
