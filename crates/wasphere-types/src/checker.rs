//! The collector behind every `validate()`: walks a payload, records each broken rule.

use std::fmt;

use crate::length::{fits, server_length};
use crate::violation::{Rule, ValidationError, Violation};

/// A field path built on the stack, so a valid payload costs no allocation;
/// it becomes a `String` only when a rule is broken.
#[derive(Clone, Copy)]
pub(crate) enum Path<'a> {
    Root,
    Field(&'a Path<'a>, &'static str),
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    pub(crate) fn field(&'a self, name: &'static str) -> Path<'a> {
        Path::Field(self, name)
    }

    pub(crate) fn index(&'a self, i: usize) -> Path<'a> {
        Path::Index(self, i)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Field(Path::Root, name) => f.write_str(name),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// Records violations; each payload's `check` method feeds it.
#[derive(Default)]
pub(crate) struct Checker {
    violations: Vec<Violation>,
}

impl Checker {
    pub(crate) fn finish(self) -> Result<(), ValidationError> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(ValidationError {
                violations: self.violations,
            })
        }
    }

    pub(crate) fn server(&mut self, path: Path<'_>, rule: Rule) {
        self.violations
            .push(Violation::server(path.to_string(), rule));
    }

    pub(crate) fn client(&mut self, path: Path<'_>, rule: Rule) {
        self.violations
            .push(Violation::client(path.to_string(), rule));
    }

    /// A required string of 1 to `max` characters.
    pub(crate) fn text(&mut self, path: Path<'_>, value: &str, max: usize) {
        if value.is_empty() {
            self.server(path, Rule::NotEmpty);
        } else {
            self.max_length(path, value, max);
        }
    }

    /// An optional string of at most `max` characters (`""` allowed).
    pub(crate) fn optional_text(&mut self, path: Path<'_>, value: Option<&str>, max: usize) {
        if let Some(value) = value {
            self.max_length(path, value, max);
        }
    }

    pub(crate) fn max_length(&mut self, path: Path<'_>, value: &str, max: usize) {
        if !fits(value, max) {
            let actual = server_length(value);
            self.server(path, Rule::MaxLength { limit: max, actual });
        }
    }

    /// A list of `min` to `max` items.
    pub(crate) fn items(&mut self, path: Path<'_>, len: usize, min: usize, max: usize) {
        if len < min {
            self.server(
                path,
                Rule::MinItems {
                    limit: min,
                    actual: len,
                },
            );
        } else if len > max {
            self.server(
                path,
                Rule::MaxItems {
                    limit: max,
                    actual: len,
                },
            );
        }
    }

    pub(crate) fn range(&mut self, path: Path<'_>, value: f64, min: f64, max: f64) {
        if !(min..=max).contains(&value) {
            self.server(
                path,
                Rule::Range {
                    min,
                    max,
                    actual: value,
                },
            );
        }
    }

    /// Client-side: the items, keyed by `key`, must be distinct; `item_path` names item `i`'s key.
    pub(crate) fn distinct<'v, T>(
        &mut self,
        items: &'v [T],
        key: impl Fn(&'v T) -> &'v str,
        item_path: impl Fn(usize) -> String,
    ) {
        // Lists here hold at most 100 items: a quadratic scan beats hashing at this size.
        for (i, item) in items.iter().enumerate() {
            let k = key(item);
            if let Some(first) = items[..i].iter().position(|earlier| key(earlier) == k) {
                self.violations.push(Violation::client(
                    item_path(i),
                    Rule::Unique {
                        first: item_path(first),
                    },
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_like_the_wire() {
        let root = Path::Root;
        let sections = root.field("sections");
        let one = sections.index(1);
        let rows = one.field("rows");
        let zero = rows.index(0);
        assert_eq!(zero.field("title").to_string(), "sections[1].rows[0].title");
        assert_eq!(root.field("to").to_string(), "to");
    }
}
