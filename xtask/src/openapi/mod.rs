//! `cargo xtask schemas` also writes `docs/openapi.json`: an OpenAPI 3.1 document of the
//! whole API, made from the types of `wasphere-types` (request bodies, answers, webhook
//! events) and the tables in this module, so it cannot drift from the Rust code; and
//! `docs/openapi.html`, a reference page rendered from it.

mod answers;
mod components;
mod markdown;
mod operations;
mod prose;
mod reference_page;
mod webhooks;

use std::path::Path;

use serde_json::{Map, Value, json};
use wasphere_types::schema::{operation_response_schema, schema_for};
use wasphere_types::{MessageOperation, SendResponse};

use crate::generated::{self, GeneratedFile, Producer};
use components::Schemas;

/// The document, relative to the workspace root.
pub(crate) const FILE: &str = "docs/openapi.json";
/// Its reference page, relative to the workspace root.
pub(crate) const PAGE: &str = "docs/openapi.html";

/// The document, for `check`.
pub(crate) const PRODUCER: Producer = Producer {
    task: "schemas",
    owned_dir: None,
    generate,
};

/// The whole document.
pub(crate) fn document() -> Result<Value, String> {
    let mut schemas = Schemas::default();
    answers::add_shapes(&mut schemas)?;
    schemas.add("SendResponse", schema_for::<SendResponse>())?;
    for operation in MessageOperation::ALL {
        let name = operations::response_component(operation);
        schemas.add(name, operation_response_schema(operation))?;
    }

    let mut paths = Map::new();
    for operation in operations::all()? {
        let item = paths
            .entry(operation.full_path())
            .or_insert_with(|| json!({}));
        let method = operation.method_key();
        if item.get(method).is_some() {
            return Err(format!(
                "two operations are {method} {}",
                operation.full_path()
            ));
        }
        item[method] = operation.to_json(&mut schemas)?;
    }
    let webhooks = webhooks::webhooks(&mut schemas)?;

    let mut parameters = operations::path_parameters();
    if let (Some(all), Value::Object(headers)) =
        (parameters.as_object_mut(), webhooks::header_parameters())
    {
        all.extend(headers);
    }

    Ok(json!({
        "openapi": "3.1.0",
        "info": {
            "title": "WaSphere messages API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": prose::OVERVIEW,
            "license": { "name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0" }
        },
        "servers": [
            { "url": "https://api.yourdomain.com", "description": "Your WaSphere deployment (self-hosted: use its URL)." },
            { "url": "http://127.0.0.1:8080", "description": "`wasphere sandbox`, the local emulator (workspace 00000000-0000-4000-8000-000000000000, session my-session, key wsk_test_sandbox)." }
        ],
        "security": [{ "apiKey": [] }],
        "tags": [
            { "name": "messages", "description": "Sending the 14 message types; editing, deleting and marking messages read; typing and presence." },
            { "name": "webhooks", "description": "What the server posts to your endpoint." }
        ],
        "paths": paths,
        "webhooks": webhooks,
        "components": {
            "schemas": schemas.into_value(),
            "responses": answers::responses()?,
            "parameters": parameters,
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "wsk_…",
                    "description": prose::API_KEY
                }
            }
        }
    }))
}

/// The document, pretty-printed with a trailing newline, and its reference page.
fn generate(_root: &Path) -> Result<Vec<GeneratedFile>, String> {
    let document = document()?;
    let mut contents = serde_json::to_string_pretty(&document)
        .map_err(|e| format!("cannot serialize the OpenAPI document: {e}"))?;
    contents.push('\n');
    Ok(vec![
        GeneratedFile {
            path: FILE.to_owned(),
            contents,
        },
        GeneratedFile {
            path: PAGE.to_owned(),
            contents: reference_page::render(&document),
        },
    ])
}

/// Writes the document and its page.
pub(crate) fn run(root: &Path) -> Result<(), String> {
    generated::write(root, &PRODUCER)?;
    println!("wrote {FILE} and {PAGE}");
    Ok(())
}

#[cfg(test)]
mod document_tests;
