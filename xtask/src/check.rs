//! `cargo xtask check`: every committed generated file is what the code generates now.
//! CI runs it, so a change to the types that forgets to regenerate fails the build.

use std::path::Path;

use crate::generated::{self, Producer};
use crate::{header, n8n, openapi, schemas};

/// Every task whose output is committed. A new generator is one more line here.
pub(crate) const PRODUCERS: &[Producer] = &[
    schemas::PRODUCER,
    openapi::PRODUCER,
    header::PRODUCER,
    n8n::PRODUCER,
];

/// Regenerates everything in memory and compares it with the tree.
pub(crate) fn run(root: &Path) -> Result<(), String> {
    let mut report = Vec::new();
    for producer in PRODUCERS {
        let drifts = generated::drift(root, producer)?;
        if !drifts.is_empty() {
            let lines: Vec<String> = drifts
                .iter()
                .map(|d| format!("  {}", d.describe()))
                .collect();
            report.push(format!(
                "{}\n  run `cargo xtask {}` and commit the result",
                lines.join("\n"),
                producer.task
            ));
        }
    }
    if report.is_empty() {
        let mut tasks: Vec<&str> = PRODUCERS.iter().map(|p| p.task).collect();
        tasks.dedup();
        println!(
            "generated files are current (checked: {})",
            tasks.join(", ")
        );
        Ok(())
    } else {
        Err(format!(
            "generated files differ from what the code generates:\n{}",
            report.join("\n")
        ))
    }
}
