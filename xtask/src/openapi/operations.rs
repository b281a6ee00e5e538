//! The API's operations as data. An operation is a row here; the document's `paths` are
//! made from the rows, so adding one is adding a row with its request schema, success
//! answer and the statuses of [`super::answers::ANSWERS`] it uses.

use serde_json::{Map, Value, json};
use wasphere_types::server_schema::{server_message_schema, server_operation_schema};
use wasphere_types::{MESSAGE_ID_PATTERN, MessageOperation, MessageType, documented_example};

use super::answers::{OPERATION_ANSWERS, SEND_ANSWERS, response_ref};
use super::components::{Schemas, reference};

/// Every operation's path starts here.
pub(crate) const SESSION_PREFIX: &str = "/workspaces/{workspaceId}/proxy/api/sessions/{sessionId}";

/// The HTTP method of an operation.
#[derive(Clone, Copy)]
pub(crate) enum Method {
    Post,
    Delete,
}

impl Method {
    fn key(self) -> &'static str {
        match self {
            Method::Post => "post",
            Method::Delete => "delete",
        }
    }
}

/// A parameter besides `workspaceId` and `sessionId`, which every operation has.
pub(crate) struct Parameter {
    pub(crate) name: &'static str,
    /// `path` or `query`.
    pub(crate) location: &'static str,
    pub(crate) required: bool,
    pub(crate) description: &'static str,
    pub(crate) schema: Value,
}

/// A request body: a JSON Schema of `wasphere-types`, under its component name.
pub(crate) struct Request {
    pub(crate) schema_name: String,
    pub(crate) schema: Value,
    /// Named examples.
    pub(crate) examples: Vec<(&'static str, Value)>,
}

/// The success answer.
pub(crate) struct Success {
    pub(crate) status: u16,
    pub(crate) description: &'static str,
    /// A `components/schemas` name.
    pub(crate) schema_name: &'static str,
}

/// One operation.
pub(crate) struct Operation {
    pub(crate) operation_id: String,
    pub(crate) method: Method,
    /// After [`SESSION_PREFIX`], e.g. `/messages/text`.
    pub(crate) path: String,
    pub(crate) summary: String,
    pub(crate) description: String,
    pub(crate) tag: &'static str,
    pub(crate) parameters: Vec<Parameter>,
    pub(crate) request: Option<Request>,
    pub(crate) success: Success,
    /// Error statuses, each described once in the answers table.
    pub(crate) answers: &'static [u16],
}

/// `view-once` → `ViewOnce`.
pub(crate) fn pascal_case(slug: &str) -> String {
    slug.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect()
}

/// The component name of a message type's body schema: `TextMessage`, `ViewOnceMessage`.
pub(crate) fn message_schema_name(t: MessageType) -> String {
    format!("{}Message", pascal_case(t.as_str()))
}

/// `an` before a vowel (`an image message`), else `a`.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// The first paragraph of a schema's description (the Rust type's summary line).
fn summary_of(schema: &Value) -> String {
    schema["description"]
        .as_str()
        .and_then(|d| d.split("\n\n").next())
        .unwrap_or_default()
        .replace('\n', " ")
}

/// The send operation of one message type: `POST …/messages/{slug}`, `sendText`.
fn send(t: MessageType) -> Result<Operation, String> {
    let schema = server_message_schema(t);
    let example: Value = serde_json::from_str(documented_example(t))
        .map_err(|e| format!("the documented {t} example is not JSON: {e}"))?;
    Ok(Operation {
        operation_id: format!("send{}", pascal_case(t.as_str())),
        method: Method::Post,
        path: format!("/messages/{}", t.as_str()),
        summary: format!("Send {} {} message", article(t.as_str()), t.as_str()),
        description: format!(
            "{}\n\nThe body is checked as the server checks it: unknown fields are refused (400), optional fields may be `null`, lengths are counted as the API description says.",
            summary_of(&schema)
        ),
        tag: "messages",
        parameters: Vec::new(),
        request: Some(Request {
            schema_name: message_schema_name(t),
            schema,
            examples: vec![("documented", example)],
        }),
        success: Success {
            status: 201,
            description: "Sent. `messageId` identifies the message in webhooks, replies and reactions. Other `status` strings and extra fields (such as `via`) may appear: keep them.",
            schema_name: "SendResponse",
        },
        answers: SEND_ANSWERS,
    })
}

/// The component name of the success answer of an operation on messages: its Rust type's.
pub(crate) fn response_component(operation: MessageOperation) -> &'static str {
    match operation {
        MessageOperation::Edit => "EditResponse",
        MessageOperation::Delete => "DeleteResponse",
        MessageOperation::MarkRead => "MarkReadResponse",
        MessageOperation::Typing => "TypingResponse",
        MessageOperation::Presence => "PresenceResponse",
    }
}

