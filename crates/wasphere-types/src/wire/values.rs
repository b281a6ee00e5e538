//! The kinds of value a field holds, each read from JSON (or found to be another JSON
//! type, which is still read to its end and then left out) and written back as JSON.

use std::borrow::Cow;
use std::marker::PhantomData;

use super::json_string::write_string;
use super::malformed::Malformed;
use super::object::{Outcome, WireObject, read_object, write_object};
use super::parser::Parser;
use super::reader::{Kind, Reader};
use crate::checker::Path;
use crate::violation::{Rule, Violation};

/// A value read for a field.
pub(crate) enum Read<T> {
    Value(T),
    Null,
    /// Another JSON type than the field's, which should be this.
    Wrong(&'static str),
}

impl<T: Default> Read<T> {
    /// Puts the value in a required field; a missing or wrong one leaves it empty.
    pub(crate) fn store(self, field: &mut T) -> Outcome {
        let (value, outcome) = match self {
            Read::Value(v) => (v, Outcome::Value),
            Read::Null => (T::default(), Outcome::Null),
            Read::Wrong(expected) => (T::default(), Outcome::Wrong(expected)),
        };
        *field = value;
        outcome
    }

    /// Puts the value in an optional field; `null` leaves it absent.
    pub(crate) fn store_optional(self, field: &mut Option<T>) -> Outcome {
        let (value, outcome) = match self {
            Read::Value(v) => (Some(v), Outcome::Value),
            Read::Null => (None, Outcome::Null),
            Read::Wrong(expected) => (None, Outcome::Wrong(expected)),
        };
        *field = value;
        outcome
    }
}

/// One kind of field value and its JSON form.
pub(crate) trait WireValue {
    type Value: Default;

    /// Reads the next value. `at` is its path, `depth` the number of arrays and objects
    /// open around it.
    fn read(p: &mut Parser<'_>, at: Path<'_>, depth: usize)
    -> Result<Read<Self::Value>, Malformed>;

    fn write(value: &Self::Value, out: &mut Vec<u8>);
}

/// A value of another kind than the field's: `null` (which means absent), or the wrong
/// type, read to its end and left out.
fn other<T>(
    p: &mut Parser<'_>,
    kind: Kind,
    depth: usize,
    expected: &'static str,
) -> Result<Read<T>, Malformed> {
    if kind == Kind::Null {
        p.reader.null()?;
        Ok(Read::Null)
    } else {
        p.reader.skip_value(depth)?;
        Ok(Read::Wrong(expected))
    }
}

/// A value that must be of JSON kind `kind`, read by `read`; any other is named `expected`.
fn scalar<'a, T>(
    p: &mut Parser<'a>,
    depth: usize,
    kind: Kind,
    expected: &'static str,
    read: impl FnOnce(&mut Reader<'a>) -> Result<T, Malformed>,
) -> Result<Read<T>, Malformed> {
    let found = p.reader.peek()?;
    if found == kind {
        read(&mut p.reader).map(Read::Value)
    } else {
        other(p, found, depth, expected)
    }
}

/// Numbers are written as serde_json writes them (shortest round-trip form), so both
/// serializers of a message give the same bytes.
fn write_number<N: serde::Serialize>(value: &N, out: &mut Vec<u8>) {
    // Writing a number into a Vec cannot fail.
    let _ = serde_json::to_writer(out, value);
}

/// A string.
pub(crate) struct JsonString;

impl WireValue for JsonString {
    type Value = String;

    fn read(p: &mut Parser<'_>, _: Path<'_>, depth: usize) -> Result<Read<String>, Malformed> {
        scalar(p, depth, Kind::String, "a string", |r| {
            r.string().map(Cow::into_owned)
        })
    }

    fn write(value: &String, out: &mut Vec<u8>) {
        write_string(out, value);
    }
}

/// `true` or `false`.
pub(crate) struct JsonBool;

impl WireValue for JsonBool {
    type Value = bool;

    fn read(p: &mut Parser<'_>, _: Path<'_>, depth: usize) -> Result<Read<bool>, Malformed> {
        scalar(p, depth, Kind::Bool, "a boolean", Reader::boolean)
    }

    fn write(value: &bool, out: &mut Vec<u8>) {
        out.extend_from_slice(if *value { b"true" } else { b"false" });
    }
}

/// A finite number (`JSON.parse` reads `1e400` as infinity, which the server refuses).
pub(crate) struct JsonNumber;

impl WireValue for JsonNumber {
    type Value = f64;

    fn read(p: &mut Parser<'_>, _: Path<'_>, depth: usize) -> Result<Read<f64>, Malformed> {
        Ok(
            match scalar(p, depth, Kind::Number, "a number", Reader::number)? {
                Read::Value(n) if !n.is_finite() => Read::Wrong("a finite number"),
                read => read,
            },
        )
    }

