//! `docs/openapi.html`: a readable reference of the OpenAPI document, rendered from it as
//! one self-contained page (inline style, no script, no external resource), so it reads
//! the same offline, from a file or as the sandbox's `/docs`.

use std::fmt::Write;

use serde_json::{Map, Value};

use super::markdown::{escape, to_html};

const STYLE: &str = "
body { font: 15px/1.5 system-ui, sans-serif; max-width: 62rem; margin: 0 auto; padding: 1rem 2rem; color: #1d232a; }
h1 { margin-bottom: 0; } h2 { border-bottom: 2px solid #dde3ea; margin-top: 3rem; }
h3 { margin-top: 2.5rem; } section { margin-bottom: 2rem; }
code, pre { font: 13px/1.4 ui-monospace, monospace; background: #f2f5f8; border-radius: 3px; }
code { padding: 0 .25em; } pre { padding: .75rem; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border: 1px solid #dde3ea; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f2f5f8; } td p { margin: 0; }
.method { font-weight: bold; color: #fff; background: #2f6f4e; padding: .1rem .4rem; border-radius: 3px; }
.path { word-break: break-all; } .muted { color: #5b6772; }
nav ul { columns: 2; } a { color: #1f5f99; }
";

/// The anchor of a component schema.
fn schema_anchor(name: &str) -> String {
    format!("schema-{name}")
}

/// A short, linked description of a schema's type.
fn type_of(schema: &Value) -> String {
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        let name = target.rsplit('/').next().unwrap_or(target);
        return format!(
            "<a href=\"#{}\">{}</a>",
            escape(&schema_anchor(name)),
            escape(name)
        );
    }
    if let Some(value) = schema.get("const") {
        return format!("<code>{}</code>", escape(&value.to_string()));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(options)) = schema.get(key) {
            let parts: Vec<String> = options.iter().map(type_of).collect();
            let joiner = if key == "allOf" { " and " } else { " or " };
            return parts.join(joiner);
        }
    }
    match schema.get("type") {
        Some(Value::String(t)) if t == "array" => match schema.get("items") {
            Some(items) => format!("array of {}", type_of(items)),
            None => "array".to_owned(),
        },
        Some(Value::String(t)) => escape(t),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .map(escape)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "any".to_owned(),
    }
}

/// The constraints of a schema, one phrase each.
fn constraints(schema: &Value) -> String {
    let mut parts = Vec::new();
    for (key, label) in [
        ("minLength", "min length"),
        ("maxLength", "max length"),
        ("minItems", "min items"),
        ("maxItems", "max items"),
        ("minimum", "minimum"),
        ("maximum", "maximum"),
        ("format", "format"),
        ("default", "default"),
    ] {
        if let Some(value) = schema.get(key) {
            parts.push(format!("{label} {}", escape(&value.to_string())));
        }
    }
    if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
        parts.push("distinct items".to_owned());
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        parts.push(format!("pattern <code>{}</code>", escape(pattern)));
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        let values: Vec<String> = values
            .iter()
            .map(|v| format!("<code>{}</code>", escape(&v.to_string())))
            .collect();
        parts.push(format!("one of {}", values.join(", ")));
    }
    if let Some(items) = schema.get("items") {
        let inner = constraints(items);
        if !inner.is_empty() {
            parts.push(format!("each: {inner}"));
        }
    }
    parts.join("; ")
}

/// A table of an object schema's properties, or nothing.
fn properties_table(out: &mut String, schema: &Value) {
    let Some(Value::Object(properties)) = schema.get("properties") else {
        return;
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    out.push_str("<table><tr><th>field</th><th>type</th><th>rules</th><th>description</th></tr>\n");
    for (name, property) in properties {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(name),
            if required.contains(&name.as_str()) {
                " <span class=\"muted\">required</span>"
            } else {
                ""
            },
            type_of(property),
            constraints(property),
            to_html(property["description"].as_str().unwrap_or_default()),
        );
    }
    out.push_str("</table>\n");
    if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
        out.push_str("<p class=\"muted\">Other fields are refused.</p>\n");
    }
}

/// Follows a `#/…` reference inside the document.
fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(target) => document
            .pointer(target.trim_start_matches('#'))
            .unwrap_or(value),
        None => value,
    }
}

fn pretty(value: &Value) -> String {
    escape(&serde_json::to_string_pretty(value).unwrap_or_default())
}

fn parameters_table(out: &mut String, document: &Value, parameters: &Value) {
    let Some(parameters) = parameters.as_array().filter(|p| !p.is_empty()) else {
        return;
    };
    out.push_str(
        "<table><tr><th>parameter</th><th>in</th><th>rules</th><th>description</th></tr>\n",
    );
    for parameter in parameters {
        let p = resolve(document, parameter);
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(p["name"].as_str().unwrap_or_default()),
            escape(p["in"].as_str().unwrap_or_default()),
            constraints(&p["schema"]),
            to_html(p["description"].as_str().unwrap_or_default()),
        );
    }
    out.push_str("</table>\n");
}

fn request_body(out: &mut String, document: &Value, body: &Value) {
    for (media_type, media) in body["content"].as_object().into_iter().flatten() {
        let _ = writeln!(
            out,
            "<h4>Body <code>{}</code>: {}</h4>",
            escape(media_type),
            type_of(&media["schema"])
        );
        properties_table(out, resolve(document, &media["schema"]));
        for (name, example) in media["examples"].as_object().into_iter().flatten() {
            let _ = writeln!(
                out,
                "<p>Example <em>{}</em>:</p><pre>{}</pre>",
                escape(name),
                pretty(&example["value"])
            );
        }
    }
}

