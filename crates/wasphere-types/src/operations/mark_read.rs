use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use crate::checker::{Checker, Path};
use crate::ids::{MESSAGE_ID_PATTERN, MessageId};
use crate::messages::{check_to, to_schema, validated};
use crate::violation::Rule;

/// `mark-read`: the body of `POST …/messages/read`, which marks received messages read
/// (the sender sees blue ticks).
///
/// ```
/// use wasphere_types::MarkRead;
/// let read = MarkRead::new("923001234567", ["3EB0C767D097B7C7A5C1", "3EB0C767D097B7C7A5C2"]);
/// assert!(read.validate().is_ok());
/// assert!(MarkRead::new("923001234567", Vec::<String>::new()).validate().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "mark-read")]
pub struct MarkRead {
    /// The chat the messages came from: phone digits in international format, or a JID.
    #[schemars(schema_with = "to_schema")]
    pub to: String,
    /// The ids of the messages to mark read, 1 to 100, each at most 100 characters.
    #[schemars(schema_with = "message_ids_schema")]
    pub message_ids: Vec<String>,
}

impl MarkRead {
    /// Most ids in one request.
    pub const MAX_IDS: usize = 100;

    /// Marks the messages `message_ids` of the chat with `to` read.
    pub fn new(
        to: impl Into<String>,
        message_ids: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        MarkRead {
            to: to.into(),
            message_ids: message_ids.into_iter().map(Into::into).collect(),
        }
    }

    pub(crate) fn check(&self, c: &mut Checker, p: Path<'_>) {
        check_to(c, p.field("to"), &self.to);
        let ids = p.field("messageIds");
        c.items(ids, self.message_ids.len(), 1, Self::MAX_IDS);
        for (i, id) in self.message_ids.iter().enumerate() {
            let at = ids.index(i);
            if !crate::length::fits(id, MessageId::MAX_LENGTH) {
                c.max_length(at, id, MessageId::MAX_LENGTH);
            } else if !MessageId::is_valid(id) {
                // The server takes any string here; WhatsApp's ids never look otherwise.
                c.client(
                    at,
                    Rule::Format {
                        expected: MessageId::EXPECTED,
                    },
                );
            }
        }
    }
}

fn message_ids_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "array",
        "minItems": 1,
        "maxItems": MarkRead::MAX_IDS,
        "items": {
            "type": "string",
            "minLength": 1,
            "maxLength": MessageId::MAX_LENGTH,
            "pattern": MESSAGE_ID_PATTERN,
            "description": "A message id as a send answered it. The server takes any string of at most 100 characters; the pattern is a client-side rule.",
            "examples": ["3EB0C767D097B7C7A5C1"]
        }
    })
}

validated!(MarkRead);
