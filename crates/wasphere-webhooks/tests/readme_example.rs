//! The README's "Receive replies" section shows `examples/reply_bot.rs` as it is, so the
//! code readers copy is code that compiles.

#[test]
fn the_readme_shows_the_bot_example_verbatim() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap_or_default();
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/reply_bot.rs"
    ))
    .unwrap_or_default();
    let code = example
        .find("use axum::Router;")
        .map_or("", |start| &example[start..]);
    assert!(code.len() > 500, "examples/reply_bot.rs lost its code");
    assert!(
        readme.contains(&format!("```rust\n{code}```")),
        "README.md's \"Receive replies\" must show examples/reply_bot.rs from `use axum::Router;` on, verbatim"
    );
}