fn responses_table(out: &mut String, document: &Value, responses: &Value) {
    out.push_str("<table><tr><th>status</th><th>body</th><th>when, and what to do</th></tr>\n");
    for (status, response) in responses.as_object().into_iter().flatten() {
        let response = resolve(document, response);
        let bodies: Vec<String> = response["content"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(media_type, media)| {
                format!(
                    "{} <span class=\"muted\">{}</span>",
                    type_of(&media["schema"]),
                    escape(media_type)
                )
            })
            .collect();
        let headers: Vec<String> = response["headers"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, _)| format!("header <code>{}</code>", escape(name)))
            .collect();
        let _ = writeln!(
            out,
            "<tr><td><strong>{}</strong></td><td>{}</td><td>{}</td></tr>",
            escape(status),
            [bodies, headers].concat().join("<br>"),
            to_html(response["description"].as_str().unwrap_or_default()),
        );
    }
    out.push_str("</table>\n");
}

fn operation(out: &mut String, document: &Value, method: &str, path: &str, op: &Value) {
    let id = op["operationId"].as_str().unwrap_or_default();
    let _ = writeln!(
        out,
        "<section id=\"{}\"><h3>{}</h3>\n<p><span class=\"method\">{}</span> <code class=\"path\">{}</code> <span class=\"muted\">operationId <code>{}</code></span></p>",
        escape(id),
        escape(op["summary"].as_str().unwrap_or(id)),
        escape(&method.to_uppercase()),
        escape(path),
        escape(id),
    );
    out.push_str(&to_html(op["description"].as_str().unwrap_or_default()));
    parameters_table(out, document, &op["parameters"]);
    request_body(out, document, &op["requestBody"]);
    responses_table(out, document, &op["responses"]);
    out.push_str("</section>\n");
}

/// Every operation of `items` (`paths` or `webhooks`), with its key and method.
fn operations(items: &Value) -> Vec<(String, String, &Value)> {
    let mut all = Vec::new();
    for (key, item) in items.as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if op.get("operationId").is_some() {
                all.push((key.clone(), method.clone(), op));
            }
        }
    }
    all
}

/// The page for `document`.
pub(crate) fn render(document: &Value) -> String {
    let info = &document["info"];
    let title = info["title"].as_str().unwrap_or("API");
    let paths = operations(&document["paths"]);
    let webhooks = operations(&document["webhooks"]);
    let empty = Map::new();
    let schemas = document["components"]["schemas"]
        .as_object()
        .unwrap_or(&empty);

    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title} {version}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n<p class=\"muted\">Version {version} · OpenAPI {openapi} · the document itself: <a href=\"openapi.json\">openapi.json</a></p>\n",
        title = escape(title),
        version = escape(info["version"].as_str().unwrap_or_default()),
        openapi = escape(document["openapi"].as_str().unwrap_or_default()),
    );
    out.push_str("<nav><h2>Contents</h2><ul>\n");
    for (_, _, op) in &paths {
        let id = op["operationId"].as_str().unwrap_or_default();
        let _ = writeln!(
            out,
            "<li><a href=\"#{}\">{}</a></li>",
            escape(id),
            escape(op["summary"].as_str().unwrap_or(id))
        );
    }
    for (event, _, op) in &webhooks {
        let _ = writeln!(
            out,
            "<li><a href=\"#{}\">Webhook <code>{}</code></a></li>",
            escape(op["operationId"].as_str().unwrap_or_default()),
            escape(event)
        );
    }
    out.push_str("<li><a href=\"#schemas\">Schemas</a></li>\n</ul></nav>\n");
    out.push_str("<h2 id=\"overview\">Overview</h2>\n");
    out.push_str(&to_html(info["description"].as_str().unwrap_or_default()));
    out.push_str("<h2 id=\"operations\">Operations</h2>\n");
    for (path, method, op) in &paths {
        operation(&mut out, document, method, path, op);
    }
    out.push_str(
        "<h2 id=\"webhooks\">Webhooks</h2>\n<p>What the server posts to your endpoint.</p>\n",
    );
    for (event, method, op) in &webhooks {
        operation(&mut out, document, method, &format!("event {event}"), op);
    }
    out.push_str("<h2 id=\"schemas\">Schemas</h2>\n");
    for (name, schema) in schemas {
        let _ = writeln!(
            out,
            "<section id=\"{}\"><h3>{}</h3>\n<p>{}</p>",
            escape(&schema_anchor(name)),
            escape(name),
            type_of(schema)
        );
        out.push_str(&to_html(schema["description"].as_str().unwrap_or_default()));
        properties_table(&mut out, schema);
        let rules = constraints(schema);
        if !rules.is_empty() {
            let _ = writeln!(out, "<p>{rules}</p>");
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_self_contained_and_covers_the_document() {
        let document = super::super::document().unwrap();
        let page = render(&document);
        for needle in ["<script", "<link", "@import", "src=", "url("] {
            assert!(!page.contains(needle), "the page loads something: {needle}");
        }
        // Every link is to an anchor of the page, or to the document beside it.
        for link in page.split("href=\"").skip(1) {
            let target = &link[..link.find('"').unwrap()];
            assert!(
                target == "openapi.json" || page.contains(&format!("id=\"{}\"", &target[1..])),
                "dangling link {target}"
            );
        }
        for (_, _, op) in operations(&document["paths"])
            .iter()
            .chain(&operations(&document["webhooks"]))
        {
            let id = op["operationId"].as_str().unwrap();
            assert!(page.contains(&format!("<section id=\"{id}\">")), "{id}");
        }
        assert!(page.contains("Retry-After"));
        assert!(page.contains("&quot;923001234567&quot;"));
    }
}
