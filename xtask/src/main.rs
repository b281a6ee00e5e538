//! Project tasks, run as `cargo xtask <task>`:
//!
//! - `schemas`: writes the JSON Schemas of `wasphere-types` to `docs/schemas/`, and the
//!   OpenAPI document built from them to `docs/openapi.json`;
//! - `n8n`: writes the generated fields of the n8n node from `docs/schemas/`;
//! - `check`: fails when a committed generated file differs from what the code generates.

// Printing to the terminal is what a command-line task is for.
#![allow(clippy::print_stdout)]
// Unit tests unwrap on purpose: a panic is how a test reports the unexpected.
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod check;
mod generated;
mod header;
mod n8n;
mod openapi;
mod schemas;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  schemas   write docs/schemas/<name>.schema.json and docs/openapi.json from wasphere-types
  header    write crates/wasphere-ffi/include/wasphere.h with cbindgen
  n8n       write the n8n node's operations and fields from docs/schemas/
  check     fail if a generated file in the tree is stale, missing or extra";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let outcome = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["schemas"] => schemas::run(&root).and_then(|()| openapi::run(&root)),
        ["header"] => header::run(&root),
        ["n8n"] => n8n::run(&root),
        ["check"] => check::run(&root),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown or missing task\n\n{USAGE}")),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: this package lives in `<root>/xtask`, wherever the command was run from.
fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.clone(), PathBuf::from)
}
