//! `wasphere schema NAME` and `wasphere schema --all [--out DIR]`.

use serde_json::{Map, Value, json};
use wasphere_types::schema::{all_schemas, schema_named};

use crate::cli::SchemaArgs;
use crate::failure::Failure;
use crate::output::Output;

/// Prints one schema, or all of them, or writes them as `NAME.schema.json` files (the
/// same bytes as the repository's `docs/schemas/`).
pub(crate) fn run(args: &SchemaArgs, out: &Output) -> Result<(), Failure> {
    if let Some(name) = &args.name {
        let schema = schema_named(name).ok_or_else(|| {
            let names: Vec<&str> = all_schemas().into_iter().map(|(n, _)| n).collect();
            Failure::invalid(format!("there is no schema named {name:?}"))
                .hint(format!("the schemas are: {}", names.join(", ")))
        })?;
        out.line(&pretty(&schema));
        return Ok(());
    }
    let Some(dir) = &args.out else {
        let all: Map<String, Value> = all_schemas()
            .into_iter()
            .map(|(name, schema)| (name.to_owned(), schema))
            .collect();
        out.line(&pretty(&Value::Object(all)));
        return Ok(());
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::other(format!("cannot create {}: {e}", dir.display())))?;
    let mut written = Vec::new();
    for (name, schema) in all_schemas() {
        let path = dir.join(format!("{name}.schema.json"));
        let mut text = pretty(&schema);
        text.push('\n');
        std::fs::write(&path, text)
            .map_err(|e| Failure::other(format!("cannot write {}: {e}", path.display())))?;
        written.push(path.display().to_string());
    }
    if out.is_json() {
        out.json(&json!({ "written": written }));
    } else {
        for path in &written {
            out.line(path);
        }
    }
    Ok(())
}

fn pretty(value: &Value) -> String {
    // Serializing a Value cannot fail.
    serde_json::to_string_pretty(value).unwrap_or_default()
}
