//! The `wasphere` command (being written: see the CLI issue).

fn main() {}
