//! The API's operations as data. An operation is a row here; the document's `paths` are
//! made from the rows, so adding one (edit, delete, typing, …) is adding a row with its
//! request schema, success answer and the statuses of [`super::answers::ANSWERS`] it uses.

use serde_json::{Map, Value, json};
use wasphere_types::server_schema::server_message_schema;
use wasphere_types::{MessageType, documented_example};

use super::answers::{SEND_ANSWERS, response_ref};
use super::components::{Schemas, reference};

/// Every operation's path starts here.
pub(crate) const SESSION_PREFIX: &str = "/workspaces/{workspaceId}/proxy/api/sessions/{sessionId}";

/// The HTTP method of an operation.
#[derive(Clone, Copy)]
pub(crate) enum Method {
    Post,
    // Issue 13's delete operation will need it; kept so the row type covers the API.
    #[allow(dead_code)]
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
#[allow(dead_code)] // Used by issue 13's operations (`messageId` in the path, `to` in the query).
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

/// Every operation of the API, in the order of its documentation.
pub(crate) fn all() -> Result<Vec<Operation>, String> {
    MessageType::ALL.into_iter().map(send).collect()
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
    }
}
