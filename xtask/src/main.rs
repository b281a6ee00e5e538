//! Project tasks: `cargo xtask schemas`, `cargo xtask check` (being written).

fn main() {}
