//! Which schemas in `docs/schemas/` are bodies of node operations, and how each is sent.
//!
//! The 14 sends come from `MessageType::ALL`. Another body becomes an operation with one
//! entry in [`other_operations`]; a schema that is not a request body is listed in
//! [`NOT_BODIES`] (or ends in `-response`). A schema in neither place fails the
//! generator, so a new body in the types cannot be forgotten by the node.

use wasphere_types::MessageType;

use super::fields::display_name;

/// Schemas that describe answers or events, not something the node sends.
pub(crate) const NOT_BODIES: &[&str] = &["send-response", "error", "webhook-event"];

/// Answers are named `<operation>-response`.
pub(crate) fn is_answer(stem: &str) -> bool {
    NOT_BODIES.contains(&stem) || stem.ends_with("-response")
}

/// A resource of the node: a group of operations in its first dropdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Resource {
    /// The 14 message types.
    Send,
    /// Operations on a message already sent (edit, delete, mark read).
    Message,
    /// Signals to a chat (typing, presence).
    Chat,
}

impl Resource {
    pub(crate) const ALL: [Resource; 3] = [Resource::Send, Resource::Message, Resource::Chat];

    pub(crate) fn value(self) -> &'static str {
        match self {
            Resource::Send => "send",
            Resource::Message => "message",
            Resource::Chat => "chat",
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Resource::Send => "Send",
            Resource::Message => "Message",
            Resource::Chat => "Chat",
        }
    }

    pub(crate) fn description(self) -> &'static str {
        match self {
            Resource::Send => "Send a message of one of the 14 types",
            Resource::Message => "Change a message already sent",
            Resource::Chat => "Show typing or presence in a chat",
        }
    }
}

/// Where an operation's fields travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    /// As the JSON body (every send).
    JsonBody,
    /// As the query string: `DELETE …/messages/{messageId}?to=…&forEveryone=…` has no
    /// body (contract section 6).
    Query,
}

impl Placement {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Placement::JsonBody => "json",
            Placement::Query => "query",
        }
    }
}

/// One operation of the node.
#[derive(Debug, Clone)]
pub(crate) struct Operation {
    /// The file stem in `docs/schemas/`.
    pub(crate) schema: String,
    pub(crate) resource: Resource,
    /// n8n's value for it (camelCase).
    pub(crate) value: String,
    /// The label in the operation list.
    pub(crate) name: String,
    /// The sentence n8n shows in its actions list.
    pub(crate) action: String,
    pub(crate) method: &'static str,
    /// The path after `…/sessions/{sessionId}/`, with `{name}` for each path parameter.
    pub(crate) path: String,
    /// Path parameters, each `(name, description)`: required string fields that fill
    /// `{name}` in the path and are not part of the body.
    pub(crate) path_parameters: Vec<(&'static str, &'static str)>,
    pub(crate) placement: Placement,
}

impl Operation {
    /// A send of `message_type`: `POST messages/{type}` with a JSON body.
    fn send(message_type: MessageType) -> Self {
        let slug = message_type.as_str();
        let name = display_name(slug);
        Operation {
            schema: slug.to_owned(),
            resource: Resource::Send,
            value: camel_case(slug),
            action: format!("Send a {} message", name.to_lowercase()),
            name,
            method: "POST",
            path: format!("messages/{slug}"),
            path_parameters: Vec::new(),
            placement: Placement::JsonBody,
        }
    }

    /// The TypeScript identifier of the generated constant (and of its file's export).
    pub(crate) fn identifier(&self) -> String {
        camel_case(&self.schema)
    }
}

