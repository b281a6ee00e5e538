//! The message template: a request body whose strings may hold placeholders, filled in from
//! each row with minijinja (strict undefined).

mod context;
mod typed_fields;

use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::sync::Arc;

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use wasphere_types::MessageType;

use crate::problem::RowProblem;
use crate::row::{Cell, Row, json_kind};
use context::RowContext;
use typed_fields::{coerce, field_type};

/// The variable a whole-string placeholder's value is captured in.
const CAPTURE: &str = "__wasphere_value";

/// A message template: the JSON body of one of the 14 types, whose strings may hold
/// placeholders (`{{ firstName }}`, `{{ total | round(2) }}`, `{% if vip %}…{% endif %}`).
///
/// - A row lacking a column the template uses is an error for that row, naming the field
///   and the column (minijinja's strict undefined; `{{ x | default("…") }}` makes a column
///   optional).
/// - Numbers, booleans and `null` written in the template stay what they are.
/// - A string that is one placeholder and nothing else (`"{{ items }}"`) takes the value's
///   own type: a number or a list from a JSON Lines row stays a number or a list.
/// - The contract's number and boolean fields (`latitude`, `longitude`, `selectableCount`,
///   `isVoiceNote`, `fromMe`) filled from text (every CSV cell is text) become numbers and
///   booleans when the text reads as one.
/// - Cells are inserted as data, never as JSON: quotes, backslashes, newlines and emoji in
///   a cell cannot break the body.
///
/// ```
/// use wasphere_campaign::{Row, Template};
/// use wasphere_types::MessageType;
///
/// let template = Template::new(
///     MessageType::Text,
///     r#"{"to": "{{ phoneNumber }}", "text": "Hello {{ firstName }}, your order is ready!"}"#,
/// )?;
/// let row = Row::from_pairs(2, [("phoneNumber", "923001234567"), ("firstName", "Ali \"the\" Khan")]);
/// let body = template.render(&row).unwrap();
/// assert_eq!(body["text"], "Hello Ali \"the\" Khan, your order is ready!");
///
/// let missing = Row::from_pairs(3, [("phoneNumber", "923001234567")]);
/// let problems = template.render(&missing).unwrap_err();
/// assert_eq!(problems[0].path(), "text");
/// assert_eq!(problems[0].rule_name(), "missingColumn");
/// # Ok::<(), wasphere_campaign::TemplateError>(())
/// ```
pub struct Template {
    message_type: MessageType,
    source: String,
    env: Environment<'static>,
    root: Node,
    columns: BTreeSet<String>,
}

/// A part of the body: fixed, or filled in from the row.
#[derive(Debug)]
enum Node {
    Literal(serde_json::Value),
    /// A string with placeholders, rendered as text.
    Text(Placeholder),
    /// A string that is a single `{{ … }}`: the value keeps its type.
    Value(Placeholder),
    /// A string that is a single `{{ column }}` and nothing else: the cell as it is, looked
    /// up directly (the common `"to": "{{ phoneNumber }}"`, without the engine's cost).
    Column(Placeholder),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

#[derive(Debug)]
struct Placeholder {
    /// The field path, also the name of the compiled template in the environment.
    path: String,
    /// The columns it reads.
    columns: Vec<String>,
    /// The number or boolean the field must be, for a top-level typed field.
    coerce_to: Option<typed_fields::FieldType>,
}

/// A template that cannot be used for any row.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// The template is not JSON.
    #[error("the template is not valid JSON (line {line}, column {column}): {detail}")]
    NotJson {
        /// The line of the template, from 1.
        line: usize,
        /// The column, from 1.
        column: usize,
        /// What the parser said.
        detail: String,
    },
    /// The template is JSON, but not an object (a request body is an object).
    #[error("the template must be a JSON object (a request body), not {found}")]
    NotAnObject {
        /// What it is.
        found: &'static str,
    },
    /// A placeholder does not parse.
    #[error("the placeholder in `{path}` is not valid: {detail}")]
    Syntax {
        /// The field holding it.
        path: String,
        /// What the template engine said.
        detail: String,
    },
    /// The template has no `to`.
    #[error(
        "the template has no `to`: add \"to\": \"{{{{ phoneNumber }}}}\" (or the column holding the recipients)"
    )]
    NoRecipient,
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Template")
            .field("message_type", &self.message_type)
            .field("columns", &self.columns)
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

