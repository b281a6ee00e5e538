//! Issue 9, part 1, as a property: break a documented body in a few places at any depth
//! (rename a field, drop it, give it another JSON type, add an unknown one, replace an
//! array item by another type), and the one answer of `Message::parse` names every field
//! broken, with the field's original name suggested for a respelled one, and names no
//! other problem of shape.

// A panic is how a test reports the unexpected.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde_json::{Map, Value, json};
use wasphere_types::{Message, MessageType, Rule, documented_example};

/// Whether `key` is an optional field of `t` (or of an object nested in it): dropping it
/// breaks nothing.
fn is_optional(t: MessageType, key: &str) -> bool {
    match key {
        "quotedId" | "caption" | "isVoiceNote" | "address" | "selectableCount" | "description"
        | "fromMe" => true,
        "name" => t == MessageType::Location,
        _ => false,
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    /// Respell the key: upper case, snake_case or an unrelated name.
    Rename(Index, Index, Spelling),
    Drop(Index, Index),
    Retype(Index, Index, Index),
    Add(Index, String),
    RetypeItem(Index, Index),
}

#[derive(Debug, Clone, Copy)]
enum Spelling {
    Upper,
    Snake,
    Unrelated,
}

/// What the answer must say about one path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Expect {
    Unknown { suggestion: Option<String> },
    Required,
    WrongType,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let spelling = prop_oneof![
        Just(Spelling::Upper),
        Just(Spelling::Snake),
        Just(Spelling::Unrelated)
    ];
    prop_oneof![
        (any::<Index>(), any::<Index>(), spelling).prop_map(|(o, k, s)| Mutation::Rename(o, k, s)),
        (any::<Index>(), any::<Index>()).prop_map(|(o, k)| Mutation::Drop(o, k)),
        (any::<Index>(), any::<Index>(), any::<Index>())
            .prop_map(|(o, k, v)| Mutation::Retype(o, k, v)),
        (any::<Index>(), "zz[a-z]{1,6}").prop_map(|(o, k)| Mutation::Add(o, k)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, i)| Mutation::RetypeItem(a, i)),
    ]
}

/// Our path of a JSON pointer: `/sections/0/rows/1/id` is `sections[0].rows[1].id`.
fn path_of(pointer: &str) -> String {
    let mut path = String::new();
    for segment in pointer.split('/').skip(1) {
        if segment.parse::<usize>().is_ok() {
            path.push_str(&format!("[{segment}]"));
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(segment);
        }
    }
    path
}

/// Pointers to every object (`objects`) and every array (`arrays`) in `value`.
fn containers(value: &Value, pointer: String, objects: &mut Vec<String>, arrays: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                containers(v, format!("{pointer}/{k}"), objects, arrays);
            }
            objects.push(pointer);
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                containers(v, format!("{pointer}/{i}"), objects, arrays);
            }
            arrays.push(pointer);
        }
        _ => {}
    }
}

/// A value of another JSON type than `value`'s (never `null`, which means "absent").
fn other_type(value: &Value, pick: Index) -> Value {
    let choices = match value {
        Value::String(_) => vec![json!(5), json!(true), json!([]), json!({"a": 1})],
        Value::Number(_) => vec![json!("12"), json!(false), json!([1])],
        Value::Bool(_) => vec![json!("true"), json!(1)],
        Value::Array(_) => vec![json!("x"), json!(1), json!({"id": "a"})],
        _ => vec![json!("x")],
    };
    pick.get(&choices).clone()
}

fn respelled(key: &str, spelling: Spelling) -> String {
    match spelling {
        Spelling::Upper => key.to_uppercase(),
        Spelling::Snake if key.chars().any(|c| c.is_ascii_uppercase()) => key
            .chars()
            .flat_map(|c| match c.is_ascii_uppercase() {
                true => vec!['_', c.to_ascii_lowercase()],
                false => vec![c],
            })
            .collect(),
        // A key without capitals gets a separator anyway, so it is respelled.
        Spelling::Snake => format!("{key}_"),
        Spelling::Unrelated => format!("zz{}", key.len()),
    }
}