/// Operations beyond the 14 sends (contract section 6), one entry per body schema that
/// `wasphere-types` exports for them.
fn other_operations() -> Vec<Operation> {
    use wasphere_types::MessageOperation as Op;
    let message_id = |what: &'static str| vec![("messageId", what)];
    let entry = |op: Op, resource, value: &str, name: &str, action: &str| Operation {
        schema: op.body_schema().to_owned(),
        resource,
        value: value.to_owned(),
        name: name.to_owned(),
        action: action.to_owned(),
        method: "POST",
        path: format!("messages/{}", op.as_str()),
        path_parameters: Vec::new(),
        placement: Placement::JsonBody,
    };
    vec![
        Operation {
            path: "messages/{messageId}/edit".to_owned(),
            path_parameters: message_id("The id of the message to edit (a send answered it)"),
            ..entry(
                Op::Edit,
                Resource::Message,
                "edit",
                "Edit",
                "Edit a message",
            )
        },
        Operation {
            method: "DELETE",
            path: "messages/{messageId}".to_owned(),
            path_parameters: message_id(
                "The id of the message to delete for everyone (a send answered it)",
            ),
            placement: Placement::Query,
            ..entry(
                Op::Delete,
                Resource::Message,
                "delete",
                "Delete for Everyone",
                "Delete a message for everyone",
            )
        },
        entry(
            Op::MarkRead,
            Resource::Message,
            "markRead",
            "Mark Read",
            "Mark messages read",
        ),
        entry(
            Op::Typing,
            Resource::Chat,
            "typing",
            "Show Typing",
            "Show typing in a chat",
        ),
        entry(
            Op::Presence,
            Resource::Chat,
            "presence",
            "Set Presence",
            "Set the presence shown in a chat",
        ),
    ]
}

/// Every operation, sends first, checked against the schemas that exist: each schema
/// stem is an operation's body or an answer, and each operation has its schema.
pub(crate) fn operations(schema_stems: &[String]) -> Result<Vec<Operation>, String> {
    let mut all: Vec<Operation> = MessageType::ALL.into_iter().map(Operation::send).collect();
    all.extend(other_operations());
    classify(all, schema_stems)
}

fn classify(all: Vec<Operation>, schema_stems: &[String]) -> Result<Vec<Operation>, String> {
    let mut problems = Vec::new();
    for stem in schema_stems {
        if !is_answer(stem) && !all.iter().any(|op| &op.schema == stem) {
            problems.push(format!(
                "docs/schemas/{stem}.schema.json is not a body of any n8n operation: add it to \
                 `other_operations` in xtask/src/n8n/operations.rs, or to `NOT_BODIES` if it is not a request body"
            ));
        }
    }
    for op in &all {
        if !schema_stems.contains(&op.schema) {
            problems.push(format!(
                "the n8n operation {:?} needs docs/schemas/{}.schema.json, which does not exist",
                op.value, op.schema
            ));
        }
    }
    if problems.is_empty() {
        Ok(all)
    } else {
        Err(problems.join("\n"))
    }
}

/// `view-once` → `viewOnce`.
pub(crate) fn camel_case(slug: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in slug.chars() {
        if c == '-' || c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_send_is_posted_to_its_slug() {
        let op = Operation::send(MessageType::ViewOnce);
        assert_eq!(op.value, "viewOnce");
        assert_eq!(op.name, "View Once");
        assert_eq!(op.action, "Send a view once message");
        assert_eq!(op.path, "messages/view-once");
        assert_eq!(op.identifier(), "viewOnce");
    }

    #[test]
    fn a_new_body_schema_without_an_operation_fails_with_the_fix() {
        let mut names: Vec<&str> = MessageType::ALL.iter().map(|t| t.as_str()).collect();
        names.extend(["send-response", "error", "webhook-event"]);
        for op in wasphere_types::MessageOperation::ALL {
            names.extend([op.body_schema(), op.response_schema()]);
        }
        assert_eq!(operations(&stems(&names)).unwrap().len(), 19);

        names.push("forward-message");
        let error = operations(&stems(&names)).unwrap_err();
        assert!(error.contains("forward-message.schema.json"), "{error}");
        assert!(error.contains("other_operations"), "{error}");
    }

    #[test]
    fn operations_on_messages_are_routed_as_the_contract_says() {
        let others = other_operations();
        let find = |value: &str| others.iter().find(|op| op.value == value).unwrap();
        let delete = find("delete");
        assert_eq!(
            (delete.method, delete.path.as_str(), delete.placement),
            ("DELETE", "messages/{messageId}", Placement::Query)
        );
        assert_eq!(find("edit").path, "messages/{messageId}/edit");
        assert_eq!(find("markRead").path, "messages/read");
        assert_eq!(find("typing").resource, Resource::Chat);
        assert_eq!(find("presence").path, "messages/presence");
    }

    #[test]
    fn an_operation_without_its_schema_fails() {
        let error = operations(&stems(&["text"])).unwrap_err();
        assert!(error.contains("docs/schemas/image.schema.json"), "{error}");
    }
}