impl Template {
    /// Compiles `json`, the body of a `message_type` message with placeholders.
    ///
    /// # Errors
    /// [`TemplateError`] when it is not a JSON object, a placeholder does not parse, or it
    /// has no `to`.
    pub fn new(message_type: MessageType, json: &str) -> Result<Template, TemplateError> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| TemplateError::NotJson {
                line: e.line(),
                column: e.column(),
                detail: strip_position(&e.to_string()),
            })?;
        let serde_json::Value::Object(fields) = &value else {
            return Err(TemplateError::NotAnObject {
                found: json_kind(&value),
            });
        };
        if !fields.contains_key("to") {
            return Err(TemplateError::NoRecipient);
        }
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // The output is a JSON string value that serde escapes; HTML escaping (chosen by
        // template name otherwise) would corrupt it.
        env.set_auto_escape_callback(|_| AutoEscape::None);
        let globals: HashSet<String> = env.globals().map(|(k, _)| k.to_owned()).collect();
        let mut compiler = Compiler {
            env,
            globals,
            columns: BTreeSet::new(),
            message_type,
        };
        let root = compiler.node(&value, String::new())?;
        Ok(Template {
            message_type,
            source: json.to_owned(),
            env: compiler.env,
            root,
            columns: compiler.columns,
        })
    }

    /// The type of message it makes.
    pub fn message_type(&self) -> MessageType {
        self.message_type
    }

    /// The template's text, as given.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The columns its placeholders read (names found in them that are not the template
    /// engine's own functions).
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(String::as_str)
    }

    /// The body for `row`, or every problem filling it in (one per field).
    ///
    /// # Errors
    /// A [`RowProblem::MissingColumn`] or [`RowProblem::Render`] per field that could not be
    /// filled in.
    pub fn render(&self, row: &Row) -> Result<serde_json::Value, Vec<RowProblem>> {
        self.render_owned(row.clone())
    }

    /// [`Template::render`], taking the row (saves copying its cells).
    pub(crate) fn render_owned(&self, row: Row) -> Result<serde_json::Value, Vec<RowProblem>> {
        let context = Arc::new(RowContext(row));
        let mut problems = Vec::new();
        let value = self.fill(&self.root, &context, &mut problems);
        if problems.is_empty() {
            Ok(value)
        } else {
            Err(problems)
        }
    }

    fn fill(
        &self,
        node: &Node,
        row: &Arc<RowContext>,
        problems: &mut Vec<RowProblem>,
    ) -> serde_json::Value {
        match node {
            Node::Literal(v) => v.clone(),
            Node::Array(items) => serde_json::Value::Array(
                items.iter().map(|n| self.fill(n, row, problems)).collect(),
            ),
            Node::Object(fields) => serde_json::Value::Object(
                fields
                    .iter()
                    .map(|(k, n)| (k.clone(), self.fill(n, row, problems)))
                    .collect(),
            ),
            Node::Text(p) => match self.render_text(p, row) {
                Ok(text) => typed(p, serde_json::Value::String(text)),
                Err(problem) => {
                    problems.extend(problem);
                    serde_json::Value::Null
                }
            },
            Node::Value(p) => match self.render_value(p, row) {
                Ok(value) => typed(p, value),
                Err(problem) => {
                    problems.extend(problem);
                    serde_json::Value::Null
                }
            },
            Node::Column(p) => match p.columns.first().and_then(|c| row.0.get(c)) {
                Some(Cell::Text(text)) => typed(p, serde_json::Value::String(text.to_owned())),
                Some(Cell::Json(value)) => typed(p, value.clone()),
                None => {
                    problems.extend(p.columns.iter().map(|c| RowProblem::MissingColumn {
                        path: p.path.clone(),
                        column: c.clone(),
                    }));
                    serde_json::Value::Null
                }
            },
        }
    }

    fn render_text(
        &self,
        p: &Placeholder,
        row: &Arc<RowContext>,
    ) -> Result<String, Vec<RowProblem>> {
        let template = self
            .env
            .get_template(&p.path)
            .map_err(|e| self.problems(p, row, &e))?;
        template
            .render(Value::from_dyn_object(row.clone()))
            .map_err(|e| self.problems(p, row, &e))
    }

    fn render_value(
        &self,
        p: &Placeholder,
        row: &Arc<RowContext>,
    ) -> Result<serde_json::Value, Vec<RowProblem>> {
        let template = self
            .env
            .get_template(&p.path)
            .map_err(|e| self.problems(p, row, &e))?;
        let captured = template
            .render_captured(Value::from_dyn_object(row.clone()))
            .map_err(|e| self.problems(p, row, &e))?;
        let value = captured.state().lookup(CAPTURE).unwrap_or_default();
        if value.is_undefined() {
            // Strict undefined lets `set` store an undefined value; printing it would fail,
            // so it fails here the same way.
            let undefined = minijinja::Error::new(
                minijinja::ErrorKind::UndefinedError,
                "the placeholder's value is undefined",
            );
            return Err(self.problems(p, row, &undefined));
        }
        serde_json::to_value(&value).map_err(|e| {
            vec![RowProblem::Render {
                path: p.path.clone(),
                detail: e.to_string(),
            }]
        })
    }

    /// Names the missing columns when that is why rendering failed; else the engine's words.
    fn problems(
        &self,
        p: &Placeholder,
        row: &Arc<RowContext>,
        e: &minijinja::Error,
    ) -> Vec<RowProblem> {
        let missing: Vec<RowProblem> = p
            .columns
            .iter()
            .filter(|c| !row.0.has(c))
            .map(|c| RowProblem::MissingColumn {
                path: p.path.clone(),
                column: c.clone(),
            })
            .collect();
        if !missing.is_empty() && e.kind() == minijinja::ErrorKind::UndefinedError {
            return missing;
        }
        vec![RowProblem::Render {
            path: p.path.clone(),
            detail: engine_words(e),
        }]
    }
}

