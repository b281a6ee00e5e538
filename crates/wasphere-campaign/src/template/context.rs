//! A row as the template engine sees it: each column a variable, looked up on demand.

use std::collections::BTreeMap;
use std::sync::Arc;

use minijinja::value::{Enumerator, Object, Value};

use crate::row::{Cell, Row};

/// The variables of one row. Looking a column up copies that one cell, and only when the
/// template uses it.
#[derive(Debug)]
pub(crate) struct RowContext(pub(crate) Row);

impl Object for RowContext {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        Some(match self.0.get(key.as_str()?)? {
            Cell::Text(s) => Value::from(s),
            Cell::Json(v) => from_json(v),
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.0.columns().into_iter().map(Value::from).collect())
    }
}

/// A JSON value as a template value, keeping numbers, booleans, lists and objects.
fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::from(()),
        serde_json::Value::Bool(b) => Value::from(*b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                Value::from(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(items) => {
            Value::from(items.iter().map(from_json).collect::<Vec<_>>())
        }
        serde_json::Value::Object(map) => Value::from(
            map.iter()
                .map(|(k, v)| (k.clone(), from_json(v)))
                .collect::<BTreeMap<String, Value>>(),
        ),
    }
}
