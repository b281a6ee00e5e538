//! The collector behind every `validate()`: walks a payload, records each broken rule.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::length::{fits, server_length};
use crate::violation::{Rule, ValidationError, Violation};
use crate::violation_list::ViolationList;

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

/// A payload whose rules a [`Checker`] can check (every payload, through `validated!`).
pub(crate) trait Rules {
    fn check_rules(&self, c: &mut Checker, p: Path<'_>);
}

/// Records violations; each payload's `check` method feeds it.
#[derive(Default)]
pub(crate) struct Checker {
    violations: ViolationList,
    /// Paths of values a body lacks (see [`Checker::ignoring`]); `None` for `validate()`,
    /// which then pays for no hasher.
    ignored: Option<HashSet<String>>,
}

impl Checker {
    /// A checker that leaves out violations about the values at `paths` or under them, or
    /// that compare with them. A body that lacks a field, or has it with the wrong JSON
    /// type, is checked with an empty value standing in; that value's emptiness is no news.
    pub(crate) fn ignoring(paths: HashSet<String>) -> Self {
        Checker {
            violations: ViolationList::default(),
            ignored: Some(paths),
        }
    }

    pub(crate) fn finish(self) -> Result<(), ValidationError> {
        self.violations.finish()
    }

    fn record(&mut self, violation: Violation) {
        let ignored = self
            .ignored
            .as_ref()
            .is_some_and(|paths| rests_on(&violation, paths));
        if !ignored {
            self.violations.push(violation);
        }
    }

    pub(crate) fn server(&mut self, path: Path<'_>, rule: Rule) {
        self.record(Violation::server(path.to_string(), rule));
    }

    pub(crate) fn client(&mut self, path: Path<'_>, rule: Rule) {
        self.record(Violation::client(path.to_string(), rule));
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
        // Valid lists hold at most 100 items, where a quadratic scan beats hashing; a body
        // can hold a million, where it would never finish.
        let mut firsts: Option<HashMap<&str, usize>> =
            (items.len() > Self::SCANNED).then(HashMap::new);
        for (i, item) in items.iter().enumerate() {
            let k = key(item);
            let first = match firsts.as_mut() {
                None => items[..i].iter().position(|earlier| key(earlier) == k),
                Some(firsts) => Some(*firsts.entry(k).or_insert(i)).filter(|&first| first != i),
            };
            if let Some(first) = first {
                self.record(Violation::client(
                    item_path(i),
                    Rule::Unique {
                        first: item_path(first),
                    },
                ));
            }
        }
    }

    /// Lists up to this long are checked for repeats by scanning.
    const SCANNED: usize = 32;
}

/// Whether `v` is about a value at one of `paths` (or under it), or compares with one.
fn rests_on(v: &Violation, paths: &HashSet<String>) -> bool {
    let other = match &v.rule {
        Rule::AtMostField { field, .. } => Some(*field),
        Rule::Unique { first } => Some(first.as_str()),
        _ => None,
    };
    is_at_or_under(&v.path, paths) || other.is_some_and(|path| is_at_or_under(path, paths))
}

/// Whether `path` or one of its parents (`buttons[0]`, `buttons` for `buttons[0].id`) is
/// one of `paths`.
fn is_at_or_under(path: &str, paths: &HashSet<String>) -> bool {
    paths.contains(path)
        || path
            .char_indices()
            .filter(|&(_, c)| c == '.' || c == '[')
            .any(|(i, _)| path.get(..i).is_some_and(|parent| paths.contains(parent)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_found_in_short_and_long_lists_alike() {
        for len in [4, Checker::SCANNED + 1, 10_000] {
            let mut items: Vec<String> = (0..len).map(|i| format!("o{i}")).collect();
            items[2] = "o0".to_owned();
            items[len - 1] = "o1".to_owned();
            let mut c = Checker::default();
            c.distinct(&items, String::as_str, |i| format!("options[{i}]"));
            let found: Vec<(String, Rule)> = c
                .finish()
                .unwrap_err()
                .violations
                .into_iter()
                .map(|v| (v.path, v.rule))
                .collect();
            let unique = |first: &str| Rule::Unique {
                first: first.to_owned(),
            };
            let expected = [
                ("options[2]".to_owned(), unique("options[0]")),
                (format!("options[{}]", len - 1), unique("options[1]")),
            ];
            assert_eq!(found, expected, "{len}");
        }
    }

    #[test]
    fn ignored_values_and_what_compares_with_them_are_left_out() {
        let ignored = ["buttons[0]", "options"].map(str::to_owned).into();
        let mut c = Checker::ignoring(ignored);
        let root = Path::Root;
        let buttons = root.field("buttons");
        let (zero, one) = (buttons.index(0), buttons.index(1));
        c.server(zero.field("id"), Rule::NotEmpty);
        c.server(root.field("buttonsX"), Rule::NotEmpty);
        c.server(one.field("id"), Rule::NotEmpty);
        c.distinct(&["a", "a"], |s| s, |i| format!("buttons[{i}].id"));
        c.client(
            root.field("selectableCount"),
            Rule::AtMostField {
                field: "options",
                limit: 0,
                actual: 1,
            },
        );
        let paths: Vec<String> = c
            .finish()
            .unwrap_err()
            .violations
            .into_iter()
            .map(|v| v.path)
            .collect();
        assert_eq!(paths, ["buttonsX", "buttons[1].id"]);
    }

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
