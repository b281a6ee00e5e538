//! One JSON object and the struct it is read into, driven by the struct's table of wire
//! fields. Reading: known keys are read into their field, unknown keys are named (with the
//! field they most likely mean), missing required fields are named, and a repeated key
//! counts only its last value, as with the server's `JSON.parse`. Writing: the fields
//! that hold a value, in the table's order.

use std::borrow::Cow;
use std::collections::HashSet;

use super::malformed::{MAX_DEPTH, Malformed, Problem};
use super::parser::Parser;
use super::suggest::likely_meant;
use crate::checker::Path;
use crate::violation::{Rule, Violation};

/// The most fields one wire object may have (the largest has 5).
pub(crate) const MAX_FIELDS: usize = 8;

/// What reading one field's value found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A value of the right type, now in the field.
    Value,
    /// `null`: absent if the field is optional, missing if it is required.
    Null,
    /// A value of another JSON type than the field's, which should be this.
    Wrong(&'static str),
}

/// Reads one field's value into a struct. `depth` counts the arrays and objects open
/// around the value.
pub(crate) type FieldReader<T> =
    fn(&mut T, &mut Parser<'_>, Path<'_>, usize) -> Result<Outcome, Malformed>;

/// Appends `,"name":value` for a field that holds a value, nothing for an absent one.
pub(crate) type FieldWriter<T> = fn(&T, &mut Vec<u8>);

/// One field of a wire object.
pub(crate) struct Field<T> {
    /// Its wire name.
    pub(crate) name: &'static str,
    pub(crate) required: bool,
    pub(crate) read: FieldReader<T>,
    pub(crate) write: FieldWriter<T>,
}

/// A struct that a JSON object of the API is read into.
pub(crate) trait WireObject: Sized + 'static {
    /// How messages name such an object: `document`, `a button`.
    const NAME: &'static str;
    /// Its fields, in the order of the struct.
    const FIELDS: &'static [Field<Self>];

    /// The struct with every field empty: the start of reading, and what stands in for
    /// the fields a broken body lacks.
    fn blank() -> Self;
}

/// Reads the object that starts here (the reader's next value is `{`). `depth` counts
/// the arrays and objects open around it.
pub(crate) fn read_object<T: WireObject>(
    p: &mut Parser<'_>,
    at: Path<'_>,
    depth: usize,
) -> Result<T, Malformed> {
    let depth = depth + 1;
    if depth > MAX_DEPTH {
        return Err(Malformed::new(p.reader.position(), Problem::TooDeep));
    }
    p.reader.enter();
    let mut value = T::blank();
    let mut seen = 0u32;
    let mut valid = 0u32;
    let mut spans = [(0usize, 0usize); MAX_FIELDS];
    // Made only for an object with an unknown key (a hasher costs even when empty).
    let mut unknown: Option<HashSet<Cow<'_, str>>> = None;
    let mut first = true;
    while let Some(key) = p.reader.next_key(&mut first)? {
        let Some((i, field)) = T::FIELDS.iter().enumerate().find(|(_, f)| key == f.name) else {
            p.reader.skip_value(depth)?;
            // `JSON.parse` keeps one of repeated keys: name it once.
            let named = unknown.get_or_insert_with(HashSet::new);
            if !named.contains(&key) {
                name_unknown::<T>(p, at, &key, valid);
                named.insert(key);
            }
            continue;
        };
        let bit = 1 << i;
        if seen & bit != 0
            && let Some(&(start, end)) = spans.get(i)
        {
            p.forget(start..end);
        }
        let start = p.mark();
        let field_at = at.field(field.name);
        match (field.read)(&mut value, p, field_at, depth)? {
            Outcome::Value => valid |= bit,
            Outcome::Null => {
                valid &= !bit;
                if field.required {
                    p.push(Violation::server(field_at.to_string(), Rule::Required));
                }
            }
            Outcome::Wrong(expected) => {
                valid &= !bit;
                let expected = expected.to_owned();
                p.push(Violation::server(
                    field_at.to_string(),
                    Rule::WrongType { expected },
                ));
            }
        }
        if let Some(span) = spans.get_mut(i) {
            *span = (start, p.mark());
        }
        seen |= bit;
    }
    for (i, field) in T::FIELDS.iter().enumerate() {
        if field.required && seen & (1 << i) == 0 {
            p.push(Violation::server(
                at.field(field.name).to_string(),
                Rule::Required,
            ));
        }
    }
    Ok(value)
}

/// Appends `object` as JSON.
pub(crate) fn write_object<T: WireObject>(object: &T, out: &mut Vec<u8>) {
    let start = out.len();
    for field in T::FIELDS {
        (field.write)(object, out);
    }
    // Each field wrote a leading comma: the first one opens the object instead.
    match out.get_mut(start) {
        Some(first) => *first = b'{',
        None => out.push(b'{'),
    }
    out.push(b'}');
}

/// Names an unknown key, with the field it most likely means among those that hold no
/// value so far.
fn name_unknown<T: WireObject>(p: &mut Parser<'_>, at: Path<'_>, key: &str, valid: u32) {
    let names: Vec<&'static str> = T::FIELDS.iter().map(|f| f.name).collect();
    let open: Vec<&'static str> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| valid & (1 << i) == 0)
        .map(|(_, name)| *name)
        .collect();
    let suggestion = likely_meant(key, &open).map(|name| child(at, name));
    p.push(Violation::unknown_field(
        child(at, key),
        T::NAME,
        &names,
        suggestion,
    ));
}

/// The path of a key of the object at `at`.
fn child(at: Path<'_>, key: &str) -> String {
    match at {
        Path::Root => key.to_owned(),
        parent => format!("{parent}.{key}"),
    }
}
