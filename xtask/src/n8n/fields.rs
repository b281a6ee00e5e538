//! The n8n fields of one operation, read off the JSON Schema of its body.
//!
//! Rules, so that a field added to the types appears in the node without code here:
//! required properties become fields in the schema's `required` order; optional ones go
//! into one "Additional Fields" collection; strings, numbers, booleans and enums map to
//! n8n's types; a list of strings is a multi-value string; a list of objects is a
//! repeatable fixed collection named after the singular (`buttons` → `button`), its
//! entries' fields built by the same rules. A shape outside these rules is an error,
//! never a field silently left out.

use serde_json::Value;

use super::literal::Literal;

/// The name of the collection that holds a body's optional properties.
pub(crate) const ADDITIONAL_FIELDS: &str = "additionalFields";

/// Names of the node's own parameters (integrations/n8n/nodes/WaSphere/description.ts):
/// n8n keeps all parameters in one namespace, so a body field may not take them.
const RESERVED: &[&str] = &[
    "resource",
    "operation",
    "bodyInput",
    "jsonBody",
    "requestOptions",
    ADDITIONAL_FIELDS,
];

/// A string longer than this gets a multi-line input.
const MULTILINE_FROM: u64 = 256;

/// The fields of a body schema: required first, then the optional ones in a collection.
pub(crate) fn body_fields(root: &Value, context: &str) -> Result<Vec<Literal>, String> {
    let (required, optional) = split_properties(root, root, context)?;
    if let Some((name, _)) = required
        .iter()
        .chain(&optional)
        .find(|(n, _)| RESERVED.contains(n))
    {
        return Err(format!(
            "{context}.{name}: the node has a parameter of its own with this name; rename it in \
             integrations/n8n/nodes/WaSphere/description.ts and RESERVED in xtask/src/n8n/fields.rs"
        ));
    }
    let mut fields = fields_of(root, &required, true, context)?;
    if !optional.is_empty() {
        let options = fields_of(root, &optional, false, context)?;
        fields.push(Literal::object([
            ("displayName", Literal::str("Additional Fields")),
            ("name", Literal::str(ADDITIONAL_FIELDS)),
            ("type", Literal::str("collection")),
            ("placeholder", Literal::str("Add Field")),
            ("default", Literal::Object(vec![])),
            ("options", Literal::List(options)),
        ]));
    }
    Ok(fields)
}

/// A required string field for a part of the URL path (`{messageId}`).
pub(crate) fn path_field(name: &str, description: &str) -> Literal {
    Literal::object([
        ("displayName", Literal::str(display_name(name))),
        ("name", Literal::str(name)),
        ("type", Literal::str("string")),
        ("required", Literal::Bool(true)),
        ("default", Literal::str("")),
        ("description", Literal::str(description)),
    ])
}

type Named<'a> = Vec<(&'a str, &'a Value)>;

/// A field for each named property, all required or all optional.
fn fields_of(
    root: &Value,
    properties: &Named<'_>,
    required: bool,
    context: &str,
) -> Result<Vec<Literal>, String> {
    properties
        .iter()
        .map(|(name, property)| field(root, name, property, required, &format!("{context}.{name}")))
        .collect()
}

/// An object schema's properties, split into required (in `required` order) and
/// optional (in property order).
fn split_properties<'a>(
    root: &'a Value,
    object: &'a Value,
    context: &str,
) -> Result<(Named<'a>, Named<'a>), String> {
    let object = resolve(root, object, context)?;
    if types(object) != ["object"] {
        return Err(format!("{context}: expected an object schema"));
    }
    let properties = object
        .get("properties")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{context}: an object schema without properties"))?;
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut first = Vec::new();
    for name in &required {
        let property = properties
            .get(*name)
            .ok_or_else(|| format!("{context}: `{name}` is required but not a property"))?;
        first.push((*name, property));
    }
    let rest = properties
        .iter()
        .filter(|(name, _)| !required.contains(&name.as_str()))
        .map(|(name, property)| (name.as_str(), property))
        .collect();
    Ok((first, rest))
}