/// `messageId` in the path of an edit or a delete.
fn message_id_parameter(what: &'static str) -> Parameter {
    Parameter {
        name: "messageId",
        location: "path",
        required: true,
        description: what,
        schema: json!({ "type": "string", "pattern": MESSAGE_ID_PATTERN }),
    }
}

/// An operation on messages beside the sends (contract section 6).
fn on_messages(operation: MessageOperation) -> Operation {
    let schema = server_operation_schema(operation);
    let summary = summary_of(&schema);
    let example = |value: Value| vec![("example", value)];
    let request = |name: &str, value| {
        Some(Request {
            schema_name: name.to_owned(),
            schema: schema.clone(),
            examples: example(value),
        })
    };
    let created = |description, schema_name| Success {
        status: 201,
        description,
        schema_name,
    };
    let row = |operation_id: &str, path: &str, title: &str| Operation {
        operation_id: operation_id.to_owned(),
        method: Method::Post,
        path: path.to_owned(),
        summary: title.to_owned(),
        description: summary.clone(),
        tag: "messages",
        parameters: Vec::new(),
        request: None,
        success: created("", ""),
        answers: OPERATION_ANSWERS,
    };
    match operation {
        MessageOperation::Edit => Operation {
            description: format!(
                "{summary}\n\nOnly your own messages can be edited. The message is not looked up: an unknown id is passed to WhatsApp and answered as a success."
            ),
            parameters: vec![message_id_parameter(
                "The id of the message to edit, as a send answered it. Anything but 1 to 100 of `a-z A-Z 0-9 _ -` is answered `400 {\"error\":\"INVALID_MESSAGE_ID\"}`.",
            )],
            request: request(
                "EditMessage",
                json!({"to": "923001234567", "text": "Your order ships on *Tuesday*"}),
            ),
            success: created(
                "Edited. `messageId` is the id of the edit, which WhatsApp sends as a message of its own; no `message.sent` webhook follows.",
                response_component(operation),
            ),
            ..row(
                "editMessage",
                "/messages/{messageId}/edit",
                "Edit a message",
            )
        },
        MessageOperation::Delete => {
            let field = |name: &str| schema["properties"][name].clone();
            Operation {
                method: Method::Delete,
                description: format!(
                    "{summary}\n\nThe server recalls the message for everyone whatever `forEveryone` says (a known server bug): send `true`. The request has no body."
                ),
                parameters: vec![
                    message_id_parameter(
                        "The id of the message to delete, as a send answered it. Anything but 1 to 100 of `a-z A-Z 0-9 _ -` is answered `400 {\"error\":\"INVALID_MESSAGE_ID\"}`.",
                    ),
                    Parameter {
                        name: "to",
                        location: "query",
                        required: true,
                        description: "The chat of the message.",
                        schema: field("to"),
                    },
                    Parameter {
                        name: "forEveryone",
                        location: "query",
                        required: true,
                        description: "Required (its absence is a 400); the message is deleted for everyone whatever it says.",
                        schema: json!({ "type": "boolean" }),
                    },
                ],
                success: Success {
                    status: 200,
                    description: "Deleted, for everyone.",
                    schema_name: response_component(operation),
                },
                answers: DELETE_ANSWERS,
                ..row(
                    "deleteMessage",
                    "/messages/{messageId}",
                    "Delete a message for everyone",
                )
            }
        }
        MessageOperation::MarkRead => Operation {
            request: request(
                "MarkRead",
                json!({"to": "923001234567", "messageIds": ["3EB0C767D097B7C7A5C1"]}),
            ),
            success: created(
                "Marked read: `read`, or `ok` on a session of the Meta Cloud API provider.",
                response_component(operation),
            ),
            ..row("markRead", "/messages/read", "Mark messages read")
        },
        MessageOperation::Typing => Operation {
            request: request("Typing", json!({"to": "923001234567"})),
            success: created(
                "The chat shows \"typing…\"; the server sends \"paused\" by itself 3 s later.",
                response_component(operation),
            ),
            ..row("showTyping", "/messages/typing", "Show typing in a chat")
        },
        MessageOperation::Presence => Operation {
            request: request(
                "SetPresence",
                json!({"to": "923001234567", "presence": "composing"}),
            ),
            success: created(
                "The presence now shown, as `status`.",
                response_component(operation),
            ),
            ..row(
                "setPresence",
                "/messages/presence",
                "Set the presence shown in a chat",
            )
        },
    }
}

