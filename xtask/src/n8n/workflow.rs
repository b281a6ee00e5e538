//! `workflows/every-message-type.json`: a manual trigger followed by one WaSphere node per
//! message type, each filled, field by field, with the documentation's example body.
//!
//! The parameters are derived from the documented bodies by the field rules of
//! `fields.rs`, and the node turns them back into a body by reading the same fields; the
//! proof (`integrations/n8n/prove.sh`) checks that what reaches the sandbox is the
//! documented body again, so both directions are exercised against a real n8n.

use serde_json::Value;
use wasphere_types::{MessageType, documented_example};

use super::Built;
use super::fields::ADDITIONAL_FIELDS;
use super::literal::Literal;
use super::operations::Resource;

/// The node's type as n8n names it: `<package>.<node name>`.
pub(crate) const NODE_TYPE: &str = "n8n-nodes-wasphere.waSphere";
/// The credential type of the node.
pub(crate) const CREDENTIAL_TYPE: &str = "waSphereApi";
/// The credential the workflow refers to; `prove.sh` imports one with this id.
const CREDENTIAL_ID: &str = "wasphereSandbox1";
const CREDENTIAL_NAME: &str = "WaSphere sandbox";
/// The workflow's id, so that `n8n execute --id` can name it.
const WORKFLOW_ID: &str = "wasphereEveryTyp";
const TRIGGER: &str = "Start";

pub(crate) fn every_message_type(built: &[Built]) -> Result<Literal, String> {
    let mut nodes = vec![Literal::object([
        ("id", Literal::str(node_id(0))),
        ("name", Literal::str(TRIGGER)),
        ("type", Literal::str("n8n-nodes-base.manualTrigger")),
        ("typeVersion", Literal::from(1)),
        ("position", position(0)),
        ("parameters", Literal::Object(vec![])),
    ])];
    let mut connections = Vec::new();
    let mut previous = TRIGGER.to_owned();
    for (i, b) in built
        .iter()
        .filter(|b| b.operation.resource == Resource::Send)
        .enumerate()
    {
        let message_type: MessageType = b
            .operation
            .schema
            .parse()
            .map_err(|e| format!("{}: {e}", b.operation.schema))?;
        let body: Value = serde_json::from_str(documented_example(message_type))
            .map_err(|e| format!("the documented {message_type} example is not JSON: {e}"))?;
        let name = format!("Send {}", b.operation.name);
        let mut parameters = Literal::object([
            ("resource", Literal::str(b.operation.resource.value())),
            ("operation", Literal::str(&b.operation.value)),
        ]);
        let Literal::Object(filled) =
            fields_to_parameters(&b.fields, &body, message_type.as_str())?
        else {
            return Err("parameters are not an object".into());
        };
        for (key, value) in filled {
            parameters.push(&key, value);
        }
        nodes.push(Literal::object([
            ("id", Literal::str(node_id(i + 1))),
            ("name", Literal::str(&name)),
            ("type", Literal::str(NODE_TYPE)),
            ("typeVersion", Literal::from(1)),
            ("position", position(i + 1)),
            ("parameters", parameters),
            (
                "credentials",
                Literal::object([(
                    CREDENTIAL_TYPE,
                    Literal::object([
                        ("id", Literal::str(CREDENTIAL_ID)),
                        ("name", Literal::str(CREDENTIAL_NAME)),
                    ]),
                )]),
            ),
        ]));
        connections.push((previous.clone(), main_to(&name)));
        previous = name;
    }
    Ok(Literal::object([
        ("id", Literal::str(WORKFLOW_ID)),
        ("name", Literal::str("WaSphere: send every message type")),
        ("nodes", Literal::List(nodes)),
        ("connections", Literal::object(connections)),
        (
            "settings",
            Literal::object([("executionOrder", Literal::str("v1"))]),
        ),
        ("active", Literal::Bool(false)),
        ("pinData", Literal::Object(vec![])),
    ]))
}

/// `{"text": {...}, …}`: the documentation's example body of every type, as JSON.
pub(crate) fn documented_bodies() -> Result<Literal, String> {
    let mut out = Literal::Object(vec![]);
    for t in MessageType::ALL {
        let body: Value = serde_json::from_str(documented_example(t))
            .map_err(|e| format!("the documented {t} example is not JSON: {e}"))?;
        out.push(t.as_str(), Literal::from(&body));
    }
    Ok(out)
}

