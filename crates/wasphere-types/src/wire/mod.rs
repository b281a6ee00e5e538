//! The JSON form of the payloads: raw bytes to a payload, in one pass that reports every
//! problem of the body, and a payload back to bytes.
//!
//! The body is read as the server reads it (`JSON.parse`, then class-validator with
//! `whitelist` and `forbidNonWhitelisted`): every unknown field at every depth, every
//! missing required field and every value of the wrong JSON type is named with its path.
//! When any of those is found, the rules of the fields that are present (lengths, ranges,
//! formats) are checked too, so the one answer holds everything the user has to fix.
//! A body that is not JSON at all gets one violation saying where it breaks.
//!
//! One pass over borrowed bytes, driven by each payload's table of wire fields
//! ([`tables`]); no intermediate JSON tree. Writing walks the same tables and gives the
//! same bytes as the payloads' `Serialize` (a test holds the two together), faster.

mod json_string;
mod malformed;
mod object;
mod parser;
mod reader;
mod suggest;
mod tables;
mod values;

use self::malformed::{Malformed, Problem};
use self::object::{WireObject, read_object, write_object};
use self::parser::Parser;
use self::reader::Kind;
use crate::checker::{Checker, Path, Rules};
use crate::violation::{Rule, ValidationError, Violation};
use crate::violation_list::ViolationList;

/// Reads `body` as a `T`. `Ok` when its shape is right (field names, presence, JSON
/// types); the rules of the values are then the payload's `validate()`'s.
pub(crate) fn parse_payload<T: WireObject + Rules>(body: &[u8]) -> Result<T, ValidationError> {
    let text = std::str::from_utf8(body).map_err(|e| {
        let at = e.valid_up_to();
        let problem = Problem::NotUtf8 {
            byte: body.get(at).copied().unwrap_or(0),
            truncated: e.error_len().is_none(),
        };
        unreadable(body, &Malformed::new(at, problem))
    })?;
    let mut parser = Parser::new(text);
    let payload = read_body::<T>(&mut parser).map_err(|m| unreadable(body, &m))?;
    let mut found = parser.into_violations();
    // A shape with more problems than an answer lists is not worth checking further.
    if !found.is_empty() && !found.overflowed() {
        add_rules(&payload, &mut found);
    }
    found.finish().map(|()| payload)
}

/// The JSON body of `payload`: its fields in the order of the struct, absent optional
/// fields left out.
pub(crate) fn write_payload<T: WireObject>(payload: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    write_object(payload, &mut out);
    out
}

/// The one JSON object of the body, and nothing after it.
fn read_body<T: WireObject>(p: &mut Parser<'_>) -> Result<T, Malformed> {
    if p.reader.at_end() {
        return Err(Malformed::new(p.reader.position(), Problem::Empty));
    }
    let kind = p.reader.peek()?;
    if kind != Kind::Object {
        // Malformed JSON is reported as such, before the body's shape.
        p.reader.skip_value(0)?;
        p.reader.finish()?;
        return Err(Malformed::new(0, Problem::NotAnObject(kind.described())));
    }
    let payload = read_object::<T>(p, Path::Root, 0)?;
    p.reader.finish()?;
    Ok(payload)
}

/// Adds to the shape's violations those of the rules, except about the values the body
/// lacks or has with the wrong JSON type.
fn add_rules<T: Rules>(payload: &T, shape: &mut ViolationList) {
    let lacking = shape
        .iter()
        .filter(|v| matches!(v.rule, Rule::Required | Rule::WrongType { .. }))
        .map(|v| v.path.clone())
        .collect();
    let mut checker = Checker::ignoring(lacking);
    payload.check_rules(&mut checker, Path::Root);
    if let Err(rules) = checker.finish() {
        for v in rules.violations {
            shape.push(v);
        }
    }
}

fn unreadable(body: &[u8], why: &Malformed) -> ValidationError {
    let detail = why.describe(body);
    ValidationError {
        violations: vec![Violation::server(
            String::new(),
            Rule::InvalidJson { detail },
        )],
    }
}