/// Follows a local `$ref` (`#/$defs/Name`); other keywords beside the reference (a
/// description) are kept by the caller, which reads them from the referring schema.
fn resolve<'a>(root: &'a Value, schema: &'a Value, context: &str) -> Result<&'a Value, String> {
    match schema.get("$ref").and_then(Value::as_str) {
        None => Ok(schema),
        Some(reference) => reference
            .strip_prefix("#/$defs/")
            .and_then(|name| root.get("$defs")?.get(name))
            .ok_or_else(|| format!("{context}: cannot resolve $ref {reference:?}")),
    }
}

/// The schema's types without `null` (an optional property may be sent as `null`).
fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => Vec::new(),
    }
}

fn number(schema: &Value, key: &str) -> Option<serde_json::Number> {
    schema.get(key).and_then(Value::as_number).cloned()
}

fn count(schema: &Value, key: &str) -> Option<u64> {
    schema.get(key).and_then(Value::as_u64)
}

/// The values of a string enum: `enum`, or `oneOf` of `const`s.
fn choices(schema: &Value) -> Option<Vec<String>> {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return Some(
            values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        );
    }
    let alternatives = schema.get("oneOf").and_then(Value::as_array)?;
    alternatives
        .iter()
        .map(|a| a.get("const").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

fn field(
    root: &Value,
    name: &str,
    property: &Value,
    required: bool,
    context: &str,
) -> Result<Literal, String> {
    let schema = resolve(root, property, context)?;
    let description = property
        .get("description")
        .or_else(|| schema.get("description"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut out = Literal::object([
        ("displayName", Literal::str(display_name(name))),
        ("name", Literal::str(name)),
    ]);
    let rule;
    if let Some(values) = choices(schema) {
        out.push("type", Literal::str("options"));
        let options = values
            .iter()
            .map(|v| {
                Literal::object([
                    ("name", Literal::str(display_name(v))),
                    ("value", Literal::str(v)),
                ])
            })
            .collect();
        out.push("options", Literal::List(options));
        let default = schema
            .get("default")
            .and_then(Value::as_str)
            .or(values.first().map(String::as_str))
            .unwrap_or_default();
        out.push("default", Literal::str(default));
        rule = None;
    } else {
        match types(schema).as_slice() {
            ["string"] => {
                out.push("type", Literal::str("string"));
                out.push("default", Literal::str(""));
                if count(schema, "maxLength").is_some_and(|max| max >= MULTILINE_FROM) {
                    out.push("typeOptions", Literal::object([("rows", Literal::from(4))]));
                }
                rule = length_rule(schema, "characters");
            }
            [kind @ ("number" | "integer")] => {
                let integer = *kind == "integer";
                out.push("type", Literal::str("number"));
                let min = number(schema, "minimum");
                let max = number(schema, "maximum");
                out.push("default", Literal::Number(default_number(&min, &max)));
                let mut options = Literal::Object(vec![]);
                if let Some(min) = &min {
                    options.push("minValue", Literal::Number(min.clone()));
                }
                if let Some(max) = &max {
                    options.push("maxValue", Literal::Number(max.clone()));
                }
                if integer {
                    options.push("numberPrecision", Literal::from(0));
                }
                if options != Literal::Object(vec![]) {
                    out.push("typeOptions", options);
                }
                rule = range_rule(&min, &max, integer);
            }
            ["boolean"] => {
                out.push("type", Literal::str("boolean"));
                let default = schema.get("default").and_then(Value::as_bool);
                out.push("default", Literal::Bool(default.unwrap_or(false)));
                rule = None;
            }
            ["array"] => {
                let item_property = schema
                    .get("items")
                    .ok_or_else(|| format!("{context}: an array without `items`"))?;
                let item = resolve(root, item_property, context)?;
                let singular = singular(name);
                match types(item).as_slice() {
                    ["string"] => {
                        out.push("type", Literal::str("string"));
                        out.push("default", Literal::List(vec![]));
                        out.push(
                            "typeOptions",
                            Literal::object([
                                ("multipleValues", Literal::Bool(true)),
                                (
                                    "multipleValueButtonText",
                                    Literal::str(format!("Add {}", display_name(&singular))),
                                ),
                            ]),
                        );
                        let each = length_rule(item, "characters")
                            .map(|r| format!(", each {r}"))
                            .unwrap_or_default();
                        rule = item_count_rule(schema, &singular)
                            .map(|r| format!("{r}{each}"))
                            .or(each.strip_prefix(", ").map(str::to_owned));
                    }
                    ["object"] => {
                        let (req, opt) = split_properties(root, item, context)?;
                        let mut entry_fields = fields_of(root, &req, true, context)?;
                        entry_fields.extend(fields_of(root, &opt, false, context)?);
                        out.push("type", Literal::str("fixedCollection"));
                        out.push(
                            "placeholder",
                            Literal::str(format!("Add {}", display_name(&singular))),
                        );
                        out.push("default", Literal::Object(vec![]));
                        out.push(
                            "typeOptions",
                            Literal::object([
                                ("multipleValues", Literal::Bool(true)),
                                ("sortable", Literal::Bool(true)),
                            ]),
                        );
                        out.push(
                            "options",
                            Literal::List(vec![Literal::object([
                                ("displayName", Literal::str(display_name(&singular))),
                                ("name", Literal::str(&singular)),
                                ("values", Literal::List(entry_fields)),
                            ])]),
                        );
                        rule = item_count_rule(schema, &singular);
                    }
                    other => {
                        return Err(format!(
                            "{context}: no n8n field for a list of {other:?}; extend xtask/src/n8n/fields.rs"
                        ));
                    }
                }
            }
            other => {
                return Err(format!(
                    "{context}: no n8n field for a schema of type {other:?}; extend xtask/src/n8n/fields.rs"
                ));
            }
        }
    }
    if required {
        out.push("required", Literal::Bool(true));
    }
    out.push(
        "description",
        Literal::str(describe(description, rule.as_deref())),
    );
    if let Some(example) = schema
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
        .and_then(Value::as_str)
    {
        out.push("placeholder", Literal::str(format!("e.g. {example}")));
    }
    Ok(out)
}

/// The description from the types, with the rule appended when it does not state it.
fn describe(description: &str, rule: Option<&str>) -> String {
    let description = description.trim();
    let Some(rule) = rule else {
        return description.to_owned();
    };
    // A description that names every number of the rule already says it.
    let numbers: Vec<&str> = rule
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter(|s| s.chars().any(|c| c.is_ascii_digit()))
        .collect();
    // Prose may write −90 with a minus sign where the rule has a hyphen.
    let plain_description = description.replace('\u{2212}', "-");
    if numbers.iter().all(|n| plain_description.contains(n)) {
        return description.to_owned();
    }
    let mut sentence = rule.to_owned();
    if let Some(first) = sentence.get(..1) {
        sentence.replace_range(..1, &first.to_uppercase());
    }
    if description.is_empty() {
        format!("{sentence}.")
    } else {
        format!("{description} {sentence}.")
    }
}

fn length_rule(schema: &Value, unit: &str) -> Option<String> {
    bounds_rule(
        count(schema, "minLength").filter(|n| *n > 0),
        count(schema, "maxLength"),
        unit,
    )
}

fn item_count_rule(schema: &Value, singular: &str) -> Option<String> {
    let noun = display_name(singular).to_lowercase();
    bounds_rule(
        count(schema, "minItems").filter(|n| *n > 0),
        count(schema, "maxItems"),
        &format!("{noun}s"),
    )
}

fn bounds_rule(min: Option<u64>, max: Option<u64>, unit: &str) -> Option<String> {
    match (min, max) {
        (Some(min), Some(max)) => Some(format!("{min} to {max} {unit}")),
        (None, Some(max)) => Some(format!("at most {max} {unit}")),
        (Some(min), None) => Some(format!("at least {min} {unit}")),
        (None, None) => None,
    }
}

fn range_rule(
    min: &Option<serde_json::Number>,
    max: &Option<serde_json::Number>,
    integer: bool,
) -> Option<String> {
    let what = if integer {
        "a whole number"
    } else {
        "a number"
    };
    match (min, max) {
        (Some(min), Some(max)) => Some(format!("{what} from {} to {}", plain(min), plain(max))),
        (None, Some(max)) => Some(format!("{what} at most {}", plain(max))),
        (Some(min), None) => Some(format!("{what} at least {}", plain(min))),
        (None, None) => integer.then(|| what.to_owned()),
    }
}

/// `90.0` reads as `90` in a sentence.
fn plain(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        _ => n.to_string(),
    }
}

/// 0 when the range allows it, else the bound nearest to 0.
fn default_number(
    min: &Option<serde_json::Number>,
    max: &Option<serde_json::Number>,
) -> serde_json::Number {
    let lo = min.as_ref().and_then(serde_json::Number::as_f64);
    let hi = max.as_ref().and_then(serde_json::Number::as_f64);
    match (lo, hi) {
        (Some(lo), _) if lo > 0.0 => min.clone().unwrap_or_else(|| 0.into()),
        (_, Some(hi)) if hi < 0.0 => max.clone().unwrap_or_else(|| 0.into()),
        _ => 0.into(),
    }
}

/// `buttons` → `button`, `messageIds` → `messageId`; a name without a plural `s`
/// gets `Item` (`data` → `dataItem`).
pub(crate) fn singular(name: &str) -> String {
    match name.strip_suffix('s') {
        Some(stem) if !stem.is_empty() && !stem.ends_with('s') => stem.to_owned(),
        _ => format!("{name}Item"),
    }
}

/// `buttonText` → `Button Text`, `quotedId` → `Quoted ID`, `url` → `URL`,
/// `view-once` → `View Once`.
pub(crate) fn display_name(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in name.chars() {
        if c == '-' || c == '_' || c == ' ' {
            words.push(std::mem::take(&mut current));
        } else if c.is_ascii_uppercase() && !current.is_empty() {
            words.push(std::mem::take(&mut current));
            current.push(c);
        } else {
            current.push(c);
        }
    }
    words.push(current);
    words
        .into_iter()
        .filter(|w| !w.is_empty())
        .map(|w| match w.to_ascii_lowercase().as_str() {
            "id" => "ID".to_owned(),
            "ids" => "IDs".to_owned(),
            "url" => "URL".to_owned(),
            _ => {
                let mut chars = w.chars();
                chars
                    .next()
                    .map(|first| first.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_read_as_words() {
        assert_eq!(display_name("buttonText"), "Button Text");
        assert_eq!(display_name("quotedId"), "Quoted ID");
        assert_eq!(display_name("messageIds"), "Message IDs");
        assert_eq!(display_name("view-once"), "View Once");
        assert_eq!(display_name("url"), "URL");
        assert_eq!(singular("buttons"), "button");
        assert_eq!(singular("messageIds"), "messageId");
        assert_eq!(singular("address"), "addressItem");
    }

    #[test]
    fn required_fields_come_first_and_optional_ones_in_a_collection() {
        let schema = json!({
            "type": "object",
            "properties": {
                "caption": {"type": ["string", "null"], "maxLength": 1024, "description": "A caption."},
                "to": {"type": "string", "minLength": 1, "maxLength": 40, "description": "Recipient.", "examples": ["923001234567"]},
                "url": {"type": "string", "minLength": 1, "description": "The file."}
            },
            "required": ["url", "to"]
        });
        let fields = body_fields(&schema, "image").unwrap();
        let names: Vec<&Literal> = fields.iter().map(|f| f.get("name").unwrap()).collect();
        assert_eq!(
            names,
            [
                &Literal::str("url"),
                &Literal::str("to"),
                &Literal::str(ADDITIONAL_FIELDS)
            ]
        );
        assert_eq!(
            fields[1].get("description"),
            Some(&Literal::str("Recipient. 1 to 40 characters."))
        );
        assert_eq!(
            fields[1].get("placeholder"),
            Some(&Literal::str("e.g. 923001234567"))
        );
        let Some(Literal::List(optional)) = fields[2].get("options") else {
            panic!("no options in {:?}", fields[2]);
        };
        assert_eq!(
            optional[0].get("typeOptions"),
            Some(&Literal::object([("rows", Literal::from(4))]))
        );
        assert_eq!(optional[0].get("required"), None);
        assert_eq!(
            optional[0].get("description"),
            Some(&Literal::str("A caption. At most 1024 characters."))
        );
        // A description that states the rule does not get it twice.
        assert_eq!(
            describe("Latitude, −90 to 90.", Some("a number from -90 to 90")),
            "Latitude, −90 to 90."
        );
    }

    #[test]
    fn lists_of_objects_become_fixed_collections_through_refs() {
        let schema = json!({
            "$defs": {"Row": {"type": "object", "properties": {
                "id": {"type": "string", "maxLength": 200, "minLength": 1},
                "description": {"type": ["string", "null"], "maxLength": 72}
            }, "required": ["id"]}},
            "type": "object",
            "properties": {"rows": {"type": "array", "items": {"$ref": "#/$defs/Row"}, "minItems": 1, "maxItems": 10, "description": "Rows."}},
            "required": ["rows"]
        });
        let fields = body_fields(&schema, "list").unwrap();
        let rows = &fields[0];
        assert_eq!(rows.get("type"), Some(&Literal::str("fixedCollection")));
        assert_eq!(
            rows.get("description"),
            Some(&Literal::str("Rows. 1 to 10 rows."))
        );
        let Some(Literal::List(options)) = rows.get("options") else {
            panic!()
        };
        assert_eq!(options[0].get("name"), Some(&Literal::str("row")));
        let Some(Literal::List(values)) = options[0].get("values") else {
            panic!()
        };
        assert_eq!(values[0].get("required"), Some(&Literal::Bool(true)));
        assert_eq!(values[1].get("name"), Some(&Literal::str("description")));
    }

    #[test]
    fn enums_numbers_and_string_lists() {
        let schema = json!({
            "type": "object",
            "properties": {
                "presence": {"type": "string", "enum": ["available", "paused"]},
                "count": {"type": ["integer", "null"], "minimum": 1, "maximum": 12},
                "latitude": {"type": "number", "minimum": -90.0, "maximum": 90.0},
                "options": {"type": "array", "items": {"type": "string", "maxLength": 100}, "minItems": 2, "maxItems": 12}
            },
            "required": ["presence", "latitude", "options"]
        });
        let fields = body_fields(&schema, "x").unwrap();
        assert_eq!(fields[0].get("type"), Some(&Literal::str("options")));
        assert_eq!(fields[0].get("default"), Some(&Literal::str("available")));
        assert_eq!(
            fields[1].get("description"),
            Some(&Literal::str("A number from -90 to 90."))
        );
        assert_eq!(fields[1].get("default"), Some(&Literal::from(0)));
        assert_eq!(
            fields[2].get("description"),
            Some(&Literal::str(
                "2 to 12 options, each at most 100 characters."
            ))
        );
        let Some(Literal::List(optional)) = fields[3].get("options") else {
            panic!()
        };
        assert_eq!(optional[0].get("default"), Some(&Literal::from(1)));
        assert_eq!(
            optional[0]
                .get("typeOptions")
                .and_then(|t| t.get("numberPrecision")),
            Some(&Literal::from(0))
        );
    }

    #[test]
    fn a_body_field_named_like_a_node_parameter_is_an_error() {
        let schema = json!({"type": "object", "properties": {"operation": {"type": "string"}}, "required": []});
        let error = body_fields(&schema, "edit").unwrap_err();
        assert!(error.contains("edit.operation"), "{error}");
    }

    #[test]
    fn an_unknown_shape_is_an_error_naming_the_property() {
        let schema = json!({
            "type": "object",
            "properties": {"where": {"type": "object", "properties": {}}},
            "required": ["where"]
        });
        let error = body_fields(&schema, "location").unwrap_err();
        assert!(error.contains("location.where"), "{error}");
    }
}
