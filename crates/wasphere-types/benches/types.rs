//! Benchmarks of wasphere-types (being written).

fn main() {}