/// A rendered value, made the number or boolean its field needs when it is text that reads
/// as one.
fn typed(p: &Placeholder, value: serde_json::Value) -> serde_json::Value {
    match (&p.coerce_to, &value) {
        (Some(t), serde_json::Value::String(s)) => coerce(*t, s).unwrap_or(value),
        _ => value,
    }
}

struct Compiler {
    env: Environment<'static>,
    globals: HashSet<String>,
    columns: BTreeSet<String>,
    message_type: MessageType,
}

impl Compiler {
    fn node(&mut self, value: &serde_json::Value, path: String) -> Result<Node, TemplateError> {
        Ok(match value {
            serde_json::Value::String(s) if has_placeholder(s) => self.placeholder(s, path)?,
            serde_json::Value::Array(items) => {
                let nodes = items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.node(v, format!("{path}[{i}]")))
                    .collect::<Result<Vec<_>, _>>()?;
                collapse(Node::Array(nodes), value)
            }
            serde_json::Value::Object(fields) => {
                let nodes = fields
                    .iter()
                    .map(|(k, v)| {
                        let child = if path.is_empty() {
                            k.clone()
                        } else {
                            format!("{path}.{k}")
                        };
                        self.node(v, child).map(|n| (k.clone(), n))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                collapse(Node::Object(nodes), value)
            }
            other => Node::Literal(other.clone()),
        })
    }

    fn placeholder(&mut self, text: &str, path: String) -> Result<Node, TemplateError> {
        let single = single_expression(text);
        let source = match single {
            Some(expr) => format!("{{% set {CAPTURE} = ({expr}) %}}"),
            None => text.to_owned(),
        };
        let syntax = |e: minijinja::Error| TemplateError::Syntax {
            path: path.clone(),
            detail: engine_words(&e),
        };
        self.env
            .add_template_owned(path.clone(), source)
            .map_err(syntax)?;
        let template = self.env.get_template(&path).map_err(syntax)?;
        let mut columns: Vec<String> = template
            .undeclared_variables(false)
            .into_iter()
            .filter(|name| !self.globals.contains(name))
            .collect();
        columns.sort();
        self.columns.extend(columns.iter().cloned());
        let placeholder = Placeholder {
            coerce_to: field_type(self.message_type, &path),
            path,
            columns,
        };
        Ok(match single {
            Some(expr) if is_identifier(expr) && placeholder.columns.len() == 1 => {
                Node::Column(placeholder)
            }
            Some(_) => Node::Value(placeholder),
            None => Node::Text(placeholder),
        })
    }
}

/// A subtree without placeholders is kept as one literal.
fn collapse(node: Node, value: &serde_json::Value) -> Node {
    let fixed = match &node {
        Node::Array(items) => items.iter().all(|n| matches!(n, Node::Literal(_))),
        Node::Object(fields) => fields.iter().all(|(_, n)| matches!(n, Node::Literal(_))),
        _ => false,
    };
    if fixed {
        Node::Literal(value.clone())
    } else {
        node
    }
}

fn has_placeholder(s: &str) -> bool {
    s.contains("{{") || s.contains("{%") || s.contains("{#")
}

/// The expression of a string that is exactly one `{{ … }}` (surrounding blanks allowed).
fn single_expression(text: &str) -> Option<&str> {
    let inner = text.trim().strip_prefix("{{")?.strip_suffix("}}")?;
    let inner = inner.strip_prefix('-').unwrap_or(inner);
    let inner = inner.strip_suffix('-').unwrap_or(inner);
    let blocked = ["{{", "}}", "{%", "%}", "{#", "#}"];
    if blocked.iter().any(|b| inner.contains(b)) || inner.trim().is_empty() {
        return None;
    }
    Some(inner.trim())
}

/// Whether `expr` is a bare variable name (`phoneNumber`, `first_name`).
fn is_identifier(expr: &str) -> bool {
    let mut chars = expr.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The engine's message without its location suffix (the path says where).
fn engine_words(e: &minijinja::Error) -> String {
    let kind = e.kind().to_string();
    match e.detail() {
        Some(detail) => format!("{kind}: {detail}"),
        None => kind,
    }
}

fn strip_position(message: &str) -> String {
    message
        .rsplit_once(" at line ")
        .map_or(message, |(m, _)| m)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn text_template() -> Template {
        Template::new(
            MessageType::Text,
            r#"{"to": "{{ phone }}", "text": "Hi {{ name }}! {{ order }}"}"#,
        )
        .unwrap()
    }

    #[test]
    fn fills_strings_and_lists_the_columns() {
        let t = text_template();
        assert_eq!(t.columns().collect::<Vec<_>>(), ["name", "order", "phone"]);
        let row = Row::from_pairs(
            2,
            [("phone", "923001234567"), ("name", "A"), ("order", "#1")],
        );
        assert_eq!(
            t.render(&row).unwrap(),
            json!({"to": "923001234567", "text": "Hi A! #1"})
        );
    }

    #[test]
    fn every_missing_column_is_named_with_its_field() {
        let t = text_template();
        let row = Row::from_pairs(2, [("name", "A")]);
        let problems = t.render(&row).unwrap_err();
        let named: Vec<(String, String)> = problems
            .iter()
            .map(|p| match p {
                RowProblem::MissingColumn { path, column } => (path.clone(), column.clone()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            named,
            [
                ("text".to_owned(), "order".to_owned()),
                ("to".to_owned(), "phone".to_owned())
            ]
        );
    }

    #[test]
    fn default_makes_a_column_optional() {
        let t = Template::new(
            MessageType::Text,
            r#"{"to": "1", "text": "Hi {{ name | default('there') }}"}"#,
        )
        .unwrap();
        let body = t.render(&Row::from_pairs(2, [("x", "y")])).unwrap();
        assert_eq!(body["text"], "Hi there");
    }

    #[test]
    fn literals_keep_their_types_and_single_placeholders_keep_the_values() {
        let t = Template::new(
            MessageType::Poll,
            r#"{"to": "{{ phone }}", "name": "Q {{ n }}", "options": "{{ options }}", "selectableCount": 1}"#,
        )
        .unwrap();
        let row = Row::from_json(
            1,
            json!({"phone": "923001234567", "n": 2, "options": ["a", "b"]})
                .as_object()
                .cloned()
                .unwrap(),
        );
        assert_eq!(
            t.render(&row).unwrap(),
            json!({"to": "923001234567", "name": "Q 2", "options": ["a", "b"], "selectableCount": 1})
        );
    }

    #[test]
    fn number_fields_from_text_cells_become_numbers() {
        let t = Template::new(
            MessageType::Location,
            r#"{"to": "{{ phone }}", "latitude": "{{ lat }}", "longitude": "{{ lon }}", "name": "{{ lat }}"}"#,
        )
        .unwrap();
        let row = Row::from_pairs(
            2,
            [("phone", "923001234567"), ("lat", "24.86"), ("lon", "east")],
        );
        let body = t.render(&row).unwrap();
        assert_eq!(body["latitude"], json!(24.86));
        assert_eq!(
            body["longitude"],
            json!("east"),
            "left for validation to report"
        );
        assert_eq!(body["name"], json!("24.86"), "a text field stays text");
    }

    #[test]
    fn cells_are_data_not_json() {
        let t = text_template();
        let nasty = "\"}, \"x\": \"\\\n😀";
        let row = Row::from_pairs(
            2,
            [("phone", "1"), ("name", nasty), ("order", "{{ name }}")],
        );
        let body = t.render(&row).unwrap();
        assert_eq!(body["text"], format!("Hi {nasty}! {{{{ name }}}}"));
        assert_eq!(body.as_object().unwrap().len(), 2);
    }

    #[test]
    fn bad_templates_are_refused_with_their_place() {
        let e = Template::new(MessageType::Text, "{\"to\": \"1\",\n \"text\": }").unwrap_err();
        assert!(matches!(e, TemplateError::NotJson { line: 2, .. }), "{e}");
        assert_eq!(
            Template::new(MessageType::Text, "[1]").unwrap_err(),
            TemplateError::NotAnObject { found: "an array" }
        );
        assert_eq!(
            Template::new(MessageType::Text, r#"{"text": "x"}"#).unwrap_err(),
            TemplateError::NoRecipient
        );
        let e = Template::new(MessageType::Text, r#"{"to": "1", "text": "{{ name "}"#).unwrap_err();
        assert!(
            matches!(e, TemplateError::Syntax { ref path, .. } if path == "text"),
            "{e}"
        );
    }

    #[test]
    fn nested_fields_have_paths() {
        let t = Template::new(
            MessageType::Buttons,
            r#"{"to": "1", "text": "t", "footer": "f", "buttons": [{"id": "a", "text": "{{ label }}"}]}"#,
        )
        .unwrap();
        let problems = t.render(&Row::from_pairs(2, [("x", "")])).unwrap_err();
        assert_eq!(problems[0].path(), "buttons[0].text");
    }

    #[test]
    fn single_expressions_are_recognised() {
        assert_eq!(single_expression(" {{ a }} "), Some("a"));
        assert_eq!(single_expression("{{- a | int -}}"), Some("a | int"));
        assert_eq!(single_expression("{{ a }} {{ b }}"), None);
        assert_eq!(single_expression("x {{ a }}"), None);
        assert_eq!(single_expression("{{ }}"), None);
        assert!(is_identifier("phoneNumber") && is_identifier("_x1"));
        assert!(!is_identifier("a.b") && !is_identifier("1a") && !is_identifier("a | int"));
    }
}
