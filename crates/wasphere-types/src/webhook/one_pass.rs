//! Reading a payload object in one pass while keeping the fields this version does not
//! know. serde's `flatten` would first buffer the whole object to find them, which made
//! parsing the receiver's costliest step; these readers take each field as it comes.

use std::fmt;

use serde::de::{Deserialize, Deserializer, Error, Visitor};

/// An object's key, borrowed from the input when it holds no escapes (so known fields
/// cost no allocation) and owned otherwise.
pub(super) enum ObjectKey<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl ObjectKey<'_> {
    pub(super) fn as_str(&self) -> &str {
        match self {
            ObjectKey::Borrowed(s) => s,
            ObjectKey::Owned(s) => s,
        }
    }

    pub(super) fn into_owned(self) -> String {
        match self {
            ObjectKey::Borrowed(s) => s.to_owned(),
            ObjectKey::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for ObjectKey<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = ObjectKey<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(ObjectKey::Borrowed(v))
            }

            fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(ObjectKey::Owned(v.to_owned()))
            }

            fn visit_string<E: Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(ObjectKey::Owned(v))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Implements `Deserialize` for a payload struct that has `Default` and an
/// `extra: Map<String, Value>`: each listed JSON name is read as the given type and
/// turned into the field by the given function; every other field goes to `extra`, as
/// it came. A repeated field keeps its last value, as JSON objects read into maps do.
macro_rules! deserialize_in_one_pass {
    ($ty:ident, $expecting:literal, { $($name:literal => $field:ident: $read:ty => $finish:expr),+ $(,)? }) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct OnePass;
                impl<'de> serde::de::Visitor<'de> for OnePass {
                    type Value = $ty;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str($expecting)
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$ty, A::Error> {
                        let mut value = $ty::default();
                        while let Some(key) =
                            map.next_key::<super::one_pass::ObjectKey<'de>>()?
                        {
                            match key.as_str() {
                                $($name => value.$field = ($finish)(map.next_value::<$read>()?),)+
                                _ => {
                                    let unknown = map.next_value()?;
                                    value.extra.insert(key.into_owned(), unknown);
                                }
                            }
                        }
                        Ok(value)
                    }
                }
                d.deserialize_map(OnePass)
            }
        }
    };
}

pub(super) use deserialize_in_one_pass;
