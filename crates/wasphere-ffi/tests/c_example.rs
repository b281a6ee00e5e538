//! Compiles `examples/c/wasphere_demo.c` with `cc` against the header and the cdylib of
//! this build, and runs it against a sandbox: it must validate and send the 14
//! documented examples, edit, delete, mark read, show typing and presence, show a
//! validation error, a refused key and a provider that cannot edit, and verify a webhook.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::process::Command;

use wasphere_types::{MessageType, documented_example};

/// The C source spelling of `body` as the demo embeds it: one literal per line.
fn c_literal(body: &str) -> String {
    let lines: Vec<&str> = body.split('\n').collect();
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let escaped = line.replace('\\', "\\\\").replace('"', "\\\"");
            let newline = if i + 1 < lines.len() { "\\n" } else { "" };
            format!("\"{escaped}{newline}\"")
        })
        .collect::<Vec<_>>()
        .join("\n     ")
}

#[test]
fn the_demo_embeds_the_documented_examples_byte_for_byte() {
    let source =
        std::fs::read_to_string(common::crate_dir().join("examples/c/wasphere_demo.c")).unwrap();
    for t in MessageType::ALL {
        let entry = format!(
            "{{\"{}\",\n     {}}}",
            t.as_str(),
            c_literal(documented_example(t))
        );
        assert!(
            source.contains(&entry),
            "the C demo's {t} example differs from the documentation's:\n{entry}"
        );
    }
}

#[test]
fn the_c_demo_runs_against_a_sandbox() {
    let lib = common::library_dir("c");
    let lib_dir = &lib.dir;
    let exe = lib_dir.join("wasphere_demo");
    let compiled = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".to_owned()))
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"])
        .arg("-I")
        .arg(common::crate_dir().join("include"))
        .arg(common::crate_dir().join("examples/c/wasphere_demo.c"))
        .arg("-L")
        .arg(lib_dir)
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .arg("-lwasphere")
        .arg("-o")
        .arg(&exe)
        .output()
        .expect("a C compiler `cc` (or $CC) is needed to build the C example");
    assert!(
        compiled.status.success(),
        "cc failed:\n{}",
        String::from_utf8_lossy(&compiled.stderr)
    );

    let sandbox = common::Harness::start();
    let webhook = common::signed_webhook();
    let run = Command::new(&exe)
        // Cargo points the loader at target/<profile>, which may hold an older
        // libwasphere from a `cargo build`; the rpath must decide.
        .env_remove("LD_LIBRARY_PATH")
        .env_remove("DYLD_LIBRARY_PATH")
        .env("WASPHERE_BASE_URL", &sandbox.base_url)
        .env("WASPHERE_WEBHOOK_SECRET", &webhook.secret)
        .env("WASPHERE_WEBHOOK_TIMESTAMP", &webhook.timestamp)
        .env("WASPHERE_WEBHOOK_SIGNATURE", &webhook.signature)
        .env("WASPHERE_WEBHOOK_BODY", &webhook.body)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(
        run.status.code(),
        Some(0),
        "the demo failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("validated and sent 14 of 14 documented examples"),
        "{stdout}"
    );
    for t in MessageType::ALL {
        assert!(
            stdout.contains(&format!("sent {:<9} -> {{\"messageId\"", t.as_str())),
            "{t}: {stdout}"
        );
    }
    for line in [
        "edit -> 0 {\"messageId\":\"",
        "delete -> 0 {\"status\":\"deleted\"}",
        "mark read -> 0 {\"status\":\"read\"}",
        "typing -> 0 {\"status\":\"typing\"}",
        "presence -> 0 {\"status\":\"composing\"}",
        "edit a bad id -> 2 ",
        "delete for me -> 2 ",
        "edit on a Meta session -> 6 ",
    ] {
        assert!(stdout.contains(line), "no {line:?} in:\n{stdout}");
    }
    let done: Vec<&str> = sandbox
        .operations()
        .iter()
        .map(|op| op.operation.as_str())
        .collect();
    assert_eq!(done, ["edit", "delete", "read", "typing", "presence"]);
    assert!(stdout.contains("validate buttons -> 2 "), "{stdout}");
    assert!(stdout.contains("send with a wrong key -> 3 "), "{stdout}");
    assert!(
        stdout.contains("verify webhook -> 0 {\"event\":\"message.received\""),
        "{stdout}"
    );
    assert!(stdout.contains("verify tampered webhook -> 3 "), "{stdout}");
    assert!(stdout.ends_with("all good\n"), "{stdout}");
    assert!(
        !stdout.contains("not-the-right-key"),
        "the key leaked: {stdout}"
    );
    assert_eq!(
        sandbox.accepted(),
        15,
        "the sandbox did not record the 14 sends and the text edited"
    );
}

#[test]
fn the_readme_c_example_compiles() {
    let readme = std::fs::read_to_string(common::crate_dir().join("../../README.md")).unwrap();
    let section = &readme[readme
        .find("## From C")
        .expect("README has a From C section")..];
    let start = section.find("```c\n").unwrap() + "```c\n".len();
    let code = &section[start..start + section[start..].find("```").unwrap()];
    assert!(
        code.lines().count() <= 12,
        "the README's C example should stay short"
    );
    let lib = common::library_dir("readme");
    let dir = &lib.dir;
    let file = dir.join("hello.c");
    std::fs::write(&file, code).unwrap();
    let compiled = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".to_owned()))
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-I"])
        .arg(common::crate_dir().join("include"))
        .arg(&file)
        .arg("-L")
        .arg(dir)
        .arg("-lwasphere")
        .arg("-o")
        .arg(dir.join("hello"))
        .output()
        .expect("a C compiler `cc` (or $CC) is needed to build the C example");
    assert!(
        compiled.status.success(),
        "the README's C example does not compile:\n{}",
        String::from_utf8_lossy(&compiled.stderr)
    );
}