    fn write(value: &f64, out: &mut Vec<u8>) {
        write_number(value, out);
    }
}

/// An integer as the server reads one: any JSON number without a fraction, so `3.0` is 3.
pub(crate) struct JsonInteger;

impl WireValue for JsonInteger {
    type Value = i64;

    fn read(p: &mut Parser<'_>, at: Path<'_>, depth: usize) -> Result<Read<i64>, Malformed> {
        Ok(match JsonNumber::read(p, at, depth)? {
            // Saturating: a huge integral number is out of every range anyway.
            Read::Value(n) if n.fract() == 0.0 => Read::Value(n as i64),
            Read::Null => Read::Null,
            Read::Value(_) | Read::Wrong(_) => Read::Wrong("an integer"),
        })
    }

    fn write(value: &i64, out: &mut Vec<u8>) {
        write_number(value, out);
    }
}

/// A string-valued enum: the words a field may hold, each with its value.
pub(crate) trait WireEnum: Copy + Default + PartialEq + 'static {
    /// Every word and the value it stands for, in the order error messages list them.
    const WORDS: &'static [(&'static str, Self)];
    /// The words alone, for the violation that lists them.
    const NAMES: &'static [&'static str];
}

/// A string that must be one of an enum's words. Another string is named with the words
/// allowed, and stands as the enum's default so the rest of the body is still checked.
pub(crate) struct JsonEnum<E>(PhantomData<E>);

impl<E: WireEnum> WireValue for JsonEnum<E> {
    type Value = E;

    fn read(p: &mut Parser<'_>, at: Path<'_>, depth: usize) -> Result<Read<E>, Malformed> {
        let found = p.reader.peek()?;
        if found != Kind::String {
            return other(p, found, depth, "a string");
        }
        let word = p.reader.string()?;
        if let Some((_, value)) = E::WORDS.iter().find(|(w, _)| *w == word) {
            return Ok(Read::Value(*value));
        }
        p.push(Violation::server(
            at.to_string(),
            Rule::OneOf { allowed: E::NAMES },
        ));
        Ok(Read::Value(E::default()))
    }

    fn write(value: &E, out: &mut Vec<u8>) {
        let word = E::WORDS
            .iter()
            .find(|(_, v)| v == value)
            .map_or("", |(w, _)| *w);
        write_string(out, word);
    }
}

/// An array of strings; an item of another type is named at its index and stands as `""`.
pub(crate) struct StringArray;

impl WireValue for StringArray {
    type Value = Vec<String>;

    fn read(
        p: &mut Parser<'_>,
        at: Path<'_>,
        depth: usize,
    ) -> Result<Read<Vec<String>>, Malformed> {
        let kind = p.reader.peek()?;
        if kind != Kind::Array {
            return other(p, kind, depth, "an array");
        }
        p.reader.enter();
        let mut items = Vec::new();
        let mut first = true;
        while p.reader.next_item(&mut first)? {
            if p.reader.peek()? == Kind::String {
                items.push(p.reader.string()?.into_owned());
                continue;
            }
            p.reader.skip_value(depth + 1)?;
            let expected = "a string".to_owned();
            p.push(Violation::server(
                at.index(items.len()).to_string(),
                Rule::WrongType { expected },
            ));
            items.push(String::new());
        }
        Ok(Read::Value(items))
    }

    fn write(value: &Vec<String>, out: &mut Vec<u8>) {
        write_array(value, out, |item, out| write_string(out, item));
    }
}

/// An array of objects; an item that is not an object is named at its index and stands
/// as a blank one.
pub(crate) struct ObjectArray<T>(PhantomData<T>);

impl<T: WireObject> WireValue for ObjectArray<T> {
    type Value = Vec<T>;

    fn read(p: &mut Parser<'_>, at: Path<'_>, depth: usize) -> Result<Read<Vec<T>>, Malformed> {
        let kind = p.reader.peek()?;
        if kind != Kind::Array {
            return other(p, kind, depth, "an array");
        }
        p.reader.enter();
        let mut items = Vec::new();
        let mut first = true;
        while p.reader.next_item(&mut first)? {
            let item_at = at.index(items.len());
            if p.reader.peek()? == Kind::Object {
                items.push(read_object::<T>(p, item_at, depth + 1)?);
                continue;
            }
            p.reader.skip_value(depth + 1)?;
            let expected = "an object".to_owned();
            p.push(Violation::server(
                item_at.to_string(),
                Rule::WrongType { expected },
            ));
            items.push(T::blank());
        }
        Ok(Read::Value(items))
    }

    fn write(value: &Vec<T>, out: &mut Vec<u8>) {
        write_array(value, out, write_object);
    }
}

fn write_array<T>(items: &[T], out: &mut Vec<u8>, write_item: impl Fn(&T, &mut Vec<u8>)) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_item(item, out);
    }
    out.push(b']');
}