/// Applies the mutations that still make sense in turn; returns what the answer must say.
fn mutate(t: MessageType, body: &mut Value, mutations: &[Mutation]) -> Vec<(String, Expect)> {
    let mut expected: Vec<(String, Expect)> = Vec::new();
    // Keys already touched, as paths: each is mutated at most once.
    let mut touched: BTreeSet<String> = BTreeSet::new();
    for m in mutations {
        let (mut objects, mut arrays) = (Vec::new(), Vec::new());
        containers(body, String::new(), &mut objects, &mut arrays);
        let object_at = |i: &Index| i.get(&objects).clone();
        let (target, effect): (String, Option<Expect>) = match m {
            Mutation::Rename(o, k, spelling) => {
                let pointer = object_at(o);
                let Some((map, key, old_path)) = untouched_key(body, &pointer, k, &touched) else {
                    continue;
                };
                let new_key = respelled(&key, *spelling);
                let new_path = path_of(&format!("{pointer}/{new_key}"));
                if map.contains_key(&new_key) || touched.contains(&new_path) {
                    continue;
                }
                let value = map.remove(&key).unwrap();
                map.insert(new_key.clone(), value);
                forget_under(&mut expected, &old_path);
                touched.insert(new_path.clone());
                let suggestion = match spelling {
                    Spelling::Unrelated => None,
                    _ => Some(old_path.clone()),
                };
                expected.push((new_path, Expect::Unknown { suggestion }));
                let required = !is_optional(t, &key);
                (old_path, required.then_some(Expect::Required))
            }
            Mutation::Drop(o, k) => {
                let Some((map, key, path)) = untouched_key(body, &object_at(o), k, &touched) else {
                    continue;
                };
                map.remove(&key);
                forget_under(&mut expected, &path);
                let required = !is_optional(t, &key);
                (path, required.then_some(Expect::Required))
            }
            Mutation::Retype(o, k, v) => {
                let Some((map, key, path)) = untouched_key(body, &object_at(o), k, &touched) else {
                    continue;
                };
                let new = other_type(&map[&key], *v);
                map.insert(key, new);
                forget_under(&mut expected, &path);
                (path, Some(Expect::WrongType))
            }
            Mutation::Add(o, key) => {
                let pointer = object_at(o);
                let map = body.pointer_mut(&pointer).unwrap().as_object_mut().unwrap();
                let path = path_of(&format!("{pointer}/{key}"));
                if map.contains_key(key) {
                    continue;
                }
                map.insert(key.clone(), json!({"nested": [1, {"deeper": null}]}));
                (path, Some(Expect::Unknown { suggestion: None }))
            }
            Mutation::RetypeItem(a, i) => {
                if arrays.is_empty() {
                    continue;
                }
                let pointer = a.get(&arrays).clone();
                let items = body.pointer_mut(&pointer).unwrap().as_array_mut().unwrap();
                if items.is_empty() {
                    continue;
                }
                let index = i.index(items.len());
                let path = path_of(&format!("{pointer}/{index}"));
                if touched.contains(&path) {
                    continue;
                }
                let new = match items[index] {
                    Value::String(_) => json!(7),
                    _ => json!("x"),
                };
                items[index] = new;
                forget_under(&mut expected, &path);
                (path, Some(Expect::WrongType))
            }
        };
        touched.insert(target.clone());
        if let Some(effect) = effect {
            expected.push((target, effect));
        }
        // Nothing inside an unknown field or a value of the wrong type is read, so
        // nothing there is named.
        let unread: Vec<String> = expected
            .iter()
            .filter(|(_, e)| *e != Expect::Required)
            .map(|(p, _)| p.clone())
            .collect();
        expected.retain(|(p, _)| !unread.iter().any(|u| is_under(p, u)));
    }
    expected
}

/// Whether `path` lies strictly inside the value at `parent`.
fn is_under(path: &str, parent: &str) -> bool {
    path.strip_prefix(parent)
        .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// The object at `pointer`, one of its keys and that key's path, unless the object is
/// empty or the key was already mutated.
fn untouched_key<'v>(
    body: &'v mut Value,
    pointer: &str,
    k: &Index,
    touched: &BTreeSet<String>,
) -> Option<(&'v mut Map<String, Value>, String, String)> {
    let map = body.pointer_mut(pointer)?.as_object_mut()?;
    let keys: Vec<&String> = map.keys().collect();
    let key = (!keys.is_empty()).then(|| k.get(&keys).to_string())?;
    let path = path_of(&format!("{pointer}/{key}"));
    (!touched.contains(&path)).then_some((map, key, path))
}

/// Drops expectations about `path` and what lies under it: it was replaced or removed.
fn forget_under(expected: &mut Vec<(String, Expect)>, path: &str) {
    expected.retain(|(p, _)| p != path && !is_under(p, path));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_field_a_mutation_breaks_is_named(
        t in select(MessageType::ALL.to_vec()),
        mutations in proptest::collection::vec(mutation(), 1..5),
    ) {
        let mut body: Value = serde_json::from_str(documented_example(t)).unwrap();
        let expected = mutate(t, &mut body, &mutations);
        let bytes = serde_json::to_vec(&body).unwrap();
        let parsed = Message::parse(t, &bytes);
        if expected.is_empty() {
            // Only optional fields were dropped: the shape is still right.
            prop_assert!(parsed.is_ok(), "{}: {:?}", String::from_utf8_lossy(&bytes), parsed);
            return Ok(());
        }
        let err = parsed.unwrap_err();

        // The answer's problems of shape are exactly those the mutations made.
        let mut shape: Vec<(String, Expect)> = err
            .violations
            .iter()
            .filter_map(|v| {
                let found = match &v.rule {
                    Rule::UnknownField => Expect::Unknown { suggestion: v.suggestion.clone() },
                    Rule::Required => Expect::Required,
                    Rule::WrongType { .. } => Expect::WrongType,
                    _ => return None,
                };
                Some((v.path.clone(), found))
            })
            .collect();
        let mut expected = expected;
        // An unrelated name may still come close to some field; only respellings of the
        // field's own name promise a suggestion.
        for (path, found) in &mut shape {
            if let Expect::Unknown { suggestion } = found {
                let promised = expected.iter().any(|(p, e)| {
                    p == path && matches!(e, Expect::Unknown { suggestion: Some(_) })
                });
                if !promised {
                    *suggestion = None;
                }
            }
        }
        expected.sort();
        shape.sort();
        prop_assert_eq!(&shape, &expected, "body: {}", String::from_utf8_lossy(&bytes));
    }
}