/// The statuses of a delete: those of the other operations but 413 (it has no body).
const DELETE_ANSWERS: &[u16] = &[400, 401, 403, 404, 429, 500, 501, 502, 504];

/// Every operation of the API, in the order of its documentation: the 14 sends, then the
/// operations on messages.
pub(crate) fn all() -> Result<Vec<Operation>, String> {
    let mut all = MessageType::ALL
        .into_iter()
        .map(send)
        .collect::<Result<Vec<_>, _>>()?;
    all.extend(MessageOperation::ALL.into_iter().map(on_messages));
    Ok(all)
}

impl Operation {
    /// The path in the document.
    pub(crate) fn full_path(&self) -> String {
        format!("{SESSION_PREFIX}{}", self.path)
    }

    pub(crate) fn method_key(&self) -> &'static str {
        self.method.key()
    }

    /// The Operation Object, with its request schema added to `schemas`.
    pub(crate) fn to_json(&self, schemas: &mut Schemas) -> Result<Value, String> {
        let mut parameters = vec![
            json!({ "$ref": "#/components/parameters/workspaceId" }),
            json!({ "$ref": "#/components/parameters/sessionId" }),
        ];
        for p in &self.parameters {
            parameters.push(json!({
                "name": p.name,
                "in": p.location,
                "required": p.required,
                "description": p.description,
                "schema": p.schema,
            }));
        }
        let mut responses = Map::new();
        responses.insert(
            self.success.status.to_string(),
            json!({
                "description": self.success.description,
                "content": { "application/json": { "schema": reference(self.success.schema_name) } }
            }),
        );
        for &status in self.answers {
            responses.insert(status.to_string(), response_ref(status)?);
        }
        let mut operation = json!({
            "operationId": self.operation_id,
            "summary": self.summary,
            "description": self.description,
            "tags": [self.tag],
            "parameters": parameters,
            "responses": responses,
        });
        if let Some(request) = &self.request {
            let schema = schemas.add(&request.schema_name, request.schema.clone())?;
            let examples: Map<String, Value> = request
                .examples
                .iter()
                .map(|(name, value)| ((*name).to_owned(), json!({ "value": value })))
                .collect();
            operation["requestBody"] = json!({
                "required": true,
                "content": { "application/json": { "schema": schema, "examples": examples } }
            });
        }
        Ok(operation)
    }
}

/// `workspaceId` and `sessionId`, shared by every operation.
pub(crate) fn path_parameters() -> Value {
    json!({
        "workspaceId": {
            "name": "workspaceId",
            "in": "path",
            "required": true,
            "description": "The workspace's UUID, as in the dashboard URL.",
            "schema": {
                "type": "string",
                "format": "uuid",
                "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
            },
            "example": "be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8"
        },
        "sessionId": {
            "name": "sessionId",
            "in": "path",
            "required": true,
            "description": "The session slug set when the session was created. Anything but 1 to 64 of `a-z A-Z 0-9 _ -` is answered `400 {\"error\":\"INVALID_SESSION_ID\"}`.",
            "schema": { "type": "string", "pattern": SESSION_ID_PATTERN },
            "example": "my-session"
        }
    })
}

/// What `SessionId::is_valid` accepts, as a pattern.
pub(crate) const SESSION_ID_PATTERN: &str = "^[a-zA-Z0-9_-]{1,64}$";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_slugs() {
        assert_eq!(pascal_case("view-once"), "ViewOnce");
        assert_eq!(
            message_schema_name(MessageType::ViewOnce),
            "ViewOnceMessage"
        );
        let ids: Vec<String> = all().unwrap().into_iter().map(|o| o.operation_id).collect();
        assert_eq!(ids[0], "sendText");
        assert_eq!(ids[12], "sendViewOnce");
        assert_eq!(
            ids[14..],
            [
                "editMessage",
                "deleteMessage",
                "markRead",
                "showTyping",
                "setPresence"
            ]
        );
    }
}
