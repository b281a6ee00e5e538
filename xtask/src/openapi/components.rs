//! `components/schemas`: every JSON Schema the document uses, under one name each.
//!
//! A schema of `wasphere-types` is a standalone draft 2020-12 document whose helpers sit in
//! its own `$defs` and are referenced as `#/$defs/Name`. Inside an OpenAPI document `#`
//! is the document itself, so the helpers move up beside it and the references follow.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// Where named schemas live in the document.
const PREFIX: &str = "#/components/schemas/";

/// The named schemas collected so far.
#[derive(Default)]
pub(crate) struct Schemas {
    named: BTreeMap<String, Value>,
}

impl Schemas {
    /// Adds `schema` under `name` (its `$defs` under their own names) and returns a
    /// `$ref` to it. A name may be added twice only with the same schema.
    pub(crate) fn add(&mut self, name: &str, mut schema: Value) -> Result<Value, String> {
        let object = schema
            .as_object_mut()
            .ok_or_else(|| format!("the {name} schema is not an object"))?;
        object.remove("$schema");
        let defs = object.remove("$defs");
        if let Some(Value::Object(defs)) = defs {
            for (def_name, def) in defs {
                self.add(&def_name, def)?;
            }
        }
        rewrite_refs(&mut schema);
        match self.named.get(name) {
            Some(existing) if *existing != schema => {
                return Err(format!(
                    "two different schemas are both named {name}: rename one of the Rust types"
                ));
            }
            Some(_) => {}
            None => {
                self.named.insert(name.to_owned(), schema);
            }
        }
        Ok(reference(name))
    }

    /// The `components/schemas` object.
    pub(crate) fn into_value(self) -> Value {
        Value::Object(self.named.into_iter().collect())
    }
}

/// `{"$ref": "#/components/schemas/<name>"}`.
pub(crate) fn reference(name: &str) -> Value {
    json!({ "$ref": format!("{PREFIX}{name}") })
}

/// Points every `#/$defs/X` reference at `#/components/schemas/X`.
fn rewrite_refs(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match item {
                    Value::String(target) if key == "$ref" => {
                        if let Some(name) = target.strip_prefix("#/$defs/") {
                            *target = format!("{PREFIX}{name}");
                        }
                    }
                    other => rewrite_refs(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defs_move_up_and_references_follow() {
        let mut schemas = Schemas::default();
        let list = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$defs": {"Row": {"type": "object"}},
            "properties": {"rows": {"items": {"$ref": "#/$defs/Row"}}}
        });
        assert_eq!(
            schemas.add("List", list).unwrap(),
            json!({"$ref": "#/components/schemas/List"})
        );
        schemas
            .add("Other", json!({"$defs": {"Row": {"type": "object"}}}))
            .unwrap();
        let err = schemas
            .add("Third", json!({"$defs": {"Row": {"type": "string"}}}))
            .unwrap_err();
        assert!(err.contains("Row"), "{err}");
        let all = schemas.into_value();
        assert_eq!(
            all["List"],
            json!({"properties": {"rows": {"items": {"$ref": "#/components/schemas/Row"}}}})
        );
        assert_eq!(all["Row"], json!({"type": "object"}));
    }
}
