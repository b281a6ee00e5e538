//! `cargo xtask schemas`: the JSON Schemas of `wasphere-types`, one file per schema in
//! `docs/schemas/`, so other languages can validate bodies without Rust.

use std::path::Path;

use crate::generated::{self, GeneratedFile, Producer};

/// The directory the schemas go to, relative to the workspace root.
const DIR: &str = "docs/schemas";
const SUFFIX: &str = ".schema.json";

/// The schema files, for `check`.
pub(crate) const PRODUCER: Producer = Producer {
    task: "schemas",
    owned_dir: Some((DIR, SUFFIX)),
    generate,
};

/// Every schema of `wasphere_types::schema::all_schemas()`, pretty-printed with a
/// trailing newline (so the files diff and `cat` cleanly).
fn generate(_root: &Path) -> Result<Vec<GeneratedFile>, String> {
    wasphere_types::schema::all_schemas()
        .into_iter()
        .map(|(name, schema)| {
            let mut contents = serde_json::to_string_pretty(&schema)
                .map_err(|e| format!("cannot serialize the {name} schema: {e}"))?;
            contents.push('\n');
            Ok(GeneratedFile {
                path: format!("{DIR}/{name}{SUFFIX}"),
                contents,
            })
        })
        .collect()
}

/// Writes the schema files.
pub(crate) fn run(root: &Path) -> Result<(), String> {
    let written = generated::write(root, &PRODUCER)?;
    println!("wrote {} schemas to {DIR}/", written.len());
    Ok(())
}