/// The node parameters that make the node send `body`, read off its fields.
fn fields_to_parameters(
    fields: &[Literal],
    body: &Value,
    context: &str,
) -> Result<Literal, String> {
    let object = body
        .as_object()
        .ok_or_else(|| format!("{context}: the body is not an object"))?;
    let mut out = Literal::Object(vec![]);
    let mut used: Vec<&str> = Vec::new();
    for field in fields {
        let name = text(field, "name")?;
        if name == ADDITIONAL_FIELDS {
            let mut additional = Literal::Object(vec![]);
            for option in list(field, "options")? {
                let key = text(option, "name")?;
                if let Some(value) = object.get(key).filter(|v| !v.is_null()) {
                    additional.push(key, parameter(option, value, &format!("{context}.{key}"))?);
                    used.push(key);
                }
            }
            if additional != Literal::Object(vec![]) {
                out.push(ADDITIONAL_FIELDS, additional);
            }
        } else if let Some(value) = object.get(name) {
            out.push(name, parameter(field, value, &format!("{context}.{name}"))?);
            used.push(name);
        }
    }
    if let Some(extra) = object.keys().find(|k| !used.contains(&k.as_str())) {
        return Err(format!(
            "{context}: no node field holds `{extra}` of the documented body"
        ));
    }
    Ok(out)
}

/// One parameter's value: a fixed collection wraps its entries under the singular name.
fn parameter(field: &Literal, value: &Value, context: &str) -> Result<Literal, String> {
    if field.get("type") != Some(&Literal::str("fixedCollection")) {
        return Ok(Literal::from(value));
    }
    let group = list(field, "options")?
        .first()
        .ok_or_else(|| format!("{context}: a fixed collection without options"))?;
    let entries = value
        .as_array()
        .ok_or_else(|| format!("{context}: expected a list"))?
        .iter()
        .map(|entry| fields_to_parameters(list(group, "values")?, entry, context))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Literal::object([(
        text(group, "name")?,
        Literal::List(entries),
    )]))
}

fn text<'a>(field: &'a Literal, key: &str) -> Result<&'a str, String> {
    match field.get(key) {
        Some(Literal::Str(s)) => Ok(s),
        _ => Err(format!("a generated field has no `{key}`: {field:?}")),
    }
}

fn list<'a>(field: &'a Literal, key: &str) -> Result<&'a [Literal], String> {
    match field.get(key) {
        Some(Literal::List(items)) => Ok(items),
        _ => Err(format!("a generated field has no `{key}` list: {field:?}")),
    }
}

fn main_to(node: &str) -> Literal {
    Literal::object([(
        "main",
        Literal::List(vec![Literal::List(vec![Literal::object([
            ("node", Literal::str(node)),
            ("type", Literal::str("main")),
            ("index", Literal::from(0)),
        ])])]),
    )])
}

/// Nodes in two rows of eight, left to right.
fn position(index: usize) -> Literal {
    let column = i64::try_from(index % 8).unwrap_or(0);
    let row = i64::try_from(index / 8).unwrap_or(0);
    Literal::List(vec![Literal::from(column * 220), Literal::from(row * 200)])
}

/// Stable node ids (n8n only needs them unique within the workflow).
fn node_id(index: usize) -> String {
    format!("5a5e0000-0000-4000-8000-{index:012}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::n8n::fields::body_fields;
    use serde_json::json;

    #[test]
    fn documented_bodies_become_parameters_with_wrapped_collections() {
        let schema: Value = serde_json::from_str(
            &wasphere_types::schema::message_schema(MessageType::List).to_string(),
        )
        .unwrap();
        let fields = body_fields(&schema, "list").unwrap();
        let body: Value = serde_json::from_str(documented_example(MessageType::List)).unwrap();
        let params = fields_to_parameters(&fields, &body, "list").unwrap();
        let sections = params.get("sections").unwrap().get("section").unwrap();
        let Literal::List(sections) = sections else {
            panic!()
        };
        let rows = sections[0].get("rows").unwrap().get("row").unwrap();
        let Literal::List(rows) = rows else { panic!() };
        assert_eq!(rows[1].get("id"), Some(&Literal::str("pro")));
        assert_eq!(
            rows[1].get("description"),
            Some(&Literal::str("Full access"))
        );
    }

    #[test]
    fn a_body_key_no_field_holds_is_an_error() {
        let schema =
            json!({"type": "object", "properties": {"to": {"type": "string"}}, "required": ["to"]});
        let fields = body_fields(&schema, "text").unwrap();
        let error = fields_to_parameters(&fields, &json!({"to": "1", "filename": "x"}), "text")
            .unwrap_err();
        assert!(error.contains("filename"), "{error}");
    }
}
